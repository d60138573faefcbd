use super::*;
use crate::read_bytes;

fn summary(bytes: &[u8], opts: &Options) -> Vec<String> {
    read_bytes(bytes, "r.json", opts)
        .map(|i| match i {
            Item::Doc { raw, .. } => format!("doc {} {}", raw.id, raw.body.as_str()),
            Item::Error(e) => format!("error {e}"),
        })
        .collect()
}

#[test]
fn single_object() {
    let got = summary(
        b"{\n  \"text\": \"a \\\"quoted\\\" }\"\n}\n",
        &Options::default(),
    );
    assert_eq!(got, ["doc r.json a \"quoted\" }"]);
}

#[test]
fn array_with_a_bad_record() {
    let input = br#"[ {"id": "x", "text": "one"}, {"text": 2}, 5, {"html": "<b>]</b>"} ]"#;
    let got = summary(input, &Options::default());
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0], "doc x one");
    assert!(
        got[1].starts_with("error r.json#2: not a record: invalid type"),
        "{got:?}"
    );
    assert!(
        got[2].starts_with("error r.json#3: not a record"),
        "{got:?}"
    );
    assert_eq!(got[3], "doc r.json#4 <b>]</b>");
}

#[test]
fn truncated_array() {
    let got = summary(br#"[{"text": "one"}, {"text": "tw"#, &Options::default());
    assert_eq!(
        got,
        [
            "doc r.json#1 one",
            "error r.json: truncated JSON: the input ends inside a record"
        ]
    );
}

#[test]
fn large_record_in_an_array() {
    let input = format!(r#"[{{"text": "{}"}}, {{"text": "b"}}]"#, "y".repeat(200));
    let opts = Options {
        max_doc_bytes: 100,
        ..Options::default()
    };
    let got = summary(input.as_bytes(), &opts);
    assert_eq!(
        got,
        [
            "error r.json#1: document too large: 212 bytes exceeds the limit of 100 bytes",
            "doc r.json#2 b"
        ]
    );
}
