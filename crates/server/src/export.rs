//! Streamed exports of facts and events as CSV, JSON Lines and GeoJSON.
//!
//! Nothing is built in memory: a blocking task reads the store a page at a time (taking a pooled
//! connection per page, so a slow client holds none), encodes the page and sends it down a
//! bounded channel that is the response body. When the client goes away the channel closes and
//! the task stops at the next page.

use std::borrow::Cow;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::get;
use epiwire_consolidate::{EventFilter, EventSummary};
use epiwire_model::Document;
use epiwire_store::Store;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::AppState;
use crate::api::{event_filter, events_page};
use crate::error::ApiError;
use crate::params::{ExportParams, Filter, parsed};
use crate::pool::StorePool;

/// Documents read per store page.
const DOC_PAGE: usize = 100;
/// Events read per store page.
const EVENT_PAGE: usize = 200;

/// The export routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/export/facts.csv", get(facts_csv))
        .route("/api/export/facts.jsonl", get(facts_jsonl))
        .route("/api/export/facts.geojson", get(facts_geojson))
        .route("/api/export/events.csv", get(events_csv))
        .route("/api/export/events.jsonl", get(events_jsonl))
        .route("/api/export/events.geojson", get(events_geojson))
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Jsonl,
    GeoJson,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Jsonl => "application/jsonl; charset=utf-8",
            Format::GeoJson => "application/geo+json",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::GeoJson => "geojson",
        }
    }

    /// What comes before the first record.
    fn head(self, csv_header: &[&str]) -> Vec<u8> {
        match self {
            Format::Csv => csv_line(csv_header.iter().map(|s| (*s).to_owned())),
            Format::Jsonl => Vec::new(),
            Format::GeoJson => b"{\"type\":\"FeatureCollection\",\"features\":[\n".to_vec(),
        }
    }

    /// What comes after the last record.
    fn tail(self) -> &'static [u8] {
        match self {
            Format::GeoJson => b"\n]}\n",
            _ => b"",
        }
    }
}

/// A CSV cell that a spreadsheet will not run as a formula (CSV injection, OWASP): text that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`. Numbers
/// (a negative longitude, say) are left as they are.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// One CSV record, with its line end; every cell made [`spreadsheet_safe`].
fn csv_line(fields: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let record: Vec<String> = fields
        .into_iter()
        .map(|f| match spreadsheet_safe(&f) {
            Cow::Borrowed(_) => f,
            Cow::Owned(safe) => safe,
        })
        .collect();
    // Writing to a Vec cannot fail; an error would only lose this line.
    let _ = w.write_record(record);
    w.into_inner().unwrap_or_default()
}

/// Encodes records of one kind into a byte buffer, tracking the GeoJSON separators.
#[derive(Debug)]
struct Encoder {
    format: Format,
    features: usize,
}

impl Encoder {
    /// Appends one record: its CSV fields, its JSON object, and its point (for GeoJSON; records
    /// without a point are left out of GeoJSON).
    fn push(
        &mut self,
        out: &mut Vec<u8>,
        csv: Vec<String>,
        object: &Value,
        point: Option<(f64, f64)>,
    ) {
        match self.format {
            Format::Csv => out.extend(csv_line(csv)),
            Format::Jsonl => {
                if serde_json::to_writer(&mut *out, object).is_ok() {
                    out.push(b'\n');
                }
            }
            Format::GeoJson => {
                let Some((lat, lon)) = point else {
                    return;
                };
                if self.features > 0 {
                    out.extend_from_slice(b",\n");
                }
                let feature = json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": object,
                });
                if serde_json::to_writer(&mut *out, &feature).is_ok() {
                    self.features += 1;
                }
            }
        }
    }
}

/// Where a producer sends its bytes; `send` is false once the client is gone.
struct Sink(mpsc::Sender<Result<Bytes, std::io::Error>>);

impl Sink {
    fn send(&self, bytes: Vec<u8>) -> bool {
        bytes.is_empty() || self.0.blocking_send(Ok(Bytes::from(bytes))).is_ok()
    }

    fn fail(&self, message: String) {
        let _ = self.0.blocking_send(Err(std::io::Error::other(message)));
    }
}

/// A streaming response: `produce` runs on a blocking thread and writes through the sink.
fn stream(
    format: Format,
    name: &str,
    produce: impl FnOnce(&Sink) -> Result<(), ApiError> + Send + 'static,
) -> Response {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let sink = Sink(tx);
        if let Err(e) = produce(&sink) {
            // Headers are out: abort the body so the client sees a truncated transfer rather
            // than a file that looks complete.
            sink.fail(e.message);
        }
    });
    // poll_fn over the receiver keeps answering None after the end (the compression layer
    // polls once more), where `unfold` would panic.
    let mut rx = rx;
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"epiwire-{name}.{}\"",
        format.extension()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Columns of the facts exports.
const FACT_COLUMNS: &[&str] = &[
    "doc_id",
    "url",
    "outlet",
    "title",
    "published",
    "disease",
    "disease_name",
    "place",
    "place_name",
    "country",
    "lat",
    "lon",
    "metric",
    "scope",
    "qualifier",
    "value",
    "as_of",
    "evidence_start",
    "evidence_end",
    "evidence",
];

