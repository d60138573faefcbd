//! A city or the first-order division of the same name that holds it ("Aleppo" the city or
//! Aleppo province, "Riyadh" or Riyadh region, "Santiago" or the Dominican province).
//!
//! The resolver's prior reads such a name as the city (a division is not the reading when a city
//! of the same name lies inside it). When the words around the mention name a division ("Aleppo
//! province", "Riyadh region", "the province of Santiago", "Kano State"), the mention is resolved
//! to the division instead. Both readings are GeoNames entries: the mention keeps an id,
//! coordinates, kind and country.
//!
//! On the BAND training split (each sentence read alone, every mention, exact spans) the rule
//! turns 15 more place mentions right in the `study` blocks and 3 in the `check` blocks (every
//! fifth block of 100 sentences). A learned alternative (a logistic model over the words around
//! the mention, both readings' populations, the country and the document's other readings,
//! trained on the 284 such mentions BAND labels Province or City) reached 0.67 five-fold
//! accuracy against 0.59 for the city prior on the training split, but lost 10 right place spans
//! on BAND dev and lowered the EHA resolution accuracy (0.756 to 0.744): too few examples to
//! learn from, so the cue alone is kept.

use super::gazetteer::Kind;
use super::{Gazetteer, Mention};

/// Words naming a first-order division.
const DIVISION_WORDS: &[&[u8]] = &[
    b"province",
    b"region",
    b"state",
    b"governorate",
    b"department",
    b"oblast",
    b"prefecture",
    b"division",
    b"emirate",
    b"krai",
    b"kray",
];

/// The token (a run of letters and digits, or one other character) that ends before byte `at`,
/// spaces skipped, and where it starts; none past a line break.
fn token_before(b: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let mut e = at.min(b.len());
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e == 0 || matches!(b[e - 1], b'\n' | b'\r') {
        return None;
    }
    let word = |c: u8| c.is_ascii_alphanumeric() || c >= 0x80;
    let mut s = e - 1;
    if word(b[s]) {
        while s > 0 && word(b[s - 1]) {
            s -= 1;
        }
    }
    Some((&b[s..e], s))
}

/// The token that starts after byte `at`, spaces skipped, and where it ends.
fn token_after(b: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let mut s = at.min(b.len());
    while s < b.len() && b[s] == b' ' {
        s += 1;
    }
    if s >= b.len() || matches!(b[s], b'\n' | b'\r') {
        return None;
    }
    let word = |c: u8| c.is_ascii_alphanumeric() || c >= 0x80;
    let mut e = s + 1;
    if word(b[s]) {
        while e < b.len() && word(b[e]) {
            e += 1;
        }
    }
    Some((&b[s..e], e))
}

/// A division word, without regard to ASCII case.
fn is_division(w: &[u8]) -> bool {
    DIVISION_WORDS.iter().any(|d| d.eq_ignore_ascii_case(w))
}

/// The words around the mention at bytes `start..end` name a division: a division word right
/// after it ("Aleppo province") or "<division word> of" right before it ("province of Santiago").
/// The token before "of" is read only after an "of" ([`division_cue_reference`] read it
/// always).
fn division_cue(b: &[u8], start: usize, end: usize) -> bool {
    if token_after(b, end).is_some_and(|(w, _)| is_division(w)) {
        return true;
    }
    token_before(b, start)
        .is_some_and(|(w, s)| w == b"of" && token_before(b, s).is_some_and(|(w, _)| is_division(w)))
}

/// [`division_cue`] as it was (the reference of the tests).
#[cfg(test)]
fn division_cue_reference(b: &[u8], start: usize, end: usize) -> bool {
    if token_after(b, end).is_some_and(|(w, _)| is_division(w)) {
        return true;
    }
    let prev = token_before(b, start);
    let prev2 = prev.and_then(|(_, s)| token_before(b, s));
    prev.is_some_and(|(w, _)| w == b"of") && prev2.is_some_and(|(w, _)| is_division(w))
}

