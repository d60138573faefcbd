//! The vendored trafilatura (vendor/trafilatura, see its NOTICE) must give the same results as
//! the upstream code it replaces: here its `trim` against upstream's three-pass definition.

use proptest::prelude::*;
use trafilatura::utils::{trim, trim_char_count};
use unicode_normalization::UnicodeNormalization;

#[path = "common/eval_pages.rs"]
mod eval_pages;
use eval_pages::eval_pages;

/// One eval page as text; an unreadable page fails the test that reads it.
#[allow(
    clippy::panic,
    reason = "a test fixture: an unreadable page fails the test"
)]
fn read_page(path: &std::path::Path) -> String {
    eval_pages::read_page(path).unwrap_or_else(|| panic!("unreadable: {}", path.display()))
}

/// trafilatura 0.6.0's `trim`, as published.
fn upstream_trim(s: &str) -> String {
    let no_soft_hyphen: String = s.chars().filter(|&c| c != '\u{00AD}').collect();
    let joined = no_soft_hyphen
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    joined.nfc().collect()
}

#[test]
fn trim_matches_upstream_on_edge_cases() {
    let cases = [
        "",
        "   ",
        "a",
        " a  b\tc\nd\re\x0Bf\x0Cg ",
        "\x1c a \x1f",
        "x \u{AD} y",
        "\u{AD}",
        "\u{AD} \u{AD}a\u{AD} \u{AD}",
        "caf\u{65}\u{301} na\u{EF}ve",
        "u\u{308}ber\u{A0}alles\u{2028}x\u{85}y\u{3000}z",
        "\u{1100}\u{1161}\u{11A8} Hangul jamo",
        "e\u{323}\u{302} \u{301}",
        "ascii only, with    runs of   spaces\n\n\tand tabs",
    ];
    // The count without building the string answers on NFC text and declines where trim
    // must normalise (decomposed, misordered marks, a composition exclusion, Hangul jamo).
    let nfc_count = trafilatura::utils::trim_char_count_nfc;
    assert_eq!(
        nfc_count("caf\u{E9} \u{2019}na\u{EF}ve\u{2019}\u{A0}x"),
        Some(14)
    );
    assert_eq!(nfc_count("\u{AD}\u{E9} \u{AD} b"), Some(3));
    assert_eq!(nfc_count("cafe\u{301}"), None);
    // U+0301 may compose (quick check Maybe), U+0316 may not; U+0345 then U+0316 is
    // misordered (240 > 220).
    assert_eq!(nfc_count("a\u{316}\u{301}"), None);
    assert_eq!(nfc_count("\u{2019}a\u{316} \u{316}"), Some(5));
    assert_eq!(nfc_count("a\u{345}\u{316}"), None);
    assert_eq!(nfc_count("a\u{301}\u{316}"), None);
    assert_eq!(nfc_count("\u{958}"), None);
    assert_eq!(nfc_count("\u{1100}\u{1161}"), None);
    for s in cases {
        assert_eq!(trim(s), upstream_trim(s), "{s:?}");
        assert_eq!(
            trim_char_count(s),
            upstream_trim(s).chars().count(),
            "{s:?}"
        );
    }
}

proptest! {
    #[test]
    fn trim_matches_upstream(
        s in "[a-z \t\n\r\u{0B}\u{0C}\u{1C}\u{AD}\u{A0}\u{85}\u{2028}\u{301}\u{308}\u{323}\u{302}\u{1100}\u{1161}\u{11A8}éü.]{0,40}"
    ) {
        prop_assert_eq!(trim(&s), upstream_trim(&s));
        prop_assert_eq!(trim_char_count(&s), upstream_trim(&s).chars().count());
    }

    /// The count without building the string: where it answers it equals upstream's count.
    #[test]
    fn trim_char_count_nfc_matches_upstream(
        s in "[a-z \t\u{AD}\u{A0}\u{85}\u{2000}\u{2019}\u{3000}\u{301}\u{316}\u{345}\u{958}\u{1161}\u{E9}\u{FC}.]{0,40}"
    ) {
        let upstream = upstream_trim(&s).chars().count();
        prop_assert_eq!(trim_char_count(&s), upstream);
        if let Some(n) = trafilatura::utils::trim_char_count_nfc(&s) {
            prop_assert_eq!(n, upstream);
        }
    }

    #[test]
    fn trim_matches_upstream_on_ascii(s in "[ -~\t\n\r\u{0B}\u{0C}]{0,60}") {
        prop_assert_eq!(trim(&s), upstream_trim(&s));
        prop_assert_eq!(trim_char_count(&s), upstream_trim(&s).chars().count());
    }
}

