//! Events from ingest: the two seed articles (Hankyoreh, 17 May 2022; VOI, 18 May 2022) are one
//! event, COVID-19 in North Korea, with its figure timeline; an unrelated report is another.
//!
//! The seed text files carry no date for the VOI article; `data/demo/seeds.jsonl` holds the same
//! two texts with their publication dates (as outlets publish them), so the timeline tests use it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{SEED_HANKYOREH, SEED_VOI, epiwire, lines, stderr};

/// The two seeds with their publication dates.
const SEEDS_DATED: &str = "data/demo/seeds.jsonl";
/// The VOI seed's id in it.
const VOI_ID: &str = "seed-004_600c830cdf3f4dc2";
use serde_json::Value;

/// An unrelated outbreak report (a WHO Disease Outbreak News text, public).
const CHOLERA: &str = r#"{"id": "don-cholera-haiti", "url": "https://www.who.int/csr/don/2010_11_10/en/", "title": "Cholera in Haiti - update", "published": "2010-11-10", "text": "Cholera in Haiti - update. As of 9 November 2010, the Haitian Ministry of Public Health and Population has reported 11,125 hospitalized cases and 724 deaths due to cholera. Cases have been reported in the departments of Artibonite, Centre, Nord, Nord-Ouest, Ouest and Sud. WHO is supporting the ministry with medical supplies and staff."}"#;

fn ingest(dir: &std::path::Path) {
    ingest_with(dir, &[SEEDS_DATED]);
}

fn ingest_with(dir: &std::path::Path, seeds: &[&str]) {
    let extra = dir.join("cholera.jsonl");
    std::fs::write(&extra, CHOLERA).unwrap();
    let data = dir.join("data");
    let mut args = vec!["ingest", "--data", data.to_str().unwrap()];
    args.extend_from_slice(seeds);
    args.push(extra.to_str().unwrap());
    let out = epiwire(&args, b"");
    assert!(out.status.success(), "{}", stderr(&out));
}

fn events(dir: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let data = dir.join("data");
    let mut args = vec![
        "events",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "jsonl",
    ];
    args.extend_from_slice(extra);
    let out = epiwire(&args, b"");
    lines(&out)
}

fn has_figure(
    figs: &[Value],
    metric: &str,
    scope: &str,
    value: f64,
    qualifier: Option<&str>,
) -> bool {
    figs.iter().any(|f| {
        f["metric"] == metric
            && f["scope"] == scope
            && f["value"].as_f64() == Some(value)
            && qualifier.is_none_or(|q| f["qualifier"] == q)
    })
}

