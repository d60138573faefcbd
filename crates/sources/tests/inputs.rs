//! End-to-end tests of `epiwire_sources::read` over real files: a WARC.gz built from three
//! trafilatura-eval pages, directories, and every bad-input case.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use epiwire_model::{Body, RawDoc};
use epiwire_sources::{Item, Options, read, read_from, warc};
use flate2::Compression;
use flate2::write::GzEncoder;

/// (fixture file, URL, a snippet of its main text)
const PAGES: [(&str, &str, &str); 3] = [
    (
        "anarc.at.cdpath.html.gz",
        "https://anarc.at/blog/2020-10-18-cdpath-replacement/",
        "I figured I might as well bite the",
    ),
    (
        "wiki.python.org.Download.html.gz",
        "https://wiki.python.org/moin/BeginnersGuide/Download",
        "hey are available via the yellow download buttons on that page.",
    ),
    (
        "nhk.or.jp.k100.html.gz",
        "https://www3.nhk.or.jp/news/easy/k10011959621000/k10011959621000.html",
        "子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、",
    ),
];

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn summary(items: impl Iterator<Item = Item>) -> Vec<String> {
    items
        .map(|i| match i {
            Item::Doc { raw, .. } => format!("doc {}", raw.id),
            Item::Error(e) => format!("error {e}"),
        })
        .collect()
}

fn docs(items: impl Iterator<Item = Item>) -> Vec<RawDoc> {
    items
        .map(|i| match i {
            Item::Doc { raw, .. } => raw,
            Item::Error(e) => panic!("unexpected error {e}"),
        })
        .collect()
}

/// A CC-NEWS-like WARC.gz: warcinfo, then request + response per page, one gzip member per
/// record. The third page is re-encoded as Shift_JIS and labelled so in the HTTP header (its
/// `<meta charset>` still says utf-8: the header wins).
fn build_warc() -> Vec<u8> {
    let mut members = Vec::new();
    let mut info = Vec::new();
    warc::write_record(
        &mut info,
        &[
            ("WARC-Type", "warcinfo"),
            ("Content-Type", "application/warc-fields"),
        ],
        b"software: epiwire test\r\nformat: WARC File Format 1.0\r\n",
    );
    members.push(gzip(&info));
    for (i, (file, url, _)) in PAGES.iter().enumerate() {
        let mut request = Vec::new();
        let request_block = format!("GET / HTTP/1.1\r\nHost: {url}\r\n\r\n");
        warc::write_record(
            &mut request,
            &[
                ("WARC-Type", "request"),
                ("WARC-Target-URI", url),
                ("Content-Type", "application/http; msgtype=request"),
            ],
            request_block.as_bytes(),
        );
        members.push(gzip(&request));
        let html = fixture(file);
        let (body, content_type) = if i == 2 {
            let text = String::from_utf8(html).unwrap();
            let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(text.trim_start_matches('\u{feff}'));
            assert!(!bad);
            (sjis.into_owned(), "text/html; charset=Shift_JIS")
        } else {
            (html, "text/html")
        };
        let mut response = Vec::new();
        warc::write_response(
            &mut response,
            &format!("urn:uuid:page-{i}"),
            url,
            "2024-05-17T08:00:00Z",
            content_type,
            &body,
        );
        members.push(gzip(&response));
    }
    members.concat()
}

#[test]
fn warc_gz_of_real_pages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("news.warc.gz");
    fs::write(&path, build_warc()).unwrap();
    let got = docs(read(&[path], &Options::default()));
    assert_eq!(got.len(), 3);
    for (i, (doc, (_, url, snippet))) in got.iter().zip(PAGES).enumerate() {
        assert_eq!(doc.id, format!("urn:uuid:page-{i}"));
        assert_eq!(doc.url.as_deref(), Some(url));
        assert_eq!(doc.fetched.as_deref(), Some("2024-05-17T08:00:00Z"));
        assert_eq!(doc.published, None);
        let Body::Html(html) = &doc.body else {
            panic!("not HTML")
        };
        assert!(html.contains(snippet), "page {i} lacks {snippet:?}");
        assert!(!html.starts_with('\u{feff}'));
        assert!(
            !html.contains('\u{fffd}'),
            "page {i} has replacement characters"
        );
    }
}

#[test]
fn truncated_real_warc_keeps_the_documents_before_the_cut() {
    let full = build_warc();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.warc.gz");
    fs::write(&path, &full[..full.len() - 2000]).unwrap();
    let next = dir.path().join("next.txt");
    fs::write(&next, "After the cut.").unwrap();
    let got = summary(read(&[path.clone(), next.clone()], &Options::default()));
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(&got[..2], ["doc urn:uuid:page-0", "doc urn:uuid:page-1"]);
    let prefix = format!("error {}: truncated WARC record at byte ", path.display());
    assert!(got[2].starts_with(&prefix), "{got:?}");
    assert_eq!(got[3], format!("doc {}", next.display()));
}

