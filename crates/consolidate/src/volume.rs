//! Signals of an event and of article volume, from `epiwire_signal`: EARS C1–C3 and the
//! Farrington-style detector on daily documents per disease × country, new events (no document
//! of the disease × country in the store in the 30 days before; a function of the stored
//! documents, not of the batches), jumps in reported figures, and the event's relevance.

use std::collections::{BTreeMap, BTreeSet};

use epiwire_signal::{RelevanceInput, Subject};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::backend::EventBackend;
use crate::summary::Context;
use crate::{Error, EventState, EventSummary, Result, Signal};

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

/// Volume signals of a batch: the days it judged (again) and the signals they raise.
///
/// A day's volume signals are a function of the stored documents, not of the batches they came
/// in: the detectors judge a day on the HISTORY_DAYS before it, so a batch that adds documents
/// to a day judges again the days with documents whose inputs that changes: every one from that
/// day to [`epiwire_signal::lookback_days`] after it (its own count or its baseline changed),
/// and those up to
/// [`REJUDGE_DAYS`] after it whose run now starts elsewhere (a day new to the series can join
/// two runs); what it finds replaces
/// everything those days had ([`crate::Changes::rejudged`]): an alarm raised on a partial day
/// is withdrawn when the full count no longer raises it.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Judged {
    /// The signals of the judged days.
    pub signals: Vec<Signal>,
    /// Every (disease, country, day) judged: its stored volume signals are replaced by those
    /// of `signals` on that day.
    pub rejudged: BTreeSet<VolumeKey>,
    /// The judged days whose signals differ from the stored ones: the events of their disease ×
    /// country that ran on that day carry other volume signals now.
    pub changed: BTreeSet<VolumeKey>,
}

/// A day a batch added documents to: the day, its day number, the documents.
type Added<'a> = (&'a str, i64, u32);

/// Days after a day whose judgement its count enters: the detectors look back at most
/// HISTORY_DAYS, and whether a day's series starts within them (too short a history raises
/// nothing) depends on the HISTORY_DAYS before that.
pub(crate) const REJUDGE_DAYS: i64 = 2 * HISTORY_DAYS;

/// Volume signals for every disease × country × day this batch added documents to, and every
/// day with documents up to the detectors' look-back after one or up to [`REJUDGE_DAYS`] after one when
/// the start of its run moved ([`Judged`]), judged on the stored daily counts plus
/// this batch's (EARS C1, C2, C3 and Farrington-style, with `epiwire_signal`'s documented
/// defaults).
///
/// Each day is judged on the daily counts of its *run*: the days with documents of its disease
/// × country, each within HISTORY_DAYS of the one before, from the first of the run (a day
/// more than HISTORY_DAYS after the previous one starts a run afresh, so a disease × country's
/// first reports after a long silence have no baseline and raise nothing). The detectors look
/// back less than HISTORY_DAYS, so a run that started earlier than that is read from
/// HISTORY_DAYS before the day. This is what one batch of every document gives, and the result
/// does not depend on how the documents are split into batches.
pub(crate) fn volume_signals<B: EventBackend>(
    store: &B,
    added: &BTreeMap<VolumeKey, u32>,
    names: &BTreeMap<String, String>,
) -> Result<Judged> {
    use epiwire_cluster::features::day_number;
    let mut by_pair: BTreeMap<(&str, &str), Vec<Added<'_>>> = BTreeMap::new();
    for ((d, c, day), n) in added {
        // A day that is no day raises nothing (the detectors refuse it).
        let Some(num) = day_number(day) else { continue };
        by_pair
            .entry((d.as_str(), c.as_str()))
            .or_default()
            .push((day.as_str(), num, *n));
    }
    let mut out = Judged::default();
    for ((disease, country), days) in by_pair {
        let subject = Subject::new(
            Some(disease),
            names.get(disease).map(String::as_str),
            Some(country),
        );
        // Days further apart than the span a day's judgement reads are judged on separate
        // windows: the cost follows the days a batch touches, not the span between them.
        let mut start = 0;
        for end in 1..=days.len() {
            if end == days.len() || days[end].1 - days[end - 1].1 > 2 * REJUDGE_DAYS {
                window_signals(
                    store,
                    disease,
                    country,
                    &days[start..end],
                    &subject,
                    &mut out,
                )?;
                start = end;
            }
        }
    }
    Ok(out)
}

