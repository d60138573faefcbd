//! An event's record from its members: title, diseases, places, dates, sources, the reconciled
//! figure timeline, its signals and its relevance.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use epiwire_signal::Signal;
use epiwire_timeline::{Figure, Timeline, reconcile};

use crate::backend::{EventBackend, Member};
use crate::volume::event_signals;
use crate::{
    DiseaseRef, EventDetail, EventResponse, EventSummary, PlaceRef, Reported, Result, SourceRef,
};

/// Places listed per event.
const MAX_PLACES: usize = 20;

/// What summarising needs beside the members.
pub(crate) struct Context<'a, B> {
    /// The store, for volume signals and earlier events.
    pub store: &'a B,
    /// Volume signals computed in the current batch (not stored yet).
    pub batch_signals: &'a [Signal],
    /// Days without an event of a disease × country after which a new one is "new".
    pub new_event_days: i64,
}

fn day(value: Option<&str>) -> Option<String> {
    value
        .and_then(epiwire_cluster::features::day)
        .map(str::to_string)
}

/// Counts of keys, most frequent first, ties by key.
fn ranked<K: Ord + Clone>(counts: BTreeMap<K, u64>) -> Vec<K> {
    let mut v: Vec<(K, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(k, _)| k).collect()
}

/// The headline figures of a timeline for one disease × country: per metric, the latest
/// cumulative point, else the latest new one, else the latest of any other scope; each as the
/// figure that reported it.
fn headline(t: &Timeline, disease: Option<&str>, country: Option<&str>) -> Vec<Figure> {
    let mut by_metric: BTreeMap<&str, Vec<&epiwire_timeline::Series>> = BTreeMap::new();
    for s in &t.series {
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
        let figure = t.figures.iter().find(|f| {
            f.metric == best.metric
                && f.scope == best.scope
                && f.disease == best.disease
                && f.country == best.country
                && f.as_of.as_deref() == Some(point.as_of.as_str())
                && point.doc_ids.contains(&f.doc_id)
                && (f.value - point.value).abs() < 0.5
        });
        if let Some(f) = figure {
            out.push(f.clone());
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

/// Builds an event's record from all its members (oldest first).
pub(crate) fn summarize<B: EventBackend>(
    id: &str,
    members: &[Member],
    ctx: &Context<'_, B>,
) -> Result<EventDetail> {
    let mut disease_docs: BTreeMap<String, u64> = BTreeMap::new();
    let mut disease_names: HashMap<String, String> = HashMap::new();
    // Mentions per country, over the places of every member.
    let mut country_docs: BTreeMap<String, u64> = BTreeMap::new();
    let mut place_mentions: BTreeMap<u64, u64> = BTreeMap::new();
    let mut place_refs: HashMap<u64, PlaceRef> = HashMap::new();
    let mut days: BTreeSet<String> = BTreeSet::new();
    let mut outlets: BTreeSet<String> = BTreeSet::new();
    let mut figures: Vec<Figure> = Vec::new();
    let mut sources: Vec<SourceRef> = Vec::with_capacity(members.len());
    for m in members {
        for d in &m.diseases {
            *disease_docs.entry(d.id.clone()).or_insert(0) += 1;
            disease_names
                .entry(d.id.clone())
                .or_insert_with(|| d.name.clone());
        }
        for (p, n) in &m.places {
            if let Some(c) = &p.country {
                *country_docs.entry(c.clone()).or_insert(0) += u64::from(*n);
            }
            *place_mentions.entry(p.geonameid).or_insert(0) += u64::from(*n);
            place_refs.entry(p.geonameid).or_insert_with(|| p.clone());
        }
        if let Some(d) = day(m.published.as_deref()) {
            days.insert(d);
        }
        if m.duplicate_of.is_none() {
            outlets.insert(
                m.outlet
                    .clone()
                    .unwrap_or_else(|| format!("doc:{}", m.doc_id)),
            );
        }
        figures.extend(m.figures.iter().cloned());
        sources.push(SourceRef {
            doc_id: m.doc_id.clone(),
            url: m.url.clone(),
            outlet: m.outlet.clone(),
            title: m.title.clone(),
            published: m.published.clone(),
            duplicate_of: m.duplicate_of.clone(),
        });
    }
    if days.is_empty() {
        days.extend(figures.iter().filter_map(|f| day(f.as_of.as_deref())));
    }
    let diseases: Vec<DiseaseRef> = ranked(disease_docs)
        .into_iter()
        .map(|id| DiseaseRef {
            name: disease_names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| id.clone()),
            id,
        })
        .collect();
    let countries = ranked(country_docs);
    let places: Vec<PlaceRef> = ranked(place_mentions)
        .into_iter()
        .filter_map(|g| place_refs.get(&g).cloned())
        .take(MAX_PLACES)
        .collect();
    let main_country = countries.first().cloned();
    let anchor = places
        .iter()
        .find(|p| main_country.is_none() || p.country == main_country)
        .or_else(|| places.first());
    let title = members
        .iter()
        .filter(|m| m.duplicate_of.is_none())
        .chain(members.iter())
        .find_map(|m| m.title.clone().filter(|t| !t.trim().is_empty()))
        .unwrap_or_else(|| {
            let what = diseases
                .first()
                .map_or("Unspecified disease", |d| d.name.as_str());
            let place = anchor.map_or("unknown place", |p| p.name.as_str());
            format!("{what} in {place}")
        });
    let timeline = reconcile(&figures);
    let main_disease = diseases.first().map(|d| d.id.clone());
    let headline = headline(&timeline, main_disease.as_deref(), main_country.as_deref());
    let first_seen = days.first().cloned();
    let last_seen = days.last().cloned();

    let mut summary = EventSummary {
        id: id.to_string(),
        title,
        lat: anchor.map(|p| p.lat),
        lon: anchor.map(|p| p.lon),
        diseases,
        countries,
        places,
        first_seen,
        last_seen,
        documents: members.len(),
        outlets: outlets.len(),
        headline,
        signals: Vec::new(),
        relevance: 0.0,
        triage: None,
    };
    let (signals, relevance) = event_signals(ctx, &summary, members, &timeline)?;
    summary.signals = signals;
    summary.relevance = relevance;
    Ok(EventDetail {
        summary,
        sources,
        figures: timeline.figures,
        series: timeline.series,
        conflicts: timeline.conflicts,
        response: response(members),
    })
}
