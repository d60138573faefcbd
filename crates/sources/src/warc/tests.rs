use std::io::Write;

use proptest::prelude::*;

use super::*;
use crate::read_bytes;

fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(r).unwrap();
        out.extend_from_slice(&gz.finish().unwrap());
    }
    out
}

fn page(n: usize) -> Vec<u8> {
    let mut r = Vec::new();
    write_response(
        &mut r,
        &format!("urn:uuid:{n}"),
        &format!("https://news.example/{n}"),
        "2024-01-02T03:04:05Z",
        "text/html; charset=utf-8",
        format!("<html><body><p>Outbreak report {n}: 12 cases of cholera.</p></body></html>")
            .as_bytes(),
    );
    r
}

fn other_records() -> Vec<Vec<u8>> {
    let mut info = Vec::new();
    write_record(
        &mut info,
        &[
            ("WARC-Type", "warcinfo"),
            ("Content-Type", "application/warc-fields"),
        ],
        b"software: test\r\n",
    );
    let mut request = Vec::new();
    write_record(
        &mut request,
        &[
            ("WARC-Type", "request"),
            ("WARC-Target-URI", "https://news.example/1"),
            ("Content-Type", "application/http; msgtype=request"),
        ],
        b"GET /1 HTTP/1.1\r\nHost: news.example\r\n\r\n",
    );
    let mut image = Vec::new();
    write_response(
        &mut image,
        "urn:uuid:img",
        "https://news.example/a.png",
        "d",
        "image/png",
        b"\x89PNG\0\0",
    );
    let mut metadata = Vec::new();
    write_record(
        &mut metadata,
        &[("WARC-Type", "metadata")],
        b"fetchTimeMs: 12\r\n",
    );
    vec![info, request, image, metadata]
}

fn summary(items: Vec<Item>) -> Vec<String> {
    items
        .into_iter()
        .map(|i| match i {
            Item::Doc { raw, .. } => format!("doc {}", raw.id),
            Item::Error(e) => format!("error {e}"),
        })
        .collect()
}

#[test]
fn reads_html_responses_and_skips_the_rest() {
    let mut records = other_records();
    records.insert(2, page(1));
    records.push(page(2));
    let plain: Vec<u8> = records.concat();
    let items: Vec<Item> = read_bytes(&plain, "a.warc", &Options::default()).collect();
    assert_eq!(summary_ref(&items), ["doc urn:uuid:1", "doc urn:uuid:2"]);
    let Item::Doc { raw, .. } = &items[0] else {
        unreachable!()
    };
    assert_eq!(raw.url.as_deref(), Some("https://news.example/1"));
    assert_eq!(raw.fetched.as_deref(), Some("2024-01-02T03:04:05Z"));
    assert_eq!(
        raw.body,
        Body::Html(
            "<html><body><p>Outbreak report 1: 12 cases of cholera.</p></body></html>".into()
        )
    );
    // The same records gzipped one member per record, under a name that says nothing: same docs.
    let gz = gzip_members(&records);
    let items2: Vec<Item> = read_bytes(&gz, "-", &Options::default()).collect();
    assert_eq!(summary_ref(&items2), ["doc urn:uuid:1", "doc urn:uuid:2"]);
    for (a, b) in items.iter().zip(&items2) {
        let (Item::Doc { raw: ra, hash: ha }, Item::Doc { raw: rb, hash: hb }) = (a, b) else {
            unreachable!()
        };
        assert_eq!((ra, ha), (rb, hb));
    }
}

fn summary_ref(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|i| match i {
            Item::Doc { raw, .. } => format!("doc {}", raw.id),
            Item::Error(e) => format!("error {e}"),
        })
        .collect()
}

#[test]
fn truncated_plain_warc() {
    let first = page(1);
    let second = page(2);
    let mut data = [first.clone(), second.clone()].concat();
    data.truncate(first.len() + second.len() / 2);
    let got = summary(read_bytes(&data, "t.warc", &Options::default()).collect());
    assert_eq!(
        got,
        [
            "doc urn:uuid:1".to_owned(),
            format!(
                "error t.warc: truncated WARC record at byte {}",
                first.len()
            )
        ]
    );
}