/// Judges again the days of one disease × country that the batch's `added` days (sorted,
/// within 2 × REJUDGE_DAYS of each other) change: reads the stored counts from REJUDGE_DAYS
/// before the first to REJUDGE_DAYS after the last, adds the batch's, and judges each day with
/// documents in `[added, added + REJUDGE_DAYS]` on its run (see [`volume_signals`]).
fn window_signals<B: EventBackend>(
    store: &B,
    disease: &str,
    country: &str,
    added: &[Added<'_>],
    subject: &Subject,
    out: &mut Judged,
) -> Result<()> {
    let (Some(first), Some(last)) = (added.first(), added.last()) else {
        return Ok(());
    };
    let (Some(from), Some(to)) = (
        day_offset(first.0, -REJUDGE_DAYS),
        day_offset(last.0, REJUDGE_DAYS),
    ) else {
        return Ok(());
    };
    let stored_counts = store
        .volume(disease, country, &from, &to)
        .map_err(backend)?;
    // The days with documents before the batch (day numbers, in order): a day whose inputs
    // are the same as then keeps its stored judgement.
    let before: Vec<i64> = stored_counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(d, _)| epiwire_cluster::features::day_number(d))
        .collect();
    let mut counts: BTreeMap<String, u32> = stored_counts.into_iter().collect();
    for (day, _, n) in added {
        *counts.entry((*day).to_string()).or_insert(0) += n;
    }
    // The days with documents, with their day numbers.
    let days: Vec<(String, i64, u32)> = counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(d, n)| Some((d.clone(), epiwire_cluster::features::day_number(&d)?, n)))
        .collect();
    let nums: Vec<i64> = days.iter().map(|d| d.1).collect();
    // The days to judge, grouped by where their series starts: the first day of their run
    // (an index in `days`), or None for a run that started HISTORY_DAYS or more before the
    // day (read from `from`, REJUDGE_DAYS before the first added day: the detectors see the
    // same HISTORY_DAYS before each judged day).
    //
    // A day's judgement is a function of the counts of the days up to it that the detectors
    // read ([`epiwire_signal::lookback_days`], 35) and of where its run starts (see
    // [`run_start`]); a day within REJUDGE_DAYS after an added one whose
    // counts and run start are both as before keeps what it has, so it is not judged again
    // (its stored signals are those a judgement now would give). Only a day with documents
    // new to it can move the start of a later run, so most days after the look-back are kept.
    let mut groups: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    // The days before a day its judgement reads (at most HISTORY_DAYS).
    let lookback = i64::try_from(epiwire_signal::lookback_days())
        .unwrap_or(HISTORY_DAYS)
        .min(HISTORY_DAYS);
    let mut next_added = 0;
    for (i, (_, num, _)) in days.iter().enumerate() {
        while next_added < added.len() && added[next_added].1 + REJUDGE_DAYS < *num {
            next_added += 1;
        }
        let near = added
            .get(next_added)
            .is_some_and(|a| a.1 <= *num && *num <= a.1 + REJUDGE_DAYS);
        if !near {
            continue;
        }
        // The day is at least REJUDGE_DAYS after `from`, so the HISTORY_DAYS before every day
        // of the walk are read.
        let start = run_start(&nums, i);
        // The latest added day on or before this one.
        let latest = added.partition_point(|a| a.1 <= *num);
        let counts_changed = latest > 0 && added[latest - 1].1 + lookback >= *num;
        if !counts_changed {
            let was = before
                .binary_search(num)
                .ok()
                .map(|b| run_start(&before, b).map(|s| before[s]));
            if was == Some(start.map(|s| nums[s])) {
                continue;
            }
        }
        groups.entry(start).or_default().push(i);
    }
    if groups.is_empty() {
        return Ok(());
    }
    let mut found: Vec<Signal> = Vec::new();
    for (start, judged) in &groups {
        let Some(&end) = judged.last() else { continue };
        let mut series: Vec<(&str, u32)> = Vec::new();
        let begin = match start {
            Some(s) => *s,
            None => {
                series.push((from.as_str(), 0));
                0
            }
        };
        series.extend(days[begin..=end].iter().map(|(d, _, n)| (d.as_str(), *n)));
        let when: Vec<&str> = judged.iter().map(|&i| days[i].0.as_str()).collect();
        // A series the detectors refuse (bad day) raises nothing; say so.
        match epiwire_signal::detect_on(&series, subject, &when) {
            Ok(s) => found.extend(s.into_iter().filter(|s| when.contains(&s.date.as_str()))),
            Err(e) => tracing::warn!("volume signals of {disease} in {country}: {e}"),
        }
    }
    found.sort_by(|a, b| (&a.date, &a.kind).cmp(&(&b.date, &b.kind)));
    // What the judged days had, to tell the days whose signals changed: read from the first
    // judged day to the last (not the whole window read for the counts, whose signals before
    // the first added day were decoded for nothing).
    let judged_days = groups.values().flatten().map(|&i| days[i].0.as_str());
    let (Some(first_judged), Some(last_judged)) = (judged_days.clone().min(), judged_days.max())
    else {
        return Ok(());
    };
    let stored = store
        .volume_signals(disease, country, first_judged, last_judged)
        .map_err(backend)?;
    for judged in groups.values() {
        for &i in judged {
            let day = days[i].0.as_str();
            let now = found.iter().filter(|s| s.date == day).map(as_stored);
            let before = stored.iter().filter(|s| s.date == day);
            let key = (disease.to_string(), country.to_string(), day.to_string());
            if !now.eq(before.cloned()) {
                out.changed.insert(key.clone());
            }
            out.rejudged.insert(key);
        }
    }
    out.signals.extend(found);
    Ok(())
}

