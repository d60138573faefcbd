//! How much an event deserves an analyst's attention, in 0..1.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use epiwire_timeline::Timeline;

use crate::Signal;

/// Severity of a disease for public-health attention, 0..1: case fatality, epidemic potential,
/// and whether a single case is an event (IHR Annex 2 style), by Disease Ontology id or
/// preferred name (as in `crates/annotate/data/diseases.tsv`).
///
/// - 1.0: viral haemorrhagic fevers (Ebola, Marburg, Lassa, Crimean-Congo), plague, smallpox,
///   avian influenza (H5N1, H7N9), MERS, SARS, Nipah, anthrax;
/// - 0.9: poliomyelitis, an undiagnosed illness, Rift Valley fever, yellow fever;
/// - 0.7: mpox, hantavirus, diphtheria, meningococcal disease, rabies;
/// - 0.6: measles, cholera, COVID-19, dengue haemorrhagic fever, meningitis, typhoid;
/// - 0.5: dengue, Zika, chikungunya, malaria, hepatitis A and E, leptospirosis, pertussis;
/// - 0.4: fever or acute respiratory illness (syndromes), tuberculosis; any disease not listed;
/// - 0.3: seasonal influenza, mumps, hepatitis B, C and D;
/// - 0.2: long COVID.
const SEVERITY: &[(&str, &str, f64)] = &[
    ("DOID:4325", "ebola virus disease", 1.0),
    ("DOID:4327", "marburg virus disease", 1.0),
    ("DOID:9537", "lassa fever", 1.0),
    ("DOID:12287", "crimean-congo haemorrhagic fever", 1.0),
    ("DOID:3482", "plague", 1.0),
    ("DOID:8736", "smallpox", 1.0),
    ("DOID:4492", "avian influenza", 1.0),
    ("", "h5n1", 1.0),
    ("", "h7n9", 1.0),
    ("DOID:0080642", "middle east respiratory syndrome", 1.0),
    ("DOID:2945", "severe acute respiratory syndrome", 1.0),
    ("DOID:0050192", "nipah virus infection", 1.0),
    ("DOID:7427", "anthrax", 1.0),
    ("DOID:4953", "poliomyelitis", 0.9),
    ("epiwire:undiagnosed", "undiagnosed illness", 0.9),
    ("DOID:1328", "rift valley fever", 0.9),
    ("DOID:9682", "yellow fever", 0.9),
    ("DOID:3292", "mpox", 0.7),
    ("DOID:14472", "hantavirus pulmonary syndrome", 0.7),
    ("DOID:11266", "haemorrhagic fever with renal syndrome", 0.7),
    ("DOID:11405", "diphtheria", 0.7),
    ("DOID:0080176", "meningococcal disease", 0.7),
    ("DOID:11260", "rabies", 0.7),
    ("DOID:8622", "measles", 0.6),
    ("DOID:1498", "cholera", 0.6),
    ("DOID:0080600", "covid-19", 0.6),
    ("DOID:12206", "dengue haemorrhagic fever", 0.6),
    ("DOID:0050125", "dengue shock syndrome", 0.6),
    ("epiwire:meningitis", "meningitis", 0.6),
    ("DOID:13258", "typhoid fever", 0.6),
    ("DOID:12205", "dengue", 0.5),
    ("DOID:0060478", "zika virus disease", 0.5),
    ("DOID:0050012", "chikungunya", 0.5),
    ("DOID:12365", "malaria", 0.5),
    ("DOID:12549", "hepatitis a", 0.5),
    ("DOID:4411", "hepatitis e", 0.5),
    ("DOID:2297", "leptospirosis", 0.5),
    ("DOID:1116", "pertussis", 0.5),
    ("epiwire:fever", "fever (syndrome)", 0.4),
    (
        "epiwire:acute-respiratory-illness",
        "acute respiratory illness",
        0.4,
    ),
    ("DOID:399", "tuberculosis", 0.4),
    ("DOID:8469", "influenza", 0.3),
    ("DOID:10264", "mumps", 0.3),
    ("DOID:2043", "hepatitis b", 0.3),
    ("DOID:1883", "hepatitis c", 0.3),
    ("DOID:2047", "hepatitis d", 0.3),
    ("DOID:0080848", "long covid", 0.2),
];

