use super::*;
use crate::read_bytes;
use std::io::Write;

fn one(bytes: &[u8], name: &str, opts: &Options) -> Item {
    let mut items: Vec<Item> = read_bytes(bytes, name, opts).collect();
    assert_eq!(items.len(), 1, "{items:?}");
    items.remove(0)
}

#[test]
fn reads_html_with_its_meta_charset() {
    let page = b"<html><head><meta charset=\"windows-1251\"></head><body>\xcc\xee\xf1\xea\xe2\xe0</body></html>";
    match one(page, "p.htm", &Options::default()) {
        Item::Doc { raw, .. } => {
            assert_eq!(raw.id, "p.htm");
            assert!(raw.body.as_str().contains("Москва"));
            assert!(matches!(raw.body, Body::Html(_)));
        }
        Item::Error(e) => panic!("{e}"),
    }
}

#[test]
fn gzipped_html() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"<p>Cholera in Haiti</p>").unwrap();
    let bytes = gz.finish().unwrap();
    match one(&bytes, "p.html.gz", &Options::default()) {
        Item::Doc { raw, .. } => {
            assert_eq!(raw.body, Body::Html("<p>Cholera in Haiti</p>".into()))
        }
        Item::Error(e) => panic!("{e}"),
    }
}

#[test]
fn binary_file_named_html() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    match one(png, "image.html", &Options::default()) {
        Item::Error(e) => {
            assert_eq!(e.id, "image.html");
            assert_eq!(e.message(), "binary content, not text or HTML");
        }
        Item::Doc { raw, .. } => panic!("read as {raw:?}"),
    }
}
