//! Embedded store for extracted documents.
//!
//! Documents ([`epiwire_model::Document`]) are kept keyed by the blake3 hash of the raw input body
//! ([`ContentHash`]), so that re-ingesting the same input is a cheap no-op. The [`Store`] trait is
//! what the rest of epiwire uses; [`SqliteStore`] is the embedded implementation (one SQLite file in
//! WAL mode). A PostgreSQL backend can implement the same trait later (see the crate README).
//!
//! Every [`Store::put_batch`] call is one transaction: after it returns `Ok`, the batch survives a
//! kill of the process at any later moment; a kill during the call loses the whole batch and
//! nothing else.

use std::path::PathBuf;

use epiwire_consolidate::{EventDetail, EventFilter, EventSummary, Signal};
use epiwire_model::Document;

mod events;
mod feeds;
mod figure_json;
mod profile;
mod schema;
mod signal_json;
mod sqlite;
mod stats;
mod triage;

pub use feeds::FeedState;
pub use schema::SCHEMA_VERSION;
pub use sqlite::SqliteStore;
pub use stats::Stats;
pub use triage::{TokenHash, Triage, TriageStatus};

/// Blake3 hash of the raw input body, computed by the sources crate. The store's primary key.
pub type ContentHash = [u8; 32];

/// A document to store, with the hash of its raw input and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDoc {
    /// Blake3 hash of the raw input body.
    pub hash: ContentHash,
    /// The input path or URL the document was read from.
    pub source: String,
    /// The extracted document.
    pub doc: Document,
}

/// What [`Store::put_batch`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PutOutcome {
    /// Documents newly stored.
    pub inserted: usize,
    /// Documents skipped because a document with the same hash was already stored (earlier, or
    /// earlier in the same batch).
    pub duplicates: usize,
}

/// Identity of an input file for checkpoints: a file counts as the same input only if its path,
/// size and modification time all match.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InputKey {
    /// The input path as given to ingest.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
}

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error reported by SQLite.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A JSON encoding error.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// A file-system error.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No store where one was expected ([`SqliteStore::open_existing`]).
    #[error("no epiwire store at {}", path.display())]
    Missing {
        /// The database file looked for.
        path: PathBuf,
    },
    /// Stored data that does not decode.
    #[error("corrupt store data at document seq {seq}: {reason}")]
    Corrupt {
        /// The `seq` of the row concerned (0 when not tied to a document row).
        seq: i64,
        /// What is wrong.
        reason: String,
    },
    /// A document or key that cannot be stored as given.
    #[error("cannot store {id}: {reason}")]
    Invalid {
        /// The document id or input path.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// The database was written by a newer epiwire with a schema this build does not know.
    #[error(
        "database schema version {found} is newer than this build supports ({supported}); upgrade epiwire"
    )]
    SchemaTooNew {
        /// The version found in the database.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// A document store. Implementations must make [`Store::put_batch`] atomic and durable once it
/// returns `Ok` (at least against a process kill).
pub trait Store: Send {
    /// Stores a batch of documents in one transaction. Documents whose hash is already stored, or
    /// appears earlier in the same batch, are skipped and counted as duplicates. Either the whole
    /// batch is stored or, on error, none of it.
    fn put_batch(&mut self, docs: &[NewDoc]) -> Result<PutOutcome>;

    /// Whether a document with this content hash is stored.
    fn contains(&self, hash: &ContentHash) -> Result<bool>;

    /// [`Store::contains`] for many hashes at once; the answer is in the same order.
    fn contains_many(&self, hashes: &[ContentHash]) -> Result<Vec<bool>>;

    /// The first stored document with this id (ids may repeat across inputs).
    fn get(&self, id: &str) -> Result<Option<Document>>;

    /// The document stored under this content hash.
    fn get_by_hash(&self, hash: &ContentHash) -> Result<Option<Document>>;

    /// Up to `limit` documents with a sequence number greater than `after_seq`, in insertion
    /// order, with their sequence numbers. Start with `after_seq = 0` and pass the last sequence
    /// number returned to get the next page; an empty page means the end.
    fn documents(&self, after_seq: u64, limit: usize) -> Result<Vec<(u64, Document)>>;

    /// Summary figures of the store.
    fn stats(&self) -> Result<Stats>;

    /// Whether this input (same path, size and mtime) was marked done.
    fn input_done(&self, key: &InputKey) -> Result<bool>;

    /// Marks an input as done; a later [`Store::input_done`] with the same key returns true. Call
    /// it after the last batch of the input has been stored.
    fn mark_input_done(&mut self, key: &InputKey) -> Result<()>;

    /// Events matching the filter, most relevant first (see `epiwire_consolidate`).
    fn events(&self, filter: &EventFilter) -> Result<Vec<EventSummary>>;

    /// One event with its figure timeline, sources and conflicts.
    fn event(&self, id: &str) -> Result<Option<EventDetail>>;

    /// The event a document (by id) belongs to, once consolidated.
    fn event_of(&self, doc_id: &str) -> Result<Option<String>>;

    /// Signals matching the filter (disease, country, date range, signal kind), newest first.
    fn signals(&self, filter: &EventFilter) -> Result<Vec<Signal>>;

    /// Number of events.
    fn event_count(&self) -> Result<u64>;
}

#[cfg(test)]
mod tests;
