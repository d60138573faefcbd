//! Plain text files: one document per file, [`Body::Text`], id = the path.

use epiwire_model::{Body, RawDoc};

use crate::decode::{self, Policy};
use crate::error::Result;
use crate::{Error, Format, Input, Item, Options, Source};

/// Reads one plain-text document from an input.
#[derive(Debug)]
pub struct TextSource {
    input: Option<Input>,
    max_doc_bytes: u64,
}

impl TextSource {
    /// A source over `input`.
    pub fn new(input: Input, opts: &Options) -> Self {
        Self {
            input: Some(input),
            max_doc_bytes: opts.max_doc_bytes,
        }
    }
}

impl Source for TextSource {
    fn format(&self) -> Format {
        Format::Text
    }

    fn next_item(&mut self) -> Option<Item> {
        let mut input = self.input.take()?;
        Some(match read(&mut input, self.max_doc_bytes) {
            Ok(text) => Item::doc(RawDoc {
                id: input.name,
                url: None,
                title: None,
                published: None,
                fetched: None,
                body: Body::Text(text),
            }),
            Err(e) => Item::error(input.name, e),
        })
    }
}

fn read(input: &mut Input, max: u64) -> Result<String> {
    let bytes = input.read_document(max)?;
    let text = decode::decode(bytes, None, Policy::Strict)?;
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
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
}
