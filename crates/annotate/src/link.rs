//! Attaching each count to the disease, place and date it belongs to.
//!
//! The rule is the one an analyst applies reading a sentence: the nearest mention in the same
//! sentence (preceding first, then following). Failing that:
//! - for diseases, the nearest mention in the two sentences before, then the disease the title
//!   names, then the document's main disease;
//! - for places, the place last written before the count in its paragraph (a demonym such as
//!   "100 km from the Colombian border" does not count) when it lies in the country the title
//!   names, or when the title names none; else the title's place; else the document's main
//!   country. A report on "Cholera in Ecuador" speaks of Ecuador unless it says otherwise, and a
//!   round-up with one paragraph per country speaks of the paragraph's country.
//!
//! A non-specific syndrome ("fever") yields to the document's main specific disease, since news
//! writes "cases of fever" for the outbreak it is about. A count's date, when the count finder
//! found none in its clause, is a date written in the same sentence, else the publication date.

use std::cell::OnceCell;

use epiwire_model::{DateMention, Disease, Document, Place, Word};

use crate::disease::DiseaseMatcher;
use crate::place::Gazetteer;
use crate::sentence::{Sentences, split};
use paragraphs::Paragraphs;

/// Disease ids that name a syndrome rather than a disease.
const SYNDROMES: &[&str] = &[
    "epiwire:fever",
    "epiwire:undiagnosed",
    "epiwire:acute-respiratory-illness",
];

/// True when `id` names a syndrome rather than a specific disease.
pub fn is_syndrome(id: &str) -> bool {
    SYNDROMES.contains(&id)
}

/// A mention of something, reduced to what linking needs. Its sentence is not kept: whether
/// it lies in a sentence is a test of its start against the sentence's [`Bounds`].
#[derive(Debug, Clone)]
struct Mention<K> {
    key: K,
    start: usize,
}

/// The code points whose sentence ([`Cursor::sentence`], [`crate::sentence::sentence_of`])
/// lies in a run of sentences: those at or after `lo` and before `hi`. The sentence of a
/// position is the number of sentences ending at or before it (the last one past the end), so
/// it is at least `k` exactly from the end of sentence `k - 1` on ([`Bounds::floor`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bounds {
    lo: usize,
    hi: usize,
}

impl Bounds {
    /// The least position whose sentence is at least `k`, for `k` at most the last sentence
    /// (0 for the first).
    #[inline]
    fn floor(sents: &[(usize, usize)], k: usize) -> usize {
        k.checked_sub(1)
            .and_then(|j| sents.get(j))
            .map_or(0, |&(_, e)| e)
    }

    /// The positions of sentence `s` (a sentence of [`Cursor::sentence`]: the last one holds
    /// every position past the end).
    #[inline]
    fn sentence(sents: &[(usize, usize)], s: usize) -> Self {
        let hi = match sents.get(s) {
            Some(&(_, e)) if s + 1 < sents.len() => e,
            _ => usize::MAX,
        };
        Self {
            lo: Self::floor(sents, s),
            hi,
        }
    }

    #[inline]
    fn holds(self, pos: usize) -> bool {
        self.lo <= pos && pos < self.hi
    }
}

fn disease_mentions(diseases: &[Disease]) -> Vec<Mention<&Word>> {
    let mut out: Vec<Mention<&Word>> =
        Vec::with_capacity(diseases.iter().map(|d| d.mentions.len()).sum());
    for d in diseases {
        out.extend(d.mentions.iter().map(|m| Mention {
            key: &d.id,
            start: m.start,
        }));
    }
    out.sort_by_key(|m| m.start);
    out
}

/// A position in a sorted list asked for mostly ascending keys (the mentions and counts of a
/// document come in text order): each answer walks on from the previous one, so a document's
/// questions cost one pass over the list instead of a binary search each. A key that went back
/// is searched among the items before, one far ahead among those after.
#[derive(Debug, Default, Clone, Copy)]
struct Cursor {
    at: usize,
    /// Every question is a binary search of the whole list: for a list that may be unsorted
    /// (the dates), whose `partition_point` answers need not be those of a walk.
    search: bool,
}

impl Cursor {
    /// Steps walked before the rest of the list is searched.
    const WALK: usize = 8;

    /// `items.partition_point(pred)` for a `pred` true on a prefix of `items`.
    #[inline]
    fn seek<T>(&mut self, items: &[T], pred: impl Fn(&T) -> bool) -> usize {
        if self.search {
            return items.partition_point(pred);
        }
        let mut at = self.at.min(items.len());
        if at > 0 && !items.get(at - 1).is_some_and(&pred) {
            at = items.get(..at).map_or(0, |b| b.partition_point(&pred));
        } else {
            let mut steps = 0;
            while items.get(at).is_some_and(&pred) {
                at += 1;
                steps += 1;
                if steps == Self::WALK {
                    at += items.get(at..).map_or(0, |r| r.partition_point(&pred));
                    break;
                }
            }
        }
        self.at = at;
        at
    }