/// One fact of a document, with what a line list needs beside it.
#[derive(Debug, Serialize)]
struct FactRow<'a> {
    doc_id: &'a str,
    url: Option<&'a str>,
    outlet: Option<String>,
    title: Option<&'a str>,
    published: Option<&'a str>,
    disease: Option<&'a str>,
    disease_name: Option<&'a str>,
    place: Option<u64>,
    place_name: Option<&'a str>,
    country: Option<&'a str>,
    lat: Option<f64>,
    lon: Option<f64>,
    metric: &'a str,
    scope: &'a str,
    qualifier: &'a str,
    value: f64,
    as_of: Option<&'a str>,
    evidence_start: usize,
    evidence_end: usize,
    evidence: String,
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl FactRow<'_> {
    fn csv(&self) -> Vec<String> {
        vec![
            self.doc_id.to_owned(),
            opt(self.url),
            opt(self.outlet.as_deref()),
            opt(self.title),
            opt(self.published),
            opt(self.disease),
            opt(self.disease_name),
            opt(self.place),
            opt(self.place_name),
            opt(self.country),
            opt(self.lat),
            opt(self.lon),
            self.metric.to_owned(),
            self.scope.to_owned(),
            self.qualifier.to_owned(),
            self.value.to_string(),
            opt(self.as_of),
            self.evidence_start.to_string(),
            self.evidence_end.to_string(),
            self.evidence.clone(),
        ]
    }
}

/// The facts of one document that pass the filter.
fn fact_rows<'a>(doc: &'a Document, filter: &Filter) -> Vec<FactRow<'a>> {
    let mut rows = Vec::new();
    for fact in &doc.facts {
        let disease = fact
            .disease
            .as_deref()
            .and_then(|id| doc.diseases.iter().find(|d| d.id == id));
        let place = fact
            .place
            .and_then(|id| doc.places.iter().find(|p| p.geonameid == id));
        if let Some(want) = &filter.disease {
            let hit = fact
                .disease
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(want))
                || disease.is_some_and(|d| d.name.eq_ignore_ascii_case(want));
            if !hit {
                continue;
            }
        }
        if let Some(want) = &filter.country
            && fact.country.as_deref() != Some(want.as_str())
        {
            continue;
        }
        let day = fact.as_of.as_deref().or(doc.published.as_deref());
        if !filter.date_in_range(day) {
            continue;
        }
        let evidence: String = doc
            .text
            .chars()
            .skip(fact.evidence.start)
            .take(fact.evidence.end.saturating_sub(fact.evidence.start))
            .collect();
        rows.push(FactRow {
            doc_id: &doc.id,
            url: doc.url.as_deref(),
            outlet: doc.url.as_deref().and_then(epiwire_search::host_of),
            title: doc.title.as_deref(),
            published: doc.published.as_deref(),
            disease: fact.disease.as_deref(),
            disease_name: disease.map(|d| &*d.name),
            place: fact.place,
            place_name: place.map(|p| &*p.name),
            country: fact.country.as_deref(),
            lat: place.map(|p| p.lat),
            lon: place.map(|p| p.lon),
            metric: &fact.metric,
            scope: &fact.scope,
            qualifier: &fact.qualifier,
            value: fact.value,
            as_of: fact.as_of.as_deref(),
            evidence_start: fact.evidence.start,
            evidence_end: fact.evidence.end,
            evidence,
        });
    }
    rows
}

fn export_facts(
    pool: &StorePool,
    format: Format,
    filter: &Filter,
    sink: &Sink,
) -> Result<(), ApiError> {
    if !sink.send(format.head(FACT_COLUMNS)) {
        return Ok(());
    }
    let mut enc = Encoder {
        format,
        features: 0,
    };
    let mut after = 0u64;
    loop {
        let page = {
            let store = pool.get()?;
            store.documents(after, DOC_PAGE)?
        };
        let Some((last, _)) = page.last() else {
            break;
        };
        after = *last;
        let mut out = Vec::new();
        for (_, doc) in &page {
            for row in fact_rows(doc, filter) {
                let object = serde_json::to_value(&row).map_err(|e| ApiError::internal(&e))?;
                let point = row.lat.zip(row.lon);
                enc.push(&mut out, row.csv(), &object, point);
            }
        }
        if !sink.send(out) {
            return Ok(());
        }
    }
    sink.send(format.tail().to_vec());
    Ok(())
}

/// Columns of the events exports.
const EVENT_COLUMNS: &[&str] = &[
    "id",
    "title",
    "diseases",
    "disease_ids",
    "countries",
    "lat",
    "lon",
    "first_seen",
    "last_seen",
    "documents",
    "outlets",
    "relevance",
    "signals",
    "triage",
];

