//! Shared types of the epiwire pipeline.
//!
//! Data flows one way: a [`RawDoc`] comes out of a source, the article stage turns it into an
//! [`Article`], annotation adds mentions, counts and facts, and the result is a [`Document`]: the
//! record `epiwire extract` prints, one JSON object per line. This crate depends on nothing but
//! serde so that every stage can share it.
//!
//! All offsets ([`Span::start`], [`Span::end`]) are Unicode code-point offsets into
//! [`Document::text`], as Python's `text[start:end]` counts them.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

mod civil;
mod number;
mod offsets;
pub use civil::days_from_civil;
pub use offsets::CharIndex;

/// What a source hands to the article stage: one input document before extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDoc {
    /// Stable identifier: the record's `id`, the WARC record id, or the file path.
    pub id: String,
    /// Where the document came from on the web, when known.
    pub url: Option<String>,
    /// A title given by the input record itself (JSON `title`), preferred over extraction.
    pub title: Option<String>,
    /// A publication date given by the input record itself (JSON `published`), as written there.
    pub published: Option<String>,
    /// When the document was fetched (WARC-Date), as written there. Not a publication date: the
    /// article stage uses it only as a last resort and says so.
    pub fetched: Option<String>,
    /// The document body.
    pub body: Body,
}

/// The body of a [`RawDoc`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Plain text.
    Text(String),
    /// HTML markup, decoded to UTF-8.
    Html(String),
}

impl Body {
    /// The body's characters, whatever their kind.
    pub fn as_str(&self) -> &str {
        match self {
            Body::Text(s) | Body::Html(s) => s,
        }
    }
}

/// The main content of a document, after boilerplate removal and metadata extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// The title.
    pub title: Option<String>,
    /// Publication date and time, RFC 3339 (`2022-05-17T17:36:00+09:00`) or a plain date
    /// (`2022-05-17`) when the time of day is not known.
    pub published: Option<String>,
    /// Author or byline, when stated.
    pub author: Option<String>,
    /// ISO 639-1 language code detected from the text (`en`), when reliable.
    pub language: Option<String>,
    /// The main text: paragraphs separated by newlines, boilerplate removed.
    pub text: String,
}

/// A field that holds one of a few fixed words (`cases`, `cumulative`, `country`, …) or a string
/// of the embedded disease lexicon or gazetteer (ids, names, country codes): the recognisers
/// borrow it, so filling it allocates nothing; a document read back from JSON owns its words.
/// It serialises as the plain string either way.
pub type Word = Cow<'static, str>;

/// A character range in [`Document::text`] with the text it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First code point (inclusive).
    pub start: usize,
    /// Last code point (exclusive).
    pub end: usize,
    /// `text[start:end]`.
    pub text: String,
}

/// A bare character range, used for evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// First code point (inclusive).
    pub start: usize,
    /// Last code point (exclusive).
    pub end: usize,
}

/// A disease or pathogen found in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disease {
    /// Stable identifier, a Disease Ontology id (`DOID:0080600`) where one exists.
    pub id: Word,
    /// Preferred name.
    pub name: Word,
    /// ICD-10 code, when known.
    pub icd10: Option<Word>,
    /// Where it is mentioned.
    pub mentions: Vec<Span>,
}

/// A place found in the text, resolved to the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// GeoNames id.
    pub geonameid: u64,
    /// Preferred name.
    pub name: Word,
    /// `country`, `admin1`, `admin2` or `city`.
    pub kind: Word,
    /// ISO 3166-1 alpha-2 code of the country.
    pub country: Option<Word>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Where it is mentioned.
    pub mentions: Vec<Span>,
}

/// A date expression, resolved to a calendar date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    /// First code point.
    pub start: usize,
    /// End code point (exclusive).
    pub end: usize,
    /// The expression as written.
    pub text: String,
    /// ISO date (`2022-05-12`), or `None` when it cannot be resolved (a relative date and no
    /// publication date).
    pub value: Option<String>,
    /// For ranges: the last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_value: Option<String>,
}

