//! A Farrington-style outbreak detector for daily article counts.
//!
//! The Farrington family (Farrington et al. 1996, *JRSS A* 159:547–563; Noufaily et al. 2013,
//! "An improved algorithm for outbreak detection in multiple surveillance systems",
//! *Statistics in Medicine* 32:1206–1222; R `surveillance::farringtonFlexible`) fits a
//! quasi-Poisson regression to comparable past periods, down-weights past outbreaks, and
//! raises an alarm when the current count exceeds an upper quantile of the predicted
//! distribution. Its comparable periods are the same weeks of previous years; news counts per
//! disease × country have no such history (a store holds weeks or months of articles, and news
//! attention has no yearly season worth modelling), so this variant takes the **recent past**
//! as the comparable window and keeps the rest of the method:
//!
//! 1. Baseline: the [`FarringtonParams::baseline`] days (default 28) ending
//!    [`FarringtonParams::guard`] days (default 7) before day `t`, so that the start of an
//!    outbreak does not hide in its own baseline (the guard plays the part of Farrington's
//!    exclusion of the current weeks). A day is assessed once at least
//!    [`FarringtonParams::min_baseline`] baseline days (default 14) exist.
//! 2. Fit `log μ = β₀ + β₁·day` by iteratively reweighted least squares (Poisson likelihood),
//!    dispersion `φ = max(1, Σ wᵢ(yᵢ − μᵢ)²/μᵢ / (n − p))`.
//! 3. Down-weight past outbreaks: Anscombe residuals
//!    `sᵢ = 3/2 (yᵢ^{2/3} − μᵢ^{2/3}) / (μᵢ^{1/6} √(φ(1 − hᵢᵢ)))`; weight `sᵢ⁻²` when
//!    `sᵢ > 1` (Farrington 1996; Noufaily uses 2.58), else 1, scaled to add up to `n`; refit,
//!    and repeat from the new fit and dispersion up to 5 rounds, until the weights settle.
//!    Why not Noufaily's single round at 2.58: with only a 28-day baseline, an outbreak inside
//!    it inflates the first fit's dispersion so much that its own residuals stay below 2.58
//!    (three days of 40 articles among days of about 4 give `s ≈ 2.0`), and it would keep
//!    masking the next one (`a_past_outbreak_is_down_weighted` below).
//! 4. Keep the trend only when it is significant (|β₁/se| ≥ 1.96) and the prediction does not
//!    exceed twice the largest baseline count; otherwise refit without it. (Farrington's rule
//!    is "not above the largest baseline count"; with a guard band between baseline and day
//!    that rule would drop every trend still rising, so the bound only stops runaway
//!    extrapolation.)
//! 5. Threshold: the `1 − alpha` quantile (alpha default 0.01) of a negative binomial with mean
//!    `μ₀` and variance `φμ₀` (Noufaily's choice; Poisson when `φ = 1`). Alarm when the count
//!    exceeds it and at least [`FarringtonParams::min_recent`] counts fall in the last
//!    [`FarringtonParams::recent_days`] days (Farrington's "5 in the last 4 periods" rule, which
//!    keeps single stray articles from alarming).
//!
//! `score` is `1 − 1/X` for the exceedance `X = (y − μ₀)/(U − μ₀)` (1 when `U = μ₀`).

use jiff::civil::Date;

use crate::series::{AsDate, Series};
use crate::{Error, Result, Signal, Subject, qnorm};

/// Parameters of [`farrington`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FarringtonParams {
    /// Baseline days. Default 28.
    pub baseline: usize,
    /// Days between the baseline and the assessed day. Default 7.
    pub guard: usize,
    /// Fewest baseline days for a day to be assessed. Default 14.
    pub min_baseline: usize,
    /// One-sided error rate of the threshold. Default 0.01.
    pub alpha: f64,
    /// Fit a linear trend (kept only when significant). Default true.
    pub trend: bool,
    /// Anscombe residual above which a baseline day is down-weighted. Default 1 (Farrington
    /// 1996; see the module documentation for why not Noufaily's 2.58).
    pub reweight_above: f64,
    /// Rounds of reweighting (each from the previous round's fit and dispersion). Default 5.
    pub reweight_rounds: usize,
    /// Fewest counts in the last [`FarringtonParams::recent_days`] days for an alarm. Default 5.
    pub min_recent: u32,
    /// Days of the recent-count rule, the assessed day included. Default 4.
    pub recent_days: usize,
}

impl Default for FarringtonParams {
    fn default() -> Self {
        FarringtonParams {
            baseline: 28,
            guard: 7,
            min_baseline: 14,
            alpha: 0.01,
            trend: true,
            reweight_above: 1.0,
            reweight_rounds: 5,
            min_recent: 5,
            recent_days: 4,
        }
    }
}

/// One assessed day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FarringtonDay {
    /// The day.
    pub date: Date,
    /// Its count.
    pub observed: f64,
    /// Predicted count μ₀.
    pub expected: f64,
    /// Dispersion φ (≥ 1).
    pub dispersion: f64,
    /// Whether the trend was kept.
    pub trend: bool,
    /// Baseline days used.
    pub baseline_days: usize,
    /// Upper threshold U: the day alarms when its count exceeds it.
    pub threshold: f64,
    /// Counts in the last `recent_days` days.
    pub recent: f64,
    /// Whether the day alarms.
    pub alarm: bool,
}

