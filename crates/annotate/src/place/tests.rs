use std::path::PathBuf;

use proptest::prelude::*;

use super::{Gazetteer, Kind, gazetteer};
use crate::tokens::{Gap, Kind as TokKind, Token, Tokens, class};

fn g() -> &'static Gazetteer<'static> {
    match Gazetteer::global_result() {
        Ok(g) => g,
        Err(e) => panic!("embedded gazetteer does not load: {e}"),
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared data folder, beside the checkout (as CI has it).
fn shared(rel: &str) -> PathBuf {
    root().join("../shared").join(rel)
}

fn seed(name: &str) -> String {
    let dir = root().join("tests/fixtures/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let p = paths
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name))
        .unwrap();
    std::fs::read_to_string(p).unwrap()
}

/// (geonameid, mention texts) of what `find` returns.
fn found(text: &str) -> Vec<(u64, String, Vec<String>)> {
    g().find(text)
        .into_iter()
        .map(|p| {
            (
                p.geonameid,
                p.kind.to_string(),
                p.mentions.into_iter().map(|m| m.text).collect(),
            )
        })
        .collect()
}

fn ids(text: &str) -> Vec<u64> {
    g().find(text).into_iter().map(|p| p.geonameid).collect()
}

#[test]
fn embedded_gazetteer_loads() {
    let g = g();
    assert!(g.len() > 200_000, "{} entries", g.len());
    let kp = g.country("kp").unwrap();
    assert_eq!(kp.geonameid, 1_873_107);
    assert_eq!(kp.kind, Kind::Country);
    assert_eq!(g.get(2_950_159).unwrap().name, "Berlin");
    assert!(g.get(1).is_none());
}

/// The embedded file, compressed.
const ZST: &[u8] = include_bytes!("../../data/gazetteer.bin.zst");

/// The embedded file, decompressed.
fn raw() -> &'static [u8] {
    static RAW: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    RAW.get_or_init(|| super::decompress(ZST).unwrap())
}

/// Every form of the embedded gazetteer, in order.
fn all_forms() -> &'static [&'static str] {
    static FORMS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    FORMS.get_or_init(|| (0..g().form_count()).map(|i| g().form_text(i)).collect())
}

#[test]
fn malformed_data_is_an_error() {
    assert!(Gazetteer::from_bytes(b"not a gazetteer").is_err());
    assert!(Gazetteer::from_bytes(b"EPIWIRE-GAZETTEER 1\n\0").is_err());
    let data = raw();
    for cut in [30, 1000, data.len() / 2, data.len() - 1] {
        assert!(Gazetteer::from_bytes(&data[..cut]).is_err(), "cut at {cut}");
    }
    assert!(super::decompress(b"\x1f\x8b garbage").is_err());
    assert!(super::decompress(b"").is_err());
}

/// The offsets where the blocks of the raw file start (their length fields), and the end.
fn block_starts(data: &[u8]) -> Vec<usize> {
    let mut at = data.iter().position(|&b| b == 0).unwrap() + 1;
    let mut out = vec![at];
    while at < data.len() {
        let len = u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        at += 4 + len;
        out.push(at);
    }
    out
}

/// A file cut anywhere is an error, never a panic: at every block boundary and a byte on
/// either side, and at 500 points spread over the file.
#[test]
fn truncated_data_is_an_error() {
    let data = raw();
    let mut cuts: Vec<usize> = block_starts(data)
        .into_iter()
        .flat_map(|b| [b.saturating_sub(1), b, b + 1, b + 4, b + 5])
        .chain((0..500).map(|i| i * data.len() / 500))
        .filter(|&c| c < data.len())
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    assert!(cuts.len() > 500);
    for cut in cuts {
        assert!(Gazetteer::from_bytes(&data[..cut]).is_err(), "cut at {cut}");
    }
    let zst = ZST;
    for cut in (0..200).map(|i| i * zst.len() / 200) {
        assert!(
            super::decompress(&zst[..cut]).is_err(),
            "compressed cut at {cut}"
        );
    }
}

/// Runs the place finder on a text naming places of every kind (it must not panic, whatever
/// the gazetteer holds).
fn exercise(g: &Gazetteer<'_>) -> usize {
    let text = "Cases in Paris, Texas, and in North Korea (Pyongyang); Seattle, WA; Côte d'Ivoire, \
                the DRC, Georgia and São Paulo. Nice said. Mobile, Alabama.";
    let n = g.find(text).len();
    for id in [2_988_507, 1_873_107, 0, u64::MAX] {
        let _ = g.get(id);
    }
    let _ = g.country("KP");
    n + usize::from(g.is_demonym("North Korean", 1_873_107))
}

/// Changed bytes inside any block (lengths, starts, counts, indices, text): loading is an error
/// or gives a gazetteer that answers without panicking. One byte in each block's length field
/// and first, middle and last bytes, set to 0x00, 0xff, and the byte plus one.
#[test]
fn corrupt_data_is_an_error_or_harmless() {
    let data = raw();
    let starts = block_starts(data);
    let mut points: Vec<usize> = Vec::new();
    for w in starts.windows(2) {
        let (s, e) = (w[0], w[1]);
        points.extend([
            s,
            s + 1,
            s + 3,
            s + 4,
            s + 5,
            (s + e) / 2,
            e.saturating_sub(1),
        ]);
    }
    points.extend([0, 5, MAGIC_LEN]);
    let mut copy = data.to_vec();
    let mut loaded = 0usize;
    for &p in points.iter().filter(|&&p| p < data.len()) {
        for v in [0x00, 0xff, data[p].wrapping_add(1)] {
            copy[p] = v;
            if let Ok(g) = Gazetteer::from_bytes(&copy) {
                exercise(&g);
                loaded += 1;
            }
            copy[p] = data[p];
        }
    }
    // Text bytes changed into other text load; lengths and counts changed do not.
    assert!(loaded > 0);
    let mut zst = ZST.to_vec();
    for p in (0..100).map(|i| i * ZST.len() / 100) {
        zst[p] ^= 0x55;
        assert!(
            super::decompress(&zst).is_err(),
            "compressed byte {p} changed"
        );
        zst[p] ^= 0x55;
    }
}

const MAGIC_LEN: usize = 20;

/// Candidate counts that add up past `u32` (every form claiming 32,767 candidates) are an error,
/// not an overflow.
#[test]
fn candidate_counts_past_u32_are_an_error() {
    let data = raw();
    let starts = block_starts(data);
    // Blocks: counts, entry text, entry lengths, ids, kinds, lats, lons, populations, form
    // text, form lengths, segment lengths, candidate counts.
    let (s, e) = (starts[11] + 4, starts[12]);
    let mut copy = data.to_vec();
    for pair in copy[s..e].chunks_exact_mut(2) {
        pair.copy_from_slice(&0x7fffu16.to_le_bytes());
    }
    let err = Gazetteer::from_bytes(&copy).err().map(|e| e.to_string());
    assert!(
        err.as_ref()
            .is_some_and(|e| e.contains("too many candidates")),
        "{err:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Random byte changes anywhere in the raw file: an error or a working gazetteer.
    #[test]
    fn random_corruption_never_panics(
        edits in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 1..4),
    ) {
        let mut copy = raw().to_vec();
        for (at, v) in edits {
            let p = ((at * copy.len() as f64) as usize).min(copy.len() - 1);
            copy[p] = v;
        }
        if let Ok(g) = Gazetteer::from_bytes(&copy) {
            exercise(&g);
        }
    }
}

/// The first-segment table gives, for every form's first segment, the smallest and one past
/// the largest index of a form with that segment (the map the loader built before the table),
/// and nothing for words that are no first segment.
#[test]
fn segment_table_is_the_first_segment_map() {
    let g = g();
    let mut want: std::collections::HashMap<&str, (u32, u32)> = std::collections::HashMap::new();
    for (i, f) in all_forms().iter().enumerate() {
        let i = i as u32;
        want.entry(gazetteer::first_segment(f))
            .and_modify(|run| *run = (run.0.min(i), run.1.max(i + 1)))
            .or_insert((i, i + 1));
    }
    assert!(want.len() > 200_000, "{}", want.len());
    // The stored segment lengths are the reader's: no other segment is in the table.
    assert_eq!(g.segment_count(), want.len());
    for (seg, run) in &want {
        assert_eq!(g.segment_run(seg), Some(*run), "{seg}");
    }
    for w in ["Zzyzxq", "Parisx", "", "côte", "ST", "Paris Texas"] {
        assert_eq!(g.segment_run(w), want.get(w).copied(), "{w}");
    }
}

/// The stored lookup window is the forms' own.
#[test]
fn window_limits_are_the_forms() {
    let g = g();
    let forms = all_forms();
    assert_eq!(
        g.max_form_bytes,
        forms.iter().map(|f| f.len()).max().unwrap()
    );
    assert_eq!(
        g.max_form_words,
        forms.iter().map(|f| f.split(' ').count()).max().unwrap()
    );
    assert!(
        forms.windows(2).all(|w| w[0] < w[1]),
        "forms sorted, no repeats"
    );
}

#[test]
fn seed_000_north_korea_forms_and_neighbours() {
    let text = seed("000");
    let places = g().find(&text);
    let kp = places
        .iter()
        .find(|p| p.geonameid == 1_873_107)
        .expect("North Korea");
    assert_eq!(kp.kind, "country");
    assert_eq!(kp.country.as_deref(), Some("KP"));
    let forms: Vec<&str> = kp.mentions.iter().map(|m| m.text.as_str()).collect();
    for f in ["N. Korea", "North Korea", "DPRK", "North Korean"] {
        assert!(forms.contains(&f), "{f} not among {forms:?}");
    }
    let by_id = |id: u64| places.iter().find(|p| p.geonameid == id);
    assert!(by_id(1_814_991).is_some(), "China"); // China
    assert!(by_id(1_835_841).is_some(), "South Korea");
    let names: Vec<&str> = places.iter().map(|p| &*p.name).collect();
    for n in ["Pyongyang", "Shanghai", "Beijing"] {
        let p = places
            .iter()
            .find(|p| p.name == n)
            .unwrap_or_else(|| panic!("{n} in {names:?}"));
        assert_eq!(p.kind, "city", "{n}");
    }
    // Chinese → China
    let cn = by_id(1_814_991).unwrap();
    assert!(cn.mentions.iter().any(|m| m.text == "Chinese"));
    // Offsets are code points and the span text is the original substring.
    let chars: Vec<char> = text.chars().collect();
    for p in &places {
        for m in &p.mentions {
            let s: String = chars[m.start..m.end].iter().collect();
            assert_eq!(s, m.text);
        }
    }
    // no person or common-word noise: Kim Jong-un is not a place
    assert!(
        !places
            .iter()
            .any(|p| p.mentions.iter().any(|m| m.text == "Kim"))
    );
}

