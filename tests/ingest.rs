//! `ingest`, `stats` and `show`: the embedded store, deduplication and resumption.

mod common;

use common::*;

#[test]
fn ingest_twice_adds_nothing_and_stats_counts() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let first = epiwire(&["ingest", "--data", d, "tests/fixtures/seeds"], b"");
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("2 stored"), "{}", stderr(&first));

    let second = epiwire(&["ingest", "--data", d, "tests/fixtures/seeds"], b"");
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("0 stored, 2 already stored"),
        "{}",
        stderr(&second)
    );

    let stats = epiwire(&["stats", "--json", "--data", d], b"");
    assert!(stats.status.success(), "{}", stderr(&stats));
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["documents"], 2);

    let shown = epiwire(&["show", "--data", d, SEED_HANKYOREH], b"");
    assert!(shown.status.success(), "{}", stderr(&shown));
    let doc: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(doc["published"], "2022-05-17T17:36:00+09:00");

    let missing = epiwire(&["show", "--data", d, "no-such-doc"], b"");
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn ingest_resumes_after_partial_input() {
    // A first run stores part of a corpus; the second run over the whole corpus stores only the rest.
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let corpus = tempfile::tempdir().unwrap();
    let mut all = String::new();
    for i in 0..300 {
        all.push_str(&serde_json::json!({"id": format!("r{i}"), "text": format!("Report {i}: {i} cases of measles in the district.")}).to_string());
        all.push('\n');
    }
    let half: String = all.lines().take(120).map(|l| format!("{l}\n")).collect();
    let part = corpus.path().join("part.jsonl");
    std::fs::write(&part, half).unwrap();
    let out = epiwire(
        &[
            "ingest",
            "--data",
            d,
            "--batch",
            "50",
            part.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("120 stored"), "{}", stderr(&out));

    let whole = corpus.path().join("whole.jsonl");
    std::fs::write(&whole, all).unwrap();
    let out = epiwire(&["ingest", "--data", d, whole.to_str().unwrap()], b"");
    assert!(
        stderr(&out).contains("180 stored, 120 already stored"),
        "{}",
        stderr(&out)
    );
    let stats = epiwire(&["stats", "--json", "--data", d], b"");
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["documents"], 300);
}

#[test]
fn data_dir_from_environment() {
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(["ingest", SEED_VOI])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EPIWIRE_DATA", data.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(data.path().join("epiwire.sqlite").exists());
}

#[test]
fn show_into_a_closed_pipe_is_quiet() {
    // Regression: `epiwire show ID | head -1` printed "error: Broken pipe" from serde_json.
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    assert!(
        epiwire(&["ingest", "--data", d, SEED_HANKYOREH], b"")
            .status
            .success()
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(["show", "--data", d, SEED_HANKYOREH])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

/// The ingest runs under valgrind, as the profiling recipes in the crates' READMEs need: the
/// per-stage CPU clock once went through rustix's own vDSO parser, which valgrind's auxiliary
/// vector made crash at the first worker (SIGSEGV in `rustix::backend::param::auxv`); rustix now
/// goes through libc (`use-libc`).
/// `cargo test --test ingest -- --ignored runs_under_valgrind` (needs Debian's `valgrind`).
#[test]
#[ignore = "needs valgrind: cargo test --test ingest -- --ignored runs_under_valgrind"]
fn runs_under_valgrind() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let out = std::process::Command::new("valgrind")
        .args(["--tool=none", "--error-exitcode=99", "--quiet"])
        .arg(env!("CARGO_BIN_EXE_epiwire"))
        .args(["-j", "1", "ingest", "--data", d, "tests/fixtures/seeds"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 stored"), "{}", stderr(&out));
}