/// The page length of the recall escalation, counted without cloning and cleaning the
/// document, equals upstream's count of the cleaned clone's text.
#[test]
fn page_text_length_matches_upstream() {
    let pages = [
        "<html><body><p>One</p><div class=\"cookie-consent\">Accept cookies</div>\
         <p>Two<br>three</p></body></html>",
        "<html><body id=\"cookie-banner\"><nav>Menu</nav><article><h1>T</h1>\
         <p>Caf\u{e9} text \u{ad} here</p></article><footer>f</footer></body></html>",
        "<p>no body tag</p><aside>side</aside>tail <b>bold</b>",
        "",
        // Basic cleaning's targets: div ids/classes naming a footer (case-sensitive), cookie
        // banners by class or id, svg and its children, templates; control characters.
        "<html><body><div id=\"page-footer\">gone</div><div id=\"Footer\">kept</div>\
         <div class=\"x footer-links\">gone</div><span class=\"footer\">kept</span>\
         <div class=\"CookieConsent-banner\">gone</div><p id=\"onetrust-x\">gone</p>\
         <svg><text>gone</text><style>s</style></svg><template><p>t</p></template>\
         <p>bell\u{7}tab\tunit\u{1f}sep\u{85}nel\u{a0}nbsp</p></body></html>",
    ];
    for html in pages {
        let (ours, upstream) = trafilatura::page_text_lengths(html);
        assert_eq!(ours, upstream, "{html}");
    }
    let Some(mut names) = eval_pages() else {
        return;
    };
    names.truncate(150);
    assert!(!names.is_empty());
    for path in names {
        let html = read_page(&path);
        let (ours, upstream) = trafilatura::page_text_lengths(&html);
        assert!(upstream > 0, "{}", path.display());
        assert_eq!(ours, upstream, "{}", path.display());
    }
}

/// The DOM author search without cloning and pruning the document finds what upstream's
/// clone-and-prune search finds.
#[test]
fn dom_author_matches_upstream() {
    let pages = [
        // A discarded date block nested in the byline: its text is left out.
        "<html><body><div class=\"byline\">By Jane Roe <span class=\"date\">May 1</span></div>\
         <p>Text</p></body></html>",
        // The first rule wins over an earlier element matching only a later rule.
        "<html><body><p class=\"writer\">Wrong Person</p><a rel=\"author\">Right Person</a></body></html>",
        // Too long or too short for the limit: the next candidate is tried.
        "<html><body><span class=\"author\">X</span><div id=\"author-box\">Some Author</div></body></html>",
        // Candidates inside discarded sections are not seen.
        "<html><body><section id=\"comments\"><span class=\"author\">Commenter</span></section>\
         <figure><span class=\"author\">Photographer</span></figure>\
         <span class=\"author\">Real <time>today</time>Name</span></body></html>",
        // Separators at level changes and void elements.
        "<html><body><div class=\"author\"><b>First</b><br>Last<i> <u>Nest</u></i>tail</div></body></html>",
        "<html><body><author>Tag Author</author><time class=\"author\">t</time></body></html>",
        "<html><body><p class=\"AUTHOR-Byline\">Upper Case</p></body></html>",
        "",
    ];
    for html in pages {
        let (ours, upstream) = trafilatura::dom_author_pair(html);
        assert_eq!(ours, upstream, "{html}");
    }
    assert_eq!(trafilatura::dom_author_pair(pages[0]).0, "Jane Roe");
    assert_eq!(trafilatura::dom_author_pair(pages[1]).0, "Right Person");
    let Some(mut names) = eval_pages() else {
        return;
    };
    names.truncate(120);
    assert!(!names.is_empty());
    let mut found = 0;
    for path in names {
        let html = read_page(&path);
        let (ours, upstream) = trafilatura::dom_author_pair(&html);
        assert_eq!(ours, upstream, "{}", path.display());
        found += usize::from(!ours.is_empty());
    }
    // The comparison is not vacuous: many pages have a DOM author.
    assert!(found > 20, "{found}");
}