/// A number of people (cases, deaths, …) reported in the text, with its attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    /// First code point.
    pub start: usize,
    /// End code point (exclusive).
    pub end: usize,
    /// The number as written.
    pub text: String,
    /// The value (for ranges, the lower bound). Whole numbers are written without a fraction.
    #[serde(serialize_with = "number::serialize")]
    pub value: f64,
    /// cases, deaths, hospitalizations, recoveries, quarantined, tested, vaccinated, other.
    pub metric: Word,
    /// cumulative, new, current, unknown.
    pub scope: Word,
    /// exact, approximate, at_least, more_than, at_most, less_than, range.
    pub qualifier: Word,
    /// For ranges: lower bound.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "number::serialize_opt"
    )]
    pub min: Option<f64>,
    /// For ranges: upper bound.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "number::serialize_opt"
    )]
    pub max: Option<f64>,
    /// confirmed, suspected, probable, or null.
    pub status: Option<Word>,
    /// Disease id this count belongs to.
    pub disease: Option<Word>,
    /// GeoNames id of the place this count belongs to.
    pub place: Option<u64>,
    /// ISO date the count refers to.
    pub date: Option<String>,
}

/// A headline figure of a document: the latest value of one metric for one disease × place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Disease id.
    pub disease: Option<Word>,
    /// GeoNames id of the place.
    pub place: Option<u64>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<Word>,
    /// The metric.
    pub metric: Word,
    /// The value. Whole numbers are written without a fraction.
    #[serde(serialize_with = "number::serialize")]
    pub value: f64,
    /// The scope.
    pub scope: Word,
    /// The qualifier.
    pub qualifier: Word,
    /// The date the figure is valid for.
    pub as_of: Option<String>,
    /// The text span the figure comes from.
    pub evidence: Range,
}

/// A country or organisation taking part in a response action, resolved to an identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// ISO 3166-1 alpha-2 code for a country (`CN`), the usual acronym for an organisation
    /// (`WHO`, `UNICEF`, `MSF`).
    pub id: String,
    /// `country` or `organisation`.
    pub kind: Word,
    /// The country the party belongs to: its own code for a country, the country of a ministry
    /// or agency ("Chinese Foreign Ministry" → `CN`), `None` for an international organisation.
    pub country: Option<String>,
    /// First code point of the mention.
    pub start: usize,
    /// End code point (exclusive).
    pub end: usize,
    /// The mention as written.
    pub text: String,
}

/// Something given, asked for, refused or lacking: vaccines, masks, medicines, staff, funds, ….
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// `vaccines`, `masks`, `medicines`, `medical_staff`, `medical_supplies`, `funds`, `food`,
    /// `equipment`, `tests`, `experts` or `aid` (unspecified assistance).
    pub kind: Word,
    /// The vaccine or product name where given (`Sputnik V`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For funds: the amount.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "number::serialize_opt"
    )]
    pub amount: Option<f64>,
    /// For funds: ISO 4217 currency code (`USD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// First code point of the mention.
    pub start: usize,
    /// End code point (exclusive).
    pub end: usize,
    /// The mention as written.
    pub text: String,
}

/// A response or aid action: who does what, for whom, with what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// `offer`, `promise`, `send`, `request`, `accept`, `refuse` or `discuss`.
    pub action: Word,
    /// Who acts, when resolved.
    pub actor: Option<Party>,
    /// Who receives, when stated.
    pub recipient: Option<Party>,
    /// What is given, asked for or refused.
    pub items: Vec<Item>,
    /// `reported` (said to have happened or to be happening), `planned` (future, intended) or
    /// `denied` (said not to happen).
    pub modality: Word,
    /// True when the text hedges the report ("reportedly", "seem to be under discussion").
    pub hedged: bool,
    /// ISO date of the action, from a date mentioned in the same sentence.
    pub date: Option<String>,
    /// The sentence or clause the action comes from.
    pub evidence: Span,
}

/// A shortage of supplies or staff in a place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortage {
    /// What is lacking.
    pub items: Vec<Item>,
    /// Where, when resolved (a country, or the country of a place).
    pub place: Option<Party>,
    /// True when hedged.
    pub hedged: bool,
    /// ISO date, from a date mentioned in the same sentence.
    pub date: Option<String>,
    /// The sentence the shortage comes from.
    pub evidence: Span,
}

/// Who is quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The person's name, as written in its fullest mention; `None` for an anonymous source or
    /// an organisation speaking as such.
    pub name: Option<String>,
    /// Role or title ("spokesman", "emergencies director", "leader").
    pub role: Option<String>,
    /// Organisation ("Chinese Foreign Ministry", "WHO", "Kremlin").
    pub organisation: Option<String>,
    /// ISO 3166-1 alpha-2 code of the country the speaker speaks for, when known.
    pub country: Option<String>,
    /// True for "a source", "officials who asked not to be named", ….
    pub anonymous: bool,
    /// Where the speaker is mentioned next to the quote (the attribution).
    pub mention: Option<Span>,
}

