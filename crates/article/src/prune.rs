//! Pre-cleaning of the markup handed to the DOM extractors: elements that never hold article
//! text (`script` except JSON-LD, `style`, `svg`, `template`) and comments are cut out in one
//! linear pass before parsing. About half the bytes of a news page are such elements; both
//! extractor libraries would parse them into nodes and walk them again in every selector pass,
//! only to delete them.

use std::borrow::Cow;

use crate::names;

// The elements removed with their content are the lists `names::DROPPED` (`script` except
// JSON-LD, `style`, `svg`, `template`) and `names::DROPPED_FOR_TRAFILATURA`. Not `noscript`:
// some pages (Blogger) hold their whole text there, and dom_smoothie reads it. trafilatura's
// copy also loses the elements it deletes with their content in its own cleaning (its
// `TAGS_TO_CLEAN`), so that none of its passes walks them: `nav`, `aside`, `footer`, `iframe`,
// form controls, media. Not `form` (some sites wrap the whole page in one, and trafilatura's
// whole-page fallback then needs it), not `figure` (trafilatura keeps figures holding tables),
// not `head` (metadata) and not `noscript` (on some pages the text is there, and trafilatura's
// whole-page fallback finds it).

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let first = needle.first()?.to_ascii_lowercase();
    let upper = first.to_ascii_uppercase();
    let mut i = from;
    loop {
        let rest = hay.get(i..)?;
        let off = memchr::memchr2(first, upper, rest)?;
        let at = i + off;
        if hay
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(at);
        }
        i = at + 1;
    }
}

/// `html` without comments and without the `names::DROPPED` elements (JSON-LD scripts are kept for
/// the libraries' metadata). An element whose end tag is missing is kept as it is.
pub(crate) fn preclean(html: &str) -> Cow<'_, str> {
    static PREFIXES: [u32; 26] = names::two_letter_prefixes(names::DROPPED);
    preclean_with(html, names::DROPPED, Some(&PREFIXES))
}

/// [`preclean`] for trafilatura's input: also the elements of `names::DROPPED_FOR_TRAFILATURA`.
pub(crate) fn preclean_for_trafilatura(html: &str) -> Cow<'_, str> {
    static PREFIXES: [u32; 26] = names::two_letter_prefixes(names::DROPPED_FOR_TRAFILATURA);
    preclean_with(html, names::DROPPED_FOR_TRAFILATURA, Some(&PREFIXES))
}

