//! What consolidation needs from a store, as a trait the store implements.

use std::collections::BTreeSet;

use epiwire_cluster::{DfTable, DocFeatures, EventProfile};
use epiwire_model::Document;
use epiwire_signal::Signal;
use epiwire_timeline::{Figure, SeriesKey, SeriesPart};
use serde::{Deserialize, Serialize};

use crate::state::EventState;
use crate::{DiseaseRef, EventSummary, PlaceRef};

/// A document as a member of an event: what consolidation keeps of it, so that an event is
/// summarised again without reading any text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The document's store sequence number.
    pub seq: u64,
    /// Document id.
    pub doc_id: String,
    /// URL, when known.
    pub url: Option<String>,
    /// The URL's host without `www.`.
    pub outlet: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Publication date as stored.
    pub published: Option<String>,
    /// The earlier document this one near-duplicates.
    pub duplicate_of: Option<String>,
    /// Clustering features, while the document is being clustered. Not persisted: the event's
    /// profile holds what clustering needs later, and summaries never read them, so a stored
    /// member stays small (its term vector is most of its size) and summarising a large event
    /// does not decode every member's words.
    #[serde(skip_serializing, default)]
    pub features: DocFeatures,
    /// Every reported figure.
    pub figures: Vec<Figure>,
    /// Diseases named, each with its weight in the document: its mentions, those in the lead
    /// counting more, plus a bonus when the title names it (see [`disease_weight`]).
    ///
    /// [`disease_weight`]: crate::disease_weight
    pub diseases: Vec<(DiseaseRef, u32)>,
    /// Places named, with their number of mentions.
    pub places: Vec<(PlaceRef, u32)>,
    /// Response and aid actions of the document.
    #[serde(default)]
    pub actions: Vec<epiwire_model::Action>,
    /// Shortages reported.
    #[serde(default)]
    pub shortages: Vec<epiwire_model::Shortage>,
    /// Quotes.
    #[serde(default)]
    pub quotes: Vec<epiwire_model::Quote>,
    /// Public-health measures.
    #[serde(default)]
    pub measures: Vec<epiwire_model::Measure>,
}

/// Persistent state of the consolidation run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Every document with a sequence number up to this one is consolidated.
    pub watermark: u64,
    /// Document frequencies for the clusterer's idf.
    pub df: DfTable,
}

/// An event to write (insert or replace).
///
/// What is written per batch does not grow with the event: the list record, the running
/// aggregates the next batch starts from, and only the series parts the batch's figures
/// touched. A reader puts the full [`EventDetail`] together with [`crate::detail`] from the list
/// record, the members and every stored part.
///
/// [`EventDetail`]: crate::EventDetail
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// The clusterer's profile.
    pub profile: EventProfile,
    /// Blocking keys to index the event under (added to those it has).
    pub keys: Vec<String>,
    /// The list record.
    pub summary: EventSummary,
    /// The running aggregates after the batch.
    pub state: EventState,
    /// The keys of `state.series` the batch changed (set, replaced or removed; a meta set
    /// again to the same JSON, or absent before and after, is not named), so that a backend
    /// that keeps the series metas apart writes only those; `None`: any may have changed
    /// (after a merge), write them all.
    pub metas: Option<BTreeSet<SeriesKey>>,
    /// Series parts to insert or replace (those the batch touched; the others stay).
    pub series: Vec<SeriesPart>,
    /// The figures each part of `series` gained in this batch, by the part's key (those of
    /// its new members and of the events merged into it), so that a backend stores only them
    /// beside the figures it has: [`SeriesPart::add`] of the stored part's figures and these
    /// gives the part. A part of `series` without an entry is replaced whole.
    pub appended: Vec<(SeriesKey, Vec<Figure>)>,
}

impl EventRecord {
    /// The list record.
    pub fn summary(&self) -> &EventSummary {
        &self.summary
    }
}

/// Which stored series parts of an event to read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeriesSelect<'a> {
    /// Every part.
    All,
    /// The parts with these keys (those that exist).
    Keys(&'a [SeriesKey]),
    /// The parts of one disease × country (`None` matches a series without one).
    Of {
        /// Disease id.
        disease: Option<&'a str>,
        /// ISO country code.
        country: Option<&'a str>,
    },
}

