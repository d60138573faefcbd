//! `epiwire search` end to end: ingest the seeds with the binary, search them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{epiwire, stderr};
use serde_json::Value;

fn search(data: &str, args: &[&str]) -> (std::process::Output, Value) {
    let mut all = vec!["search", "--data", data];
    all.extend_from_slice(args);
    let out = epiwire(&all, b"");
    let json = if out.stdout.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    };
    (out, json)
}

#[test]
fn search_finds_the_seeds_and_rebuilds_a_deleted_index() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().to_str().unwrap();
    let out = epiwire(&["ingest", "--data", data, "tests/fixtures/seeds"], b"");
    assert!(out.status.success(), "{}", stderr(&out));

    // Not a terminal: JSON by default.
    let (out, json) = search(data, &["Pyongyang", "fever"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["total"], 1);
    let hit = &json["hits"][0];
    assert!(
        hit["id"]
            .as_str()
            .unwrap()
            .ends_with("000_c6c40698dd1a2ea1.txt")
    );
    assert!(hit["snippet_html"].as_str().unwrap().contains("<mark>"));
    assert!(!hit["highlights"].as_array().unwrap().is_empty());
    let diseases = json["facets"]["diseases"].as_array().unwrap();
    assert!(diseases.iter().any(|d| d["key"] == "DOID:0080600"));

    // Filters.
    let (_, json) = search(data, &["fever", "--country", "KP", "--disease", "COVID-19"]);
    assert_eq!(json["total"], 2);
    let (out, json) = search(data, &["fever", "--to", "2022-05-16"]);
    assert_eq!(json["total"], 0);
    assert_eq!(out.status.code(), Some(1), "no hit: exit status 1");

    // JSON Lines: one hit a line.
    let out = epiwire(
        &["search", "--data", data, "--format", "jsonl", "COVID-19"],
        b"",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);

    // Table.
    let out = epiwire(
        &["search", "--data", data, "--format", "table", "Pyongyang"],
        b"",
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("1 hit"), "{table}");
    assert!(table.contains("[Pyongyang]"), "{table}");
    assert!(table.contains("2022-05-17"), "{table}");

    // The index is derived data: deleted, it is rebuilt from the store.
    std::fs::remove_dir_all(tmp.path().join("index")).unwrap();
    let (out, json) = search(data, &["Pyongyang", "fever"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["total"], 1);

    // Bad syntax: a clear message and the usage exit status.
    let (out, _) = search(data, &["title:(fever"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad search query"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn search_without_a_store_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("nothing");
    let (out, _) = search(data.to_str().unwrap(), &["fever"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot open the store"),
        "{}",
        stderr(&out)
    );
}
