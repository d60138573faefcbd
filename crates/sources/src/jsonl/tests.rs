use super::*;
use crate::read_bytes;
use epiwire_model::{Body, RawDoc};
use proptest::prelude::*;

fn summary(items: Vec<Item>) -> Vec<String> {
    items
        .into_iter()
        .map(|i| match i {
            Item::Doc { raw, .. } => format!("doc {} {}", raw.id, raw.body.as_str()),
            Item::Error(e) => format!("error {e}"),
        })
        .collect()
}

#[test]
fn lines_and_errors_in_order() {
    let input = b"{\"id\": \"a\", \"text\": \"one\"}\n\nnot json\n{\"html\": \"<p>two</p>\"}\r\n{\"title\": \"x\"}\n{\"id\": 3, \"text\": \"three\"}";
    let got = summary(read_bytes(input, "d.jsonl", &Options::default()).collect());
    assert_eq!(
        got,
        [
            "doc a one",
            "error d.jsonl#3: not JSON: expected ident at line 1 column 2",
            "doc d.jsonl#4 <p>two</p>",
            "error d.jsonl#5: record has neither \"text\" nor \"html\"",
            "doc 3 three",
        ]
    );
}

#[test]
fn over_long_line_is_skipped_and_reported() {
    let long = format!("{{\"text\": \"{}\"}}\n", "x".repeat(100));
    let input = format!("{{\"text\": \"a\"}}\n{long}{{\"text\": \"b\"}}\n");
    let opts = Options {
        max_doc_bytes: 50,
        ..Options::default()
    };
    let got = summary(read_bytes(input.as_bytes(), "d.jsonl", &opts).collect());
    assert_eq!(
        got,
        [
            "doc d.jsonl#1 a",
            "error d.jsonl#2: document too large: 112 bytes exceeds the limit of 50 bytes",
            "doc d.jsonl#3 b",
        ]
    );
}

#[test]
fn stdin_like_input_is_sniffed_as_jsonl() {
    let input = b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n";
    let items: Vec<Item> = read_bytes(input, "-", &Options::default()).collect();
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[1], Item::Doc { raw, .. } if raw.body == Body::Text("b".into())));
}

fn opt_string() -> impl Strategy<Value = Option<String>> {
    prop::option::of("\\PC{0,30}")
}

proptest! {
    #[test]
    fn jsonl_round_trip(
        docs in prop::collection::vec(
            ("[a-z0-9]{1,12}", "\\PC*[^\\s]\\PC*", any::<bool>(), opt_string(), opt_string(), opt_string()),
            1..10,
        )
    ) {
        let want: Vec<RawDoc> = docs
            .into_iter()
            .map(|(id, body, html, title, published, url)| RawDoc {
                id,
                url,
                title,
                published,
                fetched: None,
                body: if html { Body::Html(body) } else { Body::Text(body) },
            })
            .collect();
        let mut input = String::new();
        for d in &want {
            let (key, body) = match &d.body {
                Body::Text(t) => ("text", t),
                Body::Html(h) => ("html", h),
            };
            let record = serde_json::json!({
                "id": d.id, key: body, "title": d.title, "published": d.published, "url": d.url,
            });
            input.push_str(&record.to_string());
            input.push('\n');
        }
        let got: Vec<RawDoc> = read_bytes(input.as_bytes(), "p.jsonl", &Options::default())
            .map(|i| match i {
                Item::Doc { raw, .. } => Ok(raw),
                Item::Error(e) => Err(TestCaseError::fail(e.to_string())),
            })
            .collect::<Result<_, _>>()?;
        prop_assert_eq!(got, want);
    }

    #[test]
    fn readers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024), lines in "(\\{[\"a-z:, 0-9\\[\\]{}]*\n?){0,8}") {
        let opts = Options { max_doc_bytes: 40, ..Options::default() };
        for name in ["f.jsonl", "f.json", "f.txt", "f.html", "-", "f.gz"] {
            let n = read_bytes(&bytes, name, &opts).count();
            prop_assert!(n <= bytes.len() + 1);
            let n = read_bytes(lines.as_bytes(), name, &opts).count();
            prop_assert!(n <= lines.len() + 1);
        }
    }
}