#[test]
fn seed_004_russia_china_moscow() {
    let text = seed("004");
    let got = ids(&text);
    assert!(got.contains(&1_873_107), "North Korea");
    assert!(got.contains(&1_814_991), "China");
    assert!(got.contains(&2_017_370), "Russia");
    assert!(got.contains(&524_901), "Moscow");
    assert!(got.contains(&1_835_841), "South Korea");
}

#[test]
fn berlin_is_found() {
    assert_eq!(
        ids("Measles cases rose in Berlin last week."),
        vec![2_950_159]
    );
}

#[test]
fn paris_texas_resolves_to_the_texan_city() {
    let f = found("She grew up in Paris, Texas, before moving.");
    assert_eq!(f.len(), 1, "{f:?}");
    let e = g().get(f[0].0).unwrap();
    assert_eq!((e.kind, e.country, e.admin1), (Kind::City, "US", "TX"));
    assert_eq!(f[0].2, vec!["Paris, Texas"]);
    // and Paris alone is the French capital
    assert_eq!(ids("Talks were held in Paris on Monday."), vec![2_988_507]);
}

#[test]
fn world_cities_keep_their_reading_in_a_us_story() {
    let text =
        "Officials in Texas and Florida said the traveller had arrived on a flight from Paris.";
    let got = ids(text);
    assert!(got.contains(&2_988_507), "{got:?}");
}

#[test]
fn typographic_apostrophes() {
    let a = found("An earthquake struck near L'Aquila.");
    let b = found("An earthquake struck near L\u{2019}Aquila.");
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].0, b[0].0);
    assert_eq!(b[0].2, vec!["L\u{2019}Aquila"]);
}

#[test]
fn state_codes_qualify_cities() {
    let f = found("In the city of Springfield, IL the outbreak grew.");
    assert_eq!(f[0].0, 4_250_542, "{f:?}");
    assert_eq!(f[0].2, vec!["Springfield, IL"]);
}

#[test]
fn common_words_are_not_places() {
    let text = "The nice police officer said it was the best bar in town. \
                Of course, we split the bill. Mobile phones were everywhere.";
    assert!(found(text).is_empty(), "{:?}", found(text));
    // a capitalised common word at the start of a sentence is not taken either
    let text = "Nice weather today. Police arrived. Reading the report, Best said so.";
    assert!(found(text).is_empty(), "{:?}", found(text));
    // but mid-sentence, capitalised, it is
    assert!(!found("The festival moved to Nice last year.").is_empty());
}

#[test]
fn georgia_follows_the_document() {
    let country = ids("Georgia reported new cases near Tbilisi.");
    assert!(country.contains(&614_540), "{country:?}");
    let state = ids("Health officials in Atlanta said Georgia will expand testing across the US.");
    assert!(state.contains(&4_197_000), "{state:?}");
}

#[test]
fn person_names_are_skipped() {
    assert!(found("President Chad spoke.").is_empty());
    let f = found("Jordan Henderson scored while officials in Jordan watched.");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, 248_816);
    assert_eq!(f[0].2, vec!["Jordan"]);
}

#[test]
fn a_small_county_written_with_county_needs_no_cue() {
    // No locative word before the name and a population under the size that counts as
    // evidence: the word "County" itself says it is a division.
    let f = found("Two Kinney County horses tested positive for anthrax.");
    assert!(
        f.iter()
            .any(|(_, kind, ms)| kind == "admin2" && ms == &["Kinney County"]),
        "{f:?}"
    );
    // Without the word, the small place still needs its cue.
    let f = found("Two Kinney horses tested positive for anthrax.");
    assert!(f.iter().all(|(_, _, ms)| ms != &["Kinney"]), "{f:?}");
    assert!(!super::designated("County"));
    assert!(!super::designated("Kinney Counties"));
    assert!(super::designated("Kinney county"));
}

#[test]
fn demonyms_resolve_to_countries() {
    let f = found("Nigerian authorities and the Russian embassy responded.");
    let got: Vec<u64> = f.iter().map(|x| x.0).collect();
    assert_eq!(got, vec![2_328_926, 2_017_370], "{f:?}");
}

#[test]
fn disease_names_are_not_places() {
    assert!(ids("A case of Marburg virus disease was confirmed.").is_empty());
    assert!(ids("ebola influenza glanders dermatitis").is_empty());
}

#[test]
fn linebreak_inside_a_name() {
    assert_eq!(
        ids("They will perform in West\nVirginia on Friday."),
        vec![4_826_850]
    );
}

#[test]
fn historic_and_short_forms() {
    assert_eq!(ids("Refugees left Zaire in 1996."), vec![203_312]);
    assert_eq!(ids("Exports from Burma fell."), vec![1_327_865]);
    assert_eq!(ids("Flights to the UAE resumed."), vec![290_557]);
    assert_eq!(ids("Cases in Cote d'Ivoire rose."), vec![2_287_781]);
    assert_eq!(ids("Cases in the DRC rose."), vec![203_312]);
}

#[test]
fn eha_figures() {
    let dir = shared("data/eha-geo/resolved_geoannotated_data");
    if !dir.exists() {
        eprintln!("skipped: {} missing", dir.display());
        return;
    }
    let r = super::eval_eha_geo(&dir).unwrap();
    println!("{r}");
    assert_eq!(r.documents, 63);
    assert_eq!(r.gold, 1895);
    let (_, recall, _) = r.overlap_prf();
    assert!(recall > 0.5, "{r}");
}

/// `cargo test -p epiwire-annotate --lib place::tests::band_dev_places -- --nocapture`
#[test]
fn band_dev_places() {
    let path = shared("data/band-ner/dev.jsonl");
    if !path.exists() {
        eprintln!("skipped: {} missing", path.display());
        return;
    }
    let r = super::eval_band_places(&path).unwrap();
    println!("{r}");
    assert_eq!(r.sentences, 1502);
    assert_eq!(r.by_label.len(), 3);
    let labelled: usize = r.by_label.iter().map(|l| l.exact.gold).sum();
    assert!(labelled >= r.overall.exact.gold, "{r}");
    assert!(r.overall.overlap.f1() > 0.6, "{r}");
}

#[test]
fn epitator_figures() {
    let path = shared("data/epitator-tests/test_geoname_annotator.jsonl");
    if !path.exists() {
        eprintln!("skipped: {} missing", path.display());
        return;
    }
    let r = super::eval_epitator_geonames(&path).unwrap();
    println!("{r}");
    assert_eq!(r.cases.len(), 22);
}

#[test]
#[ignore = "timing figure; run with --release -- --ignored --nocapture"]
fn load_time() {
    let mut buf = Vec::new();
    let g = Gazetteer::from_zst(ZST, &mut buf).unwrap();
    println!(
        "gazetteer: {} entries, {} forms, loaded in {:?}",
        g.len(),
        g.form_count(),
        g.load_time()
    );
    let text = seed("000").repeat(20);
    let t = std::time::Instant::now();
    let n = g.find(&text).len();
    println!(
        "find over {} bytes: {:?} ({n} places)",
        text.len(),
        t.elapsed()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn find_never_panics_and_spans_are_exact(
        text in "(\\PC|[ ,.\n]|Paris|Texas|North Korea|Nice|, WA|Côte d'Ivoire|Georgia|\\[|\\(){0,40}"
    ) {
        let chars: Vec<char> = text.chars().collect();
        for p in g().find(&text) {
            prop_assert!(!p.mentions.is_empty());
            for m in p.mentions {
                prop_assert!(m.start < m.end && m.end <= chars.len());
                let s: String = chars[m.start..m.end].iter().collect();
                prop_assert_eq!(s, m.text);
            }
        }
    }
}

#[test]
#[ignore = "timing figure; run with --release -- --ignored --nocapture"]
fn decompress_time() {
    let t = std::time::Instant::now();
    let data = super::decompress(ZST).unwrap();
    println!("decompress {} bytes: {:?}", data.len(), t.elapsed());
    let t = std::time::Instant::now();
    let g = Gazetteer::from_bytes(&data).unwrap();
    println!("from_bytes: {:?} ({} entries)", t.elapsed(), g.len());
    assert!(g.len() > 200_000);
}

/// Place finder throughput on the WHO Disease Outbreak News texts (CPU time, best of five
/// trials). Run in release:
/// `cargo test -p epiwire-annotate --release --lib place::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore = "measurement; needs the WHO DON data and a release build"]
fn throughput() {
    let path = shared("data/who-don/dons-1996-2012.jsonl");
    let data = std::fs::read_to_string(path).unwrap();
    let texts: Vec<String> = data
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let gaz = g();
    let passes = 3;
    let mut best = 0.0f64;
    let mut mentions = 0usize;
    for _ in 0..5 {
        let (t0, c0) = (std::time::Instant::now(), crate::test_util::cpu_seconds());
        mentions = 0;
        for _ in 0..passes {
            for t in &texts {
                mentions += gaz.find(t).iter().map(|p| p.mentions.len()).sum::<usize>();
            }
        }
        let wall = t0.elapsed().as_secs_f64();
        let cpu = match (c0, crate::test_util::cpu_seconds()) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => wall,
        };
        best = best.max((bytes * passes) as f64 / 1e6 / cpu);
    }
    eprintln!(
        "{} docs, {:.2} MB: place finder best {best:.0} MB/s of CPU time, {} mentions/pass",
        texts.len(),
        bytes as f64 / 1e6,
        mentions / passes
    );
    if !cfg!(debug_assertions) {
        assert!(best >= 50.0, "{best:.0} MB/s");
    }
}

#[test]
#[ignore = "scratch"]
fn scratch_counts() {
    let data = std::fs::read_to_string(shared("data/who-don/dons-1996-2012.jsonl")).unwrap();
    let mut caps = 0usize;
    let mut seg_hits = std::collections::HashMap::<String, usize>::new();
    let mut raw = 0usize;
    let mut ments = 0usize;
    for l in data.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let t = v["text"].as_str().unwrap();
        for w in t.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().next().is_some_and(char::is_uppercase) {
                caps += 1;
                if g().segment_run(w).is_some() {
                    *seg_hits.entry(w.to_string()).or_default() += 1;
                }
            }
        }
        let toks = Tokens::new(t).toks.clone();
        raw += g().scan(t, &toks).len();
        ments += g().mentions(t, &toks).len();
    }
    let mut v: Vec<_> = seg_hits.iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(*x.1));
    println!(
        "caps {caps} seghits {} raw {raw} mentions {ments}",
        seg_hits.values().sum::<usize>()
    );
    println!("{:?}", &v[..60]);
}

