//! Annotation: diseases, places, dates and counts in news text, and the per-document facts.
//!
//! Each recogniser lives in its own module with the same shape: a loader for its lexicon or rules
//! (built once, shared read-only between threads) and a `find` function over the article text that
//! returns spans in code-point offsets. [`link`] attaches every count to its disease, place and
//! date; [`facts`] derives the headline figures.

#[macro_use]
mod tokens;
mod ascii;
pub mod count;
pub mod date;
pub mod disease;
pub mod facts;
mod hash;
pub mod link;
pub mod place;
pub mod quote;
pub mod response;
pub mod salience;
mod sentence;
#[cfg(test)]
mod test_util;

use epiwire_model::{CharIndex, Document};

/// The publication date of `doc` as a calendar date, when it has one.
pub fn publication_date(doc: &Document) -> Option<jiff::civil::Date> {
    doc.published.as_deref()?.get(..10)?.parse().ok()
}

/// Fills the annotation arrays of `doc` from its text: diseases, places, dates, counts (each
/// linked to its disease, place and date) and the headline facts. Relative dates are resolved
/// against the publication date; without one they stay unresolved.
pub fn annotate(doc: &mut Document) {
    let published = publication_date(doc);
    // One byte → code-point index serves the places, dates, counts and the response pass.
    let index = CharIndex::new(&doc.text);
    // One token stream serves diseases, places, dates and counts; one date pass both dates and
    // counts.
    let tk = tokens::Tokens::new(&doc.text);
    doc.diseases = disease::DiseaseMatcher::global().find_in(&doc.text, &tk, &index);
    doc.places = place::Gazetteer::global().find_with(&doc.text, &tk, Some(&index));
    (doc.dates, doc.counts) = count::find_dates_and_counts_with(&doc.text, published, &index, &tk);
    // One pass splits the sentences by the rules of linking and the facts (needed only with
    // counts) and by those of the response and quote passes.
    let (sents, response_sents) = sentence::split_both(
        &doc.text,
        !doc.counts.is_empty(),
        Some(&index),
        Some(&tk.ends),
    );
    if let Some(sents) = sents {
        let of_count = link::attach_in(doc, &sents);
        doc.facts = facts::headline_in(doc, &sents, &of_count);
    }
    response::annotate_tokens(doc, Some(&index), Some((&tk, response_sents)));
}