/// The selector rules' substring tests answer as `str::contains` (on the lower-cased value).
#[test]
fn selector_contains_matches_std() {
    use trafilatura::{selector_contains, selector_contains_lower};
    let cases = [
        ("", ""),
        ("", "a"),
        ("a", ""),
        ("author", "author"),
        ("post-author-name", "author-name"),
        ("autho", "author"),
        ("aauthor", "author"),
        ("AUTHOR", "author"),
        ("Byline", "byline"),
        ("écrivain author", "author"),
        ("İauthor", "author"),
        ("KAUTHOR", "kauthor"),
        ("\u{212a}author", "kauthor"),
        ("main-content", "main-content"),
        ("x", "X"),
        (
            "a very long class list with post-author-name at its end",
            "author-name",
        ),
        (
            "a very long class list WITH AN AUTHOR-NAME in upper case",
            "author-name",
        ),
        (
            "a very long class list without the word we are looking for",
            "author",
        ),
    ];
    for (s, p) in cases {
        assert_eq!(selector_contains(s, p), s.contains(p), "{s:?} {p:?}");
        assert_eq!(
            selector_contains_lower(s, p),
            s.to_lowercase().contains(p),
            "{s:?} {p:?}"
        );
    }
    // The Kelvin sign lower-cases to an ASCII k: the non-ASCII path must see it.
    assert!(selector_contains_lower("\u{212a}author", "kauthor"));
}

proptest! {
    #[test]
    fn selector_contains_matches_std_on_random(s in "[aAbButhor\u{e9}\u{130}\u{212a} -]{0,40}", p in "[abuthorkK -]{0,4}") {
        prop_assert_eq!(trafilatura::selector_contains(&s, &p), s.contains(p.as_str()));
        prop_assert_eq!(trafilatura::selector_contains_lower(&s, &p), s.to_lowercase().contains(p.as_str()));
    }
}

/// What the prepared-value tests (`Hay`, `CatHay`: a byte-pair set answers most literals
/// without searching) must answer: `str`'s own tests on the value, its lower-casing and the
/// concatenation `format!("{a}{b}")` the rules built.
fn hay_expected(a: &str, b: &str, lit: &str) -> [bool; 5] {
    let joined = format!("{a}{b}");
    [
        a.contains(lit),
        !lit.bytes().any(|c| c.is_ascii_uppercase()) && a.to_lowercase().contains(lit),
        a.starts_with(lit),
        joined.contains(lit),
        joined.starts_with(lit),
    ]
}

/// Literals found only across the join, only in the lower-cased value (the Kelvin sign, a
/// dotted capital I), at the very start or end, one byte long or empty.
#[test]
fn selector_hay_tests_match_std() {
    let cases = [
        ("", "", ""),
        ("", "", "a"),
        ("a", "", "a"),
        ("nav", "bar", "vba"),
        ("comment", "s-list", "ts-l"),
        ("reply", "-box", "reply-"),
        ("re", "ply-box", "reply-"),
        ("", "reply-box", "reply-"),
        ("site-footer", "", "footer"),
        ("Site-FOOTER", "", "footer"),
        ("\u{212a}author", "", "kauthor"),
        ("\u{130}nav", "", "nav"),
        ("écrivain author", "x", "author"),
        ("post-author-name", "", "author-name"),
        ("autho", "r", "author"),
        ("x", "", "X"),
        ("main", "content", "ncon"),
    ];
    for (a, b, lit) in cases {
        assert_eq!(
            trafilatura::selector_hay_tests(a, b, lit),
            hay_expected(a, b, lit),
            "{a:?} {b:?} {lit:?}"
        );
    }
}

