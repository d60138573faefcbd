//! [`decode`] against `serde_json::from_str::<Signal>`, the reader it replaces.

use super::*;
use proptest::prelude::*;

/// What a reader gives for `text`, to the bit: the signal's debug text (a float's is its
/// shortest round-trip form, so `-0.0` and `0.0` differ), or that it failed.
fn read_new(text: &str) -> Option<String> {
    decode(text).ok().map(|s| format!("{s:?}"))
}

fn read_old(text: &str) -> Option<String> {
    serde_json::from_str::<Signal>(text)
        .ok()
        .map(|s| format!("{s:?}"))
}

fn same(text: &str) {
    assert_eq!(read_new(text), read_old(text), "{text}");
}

fn sample() -> Signal {
    Signal {
        kind: "farrington".into(),
        date: "2024-03-05".into(),
        disease: Some("DOID:0080600".into()),
        disease_name: Some("COVID-19".into()),
        country: Some("KP".into()),
        event: None,
        value: 30.0,
        threshold: 12.785_714_285_714_286,
        score: 0.291_322_314_049_586_6,
        reason: "Farrington: 30 articles about COVID-19 in KP on 2024-03-05, above the \
                 threshold 12.8 (expected 4.1, dispersion 2.3, from 28 days ending 8 days \
                 before; alpha 0.01)"
            .into(),
    }
}

/// A signal as the store writes it takes the fast path (else it would gain nothing), and gives
/// what serde_json gives.
#[test]
fn stored_signals_take_the_fast_path() {
    let mut event = sample();
    event.event = Some("E12".into());
    event.disease = None;
    for signal in [sample(), event] {
        let text = serde_json::to_string(&signal).unwrap();
        let mut cur = Cursor { s: &text, at: 0 };
        assert_eq!(cur.signal().as_ref(), Some(&signal), "{text}");
        assert_eq!(cur.at, text.len());
        same(&text);
    }
}

/// Texts off the written shape: each read as serde_json reads it (or refused as it refuses).
#[test]
fn other_texts_read_as_serde_json_reads_them() {
    let one = serde_json::to_string(&sample()).unwrap();
    let texts = [
        String::new(),
        "{}".into(),
        "null".into(),
        format!(" {one}"),
        format!("{one} "),
        format!("{one}x"),
        one.replace("{\"kind\"", "{ \"kind\""),
        one.replace(",\"event\":null", ""),
        one.replace(",\"disease\":\"DOID:0080600\"", ""),
        one.replace("\"score\":", "\"extra\":[1,{}],\"score\":"),
        one.replace("\"value\":30.0", "\"value\":30"),
        one.replace("\"value\":30.0", "\"value\":030"),
        one.replace("\"value\":30.0", "\"value\":0"),
        one.replace("\"value\":30.0", "\"value\":-0"),
        one.replace("\"value\":30.0", "\"value\":-30"),
        one.replace("\"value\":30.0", "\"value\":+30"),
        one.replace("\"value\":30.0", "\"value\":null"),
        one.replace("\"value\":30.0", "\"value\":1e400"),
        one.replace("\"value\":30.0", "\"value\":3e1"),
        one.replace("\"value\":30.0", "\"value\":2.5e-320"),
        one.replace("\"value\":30.0", "\"value\":999999999999999"),
        one.replace("\"value\":30.0", "\"value\":9999999999999999"),
        one.replace("\"value\":30.0", "\"value\":9007199254740993"),
        one.replace("\"value\":30.0", "\"value\":18446744073709551617"),
        one.replace("\"value\":30.0", "\"value\":1-2"),
        one.replace("\"value\":30.0", "\"value\":0e999"),
        one.replace("\"value\":30.0", "\"value\":0.0e-999"),
        one.replace("\"value\":30.0", "\"value\":1e-400"),
        one.replace("\"value\":30.0", "\"value\":1e308"),
        one.replace("\"value\":30.0", "\"value\":1.8e308"),
        one.replace("\"value\":30.0", "\"value\":30."),
        one.replace("\"value\":30.0", "\"value\":.5"),
        one.replace("\"value\":30.0", "\"value\":3e"),
        one.replace("\"value\":30.0", "\"value\":3E+2"),
        one.replace("\"value\":30.0", "\"value\":3e-2"),
        one.replace("\"value\":30.0", "\"value\":-1.5"),
        one.replace("\"value\":30.0", "\"value\":-0.0"),
        one.replace(
            "\"value\":30.0",
            "\"value\":0.1000000000000000055511151231257827",
        ),
        one.replace("\"value\":30.0", "\"value\":2.2250738585072011e-308"),
        one.replace("\"value\":30.0", "\"value\":9007199254740993.0"),
        one.replace("\"value\":30.0", "\"value\":\"30\""),
        one.replace("\"kind\":\"farrington\"", "\"kind\":null"),
        one.replace("COVID-19\"", "COVID\\u00e9\\ud83d\\ude00\""),
        one.replace("COVID-19\"", "COVID\\ud800\""),
        one.replace("COVID-19\"", "COVID\\x\""),
        one.replace("COVID-19\"", "COVID\u{1}\""),
        one.replace("COVID-19\"", "COVID\\\\\""),
        one.replace("\"KP\"", "\"KP\",\"country\":\"FR\""),
        one.replace("0.01)\"}", "0.01)\""),
    ];
    for text in &texts {
        same(text);
    }
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
        (0u64..1 << 54).prop_map(|n| n as f64),
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64),
        (0u32..100_000, 1u32..1000).prop_map(|(a, b)| f64::from(a) / f64::from(b)),
        Just(-0.0),
        Just(1e15),
        Just(1e16),
        Just(f64::MIN_POSITIVE / 4.0),
        Just(f64::MAX),
    ]
}

