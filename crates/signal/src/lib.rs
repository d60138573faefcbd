//! Signals: what should catch an analyst's eye, each with its reason in words.
//!
//! - [`ears`]: the CDC's EARS C1, C2 and C3 aberration detectors on a daily count series, as
//!   R's `surveillance` package defines them (`earsC`).
//! - [`farrington`]: a Farrington-style detector (quasi-Poisson regression on a recent baseline
//!   with down-weighting of past outbreaks and a negative-binomial threshold, after Noufaily et
//!   al. 2013), adapted to daily article counts without years of history.
//! - [`new_events`]: a disease × country not seen in the last N days.
//! - [`jumps`]: a reported cumulative or new figure rising sharply between consecutive as-of
//!   dates of an event's [`Timeline`](epiwire_timeline::Timeline).
//! - [`relevance`]: a 0..1 score per event from disease severity, deaths, novelty, independent
//!   outlets and recent signals.
//!
//! Every detector is a pure function; the output is a list of [`Signal`]s in the shared JSON
//! shape. Daily series are given as `&[(date, count)]` pairs per disease × country, where the
//! date is a [`jiff::civil::Date`], a `String` or a `&str` (`2022-05-18`; an RFC 3339 time
//! stamp is cut to its date); days missing between the first and the last date count 0, and
//! several pairs for the same day are added.

mod ears;
mod event;
mod farrington;
mod relevance;
mod series;

pub use ears::{EarsDay, EarsMethod, EarsParams, ears, ears_days};
pub use event::{JumpParams, NEW_EVENT_WINDOW_DAYS, Sighting, jumps, new_events, sightings};
pub use farrington::{FarringtonDay, FarringtonParams, farrington, farrington_days};
pub use relevance::{RelevanceInput, Source, deaths, independent_outlets, relevance, severity};
pub use series::{AsDate, MAX_DAYS, daily};

use serde::{Deserialize, Serialize};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A date that is not an ISO calendar date.
    #[error("not an ISO date: {0:?}")]
    Date(String),
    /// A daily series spanning more days than [`MAX_DAYS`].
    #[error("a daily series from {from} to {to} spans more than {max} days")]
    TooLong {
        /// First day.
        from: String,
        /// Last day.
        to: String,
        /// The limit.
        max: usize,
    },
    /// A parameter out of its range.
    #[error("invalid parameter: {0}")]
    Parameter(String),
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// A signal, in the shared JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// `new_event`, `jump`, `ears_c1`, `ears_c2`, `ears_c3` or `farrington`.
    pub kind: String,
    /// ISO date the signal is raised for.
    pub date: String,
    /// Disease id.
    pub disease: Option<String>,
    /// Disease name.
    pub disease_name: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Event id, when the signal belongs to one.
    pub event: Option<String>,
    /// The observed quantity (a day's count, a statistic, a figure: the reason says which).
    pub value: f64,
    /// The threshold `value` was held against.
    pub threshold: f64,
    /// Strength in 0..1, for ranking (each detector documents its own).
    pub score: f64,
    /// A sentence for the analyst.
    pub reason: String,
}

/// What a daily series is about: copied into each [`Signal`] it raises.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Subject {
    /// Disease id.
    pub disease: Option<String>,
    /// Disease name, used in reasons.
    pub disease_name: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// Event id.
    pub event: Option<String>,
    /// What is counted, plural (`articles`, `reports`), used in reasons; empty means `reports`.
    pub unit: String,
}

impl Subject {
    /// A subject for a disease × country series of article counts.
    pub fn new(disease: Option<&str>, disease_name: Option<&str>, country: Option<&str>) -> Self {
        Subject {
            disease: disease.map(str::to_string),
            disease_name: disease_name.map(str::to_string),
            country: country.map(str::to_string),
            event: None,
            unit: "articles".to_string(),
        }
    }

    /// "articles about COVID-19 in KP" (as far as known).
    pub(crate) fn describe(&self) -> String {
        let unit = if self.unit.is_empty() {
            "reports"
        } else {
            self.unit.as_str()
        };
        let mut s = unit.to_string();
        if let Some(d) = self.disease_name.as_deref().or(self.disease.as_deref()) {
            s.push_str(" about ");
            s.push_str(d);
        }
        if let Some(c) = &self.country {
            s.push_str(" in ");
            s.push_str(c);
        }
        s
    }

    pub(crate) fn signal(
        &self,
        kind: &str,
        date: jiff::civil::Date,
        value: f64,
        threshold: f64,
        score: f64,
        reason: String,
    ) -> Signal {
        Signal {
            kind: kind.to_string(),
            date: date.to_string(),
            disease: self.disease.clone(),
            disease_name: self.disease_name.clone(),
            country: self.country.clone(),
            event: self.event.clone(),
            value: finite(value),
            threshold: finite(threshold),
            score: score.clamp(0.0, 1.0),
            reason,
        }
    }
}

