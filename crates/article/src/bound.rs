//! An upper bound on the length of dom_smoothie's text, from one linear scan of the markup.
//!
//! The combined extractor takes dom_smoothie's text only when it is more than
//! [`crate::COMBINE_RATIO`] times longer than trafilatura's. dom_smoothie's text is the
//! `formatted_text` of one element of the parsed page (dom_query 0.29, `text_formatting.rs`), so
//! it can never be longer than [`formatted_text_bound`] of the markup it parses; when that bound
//! is already within the ratio, dom_smoothie cannot win and need not run.
//!
//! Why the bound holds (characters are Unicode scalar values, as `chars().count()` counts them):
//!
//! * Text comes only from the page's text nodes: dom_smoothie moves, renames, wraps and deletes
//!   nodes but never creates text, and html5ever's tree builder never creates or duplicates text
//!   (the adoption agency clones elements, not text). Every text node lies within one *segment*
//!   of the markup: a stretch between two tags as the HTML tokenizer sees them (one segment gives
//!   at most one text node; a node may merge several segments, which only lowers the real
//!   count). Decoding character references only shortens text: a reference is at least three
//!   characters (`&lt`) and decodes to at most two.
//! * `formatted_text` splits a text node on whitespace and joins the words with one space, with at
//!   most one space before and after; so a text node gives at most its non-whitespace characters
//!   plus one character per whitespace run. Only `<pre>` keeps its text as it is; when the page
//!   has a `<pre` tag at all, every segment counts all its characters.
//! * Elements add whitespace only after text: a `\n` when a block opens, `\n\n` when one closes,
//!   `\n` after `br`/`hr`/`li`/`tr`, a space after `td`/`th`, each only when the text does not
//!   already end in `\n\n` (or, for the space, in whitespace). After the last non-whitespace
//!   character of a text node at most one space and three newlines can follow before the text
//!   ends in `\n\n` (e.g. `a` `td` → `a `, block open → `a \n`, block close → `a \n\n\n`), after
//!   which nothing is added until more text comes. So 4 per non-whitespace segment (and, with
//!   `<pre>`, 4 per segment: a `<pre>` holding only whitespace re-opens the run).
//!
//! What counts as a tag follows the HTML tokenizer (data state), erring towards counting text:
//! `<` opens markup only before an ASCII letter, `/`, `!` or `?`; markup ends at the first `>`
//! after it (a quoted `>` would end it later, so counting from the first one only counts more);
//! the contents of raw-text elements (`script`, `style`, `title`, `textarea`, `xmp`, `iframe`,
//! `noembed`, `noframes`, `plaintext`) are text up to their end tag, counted with 4 more per `<`
//! inside (inside `<svg>`/`<math>` they are markup after all); a `script` holding `<!--` may
//! run past its first end tag (the tokenizer's double-escaped state), so the rest of the page
//! then counts as its text. `<![CDATA[` outside raw text is a CDATA section inside
//! `<svg>`/`<math>` but a bogus comment ending at the first `>` elsewhere; which one depends on
//! the tree (an HTML element such as `<p>` breaks out of `<svg>`), and the two readings can
//! leave the tokenizer in different states afterwards (a `<title` between the first `>` and
//! `]]>` opens raw text in one and is text in the other), so from there on the rest of the page
//! counts as text, as after a `<plaintext>`.
//! dom_query parses with scripting disabled, so `<noscript>` content is markup.
//! Checked on every evaluation and WHO DON page by `examples/skip_check.rs`.

use memchr::{memchr, memchr2};

/// Characters a segment can add to dom_smoothie's text, on top of its own text (see the module
/// documentation).
const PER_SEGMENT: usize = 4;

/// Elements whose content the tokenizer reads as text up to the end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"plaintext",
];