proptest! {
    #[test]
    fn selector_hay_tests_match_std_on_random(
        a in "[aAbButhor\u{e9}\u{130}\u{212a} -]{0,30}",
        b in "[aAbButhor\u{e9} -]{0,30}",
        lit in "[abuthorkK -]{0,5}",
        cut in 0usize..64,
        len in 0usize..8,
    ) {
        prop_assert_eq!(trafilatura::selector_hay_tests(&a, &b, &lit), hay_expected(&a, &b, &lit));
        // A literal cut out of the concatenation (so across the join too) is found.
        let joined: Vec<char> = format!("{a}{b}").chars().collect();
        let from = cut.min(joined.len());
        let piece: String = joined[from..(from + len).min(joined.len())].iter().collect();
        prop_assert_eq!(trafilatura::selector_hay_tests(&a, &b, &piece), hay_expected(&a, &b, &piece));
    }
}

/// The selector rules on real pages: every answer of a prepared-value test is checked against
/// the plain search by a `debug_assert` inside the vendored crate (this test runs in debug),
/// over the content, discard and author rules that trafilatura runs on every 10th eval page.
#[test]
fn selector_rules_on_eval_pages_answer_as_plain_search() {
    let Some(names) = eval_pages() else {
        return;
    };
    let mut opts = trafilatura::Options::default().with_fallback(false);
    opts.exclude_comments = true;
    for path in names.iter().step_by(10) {
        let html = read_page(path);
        let _ = trafilatura::extract(&html, &opts);
        let _ = trafilatura::dom_author_pair(&html);
    }
}

/// The selector queries decided by hand (figures, protected links, head metas, og metas,
/// typed scripts) find what scraper's CSS matching finds.
#[test]
fn hand_written_selectors_match_css() {
    let pages = [
        "<html><head><meta content=\"x\" name=\"a\"><meta name=\"b\"><meta property=\"og:title\" \
         content=\"T\"><meta property=\"OG:x\" content=\"y\"><script type=\"application/ld+json\">{}</script>\
         <script type=\"APPLICATION/LD+JSON\">{}</script></head><body><meta content=\"in body\">\
         <div><a href=\"1\">in div</a></div><a href=\"2\">bare</a><table><tr><td><a>cell</a></td></tr></table>\
         <ul><li><span><a>deep</a></span></li></ul><figure><table></table></figure><FIGURE>f</FIGURE>\
         <svg><a>svg link</a><script type=\"application/ld+json\">{}</script></svg>\
         <script type=\"application/settings+json\">{}</script></body></html>",
        "<p><a>one</a><p><a>two</a>",
        "",
    ];
    for html in pages {
        assert!(trafilatura::selector_replacements_agree(html).0, "{html}");
    }
    assert!(trafilatura::selector_replacements_agree(pages[0]).1 > 10);
    let Some(mut names) = eval_pages() else {
        return;
    };
    names.truncate(150);
    let mut found = 0;
    for path in names {
        let (agree, n) = trafilatura::selector_replacements_agree(&read_page(&path));
        assert!(agree, "{}", path.display());
        found += n;
    }
    assert!(found > 1000, "{found}");
}

