//! epiwire: the atoms of the tag and attribute names seen most on news pages, matched without
//! hashing.

use crate::LocalName;
use markup5ever::local_name;

/// The atom `LocalName::from(name)` returns, found by a match for common names (a length
/// switch, then a few word compares) instead of string_cache's path (a copy into an inline
/// atom, or a SipHash and a table probe for names over seven bytes). `local_name!` yields the
/// very atom `LocalName::from` would, so the answer is the same; other names go to
/// `LocalName::from`.
pub(crate) fn local_name(name: &str) -> LocalName {
        match name.len() {
            1 => match name {
                "a" => return local_name!("a"),
                "p" => return local_name!("p"),
                "i" => return local_name!("i"),
                "b" => return local_name!("b"),
                "d" => return local_name!("d"),
                "u" => return local_name!("u"),
                _ => {},
            },
            2 => match name {
                "li" => return local_name!("li"),
                "td" => return local_name!("td"),
                "ul" => return local_name!("ul"),
                "id" => return local_name!("id"),
                "tr" => return local_name!("tr"),
                "h3" => return local_name!("h3"),
                "h2" => return local_name!("h2"),
                "br" => return local_name!("br"),
                "h1" => return local_name!("h1"),
                "em" => return local_name!("em"),
                "h4" => return local_name!("h4"),
                "th" => return local_name!("th"),
                "ol" => return local_name!("ol"),
                "hr" => return local_name!("hr"),
                "dl" => return local_name!("dl"),
                "dt" => return local_name!("dt"),
                "dd" => return local_name!("dd"),
                "h5" => return local_name!("h5"),
                "h6" => return local_name!("h6"),
                _ => {},
            },
            3 => match name {
                "div" => return local_name!("div"),
                "src" => return local_name!("src"),
                "rel" => return local_name!("rel"),
                "img" => return local_name!("img"),
                "alt" => return local_name!("alt"),
                "nav" => return local_name!("nav"),
                "svg" => return local_name!("svg"),
                "for" => return local_name!("for"),
                "dir" => return local_name!("dir"),
                "sup" => return local_name!("sup"),
                "pre" => return local_name!("pre"),
                _ => {},
            },
            4 => match name {
                "href" => return local_name!("href"),
                "span" => return local_name!("span"),
                "type" => return local_name!("type"),
                "name" => return local_name!("name"),
                "meta" => return local_name!("meta"),
                "link" => return local_name!("link"),
                "role" => return local_name!("role"),
                "form" => return local_name!("form"),
                "path" => return local_name!("path"),
                "html" => return local_name!("html"),
                "body" => return local_name!("body"),
                "head" => return local_name!("head"),
                "fill" => return local_name!("fill"),
                "time" => return local_name!("time"),
                "main" => return local_name!("main"),
                "font" => return local_name!("font"),
                "code" => return local_name!("code"),
                "lang" => return local_name!("lang"),
                _ => {},
            },
            5 => match name {
                "class" => return local_name!("class"),
                "value" => return local_name!("value"),
                "title" => return local_name!("title"),
                "input" => return local_name!("input"),
                "width" => return local_name!("width"),
                "style" => return local_name!("style"),
                "label" => return local_name!("label"),
                "media" => return local_name!("media"),
                "sizes" => return local_name!("sizes"),
                "async" => return local_name!("async"),
                "table" => return local_name!("table"),
                "tbody" => return local_name!("tbody"),
                "small" => return local_name!("small"),
                "aside" => return local_name!("aside"),
                "align" => return local_name!("align"),
                "xmlns" => return local_name!("xmlns"),
                "defer" => return local_name!("defer"),
                _ => {},
            },
            6 => match name {
                "target" => return local_name!("target"),
                "script" => return local_name!("script"),
                "option" => return local_name!("option"),
                "height" => return local_name!("height"),
                "strong" => return local_name!("strong"),
                "button" => return local_name!("button"),
                "iframe" => return local_name!("iframe"),
                "footer" => return local_name!("footer"),
                "select" => return local_name!("select"),
                "srcset" => return local_name!("srcset"),
                "action" => return local_name!("action"),
                "method" => return local_name!("method"),
                "header" => return local_name!("header"),
                "source" => return local_name!("source"),
                "figure" => return local_name!("figure"),
                "center" => return local_name!("center"),
                "border" => return local_name!("border"),
                "valign" => return local_name!("valign"),
                _ => {},
            },
            7 => match name {
                "content" => return local_name!("content"),
                "article" => return local_name!("article"),
                "section" => return local_name!("section"),
                "colspan" => return local_name!("colspan"),
                "onclick" => return local_name!("onclick"),
                "charset" => return local_name!("charset"),
                "picture" => return local_name!("picture"),
                "loading" => return local_name!("loading"),
                "rowspan" => return local_name!("rowspan"),
                _ => {},
            },
            8 => match name {
                "noscript" => return local_name!("noscript"),
                "property" => return local_name!("property"),
                "itemprop" => return local_name!("itemprop"),
                "tabindex" => return local_name!("tabindex"),
                "selected" => return local_name!("selected"),
                "disabled" => return local_name!("disabled"),
                "decoding" => return local_name!("decoding"),
                "onchange" => return local_name!("onchange"),
                "textarea" => return local_name!("textarea"),
                "datetime" => return local_name!("datetime"),
                "itemtype" => return local_name!("itemtype"),
                _ => {},
            },
            9 => match name {
                "accesskey" => return local_name!("accesskey"),
                "integrity" => return local_name!("integrity"),
                "itemscope" => return local_name!("itemscope"),
                _ => {},
            },
            10 => match name {
                "http-equiv" => return local_name!("http-equiv"),
                "aria-label" => return local_name!("aria-label"),
                "figcaption" => return local_name!("figcaption"),
                "blockquote" => return local_name!("blockquote"),
                _ => {},
            },
            11 => match name {
                "aria-hidden" => return local_name!("aria-hidden"),
                "placeholder" => return local_name!("placeholder"),
                "crossorigin" => return local_name!("crossorigin"),
                "cellpadding" => return local_name!("cellpadding"),
                "cellspacing" => return local_name!("cellspacing"),
                _ => {},
            },
            12 if name == "autocomplete" => return local_name!("autocomplete"),
            13 => match name {
                "aria-expanded" => return local_name!("aria-expanded"),
                "aria-controls" => return local_name!("aria-controls"),
                "aria-haspopup" => return local_name!("aria-haspopup"),
                _ => {},
            },
            _ => {},
        }
        LocalName::from(name)
}