/// Whether `b` ends a tag name in the tokenizer (whitespace, `/`, `>`), or the input ended.
fn ends_name(b: Option<&u8>) -> bool {
    matches!(
        b,
        None | Some(b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
    )
}

/// Whether `b[at..]` starts with `<name` (ASCII case-insensitive) followed by a name end.
fn is_tag_named(b: &[u8], at: usize, name: &[u8]) -> bool {
    b.get(at + 1..at + 1 + name.len())
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
        && ends_name(b.get(at + 1 + name.len()))
}

/// First position from `from` of `pat` (ASCII, lower case) in `b`, ASCII case-insensitive,
/// followed by a tag-name end.
fn find_tag_ci(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    let (&first, rest) = pat.split_first()?;
    let mut i = from;
    loop {
        let at = i + memchr2(first, first.to_ascii_uppercase(), b.get(i..)?)?;
        let after = at + 1;
        if b.get(after..after + rest.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(rest))
            && ends_name(b.get(after + rest.len()))
        {
            return Some(at);
        }
        i = after;
    }
}

/// Text characters of a segment as `formatted_text` can count them: every character when
/// `keep_whitespace`, else the non-whitespace characters plus one per whitespace run. Only ASCII
/// whitespace counts as whitespace (any other character counts as one, which is never less).
/// The second value tells whether the segment has a non-whitespace character.
fn segment_chars(s: &[u8], keep_whitespace: bool) -> (usize, bool) {
    let mut n = 0usize;
    let mut in_ws = false;
    let mut solid = false;
    for &c in s {
        if matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
            if keep_whitespace || !in_ws {
                n += 1;
            }
            in_ws = true;
        } else {
            // UTF-8 continuation bytes are part of the character already counted.
            if c & 0xC0 != 0x80 {
                n += 1;
            }
            in_ws = false;
            solid = true;
        }
    }
    (n, solid)
}

