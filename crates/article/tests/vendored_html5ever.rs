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
use std::io::Read;

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

/// Every 10th trafilatura-eval page, when the shared data is there (the test cannot fetch it).
#[test]
fn runs_build_the_same_tree_on_eval_pages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/trafilatura-eval/html");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no {}", dir.display());
        return;
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    let mut checked = 0;
    for path in files.iter().step_by(10) {
        let Ok(raw) = std::fs::read(path) else {
            continue;
        };
        let mut bytes = Vec::new();
        if flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut bytes)
            .is_err()
        {
            continue;
        }
        assert_same_tree(&String::from_utf8_lossy(&bytes));
        checked += 1;
    }
    assert!(checked > 50, "only {checked} pages checked");
}

proptest! {
    #[test]
    fn runs_build_the_same_tree_on_tag_soup(
        s in "(<[a-zA-Z/!]{0,3}[a-zA-Z\"'<=\\- \n\r\t/\u{e9}]{0,8}>?|[a-z \n\r&;#0-9\u{e9}]{0,6}){0,40}"
    ) {
        assert_same_tree(&s);
    }

    #[test]
    fn attribute_values_are_the_same_on_soup(
        s in "(<[a-z]{1,3}( [a-z]{1,4}(=\"[a-z &;#0-9\r\n'<\u{e9}\0]{0,20}\"?|='[a-z &;\"]{0,12}'|=[a-z&;#0-9]{0,12})?){0,3}/?>|[a-z &;]{0,6}){0,20}"
    ) {
        assert_same_tree(&s);
    }
}
