//! Event-level signals (new event, jump), EARS volume signals and the relevance score.
//!
//! EARS follows the CDC definitions as implemented by R's `surveillance::earsC` (Fricker et al.
//! 2008; Hutwagner et al. 2003): with `y_t` the documents of day `t`,
//!
//! - **C1**: baseline the 7 days `t-7 … t-1`; `C1_t = (y_t − μ) / σ`;
//! - **C2**: baseline the 7 days `t-9 … t-3` (a two-day guard band); `C2_t = (y_t − μ) / σ`;
//! - **C3**: `C3_t = Σ_{i=0..2} max(0, C2_{t-i} − 1)`.
//!
//! μ and σ are the mean and the sample standard deviation (n − 1) of the baseline. Thresholds
//! are the classic CDC ones, 3 for C1 and C2 and 2 for C3 (surveillance's default `alpha =
//! 0.001` gives `qnorm(0.999) ≈ 3.09` for C1/C2). Article counts are small integers, often
//! constant, so σ is floored at [`MIN_SIGMA`] (surveillance's `minSigma` parameter, 0 there),
//! and a day needs at least [`MIN_COUNT`] documents to raise anything.

use std::collections::BTreeMap;

use epiwire_timeline::Timeline;

use crate::{EventSummary, Signal};

/// Floor of the baseline standard deviation (surveillance's `minSigma`).
pub const MIN_SIGMA: f64 = 0.5;
/// Documents a day needs before a volume signal is raised.
pub const MIN_COUNT: u32 = 3;
/// C1 and C2 threshold.
pub const C12_THRESHOLD: f64 = 3.0;
/// C3 threshold.
pub const C3_THRESHOLD: f64 = 2.0;
/// A cumulative figure rising by at least this share between consecutive dates is a jump.
pub const JUMP_RATIO: f64 = 0.25;
/// …and by at least this much.
pub const JUMP_MIN: f64 = 10.0;

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 {
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// The EARS statistic of day index `t` of a dense daily series, with the baseline ending `lag`
/// days before `t` (1 for C1, 3 for C2); `None` without 7 baseline days.
pub fn ears_stat(series: &[f64], t: usize, lag: usize) -> Option<f64> {
    let end = t.checked_sub(lag - 1)?; // baseline is series[end-7 .. end)
    let start = end.checked_sub(7)?;
    let (mu, sd) = mean_sd(series.get(start..end)?);
    Some((series.get(t)? - mu) / sd.max(MIN_SIGMA))
}

/// C1, C2 and C3 of day index `t`.
pub fn ears(series: &[f64], t: usize) -> (Option<f64>, Option<f64>, Option<f64>) {
    let c1 = ears_stat(series, t, 1);
    let c2 = ears_stat(series, t, 3);
    let c3 = (0..3)
        .map(|i| t.checked_sub(i).and_then(|u| ears_stat(series, u, 3)))
        .collect::<Option<Vec<f64>>>()
        .map(|v| v.iter().map(|c| (c - 1.0).max(0.0)).sum());
    (c1, c2, c3)
}

/// Dense daily counts from sparse `(day, n)` pairs, ending on `day`; the index of `day`.
fn dense(series: &[(String, u32)], day: &str) -> Option<(Vec<f64>, usize)> {
    let end: jiff::civil::Date = day.parse().ok()?;
    let counts: BTreeMap<&str, u32> = series.iter().map(|(d, n)| (d.as_str(), *n)).collect();
    let first: jiff::civil::Date = series.first()?.0.parse().ok()?;
    let mut out = Vec::new();
    let mut d = first;
    while d <= end {
        let key = d.to_string();
        out.push(f64::from(counts.get(key.as_str()).copied().unwrap_or(0)));
        d = d.tomorrow().ok()?;
    }
    let t = out.len().checked_sub(1)?;
    Some((out, t))
}

/// EARS volume signals of one disease × country for `day`, from its daily document counts.
pub fn volume_signals(
    disease: &str,
    disease_name: Option<&str>,
    country: &str,
    series: &[(String, u32)],
    day: &str,
) -> Vec<Signal> {
    let Some((counts, t)) = dense(series, day) else {
        return Vec::new();
    };
    let y = counts.get(t).copied().unwrap_or(0.0);
    if y < f64::from(MIN_COUNT) {
        return Vec::new();
    }
    let (c1, c2, c3) = ears(&counts, t);
    let name = disease_name.unwrap_or(disease);
    let mut out = Vec::new();
    for (kind, stat, threshold, baseline) in [
        ("ears_c1", c1, C12_THRESHOLD, "the 7 days before"),
        ("ears_c2", c2, C12_THRESHOLD, "days 3 to 9 before"),
        (
            "ears_c3",
            c3,
            C3_THRESHOLD,
            "the last three days' C2 excesses",
        ),
    ] {
        let Some(s) = stat else { continue };
        if s > threshold {
            out.push(Signal {
                kind: kind.to_string(),
                date: day.to_string(),
                disease: Some(disease.to_string()),
                disease_name: Some(name.to_string()),
                country: Some(country.to_string()),
                event: None,
                value: y,
                threshold,
                score: (s / (2.0 * threshold)).min(1.0),
                reason: format!(
                    "{y} reports of {name} in {country} on {day}: EARS {} statistic {s:.1} above {threshold} (baseline {baseline})",
                    &kind[5..].to_uppercase()
                ),
            });
        }
    }
    out
}

/// A new event: no event of this disease in this country in the `days` before it.
pub fn new_event(
    event: &str,
    disease: &str,
    disease_name: &str,
    country: &str,
    day: &str,
    days: i64,
) -> Signal {
    Signal {
        kind: "new_event".to_string(),
        date: day.to_string(),
        disease: Some(disease.to_string()),
        disease_name: Some(disease_name.to_string()),
        country: Some(country.to_string()),
        event: Some(event.to_string()),
        value: 1.0,
        threshold: days as f64,
        score: 1.0,
        reason: format!("first report of {disease_name} in {country} in {days} days ({day})"),
    }
}

fn grouped(v: f64) -> String {
    if v.fract() != 0.0 || v.abs() >= 1e15 {
        return format!("{v}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Jumps in reported figures: a cumulative series rising by at least [`JUMP_RATIO`] (and
/// [`JUMP_MIN`]) between consecutive as-of dates, or a new-cases series at least doubling.
pub fn jumps(t: &Timeline) -> Vec<Signal> {
    let mut out = Vec::new();
    for s in &t.series {
        if s.scope != "cumulative" && s.scope != "new" {
            continue;
        }
        for w in s.points.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let rise = b.value - a.value;
            let hit = match s.scope.as_str() {
                "cumulative" => rise >= JUMP_MIN && a.value > 0.0 && rise / a.value >= JUMP_RATIO,
                _ => rise >= JUMP_MIN && b.value >= 2.0 * a.value,
            };
            if !hit {
                continue;
            }
            let name = s.disease_name.clone().or_else(|| s.disease.clone());
            let place = s
                .place_name
                .clone()
                .or_else(|| s.country.clone())
                .unwrap_or_else(|| "-".into());
            let pct = if a.value > 0.0 {
                rise / a.value * 100.0
            } else {
                100.0
            };
            out.push(Signal {
                kind: "jump".to_string(),
                date: b.as_of.clone(),
                disease: s.disease.clone(),
                disease_name: name.clone(),
                country: s.country.clone(),
                event: None,
                value: b.value,
                threshold: a.value,
                score: (pct / 200.0).clamp(0.1, 1.0),
                reason: format!(
                    "{} {} of {} in {place} rose from {} ({}) to {} ({}), +{pct:.0}%",
                    s.scope,
                    s.metric,
                    name.as_deref().unwrap_or("an unnamed disease"),
                    grouped(a.value),
                    a.as_of,
                    grouped(b.value),
                    b.as_of
                ),
            });
        }
    }
    out
}

/// Severity of a disease for ranking, 0..1, by its name (a small documented table: viral
/// haemorrhagic fevers, plague, novel or zoonotic influenza, MERS, Nipah, smallpox-like and
/// anthrax high; outbreak-prone diseases with notable mortality medium; the rest low).
pub fn severity(name: &str) -> f64 {
    let n = name.to_lowercase();
    const HIGH: &[&str] = &[
        "ebola",
        "marburg",
        "lassa",
        "crimean",
        "plague",
        "h5n1",
        "h7n9",
        "avian influenza",
        "mers",
        "middle east respiratory",
        "nipah",
        "smallpox",
        "anthrax",
        "rift valley",
        "hendra",
        "sars",
    ];
    const MEDIUM: &[&str] = &[
        "cholera",
        "measles",
        "yellow fever",
        "mpox",
        "monkeypox",
        "meningitis",
        "meningococcal",
        "diphtheria",
        "polio",
        "covid",
        "dengue",
        "zika",
        "chikungunya",
        "hantavirus",
        "typhoid",
        "rabies",
        "legionn",
        "leptospirosis",
        "hepatitis e",
        "influenza",
    ];
    if HIGH.iter().any(|k| n.contains(k)) {
        1.0
    } else if MEDIUM.iter().any(|k| n.contains(k)) {
        0.6
    } else {
        0.3
    }
}

/// The event's rank, 0..1: 0.35 × disease severity + 0.25 × deaths (log scale, 10,000 and
/// more = 1) + 0.15 × novelty (a `new_event` signal) + 0.15 × independent sources (log scale,
/// 10 and more = 1) + 0.10 × other signals (jumps, volume).
pub fn relevance(summary: &EventSummary, signals: &[Signal]) -> f64 {
    let severity = summary.diseases.first().map_or(0.2, |d| severity(&d.name));
    let deaths = summary
        .headline
        .iter()
        .filter(|f| f.metric == "deaths")
        .map(|f| f.value)
        .fold(0.0_f64, f64::max);
    let deaths = ((deaths + 1.0).log10() / 4.0).min(1.0);
    let novelty = if signals.iter().any(|s| s.kind == "new_event") {
        1.0
    } else {
        0.0
    };
    let sources = ((1.0 + summary.outlets as f64).ln() / 11f64.ln()).min(1.0);
    let other = if signals.iter().any(|s| s.kind != "new_event") {
        1.0
    } else {
        0.0
    };
    let r = 0.35 * severity + 0.25 * deaths + 0.15 * novelty + 0.15 * sources + 0.10 * other;
    (r * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ears_by_hand() {
        // Baseline 2,2,2,2,2,2,2 (σ = 0 → floored to 0.5), day 8 = 5: C1 = (5-2)/0.5 = 6.
        let s = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 5.0];
        let (c1, c2, c3) = ears(&s, 7);
        assert!((c1.unwrap() - 6.0).abs() < 1e-9);
        assert_eq!(c2, None, "C2 needs 9 days before");
        assert_eq!(c3, None);
        // Baseline 1,2,3,4,5,6,7: μ = 4, σ = sqrt(28/6) = 2.1602; y = 10 → C1 = 6/2.1602 = 2.7775.
        let s = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 10.0];
        assert!((ears(&s, 7).0.unwrap() - 2.777_460_7).abs() < 1e-6);
        // C2 of day 9 uses days 0..=6 (guard band days 7, 8).
        let s = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 100.0, 100.0, 10.0];
        assert!((ears(&s, 9).1.unwrap() - 2.777_460_7).abs() < 1e-6);
    }

    #[test]
    fn flat_series_gives_no_volume_signal_and_a_spike_does() {
        let mut series: Vec<(String, u32)> =
            (1..=20).map(|d| (format!("2022-05-{d:02}"), 3)).collect();
        assert!(
            volume_signals(
                "DOID:0080600",
                Some("COVID-19"),
                "KP",
                &series,
                "2022-05-20"
            )
            .is_empty()
        );
        series.push(("2022-05-21".into(), 15));
        let s = volume_signals(
            "DOID:0080600",
            Some("COVID-19"),
            "KP",
            &series,
            "2022-05-21",
        );
        assert!(s.iter().any(|s| s.kind == "ears_c1"), "{s:?}");
        assert!(
            s.iter()
                .all(|s| s.reason.contains("15 reports of COVID-19 in KP")),
            "{s:?}"
        );
    }

    #[test]
    fn severity_table() {
        assert_eq!(severity("Ebola virus disease"), 1.0);
        assert_eq!(severity("cholera"), 0.6);
        assert_eq!(severity("common cold"), 0.3);
    }
}
