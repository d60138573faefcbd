//! Near-duplicates: MinHash signatures over word shingles, with LSH banding.
//!
//! A document's shingles are its runs of [`SHINGLE`] consecutive words (stop words kept, so that
//! word order counts). [`HASHES`] independent hash functions give the signature; the share of
//! equal positions between two signatures estimates the Jaccard similarity of the shingle sets.
//! The signature is cut into [`BANDS`] bands of [`ROWS`] rows: two documents whose signatures
//! agree on a whole band are candidates (probability `1 − (1 − J^ROWS)^BANDS`, about 0.95 at
//! J = 0.8 and 0.9999 at J = 0.9); [`DUPLICATE_JACCARD`] decides.

use crate::text;

/// Words per shingle.
pub const SHINGLE: usize = 5;
/// Hash functions per signature.
pub const HASHES: usize = 128;
/// LSH bands.
pub const BANDS: usize = 16;
/// Rows per band (`BANDS × ROWS = HASHES`).
pub const ROWS: usize = HASHES / BANDS;
/// Estimated Jaccard similarity from which a document is a near-duplicate of another.
pub const DUPLICATE_JACCARD: f32 = 0.8;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// 64-bit FNV-1a, stable across runs and platforms (signatures are persisted).
fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_more(FNV_OFFSET, bytes)
}

/// FNV-1a of more bytes after a hash so far (`FNV_OFFSET` to start).
fn fnv1a_more(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// SplitMix64 finaliser: a good mix of one 64-bit word.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// [`mix`] after its first step, `z ^ (z >> 30)`: that step distributes over `^`, so the mix
/// of `base ^ seed` is `mix_rest(spread(base) ^ spread(seed))`, each spread computed once.
const fn mix_rest(mut z: u64) -> u64 {
    z = z.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The first step of [`mix`].
const fn spread(z: u64) -> u64 {
    z ^ (z >> 30)
}

/// The [`spread`] seeds.
const SPREAD_SEEDS: [u64; HASHES] = {
    let mut seeds = [0; HASHES];
    let mut i = 0;
    while i < HASHES {
        seeds[i] = spread(SEEDS[i]);
        i += 1;
    }
    seeds
};

/// The mixed seeds of the hash functions, `mix(1) ..= mix(HASHES)`.
const SEEDS: [u64; HASHES] = {
    let mut seeds = [0; HASHES];
    let mut i = 0;
    while i < HASHES {
        seeds[i] = mix(i as u64 + 1);
        i += 1;
    }
    seeds
};

/// The MinHash signature of `text` ([`HASHES`] values). A text shorter than one shingle is
/// shingled as a whole; an empty text gives an empty signature, a duplicate of nothing.
pub fn signature(text: &str) -> Vec<u32> {
    let words: Vec<String> = text::words(text).collect();
    signature_of_words(&words)
}

/// The MinHash signature of a text given as its [`text::words`] ([`signature`] of the text).
pub fn signature_of_words<W: AsRef<str>>(words: &[W]) -> Vec<u32> {
    if words.is_empty() {
        return Vec::new();
    }
    let width = SHINGLE.min(words.len());
    // Each shingle's hash, spread (see `mix_rest`).
    let bases: Vec<u64> = words
        .windows(width)
        .map(|shingle| {
            // FNV-1a of the shingle's words joined by single spaces.
            let mut base = FNV_OFFSET;
            for (k, w) in shingle.iter().enumerate() {
                if k > 0 {
                    base = fnv1a_more(base, b" ");
                }
                base = fnv1a_more(base, w.as_ref().as_bytes());
            }
            spread(base)
        })
        .collect();
    let mut sig = Vec::with_capacity(HASHES);
    // LANES hash functions at a time over every shingle, their minima kept in registers (each
    // shingle's base loaded once for all of them). What is kept is the least value before
    // `mix`'s last step, `z ^ (z >> 31)`: the upper 32 bits of that step's result are those of
    // `z`, with the lowest flipped when the top bit of `z` is set. So when the least `z` has a
    // clear top bit, its upper 32 bits are the least upper 32 bits of the mixed values (any
    // value with the top bit set stays at or above 2^31 after the flip); otherwise (all values
    // have it set: rare but for a few shingles) the minimum is taken again, exactly.
    for seeds in SPREAD_SEEDS.chunks_exact(LANES) {
        let mut least = [u64::MAX; LANES];
        for &base in &bases {
            for (l, &seed) in least.iter_mut().zip(seeds) {
                *l = (*l).min(mix_unfinished(base ^ seed));
            }
        }
        for (&l, &seed) in least.iter().zip(seeds) {
            sig.push(if l >> 63 == 0 {
                (l >> 32) as u32
            } else {
                exact_least(&bases, seed)
            });
        }
    }
    sig
}

/// Hash functions computed side by side in [`signature_of_words`].
const LANES: usize = 4;
const _: () = assert!(HASHES.is_multiple_of(LANES));

/// [`mix_rest`] without its last step, `z ^ (z >> 31)`.
const fn mix_unfinished(mut z: u64) -> u64 {
    z = z.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb)
}

/// The upper 32 bits of the least `mix_rest(base ^ seed)` over `bases`.
fn exact_least(bases: &[u64], seed: u64) -> u32 {
    let least = bases
        .iter()
        .fold(u64::MAX, |least, &base| least.min(mix_rest(base ^ seed)));
    (least >> 32) as u32
}

/// Estimated Jaccard similarity of the shingle sets behind two signatures (0 when either is
/// empty or their lengths differ).
pub fn similarity(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f32 / a.len() as f32
}

/// True when the two signatures say near-duplicate.
pub fn is_duplicate(a: &[u32], b: &[u32]) -> bool {
    similarity(a, b) >= DUPLICATE_JACCARD
}

/// The LSH band keys of a signature, `"lsh:<band>:<hash>"`: two near-duplicates share at least
/// one with high probability. Empty for an empty signature.
pub fn band_keys(sig: &[u32]) -> Vec<String> {
    if sig.len() != HASHES {
        return Vec::new();
    }
    sig.chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut bytes = Vec::with_capacity(rows.len() * 4);
            for r in rows {
                bytes.extend_from_slice(&r.to_le_bytes());
            }
            format!("lsh:{band}:{:016x}", fnv1a(&bytes))
        })
        .collect()
}

