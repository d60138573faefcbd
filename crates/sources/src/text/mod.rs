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
mod tests;
