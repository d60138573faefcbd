//! The crate's error type, and the per-input error items the readers yield.

use std::fmt;

/// Why one input, or one document in it, could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path could not be opened or read.
    #[error("cannot read: {0}")]
    Io(#[source] std::io::Error),
    /// The document is larger than [`crate::Options::max_doc_bytes`].
    #[error("document too large: {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Size of the document in bytes (after decompression).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The input decompresses to more than [`crate::Options::max_decompressed_bytes`], or with a
    /// ratio above [`crate::Options::max_compression_ratio`].
    #[error("decompressed size exceeds limit (gzip bomb?): more than {limit} bytes")]
    GzipBomb {
        /// The limit that was hit, in decompressed bytes.
        limit: u64,
    },
    /// The gzip data is damaged or cut short.
    #[error("corrupt or truncated gzip data: {0}")]
    Gzip(String),
    /// The document has no content.
    #[error("empty document")]
    Empty,
    /// The content looks binary (NUL bytes, control characters).
    #[error("binary content, not text or HTML")]
    Binary,
    /// The content is neither valid UTF-8 nor recognisably a legacy 8-bit encoding.
    #[error("invalid UTF-8 at byte {at} ({invalid} of {len} bytes invalid)")]
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        at: usize,
        /// Number of invalid bytes.
        invalid: usize,
        /// Length of the document in bytes.
        len: usize,
    },
    /// A JSON or JSON Lines record that does not parse as JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// A JSON value that is not a usable record.
    #[error("not a record: {0}")]
    NotRecord(String),
    /// A record with neither `text` nor `html`.
    #[error("record has neither \"text\" nor \"html\"")]
    NoBody,
    /// A JSON file that ends in the middle of a value.
    #[error("truncated JSON: the input ends inside a record")]
    TruncatedJson,
    /// A WARC file that ends in the middle of a record (or whose gzip data is cut or damaged).
    #[error("truncated WARC record at byte {offset}{}", detail_suffix(.detail))]
    TruncatedWarc {
        /// Offset of the record's first byte in the decompressed stream.
        offset: u64,
        /// What the reader saw, when more is known (a gzip error).
        detail: Option<String>,
    },
    /// Bytes where a WARC record header was expected.
    #[error("not a WARC record at byte {offset}: expected a \"WARC/1.x\" line")]
    NotWarc {
        /// Offset of the offending line in the decompressed stream.
        offset: u64,
    },
    /// A WARC record whose header or HTTP message is malformed.
    #[error("malformed WARC record at byte {offset}: {message}")]
    BadWarcRecord {
        /// Offset of the record's first byte in the decompressed stream.
        offset: u64,
        /// What is wrong.
        message: String,
    },
}

fn detail_suffix(detail: &Option<String>) -> String {
    match detail {
        Some(d) => format!(" ({d})"),
        None => String::new(),
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// One input or document that could not be read: which one, and why.
#[derive(Debug)]
pub struct SourceError {
    /// The input's identifier: the path as given (`dir/a.txt`, `-` for stdin), `path#N` for the
    /// N-th record or line of a JSON / JSON Lines file, the WARC-Record-ID for a WARC record.
    pub id: String,
    /// What went wrong.
    pub error: Error,
}

impl SourceError {
    /// Pairs an identifier with an error.
    pub fn new(id: impl Into<String>, error: Error) -> Self {
        Self {
            id: id.into(),
            error,
        }
    }

    /// The message alone, without the identifier (what `{"id": …, "error": …}` carries).
    pub fn message(&self) -> String {
        self.error.to_string()
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.id, self.error)
    }
}

impl std::error::Error for SourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<SourceError> for epiwire_model::DocError {
    fn from(e: SourceError) -> Self {
        epiwire_model::DocError {
            error: e.message(),
            id: e.id,
        }
    }
}
