//! A check on a real epidemic stream without event gold: the 1,667 WHO DON reports
//! (`../shared/data/who-don/dons-1996-2012.jsonl`) clustered by the cued incremental mode, in
//! publication order, scored (B³) against their title's topic ("cholera in uganda": the title
//! without its year, its "update n" and what follows a dash) as a stand-in gold: updates of one
//! outbreak share a topic, outbreaks in two countries or of two diseases do not. A rough proxy
//! (a topic can hold two outbreaks years apart, one outbreak can be titled two ways), for
//! comparing settings, not an accuracy.
//!
//! `CACHE=/tmp/don.json P_REMERGE_LINK=0,0.05 cargo run --release -p epiwire-cluster --example dontopics`
#![allow(clippy::print_stdout)]

use epiwire_cluster::{Cues, DocFeatures, Params, b3, eval};

type Cached = (Vec<DocFeatures>, Vec<Cues>, Vec<String>);

fn topic(title: &str) -> String {
    let t = title.trim();
    let t = match t.split_once(" - ") {
        Some((year, rest)) if year.trim().len() == 4 && year.trim().parse::<u32>().is_ok() => rest,
        _ => t,
    };
    let t = t.to_lowercase();
    let cut = [" - ", " – ", ",", "(", " update", "- update"]
        .iter()
        .filter_map(|s| t.find(s))
        .min()
        .unwrap_or(t.len());
    t[..cut].trim().to_string()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cache = std::env::var("CACHE").unwrap_or_else(|_| "/tmp/epiwire-don-topics.json".into());
    let (docs, cues, gold): Cached = match std::fs::read_to_string(&cache) {
        Ok(s) => serde_json::from_str(&s)?,
        Err(_) => {
            let text = std::fs::read_to_string("../shared/data/who-don/dons-1996-2012.jsonl")?;
            let (mut docs, mut cues, mut gold) = (Vec::new(), Vec::new(), Vec::new());
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line)?;
                let title = v["title"].as_str().unwrap_or("");
                let d = eval::annotated(
                    v["id"].as_str().unwrap_or(""),
                    Some(title),
                    v["text"].as_str().unwrap_or(""),
                    v["date"].as_str(),
                );
                docs.push(DocFeatures::from_document(&d));
                cues.push(Cues::from_document(&d));
                gold.push(topic(title));
            }
            std::fs::write(&cache, serde_json::to_string(&(&docs, &cues, &gold))?)?;
            (docs, cues, gold)
        }
    };
    let links: Vec<f32> = std::env::var("P_REMERGE_LINK")
        .unwrap_or_else(|_| "0,0.05".into())
        .split(',')
        .filter_map(|x| x.parse().ok())
        .collect();
    for l in links {
        let p = Params {
            remerge_link: l,
            ..Params::default().resplitting()
        };
        let labels = eval::incremental_cued(&docs, Some(&cues), &p);
        let events = labels
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let s = b3(&labels, &gold);
        println!(
            "remerge_link {l}: {events} events, topic B3 {:.3}/{:.3}/{:.3}",
            s.precision, s.recall, s.f1
        );
    }
    Ok(())
}
