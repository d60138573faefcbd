//! Sources: turn files, directories and stdin into [`RawDoc`]s, streaming and in input order.
//!
//! [`read`] expands its paths (a directory recursively, entries in sorted order, hidden entries
//! skipped; `-` is stdin) and yields one [`Item`] per document: the document with its content
//! hash, or a [`SourceError`] saying which input or record is bad and why. A bad document never
//! stops the run.
//!
//! Formats ([`Format`]) are chosen by extension (after a `.gz` suffix is removed) and, when the
//! extension says nothing, by sniffing the content: gzip magic → decompress (multi-member), then
//! `WARC/1.` → WARC, `{` / `[` → JSON or JSON Lines, `<` → HTML, anything else → text. Each
//! format is one module with the same shape: a reader struct that implements [`Source`].
//!
//! JSON and JSON Lines records are objects with `id` (string or number; when missing, `path#N`),
//! `text` or `html` (text is preferred when both are given), and optionally `title`,
//! `published` and `url`; other fields are ignored. A value that is not JSON, a record that is
//! not an object of that shape, and a record with neither `text` nor `html` are errors for that
//! record alone.
//!
//! Limits ([`Options`]): a document larger than `max_doc_bytes` is an error (read past, never
//! held in memory); a compressed input that inflates beyond `max_decompressed_bytes`, or by a
//! ratio above `max_compression_ratio`, stops with a gzip-bomb error after the documents before
//! the cut. Memory use is bounded by the largest allowed document, whatever the input size.
//!
//! Text decoding (UTF-8, charsets, legacy 8-bit, binary detection) follows one policy, described
//! in the `decode` module: invalid UTF-8 in a `.txt` file is an error unless it is recognisably
//! windows-1252 or at most 1% of the bytes.

mod decode;
mod detect;
mod error;
mod input;
mod reader;
mod record;

pub mod html;
pub mod json;
pub mod jsonl;
pub mod text;
pub mod warc;

use std::path::PathBuf;

use epiwire_model::{Body, RawDoc};

pub use detect::Format;
pub use error::{Error, Result, SourceError};
pub use input::Input;
pub use reader::Reader;

/// Limits that keep a run bounded whatever the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Largest document, in bytes after decompression: a file, a JSON record, a JSON Lines line,
    /// a WARC record block. Default 32 MiB.
    pub max_doc_bytes: u64,
    /// Most bytes one compressed input may inflate to. Default 64 GiB (a CC-NEWS WARC file is a
    /// few GiB inflated).
    pub max_decompressed_bytes: u64,
    /// Highest compression ratio allowed once an input has inflated past 64 MiB; 0 turns the
    /// check off. Default 100 (HTML compresses about 5–10×; a gzip bomb about 1000×).
    pub max_compression_ratio: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_doc_bytes: 32 * 1024 * 1024,
            max_decompressed_bytes: 64 * 1024 * 1024 * 1024,
            max_compression_ratio: 100,
        }
    }
}

/// One item from the sources: a document, or why one could not be read.
#[derive(Debug)]
pub enum Item {
    /// A readable document.
    Doc {
        /// The document.
        raw: RawDoc,
        /// Its content hash ([`content_hash`]).
        hash: [u8; 32],
    },
    /// An input or record that could not be read.
    Error(SourceError),
}

impl Item {
    /// A document item, with its hash computed.
    pub fn doc(raw: RawDoc) -> Self {
        let hash = content_hash(&raw);
        Item::Doc { raw, hash }
    }

    /// An error item.
    pub fn error(id: impl Into<String>, error: Error) -> Self {
        Item::Error(SourceError::new(id, error))
    }
}

/// A format reader over one input: yields that input's documents and errors in order.
///
/// Every format module (`text`, `html`, `json`, `jsonl`, `warc`) has one struct implementing this,
/// built with `new(input: Input, opts: &Options)`; other sources (feeds) implement it too.
pub trait Source {
    /// The format this source reads.
    fn format(&self) -> Format;

    /// The next document or error, `None` once the input is exhausted. After an error that ends
    /// the input (truncation, gzip bomb, I/O error) the next call returns `None`.
    fn next_item(&mut self) -> Option<Item>;
}

/// The content hash of a document: BLAKE3 over its body (with its kind), URL, title and
/// publication date, each length-prefixed. The id and the fetch date are left out, so the same
/// content read twice, from another path or another crawl, hashes the same.
pub fn content_hash(raw: &RawDoc) -> [u8; 32] {
    fn field(h: &mut blake3::Hasher, tag: u8, value: Option<&str>) {
        match value {
            Some(v) => {
                h.update(&[tag, 1]);
                h.update(&(v.len() as u64).to_le_bytes());
                h.update(v.as_bytes());
            }
            None => {
                h.update(&[tag, 0]);
            }
        }
    }
    let mut h = blake3::Hasher::new();
    let (kind, body) = match &raw.body {
        Body::Text(s) => (b't', s),
        Body::Html(s) => (b'h', s),
    };
    field(&mut h, kind, Some(body));
    field(&mut h, b'u', raw.url.as_deref());
    field(&mut h, b'T', raw.title.as_deref());
    field(&mut h, b'p', raw.published.as_deref());
    *h.finalize().as_bytes()
}

/// Reads `inputs` (files, directories, `-` for stdin) lazily, one [`Item`] per document, in input
/// order.
pub fn read(inputs: &[PathBuf], opts: &Options) -> Reader {
    Reader::new(inputs, opts)
}

/// Reads an in-memory buffer as if it were a file called `name` (its extension picks the format,
/// as for a path). The fuzz targets and tests use this.
pub fn read_bytes(bytes: &[u8], name: &str, opts: &Options) -> Reader {
    Reader::from_reader(
        std::io::Cursor::new(bytes.to_vec()),
        name,
        Some(bytes.len() as u64),
        opts,
    )
}

/// Reads any byte stream as if it were a file called `name`; `len` is its size when known.
pub fn read_from(
    reader: impl std::io::Read + Send + 'static,
    name: &str,
    len: Option<u64>,
    opts: &Options,
) -> Reader {
    Reader::from_reader(reader, name, len, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_can_move_to_a_reader_thread() {
        fn is_send<T: Send>(_: &T) {}
        is_send(&read(&[PathBuf::from("-")], &Options::default()));
    }

    #[test]
    fn hash_ignores_id_and_fetch_date_but_not_content() {
        let doc = |id: &str, fetched: Option<&str>, body: Body| RawDoc {
            id: id.into(),
            url: Some("https://a.example/".into()),
            title: None,
            published: None,
            fetched: fetched.map(Into::into),
            body,
        };
        let a = content_hash(&doc("a", None, Body::Html("<p>x</p>".into())));
        let b = content_hash(&doc("b", Some("2024"), Body::Html("<p>x</p>".into())));
        let c = content_hash(&doc("a", None, Body::Text("<p>x</p>".into())));
        let d = content_hash(&doc("a", None, Body::Html("<p>y</p>".into())));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }
}