#[cfg(test)]
mod tests {
    use super::local_name;
    use crate::LocalName;
    use proptest::prelude::*;

    #[test]
    fn matched_names_are_the_interned_atoms() {
        let src = include_str!("names.rs").split("#[cfg(test)]").next().unwrap();
        let mut n = 0;
        for line in src.lines().filter(|l| l.contains("=> return local_name!(")) {
            // The name the arm matches (the line's first string) and the atom it returns.
            let pattern = line.split('"').nth(1).unwrap();
            let returned = line.split("local_name!(\"").nth(1).unwrap();
            let returned = &returned[..returned.find('"').unwrap()];
            assert_eq!(pattern, returned, "{line}");
            let atom = local_name(pattern);
            assert_eq!(atom, LocalName::from(pattern), "{pattern}");
            assert_eq!(&*atom, pattern);
            n += 1;
        }
        assert!(n > 100, "{n}");
        for name in ["", "x", "data-src", "data-sf-element", "divv", "dig", "Div", "a ", "noscripts", "blockquota"] {
            assert_eq!(local_name(name), LocalName::from(name), "{name}");
            assert_eq!(&*local_name(name), name);
        }
    }

    proptest! {
        #[test]
        fn same_atom_as_from(name in "[a-z0-9:-]{0,14}") {
            prop_assert_eq!(local_name(&name), LocalName::from(name.as_str()));
        }

        #[test]
        fn same_atom_as_from_near_common_names(i in 0usize..8, c in "[a-z-]") {
            let base = ["class", "href", "div", "span", "script", "property", "aria-label", "autocomplete"][i];
            for name in [format!("{base}{c}"), format!("{c}{base}"), base[..base.len() - 1].to_string() + &c] {
                prop_assert_eq!(local_name(&name), LocalName::from(name.as_str()));
            }
        }
    }
}
