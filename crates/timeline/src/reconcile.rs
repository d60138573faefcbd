//! Reconciling the figures of one event into series, one point per day, and conflicts.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::precision::{Interval, rounding_unit};
use crate::{Figure, format, number};

/// The figures of an event, reconciled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Every figure, ordered by as-of date (undated last), then publication time, then document
    /// and position.
    pub figures: Vec<Figure>,
    /// One series per disease × country (× sub-national place) × metric × scope.
    pub series: Vec<Series>,
    /// What an analyst must look at: disagreements and decreases.
    pub conflicts: Vec<Conflict>,
}

/// A reconciled series: one point per as-of date.
///
/// Country-level figures (the place is the country, or no place below it is known) make the
/// series of the country, with [`Series::place`] null; a figure for a place inside the country
/// (a province, a city) makes a series of its own with [`Series::place`] set, so that a city's
/// count is never read as a contradiction of the national one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Disease id.
    pub disease: Option<String>,
    /// Disease name.
    #[serde(default)]
    pub disease_name: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// GeoNames id of the place inside the country, for a sub-national series; else null.
    #[serde(default)]
    pub place: Option<u64>,
    /// Name of that place.
    #[serde(default)]
    pub place_name: Option<String>,
    /// The metric.
    pub metric: String,
    /// The scope: cumulative and new figures are always in different series.
    pub scope: String,
    /// Points by as-of date, oldest first.
    pub points: Vec<Point>,
}

/// One day of a [`Series`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// ISO date.
    pub as_of: String,
    /// The value kept for the day: that of the most specific source (exact, then bounds, then
    /// "about"; then the finest written precision; then the latest published).
    #[serde(serialize_with = "number::serialize")]
    pub value: f64,
    /// Qualifier of the kept value.
    pub qualifier: String,
    /// The kept value as written (`1.72 million`); null for a derived point.
    #[serde(default)]
    pub text: Option<String>,
    /// Every document giving a figure for this day (the kept one first); for a derived point,
    /// the documents it is derived from.
    pub doc_ids: Vec<String>,
    /// Their outlets, each once.
    #[serde(default)]
    pub outlets: Vec<String>,
    /// True when the day is part of a [`Conflict`].
    pub conflict: bool,
    /// True when no source gives this value: it is computed (a cumulative figure of the day
    /// before plus the new figure of the day), see [`Point::reason`].
    #[serde(default)]
    pub derived: bool,
    /// How a derived value was computed.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Figures an analyst must look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// `disagreement` (sources give incompatible values for the same day) or `decrease` (a
    /// cumulative count lower than an earlier one).
    pub kind: String,
    /// Disease id.
    pub disease: Option<String>,
    /// Disease name.
    #[serde(default)]
    pub disease_name: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// GeoNames id of the sub-national place, when the series is one.
    #[serde(default)]
    pub place: Option<u64>,
    /// The metric.
    pub metric: String,
    /// The scope.
    pub scope: String,
    /// The day of the disagreement, or the later day of a decrease.
    pub as_of: String,
    /// The values in conflict (a decrease: the earlier, then the later).
    #[serde(serialize_with = "number::serialize_vec")]
    pub values: Vec<f64>,
    /// The documents giving them, in the same order.
    pub doc_ids: Vec<String>,
    /// A sentence for the analyst.
    pub reason: String,
}

/// What a [`Series`] is of: disease × country × sub-national place × metric × scope. Keys order
/// as the tuple of their fields, which is the order of [`Timeline::series`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SeriesKey {
    /// Disease id.
    pub disease: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// GeoNames id of the place inside the country; `None` for the country's own series.
    pub place: Option<u64>,
    /// The metric.
    pub metric: String,
    /// The scope.
    pub scope: String,
}

impl SeriesKey {
    /// The series a figure makes a point of; `None` for a figure that makes none (no as-of
    /// date, or the metric `other`).
    pub fn of(f: &Figure) -> Option<SeriesKey> {
        if f.as_of.is_none() || f.metric == "other" {
            return None;
        }
        let place = match f.place_kind.as_deref() {
            Some("country") | None => None,
            Some(_) => f.place,
        };
        Some(SeriesKey {
            disease: f.disease.clone(),
            country: f.country.clone(),
            place,
            metric: f.metric.clone(),
            scope: f.scope.clone(),
        })
    }

    /// The series whose points derived cumulative points depend on: the `new` series for a
    /// `cumulative` one and the other way round; `None` for other scopes.
    pub fn sibling(&self) -> Option<SeriesKey> {
        let scope = match self.scope.as_str() {
            "cumulative" => "new",
            "new" => "cumulative",
            _ => return None,
        };
        Some(SeriesKey {
            scope: scope.to_string(),
            ..self.clone()
        })
    }
}

/// One series reconciled on its own: its figures (in [`sort_figures`] order), its reported
/// points and its conflicts. A timeline is its parts [`combine`]d (which adds the derived
/// cumulative points), so an event's timeline is kept up to date by reconciling again only the
/// parts that new figures touch ([`SeriesPart::add`]); [`reconcile`] is built the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPart {
    /// The series' key.
    pub key: SeriesKey,
    /// Every figure of the series, in [`sort_figures`] order.
    pub figures: Vec<Figure>,
    /// The series with its reported points only (no derived point).
    pub series: Series,
    /// Disagreements and decreases within the series, in the order found.
    pub conflicts: Vec<Conflict>,
}

impl SeriesPart {
    /// Reconciles the figures of one series (each figure's [`SeriesKey::of`] must be `key`; the
    /// others are left out).
    pub fn new(key: SeriesKey, mut figures: Vec<Figure>) -> SeriesPart {
        figures.retain(|f| SeriesKey::of(f).as_ref() == Some(&key));
        sort_figures(&mut figures);
        let (series, conflicts) = reconcile_series(&key, &figures);
        SeriesPart {
            key,
            figures,
            series,
            conflicts,
        }
    }

    /// Adds figures of later documents (or of a merged event) and reconciles the series again:
    /// the result equals [`SeriesPart::new`] over all the figures, the earlier ones first.
    ///
    /// The part's figures are in [`sort_figures`] order already (as [`SeriesPart::new`] and
    /// `add` leave them), so the new ones are sorted alone and merged in, each at the place a
    /// stable sort of the whole would give it (after the earlier figures it ties with): the
    /// cost of ordering follows the new figures, not the size of the series.
    pub fn add(&mut self, figures: impl IntoIterator<Item = Figure>) {
        let key = &self.key;
        let mut new: Vec<Figure> = figures
            .into_iter()
            .filter(|f| SeriesKey::of(f).as_ref() == Some(key))
            .collect();
        sort_figures(&mut new);
        merge_sorted(&mut self.figures, new);
        let (series, conflicts) = reconcile_series(&self.key, &self.figures);
        self.series = series;
        self.conflicts = conflicts;
    }
}

