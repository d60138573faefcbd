//! Response, aid and voices on the seed articles (issue 6): every action, shortage, quote and
//! measure the two seeds carry, through `epiwire extract`, with offsets checked against the text.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::Value;

fn extract(path: &str) -> Value {
    let out = epiwire(&["extract", path], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    lines(&out).into_iter().next().unwrap()
}

fn id(p: &Value) -> &str {
    p.get("id").and_then(Value::as_str).unwrap_or("-")
}

/// The actions of `doc` as `actor|action|recipient|items|modality` strings (+ `|hedged`).
fn actions(doc: &Value) -> Vec<String> {
    doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let items: Vec<&str> = a["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["kind"].as_str().unwrap())
                .collect();
            format!(
                "{}|{}|{}|{}|{}{}",
                id(&a["actor"]),
                a["action"].as_str().unwrap(),
                id(&a["recipient"]),
                items.join(","),
                a["modality"].as_str().unwrap(),
                if a["hedged"].as_bool().unwrap() {
                    "|hedged"
                } else {
                    ""
                }
            )
        })
        .collect()
}

fn has(list: &[String], want: &str) {
    assert!(list.iter().any(|x| x == want), "{want} not in {list:#?}");
}

/// Every span in the response fields is `text[start:end]`.
fn assert_spans(doc: &Value) {
    let text = doc["text"].as_str().unwrap();
    let check = |v: &Value| {
        let (s, e) = (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap());
        assert_eq!(
            slice(text, s as usize, e as usize),
            v["text"].as_str().unwrap()
        );
    };
    for a in doc["actions"].as_array().unwrap() {
        check(&a["evidence"]);
        for i in a["items"].as_array().unwrap() {
            check(i);
        }
        for p in [&a["actor"], &a["recipient"]] {
            if !p.is_null() {
                check(p);
            }
        }
    }
    for s in doc["shortages"].as_array().unwrap() {
        check(&s["evidence"]);
    }
    for q in doc["quotes"].as_array().unwrap() {
        check(&q["content"]);
        if let Some(m) = q["speaker"].get("mention").filter(|m| !m.is_null()) {
            check(m);
        }
    }
    for m in doc["measures"].as_array().unwrap() {
        check(&m["mention"]);
        check(&m["evidence"]);
    }
}

/// (name, role, organisation, country, anonymous) of each quote's speaker.
fn speakers(doc: &Value) -> Vec<(String, String, String, String, bool)> {
    let s = |v: &Value| v.as_str().unwrap_or("-").to_string();
    doc["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| {
            let sp = q.get("speaker").filter(|x| !x.is_null())?;
            Some((
                s(&sp["name"]),
                s(&sp["role"]),
                s(&sp["organisation"]),
                s(&sp["country"]),
                sp["anonymous"].as_bool().unwrap(),
            ))
        })
        .collect()
}

#[test]
fn response_fields_follow_the_contract_fields() {
    let out = epiwire(&["extract", SEED_HANKYOREH], b"");
    let line = String::from_utf8_lossy(&out.stdout);
    let facts = line.find("\"facts\"").unwrap();
    for f in ["\"actions\"", "\"shortages\"", "\"quotes\"", "\"measures\""] {
        assert!(line.find(f).unwrap() > facts, "{f} before facts");
    }
}