#[test]
fn stdin_like_stream_is_sniffed() {
    let warc = build_warc();
    let got = summary(read_from(
        std::io::Cursor::new(warc),
        "-",
        None,
        &Options::default(),
    ));
    assert_eq!(
        got,
        [
            "doc urn:uuid:page-0",
            "doc urn:uuid:page-1",
            "doc urn:uuid:page-2"
        ]
    );
    let html = fixture(PAGES[0].0);
    let got = docs(read_from(
        std::io::Cursor::new(gzip(&html)),
        "-",
        None,
        &Options::default(),
    ));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].id, "-");
    assert!(matches!(got[0].body, Body::Html(_)));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn directory_in_sorted_order_with_one_error_per_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("in");
    write(&root, "b/2.txt", b"Second file.");
    write(&root, "a.html", b"<p>First.</p>");
    write(
        &root,
        "b/1.jsonl",
        b"{\"id\": \"r1\", \"text\": \"one\"}\n{not json}\n{\"text\": \"three\"}\n",
    );
    write(&root, "c/empty.txt", b"");
    write(&root, "c/image.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(&root, "c/latin.txt", b"Caf\xe9 au lait.");
    write(&root, "c/mixed.txt", "é".repeat(20).as_bytes());
    fs::OpenOptions::new()
        .append(true)
        .open(root.join("c/mixed.txt"))
        .unwrap()
        .write_all(b"\xff\xfe\xfd and \xff\xff\xff\xff\xff\xff")
        .unwrap();
    write(&root, ".hidden.txt", b"never read");
    write(
        &root,
        "d.json",
        b"[{\"id\": 1, \"html\": \"<p>x</p>\"}, {\"id\": 2}]",
    );
    let missing = tmp.path().join("missing.txt");
    let r = root.display();
    let got = summary(read(&[root.clone(), missing.clone()], &Options::default()));
    assert_eq!(
        got,
        [
            format!("doc {r}/a.html"),
            "doc r1".to_owned(),
            format!("error {r}/b/1.jsonl#2: not JSON: key must be a string at line 1 column 2"),
            format!("doc {r}/b/1.jsonl#3"),
            format!("doc {r}/b/2.txt"),
            format!("error {r}/c/empty.txt: empty document"),
            format!("error {r}/c/image.html: binary content, not text or HTML"),
            format!("doc {r}/c/latin.txt"),
            format!("error {r}/c/mixed.txt: invalid UTF-8 at byte 40 (9 of 54 bytes invalid)"),
            "doc 1".to_owned(),
            "error 2: record has neither \"text\" nor \"html\"".to_owned(),
            format!(
                "error {}: cannot read: No such file or directory (os error 2)",
                missing.display()
            ),
        ]
    );
}

#[test]
fn large_file_is_refused_without_reading_it() {
    let tmp = tempfile::tempdir().unwrap();
    let big = write(tmp.path(), "big.txt", &vec![b'a'; 5000]);
    let small = write(tmp.path(), "small.txt", b"ok");
    let opts = Options {
        max_doc_bytes: 1000,
        ..Options::default()
    };
    let got = summary(read(&[big.clone(), small.clone()], &opts));
    assert_eq!(
        got,
        [
            format!(
                "error {}: document too large: 5000 bytes exceeds the limit of 1000 bytes",
                big.display()
            ),
            format!("doc {}", small.display()),
        ]
    );
}

#[test]
fn gzip_bomb_is_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    // 10 MB of zeros compress to about 10 KB.
    let bomb = write(tmp.path(), "bomb.txt.gz", &gzip(&vec![0u8; 10_000_000]));
    let opts = Options {
        max_decompressed_bytes: 1_000_000,
        max_doc_bytes: 100_000_000,
        ..Options::default()
    };
    let got = summary(read(std::slice::from_ref(&bomb), &opts));
    assert_eq!(
        got,
        [format!(
            "error {}: decompressed size exceeds limit (gzip bomb?): more than 1000000 bytes",
            bomb.display()
        )]
    );
    // The ratio guard alone (default absolute limit): 200 MB of spaces is a ~1000:1 bomb.
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..200 {
        gz.write_all(&chunk).unwrap();
    }
    let ratio_bomb = write(tmp.path(), "r.jsonl.gz", &gz.finish().unwrap());
    let got = summary(read(&[ratio_bomb], &Options::default()));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("decompressed size exceeds limit (gzip bomb?)"),
        "{got:?}"
    );
}

#[test]
fn same_content_hashes_the_same_wherever_it_comes_from() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.txt", b"Measles in Lagos.");
    let b = write(tmp.path(), "sub/b.txt.gz", &gzip(b"Measles in Lagos."));
    let c = write(tmp.path(), "c.txt", b"Measles in Abuja.");
    let hashes: Vec<[u8; 32]> = read(&[a, b, c], &Options::default())
        .map(|i| match i {
            Item::Doc { hash, .. } => hash,
            Item::Error(e) => panic!("{e}"),
        })
        .collect();
    assert_eq!(hashes[0], hashes[1]);
    assert_ne!(hashes[0], hashes[2]);
}