#[test]
fn seeds_are_one_event_with_their_timeline() {
    let tmp = tempfile::tempdir().unwrap();
    ingest(tmp.path());
    let all = events(tmp.path(), &[]);
    assert_eq!(all.len(), 2, "{all:#?}");
    let kp: Vec<&Value> = all.iter().filter(|e| e["countries"][0] == "KP").collect();
    assert_eq!(kp.len(), 1, "{all:#?}");
    let ev = kp[0];
    assert_eq!(ev["documents"], 2);
    assert_eq!(ev["outlets"], 2);
    assert_eq!(ev["diseases"][0]["name"], "COVID-19");
    let other: Vec<&Value> = all.iter().filter(|e| e["countries"][0] == "HT").collect();
    assert_eq!(
        other.len(),
        1,
        "the cholera report is its own event: {all:#?}"
    );
    assert_eq!(other[0]["documents"], 1);

    // The event in full, by one of its documents' ids.
    let data = tmp.path().join("data");
    let out = epiwire(
        &["event", "--data", data.to_str().unwrap(), "--json", VOI_ID],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let detail: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(detail["id"], ev["id"]);
    assert_eq!(detail["sources"].as_array().unwrap().len(), 2);
    let figs = detail["figures"].as_array().unwrap();
    assert!(
        has_figure(figs, "cases", "cumulative", 1_200_000.0, Some("more_than")),
        "{figs:#?}"
    );
    assert!(
        has_figure(figs, "cases", "cumulative", 1_720_000.0, Some("more_than")),
        "{figs:#?}"
    );
    assert!(
        has_figure(figs, "cases", "new", 232_880.0, None),
        "{figs:#?}"
    );
    assert!(
        has_figure(figs, "deaths", "cumulative", 62.0, None)
            || has_figure(figs, "deaths", "unknown", 62.0, None),
        "{figs:#?}"
    );
    assert!(
        has_figure(figs, "quarantined", "current", 691_170.0, Some("at_least")),
        "{figs:#?}"
    );
    // Every figure's evidence is a sentence holding its number.
    for f in figs {
        let ev = f["evidence"]["text"].as_str().unwrap();
        let num = f["span"]["text"].as_str().unwrap();
        assert!(ev.contains(num), "{num:?} not in {ev:?}");
    }
    // The cumulative cases series runs 1.2 million (17 May) -> 1.72 million (18 May).
    let series = detail["series"].as_array().unwrap();
    let cases = series
        .iter()
        .find(|s| {
            s["metric"] == "cases"
                && s["scope"] == "cumulative"
                && s["country"] == "KP"
                && s["place"].is_null()
        })
        .or_else(|| {
            series
                .iter()
                .find(|s| s["metric"] == "cases" && s["scope"] == "cumulative")
        })
        .unwrap_or_else(|| panic!("{series:#?}"));
    let values: Vec<f64> = cases["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .collect();
    assert!(
        values.windows(2).any(|w| w == [1_200_000.0, 1_720_000.0]),
        "{values:?}"
    );

    // The response panel: who helps whom with what, shortages and quotes, from both outlets.
    let response = &detail["response"];
    let acts = response["actions"].as_array().unwrap();
    let did = |actor: &str, action: &str, recipient: &str| {
        acts.iter().any(|a| {
            a["actor"]["id"] == actor && a["action"] == action && a["recipient"]["id"] == recipient
        })
    };
    assert!(did("CN", "send", "KP"), "{acts:#?}");
    assert!(did("KP", "refuse", "WHO"), "{acts:#?}");
    assert!(did("KP", "request", "RU"), "{acts:#?}");
    assert!(acts.iter().all(|a| a["doc_id"].is_string()));
    let quotes = response["quotes"].as_array().unwrap();
    assert!(
        quotes.iter().any(|q| q["speaker"]["name"] == "Zhao Lijian"),
        "{quotes:#?}"
    );
    assert!(
        quotes.iter().any(|q| q["speaker"]["name"] == "Mike Ryan"),
        "{quotes:#?}"
    );
    let shortages = response["shortages"].as_array().unwrap();
    assert!(
        shortages.iter().any(|s| s["place"]["id"] == "KP"),
        "{shortages:#?}"
    );

    // Filters.
    assert_eq!(events(tmp.path(), &["--country", "KP"]).len(), 1);
    assert_eq!(events(tmp.path(), &["--disease", "covid-19"]).len(), 1);
    assert_eq!(events(tmp.path(), &["--from", "2022-01-01"]).len(), 1);
    let out = epiwire(
        &[
            "events",
            "--data",
            data.to_str().unwrap(),
            "--country",
            "Korea",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn reingest_changes_nothing_and_is_resumable() {
    let tmp = tempfile::tempdir().unwrap();
    ingest(tmp.path());
    let before = events(tmp.path(), &[]);
    ingest(tmp.path());
    let after = events(tmp.path(), &[]);
    assert_eq!(before, after);
}

#[test]
fn undated_seed_text_files_still_make_one_event() {
    let tmp = tempfile::tempdir().unwrap();
    ingest_with(tmp.path(), &[SEED_HANKYOREH, SEED_VOI]);
    let kp: Vec<Value> = events(tmp.path(), &["--country", "KP"]);
    assert_eq!(kp.len(), 1, "{kp:#?}");
    assert_eq!(kp[0]["documents"], 2);
    let headline = kp[0]["headline"].as_array().unwrap();
    assert!(
        has_figure(
            headline,
            "cases",
            "cumulative",
            1_200_000.0,
            Some("more_than")
        ),
        "{headline:#?}"
    );
}

/// What `show` gives back from the store is exactly what `extract` printed, every annotation
/// array included (the response arrays were once dropped by the store).
#[test]
fn stored_documents_keep_every_annotation() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let extracted = lines(&epiwire(&["extract", SEED_HANKYOREH], b""));
    let out = epiwire(
        &["ingest", "--data", data.to_str().unwrap(), SEED_HANKYOREH],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = epiwire(
        &["show", "--data", data.to_str().unwrap(), SEED_HANKYOREH],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let extracted = &extracted[0];
    for (key, value) in extracted.as_object().unwrap() {
        assert_eq!(&shown[key], value, "field {key} differs after the store");
    }
}

/// Events built by several ingests (each consolidating what it added, so events grow from their
/// new documents only) equal those of one ingest of everything: the same events with the same
/// documents, sources, figures, reconciled series, conflicts, response, headline, signals and
/// relevance (`new_event` included: it was left out while it depended on the events stored
/// when an event was last touched; it now depends on the stored documents only). The WHO
/// Disease Outbreak News of 1996–1997 (../shared/data) grow events over weeks of updates.
#[test]
fn several_ingests_equal_one() {
    use std::io::BufRead;
    let path = common::repo("../shared/data/who-don/dons-1996-2012.jsonl");
    let Ok(file) = std::fs::File::open(&path) else {
        eprintln!("SKIPPED: {} not found", path.display());
        return;
    };
    let records: Vec<String> = std::io::BufReader::new(file)
        .lines()
        .take(200)
        .map(Result::unwrap)
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let ingest = |data: &str, records: &[String], name: &str| {
        let input = tmp.path().join(name);
        std::fs::write(&input, records.join("\n") + "\n").unwrap();
        let data = tmp.path().join(data);
        let out = epiwire(
            &[
                "ingest",
                "--data",
                data.to_str().unwrap(),
                input.to_str().unwrap(),
            ],
            b"",
        );
        assert!(out.status.success(), "{}", stderr(&out));
    };
    ingest("one", &records, "all.jsonl");
    for (i, part) in records.chunks(45).enumerate() {
        ingest("several", part, &format!("part-{i}.jsonl"));
    }
    let list = |data: &str| {
        let data = tmp.path().join(data);
        lines(&epiwire(
            &[
                "events",
                "--data",
                data.to_str().unwrap(),
                "--format",
                "jsonl",
                "-n",
                "10000",
            ],
            b"",
        ))
    };
    let detail = |data: &str, id: &str| -> Value {
        let data = tmp.path().join(data);
        let out = epiwire(
            &["event", "--data", data.to_str().unwrap(), "--json", id],
            b"",
        );
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let ids = |events: &[Value]| {
        let mut v: Vec<(String, u64)> = events
            .iter()
            .map(|e| {
                (
                    e["id"].as_str().unwrap().to_string(),
                    e["documents"].as_u64().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (one, several) = (ids(&list("one")), ids(&list("several")));
    assert_eq!(one, several);
    assert!(
        one.iter().any(|(_, n)| *n >= 5),
        "an event grows over several ingests: {one:?}"
    );
    for (id, _) in &one {
        assert_eq!(detail("several", id), detail("one", id), "event {id}");
    }
}
