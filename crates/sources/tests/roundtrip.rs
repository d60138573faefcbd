//! Round-trip properties of the readers, through `epiwire_sources::read` on real files: generated
//! documents (id, url, title, published, text with arbitrary Unicode) are written as JSON Lines
//! (plain and gzipped) and as WARC (plain, one gzip member per record, gzip members cut at
//! arbitrary points; HTTP payloads identity, chunked or gzip-coded, and `resource` records), read
//! back, and must come out equal, field by field and in order. Truncation: any prefix of a valid
//! WARC (plain or `.warc.gz`) yields the records complete before the cut, in order, and at most
//! one error, last; never a panic.
//!
//! Case counts: `PROPTEST_CASES` (default 256) per property; the suite runs in a few seconds.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use epiwire_model::{Body, RawDoc};
use epiwire_sources::{Item, Options, read, warc};
use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;

/// A generated document.
#[derive(Debug, Clone)]
struct Doc {
    id: String,
    url: Option<String>,
    title: Option<String>,
    published: Option<String>,
    /// The text; for a WARC page, what goes inside `<body>`.
    text: String,
    /// JSON Lines: `html` instead of `text`.
    html: bool,
}

/// How a WARC page's HTTP payload is carried.
#[derive(Debug, Clone, Copy)]
enum Payload {
    Identity,
    Chunked,
    Gzip,
    /// A `resource` record (no HTTP message).
    Resource,
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

/// Arbitrary Unicode with at least one non-blank character (a blank body is an error).
fn any_text() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("blank", |s| !s.trim().is_empty())
}

/// A header value: printable Unicode (no control characters, so no line breaks) that does not
/// start or end with whitespace (header values are trimmed).
fn header_value() -> impl Strategy<Value = String> {
    "\\PC{0,24}".prop_map(|s| format!("x{s}x"))
}

fn jsonl_doc() -> impl Strategy<Value = Doc> {
    (
        any::<String>(),
        prop::option::of(any::<String>()),
        prop::option::of(any::<String>()),
        prop::option::of(any::<String>()),
        any_text(),
        any::<bool>(),
    )
        .prop_map(|(id, url, title, published, text, html)| Doc {
            id,
            url,
            title,
            published,
            text,
            html,
        })
}

fn warc_page() -> impl Strategy<Value = (Doc, String, Payload)> {
    (
        header_value(),
        header_value(),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z",
        // Printable Unicode and the usual whitespace: a page with NULs or many control
        // characters is binary by the decoding policy, not a round trip.
        "[\\PC\t\n\r ]{0,300}",
        prop_oneof![
            Just(Payload::Identity),
            Just(Payload::Chunked),
            Just(Payload::Gzip),
            Just(Payload::Resource),
        ],
    )
        .prop_map(|(id, path, date, text, payload)| {
            let doc = Doc {
                id: format!("urn:{id}"),
                url: Some(format!("https://news.example/{path}")),
                title: None,
                published: None,
                text,
                html: true,
            };
            (doc, date, payload)
        })
}

fn page_html(text: &str) -> String {
    format!("<!DOCTYPE html><html><body>{text}</body></html>")
}

