//! Attaching each count to the disease, place and date it belongs to.
//!
//! The rule is the one an analyst applies reading a sentence: the nearest mention in the same
//! sentence (preceding first, then following); failing that, for diseases, the nearest mention in
//! the two sentences before; failing that, the document's main disease or country. A
//! non-specific syndrome ("fever") yields to the document's main specific disease, since news
//! writes "cases of fever" for the outbreak it is about. A count's date, when the count finder
//! found none in its clause, is a date written in the same sentence, else the publication date.

use epiwire_model::{Count, DateMention, Disease, Document, Place};

use crate::sentence::{sentence_of, sentences};

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

/// A mention of something, reduced to what linking needs.
#[derive(Debug, Clone)]
struct Mention<K> {
    key: K,
    start: usize,
    sentence: usize,
}

fn disease_mentions(diseases: &[Disease], sents: &[(usize, usize)]) -> Vec<Mention<String>> {
    let mut out: Vec<Mention<String>> = diseases
        .iter()
        .flat_map(|d| {
            d.mentions.iter().map(|m| Mention {
                key: d.id.clone(),
                start: m.start,
                sentence: sentence_of(sents, m.start),
            })
        })
        .collect();
    out.sort_by_key(|m| m.start);
    out
}

fn place_mentions(places: &[Place], sents: &[(usize, usize)]) -> Vec<Mention<u64>> {
    let mut out: Vec<Mention<u64>> = places
        .iter()
        .flat_map(|p| {
            p.mentions.iter().map(|m| Mention {
                key: p.geonameid,
                start: m.start,
                sentence: sentence_of(sents, m.start),
            })
        })
        .collect();
    out.sort_by_key(|m| m.start);
    out
}

/// The mention nearest to `pos` in sentence `sentence`: the closest preceding one, else the
/// closest following one.
fn nearest_in_sentence<K: Clone>(
    mentions: &[Mention<K>],
    sentence: usize,
    pos: usize,
) -> Option<K> {
    let before = mentions
        .iter()
        .filter(|m| m.sentence == sentence && m.start <= pos)
        .last();
    let after = mentions
        .iter()
        .find(|m| m.sentence == sentence && m.start > pos);
    before.or(after).map(|m| m.key.clone())
}

/// The closest mention in the `back` sentences before `sentence`.
fn nearest_before<K: Clone>(mentions: &[Mention<K>], sentence: usize, back: usize) -> Option<K> {
    mentions
        .iter()
        .filter(|m| m.sentence < sentence && m.sentence + back >= sentence)
        .last()
        .map(|m| m.key.clone())
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
    let sents = sentences(&doc.text);
    let diseases = disease_mentions(&doc.diseases, &sents);
    let places = place_mentions(&doc.places, &sents);
    let main_disease = main_disease(&doc.diseases).map(|d| d.id.clone());
    let main_specific = main_disease.clone().filter(|id| !is_syndrome(id));
    let main_place = main_place(&doc.places).map(|p| p.geonameid);
    let dates = dated_mentions(&doc.dates, &sents);
    let published = doc
        .published
        .as_deref()
        .and_then(|p| p.get(..10))
        .map(str::to_owned);

    for count in &mut doc.counts {
        let sentence = sentence_of(&sents, count.start);
        if count.disease.is_none() {
            let found = nearest_in_sentence(&diseases, sentence, count.start)
                .or_else(|| nearest_before(&diseases, sentence, 2))
                .or_else(|| main_disease.clone());
            count.disease = match found {
                Some(id) if is_syndrome(&id) => main_specific.clone().or(Some(id)),
                other => other,
            };
        }
        if count.place.is_none() {
            count.place = nearest_in_sentence(&places, sentence, count.start).or(main_place);
        }
        if count.date.is_none() {
            count.date = date_for(count, sentence, &dates).or_else(|| published.clone());
        }
    }
}

/// Resolved date mentions with their sentence.
fn dated_mentions(dates: &[DateMention], sents: &[(usize, usize)]) -> Vec<Mention<String>> {
    dates
        .iter()
        .filter_map(|d| {
            // A range stands for its last day: figures "for 9 October to 5 November" are as of 5 November.
            let value = d.end_value.clone().or_else(|| d.value.clone())?;
            Some(Mention {
                key: value,
                start: d.start,
                sentence: sentence_of(sents, d.start),
            })
        })
        .collect()
}

fn date_for(count: &Count, sentence: usize, dates: &[Mention<String>]) -> Option<String> {
    nearest_in_sentence(dates, sentence, count.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use epiwire_model::Span;

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

    fn place(text: &str, needle: &str, id: u64, kind: &str) -> Place {
        Place {
            geonameid: id,
            name: needle.into(),
            kind: kind.into(),
            country: Some("XX".into()),
            lat: 0.0,
            lon: 0.0,
            mentions: vec![span(text, needle)],
        }
    }

    #[test]
    fn nearest_place_in_sentence_then_main_country() {
        let text = "Cholera in Chad. Niger reported 10 cases. Later 5 deaths were seen.";
        let mut doc = Document {
            text: text.into(),
            ..Document::default()
        };
        doc.places = vec![
            place(text, "Chad", 1, "country"),
            place(text, "Niger", 2, "country"),
        ];
        doc.counts = vec![count(text, "10"), count(text, "5 deaths")];
        attach(&mut doc);
        assert_eq!(doc.counts[0].place, Some(2));
        // No place in its sentence: the main country (tie on mentions → the earliest).
        assert_eq!(doc.counts[1].place, Some(1));
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