/// Merges `new` (in [`sort_figures`] order) into `figures` (in that order too), as a stable
/// sort of `figures` followed by `new` orders them: each new figure goes after every figure it
/// does not sort before. Finds each place by binary search, so it computes the order keys of
/// O(new × log(figures)) figures.
fn merge_sorted(figures: &mut Vec<Figure>, new: Vec<Figure>) {
    if new.is_empty() {
        return;
    }
    let mut places: Vec<usize> = Vec::with_capacity(new.len());
    let mut from = 0;
    for f in &new {
        let key = published_key(f);
        let upper = figures[from..]
            .partition_point(|old| figure_order(old, published_key(old), f, key).is_le());
        from += upper;
        places.push(from);
    }
    let old = std::mem::take(figures);
    let mut merged = Vec::with_capacity(old.len() + new.len());
    let mut old = old.into_iter();
    let mut taken = 0;
    for (place, f) in places.into_iter().zip(new) {
        merged.extend(old.by_ref().take(place - taken));
        taken = place;
        merged.push(f);
    }
    merged.extend(old);
    *figures = merged;
}

/// Orders figures as [`Timeline::figures`]: by as-of date (undated last), then publication
/// time, then document and position; a stable sort, so ties keep their input order.
///
/// Each figure's publication time is parsed once (not at every comparison).
pub fn sort_figures(figures: &mut [Figure]) {
    if figures.len() < 2 {
        return;
    }
    let keys: Vec<i64> = figures.iter().map(published_key).collect();
    let mut order: Vec<usize> = (0..figures.len()).collect();
    // A stable sort of the positions with the figures' order is the stable sort of the figures.
    order.sort_by(|&i, &j| figure_order(&figures[i], keys[i], &figures[j], keys[j]));
    // Position k takes the figure at order[k]: follow each cycle of the permutation once.
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        if done[start] {
            continue;
        }
        let mut at = start;
        loop {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            figures.swap(at, from);
            at = from;
        }
    }
}

/// The order of [`sort_figures`], given each figure's [`published_key`].
fn figure_order(a: &Figure, a_published: i64, b: &Figure, b_published: i64) -> Ordering {
    (a.as_of.is_none(), &a.as_of)
        .cmp(&(b.as_of.is_none(), &b.as_of))
        .then(a_published.cmp(&b_published))
        .then(a.doc_id.cmp(&b.doc_id))
        .then(a.span.start.cmp(&b.span.start))
}

/// The series and conflicts of a timeline from its parts: the parts' series in key order with
/// the derived cumulative points added (a cumulative series needs its `new` sibling among the
/// parts for those), and every part's conflicts ordered by day, disease, country and metric.
/// Over a subset of an event's parts it gives the same series for every part whose sibling is
/// in the subset.
pub fn combine<'a>(
    parts: impl IntoIterator<Item = &'a SeriesPart>,
) -> (Vec<Series>, Vec<Conflict>) {
    let mut parts: Vec<&SeriesPart> = parts.into_iter().collect();
    parts.sort_by(|a, b| a.key.cmp(&b.key));
    let mut series: Vec<Series> = parts.iter().map(|p| p.series.clone()).collect();
    derive_cumulative(&mut series);
    let mut conflicts: Vec<Conflict> = parts
        .iter()
        .flat_map(|p| p.conflicts.iter().cloned())
        .collect();
    conflicts.sort_by(|a, b| {
        a.as_of
            .cmp(&b.as_of)
            .then(a.disease.cmp(&b.disease))
            .then(a.country.cmp(&b.country))
            .then(a.metric.cmp(&b.metric))
    });
    (series, conflicts)
}

/// Reconciles the figures of one event (see the crate documentation).
///
/// - Figures without an as-of date are listed but make no point.
/// - Same day, several documents: the most specific figure is kept (exact > more than / at
///   least / at most / range > about), then the finest written precision, then the latest
///   published. For cumulative and new series, figures whose [`Interval`]s do not overlap make
///   a `disagreement` conflict (unless both give a status and the statuses differ: confirmed
///   and suspected counts are different counts) ("1.2 million" vs 1,234,567 overlap; 1.72 million vs 1.6 million
///   do not). Within one document, the largest cumulative value of the day stands for it (a
///   cumulative count only grows), as in the document's facts.
/// - A cumulative point whose interval lies wholly below that of the highest earlier point of
///   the last [`DECREASE_WINDOW_DAYS`] days makes a `decrease` conflict (again unless both
///   give different statuses).
/// - A new figure is never added into a cumulative point. A day with no reported cumulative
///   figure but a cumulative figure the day before and a new figure that day gets a derived
///   point (the sum, marked `derived` with its reason), when the qualifiers allow a sum (exact
///   with exact, bounds from below with bounds from below or exact, "about" with exact or
///   "about").
///
/// The timeline is the [`combine`]d [`SeriesPart`]s of the figures, so that an event can keep
/// its parts and reconcile again only those new figures touch.
pub fn reconcile(figures: &[Figure]) -> Timeline {
    let mut ordered: Vec<Figure> = figures.to_vec();
    sort_figures(&mut ordered);
    let mut groups: BTreeMap<SeriesKey, Vec<&Figure>> = BTreeMap::new();
    for f in &ordered {
        if let Some(k) = SeriesKey::of(f) {
            groups.entry(k).or_default().push(f);
        }
    }
    let parts: Vec<SeriesPart> = groups
        .into_iter()
        .map(|(key, figs)| {
            let figures: Vec<Figure> = figs.into_iter().cloned().collect();
            let (series, conflicts) = reconcile_series(&key, &figures);
            SeriesPart {
                key,
                figures,
                series,
                conflicts,
            }
        })
        .collect();
    let (series, conflicts) = combine(&parts);
    Timeline {
        figures: ordered,
        series,
        conflicts,
    }
}

/// The reported points and the conflicts of one series from its figures (sorted).
fn reconcile_series(k: &SeriesKey, figures: &[Figure]) -> (Series, Vec<Conflict>) {
    let mut days: BTreeMap<&str, Vec<Ranked<'_>>> = BTreeMap::new();
    for f in figures {
        if let Some(as_of) = f.as_of.as_deref() {
            days.entry(as_of).or_default().push(Ranked::of(f));
        }
    }
    let names = Names::of(k, days.values().flatten().map(|r| r.figure));
    let mut conflicts = Vec::new();
    let mut points = Vec::new();
    // The kept figures with their rounding units (read once per figure, in `Ranked::of`).
    let mut kept: Vec<Ranked<'_>> = Vec::new();
    for (as_of, figs) in &days {
        let ranked = representatives(figs, &k.scope);
        let Some(kept_one) = ranked.first().copied() else {
            continue;
        };
        let best = kept_one.figure;
        let reps: Vec<&Figure> = ranked.iter().map(|r| r.figure).collect();
        let mut conflict = false;
        if (k.scope == "cumulative" || k.scope == "new") && disagree(&ranked) {
            conflict = true;
            conflicts.push(disagreement(k, &names, as_of, &reps));
        }
        points.push(Point {
            as_of: (*as_of).to_string(),
            value: best.value,
            qualifier: best.qualifier.clone(),
            text: Some(best.span.text.clone()),
            doc_ids: reps.iter().map(|f| f.doc_id.clone()).collect(),
            outlets: outlets(&reps),
            conflict,
            derived: false,
            reason: None,
        });
        kept.push(kept_one);
    }
    if k.scope == "cumulative" {
        decreases(k, &names, &kept, &mut points, &mut conflicts);
    }
    let series = Series {
        disease: k.disease.clone(),
        disease_name: names.disease_name.clone(),
        country: k.country.clone(),
        place: k.place,
        place_name: k.place.and(names.sub_place.clone()),
        metric: k.metric.clone(),
        scope: k.scope.clone(),
        points,
    };
    (series, conflicts)
}

