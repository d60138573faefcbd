//! What the cluster diagnostics share (`recheck`, `mergecheck`, `resplit`, `incr`, `dontopics`):
//! the feature cache the `incr` example writes, the choice of one of its sets, and setting a
//! parameter by name.

// Each example compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use epiwire_cluster::{Cues, DocFeatures, Params};

/// One set of the cache: its name, each document's features and cues, and its gold event.
pub type Cached = (String, Vec<DocFeatures>, Vec<Cues>, Vec<String>);

/// Features, cues and gold events of the documents of one set.
pub type Set = (Vec<DocFeatures>, Vec<Cues>, Vec<String>);

/// A number from the environment variable `k`, if it is set and parses.
pub fn env(k: &str) -> Option<f64> {
    std::env::var(k).ok().and_then(|s| s.parse().ok())
}

/// The documents of an ECB+ half: topics whose number is `half` modulo 4 (1: half A, 3: half B).
pub fn ecb_half(set: &Cached, half: u32) -> Set {
    let (_, d, c, g) = set;
    let keep: Vec<usize> = (0..d.len())
        .filter(|&i| {
            g[i].trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse::<u32>()
                .is_ok_and(|t| t % 4 == half)
        })
        .collect();
    (
        keep.iter().map(|&i| d[i].clone()).collect(),
        keep.iter().map(|&i| c[i].clone()).collect(),
        keep.iter().map(|&i| g[i].clone()).collect(),
    )
}

/// The set `SET` names (0 ECB+ A, 1 ECB+ B, 2 ECB+ odd, 3 NewsWCL50, 4 WikiRef220; default 2)
/// from the cache file `CACHE`.
pub fn load_set() -> Result<Set, Box<dyn std::error::Error>> {
    let cache = std::env::var("CACHE")?;
    let sets: Vec<Cached> = serde_json::from_str(&std::fs::read_to_string(cache)?)?;
    let which = env("SET").map_or(2, |s| s as usize);
    if which < 2 {
        let first = sets.first().ok_or("the cache holds no set")?;
        return Ok(ecb_half(first, if which == 0 { 1 } else { 3 }));
    }
    let (_, d, c, g) = sets.get(which - 2).ok_or("SET names no set of the cache")?;
    Ok((d.clone(), c.clone(), g.clone()))
}

/// Sets a numeric or boolean field of `p` by name (its serde name); false when `p` has no such
/// field or the value does not fit it.
pub fn set_field(p: &mut Params, field: &str, v: f64) -> bool {
    let Ok(mut json) = serde_json::to_value(&*p) else {
        return false;
    };
    let Some(obj) = json.as_object_mut() else {
        return false;
    };
    let Some(old) = obj.get(field) else {
        return false;
    };
    let new = if old.is_u64() || old.is_i64() {
        serde_json::Value::from(v.round() as i64)
    } else if old.is_boolean() {
        serde_json::Value::from(v != 0.0)
    } else {
        serde_json::Value::from(v)
    };
    obj.insert(field.to_string(), new);
    match serde_json::from_value(json) {
        Ok(q) => {
            *p = q;
            true
        }
        Err(_) => false,
    }
}