prop_compose! {
    fn any_signal()(
        strings in proptest::collection::vec(any_string(), 7),
        some in proptest::collection::vec(any::<bool>(), 7),
        floats in proptest::collection::vec(any_float(), 3),
    ) -> Signal {
        let o = |i: usize| some[i].then(|| strings[i].clone());
        Signal {
            kind: strings[0].clone(),
            date: strings[1].clone(),
            disease: o(2),
            disease_name: o(3),
            country: o(4),
            event: o(5),
            value: floats[0],
            threshold: floats[1],
            score: floats[2],
            reason: strings[6].clone(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any signal as the store writes it reads back as serde_json reads it.
    #[test]
    fn written_signals_read_as_serde_json_reads_them(signal in any_signal()) {
        let text = serde_json::to_string(&signal).unwrap();
        prop_assert_eq!(read_new(&text), read_old(&text));
    }

    /// The written text with a character put in, or cut short, at any place: read (or refused)
    /// as serde_json reads it.
    #[test]
    fn altered_texts_read_as_serde_json_reads_them(
        signal in any_signal(),
        at in any::<prop::sample::Index>(),
        put in prop::sample::select(vec![" ", "\"", "\\", ",", "}", "0", "-", ".", "e", "n", "\u{1}", "é", ""]),
        cut in any::<bool>(),
    ) {
        let text = serde_json::to_string(&signal).unwrap();
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let at = bounds[at.index(bounds.len())];
        let altered = if cut {
            text[..at].to_string()
        } else {
            format!("{}{put}{}", &text[..at], &text[at..])
        };
        prop_assert_eq!(read_new(&altered), read_old(&altered));
    }

    /// Whole numbers of up to 17 digits (some past 2^53, some with a leading zero): as serde_json.
    #[test]
    fn whole_numbers_read_as_serde_json_reads_them(n in 0u64..100_000_000_000_000_000, zeros in 0usize..2) {
        let mut signal = sample();
        signal.value = 1.0;
        let text = serde_json::to_string(&signal)
            .unwrap()
            .replace("\"value\":1.0", &format!("\"value\":{}{n}", "0".repeat(zeros)));
        let number = format!("\"value\":{}{n},", "0".repeat(zeros));
        prop_assert!(text.contains(&number));
        prop_assert_eq!(read_new(&text), read_old(&text));
    }

    /// Decimal texts of any digits and exponent, as a corrupted or hand-written row may hold
    /// them: read (or refused) as serde_json reads them.
    #[test]
    fn decimal_texts_read_as_serde_json_reads_them(
        whole in "(0|[1-9][0-9]{0,25})",
        frac in proptest::option::of("[0-9]{1,30}"),
        exp in proptest::option::of(("[eE]", "[+-]?", 0u32..400)),
    ) {
        let mut number = whole;
        if let Some(f) = frac {
            number = format!("{number}.{f}");
        }
        if let Some((e, sign, n)) = exp {
            number = format!("{number}{e}{sign}{n}");
        }
        let text = serde_json::to_string(&sample())
            .unwrap()
            .replace("\"value\":30.0", &format!("\"value\":{number}"));
        prop_assert_eq!(read_new(&text), read_old(&text), "{}", number);
    }
}