#[test]
fn truncated_gzip_member() {
    let first = page(1);
    let members = [first.clone(), page(2), page(3)];
    let data = gzip_members(&members);
    let one = gzip_members(&members[..1]).len();
    let two = gzip_members(&members[..2]).len();
    // Cut in the middle of the second member: the first document, then the error at the second
    // record's offset.
    let got =
        summary(read_bytes(&data[..(one + two) / 2], "t.warc.gz", &Options::default()).collect());
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], "doc urn:uuid:1");
    let want = format!(
        "error t.warc.gz: truncated WARC record at byte {}",
        first.len()
    );
    assert!(got[1].starts_with(&want), "{got:?}");
    // Cut inside the second member's trailer: its record is whole, the error comes after it.
    let got = summary(read_bytes(&data[..two - 4], "t.warc.gz", &Options::default()).collect());
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[1], "doc urn:uuid:2");
    let want = format!(
        "error t.warc.gz: truncated WARC record at byte {}",
        first.len() + page(2).len()
    );
    assert!(got[2].starts_with(&want), "{got:?}");
}

#[test]
fn too_large_record_is_reported_and_skipped() {
    let mut big = Vec::new();
    write_response(
        &mut big,
        "urn:uuid:big",
        "u",
        "d",
        "text/html",
        &vec![b'x'; 5000],
    );
    let data = [page(1), big, page(2)].concat();
    let opts = Options {
        max_doc_bytes: 1000,
        ..Options::default()
    };
    let got = summary(read_bytes(&data, "t.warc", &opts).collect());
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        got[1].starts_with("error urn:uuid:big: document too large: 50"),
        "{got:?}"
    );
    assert!(
        got[1].ends_with("bytes exceeds the limit of 1000 bytes"),
        "{got:?}"
    );
    assert_eq!(got[2], "doc urn:uuid:2");
}

#[test]
fn garbage_between_records_is_reported_once() {
    let data = [page(1), b"junk line\nmore junk\n".to_vec(), page(2)].concat();
    let got = summary(read_bytes(&data, "t.warc", &Options::default()).collect());
    assert_eq!(
        got,
        [
            "doc urn:uuid:1".to_owned(),
            format!(
                "error t.warc: not a WARC record at byte {}: expected a \"WARC/1.x\" line",
                page(1).len()
            ),
            "doc urn:uuid:2".to_owned()
        ]
    );
}

#[test]
fn gzip_bomb_keeps_the_documents_before_the_cap() {
    let mut big = Vec::new();
    write_record(
        &mut big,
        &[("WARC-Type", "resource")],
        &vec![b' '; 2_000_000],
    );
    let data = gzip_members(&[page(1), big, page(2)]);
    let opts = Options {
        max_decompressed_bytes: 100_000,
        ..Options::default()
    };
    let got = summary(read_bytes(&data, "b.warc.gz", &opts).collect());
    assert_eq!(
        got,
        [
            "doc urn:uuid:1",
            "error b.warc.gz: decompressed size exceeds limit (gzip bomb?): more than 100000 bytes"
        ]
    );
}