/// Severity of a disease not in the table.
const UNKNOWN_SEVERITY: f64 = 0.4;

/// The severity (0..1) of a disease given by id (`DOID:4325`) or name (`Ebola virus disease`,
/// any case); 0.4 when it is not in the table (see the table in this module's source).
pub fn severity(disease: &str) -> f64 {
    let d = disease.trim();
    let lower = d.to_lowercase();
    SEVERITY
        .iter()
        .find(|(id, name, _)| (!id.is_empty() && *id == d) || *name == lower)
        .map_or(UNKNOWN_SEVERITY, |(_, _, s)| *s)
}

/// A document of an event, for counting independent outlets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Document id.
    pub doc_id: String,
    /// Its outlet (host), when known.
    pub outlet: Option<String>,
    /// The document it is a near-duplicate of, when it is one.
    pub duplicate_of: Option<String>,
}

/// The number of independent outlets among `sources`: near-duplicates (syndicated copies) are
/// counted once, with the document they copy; a document without an outlet counts as its own.
pub fn independent_outlets(sources: &[Source]) -> usize {
    let mut seen = BTreeSet::new();
    for s in sources.iter().filter(|s| s.duplicate_of.is_none()) {
        let key = match &s.outlet {
            Some(o) => format!("o:{o}"),
            None => format!("d:{}", s.doc_id),
        };
        seen.insert(key);
    }
    seen.len()
}

/// The deaths of an event for [`relevance`]: over the country-level death series of the
/// timeline, the largest cumulative value reported (derived points included), else the sum of
/// the new deaths reported; 0 when there is no death figure.
pub fn deaths(timeline: &Timeline) -> f64 {
    let series = || {
        timeline
            .series
            .iter()
            .filter(|s| s.metric == "deaths" && s.place.is_none())
    };
    let cumulative = series()
        .filter(|s| s.scope == "cumulative")
        .flat_map(|s| &s.points)
        .map(|p| p.value)
        .fold(0.0, f64::max);
    if cumulative > 0.0 {
        return cumulative;
    }
    series()
        .filter(|s| s.scope == "new")
        .flat_map(|s| &s.points)
        .map(|p| p.value)
        .sum()
}

/// What [`relevance`] weighs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RelevanceInput<'a> {
    /// The event's diseases (ids or names); the most severe counts.
    pub diseases: &'a [String],
    /// The most deaths reported for the event (its latest cumulative figure, else the sum of
    /// new ones).
    pub deaths: f64,
    /// Days since the event was first seen, counted to the day ranked for (0 = today); `None`
    /// when unknown.
    pub age_days: Option<i64>,
    /// Independent outlets ([`independent_outlets`]).
    pub outlets: usize,
    /// The event's recent signals (the caller chooses the window, e.g. 7 days).
    pub signals: &'a [Signal],
}