/// The element walk by parent and sibling links (`get_elements_by_tag_name`, `iter`,
/// `iter_descendants`, `elements_where`) finds the same elements in the same order as the
/// walks it replaced, from every root and up to the depth limit (500 levels below the root).
#[test]
fn elements_by_tag_match_upstream() {
    let tags = ["*", "p", "div", "a", "li", "span", "html", "zz"];
    let deep = |n: usize| {
        format!(
            "<html><body>{}<p>deep</p>{}<p>after</p></body></html>",
            "<div><span>x</span>".repeat(n),
            "</div>".repeat(n)
        )
    };
    let pages = [
        String::new(),
        "<p>one".to_string(),
        "<html><body><div><p>a<a href=x>l</a>b</p><ul><li>1<li>2</ul></div><p>c</p>\
         <!-- note --><table><tr><td><a>t</a></td></tr></table><div></div></body></html>"
            .to_string(),
        "<html><head><title>T</title></head><body><template><p>in</p></template>\
         <svg><a>s</a></svg><div><div><div><p>x</p></div></div><p>y</p></div><span>z</span></body></html>"
            .to_string(),
        deep(10),
        deep(495),
        deep(520),
        // Comments at every level, past the depth limit too (collect_comment_nodes).
        format!("<html><body>{}<p>x</p></body></html><!--end-->", "<div><!--c-->".repeat(505)),
    ];
    for (i, html) in pages.iter().enumerate() {
        let (agree, found) = trafilatura::elements_by_tag_agree(html, &tags, 1);
        assert!(agree, "page {i}");
        // The walk finds elements (the empty page still has html, head and body).
        assert!(found > 0, "page {i}");
    }
    // Past the depth limit the walk stops: fewer `p` from the document root than exist.
    let (_, found_shallow) = trafilatura::elements_by_tag_agree(&deep(10), &["p"], 1_000_000);
    let (_, found_deep) = trafilatura::elements_by_tag_agree(&deep(520), &["p"], 1_000_000);
    assert_eq!(found_shallow, 2);
    assert_eq!(found_deep, 1);
    let Some(names) = eval_pages() else {
        return;
    };
    for path in names.iter().step_by(25) {
        let html = read_page(path);
        let (agree, found) = trafilatura::elements_by_tag_agree(&html, &["*", "p", "a"], 97);
        assert!(agree, "{}", path.display());
        assert!(found > 0, "{}", path.display());
    }
}

/// `textCharsTest` without building `trim`'s string answers as upstream's `!trim(s).is_empty()`.
#[test]
fn text_chars_test_matches_upstream_on_edge_cases() {
    let cases = [
        "",
        " ",
        "\t\n\r\u{0B}\u{0C}",
        "\u{AD}",
        " \u{AD} \u{AD}",
        "\u{A0}\u{2028}\u{3000}",
        "\u{85}",
        "\u{1C}",
        "a",
        " \u{AD}x ",
        "\u{301}",
        "\u{200B}",
        "\u{FEFF}",
    ];
    for s in cases {
        assert_eq!(
            trafilatura::text_chars_test(s),
            trafilatura::text_chars_test_upstream(s),
            "{s:?}"
        );
    }
    // Deliberately both ways: the cases reach each answer.
    assert!(trafilatura::text_chars_test(" \u{AD}x "));
    assert!(!trafilatura::text_chars_test(" \u{AD} \u{A0}"));
}

proptest! {
    #[test]
    fn text_chars_test_matches_upstream(
        s in "[a \t\n\r\u{0B}\u{0C}\u{1C}\u{AD}\u{A0}\u{85}\u{2028}\u{3000}\u{301}\u{200B}]{0,12}"
    ) {
        prop_assert_eq!(
            trafilatura::text_chars_test(&s),
            trafilatura::text_chars_test_upstream(&s)
        );
    }
}

/// The caps of the link-density tests (`limit_length` 30, 60, 100, 300; `threshold` 100, 200)
/// and small ones that stop the count after a word or two.
const LINK_DENSITY_CAPS: [usize; 9] = [0, 1, 2, 5, 30, 60, 100, 200, 300];

