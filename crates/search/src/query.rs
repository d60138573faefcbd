//! Search requests and results, and the translation of a request into a tantivy query.

use std::ops::Bound;

use serde::{Deserialize, Serialize};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::snippet::Snippet;
use tantivy::{DateTime, Index, Term};

use crate::schema::{Fields, parse_instant};
use crate::{Error, Result};

/// Most hits one search returns.
pub const MAX_LIMIT: usize = 1000;
/// Largest offset that still returns hits; a larger one returns only the total and the facets.
pub const MAX_OFFSET: usize = 100_000;
/// Hits returned when the request does not say.
pub const DEFAULT_LIMIT: usize = 20;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// By BM25 score, best first (newest first when the query text is empty).
    #[default]
    Relevance,
    /// By publication date, newest first (documents without a date last).
    Newest,
}

/// A search request. Every filter is optional; `q` empty matches every document.
///
/// Query syntax (tantivy's): words are all required (`fever Pyongyang`), `"exact phrase"`,
/// `a OR b`, `-excluded`, `title:word`, `word*` is not supported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// Query text over title, text and disease names.
    pub q: String,
    /// Disease id (`DOID:0080600`) or name (`COVID-19`), case-insensitive.
    pub disease: Option<String>,
    /// ISO 3166-1 alpha-2 country code (`KP`), case-insensitive.
    pub country: Option<String>,
    /// Outlet host (`reuters.com`), case-insensitive, `www.` ignored.
    pub outlet: Option<String>,
    /// First publication date, inclusive: `YYYY-MM-DD` or an RFC 3339 timestamp.
    pub from: Option<String>,
    /// Last publication date, inclusive (the whole day for `YYYY-MM-DD`).
    pub to: Option<String>,
    /// Hits to return, at most [`MAX_LIMIT`] (larger values are capped); 0 returns only the
    /// total and the facets.
    pub limit: usize,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Order of the hits.
    pub sort: Sort,
    /// Forgive bad syntax (for search-as-you-type): parse what can be parsed and drop the rest
    /// instead of failing with [`Error::BadQuery`].
    pub lenient: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            q: String::new(),
            disease: None,
            country: None,
            outlet: None,
            from: None,
            to: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
            sort: Sort::Relevance,
            lenient: false,
        }
    }
}

/// A highlighted range in a snippet: Unicode code-point offsets into [`Hit::snippet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    /// First code point.
    pub start: usize,
    /// End code point (exclusive).
    pub end: usize,
}

/// One matching document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Store sequence number: unique, unlike `id`.
    pub seq: u64,
    /// Document id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Outlet: the URL host without `www.`.
    pub outlet: Option<String>,
    /// Publication date as stored.
    pub published: Option<String>,
    /// Names of the diseases the document mentions, in order of first mention.
    pub diseases: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of the countries of its places, sorted.
    pub countries: Vec<String>,
    /// BM25 score; `None` when the hits are ordered by date.
    pub score: Option<f32>,
    /// A fragment of the text around the best matches (plain text); the start of the text when
    /// the query matched only the title or a disease name.
    pub snippet: String,
    /// The matched words in `snippet`.
    pub highlights: Vec<Highlight>,
    /// `snippet`, HTML-escaped, with every highlight inside `<mark>…</mark>`.
    pub snippet_html: String,
}

/// The number of hits with one facet value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value: disease id, country code or outlet host.
    pub key: String,
    /// A readable name, when there is one (disease names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Hits with this value.
    pub count: u64,
}

/// Hit counts per facet value over all hits (not only the returned page), most frequent first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Per disease.
    pub diseases: Vec<FacetCount>,
    /// Per country code.
    pub countries: Vec<FacetCount>,
    /// Per outlet.
    pub outlets: Vec<FacetCount>,
}

/// The answer to a [`SearchQuery`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Number of matching documents.
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Counts per disease, country and outlet over all matching documents.
    pub facets: Facets,
}

/// A parsed date bound: the instant, and whether it was a whole day.
fn date_bound(param: &'static str, value: &str, end: bool) -> Result<Bound<DateTime>> {
    let bad = || Error::BadDate {
        param,
        value: value.to_string(),
    };
    let value = value.trim();
    if value.is_empty() {
        return Ok(Bound::Unbounded);
    }
    // A whole day: `to` covers it up to, not including, the next midnight.
    if let Ok(date) = value.parse::<jiff::civil::Date>() {
        let day = if end {
            date.tomorrow().map_err(|_| bad())?
        } else {
            date
        };
        let secs = day
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|_| bad())?
            .timestamp()
            .as_second();
        let at = DateTime::from_timestamp_secs(secs);
        return Ok(if end {
            Bound::Excluded(at)
        } else {
            Bound::Included(at)
        });
    }
    let secs = value
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .ok()
        .or_else(|| {
            // A civil date-time without offset, read as UTC.
            value
                .parse::<jiff::civil::DateTime>()
                .ok()
                .and_then(|_| parse_instant(value))
        })
        .ok_or_else(bad)?;
    Ok(Bound::Included(DateTime::from_timestamp_secs(secs)))
}

