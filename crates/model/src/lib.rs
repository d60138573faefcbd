//! Shared types of the epiwire pipeline.
//!
//! Data flows one way: a [`RawDoc`] comes out of a source, the article stage turns it into an
//! [`Article`], annotation adds mentions, counts and facts, and the result is a [`Document`]: the
//! record `epiwire extract` prints, one JSON object per line. This crate depends on nothing but
//! serde so that every stage can share it.
//!
//! All offsets ([`Span::start`], [`Span::end`]) are Unicode code-point offsets into
//! [`Document::text`], as Python's `text[start:end]` counts them.

use serde::{Deserialize, Serialize};

mod number;
mod offsets;
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
    pub id: String,
    /// Preferred name.
    pub name: String,
    /// ICD-10 code, when known.
    pub icd10: Option<String>,
    /// Where it is mentioned.
    pub mentions: Vec<Span>,
}

/// A place found in the text, resolved to the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// GeoNames id.
    pub geonameid: u64,
    /// Preferred name.
    pub name: String,
    /// `country`, `admin1`, `admin2` or `city`.
    pub kind: String,
    /// ISO 3166-1 alpha-2 code of the country.
    pub country: Option<String>,
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
    pub metric: String,
    /// cumulative, new, current, unknown.
    pub scope: String,
    /// exact, approximate, at_least, more_than, at_most, less_than, range.
    pub qualifier: String,
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
    pub status: Option<String>,
    /// Disease id this count belongs to.
    pub disease: Option<String>,
    /// GeoNames id of the place this count belongs to.
    pub place: Option<u64>,
    /// ISO date the count refers to.
    pub date: Option<String>,
}

/// A headline figure of a document: the latest value of one metric for one disease × place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Disease id.
    pub disease: Option<String>,
    /// GeoNames id of the place.
    pub place: Option<u64>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// The metric.
    pub metric: String,
    /// The value. Whole numbers are written without a fraction.
    #[serde(serialize_with = "number::serialize")]
    pub value: f64,
    /// The scope.
    pub scope: String,
    /// The qualifier.
    pub qualifier: String,
    /// The date the figure is valid for.
    pub as_of: Option<String>,
    /// The text span the figure comes from.
    pub evidence: Range,
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