/// EARS C1, C2 and C3 ([`ears`]) and the Farrington-style detector ([`farrington`]), each with
/// its default parameters, on one daily series: every alarm, by date then kind.
///
/// # Errors
/// [`Error::Date`] / [`Error::TooLong`] for a bad series.
pub fn detect<D: AsDate>(counts: &[(D, u32)], subject: &Subject) -> Result<Vec<Signal>> {
    detect_inner(counts, subject, None)
}

/// The alarms [`detect`] raises on the given days of the series, and only those: every day's
/// figures depend on the days before it only, so the other days are not assessed (a caller
/// that judges the few days it added to a long series pays for those days, not the series).
///
/// # Errors
/// As [`detect`], and [`Error::Date`] for a day of `days` that is not an ISO date.
pub fn detect_on<D: AsDate, E: AsDate>(
    counts: &[(D, u32)],
    subject: &Subject,
    days: &[E],
) -> Result<Vec<Signal>> {
    let mut only: Vec<jiff::civil::Date> =
        days.iter().map(AsDate::as_date).collect::<Result<_>>()?;
    only.sort_unstable();
    only.dedup();
    detect_inner(counts, subject, Some(&only))
}

/// Days before a day that [`detect_on`]'s judgement of it reads (with the documented default
/// parameters): the counts of the day and of the `lookback_days()` days before it, and where
/// the series starts when it starts within them. A caller that keeps judgements need judge a
/// day again only when one of these changed. The Farrington-style baseline reaches furthest
/// (28 days ending a 7-day guard before the day: 35); EARS C3 reads C2's 7 days before a 2-day
/// guard for the day and the two before it (11).
pub fn lookback_days() -> usize {
    let f = FarringtonParams::default();
    let e = EarsParams::default();
    (f.baseline + f.guard)
        .max(f.recent_days.saturating_sub(1))
        .max(e.baseline + 4)
}

fn detect_inner<D: AsDate>(
    counts: &[(D, u32)],
    subject: &Subject,
    only: Option<&[jiff::civil::Date]>,
) -> Result<Vec<Signal>> {
    let ep = EarsParams::default();
    // The counts made daily once for the four detectors.
    let counts = &series::Dense(daily(counts)?);
    let mut out = ears::ears_on(counts, EarsMethod::C1, &ep, subject, only)?;
    out.extend(ears::ears_on(counts, EarsMethod::C2, &ep, subject, only)?);
    out.extend(ears::ears_on(counts, EarsMethod::C3, &ep, subject, only)?);
    out.extend(farrington::farrington_on(
        counts,
        &FarringtonParams::default(),
        subject,
        only,
    )?);
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));
    Ok(out)
}

/// JSON has no infinity: an unbounded statistic is written as 1e9.
fn finite(v: f64) -> f64 {
    if v.is_nan() { 0.0 } else { v.clamp(-1e9, 1e9) }
}

