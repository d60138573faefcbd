//! The canonical example of ../shared/BRIEF.md: every figure of the two seed articles comes out
//! of `epiwire extract tests/fixtures/seeds/*.txt` with its attributes, attached to North Korea
//! (KP) and COVID-19.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

const COVID_19: &str = "DOID:0080600";
/// GeoNames id of North Korea.
const NORTH_KOREA: u64 = 1873107;

fn extract_seeds() -> Vec<Value> {
    let out = epiwire(&["extract", SEED_HANKYOREH, SEED_VOI], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 2);
    docs
}

/// The count of `doc` whose span text is `text`, with its attributes checked.
fn assert_count(doc: &Value, text: &str, value: f64, metric: &str, scope: &str, qualifier: &str) {
    let counts = doc["counts"].as_array().unwrap();
    let c = counts
        .iter()
        .find(|c| c["text"] == text)
        .unwrap_or_else(|| panic!("no count {text:?} in {}", doc["counts"]));
    assert_eq!(c["value"].as_f64(), Some(value), "{c}");
    assert_eq!(c["metric"], metric, "{c}");
    assert_eq!(c["scope"], scope, "{c}");
    assert_eq!(c["qualifier"], qualifier, "{c}");
    assert_eq!(c["disease"], COVID_19, "{c}");
    assert_eq!(c["place"].as_u64(), Some(NORTH_KOREA), "{c}");
    // The span points at its own text, in code points.
    let chars: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
    let (s, e) = (
        c["start"].as_u64().unwrap() as usize,
        c["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(chars[s..e].iter().collect::<String>(), text);
}

/// The fact of `doc` for North Korea, COVID-19 and `metric`.
fn fact<'a>(doc: &'a Value, metric: &str) -> &'a Value {
    doc["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["metric"] == metric && f["country"] == "KP" && f["disease"] == COVID_19)
        .unwrap_or_else(|| panic!("no KP {metric} fact in {}", doc["facts"]))
}

fn assert_disease_and_country(doc: &Value) {
    let diseases = doc["diseases"].as_array().unwrap();
    assert!(
        diseases
            .iter()
            .any(|d| d["id"] == COVID_19 && d["name"] == "COVID-19"),
        "{}",
        doc["diseases"]
    );
    let places = doc["places"].as_array().unwrap();
    assert!(
        places
            .iter()
            .any(|p| p["geonameid"].as_u64() == Some(NORTH_KOREA)
                && p["country"] == "KP"
                && p["kind"] == "country"),
        "{}",
        doc["places"]
    );
}

#[test]
fn hankyoreh_17_may() {
    let docs = extract_seeds();
    let doc = &docs[0];
    assert_disease_and_country(doc);
    // "the number of cases of fever recently exceeded 1.2 million domestically while more than
    // 50 people have already died"
    assert_count(
        doc,
        "1.2 million",
        1_200_000.0,
        "cases",
        "cumulative",
        "more_than",
    );
    assert_count(doc, "50", 50.0, "deaths", "cumulative", "more_than");
    // "A most serious emergency case of the state occurred" is not a case of a disease.
    let counts = doc["counts"].as_array().unwrap();
    assert!(
        counts.iter().all(|c| c["value"].as_f64() != Some(1.0)),
        "{}",
        doc["counts"]
    );
    let cases = fact(doc, "cases");
    assert_eq!(cases["value"].as_f64(), Some(1_200_000.0));
    assert_eq!(cases["scope"], "cumulative");
    assert_eq!(cases["qualifier"], "more_than");
    assert_eq!(cases["as_of"], "2022-05-17");
    let deaths = fact(doc, "deaths");
    assert_eq!(deaths["value"].as_f64(), Some(50.0));
    assert_eq!(deaths["qualifier"], "more_than");
}

#[test]
fn voi_18_may() {
    let docs = extract_seeds();
    let doc = &docs[1];
    assert_disease_and_country(doc);
    // "North Korea reported 232,880 cases of fever and six additional deaths. In just six days,
    // the total number of cases surpassed 1.72 million, with 62 deaths and at least 691,170
    // people still in quarantine."
    assert_count(doc, "232,880", 232_880.0, "cases", "new", "exact");
    assert_count(doc, "six", 6.0, "deaths", "new", "exact");
    assert_count(
        doc,
        "1.72 million",
        1_720_000.0,
        "cases",
        "cumulative",
        "more_than",
    );
    assert_count(doc, "62", 62.0, "deaths", "cumulative", "exact");
    assert_count(
        doc,
        "691,170",
        691_170.0,
        "quarantined",
        "current",
        "at_least",
    );
    // The headline figures: the cumulative totals, never the daily ones.
    let cases = fact(doc, "cases");
    assert_eq!(cases["value"].as_f64(), Some(1_720_000.0));
    assert_eq!(cases["scope"], "cumulative");
    assert_eq!(cases["qualifier"], "more_than");
    assert_eq!(fact(doc, "deaths")["value"].as_f64(), Some(62.0));
    let q = fact(doc, "quarantined");
    assert_eq!(q["value"].as_f64(), Some(691_170.0));
    assert_eq!(q["qualifier"], "at_least");
}

/// Ingest: four syndicated copies of the Hankyoreh seed (other outlets, same text) stored
/// before the VOI seed must not keep the VOI report out of the event. While copies were summed
/// into the event's profile and counted as members, the join-ratio test measured the VOI report
/// against an event as cohesive as copies are, and it opened an event of its own.
#[test]
fn copies_do_not_keep_the_second_seed_out_of_the_event() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = std::fs::read_to_string(repo("data/demo/seeds.jsonl")).unwrap();
    let records: Vec<Value> = seeds
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    let mut input = String::new();
    input.push_str(&records[0].to_string());
    input.push('\n');
    for k in 1..=4 {
        let mut copy = records[0].clone();
        copy["id"] = format!("copy-{k}").into();
        copy["url"] = format!("https://outlet{k}.example/news/1").into();
        input.push_str(&copy.to_string());
        input.push('\n');
    }
    input.push_str(&records[1].to_string());
    input.push('\n');
    let path = tmp.path().join("copies.jsonl");
    std::fs::write(&path, input).unwrap();
    let data = tmp.path().join("data");
    let out = epiwire(
        &[
            "ingest",
            "--data",
            data.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = epiwire(
        &[
            "events",
            "--data",
            data.to_str().unwrap(),
            "--format",
            "jsonl",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let events = lines(&out);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["documents"], 6, "{}", events[0]);
}