/// The link-density tests' trimmed length counted only up to the cap it is compared with
/// equals the capped count of the copied text, for every element: text split over nodes
/// and levels, words across nodes, soft hyphens, Unicode spaces, text `trim` must normalise
/// (decomposed accents, misordered marks) before and after the cap is reached.
#[test]
fn text_count_min_matches_upstream() {
    let long = "word ".repeat(80);
    let pages = [
        String::new(),
        "<p>one</p>".to_string(),
        format!("<div><p>a<b>b</b>c</p> <p> d\u{AD}e </p>{long}<a>x</a></div>"),
        format!("<div><span>ab</span><span>cd</span> {long}<i>cafe\u{301}</i></div>"),
        format!("<div><i>cafe\u{301}</i> {long}</div>"),
        format!("<div>{long}<i>a\u{316}\u{301}</i>{long}</div>"),
        format!("<div>\u{AD} \u{AD}<p>\u{A0}x\u{2028}y\u{3000}</p>{long}</div>"),
        format!(
            "<ul><li>{}</li><li>\u{E9}t\u{E9} {long}</li></ul>",
            "a ".repeat(150)
        ),
        "<div>e<span>\u{301}</span> x</div>".to_string(),
    ];
    for (i, html) in pages.iter().enumerate() {
        let (agree, found) = trafilatura::text_count_min_agree(html, &LINK_DENSITY_CAPS);
        assert!(agree, "page {i}");
        assert!(found > 0, "page {i}");
    }
    let Some(names) = eval_pages() else {
        return;
    };
    let mut found = 0;
    for path in names.iter().step_by(10) {
        let (agree, n) = trafilatura::text_count_min_agree(&read_page(path), &LINK_DENSITY_CAPS);
        assert!(agree, "{}", path.display());
        found += n;
    }
    assert!(found > 10_000, "{found}");
}

proptest! {
    #[test]
    fn text_count_min_matches_upstream_on_soup(
        parts in proptest::collection::vec(
            ("[a-c \u{AD}\u{A0}\u{E9}\u{301}\u{316}\u{2028}]{0,8}", 0usize..4),
            0..12
        ),
        cap in 0usize..12
    ) {
        // Text pieces in nested or sibling elements: the text of each element is the
        // pieces below it, in order.
        let mut html = String::from("<div>");
        for (text, shape) in &parts {
            match shape {
                0 => html.push_str(text),
                1 => html.push_str(&format!("<span>{text}</span>")),
                2 => html.push_str(&format!("<p>{text}")),
                _ => html.push_str(&format!("</p><div>{text}</div>")),
            }
        }
        let (agree, _) = trafilatura::text_count_min_agree(&html, &[cap, cap + 3, 300]);
        prop_assert!(agree, "{:?}", html);
    }
}

/// Pruning a document the caller gives up (no clone; the backup's pruned length counted with
/// the matched subtrees skipped) leaves the tree upstream's clone-prune-restore leaves, for
/// each discard rule set with and without the backup: nested matches, tails after pruned
/// elements, pages where pruning would take most of the text (the backup restores), pages
/// with nothing to prune, whitespace-only and Unicode-space text around the counts.
#[test]
fn pruning_without_clones_matches_upstream() {
    let long = "word ".repeat(60);
    let pages = [
        String::new(),
        "<p>nothing to prune</p>".to_string(),
        format!("<div class=\"footer\">{long}</div><p>kept</p>"),
        format!("<div class=\"footer\">x</div>tail<p>{long}</p>"),
        format!("<div id=\"comments\"><div class=\"comment\">a</div>b</div> c <p>{long}</p>"),
        format!("<section class=\"related\"><p>{long}</p><div class=\"share\">s</div></section>"),
        "<div class=\"caption\">\u{A0} </div>\u{2028}<p> \u{3000}x </p>".to_string(),
        format!(
            "<article><div class=\"teaser\">{long}</div><figure><figcaption>c</figcaption></figure></article>"
        ),
        "<div class=\"footer\"> </div> <div class=\"footer\">\t</div>".to_string(),
    ];
    for (i, html) in pages.iter().enumerate() {
        let (agree, cases) = trafilatura::prune_owned_agree(html);
        assert!(agree, "page {i}");
        assert!(cases >= 15, "page {i}");
    }
    let Some(names) = eval_pages() else {
        return;
    };
    let mut cases = 0;
    for path in names.iter().step_by(10) {
        let (agree, n) = trafilatura::prune_owned_agree(&read_page(path));
        assert!(agree, "{}", path.display());
        cases += n;
    }
    assert!(cases > 10_000, "{cases}");
}