#[test]
fn hankyoreh_talks_promise_refusal_shortage_quotes() {
    let doc = extract(SEED_HANKYOREH);
    assert_spans(&doc);
    let a = actions(&doc);
    // "North Korea is reportedly discussing aid measures with China."
    has(&a, "KP|discuss|CN|aid|reported|hedged");
    // "The possible provision of masks, medicine, and even Chinese vaccines seem to be under
    // discussion."
    has(&a, "-|discuss|-|masks,medicines,vaccines|reported|hedged");
    // Zhao Lijian: China "will … provide our support and assistance".
    has(&a, "CN|promise|KP|aid|planned");
    // "North Korea reportedly refused vaccines from China last year."
    has(&a, "KP|refuse|CN|vaccines|reported|hedged");
    let refusal = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["action"] == "refuse")
        .unwrap();
    assert_eq!(refusal["date"].as_str(), Some("2021-01-01"));

    // "The North is short on masks, fever-reducers, and vaccines" and "in short supply of …".
    let shortages = doc["shortages"].as_array().unwrap();
    assert!(shortages.len() >= 2);
    for s in shortages {
        assert_eq!(id(&s["place"]), "KP");
        let kinds: Vec<&str> = s["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, vec!["masks", "medicines", "vaccines"]);
    }

    let sp = speakers(&doc);
    let want = |name: &str, role: &str, org: &str, country: &str| {
        assert!(
            sp.iter()
                .any(|s| s.0 == name && s.1 == role && s.2 == org && s.3 == country),
            "{name} {role} {org} {country} not in {sp:#?}"
        );
    };
    want("Kim Jong-un", "leader", "North Korea", "KP");
    want("Zhao Lijian", "spokesman", "Chinese Foreign Ministry", "CN");
    // "… a source told the Hankyoreh on Monday": anonymous, with its words.
    let quotes = doc["quotes"].as_array().unwrap();
    let source = quotes
        .iter()
        .find(|q| q["speaker"]["anonymous"] == true)
        .unwrap();
    assert!(
        source["content"]["text"]
            .as_str()
            .unwrap()
            .starts_with("I understand that North Korea and China are discussing aid measures")
    );
    assert_eq!(source["kind"], "direct");
    let zhao = quotes
        .iter()
        .find(|q| q["speaker"]["name"] == "Zhao Lijian")
        .unwrap();
    assert!(
        zhao["content"]["text"]
            .as_str()
            .unwrap()
            .starts_with("will strengthen anti-pandemic cooperation with the DPRK")
    );

    // "strict border controls for over two years".
    let m = doc["measures"].as_array().unwrap();
    assert!(
        m.iter()
            .any(|m| m["kind"] == "border_closure" && id(&m["place"]) == "KP")
    );
}

#[test]
fn voi_requests_deliveries_offers_refusals_and_quotes() {
    let doc = extract(SEED_VOI);
    assert_spans(&doc);
    let a = actions(&doc);
    // "North Korea has reportedly turned to China and Russia for help".
    has(&a, "KP|request|CN|aid|reported|hedged");
    has(&a, "KP|request|RU|aid|reported|hedged");
    // "After refusing to accept offers of assistance from South Korea and … the WHO".
    has(&a, "KP|refuse|KR|aid|reported|hedged");
    has(&a, "KP|refuse|WHO|aid|reported|hedged");
    // "China is preparing to send doctors, nurses and medical supplies … to North Korea".
    has(
        &a,
        "CN|send|KP|medical_staff,medical_supplies|planned|hedged",
    );
    // "bringing in emergency supplies from China on three large Air Koryo cargo planes".
    has(&a, "CN|send|KP|medical_supplies|reported|hedged");
    // Peskov: Russia "would quickly respond to requests for vaccine support".
    has(&a, "RU|promise|KP|vaccines|planned");
    let russia = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["action"] == "promise")
        .unwrap();
    assert_eq!(russia["items"][0]["name"], "Sputnik V");
    // "press officials … declined to respond" is no refusal of aid.
    assert!(
        !a.iter()
            .any(|x| x.contains("|refuse|") && !x.starts_with("KP|"))
    );

    let sp = speakers(&doc);
    assert!(
        sp.iter().any(|s| s.0 == "Dmitry Peskov"
            && s.1 == "spokesman"
            && s.2 == "Kremlin"
            && s.3 == "RU"),
        "{sp:#?}"
    );
    // Mike Ryan, "the WHO's emergencies director": his two direct quotes and "he said".
    let ryan: Vec<_> = sp.iter().filter(|s| s.0 == "Mike Ryan").collect();
    assert_eq!(ryan.len(), 3, "{sp:#?}");
    assert!(
        ryan.iter()
            .all(|s| s.1 == "emergencies director" && s.2 == "WHO")
    );
    // The Russian Foreign Ministry speaking as such.
    assert!(
        sp.iter()
            .any(|s| s.0 == "-" && s.2 == "Russian Foreign Ministry" && !s.4)
    );
}
