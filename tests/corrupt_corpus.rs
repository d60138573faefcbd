//! Bad input at scale (issue 7, item 5): a mixed corpus with 5 % corrupt documents.
//!
//! The corpus is generated at test time in a temporary directory (nothing large is committed):
//! WHO Disease Outbreak News texts (from `../shared/data/who-don`, each made unique by a
//! reference line) spread over JSON Lines files (some gzip-compressed), HTML files (some
//! `.html.gz`), WARC.gz files (one gzip member per record) and text files (some `.txt.gz`), with
//! 5 % corrupt entries of every kind: truncated gzip, a truncated WARC.gz record, invalid UTF-8
//! (a text file and a JSON Lines line), binary content, a 50 MB single line (a text file and a
//! JSON Lines line), HTML nested 100,000 levels deep, a gzip bomb (and a `.zip` bomb, which
//! epiwire does not read: binary), empty files, JSON Lines lines that are not JSON or have no
//! text.
//!
//! Checked: `epiwire extract` prints every good document once and each bad one exactly once as
//! `{"id", "error"}` with a clear reason (the same message once on stderr), exit status 0;
//! `epiwire ingest` stores every good document and counts each bad one once; the deeply nested
//! page is read without overflowing a stack; peak memory (VmHWM of the child, polled from
//! `/proc`) stays under 1 GiB.
//!
//! The always-run variant has about 400 documents with every corrupt kind. The 10,000-document
//! variant (slow in a debug build; run it in release):
//!
//! ```text
//! cargo test --release --test corrupt_corpus -- --ignored --nocapture
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{gzip, warc_record};

/// Peak memory allowed for one run, in bytes.
const MAX_RSS: u64 = 1024 * 1024 * 1024;

/// A bad input and the words its error must contain.
#[derive(Debug, Clone)]
struct Bad {
    /// The id the error record must carry.
    id: String,
    /// A phrase of the expected error message.
    needle: &'static str,
    /// The kind, for the summary.
    kind: &'static str,
}

/// What the generated corpus holds.
#[derive(Debug, Default)]
struct Manifest {
    /// Ids of the documents that must be read and stored.
    good: Vec<String>,
    /// The bad inputs.
    bad: Vec<Bad>,
}

/// How many hostile inputs of the expensive kinds (each writes or inflates tens of MB).
struct Costly {
    huge: usize,
    nested: usize,
    bombs: usize,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A news page around one WHO DON text.
fn page(title: &str, text: &str) -> String {
    let paragraphs: String = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{t} | Outbreak News</title></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
         <article><h1>{t}</h1>{paragraphs}</article>\
         <footer>Copyright Outbreak News. All rights reserved.</footer></body></html>",
        t = escape(title)
    )
}

/// Bytes that are not text: low control bytes, NULs among them.
fn binary(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x & 0x1f) as u8
        })
        .collect()
}