/// An upper bound on `formatted_text().chars().count()` of any element of the document that
/// dom_query (html5ever, scripting disabled) parses from `html`, after any of dom_smoothie's
/// changes. See the module documentation for why it holds.
pub(crate) fn formatted_text_bound(html: &str) -> usize {
    let b = html.as_bytes();
    let keep_ws = find_tag_ci(b, 0, b"<pre").is_some();
    let mut total = 0usize;
    let mut add = |seg: &[u8], extra_lt: bool| {
        let (n, solid) = segment_chars(seg, keep_ws);
        total += n;
        if solid || (keep_ws && !seg.is_empty()) {
            total += PER_SEGMENT;
        }
        if extra_lt {
            total += PER_SEGMENT * seg.iter().filter(|&&c| c == b'<').count();
        }
    };
    let mut seg_start = 0usize;
    let mut i = 0usize;
    let mut cdata = false;
    while let Some(off) = b.get(i..).and_then(|r| memchr(b'<', r)) {
        let at = i + off;
        let next = b.get(at + 1).copied();
        let markup =
            matches!(next, Some(c) if c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'));
        if !markup {
            i = at + 1;
            continue;
        }
        add(b.get(seg_start..at).unwrap_or_default(), false);
        if b.get(at..at + 9).is_some_and(|w| w == b"<![CDATA[") {
            // CDATA inside `<svg>`/`<math>`, a bogus comment up to the first `>` elsewhere:
            // which one depends on the tree, and the two readings leave the tokenizer in
            // different states after it, so the rest of the page counts as text.
            seg_start = at;
            cdata = true;
            break;
        }
        let Some(gt) = b.get(at..).and_then(|r| memchr(b'>', r)) else {
            // Markup never closed: count the rest as text (the parser drops it).
            seg_start = at;
            break;
        };
        let tag_end = at + gt + 1;
        seg_start = tag_end;
        i = tag_end;
        if !next.is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let Some(raw) = RAW_TEXT.iter().find(|n| is_tag_named(b, at, n)) else {
            continue;
        };
        let mut close = Vec::with_capacity(raw.len() + 2);
        close.extend_from_slice(b"</");
        close.extend_from_slice(raw);
        let mut end = if *raw == b"plaintext" {
            None
        } else {
            find_tag_ci(b, tag_end, &close)
        };
        if *raw == b"script"
            && memchr::memmem::find(
                b.get(tag_end..end.unwrap_or(b.len())).unwrap_or_default(),
                b"<!--",
            )
            .is_some()
        {
            end = None;
        }
        let end = end.unwrap_or(b.len());
        add(b.get(tag_end..end).unwrap_or_default(), true);
        seg_start = end;
        i = end;
    }
    add(b.get(seg_start..).unwrap_or_default(), cdata);
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The length of dom_smoothie's text, as the combined extractor measures it.
    fn smoothie_len(html: &str) -> usize {
        crate::run_dom_smoothie(html, None).map_or(0, |m| m.text.chars().count())
    }

    #[test]
    fn counts_words_and_gaps() {
        // "a b" and "c": 3 + 1 characters, 4 per segment.
        assert_eq!(formatted_text_bound("<p>a  b</p><p>c</p>"), 3 + 4 + 1 + 4);
        // Whitespace-only segments add nothing without <pre>.
        assert_eq!(formatted_text_bound("<div> \n </div>"), 1);
        assert_eq!(formatted_text_bound("<pre>a  b</pre>"), 4 + 4);
        assert_eq!(formatted_text_bound("<PRE> </PRE>"), 1 + 4);
        // `<` before a space or digit is text; an unclosed tag counts as text.
        assert_eq!(formatted_text_bound("1 < 2"), 5 + 4);
        assert_eq!(formatted_text_bound("x<a href"), 1 + 4 + 7 + 4);
        // Multi-byte characters count once.
        assert_eq!(formatted_text_bound("<p>été</p>"), 3 + 4);
    }

    #[test]
    fn raw_text_elements_count_their_markup() {
        // The title is text up to its end tag, `<b>` included, with 4 per `<` inside.
        assert_eq!(formatted_text_bound("<title>a<b>c</title>"), 5 + 4 + 4);
        // `</titles>` does not end it.
        assert_eq!(
            formatted_text_bound("<title>a</titles>b</title>"),
            11 + 4 + 4
        );
        // A script holding `<!--` counts the rest of the page.
        assert_eq!(
            formatted_text_bound("<script><!--<script></script>x</script>y"),
            formatted_text_bound("<plaintext><!--<script></script>x</script>y")
        );
        // CDATA counts the rest of the page: 21 characters, 4 for the segment, 4 per `<`.
        assert_eq!(
            formatted_text_bound("<svg><![CDATA[a>b]]></svg>"),
            21 + 4 + 4 * 2
        );
    }

    #[test]
    fn bound_holds_on_formatting_corner_cases() {
        let pages = [
            "<html><body><table><tr><td>a</td><td>b</td></tr><tr><td>c<br></td></tr></table></body></html>",
            "<body><div>a<table><tr><td>b</td></tr></table>c</div><ul><li>x</li><li>y<br><br></li></ul></body>",
            "<body><p>a<span> </span><div></div><br><hr><p>b</p></body>",
            "<body><pre>  a\n\n   b  </pre><pre> </pre><p>c</p><pre>\n</pre><div>d</div></body>",
            "<body><article><h1>T</h1><p>one &amp; two&nbsp;&nbsp;three</p><p>four</p></article></body>",
            "<body><b>a<p>b</b>c</p><i>d<div>e</i>f</div></body>",
            "<body><table>text<tr>more<td>cell</td></tr></table></body>",
            "<body><textarea><p>x</p></textarea><xmp><b>y</b></xmp><noscript><p>z</p></noscript></body>",
            "<body><svg><title>a<b>b</b></title><![CDATA[c<d>]]></svg><math><mi>x</mi></math></body>",
            // Regression (CI, proptest): outside `<svg>` the CDATA is a bogus comment ending at
            // its first `>`, so the `<title` after it opens raw text that runs to the end.
            "<html><body><![CDATA[><title ]]><p'=><div'\"a</div '</body></html>",
            "<body><svg><![CDATA[><title>]]><p><script></title><b>xxxxxxxxxxxxxxxxxx</b></script></svg></body>",
        ];
        for page in pages {
            let (d, b) = (smoothie_len(page), formatted_text_bound(page));
            assert!(d <= b, "{d} > {b} for {page}");
        }
        let words: String = (0..400)
            .map(|i| format!("<p>word{i} w, x.</p>\n"))
            .collect();
        let page = format!("<html><body><article>{words}</article></body></html>");
        let (d, b) = (smoothie_len(&page), formatted_text_bound(&page));
        assert!(d > 0 && d <= b, "{d} > {b}");
    }

    proptest::proptest! {
        #[test]
        fn bound_holds_on_tag_soup(
            s in "(<(/?(p|div|td|tr|table|li|ul|br|pre|b|i|a|span|title|textarea|svg|h1|noscript)|!--|!\\[CDATA\\[)[ a-z=\"'>]{0,4}>?|[a-z &;#0-9\n\t]{0,8}|\\]\\]>|-->){0,80}"
        ) {
            let html = format!("<html><body>{s}</body></html>");
            let (d, b) = (smoothie_len(&html), formatted_text_bound(&html));
            proptest::prop_assert!(d <= b, "{} > {} for {:?}", d, b, html);
        }
    }
}