    /// [`crate::sentence::sentence_of`] for ranges that follow each other (as [`split`]'s
    /// do): the number of sentences ending at or before `pos`, the last one past the end.
    #[inline]
    fn sentence(&mut self, sents: &[(usize, usize)], pos: usize) -> usize {
        self.seek(sents, |&(_, e)| e <= pos)
            .min(sents.len().saturating_sub(1))
    }
}

/// The place mentions, keyed by place id, the mention's text and the place's index in `places`.
/// Whether a mention is a demonym
/// ("the Colombian border") is asked only by [`last_in_paragraph`], of the mentions it reads
/// ([`Demonyms`]).
fn place_mentions(places: &[Place]) -> Vec<Mention<(u64, &str, usize)>> {
    let mut out: Vec<Mention<(u64, &str, usize)>> =
        Vec::with_capacity(places.iter().map(|p| p.mentions.len()).sum());
    for (at, p) in places.iter().enumerate() {
        out.extend(p.mentions.iter().map(|m| Mention {
            key: (p.geonameid, m.text.as_str(), at),
            start: m.start,
        }));
    }
    out.sort_by_key(|m| m.start);
    out
}

/// The gazetteer's demonym answers ([`Gazetteer::is_demonym`]) for place mentions, each
/// (place, text) asked once: a place is written in few ways ("Guinea", "Guinean"). The first
/// [`Demonyms::KEPT`] answers are kept (a list is searched, so it stays short).
#[derive(Debug, Default)]
struct Demonyms<'p> {
    known: Vec<(u64, &'p str, bool)>,
}

impl<'p> Demonyms<'p> {
    const KEPT: usize = 32;

    /// True when the mention `text` of place `id` is written as a demonym of it.
    fn weak(&mut self, id: u64, text: &'p str) -> bool {
        if let Some(&(_, _, weak)) = self.known.iter().find(|k| k.0 == id && k.1 == text) {
            return weak;
        }
        let weak = Gazetteer::global().is_demonym(text, id);
        if self.known.len() < Self::KEPT {
            self.known.push((id, text, weak));
        }
        weak
    }
}

/// The mention nearest to `pos` in its sentence, whose positions are `sentence` (they hold
/// `pos`): the closest preceding one, else the closest following one. When there is none, `Err`
/// of the last mention before the sentence, if any: the mention just before `pos` lies in
/// the sentence or before it, so one walk answers both questions.
///
/// `mentions` are sorted by start: the first one after `pos` is found by `cur`, kept by the
/// caller from one count to the next.
fn nearest_or_last_before<'m, K>(
    mentions: &'m [Mention<K>],
    sentence: Bounds,
    pos: usize,
    cur: &mut Cursor,
) -> Result<&'m Mention<K>, Option<&'m Mention<K>>> {
    let at = cur.seek(mentions, |m| m.start <= pos);
    let before = at.checked_sub(1).and_then(|b| mentions.get(b));
    if let Some(m) = before.filter(|m| sentence.holds(m.start)) {
        return Ok(m);
    }
    mentions
        .get(at)
        .filter(|m| sentence.holds(m.start))
        .ok_or(before)
}

/// The mention nearest to `pos` in its sentence ([`nearest_or_last_before`]).
#[inline]
fn nearest_in_sentence<K: Clone>(
    mentions: &[Mention<K>],
    sentence: Bounds,
    pos: usize,
    cur: &mut Cursor,
) -> Option<K> {
    nearest_or_last_before(mentions, sentence, pos, cur)
        .ok()
        .map(|m| m.key.clone())
}

/// The mention nearest to `pos` in sentence `s` (whose positions are `sentence`), else the
/// closest one in the `back` sentences before it: [`nearest_in_sentence`], else
/// [`nearest_before`], from one walk of `cur`.
#[inline]
fn nearest_in_or_before<K: Clone>(
    mentions: &[Mention<K>],
    sents: &[(usize, usize)],
    (s, sentence): (usize, Bounds),
    back: usize,
    pos: usize,
    cur: &mut Cursor,
) -> Option<K> {
    match nearest_or_last_before(mentions, sentence, pos, cur) {
        Ok(m) => Some(m.key.clone()),
        Err(before) => before
            .filter(|m| m.start >= Bounds::floor(sents, s.saturating_sub(back)))
            .map(|m| m.key.clone()),
    }
}

/// The closest mention before sentence `sentence` in the `back` sentences before it (`cur` as
/// for [`nearest_in_sentence`]): the reference of [`nearest_in_or_before`].
#[cfg(test)]
fn nearest_before<K: Clone>(
    mentions: &[Mention<K>],
    sents: &[(usize, usize)],
    sentence: usize,
    back: usize,
    cur: &mut Cursor,
) -> Option<K> {
    let within = Bounds {
        lo: Bounds::floor(sents, sentence.saturating_sub(back)),
        hi: Bounds::floor(sents, sentence),
    };
    let at = cur.seek(mentions, |m| m.start < within.hi);
    at.checked_sub(1)
        .and_then(|b| mentions.get(b))
        .filter(|m| within.holds(m.start))
        .map(|m| m.key.clone())
}