proptest! {
    #[test]
    fn pruning_without_clones_matches_upstream_on_soup(
        parts in proptest::collection::vec(
            ("[a-c \u{A0}\u{2028}\t]{0,6}", 0usize..6),
            0..14
        )
    ) {
        // Text in and around elements some discard rules match, nested or not.
        let mut html = String::from("<body>");
        for (text, shape) in &parts {
            match shape {
                0 => html.push_str(text),
                1 => html.push_str(&format!("<div class=\"footer\">{text}")),
                2 => html.push_str(&format!("<div id=\"comments\">{text}</div>")),
                3 => html.push_str(&format!("<p>{text}</p>")),
                4 => html.push_str(&format!("<span class=\"caption\">{text}</span><br>")),
                _ => html.push_str(&format!("</div>{text}")),
            }
        }
        let (agree, _) = trafilatura::prune_owned_agree(&html);
        prop_assert!(agree, "{:?}", html);
    }
}

/// The date cascade's stages 5-7 list their elements with one walk instead of three, and the
/// date-element filter searches the id, class and itemprop values without joining them: the
/// same elements in the same order, and the same answer, as upstream's three walks and its
/// joined strings (capital D and M folded only where upstream folds them; values whose
/// words would only meet across the joining space; skipped embedded subtrees).
#[test]
fn date_stages_match_upstream() {
    let pages = [
        String::new(),
        "<title>t</title><h1>h</h1><time>x</time><footer>f</footer><small>s</small>".to_string(),
        "<div id=\"Da\" class=\"te\">a</div><div id=\"DATE\">b</div><p class=\"upDate\">c</p>"
            .to_string(),
        "<span itemprop=\"DatePublished\">d</span><li class=\"META\">e</li><ul id=\"xMeta\">f</ul>"
            .to_string(),
        "<div id=\"ti\" class=\"me\">g</div><p class=\"post-time\">h</p><h2 id=\"publisher\">i</h2>"
            .to_string(),
        "<div class=\"fa-clock-o\">j</div><table class=\"byline\"><tr><td class=\"autor\">k</td></tr></table>"
            .to_string(),
        "<svg><time>l</time><h1>m</h1></svg><div id=\"wm-ipp\"><time>n</time></div><iframe></iframe>"
            .to_string(),
        "<p id=\"mw-footer-info-lastmod\">o</p><div class=\"D\u{e9}ta d\u{c9}ta Dat\u{e9}\">p</div>"
            .to_string(),
        "<div>".repeat(600) + "<time>deep</time>",
    ];
    for (i, html) in pages.iter().enumerate() {
        let (agree, found) = trafilatura::date_stages_agree(html);
        assert!(agree, "page {i}");
        assert!(i == 0 || found > 0, "page {i}");
    }
    let Some(names) = eval_pages() else {
        return;
    };
    let mut found = 0;
    for path in names.iter().step_by(5) {
        let (agree, n) = trafilatura::date_stages_agree(&read_page(path));
        assert!(agree, "{}", path.display());
        found += n;
    }
    assert!(found > 10_000, "{found}");
}

