//! Every reported figure of a stored document, with its evidence.

use epiwire_model::{Count, Document, Fact, Span};
use serde::{Deserialize, Serialize};

use crate::number;

/// One reported figure of an event: a count of one document, with what it is about, where it
/// stands in the text and the date it is valid for.
///
/// The shape is the shared `Figure` contract; [`Figure::as_of_source`], [`Figure::headline`]
/// and [`Figure::place_kind`] are additions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Id of the document the figure comes from.
    pub doc_id: String,
    /// URL of the document, when known.
    pub url: Option<String>,
    /// Host of the URL without `www.` (`hankyoreh.com`), when there is a URL.
    pub outlet: Option<String>,
    /// Title of the document.
    pub title: Option<String>,
    /// Publication date of the document (RFC 3339 or ISO date), as stored.
    pub published: Option<String>,
    /// Disease id (`DOID:0080600`).
    pub disease: Option<String>,
    /// Preferred disease name (`COVID-19`).
    pub disease_name: Option<String>,
    /// GeoNames id of the place the figure is about.
    pub place: Option<u64>,
    /// Name of that place.
    pub place_name: Option<String>,
    /// Kind of that place: `country`, `admin1`, `admin2` or `city`.
    #[serde(default)]
    pub place_kind: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// cases, deaths, hospitalizations, recoveries, quarantined, tested, vaccinated.
    pub metric: String,
    /// cumulative, new, current, unknown.
    pub scope: String,
    /// exact, approximate, at_least, more_than, at_most, less_than, range.
    pub qualifier: String,
    /// The value (for ranges, the lower bound).
    #[serde(serialize_with = "number::serialize")]
    pub value: f64,
    /// For ranges: lower bound.
    #[serde(default, serialize_with = "number::serialize_opt")]
    pub min: Option<f64>,
    /// For ranges: upper bound.
    #[serde(default, serialize_with = "number::serialize_opt")]
    pub max: Option<f64>,
    /// confirmed, suspected, probable, or null.
    pub status: Option<String>,
    /// ISO date the figure is valid for: the date linked to the count, else the publication
    /// date, else null.
    pub as_of: Option<String>,
    /// Where [`Figure::as_of`] comes from: `"text"` (a date written in the figure's sentence or
    /// clause), `"published"` (the document's publication date, because the text gives none),
    /// or null when there is no as-of date.
    #[serde(default)]
    pub as_of_source: Option<String>,
    /// True when the figure is one of the document's headline facts.
    #[serde(default)]
    pub headline: bool,
    /// The number as written, code-point offsets into the document text.
    pub span: Span,
    /// The sentence holding the number, code-point offsets into the document text.
    pub evidence: Span,
}

/// The host of `url` without `www.` and port, lower-cased (`https://www.voi.id/en/x` →
/// `voi.id`); `None` when `url` has no host.
pub fn outlet(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    Some(host.to_string())
}

