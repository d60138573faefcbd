//! EARS C1, C2 and C3 (the CDC's Early Aberration Reporting System), as R's `surveillance`
//! package defines them in `earsC` (Salmon, Schumacher & Höhle 2016, "Monitoring count time
//! series in R: aberration detection in public health surveillance", *Journal of Statistical
//! Software* 70(10), doi:10.18637/jss.v070.i10; method from Fricker, Hegler & Dunfee 2008,
//! *Statistics in Medicine* 27:3407–3429), with the package's defaults.
//!
//! With `b` the baseline length (default 7), `Y(t)` the count of day `t`, and the mean `Ȳ` and
//! sample standard deviation `S` (divisor `b − 1`, R's `sd`) over a window of past days:
//!
//! - **C1**: window `t−b … t−1`; `C1(t) = (Y(t) − Ȳ₁(t)) / S₁(t)`; upper bound
//!   `U₁(t) = Ȳ₁(t) + z·S₁(t)`; alarm when `Y(t) > U₁(t)`. First day assessed: `t = b + 1`.
//! - **C2**: the same with a two-day guard band, window `t−b−2 … t−3`. First day: `t = b + 3`.
//! - **C3**: `C3(t) = Σ_{i=t−2…t} max(0, C2(i) − 1)`; alarm when `C3(t) ≥ z`. First day:
//!   `t = b + 5`.
//!
//! `z = qnorm(1 − alpha)`, alpha = 0.001 by default (`z ≈ 3.090`), the default of `earsC`'s
//! control list. `minSigma` (default 0) floors `S`: with `S = 0` a count above the mean is an
//! unbounded statistic and alarms, a count equal to it does not.
//!
//! Two notes where the package's code and its documentation part: (1) `earsC` falls back on
//! alpha = 0.025 for C3 when a control list without `alpha` is passed; we keep one default,
//! 0.001, for all three (set [`EarsParams::alpha`] to 0.025 for the CDC's C3 choice); (2) the
//! package's code computes the C3 upper bound as `Y(t) + S₂(t)·(z − lag terms of t−1 and t−2)`,
//! so that its alarm does not depend on day `t`'s own term; we follow the documented statistic
//! above, where day `t` counts. Our C3 [`EarsDay::upperbound`] is the smallest count of day `t`
//! that makes `C3(t) ≥ z` (0 when the two previous days alone reach it).

use jiff::civil::Date;

use crate::series::{AsDate, Series};
use crate::{Error, Result, Signal, Subject, qnorm};

/// Which EARS method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarsMethod {
    /// C1-MILD: baseline the `baseline` days before.
    C1,
    /// C2-MEDIUM: baseline with a two-day guard band.
    C2,
    /// C3-ULTRA: sum of the C2 excesses of the last three days.
    C3,
}

impl EarsMethod {
    fn kind(self) -> &'static str {
        match self {
            EarsMethod::C1 => "ears_c1",
            EarsMethod::C2 => "ears_c2",
            EarsMethod::C3 => "ears_c3",
        }
    }

    fn name(self) -> &'static str {
        match self {
            EarsMethod::C1 => "C1",
            EarsMethod::C2 => "C2",
            EarsMethod::C3 => "C3",
        }
    }
}

/// Parameters of [`ears`] (the defaults of `surveillance::earsC`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarsParams {
    /// Days in the baseline window; at least 3. Default 7.
    pub baseline: usize,
    /// One-sided error rate; the threshold is `qnorm(1 − alpha)`. Default 0.001.
    pub alpha: f64,
    /// Floor of the baseline standard deviation (`minSigma`). Default 0; Burkom suggests 0.5
    /// or 1 for sparse data.
    pub min_sigma: f64,
}

impl Default for EarsParams {
    fn default() -> Self {
        EarsParams {
            baseline: 7,
            alpha: 0.001,
            min_sigma: 0.0,
        }
    }
}

