//! Event signals: a disease × country newly reported, and figures that jump.

use std::collections::BTreeMap;

use epiwire_timeline::{Figure, Point, Series, Timeline, format};
use serde::{Deserialize, Serialize};

use crate::series::AsDate;
use crate::{Result, Signal, Subject};

/// One document's sighting of a disease in a country (from its figures, or its disease and
/// place mentions), for [`new_events`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    /// ISO date: the document's publication date (or first-seen date).
    pub date: String,
    /// Disease id.
    pub disease: Option<String>,
    /// Disease name, for reasons.
    pub disease_name: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// The event the document belongs to, when known.
    pub event: Option<String>,
}

/// The sightings of a list of figures, one per document × disease × country (figures without
/// a disease or a country give none). The date is the document's publication date, else the
/// figure's as-of date; figures with neither give none. `event` is copied into each.
pub fn sightings(figures: &[Figure], event: Option<&str>) -> Vec<Sighting> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for f in figures {
        let (Some(disease), Some(country)) = (&f.disease, &f.country) else {
            continue;
        };
        let Some(date) = f
            .published
            .as_deref()
            .and_then(|p| p.get(..10))
            .or(f.as_of.as_deref())
        else {
            continue;
        };
        if !seen.insert((f.doc_id.as_str(), disease.as_str(), country.as_str())) {
            continue;
        }
        out.push(Sighting {
            date: date.to_string(),
            disease: Some(disease.clone()),
            disease_name: f.disease_name.clone(),
            country: Some(country.clone()),
            event: event.map(str::to_string),
        });
    }
    out
}

/// The usual window of [`new_events`]: 30 days.
pub const NEW_EVENT_WINDOW_DAYS: u32 = 30;