/// The figures of `doc`: one per count (counts of metric `other`, numbers the annotator could
/// not tie to a metric, are left out), in text order. A headline fact that matches no count
/// (a document stored without its counts) gives a figure of its own whose span is its evidence.
///
/// A figure's evidence is the sentence of its fact when it is a headline figure, else the
/// sentence holding the number.
pub fn figures(doc: &Document) -> Vec<Figure> {
    let chars: Vec<char> = doc.text.chars().collect();
    let published_date = doc.published.as_deref().and_then(|p| p.get(..10));
    let outlet = doc.url.as_deref().and_then(outlet);
    let mut used_facts = vec![false; doc.facts.len()];
    let mut out = Vec::new();
    for count in doc.counts.iter().filter(|c| c.metric != "other") {
        let fact = doc
            .facts
            .iter()
            .position(|f| fact_matches(f, count))
            .inspect(|&i| used_facts[i] = true);
        let (ev_start, ev_end) = match fact.map(|i| doc.facts[i].evidence) {
            Some(r) if r.start <= count.start && count.end <= r.end => (r.start, r.end),
            _ => sentence(&chars, count.start, count.end),
        };
        let (as_of, as_of_source) = match count.date.as_deref() {
            Some(d) => {
                let in_text = doc.dates.iter().any(|m| {
                    (m.value.as_deref() == Some(d) || m.end_value.as_deref() == Some(d))
                        && m.start >= ev_start
                        && m.end <= ev_end
                });
                let source = if in_text || published_date != Some(d) {
                    "text"
                } else {
                    "published"
                };
                (Some(d.to_string()), Some(source.to_string()))
            }
            None => match published_date {
                Some(p) => (Some(p.to_string()), Some("published".to_string())),
                None => (None, None),
            },
        };
        let place = count
            .place
            .and_then(|id| doc.places.iter().find(|p| p.geonameid == id));
        out.push(Figure {
            doc_id: doc.id.clone(),
            url: doc.url.clone(),
            outlet: outlet.clone(),
            title: doc.title.clone(),
            published: doc.published.clone(),
            disease: count.disease.as_deref().map(str::to_owned),
            disease_name: disease_name(doc, count.disease.as_deref()),
            place: count.place,
            place_name: place.map(|p| p.name.to_string()),
            place_kind: place.map(|p| p.kind.to_string()),
            country: place
                .and_then(|p| p.country.as_deref().map(str::to_owned))
                .or_else(|| fact.and_then(|i| doc.facts[i].country.as_deref().map(str::to_owned))),
            metric: count.metric.to_string(),
            scope: count.scope.to_string(),
            qualifier: count.qualifier.to_string(),
            value: count.value,
            min: count.min,
            max: count.max,
            status: count.status.as_deref().map(str::to_owned),
            as_of,
            as_of_source,
            headline: fact.is_some(),
            span: span(&chars, count.start, count.end),
            evidence: span(&chars, ev_start, ev_end),
        });
    }
    for (fact, _) in doc
        .facts
        .iter()
        .zip(&used_facts)
        .filter(|(_, used)| !**used)
    {
        out.push(from_fact(doc, &chars, fact, outlet.clone(), published_date));
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// A figure from a headline fact that has no count behind it.
fn from_fact(
    doc: &Document,
    chars: &[char],
    fact: &Fact,
    outlet: Option<String>,
    published_date: Option<&str>,
) -> Figure {
    let place = fact
        .place
        .and_then(|id| doc.places.iter().find(|p| p.geonameid == id));
    let (as_of, source) = match (&fact.as_of, published_date) {
        (Some(d), Some(p)) if d == p => (Some(d.clone()), "published"),
        (Some(d), _) => (Some(d.clone()), "text"),
        (None, Some(p)) => (Some(p.to_string()), "published"),
        (None, None) => (None, ""),
    };
    let evidence = span(chars, fact.evidence.start, fact.evidence.end);
    Figure {
        doc_id: doc.id.clone(),
        url: doc.url.clone(),
        outlet,
        title: doc.title.clone(),
        published: doc.published.clone(),
        disease: fact.disease.as_deref().map(str::to_owned),
        disease_name: disease_name(doc, fact.disease.as_deref()),
        place: fact.place,
        place_name: place.map(|p| p.name.to_string()),
        place_kind: place.map(|p| p.kind.to_string()),
        country: fact.country.as_deref().map(str::to_owned),
        metric: fact.metric.to_string(),
        scope: fact.scope.to_string(),
        qualifier: fact.qualifier.to_string(),
        value: fact.value,
        min: None,
        max: None,
        status: None,
        as_of_source: as_of.as_ref().map(|_| source.to_string()),
        as_of,
        headline: true,
        span: evidence.clone(),
        evidence,
    }
}

/// True when `fact` was derived from `count` (facts copy their count's fields).
fn fact_matches(fact: &Fact, count: &Count) -> bool {
    fact.disease == count.disease
        && fact.place == count.place
        && fact.metric == count.metric
        && fact.scope == count.scope
        && fact.qualifier == count.qualifier
        && fact.value.total_cmp(&count.value).is_eq()
        && fact.as_of == count.date
        && fact.evidence.start <= count.start
        && count.end <= fact.evidence.end
}

fn disease_name(doc: &Document, id: Option<&str>) -> Option<String> {
    let id = id?;
    doc.diseases
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.name.to_string())
}

/// The span `start..end` (code points, clamped to the text) with its text.
fn span(chars: &[char], start: usize, end: usize) -> Span {
    let end = end.min(chars.len());
    let start = start.min(end);
    Span {
        start,
        end,
        text: chars[start..end].iter().collect(),
    }
}

/// The sentence around `start..end`: back to the end of the previous sentence (`.`, `!` or `?`
/// followed by white space, or a line break) and on to the end of this one, white space trimmed.
fn sentence(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let n = chars.len();
    let start = start.min(n);
    let end = end.clamp(start, n);
    let ends_here = |i: usize| -> bool {
        // True when a sentence ends at index `i` (exclusive): chars[i-1] closes it.
        match chars.get(i.wrapping_sub(1)) {
            Some('\n') => true,
            Some('.' | '!' | '?') => chars.get(i).is_none_or(|c| c.is_whitespace()),
            _ => false,
        }
    };
    let mut s = start;
    while s > 0 && !ends_here(s) {
        s -= 1;
    }
    let mut e = end;
    while e < n && !ends_here(e) {
        e += 1;
    }
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    (s, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use epiwire_model::{DateMention, Disease, Place, Range};

    #[test]
    fn outlets_are_hosts_without_www() {
        assert_eq!(
            outlet("https://www.voi.id/en/news/123").as_deref(),
            Some("voi.id")
        );
        assert_eq!(
            outlet("http://English.Hani.co.kr:8080/x?y").as_deref(),
            Some("english.hani.co.kr")
        );
        assert_eq!(outlet("tests/fixtures/seeds/000.txt"), None);
        assert_eq!(outlet(""), None);
    }

    #[test]
    fn sentences_end_at_stops_and_line_breaks() {
        let text: Vec<char> = "Title line\nFirst one. As of 3.5 days, 12 cases! Next."
            .chars()
            .collect();
        let s: String = text.iter().collect();
        let at = s.find("12").unwrap();
        let (a, b) = sentence(&text, at, at + 2);
        let got: String = text[a..b].iter().collect();
        assert_eq!(got, "As of 3.5 days, 12 cases!");
        let (a, b) = sentence(&text, 0, 5);
        let got: String = text[a..b].iter().collect();
        assert_eq!(got, "Title line");
    }

    fn doc() -> Document {
        let text = "Fever: 30 new cases on 2 May. Ebola in Beni has killed 40 people in total.";
        let at = |s: &str| text.find(s).unwrap();
        Document {
            id: "d1".into(),
            url: Some("https://www.example.org/a".into()),
            published: Some("2022-05-03T10:00:00+01:00".into()),
            text: text.into(),
            diseases: vec![Disease {
                id: "DOID:4325".into(),
                name: "Ebola virus disease".into(),
                icd10: None,
                mentions: vec![],
            }],
            places: vec![Place {
                geonameid: 217_562,
                name: "Beni".into(),
                kind: "city".into(),
                country: Some("CD".into()),
                lat: 0.5,
                lon: 29.5,
                mentions: vec![],
            }],
            dates: vec![DateMention {
                start: at("2 May"),
                end: at("2 May") + 5,
                text: "2 May".into(),
                value: Some("2022-05-02".into()),
                end_value: None,
            }],
            counts: vec![
                Count {
                    start: at("30"),
                    end: at("30") + 2,
                    text: "30".into(),
                    value: 30.0,
                    metric: "cases".into(),
                    scope: "new".into(),
                    qualifier: "exact".into(),
                    min: None,
                    max: None,
                    status: None,
                    disease: Some("DOID:4325".into()),
                    place: Some(217_562),
                    date: Some("2022-05-02".into()),
                },
                Count {
                    start: at("40"),
                    end: at("40") + 2,
                    text: "40".into(),
                    value: 40.0,
                    metric: "deaths".into(),
                    scope: "cumulative".into(),
                    qualifier: "exact".into(),
                    min: None,
                    max: None,
                    status: None,
                    disease: Some("DOID:4325".into()),
                    place: Some(217_562),
                    date: Some("2022-05-03".into()),
                },
                Count {
                    start: 0,
                    end: 1,
                    text: "F".into(),
                    value: 1.0,
                    metric: "other".into(),
                    scope: "unknown".into(),
                    qualifier: "exact".into(),
                    min: None,
                    max: None,
                    status: None,
                    disease: None,
                    place: None,
                    date: None,
                },
            ],
            facts: vec![Fact {
                disease: Some("DOID:4325".into()),
                place: Some(217_562),
                country: Some("CD".into()),
                metric: "deaths".into(),
                value: 40.0,
                scope: "cumulative".into(),
                qualifier: "exact".into(),
                as_of: Some("2022-05-03".into()),
                evidence: Range {
                    start: at("Ebola"),
                    end: text.len(),
                },
            }],
            ..Document::default()
        }
    }

    #[test]
    fn figures_carry_span_evidence_outlet_and_date_source() {
        let figs = figures(&doc());
        assert_eq!(figs.len(), 2, "the `other` count is left out");
        let new = &figs[0];
        assert_eq!(new.span.text, "30");
        assert_eq!(new.evidence.text, "Fever: 30 new cases on 2 May.");
        assert_eq!(new.outlet.as_deref(), Some("example.org"));
        assert_eq!(new.as_of.as_deref(), Some("2022-05-02"));
        assert_eq!(new.as_of_source.as_deref(), Some("text"));
        assert_eq!(new.country.as_deref(), Some("CD"));
        assert_eq!(new.place_name.as_deref(), Some("Beni"));
        assert_eq!(new.disease_name.as_deref(), Some("Ebola virus disease"));
        assert!(!new.headline);
        let deaths = &figs[1];
        assert!(deaths.headline);
        assert_eq!(deaths.as_of_source.as_deref(), Some("published"));
        assert_eq!(
            deaths.evidence.text,
            "Ebola in Beni has killed 40 people in total."
        );
        let json = serde_json::to_value(deaths).unwrap();
        assert_eq!(json["value"], serde_json::json!(40));
        assert_eq!(json["span"]["text"], "40");
    }

    #[test]
    fn undated_count_takes_the_publication_date_or_none() {
        let mut d = doc();
        d.counts[0].date = None;
        let figs = figures(&d);
        assert_eq!(figs[0].as_of.as_deref(), Some("2022-05-03"));
        assert_eq!(figs[0].as_of_source.as_deref(), Some("published"));
        d.published = None;
        let figs = figures(&d);
        assert_eq!(figs[0].as_of, None);
        assert_eq!(figs[0].as_of_source, None);
    }

    #[test]
    fn a_fact_without_its_count_still_gives_a_figure() {
        let mut d = doc();
        d.counts.clear();
        let figs = figures(&d);
        assert_eq!(figs.len(), 1);
        assert!(figs[0].headline);
        assert_eq!(figs[0].value, 40.0);
        assert_eq!(figs[0].span, figs[0].evidence);
    }
}
