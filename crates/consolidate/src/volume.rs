//! Signals: article volume per disease × country (EARS C1–C3, Farrington-style), new events,
//! jumps in reported figures, and the event's relevance.

use std::collections::BTreeMap;

use epiwire_timeline::Timeline;
use jiff::ToSpan;
use jiff::civil::Date;

use crate::backend::EventBackend;
use crate::summary::Context;
use crate::{Error, EventSummary, Result, Signal};

/// (disease id, ISO2 country, day `YYYY-MM-DD`).
pub(crate) type VolumeKey = (String, String, String);

/// Days of history read before a day to judge its volume (EARS needs 10, Farrington-style
/// baselines more).
const HISTORY_DAYS: i64 = 120;

fn backend<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::Backend(Box::new(e))
}

/// `day` shifted by `days` (negative: earlier), as `YYYY-MM-DD`; `None` when it does not parse.
pub(crate) fn day_offset(day: &str, days: i64) -> Option<String> {
    let d: Date = day.parse().ok()?;
    d.checked_add(days.days()).ok().map(|d| d.to_string())
}

/// Volume signals for every disease × country × day this batch added documents to, judged on
/// the stored daily counts plus this batch's.
pub(crate) fn volume_signals<B: EventBackend>(
    store: &B,
    added: &BTreeMap<VolumeKey, u32>,
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
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            continue;
        };
        let Some(from) = day_offset(first.0, -HISTORY_DAYS) else {
            continue;
        };
        let mut counts: BTreeMap<String, u32> = store
            .volume(disease, country, &from, last.0)
            .map_err(backend)?
            .into_iter()
            .collect();
        for (day, n) in &days {
            *counts.entry((*day).to_string()).or_insert(0) += n;
        }
        let series: Vec<(String, u32)> = counts.into_iter().collect();
        for (day, _) in &days {
            out.extend(crate::signals::volume_signals(
                disease, None, country, &series, day,
            ));
        }
    }
    Ok(out)
}

/// The event's own signals (new event, jumps), the volume signals of its main disease ×
/// country while it ran, and its relevance.
pub(crate) fn event_signals<B: EventBackend>(
    ctx: &Context<'_, B>,
    summary: &EventSummary,
    timeline: &Timeline,
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
                signals.push(crate::signals::new_event(
                    &summary.id,
                    &d.id,
                    &d.name,
                    c,
                    first,
                    ctx.new_event_days,
                ));
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
    let mut jumps = crate::signals::jumps(timeline);
    for j in &mut jumps {
        j.event = Some(summary.id.clone());
    }
    signals.extend(jumps);
    let relevance = crate::signals::relevance(summary, &signals);
    Ok((signals, relevance))
}
