//! The vendored whatlang (vendor/whatlang, see its NOTICE) scores trigrams through an inverted
//! index of the language profiles and finds alphabet characters through a table; the
//! language, script and confidence (to the bit) must be those of the unpatched whatlang
//! 0.18.0, on real texts (WHO DON reports, the seeds, trafilatura-eval pages in many
//! languages), on short samples (fewer than 300 distinct trigrams) and on random text in
//! every script, with and without allow/deny lists.
#![allow(clippy::unwrap_used, reason = "test helpers read fixed test data")]

use proptest::prelude::*;
use std::path::Path;

/// What a detector answers, in a form both crates share.
type Answer = Option<(&'static str, String, u64)>;

/// `detect` of one whatlang crate with the default options or an allow/deny list (the same
/// code for both crates, whose types differ).
macro_rules! detector {
    ($name:ident, $krate:ident) => {
        fn $name(text: &str, filter: Option<(bool, &[&str])>) -> Answer {
            let info = match filter {
                None => $krate::detect(text),
                Some((allow, codes)) => {
                    let langs = codes
                        .iter()
                        .map(|&c| $krate::Lang::from_code(c).unwrap())
                        .collect();
                    let detector = if allow {
                        $krate::Detector::with_allowlist(langs)
                    } else {
                        $krate::Detector::with_denylist(langs)
                    };
                    detector.detect(text)
                }
            }?;
            Some((
                info.lang().code(),
                info.script().to_string(),
                info.confidence().to_bits(),
            ))
        }
    };
}

detector!(vendored, whatlang);
detector!(upstream, whatlang_upstream);

const FILTERS: [(bool, &[&str]); 4] = [
    (true, &["eng", "deu", "fra"]),
    (false, &["eng", "spa"]),
    (false, &["rus", "ukr"]),
    (true, &["por"]),
];

/// `text` and its prefixes of a few lengths (as `detect_language` samples a page: by
/// characters, at most 4,096 bytes), with the default options and every filter list.
fn assert_same(text: &str) {
    let mut samples = Vec::new();
    for chars in [12, 40, 120, 400, usize::MAX] {
        let end = text
            .char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i);
        let mut end = end.min(4096);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        samples.push(&text[..end]);
    }
    samples.dedup();
    for sample in samples {
        assert_eq!(vendored(sample, None), upstream(sample, None), "{sample:?}");
        for filter in FILTERS {
            assert_eq!(
                vendored(sample, Some(filter)),
                upstream(sample, Some(filter)),
                "{filter:?} {sample:?}"
            );
        }
    }
}

fn shared() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

/// The text between tags (a crude tag-strip: enough to give the detector a page's words).
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn same_answers_on_fixed_texts() {
    for text in [
        "",
        " ",
        "1234 ,.;",
        "a",
        "yes",
        "Die Ordnung muss für immer in diesem Codebase bleiben",
        "There is no reason not to learn Esperanto.",
        "Ĉu vi ne volas eklerni Esperanton? Bonvolu! Estas unu de la plej bonaj aferoj!",
        "Мы не знаем, что нас ждёт завтра, но сегодня всё хорошо.",
        "Ми не знаємо, що нас чекає завтра, але сьогодні все добре.",
        "مرحبا بكم في موقعنا، نتمنى لكم قضاء وقت ممتع",
        "یہ ایک اردو جملہ ہے جو زبان کی شناخت کے لیے ہے",
        "यह एक हिंदी वाक्य है जो भाषा पहचान के लिए है",
        "זה משפט בעברית לבדיקת זיהוי שפה",
        "这是一个用于语言识别的中文句子",
        "これは言語識別のための日本語の文です",
        "이것은 언어 식별을 위한 한국어 문장입니다",
        "aaa aaa aaa bbb bbb ccc",
        "xaaaaabbbb    d",
    ] {
        assert_same(text);
    }
}

#[test]
fn same_answers_on_don_reports_and_seeds() {
    let don = shared().join("data/who-don/dons-1996-2012.jsonl");
    let Ok(jsonl) = std::fs::read_to_string(&don) else {
        eprintln!("skipped: no {}", don.display());
        return;
    };
    let mut checked = 0;
    for line in jsonl.lines().step_by(3) {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(text) = record["text"].as_str() {
            assert_same(text);
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} reports checked");
    let seeds = std::fs::read_dir(shared().join("seeds")).unwrap();
    for entry in seeds.flatten() {
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            assert_same(&text);
        }
    }
}

#[path = "common/eval_pages.rs"]
mod eval_pages;

#[test]
fn same_answers_on_eval_pages() {
    let checked = eval_pages::each_eval_page(0, 3, |html, _| {
        let text = strip_tags(html);
        // The page's start (menus) and its middle (the article, usually).
        assert_same(&text);
        let mut mid = text.len() / 2;
        while !text.is_char_boundary(mid) {
            mid += 1;
        }
        assert_same(&text[mid..]);
    });
    if let Some(checked) = checked {
        assert!(checked > 300, "only {checked} pages checked");
    }
}

/// Characters of every script whatlang tells apart, plus punctuation, digits and spaces.
fn soup_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::sample::select("ÀÉàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßąćęłńśźżčďěňřšťůžőűāēģīķļņōŗūĳœŵŷẁẃẅỳ·¡¿ɔɛə̇ʻ".chars().collect::<Vec<_>>()),
        2 => proptest::char::range('а', 'я'),
        1 => proptest::sample::select("їієґўёђјљњћџ".chars().collect::<Vec<_>>()),
        1 => proptest::char::range('\u{0621}', '\u{064A}'),
        1 => proptest::char::range('\u{0905}', '\u{0939}'),
        1 => proptest::char::range('\u{05D0}', '\u{05EA}'),
        1 => proptest::char::range('\u{4E00}', '\u{4E80}'),
        1 => proptest::char::range('\u{3041}', '\u{3096}'),
        3 => proptest::sample::select(vec![' ', ' ', '.', ',', '1', '-', '\n', 'A', 'Z', 'Ж']),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn same_answers_on_random_text(chars in proptest::collection::vec(soup_char(), 0..600)) {
        let text: String = chars.into_iter().collect();
        assert_same(&text);
    }

    /// Text mostly of one script's letters, so that its languages are scored.
    #[test]
    fn same_answers_on_one_script_words(
        script in 0usize..5,
        words in proptest::collection::vec(proptest::collection::vec(0usize..40, 1..9), 1..120),
    ) {
        let letters: Vec<char> = match script {
            0 => "abcdefghijklmnopqrstuvwxyzäöüßéèàçñóíú".chars().collect(),
            1 => "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ".chars().collect(),
            2 => ('\u{0621}'..='\u{064A}').chain("پچژکگی".chars()).collect(),
            3 => ('\u{0905}'..='\u{0939}').collect(),
            _ => ('\u{05D0}'..='\u{05EA}').collect(),
        };
        let text = words
            .iter()
            .map(|w| w.iter().map(|&i| letters[i % letters.len()]).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert_same(&text);
    }
}