/// Writes `total` documents, 5 % of them bad, into `dir`; returns what must come out.
fn generate(dir: &Path, total: usize, costly: &Costly) -> Manifest {
    let don = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/who-don/dons-1996-2012.jsonl"),
    )
    .expect("../shared/data/who-don/dons-1996-2012.jsonl");
    let records: Vec<(String, String)> = don
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["title"].as_str().unwrap_or("").to_string(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(_, t)| t.len() > 200)
        .collect();
    let n_bad = total / 20;
    let n_good = total - n_bad;
    let mut m = Manifest::default();
    let path = |name: String| dir.join(name);
    let text_of = |k: usize| {
        let (title, text) = &records[k % records.len()];
        (
            title.clone(),
            format!("{text}\n\nReference {k} of the generated corpus."),
        )
    };

    // The good documents, by format: 50 % JSON Lines, 20 % HTML, 20 % WARC.gz, 10 % text.
    let mut k = 0;
    let mut jsonl: Vec<(PathBuf, Vec<String>)> = Vec::new();
    let n_jsonl = n_good / 2;
    while k < n_jsonl {
        let f = jsonl.len();
        let name = if f % 3 == 2 {
            format!("j{f:03}.jsonl.gz")
        } else {
            format!("j{f:03}.jsonl")
        };
        let mut lines = Vec::new();
        while k < n_jsonl && lines.len() < 250 {
            let (title, text) = text_of(k);
            let id = format!("g{k}");
            lines.push(serde_json::json!({"id": id, "title": title, "text": text}).to_string());
            m.good.push(id);
            k += 1;
        }
        jsonl.push((path(name), lines));
    }
    let n_html = n_jsonl + n_good / 5;
    while k < n_html {
        let (title, text) = text_of(k);
        let html = page(&title, &text);
        let p = if k % 4 == 0 {
            let p = path(format!("h{k:05}.html.gz"));
            std::fs::write(&p, gzip(html.as_bytes())).unwrap();
            p
        } else {
            let p = path(format!("h{k:05}.html"));
            std::fs::write(&p, html).unwrap();
            p
        };
        m.good.push(p.display().to_string());
        k += 1;
    }
    let n_warc = n_html + n_good / 5;
    let mut warcs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    while k < n_warc {
        let mut gz = Vec::new();
        let mut n = 0;
        while k < n_warc && n < 100 {
            let (title, text) = text_of(k);
            let id = format!("urn:uuid:00000000-0000-4000-8000-{k:012}");
            gz.extend(gzip(&warc_record(
                &id,
                &format!("https://news.example/{k}"),
                &page(&title, &text),
            )));
            m.good.push(id);
            n += 1;
            k += 1;
        }
        warcs.push((path(format!("w{:03}.warc.gz", warcs.len())), gz));
    }
    while k < n_good {
        let (title, text) = text_of(k);
        let body = format!("{title}\n\n{text}");
        let p = if k % 3 == 0 {
            let p = path(format!("t{k:05}.txt.gz"));
            std::fs::write(&p, gzip(body.as_bytes())).unwrap();
            p
        } else {
            let p = path(format!("t{k:05}.txt"));
            std::fs::write(&p, body).unwrap();
            p
        };
        m.good.push(p.display().to_string());
        k += 1;
    }

    // The bad ones. The costly kinds first, the cheap ones in turn for the rest.
    let mut b = 0;
    let mut bad = |m: &mut Manifest, id: String, needle, kind| {
        m.bad.push(Bad { id, needle, kind });
        b += 1;
    };
    for i in 0..costly.huge {
        // A 50 MB single line: as a text file, and as a JSON Lines line.
        let line = "12 cases of cholera were reported ".repeat(50_000_000 / 34);
        if i % 2 == 0 {
            let p = path(format!("x-huge-{i}.txt"));
            std::fs::write(&p, &line).unwrap();
            bad(&mut m, p.display().to_string(), "too large", "50 MB line");
        } else {
            let f = i % jsonl.len();
            let (file, lines) = &mut jsonl[f];
            let n = lines.len() + 1;
            lines.push(serde_json::json!({"id": format!("huge-{i}"), "text": line}).to_string());
            bad(
                &mut m,
                format!("{}#{n}", file.display()),
                "too large",
                "50 MB line",
            );
        }
    }
    for i in 0..costly.nested {
        // HTML nested 100,000 levels deep: read like any page (its text is stored).
        let depth = 100_000;
        let (title, text) = text_of(k + i);
        let mut html = String::with_capacity(depth * 11 + text.len() + 200);
        html.push_str("<!doctype html><html><head><title>");
        html.push_str(&escape(&title));
        html.push_str("</title></head><body>");
        for _ in 0..depth {
            html.push_str(if i % 2 == 0 { "<div>" } else { "<b><i>" });
        }
        html.push_str("<p>");
        html.push_str(&escape(&text));
        html.push_str("</p>");
        if i % 2 == 0 {
            for _ in 0..depth {
                html.push_str("</div>");
            }
        }
        html.push_str("</body></html>");
        let p = path(format!("x-nested-{i}.html"));
        std::fs::write(&p, html).unwrap();
        m.good.push(p.display().to_string());
    }
    for i in 0..costly.bombs {
        // One member of 64 MiB of zeros (about 64 KB compressed), repeated: inflates to GiBs.
        let member = gzip(&vec![0u8; 64 * 1024 * 1024]);
        let bomb: Vec<u8> = member
            .iter()
            .copied()
            .cycle()
            .take(member.len() * 32)
            .collect();
        if i % 2 == 0 {
            let p = path(format!("x-bomb-{i}.txt.gz"));
            std::fs::write(&p, bomb).unwrap();
            bad(&mut m, p.display().to_string(), "gzip bomb", "gzip bomb");
        } else {
            // A zip file is no input format: its bytes are binary.
            let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
            zip.extend_from_slice(&member);
            let p = path(format!("x-bomb-{i}.zip"));
            std::fs::write(&p, zip).unwrap();
            bad(
                &mut m,
                p.display().to_string(),
                "binary content",
                "zip bomb",
            );
        }
    }
    let cheap = n_bad.saturating_sub(m.bad.len());
    for i in 0..cheap {
        let (title, text) = text_of(k + 1000 + i);
        match i % 8 {
            0 => {
                let gz = gzip(format!("{title}\n\n{text}").as_bytes());
                let p = path(format!("y{i:04}.txt.gz"));
                std::fs::write(&p, &gz[..gz.len() / 2]).unwrap();
                bad(
                    &mut m,
                    p.display().to_string(),
                    "truncated gzip",
                    "truncated gzip",
                );
            }
            1 => {
                // A good record, then one cut short.
                let first = format!("urn:uuid:00000000-0000-4000-9000-{i:012}");
                let mut gz = gzip(&warc_record(
                    &first,
                    "https://cut.example/a",
                    &page(&title, &text),
                ));
                let second = gzip(&warc_record(
                    &format!("urn:uuid:00000000-0000-4000-a000-{i:012}"),
                    "https://cut.example/b",
                    &page(&title, &format!("{text} (second)")),
                ));
                gz.extend_from_slice(&second[..second.len() * 2 / 3]);
                let p = path(format!("y{i:04}.warc.gz"));
                std::fs::write(&p, gz).unwrap();
                m.good.push(first);
                bad(
                    &mut m,
                    p.display().to_string(),
                    "truncated WARC record",
                    "truncated WARC.gz",
                );
            }
            2 => {
                // Valid multi-byte UTF-8 (so not a legacy 8-bit encoding) broken by invalid
                // sequences on about 5 % of the bytes (decoding forgives 1 % in a text file).
                let mut bytes = format!("{title}\n\n{text}\n").into_bytes();
                let words = bytes.len() / 50 + 20;
                bytes.extend("Côte d’Ivoire. ".repeat(words).into_bytes());
                let groups = bytes.len() / 50 + 10;
                bytes.extend(std::iter::repeat_n([0xC3u8, 0x28, 0xE2, 0x82], groups).flatten());
                let p = path(format!("y{i:04}.txt"));
                std::fs::write(&p, bytes).unwrap();
                bad(
                    &mut m,
                    p.display().to_string(),
                    "invalid UTF-8",
                    "invalid UTF-8",
                );
            }
            3 => {
                let p = path(format!("y{i:04}.html"));
                std::fs::write(&p, binary(i as u64, 8192)).unwrap();
                bad(&mut m, p.display().to_string(), "binary content", "binary");
            }
            4 => {
                let f = i % jsonl.len();
                let (file, lines) = &mut jsonl[f];
                lines.push("{\"id\": \"cut\", \"text\": \"Cholera in".to_string());
                bad(
                    &mut m,
                    format!("{}#{}", file.display(), lines.len()),
                    "not JSON",
                    "not JSON",
                );
            }
            5 => {
                let f = i % jsonl.len();
                let (_, lines) = &mut jsonl[f];
                lines.push(
                    serde_json::json!({"id": format!("nobody-{i}"), "title": title}).to_string(),
                );
                bad(
                    &mut m,
                    format!("nobody-{i}"),
                    "neither",
                    "record without text",
                );
            }
            6 => {
                let p = path(format!("y{i:04}.txt"));
                std::fs::write(&p, b"").unwrap();
                bad(&mut m, p.display().to_string(), "empty document", "empty");
            }
            _ => {
                // Invalid UTF-8 inside a JSON Lines line.
                let f = i % jsonl.len();
                let (file, lines) = &mut jsonl[f];
                let mut line = format!("{{\"id\": \"u8-{i}\", \"text\": \"Cholera ");
                // Marked here; the invalid bytes replace the mark when the file is written.
                line.push('\u{1}');
                lines.push(line);
                bad(
                    &mut m,
                    format!("{}#{}", file.display(), lines.len()),
                    "invalid UTF-8 at byte",
                    "invalid UTF-8 line",
                );
            }
        }
    }
    // The JSON Lines files; the lines holding U+0001 get invalid UTF-8 in its place.
    for (file, lines) in &jsonl {
        let mut bytes = Vec::new();
        for line in lines {
            if let Some(head) = line.strip_suffix('\u{1}') {
                bytes.extend_from_slice(head.as_bytes());
                bytes.extend_from_slice(&[0xC3, 0x28, 0xFF, 0xFE]);
                bytes.extend_from_slice(b" outbreak\"}");
            } else {
                bytes.extend_from_slice(line.as_bytes());
            }
            bytes.push(b'\n');
        }
        if file.to_string_lossy().ends_with(".gz") {
            bytes = gzip(&bytes);
        }
        std::fs::write(file, bytes).unwrap();
    }
    for (file, gz) in &warcs {
        std::fs::write(file, gz).unwrap();
    }
    m
}

