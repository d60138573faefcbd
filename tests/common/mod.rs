//! Helpers shared by the integration tests: run the binary, parse its JSON Lines.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The seed articles, copied from ../shared/seeds.
pub const SEED_HANKYOREH: &str = "tests/fixtures/seeds/000_c6c40698dd1a2ea1.txt";
/// The second seed article (VOI).
pub const SEED_VOI: &str = "tests/fixtures/seeds/004_600c830cdf3f4dc2.txt";

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs `epiwire ARGS…` in the repository root with `stdin` as standard input.
pub fn epiwire(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("EPIWIRE_DATA")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn epiwire");
    if let Some(mut input) = child.stdin.take() {
        // A command that does not read stdin may close it first: ignore a broken pipe.
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("wait for epiwire")
}

/// The JSON objects of a JSON Lines output.
pub fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `text[start:end]` in code points, as Python slices.
pub fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Gzip-compresses `data` (one member).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// One WARC/1.0 response record holding an HTTP response with `html`.
pub fn warc_response(uri: &str, date: &str, html: &str) -> Vec<u8> {
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    );
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{}>\r\nWARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        blake_like(uri),
        http.len()
    )
    .into_bytes();
    rec.extend_from_slice(http.as_bytes());
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}

fn blake_like(s: &str) -> String {
    // A deterministic fake UUID from the URI, enough for record ids in tests.
    let mut h: u64 = 1469598103934665603;
    for b in s.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(1099511628211);
    }
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        h >> 32,
        h & 0xffff_ffff_ffff
    )
}

/// A small news page: menus and footer around two paragraphs.
pub fn news_page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title} | Daily</title>\
         <meta property=\"article:published_time\" content=\"2022-05-18T09:00:00+07:00\"></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
         <article><h1>{title}</h1><p>{body}</p>\
         <p>Health officials said the situation was being monitored closely by the ministry and partners in the region.</p></article>\
         <footer>Copyright Daily News. All rights reserved.</footer></body></html>"
    )
}

/// One WARC/1.0 response record holding an HTTP response with `html`, under the record id
/// `record_id` (a URN such as `urn:uuid:…`, which becomes the document id).
pub fn warc_record(record_id: &str, uri: &str, html: &str) -> Vec<u8> {
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    );
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <{record_id}>\r\nWARC-Date: 2022-05-18T10:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    rec.extend_from_slice(http.as_bytes());
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}
