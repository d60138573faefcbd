//! An event's record: the list record (title, diseases, places, dates, headline, signals,
//! relevance) from its running aggregates and the series parts a batch touched, and the full
//! detail (sources, timeline, response) put together from its members and parts when read.

use std::collections::{BTreeMap, BTreeSet};

use epiwire_signal::{JumpParams, Signal};
use epiwire_timeline::{Figure, SeriesKey, SeriesPart, Timeline, combine, sort_figures};

use crate::backend::{EventBackend, Member, SeriesSelect};
use crate::state::{EventState, Headline, SeriesMeta};
use crate::volume::event_signals;
use crate::{
    DiseaseRef, Error, EventDetail, EventResponse, EventSummary, PlaceRef, Reported, Result,
    SourceRef,
};

fn backend<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::Backend(Box::new(e))
}

/// Places listed per event.
const MAX_PLACES: usize = 20;

/// What summarising needs beside the members.
pub(crate) struct Context<'a, B> {
    /// The store, for volume signals and earlier events.
    pub store: &'a B,
    /// Volume signals computed in the current batch (not stored yet).
    pub batch_signals: &'a [Signal],
    /// The disease × country × days the batch judged again: their stored volume signals are
    /// replaced by the batch's.
    pub rejudged: &'a BTreeSet<crate::volume::VolumeKey>,
    /// Days without a report of a disease × country after which an event there is "new".
    pub new_event_days: i64,
    /// Documents the batch adds per (disease, country, day) (not stored yet): an event's
    /// `new_event` signal counts them beside the stored volume.
    pub batch_volume: &'a BTreeMap<crate::volume::VolumeKey, u32>,
}

fn day(value: Option<&str>) -> Option<String> {
    value
        .and_then(epiwire_cluster::features::day)
        .map(str::to_string)
}

/// The headline figures of one disease × country from its series (combined from `parts`, in
/// key order): per metric, the latest cumulative point, else the latest new one, else the latest
/// of any other scope; each as the figure that reported it, the first in [`sort_figures`] order
/// of the parts' figures that gives the point (only those figures are ordered, not every
/// figure of the series).
fn headline(
    parts: &[&SeriesPart],
    all_series: &[epiwire_timeline::Series],
    disease: Option<&str>,
    country: Option<&str>,
) -> Vec<Figure> {
    let mut by_metric: BTreeMap<&str, Vec<&epiwire_timeline::Series>> = BTreeMap::new();
    for s in all_series {
        if s.disease.as_deref() == disease && s.country.as_deref() == country && s.metric != "other"
        {
            by_metric.entry(s.metric.as_str()).or_default().push(s);
        }
    }
    let scope_rank = |scope: &str| match scope {
        "cumulative" => 0,
        "new" => 1,
        "current" => 2,
        _ => 3,
    };
    let mut out = Vec::new();
    for (_, mut series) in by_metric {
        // Prefer a series at country level (no place below it) when there are several.
        series.sort_by_key(|s| (scope_rank(&s.scope), s.place.is_some()));
        let Some(best) = series.first() else { continue };
        let Some(point) = best.points.iter().rev().find(|p| !p.derived) else {
            continue;
        };
        // The figures that give the point, in the order of the parts then of their figures:
        // a stable sort of these alone puts first the one a sort of all would.
        let mut giving: Vec<Figure> = parts
            .iter()
            .flat_map(|p| p.figures.iter())
            .filter(|f| {
                f.metric == best.metric
                    && f.scope == best.scope
                    && f.disease == best.disease
                    && f.country == best.country
                    && f.as_of.as_deref() == Some(point.as_of.as_str())
                    && point.doc_ids.contains(&f.doc_id)
                    && (f.value - point.value).abs() < 0.5
            })
            .cloned()
            .collect();
        sort_figures(&mut giving);
        if let Some(f) = giving.into_iter().next() {
            out.push(f);
        }
    }
    out
}