/// Relevance of an event in 0..1: a weighted sum of five parts, each in 0..1.
///
/// | part | weight | value |
/// |---|---|---|
/// | severity | 0.35 | [`severity`] of the most severe disease (0.4 when none is known) |
/// | deaths | 0.20 | `ln(1 + deaths) / ln(1001)`, capped at 1 (1 death 0.10, 50 deaths 0.57, 1,000 deaths 1) |
/// | novelty | 0.15 | `exp(−age/14)` (halves in about 10 days; 0.5 when unknown) |
/// | outlets | 0.15 | `1 − exp(−(outlets − 1)/3)` (one outlet 0, two 0.28, four 0.63) |
/// | signals | 0.15 | `1 − Π(1 − scoreᵢ)` over the signals |
pub fn relevance(input: &RelevanceInput<'_>) -> f64 {
    let sev = input
        .diseases
        .iter()
        .map(|d| severity(d))
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))))
        .unwrap_or(UNKNOWN_SEVERITY);
    let deaths = if input.deaths > 0.0 {
        ((1.0 + input.deaths).ln() / 1001f64.ln()).min(1.0)
    } else {
        0.0
    };
    let novelty = match input.age_days {
        Some(a) => (-(a.max(0) as f64) / 14.0).exp(),
        None => 0.5,
    };
    let outlets = 1.0 - (-((input.outlets.max(1) - 1) as f64) / 3.0).exp();
    let signals = 1.0
        - input
            .signals
            .iter()
            .map(|s| 1.0 - s.score.clamp(0.0, 1.0))
            .product::<f64>();
    let r = 0.35 * sev + 0.20 * deaths + 0.15 * novelty + 0.15 * outlets + 0.15 * signals;
    if r.is_finite() {
        r.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_by_id_or_name() {
        assert_eq!(severity("DOID:4325"), 1.0);
        assert_eq!(severity("Ebola virus disease"), 1.0);
        assert_eq!(severity("H5N1"), 1.0);
        assert_eq!(severity("measles"), 0.6);
        assert_eq!(severity("DOID:8469"), 0.3);
        assert_eq!(severity("something new"), 0.4);
        assert_eq!(severity(""), 0.4);
    }

    #[test]
    fn duplicates_and_repeat_outlets_count_once() {
        let src = |id: &str, o: Option<&str>, dup: Option<&str>| Source {
            doc_id: id.into(),
            outlet: o.map(str::to_string),
            duplicate_of: dup.map(str::to_string),
        };
        let s = vec![
            src("a", Some("voi.id"), None),
            src("b", Some("voi.id"), None),
            src("c", Some("hani.co.kr"), None),
            src("d", Some("yahoo.com"), Some("c")),
            src("e", None, None),
        ];
        assert_eq!(independent_outlets(&s), 3);
    }

    fn signal(score: f64) -> Signal {
        Signal {
            kind: "ears_c1".into(),
            date: "2022-05-18".into(),
            disease: None,
            disease_name: None,
            country: None,
            event: None,
            value: 1.0,
            threshold: 1.0,
            score,
            reason: String::new(),
        }
    }

    #[test]
    fn relevance_by_hand() {
        // Ebola, 50 deaths, first seen today, 4 outlets, one signal of score 0.5:
        // 0.35*1 + 0.2*ln(51)/ln(1001) + 0.15*1 + 0.15*(1-e^-1) + 0.15*0.5
        // = 0.35 + 0.2*0.5691 + 0.15 + 0.15*0.6321 + 0.075 = 0.7837.
        let diseases = vec!["DOID:4325".to_string()];
        let sigs = vec![signal(0.5)];
        let r = relevance(&RelevanceInput {
            diseases: &diseases,
            deaths: 50.0,
            age_days: Some(0),
            outlets: 4,
            signals: &sigs,
        });
        let expected =
            0.35 + 0.2 * (51f64.ln() / 1001f64.ln()) + 0.15 + 0.15 * (1.0 - (-1f64).exp()) + 0.075;
        assert!(
            (r - expected).abs() < 1e-12 && (r - 0.7837).abs() < 1e-3,
            "{r}"
        );
        // Seasonal flu, no deaths, a month old, one outlet, no signal: low.
        let flu = vec!["influenza".to_string()];
        let low = relevance(&RelevanceInput {
            diseases: &flu,
            age_days: Some(30),
            outlets: 1,
            ..RelevanceInput::default()
        });
        assert!(low < 0.15, "{low}");
        assert!(r > low);
        // Bounded whatever the input.
        let many: Vec<Signal> = (0..50).map(|_| signal(1.0)).collect();
        let top = relevance(&RelevanceInput {
            diseases: &diseases,
            deaths: 1e9,
            age_days: Some(-3),
            outlets: 1000,
            signals: &many,
        });
        assert!(top <= 1.0 && top > 0.99, "{top}");
    }
}