/// Every assessable day of `counts` (see the module documentation).
///
/// # Errors
/// [`Error::Date`] / [`Error::TooLong`] from [`crate::daily`]; [`Error::Parameter`] for a baseline
/// below 3 days, `min_baseline` above `baseline` or below 3, alpha outside 0..1, or
/// `recent_days` of 0.
pub fn farrington_days<D: AsDate>(
    counts: &[(D, u32)],
    params: &FarringtonParams,
) -> Result<Vec<FarringtonDay>> {
    farrington_days_on(counts, params, None)
}

/// [`farrington_days`], assessing only the days in `only` (sorted) when given: each day's
/// figures depend on the days before it only, so they are those [`farrington_days`] gives for
/// it (the fit of a day is most of the cost).
pub(crate) fn farrington_days_on<S: Series + ?Sized>(
    counts: &S,
    params: &FarringtonParams,
    only: Option<&[Date]>,
) -> Result<Vec<FarringtonDay>> {
    let p = params;
    if p.baseline < 3 || p.min_baseline < 3 || p.min_baseline > p.baseline {
        return Err(Error::Parameter(format!(
            "need 3 <= min_baseline ({}) <= baseline ({})",
            p.min_baseline, p.baseline
        )));
    }
    if !(p.alpha > 0.0 && p.alpha < 1.0) || p.recent_days == 0 || p.reweight_above.is_nan() {
        return Err(Error::Parameter(format!(
            "alpha must lie strictly between 0 and 1 (got {}) and recent_days be at least 1",
            p.alpha
        )));
    }
    let series = counts.dense()?;
    let y: Vec<f64> = series.iter().map(|(_, n)| *n).collect();
    let z = qnorm(1.0 - p.alpha);
    let mut out = Vec::new();
    for t in 0..y.len() {
        if only.is_some_and(|o| o.binary_search(&series[t].0).is_err()) {
            continue;
        }
        // Baseline: y[start .. end), end = t - guard.
        let Some(end) = t.checked_sub(p.guard) else {
            continue;
        };
        let start = end.saturating_sub(p.baseline);
        if end - start < p.min_baseline {
            continue;
        }
        let window = &y[start..end];
        let Judgement {
            expected,
            dispersion,
            trend,
            threshold,
        } = judge(window, p, z);
        let recent: f64 = y[t.saturating_sub(p.recent_days - 1)..=t].iter().sum();
        let observed = y[t];
        out.push(FarringtonDay {
            date: series[t].0,
            observed,
            expected,
            dispersion,
            trend,
            baseline_days: window.len(),
            threshold,
            recent,
            alarm: observed > threshold && recent >= f64::from(p.min_recent),
        });
    }
    Ok(out)
}

/// The alarms of [`farrington_days`] as [`Signal`]s about `subject`: `value` is the day's
/// count, `threshold` U.
///
/// # Errors
/// As [`farrington_days`].
pub fn farrington<D: AsDate>(
    counts: &[(D, u32)],
    params: &FarringtonParams,
    subject: &Subject,
) -> Result<Vec<Signal>> {
    farrington_on(counts, params, subject, None)
}

/// [`farrington`], assessing only the days in `only` (sorted) when given.
pub(crate) fn farrington_on<S: Series + ?Sized>(
    counts: &S,
    params: &FarringtonParams,
    subject: &Subject,
    only: Option<&[Date]>,
) -> Result<Vec<Signal>> {
    let days = farrington_days_on(counts, params, only)?;
    Ok(days
        .iter()
        .filter(|d| d.alarm)
        .map(|d| {
            let span = d.threshold - d.expected;
            let score = if span > 0.0 {
                1.0 - span / (d.observed - d.expected)
            } else {
                1.0
            };
            let reason = format!(
                "Farrington: {} {} on {}, above the threshold {} (expected {:.1}{}, dispersion \
                 {:.1}, from {} days ending {} days before; alpha {})",
                epiwire_timeline::format::number(d.observed),
                subject.describe(),
                d.date,
                epiwire_timeline::format::number(d.threshold),
                d.expected,
                if d.trend { " with a trend" } else { "" },
                d.dispersion,
                d.baseline_days,
                params.guard + 1,
                params.alpha,
            );
            subject.signal("farrington", d.date, d.observed, d.threshold, score, reason)
        })
        .collect())
}

/// What the baseline of a day gives: the prediction and the threshold the day's count is held
/// against (a function of the baseline counts and the parameters alone).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Judgement {
    expected: f64,
    dispersion: f64,
    trend: bool,
    threshold: f64,
}

/// Judgements of baselines already fitted on this thread, by the parameters and the baseline
/// counts (their bits). Consolidation judges the days after every day a batch adds documents
/// to, again at every batch, and news counts per disease × country are sparse: three baselines
/// in four are one already fitted (the same counts in another series, or the same days of the
/// series judged again after a day whose own count changed). The fits are most of the volume
/// signals' cost, and a judgement found here is the one [`predict`] would give again, bit for
/// bit (the same function of the same inputs).
struct Judged {
    by_baseline: std::collections::HashMap<(ParamsKey, Vec<u64>), Judgement, KeyHash>,
}

