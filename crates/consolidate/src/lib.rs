//! Consolidation: stored documents become events.
//!
//! Each new document joins an existing event or opens one ([`epiwire_cluster::Clusterer`],
//! blocking by disease × country × time window, so the cost of a document is proportional to
//! its candidate events, not to the store). Each touched event is updated from its new members
//! only: its running aggregates ([`EventState`]) take them, only the series parts their figures
//! touch are reconciled again ([`epiwire_timeline::SeriesPart`]), then its headline, signals and
//! relevance ([`epiwire_signal`]) follow; the records are written back through the
//! [`EventBackend`] trait in one transaction per batch. So the cost of a document does not grow
//! with the size of its event; [`Consolidator::rebuild`] computes a record from scratch, and the
//! tests hold the two equal. A reader puts an event's full record together with [`detail`].
//!
//! The crate holds no storage of its own: a store implements [`EventBackend`] (the embedded
//! SQLite store does), so the flow stays one-way (consolidate → store).

mod backend;
mod cache;
mod engine;
mod resplit;
mod state;
mod summary;
mod types;
mod volume;

pub use backend::{Changes, EventBackend, EventRecord, Member, SeriesSelect, State};
pub use engine::{BATCH, Consolidator, FeatureInbox, Progress, Session, lock_inbox};
pub use state::{DayRange, EventState, Headline, SeriesMeta, StateHead, Tally};
pub use summary::{LEAD_CHARS, LEAD_WEIGHT, TITLE_WEIGHT, detail, disease_weight};
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

pub use epiwire_cluster::{Cues, DfTable, DocFeatures, EventProfile};
pub use epiwire_signal::Signal;
pub use epiwire_timeline::{
    Conflict, Figure, Series, SeriesKey, SeriesPart, Timeline, sort_figures,
};