/// One WARC record for a page.
fn warc_record(doc: &Doc, date: &str, payload: Payload) -> Vec<u8> {
    let html = page_html(&doc.text);
    let id = format!("<{}>", doc.id);
    let uri = doc.url.clone().unwrap_or_default();
    let mut out = Vec::new();
    if let Payload::Resource = payload {
        let fields = [
            ("WARC-Type", "resource"),
            ("WARC-Record-ID", id.as_str()),
            ("WARC-Target-URI", uri.as_str()),
            ("WARC-Date", date),
            ("Content-Type", "text/html; charset=utf-8"),
        ];
        warc::write_record(&mut out, &fields, html.as_bytes());
        return out;
    }
    let (coding, body) = match payload {
        Payload::Chunked => {
            let mut body = Vec::new();
            for chunk in html.as_bytes().chunks(17) {
                body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                body.extend_from_slice(chunk);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(b"0\r\n\r\n");
            ("Transfer-Encoding: chunked\r\n", body)
        }
        Payload::Gzip => ("Content-Encoding: gzip\r\n", gzip(html.as_bytes())),
        _ => ("", html.clone().into_bytes()),
    };
    let mut block =
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{coding}\r\n")
            .into_bytes();
    block.extend_from_slice(&body);
    let fields = [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", id.as_str()),
        ("WARC-Target-URI", uri.as_str()),
        ("WARC-Date", date),
        ("Content-Type", "application/http; msgtype=response"),
    ];
    warc::write_record(&mut out, &fields, &block);
    out
}

/// The document a WARC page must be read back as.
fn warc_want(doc: &Doc, date: &str) -> RawDoc {
    RawDoc {
        id: doc.id.clone(),
        url: doc.url.clone(),
        title: None,
        published: None,
        fetched: Some(date.to_owned()),
        body: Body::Html(page_html(&doc.text)),
    }
}

/// The document a JSON Lines record must be read back as.
fn jsonl_want(doc: &Doc) -> RawDoc {
    RawDoc {
        id: doc.id.clone(),
        url: doc.url.clone(),
        title: doc.title.clone(),
        published: doc.published.clone(),
        fetched: None,
        body: if doc.html {
            Body::Html(doc.text.clone())
        } else {
            Body::Text(doc.text.clone())
        },
    }
}

/// JSON Lines for `docs`, with `\n` or `\r\n` line ends and blank lines between records.
fn jsonl_bytes(docs: &[Doc], crlf: bool, blank: bool) -> Vec<u8> {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    for d in docs {
        let key = if d.html { "html" } else { "text" };
        let record = serde_json::json!({
            "id": d.id, key: d.text, "title": d.title, "published": d.published, "url": d.url,
        });
        out.push_str(&record.to_string());
        out.push_str(eol);
        if blank {
            out.push_str(eol);
        }
    }
    out.into_bytes()
}

/// Splits `data` into gzip members at the given cut points (fractions of its length).
fn gzip_members_at(data: &[u8], cuts: &[prop::sample::Index]) -> Vec<u8> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c.index(data.len() + 1)).collect();
    points.push(0);
    points.push(data.len());
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|w| gzip(&data[w[0]..w[1]]))
        .collect::<Vec<_>>()
        .concat()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, data).unwrap();
    path
}

/// Reads `paths`, splitting the items into documents and error messages (with the index of the
/// item each error was).
fn read_all(paths: &[PathBuf]) -> (Vec<RawDoc>, Vec<(usize, String)>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in read(paths, &Options::default()).enumerate() {
        match item {
            Item::Doc { raw, .. } => docs.push(raw),
            Item::Error(e) => errors.push((i, e.to_string())),
        }
    }
    (docs, errors)
}