/// The last strong place mention (not a demonym) before `pos` in the paragraph
/// `[para_start, pos)`.
fn last_in_paragraph<'m, 'p>(
    mentions: &'m [Mention<(u64, &'p str, usize)>],
    para_start: usize,
    pos: usize,
    demonyms: &mut Demonyms<'p>,
) -> Option<&'m Mention<(u64, &'p str, usize)>> {
    let end = mentions.partition_point(|m| m.start < pos);
    mentions[..end]
        .iter()
        .rev()
        .take_while(|m| m.start >= para_start)
        .find(|m| !demonyms.weak(m.key.0, m.key.1))
}

/// The country code of a place id, from the document's places or the gazetteer.
pub(crate) fn country_of(places: &[Place], id: u64) -> Option<Word> {
    match places.iter().find(|p| p.geonameid == id) {
        Some(p) => p.country.clone(),
        None => Gazetteer::global()
            .get(id)
            .map(|e| Word::Borrowed(e.country)),
    }
}

/// The document's main disease: the most mentioned specific disease (earliest on ties), else the
/// most mentioned syndrome.
pub fn main_disease(diseases: &[Disease]) -> Option<&Disease> {
    let rank = |d: &Disease| {
        let first = d
            .mentions
            .iter()
            .map(|m| m.start)
            .min()
            .unwrap_or(usize::MAX);
        (
            !is_syndrome(&d.id),
            d.mentions.len(),
            std::cmp::Reverse(first),
        )
    };
    diseases.iter().max_by_key(|d| rank(d))
}

/// The document's main place: the most mentioned country (earliest on ties), else the most
/// mentioned place of any kind.
pub fn main_place(places: &[Place]) -> Option<&Place> {
    let rank = |p: &Place| {
        let first = p
            .mentions
            .iter()
            .map(|m| m.start)
            .min()
            .unwrap_or(usize::MAX);
        (
            p.kind == "country",
            p.mentions.len(),
            std::cmp::Reverse(first),
        )
    };
    places.iter().max_by_key(|p| rank(p))
}

/// Fills `disease`, `place` and `date` of every count of `doc` that has none yet.
pub fn attach(doc: &mut Document) {
    if doc.counts.is_empty() {
        return;
    }
    attach_in(doc, &split(&doc.text));
}

/// [`attach`] with the sentences of `doc.text` already split (by [`split`]'s rule). The
/// paragraph starts are found from the sentences, so no code-point index is needed.
///
/// Returns the sentence of each count (by count index), as
/// [`crate::sentence::sentence_of`] finds it, and the place it gave the count: the facts'
/// evidence is that sentence, their country that place's ([`crate::facts::headline_in`]).
pub(crate) fn attach_in(doc: &mut Document, split: &Sentences) -> Vec<Linked> {
    if doc.counts.is_empty() {
        return Vec::new();
    }
    let sents = &split.ranges;
    let diseases = disease_mentions(&doc.diseases);
    let places = place_mentions(&doc.places);
    // The fallbacks (the title's main place and disease, the document's main disease, specific
    // disease and place) are read only once a count needs one: most counts find their disease
    // and place near them, and reading a title's places and diseases is a small annotation.
    let title = doc.title.as_deref().filter(|t| !t.trim().is_empty());
    let title_place_cell: OnceCell<Option<(u64, &str)>> = OnceCell::new();
    let title_place = || {
        *title_place_cell.get_or_init(|| title.and_then(|t| Gazetteer::global().main_place_of(t)))
    };
    let main_disease_cell: OnceCell<Option<Word>> = OnceCell::new();
    let main_disease = || {
        main_disease_cell.get_or_init(|| {
            title
                .and_then(|t| DiseaseMatcher::global().main_disease_of(t))
                .filter(|id| !is_syndrome(id))
                .cloned()
                .or_else(|| self::main_disease(&doc.diseases).map(|d| d.id.clone()))
        })
    };
    let main_specific_cell: OnceCell<Option<Word>> = OnceCell::new();
    let main_specific = || {
        main_specific_cell.get_or_init(|| {
            main_disease()
                .clone()
                .filter(|id| !is_syndrome(id))
                .or_else(|| {
                    self::main_disease(&doc.diseases)
                        .map(|d| d.id.clone())
                        .filter(|id| !is_syndrome(id))
                })
        })
    };
    // The main place's id and its index in `doc.places` (`usize::MAX` for the title's).
    let main_place_cell: OnceCell<Option<(u64, usize)>> = OnceCell::new();
    let main_place = || {
        *main_place_cell.get_or_init(|| {
            title_place().map(|p| (p.0, usize::MAX)).or_else(|| {
                self::main_place(&doc.places).map(|p| {
                    let at = doc.places.iter().position(|q| std::ptr::eq(q, p));
                    (p.geonameid, at.unwrap_or(usize::MAX))
                })
            })
        })
    };
    // The paragraph starts, read only as a count without a place in its sentence needs one.
    let mut paras: Option<Paragraphs<'_>> = None;
    let mut demonyms = Demonyms::default();
    // The date finder writes its mentions in text order: the resolved ones are then read from
    // them in place ([`nearest_dated_in_sentence`]). Were they not, from a list of their own,
    // each search the binary search it was.
    let in_place = doc.dates.is_sorted_by_key(|d| d.start);
    let dates = if in_place {
        Vec::new()
    } else {
        dated_mentions(&doc.dates)
    };
    // Borrowed: each count that takes it gets its own copy, made in place (a `String::clone`
    // is a call per count; no copy is kept for the document).
    let published = doc.published.as_deref().and_then(|p| p.get(..10));

    // The counts come in text order: each list is walked once.
    let mut at_sentence = Cursor::default();
    let mut at_disease = Cursor::default();
    let mut at_place = Cursor::default();
    let mut at_date = Cursor {
        at: 0,
        search: !dates.is_sorted_by_key(|m| m.start),
    };
    let mut of_count = Vec::with_capacity(doc.counts.len());
    for count in &mut doc.counts {
        let sentence = at_sentence.sentence(sents, count.start);
        let mut place = usize::MAX;
        let bounds = Bounds::sentence(sents, sentence);
        if count.disease.is_none() {
            let found = nearest_in_or_before(
                &diseases,
                sents,
                (sentence, bounds),
                2,
                count.start,
                &mut at_disease,
            )
            .cloned()
            .or_else(|| main_disease().clone());
            count.disease = match found {
                Some(id) if is_syndrome(&id) => main_specific().clone().or(Some(id)),
                other => other,
            };
        }
        if count.place.is_none() {
            let found = nearest_in_sentence(&places, bounds, count.start, &mut at_place)
                .map(|(id, _, at)| (id, at))
                .or_else(|| {
                    let para_start = paras
                        .get_or_insert_with(|| Paragraphs::new(&doc.text, split))
                        .start(sentence);
                    last_in_paragraph(&places, para_start, count.start, &mut demonyms)
                        .map(|m| (m.key.0, m.key.2))
                        .filter(|&(id, _)| match title_place() {
                            Some((_, cc)) => country_of(&doc.places, id).as_deref() == Some(cc),
                            None => true,
                        })
                })
                .or_else(main_place);
            count.place = found.map(|f| f.0);
            place = found.map_or(usize::MAX, |f| f.1);
        }
        if count.date.is_none() {
            count.date = if in_place {
                nearest_dated_in_sentence(&doc.dates, bounds, count.start, &mut at_date)
            } else {
                nearest_in_sentence(&dates, bounds, count.start, &mut at_date)
            }
            .map(str::to_owned)
            .or_else(|| published.map(str::to_owned));
        }
        of_count.push(Linked { sentence, place });
    }
    of_count
}