/// One assessed day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarsDay {
    /// The day.
    pub date: Date,
    /// Its count.
    pub observed: f64,
    /// Baseline mean (for C3, that of day `t`'s C2 window).
    pub mean: f64,
    /// Baseline standard deviation, floored at `min_sigma`.
    pub sd: f64,
    /// C1(t), C2(t) or C3(t) (infinite when the baseline is constant and the count above it).
    pub statistic: f64,
    /// `z = qnorm(1 − alpha)`.
    pub threshold: f64,
    /// The count above which day `t` alarms (C3: the smallest count that alarms).
    pub upperbound: f64,
    /// Whether the day alarms.
    pub alarm: bool,
}

/// Every assessable day of the daily series `counts` under `method` (see the module docs).
/// Days too early to have a full baseline are not assessed.
///
/// # Errors
/// [`Error::Date`] / [`Error::TooLong`] from [`crate::daily`]; [`Error::Parameter`] when the
/// baseline is below 3 or alpha outside 0..1.
pub fn ears_days<D: AsDate>(
    counts: &[(D, u32)],
    method: EarsMethod,
    params: &EarsParams,
) -> Result<Vec<EarsDay>> {
    ears_days_on(counts, method, params, None)
}

/// [`ears_days`], assessing only the days in `only` (sorted) when given: each day's figures
/// depend on the days before it only, so they are those [`ears_days`] gives for it.
pub(crate) fn ears_days_on<S: Series + ?Sized>(
    counts: &S,
    method: EarsMethod,
    params: &EarsParams,
    only: Option<&[Date]>,
) -> Result<Vec<EarsDay>> {
    if params.baseline < 3 {
        return Err(Error::Parameter(format!(
            "the EARS baseline must be at least 3 days, not {}",
            params.baseline
        )));
    }
    if !(params.alpha > 0.0 && params.alpha < 1.0) || params.min_sigma.is_nan() {
        return Err(Error::Parameter(format!(
            "alpha must lie strictly between 0 and 1, not {}",
            params.alpha
        )));
    }
    let series = counts.dense()?;
    let y: Vec<f64> = series.iter().map(|(_, n)| *n).collect();
    let z = qnorm(1.0 - params.alpha);
    let b = params.baseline;
    let lag = |m: EarsMethod| if m == EarsMethod::C1 { 0 } else { 2 };
    let first = match method {
        EarsMethod::C1 => b,
        EarsMethod::C2 => b + 2,
        EarsMethod::C3 => b + 4,
    };
    let mut out = Vec::new();
    for (t, &(date, observed)) in series.iter().enumerate().skip(first) {
        if only.is_some_and(|o| o.binary_search(&date).is_err()) {
            continue;
        }
        let m = if method == EarsMethod::C3 {
            EarsMethod::C2
        } else {
            method
        };
        let (mean, sd) = window_stats(&y, t, b, lag(m), params.min_sigma);
        let day = match method {
            EarsMethod::C1 | EarsMethod::C2 => {
                let upperbound = mean + z * sd;
                EarsDay {
                    date,
                    observed,
                    mean,
                    sd,
                    statistic: standardise(observed, mean, sd),
                    threshold: z,
                    upperbound,
                    alarm: observed > upperbound,
                }
            }
            EarsMethod::C3 => {
                let excess = |i: usize| {
                    let (m, s) = window_stats(&y, i, b, 2, params.min_sigma);
                    (standardise(y[i], m, s) - 1.0).max(0.0)
                };
                let lags = excess(t - 1) + excess(t - 2);
                let statistic = lags + excess(t);
                let upperbound = if lags >= z {
                    0.0
                } else {
                    (mean + sd * (1.0 + z - lags)).max(0.0)
                };
                EarsDay {
                    date,
                    observed,
                    mean,
                    sd,
                    statistic,
                    threshold: z,
                    upperbound,
                    alarm: statistic >= z,
                }
            }
        };
        out.push(day);
    }
    Ok(out)
}