impl Gazetteer<'_> {
    /// Resolves to the first-order division of the same name the mentions read as a city whose
    /// context names a division ([`division_cue`]). `resolved[i]` is the entry chosen for
    /// `mentions[i]`.
    ///
    /// The words around a mention are read only when its list holds such a division (most
    /// cities have none): both tests are pure, so their order does not change the reading
    /// ([`Self::choose_readings_reference`] holds it in the tests).
    pub(super) fn choose_readings(&self, text: &str, mentions: &[Mention], resolved: &mut [u32]) {
        let b = text.as_bytes();
        for (m, r) in mentions.iter().zip(resolved.iter_mut()) {
            let city = *r;
            if self.kind(city) != Kind::City {
                continue;
            }
            if let Some(division) = self.division_holding(m, city)
                && division_cue(b, m.start, m.end)
            {
                *r = division;
            }
        }
    }

    /// The first first-order division among the readings of `m` that holds entry `city`.
    fn division_holding(&self, m: &Mention, city: u32) -> Option<u32> {
        m.cands
            .iter()
            .map(|c| c.entry)
            .find(|&c| self.kind(c) == Kind::Admin1 && self.is_inside(city, c))
    }

    /// [`Self::choose_readings`] reading the words around every mention read as a city first
    /// (the reference of the tests).
    #[cfg(test)]
    pub(super) fn choose_readings_reference(
        &self,
        text: &str,
        mentions: &[Mention],
        resolved: &mut [u32],
    ) {
        let b = text.as_bytes();
        for (m, r) in mentions.iter().zip(resolved.iter_mut()) {
            let city = *r;
            if self.kind(city) != Kind::City || !division_cue(b, m.start, m.end) {
                continue;
            }
            if let Some(division) = self.division_holding(m, city) {
                *r = division;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer<'static> {
        match Gazetteer::global_result() {
            Ok(g) => g,
            Err(e) => panic!("embedded gazetteer does not load: {e}"),
        }
    }

    /// (mention text, kind) of every mention `find` returns, in text order.
    fn kinds(text: &str) -> Vec<(String, String)> {
        let mut v: Vec<(usize, String, String)> = g()
            .find(text)
            .into_iter()
            .flat_map(|p| {
                let kind = p.kind.to_string();
                p.mentions
                    .into_iter()
                    .map(move |m| (m.start, m.text, kind.clone()))
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, t, k)| (t, k)).collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect()
    }

    #[test]
    fn tokens_around_a_span() {
        let t = b"in Aleppo province , Syria\nnext";
        assert_eq!(token_before(t, 3), Some((&b"in"[..], 0)));
        assert_eq!(token_after(t, 9), Some((&b"province"[..], 18)));
        assert_eq!(token_after(t, 18), Some((&b","[..], 20)));
        assert_eq!(token_before(t, 0), None);
        // Not across a line break.
        assert_eq!(token_after(t, 26), None);
        assert_eq!(token_before(t, 27), None);
    }

    #[test]
    fn division_cues() {
        let t = b"in Aleppo province";
        assert!(division_cue(t, 3, 9));
        let t = b"the province of Santiago";
        assert!(division_cue(t, 16, 24));
        let t = b"in Kano State .";
        assert!(division_cue(t, 3, 7));
        for (t, s, e) in [
            (&b"in Aleppo city"[..], 3, 9),
            (b"the city of Santiago", 12, 20),
            (b"the provinces Santiago", 14, 22),
            (b"Aleppo", 0, 6),
        ] {
            assert!(!division_cue(t, s, e), "{:?}", String::from_utf8_lossy(t));
        }
    }

    /// The cue reading the token before "of" only after an "of" equals the reference: at every
    /// pair of token bounds of the seeds and DON texts near each other, and of made-up texts.
    #[test]
    fn division_cue_is_the_reference() {
        let check = |t: &str| {
            let b = t.as_bytes();
            let bounds: Vec<usize> = (0..=b.len())
                .filter(|&i| {
                    i == 0
                        || i == b.len()
                        || (b[i - 1].is_ascii_alphanumeric() != b[i].is_ascii_alphanumeric())
                })
                .collect();
            for (k, &s) in bounds.iter().enumerate() {
                for &e in bounds.iter().skip(k).take(4) {
                    assert_eq!(
                        division_cue(b, s, e),
                        division_cue_reference(b, s, e),
                        "{s} {e} {t:?}"
                    );
                }
            }
        };
        for t in crate::test_util::seed_and_don_texts() {
            check(&t);
        }
        for t in [
            "the province of Santiago",
            "Province  of  Aleppo region",
            "of Aleppo",
            "x of\nAleppo",
            "state of Kano State",
            "governorate of",
            "of",
            "",
        ] {
            check(t);
        }
    }

    /// Reading the words around a mention only when its list holds a division of the city
    /// chooses as the reference: on every mention of the seeds, the DON texts and the cue
    /// examples, with each mention read as its resolved entry and as each of its candidates.
    #[test]
    fn choosing_readings_is_the_reference() {
        let g = g();
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(
            [
                "A boy died in Aleppo province last week; Aleppo region, Riyadh Region.",
                "Cholera hit Tamboril , province of Santiago , Dominican Republic .",
                "the province of Santiago and Kano State, Lagos State, state of Kano",
            ]
            .map(String::from),
        );
        let mut changed = 0usize;
        for t in &texts {
            let tk = crate::tokens::Tokens::new(t);
            let ms = g.mentions(t, &tk.toks);
            let most = ms.iter().map(|m| m.cands.len()).max().unwrap_or(0);
            let mut lists = vec![g.resolve(&ms)];
            for k in 0..most {
                lists.push(
                    ms.iter()
                        .map(|m| {
                            m.cands
                                .get(k)
                                .or(m.cands.first())
                                .map_or(u32::MAX, |c| c.entry)
                        })
                        .collect(),
                );
            }
            for resolved in lists {
                let (mut got, mut want) = (resolved.clone(), resolved.clone());
                g.choose_readings(t, &ms, &mut got);
                g.choose_readings_reference(t, &ms, &mut want);
                assert_eq!(got, want, "{t}");
                changed += usize::from(got != resolved);
            }
        }
        assert!(changed > 0);
    }

    #[test]
    fn the_division_is_read_where_the_context_says_so() {
        // Regression: these were read as the cities.
        assert_eq!(
            kinds("A boy died in Aleppo province last week."),
            pairs(&[("Aleppo", "admin1")])
        );
        assert_eq!(
            kinds("Cholera hit Tamboril , province of Santiago , Dominican Republic ."),
            pairs(&[
                ("Tamboril", "city"),
                ("Santiago", "admin1"),
                ("Dominican Republic", "country"),
            ])
        );
        // Without the cue the city stays.
        assert_eq!(
            kinds("A boy died in Aleppo last week."),
            pairs(&[("Aleppo", "city")])
        );
    }
}