/// What [`attach_in`] found for a count that the facts read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Linked {
    /// The count's sentence ([`crate::sentence::sentence_of`] of its start).
    pub(crate) sentence: usize,
    /// The index in `doc.places` of the place linking gave the count (`usize::MAX` when it gave
    /// none, or the title's place): [`country_of`] of the count's place reads that place.
    pub(crate) place: usize,
}

/// The value linking gives a count from a date mention, when it is resolved. A range stands
/// for its last day: figures "for 9 October to 5 November" are as of 5 November.
#[inline]
fn date_value(d: &DateMention) -> Option<&str> {
    d.end_value.as_deref().or(d.value.as_deref())
}

/// Resolved date mentions.
fn dated_mentions(dates: &[DateMention]) -> Vec<Mention<&str>> {
    let mut out = Vec::with_capacity(dates.len());
    out.extend(dates.iter().filter_map(|d| {
        Some(Mention {
            key: date_value(d)?,
            start: d.start,
        })
    }));
    out
}

/// [`nearest_in_sentence`] of the [`dated_mentions`] of `dates`, read from `dates` (sorted by
/// start) without building them: the unresolved mentions are passed over. Back from the
/// first mention after `pos` while in the sentence, the first resolved one is the last
/// resolved one before `pos`; else on from it, the first resolved one after `pos`.
fn nearest_dated_in_sentence<'d>(
    dates: &'d [DateMention],
    sentence: Bounds,
    pos: usize,
    cur: &mut Cursor,
) -> Option<&'d str> {
    let at = cur.seek(dates, |d| d.start <= pos);
    let (before, after) = dates.split_at_checked(at)?;
    let held = |d: &&DateMention| sentence.holds(d.start);
    before
        .iter()
        .rev()
        .take_while(held)
        .find_map(date_value)
        .or_else(|| after.iter().take_while(held).find_map(date_value))
}