proptest! {
    #[test]
    fn date_stages_match_upstream_on_random(
        parts in proptest::collection::vec(
            (
                "(div|p|span|h1|h2|time|title|li|ul|b|footer|svg|table)",
                "(date|Da|DATE|te|meta|Me|ta|time|publish|footer|-info-lastmod|x| |-){0,3}",
                "(date|Date|datum|DaTum|Meta|META|time|byline|autor|fecha|fa-clock-o|x| ){0,3}",
                "(date|Date|DATE|datum|Datum|meta|x| ){0,2}",
            ),
            0..10
        )
    ) {
        let mut html = String::new();
        for (tag, id, class, itemprop) in &parts {
            html.push_str(&format!(
                "<{tag} id=\"{id}\" class=\"{class}\" itemprop=\"{itemprop}\">x"
            ));
        }
        let (agree, _) = trafilatura::date_stages_agree(&html);
        prop_assert!(agree, "{:?}", html);
    }
}

/// extract_content's minimums of paragraph text: 250 × 3 (balanced, recall), 250 (precision),
/// 0 and 1 (configurations where only emptiness counts), and small ones for short pages.
const PARAGRAPH_MINIMUMS: [usize; 8] = [0, 1, 2, 3, 5, 250, 750, 751];

/// `tail` read off the siblings equals upstream's (listing the tail nodes first) on every node,
/// and extract_content's paragraph decision and capped count equal upstream's joined
/// `text_content` strings: text after elements, comments between tail pieces, nested `p`
/// (counted once per `p`, as upstream joined them), text past the depth limit, non-ASCII text,
/// pages without paragraphs or with empty ones.
#[test]
fn tail_and_paragraph_count_match_upstream() {
    let long = "word ".repeat(200);
    let deep = |n: usize| {
        format!(
            "<html><body><p>top</p>{}<p>deep {long}</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        )
    };
    let pages = [
        String::new(),
        "<div>no paragraphs</div>".to_string(),
        "<p></p><p> </p>".to_string(),
        "<p>a</p>".to_string(),
        "<p>ab</p><p>c<b>d</b>e</p>".to_string(),
        format!("<p>{long}</p><div><p>x<p>y</p></p></div>"),
        format!(
            "<div><b>x</b>tail one<!--c-->tail two<i>y</i> after</div><p>\u{E9}t\u{E9} {long}</p>"
        ),
        format!("<table><tr><td><p>{long}</p></td></tr></table>tail"),
        deep(10),
        deep(520),
    ];
    let mut total = 0;
    for (i, html) in pages.iter().enumerate() {
        let (agree, n) = trafilatura::tail_and_paragraphs_agree(html, &PARAGRAPH_MINIMUMS);
        assert!(agree, "page {i}");
        total += n;
    }
    assert!(total > 3_000, "{total}");
    let Some(names) = eval_pages() else {
        return;
    };
    let mut total = 0;
    for path in names.iter().step_by(10) {
        let (agree, n) =
            trafilatura::tail_and_paragraphs_agree(&read_page(path), &PARAGRAPH_MINIMUMS);
        assert!(agree, "{}", path.display());
        total += n;
    }
    assert!(total > 100_000, "{total}");
}

proptest! {
    #[test]
    fn tail_and_paragraph_count_match_upstream_on_soup(
        parts in proptest::collection::vec(
            ("[a-c \u{E9}\u{301}]{0,6}", 0usize..5),
            0..12
        ),
        minimum in 0usize..20
    ) {
        let mut html = String::from("<div>");
        for (text, shape) in &parts {
            match shape {
                0 => html.push_str(text),
                1 => html.push_str(&format!("<span>{text}</span>{text}")),
                2 => html.push_str(&format!("<p>{text}")),
                3 => html.push_str(&format!("<!--{text}-->{text}")),
                _ => html.push_str(&format!("</p><div>{text}</div>")),
            }
        }
        let (agree, _) =
            trafilatura::tail_and_paragraphs_agree(&html, &[minimum, minimum + 4, 750]);
        prop_assert!(agree, "{:?}", html);
    }
}
