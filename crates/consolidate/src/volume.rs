//! Signals of an event and of article volume, from `epiwire_signal`: EARS C1–C3 and the
//! Farrington-style detector on daily documents per disease × country, new events (no event of
//! the disease × country in the store in the 30 days before), jumps in reported figures, and the
//! event's relevance.

use std::collections::BTreeMap;

use epiwire_signal::{RelevanceInput, Subject};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::backend::EventBackend;
use crate::summary::Context;
use crate::{Error, EventSummary, Result, Signal};

/// (disease id, ISO2 country, day `YYYY-MM-DD`).
pub(crate) type VolumeKey = (String, String, String);

/// Days of history read before a day to judge its volume: the Farrington-style baseline needs
/// 35 days (28 + a 7-day guard), EARS 10.
const HISTORY_DAYS: i64 = 60;

/// Signals of the last days of an event that count for its relevance.
const RECENT_SIGNAL_DAYS: i64 = 7;

fn backend<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::Backend(Box::new(e))
}

/// `day` shifted by `days` (negative: earlier), as `YYYY-MM-DD`; `None` when it does not parse.
pub(crate) fn day_offset(day: &str, days: i64) -> Option<String> {
    let d: Date = day.parse().ok()?;
    d.checked_add(days.days()).ok().map(|d| d.to_string())
}

fn days_between(a: &str, b: &str) -> Option<i64> {
    use epiwire_cluster::features::day_number;
    Some(day_number(b)? - day_number(a)?)
}

/// Volume signals for every disease × country × day this batch added documents to, judged on
/// the stored daily counts plus this batch's (EARS C1, C2, C3 and Farrington-style, with
/// `epiwire_signal`'s documented defaults).
pub(crate) fn volume_signals<B: EventBackend>(
    store: &B,
    added: &BTreeMap<VolumeKey, u32>,
    names: &BTreeMap<String, String>,
) -> Result<Vec<Signal>> {
    let mut by_pair: BTreeMap<(&str, &str), Vec<(&str, u32)>> = BTreeMap::new();
    for ((d, c, day), n) in added {
        by_pair
            .entry((d.as_str(), c.as_str()))
            .or_default()
            .push((day.as_str(), *n));
    }
    let mut out = Vec::new();
    for ((disease, country), days) in by_pair {
        let subject = Subject::new(
            Some(disease),
            names.get(disease).map(String::as_str),
            Some(country),
        );
        // Each day is judged on the HISTORY_DAYS before it, so days further apart than that
        // are judged on separate windows: the cost follows the days a batch touches, not the
        // span between them (a batch of old and new reports would otherwise run the detectors
        // over every day of the years between).
        let mut start = 0;
        for end in 1..=days.len() {
            let split = end == days.len()
                || days_between(days[end - 1].0, days[end].0).is_none_or(|d| d > HISTORY_DAYS);
            if split {
                out.extend(window_signals(
                    store,
                    disease,
                    country,
                    &days[start..end],
                    &subject,
                )?);
                start = end;
            }
        }
    }
    Ok(out)
}

/// Volume signals of the given days (sorted, within HISTORY_DAYS of each other) of one disease
/// × country, judged on the stored daily counts from HISTORY_DAYS before the first plus the
/// batch's.
fn window_signals<B: EventBackend>(
    store: &B,
    disease: &str,
    country: &str,
    days: &[(&str, u32)],
    subject: &Subject,
) -> Result<Vec<Signal>> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Vec::new());
    };
    let Some(from) = day_offset(first.0, -HISTORY_DAYS) else {
        return Ok(Vec::new());
    };
    let mut counts: BTreeMap<String, u32> = store
        .volume(disease, country, &from, last.0)
        .map_err(backend)?
        .into_iter()
        .collect();
    for (day, n) in days {
        *counts.entry((*day).to_string()).or_insert(0) += n;
    }
    let series: Vec<(String, u32)> = counts.into_iter().collect();
    // Only the batch's days are judged (each on the days before it), not the whole window.
    let judged: Vec<&str> = days.iter().map(|(d, _)| *d).collect();
    // A series the detectors refuse (bad day) raises nothing; say so.
    let found = match epiwire_signal::detect_on(&series, subject, &judged) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("volume signals of {disease} in {country}: {e}");
            return Ok(Vec::new());
        }
    };
    Ok(found
        .into_iter()
        .filter(|s| days.iter().any(|(d, _)| *d == s.date))
        .collect())
}

/// The event's own signals (new event, its `jumps`), the volume signals of its main disease ×
/// country while it ran, and its relevance (with its `deaths` and independent `outlets`).
pub(crate) fn event_signals<B: EventBackend>(
    ctx: &Context<'_, B>,
    summary: &EventSummary,
    jumps: Vec<Signal>,
    deaths: f64,
    outlets: usize,
) -> Result<(Vec<Signal>, f64)> {
    let mut signals: Vec<Signal> = Vec::new();
    let disease = summary.diseases.first();
    let country = summary.countries.first();
    if let (Some(d), Some(c), Some(first)) = (disease, country, summary.first_seen.as_deref()) {
        if let Some(since) = day_offset(first, -ctx.new_event_days) {
            let seen = ctx
                .store
                .seen_between(&d.id, c, &since, first, &summary.id)
                .map_err(backend)?;
            if !seen {
                signals.push(Signal {
                    kind: "new_event".to_string(),
                    date: first.to_string(),
                    disease: Some(d.id.clone()),
                    disease_name: Some(d.name.clone()),
                    country: Some(c.clone()),
                    event: Some(summary.id.clone()),
                    value: 1.0,
                    threshold: ctx.new_event_days as f64,
                    score: 1.0,
                    reason: format!(
                        "first report of {} in {c} for {} days ({first})",
                        d.name, ctx.new_event_days
                    ),
                });
            }
        }
        let last = summary.last_seen.as_deref().unwrap_or(first);
        let mut volume = ctx
            .store
            .volume_signals(&d.id, c, first, last)
            .map_err(backend)?;
        volume.extend(
            ctx.batch_signals
                .iter()
                .filter(|s| {
                    s.disease.as_deref() == Some(d.id.as_str())
                        && s.country.as_deref() == Some(c.as_str())
                        && s.date.as_str() >= first
                        && s.date.as_str() <= last
                })
                .cloned(),
        );
        volume.sort_by(|a, b| (&a.date, &a.kind).cmp(&(&b.date, &b.kind)));
        volume.dedup_by(|a, b| a.date == b.date && a.kind == b.kind);
        signals.extend(volume);
    }
    signals.extend(jumps);
    let diseases: Vec<String> = summary.diseases.iter().map(|d| d.id.clone()).collect();
    // Novelty and recent signals are judged at the event's last report, so that a stored rank
    // does not change with the day it is read.
    let last = summary.last_seen.as_deref();
    let recent: Vec<Signal> = signals
        .iter()
        .filter(|s| {
            last.and_then(|l| days_between(&s.date, l))
                .is_none_or(|d| d <= RECENT_SIGNAL_DAYS)
        })
        .cloned()
        .collect();
    let age_days = match (summary.first_seen.as_deref(), last) {
        (Some(f), Some(l)) => days_between(f, l),
        _ => None,
    };
    let relevance = epiwire_signal::relevance(&RelevanceInput {
        diseases: &diseases,
        deaths,
        age_days,
        outlets,
        signals: &recent,
    });
    Ok((signals, (relevance * 1000.0).round() / 1000.0))
}