/// Every response record of the members, each with its document, ordered by date (its own,
/// else the document's publication day), then document order.
fn response(members: &[Member]) -> EventResponse {
    fn tag<T: Clone>(
        out: &mut Vec<(String, u64, Reported<T>)>,
        m: &Member,
        records: &[T],
        date: impl Fn(&T) -> Option<&String>,
    ) {
        for r in records {
            let when = date(r)
                .and_then(|d| day(Some(d)))
                .or_else(|| day(m.published.as_deref()))
                .unwrap_or_default();
            out.push((
                when,
                m.seq,
                Reported {
                    doc_id: m.doc_id.clone(),
                    outlet: m.outlet.clone(),
                    published: m.published.clone(),
                    record: r.clone(),
                },
            ));
        }
    }
    fn sorted<T>(mut v: Vec<(String, u64, Reported<T>)>) -> Vec<Reported<T>> {
        v.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        v.into_iter().map(|(_, _, r)| r).collect()
    }
    let (mut actions, mut shortages, mut measures, mut quotes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for m in members {
        tag(&mut actions, m, &m.actions, |r| r.date.as_ref());
        tag(&mut shortages, m, &m.shortages, |r| r.date.as_ref());
        tag(&mut measures, m, &m.measures, |r| r.date.as_ref());
        tag(&mut quotes, m, &m.quotes, |r| r.date.as_ref());
    }
    EventResponse {
        actions: sorted(actions),
        shortages: sorted(shortages),
        measures: sorted(measures),
        quotes: sorted(quotes),
    }
}

/// An event's full record from its list record, its members (oldest first) and every stored
/// series part: the sources, every figure (in timeline order), the reconciled series with their
/// derived points, the conflicts and the response. Equal to what reconciling all the members'
/// figures at once gives.
pub fn detail(summary: EventSummary, members: &[Member], parts: &[SeriesPart]) -> EventDetail {
    let sources = members
        .iter()
        .map(|m| SourceRef {
            doc_id: m.doc_id.clone(),
            url: m.url.clone(),
            outlet: m.outlet.clone(),
            title: m.title.clone(),
            published: m.published.clone(),
            duplicate_of: m.duplicate_of.clone(),
        })
        .collect();
    let mut figures: Vec<Figure> = members
        .iter()
        .flat_map(|m| m.figures.iter().cloned())
        .collect();
    sort_figures(&mut figures);
    let (series, conflicts) = combine(parts);
    EventDetail {
        summary,
        sources,
        figures,
        series,
        conflicts,
        response: response(members),
    }
}

/// How much a document is about a disease: each mention counts 1, or [`LEAD_WEIGHT`] in the
/// lead (the first [`LEAD_CHARS`] characters of the text), and a title naming the disease adds
/// [`TITLE_WEIGHT`]. An event ranks its diseases by these weights summed over its documents, so
/// that a disease named in passing in many reports (COVID-19 in a 2022 WHO report on monkeypox
/// in the DRC) does not come before the one the reports are about.
pub fn disease_weight(disease: &epiwire_model::Disease, title: Option<&str>) -> u32 {
    let mentions: u32 = disease
        .mentions
        .iter()
        .map(|m| if m.start < LEAD_CHARS { LEAD_WEIGHT } else { 1 })
        .fold(0u32, u32::saturating_add);
    let in_title = title.is_some_and(|t| {
        let t = t.to_lowercase();
        t.contains(&disease.name.to_lowercase())
            || disease
                .mentions
                .iter()
                .any(|m| !m.text.is_empty() && t.contains(&m.text.to_lowercase()))
    });
    mentions.saturating_add(if in_title { TITLE_WEIGHT } else { 0 })
}

/// Characters of a text that make its lead.
pub const LEAD_CHARS: usize = 400;
/// Weight of a mention in the lead.
pub const LEAD_WEIGHT: u32 = 3;
/// Weight of a title that names the disease.
pub const TITLE_WEIGHT: u32 = 10;

/// Ranked keys of tallies: largest first, ties by key.
fn ranked_by<K: Ord + Clone>(counts: impl Iterator<Item = (K, u64)>) -> Vec<K> {
    let mut v: Vec<(K, u64)> = counts.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(k, _)| k).collect()
}

