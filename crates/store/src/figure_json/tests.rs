//! [`decode_into`] against `serde_json::from_str::<Vec<Figure>>`, the reader it replaces.

use super::*;
use proptest::prelude::*;

/// What a reader gives for `text`, to the bit: the figures' debug text (a float's is its
/// shortest round-trip form, so `-0.0` and `0.0` differ), or that it failed.
fn read_new(text: &str) -> Option<String> {
    let mut out = Vec::new();
    decode_into(text, &mut out)
        .ok()
        .map(|()| format!("{out:?}"))
}

fn read_old(text: &str) -> Option<String> {
    serde_json::from_str::<Vec<Figure>>(text)
        .ok()
        .map(|v| format!("{v:?}"))
}

fn same(text: &str) {
    assert_eq!(read_new(text), read_old(text), "{text}");
}

fn sample(value: f64) -> Figure {
    Figure {
        doc_id: "urn:uuid:7a3a8429".into(),
        url: Some("https://www.who.int/csr/don/2012_10_08a/en/".into()),
        outlet: Some("who.int".into()),
        title: Some("Ebola outbreak in Democratic Republic of Congo – update".into()),
        published: Some("2012-10-08".into()),
        disease: Some("DOID:4325".into()),
        disease_name: Some("Ebola virus disease".into()),
        place: Some(203_312),
        place_name: Some("Democratic Republic of the Congo".into()),
        place_kind: Some("country".into()),
        country: Some("CD".into()),
        metric: "deaths".into(),
        scope: "unknown".into(),
        qualifier: "exact".into(),
        value,
        min: None,
        max: Some(30.5),
        status: None,
        as_of: Some("2012-10-08".into()),
        as_of_source: Some("published".into()),
        headline: true,
        span: Span {
            start: 251,
            end: 253,
            text: "24".into(),
        },
        evidence: Span {
            start: 241,
            end: 298,
            text: "Of these, 24 have been \"fatal\"\n(10 confirmed, 14 probable).".into(),
        },
    }
}

/// The rows as the store writes them take the fast path (else it would gain nothing), and
/// give what serde_json gives.
#[test]
fn stored_rows_take_the_fast_path() {
    for figures in [vec![], vec![sample(24.0)], vec![sample(0.5), sample(-0.0)]] {
        let text = serde_json::to_string(&figures).unwrap();
        let mut out = Vec::new();
        let mut cur = Cursor { s: &text, at: 0 };
        assert!(cur.figures(&mut out).is_some(), "{text}");
        assert_eq!(cur.at, text.len());
        // (What serde_json reads: `-0.0` is written as `0`.)
        assert_eq!(Some(format!("{out:?}")), read_old(&text));
    }
}

/// Texts off the written shape: each read as serde_json reads it (or refused as it refuses).
#[test]
fn other_texts_read_as_serde_json_reads_them() {
    let one = serde_json::to_string(&[sample(24.0)]).unwrap();
    let texts = [
        String::new(),
        "[]".into(),
        " []".into(),
        "[] ".into(),
        "[".into(),
        one.replace("{\"doc_id\"", "{ \"doc_id\""),
        one.replace(",\"place_kind\":\"country\"", ""),
        one.replace("\"headline\":true", "\"headline\":true,\"extra\":[1,{}]"),
        one.replace("\"place\":203312", "\"place\":0203312"),
        one.replace("\"place\":203312", "\"place\":-1"),
        one.replace("\"place\":203312", "\"place\":1e3"),
        one.replace("\"place\":203312", "\"place\":18446744073709551616"),
        one.replace("\"place\":203312", "\"place\":18446744073709551615"),
        one.replace("\"value\":24", "\"value\":null"),
        one.replace("\"value\":24", "\"value\":-0"),
        one.replace("\"value\":24", "\"value\":1e400"),
        one.replace("\"value\":24", "\"value\":2.5e-320"),
        one.replace("\"value\":24", "\"value\":+1"),
        one.replace("\"value\":24", "\"value\":1-2"),
        one.replace("\"value\":24", "\"value\":0.30000000000000004"),
        one.replace("who.int\"", "who\\u00e9\\ud83d\\ude00.int\""),
        one.replace("who.int\"", "who\\ud800.int\""),
        one.replace("who.int\"", "who\\x.int\""),
        one.replace("who.int\"", "who\u{1}.int\""),
        one.replace("who.int\"", "who\\\\\""),
        one.replace("\"metric\":\"deaths\"", "\"metric\":null"),
        one.replace("\"headline\":true", "\"headline\":1"),
        one.replace("}}]", "}}"),
        format!("{one}x"),
        format!("[{},{}]", &one[1..one.len() - 1], &one[1..one.len() - 1]),
        format!("[{},]", &one[1..one.len() - 1]),
    ];
    for text in &texts {
        same(text);
    }
}