/// Where the run of the day `nums[i]` starts (see [`volume_signals`]), walking back over the
/// days with documents `nums` (day numbers, ascending): the index of its first day, or `None`
/// when the run started HISTORY_DAYS or more before the day. Reads the days back to
/// 2 × HISTORY_DAYS before it.
fn run_start(nums: &[i64], i: usize) -> Option<usize> {
    let num = nums[i];
    let mut s = i;
    loop {
        if s == 0 || nums[s] - nums[s - 1] > HISTORY_DAYS {
            return Some(s);
        }
        if num - nums[s - 1] > HISTORY_DAYS {
            return None;
        }
        s -= 1;
    }
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
    let new = new_event(ctx, summary)?;
    with_volume(ctx, summary, new, jumps, deaths, outlets)
}

/// The `new_event` signal of an event: no document of its main disease × country was published
/// in the `new_event_days` before its first day (the store's daily volume plus the batch's).
///
/// A function of the stored documents and of the event, not of the batches they came in: a
/// later batch that adds a document in those days takes the signal away from an event it does
/// not touch ([`refreshed`]), so it does not matter whether that document came in the event's
/// batch, before it or after it. (It asked whether another *event* of the disease × country in
/// the store was seen in those days, so it depended on which events the store held when the
/// event was last touched: on batch boundaries.) The event's own documents never count: they
/// are published on or after its first day.
fn new_event<B: EventBackend>(
    ctx: &Context<'_, B>,
    summary: &EventSummary,
) -> Result<Option<Signal>> {
    let disease = summary.diseases.first();
    let country = summary.countries.first();
    let (Some(d), Some(c), Some(first)) = (disease, country, summary.first_seen.as_deref()) else {
        return Ok(None);
    };
    let (Some(since), Some(before)) = (
        day_offset(first, -ctx.new_event_days),
        day_offset(first, -1),
    ) else {
        return Ok(None);
    };
    let in_batch = ctx
        .batch_volume
        .range::<VolumeKey, _>((
            std::ops::Bound::Included((d.id.clone(), c.clone(), since.clone())),
            std::ops::Bound::Included((d.id.clone(), c.clone(), before.clone())),
        ))
        .any(|(_, n)| *n > 0);
    let seen = in_batch
        || ctx
            .store
            .volume(&d.id, c, &since, &before)
            .map_err(backend)?
            .iter()
            .any(|(_, n)| *n > 0);
    Ok((!seen).then(|| Signal {
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
    }))
}

