//! The index schema and the mapping from a stored [`Document`] to an index document.

use epiwire_model::Document;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption,
    STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument};

use crate::analyzer::TEXT_TOKENIZER;

/// Version of the schema and of the mapping below. Bump it whenever either changes: an index
/// written with another version is rebuilt on open.
pub const FORMAT_VERSION: u32 = 2;

/// Separator between a disease id and its name inside one facet segment.
pub(crate) const DISEASE_SEP: char = '\u{1f}';

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Store sequence number (unique per stored document).
    pub seq: Field,
    /// Document id (raw, stored).
    pub id: Field,
    /// Title (searchable, stored).
    pub title: Field,
    /// Main text (searchable, stored for snippets).
    pub text: Field,
    /// URL (stored).
    pub url: Field,
    /// Outlet host, lower case, without `www.` (filter term, stored).
    pub outlet: Field,
    /// Outlet as a facet (counts).
    pub outlet_facet: Field,
    /// Disease ids and names, lower case (filter terms).
    pub disease: Field,
    /// Disease names (searchable, stored).
    pub disease_name: Field,
    /// Diseases as facets `/{id}\u{1f}{name}` (counts).
    pub disease_facet: Field,
    /// Country codes as facets `/KP` (filter and counts).
    pub country: Field,
    /// Country codes (stored, for the hits).
    pub country_code: Field,
    /// Publication date as written (stored).
    pub published: Field,
    /// Publication instant (indexed, fast).
    pub published_at: Field,
}

impl Fields {
    /// The schema and its fields.
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text_opts = |stored: bool| {
            let o = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TEXT_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored { o.set_stored() } else { o }
        };
        let fields = Fields {
            seq: b.add_u64_field("seq", INDEXED | STORED | FAST),
            id: b.add_text_field("id", STRING | STORED),
            title: b.add_text_field("title", text_opts(true)),
            text: b.add_text_field("text", text_opts(true)),
            url: b.add_text_field("url", STORED),
            outlet: b.add_text_field("outlet", STRING | STORED),
            outlet_facet: b.add_facet_field("outlet_facet", FacetOptions::default()),
            disease: b.add_text_field("disease", STRING),
            disease_name: b.add_text_field("disease_name", text_opts(true)),
            disease_facet: b.add_facet_field("disease_facet", FacetOptions::default()),
            country: b.add_facet_field("country", FacetOptions::default()),
            country_code: b.add_text_field("country_code", STORED),
            published: b.add_text_field("published", STORED),
            published_at: b.add_date_field(
                "published_at",
                DateOptions::default()
                    .set_indexed()
                    .set_fast()
                    .set_precision(DateTimePrecision::Seconds),
            ),
        };
        (b.build(), fields)
    }

    /// The index document for a stored document.
    pub(crate) fn document(&self, seq: u64, doc: &Document) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_u64(self.seq, seq);
        d.add_text(self.id, &doc.id);
        if let Some(title) = &doc.title {
            d.add_text(self.title, title);
        }
        d.add_text(self.text, &doc.text);
        if let Some(url) = &doc.url {
            d.add_text(self.url, url);
        }
        if let Some(host) = outlet_of(doc) {
            d.add_facet(self.outlet_facet, Facet::from_path([host.as_str()]));
            d.add_text(self.outlet, host);
        }
        let mut names: Vec<&str> = Vec::new();
        for disease in &doc.diseases {
            d.add_text(self.disease, disease.id.to_lowercase());
            d.add_text(self.disease, disease.name.to_lowercase());
            if !names.contains(&&*disease.name) {
                names.push(&disease.name);
                d.add_text(self.disease_name, &disease.name);
            }
            let segment = format!("{}{DISEASE_SEP}{}", disease.id, disease.name);
            d.add_facet(self.disease_facet, Facet::from_path([segment.as_str()]));
        }
        let mut countries: Vec<String> = doc
            .places
            .iter()
            .filter_map(|p| p.country.as_deref())
            .map(str::to_ascii_uppercase)
            .collect();
        countries.sort();
        countries.dedup();
        for code in &countries {
            d.add_facet(self.country, Facet::from_path([code.as_str()]));
            d.add_text(self.country_code, code);
        }
        if let Some(published) = &doc.published {
            d.add_text(self.published, published);
            if let Some(secs) = parse_instant(published) {
                d.add_date(self.published_at, DateTime::from_timestamp_secs(secs));
            }
        }
        d
    }
}

/// The outlet of a document: the host of its URL (or of its id when the id is a URL), lower
/// case, without a leading `www.`.
pub fn outlet_of(doc: &Document) -> Option<String> {
    doc.url
        .as_deref()
        .and_then(host_of)
        .or_else(|| host_of(&doc.id))
}

/// The host of an absolute `http(s)` URL, lower case, without `www.` and port; `None` for
/// anything else.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim();
    let scheme_end = rest.find("://")?;
    let scheme = &rest[..scheme_end];
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let rest = &rest[scheme_end + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        // IPv6 literal: keep up to the closing bracket.
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    if host.is_empty() {
        None
    } else {
        Some(host.to_string())
    }
}

/// Seconds since the Unix epoch of a publication date written as an RFC 3339 timestamp, a civil
/// date-time (taken as UTC) or an ISO date (midnight UTC); `None` when it is none of these.
pub(crate) fn parse_instant(value: &str) -> Option<i64> {
    let value = value.trim();
    if let Ok(ts) = value.parse::<jiff::Timestamp>() {
        return Some(ts.as_second());
    }
    if let Ok(dt) = value.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_second());
    }
    let date: jiff::civil::Date = value.get(..10)?.parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://www.who.int/emergencies/x").as_deref(),
            Some("who.int")
        );
        assert_eq!(
            host_of("http://User@News.Example.COM:8080?q=1").as_deref(),
            Some("news.example.com")
        );
        assert_eq!(
            host_of("HTTPS://www.bbc.co.uk").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(host_of("ftp://example.com/x"), None);
        assert_eq!(host_of("tests/fixtures/seeds/000.txt"), None);
        assert_eq!(host_of("https:///nothing"), None);
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("::1"));
    }

    #[test]
    fn instants() {
        assert_eq!(parse_instant("1970-01-02"), Some(86_400));
        assert_eq!(parse_instant("1970-01-01T01:00:00Z"), Some(3_600));
        assert_eq!(parse_instant("1970-01-01T09:00:00+09:00"), Some(0));
        assert_eq!(parse_instant("1970-01-01T00:01:00"), Some(60));
        assert_eq!(parse_instant("1970-01-01 garbage"), Some(0));
        assert_eq!(parse_instant("May 2022"), None);
        assert_eq!(parse_instant(""), None);
    }
}
