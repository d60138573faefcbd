//! Helpers shared by the unit tests' throughput measurements.

/// CPU time of this process in seconds (Linux `/proc/self/stat`, 100 Hz ticks), so that a
/// throughput does not depend on how busy a shared machine is.
pub(crate) fn cpu_seconds() -> Option<f64> {
    stat_seconds("/proc/self/stat")
}

/// User plus system time, in seconds, from a `/proc/…/stat` file.
fn stat_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The titles of the WHO DON dev reports (empty where the shared data is not beside the
/// checkout).
pub(crate) fn don_titles() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("../../../shared/data/who-don/dons-1996-2012.jsonl"))
        .map(|data| {
            data.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["title"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The texts of the two seed articles (`tests/fixtures/seeds`) and of the WHO DON dev reports
/// (`../shared/data/who-don/dons-1996-2012.jsonl`, left out where the shared data is not beside
/// the checkout): the corpus the tests holding a rewrite to its old code run on.
pub(crate) fn seed_and_don_texts() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<String> = ["000_c6c40698dd1a2ea1.txt", "004_600c830cdf3f4dc2.txt"]
        .iter()
        .map(|f| std::fs::read_to_string(root.join("../../tests/fixtures/seeds").join(f)).unwrap())
        .collect();
    if let Ok(data) =
        std::fs::read_to_string(root.join("../../../shared/data/who-don/dons-1996-2012.jsonl"))
    {
        texts.extend(
            data.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["text"].as_str().map(str::to_string)),
        );
    }
    texts
}
