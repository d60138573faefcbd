use super::*;
use crate::read_bytes;

fn one(bytes: &[u8], name: &str, opts: &Options) -> Item {
    let mut items: Vec<Item> = read_bytes(bytes, name, opts).collect();
    assert_eq!(items.len(), 1, "{items:?}");
    items.remove(0)
}

#[test]
fn reads_a_text_file() {
    match one(
        "Fièvre à Lyon.\n".as_bytes(),
        "a/b.txt",
        &Options::default(),
    ) {
        Item::Doc { raw, .. } => {
            assert_eq!(raw.id, "a/b.txt");
            assert_eq!(raw.body, Body::Text("Fièvre à Lyon.\n".into()));
        }
        Item::Error(e) => panic!("{e}"),
    }
}

#[test]
fn bad_text_files() {
    let opts = Options {
        max_doc_bytes: 10,
        ..Options::default()
    };
    let cases: [(&[u8], &str); 5] = [
        (b"", "empty document"),
        (b"  \n ", "empty document"),
        (
            b"0123456789abc",
            "document too large: 13 bytes exceeds the limit of 10 bytes",
        ),
        (b"ab\0\x01\x02cd", "binary content, not text or HTML"),
        (
            b"\xc3\xa9\xc3\xa9\xff\xfe",
            "invalid UTF-8 at byte 4 (2 of 6 bytes invalid)",
        ),
    ];
    for (bytes, message) in cases {
        match one(bytes, "x.txt", &opts) {
            Item::Error(e) => {
                assert_eq!(e.id, "x.txt");
                assert_eq!(e.message(), message);
            }
            Item::Doc { raw, .. } => panic!("{bytes:?} read as {raw:?}"),
        }
    }
}

#[test]
fn latin1_text_file() {
    match one(b"Caf\xe9", "x.txt", &Options::default()) {
        Item::Doc { raw, .. } => assert_eq!(raw.body.as_str(), "Café"),
        Item::Error(e) => panic!("{e}"),
    }
}