/// A decode that fails leaves what `out` held.
#[test]
fn a_refused_text_leaves_the_output_as_it_was() {
    let mut out = vec![sample(1.0)];
    let text = serde_json::to_string(&[sample(24.0)])
        .unwrap()
        .replace("}}]", "}}");
    assert!(decode_into(&text, &mut out).is_err());
    assert_eq!(format!("{out:?}"), format!("{:?}", [sample(1.0)]));
}

fn any_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .:/-]{0,40}",
        "\\PC{0,20}",
        any::<String>(),
        Just("\"\\\u{7f}\u{0}\n\t".to_string()),
    ]
}

fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64),
        (0u32..100_000, 1u32..1000).prop_map(|(a, b)| f64::from(a) / f64::from(b)),
        Just(-0.0),
        Just(f64::MIN_POSITIVE / 4.0),
        Just(f64::MAX),
    ]
}

prop_compose! {
    fn any_span()(start in any::<usize>(), end in any::<usize>(), text in any_string()) -> Span {
        Span { start, end, text }
    }
}

prop_compose! {
    fn any_figure()(
        strings in proptest::collection::vec(any_string(), 16),
        some in proptest::collection::vec(any::<bool>(), 16),
        place in proptest::option::of(any::<u64>()),
        value in any_float(),
        min in proptest::option::of(any_float()),
        max in proptest::option::of(any_float()),
        headline in any::<bool>(),
        span in any_span(),
        evidence in any_span(),
    ) -> Figure {
        let s = |i: usize| strings[i].clone();
        let o = |i: usize| some[i].then(|| strings[i].clone());
        Figure {
            doc_id: s(0), url: o(1), outlet: o(2), title: o(3), published: o(4), disease: o(5),
            disease_name: o(6), place, place_name: o(7), place_kind: o(8), country: o(9),
            metric: s(10), scope: s(11), qualifier: s(12), value, min, max, status: o(13),
            as_of: o(14), as_of_source: o(15), headline, span, evidence,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any figures as the store writes them read back as serde_json reads them.
    #[test]
    fn written_figures_read_as_serde_json_reads_them(
        figures in proptest::collection::vec(any_figure(), 0..4),
    ) {
        let text = serde_json::to_string(&figures).unwrap();
        prop_assert_eq!(read_new(&text), read_old(&text));
    }

    /// The written text with a character put in, or cut short, at any place: read (or refused)
    /// as serde_json reads it.
    #[test]
    fn altered_texts_read_as_serde_json_reads_them(
        figures in proptest::collection::vec(any_figure(), 1..3),
        at in any::<prop::sample::Index>(),
        put in prop::sample::select(vec![" ", "\"", "\\", ",", "}", "]", "0", "-", "n", "\u{1}", "é", ""]),
        cut in any::<bool>(),
    ) {
        let text = serde_json::to_string(&figures).unwrap();
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let at = bounds[at.index(bounds.len())];
        let altered = if cut {
            text[..at].to_string()
        } else {
            format!("{}{put}{}", &text[..at], &text[at..])
        };
        prop_assert_eq!(read_new(&altered), read_old(&altered));
    }
}
