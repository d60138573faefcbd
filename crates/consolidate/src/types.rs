//! The event records that stores keep and servers return (the shared JSON shapes).

use epiwire_signal::Signal;
use epiwire_timeline::{Conflict, Figure, Series};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A disease of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiseaseRef {
    /// Stable id (`DOID:0080600`).
    pub id: String,
    /// Preferred name (`COVID-19`).
    pub name: String,
}

/// A place of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceRef {
    /// GeoNames id.
    pub geonameid: u64,
    /// Preferred name.
    pub name: String,
    /// `country`, `admin1`, `admin2` or `city`.
    pub kind: String,
    /// ISO 3166-1 alpha-2 code of its country.
    pub country: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// One source document of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Document id.
    pub doc_id: String,
    /// Its URL, when known.
    pub url: Option<String>,
    /// The URL's host without `www.`.
    pub outlet: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Its publication date as stored.
    pub published: Option<String>,
    /// The earlier document this one near-duplicates (a syndicated copy or re-post).
    pub duplicate_of: Option<String>,
}

/// An analyst's triage of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    /// `relevant`, `dismissed` or `escalated`.
    pub status: String,
    /// Free-text note.
    pub note: Option<String>,
    /// Who set it (the API token's name).
    pub user: String,
    /// When, RFC 3339.
    pub at: String,
}

/// An event as listed: what, where, when, how big, how relevant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSummary {
    /// Stable id (`E` and the store sequence number of its first document).
    pub id: String,
    /// A title: the earliest original (non-duplicate) document's title.
    pub title: String,
    /// Diseases, most mentioned first.
    pub diseases: Vec<DiseaseRef>,
    /// ISO 3166-1 alpha-2 codes, most mentioned first.
    pub countries: Vec<String>,
    /// Places, most mentioned first (at most 20).
    pub places: Vec<PlaceRef>,
    /// Where to put the event on a map: the most mentioned place.
    pub lat: Option<f64>,
    /// See [`EventSummary::lat`].
    pub lon: Option<f64>,
    /// Earliest publication (or figure) day, `YYYY-MM-DD`.
    pub first_seen: Option<String>,
    /// Latest publication (or figure) day.
    pub last_seen: Option<String>,
    /// Number of documents.
    pub documents: usize,
    /// Number of independent sources: distinct outlets, near-duplicates counted once.
    pub outlets: usize,
    /// The latest value of each metric and scope of the main disease × country.
    pub headline: Vec<Figure>,
    /// Signals raised for this event or its disease × country while it ran.
    pub signals: Vec<Signal>,
    /// Rank for the list, 0..1.
    pub relevance: f64,
    /// The latest triage, filled by the store when read.
    #[serde(default)]
    pub triage: Option<Triage>,
}

/// An event with everything behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDetail {
    /// The list fields.
    #[serde(flatten)]
    pub summary: EventSummary,
    /// Its documents, oldest first.
    pub sources: Vec<SourceRef>,
    /// Every reported figure, by as-of date.
    pub figures: Vec<Figure>,
    /// Reconciled series per disease × country × metric × scope.
    pub series: Vec<Series>,
    /// Disagreements and decreases.
    pub conflicts: Vec<Conflict>,
    /// The response: who offers, sends, requests or refuses what, shortages, measures and
    /// quotes, from every document, by date.
    #[serde(default)]
    pub response: EventResponse,
}

/// A record of one of an event's documents, with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reported<T> {
    /// The document.
    pub doc_id: String,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its publication date.
    pub published: Option<String>,
    /// The record (offsets point into that document's text).
    #[serde(flatten)]
    pub record: T,
}

/// An event's response panel: every action, shortage, measure and quote of its documents,
/// ordered by date (the record's own, else the document's publication date).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventResponse {
    /// Aid and response actions (actor, action, recipient, items, modality).
    pub actions: Vec<Reported<epiwire_model::Action>>,
    /// Shortages (items, place).
    pub shortages: Vec<Reported<epiwire_model::Shortage>>,
    /// Measures (border closures, lockdowns, quarantine orders, travel bans, vaccination).
    pub measures: Vec<Reported<epiwire_model::Measure>>,
    /// Direct and reported speech with its speaker.
    pub quotes: Vec<Reported<epiwire_model::Quote>>,
}

/// Which events to list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    /// A disease id (`DOID:…`) or name (case-insensitive).
    pub disease: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// Events seen on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Events seen on or before this day.
    pub to: Option<String>,
    /// Only events with a signal of this kind.
    pub signal: Option<String>,
    /// At most this many.
    pub limit: usize,
    /// Skip this many.
    pub offset: usize,
}

impl Default for EventFilter {
    fn default() -> Self {
        EventFilter {
            disease: None,
            country: None,
            from: None,
            to: None,
            signal: None,
            limit: 100,
            offset: 0,
        }
    }
}

/// The signal kinds a filter may name.
pub const SIGNAL_KINDS: &[&str] = &[
    "new_event",
    "jump",
    "ears_c1",
    "ears_c2",
    "ears_c3",
    "farrington",
];

impl EventFilter {
    /// Checks the values (dates parse, country is two letters, signal kind known, limit in
    /// 1..=10000) and normalises them (country upper-case); a clear message otherwise.
    pub fn validated(mut self) -> Result<EventFilter> {
        for (name, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(v) = value
                && v.parse::<jiff::civil::Date>().is_err()
            {
                return Err(Error::BadFilter(format!(
                    "{name}: {v:?} is not a date (YYYY-MM-DD)"
                )));
            }
        }
        if let Some(c) = &self.country {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(Error::BadFilter(format!(
                    "country: {c:?} is not an ISO 3166-1 alpha-2 code (e.g. KP)"
                )));
            }
            self.country = Some(c.to_ascii_uppercase());
        }
        if let Some(s) = &self.signal
            && !SIGNAL_KINDS.contains(&s.as_str())
        {
            return Err(Error::BadFilter(format!(
                "signal: {s:?} is not one of {}",
                SIGNAL_KINDS.join(", ")
            )));
        }
        if self.limit == 0 || self.limit > 10_000 {
            return Err(Error::BadFilter(format!(
                "limit: {} is not in 1..=10000",
                self.limit
            )));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_validation() {
        let ok = EventFilter {
            country: Some("kp".into()),
            from: Some("2022-05-01".into()),
            signal: Some("jump".into()),
            ..EventFilter::default()
        };
        assert_eq!(ok.validated().unwrap().country.as_deref(), Some("KP"));
        for bad in [
            EventFilter {
                from: Some("May 2022".into()),
                ..EventFilter::default()
            },
            EventFilter {
                country: Some("PRK".into()),
                ..EventFilter::default()
            },
            EventFilter {
                signal: Some("spike".into()),
                ..EventFilter::default()
            },
            EventFilter {
                limit: 0,
                ..EventFilter::default()
            },
        ] {
            assert!(matches!(bad.validated(), Err(Error::BadFilter(_))));
        }
    }
}
