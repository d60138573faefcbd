//! Experiment: what an incremental clusterer could reach if an event could also split (which
//! [`epiwire_cluster::Action`] cannot express today). Each document is assigned as
//! [`epiwire_cluster::Events::push_cued`] does; then the event it joined, when it has at least
//! `2 × split_min` members (at most `CAP`), goes through the batch split pass
//! ([`epiwire_cluster::split::split_events`]) on its members, and the parts become events.
//! Prints B³ on the ECB+ halves, the whole, NewsWCL50 and WikiRef220 (the cache of `incr`).
//!
//! `FROM=n`: re-split only events of n members or more.
//!
//! `CACHE=… P_<FIELD>=v … cargo run --release -p epiwire-cluster --example resplit`
#![allow(clippy::print_stdout)]

use std::collections::{BTreeSet, HashMap};

use epiwire_cluster::{
    Action, Clusterer, Cues, DfTable, DocFeatures, EventProfile, Params, b3, split,
};

mod support;
use support::Cached;

fn run(
    docs: &[DocFeatures],
    cues: &[Cues],
    p: &Params,
    cap: usize,
    from: usize,
) -> (Vec<usize>, u64) {
    let mut c = Clusterer::new(p.clone(), DfTable::new());
    // Event number -> members (None once merged away).
    let mut events: Vec<Option<Vec<usize>>> = Vec::new();
    let mut profiles: Vec<EventProfile> = Vec::new();
    let mut of: Vec<usize> = vec![usize::MAX; docs.len()];
    let mut index: HashMap<String, BTreeSet<usize>> = HashMap::new();
    let mut keys_of: Vec<Vec<String>> = vec![Vec::new(); docs.len()];
    let mut work = 0u64;
    for i in 0..docs.len() {
        c.observe_cued(&docs[i], Some(&cues[i]));
        let keys = c.block_keys(&docs[i]);
        let mut seen = BTreeSet::new();
        for k in &keys {
            for &e in index.get(k).into_iter().flatten() {
                if events[e].is_some() {
                    seen.insert(e);
                }
            }
        }
        let cands: Vec<(String, EventProfile)> = seen
            .iter()
            .map(|&e| (e.to_string(), profiles[e].clone()))
            .collect();
        let d = c.assign_cued(&docs[i], Some(&cues[i]), &cands);
        let parse = |s: &String| s.parse::<usize>().ok();
        let target = match &d.action {
            Action::New => None,
            Action::Join(id) => parse(id),
            Action::Merge(ids) => {
                let mut ids = ids.iter().filter_map(parse);
                let t = ids.next();
                if let Some(t) = t {
                    for o in ids {
                        if let Some(m) = events[o].take() {
                            for &x in &m {
                                of[x] = t;
                            }
                            let po = profiles[o].clone();
                            profiles[t].merge(&po);
                            if let Some(tm) = events[t].as_mut() {
                                tm.extend(m);
                            }
                        }
                    }
                }
                t
            }
        };
        let e = match target.filter(|&t| events[t].is_some()) {
            Some(t) => t,
            None => {
                events.push(Some(Vec::new()));
                profiles.push(EventProfile::default());
                events.len() - 1
            }
        };
        if let Some(m) = events[e].as_mut() {
            m.push(i);
        }
        profiles[e].add_cued(&docs[i], Some(&cues[i]));
        of[i] = e;
        keys_of[i] = keys;
        // Re-split the event the document went to.
        let members = events[e].clone().unwrap_or_default();
        if members.len() >= from.max(2 * p.split_min) && members.len() <= cap {
            work += (members.len() * members.len()) as u64;
            let ds: Vec<&DocFeatures> = members.iter().map(|&m| &docs[m]).collect();
            let cs: Vec<&Cues> = members.iter().map(|&m| &cues[m]).collect();
            let labels = split::split_events(&ds, Some(&cs), &vec![0; ds.len()], c.df(), p);
            let parts = labels.iter().copied().max().unwrap_or(0) + 1;
            if parts > 1 {
                let mut groups: Vec<Vec<usize>> = vec![Vec::new(); parts];
                for (k, &l) in labels.iter().enumerate() {
                    groups[l].push(members[k]);
                }
                groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
                for (gi, g) in groups.into_iter().enumerate() {
                    let id = if gi == 0 {
                        e
                    } else {
                        events.push(None);
                        profiles.push(EventProfile::default());
                        events.len() - 1
                    };
                    let mut prof = EventProfile::default();
                    for &m in &g {
                        prof.add_cued(&docs[m], Some(&cues[m]));
                        of[m] = id;
                        for k in &keys_of[m] {
                            index.entry(k.clone()).or_default().insert(id);
                        }
                    }
                    profiles[id] = prof;
                    events[id] = Some(g);
                }
            }
        }
        for k in &keys_of[i] {
            index.entry(k.clone()).or_default().insert(of[i]);
        }
    }
    (of, work)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cache = std::env::var("CACHE")?;
    let sets: Vec<Cached> = serde_json::from_str(&std::fs::read_to_string(cache)?)?;
    let env = |k: &str| std::env::var(k).ok().and_then(|s| s.parse::<f32>().ok());
    let d = Params::default();
    let p = Params {
        cue_weight: env("P_CUE_WEIGHT").unwrap_or(d.cue_weight),
        join_ratio: env("P_JOIN_RATIO").unwrap_or(d.join_ratio),
        cued_join_threshold: env("P_CUED_JOIN_THRESHOLD").unwrap_or(d.cued_join_threshold),
        split_threshold: env("P_SPLIT_THRESHOLD").unwrap_or(d.split_threshold),
        ..d
    };
    let cap = env("CAP").map_or(200, |c| c as usize);
    let from = env("FROM").map_or(0, |c| c as usize);
    let (name, docs, cues, gold) = &sets[0];
    let mut all: Vec<Cached> = Vec::new();
    for half in [1u32, 3] {
        let (d, c, g) = support::ecb_half(&sets[0], half);
        all.push((format!("half {half}"), d, c, g));
    }
    all.push((name.clone(), docs.clone(), cues.clone(), gold.clone()));
    all.extend(sets.iter().skip(1).cloned());
    let mut cols = Vec::new();
    for (n, d, c, g) in &all {
        let (labels, work) = run(d, c, &p, cap, from);
        let s = b3(&labels, g);
        cols.push(format!(
            "{n} {:.3}/{:.3}/{:.3} (pairs {work})",
            s.precision, s.recall, s.f1
        ));
    }
    println!("{}", cols.join("  "));
    Ok(())
}