/// Builds the tantivy query for a request: the parsed text query, AND every filter.
pub(crate) fn build(index: &Index, fields: &Fields, req: &SearchQuery) -> Result<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let text = req.q.trim();
    if !text.is_empty() {
        let mut parser =
            QueryParser::for_index(index, vec![fields.title, fields.text, fields.disease_name]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(fields.title, 2.0);
        parser.set_field_boost(fields.disease_name, 1.5);
        let parsed = if req.lenient {
            let (parsed, errors) = parser.parse_query_lenient(text);
            if !errors.is_empty() {
                tracing::debug!("lenient parse of {text:?} dropped: {errors:?}");
            }
            parsed
        } else {
            parser.parse_query(text).map_err(|e| Error::BadQuery {
                query: req.q.clone(),
                message: e.to_string(),
            })?
        };
        clauses.push((Occur::Must, parsed));
    }
    let term_filter = |term: Term| -> (Occur, Box<dyn Query>) {
        filter(Box::new(TermQuery::new(term, IndexRecordOption::Basic)))
    };
    if let Some(disease) = non_empty(&req.disease) {
        clauses.push(term_filter(Term::from_field_text(
            fields.disease,
            &disease.to_lowercase(),
        )));
    }
    if let Some(country) = non_empty(&req.country) {
        let code = country.to_ascii_uppercase();
        clauses.push(term_filter(Term::from_facet(
            fields.country,
            &Facet::from_path([code.as_str()]),
        )));
    }
    if let Some(outlet) = non_empty(&req.outlet) {
        let host = crate::host_of(outlet)
            .or_else(|| crate::host_of(&format!("http://{outlet}")))
            .unwrap_or_else(|| outlet.to_ascii_lowercase());
        clauses.push(term_filter(Term::from_field_text(fields.outlet, &host)));
    }
    let from = match non_empty(&req.from) {
        Some(v) => date_bound("from", v, false)?,
        None => Bound::Unbounded,
    };
    let to = match non_empty(&req.to) {
        Some(v) => date_bound("to", v, true)?,
        None => Bound::Unbounded,
    };
    if !matches!((&from, &to), (Bound::Unbounded, Bound::Unbounded)) {
        let term = |t: DateTime| Term::from_field_date_for_search(fields.published_at, t);
        clauses.push(filter(Box::new(RangeQuery::new(
            from.map(term),
            to.map(term),
        ))));
    }
    Ok(match clauses.len() {
        0 => Box::new(AllQuery),
        _ => {
            if text.is_empty() {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
    })
}

/// A required clause that does not change the score.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Snippet text, code-point highlights and HTML from a tantivy snippet.
pub(crate) fn render(snippet: &Snippet) -> (String, Vec<Highlight>, String) {
    let fragment = snippet.fragment();
    let mut highlights = Vec::new();
    let mut html = String::with_capacity(fragment.len() + 32);
    let mut at = 0; // byte position in fragment
    let mut cp = 0; // code points before `at`
    let mut ranges: Vec<_> = snippet
        .highlighted()
        .iter()
        .filter(|r| {
            r.start < r.end
                && r.end <= fragment.len()
                && fragment.is_char_boundary(r.start)
                && fragment.is_char_boundary(r.end)
        })
        .cloned()
        .collect();
    ranges.sort_by_key(|r| r.start);
    for r in ranges {
        if r.start < at {
            continue; // overlapping: keep the first
        }
        let before = &fragment[at..r.start];
        let marked = &fragment[r.start..r.end];
        escape_into(&mut html, before);
        html.push_str("<mark>");
        escape_into(&mut html, marked);
        html.push_str("</mark>");
        let start = cp + before.chars().count();
        let end = start + marked.chars().count();
        highlights.push(Highlight { start, end });
        cp = end;
        at = r.end;
    }
    escape_into(&mut html, &fragment[at..]);
    (fragment.to_string(), highlights, html)
}

/// The opening of a text, about `max_chars` code points, cut at a word boundary: the snippet
/// when the query matched no word of the text.
pub(crate) fn opening(text: &str, max_chars: usize) -> (String, Vec<Highlight>, String) {
    let text = text.trim_start();
    let cut = text
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| i);
    let mut fragment = &text[..cut];
    if !text[cut..].starts_with(char::is_whitespace)
        && !text[cut..].is_empty()
        && let Some(space) = fragment.rfind(char::is_whitespace)
        && space > 0
    {
        fragment = &fragment[..space];
    }
    let fragment = fragment.trim_end();
    let mut html = String::new();
    escape_into(&mut html, fragment);
    (fragment.to_string(), Vec::new(), html)
}

/// Appends `text` HTML-escaped (`& < > " '`).
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape() {
        let mut s = String::new();
        escape_into(&mut s, r#"<a href="x">Tom & 'Jerry'</a>"#);
        assert_eq!(
            s,
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn opening_cuts_at_a_word() {
        let (s, h, html) = opening("  Fever in <Pyongyang> spreads quickly", 20);
        assert_eq!(s, "Fever in <Pyongyang>");
        assert!(h.is_empty());
        assert_eq!(html, "Fever in &lt;Pyongyang&gt;");
        let (s, _, _) = opening("short", 20);
        assert_eq!(s, "short");
        let (s, _, _) = opening("éééééé", 3);
        assert_eq!(s, "ééé");
    }

    #[test]
    fn date_bounds() {
        let day = 86_400;
        assert_eq!(
            date_bound("from", "1970-01-02", false).unwrap(),
            Bound::Included(DateTime::from_timestamp_secs(day))
        );
        assert_eq!(
            date_bound("to", "1970-01-02", true).unwrap(),
            Bound::Excluded(DateTime::from_timestamp_secs(2 * day))
        );
        assert_eq!(
            date_bound("to", "1970-01-01T01:00:00Z", true).unwrap(),
            Bound::Included(DateTime::from_timestamp_secs(3600))
        );
        assert!(matches!(
            date_bound("from", "last week", false),
            Err(Error::BadDate { param: "from", .. })
        ));
        assert!(matches!(
            date_bound("to", "2022-13-40", true),
            Err(Error::BadDate { param: "to", .. })
        ));
    }
}