/// A `new_event` signal for each day a disease × country is reported after not being reported
/// in the previous `window_days` days ([`NEW_EVENT_WINDOW_DAYS`] is the usual choice), and for its first day in the
/// data. Sightings without both a disease and a country are ignored.
///
/// `value` is the number of sightings that day, `threshold` the window; `score` is 1 for a
/// first sighting, else `0.5 + 0.5·min(1, (gap − N)/N)` for a gap of `gap` days.
///
/// # Errors
/// [`crate::Error::Date`] for a sighting date that does not parse.
pub fn new_events(sightings: &[Sighting], window_days: u32) -> Result<Vec<Signal>> {
    type Day<'a> = (usize, Option<&'a str>, Option<&'a str>);
    let mut by_key: BTreeMap<(&str, &str), BTreeMap<jiff::civil::Date, Day<'_>>> = BTreeMap::new();
    for s in sightings {
        let (Some(d), Some(c)) = (s.disease.as_deref(), s.country.as_deref()) else {
            continue;
        };
        let date = s.date.as_date()?;
        let day = by_key
            .entry((d, c))
            .or_default()
            .entry(date)
            .or_insert((0, None, None));
        day.0 += 1;
        day.1 = day.1.or(s.event.as_deref());
        day.2 = day.2.or(s.disease_name.as_deref());
    }
    let n = f64::from(window_days);
    let mut out = Vec::new();
    for ((disease, country), days) in &by_key {
        let name = days.values().find_map(|d| d.2);
        let mut prev: Option<jiff::civil::Date> = None;
        for (date, (count, event, _)) in days {
            let gap = prev.map(|p| (*date - p).get_days());
            prev = Some(*date);
            let docs = if *count == 1 {
                "1 document".to_string()
            } else {
                format!("{count} documents")
            };
            let what = format!("{} in {}", name.unwrap_or(disease), country);
            let (score, reason) = match gap {
                None => (
                    1.0,
                    format!(
                        "first report of {what} in the data: {docs} on {}",
                        format::date(&date.to_string())
                    ),
                ),
                Some(g) if f64::from(g) > n => (
                    0.5 + 0.5 * ((f64::from(g) - n) / n.max(1.0)).min(1.0),
                    format!(
                        "{what} reported again on {} ({docs}) after {g} days without a report \
                         (more than the {window_days}-day window)",
                        format::date(&date.to_string())
                    ),
                ),
                Some(_) => continue,
            };
            let subject = Subject {
                disease: Some((*disease).to_string()),
                disease_name: name.map(str::to_string),
                country: Some((*country).to_string()),
                event: event.map(str::to_string),
                unit: String::new(),
            };
            out.push(subject.signal("new_event", *date, *count as f64, n, score, reason));
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(out)
}

/// Parameters of [`jumps`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JumpParams {
    /// Relative rise that is a jump: 0.5 means more than +50%. Default 0.5.
    pub min_ratio: f64,
    /// Absolute rise that is a jump, whatever the ratio. Default 1,000.
    pub min_absolute: f64,
    /// Smallest later value for the relative rule, so that 2 → 4 deaths is not a jump by ratio.
    /// Default 10.
    pub min_value: f64,
}

impl Default for JumpParams {
    fn default() -> Self {
        JumpParams {
            min_ratio: 0.5,
            min_absolute: 1000.0,
            min_value: 10.0,
        }
    }
}

/// A `jump` signal wherever a reported cumulative or new figure of the timeline rises, between
/// consecutive as-of dates of its series, by more than `min_ratio` (when the later value is at
/// least `min_value`) or by more than `min_absolute`. Derived points are skipped: only what
/// sources report can jump.
///
/// `value` is the later figure, `threshold` the smallest later figure that would have been a
/// jump; `score` is `1 − 1/(1 + e)` with `e` the larger of (relative rise / `min_ratio`) and
/// (rise / `min_absolute`), so 0.5 at the threshold and towards 1 above it. `event` is copied
/// into every signal.
pub fn jumps(timeline: &Timeline, event: Option<&str>, params: &JumpParams) -> Vec<Signal> {
    let mut out = Vec::new();
    for s in &timeline.series {
        if s.scope != "cumulative" && s.scope != "new" {
            continue;
        }
        let points: Vec<&Point> = s.points.iter().filter(|p| !p.derived).collect();
        for pair in points.windows(2) {
            let [a, b] = pair else { continue };
            if let Some(sig) = jump(s, a, b, event, params) {
                out.push(sig);
            }
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date));
    out
}

fn jump(s: &Series, a: &Point, b: &Point, event: Option<&str>, p: &JumpParams) -> Option<Signal> {
    let rise = b.value - a.value;
    if rise <= 0.0 {
        return None;
    }
    let rel = if a.value > 0.0 {
        rise / a.value
    } else {
        f64::INFINITY
    };
    let by_ratio = b.value >= p.min_value && rel > p.min_ratio;
    let by_absolute = rise > p.min_absolute;
    if !by_ratio && !by_absolute {
        return None;
    }
    let date = epiwire_timeline::parse_date(&b.as_of).ok()?;
    let days = epiwire_timeline::parse_date(&a.as_of)
        .ok()
        .map(|d| (date - d).get_days());
    let threshold = (a.value * (1.0 + p.min_ratio))
        .max(p.min_value)
        .min(a.value + p.min_absolute);
    let e = (rel / p.min_ratio).max(rise / p.min_absolute);
    let score = if e.is_finite() {
        1.0 - 1.0 / (1.0 + e)
    } else {
        1.0
    };
    let place = s
        .place_name
        .as_deref()
        .or(s.country.as_deref())
        .unwrap_or("an unnamed place");
    let disease = s
        .disease_name
        .as_deref()
        .or(s.disease.as_deref())
        .unwrap_or("an unnamed disease");
    let pct = if rel.is_finite() {
        format!(", +{:.0}%", rel * 100.0)
    } else {
        String::new()
    };
    let span = match days {
        Some(1) => ", in 1 day".to_string(),
        Some(n) => format!(", in {n} days"),
        None => String::new(),
    };
    let reason = format!(
        "{} {} of {} in {} rose from {} on {} to {} on {} (+{}{}{}){}",
        s.scope,
        s.metric,
        disease,
        place,
        format::figure(&a.qualifier, a.value, None, None),
        format::date(&a.as_of),
        format::figure(&b.qualifier, b.value, None, None),
        format::date(&b.as_of),
        format::number(rise),
        pct,
        span,
        if b.conflict {
            "; sources disagree on the later figure"
        } else {
            ""
        },
    );
    let subject = Subject {
        disease: s.disease.clone(),
        disease_name: s.disease_name.clone(),
        country: s.country.clone(),
        event: event.map(str::to_string),
        unit: String::new(),
    };
    Some(subject.signal("jump", date, b.value, threshold, score, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sighting(date: &str, disease: &str, country: &str) -> Sighting {
        Sighting {
            date: date.into(),
            disease: Some(disease.into()),
            disease_name: Some(
                if disease == "DOID:4325" {
                    "Ebola virus disease"
                } else {
                    "COVID-19"
                }
                .into(),
            ),
            country: Some(country.into()),
            event: Some("E1".into()),
        }
    }

    #[test]
    fn new_events_after_a_quiet_window() {
        let s = vec![
            sighting("2022-05-17", "DOID:0080600", "KP"),
            sighting("2022-05-18", "DOID:0080600", "KP"),
            sighting("2022-05-18", "DOID:0080600", "KP"),
            sighting("2022-03-01", "DOID:4325", "CD"),
            sighting("2022-03-20", "DOID:4325", "CD"), // 19 days later: not new
            sighting("2022-05-02", "DOID:4325", "CD"), // 43 days later: new again
            Sighting {
                country: None,
                ..sighting("2022-05-02", "DOID:4325", "CD")
            },
        ];
        let sig = new_events(&s, 30).unwrap();
        let got: Vec<(&str, Option<&str>, f64)> = sig
            .iter()
            .map(|s| (s.date.as_str(), s.country.as_deref(), s.score))
            .collect();
        // Score of the return after 43 days: 0.5 + 0.5 * (43 - 30) / 30 = 0.7166667.
        assert_eq!(got.len(), 3, "{sig:#?}");
        assert_eq!(got[0], ("2022-03-01", Some("CD"), 1.0));
        assert_eq!((got[1].0, got[1].1), ("2022-05-02", Some("CD")));
        assert!((got[1].2 - 0.716_666_7).abs() < 1e-6);
        assert_eq!(got[2], ("2022-05-17", Some("KP"), 1.0));
        assert_eq!(sig[0].kind, "new_event");
        assert_eq!(sig[0].event.as_deref(), Some("E1"));
        assert_eq!(
            sig[2].reason,
            "first report of COVID-19 in KP in the data: 1 document on 17 May 2022"
        );
        assert_eq!(
            sig[1].reason,
            "Ebola virus disease in CD reported again on 2 May 2022 (1 document) after 43 days \
             without a report (more than the 30-day window)"
        );
        assert!(new_events(&[sighting("May 2", "D", "C")], 30).is_err());
    }

    fn timeline(points: &[(&str, &str, &str, f64, bool)]) -> Timeline {
        // (scope, as_of, qualifier, value, derived) of KP COVID-19 cases.
        let mut series: Vec<Series> = Vec::new();
        for (scope, as_of, q, v, derived) in points {
            let point = Point {
                as_of: (*as_of).into(),
                value: *v,
                qualifier: (*q).into(),
                text: None,
                doc_ids: vec!["d".into()],
                outlets: vec![],
                conflict: false,
                derived: *derived,
                reason: None,
            };
            match series.iter_mut().find(|s| s.scope == *scope) {
                Some(s) => s.points.push(point),
                None => series.push(Series {
                    disease: Some("DOID:0080600".into()),
                    disease_name: Some("COVID-19".into()),
                    country: Some("KP".into()),
                    place: None,
                    place_name: None,
                    metric: "cases".into(),
                    scope: (*scope).into(),
                    points: vec![point],
                }),
            }
        }
        Timeline {
            figures: vec![],
            series,
            conflicts: vec![],
        }
    }

    #[test]
    fn jumps_by_ratio_or_absolute_rise() {
        let t = timeline(&[
            ("cumulative", "2022-05-17", "more_than", 1_200_000.0, false),
            ("cumulative", "2022-05-18", "more_than", 1_720_000.0, false),
            ("cumulative", "2022-05-19", "more_than", 1_800_000.0, true), // derived: skipped
            ("new", "2022-05-16", "exact", 4.0, false),
            ("new", "2022-05-17", "exact", 8.0, false), // +100% but below min_value
            ("new", "2022-05-18", "exact", 20.0, false), // +150%
            ("new", "2022-05-19", "exact", 25.0, false), // +25%: no
        ]);
        let sig = jumps(&t, Some("E7"), &JumpParams::default());
        assert_eq!(sig.len(), 2, "{sig:#?}");
        let cum = sig.iter().find(|s| s.value == 1_720_000.0).unwrap();
        assert_eq!(cum.kind, "jump");
        assert_eq!(cum.date, "2022-05-18");
        assert_eq!(cum.event.as_deref(), Some("E7"));
        // Threshold: min(1,200,000 * 1.5, 1,200,000 + 1,000) = 1,201,000.
        assert_eq!(cum.threshold, 1_201_000.0);
        // e = max(0.4333 / 0.5, 520,000 / 1,000) = 520; score = 1 - 1/521.
        assert!((cum.score - (1.0 - 1.0 / 521.0)).abs() < 1e-9);
        assert_eq!(
            cum.reason,
            "cumulative cases of COVID-19 in KP rose from more than 1,200,000 on 17 May 2022 to \
             more than 1,720,000 on 18 May 2022 (+520,000, +43%, in 1 day)"
        );
        let new = sig.iter().find(|s| s.value == 20.0).unwrap();
        // Threshold: max(8 * 1.5, 10) = 12; e = 1.5 / 0.5 = 3; score = 0.75.
        assert_eq!(new.threshold, 12.0);
        assert!((new.score - 0.75).abs() < 1e-9);
    }

    #[test]
    fn falls_are_not_jumps() {
        let t = timeline(&[
            ("new", "2022-05-17", "exact", 500.0, false),
            ("new", "2022-05-18", "exact", 20.0, false),
        ]);
        assert!(jumps(&t, None, &JumpParams::default()).is_empty());
    }
}