proptest! {
    /// JSON Lines (plain and gzipped) and WARC (plain, one member per record, members cut
    /// anywhere) files read in one call come back equal and in input order.
    #[test]
    fn jsonl_and_warc_round_trip(
        jsonl in prop::collection::vec(jsonl_doc(), 1..6),
        pages in prop::collection::vec(warc_page(), 1..6),
        crlf in any::<bool>(),
        blank in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let lines = jsonl_bytes(&jsonl, crlf, blank);
        let records: Vec<Vec<u8>> =
            pages.iter().map(|(d, date, p)| warc_record(d, date, *p)).collect();
        let plain = records.concat();
        let paths = vec![
            write(dir.path(), "a.jsonl", &lines),
            write(dir.path(), "b.warc", &plain),
            write(dir.path(), "c.warc.gz", &records.iter().map(|r| gzip(r)).collect::<Vec<_>>().concat()),
            write(dir.path(), "d.jsonl.gz", &gzip(&lines)),
            write(dir.path(), "e.warc.gz", &gzip_members_at(&plain, &cuts)),
        ];
        let from_jsonl: Vec<RawDoc> = jsonl.iter().map(jsonl_want).collect();
        let from_warc: Vec<RawDoc> = pages.iter().map(|(d, date, _)| warc_want(d, date)).collect();
        let want = [
            from_jsonl.clone(),
            from_warc.clone(),
            from_warc.clone(),
            from_jsonl,
            from_warc,
        ]
        .concat();
        let (got, errors) = read_all(&paths);
        prop_assert!(errors.is_empty(), "{errors:?}");
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert_eq!(g, w);
        }
    }

    /// Any prefix of a plain WARC yields exactly the records whose block is complete before the
    /// cut, then one "truncated" error when the cut falls inside a record, never more.
    #[test]
    fn plain_warc_prefix(
        pages in prop::collection::vec(warc_page(), 1..5),
        cut in any::<prop::sample::Index>(),
    ) {
        let records: Vec<Vec<u8>> =
            pages.iter().map(|(d, date, p)| warc_record(d, date, *p)).collect();
        let data = records.concat();
        let cut = cut.index(data.len() + 1);
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "cut.warc", &data[..cut]);
        let (got, errors) = read_all(&[path]);
        // Record i is complete once its block is (its two closing CRLFs may be cut).
        let mut start = 0;
        let mut complete = 0;
        let mut inside = false;
        for r in &records {
            let block_end = start + r.len() - 4;
            if cut >= block_end {
                complete += 1;
            } else if cut > start {
                inside = true;
            }
            start += r.len();
        }
        let want: Vec<RawDoc> =
            pages.iter().take(complete).map(|(d, date, _)| warc_want(d, date)).collect();
        prop_assert_eq!(&got, &want);
        if cut == 0 {
            prop_assert_eq!(errors.len(), 1, "an empty file is one error");
        } else {
            prop_assert_eq!(errors.len(), usize::from(inside), "{:?}", errors);
        }
        if let Some((at, _)) = errors.first() {
            prop_assert_eq!(*at, got.len(), "the error comes last");
        }
    }

    /// Any prefix of a `.warc.gz` (one gzip member per record) yields the records whose member
    /// is complete before the cut (and possibly the one being inflated at the cut, when its data
    /// came through whole), in order, and at most one error, last.
    #[test]
    fn warc_gz_prefix(
        pages in prop::collection::vec(warc_page(), 1..5),
        cut in any::<prop::sample::Index>(),
    ) {
        let members: Vec<Vec<u8>> =
            pages.iter().map(|(d, date, p)| gzip(&warc_record(d, date, *p))).collect();
        let data = members.concat();
        let cut = cut.index(data.len() + 1);
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "cut.warc.gz", &data[..cut]);
        let (got, errors) = read_all(&[path]);
        let mut end = 0;
        let mut complete = 0;
        let mut at_boundary = cut == 0;
        for m in &members {
            end += m.len();
            if end <= cut {
                complete += 1;
            }
            at_boundary |= end == cut;
        }
        let all: Vec<RawDoc> = pages.iter().map(|(d, date, _)| warc_want(d, date)).collect();
        prop_assert!(got.len() >= complete && got.len() <= (complete + 1).min(all.len()),
            "{} documents, {} complete members", got.len(), complete);
        prop_assert_eq!(&got[..], &all[..got.len()]);
        prop_assert!(errors.len() <= 1, "{:?}", errors);
        if let Some((at, _)) = errors.first() {
            prop_assert_eq!(*at, got.len(), "the error comes last");
        }
        if at_boundary && cut > 0 {
            prop_assert!(errors.is_empty(), "a cut between members is a valid file: {:?}", errors);
            prop_assert_eq!(got.len(), complete);
        }
        if cut == 0 {
            prop_assert_eq!(errors.len(), 1, "an empty file is one error");
        }
    }
}
