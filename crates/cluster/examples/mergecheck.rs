//! Diagnostics for a merge re-examination: the final events of the cued incremental mode with
//! the re-examination on, and for each pair of events whose members share a blocking key, their
//! average linkage ([`Clusterer::link`]) against their linkages within ([`Clusterer::within`]),
//! with whether their majority gold events agree.
//!
//! `CACHE=… SET=2 cargo run --release -p epiwire-cluster --example mergecheck` (sets as in
//! `recheck`).
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};

use epiwire_cluster::{Clusterer, DfTable, Events, Params, b3};

mod support;
use support::env;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (docs, cues, gold) = support::load_set()?;
    let p = Params {
        remerge_link: env("P_REMERGE_LINK").map_or(0.0, |v| v as f32),
        ..Params::default().resplitting()
    };
    let order = epiwire_cluster::eval::publication_order(&docs);
    let mut events = Events::new(Clusterer::new(p.clone(), DfTable::new()));
    let mut probe = Clusterer::new(p, DfTable::new());
    for &i in &order {
        events.push_cued(&docs[i], Some(&cues[i]));
        probe.observe_cued(&docs[i], Some(&cues[i]));
    }
    let g: Vec<&str> = order.iter().map(|&i| gold[i].as_str()).collect();
    let labels: Vec<usize> = (0..order.len())
        .map(|k| events.event_of(k).unwrap_or(usize::MAX))
        .collect();
    let s = b3(
        &labels,
        &g.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    println!("B3 {:.3}/{:.3}/{:.3}", s.precision, s.recall, s.f1);
    let mut comp: BTreeMap<usize, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut keys: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (k, &e) in labels.iter().enumerate() {
        *comp.entry(e).or_default().entry(g[k]).or_default() += 1;
        keys.entry(e)
            .or_default()
            .extend(probe.block_keys(&docs[order[k]]));
    }
    let major = |e: usize| {
        comp[&e]
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(g, _)| *g)
            .unwrap_or("")
    };
    let ids: Vec<usize> = comp.keys().copied().collect();
    let mut rows = Vec::new();
    for (x, &a) in ids.iter().enumerate() {
        for &b in &ids[x + 1..] {
            if keys[&a].is_disjoint(&keys[&b]) {
                continue;
            }
            let (Some(pa), Some(pb)) = (events.profile(a), events.profile(b)) else {
                continue;
            };
            let link = probe.link(pa, pb);
            let wa = probe.within(pa);
            let wb = probe.within(pb);
            let same = major(a) == major(b);
            rows.push((link, a, b, wa, wb, same));
        }
    }
    rows.sort_by(|p, q| q.0.total_cmp(&p.0));
    for (link, a, b, wa, wb, same) in rows.iter().take(env("TOP").map_or(60, |v| v as usize)) {
        let ratio = link / wa.min(*wb).max(1e-6);
        let ratio_max = link / wa.max(*wb).max(1e-6);
        println!(
            "{} link {link:.3} within {wa:.3}/{wb:.3} r {ratio:.2} rmax {ratio_max:.2}  e{a} {:?}  e{b} {:?}",
            if *same { "SAME" } else { "    " },
            comp[a],
            comp[b]
        );
    }
    Ok(())
}