impl SeriesSelect<'_> {
    /// Whether a part's key is selected.
    pub fn matches(&self, key: &SeriesKey) -> bool {
        match self {
            SeriesSelect::All => true,
            SeriesSelect::Keys(keys) => keys.contains(key),
            SeriesSelect::Of { disease, country } => {
                key.disease.as_deref() == *disease && key.country.as_deref() == *country
            }
        }
    }
}

/// Everything one consolidation batch changes; a backend applies it in one transaction, so that
/// a kill loses the batch whole and a re-run redoes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// The new state (watermark after the batch, updated document frequencies).
    pub state: State,
    /// New members and the event each joins.
    pub members: Vec<(String, Member)>,
    /// Events merged away: `(from, into)`; every member and key of `from` moves to `into`, and
    /// `from` is deleted.
    pub merged: Vec<(String, String)>,
    /// Events to insert or replace.
    pub events: Vec<EventRecord>,
    /// Article volume increments: (disease id, ISO2 country, day `YYYY-MM-DD`, documents).
    pub volume: Vec<(String, String, String, u32)>,
    /// Volume signals of the days in `rejudged` (keyed by kind, disease, country and date).
    pub signals: Vec<Signal>,
    /// The (disease id, ISO2 country, day) the batch judged again: every volume signal stored
    /// on such a day is replaced by those of `signals` on it (none: withdrawn).
    pub rejudged: BTreeSet<(String, String, String)>,
    /// List records of events the batch did not otherwise change whose volume signals (and so
    /// relevance) it changed: replace the stored list record (its signals and relevance).
    pub refreshed: Vec<EventSummary>,
    /// The keys of [`State::df`] whose counts this batch changed (sorted, without repeats), so
    /// that a backend writes only those rather than the whole table.
    pub df_keys: Vec<String>,
    /// Series parts to delete, `(event, key)`: parts an event no longer has after some of its
    /// members left it (a split), its other parts given whole in [`Changes::events`].
    pub dropped_series: Vec<(String, SeriesKey)>,
    /// Set when the batch pruned the table ([`DfTable::prune`] with this minimum): keys below
    /// it are gone from [`State::df`].
    pub df_pruned: Option<u32>,
}

/// A store of events. Errors are the store's own.
pub trait EventBackend {
    /// The store's error type.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The persisted state (default when never consolidated).
    fn state(&self) -> Result<State, Self::Error>;

    /// The persisted watermark (0 when never consolidated), without the table of
    /// [`EventBackend::state`]: a caller that kept the state of its last run checks with it that
    /// the store has not moved on since.
    fn watermark(&self) -> Result<u64, Self::Error> {
        Ok(self.state()?.watermark)
    }

    /// Up to `limit` stored documents with a sequence number above `after`, in store order.
    fn pending(&self, after: u64, limit: usize) -> Result<Vec<(u64, Document)>, Self::Error>;

    /// Events indexed under any of these blocking keys, with their profiles.
    fn candidates(&self, keys: &[String]) -> Result<Vec<(String, EventProfile)>, Self::Error>;

