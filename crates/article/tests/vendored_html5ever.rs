//! The vendored html5ever (vendor/html5ever, see its NOTICE) consumes runs of characters in
//! the tag-name and attribute-name states, takes its data-state fast path for text that
//! starts with a newline and makes an attribute value that starts with a run of the input a
//! shared slice of the input instead of a copy. With `exact_errors` set, the tokenizer takes
//! none of those paths and reads every character one at a time (and copies every attribute
//! value), as upstream did: the tree built either way must be
//! the same, node for node (text nodes included, unmerged: trafilatura's text/tail reading
//! depends on how text is split into nodes).
use html5ever::driver::ParseOpts;
use html5ever::tendril::TendrilSink;
use proptest::prelude::*;
use scraper::{Html, HtmlTreeSink};

/// Every node of the tree scraper builds for `html`, one line each, indented by depth.
fn tree_dump(html: &str, exact_errors: bool) -> String {
    let mut opts = ParseOpts::default();
    opts.tokenizer.exact_errors = exact_errors;
    let doc = html5ever::parse_document(HtmlTreeSink::new(Html::new_document()), opts).one(html);
    let mut out = String::new();
    let mut stack = vec![(doc.tree.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        out.push_str(&" ".repeat(depth));
        out.push_str(&format!("{:?}\n", node.value()));
        let children: Vec<_> = node.children().collect();
        stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
    }
    out
}

fn assert_same_tree(html: &str) {
    let fast = tree_dump(html, false);
    let slow = tree_dump(html, true);
    assert_eq!(fast, slow, "trees differ for {html:?}");
}

#[test]
fn runs_build_the_same_tree_as_one_character_at_a_time() {
    for html in [
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<title>T</title>\n</head>\n<body>\n<p>a</p>\n</body></html>",
        "<DIV CLASS=\"x\" Data-Id='1'>\n  <SPAN>s</SPAN>\n</DIV>",
        "<pre>\nkept?</pre><textarea>\n\nt</textarea><listing>\nl</listing>",
        "<table>\n<tr>\n<td>c</td>\n</tr>\n</table>x\n<table>\ny</table>",
        "<p a\"b='1' c<d=2 e'f>q</p><p\r\nclass=z\r>r</p>\r\n\r\n<br/>",
        "<a href=x>1<b>2\n<i>3</a>4\n</b>\n</i>",
        "<di\u{e9}v cl\u{e4}ss=\"\u{fc}\">\u{e9}\n\u{e9}</di\u{e9}v><x-y:z w:v=1/>",
        "<svg><foreignObject>\n<p>x</p></foreignObject>\n<circle R=1/></svg>\n",
        "<body>\n\n\n<!-- c -->\n&amp;\n&lt;p&gt;\n<\n< p>\n</ >\n<p\0q a\0b=\0>n\0</p>",
        "<frameset>\n<frame>\n</frameset>\n",
        "\n\n<head>\n<meta charset=utf-8>\n<style>\np{}\n</style>\n</head>\n",
    ] {
        assert_same_tree(html);
    }
}

/// Attribute values: long and short runs, runs broken by character references, CR LF, NUL
/// and quotes, empty values, duplicates (the second value is dropped) and unquoted values.
#[test]
fn attribute_values_are_the_same_as_copied_ones() {
    for html in [
        "<a href=\"https://www.who.int/emergencies/disease-outbreak-news/item/2024-DON500\">x</a>",
        "<a href='/csr/don/archive/year/2012/en/index.html' title='Disease outbreak news'>y</a>",
        "<img src=/images/a-rather-long-file-name.jpg alt=unquoted-long-value width=100>",
        "<p title=\"fish &amp; chips &amp chips &#x41;&#66; end of a long value\">t</p>",
        "<p title=\"&amp; starts with a reference and goes on for a while\" data-x=\"ends &lt;\">",
        "<p title=\"line one of the value\r\nline two of the value\rline three\nfour\">",
        "<p title=\"a NUL \0 inside a long attribute value\" class=\"\" id=''>n</p>",
        "<p class=\"first long class value\" class=\"second long class value\">dup</p>",
        "<p data-json='{\"k\": \"a long value with \\\"quotes\\\" inside\"}'>j</p>",
        "<p a=\"12345678\" b=\"123456789\" c=\"1234567\" d=1234567890 e=\"\">short</p>",
        "<p title=\"unterminated long attribute value that runs to the end of the input",
        "<svg viewBox=\"0 0 100 100\"><path d=\"M0 0L100 100Z and more path data\"/></svg>",
    ] {
        assert_same_tree(html);
    }
}

/// Whole tags read at once (`fast_tag`) and every way it gives a tag back to the state
/// machine: spaces around `=`, each kind of value, self-closing slashes, end tags with
/// attributes, duplicates, upper case, NUL, CR, LF, references, quotes and `<`, `=`, `` ` ``
/// where they report errors, a missing value, no space after a quoted value, a tag cut by the
/// end of the input, non-ASCII names.
#[test]
fn whole_tags_are_the_same_as_one_character_at_a_time() {
    for html in [
        "<div class=\"a b\" id='c' data-x=y hidden>t</div><br/><img src=a.png alt=\"\"/>",
        "<p a = \"1\"\tb\x0C=\x0C'2' c= 3 d =4 e>t</p ><p/ ><p / >",
        "<a href=x/>u</a href=\"y\" title><hr foo=\"bar\"/><input disabled/>",
        "<p a=1 a=2 b=\"x\" b='y'>dup</p><p A=1>up</p><P>up</P><p a=\"B\">v</p>",
        "<p a=\"x&amp;y\">r</p><p a=x&y>r</p><p a=\"x\0y\" b=1>n</p><p\0 a=1>n</p>",
        "<p a=\"x\ny\">l</p><p a=\"x\ry\">c</p><p\na=1>l</p><p a=1\r\nb=2>c</p><p a\n=1>l</p>",
        "<p a\"=1>q</p><p a'b=1>q</p><p a<b=1>q</p><p a=x\"y>q</p><p a=x'y>q</p><p a=x<y>q</p>",
        "<p a=x=y>q</p><p a=x`y>q</p><p a=>m</p><p a= >m</p><p a=\"1\"b=2>s</p><p a='1'/b>s</p>",
        "<p =1>e</p><p \"a=1>e</p><p '>e</p><p <a>e</p><p/a>e</p><p a/=1>e</p><1p>t</p><-p>",
        "<p \u{e9}t\u{e9}=\"\u{fc}\" data-\u{e4}='\u{f6}\u{df}'>n</p><x\u{e9}y a=1>n</x\u{e9}y>",
        "<script a=1>x</script><style b='2'>y</style><textarea c=\"3\">z</textarea><title d>t</title>",
        "<table a=1><tr b=2><td c=3>d</td></tr></table><svg viewBox=\"0 0 1 1\"><path d=\"M0\"/></svg>",
        "<p a=\"unterminated value to the end",
        "<p a='unterminated",
        "<p a=unterminated",
        "<p a",
        "<p a=",
        "<p a ",
        "<p",
        "<p/",
        "</p",
        "</",
        "<",
    ] {
        assert_same_tree(html);
        assert_matches_upstream(html, html);
    }
}

#[path = "common/eval_pages.rs"]
mod eval_pages;

/// Runs `check` on every 10th trafilatura-eval page from the `first`th (by file name), decoded
/// as lossy UTF-8; skipped where the data is not there (the test cannot fetch it).
fn each_10th_eval_page(first: usize, check: impl Fn(&str, &std::path::Path)) {
    if let Some(checked) = eval_pages::each_eval_page(first, 10, check) {
        assert!(checked > 50, "only {checked} pages checked");
    }
}

#[test]
fn runs_build_the_same_tree_on_eval_pages() {
    each_10th_eval_page(0, |html, _| assert_same_tree(html));
}

proptest! {
    #[test]
    fn runs_build_the_same_tree_on_tag_soup(
        s in "(<[a-zA-Z/!]{0,3}[a-zA-Z\"'<=\\- \n\r\t/\u{e9}]{0,8}>?|[a-z \n\r&;#0-9\u{e9}]{0,6}){0,40}"
    ) {
        assert_same_tree(&s);
    }

    #[test]
    fn whole_tags_are_the_same_on_soup(
        s in "(<(/?)[a-zA-Z]{1,3}([ \t\x0C\n\r/]{0,2}[a-zA-Z\"'<=`&\0\u{e9}-]{0,4}([ \t]?=[ \t]?(\"[a-z &;\n\r'<>=/\0]{0,8}\"?|'[a-z \"/>]{0,6}'?|[a-z&;\"'<=`/]{0,6}))?){0,3}[ /]{0,2}>?|[a-z <]{0,4}){0,16}"
    ) {
        assert_same_tree(&s);
        assert_matches_upstream(&s, &s);
    }

    #[test]
    fn attribute_values_are_the_same_on_soup(
        s in "(<[a-z]{1,3}( [a-z]{1,4}(=\"[a-z &;#0-9\r\n'<\u{e9}\0]{0,20}\"?|='[a-z &;\"]{0,12}'|=[a-z&;#0-9]{0,12})?){0,3}/?>|[a-z &;]{0,6}){0,20}"
    ) {
        assert_same_tree(&s);
    }
}

/// Every node scraper builds for `html` (scripting off), one line each, indented by depth, in
/// a form shared with [`reference_dump`]: element local names with their attributes sorted,
/// text, comments and doctypes (without their contents and names, which dom_query does not
/// give); a `template`'s contents are left out (scraper keeps them as
/// its children, dom_query in a fragment of their own).
fn vendored_dump(html: &str) -> String {
    let mut opts = ParseOpts::default();
    opts.tree_builder.scripting_enabled = false;
    let doc = html5ever::parse_document(HtmlTreeSink::new(Html::new_document()), opts).one(html);
    let mut out = String::new();
    let mut stack = vec![(doc.tree.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let line = match node.value() {
            scraper::Node::Element(e) => {
                let mut attrs: Vec<_> = e.attrs().collect();
                attrs.sort_unstable();
                format!("E {} {attrs:?}", e.name())
            }
            scraper::Node::Text(t) => format!("T {:?}", &**t),
            scraper::Node::Comment(_) => "C".to_string(),
            scraper::Node::Doctype(_) => "D".to_string(),
            _ => "O".to_string(),
        };
        out.push_str(&format!("{}{line}\n", " ".repeat(depth)));
        if !line.starts_with("E template ") {
            let children: Vec<_> = node.children().collect();
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
    }
    out
}

/// The same dump of the tree an unpatched html5ever (0.40, through dom_query) builds.
fn reference_dump(html: &str) -> String {
    let doc = dom_query::Document::from(html);
    let mut out = String::new();
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let line = if node.is_element() {
            let mut attrs: Vec<(String, String)> = node
                .attrs()
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect();
            attrs.sort_unstable();
            let attrs: Vec<(&str, &str)> = attrs
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let name = node.qual_name_ref().map(|q| q.local.to_string());
            format!("E {} {attrs:?}", name.unwrap_or_default())
        } else if node.is_text() {
            format!("T {:?}", &*node.text())
        } else if node.is_comment() {
            "C".to_string()
        } else if node.is_doctype() {
            "D".to_string()
        } else {
            "O".to_string()
        };
        out.push_str(&format!("{}{line}\n", " ".repeat(depth)));
        if !line.starts_with("E template ") {
            stack.extend(node.children().into_iter().rev().map(|c| (c, depth + 1)));
        }
    }
    out
}

/// Asserts the vendored and the reference dumps of `html` are the same, naming the first line
/// where they differ.
fn assert_matches_upstream(html: &str, what: &str) {
    let (ours, theirs) = (vendored_dump(html), reference_dump(html));
    if let Some((n, (a, b))) = ours
        .lines()
        .zip(theirs.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        assert_eq!(a, b, "trees differ for {what} at line {n} (left: ours)");
    }
    assert_eq!(
        ours.lines().count(),
        theirs.lines().count(),
        "trees differ for {what}"
    );
}

/// The vendored tree builder decides the form-association step before it creates an element
/// (so the name and attributes are moved, not cloned) and reads each open element's name once
/// per scope test: the trees must be upstream's. Pages around both: form-associated elements
/// inside and outside forms and templates, with and without a `form` attribute, and every
/// scope test that names an element (`p` in button scope, `body`, `button`, `form`, `li`/`dd`,
/// headings, `nobr`, `option`/`optgroup`/`select`, `ruby`, `caption`/`table`/`tr`/`td`).
#[test]
fn tree_builder_matches_upstream() {
    for html in [
        "<form id=f><input name=a><button>b<p>x<div>y</div></button><select><option>1<option>2<optgroup><option>3</select><textarea>t</textarea><img src=i><output form=g></form><input form=f><p>z",
        "<p>a<button><div>b</div><p>c</button>d<table><tr><td><p>e<div>f</div></td></tr></table><p>g<object><div>h</div></object>",
        "<form><template><input><form><button>x</button></form></template><fieldset><object></object><label><input form=f></label></fieldset></form>",
        "<ul><li>a<li>b<ul><li>c</ul><li>d</ul><dl><dt>t<dd>d<dt>u</dl><h1>x<h2>y</h1>z</h2>",
        "<body><nobr>a<nobr>b</nobr><ruby>r<rb>b<rt>t<rp>p</ruby><button>1<button>2</button></body></body><p>after",
        "<table><caption>c<table><tr><td>x</caption><tr><td>1<td>2<tr><th>3</table></td></tr>text<p>p",
        "<div><p>one<p>two<address>a</address><form><p>three</form><p>four</div><select><option>o<p>no</select>",
        "<svg><p>x</p></svg><math><mi>m<p>y</p></mi></math><p>a<svg><desc><div>d</div></desc></svg>",
        "<frameset><frame></frameset><noframes><p>x</noframes>",
        "<applet><p>a</applet><marquee><p>m<div>d</div></marquee><p>z<button>b<form>f</form></button>",
    ] {
        assert_matches_upstream(html, &format!("{html:?}"));
    }
}

/// The vendored tree builder keeps a count of the open HTML `p` elements (every change of the
/// stack of open elements updates it) and skips the `p`-in-button-scope walk when it is zero:
/// pages that change the stack in every way while `p` elements are open or just closed (the
/// adoption agency's removals, replacements and insertions around a `p`, `</p>` with no `p`
/// open, `p` inside buttons, tables, templates, foreign content, a frameset's reset), each
/// followed by block tags that close a `p` in button scope.
#[test]
fn open_p_count_matches_upstream() {
    for html in [
        "<p><b>x<p>y</b>z<div>w</div>",
        "<b><p>x</b>y<div>d</div><p>q",
        "<a><p>x<div>y</a>z<h1>h</h1>",
        "<p><a><b><i>x<div>y</i></b></a>z</p><ul><li>l</ul>",
        "<p>1<b>2<i>3<u>4<s>5<div>6</b>7<p>8</s>9<div>10",
        "<b>1<p>2<i>3<div>4</b>5<p>6</i><div>7",
        "</p><div>a</div></p></p><p><p>b<hr>c",
        "<button><p>x<div>y</button><div>z</div><p>p<button>q<div>r",
        "<p>a<table><tr><td><p>b<div>c</td></tr><p>d</table><div>e",
        "<p>a<template><p>b<div>c</template><div>d<template><div>e</div></template>",
        "<p>a<svg><p>b</p><desc><p>c<div>d</div></desc></svg><div>e",
        "<p>a<math><mi><p>b<div>c</div></mi></math><h2>h</h2>",
        "<p>a<frameset><frame></frameset><div>b",
        "<body><p>a</body><p>b</html><div>c",
        "<p>a<object><p>b<div>c</object><div>d<applet><p>e</applet><ul>f",
        "<p>a<nobr>b<nobr>c<p>d<div>e</nobr>f<div>g",
        "<div><p>a<b>b</div>c<p>d<dl><dt>e",
        "<p><p><p><p>x<div>y</div><p>z</p></p><div>w",
        "<a href=1><p>x</a><a href=2><div>y</div></a><p>z",
        "<p>a<select><option>b<p>c</select><div>d",
        "<table><p>a<tr><td>b</td></tr></table><div>c<p>d",
    ] {
        assert_matches_upstream(html, &format!("{html:?}"));
    }
}

proptest! {
    #[test]
    fn open_p_count_matches_upstream_on_soup(
        s in "(<(/?(p|b|i|a|nobr|div|button|table|tr|td|template|svg|desc|math|mi|body|html|object|h1|li|select|option|frameset|hr|dl|dd))>|[a-z ]{0,3}){0,40}"
    ) {
        assert_matches_upstream(&s, &s);
    }
}

#[test]
fn tree_builder_matches_upstream_on_eval_pages() {
    each_10th_eval_page(5, |html, path| {
        assert_matches_upstream(html, &path.display().to_string());
    });
}

proptest! {
    #[test]
    fn tree_builder_matches_upstream_on_soup(
        s in "(<(/?(p|div|button|form|input|select|option|optgroup|li|ul|dd|dt|table|tr|td|caption|template|object|nobr|ruby|rt|h1|h2|body|textarea|img|fieldset|label|svg)( form=f)?>)|[a-z ]{0,4}){0,40}"
    ) {
        prop_assert_eq!(vendored_dump(&s), reference_dump(&s));
    }
}
