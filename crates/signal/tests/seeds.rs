//! Signals on the founding example: COVID-19 in North Korea, Hankyoreh (seed 000, 17 May 2022)
//! then VOI (seed 004, 18 May 2022), annotated by the real pipeline stages.
// Test helpers outside `#[test]` functions may fail loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use epiwire_model::{Body, Document, RawDoc};
use epiwire_signal::{
    JumpParams, RelevanceInput, Source, deaths, independent_outlets, jumps, new_events, relevance,
    sightings,
};
use epiwire_timeline::{Figure, Timeline, figures, reconcile};

/// A seed read as `epiwire extract` reads a `.txt` file. Seed 004 has no date of its own and no
/// URL or metadata; its text dates it (figures "as of Wednesday", the Korea Times report of
/// "May 18"; 18 May 2022 was a Wednesday), so it is given 18 May 2022 as a record's own
/// `published` field, as the annotate crate's count tests do.
fn seed(name: &str, published: Option<&str>) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/seeds")
        .join(name);
    let raw = RawDoc {
        id: name.to_string(),
        url: None,
        title: None,
        published: published.map(str::to_string),
        fetched: None,
        body: Body::Text(std::fs::read_to_string(&path).unwrap()),
    };
    let mut doc = Document::from_article(&raw, epiwire_article::extract(&raw).unwrap());
    epiwire_annotate::annotate(&mut doc);
    doc
}

fn seeds() -> (Vec<Figure>, Timeline) {
    let mut figs = figures(&seed("000_c6c40698dd1a2ea1.txt", None));
    figs.extend(figures(&seed(
        "004_600c830cdf3f4dc2.txt",
        Some("2022-05-18"),
    )));
    let t = reconcile(&figs);
    (figs, t)
}

#[test]
fn cases_jump_deaths_do_not() {
    let (_, t) = seeds();
    let sig = jumps(&t, Some("E1"), &JumpParams::default());
    let kp: Vec<_> = sig
        .iter()
        .filter(|s| s.country.as_deref() == Some("KP"))
        .collect();
    // Cumulative cases: more than 1.2 million -> more than 1.72 million (+520,000 > 1,000).
    // Cumulative deaths: more than 50 -> 62 is +24% and +12: below both thresholds.
    assert_eq!(kp.len(), 1, "{sig:#?}");
    assert_eq!(kp[0].date, "2022-05-18");
    assert_eq!(kp[0].value, 1_720_000.0);
    assert_eq!(
        kp[0].reason,
        "cumulative cases of COVID-19 in KP rose from more than 1,200,000 on 17 May 2022 to \
         more than 1,720,000 on 18 May 2022 (+520,000, +43%, in 1 day)"
    );
}

#[test]
fn the_event_is_new_on_17_may_only() {
    let (figs, _) = seeds();
    let s = sightings(&figs, Some("E1"));
    let kp: Vec<_> = s
        .iter()
        .filter(|s| s.country.as_deref() == Some("KP"))
        .collect();
    assert_eq!(kp.len(), 2, "one sighting per document: {s:#?}");
    let sig = new_events(&s, 30).unwrap();
    let kp: Vec<_> = sig
        .iter()
        .filter(|s| s.country.as_deref() == Some("KP"))
        .collect();
    assert_eq!(kp.len(), 1, "{sig:#?}");
    assert_eq!(kp[0].date, "2022-05-17");
    assert_eq!(kp[0].disease.as_deref(), Some("DOID:0080600"));
    assert_eq!(kp[0].event.as_deref(), Some("E1"));
}

#[test]
fn relevance_of_the_seed_event() {
    let (_, t) = seeds();
    assert_eq!(deaths(&t), 62.0);
    let outlets = independent_outlets(&[
        Source {
            doc_id: "000".into(),
            outlet: Some("hani.co.kr".into()),
            duplicate_of: None,
        },
        Source {
            doc_id: "004".into(),
            outlet: Some("voi.id".into()),
            duplicate_of: None,
        },
    ]);
    let sig = jumps(&t, None, &JumpParams::default());
    let diseases = vec!["DOID:0080600".to_string()];
    let r = relevance(&RelevanceInput {
        diseases: &diseases,
        deaths: deaths(&t),
        age_days: Some(1),
        outlets,
        signals: &sig,
    });
    // 0.35*0.6 + 0.2*ln(63)/ln(1001) + 0.15*exp(-1/14) + 0.15*(1-exp(-1/3)) + 0.15*score
    let expected = 0.35 * 0.6
        + 0.2 * (63f64.ln() / 1001f64.ln())
        + 0.15 * (-1.0f64 / 14.0).exp()
        + 0.15 * (1.0 - (-1.0f64 / 3.0).exp())
        + 0.15 * sig.iter().map(|s| s.score).fold(0.0, f64::max);
    assert_eq!(sig.len(), 1);
    assert!((r - expected).abs() < 1e-9, "{r} vs {expected}");
    assert!(r > 0.5 && r < 0.8, "{r}");
}