    /// Ids of the events indexed under any of these blocking keys (those of
    /// [`EventBackend::candidates`], without decoding their profiles).
    fn candidate_ids(&self, keys: &[String]) -> Result<Vec<String>, Self::Error> {
        Ok(self
            .candidates(keys)?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
    }

    /// The stored document with this sequence number (a re-examination reads the texts of an
    /// event's members, [`epiwire_cluster::Params::resplit_from`]).
    fn document(&self, seq: u64) -> Result<Option<Document>, Self::Error> {
        Ok(self
            .pending(seq.saturating_sub(1), 1)?
            .into_iter()
            .find(|(s, _)| *s == seq)
            .map(|(_, d)| d))
    }

    /// The profiles of these events (those that exist). Consolidation decodes a stored profile
    /// once per batch however many documents meet its event.
    fn profiles(&self, ids: &[String]) -> Result<Vec<(String, EventProfile)>, Self::Error>;

    /// The members of an event, oldest first (to show an event; consolidation reads none).
    fn members(&self, event: &str) -> Result<Vec<Member>, Self::Error>;

    /// The sequence numbers of an event's members, ascending: those of
    /// [`EventBackend::members`], without decoding the members (a re-examination reads the
    /// members' features, and their records only when the event splits).
    fn member_seqs(&self, event: &str) -> Result<Vec<u64>, Self::Error> {
        Ok(self.members(event)?.into_iter().map(|m| m.seq).collect())
    }

    /// The running aggregates of a stored event (`None` for an unknown event).
    fn event_state(&self, event: &str) -> Result<Option<EventState>, Self::Error>;

    /// Stored series parts of an event, in key order.
    fn series(&self, event: &str, which: SeriesSelect<'_>) -> Result<Vec<SeriesPart>, Self::Error>;

    /// [`EventBackend::series`] without the parts whose keys are in `skip` (the caller holds
    /// them already, so a backend need not decode them).
    fn series_without(
        &self,
        event: &str,
        which: SeriesSelect<'_>,
        skip: &[SeriesKey],
    ) -> Result<Vec<SeriesPart>, Self::Error> {
        let mut parts = self.series(event, which)?;
        parts.retain(|p| !skip.contains(&p.key));
        Ok(parts)
    }

    /// Documents per day about a disease in a country, for days `from..=to` (days without
    /// documents may be left out).
    fn volume(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, u32)>, Self::Error>;

    /// Volume signals of a disease in a country dated `from..=to`.
    fn volume_signals(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<Signal>, Self::Error>;

    /// The events whose main (first) disease and country are these that ran within
    /// `from..=to` (first seen on or before `to`, last seen on or after `from`): their ids
    /// with their first and last days.
    fn events_running(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, String)>, Self::Error>;

    /// The list record of an event as stored (`None` for an unknown event).
    fn summary(&self, event: &str) -> Result<Option<EventSummary>, Self::Error>;

    /// Whether an event other than `except` about this disease in this country was last seen
    /// within `from..to` (to exclusive).
    fn seen_between(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
        except: &str,
    ) -> Result<bool, Self::Error>;

    /// The `new_event` signals of events whose main disease and country are these, dated
    /// `from..=to`: the events' ids with the dates (their first days). A store that keeps the
    /// events' own signals apart answers from them; this default reads the list records of the
    /// events that ran then.
    fn new_event_signals(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String)>, Self::Error> {
        let mut out = Vec::new();
        for (id, first, _) in self.events_running(disease, country, from, to)? {
            if first.as_str() < from || first.as_str() > to {
                continue;
            }
            let Some(summary) = self.summary(&id)? else {
                continue;
            };
            out.extend(
                summary
                    .signals
                    .iter()
                    .filter(|s| s.kind == "new_event" && s.event.as_deref() == Some(id.as_str()))
                    .map(|s| (id.clone(), s.date.clone())),
            );
        }
        Ok(out)
    }

    /// Starts one read snapshot that the reads up to [`EventBackend::end_reads`] share.
    /// Consolidation reads a batch (its documents, then the events, series, volumes and signals
    /// it meets, dozens of queries a document) between the two, and writes nothing there; a
    /// store whose every query otherwise takes and drops a read lock of its own (SQLite's WAL:
    /// two `fcntl` calls a query) takes it once a batch. Only this consolidator writes the
    /// event tables, so a snapshot reads of them what the queries would read one by one. The
    /// default does nothing.
    fn begin_reads(&self) -> Result<(), Self::Error> {
        Ok(())
    }

    /// Ends the snapshot of [`EventBackend::begin_reads`] (nothing when none is open). Called
    /// before [`EventBackend::apply`], whatever the reads returned.
    fn end_reads(&self) -> Result<(), Self::Error> {
        Ok(())
    }

    /// Applies one batch atomically.
    fn apply(&mut self, changes: &Changes) -> Result<(), Self::Error>;
}
