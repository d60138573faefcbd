//! Diagnostics of the incremental re-examination ([`epiwire_cluster::Params::resplit_from`]):
//! every re-examination of an event on one set, with the gold events of its members, the two
//! parts the split pass found, their linkages and whether the event split.
//!
//! `CACHE=… SET=2 P_RESPLIT_FROM=8 cargo run --release -p epiwire-cluster --example recheck`
//! (sets: 0 ECB+ A, 1 ECB+ B, 2 ECB+ odd, 3 NewsWCL50, 4 WikiRef220; the cache of `incr`).
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;

use epiwire_cluster::{Clusterer, Cues, DfTable, EventProfile, Events, Params, b3};

mod support;
use support::env;

fn composition(members: &[usize], gold: &[String]) -> String {
    let mut m: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in members {
        *m.entry(gold[i].as_str()).or_default() += 1;
    }
    m.iter()
        .map(|(g, n)| format!("{g}:{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names most shared in `a` and least in `b`: name, share of `a`, share of `b`.
fn exclusive(a: &[usize], b: &[usize], cues: &[&Cues]) -> String {
    let share = |part: &[usize]| {
        let mut m: BTreeMap<&str, f32> = BTreeMap::new();
        for &i in part {
            for (k, _) in &cues[i].names {
                *m.entry(k.as_str()).or_default() += 1.0 / part.len() as f32;
            }
        }
        m
    };
    let (sa, sb) = (share(a), share(b));
    let mut v: Vec<(f32, &str, f32, f32)> = sa
        .iter()
        .map(|(k, x)| {
            let y = sb.get(k).copied().unwrap_or(0.0);
            (x - y, *k, *x, y)
        })
        .collect();
    v.sort_by(|p, q| q.0.total_cmp(&p.0));
    v.iter()
        .take(6)
        .map(|(_, k, x, y)| format!("{k} {x:.2}/{y:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (docs, cues, gold) = support::load_set()?;
    let d = Params::default();
    let p = Params {
        resplit_from: env("P_RESPLIT_FROM").map_or(8, |v| v as u32),
        resplit_ratio: env("P_RESPLIT_RATIO").map_or(d.resplit_ratio, |v| v as f32),
        resplit_order: env("P_RESPLIT_ORDER").map_or(d.resplit_order, |v| v as f32),
        resplit_growth: env("P_RESPLIT_GROWTH").map_or(d.resplit_growth, |v| v as f32),
        resplit_ncut: env("P_RESPLIT_NCUT").map_or(d.resplit_ncut, |v| v as f32),
        remerge_link: env("P_REMERGE_LINK").map_or(d.remerge_link, |v| v as f32),
        remerge_outbreak: env("P_REMERGE_OUTBREAK").map_or(d.remerge_outbreak, |v| v as f32),
        ..d
    };
    // Publication order, undated after (as `eval::incremental_cued`).
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| match (&docs[a].published, &docs[b].published) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut events = Events::new(Clusterer::new(p, DfTable::new()));
    events.trace();
    for &i in &order {
        events.push_cued(&docs[i], Some(&cues[i]));
    }
    let g: Vec<String> = order.iter().map(|&i| gold[i].clone()).collect();
    let cu: Vec<&Cues> = order.iter().map(|&i| &cues[i]).collect();
    let dd: Vec<&epiwire_cluster::DocFeatures> = order.iter().map(|&i| &docs[i]).collect();
    let verbose = std::env::var_os("NAMES").is_some();
    for r in events.checks() {
        let all = composition(&r.members, &g);
        if let Some(other) = r.pair {
            print!("PAIR with e{other}: ");
            if std::env::var_os("IDENT").is_some() {
                // Each member's own outbreak identity (dominant disease, country).
                let ids: Vec<String> = r
                    .members
                    .iter()
                    .map(|&m| {
                        let one = EventProfile::of(dd[m]);
                        let (d, c) = one.outbreak(0.01);
                        format!("{}/{}", d.unwrap_or("-"), c.unwrap_or("-"))
                    })
                    .collect();
                print!("{{{}}} ", ids.join(" "));
            }
        }
        match &r.check {
            None => println!("e{:<4} n{:<3} [{all}] no cut", r.event, r.members.len()),
            Some(c) => {
                let go: Vec<usize> = r
                    .members
                    .iter()
                    .zip(&c.leaves)
                    .filter(|(_, l)| **l)
                    .map(|(m, _)| *m)
                    .collect();
                println!(
                    "e{:<4} n{:<3} [{all}] leave [{}] link {:.3}/{:.3}={:.2} names {:.3}/{:.3}={:.2} order {:.2} {}",
                    r.event,
                    r.members.len(),
                    composition(&go, &g),
                    c.between,
                    c.within,
                    c.between / c.within.max(1e-6),
                    c.names_between,
                    c.names_within,
                    c.names_between / c.names_within.max(1e-6),
                    c.order,
                    if c.accepted { "SPLIT" } else { "" }
                );
                if verbose {
                    let stay: Vec<usize> = r
                        .members
                        .iter()
                        .zip(&c.leaves)
                        .filter(|(_, l)| !**l)
                        .map(|(m, _)| *m)
                        .collect();
                    println!("    stay: {}", exclusive(&stay, &go, &cu));
                    println!("    go:   {}", exclusive(&go, &stay, &cu));
                }
            }
        }
    }
    let labels: Vec<usize> = (0..order.len())
        .map(|k| events.event_of(k).unwrap_or(usize::MAX))
        .collect();
    let s = b3(&labels, &g);
    println!("B3 {:.3}/{:.3}/{:.3}", s.precision, s.recall, s.f1);
    Ok(())
}