/// Direct or reported speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// `direct` (within quotation marks) or `reported` ("said that …").
    pub kind: Word,
    /// Who said it, when attributed.
    pub speaker: Option<Speaker>,
    /// What was said: the words inside the quotation marks, or the reported clause.
    pub content: Span,
    /// ISO date of the statement, from a date mentioned in the attribution's sentence.
    pub date: Option<String>,
}

/// A public-health measure: border closure, lockdown, quarantine order, travel ban, vaccination
/// campaign, ….
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// `border_closure`, `lockdown`, `quarantine`, `travel_ban`, `vaccination_campaign`,
    /// `school_closure`, `curfew`, `gathering_ban`, `screening`, `isolation`, `culling` or
    /// `disinfection`.
    pub kind: Word,
    /// The measure as named in the text.
    pub mention: Span,
    /// Where, when resolved.
    pub place: Option<Party>,
    /// ISO date, from a date mentioned in the same sentence.
    pub date: Option<String>,
    /// `reported`, `planned` or `denied`.
    pub modality: Word,
    /// True when hedged.
    pub hedged: bool,
    /// The sentence the measure comes from.
    pub evidence: Span,
}

/// The output record of `epiwire extract`: one per input document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Identifier of the input document.
    pub id: String,
    /// URL, when known.
    pub url: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Publication date (RFC 3339 or ISO date).
    pub published: Option<String>,
    /// ISO 639-1 language code.
    pub language: Option<String>,
    /// Author, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The main text every offset points into.
    pub text: String,
    /// Diseases mentioned.
    #[serde(default)]
    pub diseases: Vec<Disease>,
    /// Places mentioned.
    #[serde(default)]
    pub places: Vec<Place>,
    /// Dates mentioned.
    #[serde(default)]
    pub dates: Vec<DateMention>,
    /// Counts found.
    #[serde(default)]
    pub counts: Vec<Count>,
    /// Headline figures.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Response and aid actions (offers, deliveries, requests, refusals, …).
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Shortages of supplies or staff.
    #[serde(default)]
    pub shortages: Vec<Shortage>,
    /// Direct and reported speech, attributed to its speaker.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// Public-health measures (border closures, lockdowns, quarantine, vaccination campaigns, …).
    #[serde(default)]
    pub measures: Vec<Measure>,
}

impl Document {
    /// A document with its article fields filled and no annotations yet.
    pub fn from_article(raw: &RawDoc, article: Article) -> Document {
        Document {
            id: raw.id.clone(),
            url: raw.url.clone(),
            title: article.title,
            published: article.published,
            language: article.language,
            author: article.author,
            text: article.text,
            ..Document::default()
        }
    }
}