#[test]
fn lookup_in_the_first_segment_run_equals_the_full_search() {
    let g = Gazetteer::global();
    let full = |k: &str| all_forms().binary_search(&k).ok().map(|i| i as u32);
    for (i, f) in all_forms().iter().enumerate().step_by(7) {
        assert_eq!(g.lookup(f), Some(i as u32), "{f}");
    }
    for k in [
        "",
        "Paris, Texas",
        "North Korean",
        "Zzyzx Nowhere",
        "côte",
        "U.S.",
        "St. Louis",
    ] {
        assert_eq!(g.lookup(k), full(k), "{k}");
    }
}

/// The token walk's windows of `t`, held to the character walk's (`scan_chars`).
fn checked_scan(g: &Gazetteer<'_>, t: &str) -> Vec<(usize, usize, usize)> {
    let toks = Tokens::new(t).toks.clone();
    let got = g.scan(t, &toks);
    assert_eq!(
        got,
        g.scan_chars(t, &toks),
        "token walk and character walk: {t:?}"
    );
    got
}

/// The window scan before it took its starts from the token stream (one byte at a time, the state
/// "after a letter or digit" carried along): kept to check the token scan finds the same windows.
fn scan_bytewise(g: &Gazetteer<'_>, norm: &str) -> Vec<(usize, usize, usize)> {
    let mut raw = Vec::new();
    let forms = all_forms();
    let bytes = norm.as_bytes();
    let mut at = 0usize;
    let mut after_word = false;
    while at < bytes.len() {
        let b = bytes[at];
        let start = at;
        if b.is_ascii() {
            let word_start = !after_word;
            after_word = b.is_ascii_alphanumeric();
            at += 1;
            if !word_start || !b.is_ascii_uppercase() {
                continue;
            }
        } else {
            let c = norm[at..].chars().next().unwrap();
            let word_start = !after_word;
            after_word = c.is_alphanumeric();
            at += c.len_utf8();
            if !word_start || !c.is_uppercase() {
                continue;
            }
        }
        let rest = &norm[start..];
        let segment = gazetteer::first_segment(rest);
        let Some((run_lo, run_hi)) = g.segment_run(segment) else {
            continue;
        };
        let (mut lo, hi) = (run_lo as usize, (run_hi as usize).min(forms.len()));
        let mut best: Option<(usize, usize)> = None;
        let mut words = 1usize;
        let mut last: Option<char> = None;
        let mut chars = rest.char_indices();
        let mut first_window = true;
        loop {
            let next = chars.next();
            let boundary = last.is_some_and(|l| l.is_alphanumeric() || l == '.')
                && next.is_none_or(|(_, ch)| !ch.is_alphanumeric());
            if boundary {
                let off = next.map_or(rest.len(), |(o, _)| o);
                let key = &rest[..off];
                if !first_window {
                    lo += forms[lo..hi].partition_point(|f| *f < key);
                }
                first_window = false;
                match forms.get(lo) {
                    Some(f) if lo < hi && f.as_bytes().starts_with(key.as_bytes()) => {
                        if *f == key {
                            best = Some((start + off, lo));
                        }
                    }
                    _ => break,
                }
            }
            let Some((off, ch)) = next else {
                break;
            };
            if off > g.max_form_bytes {
                break;
            }
            if ch == ' ' {
                words += 1;
                if words > g.max_form_words {
                    break;
                }
            }
            last = Some(ch);
        }
        if let Some((end, idx)) = best {
            raw.push((start, end, idx));
            at = end;
            after_word = norm[..end]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        }
    }
    raw
}

