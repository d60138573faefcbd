//! A check on a real epidemic stream without event gold: the 1,667 WHO DON reports
//! (`../shared/data/who-don/dons-1996-2012.jsonl`) clustered by the cued incremental mode, in
//! publication order, scored (B³) against their title's topic ("cholera in uganda": the title
//! without its year, its "update n" and what follows a dash) as a stand-in gold: updates of one
//! outbreak share a topic, outbreaks in two countries or of two diseases do not. A rough proxy
//! (a topic can hold two outbreaks years apart, one outbreak can be titled two ways), for
//! comparing settings, not an accuracy.
//!
//! `CACHE=/tmp/don.json P_REMERGE_LINK=0,0.05 cargo run --release -p epiwire-cluster --example dontopics`
//!
//! Any `P_<FIELD>=v1,v2` grids a [`Params`] field (over `Params::default().resplitting()`);
//! `SHOW=n` prints the n events holding the most title topics, with their topics.
#![allow(clippy::print_stdout)]

mod support;

use std::collections::BTreeMap;

use epiwire_cluster::{Cues, DocFeatures, Params, b3, eval};

type Cached = (Vec<DocFeatures>, Vec<Cues>, Vec<String>);
/// Title topics and their counts, by event of the partition without the merge side.
type Parts<'a> = BTreeMap<usize, BTreeMap<&'a str, usize>>;

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
    // The grid: every P_<FIELD> variable, crossed (default: remerge_link 0 and 0.05).
    let mut grid: Vec<(String, Params)> = vec![(String::new(), Params::default().resplitting())];
    let mut vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("P_"))
        .collect();
    if vars.is_empty() {
        vars.push(("P_REMERGE_LINK".into(), "0,0.05".into()));
    }
    vars.sort();
    for (k, vs) in vars {
        let field = k.trim_start_matches("P_").to_lowercase();
        let mut next = Vec::new();
        for (label, p) in &grid {
            for v in vs.split(',').filter_map(|x| x.parse::<f64>().ok()) {
                let mut q = p.clone();
                if support::set_field(&mut q, &field, v) {
                    next.push((format!("{label}{field}={v} "), q));
                }
            }
        }
        grid = next;
    }
    let show: usize = std::env::var("SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    // The partition without the merge side, to show what the merge side joins.
    let off = eval::incremental_cued(&docs, Some(&cues), &Params::default().resplitting());
    for (label, p) in grid {
        let labels = eval::incremental_cued(&docs, Some(&cues), &p);
        let events = labels
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let s = b3(&labels, &gold);
        println!(
            "{label}: {events} events, topic B3 {:.3}/{:.3}/{:.3}",
            s.precision, s.recall, s.f1
        );
        // The events holding the most title topics, with their topics' counts.
        let mut by_event: BTreeMap<usize, BTreeMap<&str, usize>> = BTreeMap::new();
        for (l, g) in labels.iter().zip(&gold) {
            *by_event
                .entry(*l)
                .or_default()
                .entry(g.as_str())
                .or_default() += 1;
        }
        let mut mixed: Vec<(usize, usize, usize, &BTreeMap<&str, usize>)> = by_event
            .iter()
            .map(|(e, t)| (t.len(), t.values().sum::<usize>(), *e, t))
            .filter(|(n, _, _, _)| *n > 1)
            .collect();
        mixed.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        for (n, size, e, t) in mixed.into_iter().take(show) {
            let mut t: Vec<(&&str, &usize)> = t.iter().collect();
            t.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let list: Vec<String> = t.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            println!("  e{e} {size} docs, {n} topics: {}", list.join(", "));
        }
        // The events that join two or more events of the partition without the merge side
        // (largest first), each of those with its title topics.
        let mut parts: BTreeMap<usize, Parts<'_>> = BTreeMap::new();
        for ((l, o), g) in labels.iter().zip(&off).zip(&gold) {
            *parts
                .entry(*l)
                .or_default()
                .entry(*o)
                .or_default()
                .entry(g.as_str())
                .or_default() += 1;
        }
        let mut joined: Vec<(usize, usize, &Parts<'_>)> = parts
            .iter()
            .filter(|(_, p)| p.len() > 1)
            .map(|(e, p)| (p.values().map(|t| t.values().sum::<usize>()).sum(), *e, p))
            .collect();
        joined.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        if show > 0 {
            println!("  {} events join events of remerge_link 0", joined.len());
        }
        for (size, e, p) in joined.into_iter().take(show) {
            let list: Vec<String> = p
                .values()
                .map(|t| {
                    let v: Vec<String> = t.iter().map(|(k, n)| format!("{k}:{n}")).collect();
                    format!("[{}]", v.join(", "))
                })
                .collect();
            println!("  joins e{e} {size} docs: {}", list.join(" + "));
        }
    }
    Ok(())
}
