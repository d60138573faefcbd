//! The `cluster` contract of ../shared/BRIEF.md on the seeds: {"id", "event"} per document in
//! input order, the two seed articles one event, an unrelated story another, a bad line one
//! error record.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{Value, json};

fn record(path: &str, id: &str, published: &str) -> String {
    let raw = std::fs::read_to_string(repo(path)).unwrap();
    let (title, text) = raw.split_once('\n').unwrap();
    json!({"id": id, "title": title, "text": text, "published": published}).to_string()
}

fn input() -> String {
    let football = json!({
        "id": "football",
        "title": "Manchester City retain Premier League title",
        "text": "Manchester City came from two goals down to beat Aston Villa 3-2 at the Etihad \
                 Stadium on Sunday and retain the Premier League title, with Ilkay Gundogan \
                 scoring twice as Liverpool's win over Wolves was not enough.",
        "published": "2022-05-22"
    });
    [
        record(SEED_HANKYOREH, "hankyoreh", "2022-05-17T17:36:00+09:00"),
        football.to_string(),
        "{not json".to_string(),
        String::new(),
        record(SEED_VOI, "voi", "2022-05-18"),
        record(SEED_VOI, "voi-copy", "2022-05-18"),
    ]
    .join("\n")
}

fn check(docs: &[Value]) {
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["hankyoreh", "football", "line 3", "voi", "voi-copy"]);
    assert!(
        docs[2]["error"].as_str().unwrap().contains("JSON"),
        "{}",
        docs[2]
    );
    assert!(docs[2].get("event").is_none());
    let event = |i: usize| docs[i]["event"].as_str().unwrap().to_string();
    assert_eq!(event(0), event(3), "the seeds are one event: {docs:?}");
    assert_eq!(event(3), event(4));
    assert_ne!(event(0), event(1), "football is not that event: {docs:?}");
    assert_eq!(docs[4]["duplicate_of"], "voi");
    assert_eq!(docs[3]["duplicate_of"], Value::Null);
}

#[test]
fn cluster_reads_stdin() {
    let out = epiwire(&["cluster", "-"], input().as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    check(&lines(&out));
}

#[test]
fn cluster_reads_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docs.jsonl");
    std::fs::write(&path, input()).unwrap();
    let out = epiwire(&["cluster", path.to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    check(&lines(&out));
}

#[test]
fn cluster_with_nothing_readable_fails() {
    let out = epiwire(&["cluster", "-"], b"{\"id\": 1}\n");
    assert_eq!(out.status.code(), Some(1));
    let docs = lines(&out);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], "1");
}

#[test]
fn cluster_of_a_missing_file_is_an_error() {
    let out = epiwire(&["cluster", "no/such/file.jsonl"], b"");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no/such/file.jsonl"));
}