#[test]
fn legacy_charset_from_http_header() {
    let mut r = Vec::new();
    write_response(
        &mut r,
        "urn:uuid:x",
        "u",
        "d",
        "text/html; charset=iso-8859-1",
        b"<html>Caf\xe9</html>",
    );
    let items: Vec<Item> = read_bytes(&r, "c.warc", &Options::default()).collect();
    match &items[..] {
        [Item::Doc { raw, .. }] => assert_eq!(raw.body.as_str(), "<html>Café</html>"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn binary_payload_labelled_html_is_an_error() {
    let mut r = Vec::new();
    write_response(
        &mut r,
        "urn:uuid:x",
        "u",
        "d",
        "text/html",
        b"\0\x01\x02\x03\x04garbage\0\0",
    );
    let got = summary(read_bytes(&r, "c.warc", &Options::default()).collect());
    assert_eq!(got, ["error urn:uuid:x: binary content, not text or HTML"]);
}

/// A metadata record of exactly `total` bytes.
fn filler(total: usize) -> Vec<u8> {
    let mut n = total;
    loop {
        let mut r = Vec::new();
        write_record(&mut r, &[("WARC-Type", "metadata")], &vec![b'x'; n]);
        if r.len() == total {
            return r;
        }
        n = (n + total).saturating_sub(r.len());
    }
}

/// A response whose HTTP header the input's buffer (256 KiB) holds whole, or cuts at any
/// byte (then the reader reads the block whole): the same document either way.
#[test]
fn http_header_across_the_input_buffer() {
    let mut second = Vec::new();
    write_response(
        &mut second,
        "urn:uuid:b",
        "https://news.example/b",
        "d",
        "text/html",
        b"<html><body>after the boundary</body></html>",
    );
    let block_at = find(&second, b"HTTP/1.1").unwrap();
    let head_len = find(&second, b"\r\n\r\n<html>").unwrap() + 4 - block_at;
    for shift in 0..=head_len + 1 {
        // The second record's block starts `shift` bytes before the buffer's end.
        let mut data = filler(256 * 1024 - shift - block_at);
        data.extend_from_slice(&second);
        let bodies: Vec<String> = read_bytes(&data, "b.warc", &Options::default())
            .map(|i| match i {
                Item::Doc { raw, .. } => format!("{:?}", raw.body),
                Item::Error(e) => format!("error {e}"),
            })
            .collect();
        assert_eq!(
            bodies,
            [format!(
                "{:?}",
                Body::Html("<html><body>after the boundary</body></html>".to_owned())
            )],
            "shift {shift}"
        );
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[derive(Debug, Clone)]
struct Page {
    id: String,
    uri: String,
    date: String,
    body: String,
}

fn page_strategy() -> impl Strategy<Value = Page> {
    (
        "[a-z0-9-]{1,20}",
        "https://[a-z]{1,10}\\.example/[a-z0-9/]{0,20}",
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z",
        "\\PC{0,200}",
    )
        .prop_map(|(id, uri, date, text)| Page {
            id: format!("urn:uuid:{id}"),
            uri,
            date,
            body: format!("<html><body>{text}</body></html>"),
        })
}

proptest! {
    #[test]
    fn warc_round_trip(pages in prop::collection::vec(page_strategy(), 1..8), gz in any::<bool>()) {
        let records: Vec<Vec<u8>> = pages
            .iter()
            .map(|p| {
                let mut r = Vec::new();
                write_response(&mut r, &p.id, &p.uri, &p.date, "text/html; charset=utf-8", p.body.as_bytes());
                r
            })
            .collect();
        let data = if gz { gzip_members(&records) } else { records.concat() };
        let got: Vec<RawDoc> = read_bytes(&data, "p.warc", &Options::default())
            .map(|i| match i {
                Item::Doc { raw, .. } => Ok(raw),
                Item::Error(e) => Err(e.to_string()),
            })
            .collect::<Result<_, _>>()
            .map_err(TestCaseError::fail)?;
        let want: Vec<RawDoc> = pages
            .into_iter()
            .map(|p| RawDoc {
                id: p.id,
                url: Some(p.uri),
                title: None,
                published: None,
                fetched: Some(p.date),
                body: Body::Html(p.body),
            })
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn warc_reader_never_panics(prefix in prop::collection::vec(any::<u8>(), 0..64),
                                bytes in prop::collection::vec(any::<u8>(), 0..2048),
                                cut in 0usize..4096) {
        let mut data = page(1);
        data.extend_from_slice(&prefix);
        data.extend_from_slice(&page(2));
        data.extend_from_slice(&bytes);
        data.truncate(cut.min(data.len()));
        let opts = Options { max_doc_bytes: 300, ..Options::default() };
        for name in ["f.warc", "f.warc.gz"] {
            let n = read_bytes(&data, name, &opts).count();
            prop_assert!(n <= data.len() + 1);
        }
        let n = read_bytes(&bytes, "g.warc", &opts).count();
        prop_assert!(n <= bytes.len() + 1);
    }
}
