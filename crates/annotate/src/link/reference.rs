//! The linking code before the eighth round (tok10), the reference of the tests: every place
//! mention's demonym answer was asked before linking (`place_mentions`), the vectors grew as
//! they were filled.

use epiwire_model::{Count, DateMention, Disease, Document, Place, Word};

use super::{country_of, is_syndrome, main_disease, main_place};
use crate::disease::DiseaseMatcher;
use crate::place::Gazetteer;
use crate::sentence::{Sentences, paragraphs_in, sentence_of};

/// A mention of something, reduced to what linking needs.
#[derive(Debug, Clone)]
pub(super) struct Mention<K> {
    pub key: K,
    pub start: usize,
    pub sentence: usize,
    /// A weak reference (a demonym: "the Colombian border").
    pub weak: bool,
}

fn disease_mentions<'d>(
    diseases: &'d [Disease],
    sents: &[(usize, usize)],
) -> Vec<Mention<&'d str>> {
    let mut out: Vec<Mention<&str>> = diseases
        .iter()
        .flat_map(|d| {
            d.mentions.iter().map(|m| Mention {
                key: &*d.id,
                start: m.start,
                sentence: sentence_of(sents, m.start),
                weak: false,
            })
        })
        .collect();
    out.sort_by_key(|m| m.start);
    out
}

pub(super) fn place_mentions(places: &[Place], sents: &[(usize, usize)]) -> Vec<Mention<u64>> {
    let gazetteer = Gazetteer::global();
    let mut out: Vec<Mention<u64>> = Vec::new();
    // A place is written in few ways ("Guinea", "Guinean"): the gazetteer is asked once per way
    // (for the first few ways of each place; a list is searched, so it stays short).
    const WAYS: usize = 16;
    let mut ways: Vec<(&str, bool)> = Vec::with_capacity(WAYS);
    for p in places {
        ways.clear();
        for m in &p.mentions {
            let weak = match ways.iter().find(|(text, _)| *text == m.text) {
                Some(&(_, weak)) => weak,
                None => {
                    let weak = gazetteer.is_demonym(&m.text, p.geonameid);
                    if ways.len() < WAYS {
                        ways.push((&m.text, weak));
                    }
                    weak
                }
            };
            out.push(Mention {
                key: p.geonameid,
                start: m.start,
                sentence: sentence_of(sents, m.start),
                weak,
            });
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// The mention nearest to `pos` in sentence `sentence`: the closest preceding one, else the
/// closest following one.
///
/// `mentions` are sorted by start, so by sentence: two binary searches, not a scan.
fn nearest_in_sentence<K: Clone>(
    mentions: &[Mention<K>],
    sentence: usize,
    pos: usize,
) -> Option<K> {
    let at = mentions.partition_point(|m| m.start <= pos);
    let before = mentions[..at].last().filter(|m| m.sentence == sentence);
    let after = mentions.get(at).filter(|m| m.sentence == sentence);
    before.or(after).map(|m| m.key.clone())
}

/// The closest mention in the `back` sentences before `sentence`.
fn nearest_before<K: Clone>(mentions: &[Mention<K>], sentence: usize, back: usize) -> Option<K> {
    let at = mentions.partition_point(|m| m.sentence < sentence);
    mentions[..at]
        .last()
        .filter(|m| m.sentence + back >= sentence)
        .map(|m| m.key.clone())
}

/// The last strong mention before `pos` in the paragraph `[para_start, pos)`.
fn last_in_paragraph<K: Clone>(
    mentions: &[Mention<K>],
    para_start: usize,
    pos: usize,
) -> Option<&Mention<K>> {
    let end = mentions.partition_point(|m| m.start < pos);
    mentions[..end]
        .iter()
        .rev()
        .take_while(|m| m.start >= para_start)
        .find(|m| !m.weak)
}

/// `attach_in` before the eighth round (tok10): every place mention's demonym answer
/// asked up front.
pub(crate) fn attach_in_reference(doc: &mut Document, split: &Sentences) {
    if doc.counts.is_empty() {
        return;
    }
    let sents = &split.ranges;
    let diseases = disease_mentions(&doc.diseases, sents);
    let places = place_mentions(&doc.places, sents);
    let (title_place, title_disease) = match doc.title.as_deref() {
        Some(t) if !t.trim().is_empty() => (
            Gazetteer::global()
                .main_place_of(t)
                .map(|(id, country)| (id, Some(country.to_string()))),
            DiseaseMatcher::global().main_disease_of(t),
        ),
        _ => (None, None),
    };
    let main_disease = title_disease
        .filter(|id| !is_syndrome(id))
        .map(|id| id.to_string())
        .or_else(|| main_disease(&doc.diseases).map(|d| d.id.to_string()));
    let main_specific = main_disease
        .clone()
        .filter(|id| !is_syndrome(id))
        .or_else(|| {
            self::main_disease(&doc.diseases)
                .map(|d| d.id.to_string())
                .filter(|id| !is_syndrome(id))
        });
    let main_place = title_place
        .as_ref()
        .map(|p| p.0)
        .or_else(|| main_place(&doc.places).map(|p| p.geonameid));
    // The paragraph starts, read only once a count without a place in its sentence needs them.
    let mut paras: Option<Vec<usize>> = None;
    let dates = dated_mentions(&doc.dates, sents);
    let published = doc
        .published
        .as_deref()
        .and_then(|p| p.get(..10))
        .map(str::to_owned);

    for count in &mut doc.counts {
        let sentence = sentence_of(sents, count.start);
        if count.disease.is_none() {
            let found = nearest_in_sentence(&diseases, sentence, count.start)
                .or_else(|| nearest_before(&diseases, sentence, 2))
                .map(str::to_owned)
                .or_else(|| main_disease.clone());
            count.disease = match found {
                Some(id) if is_syndrome(&id) => main_specific.clone().or(Some(id)),
                other => other,
            }
            .map(Word::from);
        }
        if count.place.is_none() {
            count.place = nearest_in_sentence(&places, sentence, count.start)
                .or_else(|| {
                    let paras = paras.get_or_insert_with(|| paragraphs_in(&doc.text, split));
                    let para_start = paras
                        .get(
                            paras
                                .partition_point(|&p| p <= count.start)
                                .saturating_sub(1),
                        )
                        .copied()
                        .unwrap_or(0);
                    last_in_paragraph(&places, para_start, count.start)
                        .map(|m| m.key)
                        .filter(|&id| match &title_place {
                            Some((_, Some(cc))) => {
                                country_of(&doc.places, id).as_deref() == Some(cc.as_str())
                            }
                            _ => true,
                        })
                })
                .or(main_place);
        }
        if count.date.is_none() {
            count.date = date_for(count, sentence, &dates)
                .map(str::to_owned)
                .or_else(|| published.clone());
        }
    }
}

/// Resolved date mentions with their sentence.
fn dated_mentions<'d>(dates: &'d [DateMention], sents: &[(usize, usize)]) -> Vec<Mention<&'d str>> {
    dates
        .iter()
        .filter_map(|d| {
            // A range stands for its last day: figures "for 9 October to 5 November" are as of 5 November.
            let value = d.end_value.as_deref().or(d.value.as_deref())?;
            Some(Mention {
                key: value,
                start: d.start,
                sentence: sentence_of(sents, d.start),
                weak: false,
            })
        })
        .collect()
}

fn date_for<'d>(count: &Count, sentence: usize, dates: &[Mention<&'d str>]) -> Option<&'d str> {
    nearest_in_sentence(dates, sentence, count.start)
}