/// The alarms of [`ears_days`] as [`Signal`]s about `subject`.
///
/// C1 and C2 signals give the day's count as `value` and the upper bound as `threshold`; C3
/// signals give C3(t) and z. `score` is `1 − z / statistic` (0 at the threshold, towards 1 as
/// the statistic grows).
///
/// # Errors
/// As [`ears_days`].
pub fn ears<D: AsDate>(
    counts: &[(D, u32)],
    method: EarsMethod,
    params: &EarsParams,
    subject: &Subject,
) -> Result<Vec<Signal>> {
    ears_on(counts, method, params, subject, None)
}

/// [`ears`], assessing only the days in `only` (sorted) when given.
pub(crate) fn ears_on<S: Series + ?Sized>(
    counts: &S,
    method: EarsMethod,
    params: &EarsParams,
    subject: &Subject,
    only: Option<&[Date]>,
) -> Result<Vec<Signal>> {
    let days = ears_days_on(counts, method, params, only)?;
    Ok(days
        .iter()
        .filter(|d| d.alarm)
        .map(|d| {
            let score = if d.statistic.is_finite() && d.statistic > 0.0 {
                1.0 - d.threshold / d.statistic
            } else {
                1.0
            };
            let what = subject.describe();
            let window = match method {
                EarsMethod::C1 => format!("the {} days before", params.baseline),
                _ => format!(
                    "the {} days ending 3 days before (a 2-day guard band)",
                    params.baseline
                ),
            };
            let (value, threshold, reason) = match method {
                EarsMethod::C1 | EarsMethod::C2 => (
                    d.observed,
                    d.upperbound,
                    format!(
                        "EARS {}: {} {} on {}, above the upper bound {:.1} (mean {:.1}, sd {:.1} \
                         over {}; alpha {})",
                        method.name(),
                        fmt_count(d.observed),
                        what,
                        d.date,
                        d.upperbound,
                        d.mean,
                        d.sd,
                        window,
                        params.alpha
                    ),
                ),
                EarsMethod::C3 => (
                    d.statistic,
                    d.threshold,
                    format!(
                        "EARS C3: {} {} on {}; the excesses of the last three days over their \
                         C2 baselines add up to {:.2}, at or above the threshold {:.2} \
                         (alpha {})",
                        fmt_count(d.observed),
                        what,
                        d.date,
                        d.statistic,
                        d.threshold,
                        params.alpha
                    ),
                ),
            };
            subject.signal(method.kind(), d.date, value, threshold, score, reason)
        })
        .collect())
}

/// Mean and sample standard deviation (floored at `min_sigma`) of the `b` days ending `lag + 1`
/// days before `t`: `y[t−b−lag … t−1−lag]`. The caller makes sure `t ≥ b + lag`.
fn window_stats(y: &[f64], t: usize, b: usize, lag: usize, min_sigma: f64) -> (f64, f64) {
    let w = &y[t - b - lag..t - lag];
    let n = w.len() as f64;
    let mean = w.iter().sum::<f64>() / n;
    let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt().max(min_sigma))
}

/// `(y − mean) / sd`, with a zero `sd`: +∞ above the mean, 0 at it, −∞ below.
fn standardise(y: f64, mean: f64, sd: f64) -> f64 {
    if sd > 0.0 {
        (y - mean) / sd
    } else if y > mean {
        f64::INFINITY
    } else if y < mean {
        f64::NEG_INFINITY
    } else {
        0.0
    }
}