/// The hasher of [`Judged`]: a key is 37 words, which SipHash took ~1,000 instructions to hash,
/// twice for a baseline not fitted yet (issue 7: 19 M of the 728 M of `detect_on` in the 1 GB
/// window). The table is private to the thread and its keys are counts, not input an attacker
/// chooses, so a multiply-and-fold hash serves; only lookups depend on it, never an order.
/// `rustc-hash`'s `FxHasher` (and annotate's) only multiply: the bits of small whole floats
/// are all in the high half, so their low bits, which pick the bucket, would all be equal.
/// The fold brings the high half down at each word.
#[derive(Clone, Copy, Default)]
struct KeyHash;

impl std::hash::BuildHasher for KeyHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        // The high half folded down at each word: the bits of small whole floats are all high.
        let h = (self.0 ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 32);
    }
}

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // murmur3's finaliser: every bit of the state reaches the bucket bits and the tag.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// [`FarringtonParams`] as a hashable key (floats by their bits).
type ParamsKey = [u64; 9];

/// Most baselines [`Judged`] keeps; past it the table starts over (a judgement costs a fit,
/// about 10⁵ instructions; an entry about 300 bytes).
const JUDGED_MAX: usize = 1 << 16;

thread_local! {
    static JUDGED: std::cell::RefCell<Judged> = const {
        std::cell::RefCell::new(Judged {
            by_baseline: std::collections::HashMap::with_hasher(KeyHash),
        })
    };
}

fn params_key(p: &FarringtonParams) -> ParamsKey {
    // Destructured without `..`: a field added to the parameters cannot be left out of the key.
    let FarringtonParams {
        baseline,
        guard,
        min_baseline,
        alpha,
        trend,
        reweight_above,
        reweight_rounds,
        min_recent,
        recent_days,
    } = *p;
    [
        baseline as u64,
        guard as u64,
        min_baseline as u64,
        alpha.to_bits(),
        u64::from(trend),
        reweight_above.to_bits(),
        reweight_rounds as u64,
        u64::from(min_recent),
        recent_days as u64,
    ]
}

/// The judgement of a baseline (`window`, the counts of the baseline days, oldest first, the
/// last one `guard + 1` days before the judged day), from [`Judged`] or fitted.
fn judge(window: &[f64], p: &FarringtonParams, z: f64) -> Judgement {
    let key = (params_key(p), window.iter().map(|v| v.to_bits()).collect());
    if let Some(j) = JUDGED.with(|m| m.borrow().by_baseline.get(&key).copied()) {
        return j;
    }
    let j = fit_judgement(window, p, z);
    JUDGED.with(|m| {
        let mut m = m.borrow_mut();
        if m.by_baseline.len() >= JUDGED_MAX {
            m.by_baseline.clear();
        }
        m.by_baseline.insert(key, j);
    });
    j
}

/// [`judge`] without the table: fit the baseline and take the threshold.
fn fit_judgement(window: &[f64], p: &FarringtonParams, z: f64) -> Judgement {
    // Days relative to the judged day (it is at 0, the baseline at negative days): the
    // baseline ends `guard` days before it.
    let end = -(p.guard as f64);
    let n = window.len() as f64;
    let x: Vec<f64> = (0..window.len()).map(|i| end - n + i as f64).collect();
    let (expected, dispersion, trend) = predict(window, &x, p);
    let threshold = nb_quantile(expected, dispersion, 1.0 - p.alpha, z);
    Judgement {
        expected,
        dispersion,
        trend,
        threshold,
    }
}

/// A Poisson regression fit: coefficients, fitted means, and the unscaled covariance
/// `(XᵀWX)⁻¹` (row-major 2×2; only `[0]` used without a trend).
#[derive(Debug)]
struct Fit {
    beta: [f64; 2],
    mu: Vec<f64>,
    cov: [f64; 4],
    params: usize,
}

impl Fit {
    fn predict(&self, x: f64) -> f64 {
        (self.beta[0] + self.beta[1] * x).clamp(-30.0, 30.0).exp()
    }

    /// Leverage of point `i` (hat-matrix diagonal) for prior weight `w`.
    fn leverage(&self, x: f64, mu: f64, w: f64) -> f64 {
        let q = if self.params == 2 {
            self.cov[0] + 2.0 * self.cov[1] * x + self.cov[3] * x * x
        } else {
            self.cov[0]
        };
        (w * mu * q).clamp(0.0, 1.0)
    }

    /// Quasi-Poisson dispersion, at least 1.
    fn dispersion(&self, y: &[f64], w: &[f64]) -> f64 {
        let n = y.len();
        if n <= self.params {
            return 1.0;
        }
        let ss: f64 = y
            .iter()
            .zip(&self.mu)
            .zip(w)
            .map(|((y, m), w)| {
                if *m > 0.0 {
                    w * (y - m).powi(2) / m
                } else {
                    0.0
                }
            })
            .sum();
        (ss / (n - self.params) as f64).max(1.0)
    }
}