/// The record printed for a document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocError {
    /// Identifier of the input (record id, or file path and position).
    pub id: String,
    /// A clear message saying what was wrong.
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document as versions before [`Word`] wrote it (every fixed word a `String`): it reads
    /// back, and writes the same bytes again.
    const OLD: &str = r#"{"id":"d","url":null,"title":null,"published":null,"language":null,"text":"Cholera in Chad: 12 cases.","diseases":[],"places":[{"geonameid":2434508,"name":"Chad","kind":"country","country":"TD","lat":15.5,"lon":18.66667,"mentions":[{"start":11,"end":15,"text":"Chad"}]}],"dates":[],"counts":[{"start":17,"end":19,"text":"12","value":12,"metric":"cases","scope":"unknown","qualifier":"exact","status":"confirmed","disease":"DOID:1498","place":2434508,"date":null}],"facts":[{"disease":"DOID:1498","place":2434508,"country":"TD","metric":"cases","value":12,"scope":"unknown","qualifier":"exact","as_of":null,"evidence":{"start":0,"end":26}}],"actions":[{"action":"send","actor":{"id":"WHO","kind":"organisation","country":null,"start":0,"end":3,"text":"WHO"},"recipient":null,"items":[{"kind":"vaccines","start":0,"end":3,"text":"vac"}],"modality":"reported","hedged":false,"date":null,"evidence":{"start":0,"end":3,"text":"Cho"}}],"shortages":[],"quotes":[{"kind":"direct","speaker":null,"content":{"start":0,"end":3,"text":"Cho"},"date":null}],"measures":[{"kind":"lockdown","mention":{"start":0,"end":3,"text":"Cho"},"place":null,"date":null,"modality":"planned","hedged":true,"evidence":{"start":0,"end":3,"text":"Cho"}}]}"#;

    #[test]
    fn old_documents_read_back_and_write_the_same_bytes() {
        let doc: Document = serde_json::from_str(OLD).expect("old document");
        assert_eq!(doc.counts[0].metric, "cases");
        assert_eq!(doc.counts[0].status.as_deref(), Some("confirmed"));
        assert_eq!(doc.measures[0].modality, "planned");
        assert_eq!(serde_json::to_string(&doc).expect("json"), OLD);
    }

    #[test]
    fn a_borrowed_word_writes_as_an_owned_string() {
        let doc: Document = serde_json::from_str(OLD).expect("old document");
        let mut borrowed = doc.clone();
        let c = &mut borrowed.counts[0];
        (c.metric, c.scope, c.qualifier) = ("cases".into(), "unknown".into(), "exact".into());
        c.status = Some("confirmed".into());
        borrowed.places[0].kind = Word::Borrowed("country");
        borrowed.quotes[0].kind = Word::Borrowed("direct");
        assert!(matches!(borrowed.counts[0].metric, Word::Borrowed(_)));
        assert!(matches!(doc.counts[0].metric, Word::Owned(_)));
        assert_eq!(borrowed, doc);
        assert_eq!(
            serde_json::to_string(&borrowed).expect("json"),
            serde_json::to_string(&doc).expect("json")
        );
    }

    /// A document as versions before the lexicon and gazetteer strings became [`Word`]s wrote
    /// it (disease ids, names, ICD-10 codes, place names and country codes as `String`s).
    const OLD_LEXICON: &str = r#"{"id":"d","url":null,"title":null,"published":null,"language":null,"text":"Cholera and fever in Chad.","diseases":[{"id":"DOID:1498","name":"cholera","icd10":"A00","mentions":[{"start":0,"end":7,"text":"Cholera"}]},{"id":"epiwire:fever","name":"fever","icd10":null,"mentions":[{"start":12,"end":17,"text":"fever"}]}],"places":[{"geonameid":2434508,"name":"Chad","kind":"country","country":"TD","lat":15.5,"lon":18.66667,"mentions":[{"start":21,"end":25,"text":"Chad"}]},{"geonameid":1,"name":"Nowhere","kind":"city","country":null,"lat":1.5,"lon":2.5,"mentions":[]}],"dates":[],"counts":[{"start":0,"end":7,"text":"Cholera","value":12,"metric":"cases","scope":"unknown","qualifier":"exact","status":null,"disease":"DOID:1498","place":2434508,"date":null},{"start":0,"end":7,"text":"Cholera","value":1,"metric":"deaths","scope":"unknown","qualifier":"exact","status":null,"disease":null,"place":null,"date":null}],"facts":[{"disease":"DOID:1498","place":2434508,"country":"TD","metric":"cases","value":12,"scope":"unknown","qualifier":"exact","as_of":null,"evidence":{"start":0,"end":26}},{"disease":null,"place":null,"country":null,"metric":"deaths","value":1,"scope":"unknown","qualifier":"exact","as_of":null,"evidence":{"start":0,"end":26}}],"actions":[],"shortages":[],"quotes":[],"measures":[]}"#;

    #[test]
    fn old_lexicon_strings_read_back_and_write_the_same_bytes() {
        let doc: Document = serde_json::from_str(OLD_LEXICON).expect("old document");
        assert_eq!(doc.diseases[0].id, "DOID:1498");
        assert_eq!(doc.diseases[0].icd10.as_deref(), Some("A00"));
        assert_eq!(doc.diseases[1].icd10, None);
        assert_eq!(doc.places[0].country.as_deref(), Some("TD"));
        assert_eq!(doc.places[1].country, None);
        assert_eq!(doc.facts[0].country.as_deref(), Some("TD"));
        assert_eq!(serde_json::to_string(&doc).expect("json"), OLD_LEXICON);

        // The same strings borrowed, as the recognisers fill them: equal, and the same bytes.
        let mut borrowed = doc.clone();
        let d = &mut borrowed.diseases[0];
        (d.id, d.name, d.icd10) = ("DOID:1498".into(), "cholera".into(), Some("A00".into()));
        let p = &mut borrowed.places[0];
        (p.name, p.country) = (Word::Borrowed("Chad"), Some(Word::Borrowed("TD")));
        borrowed.counts[0].disease = Some(Word::Borrowed("DOID:1498"));
        let f = &mut borrowed.facts[0];
        (f.disease, f.country) = (Some("DOID:1498".into()), Some("TD".into()));
        assert!(matches!(borrowed.diseases[0].id, Word::Borrowed(_)));
        assert!(matches!(doc.diseases[0].id, Word::Owned(_)));
        assert_eq!(borrowed, doc);
        assert_eq!(serde_json::to_string(&borrowed).expect("json"), OLD_LEXICON);
    }
}
