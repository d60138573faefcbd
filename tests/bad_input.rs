//! Bad inputs: each gives one clear error for that input (in the JSON output and on stderr), the
//! run goes on, and the exit status is non-zero only when nothing could be read.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// Runs `extract` over `good.txt` and `bad`, in that order, and returns the two records and stderr.
fn with_good_neighbour(dir: &Path, bad: &str, extra: &[&str]) -> (Vec<Value>, String) {
    std::fs::write(dir.join("a-good.txt"), "Cholera outbreak\n\nHealth officials reported 12 new cases of cholera in the port city on Monday.").unwrap();
    let good = dir.join("a-good.txt");
    let bad = dir.join(bad);
    let mut args = vec!["extract"];
    args.extend_from_slice(extra);
    args.push(good.to_str().unwrap());
    args.push(bad.to_str().unwrap());
    let out = epiwire(&args, b"");
    assert!(
        out.status.success(),
        "one good document was read: status must be 0; {}",
        stderr(&out)
    );
    (lines(&out), stderr(&out))
}

fn assert_one_error(records: &[Value], stderr: &str, needle: &str) {
    assert_eq!(
        records[0]["title"], "Cholera outbreak",
        "the good document comes first"
    );
    let errors: Vec<&Value> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 1, "exactly one error record: {records:?}");
    let message = errors[0]["error"].as_str().unwrap();
    assert!(
        message.contains(needle),
        "error {message:?} should mention {needle:?}"
    );
    assert!(errors[0]["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(
        stderr.matches(needle).count(),
        1,
        "one stderr line for it: {stderr}"
    );
}

#[test]
fn truncated_warc_keeps_the_records_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let page = news_page(
        "Mpox cases rise",
        "Public health officials confirmed more mpox cases in the capital this week.",
    );
    let mut warc = warc_response("https://n.example/1", "2022-05-18T10:00:00Z", &page);
    let second = warc_response(
        "https://n.example/2",
        "2022-05-18T10:00:00Z",
        &page.replace("Mpox cases rise", "Second"),
    );
    warc.extend_from_slice(&second[..second.len() / 2]);
    std::fs::write(dir.path().join("b.warc"), warc).unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "b.warc", &[]);
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(records[1]["url"], "https://n.example/1");
    assert_one_error(&records, &err, "truncated WARC record");
}

#[test]
fn truncated_gzip_warc() {
    let dir = tempfile::tempdir().unwrap();
    let page = news_page(
        "Cholera in the delta",
        "Officials confirmed new cholera cases in three districts of the delta region.",
    );
    let mut gz = gzip(&warc_response(
        "https://n.example/1",
        "2022-05-18T10:00:00Z",
        &page,
    ));
    let second = gzip(&warc_response(
        "https://n.example/2",
        "2022-05-18T10:00:00Z",
        &page,
    ));
    gz.extend_from_slice(&second[..second.len() - 20]);
    std::fs::write(dir.path().join("c.warc.gz"), gz).unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "c.warc.gz", &[]);
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(records[1]["url"], "https://n.example/1");
    assert_one_error(&records, &err, "truncated");
}

#[test]
fn invalid_utf8_text() {
    let dir = tempfile::tempdir().unwrap();
    // Valid multi-byte UTF-8 (so not a legacy 8-bit encoding) broken by many invalid sequences.
    let mut bytes = "Measles in Côte d’Ivoire. ".repeat(20).into_bytes();
    bytes.extend(std::iter::repeat_n([0xC3u8, 0x28, 0xE2, 0x82], 50).flatten());
    std::fs::write(dir.path().join("b.txt"), bytes).unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "b.txt", &[]);
    assert_one_error(&records, &err, "invalid UTF-8");
}

#[test]
fn binary_file_named_html() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 & 0x0f)
        .collect();
    std::fs::write(dir.path().join("b.html"), bytes).unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "b.html", &[]);
    assert_one_error(&records, &err, "binary content");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.txt"), b"").unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "b.txt", &[]);
    assert_one_error(&records, &err, "empty document");
}

#[test]
fn document_over_the_size_limit() {
    // The limit is lowered so that the test need not write 200 MB; the code path is the same.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.txt"), "cases ".repeat(2000)).unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "b.txt", &["--max-doc-bytes", "1000"]);
    assert_one_error(&records, &err, "too large");
}

#[test]
fn gzip_bomb_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of zeros compress to ~64 KB: a bomb at a ratio of ~1000.
    let zeros = vec![b'a'; 64 * 1024 * 1024];
    std::fs::write(dir.path().join("b.txt.gz"), gzip(&zeros)).unwrap();
    let (records, err) = with_good_neighbour(
        dir.path(),
        "b.txt.gz",
        &["--max-decompressed-bytes", "1000000"],
    );
    assert_one_error(&records, &err, "gzip bomb");
}

#[test]
fn jsonl_line_that_is_not_json() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "{\"id\":\"r1\",\"text\":\"Dengue cases rose in the city.\"}\n{not json at all\n{\"id\":\"r3\",\"text\":\"Zika was reported.\"}\n";
    std::fs::write(dir.path().join("b.jsonl"), jsonl).unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "b.jsonl", &[]);
    assert_eq!(records.len(), 4);
    assert_eq!(records[1]["id"], "r1");
    assert_eq!(records[3]["id"], "r3");
    assert_one_error(&records, &err, "not JSON");
    assert!(
        records[2]["id"].as_str().unwrap().ends_with("b.jsonl#2"),
        "{:?}",
        records[2]
    );
}

#[test]
fn missing_path() {
    let dir = tempfile::tempdir().unwrap();
    let (records, err) = with_good_neighbour(dir.path(), "does-not-exist.txt", &[]);
    assert_eq!(records.len(), 2);
    assert!(records[1]["error"].is_string());
    assert!(err.contains("does-not-exist.txt"));
}

#[test]
fn nothing_readable_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::write(dir.path().join("bin.html"), [0u8; 512]).unwrap();
    let out = epiwire(&["extract", dir.path().to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let records = lines(&out);
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["error"].is_string()));
}

#[test]
fn ingest_reports_bad_documents_and_stores_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::copy(repo(SEED_VOI), dir.path().join("seed.txt")).unwrap();
    let out = epiwire(
        &[
            "ingest",
            "--data",
            data.path().to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("empty document"), "{err}");
    assert!(
        err.contains("2 documents: 1 stored, 0 already stored, 1 errors"),
        "{err}"
    );
}