#[test]
fn jumping_scan_equals_the_bytewise_scan() {
    let g = g();
    let mut texts: Vec<String> = [
        "",
        "A",
        "Paris",
        "in Paris, Texas and New York.",
        "xParis ÉParis Évry Île-de-France Ürümqi, 3Paris _Paris ²Paris ٣Kenya ⅫChad ⒶParis ½Kenya",
        "São Paulo and Côte d'Ivoire; ĈParis—Kenya «Uganda» “Chad” Chad's",
        "ÀÉÎ Ω Ωmega Äthiopien naïveParis 1Kenya Kenya1 U.S. St. Louis",
        "KENYA Kenya kenya NEW YORK New York new york",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    texts.push(seed("000"));
    texts.push(seed("004"));
    texts.extend(
        don_texts()
            .iter()
            .step_by(3)
            .map(|t| t.replace(['\n', '\r', '\t'], " ")),
    );
    for t in &texts {
        // Every suffix start of the short texts too (windows at every alignment).
        assert_eq!(checked_scan(g, t), scan_bytewise(g, t), "{t}");
    }
    for t in texts.iter().take(8) {
        for (i, _) in t.char_indices() {
            assert_eq!(
                checked_scan(g, &t[i..]),
                scan_bytewise(g, &t[i..]),
                "{}",
                &t[i..]
            );
        }
    }
}

/// The WHO DON dev texts, when `../shared` is there (empty otherwise).
fn don_texts() -> Vec<String> {
    let Ok(data) = std::fs::read_to_string(shared("data/who-don/dons-1996-2012.jsonl")) else {
        return Vec::new();
    };
    data.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

/// Line breaks and tabs inside a name match as spaces: the scan of a text equals the bytewise
/// scan of the text with them written as spaces (the scan once ran on such a copy).
#[test]
fn line_breaks_scan_as_spaces() {
    let g = g();
    let mut texts: Vec<String> = [
        "West\nVirginia and New\r\nYork, in\tParis,\nTexas",
        "New\n\nYork\tCity\r",
        "São\nPaulo; Côte\td'Ivoire\n",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    texts.push(seed("000"));
    texts.push(seed("004"));
    texts.extend(don_texts());
    for t in &texts {
        let spaced = t.replace(['\n', '\r', '\t'], " ");
        assert_eq!(checked_scan(g, t), scan_bytewise(g, &spaced), "{t}");
    }
}

proptest! {
    #[test]
    fn line_breaks_scan_as_spaces_on_any_text(
        t in "([A-Za-z ,.'-]|\n|\r|\t|é|Ω|West|Virginia|New|York|City|Paris|Texas|São|Paulo){0,40}"
    ) {
        let g = g();
        let spaced = t.replace(['\n', '\r', '\t'], " ");
        prop_assert_eq!(checked_scan(g, &t), scan_bytewise(g, &spaced));
    }

    #[test]
    fn jumping_scan_equals_the_bytewise_scan_on_any_text(
        t in "([A-Za-z0-9 ,.'-]|É|é|Ü|ß|Ω|ω|—|“|\u{a0}|²|٣|Ⅻ|Ⓐ|½|\\PC|Paris|Kenya|New York|Côte d'Ivoire){0,40}"
    ) {
        let g = g();
        prop_assert_eq!(checked_scan(g, &t), scan_bytewise(g, &t));
    }
}

proptest! {
    /// The byte-by-byte title-case count of an ASCII line is the character-by-character one.
    #[test]
    fn title_words_ascii_is_title_words(line in "[A-Za-z0-9 \t\x0b\x0c\r.,'-]{0,80}") {
        prop_assert_eq!(super::title_words_ascii(&line), super::title_words(&line));
    }

    /// The title-case verdict that stops early is the verdict of the whole line's counts, on
    /// prose-like and headline-like lines of any length.
    #[test]
    fn title_case_ascii_is_the_verdict_of_the_counts(
        line in "([A-Z][a-z]{0,7}|[a-z]{1,8}|[0-9]{1,3}|[ \t\x0b\x0c\r]{1,2}|[.,'-]){0,60}"
    ) {
        let (words, capitalised) = super::title_words(&line);
        prop_assert_eq!(super::title_case_ascii(&line), super::title_case(words, capitalised));
        prop_assert_eq!(super::title_case_chars(&line), super::title_case(words, capitalised));
    }

    /// The same for the character-by-character verdict on lines with non-ASCII letters, white
    /// space and marks.
    /// The token stream's verdict is the whole-line one on texts of several such lines.
    #[test]
    fn token_title_case_is_the_verdict_of_the_counts(
        text in "([A-Z][a-z]{0,7}|[a-z]{1,8}|[0-9]{1,3}|[ \t\x0b\x0c\r]{1,2}|\n|[.,'-]|É|é|Ωmega|ßa|\u{a0}|\u{2028}|²|’){0,80}"
    ) {
        let toks = Tokens::new(&text).toks.clone();
        let mut at = 0;
        for line in text.split('\n') {
            let (words, capitalised) = super::title_words(line);
            prop_assert_eq!(token_title_case(&text, &toks, at), super::title_case(words, capitalised));
            at += line.len() + 1;
        }
    }

    #[test]
    fn title_case_chars_is_the_verdict_of_the_counts(
        line in "([A-Z][a-z]{0,7}|[a-z]{1,8}|É[a-zé]{0,6}|é[a-z]{0,6}|Ωmega|ß{1,3}|[0-9]{1,3}|[ \t\u{a0}\u{2003}\u{3000}]{1,2}|[.,'’“”-]){0,60}"
    ) {
        let (words, capitalised) = super::title_words(&line);
        prop_assert_eq!(super::title_case_chars(&line), super::title_case(words, capitalised));
    }
}

/// The token stream's verdict ([`super::TitleLines::at`]) for the line of `text` that holds
/// byte `at`, asked at its start, middle and end (a fresh cache each time).
fn token_title_case(text: &str, toks: &[Token], at: usize) -> bool {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut verdicts = [at, at + (end - at) / 2, end].map(|p| {
        let p = (0..=p)
            .rev()
            .find(|&p| text.is_char_boundary(p))
            .unwrap_or(0);
        super::TitleLines::default().at(text, toks, p)
    });
    verdicts.sort();
    assert_eq!(verdicts[0], verdicts[2], "{:?}", &text[at..end]);
    verdicts[0]
}

/// [`super::title_case_ascii`] (on the ASCII lines), [`super::title_case_chars`] and the token
/// stream's verdict give the whole-line verdict on every line of the seeds and the WHO DON texts and titles.
#[test]
fn title_case_ascii_is_the_verdict_of_the_counts_on_the_texts() {
    let mut texts = vec![
        seed("000"),
        seed("004"),
        "Cholera Outbreak in Northern Chad\nCholera outbreak in northern Chad\nA Bb Cccc".into(),
    ];
    if let Ok(data) = std::fs::read_to_string(shared("data/who-don/dons-1996-2012.jsonl")) {
        for l in data.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            texts.push(v["text"].as_str().unwrap_or("").to_string());
            texts.push(v["title"].as_str().unwrap_or("").to_string());
        }
    }
    let mut lines = 0;
    let mut titles = 0;
    for t in &texts {
        let toks = Tokens::new(t).toks.clone();
        let mut at = 0;
        for line in t.split('\n') {
            let (words, capitalised) = super::title_words(line);
            let verdict = super::title_case(words, capitalised);
            if line.is_ascii() {
                assert_eq!(super::title_case_ascii(line), verdict, "{line:?}");
            }
            assert_eq!(super::title_case_chars(line), verdict, "{line:?}");
            assert_eq!(token_title_case(t, &toks, at), verdict, "{line:?}");
            at += line.len() + 1;
            lines += 1;
            titles += usize::from(verdict);
        }
    }
    assert!(
        lines > 3 && titles > 0,
        "{lines} lines, {titles} in title case"
    );
}

#[test]
fn title_words_counts_long_words_and_capitals() {
    for line in [
        "Cholera Outbreak in Northern Chad",
        "a bb Ccc dddd Eeee-Ff 12ab3c",
        "  \x0bWord\x0bword  ",
    ] {
        assert_eq!(
            super::title_words_ascii(line),
            super::title_words(line),
            "{line:?}"
        );
    }
    assert_eq!(
        super::title_words_ascii("Cholera Outbreak in Northern Chad"),
        (4, 4)
    );
}

/// The combined word-list map holds exactly the words of the three lists, each with the bits of
/// the lists it is in.
#[test]
fn listed_is_the_three_word_lists() {
    use super::gazetteer::lists;
    let g = g();
    assert!(!g.listed.is_empty());
    for (&w, &bits) in &g.listed {
        let want = (u8::from(g.stop.contains(w)) * lists::STOP)
            | (u8::from(g.never.contains(w)) * lists::NEVER)
            | (u8::from(g.person.contains(w)) * lists::PERSON);
        assert_eq!(bits, want, "{w}");
    }
    for w in g.stop.iter().chain(&g.never).chain(&g.person) {
        assert!(g.listed.contains_key(w), "{w}");
    }
}

/// Containment and the single fields read from the columns agree with the whole entries, over
/// the candidates of every 97th form against each other and against a few countries and
/// divisions.
#[test]
fn column_fields_are_the_entrys() {
    let g = g();
    let mut idx: Vec<u32> = Vec::new();
    for i in (0..g.form_count()).step_by(97) {
        if let Some(f) = g.form(i) {
            idx.extend(g.cands(&f).map(|c| c.entry));
        }
    }
    for k in ["US", "KP", "FR"] {
        let c = g.country(k).unwrap();
        idx.push(g.lookup(c.name).map_or(0, |f| {
            g.cands(&g.form(f as usize).unwrap()).next().unwrap().entry
        }));
    }
    idx.sort_unstable();
    idx.dedup();
    assert!(idx.len() > 3000, "{}", idx.len());
    let mut inside = 0usize;
    for &a in &idx {
        let e = g.entry(a);
        assert_eq!(g.kind(a), e.kind);
        assert_eq!(g.country_of(a), e.country);
        assert_eq!(g.name_of(a), e.name);
        assert_eq!(g.admin1_of(a), e.admin1);
        assert_eq!(g.population(a), e.population);
        assert_eq!(g.geonameid(a), e.geonameid);
        assert_eq!(g.lat_lon(a), (e.lat, e.lon));
        assert_eq!(g.get(e.geonameid), Some(e));
        for &b in idx.iter().step_by(13).chain(&[a]) {
            let want = e.is_inside(&g.entry(b));
            assert_eq!(g.is_inside(a, b), want, "{a} in {b}");
            inside += usize::from(want);
        }
    }
    assert!(inside > 0);
}

/// The packed codes read at load are the codes of the entries' strings, for every entry (and
/// past the end, where the strings are empty).
#[test]
fn packed_entry_codes_are_the_codes_of_the_strings() {
    let g = g();
    let mut long = 0usize;
    for i in 0..=g.len() as u32 {
        let (c, a) = (g.country_of(i), g.admin1_of(i));
        assert_eq!(g.code(i), gazetteer::Code::new(c, a), "{i}");
        assert_eq!(g.country_code(i), gazetteer::Code::new(c, ""), "{i}");
        assert_eq!(g.has_admin1(i), !a.is_empty(), "{i}");
        long += usize::from(c.len() > 3 || a.len() > 3);
    }
    println!("{long} entries with a code longer than three bytes");
}

proptest! {
    /// Two codes are equal exactly when their pairs of strings are (what `boost` and
    /// `is_inside` compare instead of the strings), packed or not.
    #[test]
    fn codes_are_equal_when_the_strings_are(
        a in "[A-Z0-9é]{0,4}", b in "[A-Z0-9é]{0,4}", c in "[A-Z0-9é]{0,4}", d in "[A-Z0-9é]{0,4}",
        same in any::<bool>(),
    ) {
        let (c, d) = if same { (a.clone(), b.clone()) } else { (c, d) };
        let (x, y) = (gazetteer::Code::new(&a, &b), gazetteer::Code::new(&c, &d));
        prop_assert_eq!(x == y, (&a, &b) == (&c, &d));
    }
}

/// The window scan before it walked tokens (the token starts, then character by character):
/// kept to check the token walk finds the same windows.
impl Gazetteer<'_> {
    /// Longest known forms, left to right, starting at capitalised word starts and ending at word
    /// ends: `(start, end, form index)` in bytes. `toks` are the tokens of `text`. Line breaks
    /// and tabs inside a name ("West\nVirginia") match as spaces: a window holding one is
    /// compared with the forms in a copy with spaces (most windows hold none, so the text
    /// itself is not copied).
    ///
    /// The forms are sorted by bytes, so the forms that start with a given prefix are one run of
    /// the table. From each start the window grows word by word and the run narrows to the forms
    /// that start with the window; the scan stops as soon as no form does, which for most words
    /// is after the first.
    pub(super) fn scan_chars(&self, text: &str, toks: &[Token]) -> Vec<(usize, usize, usize)> {
        let mut raw = Vec::new();
        // The window with its line breaks and tabs as spaces, when it holds one.
        let mut spaced = String::new();
        let mut at = 0usize;
        // A window starts at an upper-case letter after a character that is not a letter or
        // digit: the first character of a capitalised word token (`class::CAP`; upper-case
        // letters are alphabetic, and a word token is a whole run of letters), unless a digit
        // or another alphanumeric character is attached before it.
        let mut prev: Option<&Token> = None;
        for t in toks {
            let before = prev.replace(t);
            if !t.has(class::CAP) || t.start < at {
                continue;
            }
            if t.gap == Gap::None
                && before.is_some_and(|p| {
                    p.is_num() || matches!(p.kind, TokKind::Punct(c) if c.is_alphanumeric())
                })
            {
                continue;
            }
            let start = t.start;
            let rest = text.get(start..).unwrap_or("");
            let segment = gazetteer::first_segment(rest);
            let Some((run_lo, run_hi)) = self.segment_run(segment) else {
                continue;
            };
            // Forms from `lo` on (up to `hi`) that start with the window, and the longest exact
            // form so far. The run of the first segment holds every form that starts with it,
            // the shortest first: the segment itself when it is a form.
            let (mut lo, hi) = (run_lo as usize, (run_hi as usize).min(self.form_count()));
            let mut best: Option<(usize, usize)> = None;
            let mut words = 1usize;
            let rb = rest.as_bytes();
            // The offset of the next character, and whether the character before it is a
            // letter, a digit or a dot.
            let mut off = 0usize;
            let mut last_ok = false;
            let mut first_window = true;
            // The window so far holds a line break or a tab.
            let mut broken = false;
            loop {
                // The next character: is it a letter or a digit, its length, and its byte when
                // ASCII (none at the text's end).
                let (alnum, len, ascii) = match rb.get(off) {
                    None => (false, 0, None),
                    Some(&b) if b < 0x80 => (b.is_ascii_alphanumeric(), 1, Some(b)),
                    Some(_) => match rest.get(off..).and_then(|r| r.chars().next()) {
                        Some(ch) => (ch.is_alphanumeric(), ch.len_utf8(), None),
                        None => break, // not a character boundary: cannot happen
                    },
                };
                // A window ends before a non-alphanumeric character (or the text's end) that
                // follows a letter, a digit or a dot ("U.S.").
                if last_ok && !alnum {
                    let key = match (broken, rest.get(..off)) {
                        (_, None) => break, // not a character boundary: cannot happen
                        (false, Some(key)) => key,
                        (true, Some(key)) => {
                            spaced.clear();
                            spaced.extend(key.chars().map(|c| match c {
                                '\n' | '\r' | '\t' => ' ',
                                c => c,
                            }));
                            spaced.as_str()
                        }
                    };
                    if !first_window {
                        // Forms before `lo` are shorter or smaller than the window: the first
                        // form not smaller than it starts the forms that start with it.
                        lo = self.forms_below(lo, hi, key.as_bytes());
                    }
                    first_window = false;
                    let f = self.form_bytes(lo);
                    if lo >= hi || !f.starts_with(key.as_bytes()) {
                        break;
                    }
                    if f == key.as_bytes() {
                        best = Some((start + off, lo));
                        // The last form of the run: no longer window can match (the next
                        // boundary would find no form from `lo + 1` on).
                        if lo + 1 >= hi {
                            break;
                        }
                    }
                }
                if len == 0 || off > self.max_form_bytes {
                    break;
                }
                if matches!(ascii, Some(b'\n' | b'\r' | b'\t')) {
                    broken = true;
                }
                if matches!(ascii, Some(b' ' | b'\n' | b'\r' | b'\t')) {
                    words += 1;
                    if words > self.max_form_words {
                        break;
                    }
                }
                last_ok = alnum || ascii == Some(b'.');
                off += len;
                if alnum {
                    // A run of ASCII letters and digits after a letter or digit holds no window
                    // end and no space: only the length limit applies to its characters.
                    let run_end = crate::ascii::alnum_end(rb, off);
                    if run_end > off {
                        if run_end - 1 > self.max_form_bytes {
                            break;
                        }
                        off = run_end;
                    }
                }
            }
            if let Some((end, idx)) = best {
                raw.push((start, end, idx));
                // Resume after the match.
                at = end;
            }
        }
        raw
    }
}

/// A text of gazetteer forms (random ones and some of many words, dots or non-ASCII letters),
/// each written as stored, upper-cased, lower-cased or with its spaces as line breaks, tabs or
/// two spaces, with text attached before or after and separators between.
fn forms_text(picks: &[(usize, u8, u8, u8)]) -> String {
    let forms = all_forms();
    let extra = [
        "St. Louis",
        "U.S.",
        "Côte d'Ivoire",
        "Hong Kong",
        "Democratic Republic of the Congo",
        "Bosnia and Herzegovina",
        "Washington, D.C.",
        "A Coruña",
        "The Hague",
    ];
    let seps = [
        " ", ", ", ". ", "\n", " (", ") ", "-", "'", "’", "²", "3", " 3", "\u{a0}", "\t", " . ",
        "..", "", "“", " and ",
    ];
    let mut t = String::new();
    for &(pick, variant, before, after) in picks {
        let f = if pick % 5 == 0 {
            extra[pick / 5 % extra.len()]
        } else {
            forms[pick % forms.len()]
        };
        t.push_str(seps[usize::from(before) % seps.len()]);
        match variant % 6 {
            0 => t.push_str(&f.to_uppercase()),
            1 => t.push_str(&f.to_lowercase()),
            2 => t.push_str(&f.replace(' ', "\n")),
            3 => t.push_str(&f.replace(' ', "  ")),
            4 => t.push_str(&f.replace(' ', "\t")),
            _ => t.push_str(f),
        }
        t.push_str(seps[usize::from(after) % seps.len()]);
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// On texts of gazetteer forms and their variants the token walk finds the character walk's
    /// windows, and with line breaks and tabs as spaces the bytewise scan's.
    #[test]
    fn token_scan_is_the_character_scan_on_forms(
        picks in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..12)
    ) {
        let g = g();
        let t = forms_text(&picks);
        let spaced = t.replace(['\n', '\r', '\t'], " ");
        prop_assert_eq!(checked_scan(g, &t), scan_bytewise(g, &spaced));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    /// The binary search that compares eight-byte words first finds the slices' answer, for
    /// keys near forms (a form cut, extended or with a byte changed, zero bytes included) in
    /// any range of the table.
    #[test]
    fn forms_below_is_the_slice_search(
        pick in any::<usize>(), cut in 0usize..24, edit in any::<(usize, u8)>(),
        tail in "(|\0|[ a-z]{1,3}|é)", span in any::<(usize, usize)>()
    ) {
        let g = g();
        let forms = all_forms();
        let f = forms[pick % forms.len()].as_bytes();
        let mut key = f[..cut.min(f.len())].to_vec();
        key.extend_from_slice(tail.as_bytes());
        if !key.is_empty() && edit.0 % 3 == 0 {
            let i = edit.0 % key.len();
            key[i] = edit.1;
        }
        let n = forms.len();
        let at = pick % n;
        let (lo, hi) = match span.0 % 3 {
            0 => (0, n),
            1 => (at.saturating_sub(span.1 % 64), (at + span.1 % 64).min(n)),
            _ => (at.saturating_sub(span.1 % 30_000), (at + span.1 % 30_000).min(n)),
        };
        prop_assert_eq!(g.forms_below(lo, hi, &key), g.forms_below_slices(lo, hi, &key));
        prop_assert_eq!(
            g.forms_below(0, n, &key),
            forms.partition_point(|x| x.as_bytes() < &key[..])
        );
    }
}

/// The cue lists answer without regard to ASCII case, the title and speech lists exactly, and
/// words longer than any listed one are in none.
#[test]
fn word_lists_and_their_case() {
    let low = |w: &str| {
        let mut buf = [0u8; super::LOWER_MAX];
        super::ascii_lower(w, &mut buf).map(<[u8]>::to_vec)
    };
    for (w, locative, strict, disease) in [
        ("in", true, true, false),
        ("In", true, true, false),
        ("IN", true, true, false),
        ("Inn", false, false, false),
        ("from", true, false, false),
        ("Throughout", true, false, false),
        ("Visited", true, true, false),
        ("virus", false, false, true),
        ("Haemorrhagic", false, false, true),
        ("ORTHOHANTAVIRUS", false, false, true),
        ("orthohantavirusx", false, false, false),
        ("throughoutthroughout", false, false, false),
        ("ïn", false, false, false),
        ("", false, false, false),
    ] {
        let l = low(w);
        assert_eq!(
            l.as_deref().is_some_and(super::is_locative),
            locative,
            "{w}"
        );
        assert_eq!(
            l.as_deref().is_some_and(super::is_strict_locative),
            strict,
            "{w}"
        );
        assert_eq!(
            l.as_deref().is_some_and(super::is_disease_next),
            disease,
            "{w}"
        );
    }
    assert!(super::is_title("Mr.") && super::is_title("President") && super::is_title("actor"));
    assert!(!super::is_title("mr.") && !super::is_title("Actor") && !super::is_title("Mr.."));
    assert!(super::is_speech_verb("said") && !super::is_speech_verb("Said"));
}

/// The mentions of `t` resolved list by list equal them resolved mention by mention.
fn check_resolve(g: &Gazetteer<'_>, t: &str) {
    let tk = Tokens::new(t);
    let ms = g.mentions(t, &tk.toks);
    assert_eq!(g.resolve(&ms), g.resolve_each(&ms), "{t}");
}

/// Resolving each distinct candidate list once (`resolve`) reads every mention as resolving
/// each mention alone did, on every seed and DON text.
#[test]
fn resolving_each_list_once_is_resolving_each_mention() {
    let g = g();
    let mut texts = don_texts();
    texts.push(seed("000"));
    texts.push(seed("004"));
    texts.push("Paris, Texas. Paris. Paris, France; Georgia, Atlanta, Georgia and Tbilisi.".into());
    for t in &texts {
        check_resolve(g, t);
    }
}

/// `resolve` keeps its buffers of distinct lists and priors from one text to the next (this
/// thread's): a text resolves after others as it does first on a fresh thread, and in both
/// orders of two texts; each as `resolve_each` reads it.
#[test]
fn resolving_after_other_texts_is_resolving_alone() {
    let g = g();
    let mut texts = don_texts().into_iter().take(60).collect::<Vec<_>>();
    texts.push(seed("000"));
    texts.push("Paris, Texas. Paris. Paris, France; Georgia, Atlanta, Georgia and Tbilisi.".into());
    texts.push("Georgia and Victoria, Santiago; Kenya, Kenya and Paris.".into());
    let mentions: Vec<Vec<super::Mention>> = texts
        .iter()
        .map(|t| g.mentions(t, &Tokens::new(t).toks))
        .collect();
    // Each text first on a fresh thread (empty buffers).
    let alone: Vec<Vec<u32>> = mentions
        .iter()
        .map(|ms| std::thread::scope(|s| s.spawn(|| g.resolve(ms)).join().unwrap()))
        .collect();
    for (ms, want) in mentions.iter().zip(&alone) {
        assert_eq!(*want, g.resolve_each(ms));
    }
    // In order and in reverse order on this thread (buffers of the text before).
    for (ms, want) in mentions.iter().zip(&alone) {
        assert_eq!(g.resolve(ms), *want);
    }
    for (ms, want) in mentions.iter().zip(&alone).rev() {
        assert_eq!(g.resolve(ms), *want);
    }
}

/// Mentions made up from candidate lists that share their first entry and length but differ
/// after it (the key `resolve` hashes), and equal lists far apart, in random order.
fn made_up_mentions(picks: &[(usize, u8, bool)]) -> Vec<super::Mention> {
    let g = g();
    // Lists of the forms "Paris", "Georgia", "Santiago", "Victoria", "Kenya" and variants.
    let lists: Vec<Vec<super::Cand>> = ["Paris", "Georgia", "Santiago", "Victoria", "Kenya"]
        .iter()
        .filter_map(|f| g.lookup(f))
        .filter_map(|i| g.form(i as usize))
        .map(|f| g.cands(&f).collect::<Vec<_>>())
        .collect();
    let mut out = Vec::new();
    for (k, &(pick, variant, cue)) in picks.iter().enumerate() {
        let Some(base) = lists.get(pick % lists.len().max(1)) else {
            continue;
        };
        let mut cands = base.clone();
        match variant % 4 {
            // Another candidate after the first: same key, another list.
            0 if cands.len() > 2 => {
                let last = cands.len() - 1;
                cands.swap(1, last);
            }
            1 if cands.len() > 1 => {
                let other = lists[(pick + 1) % lists.len()][0];
                let last = cands.len() - 1;
                cands[last] = other;
            }
            2 => cands.truncate(1 + usize::from(variant) % cands.len().max(1)),
            _ => {}
        }
        out.push(super::Mention {
            start: 10 * k,
            end: 10 * k + 5,
            cands: cands.into(),
            cue,
            doubtful: false,
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// On texts of gazetteer forms and on made-up mention lists (lists with equal keys that
    /// differ), resolving each list once reads as resolving each mention.
    #[test]
    fn resolving_each_list_once_on_any_forms(
        picks in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..16),
        made in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<bool>()), 0..24),
    ) {
        let g = g();
        check_resolve(g, &forms_text(&picks));
        let ms = made_up_mentions(&made);
        prop_assert_eq!(g.resolve(&ms), g.resolve_each(&ms));
    }
}

/// `best` (the highest prior first, candidates that cannot reach the best score not weighed)
/// picks the reading `best_reference` (every candidate weighed, in order) picks, with no
/// context and in the contexts of the mentions' first readings and of their first candidates;
/// no weight exceeds `MAX_BOOST`. Returns the number of lists of several readings compared.
fn check_best(g: &Gazetteer<'_>, ms: &[super::Mention]) -> usize {
    type Ref<'r> = super::ContextReference<'r>;
    let (mut priors, mut cities, mut from) = (Vec::new(), Vec::new(), Vec::new());
    let mut first = Vec::new();
    for m in ms {
        let at = priors.len();
        from.push(at);
        g.priors_into(m, &mut priors, &mut cities);
        let p = &priors[at..];
        assert_eq!(g.best(m, p, None), g.best_reference(m, p, None::<&Ref<'_>>));
        first.push(g.best_reference(m, p, None::<&Ref<'_>>));
    }
    let mut compared = 0;
    for own_first in [true, false] {
        // The one table of `tally` and the two maps of `tally_reference`.
        let mut tallies = super::Tallies::default();
        let (mut countries, mut admins) =
            (gazetteer::FxMap::default(), gazetteer::FxMap::default());
        for (m, &f) in ms.iter().zip(&first) {
            let idx = if own_first {
                f
            } else {
                m.cands.first().map_or(f, |c| c.entry)
            };
            if idx != u32::MAX {
                super::tally(g, &mut tallies, idx, 1);
                super::tally_reference(g, &mut countries, &mut admins, idx, 1);
            }
        }
        // The table holds both maps' entries, under keys that do not clash.
        assert_eq!(tallies.len(), countries.len() + admins.len());
        for (k, m) in ms.iter().enumerate() {
            let p = &priors[from[k]..from[k] + m.cands.len()];
            for total in [ms.len(), 1, 2] {
                let ctx = super::Context::new(g, &tallies, total, first[k]);
                let reference = Ref::new(g, &countries, &admins, total, first[k]);
                for c in m.cands.iter() {
                    let b = ctx.boost(g, c.entry);
                    assert!((0.0..=super::MAX_BOOST).contains(&b), "{b}");
                    let want = super::Weights::boost(&reference, g, c.entry);
                    assert_eq!(b.to_bits(), want.to_bits(), "{}", c.entry);
                }
                assert_eq!(
                    g.best(m, p, Some(&ctx)),
                    g.best_reference(m, p, Some(&reference)),
                    "{:?}",
                    m.cands
                );
                assert_eq!(
                    g.best_reference(m, p, Some(&ctx)),
                    g.best_reference(m, p, Some(&reference)),
                );
                // A decided list reads as its reading without a context.
                if !p.is_empty() && super::decided(p) {
                    assert_eq!(
                        g.best_reference(m, p, Some(&reference)),
                        g.best_reference(m, p, None::<&Ref<'_>>),
                        "decided {:?} {p:?}",
                        m.cands
                    );
                }
                compared += usize::from(m.cands.len() > 1);
            }
        }
    }
    compared
}

/// [`super::decided`] by sorting: the highest prior above the second by more than
/// `MAX_BOOST` (the reference of the tests).
fn decided_reference(priors: &[f64]) -> bool {
    let mut v = priors.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    match v.as_slice() {
        [top, second, ..] => *second + super::MAX_BOOST < *top,
        _ => true,
    }
}

/// `decided` on edge cases: ties, a gap of exactly `MAX_BOOST`, the leader anywhere.
#[test]
fn decided_is_a_lead_of_more_than_the_largest_weight() {
    let m = super::MAX_BOOST;
    for (p, want) in [
        (vec![20.0, 2.0], true),
        (vec![2.0, 20.0], true),
        (vec![2.0, 20.0, 2.5, 3.0], true),
        (vec![20.0, 20.0 - m], false),
        (vec![20.0 - m, 20.0], false),
        (vec![20.0, 20.0, 2.0], false),
        (vec![2.0, 20.0, 2.0, 19.0], false),
        (vec![12.0, 2.0, 11.0], false),
        (vec![5.0], true),
    ] {
        assert_eq!(super::decided(&p), want, "{p:?}");
        assert_eq!(decided_reference(&p), want, "{p:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// `decided` (one pass keeping the two highest priors) is the test on the sorted priors.
    #[test]
    fn decided_is_the_sorted_test(
        p in proptest::collection::vec(prop_oneof![0.0f64..30.0, (0u8..30).prop_map(f64::from)], 1..12),
    ) {
        prop_assert_eq!(super::decided(&p), decided_reference(&p));
    }
}

/// `best` equals its reference on every mention of the seeds and DON texts.
#[test]
fn best_reading_skipping_hopeless_candidates_is_the_reference() {
    let g = g();
    let mut compared = 0;
    for t in crate::test_util::seed_and_don_texts() {
        let tk = Tokens::new(&t);
        compared += check_best(g, &g.mentions(&t, &tk.toks));
    }
    assert!(compared > 1000, "{compared}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    /// `best` equals its reference on made-up mention lists ("Paris", "Georgia", "Victoria", ...).
    #[test]
    fn best_reading_on_made_up_lists(
        made in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<bool>()), 1..24),
    ) {
        check_best(g(), &made_up_mentions(&made));
    }
}

/// The county test read from the end equals the split at the last space: on every window the
/// scan finds in the seeds and DON texts (and those windows with " County" after them), on edge
/// cases and on random strings of name, space and county pieces.
#[test]
fn designated_equals_the_split_on_windows_and_edge_cases() {
    let g = g();
    let mut n = 0usize;
    for t in crate::test_util::seed_and_don_texts() {
        let toks = Tokens::new(&t).toks.clone();
        for (start, end, _) in g.scan(&t, &toks) {
            let w = &t[start..end];
            for s in [w.to_string(), format!("{w} County"), format!("{w} COUNTY")] {
                assert_eq!(
                    super::designated(&s),
                    super::designated_reference(&s),
                    "{s:?}"
                );
                n += usize::from(super::designated(&s));
            }
        }
    }
    for s in [
        "",
        "county",
        " county",
        "  county",
        "\u{a0} county",
        "x county",
        "x  county",
        "x\tcounty",
        "é county",
        "x counties",
        "x ccounty",
        "Sutton County ",
        "a b County",
        "x cOuNtY",
    ] {
        assert_eq!(
            super::designated(s),
            super::designated_reference(s),
            "{s:?}"
        );
    }
    assert!(n > 0, "no window read as a county");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn designated_equals_the_split(
        pieces in proptest::collection::vec(
            "(county|County|COUNTY|counties| |  |\u{a0}|\t|x|Kinney|é|[a-z]{1,3})", 0..6)
    ) {
        let s: String = pieces.concat();
        prop_assert_eq!(super::designated(&s), super::designated_reference(&s), "{:?}", s);
    }
}

/// The prefix filter never rules out a window that some form starts with: for every form, every
/// prefix longer than its first segment that ends where a window of a text can end (before a
/// character that is no letter or digit, or at the form's end) may start one, which is every
/// window past its first segment the scan asks of the filter and some form starts with. And it is
/// no filter that lets everything through: most windows of running text that no form starts
/// with are ruled out.
#[test]
fn prefix_filter_keeps_every_window_prefix() {
    let g = g();
    let mut asked = 0usize;
    for f in all_forms() {
        let seg = gazetteer::first_segment(f).len();
        let ends = f
            .char_indices()
            .filter(|&(at, c)| at > seg && !c.is_alphanumeric())
            .map(|(at, _)| at)
            .chain((f.len() > seg).then_some(f.len()));
        for len in ends {
            asked += 1;
            let key = &f.as_bytes()[..len];
            assert!(g.may_start(key), "{:?}", String::from_utf8_lossy(key));
        }
    }
    assert!(asked > 100_000, "{asked} prefixes");
    let prose = [
        "The outbreak",
        "The Ministry",
        "As of",
        "Of the",
        "In the",
        "For more",
        "The case",
        "She developed",
        "It is",
        "To date",
        "The first",
        "He developed",
        "In addition",
        "Of these",
        "National Institute",
        "The WHO",
        "In a",
        "As a",
    ];
    let ruled_out = prose.iter().filter(|k| !g.may_start(k.as_bytes())).count();
    assert!(
        ruled_out * 4 > prose.len() * 3,
        "{ruled_out} of {}",
        prose.len()
    );
    // An empty gazetteer's filter rules nothing out.
    assert!(Gazetteer::empty().may_start(b"The outbreak"));
}

/// The words before and after a position read byte by byte equal the character searches: at
/// every character boundary of the seeds and DON texts, and of random text (every ASCII byte,
/// Unicode white space, letters and marks).
#[test]
fn neighbour_words_equal_the_character_searches() {
    let check = |t: &str| {
        for at in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
            assert_eq!(
                super::previous_word(t, at),
                super::previous_word_chars(t, at),
                "{at} {t:?}"
            );
            assert_eq!(
                super::next_word(t, at),
                super::next_word_chars(t, at),
                "{at} {t:?}"
            );
        }
    };
    for t in crate::test_util::seed_and_don_texts() {
        check(&t);
    }
    // Inside a character or past the end there is no word (`text.get` was `None`), and the
    // byte classes of `next_word` are its old test.
    for t in ["é x", "a é", "x \u{a0}y", "ab "] {
        for at in (0..t.len() + 3).filter(|&i| !t.is_char_boundary(i)) {
            assert_eq!(super::previous_word(t, at), None, "{at} {t:?}");
            assert_eq!(super::next_word(t, at), None, "{at} {t:?}");
        }
    }
    for c in 0..=255u8 {
        let want = if c >= 0x80 {
            super::NON_ASCII
        } else if c.is_ascii_alphanumeric() || c == b'-' || c == b'\'' {
            super::WORD_BYTE
        } else {
            super::END_BYTE
        };
        assert_eq!(super::NEXT_WORD[usize::from(c)], want, "{c}");
    }
    let all_ascii: String = (0u8..0x80).map(char::from).collect();
    for t in [
        "",
        " ",
        "a b",
        " x",
        "x ",
        "in  Lagos",
        "in\u{0b}Lagos x",
        "de\u{a0}la Paz y",
        "Côte d'Ivoire Aïn x",
        "São Paulo-state's",
        all_ascii.as_str(),
    ] {
        check(t);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn neighbour_words_equal_the_character_searches_on_random_text(
        t in "([\\x00-\\x7f]|\u{a0}|\u{2009}|\u{85}|é|Ö|ß|\u{301}|\u{2028}| ){0,40}"
    ) {
        for at in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
            prop_assert_eq!(super::previous_word(&t, at), super::previous_word_chars(&t, at));
            prop_assert_eq!(super::next_word(&t, at), super::next_word_chars(&t, at));
        }
    }
}

/// The priors of a mention's candidates with the cities of the list read once equal the
/// reference's (every city asked of every division): bit for bit, in order.
fn check_priors(g: &Gazetteer<'_>, ms: &[super::Mention]) -> usize {
    let (mut want, mut got, mut cities) = (Vec::new(), Vec::new(), Vec::new());
    let mut lowered = 0usize;
    for m in ms {
        want.clear();
        got.clear();
        g.priors_into_reference(m, &mut want);
        g.priors_into(m, &mut got, &mut cities);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want), "{:?}", m.cands);
        // Divisions with a city of their name inside them ("Paris", "Beijing").
        lowered += m
            .cands
            .iter()
            .zip(&got)
            .filter(|(c, _)| matches!(g.kind(c.entry), Kind::Admin1 | Kind::Admin2))
            .count();
    }
    lowered
}

/// On every mention of the seeds and DON texts, on the candidate lists of every form of the
/// gazetteer with a division and a city among its readings, and on made-up lists.
#[test]
fn priors_with_cities_read_once_equal_the_reference() {
    let g = g();
    let mut texts = don_texts();
    texts.push(seed("000"));
    texts.push(seed("004"));
    let mut divisions = 0usize;
    for t in &texts {
        let tk = Tokens::new(t);
        divisions += check_priors(g, &g.mentions(t, &tk.toks));
    }
    // Every form's whole candidate list (lists of up to hundreds of readings).
    let mut lists = 0usize;
    let whole: Vec<super::Mention> = (0..g.form_count())
        .filter_map(|i| g.form(i))
        .map(|f| g.cands(&f).collect::<Vec<_>>())
        .filter(|c| {
            c.iter().any(|c| g.kind(c.entry) == Kind::City)
                && c.iter()
                    .any(|c| matches!(g.kind(c.entry), Kind::Admin1 | Kind::Admin2))
        })
        .map(|cands| {
            lists += 1;
            super::Mention {
                start: 0,
                end: 0,
                cands: cands.into(),
                cue: false,
                doubtful: false,
            }
        })
        .collect();
    divisions += check_priors(g, &whole);
    if !texts.is_empty() && g.form_count() > 0 {
        assert!(lists > 100 && divisions > 100, "{lists} {divisions}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Made-up candidate lists: entries of divisions and cities of a few countries, mixed,
    /// repeated and in any order.
    #[test]
    fn priors_with_cities_read_once_on_made_up_lists(
        picks in proptest::collection::vec((any::<usize>(), 0u8..3), 0..40),
    ) {
        let g = g();
        // Readings of forms rich in divisions and cities.
        let pool: Vec<super::Cand> = ["Paris", "Georgia", "Santiago", "Victoria", "San Juan",
            "Beijing", "Moscow", "Washington", "Cordoba", "Santa Cruz"]
            .iter()
            .filter_map(|f| g.lookup(f))
            .filter_map(|i| g.form(i as usize))
            .flat_map(|f| g.cands(&f).collect::<Vec<_>>())
            .collect();
        prop_assume!(!pool.is_empty());
        let cands: Vec<super::Cand> = picks
            .iter()
            .map(|&(i, via)| super::Cand {
                via: match via {
                    0 => super::Via::Name,
                    1 => super::Via::Alt,
                    _ => super::Via::Demonym,
                },
                ..pool[i % pool.len()]
            })
            .collect();
        let m = super::Mention { start: 0, end: 0, cands: cands.into(), cue: false, doubtful: false };
        check_priors(g, std::slice::from_ref(&m));
    }
}

/// The mentions as comparable tuples.
fn mention_tuples(ms: &[super::Mention]) -> Vec<(usize, usize, Vec<super::Cand>, bool, bool)> {
    ms.iter()
        .map(|m| (m.start, m.end, m.cands.to_vec(), m.cue, m.doubtful))
        .collect()
}

/// Merging qualifiers (gated on the two bytes after a mention, the state code a slice) and
/// dropping weak candidates (the map of divisions built only when asked) equal the references,
/// on the kept windows of `t`. Returns the number of merged and of dropped mentions.
fn check_merge_and_drop(g: &Gazetteer<'_>, t: &str) -> (usize, usize) {
    let tk = Tokens::new(t);
    let kept = g.kept_windows(t, &tk.toks);
    let merged = g.merge_qualified(t, kept.clone());
    let want = g.merge_qualified_reference(t, kept.clone());
    assert_eq!(mention_tuples(&merged), mention_tuples(&want), "{t}");
    let dropped = g.drop_weak(t, merged.clone());
    let want = g.drop_weak_reference(t, merged.clone());
    assert_eq!(mention_tuples(&dropped), mention_tuples(&want), "{t}");
    (kept.len() - merged.len(), merged.len() - dropped.len())
}

/// On every seed and DON text and on qualified names.
#[test]
fn merge_and_drop_equal_the_references() {
    let g = g();
    let mut texts = don_texts();
    texts.push(seed("000"));
    texts.push(seed("004"));
    texts.extend(
        [
            "Paris, Texas. Paris. Paris, France; Georgia, Atlanta, Georgia and Tbilisi.",
            "Seattle, WA, USA and Springfield, IL; Portland, OR. Sydney, NSW (Australia)",
            "Washington County [Pennsylvania], Washington County (Oregon) and Paris, TXs",
            "in Lagos, Faro and Sagres or Lyon/Nice, and Basel; Austin, TX",
            "Paris, T",
            "Paris,",
            "Paris, ",
            "Seattle, WAé",
        ]
        .map(str::to_string),
    );
    let (mut merged, mut dropped) = (0usize, 0usize);
    for t in &texts {
        let (m, d) = check_merge_and_drop(g, t);
        merged += m;
        dropped += d;
    }
    if g.form_count() > 0 {
        assert!(merged > 0 && dropped > 0, "{merged} {dropped}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Texts of place names joined by the separators the qualifier and list rules read, with
    /// state codes (and near misses) after them.
    #[test]
    fn merge_and_drop_equal_the_references_on_qualified_names(
        picks in proptest::collection::vec((0usize..24, 0usize..12, 0usize..12), 0..16),
    ) {
        let names = ["Paris", "Texas", "Seattle", "Georgia", "Atlanta", "Washington County",
            "Pennsylvania", "Portland", "Springfield", "Lagos", "Faro", "Victoria", "Kenya",
            "Uganda", "Santiago", "Chile", "Sydney", "Cordoba", "Spain", "France", "Lyon",
            "in", "Austin", "Oregon"];
        let seps = [", ", " [", " (", " and ", ", and ", " or ", ", or ", "/", " ", ". ",
            "] ", ") "];
        let codes = ["TX", "WA", "IL", "NSW", "OR", "XX", "Q", "ABCD", "TXs", "CA,", "GA", ""];
        let mut t = String::new();
        for &(n, s, c) in &picks {
            t.push_str(names[n]);
            t.push_str(seps[s]);
            if c < 6 {
                t.push_str(codes[(n + s + c) % codes.len()]);
                t.push_str(seps[(s + c) % seps.len()]);
            }
        }
        check_merge_and_drop(g(), &t);
    }
}

/// The gated disease-word test equals the ungated one at every character boundary of the
/// seeds and DON texts (and of texts holding every listed word in case variants), and every
/// listed word starts with a letter of the gate.
#[test]
fn gated_disease_word_equals_the_reference() {
    for w in [
        "virus",
        "viruses",
        "fever",
        "disease",
        "flu",
        "influenza",
        "encephalitis",
        "variant",
        "strain",
        "syndrome",
        "hemorrhagic",
        "haemorrhagic",
        "orthohantavirus",
        "ebolavirus",
    ] {
        assert!(super::is_disease_next(w.as_bytes()), "{w}");
        assert!(super::DISEASE_NEXT_FIRST.contains(&w.as_bytes()[0]), "{w}");
    }
    let mut texts = crate::test_util::seed_and_don_texts();
    texts.push(
        "Marburg virus, Lassa Fever; Rift Valley FEVER. Ebola disease and Avian flu \
         Hantaan orthohantavirus, Zaire ebolavirus/X Strain-2 Syndrome's Hemorrhagic \
         Influenza\u{a0}virus Nipah  virus Zika\tvirus éfever Dengue virusé"
            .into(),
    );
    let mut hits = 0usize;
    for t in &texts {
        for end in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
            let want = super::followed_by_disease_word_reference(t, end);
            assert_eq!(super::followed_by_disease_word(t, end), want, "{end} {t:?}");
            hits += usize::from(want);
        }
    }
    assert!(hits > 10, "{hits}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn gated_disease_word_on_random_text(
        pieces in proptest::collection::vec(
            "( |  |\t|\u{a0}|é|É|-|'|[a-zA-Z]{1,4}|virus|Fever|FLU|syndrome|x)", 0..8)
    ) {
        let t: String = pieces.concat();
        for end in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
            prop_assert_eq!(
                super::followed_by_disease_word(&t, end),
                super::followed_by_disease_word_reference(&t, end)
            );
        }
    }
}

/// The output records' names and country codes: borrowed from the global gazetteer, copied
/// from any other, and either way the strings [`Gazetteer::entry`] reads (what `find` copied
/// before they were borrowed).
#[test]
fn output_words_are_the_entries_strings() {
    use std::borrow::Cow;
    let copy = Gazetteer::from_bytes(raw()).unwrap();
    let n = u32::try_from(g().len()).unwrap();
    for idx in (0..n).chain([n, n + 1, u32::MAX]) {
        let e = g().entry(idx);
        let (name, country) = (g().name_word(idx), g().country_word(idx));
        assert!(matches!(name, Cow::Borrowed(_)) && matches!(country, Cow::Borrowed(_)));
        assert_eq!((&*name, &*country), (e.name, e.country), "entry {idx}");
        let (name, country) = (copy.name_word(idx), copy.country_word(idx));
        assert!(matches!(name, Cow::Owned(_)) && matches!(country, Cow::Owned(_)));
        assert_eq!((&*name, &*country), (e.name, e.country), "entry {idx}");
    }
}

proptest! {
    /// `find` over the global gazetteer (borrowing) and over a copy of it (copying) gives the
    /// same places.
    #[test]
    fn borrowed_and_copied_places_are_equal(words in proptest::collection::vec(
        prop::sample::select(vec!["Chad", "Lagos", "in", "Paris", "Texas", "Nigeria", ",", "Berlin", "the", "Goma", "Kivu"]),
        0..12,
    )) {
        let copy = Gazetteer::from_bytes(raw()).unwrap();
        let text = words.join(" ");
        prop_assert_eq!(g().find(&text), copy.find(&text));
    }
}

/// The scan reads only the length of the first form of a first segment's run when the first
/// window is that segment: the run's first form starts with its segment, and `form_len` is the
/// length of `form_bytes`. The probe in place (`segment_run_at`, which compares a segment of
/// at most eight bytes with a form head) finds what the slice probe finds, for every form's
/// first segment and its shorter prefixes.
#[test]
fn segment_runs_start_with_their_segment() {
    let g = g();
    for i in 0..g.form_count() + 2 {
        assert_eq!(g.form_len(i), g.form_bytes(i).len(), "form {i}");
    }
    for f in all_forms() {
        let seg = gazetteer::first_segment(f);
        let (lo, hi) = g.segment_run_at(f.as_bytes(), 0, seg.len()).unwrap();
        assert!(lo < hi, "{f}");
        assert!(g.form_bytes(lo as usize).starts_with(seg.as_bytes()), "{f}");
        assert_eq!(g.segment_run(seg), Some((lo, hi)), "{f}");
        // Shorter keys, most of them no segment: the probe in place is the slice probe.
        for (k, _) in seg.char_indices().skip(1) {
            let key = &f.as_bytes()[..k];
            assert_eq!(
                g.segment_run_at(f.as_bytes(), 0, k),
                g.segment_run(&seg[..k]),
                "{:?}",
                String::from_utf8_lossy(key)
            );
        }
    }
}

/// `kept_windows` asks the word lists only of a form whose bit is set: the bit of every form is
/// whether the form is a listed word, and no listed word holds a line break or a tab (a window
/// holding one matches the form with spaces, and its text is in no list).
#[test]
fn listed_form_bits_are_the_listed_forms() {
    let g = g();
    for i in 0..g.form_count() + 70 {
        assert_eq!(
            g.may_be_listed(i),
            g.listed.contains_key(g.form_text(i)),
            "form {i} {:?}",
            g.form_text(i)
        );
    }
    assert!(g.listed.keys().all(|w| !w.contains(['\n', '\r', '\t'])));
    let listed = (0..g.form_count()).filter(|&i| g.may_be_listed(i)).count();
    assert!(listed > 500, "{listed} listed forms");
    assert!(!Gazetteer::empty().may_be_listed(0));
}

/// The gate of the cue test lets every locative through in any ASCII case, the strict ones are
/// among the locatives, and a word it stops is no locative.
#[test]
fn locative_gate_passes_every_locative() {
    for w in super::LOCATIVES {
        let w = std::str::from_utf8(w).unwrap();
        for v in [w.to_string(), w.to_ascii_uppercase(), capitalise(w)] {
            assert!(super::may_be_locative(&v), "{v}");
        }
    }
    for w in super::STRICT_LOCATIVES {
        assert!(super::is_locative(w), "{w:?}");
    }
    for w in [
        "", "the", "and", "Kenya,", "ïn", "@in", "[in", "inn", "Of", "TO",
    ] {
        check_locative_gate(w);
    }
}

/// `w` with its first letter in upper case.
fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A word the gate stops is neither a locative nor a strict one, lower-cased as the cue test
/// lower-cases it.
fn check_locative_gate(w: &str) {
    let mut buf = [0u8; super::LOWER_MAX];
    let low = super::ascii_lower(w, &mut buf);
    let listed = low.is_some_and(|l| super::is_locative(l) || super::is_strict_locative(l));
    assert!(super::may_be_locative(w) || !listed, "{w:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn locative_gate_stops_no_locative(
        pick in any::<usize>(), flips in any::<u16>(), cut in 0usize..12, tail in "[a-zA-Z@\\[`{]{0,3}",
        any_word in "[ -~]{0,12}",
    ) {
        let w = super::LOCATIVES[pick % super::LOCATIVES.len()];
        let mut v: String = w
            .iter()
            .enumerate()
            .map(|(i, &c)| if flips >> (i % 16) & 1 == 1 { c.to_ascii_uppercase() } else { c } as char)
            .collect();
        v.truncate(cut.min(v.len()).max(1));
        v.push_str(&tail);
        check_locative_gate(&v);
        check_locative_gate(&any_word);
    }
}

/// The places of `entries` in order of first mention with their numbers of mentions, and each
/// entry's place, by one hash map ([`Gazetteer::find_with`] as it was: the reference of
/// [`super::Slots`]).
fn slots_reference(entries: &[u32]) -> (Vec<(u32, usize)>, Vec<usize>) {
    let mut slot_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut order: Vec<(u32, usize)> = Vec::new();
    let mut slots = Vec::new();
    for &e in entries {
        let slot = *slot_of.entry(e).or_insert_with(|| {
            order.push((e, 0));
            order.len() - 1
        });
        order[slot].1 += 1;
        slots.push(slot);
    }
    (order, slots)
}

/// [`super::Slots`] (a linear search while the list is short, then a map) gives the places of
/// the reference, with lists that stay short and lists that grow past [`super::SHORT_SLOTS`].
fn check_slots(entries: &[u32]) {
    let mut order: Vec<(u32, usize)> = Vec::new();
    let mut slots = super::Slots::default();
    let mut got = Vec::new();
    for &e in entries {
        let s = slots.of(&mut order, e);
        order[s].1 += 1;
        got.push(s);
    }
    assert_eq!((order, got), slots_reference(entries), "{entries:?}");
}

#[test]
fn slots_are_the_map_of_first_mentions() {
    check_slots(&[]);
    check_slots(&[7, 7, 7]);
    let n = super::SHORT_SLOTS as u32;
    // Exactly at the bound, one past it, and repeats of early places after the switch.
    check_slots(&(0..n).collect::<Vec<_>>());
    let mut v: Vec<u32> = (0..=n).collect();
    v.extend((0..=n).rev());
    v.extend([n + 5, 0, n + 5]);
    check_slots(&v);
    // The entries of every DON text's resolved mentions.
    let g = g();
    for t in don_texts().iter().take(400) {
        let tk = Tokens::new(t);
        let ms = g.mentions(t, &tk.toks);
        check_slots(&g.resolve(&ms));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn slots_are_the_map_of_first_mentions_on_any_list(
        entries in proptest::collection::vec(0u32..40, 0..80),
    ) {
        check_slots(&entries);
    }
}

/// Codes of short and long strings (packed and [`gazetteer::Code::Long`]) from `parts`: a
/// country and an admin1 code each, from a few letters so that codes repeat.
fn made_up_codes(parts: &[(u8, u8, u8, u8)]) -> Vec<gazetteer::Code<'static>> {
    const WORDS: [&str; 10] = [
        "", "U", "US", "USA", "USAB", "GB", "ENG", "ENGL", "CA", "LONGER",
    ];
    parts
        .iter()
        .map(|&(c, a, _, _)| {
            gazetteer::Code::new(WORDS[usize::from(c) % 10], WORDS[usize::from(a) % 10])
        })
        .collect()
}

/// [`super::Tallies`] counted and read as the map of codes it replaced: `codes` tallied in
/// order (`k` mentions for the `k`-th, a name for every third), then every code of `probe`
/// read (tallied or not).
fn check_tallies(codes: &[gazetteer::Code<'static>], probe: &[gazetteer::Code<'static>]) {
    let mut t = super::Tallies::with_capacity(codes.len());
    let mut want: gazetteer::FxMap<gazetteer::Code<'static>, (usize, usize)> =
        gazetteer::FxMap::default();
    for (k, &c) in codes.iter().enumerate() {
        let named = usize::from(k % 3 == 0);
        let e = t.entry(c);
        e.0 += k;
        e.1 += named;
        let w = want.entry(c).or_default();
        w.0 += k;
        w.1 += named;
    }
    assert_eq!(t.len(), want.len(), "{codes:?}");
    for c in codes.iter().chain(probe) {
        assert_eq!(t.get(*c), want.get(c).copied(), "{c:?} in {codes:?}");
    }
}

/// One tally per distinct code, packed or long: the empty code (key 0) and the first long
/// code (index 0) apart, long codes told apart by their strings, a long code never tallied
/// read as none.
#[test]
fn tallies_keep_one_count_per_code() {
    use gazetteer::Code;
    let codes = [
        Code::new("", ""),
        Code::new("LONGER", ""),
        Code::new("US", ""),
        Code::new("US", "CA"),
        Code::new("US", "ENGL"),
        Code::new("LONGER", ""),
        Code::new("U", "S"),
        Code::new("US", "ENGL"),
        Code::new("", ""),
    ];
    assert!(matches!(codes[1], Code::Long(..)) && matches!(codes[0], Code::Packed(0)));
    let probe = [
        Code::new("GB", "ENGL"),
        Code::new("USAB", ""),
        Code::new("GB", ""),
    ];
    check_tallies(&codes, &probe);
    check_tallies(&codes[1..], &codes[..1]);
    check_tallies(&[], &codes);
    // Every entry's codes are packed with the top bit clear (the long keys' bit) or long.
    let g = g();
    for idx in 0..u32::try_from(g.len()).unwrap() {
        for c in [g.code(idx), g.country_code(idx)] {
            if let Code::Packed(v) = c {
                assert_eq!(v & super::LONG_KEY, 0, "{idx}");
            }
        }
    }
}

/// [`super::CodeSet`] (`drop_weak`'s divisions) holds and answers as the set of codes it
/// replaced: `codes` added in order, every code of `codes` and `probe` asked.
fn check_code_set(codes: &[gazetteer::Code<'static>], probe: &[gazetteer::Code<'static>]) {
    let mut s = super::CodeSet::with_capacity(codes.len());
    let mut want: gazetteer::FxMap<gazetteer::Code<'static>, ()> = gazetteer::FxMap::default();
    assert!(codes.iter().chain(probe).all(|&c| !s.contains(c)));
    for &c in codes {
        s.insert(c);
        want.insert(c, ());
    }
    assert_eq!(s.set.len(), want.len(), "{codes:?}");
    for c in codes.iter().chain(probe) {
        assert_eq!(s.contains(*c), want.contains_key(c), "{c:?} in {codes:?}");
    }
    assert!(codes.iter().all(|&c| s.contains(c)));
}

/// The empty code, long codes (each its own, told by their strings, one never added) and
/// packed codes, added twice or once.
#[test]
fn code_set_holds_each_code_once() {
    use gazetteer::Code;
    let codes = [
        Code::new("", ""),
        Code::new("LONGER", ""),
        Code::new("US", "CA"),
        Code::new("US", "ENGL"),
        Code::new("LONGER", ""),
        Code::new("U", "S"),
        Code::new("US", "ENGL"),
    ];
    let probe = [
        Code::new("GB", "ENGL"),
        Code::new("USAB", ""),
        Code::new("US", ""),
        Code::new("", "US"),
    ];
    check_code_set(&codes, &probe);
    check_code_set(&codes[1..], &codes[..1]);
    check_code_set(&[], &codes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Made-up sequences of packed and long codes added to [`super::CodeSet`] answer as the
    /// set of codes.
    #[test]
    fn code_set_is_the_set_of_codes(
        parts in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..24),
        probe in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..8),
    ) {
        check_code_set(&made_up_codes(&parts), &made_up_codes(&probe));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Made-up sequences of packed and long codes tally and read as the map of codes.
    #[test]
    fn tallies_are_the_map_of_codes(
        parts in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..24),
        probe in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..8),
    ) {
        check_tallies(&made_up_codes(&parts), &made_up_codes(&probe));
    }
}
