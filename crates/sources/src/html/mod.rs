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
mod tests;
