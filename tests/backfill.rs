//! Backfill checkpoints: a WARC ingest killed with SIGKILL in the middle of the file resumes at
//! the last committed gzip member, stores everything exactly once and does not read the
//! committed part again.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::*;

/// Records in the test WARC: several pipeline chunks (256 documents each), so that a kill after
/// the first commits lands in the middle of the file.
const RECORDS: usize = 400;

/// A CC-NEWS-style WARC: one gzip member per `response` record, each page one of the two seed
/// articles as HTML with a paragraph that makes every copy distinct content. Returns the file
/// and the offset of every member.
#[allow(
    clippy::unwrap_used,
    reason = "test set-up: a missing seed should fail the test"
)]
fn build_warc(path: &std::path::Path) -> Vec<u64> {
    let seeds = [
        std::fs::read_to_string(repo(SEED_HANKYOREH)).unwrap(),
        std::fs::read_to_string(repo(SEED_VOI)).unwrap(),
    ];
    let mut file = Vec::new();
    let mut starts = Vec::new();
    for i in 0..RECORDS {
        let text = &seeds[i % 2];
        let mut lines = text.lines();
        let title = lines.next().unwrap_or("");
        let paragraphs: String = lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("<p>{}</p>\n", escape(l)))
            .collect();
        let html = format!(
            "<html><head><title>{}</title></head><body><article><h1>{}</h1>\n{paragraphs}\
             <p>Archive copy {i}: republished on day {i} of the syndication run.</p>\
             </article></body></html>",
            escape(title),
            escape(title)
        );
        let mut record = Vec::new();
        epiwire_sources::warc::write_response(
            &mut record,
            &format!("urn:uuid:00000000-0000-0000-0000-{i:012}"),
            &format!("https://news.example/seed-{}/copy-{i}", i % 2),
            "2022-05-18T00:00:00Z",
            "text/html; charset=utf-8",
            html.as_bytes(),
        );
        starts.push(file.len() as u64);
        file.extend(gzip(&record));
    }
    std::fs::write(path, &file).unwrap();
    starts
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The number in `line` right after `label` (e.g. "offset 1234").
fn number_after(line: &str, label: &str) -> Option<u64> {
    let rest = &line[line.find(label)? + label.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[test]
fn killed_backfill_resumes_at_the_last_committed_member() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("cc-news-test.warc.gz");
    let starts = build_warc(&warc);
    let size = std::fs::metadata(&warc).unwrap().len();
    let data = dir.path().join("store");
    let d = data.to_str().unwrap();
    let w = warc.to_str().unwrap();

    // First run: small batches, a progress line per commit; SIGKILL after the first commits.
    let mut child = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args([
            "ingest",
            "--progress",
            "always",
            "--batch",
            "16",
            "--data",
            d,
            w,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("EPIWIRE_DATA")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_log = String::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut killed_after = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        first_log.push_str(&line);
        first_log.push('\n');
        if let Some(stored) = number_after(&line, "documents:")
            && stored >= 32
        {
            child.kill().unwrap(); // SIGKILL
            killed_after = Some(stored);
            break;
        }
    }
    child.wait().unwrap();
    let killed_after = killed_after.unwrap_or_else(|| panic!("no commit seen:\n{first_log}"));
    assert!(
        (killed_after as usize) < RECORDS,
        "the first run finished before the kill:\n{first_log}"
    );

    // Second run: resumes at a member boundary after what was committed, reads only the rest.
    let second = epiwire(&["ingest", "--data", d, w], b"");
    let log = stderr(&second);
    assert!(second.status.success(), "{log}");
    let resumed = log
        .lines()
        .find(|l| l.contains("resumed at offset"))
        .unwrap_or_else(|| panic!("no resume line:\n{log}"));
    let offset = number_after(resumed, "resumed at offset").unwrap();
    assert_eq!(number_after(resumed, " of "), Some(size), "{resumed}");
    assert!(offset > 0 && offset < size, "{resumed}");
    // The checkpoint is a member start, and the documents before it were all committed.
    let done = starts
        .iter()
        .position(|&s| s == offset)
        .unwrap_or_else(|| panic!("offset {offset} is not a member start"));
    assert!(done >= 32, "resumed at record {done}");
    let rest = RECORDS - done;
    assert!(
        log.contains(&format!(
            "{rest} documents: {rest} stored, 0 already stored, 0 errors"
        )),
        "expected the second run to read exactly the {rest} records after the checkpoint:\n{log}"
    );

    // Everything stored exactly once.
    let stats = epiwire(&["stats", "--json", "--data", d], b"");
    assert!(stats.status.success(), "{}", stderr(&stats));
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["documents"], RECORDS as u64, "{stats}");

    // A third run has nothing left to read.
    let third = epiwire(&["ingest", "--data", d, w], b"");
    let log = stderr(&third);
    assert!(third.status.success(), "{log}");
    assert!(
        log.contains(&format!("resumed at offset {size} of {size}")),
        "{log}"
    );
    assert!(log.contains("0 documents: 0 stored"), "{log}");
}

#[test]
fn a_changed_file_is_read_from_the_start() {
    // The checkpoint belongs to the file's size and mtime: a rewritten file is read again (and
    // the content-hash skip keeps the documents already stored).
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("small.warc.gz");
    let mut file = Vec::new();
    for i in 0..3 {
        let mut record = Vec::new();
        epiwire_sources::warc::write_response(
            &mut record,
            &format!("urn:uuid:{i}"),
            &format!("https://news.example/{i}"),
            "2022-05-18T00:00:00Z",
            "text/html; charset=utf-8",
            format!("<html><body><p>Report {i}: 12 cases of measles in Lusaka, Zambia.</p></body></html>")
                .as_bytes(),
        );
        file.extend(gzip(&record));
    }
    std::fs::write(&warc, &file).unwrap();
    let data = dir.path().join("store");
    let (d, w) = (data.to_str().unwrap(), warc.to_str().unwrap());
    let first = epiwire(&["ingest", "--data", d, w], b"");
    assert!(
        stderr(&first).contains("3 documents: 3 stored"),
        "{}",
        stderr(&first)
    );
    // Append one record: another size, so the file is read from the start.
    let mut more = std::fs::OpenOptions::new()
        .append(true)
        .open(&warc)
        .unwrap();
    let mut record = Vec::new();
    epiwire_sources::warc::write_response(
        &mut record,
        "urn:uuid:3",
        "https://news.example/3",
        "2022-05-18T00:00:00Z",
        "text/html; charset=utf-8",
        b"<html><body><p>Report 3: 40 cases of cholera in Harare.</p></body></html>",
    );
    more.write_all(&gzip(&record)).unwrap();
    drop(more);
    let second = epiwire(&["ingest", "--data", d, w], b"");
    let log = stderr(&second);
    assert!(!log.contains("resumed at offset"), "{log}");
    assert!(
        log.contains("4 documents: 1 stored, 3 already stored"),
        "{log}"
    );
}