mod paragraphs;
#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    /// The title's main place read without building its places is the main place of its
    /// places: on the DON titles and texts, the seeds and a few titles.
    #[test]
    fn main_place_of_is_main_place_of_find() {
        let g = crate::place::Gazetteer::global();
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(crate::test_util::don_titles());
        texts.extend(
            [
                "",
                "Cholera in Chad",
                "Paris, Texas: Paris reports two cases; Texas and Paris",
                "Ebola in Guinea, Liberia and Sierra Leone (Guinea update)",
                "Georgia: Tbilisi and Atlanta, Georgia",
            ]
            .map(str::to_string),
        );
        for t in &texts {
            let want = super::main_place(&g.find(t))
                .map(|p| (p.geonameid, p.country.as_deref().map(str::to_owned)));
            let got = g.main_place_of(t).map(|(id, c)| (id, Some(c.to_string())));
            assert_eq!(got, want, "{t}");
        }
    }

    /// The title's main disease read from the matches is the main disease of its diseases: on
    /// the DON titles and texts, the seeds and a few titles.
    #[test]
    fn main_disease_of_is_main_disease_of_find() {
        let m = DiseaseMatcher::global();
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(crate::test_util::don_titles());
        texts.extend(
            [
                "",
                "Fever in Chad",
                "Fever and cholera in Chad; cholera",
                "Cholera and fever, then Ebola. Ebola and cholera.",
                "Dengue fever? Fever. Fever. Measles",
            ]
            .map(str::to_string),
        );
        let mut syndromes = 0;
        for t in &texts {
            let found = m.find(t);
            let want = main_disease(&found).map(|d| &d.id);
            syndromes += usize::from(want.is_some_and(|id| is_syndrome(id)));
            assert_eq!(m.main_disease_of(t), want, "{t}");
        }
        assert!(syndromes > 0);
    }

    /// The paragraph start linking finds for a sentence is the last reference paragraph start
    /// at or before it, asked in text order, backwards and in jumps, with the sentences
    /// `annotate` splits (the link rule of `split_both`, with and without the token stream's
    /// ends) and [`split`]'s, on the seeds, the WHO DON texts and edge cases.
    #[test]
    fn paragraph_starts_found_one_by_one_are_the_reference() {
        use crate::sentence::{paragraphs, split_both};
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(
            [
                "",
                "\n",
                "a\n",
                "a\n\n",
                "\n\na",
                "x\n \t",
                " \nx\ny",
                "a\nb. c\nd",
                "a.\n\u{a0}\nb. c\n\n\nd\n",
                "a. b\r\n\r\nc. d\r\ne",
            ]
            .map(str::to_string),
        );
        let (mut blank, mut lines) = (0, 0);
        for t in &texts {
            let paras = paragraphs(t);
            let index = CharIndex::new(t);
            let tk = crate::tokens::Tokens::new(t);
            let (Some(linked), _) = split_both(t, true, Some(&index), Some(&tk.ends)) else {
                panic!("no link sentences");
            };
            let (Some(searched), _) = split_both(t, true, Some(&index), None) else {
                panic!("no link sentences");
            };
            for sents in [linked, searched, split(t)] {
                let n = sents.ranges.len();
                let want = |s: usize| {
                    let at = sents.ranges.get(s).map_or(0, |r| r.0);
                    paras[paras.partition_point(|&p| p <= at) - 1]
                };
                let mut up = Paragraphs::new(t, &sents);
                let mut down = Paragraphs::new(t, &sents);
                let mut jumps = Paragraphs::new(t, &sents);
                for s in 0..n {
                    assert_eq!(up.start(s), want(s), "{t:?} {s}");
                    assert_eq!(down.start(n - 1 - s), want(n - 1 - s), "{t:?}");
                    let jump = (s * 7919) % n;
                    assert_eq!(jumps.start(jump), want(jump), "{t:?} {jump}");
                }
            }
            let multi = paras.len() > 1;
            blank += usize::from(multi && paras.len() < t.lines().count());
            lines += usize::from(multi && paras.len() == t.lines().count());
        }
        assert!(blank > 0 && lines > 0, "{blank} {lines}");
    }

    /// The place mentions are the reference's (place, start), in the same order, and
    /// the lazily asked demonym answers are the reference's weak flags, on the seeds and the
    /// WHO DON texts.
    #[test]
    fn place_mention_demonym_answers_are_the_reference_weak_flags() {
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.push("The Colombian border, Colombia and Colombian farms; Colombia.".into());
        let g = Gazetteer::global();
        let (mut weak, mut all) = (0usize, 0usize);
        for t in &texts {
            let places = g.find(t);
            let mut demonyms = Demonyms::default();
            let sents = split(t);
            let want: Vec<(usize, u64, bool)> = reference::place_mentions(&places, &sents.ranges)
                .iter()
                .map(|m| (m.start, m.key, m.weak))
                .collect();
            let got: Vec<(usize, u64, bool)> = place_mentions(&places)
                .iter()
                .map(|m| {
                    let w = demonyms.weak(m.key.0, m.key.1);
                    assert_eq!(w, g.is_demonym(m.key.1, m.key.0));
                    (m.start, m.key.0, w)
                })
                .collect();
            assert_eq!(got, want);
            weak += got.iter().filter(|m| m.2).count();
            all += got.len();
        }
        assert!(weak > 0 && weak < all, "{weak} of {all}");
    }

    /// The WHO DON reports as `annotate` has them when it links: text, title, publication
    /// date, diseases, places, dates and counts (empty where the shared data is missing).
    fn don_docs_before_linking() -> Vec<Document> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let Ok(data) =
            std::fs::read_to_string(root.join("../../../shared/data/who-don/dons-1996-2012.jsonl"))
        else {
            return Vec::new();
        };
        data.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| {
                let mut doc = Document {
                    text: v["text"].as_str().unwrap_or("").to_string(),
                    title: v["title"].as_str().map(str::to_string),
                    published: v["published"]
                        .as_str()
                        .or(v["date"].as_str())
                        .map(str::to_string),
                    ..Document::default()
                };
                let published = crate::publication_date(&doc);
                let index = epiwire_model::CharIndex::new(&doc.text);
                let tk = crate::tokens::Tokens::new(&doc.text);
                doc.diseases = DiseaseMatcher::global().find_in(&doc.text, &tk, &index);
                doc.places = Gazetteer::global().find_with(&doc.text, &tk, Some(&index));
                (doc.dates, doc.counts) =
                    crate::count::find_dates_and_counts_with(&doc.text, published, &index, &tk);
                doc
            })
            .collect()
    }

    /// The date mentions read in place are the resolved ones' list: at every code point (and
    /// past the end) of the DON reports, with the finder's dates as found, with every second
    /// or third one unresolved, and with every fifth made a range (its last day differs).
    #[test]
    fn nearest_dated_in_place_is_nearest_in_the_dated_mentions() {
        let (mut found, mut asked) = (0usize, 0usize);
        for doc in don_docs_before_linking() {
            if doc.dates.is_empty() {
                continue;
            }
            assert!(doc.dates.is_sorted_by_key(|d| d.start));
            let sents = split(&doc.text).ranges;
            for variant in 0..4 {
                let mut dates = doc.dates.clone();
                for (i, d) in dates.iter_mut().enumerate() {
                    match variant {
                        1 if i % 2 == 0 => d.value = None,
                        2 if i % 3 != 1 => d.value = None,
                        3 if i % 5 == 0 => d.end_value = Some(format!("end {i}")),
                        3 if i % 4 == 0 => d.value = None,
                        _ => {}
                    }
                }
                let list = dated_mentions(&dates);
                let (mut at, mut old, mut new) = Default::default();
                for pos in 0..doc.text.chars().count() + 3 {
                    let s = Cursor::sentence(&mut at, &sents, pos);
                    let b = Bounds::sentence(&sents, s);
                    let want = nearest_in_sentence(&list, b, pos, &mut old);
                    let got = nearest_dated_in_sentence(&dates, b, pos, &mut new);
                    assert_eq!(got, want, "{variant} {pos}");
                    found += usize::from(got.is_some());
                    asked += 1;
                }
            }
        }
        assert!(
            found > 10_000 && found < asked || asked == 0,
            "{found} {asked}"
        );
    }

    /// The cursor's sentence is `sentence_of` at every code point of the seeds and DON texts
    /// (and past the end), asked in text order, backwards and in jumps.
    #[test]
    fn cursor_sentence_is_sentence_of() {
        use crate::sentence::sentence_of;
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(["", "One.", "A. B.\n\nC"].map(str::to_string));
        for t in &texts {
            let sents = split(t).ranges;
            let n = t.chars().count() + 3;
            let mut up = Cursor::default();
            let mut down = Cursor::default();
            let mut jumps = Cursor::default();
            for pos in 0..n {
                let want = sentence_of(&sents, pos);
                assert_eq!(up.sentence(&sents, pos), want, "{t:?} {pos}");
                let back = n - 1 - pos;
                assert_eq!(down.sentence(&sents, back), sentence_of(&sents, back));
                let jump = (pos * 7919) % n;
                assert_eq!(jumps.sentence(&sents, jump), sentence_of(&sents, jump));
            }
        }
    }

    /// A position is in a sentence's bounds exactly when `sentence_of` puts it in that sentence,
    /// and at or past `Bounds::floor(k)` exactly when its sentence is at least `k`: every
    /// sentence and code point (and past the end) of the seeds, the DON texts and edge cases.
    #[test]
    fn sentence_bounds_are_sentence_of() {
        use crate::sentence::sentence_of;
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(["", "One.", "A. B.\n\nC", "  A.  B.  "].map(str::to_string));
        let mut held = 0usize;
        for t in &texts {
            let sents = split(t).ranges;
            let n = t.chars().count() + 3;
            let of: Vec<usize> = (0..n).map(|pos| sentence_of(&sents, pos)).collect();
            for s in 0..sents.len().max(1) {
                let b = Bounds::sentence(&sents, s);
                let floor = Bounds::floor(&sents, s);
                for (pos, &want) in of.iter().enumerate() {
                    assert_eq!(b.holds(pos), want == s, "{t:?} {s} {pos}");
                    assert_eq!(pos >= floor, want >= s, "{t:?} {s} {pos}");
                    held += usize::from(want == s);
                }
            }
        }
        assert!(held > 100_000, "{held}");
    }

    /// One walk for the mention in the sentence, else the one in the sentences before, is
    /// `nearest_in_sentence` then `nearest_before` with cursors of their own: at every code
    /// point (and past the end) of the seeds and DON texts, for their disease and place
    /// mentions, looking back 0 to 3 sentences.
    #[test]
    fn nearest_in_or_before_is_in_sentence_then_before() {
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(["", "One.", "A. B.\n\nC", "  A.  B.  "].map(str::to_string));
        let (mut inside, mut before) = (0usize, 0usize);
        for t in &texts {
            let sents = split(t).ranges;
            let diseases = DiseaseMatcher::global().find(t);
            let places = Gazetteer::global().find(t);
            let lists = [
                disease_mentions(&diseases)
                    .iter()
                    .map(|m| Mention {
                        key: m.start,
                        start: m.start,
                    })
                    .collect::<Vec<_>>(),
                place_mentions(&places)
                    .iter()
                    .map(|m| Mention {
                        key: m.start,
                        start: m.start,
                    })
                    .collect(),
            ];
            for mentions in &lists {
                for back in 0..4 {
                    let (mut at, mut one, mut old_in, mut old_before) = Default::default();
                    for pos in 0..t.chars().count() + 3 {
                        let s = Cursor::sentence(&mut at, &sents, pos);
                        let b = Bounds::sentence(&sents, s);
                        let want = nearest_in_sentence(mentions, b, pos, &mut old_in)
                            .map(|k| (k, true))
                            .or_else(|| {
                                nearest_before(mentions, &sents, s, back, &mut old_before)
                                    .map(|k| (k, false))
                            });
                        let got =
                            nearest_in_or_before(mentions, &sents, (s, b), back, pos, &mut one);
                        assert_eq!(got, want.map(|w| w.0), "{t:?} {pos} {back}");
                        inside += usize::from(want.is_some_and(|w| w.1));
                        before += usize::from(want.is_some_and(|w| !w.1));
                    }
                }
            }
        }
        assert!(inside > 10_000 && before > 10_000, "{inside} {before}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// [`nearest_dated_in_sentence`] is [`nearest_in_sentence`] of [`dated_mentions`] for
        /// sorted dates (with equal starts) of any resolution, for any sentences and positions
        /// asked in order.
        #[test]
        fn nearest_dated_in_place_is_nearest_in_the_list(
            mut dates in proptest::collection::vec((0usize..80, 0u8..4), 0..24),
            mut cuts in proptest::collection::vec(1usize..90, 0..8),
        ) {
            dates.sort_unstable_by_key(|d| d.0);
            cuts.sort_unstable();
            cuts.dedup();
            let mut sents = Vec::new();
            let mut from = 0;
            for c in cuts {
                sents.push((from, c));
                from = c;
            }
            let dates: Vec<DateMention> = dates
                .iter()
                .enumerate()
                .map(|(i, &(start, kind))| DateMention {
                    start,
                    end: start + 1,
                    text: String::new(),
                    value: (kind & 1 == 1).then(|| format!("v{i}")),
                    end_value: (kind & 2 == 2).then(|| format!("e{i}")),
                })
                .collect();
            let list = dated_mentions(&dates);
            let (mut at, mut old, mut new) = Default::default();
            for pos in 0..95 {
                let s = Cursor::sentence(&mut at, &sents, pos);
                let b = Bounds::sentence(&sents, s);
                proptest::prop_assert_eq!(
                    nearest_dated_in_sentence(&dates, b, pos, &mut new),
                    nearest_in_sentence(&list, b, pos, &mut old)
                );
            }
        }

        /// `Cursor::seek` is `partition_point` on sorted lists (with repeats) for any sequence
        /// of keys: ascending, going back, jumping past the walk.
        #[test]
        fn cursor_seek_is_partition_point(
            mut items in proptest::collection::vec(0usize..60, 0..40),
            keys in proptest::collection::vec(0usize..70, 0..30),
            search in proptest::bool::ANY,
        ) {
            items.sort_unstable();
            let mut cur = Cursor { at: 0, search };
            let mut asc = Cursor::default();
            let mut sorted_keys = keys.clone();
            sorted_keys.sort_unstable();
            for &k in &keys {
                proptest::prop_assert_eq!(
                    cur.seek(&items, |&x| x <= k),
                    items.partition_point(|&x| x <= k)
                );
            }
            for &k in &sorted_keys {
                proptest::prop_assert_eq!(
                    asc.seek(&items, |&x| x < k),
                    items.partition_point(|&x| x < k)
                );
            }
        }
    }

    /// `attach_in` links every count as the reference does: on the WHO DON reports with their
    /// titles, with no title, and with the title of another report (a title naming another
    /// country keeps out the paragraph places of other countries).
    #[test]
    fn attach_in_equals_the_reference_on_the_don_reports() {
        let docs = don_docs_before_linking();
        let titles: Vec<Option<String>> = docs.iter().map(|d| d.title.clone()).collect();
        let (mut linked, mut placed) = (0usize, 0usize);
        for (i, doc) in docs.iter().enumerate() {
            if doc.counts.is_empty() {
                continue;
            }
            let sents = split(&doc.text);
            let other = titles
                .get((i * 7 + 3) % titles.len().max(1))
                .cloned()
                .flatten();
            for title in [doc.title.clone(), None, other] {
                let mut want = doc.clone();
                want.title = title;
                let mut got = want.clone();
                reference::attach_in_reference(&mut want, &sents);
                attach_in(&mut got, &sents);
                assert_eq!(got.counts, want.counts, "{:?}", got.title);
                linked += got.counts.len();
                placed += got.counts.iter().filter(|c| c.place.is_some()).count();
            }
        }
        if !docs.is_empty() {
            assert!(linked > 1000 && placed > 0, "{linked} {placed}");
        }
    }
    use super::*;
    use epiwire_model::{CharIndex, Count, Span};

    fn span(text: &str, needle: &str) -> Span {
        let byte = text.find(needle).unwrap();
        let start = text[..byte].chars().count();
        Span {
            start,
            end: start + needle.chars().count(),
            text: needle.to_owned(),
        }
    }

    fn count(text: &str, needle: &str) -> Count {
        let s = span(text, needle);
        Count {
            start: s.start,
            end: s.end,
            text: s.text,
            value: 1.0,
            metric: "cases".into(),
            scope: "unknown".into(),
            qualifier: "exact".into(),
            min: None,
            max: None,
            status: None,
            disease: None,
            place: None,
            date: None,
        }
    }

    fn place(text: &str, needle: &str, id: u64, kind: &'static str) -> Place {
        Place {
            geonameid: id,
            name: needle.to_string().into(),
            kind: kind.into(),
            country: Some("XX".into()),
            lat: 0.0,
            lon: 0.0,
            mentions: vec![span(text, needle)],
        }
    }

    #[test]
    fn nearest_place_in_sentence_then_main_country() {
        let text = "Cholera in Chad. Niger reported 10 cases. Later 5 deaths were seen.\n\n\
                    In all 7 deaths. Chad and Niger.";
        let mut doc = Document {
            text: text.into(),
            ..Document::default()
        };
        doc.places = vec![
            place(text, "Chad", 1, "country"),
            place(text, "Niger", 2, "country"),
        ];
        doc.counts = vec![
            count(text, "10"),
            count(text, "5 deaths"),
            count(text, "7 deaths"),
        ];
        attach(&mut doc);
        assert_eq!(doc.counts[0].place, Some(2));
        // No place in its sentence: the last one written before it in the paragraph.
        assert_eq!(doc.counts[1].place, Some(2));
        // None before it in the paragraph: the main country (tie on mentions → the earliest).
        assert_eq!(doc.counts[2].place, Some(1));
    }

    #[test]
    fn paragraph_place_then_title_country() {
        // Round-up: one paragraph per country; a count without a place in its sentence
        // belongs to the paragraph's country.
        let text = "Chad: cholera spreads. A total of 10 cases.\n\nNiger: also cholera. \
                    Since then 5 deaths.\n\nNiger and Chad. Overall 3 deaths.";
        let mut doc = Document {
            text: text.into(),
            ..Document::default()
        };
        let mut chad = place(text, "Chad", 1, "country");
        chad.country = Some("TD".into());
        let mut niger = place(text, "Niger", 2, "country");
        niger.country = Some("NE".into());
        doc.places = vec![chad, niger];
        doc.counts = vec![
            count(text, "10"),
            count(text, "5 deaths"),
            count(text, "3 deaths"),
        ];
        attach(&mut doc);
        assert_eq!(doc.counts[0].place, Some(1));
        assert_eq!(doc.counts[1].place, Some(2));
        // The last place written before it in its paragraph.
        assert_eq!(doc.counts[2].place, Some(1));

        // A title naming a country: places of other countries in the paragraph do not count,
        // and a demonym is never the paragraph's place.
        let text = "Outbreak near the Colombian border. A total of 416 cases.";
        let mut doc = Document {
            title: Some("Cholera in Ecuador".into()),
            text: text.into(),
            ..Document::default()
        };
        doc.places = crate::place::find(text);
        doc.counts = vec![count(text, "416")];
        attach(&mut doc);
        assert_eq!(doc.counts[0].place, Some(3658394), "{:?}", doc.places);
        let facts = crate::facts::headline(&doc);
        assert_eq!(facts[0].country.as_deref(), Some("EC"));
    }

    #[test]
    fn syndrome_yields_to_main_disease() {
        let text = "A COVID-19 outbreak. Cases of fever reached 1.2 million.";
        let mut doc = Document {
            text: text.into(),
            ..Document::default()
        };
        doc.diseases = vec![
            Disease {
                id: "DOID:0080600".into(),
                name: "COVID-19".into(),
                icd10: None,
                mentions: vec![span(text, "COVID-19")],
            },
            Disease {
                id: "epiwire:fever".into(),
                name: "fever".into(),
                icd10: None,
                mentions: vec![span(text, "fever")],
            },
        ];
        doc.counts = vec![count(text, "1.2 million")];
        attach(&mut doc);
        assert_eq!(doc.counts[0].disease.as_deref(), Some("DOID:0080600"));
    }

    #[test]
    fn date_from_sentence_else_publication() {
        let text = "On 3 May, 12 cases. Then 4 deaths.";
        let mut doc = Document {
            text: text.into(),
            published: Some("2022-05-17T10:00:00+09:00".into()),
            ..Document::default()
        };
        let s = span(text, "3 May");
        doc.dates = vec![DateMention {
            start: s.start,
            end: s.end,
            text: s.text,
            value: Some("2022-05-03".into()),
            end_value: None,
        }];
        doc.counts = vec![count(text, "12"), count(text, "4 deaths")];
        attach(&mut doc);
        assert_eq!(doc.counts[0].date.as_deref(), Some("2022-05-03"));
        assert_eq!(doc.counts[1].date.as_deref(), Some("2022-05-17"));
    }
}