/// What a batch brings to an event, and how to finish its record.
pub(crate) struct Update<'a> {
    /// The event id.
    pub id: &'a str,
    /// Series parts in memory: every part the batch touched (updated), plus any read (those
    /// [`finish`] reads are added).
    pub parts: BTreeMap<SeriesKey, SeriesPart>,
    /// Keys of the parts the batch changed.
    pub dirty: BTreeSet<SeriesKey>,
    /// True when `parts` holds every part of the event (a rebuild): nothing is read.
    pub complete: bool,
    /// Choose the headline again even when its series are untouched (after a merge).
    pub force_headline: bool,
    /// Set by [`finish`]: the keys of the series metas it set or removed.
    pub metas: BTreeSet<SeriesKey>,
}

/// Finishes an event's record after its aggregates took the batch's members: series metas of
/// the touched series (and of cumulative series whose `new` sibling changed), the headline
/// when its series or its disease × country changed, then the list record with its signals.
/// Reads only the parts it needs, never the members.
pub(crate) fn finish<B: EventBackend>(
    ctx: &Context<'_, B>,
    state: &mut EventState,
    up: &mut Update<'_>,
) -> Result<EventSummary> {
    let id = up.id;
    // Siblings of touched series, for their derived points.
    if !up.complete {
        let need: Vec<SeriesKey> = up
            .dirty
            .iter()
            .filter_map(SeriesKey::sibling)
            .filter(|k| !up.parts.contains_key(k))
            .collect();
        if !need.is_empty() {
            for p in ctx
                .store
                .series(id, SeriesSelect::Keys(&need))
                .map_err(backend)?
            {
                up.parts.entry(p.key.clone()).or_insert(p);
            }
        }
    }
    let mut affected = up.dirty.clone();
    for k in &up.dirty {
        if let Some(s) = k.sibling().filter(|s| up.parts.contains_key(s)) {
            affected.insert(s);
        }
    }
    for k in &affected {
        let Some(part) = up.parts.get_mut(k) else {
            continue;
        };
        // The part lends its series to the timeline the jumps are read from, and takes it back
        // (a series holds every point with its sources: it was copied for each touched series).
        let timeline = Timeline {
            figures: Vec::new(),
            series: vec![std::mem::replace(&mut part.series, no_series())],
            conflicts: Vec::new(),
        };
        let jumps = epiwire_signal::jumps(&timeline, Some(id), &JumpParams::default());
        if let Some(series) = timeline.series.into_iter().next() {
            part.series = series;
        }
        let Some(part) = up.parts.get(k) else {
            continue;
        };
        let counts_deaths = k.metric == "deaths"
            && k.place.is_none()
            && (k.scope == "cumulative" || k.scope == "new");
        let deaths = if counts_deaths {
            let sibling = k.sibling().and_then(|s| up.parts.get(&s));
            let (series, _) = combine(std::iter::once(part).chain(sibling));
            series
                .into_iter()
                .find(|s| s.scope == k.scope)
                .map(|mut s| {
                    for p in &mut s.points {
                        p.text = None;
                        p.doc_ids.clear();
                        p.outlets.clear();
                        p.reason = None;
                    }
                    s
                })
        } else {
            None
        };
        up.metas.insert(k.clone());
        // Only series with something to say are kept (an event may have hundreds).
        if jumps.is_empty() && deaths.is_none() {
            state.series.remove(k);
        } else {
            state.series.insert(k.clone(), SeriesMeta { jumps, deaths });
        }
    }

    let diseases: Vec<DiseaseRef> = ranked_by(state.diseases.iter().map(|(k, t)| (k, t.n)))
        .into_iter()
        .map(|id| DiseaseRef {
            id: id.clone(),
            name: state
                .diseases
                .get(id)
                .map_or_else(|| id.clone(), |t| t.what.clone()),
        })
        .collect();
    let countries: Vec<String> = ranked_by(state.countries.iter().map(|(c, n)| (c, *n)))
        .into_iter()
        .cloned()
        .collect();
    let places: Vec<PlaceRef> = ranked_by(state.places.iter().map(|(g, t)| (*g, t.n)))
        .into_iter()
        .take(MAX_PLACES)
        .filter_map(|g| state.places.get(&g).map(|t| t.what.clone()))
        .collect();
    let main_country = countries.first().cloned();
    let anchor = places
        .iter()
        .find(|p| main_country.is_none() || p.country == main_country)
        .or_else(|| places.first());
    let title = state
        .title
        .as_ref()
        .or(state.any_title.as_ref())
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| {
            let what = diseases
                .first()
                .map_or("Unspecified disease", |d| d.name.as_str());
            let place = anchor.map_or("unknown place", |p| p.name.as_str());
            format!("{what} in {place}")
        });
    let main_disease = diseases.first().map(|d| d.id.clone());

    let stale = up.force_headline
        || state
            .headline
            .as_ref()
            .is_none_or(|h| h.disease != main_disease || h.country != main_country)
        || up
            .dirty
            .iter()
            .any(|k| k.disease == main_disease && k.country == main_country);
    if stale {
        let which = SeriesSelect::Of {
            disease: main_disease.as_deref(),
            country: main_country.as_deref(),
        };
        let loaded = if up.complete {
            Vec::new()
        } else {
            // The parts held already win below; they need not be read again.
            let held: Vec<SeriesKey> = up
                .parts
                .keys()
                .filter(|k| which.matches(k))
                .cloned()
                .collect();
            ctx.store
                .series_without(id, which, &held)
                .map_err(backend)?
        };
        // The parts read join those held (their keys are others), for the caller to keep.
        for p in loaded {
            up.parts.entry(p.key.clone()).or_insert(p);
        }
        let chosen: Vec<&SeriesPart> = up
            .parts
            .iter()
            .filter(|(k, _)| which.matches(k))
            .map(|(_, p)| p)
            .collect();
        let (series, _) = combine(chosen.iter().copied());
        state.headline = Some(Headline {
            figures: headline(
                &chosen,
                &series,
                main_disease.as_deref(),
                main_country.as_deref(),
            ),
            disease: main_disease.clone(),
            country: main_country.clone(),
        });
    }
    let days = state.published.as_ref().or(state.as_of.as_ref());

    let mut summary = EventSummary {
        id: id.to_string(),
        title,
        lat: anchor.map(|p| p.lat),
        lon: anchor.map(|p| p.lon),
        diseases,
        countries,
        places,
        first_seen: days.map(|d| d.first.clone()),
        last_seen: days.map(|d| d.last.clone()),
        documents: state.documents,
        outlets: state.outlets.len(),
        headline: state
            .headline
            .as_ref()
            .map(|h| h.figures.clone())
            .unwrap_or_default(),
        signals: Vec::new(),
        relevance: 0.0,
        triage: None,
    };
    let (jumps, deaths) = jumps_and_deaths(state);
    let (signals, relevance) = event_signals(ctx, &summary, jumps, deaths, state.outlets.len())?;
    summary.signals = signals;
    summary.relevance = relevance;
    Ok(summary)
}

/// An empty series, holding a part's place while its series is lent out (no allocation).
fn no_series() -> epiwire_timeline::Series {
    epiwire_timeline::Series {
        disease: None,
        disease_name: None,
        country: None,
        place: None,
        place_name: None,
        metric: String::new(),
        scope: String::new(),
        points: Vec::new(),
    }
}

/// The jump signals of an event's series (by date) and its death toll, from its aggregates.
pub(crate) fn jumps_and_deaths(state: &EventState) -> (Vec<Signal>, f64) {
    let mut jumps: Vec<Signal> = state
        .series
        .values()
        .flat_map(|m| m.jumps.iter().cloned())
        .collect();
    jumps.sort_by(|a, b| a.date.cmp(&b.date));
    let deaths = epiwire_signal::deaths(&Timeline {
        figures: Vec::new(),
        series: state
            .series
            .values()
            .filter_map(|m| m.deaths.clone())
            .collect(),
        conflicts: Vec::new(),
    });
    (jumps, deaths)
}