/// The signals of an event: its `new_event` signal, the volume signals of its main disease ×
/// country while it ran (those stored on days the batch did not judge again, and the batch's),
/// its `jumps`; and its relevance.
fn with_volume<B: EventBackend>(
    ctx: &Context<'_, B>,
    summary: &EventSummary,
    new: Option<Signal>,
    jumps: Vec<Signal>,
    deaths: f64,
    outlets: usize,
) -> Result<(Vec<Signal>, f64)> {
    let mut signals: Vec<Signal> = Vec::new();
    let disease = summary.diseases.first();
    let country = summary.countries.first();
    if let (Some(d), Some(c), Some(first)) = (disease, country, summary.first_seen.as_deref()) {
        signals.extend(new);
        let last = summary.last_seen.as_deref().unwrap_or(first);
        let mut volume = ctx
            .store
            .volume_signals(&d.id, c, first, last)
            .map_err(backend)?;
        // A day the batch judged again has the batch's signals only: the pair's judged days
        // are read once (a look-up per stored signal built three strings).
        let judged = rejudged_days(ctx.rejudged, &d.id, c);
        if !judged.is_empty() {
            volume.retain(|s| judged.binary_search(&s.date.as_str()).is_err());
        }
        volume.extend(
            ctx.batch_signals
                .iter()
                .filter(|s| {
                    s.disease.as_deref() == Some(d.id.as_str())
                        && s.country.as_deref() == Some(c.as_str())
                        && s.date.as_str() >= first
                        && s.date.as_str() <= last
                })
                .map(as_stored),
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

/// A signal as the store gives it back: the JSON text it is stored as, read again, so that an
/// event carries a batch's volume signal as it carries the stored ones and a day judged again
/// compares its signals with the stored ones as they would be stored.
///
/// Only the floats could change, and serde_json's `float_roundtrip` (the workspace's
/// `Cargo.toml`) reads every finite float back to the bit: such a signal is its own stored form,
/// and going through the text (two thirds of the cost of the events' volume signals before the
/// strings were dropped) is kept for the others. A float that has no JSON number (NaN, an
/// infinity) is written `null`, which does not read back as a float: the signal is then kept as
/// it is, as when the whole text failed to read back. The tests hold both paths to the text.
fn as_stored(s: &Signal) -> Signal {
    if s.value.is_finite() && s.threshold.is_finite() && s.score.is_finite() {
        return s.clone();
    }
    read_back_floats(s)
}

/// [`as_stored`] through the JSON text of each float.
fn read_back_floats(s: &Signal) -> Signal {
    match (
        read_back(s.value),
        read_back(s.threshold),
        read_back(s.score),
    ) {
        (Some(value), Some(threshold), Some(score)) => Signal {
            value,
            threshold,
            score,
            ..s.clone()
        },
        _ => s.clone(),
    }
}

/// A float through its JSON text.
fn read_back(x: f64) -> Option<f64> {
    serde_json::to_string(&x)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
}

/// The days of `(disease, country)` in the set, in order.
pub(crate) fn rejudged_days<'s>(
    set: &'s BTreeSet<VolumeKey>,
    disease: &str,
    country: &str,
) -> Vec<&'s str> {
    if set.is_empty() {
        return Vec::new();
    }
    set.range::<VolumeKey, _>((
        std::ops::Bound::Included((disease.to_string(), country.to_string(), String::new())),
        std::ops::Bound::Unbounded,
    ))
    .take_while(|(d, c, _)| d == disease && c == country)
    .map(|(_, _, day)| day.as_str())
    .collect()
}

/// The list records of stored events the batch did not touch whose volume signals the batch
/// changed (their main disease × country had a day judged otherwise while they ran), or whose
/// `new_event` signal it takes away (it adds a document of their main disease × country in
/// the `new_event_days` before their first day, see [`new_event`]), with those signals and
/// their relevance again; their other own signals (jumps) stay. `skip` tells the events the
/// batch writes anyway (touched or merged away).
pub(crate) fn refreshed<B: EventBackend>(
    ctx: &Context<'_, B>,
    judged: &Judged,
    skip: impl Fn(&str) -> bool,
    state_of: impl Fn(&str) -> Result<Option<EventState>>,
) -> Result<Vec<EventSummary>> {
    // Events no longer new: their new_event signal is dated within new_event_days after a day
    // the batch adds documents to (one look-up per disease × country over the span).
    let mut not_new: BTreeSet<String> = BTreeSet::new();
    // The days with documents added, in order, per disease × country.
    let mut added: BTreeMap<(&str, &str), Vec<(&str, i64)>> = BTreeMap::new();
    for ((d, c, day), n) in ctx.batch_volume {
        if let (true, Some(num)) = (*n > 0, epiwire_cluster::features::day_number(day)) {
            added.entry((d, c)).or_default().push((day, num));
        }
    }
    for ((d, c), days) in &added {
        let (Some(lo), Some(hi)) = (days.first(), days.last()) else {
            continue;
        };
        let (Some(from), Some(to)) = (day_offset(lo.0, 1), day_offset(hi.0, ctx.new_event_days))
        else {
            continue;
        };
        for (id, date) in ctx
            .store
            .new_event_signals(d, c, &from, &to)
            .map_err(backend)?
        {
            let Some(first) = epiwire_cluster::features::day_number(&date) else {
                continue;
            };
            let hit = days
                .iter()
                .any(|(_, day)| *day < first && first - day <= ctx.new_event_days);
            if hit && !skip(&id) {
                not_new.insert(id);
            }
        }
    }
    // The changed days of each disease × country: one look-up per pair.
    let mut by_pair: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for (d, c, day) in &judged.changed {
        by_pair.entry((d, c)).or_default().push(day);
    }
    let mut found: BTreeSet<String> = not_new.clone();
    for ((d, c), days) in by_pair {
        let (Some(from), Some(to)) = (days.iter().min(), days.iter().max()) else {
            continue;
        };
        for (id, first, last) in ctx.store.events_running(d, c, from, to).map_err(backend)? {
            let ran = days
                .iter()
                .any(|day| first.as_str() <= *day && *day <= last.as_str());
            if ran && !skip(&id) {
                found.insert(id);
            }
        }
    }
    let mut out = Vec::with_capacity(found.len());
    for id in found {
        let Some(mut summary) = ctx.store.summary(&id).map_err(backend)? else {
            continue;
        };
        let Some(state) = state_of(&id)? else {
            continue;
        };
        let new = summary
            .signals
            .iter()
            .find(|s| s.kind == "new_event" && !not_new.contains(&id))
            .cloned();
        let (jumps, deaths) = crate::summary::jumps_and_deaths(&state);
        let (signals, relevance) =
            with_volume(ctx, &summary, new, jumps, deaths, state.outlets.len())?;
        if signals != summary.signals || relevance != summary.relevance {
            summary.signals = signals;
            summary.relevance = relevance;
            out.push(summary);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `as_stored` as it was before the eleventh round: the whole signal through its JSON text.
    fn old_as_stored(s: &Signal) -> Signal {
        serde_json::to_string(s)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_else(|| s.clone())
    }

    /// Equal field by field, the floats to the bit (NaN is not equal to itself).
    fn same(a: &Signal, b: &Signal) -> bool {
        let bits = |s: &Signal| (s.value.to_bits(), s.threshold.to_bits(), s.score.to_bits());
        let text = |s: &Signal| {
            (
                s.kind.clone(),
                s.date.clone(),
                s.disease.clone(),
                s.disease_name.clone(),
                s.country.clone(),
                s.event.clone(),
                s.reason.clone(),
            )
        };
        bits(a) == bits(b) && text(a) == text(b)
    }

    fn signal(value: f64, threshold: f64, score: f64, reason: &str) -> Signal {
        Signal {
            kind: "farrington".to_string(),
            date: "2020-01-02".to_string(),
            disease: Some("cholera".to_string()),
            disease_name: None,
            country: Some("HT".to_string()),
            event: None,
            value,
            threshold,
            score,
            reason: reason.to_string(),
        }
    }

    #[test]
    fn stored_signals_are_those_the_whole_text_gave() {
        let floats = [
            0.0,
            -0.0,
            1.0 / 3.0,
            0.1 + 0.2,
            f64::MIN_POSITIVE / 3.0,
            f64::MAX,
            f64::EPSILON,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for v in floats {
            for t in floats {
                let s = signal(v, t, 0.5, "a \"quoted\"\n reason \u{1}");
                assert!(same(&as_stored(&s), &old_as_stored(&s)), "{v} {t}");
            }
        }
    }

    /// Finite floats read back to the bit (serde_json's `float_roundtrip`): what lets
    /// [`as_stored`] skip the text.
    #[test]
    fn finite_floats_read_back_as_themselves() {
        let floats = [
            0.0,
            -0.0,
            1.0 / 3.0,
            0.1 + 0.2,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 3.0,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            1e300,
            2.5e-8,
            123_456_789.123_456_79,
            3.090_232_306_167_813,
        ];
        for x in floats {
            assert_eq!(read_back(x).map(f64::to_bits), Some(x.to_bits()), "{x}");
            let s = signal(x, -x, x / 7.0, "r");
            assert!(same(&as_stored(&s), &read_back_floats(&s)), "{x}");
        }
    }

    /// Whether `(disease, country, day)` is in the set: the look-up per stored signal that
    /// [`rejudged_days`] replaced.
    fn old_rejudged(set: &BTreeSet<VolumeKey>, disease: &str, country: &str, day: &str) -> bool {
        if set.is_empty() {
            return false;
        }
        set.range::<VolumeKey, _>((
            std::ops::Bound::Included((disease.to_string(), country.to_string(), day.to_string())),
            std::ops::Bound::Unbounded,
        ))
        .next()
        .is_some_and(|(d, c, t)| d == disease && c == country && t == day)
    }

    /// The stored signals' days `with_volume` keeps, by the old look-up and the new.
    fn kept_both_ways(
        set: &BTreeSet<VolumeKey>,
        d: &str,
        c: &str,
        days: &[String],
    ) -> (Vec<String>, Vec<String>) {
        let old: Vec<String> = days
            .iter()
            .filter(|day| !old_rejudged(set, d, c, day))
            .cloned()
            .collect();
        let judged = rejudged_days(set, d, c);
        let new: Vec<String> = days
            .iter()
            .filter(|day| judged.binary_search(&day.as_str()).is_err())
            .cloned()
            .collect();
        (old, new)
    }

    #[test]
    fn rejudged_days_keep_what_the_look_ups_kept() {
        let key = |d: &str, c: &str, t: &str| (d.to_string(), c.to_string(), t.to_string());
        let set: BTreeSet<VolumeKey> = [
            key("cholera", "HT", "2020-01-02"),
            key("cholera", "HT", "2020-01-05"),
            key("cholera", "HTI", "2020-01-03"),
            key("cholera", "H", "2020-01-04"),
            key("cholera2", "HT", "2020-01-06"),
            key("", "", ""),
            key("cholera", "HT", ""),
        ]
        .into_iter()
        .collect();
        let days: Vec<String> = ["", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05"]
            .iter()
            .map(|d| d.to_string())
            .collect();
        for (d, c) in [("cholera", "HT"), ("cholera", "H"), ("", ""), ("x", "HT")] {
            let (old, new) = kept_both_ways(&set, d, c, &days);
            assert_eq!(old, new, "{d} {c}");
        }
        assert_eq!(
            kept_both_ways(&set, "cholera", "HT", &days).1,
            vec!["2020-01-03".to_string(), "2020-01-04".to_string()]
        );
        assert!(rejudged_days(&BTreeSet::new(), "cholera", "HT").is_empty());
    }

    proptest! {
        #[test]
        fn rejudged_days_keep_what_the_look_ups_kept_on_any_set(
            keys in proptest::collection::vec(("[ab]{0,2}", "[AB]{0,2}", "2020-01-0[0-9]"), 0..30),
            d in "[ab]{0,2}",
            c in "[AB]{0,2}",
            days in proptest::collection::vec("2020-01-0[0-9]|", 0..12),
        ) {
            let set: BTreeSet<VolumeKey> = keys.into_iter().collect();
            let (old, new) = kept_both_ways(&set, &d, &c, &days);
            prop_assert_eq!(old, new);
        }

        #[test]
        fn finite_floats_read_back_to_the_bit(
            x in proptest::num::f64::NORMAL
                | proptest::num::f64::SUBNORMAL
                | proptest::num::f64::ZERO
                | proptest::num::f64::NEGATIVE
                | proptest::num::f64::POSITIVE,
        ) {
            prop_assume!(x.is_finite());
            prop_assert_eq!(read_back(x).map(f64::to_bits), Some(x.to_bits()));
        }

        #[test]
        fn stored_signals_are_those_of_each_float_text(
            value in proptest::num::f64::ANY,
            threshold in proptest::num::f64::ANY,
            score in proptest::num::f64::ANY,
        ) {
            let s = signal(value, threshold, score, "r");
            prop_assert!(same(&as_stored(&s), &read_back_floats(&s)));
            prop_assert!(same(&as_stored(&s), &old_as_stored(&s)));
        }

        #[test]
        fn stored_signals_read_back_as_the_whole_text_did(
            value in proptest::num::f64::ANY,
            threshold in proptest::num::f64::ANY,
            score in proptest::num::f64::ANY,
            kind in "\\PC{0,8}",
            reason in "[\\x00-\\x7f]{0,20}|\\PC{0,20}",
            country in proptest::option::of("[A-Z]{2}"),
        ) {
            let mut s = signal(value, threshold, score, &reason);
            s.kind = kind;
            s.country = country;
            prop_assert!(same(&as_stored(&s), &old_as_stored(&s)));
        }
    }
}