/// The standard normal quantile function (R's `qnorm`), by Acklam's rational approximation
/// (relative error below 1.2e-9 over the whole range): qnorm(0.999) = 3.0902323.
///
/// Returns NaN outside 0 < p < 1.
pub fn qnorm(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]

        /// `detect_on` makes the counts daily once for its four detectors; what it finds is
        /// what each detector finds from the counts themselves (the way it ran before), on
        /// sparse, unsorted, repeated and gapped days, judging some of them.
        #[test]
        fn detectors_on_one_daily_series_find_what_they_find_on_the_counts(
            counts in proptest::collection::vec(
                (0i64..150, proptest::prop_oneof![6 => 0u32..3, 3 => 0u32..8, 1 => 0u32..60]),
                0..80,
            ),
            judged in proptest::collection::vec(0i64..150, 0..20),
        ) {
            use crate::{EarsMethod, EarsParams, FarringtonParams, ears, farrington};
            let start: jiff::civil::Date = "2021-01-01".parse().unwrap();
            let day = |i: i64| start.checked_add(jiff::Span::new().days(i)).unwrap().to_string();
            let counts: Vec<(String, u32)> = counts.iter().map(|&(i, n)| (day(i), n)).collect();
            let when: Vec<String> = judged.iter().map(|&i| day(i)).collect();
            let subject = super::Subject::new(Some("d"), Some("disease"), Some("FR"));
            let got = super::detect_on(&counts, &subject, &when).unwrap();
            let mut only: Vec<jiff::civil::Date> =
                when.iter().map(|d| d.parse().unwrap()).collect();
            only.sort_unstable();
            only.dedup();
            let only = Some(only.as_slice());
            let ep = EarsParams::default();
            let mut want = Vec::new();
            for m in [EarsMethod::C1, EarsMethod::C2, EarsMethod::C3] {
                want.extend(ears::ears_on(counts.as_slice(), m, &ep, &subject, only).unwrap());
            }
            want.extend(
                farrington::farrington_on(
                    counts.as_slice(),
                    &FarringtonParams::default(),
                    &subject,
                    only,
                )
                .unwrap(),
            );
            want.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));
            proptest::prop_assert_eq!(got, want);
        }
    }

    /// A judgement reads the counts of [`super::lookback_days`] days before the day and no
    /// more: a change just beyond changes nothing, one at the edge changes the alarm's figures.
    #[test]
    fn judgements_read_lookback_days_back() {
        let l = super::lookback_days();
        assert_eq!(l, 35);
        let start: jiff::civil::Date = "2021-01-01".parse().unwrap();
        let days = 120;
        let series = |bump: Option<usize>| -> Vec<(String, u32)> {
            (0..days)
                .map(|i| {
                    let d = start.checked_add(jiff::Span::new().days(i as i64)).unwrap();
                    let mut n = 1 + (i as u32 * 7) % 3;
                    if i == days - 1 {
                        n = 30;
                    }
                    if bump == Some(i) {
                        n += 6;
                    }
                    (d.to_string(), n)
                })
                .collect()
        };
        let subject = super::Subject::new(Some("d"), Some("disease"), Some("FR"));
        let last = series(None)[days - 1].0.clone();
        let judge = |s: &[(String, u32)]| super::detect_on(s, &subject, &[last.as_str()]).unwrap();
        let plain = judge(&series(None));
        assert!(plain.iter().any(|s| s.kind == "farrington"), "{plain:?}");
        assert_eq!(judge(&series(Some(days - 1 - l - 1))), plain);
        assert_ne!(judge(&series(Some(days - 1 - l))), plain);
        // The start of the series matters within the look-back only.
        assert_eq!(judge(&series(None)[days - 1 - l - 1..]), plain);
        assert_ne!(judge(&series(None)[days - 1 - l + 1..]), plain);
    }

    use super::*;

    #[test]
    fn qnorm_matches_r() {
        // R: qnorm(0.999) = 3.090232306167813, qnorm(0.975) = 1.959963984540054,
        //    qnorm(0.001) = -3.090232306167813, qnorm(0.99) = 2.326347874040841.
        for (p, z) in [
            (0.999, 3.090_232_306_167_813),
            (0.975, 1.959_963_984_540_054),
            (0.001, -3.090_232_306_167_813),
            (0.99, 2.326_347_874_040_841),
            (0.5, 0.0),
        ] {
            assert!((qnorm(p) - z).abs() < 1e-8, "qnorm({p}) = {}", qnorm(p));
        }
        assert!(qnorm(0.0).is_nan() && qnorm(1.0).is_nan());
    }

    #[test]
    fn detect_runs_every_detector() {
        // 30 quiet days (2 or 3 articles), then 30 in one day: every detector fires on it.
        let mut counts: Vec<(String, u32)> = (1..=30)
            .map(|d| (format!("2022-04-{d:02}"), 2 + d % 2))
            .collect();
        counts.push(("2022-05-01".into(), 30));
        let s = detect(&counts, &Subject::default()).unwrap();
        let kinds: Vec<&str> = s.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, vec!["ears_c1", "ears_c2", "ears_c3", "farrington"]);
        assert!(s.iter().all(|s| s.date == "2022-05-01"));
    }

    #[test]
    fn detect_on_gives_the_alarms_of_detect_on_those_days() {
        // A noisy series with bursts, so that every detector alarms somewhere.
        let mut counts: Vec<(String, u32)> = Vec::new();
        let mut x: u32 = 7;
        for d in 0..120u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let base = 2 + (x >> 16) % 4;
            let burst = if d % 29 == 20 || d % 37 == 30 {
                25 + d % 7
            } else {
                0
            };
            let day = jiff::civil::date(2022, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from(d)))
                .unwrap();
            counts.push((day.to_string(), base + burst));
        }
        let all = detect(&counts, &Subject::default()).unwrap();
        let kinds: std::collections::BTreeSet<&str> = all.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        let picks: Vec<&str> = vec![
            "2022-01-21",
            "2022-02-05",
            "2022-03-09",
            "2022-04-30",
            "2022-02-18",
        ];
        let on = detect_on(&counts, &Subject::default(), &picks).unwrap();
        let expected: Vec<Signal> = all
            .iter()
            .filter(|s| picks.contains(&s.date.as_str()))
            .cloned()
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(on, expected);
        // Every day picked gives detect whole.
        let every: Vec<&str> = counts.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(
            detect_on(&counts, &Subject::default(), &every).unwrap(),
            all
        );
        assert!(detect_on(&counts, &Subject::default(), &["May"]).is_err());
    }

    #[test]
    fn subjects_describe_themselves() {
        let s = Subject::new(Some("DOID:0080600"), Some("COVID-19"), Some("KP"));
        assert_eq!(s.describe(), "articles about COVID-19 in KP");
        assert_eq!(Subject::default().describe(), "reports");
    }
}