/// Seconds since the epoch of the publication time, for ordering (undated last).
///
/// A bare `YYYY-MM-DD` day, what almost every figure carries, is read by [`day_key`]: it is no
/// time stamp, and its midnight in UTC is a whole number of days since the epoch (the general
/// path below failed to read it as a time stamp, read it as a date, then placed that date in
/// the UTC zone: a third of the cost of reconciling a series).
fn published_key(f: &Figure) -> i64 {
    f.published.as_deref().map_or(i64::MAX, published_text_key)
}

/// [`published_key`] of a publication time written out.
fn published_text_key(p: &str) -> i64 {
    day_key(p).unwrap_or_else(|| published_key_of(p))
}

/// [`published_key`] of a publication time that [`day_key`] does not read.
fn published_key_of(p: &str) -> i64 {
    if let Ok(ts) = p.parse::<jiff::Timestamp>() {
        return ts.as_second();
    }
    crate::parse_date(p)
        .ok()
        .and_then(|d| d.at(0, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map_or(i64::MAX, |z| z.timestamp().as_second())
}

/// [`published_key_of`] of a text that is exactly a day `YYYY-MM-DD` of the years 0001 to
/// 9998 (ASCII digits): the seconds since the epoch of its midnight in UTC, or `i64::MAX` for
/// a day that is no calendar day (month 13, February 30), as that path gives. `None` for any
/// other text, and for the years whose midnight may fall outside jiff's time stamps (its range
/// stops a day short of the civil one at each end).
fn day_key(p: &str) -> Option<i64> {
    let b = p.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut digits = [0i64; 8];
    for (slot, &c) in digits
        .iter_mut()
        .zip(b[..4].iter().chain(&b[5..7]).chain(&b[8..]))
    {
        if !c.is_ascii_digit() {
            return None;
        }
        *slot = i64::from(c - b'0');
    }
    let [y0, y1, y2, y3, m0, m1, d0, d1] = digits;
    let (year, month, day) = (
        y0 * 1000 + y1 * 100 + y2 * 10 + y3,
        m0 * 10 + m1,
        d0 * 10 + d1,
    );
    if !(1..=9998).contains(&year) {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Some(i64::MAX),
    };
    if !(1..=days_in_month).contains(&day) {
        return Some(i64::MAX);
    }
    Some(epiwire_model::days_from_civil(year, month, day) * 86_400)
}

/// Names for reasons: disease, the place of the series.
#[derive(Debug)]
struct Names {
    disease_name: Option<String>,
    disease: String,
    place: String,
    sub_place: Option<String>,
}

impl Names {
    fn of<'a>(k: &SeriesKey, figs: impl Iterator<Item = &'a Figure> + Clone) -> Names {
        let disease_name = figs.clone().find_map(|f| f.disease_name.clone());
        let disease = disease_name
            .clone()
            .or_else(|| k.disease.clone())
            .unwrap_or_else(|| "an unnamed disease".to_string());
        let sub_place = k
            .place
            .and_then(|id| figs.clone().find(|f| f.place == Some(id)))
            .and_then(|f| f.place_name.clone());
        let country_name = figs
            .clone()
            .find(|f| f.place_kind.as_deref() == Some("country"))
            .and_then(|f| f.place_name.clone());
        let place = match (&sub_place, &country_name, &k.country) {
            (Some(s), _, Some(c)) => format!("{s} ({c})"),
            (Some(s), _, None) => s.clone(),
            (None, Some(n), _) => n.clone(),
            (None, None, Some(c)) => c.clone(),
            (None, None, None) => "an unnamed place".to_string(),
        };
        Names {
            disease_name,
            disease,
            place,
            sub_place,
        }
    }
}

/// How specific a qualifier is (higher is better): exact > bounds and ranges > about.
fn specificity(q: &str) -> u8 {
    match q {
        "exact" => 3,
        "more_than" | "at_least" | "at_most" | "less_than" | "range" => 2,
        "approximate" => 1,
        _ => 0,
    }
}

/// A figure with what [`better`] compares it by, computed once.
#[derive(Clone, Copy)]
struct Ranked<'a> {
    figure: &'a Figure,
    specificity: u8,
    unit: f64,
    published: i64,
}

impl<'a> Ranked<'a> {
    fn of(figure: &'a Figure) -> Ranked<'a> {
        Ranked {
            figure,
            specificity: specificity(&figure.qualifier),
            unit: rounding_unit(&figure.span.text, figure.value),
            published: published_key(figure),
        }
    }
}

/// Ordering of candidates for a day, best first: the most specific qualifier, then the finest
/// rounding unit, then the latest published, then the largest value.
fn better(a: &Ranked<'_>, b: &Ranked<'_>) -> Ordering {
    b.specificity
        .cmp(&a.specificity)
        .then(a.unit.total_cmp(&b.unit))
        .then(b.published.cmp(&a.published))
        .then(b.figure.value.total_cmp(&a.figure.value))
}

/// One figure per document for a day, best first. Within a document the largest cumulative
/// value stands for it; for other scopes the most specific.
fn representatives<'a>(figs: &[Ranked<'a>], scope: &str) -> Vec<Ranked<'a>> {
    let mut per_doc: BTreeMap<&str, Ranked<'a>> = BTreeMap::new();
    for f in figs {
        let slot = per_doc.entry(f.figure.doc_id.as_str()).or_insert(*f);
        let replace = if scope == "cumulative" {
            match f.figure.value.total_cmp(&slot.figure.value) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => better(f, slot).is_lt(),
            }
        } else {
            better(f, slot).is_lt()
        };
        if replace {
            *slot = *f;
        }
    }
    let mut reps: Vec<Ranked<'a>> = per_doc.into_values().collect();
    reps.sort_by(better);
    reps
}