/// `html` without comments and the elements of class `dropped` ([`names::class`]). `prefixes`,
/// the class's [`names::two_letter_prefixes`], passes over most other tags without reading
/// their names (`None`, reading every name, is the reference the tests hold it to).
fn preclean_with<'a>(html: &'a str, dropped: u32, prefixes: Option<&[u32; 26]>) -> Cow<'a, str> {
    let b = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = b.get(i..).and_then(|r| memchr::memchr(b'<', r)) {
        let at = i + off;
        let rest = b.get(at..).unwrap_or_default();
        if rest.starts_with(b"<!--") {
            let end = memchr::memmem::find(rest.get(4..).unwrap_or_default(), b"-->")
                .map_or(b.len(), |o| at + 4 + o + 3);
            reserve_once(&mut out, html.len());
            out.push_str(html.get(copied..at).unwrap_or_default());
            copied = end;
            i = end;
            continue;
        }
        // Most tags are not dropped: their first two bytes say so without reading the name.
        let (first, second) = (
            rest.get(1).copied().unwrap_or(0),
            rest.get(2).copied().unwrap_or(0),
        );
        if prefixes.is_some_and(|p| !names::may_begin(p, first, second)) {
            i = at + 1;
            continue;
        }
        let name_len = rest
            .iter()
            .skip(1)
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let name = html.get(at + 1..at + 1 + name_len).unwrap_or_default();
        if names::class(name) & dropped == 0 {
            i = at + 1;
            continue;
        }
        let tag_end = memchr::memchr(b'>', rest).map_or(b.len(), |o| at + o + 1);
        let open = html.get(at..tag_end).unwrap_or_default();
        if open.ends_with("/>") {
            i = tag_end;
            continue;
        }
        let mut close_pat = Vec::with_capacity(name.len() + 2);
        close_pat.extend_from_slice(b"</");
        close_pat.extend_from_slice(name.as_bytes());
        let close = find_ci(b, tag_end, &close_pat);
        let keep =
            name.eq_ignore_ascii_case("script") && open.to_ascii_lowercase().contains("ld+json");
        match close {
            Some(c) if !keep => {
                let end = b
                    .get(c..)
                    .and_then(|r| memchr::memchr(b'>', r))
                    .map_or(b.len(), |o| c + o + 1);
                reserve_once(&mut out, html.len());
                out.push_str(html.get(copied..at).unwrap_or_default());
                copied = end;
                i = end;
            }
            Some(c) => i = c,
            None => i = tag_end,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(html.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// Makes room for the whole input in `out` before its first piece: the output is never
/// longer than the input, so it is then never regrown and copied while it fills.
fn reserve_once(out: &mut String, len: usize) {
    if out.capacity() == 0 {
        out.reserve_exact(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval_pages;

    #[test]
    fn drops_scripts_styles_svg_and_comments() {
        let html = "<html><head><style>p{x}</style><SCRIPT src=a.js></SCRIPT>\
            <script type=\"application/ld+json\">{\"a\":1}</script></head><body><!-- c -->\
            <p>One<svg><path d=\"M0\"/><text>no</text></svg> two</p><script>var x='</p>';</script>\
            <template><p>t</p></template><scripts>kept</scripts></body></html>";
        assert_eq!(
            preclean(html),
            "<html><head><script type=\"application/ld+json\">{\"a\":1}</script></head><body>\
             <p>One two</p><scripts>kept</scripts></body></html>"
        );
    }

    #[test]
    fn trafilatura_input_also_loses_navigation_and_asides() {
        let html = "<body><nav><a>Home</a></nav><article><p>Text</p>\
                    </article><aside>More</aside><form><input><p>In form</p></form>\
                    <footer>(c)</footer></body>";
        assert_eq!(
            preclean_for_trafilatura(html),
            "<body><article><p>Text</p></article><form><input><p>In form</p></form></body>"
        );
        // The light pass keeps them.
        assert_eq!(preclean(html), html);
    }

    #[test]
    fn cut_output_is_allocated_once() {
        let html = format!("<p>a</p><script>{}</script><p>b</p>", "x".repeat(1000));
        let Cow::Owned(out) = preclean(&html) else {
            panic!("nothing was cut");
        };
        assert_eq!(out, "<p>a</p><p>b</p>");
        // Room for the whole input from the first piece on, so it was never regrown.
        assert_eq!(out.capacity(), html.len());
    }

    /// Both passes with and without the two-letter filter.
    fn assert_filter_changes_nothing(html: &str) {
        let light = preclean_with(html, names::DROPPED, None);
        assert_eq!(preclean(html), light);
        assert_eq!(
            preclean_for_trafilatura(&light),
            preclean_with(&light, names::DROPPED_FOR_TRAFILATURA, None)
        );
    }

    #[test]
    fn two_letter_filter_keeps_every_dropped_name() {
        for (flag, prefixes) in [
            (names::DROPPED, names::two_letter_prefixes(names::DROPPED)),
            (
                names::DROPPED_FOR_TRAFILATURA,
                names::two_letter_prefixes(names::DROPPED_FOR_TRAFILATURA),
            ),
        ] {
            // Every pair of bytes the filter turns away begins no name of the class.
            for first in 0..=255u8 {
                for second in 0..=255u8 {
                    if names::may_begin(&prefixes, first, second) {
                        continue;
                    }
                    for name in names::LISTS
                        .iter()
                        .filter(|(f, _)| f & flag != 0)
                        .flat_map(|(_, n)| n.iter())
                    {
                        let b = name.as_bytes();
                        assert!(
                            !(b[0].eq_ignore_ascii_case(&first)
                                && b[1].eq_ignore_ascii_case(&second)),
                            "{name} turned away"
                        );
                    }
                }
            }
        }
        // It turns most tags away, and the pages' own names in any case pass.
        let p = names::two_letter_prefixes(names::DROPPED_FOR_TRAFILATURA);
        assert!(!names::may_begin(&p, b'd', b'i') && !names::may_begin(&p, b'a', b' '));
        assert!(names::may_begin(&p, b'S', b'c') && names::may_begin(&p, b'n', b'A'));
        assert_filter_changes_nothing(
            "<p>a<SCRIPT>x</SCRIPT><Nav>n</nav><s>s</s><sv>q</sv><svg/><svG>g</SVG>\
             <aside id=x>a</aside><a>b</a><!-- c --><au<audio>v</audio><",
        );
    }

    /// The pre-cleaning of every 5th trafilatura-eval page is the same with the filter; skipped
    /// where the data is not there.
    #[test]
    fn two_letter_filter_changes_nothing_on_eval_pages() {
        let checked = eval_pages::each_eval_page(0, 5, |html, _| {
            assert_filter_changes_nothing(html);
        });
        if let Some(checked) = checked {
            assert!(checked > 100, "only {checked} pages checked");
        }
    }

    proptest::proptest! {
        #[test]
        fn two_letter_filter_changes_nothing_on_tag_soup(
            s in "(<(/?)(script|SCRIPT|style|svg|Svg|template|nav|NAV|aside|footer|iframe|select|button|textarea|menu|video|audio|canvas|math|object|s|sv|na|div|p|a|au|ma)( ld\\+json| type=\"application/ld\\+json\")?/?>|<!--|-->|[a-z <>/]{0,4}){0,40}"
        ) {
            let light = preclean_with(&s, names::DROPPED, None);
            proptest::prop_assert_eq!(preclean(&s), light.clone());
            proptest::prop_assert_eq!(
                preclean_for_trafilatura(&light),
                preclean_with(&light, names::DROPPED_FOR_TRAFILATURA, None)
            );
        }
    }

    #[test]
    fn unclosed_elements_are_kept_and_clean_pages_borrowed() {
        let html = "<p>a</p><svg><path/> tail";
        assert_eq!(preclean(html), html);
        assert!(matches!(preclean("<p>plain</p>"), Cow::Borrowed(_)));
        assert_eq!(preclean("<p>a<!-- unclosed"), "<p>a");
        assert_eq!(preclean("<"), "<");
        assert_eq!(preclean("é<svg/>ü"), "é<svg/>ü");
    }
}
