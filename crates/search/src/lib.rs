//! Full-text search over the stored documents.
//!
//! The index is a [tantivy] index kept in its own directory (by convention `<data>/index/`,
//! see [`index_dir`]). It is derived data, never the only copy: [`SearchIndex::open_or_rebuild`]
//! rebuilds it from the [`Store`](epiwire_store::Store) when it is missing, unreadable, written
//! by another version, or does not match the store; [`SearchIndex::sync`] adds the documents
//! stored since the last sync.
//!
//! Every commit of the index records the store sequence number of the last document it holds
//! (the *watermark*) in the same atomic commit, so a process killed during a sync leaves the
//! index consistent: the next sync adds exactly the documents after the watermark, never a
//! duplicate.
//!
//! Each indexed document has its id, title, text, URL, outlet (URL host without `www.`), disease
//! ids and names, the ISO 3166-1 alpha-2 codes of the countries of its places, and its
//! publication date. [`SearchIndex::search`] ranks with BM25 over title (boosted), text and
//! disease names, filters by disease, country, outlet and date range, returns snippets with
//! highlights and counts the hits per disease, country and outlet.
//!
//! ```no_run
//! use epiwire_search::{SearchIndex, SearchQuery, index_dir};
//! use epiwire_store::SqliteStore;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let data = std::path::Path::new("epiwire-data");
//! let store = SqliteStore::open_existing(data)?;
//! let index = SearchIndex::open_or_rebuild(&index_dir(data), &store)?;
//! index.sync(&store)?;
//! let results = index.search(&SearchQuery {
//!     q: "Pyongyang fever".into(),
//!     country: Some("KP".into()),
//!     ..SearchQuery::default()
//! })?;
//! for hit in &results.hits {
//!     println!("{} {}", hit.id, hit.snippet_html);
//! }
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

mod analyzer;
mod index;
mod query;
mod schema;

pub use index::{SearchIndex, SyncReport};
pub use query::{
    DEFAULT_LIMIT, FacetCount, Facets, Highlight, Hit, MAX_LIMIT, MAX_OFFSET, SearchQuery,
    SearchResults, Sort,
};
pub use schema::{FORMAT_VERSION, host_of, outlet_of};

/// Name of the index directory inside the data directory.
pub const INDEX_DIR: &str = "index";

/// The index directory for a data directory: `<data>/index`.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(INDEX_DIR)
}

/// Errors of the search crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query text does not parse. A client error (HTTP 400).
    #[error("bad search query {query:?}: {message}")]
    BadQuery {
        /// The query as given.
        query: String,
        /// What is wrong with it.
        message: String,
    },
    /// A date parameter that is neither `YYYY-MM-DD` nor an RFC 3339 timestamp. A client error
    /// (HTTP 400).
    #[error("bad {param} date {value:?}: expected YYYY-MM-DD or an RFC 3339 timestamp")]
    BadDate {
        /// The parameter (`from` or `to`).
        param: &'static str,
        /// The value as given.
        value: String,
    },
    /// Another process holds the index writer (for instance a running server while an ingest
    /// syncs). Retry later; the holder keeps the index up to date.
    #[error("the search index in {} is being written by another process", path.display())]
    Locked {
        /// The index directory.
        path: PathBuf,
    },
    /// An error of the index library (I/O, corrupt files).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// An error reading the store.
    #[error("store: {0}")]
    Store(#[from] epiwire_store::Error),
    /// A file-system error.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// True when the error is the caller's (bad query or date), false when it is the server's.
    /// An HTTP server answers 400 for the first and 500 for the second.
    pub fn is_client_error(&self) -> bool {
        matches!(self, Error::BadQuery { .. } | Error::BadDate { .. })
    }
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
