//! HTML files: one document per file, [`Body::Html`], id = the path. The charset comes from a
//! byte-order mark or `<meta charset>`, else the decoding policy of the `decode` module.

use epiwire_model::{Body, RawDoc};

use crate::decode::{self, Policy};
use crate::error::Result;
use crate::{Error, Format, Input, Item, Options, Source};

/// Reads one HTML document from an input.
#[derive(Debug)]
pub struct HtmlSource {
    input: Option<Input>,
    max_doc_bytes: u64,
}

impl HtmlSource {
    /// A source over `input`.
    pub fn new(input: Input, opts: &Options) -> Self {
        Self {
            input: Some(input),
            max_doc_bytes: opts.max_doc_bytes,
        }
    }
}

impl Source for HtmlSource {
    fn format(&self) -> Format {
        Format::Html
    }

    fn next_item(&mut self) -> Option<Item> {
        let mut input = self.input.take()?;
        Some(match read(&mut input, self.max_doc_bytes) {
            Ok(html) => Item::doc(RawDoc {
                id: input.name,
                url: None,
                title: None,
                published: None,
                fetched: None,
                body: Body::Html(html),
            }),
            Err(e) => Item::error(input.name, e),
        })
    }
}

fn read(input: &mut Input, max: u64) -> Result<String> {
    let bytes = input.read_document(max)?;
    let charset = decode::meta_charset(&bytes);
    let html = decode::decode(bytes, charset.as_deref(), Policy::Lenient)?;
    if html.trim().is_empty() {
        return Err(Error::Empty);
    }
    Ok(html)
}

#[cfg(test)]
mod tests {
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
}