/// True when two figures count the same thing: their statuses are equal or one is not given
/// (confirmed and suspected counts of a day differ without contradicting each other).
fn comparable(a: &Figure, b: &Figure) -> bool {
    match (&a.status, &b.status) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// True when two comparable figures of the day are incompatible.
fn disagree(reps: &[Ranked<'_>]) -> bool {
    let iv: Vec<Interval> = reps
        .iter()
        .map(|r| Interval::with_unit(r.figure, r.unit))
        .collect();
    iv.iter().enumerate().any(|(i, a)| {
        iv.iter()
            .enumerate()
            .skip(i + 1)
            .any(|(j, b)| comparable(reps[i].figure, reps[j].figure) && !a.overlaps(b))
    })
}

fn source(f: &Figure) -> String {
    f.outlet.clone().unwrap_or_else(|| f.doc_id.clone())
}

fn outlets(figs: &[&Figure]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    figs.iter()
        .filter_map(|f| f.outlet.clone())
        .filter(|o| seen.insert(o.clone()))
        .collect()
}

fn said(f: &Figure) -> String {
    format::figure(&f.qualifier, f.value, f.min, f.max)
}

fn disagreement(k: &SeriesKey, names: &Names, as_of: &str, reps: &[&Figure]) -> Conflict {
    let listed: Vec<String> = reps
        .iter()
        .map(|f| format!("{} ({})", said(f), source(f)))
        .collect();
    let reason = format!(
        "{} sources give different {} {} of {} in {} for {}: {}",
        format::how_many(reps.len()),
        k.scope,
        k.metric,
        names.disease,
        names.place,
        format::date(as_of),
        listed.join(" vs "),
    );
    Conflict {
        kind: "disagreement".to_string(),
        disease: k.disease.clone(),
        disease_name: names.disease_name.clone(),
        country: k.country.clone(),
        place: k.place,
        metric: k.metric.clone(),
        scope: k.scope.clone(),
        as_of: as_of.to_string(),
        values: reps.iter().map(|f| f.value).collect(),
        doc_ids: reps.iter().map(|f| f.doc_id.clone()).collect(),
        reason,
    }
}

/// How far back a cumulative count is held against later ones: a count that restarts after
/// more than this many days is read as the count of a new outbreak or season (WHO reports of
/// meningitis in Burkina Faso restart every dry season), not as a contradiction.
pub const DECREASE_WINDOW_DAYS: i32 = 90;

/// Flags cumulative points lower than the highest comparable point of the last
/// [`DECREASE_WINDOW_DAYS`] days.
///
/// The intervals and the days of the kept figures are computed once: the search for each
/// point's peak read them again for every earlier point (a rounding unit from the text, a
/// date difference), quadratic in the points of a series.
fn decreases(
    k: &SeriesKey,
    names: &Names,
    ranked: &[Ranked<'_>],
    points: &mut [Point],
    conflicts: &mut Vec<Conflict>,
) {
    let kept: Vec<&Figure> = ranked.iter().map(|r| r.figure).collect();
    let iv: Vec<Interval> = ranked
        .iter()
        .map(|r| Interval::with_unit(r.figure, r.unit))
        .collect();
    // Days since the epoch: their differences are the days `Date - Date` counts.
    let days: Vec<Option<i64>> = points
        .iter()
        .map(|p| {
            crate::parse_date(&p.as_of).ok().map(|d| {
                epiwire_model::days_from_civil(
                    i64::from(d.year()),
                    i64::from(d.month()),
                    i64::from(d.day()),
                )
            })
        })
        .collect();
    let day = |i: usize| days[i];
    let mut flagged = vec![false; kept.len()];
    for i in 0..kept.len() {
        let cur = iv[i];
        let Some(today) = day(i) else { continue };
        // The highest comparable, unflagged point of the last DECREASE_WINDOW_DAYS days.
        let peak = (0..i)
            .filter(|&j| !flagged[j] && comparable(kept[j], kept[i]))
            .filter(|&j| day(j).is_some_and(|d| today - d <= i64::from(DECREASE_WINDOW_DAYS)))
            .fold(None, |best: Option<usize>, j| match best {
                Some(b) if iv[b].lo >= iv[j].lo => Some(b),
                _ => Some(j),
            });
        let Some(p) = peak else { continue };
        let top = iv[p];
        if cur.overlaps(&top) || cur.hi >= top.lo {
            continue;
        }
        let (a, b) = (kept[p], kept[i]);
        let reason = format!(
            "cumulative {} of {} in {} go down from {} on {} ({}) to {} on {} ({}); \
             a cumulative count cannot fall, so one figure is wrong, or the later one \
             counts something narrower (confirmed only, one region)",
            k.metric,
            names.disease,
            names.place,
            said(a),
            format::date(&points[p].as_of),
            source(a),
            said(b),
            format::date(&points[i].as_of),
            source(b),
        );
        conflicts.push(Conflict {
            kind: "decrease".to_string(),
            disease: k.disease.clone(),
            disease_name: names.disease_name.clone(),
            country: k.country.clone(),
            place: k.place,
            metric: k.metric.clone(),
            scope: k.scope.clone(),
            as_of: points[i].as_of.clone(),
            values: vec![a.value, b.value],
            doc_ids: vec![a.doc_id.clone(), b.doc_id.clone()],
            reason,
        });
        points[i].conflict = true;
        points[p].conflict = true;
        flagged[i] = true;
    }
}

/// The qualifier of a sum, or `None` when the two cannot be added.
fn sum_qualifier(cumulative: &str, new: &str) -> Option<&'static str> {
    let lower = |q: &str| matches!(q, "more_than" | "at_least");
    match (cumulative, new) {
        ("exact", "exact") => Some("exact"),
        (c, n) if (lower(c) || c == "exact") && (lower(n) || n == "exact") => {
            if c == "more_than" || n == "more_than" {
                Some("more_than")
            } else {
                Some("at_least")
            }
        }
        ("approximate" | "exact", "approximate" | "exact") => Some("approximate"),
        _ => None,
    }
}

/// Adds derived cumulative points (see [`reconcile`]).
fn derive_cumulative(series: &mut [Series]) {
    let mut additions: Vec<(usize, Point)> = Vec::new();
    for (ci, cum) in series.iter().enumerate() {
        if cum.scope != "cumulative" {
            continue;
        }
        let Some(new) = series.iter().find(|s| {
            s.scope == "new"
                && s.disease == cum.disease
                && s.country == cum.country
                && s.place == cum.place
                && s.metric == cum.metric
        }) else {
            continue;
        };
        for np in &new.points {
            let Ok(day) = crate::parse_date(&np.as_of) else {
                continue;
            };
            let Ok(before) = day.yesterday() else {
                continue;
            };
            let before = before.to_string();
            if cum.points.iter().any(|p| p.as_of == np.as_of) {
                continue;
            }
            let Some(prev) = cum.points.iter().find(|p| p.as_of == before && !p.derived) else {
                continue;
            };
            let Some(q) = sum_qualifier(&prev.qualifier, &np.qualifier) else {
                continue;
            };
            let value = prev.value + np.value;
            let reason = format!(
                "derived: {} cumulative {} on {} ({}) plus {} new on {} ({}); no source gives \
                 the cumulative figure for that day",
                format::figure(&prev.qualifier, prev.value, None, None),
                cum.metric,
                format::date(&prev.as_of),
                prev.outlets
                    .first()
                    .or(prev.doc_ids.first())
                    .map_or("", String::as_str),
                format::number(np.value),
                format::date(&np.as_of),
                np.outlets
                    .first()
                    .or(np.doc_ids.first())
                    .map_or("", String::as_str),
            );
            let mut doc_ids = prev.doc_ids.clone();
            doc_ids.extend(
                np.doc_ids
                    .iter()
                    .filter(|d| !prev.doc_ids.contains(d))
                    .cloned(),
            );
            let mut outlets = prev.outlets.clone();
            outlets.extend(
                np.outlets
                    .iter()
                    .filter(|o| !prev.outlets.contains(o))
                    .cloned(),
            );
            additions.push((
                ci,
                Point {
                    as_of: np.as_of.clone(),
                    value,
                    qualifier: q.to_string(),
                    text: None,
                    doc_ids,
                    outlets,
                    conflict: false,
                    derived: true,
                    reason: Some(reason),
                },
            ));
        }
    }
    for (ci, p) in additions {
        if let Some(s) = series.get_mut(ci) {
            s.points.push(p);
            s.points.sort_by(|a, b| a.as_of.cmp(&b.as_of));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use epiwire_model::Span;

    /// Publication times of every kind give the key they gave before the bare days were read
    /// apart: days at the ends of jiff's range, leap days, no days, time stamps, dates with a
    /// tail, non-ASCII digits. [`published_key_of`] is the old path, every text through jiff.
    #[test]
    fn publication_keys_are_those_jiff_gives() {
        for p in [
            "2004-02-06",
            "1970-01-01",
            "1969-12-31",
            "0001-01-01",
            "0000-01-01",
            "0000-12-31",
            "9998-12-31",
            "9999-01-01",
            "9999-12-30",
            "9999-12-31",
            "2000-02-29",
            "1900-02-29",
            "2024-02-29",
            "2023-02-29",
            "2023-02-28",
            "2023-04-31",
            "2023-13-01",
            "2023-00-10",
            "2023-01-00",
            "2023-01-32",
            "2020-06-12T13:49:32+00:00",
            "2020-06-12T13:49:32Z",
            "2020-06-12 13:49",
            "2020-06-12x",
            "2020-6-12",
            "2020/06/12",
            "+2020-06-12",
            "-002020-06-12",
            "２０２０-06-12",
            "",
            "May 2020",
        ] {
            assert_eq!(published_text_key(p), published_key_of(p), "{p:?}");
        }
        assert_eq!(day_key("2004-02-06"), Some(1_076_025_600));
    }

    proptest::proptest! {
        /// Any `DDDD-DD-DD` text and any short text give the key they gave before.
        #[test]
        fn any_day_text_keys_as_before(
            year in 0u32..10_000,
            month in 0u32..100,
            day in 0u32..100,
            other in "[0-9T:+Z .-]{0,26}",
        ) {
            let p = format!("{year:04}-{month:02}-{day:02}");
            proptest::prop_assert_eq!(published_text_key(&p), published_key_of(&p));
            proptest::prop_assert_eq!(published_text_key(&other), published_key_of(&other));
        }
    }

    /// A hand-built figure of COVID-19 in North Korea.
    #[allow(clippy::too_many_arguments)]
    fn fig(
        doc: &str,
        outlet: &str,
        metric: &str,
        scope: &str,
        q: &str,
        text: &str,
        value: f64,
        as_of: &str,
    ) -> Figure {
        Figure {
            doc_id: doc.into(),
            url: Some(format!("https://www.{outlet}/x")),
            outlet: Some(outlet.into()),
            title: None,
            published: Some(format!("{as_of}T12:00:00+00:00")),
            disease: Some("DOID:0080600".into()),
            disease_name: Some("COVID-19".into()),
            place: Some(1_873_107),
            place_name: Some("North Korea".into()),
            place_kind: Some("country".into()),
            country: Some("KP".into()),
            metric: metric.into(),
            scope: scope.into(),
            qualifier: q.into(),
            value,
            min: None,
            max: None,
            status: None,
            as_of: Some(as_of.into()),
            as_of_source: Some("text".into()),
            headline: true,
            span: Span {
                start: 0,
                end: text.chars().count(),
                text: text.into(),
            },
            evidence: Span {
                start: 0,
                end: 0,
                text: String::new(),
            },
        }
    }

    fn series<'a>(t: &'a Timeline, metric: &str, scope: &str) -> &'a Series {
        t.series
            .iter()
            .find(|s| s.metric == metric && s.scope == scope)
            .unwrap_or_else(|| panic!("no {metric}/{scope} series in {:#?}", t.series))
    }

    #[test]
    fn disagreement_beyond_rounding_is_a_conflict() {
        let t = reconcile(&[
            fig(
                "a",
                "voi.id",
                "cases",
                "cumulative",
                "more_than",
                "1.72 million",
                1_720_000.0,
                "2022-05-18",
            ),
            fig(
                "b",
                "x.com",
                "cases",
                "cumulative",
                "more_than",
                "1.6 million",
                1_600_000.0,
                "2022-05-18",
            ),
        ]);
        assert_eq!(t.conflicts.len(), 1, "{:#?}", t.conflicts);
        let c = &t.conflicts[0];
        assert_eq!(c.kind, "disagreement");
        assert_eq!(c.values, vec![1_720_000.0, 1_600_000.0]);
        assert_eq!(c.doc_ids, vec!["a", "b"]);
        assert_eq!(
            c.reason,
            "two sources give different cumulative cases of COVID-19 in North Korea for \
             18 May 2022: more than 1,720,000 (voi.id) vs more than 1,600,000 (x.com)"
        );
        let s = series(&t, "cases", "cumulative");
        assert_eq!(s.points.len(), 1);
        assert!(s.points[0].conflict);
        assert_eq!(
            s.points[0].value, 1_720_000.0,
            "finer precision wins a tie of qualifiers"
        );
        assert_eq!(s.points[0].doc_ids, vec!["a", "b"]);
    }

    #[test]
    fn rounding_is_not_a_conflict_and_exact_is_kept() {
        let t = reconcile(&[
            fig(
                "a",
                "hani.co.kr",
                "cases",
                "cumulative",
                "more_than",
                "1.2 million",
                1_200_000.0,
                "2022-05-17",
            ),
            fig(
                "b",
                "who.int",
                "cases",
                "cumulative",
                "exact",
                "1,234,567",
                1_234_567.0,
                "2022-05-17",
            ),
            fig(
                "c",
                "bbc.co.uk",
                "cases",
                "cumulative",
                "approximate",
                "about 1.2 million",
                1_200_000.0,
                "2022-05-17",
            ),
        ]);
        assert!(t.conflicts.is_empty(), "{:#?}", t.conflicts);
        let p = &series(&t, "cases", "cumulative").points[0];
        assert_eq!((p.value, p.qualifier.as_str()), (1_234_567.0, "exact"));
        assert_eq!(p.doc_ids, vec!["b", "a", "c"]);
        assert_eq!(p.outlets, vec!["who.int", "hani.co.kr", "bbc.co.uk"]);
        assert!(!p.conflict);
    }

    #[test]
    fn a_falling_cumulative_count_is_a_decrease() {
        let t = reconcile(&[
            fig(
                "a",
                "voi.id",
                "deaths",
                "cumulative",
                "exact",
                "62",
                62.0,
                "2022-05-18",
            ),
            fig(
                "b",
                "x.com",
                "deaths",
                "cumulative",
                "more_than",
                "50",
                50.0,
                "2022-05-19",
            ),
            fig(
                "c",
                "y.org",
                "deaths",
                "cumulative",
                "exact",
                "70",
                70.0,
                "2022-05-20",
            ),
        ]);
        assert_eq!(t.conflicts.len(), 1, "{:#?}", t.conflicts);
        let c = &t.conflicts[0];
        assert_eq!(c.kind, "decrease");
        assert_eq!(c.as_of, "2022-05-19");
        assert_eq!(c.values, vec![62.0, 50.0]);
        assert_eq!(c.doc_ids, vec!["a", "b"]);
        assert!(c.reason.starts_with(
            "cumulative deaths of COVID-19 in North Korea go down from 62 on 18 May 2022 (voi.id) \
             to more than 50 on 19 May 2022 (x.com)"
        ), "{}", c.reason);
        let s = series(&t, "deaths", "cumulative");
        let flags: Vec<bool> = s.points.iter().map(|p| p.conflict).collect();
        assert_eq!(flags, vec![true, true, false]);
    }

    #[test]
    fn a_count_that_restarts_months_later_is_a_new_count() {
        let t = reconcile(&[
            fig(
                "a",
                "who.int",
                "cases",
                "cumulative",
                "exact",
                "12,587",
                12_587.0,
                "2002-05-15",
            ),
            fig(
                "b",
                "who.int",
                "cases",
                "cumulative",
                "exact",
                "3,691",
                3_691.0,
                "2003-03-06",
            ),
        ]);
        assert!(t.conflicts.is_empty(), "{:#?}", t.conflicts);
        let t = reconcile(&[
            fig(
                "a",
                "who.int",
                "cases",
                "cumulative",
                "exact",
                "12,587",
                12_587.0,
                "2002-05-15",
            ),
            fig(
                "b",
                "who.int",
                "cases",
                "cumulative",
                "exact",
                "3,691",
                3_691.0,
                "2002-08-06",
            ),
        ]);
        assert_eq!(t.conflicts.len(), 1, "83 days apart: still a decrease");
    }

    #[test]
    fn new_figures_may_fall_and_are_never_summed_into_cumulative_ones() {
        let t = reconcile(&[
            fig(
                "a",
                "voi.id",
                "cases",
                "new",
                "exact",
                "232,880",
                232_880.0,
                "2022-05-18",
            ),
            fig(
                "b",
                "x.com",
                "cases",
                "new",
                "exact",
                "100,000",
                100_000.0,
                "2022-05-19",
            ),
            fig(
                "a",
                "voi.id",
                "cases",
                "cumulative",
                "more_than",
                "1.72 million",
                1_720_000.0,
                "2022-05-18",
            ),
        ]);
        assert!(t.conflicts.is_empty(), "{:#?}", t.conflicts);
        let new = series(&t, "cases", "new");
        assert_eq!(new.points.len(), 2);
        let cum = series(&t, "cases", "cumulative");
        // 19 May: a derived cumulative (18 May total + 19 May new), marked as such.
        assert_eq!(cum.points.len(), 2);
        assert!(!cum.points[0].derived);
        assert_eq!(cum.points[0].value, 1_720_000.0);
        let d = &cum.points[1];
        assert!(d.derived);
        assert_eq!((d.value, d.qualifier.as_str()), (1_820_000.0, "more_than"));
        assert_eq!(d.text, None);
        assert_eq!(d.doc_ids, vec!["a", "b"]);
        assert_eq!(
            d.reason.as_deref(),
            Some(
                "derived: more than 1,720,000 cumulative cases on 18 May 2022 (voi.id) plus \
                 100,000 new on 19 May 2022 (x.com); no source gives the cumulative figure for \
                 that day"
            )
        );
    }

    #[test]
    fn confirmed_and_suspected_counts_do_not_conflict() {
        let mut confirmed = fig(
            "a",
            "who.int",
            "cases",
            "cumulative",
            "exact",
            "120",
            120.0,
            "2022-05-18",
        );
        confirmed.status = Some("confirmed".into());
        let mut suspected = fig(
            "b",
            "x.com",
            "cases",
            "cumulative",
            "exact",
            "1,540",
            1540.0,
            "2022-05-18",
        );
        suspected.status = Some("suspected".into());
        let mut later = fig(
            "c",
            "y.org",
            "cases",
            "cumulative",
            "exact",
            "130",
            130.0,
            "2022-05-19",
        );
        later.status = Some("confirmed".into());
        let t = reconcile(&[confirmed.clone(), suspected.clone(), later]);
        assert!(t.conflicts.is_empty(), "{:#?}", t.conflicts);
        // Without statuses the same figures disagree.
        confirmed.status = None;
        suspected.status = None;
        assert_eq!(reconcile(&[confirmed, suspected]).conflicts.len(), 1);
    }

    #[test]
    fn same_day_new_figures_that_disagree_conflict_too() {
        let t = reconcile(&[
            fig(
                "a",
                "voi.id",
                "deaths",
                "new",
                "exact",
                "six",
                6.0,
                "2022-05-18",
            ),
            fig(
                "b",
                "x.com",
                "deaths",
                "new",
                "exact",
                "16",
                16.0,
                "2022-05-18",
            ),
        ]);
        assert_eq!(t.conflicts.len(), 1);
        assert_eq!(t.conflicts[0].scope, "new");
    }

    #[test]
    fn a_city_is_its_own_series_and_no_conflict_with_its_country() {
        let mut city = fig(
            "b",
            "x.com",
            "cases",
            "cumulative",
            "exact",
            "500",
            500.0,
            "2022-05-18",
        );
        city.place = Some(1_871_859);
        city.place_name = Some("Pyongyang".into());
        city.place_kind = Some("city".into());
        let t = reconcile(&[
            fig(
                "a",
                "voi.id",
                "cases",
                "cumulative",
                "exact",
                "1,000",
                1000.0,
                "2022-05-18",
            ),
            city,
        ]);
        assert!(t.conflicts.is_empty());
        assert_eq!(t.series.len(), 2);
        let sub = t.series.iter().find(|s| s.place.is_some()).unwrap();
        assert_eq!(sub.place_name.as_deref(), Some("Pyongyang"));
        assert_eq!(sub.country.as_deref(), Some("KP"));
    }

    #[test]
    fn figures_are_ordered_by_as_of_then_publication_and_undated_last() {
        let mut late = fig(
            "a",
            "voi.id",
            "cases",
            "new",
            "exact",
            "1",
            1.0,
            "2022-05-18",
        );
        late.published = Some("2022-05-18T09:00:00+00:00".into());
        let mut early = fig(
            "b",
            "x.com",
            "cases",
            "new",
            "exact",
            "1",
            1.0,
            "2022-05-18",
        );
        early.published = Some("2022-05-18T17:00:00+09:00".into()); // 08:00 UTC
        let mut undated = fig(
            "c",
            "y.org",
            "cases",
            "new",
            "exact",
            "1",
            1.0,
            "2022-05-01",
        );
        undated.as_of = None;
        let first = fig(
            "d",
            "z.org",
            "cases",
            "new",
            "exact",
            "1",
            1.0,
            "2022-05-17",
        );
        let t = reconcile(&[undated, late, early, first]);
        let ids: Vec<&str> = t.figures.iter().map(|f| f.doc_id.as_str()).collect();
        assert_eq!(ids, vec!["d", "b", "a", "c"]);
        assert_eq!(
            series(&t, "cases", "new").points.len(),
            2,
            "the undated figure makes no point"
        );
    }

    #[test]
    fn timeline_serialises_to_the_shared_shape() {
        let t = reconcile(&[
            fig(
                "a",
                "voi.id",
                "cases",
                "cumulative",
                "more_than",
                "1.72 million",
                1_720_000.0,
                "2022-05-18",
            ),
            fig(
                "b",
                "x.com",
                "cases",
                "cumulative",
                "more_than",
                "1.6 million",
                1_600_000.0,
                "2022-05-18",
            ),
        ]);
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(
            v["series"][0]["points"][0]["value"],
            serde_json::json!(1_720_000)
        );
        assert_eq!(v["series"][0]["points"][0]["as_of"], "2022-05-18");
        assert_eq!(
            v["conflicts"][0]["values"],
            serde_json::json!([1_720_000, 1_600_000])
        );
        assert_eq!(v["conflicts"][0]["kind"], "disagreement");
        let back: Timeline = serde_json::from_value(v).unwrap();
        assert_eq!(back, t);
    }

    /// The stable sort by the order of [`sort_figures`] with each publication time parsed at
    /// every comparison (the code before the keyed sort), as the reference.
    fn sorted_by_comparison(figures: &[Figure]) -> Vec<Figure> {
        let mut v = figures.to_vec();
        v.sort_by(|a, b| figure_order(a, published_key(a), b, published_key(b)));
        v
    }

    // The reconciliation of a series as it was before the rounding units were carried from
    // `Ranked::of` and `decreases` read its intervals and days once: the reference.
    fn old_reconcile_series(k: &SeriesKey, figures: &[Figure]) -> (Series, Vec<Conflict>) {
        let mut days: BTreeMap<&str, Vec<Ranked<'_>>> = BTreeMap::new();
        for f in figures {
            if let Some(as_of) = f.as_of.as_deref() {
                days.entry(as_of).or_default().push(Ranked::of(f));
            }
        }
        let names = Names::of(k, days.values().flatten().map(|r| r.figure));
        let mut conflicts = Vec::new();
        let mut points = Vec::new();
        let mut kept: Vec<&Figure> = Vec::new();
        for (as_of, figs) in &days {
            let reps = old_representatives(figs, &k.scope);
            let Some(best) = reps.first().copied() else {
                continue;
            };
            let mut conflict = false;
            if (k.scope == "cumulative" || k.scope == "new") && old_disagree(&reps) {
                conflict = true;
                conflicts.push(disagreement(k, &names, as_of, &reps));
            }
            points.push(Point {
                as_of: (*as_of).to_string(),
                value: best.value,
                qualifier: best.qualifier.clone(),
                text: Some(best.span.text.clone()),
                doc_ids: reps.iter().map(|f| f.doc_id.clone()).collect(),
                outlets: outlets(&reps),
                conflict,
                derived: false,
                reason: None,
            });
            kept.push(best);
        }
        if k.scope == "cumulative" {
            old_decreases(k, &names, &kept, &mut points, &mut conflicts);
        }
        let series = Series {
            disease: k.disease.clone(),
            disease_name: names.disease_name.clone(),
            country: k.country.clone(),
            place: k.place,
            place_name: k.place.and(names.sub_place.clone()),
            metric: k.metric.clone(),
            scope: k.scope.clone(),
            points,
        };
        (series, conflicts)
    }

    fn old_representatives<'a>(figs: &[Ranked<'a>], scope: &str) -> Vec<&'a Figure> {
        let mut per_doc: BTreeMap<&str, Ranked<'a>> = BTreeMap::new();
        for f in figs {
            let slot = per_doc.entry(f.figure.doc_id.as_str()).or_insert(*f);
            let replace = if scope == "cumulative" {
                match f.figure.value.total_cmp(&slot.figure.value) {
                    Ordering::Greater => true,
                    Ordering::Less => false,
                    Ordering::Equal => better(f, slot).is_lt(),
                }
            } else {
                better(f, slot).is_lt()
            };
            if replace {
                *slot = *f;
            }
        }
        let mut reps: Vec<Ranked<'a>> = per_doc.into_values().collect();
        reps.sort_by(better);
        reps.into_iter().map(|r| r.figure).collect()
    }

    fn old_disagree(reps: &[&Figure]) -> bool {
        let iv: Vec<Interval> = reps.iter().map(|f| Interval::of(f)).collect();
        iv.iter().enumerate().any(|(i, a)| {
            iv.iter()
                .enumerate()
                .skip(i + 1)
                .any(|(j, b)| comparable(reps[i], reps[j]) && !a.overlaps(b))
        })
    }

    fn old_decreases(
        k: &SeriesKey,
        names: &Names,
        kept: &[&Figure],
        points: &mut [Point],
        conflicts: &mut Vec<Conflict>,
    ) {
        let days: Vec<Option<jiff::civil::Date>> = points
            .iter()
            .map(|p| crate::parse_date(&p.as_of).ok())
            .collect();
        let day = |i: usize| days[i];
        let mut flagged = vec![false; kept.len()];
        for i in 0..kept.len() {
            let cur = Interval::of(kept[i]);
            let Some(today) = day(i) else { continue };
            // The highest comparable, unflagged point of the last DECREASE_WINDOW_DAYS days.
            let peak = (0..i)
                .filter(|&j| !flagged[j] && comparable(kept[j], kept[i]))
                .filter(|&j| day(j).is_some_and(|d| (today - d).get_days() <= DECREASE_WINDOW_DAYS))
                .fold(None, |best: Option<usize>, j| match best {
                    Some(b) if Interval::of(kept[b]).lo >= Interval::of(kept[j]).lo => Some(b),
                    _ => Some(j),
                });
            let Some(p) = peak else { continue };
            let top = Interval::of(kept[p]);
            if cur.overlaps(&top) || cur.hi >= top.lo {
                continue;
            }
            let (a, b) = (kept[p], kept[i]);
            let reason = format!(
                "cumulative {} of {} in {} go down from {} on {} ({}) to {} on {} ({}); \
                 a cumulative count cannot fall, so one figure is wrong, or the later one \
                 counts something narrower (confirmed only, one region)",
                k.metric,
                names.disease,
                names.place,
                said(a),
                format::date(&points[p].as_of),
                source(a),
                said(b),
                format::date(&points[i].as_of),
                source(b),
            );
            conflicts.push(Conflict {
                kind: "decrease".to_string(),
                disease: k.disease.clone(),
                disease_name: names.disease_name.clone(),
                country: k.country.clone(),
                place: k.place,
                metric: k.metric.clone(),
                scope: k.scope.clone(),
                as_of: points[i].as_of.clone(),
                values: vec![a.value, b.value],
                doc_ids: vec![a.doc_id.clone(), b.doc_id.clone()],
                reason,
            });
            points[i].conflict = true;
            points[p].conflict = true;
            flagged[i] = true;
        }
    }

    /// Figures of one series for reconciling: texts of every precision, every qualifier,
    /// statuses, days over half a year (past the decrease window), a few documents and outlets.
    fn arb_reconciled_figure(
        scope: &'static str,
    ) -> impl proptest::strategy::Strategy<Value = Figure> {
        use proptest::prelude::*;
        let text = prop_oneof![
            Just(None),
            Just(Some("1.2 million")),
            Just(Some("1,200,000")),
            Just(Some("about 50")),
            Just(Some("3.5k")),
            Just(Some("six")),
            Just(Some("1,5")),
            Just(Some("2 Lakh")),
        ];
        let status = prop_oneof![Just(None), Just(Some("confirmed")), Just(Some("suspected"))];
        (
            (0u8..5, 0u8..3, 0usize..7, 0i64..200),
            (text, status, prop_oneof![1.0f64..100.0, 100.0f64..2e6]),
        )
            .prop_map(move |((doc, outlet, q, day), (text, status, value))| {
                let value = if q == 3 { value } else { value.round() };
                let as_of = jiff::civil::date(2022, 1, 1)
                    .checked_add(jiff::Span::new().days(day))
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                let written = text.map_or_else(|| format!("{value}"), str::to_string);
                let mut f = fig(
                    &format!("d{doc}"),
                    ["who.int", "x.com", "voi.id"][usize::from(outlet)],
                    "cases",
                    scope,
                    [
                        "exact",
                        "more_than",
                        "approximate",
                        "at_most",
                        "range",
                        "at_least",
                        "odd",
                    ][q],
                    &written,
                    value,
                    &as_of,
                );
                f.status = status.map(str::to_string);
                if q == 4 {
                    f.min = Some(value / 2.0);
                    f.max = Some(value * 1.5);
                }
                f
            })
    }

    /// A cumulative series that falls within the decrease window and after it, and a day two
    /// sources disagree on: the same points and conflicts as the old reconciliation.
    #[test]
    fn reconciled_series_are_the_old_ones() {
        let f = |doc: &str, v: f64, text: &str, day: &str| {
            fig(doc, "who.int", "cases", "cumulative", "exact", text, v, day)
        };
        let mut figures = vec![
            f("a", 1_200_000.0, "1.2 million", "2022-01-01"),
            f("b", 1_000.0, "1,000", "2022-02-01"),
            f("c", 900.0, "900", "2022-03-01"),
            f("d", 500.0, "500", "2022-06-01"),
            f("e", 400.0, "400", "2022-06-02"),
            f("g", 4_000.0, "4,000", "2022-06-02"),
            f("h", 300.0, "300", "2023-06-02"),
        ];
        sort_figures(&mut figures);
        let k = SeriesKey::of(&figures[0]).unwrap();
        let (new, old) = (
            reconcile_series(&k, &figures),
            old_reconcile_series(&k, &figures),
        );
        assert!(new.1.iter().any(|c| c.kind == "decrease"), "{:#?}", new.1);
        assert!(
            new.1.iter().any(|c| c.kind == "disagreement"),
            "{:#?}",
            new.1
        );
        assert_eq!(new, old);
    }

    proptest::proptest! {
        #[test]
        fn reconciled_series_are_the_old_ones_on_any_figures(
            scope in proptest::prop_oneof![
                proptest::strategy::Just("cumulative"),
                proptest::strategy::Just("new"),
                proptest::strategy::Just("other"),
            ],
            picks in proptest::collection::vec(0usize..1000, 0..40),
            pool in proptest::collection::vec(arb_reconciled_figure("cumulative"), 1..40),
        ) {
            let mut figures: Vec<Figure> = picks
                .iter()
                .map(|i| {
                    let mut f = pool[i % pool.len()].clone();
                    f.scope = scope.to_string();
                    f
                })
                .collect();
            figures.extend(pool.iter().cloned().map(|mut f| {
                f.scope = scope.to_string();
                f
            }));
            sort_figures(&mut figures);
            let k = SeriesKey::of(&figures[0]).unwrap();
            proptest::prop_assert_eq!(
                reconcile_series(&k, &figures),
                old_reconcile_series(&k, &figures)
            );
        }
    }

    fn arb_figure() -> impl proptest::strategy::Strategy<Value = Figure> {
        use proptest::prelude::*;
        let as_of = prop_oneof![
            Just(None),
            Just(Some("2022-05-17".to_string())),
            Just(Some("2022-05-18".to_string())),
            Just(Some("2022-05-20".to_string())),
        ];
        let published = prop_oneof![
            Just(None),
            Just(Some("2022-05-18".to_string())),
            Just(Some("2022-05-18T09:00:00+09:00".to_string())),
            Just(Some("2022-05-18T01:00:00Z".to_string())),
            Just(Some("not a date".to_string())),
        ];
        (as_of, published, 0u8..4, 0usize..3, 0u8..3, 1.0f64..2000.0).prop_map(
            |(as_of, published, doc, start, q, value)| {
                let mut f = fig(
                    &format!("d{doc}"),
                    "who.int",
                    "cases",
                    "cumulative",
                    ["exact", "more_than", "approximate"][usize::from(q)],
                    &format!("{}", value.round()),
                    value.round(),
                    "2022-05-18",
                );
                f.as_of = as_of;
                f.published = published;
                f.span.start = start;
                f
            },
        )
    }

    proptest::proptest! {
        /// The keyed sort gives the order of the comparison sort, ties in input order.
        #[test]
        fn keyed_sort_is_the_comparison_sort(
            figures in proptest::collection::vec(arb_figure(), 0..40)
        ) {
            let mut keyed = figures.clone();
            sort_figures(&mut keyed);
            proptest::prop_assert_eq!(keyed, sorted_by_comparison(&figures));
        }

        /// Adding figures batch by batch (merged into the sorted ones) gives the part of all
        /// the figures at once, the earlier ones first.
        #[test]
        fn adding_in_batches_is_the_part_of_all(
            first in proptest::collection::vec(arb_figure(), 0..30),
            batches in proptest::collection::vec(proptest::collection::vec(arb_figure(), 0..10), 0..5)
        ) {
            let key = SeriesKey::of(&fig("x", "who.int", "cases", "cumulative", "exact", "1", 1.0, "2022-05-18")).unwrap();
            let mut part = SeriesPart::new(key.clone(), first.clone());
            let mut all = first;
            for b in batches {
                all.extend(b.iter().cloned());
                part.add(b);
            }
            let whole = SeriesPart::new(key, all.clone());
            let mut kept: Vec<Figure> = all.into_iter().filter(|f| f.as_of.is_some()).collect();
            kept = sorted_by_comparison(&kept);
            proptest::prop_assert_eq!(&whole.figures, &kept);
            proptest::prop_assert_eq!(part, whole);
        }
    }
}