/// Fits `log μ = β₀ (+ β₁ x)` with prior weights `w`.
fn fit(y: &[f64], x: &[f64], w: &[f64], trend: bool) -> Option<Fit> {
    let sw: f64 = w.iter().sum();
    let swy: f64 = y.iter().zip(w).map(|(y, w)| y * w).sum();
    if sw <= 0.0 || swy <= 0.0 {
        return None;
    }
    let mean = swy / sw;
    if !trend {
        return Some(Fit {
            beta: [mean.ln(), 0.0],
            mu: vec![mean; y.len()],
            cov: [1.0 / (sw * mean), 0.0, 0.0, 0.0],
            params: 1,
        });
    }
    let mut beta = [mean.ln(), 0.0];
    let mut cov = [0.0; 4];
    // `exp` of the last linear predictor, computed again only for another one: in the first
    // iteration (no slope yet) every point has the same, and `exp` is most of a fit's cost.
    let mut last: Option<(u64, f64)> = None;
    for _ in 0..50 {
        let (mut s0, mut s1, mut s2, mut t0, mut t1) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for ((yi, xi), wi) in y.iter().zip(x).zip(w) {
            let eta: f64 = (beta[0] + beta[1] * xi).clamp(-30.0, 30.0);
            let mu = match last {
                Some((bits, mu)) if bits == eta.to_bits() => mu,
                _ => {
                    let mu = eta.exp();
                    last = Some((eta.to_bits(), mu));
                    mu
                }
            };
            let ww = wi * mu;
            let zi = eta + (yi - mu) / mu;
            s0 += ww;
            s1 += ww * xi;
            s2 += ww * xi * xi;
            t0 += ww * zi;
            t1 += ww * xi * zi;
        }
        let det = s0 * s2 - s1 * s1;
        if det.abs() < 1e-12 || !det.is_finite() {
            return None;
        }
        let next = [(s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det];
        cov = [s2 / det, -s1 / det, -s1 / det, s0 / det];
        let change = (next[0] - beta[0]).abs() + (next[1] - beta[1]).abs();
        beta = next;
        if !beta[0].is_finite() || !beta[1].is_finite() {
            return None;
        }
        if change < 1e-9 {
            break;
        }
    }
    let mu = x
        .iter()
        .map(|xi| (beta[0] + beta[1] * xi).clamp(-30.0, 30.0).exp())
        .collect();
    Some(Fit {
        beta,
        mu,
        cov,
        params: 2,
    })
}

/// `μ^(2/3)` and `μ^(1/6)` of the last mean asked, computed again only for another mean.
#[derive(Default)]
struct MeanPowers {
    last: Option<(u64, f64, f64)>,
}

impl MeanPowers {
    fn of(&mut self, mu: f64) -> (f64, f64) {
        match self.last {
            Some((bits, a, b)) if bits == mu.to_bits() => (a, b),
            _ => {
                let (a, b) = (mu.powf(2.0 / 3.0), mu.powf(1.0 / 6.0));
                self.last = Some((mu.to_bits(), a, b));
                (a, b)
            }
        }
    }
}

/// Fit, reweight, refit; returns (μ₀ at x = 0, φ, trend kept).
fn predict(y: &[f64], x: &[f64], p: &FarringtonParams) -> (f64, f64, bool) {
    if y.iter().sum::<f64>() <= 0.0 {
        return (0.0, 1.0, false);
    }
    let ones = vec![1.0; y.len()];
    // The powers of the counts, the same in every round and both fits (computed once: `powf`
    // was a quarter of the volume signals' instructions).
    let y23: Vec<f64> = y.iter().map(|yi| yi.powf(2.0 / 3.0)).collect();
    let reweighted = |trend: bool| -> Option<(Fit, Vec<f64>)> {
        let mut w = ones.clone();
        let mut f = fit(y, x, &w, trend)?;
        for _ in 0..p.reweight_rounds {
            let phi = f.dispersion(y, &w);
            // The powers of a fitted mean, kept while the next mean is the same (without a
            // trend every mean is): the same values `powf` gives each time.
            let mut powers = MeanPowers::default();
            let mut next: Vec<f64> = y23
                .iter()
                .zip(x)
                .zip(&f.mu)
                .map(|((yi23, xi), mi)| {
                    let h = f.leverage(*xi, *mi, 1.0);
                    let (mi23, mi16) = powers.of(*mi);
                    let s = 1.5 * (yi23 - mi23) / (mi16 * (phi * (1.0 - h).max(1e-6)).sqrt());
                    if s > p.reweight_above {
                        s.powi(-2)
                    } else {
                        1.0
                    }
                })
                .collect();
            let total: f64 = next.iter().sum();
            let n = y.len() as f64;
            next.iter_mut().for_each(|v| *v *= n / total);
            if next.iter().zip(&w).all(|(a, b)| a.to_bits() == b.to_bits()) {
                // The same weights to the bit (no day down-weighted, most often): the refit
                // would be `f` again, and the weights are settled.
                break;
            }
            let settled = next.iter().zip(&w).all(|(a, b)| (a - b).abs() < 1e-6);
            w = next;
            f = fit(y, x, &w, trend)?;
            if settled {
                break;
            }
        }
        Some((f, w))
    };
    let max = y.iter().copied().fold(0.0, f64::max);
    if p.trend
        && let Some((f, w)) = reweighted(true)
    {
        let phi = f.dispersion(y, &w);
        let se = (phi * f.cov[3]).sqrt();
        let mu0 = f.predict(0.0);
        if se > 0.0 && (f.beta[1] / se).abs() >= 1.96 && mu0 <= 2.0 * max {
            return (mu0, phi, true);
        }
    }
    match reweighted(false) {
        Some((f, w)) => (f.predict(0.0), f.dispersion(y, &w), false),
        None => (0.0, 1.0, false),
    }
}

/// The smallest `k` with `P(Y ≤ k) ≥ prob` for a negative binomial of mean `mu` and variance
/// `phi·mu` (Poisson when `phi` is 1). Far in the tail of a large mean, where the first term
/// underflows, the normal approximation `mu + z·√(phi·mu)` rounded up.
fn nb_quantile(mu: f64, phi: f64, prob: f64, z: f64) -> f64 {
    if mu <= 0.0 || !mu.is_finite() {
        return 0.0;
    }
    let poisson = phi <= 1.0 + 1e-9;
    let (mut log_p, r, q) = if poisson {
        (-mu, 0.0, 0.0)
    } else {
        let r = mu / (phi - 1.0);
        (-r * phi.ln(), r, (phi - 1.0) / phi)
    };
    if log_p < -700.0 {
        return (mu + z * (phi * mu).sqrt()).ceil();
    }
    let limit = mu + 50.0 * (phi * mu).sqrt() + 100.0;
    let mut cum = 0.0;
    let mut k = 0.0;
    while k < limit {
        cum += log_p.exp();
        if cum >= prob {
            return k;
        }
        log_p += if poisson {
            (mu / (k + 1.0)).ln()
        } else {
            ((k + r) / (k + 1.0) * q).ln()
        };
        k += 1.0;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(values: &[u32]) -> Vec<(Date, u32)> {
        let start = jiff::civil::date(2022, 3, 1);
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let d = start
                    .checked_add(jiff::Span::new().days(i64::try_from(i).unwrap()))
                    .unwrap();
                (d, *v)
            })
            .collect()
    }

    /// A steady series of about 4 articles a day with ordinary day-to-day noise.
    fn steady(n: usize) -> Vec<u32> {
        const PATTERN: [u32; 10] = [3, 5, 4, 6, 2, 4, 5, 3, 4, 5];
        (0..n).map(|i| PATTERN[i % PATTERN.len()]).collect()
    }

    /// The judgement of day `t` of `y` as it was computed before the table of judgements: the
    /// days relative to `t`, the fit, the threshold.
    fn judgement_of_day(y: &[f64], t: usize, p: &FarringtonParams) -> Option<Judgement> {
        let end = t.checked_sub(p.guard)?;
        let start = end.saturating_sub(p.baseline);
        if end - start < p.min_baseline {
            return None;
        }
        let x: Vec<f64> = (start..end).map(|i| i as f64 - t as f64).collect();
        let (expected, dispersion, trend) = predict(&y[start..end], &x, p);
        let z = qnorm(1.0 - p.alpha);
        Some(Judgement {
            expected,
            dispersion,
            trend,
            threshold: nb_quantile(expected, dispersion, 1.0 - p.alpha, z),
        })
    }

    /// [`fit`] as it was before `exp` of a repeated linear predictor was kept.
    fn fit_before(y: &[f64], x: &[f64], w: &[f64], trend: bool) -> Option<Fit> {
        let sw: f64 = w.iter().sum();
        let swy: f64 = y.iter().zip(w).map(|(y, w)| y * w).sum();
        if sw <= 0.0 || swy <= 0.0 {
            return None;
        }
        let mean = swy / sw;
        if !trend {
            return Some(Fit {
                beta: [mean.ln(), 0.0],
                mu: vec![mean; y.len()],
                cov: [1.0 / (sw * mean), 0.0, 0.0, 0.0],
                params: 1,
            });
        }
        let mut beta = [mean.ln(), 0.0];
        let mut cov = [0.0; 4];
        for _ in 0..50 {
            let (mut s0, mut s1, mut s2, mut t0, mut t1) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for ((yi, xi), wi) in y.iter().zip(x).zip(w) {
                let eta = (beta[0] + beta[1] * xi).clamp(-30.0, 30.0);
                let mu = eta.exp();
                let ww = wi * mu;
                let zi = eta + (yi - mu) / mu;
                s0 += ww;
                s1 += ww * xi;
                s2 += ww * xi * xi;
                t0 += ww * zi;
                t1 += ww * xi * zi;
            }
            let det = s0 * s2 - s1 * s1;
            if det.abs() < 1e-12 || !det.is_finite() {
                return None;
            }
            let next = [(s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det];
            cov = [s2 / det, -s1 / det, -s1 / det, s0 / det];
            let change = (next[0] - beta[0]).abs() + (next[1] - beta[1]).abs();
            beta = next;
            if !beta[0].is_finite() || !beta[1].is_finite() {
                return None;
            }
            if change < 1e-9 {
                break;
            }
        }
        let mu = x
            .iter()
            .map(|xi| (beta[0] + beta[1] * xi).clamp(-30.0, 30.0).exp())
            .collect();
        Some(Fit {
            beta,
            mu,
            cov,
            params: 2,
        })
    }

    /// [`predict`] as it was before: [`fit_before`], and every round refitted (also with the
    /// weights of the fit it has, to the bit).
    fn predict_before(y: &[f64], x: &[f64], p: &FarringtonParams) -> (f64, f64, bool) {
        if y.iter().sum::<f64>() <= 0.0 {
            return (0.0, 1.0, false);
        }
        let ones = vec![1.0; y.len()];
        let y23: Vec<f64> = y.iter().map(|yi| yi.powf(2.0 / 3.0)).collect();
        let reweighted = |trend: bool| -> Option<(Fit, Vec<f64>)> {
            let mut w = ones.clone();
            let mut f = fit_before(y, x, &w, trend)?;
            for _ in 0..p.reweight_rounds {
                let phi = f.dispersion(y, &w);
                let mut next: Vec<f64> = y23
                    .iter()
                    .zip(x)
                    .zip(&f.mu)
                    .map(|((yi23, xi), mi)| {
                        let h = f.leverage(*xi, *mi, 1.0);
                        let (mi23, mi16) = (mi.powf(2.0 / 3.0), mi.powf(1.0 / 6.0));
                        let s = 1.5 * (yi23 - mi23) / (mi16 * (phi * (1.0 - h).max(1e-6)).sqrt());
                        if s > p.reweight_above {
                            s.powi(-2)
                        } else {
                            1.0
                        }
                    })
                    .collect();
                let total: f64 = next.iter().sum();
                let n = y.len() as f64;
                next.iter_mut().for_each(|v| *v *= n / total);
                let settled = next.iter().zip(&w).all(|(a, b)| (a - b).abs() < 1e-6);
                w = next;
                f = fit_before(y, x, &w, trend)?;
                if settled {
                    break;
                }
            }
            Some((f, w))
        };
        let max = y.iter().copied().fold(0.0, f64::max);
        if p.trend
            && let Some((f, w)) = reweighted(true)
        {
            let phi = f.dispersion(y, &w);
            let se = (phi * f.cov[3]).sqrt();
            let mu0 = f.predict(0.0);
            if se > 0.0 && (f.beta[1] / se).abs() >= 1.96 && mu0 <= 2.0 * max {
                return (mu0, phi, true);
            }
        }
        match reweighted(false) {
            Some((f, w)) => (f.predict(0.0), f.dispersion(y, &w), false),
            None => (0.0, 1.0, false),
        }
    }

    /// Fits and predictions to the bit, new and old, on listed baselines (flat, one spike, all
    /// zeros but one, a steady series, a trend) and on the given parameters.
    fn same_as_before(y: &[f64], p: &FarringtonParams) {
        let x: Vec<f64> = (0..y.len())
            .map(|i| i as f64 - (y.len() + 7) as f64)
            .collect();
        let w: Vec<f64> = y.iter().map(|v| 1.0 / (1.0 + v)).collect();
        for trend in [true, false] {
            for weights in [vec![1.0; y.len()], w.clone()] {
                let (a, b) = (
                    fit(y, &x, &weights, trend),
                    fit_before(y, &x, &weights, trend),
                );
                let bits = |f: &Option<Fit>| {
                    f.as_ref().map(|f| {
                        let mut v: Vec<u64> = f.beta.iter().map(|b| b.to_bits()).collect();
                        v.extend(f.cov.iter().map(|c| c.to_bits()));
                        v.extend(f.mu.iter().map(|m| m.to_bits()));
                        (v, f.params)
                    })
                };
                assert_eq!(bits(&a), bits(&b), "{y:?} {trend}");
            }
        }
        let (a, b) = (predict(y, &x, p), predict_before(y, &x, p));
        assert_eq!(
            (a.0.to_bits(), a.1.to_bits(), a.2),
            (b.0.to_bits(), b.1.to_bits(), b.2),
            "{y:?}"
        );
    }

    #[test]
    fn fits_and_predictions_are_those_before() {
        let p = FarringtonParams::default();
        let steady: Vec<f64> = steady(28).iter().map(|&n| f64::from(n)).collect();
        let rising: Vec<f64> = (0..28).map(|i| f64::from(2 + i / 3)).collect();
        let mut spike = vec![1.0; 28];
        spike[20] = 40.0;
        let mut lone = vec![0.0; 28];
        lone[3] = 1.0;
        for y in [steady, rising, spike, lone, vec![0.0; 28], vec![3.0; 14]] {
            same_as_before(&y, &p);
            same_as_before(
                &y,
                &FarringtonParams {
                    reweight_above: f64::INFINITY,
                    ..p
                },
            );
            same_as_before(
                &y,
                &FarringtonParams {
                    reweight_rounds: 0,
                    ..p
                },
            );
        }
    }

    proptest::proptest! {
        /// Any sparse or busy baseline, under a few parameters, fits and predicts as before.
        #[test]
        fn any_baseline_fits_as_before(
            counts in proptest::collection::vec(
                proptest::prop_oneof![6 => 0u32..3, 3 => 0u32..8, 1 => 0u32..60],
                3..40,
            ),
            reweight_above in proptest::prop_oneof![
                proptest::prelude::Just(1.0),
                proptest::prelude::Just(2.58),
                0.0f64..4.0
            ],
            reweight_rounds in 0usize..7,
        ) {
            let y: Vec<f64> = counts.iter().map(|&n| f64::from(n)).collect();
            let p = FarringtonParams { reweight_above, reweight_rounds, ..FarringtonParams::default() };
            same_as_before(&y, &p);
        }
    }

    fn bits(j: &Judgement) -> (u64, u64, bool, u64) {
        (
            j.expected.to_bits(),
            j.dispersion.to_bits(),
            j.trend,
            j.threshold.to_bits(),
        )
    }

    proptest::proptest! {
        /// Every judgement, fitted or found in the table (each day is judged twice, and sparse
        /// series repeat baselines), is bit for bit the fit of the day's baseline; a table
        /// filled under other parameters answers nothing for these.
        #[test]
        fn judgements_from_the_table_are_the_fits(
            counts in proptest::collection::vec(
                proptest::prop_oneof![6 => 0u32..3, 3 => 0u32..8, 1 => 0u32..60],
                20..90,
            ),
            trend in proptest::bool::ANY,
            guard in 5usize..9,
        ) {
            let p = FarringtonParams { trend, guard, ..FarringtonParams::default() };
            let other = FarringtonParams { reweight_above: 2.58, ..p };
            let y: Vec<f64> = counts.iter().map(|&n| f64::from(n)).collect();
            let z = qnorm(1.0 - p.alpha);
            for round in 0..2 {
                for t in 0..y.len() {
                    let Some(want) = judgement_of_day(&y, t, &p) else { continue };
                    let end = t - p.guard;
                    let window = &y[end.saturating_sub(p.baseline)..end];
                    if round == 0 {
                        // The same baseline under other parameters, first.
                        let _ = judge(window, &other, z);
                    }
                    proptest::prop_assert_eq!(bits(&judge(window, &p, z)), bits(&want));
                }
            }
        }
    }

    /// The table's hash tells apart the baselines of sparse counts (whose float bits differ
    /// in their high words only), in its low bits (the bucket) and its high ones (the tag).
    #[test]
    fn baselines_of_sparse_counts_hash_apart() {
        use std::hash::BuildHasher;
        let p = params_key(&FarringtonParams::default());
        let (mut all, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..3u32.pow(9) {
            let window: Vec<u64> = (0..28)
                .map(|d| f64::from(if d < 9 { i / 3u32.pow(d) % 3 } else { 1 }).to_bits())
                .collect();
            let h = KeyHash.hash_one(&(p, window));
            all.push(h);
            low.push(h & 0xffff);
            high.push(h >> 57);
        }
        for v in [&mut all, &mut low, &mut high] {
            v.sort_unstable();
            v.dedup();
        }
        assert_eq!(all.len(), 3usize.pow(9));
        assert!(low.len() > 16_000, "{} buckets of 19,683 keys", low.len());
        assert_eq!(high.len(), 128);
    }

    /// A table at its bound starts over, and judges as before.
    #[test]
    fn a_full_table_starts_over() {
        let p = FarringtonParams::default();
        let z = qnorm(1.0 - p.alpha);
        let y: Vec<f64> = steady(40).iter().map(|&n| f64::from(n)).collect();
        let want = judgement_of_day(&y, 35, &p).unwrap();
        JUDGED.with(|m| {
            let mut m = m.borrow_mut();
            m.by_baseline.clear();
            for i in 0..JUDGED_MAX as u64 {
                m.by_baseline
                    .insert((params_key(&p), vec![i]), fit_judgement(&[0.0; 3], &p, z));
            }
        });
        let window = &y[35 - 7 - 28..35 - 7];
        assert_eq!(bits(&judge(window, &p, z)), bits(&want));
        JUDGED.with(|m| assert_eq!(m.borrow().by_baseline.len(), 1));
        assert_eq!(bits(&judge(window, &p, z)), bits(&want));
    }

    /// The kept powers of a mean are those `powf` gives, for a repeated mean and a new one.
    #[test]
    fn mean_powers_are_those_of_powf() {
        let mut p = MeanPowers::default();
        for mu in [2.5, 2.5, 0.3, 1e-9, 0.3, 17.25, 17.25, 4.0] {
            let (a, b) = p.of(mu);
            assert_eq!(a.to_bits(), f64::powf(mu, 2.0 / 3.0).to_bits());
            assert_eq!(b.to_bits(), f64::powf(mu, 1.0 / 6.0).to_bits());
        }
    }

    #[test]
    fn quantiles_match_r() {
        // R: qpois(0.99, 4) = 9; qpois(0.99, 0.5) = 3; qnbinom(0.99, size = 4, mu = 4) = 13
        // (size = mu / (phi - 1), so phi = 2).
        let z = qnorm(0.99);
        assert_eq!(nb_quantile(4.0, 1.0, 0.99, z), 9.0);
        assert_eq!(nb_quantile(0.5, 1.0, 0.99, z), 3.0);
        assert_eq!(nb_quantile(4.0, 2.0, 0.99, z), 13.0);
        assert_eq!(nb_quantile(0.0, 1.0, 0.99, z), 0.0);
        // A mean of 10,000: the first Poisson term underflows; normal approximation.
        let big = nb_quantile(10_000.0, 1.0, 0.99, z);
        assert!((big - 10_233.0).abs() <= 1.0, "{big}");
    }

    #[test]
    fn flat_series_gives_no_alarm() {
        let s = days(&steady(60));
        let d = farrington_days(&s, &FarringtonParams::default()).unwrap();
        // Assessed from day 21 (14 baseline days + 7 guard days before it).
        assert_eq!(d.len(), 60 - 21);
        assert!(
            d.iter().all(|d| !d.alarm),
            "{:#?}",
            d.iter().find(|d| d.alarm)
        );
        assert!(d.iter().all(|d| (3.0..5.5).contains(&d.expected)));
        assert!(
            farrington(&s, &FarringtonParams::default(), &Subject::default())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn injected_spike_alarms() {
        let mut v = steady(60);
        v[59] = 25;
        let s = days(&v);
        let subject = Subject::new(Some("DOID:4325"), Some("Ebola virus disease"), Some("CD"));
        let sig = farrington(&s, &FarringtonParams::default(), &subject).unwrap();
        assert_eq!(sig.len(), 1, "{sig:#?}");
        let a = &sig[0];
        assert_eq!(a.kind, "farrington");
        assert_eq!(a.date, "2022-04-29");
        assert_eq!(a.value, 25.0);
        assert!(a.threshold >= 8.0 && a.threshold <= 12.0, "{}", a.threshold);
        assert!(a.score > 0.5 && a.score < 1.0, "{}", a.score);
        assert!(
            a.reason.starts_with(
                "Farrington: 25 articles about Ebola virus disease in CD on 2022-04-29, above \
                 the threshold"
            ),
            "{}",
            a.reason
        );
    }

    #[test]
    fn a_past_outbreak_is_down_weighted() {
        // Three days of 40 articles inside the baseline of the last day: without reweighting
        // they would lift the expected count and the dispersion enough to hide a day of 16.
        let mut v = steady(60);
        v[40] = 40;
        v[41] = 40;
        v[42] = 40;
        v[59] = 16;
        let s = days(&v);
        let with = farrington_days(&s, &FarringtonParams::default()).unwrap();
        let last = with.last().unwrap();
        assert!(last.alarm, "{last:#?}");
        let without = FarringtonParams {
            reweight_above: f64::INFINITY,
            ..FarringtonParams::default()
        };
        let plain = farrington_days(&s, &without).unwrap();
        let last_plain = plain.last().unwrap();
        assert!(
            last_plain.expected > last.expected,
            "{last_plain:#?} vs {last:#?}"
        );
        assert!(!last_plain.alarm, "{last_plain:#?}");
        // Noufaily's single round at 2.58 leaves the outbreak days at full weight here.
        let noufaily = FarringtonParams {
            reweight_above: 2.58,
            reweight_rounds: 1,
            ..FarringtonParams::default()
        };
        let last_n = *farrington_days(&s, &noufaily).unwrap().last().unwrap();
        assert!(!last_n.alarm, "{last_n:#?}");
    }

    #[test]
    fn stray_articles_do_not_alarm() {
        // Nothing for 40 days, then 3 articles: above a zero baseline, but fewer than 5 in the
        // last 4 days. Then 6 on the next day: an alarm.
        let mut v = vec![0; 40];
        v.push(3);
        let d = farrington_days(&days(&v), &FarringtonParams::default()).unwrap();
        let last = d.last().unwrap();
        assert_eq!((last.expected, last.threshold), (0.0, 0.0));
        assert!(!last.alarm);
        v.push(6);
        let d = farrington_days(&days(&v), &FarringtonParams::default()).unwrap();
        assert!(d.last().unwrap().alarm);
    }

    #[test]
    fn a_rising_trend_is_followed() {
        // Counts growing by one every 3 days: the trend is significant and kept, so a day on
        // the trend line does not alarm.
        let v: Vec<u32> = (0..60u32).map(|i| 2 + i / 3).collect();
        let d = farrington_days(&days(&v), &FarringtonParams::default()).unwrap();
        let last = d.last().unwrap();
        assert!(last.trend, "{last:#?}");
        assert!(!last.alarm, "{last:#?}");
        assert!(last.expected > 15.0, "{last:#?}");
    }

    #[test]
    fn bad_parameters_are_errors() {
        let p = FarringtonParams {
            min_baseline: 40,
            ..FarringtonParams::default()
        };
        assert!(matches!(
            farrington_days(&days(&[1]), &p),
            Err(Error::Parameter(_))
        ));
    }
}