/// For each signature, the index of the earliest earlier signature it near-duplicates (`None`
/// for an original). Candidates come from the LSH bands, so the cost is about linear.
pub fn duplicates(sigs: &[&[u32]]) -> Vec<Option<usize>> {
    let mut buckets: std::collections::HashMap<String, Vec<usize>> =
        std::collections::HashMap::new();
    let mut out = vec![None; sigs.len()];
    for (i, sig) in sigs.iter().enumerate() {
        let keys = band_keys(sig);
        let mut best: Option<usize> = None;
        for key in &keys {
            if let Some(earlier) = buckets.get(key) {
                for &j in earlier {
                    if best.is_none_or(|b| j < b) && is_duplicate(sig, sigs[j]) {
                        best = Some(j);
                    }
                }
            }
        }
        // A duplicate points at the original of its original, so chains collapse.
        out[i] = best.map(|j| out[j].unwrap_or(j));
        for key in keys {
            buckets.entry(key).or_default().push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "North Korea has reported a sharp rise in fever cases as the country \
        battles its first acknowledged outbreak of COVID-19, with leader Kim Jong-un ordering \
        the army to help distribute medicine in Pyongyang after pharmacies failed to open \
        around the clock, state media said on Monday.";

    #[test]
    fn a_syndicated_copy_is_a_duplicate() {
        let copy = format!("(Reuters) {STORY} Reporting by Josh Smith.");
        let a = signature(STORY);
        let b = signature(&copy);
        assert!(similarity(&a, &b) > 0.8, "{}", similarity(&a, &b));
        assert!(is_duplicate(&a, &b));
        assert_eq!(duplicates(&[&a, &b]), vec![None, Some(0)]);
    }

    #[test]
    fn unrelated_text_is_not() {
        let other = "The Premier League title race went to the final day as Manchester City \
            came from two goals down to beat Aston Villa at the Etihad Stadium on Sunday.";
        let a = signature(STORY);
        let b = signature(other);
        assert!(similarity(&a, &b) < 0.1, "{}", similarity(&a, &b));
        assert_eq!(duplicates(&[&a, &b]), vec![None, None]);
    }

    #[test]
    fn empty_text_duplicates_nothing() {
        let e = signature("");
        assert!(e.is_empty());
        assert_eq!(similarity(&e, &e), 0.0);
        assert!(band_keys(&e).is_empty());
    }

    /// The signature as first written (one joined string per shingle, seeds mixed in the
    /// loop): the reference the faster one must equal, value for value.
    fn reference_signature(text: &str) -> Vec<u32> {
        let words: Vec<String> = text::words(text).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut sig = vec![u32::MAX; HASHES];
        let width = SHINGLE.min(words.len());
        for shingle in words.windows(width) {
            let base = fnv1a(shingle.join(" ").as_bytes());
            for (i, slot) in sig.iter_mut().enumerate() {
                let h = (mix(base ^ mix(i as u64 + 1)) >> 32) as u32;
                if h < *slot {
                    *slot = h;
                }
            }
        }
        sig
    }

    #[test]
    fn signatures_equal_the_reference() {
        for text in [
            STORY,
            "",
            "one",
            "two words",
            "Ébola en République démocratique du Congo : l'OMS s'inquiète",
            "COVID-19 — 北京 reports 3 new cases; ÅNGSTRÖM İstanbul straße",
        ] {
            assert_eq!(signature(text), reference_signature(text), "{text}");
        }
        // Persisted values: signatures must not change between builds.
        assert_eq!(
            signature("one two three four five six")[..4],
            [1_413_797_101, 229_114_977, 1_801_519_230, 962_213_659]
        );
    }

    /// Texts of one or two shingles take both ways out of the lanes: a least value with a
    /// clear top bit, and one with it set, whose minimum is taken again.
    #[test]
    fn short_texts_take_both_ways() {
        for text in ["one", "one two three four five six"] {
            let words: Vec<String> = text::words(text).collect();
            let width = SHINGLE.min(words.len());
            let bases: Vec<u64> = words
                .windows(width)
                .map(|s| spread(fnv1a(s.join(" ").as_bytes())))
                .collect();
            let set = SPREAD_SEEDS
                .iter()
                .filter(|&&seed| {
                    bases
                        .iter()
                        .map(|&b| mix_unfinished(b ^ seed))
                        .min()
                        .unwrap_or(0)
                        >> 63
                        == 1
                })
                .count();
            assert!(set > 0 && set < HASHES, "{text}: {set}");
            assert_eq!(signature(text), reference_signature(text), "{text}");
        }
    }

    #[test]
    fn signatures_are_stable() {
        // Persisted signatures must not change between builds.
        let s = signature("one two three four five six");
        assert_eq!(s.len(), HASHES);
        assert_eq!(s, signature("One two, three four five six."));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Signatures equal the first version's on texts of every length around a shingle,
        /// repeated words included.
        #[test]
        fn signatures_equal_the_reference_on_any_text(
            words in proptest::collection::vec("[a-e]{1,3}|Σ|’s|[0-9]", 0..40),
        ) {
            let text = words.join(" ");
            proptest::prop_assert_eq!(signature(&text), reference_signature(&text));
        }
    }
}