fn fmt_count(v: f64) -> String {
    epiwire_timeline::format::number(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const Z: f64 = 3.090_232_306_167_813; // qnorm(1 - 0.001)

    /// Consecutive days from 1 May 2022.
    fn days(values: &[u32]) -> Vec<(String, u32)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("2022-05-{:02}", i + 1), *v))
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn c1_by_hand() {
        // Days 1..7: 1 2 3 1 2 3 2, day 8: 10, day 9: 2.
        // Day 8: baseline days 1..7, mean = 14/7 = 2; squared deviations 1+0+1+1+0+1+0 = 4,
        //   variance 4/6, sd = 0.8164966; U = 2 + 3.0902323 * 0.8164966 = 4.5231641;
        //   C1 = (10 - 2) / 0.8164966 = 9.7979590 -> alarm.
        // Day 9: baseline days 2..8 = 2 3 1 2 3 2 10, mean 23/7 = 3.2857143, sd = 3.0394235,
        //   U = 3.2857143 + 3.0902323 * 3.0394235 = 12.6782390; 2 < U -> no alarm.
        let s = days(&[1, 2, 3, 1, 2, 3, 2, 10, 2]);
        let d = ears_days(&s, EarsMethod::C1, &EarsParams::default()).unwrap();
        assert_eq!(d.len(), 2, "days 8 and 9 only have a full baseline");
        assert_eq!(d[0].date.to_string(), "2022-05-08");
        assert!(close(d[0].mean, 2.0) && close(d[0].sd, 0.816_496_6));
        assert!(close(d[0].upperbound, 4.523_164_1), "{}", d[0].upperbound);
        assert!(close(d[0].statistic, 9.797_959_0));
        assert!(close(d[0].threshold, Z));
        assert!(d[0].alarm);
        assert!(close(d[1].upperbound, 12.678_239_0), "{}", d[1].upperbound);
        assert!(!d[1].alarm);

        let subject = Subject::new(Some("DOID:0080600"), Some("COVID-19"), Some("KP"));
        let sig = ears(&s, EarsMethod::C1, &EarsParams::default(), &subject).unwrap();
        assert_eq!(sig.len(), 1);
        assert_eq!(sig[0].kind, "ears_c1");
        assert_eq!(sig[0].date, "2022-05-08");
        assert_eq!(sig[0].value, 10.0);
        assert!(close(sig[0].threshold, 4.523_164_1));
        // score = 1 - z / C1 = 1 - 3.0902323 / 9.7979590 = 0.6846046
        assert!(close(sig[0].score, 0.684_604_6), "{}", sig[0].score);
        assert_eq!(
            sig[0].reason,
            "EARS C1: 10 articles about COVID-19 in KP on 2022-05-08, above the upper bound 4.5 \
             (mean 2.0, sd 0.8 over the 7 days before; alpha 0.001)"
        );
    }

    #[test]
    fn c2_skips_the_two_days_before() {
        // Days 1..9: 1 2 3 1 2 3 2 5 5, day 10: 10. C2 on day 10 uses days 1..7 (t-9..t-3):
        // mean 2, sd 0.8164966, U = 4.5231641, C2 = 9.7979590 -> alarm. Days 8 and 9 (5, 5)
        // are in the guard band. (C1 on day 10 would use days 3..9: mean 3, sd 1.5275252,
        // U = 7.7204078.)
        let s = days(&[1, 2, 3, 1, 2, 3, 2, 5, 5, 10]);
        let d = ears_days(&s, EarsMethod::C2, &EarsParams::default()).unwrap();
        assert_eq!(d.len(), 1, "day 10 is the first with 9 days behind it");
        assert!(close(d[0].mean, 2.0) && close(d[0].upperbound, 4.523_164_1));
        assert!(d[0].alarm);
        let c1 = ears_days(&s, EarsMethod::C1, &EarsParams::default()).unwrap();
        let last = c1.last().unwrap();
        assert!(close(last.mean, 3.0) && close(last.upperbound, 7.720_407_8));
    }

    #[test]
    fn c3_adds_three_moderate_days() {
        // Days 1..9: 1 2 3 1 2 3 2 1 2, days 10, 11, 12: 4 4 4.
        // The C2 windows (days t-9..t-3) of days 10, 11, 12 hold the same values in turn:
        // day 10: days 1..7 = 1 2 3 1 2 3 2; day 11: days 2..8 = 2 3 1 2 3 2 1;
        // day 12: days 3..9 = 3 1 2 3 2 1 2: all mean 2, sd 0.8164966, so
        // C2 = (4 - 2) / 0.8164966 = 2.4494897 < z: no C2 alarm on any day.
        // C3(12) = 3 * max(0, 2.4494897 - 1) = 4.3484692 >= 3.0902323 -> alarm.
        // Upper bound: lags = 2 * 1.4494897 = 2.8989795 < z, so the smallest alarming count
        // is 2 + 0.8164966 * (1 + 3.0902323 - 2.8989795) = 2 + 0.8164966 * 1.1912528
        // = 2.9726539.
        let s = days(&[1, 2, 3, 1, 2, 3, 2, 1, 2, 4, 4, 4]);
        let c2 = ears_days(&s, EarsMethod::C2, &EarsParams::default()).unwrap();
        assert!(c2.iter().all(|d| !d.alarm));
        assert!(close(c2.last().unwrap().statistic, 2.449_489_7));
        let c3 = ears_days(&s, EarsMethod::C3, &EarsParams::default()).unwrap();
        assert_eq!(c3.len(), 1, "day 12 is the first with 11 days behind it");
        assert!(close(c3[0].statistic, 4.348_469_2), "{}", c3[0].statistic);
        assert!(close(c3[0].upperbound, 2.972_653_9), "{}", c3[0].upperbound);
        assert!(c3[0].alarm);
        let sig = ears(
            &s,
            EarsMethod::C3,
            &EarsParams::default(),
            &Subject::default(),
        )
        .unwrap();
        assert_eq!(sig.len(), 1);
        assert_eq!(sig[0].kind, "ears_c3");
        assert!(close(sig[0].value, 4.348_469_2) && close(sig[0].threshold, Z));
    }

    #[test]
    fn flat_series_and_constant_baselines() {
        // A constant baseline has sd 0: the same count is no alarm, one more is.
        let flat = days(&[3; 12]);
        for m in [EarsMethod::C1, EarsMethod::C2, EarsMethod::C3] {
            let d = ears_days(&flat, m, &EarsParams::default()).unwrap();
            assert!(!d.is_empty() && d.iter().all(|d| !d.alarm), "{m:?}");
        }
        let mut bump = [3; 9].to_vec();
        bump.push(4);
        let d = ears_days(&days(&bump), EarsMethod::C1, &EarsParams::default()).unwrap();
        assert!(d.last().unwrap().alarm);
        // minSigma = 1 turns the same bump into no alarm: U = 3 + 3.09 * 1.
        let p = EarsParams {
            min_sigma: 1.0,
            ..EarsParams::default()
        };
        let d = ears_days(&days(&bump), EarsMethod::C1, &p).unwrap();
        assert!(!d.last().unwrap().alarm);
        let sig = ears(
            &days(&bump),
            EarsMethod::C1,
            &EarsParams::default(),
            &Subject::default(),
        )
        .unwrap();
        // An infinite statistic: score 1, and the JSON stays finite.
        assert_eq!((sig[0].value, sig[0].score), (4.0, 1.0));
        let json = serde_json::to_value(&sig[0]).unwrap();
        assert!(json["threshold"].is_number());
    }

    #[test]
    fn short_series_and_bad_parameters() {
        let s = days(&[1, 2, 3]);
        assert!(
            ears_days(&s, EarsMethod::C1, &EarsParams::default())
                .unwrap()
                .is_empty()
        );
        let p = EarsParams {
            baseline: 2,
            ..EarsParams::default()
        };
        assert!(matches!(
            ears_days(&s, EarsMethod::C1, &p),
            Err(Error::Parameter(_))
        ));
    }
}
