//! Consolidation: stored documents become events.
//!
//! Each new document joins an existing event or opens one ([`epiwire_cluster::Clusterer`],
//! blocking by disease × country × time window, so the cost of a document is proportional to
//! its candidate events, not to the store). Each touched event gets its figure timeline
//! reconciled again ([`epiwire_timeline::reconcile`]), its signals and its relevance
//! ([`epiwire_signal`]), and is written back through the [`EventBackend`] trait in one batch.
//!
//! The crate holds no storage of its own: a store implements [`EventBackend`] (the embedded
//! SQLite store does), so the flow stays one-way (consolidate → store).

mod backend;
mod engine;
mod summary;
mod types;
mod volume;

pub use backend::{Changes, EventBackend, EventRecord, Member, State};
pub use engine::{Consolidator, Progress};
pub use types::{
    DiseaseRef, EventDetail, EventFilter, EventResponse, EventSummary, PlaceRef, Reported,
    SIGNAL_KINDS, SourceRef, Triage,
};

/// Errors of consolidation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The storage backend failed.
    #[error("event store: {0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    /// A filter value that cannot be used.
    #[error("{0}")]
    BadFilter(String),
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

pub use epiwire_cluster::{DocFeatures, EventProfile};
pub use epiwire_signal::Signal;
pub use epiwire_timeline::{Conflict, Figure, Series, Timeline};
