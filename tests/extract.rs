//! The `extract` contract of ../shared/BRIEF.md, on the seeds and on built inputs.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::Value;

const FIELDS: &[&str] = &[
    "id",
    "url",
    "title",
    "published",
    "language",
    "text",
    "diseases",
    "places",
    "dates",
    "counts",
    "facts",
];

#[test]
fn seed_hankyoreh_has_title_date_language_and_text() {
    let out = epiwire(&["extract", SEED_HANKYOREH], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    for field in FIELDS {
        assert!(doc.get(field).is_some(), "missing field {field}: {doc}");
    }
    assert_eq!(doc["id"], SEED_HANKYOREH);
    assert_eq!(
        doc["title"],
        "N. Korea, China in talks for COVID-19 assistance"
    );
    assert_eq!(doc["published"], "2022-05-17T17:36:00+09:00");
    assert_eq!(doc["language"], "en");
    let text = doc["text"].as_str().unwrap();
    assert!(text.contains("the number of cases of fever recently exceeded 1.2 million"));
    assert!(text.contains("Zhao Lijian"));
}

#[test]
fn seeds_in_input_order_from_a_directory() {
    let out = epiwire(&["extract", "tests/fixtures/seeds"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let ids: Vec<String> = lines(&out)
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids[0].ends_with("000_c6c40698dd1a2ea1.txt"), "{ids:?}");
    assert!(ids[1].ends_with("004_600c830cdf3f4dc2.txt"), "{ids:?}");
}

/// Every span of every annotation points at its own text, in code points.
fn assert_offsets(doc: &Value) {
    let text = doc["text"].as_str().unwrap();
    for kind in ["diseases", "places"] {
        for item in doc[kind].as_array().unwrap() {
            for m in item["mentions"].as_array().unwrap() {
                let (s, e) = (
                    m["start"].as_u64().unwrap() as usize,
                    m["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(
                    slice(text, s, e),
                    m["text"].as_str().unwrap(),
                    "{kind} span in {}",
                    doc["id"]
                );
            }
        }
    }
    for kind in ["dates", "counts"] {
        for m in doc[kind].as_array().unwrap() {
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                slice(text, s, e),
                m["text"].as_str().unwrap(),
                "{kind} span in {}",
                doc["id"]
            );
        }
    }
    for f in doc["facts"].as_array().unwrap() {
        let e = f["evidence"]["end"].as_u64().unwrap() as usize;
        assert!(e <= text.chars().count());
    }
}

#[test]
fn offsets_are_code_points_on_the_seeds() {
    let out = epiwire(&["extract", SEED_HANKYOREH, SEED_VOI], b"");
    for doc in lines(&out) {
        assert_offsets(&doc);
    }
}

#[test]
fn jsonl_from_stdin_keeps_order_across_threads() {
    let mut input = String::new();
    for i in 0..600 {
        let rec = serde_json::json!({
            "id": format!("doc-{i}"),
            "title": format!("Report {i}"),
            "published": "2022-05-18",
            "text": format!("Report {i}. Health officials in the capital confirmed {i} new cases of cholera on Monday."),
        });
        input.push_str(&rec.to_string());
        input.push('\n');
    }
    let out = epiwire(&["-j", "2", "extract", "-"], input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 600);
    for (i, doc) in docs.iter().enumerate() {
        assert_eq!(doc["id"], format!("doc-{i}"));
        assert_eq!(doc["title"], format!("Report {i}"));
        assert_eq!(doc["published"], "2022-05-18");
    }
}

#[test]
fn json_array_html_records_and_urls() {
    let dir = tempfile::tempdir().unwrap();
    let recs = serde_json::json!([
        {"id": 7, "html": news_page("Measles spreads", "Measles cases rose sharply across the northern districts this month, officials said."), "url": "https://example.org/a"},
        {"id": "b", "text": "Cholera in the south.\n\nThe ministry reported new cases.", "title": "Given title"}
    ]);
    let path = dir.path().join("recs.json");
    std::fs::write(&path, recs.to_string()).unwrap();
    let out = epiwire(&["extract", path.to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["id"], "7");
    assert_eq!(docs[0]["url"], "https://example.org/a");
    assert_eq!(docs[0]["title"], "Measles spreads");
    let text = docs[0]["text"].as_str().unwrap();
    assert!(text.contains("Measles cases rose sharply"), "{text}");
    assert!(!text.contains("All rights reserved"), "{text}");
    assert_eq!(docs[1]["title"], "Given title");
}

#[test]
fn gzip_compressed_jsonl_and_warc_gz() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "{\"id\":\"x1\",\"text\":\"Dengue fever cases were reported in the city.\"}\n";
    std::fs::write(dir.path().join("a.jsonl.gz"), gzip(jsonl.as_bytes())).unwrap();
    // CC-NEWS style: one gzip member per record.
    let mut warc = Vec::new();
    for (i, title) in ["Ebola outbreak declared", "Ebola vaccination begins"]
        .iter()
        .enumerate()
    {
        let page = news_page(
            title,
            "Health workers began the response in the affected province on Tuesday, the ministry said.",
        );
        warc.extend(gzip(&warc_response(
            &format!("https://news.example/{i}"),
            "2022-05-18T10:00:00Z",
            &page,
        )));
    }
    std::fs::write(dir.path().join("b.warc.gz"), warc).unwrap();
    let out = epiwire(&["extract", dir.path().to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 3, "{docs:?}");
    assert_eq!(docs[0]["id"], "x1");
    assert_eq!(docs[1]["url"], "https://news.example/0");
    assert_eq!(docs[1]["title"], "Ebola outbreak declared");
    assert_eq!(docs[2]["url"], "https://news.example/1");
}

#[test]
fn closed_stdout_is_not_an_error() {
    // `epiwire extract … | head -0`: the reader goes away; epiwire must not fail loudly.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(["extract", "tests/fixtures/seeds"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