/// What a run of the binary printed, its status, its peak memory and its wall time.
struct Measured {
    stdout_lines: Vec<serde_json::Value>,
    stderr: String,
    code: Option<i32>,
    peak_rss: u64,
    wall: Duration,
}

/// Peak resident memory of a live process (`VmHWM`), in bytes.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Runs `epiwire ARGS`, parsing stdout as JSON Lines as it comes and polling peak memory.
fn measure(args: &[&str]) -> Measured {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(args)
        .env_remove("EPIWIRE_DATA")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn epiwire");
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(&l.unwrap()).unwrap())
            .collect::<Vec<_>>()
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let mut peak = 0;
    let status = loop {
        if let Some(hwm) = vm_hwm(pid) {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Measured {
        stdout_lines: out.join().unwrap(),
        stderr: err.join().unwrap(),
        code: status.code(),
        peak_rss: peak,
        wall: started.elapsed(),
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Generates the corpus, runs `extract` and `ingest` over it and checks every document.
fn corrupt_corpus(total: usize, costly: &Costly) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let started = Instant::now();
    let m = generate(&corpus, total, costly);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &m.bad {
        *kinds.entry(b.kind).or_default() += 1;
    }
    eprintln!(
        "corrupt corpus: {} good, {} bad ({kinds:?}), generated in {:.1} s",
        m.good.len(),
        m.bad.len(),
        started.elapsed().as_secs_f64()
    );
    let corpus_arg = corpus.to_str().unwrap();

    // extract: every good document once, every bad one once as {"id", "error"}.
    let ex = measure(&["extract", "--no-text", corpus_arg]);
    eprintln!(
        "corrupt corpus: extract: {} records in {:.1} s, peak RSS {:.0} MiB",
        ex.stdout_lines.len(),
        ex.wall.as_secs_f64(),
        mib(ex.peak_rss)
    );
    assert_eq!(ex.code, Some(0), "{}", tail(&ex.stderr));
    let mut docs: HashMap<&str, usize> = HashMap::new();
    let mut errors: HashMap<&str, Vec<&str>> = HashMap::new();
    for rec in &ex.stdout_lines {
        let id = rec["id"].as_str().expect("every record has an id");
        match rec.get("error") {
            Some(e) => errors
                .entry(id)
                .or_default()
                .push(e.as_str().expect("error is a string")),
            None => *docs.entry(id).or_default() += 1,
        }
    }
    // Every mismatch is listed before failing.
    let mut wrong = Vec::new();
    for id in &m.good {
        if docs.get(id.as_str()) != Some(&1) {
            wrong.push(format!(
                "good document {id}: read {:?} times, errors {:?}",
                docs.get(id.as_str()),
                errors.get(id.as_str())
            ));
        }
    }
    let mut expected: HashMap<&str, usize> = HashMap::new();
    for b in &m.bad {
        *expected.entry(b.id.as_str()).or_default() += 1;
        let got = errors.get(b.id.as_str()).cloned().unwrap_or_default();
        if got.len() != 1 {
            wrong.push(format!(
                "{} ({}): one error record expected, got {got:?}; read as a document {:?} times",
                b.id,
                b.kind,
                docs.get(b.id.as_str())
            ));
            continue;
        }
        if !got[0].contains(b.needle) {
            wrong.push(format!(
                "{} ({}): {:?} should say {:?}",
                b.id, b.kind, got[0], b.needle
            ));
        }
        let line = format!("epiwire: {}: {}", b.id, got[0]);
        if ex.stderr.matches(&line).count() != 1 {
            wrong.push(format!("not one stderr line {line:?}"));
        }
        if docs.contains_key(b.id.as_str()) {
            wrong.push(format!("{} is bad but was read", b.id));
        }
    }
    for (id, errs) in &errors {
        if !expected.contains_key(id) {
            wrong.push(format!("unexpected error for {id}: {errs:?}"));
        }
    }
    if docs.len() != m.good.len() {
        wrong.push(format!(
            "{} documents read, {} expected",
            docs.len(),
            m.good.len()
        ));
    }
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        ex.peak_rss > 0 && ex.peak_rss < MAX_RSS,
        "extract peak RSS {:.0} MiB",
        mib(ex.peak_rss)
    );

    // ingest: the good documents stored, the bad ones counted once each.
    let data = dir.path().join("data");
    let ing = measure(&[
        "ingest",
        "--progress",
        "never",
        "--data",
        data.to_str().unwrap(),
        corpus_arg,
    ]);
    eprintln!(
        "corrupt corpus: ingest: {} in {:.1} s, peak RSS {:.0} MiB",
        ing.stderr
            .lines()
            .rfind(|l| l.starts_with("epiwire: ingest: "))
            .unwrap_or(""),
        ing.wall.as_secs_f64(),
        mib(ing.peak_rss)
    );
    assert_eq!(ing.code, Some(0), "{}", tail(&ing.stderr));
    let seen = m.good.len() + m.bad.len();
    let totals = format!(
        "{seen} documents: {} stored, 0 already stored, {} errors",
        m.good.len(),
        m.bad.len()
    );
    assert!(
        ing.stderr.contains(&totals),
        "expected {totals:?}: {}",
        tail(&ing.stderr)
    );
    for b in &m.bad {
        assert_eq!(
            ing.stderr.matches(&format!("epiwire: {}: ", b.id)).count(),
            1,
            "{} reported once by ingest",
            b.id
        );
    }
    let store = epiwire_store::SqliteStore::open_existing(&data).unwrap();
    use epiwire_store::Store;
    assert_eq!(store.stats().unwrap().documents, m.good.len() as u64);
    for id in m.good.iter().step_by(97) {
        assert!(store.get(id).unwrap().is_some(), "{id} stored");
    }
    assert!(
        ing.peak_rss > 0 && ing.peak_rss < MAX_RSS,
        "ingest peak RSS {:.0} MiB",
        mib(ing.peak_rss)
    );
}

/// The last lines of a long stderr, for assertion messages.
fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// About 400 documents, 5 % bad, every corrupt kind at least once.
#[test]
fn corrupt_corpus_small() {
    corrupt_corpus(
        400,
        &Costly {
            huge: 2,
            nested: 2,
            bombs: 2,
        },
    );
}

/// 10,000 documents, 500 of them bad. Slow in a debug build:
/// `cargo test --release --test corrupt_corpus -- --ignored --nocapture`
#[test]
#[ignore = "10,000 documents: cargo test --release --test corrupt_corpus -- --ignored --nocapture"]
fn corrupt_corpus_10000() {
    corrupt_corpus(
        10_000,
        &Costly {
            huge: 4,
            nested: 6,
            bombs: 4,
        },
    );
}
