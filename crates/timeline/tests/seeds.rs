//! The timeline of the founding example: COVID-19 in North Korea, May 2022, told by Hankyoreh
//! (seed 000, 17 May) and VOI (seed 004, 18 May), annotated by the real pipeline stages.
// Test helpers outside `#[test]` functions may fail loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use epiwire_model::{Body, Document, RawDoc};
use epiwire_timeline::{Figure, Series, Timeline, figures, reconcile};

/// Reads a seed as `epiwire extract` does for a `.txt` file (article stage, then annotation).
///
/// `published` plays the part of a record's own `published` field. Seed 000 carries its date in
/// the text ("Posted on : 2022-05-17 17:36 KST") and gets none here. Seed 004 carries none and
/// has no URL or metadata to take one from; its text dates itself: the figures are "as of
/// Wednesday" and the latest event it reports is the Korea Times report of "May 18", and
/// 18 May 2022 was a Wednesday. So the test gives it 18 May 2022, the date the annotate crate's
/// own count tests use for this seed.
fn seed(name: &str, published: Option<&str>) -> Document {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let raw = RawDoc {
        id: format!("tests/fixtures/seeds/{name}"),
        url: None,
        title: None,
        published: published.map(str::to_string),
        fetched: None,
        body: Body::Text(text),
    };
    let article = epiwire_article::extract(&raw).unwrap();
    let mut doc = Document::from_article(&raw, article);
    epiwire_annotate::annotate(&mut doc);
    doc
}

fn timeline() -> Timeline {
    let a = seed("000_c6c40698dd1a2ea1.txt", None);
    assert_eq!(a.published.as_deref(), Some("2022-05-17T17:36:00+09:00"));
    let b = seed("004_600c830cdf3f4dc2.txt", Some("2022-05-18"));
    let mut figs = figures(&b);
    figs.extend(figures(&a));
    reconcile(&figs)
}

fn kp_covid<'a>(t: &'a Timeline, metric: &str, scope: &str) -> &'a Series {
    t.series
        .iter()
        .find(|s| {
            s.disease.as_deref() == Some("DOID:0080600")
                && s.country.as_deref() == Some("KP")
                && s.place.is_none()
                && s.metric == metric
                && s.scope == scope
        })
        .unwrap_or_else(|| {
            panic!(
                "no KP COVID-19 {metric}/{scope} series; series: {}",
                describe(&t.series)
            )
        })
}

fn describe(series: &[Series]) -> String {
    series
        .iter()
        .map(|s| {
            let pts: Vec<String> = s
                .points
                .iter()
                .map(|p| format!("{} {} {}", p.as_of, p.qualifier, p.value))
                .collect();
            format!(
                "\n  {:?}/{:?}/{:?} {} {}: {}",
                s.disease,
                s.country,
                s.place,
                s.metric,
                s.scope,
                pts.join(", ")
            )
        })
        .collect()
}

/// (as_of, qualifier, value) of each point.
fn points(s: &Series) -> Vec<(&str, &str, f64)> {
    s.points
        .iter()
        .map(|p| (p.as_of.as_str(), p.qualifier.as_str(), p.value))
        .collect()
}

#[test]
fn cases_rise_from_more_than_1_2_million_to_more_than_1_72_million() {
    let t = timeline();
    let cum = kp_covid(&t, "cases", "cumulative");
    assert_eq!(
        points(cum),
        vec![
            ("2022-05-17", "more_than", 1_200_000.0),
            ("2022-05-18", "more_than", 1_720_000.0)
        ]
    );
    assert_eq!(cum.points[0].doc_ids.len(), 1);
    assert!(cum.points[0].doc_ids[0].contains("000_"));
    assert!(cum.points[1].doc_ids[0].contains("004_"));
    assert_eq!(cum.points[0].text.as_deref(), Some("1.2 million"));
    assert_eq!(cum.points[1].text.as_deref(), Some("1.72 million"));
    let new = kp_covid(&t, "cases", "new");
    assert_eq!(points(new), vec![("2022-05-18", "exact", 232_880.0)]);
}

#[test]
fn deaths_rise_from_more_than_50_to_62_with_6_new() {
    let t = timeline();
    let cum = kp_covid(&t, "deaths", "cumulative");
    assert_eq!(
        points(cum),
        vec![
            ("2022-05-17", "more_than", 50.0),
            ("2022-05-18", "exact", 62.0)
        ]
    );
    let new = kp_covid(&t, "deaths", "new");
    assert_eq!(points(new), vec![("2022-05-18", "exact", 6.0)]);
}

#[test]
fn at_least_691170_in_quarantine() {
    let t = timeline();
    let q = t
        .series
        .iter()
        .find(|s| s.metric == "quarantined" && s.country.as_deref() == Some("KP"))
        .unwrap_or_else(|| panic!("no quarantine series: {}", describe(&t.series)));
    assert_eq!(points(q), vec![("2022-05-18", "at_least", 691_170.0)]);
}

#[test]
fn the_seeds_agree_and_nothing_is_derived_or_summed() {
    let t = timeline();
    assert!(t.conflicts.is_empty(), "{:#?}", t.conflicts);
    assert!(
        t.series
            .iter()
            .flat_map(|s| &s.points)
            .all(|p| !p.derived && !p.conflict)
    );
}

#[test]
fn figures_carry_their_evidence_and_the_source_of_their_date() {
    let t = timeline();
    let find = |text: &str| -> &Figure {
        t.figures
            .iter()
            .find(|f| f.span.text == text)
            .unwrap_or_else(|| panic!("no figure {text:?}"))
    };
    let a = find("1.2 million");
    assert!(
        a.evidence
            .text
            .contains("the number of cases of fever recently exceeded 1.2 million"),
        "{}",
        a.evidence.text
    );
    assert_eq!(a.as_of_source.as_deref(), Some("published"));
    assert!(a.headline);
    assert_eq!(a.place_name.as_deref(), Some("North Korea"));
    let n = find("232,880");
    assert!(
        n.evidence
            .text
            .starts_with("As of Wednesday, North Korea reported 232,880 cases of fever"),
        "{}",
        n.evidence.text
    );
    assert_eq!(n.as_of_source.as_deref(), Some("text"));
    assert!(
        !n.headline,
        "the headline of cases is the cumulative figure"
    );
    // Spans are code-point offsets into the document text.
    let b = seed("004_600c830cdf3f4dc2.txt", Some("2022-05-18"));
    let chars: Vec<char> = b.text.chars().collect();
    let got: String = chars[n.span.start..n.span.end].iter().collect();
    assert_eq!(got, "232,880");
    let got: String = chars[n.evidence.start..n.evidence.end].iter().collect();
    assert_eq!(got, n.evidence.text);
    // Ordered by as-of date: 17 May figures before 18 May ones.
    let first_18 = t
        .figures
        .iter()
        .position(|f| f.as_of.as_deref() == Some("2022-05-18"))
        .unwrap();
    assert!(
        t.figures[..first_18]
            .iter()
            .all(|f| f.as_of.as_deref() < Some("2022-05-18")),
        "{:#?}",
        t.figures
            .iter()
            .map(|f| (&f.as_of, &f.span.text, &f.metric))
            .collect::<Vec<_>>()
    );
    assert!(
        t.figures[first_18..]
            .iter()
            .all(|f| f.as_of.is_none() || f.as_of.as_deref() >= Some("2022-05-18"))
    );
}