fn event_csv(e: &EventSummary) -> Vec<String> {
    let join = |items: Vec<&str>| items.join(";");
    vec![
        e.id.clone(),
        e.title.clone(),
        join(e.diseases.iter().map(|d| d.name.as_str()).collect()),
        join(e.diseases.iter().map(|d| d.id.as_str()).collect()),
        join(e.countries.iter().map(String::as_str).collect()),
        opt(e.lat),
        opt(e.lon),
        opt(e.first_seen.as_deref()),
        opt(e.last_seen.as_deref()),
        e.documents.to_string(),
        e.outlets.to_string(),
        e.relevance.to_string(),
        signal_kinds(e).join(";"),
        opt(e.triage.as_ref().map(|t| t.status.as_str())),
    ]
}

/// The kinds of an event's signals (read through their JSON shape, `kind`).
fn signal_kinds(e: &EventSummary) -> Vec<String> {
    e.signals
        .iter()
        .filter_map(|s| serde_json::to_value(s).ok())
        .filter_map(|v| v.get("kind").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn export_events(
    pool: &StorePool,
    format: Format,
    filter: &Filter,
    sink: &Sink,
) -> Result<(), ApiError> {
    if !sink.send(format.head(EVENT_COLUMNS)) {
        return Ok(());
    }
    let mut enc = Encoder {
        format,
        features: 0,
    };
    let mut f: EventFilter = event_filter(filter);
    f.limit = EVENT_PAGE;
    f.offset = 0;
    loop {
        let page = {
            let store = pool.get()?;
            events_page(&store, &f)?
        };
        let mut out = Vec::new();
        for e in &page {
            let mut object = serde_json::to_value(e).map_err(|e| ApiError::internal(&e))?;
            if format == Format::GeoJson
                && let Some(obj) = object.as_object_mut()
            {
                // The point is the geometry; the full place list stays in the properties.
                obj.remove("lat");
                obj.remove("lon");
            }
            enc.push(&mut out, event_csv(e), &object, e.lat.zip(e.lon));
        }
        if !sink.send(out) {
            return Ok(());
        }
        if page.len() < EVENT_PAGE {
            break;
        }
        f.offset += EVENT_PAGE;
    }
    sink.send(format.tail().to_vec());
    Ok(())
}

/// Which export.
#[derive(Debug, Clone, Copy)]
enum What {
    Facts,
    Events,
}

fn export(
    state: &AppState,
    what: What,
    format: Format,
    query: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = parsed(query)?.filter()?;
    if matches!(what, What::Facts) && filter.signal.is_some() {
        return Err(ApiError::bad_request(
            "signal filters events, not facts; use /api/export/events.*",
        ));
    }
    let pool = state.pool.clone();
    Ok(match what {
        What::Facts => stream(format, "facts", move |sink| {
            export_facts(&pool, format, &filter, sink)
        }),
        What::Events => stream(format, "events", move |sink| {
            export_events(&pool, format, &filter, sink)
        }),
    })
}

async fn facts_csv(
    State(s): State<AppState>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    export(&s, What::Facts, Format::Csv, q)
}

async fn facts_jsonl(
    State(s): State<AppState>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    export(&s, What::Facts, Format::Jsonl, q)
}

async fn facts_geojson(
    State(s): State<AppState>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    export(&s, What::Facts, Format::GeoJson, q)
}

async fn events_csv(
    State(s): State<AppState>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    export(&s, What::Events, Format::Csv, q)
}

async fn events_jsonl(
    State(s): State<AppState>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    export(&s, What::Events, Format::Jsonl, q)
}

async fn events_geojson(
    State(s): State<AppState>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    export(&s, What::Events, Format::GeoJson, q)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn a_client_that_goes_away_stops_the_producer() {
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let response = stream(Format::Jsonl, "t", move |sink| {
            let mut pages = 0usize;
            while pages < 100_000 && sink.send(vec![b'x'; 1024]) {
                pages += 1;
            }
            let _ = done_tx.send(pages);
            Ok(())
        });
        let mut body = response.into_body().into_data_stream();
        let first = body.next().await.unwrap().unwrap();
        assert_eq!(first.len(), 1024);
        drop(body);
        let pages =
            tokio::task::spawn_blocking(move || done_rx.recv_timeout(Duration::from_secs(10)))
                .await
                .unwrap()
                .unwrap();
        // The channel holds a few pages; the producer stops at the first send after the drop.
        assert!(pages < 10, "{pages} pages produced for a client that left");
    }

    #[tokio::test]
    async fn a_failing_producer_aborts_the_body() {
        let response = stream(Format::Csv, "t", |sink| {
            sink.send(b"a,b\r\n".to_vec());
            Err(ApiError::bad_request("store gone"))
        });
        let mut body = response.into_body().into_data_stream();
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"a,b\r\n");
        assert!(body.next().await.unwrap().is_err());
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        let line = csv_line([
            "=HYPERLINK(\"http://x\")".to_owned(),
            "@SUM(A1)".to_owned(),
            "+1-2".to_owned(),
            "-12.5".to_owned(),
            "cholera".to_owned(),
        ]);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1),'+1-2,-12.5,cholera\r\n"
        );
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        let line = csv_line([
            "a".to_owned(),
            "b,c".to_owned(),
            "say \"hi\"\nbye".to_owned(),
        ]);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\nbye\"\r\n"
        );
    }
}
