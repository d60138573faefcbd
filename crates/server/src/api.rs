//! The JSON routes: events, documents, search, signals, triage, health; the read-access check.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use epiwire_consolidate::{EventDetail, EventFilter, EventSummary, Signal};
use epiwire_model::Document;
use epiwire_search::{SearchQuery, Sort};
use epiwire_store::{SqliteStore, Store, Triage, TriageStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth;
use crate::error::{ApiError, ErrorCode};
use crate::params::{
    DocParams, Filter, ListParams, Paging, SearchParams, SearchRequest, SearchSort, parsed,
};

/// Paging of `GET /api/events`.
pub(crate) const EVENT_PAGING: Paging = Paging {
    default: 50,
    max: 500,
};
/// Paging of `GET /api/signals`.
const SIGNAL_PAGING: Paging = Paging {
    default: 100,
    max: 1000,
};
/// Paging of `GET /api/search`.
const SEARCH_PAGING: Paging = Paging {
    default: 20,
    max: 100,
};
/// Longest triage note, in characters.
pub(crate) const MAX_NOTE_CHARS: usize = 4000;

type ApiResult<T> = std::result::Result<T, ApiError>;

/// The JSON routes (state still to be given).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/events", get(events))
        .route("/api/events/{id}", get(event))
        .route(
            "/api/events/{id}/triage",
            get(triage_history).post(set_triage),
        )
        .route("/api/documents", get(document_by_query))
        .route("/api/documents/{*id}", get(document_by_path))
        .route("/api/search", get(search))
        .route("/api/signals", get(signals))
        .fallback(no_route)
}

/// Middleware: when reads need a token (a non-loopback address without `--open-reads`), every
/// request but the health check and the OpenAPI document must carry a valid one. Writes check
/// their token in their handler in every case.
pub(crate) async fn read_access(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let exempt = matches!(path, "/api/health" | "/api/openapi.json")
        || request.method() != Method::GET && request.method() != Method::HEAD;
    if state.options.reads_need_token && !exempt {
        let headers = request.headers().clone();
        let checked = state
            .pool
            .run(move |store| auth::authenticate(store, &headers))
            .await;
        if let Err(e) = checked {
            return e.into_response();
        }
    }
    next.run(request).await
}

async fn no_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        code: ErrorCode::NoRoute,
        message: format!("no route {method} {}; see /api/openapi.json", uri.path()),
    }
}

/// 405 as JSON (set on the whole router in `app`).
pub(crate) async fn wrong_method(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: ErrorCode::MethodNotAllowed,
        message: format!(
            "{method} is not allowed on {}; see /api/openapi.json",
            uri.path()
        ),
    }
}

/// The store's filter for validated parameters.
pub(crate) fn event_filter(f: &Filter) -> EventFilter {
    EventFilter {
        disease: f.disease.clone(),
        country: f.country.clone(),
        from: f.from.clone(),
        to: f.to.clone(),
        signal: f.signal.clone(),
        limit: f.limit,
        offset: f.offset,
    }
}

/// The triage record of the events crate for one of the store's.
fn triage_json(t: &Triage) -> epiwire_consolidate::Triage {
    epiwire_consolidate::Triage {
        status: t.status.as_str().to_owned(),
        note: Some(t.note.clone()).filter(|n| !n.is_empty()),
        user: t.user.clone(),
        at: t.at.clone(),
    }
}

/// A page of events with their current triage, most relevant first.
pub(crate) fn events_page(store: &SqliteStore, f: &EventFilter) -> ApiResult<Vec<EventSummary>> {
    let mut events = store.events(f)?;
    for e in &mut events {
        if let Some(t) = store.triage_of(&e.id)? {
            e.triage = Some(triage_json(&t));
        }
    }
    Ok(events)
}

async fn health(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let search = state.search.as_ref().map(|s| s.num_docs());
    let documents = state
        .pool
        .run(|store| Ok::<_, ApiError>(store.stats()?.documents))
        .await?;
    Ok(Json(json!({
        "status": "ok",
        "documents": documents,
        "search_documents": search,
    })))
}

async fn events(
    State(state): State<AppState>,
    query: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<Json<EventsPage>> {
    let filter = parsed(query)?.filter(EVENT_PAGING)?;
    let f = event_filter(&filter);
    let events = state.pool.run(move |store| events_page(store, &f)).await?;
    let next_offset = (events.len() == filter.limit).then_some(filter.offset + filter.limit);
    Ok(Json(EventsPage {
        events,
        limit: filter.limit,
        offset: filter.offset,
        next_offset,
    }))
}

/// A page of `GET /api/events` (serialized straight from the records, no JSON tree between).
#[derive(Debug, Serialize)]
struct EventsPage {
    events: Vec<EventSummary>,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
}

/// A page of `GET /api/signals`.
#[derive(Debug, Serialize)]
struct SignalsPage {
    signals: Vec<Signal>,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
}

async fn event(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<EventDetail>> {
    let detail = state
        .pool
        .run(move |store| {
            let Some(mut detail) = store.event(&id)? else {
                return Err(ApiError::not_found(format!("no event {id:?}")));
            };
            if let Some(t) = store.triage_of(&id)? {
                detail.summary.triage = Some(triage_json(&t));
            }
            Ok(detail)
        })
        .await?;
    Ok(Json(detail))
}

async fn document_by_path(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentAnswer>> {
    document(state, id).await
}

async fn document_by_query(
    State(state): State<AppState>,
    query: Result<Query<DocParams>, QueryRejection>,
) -> ApiResult<Json<DocumentAnswer>> {
    let id = parsed(query)?
        .id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::bad_request("missing parameter id (the document id)"))?;
    document(state, id).await
}

/// A stored document with its annotations (the `epiwire extract` shape).
async fn document(state: AppState, id: String) -> ApiResult<Json<DocumentAnswer>> {
    let answer = state
        .pool
        .run(move |store| {
            let doc = store
                .get(&id)?
                .ok_or_else(|| ApiError::not_found(format!("no document {id:?}")))?;
            let event = store.event_of(&id)?;
            Ok::<_, ApiError>(DocumentAnswer { event, doc })
        })
        .await?;
    Ok(Json(answer))
}

/// A document in the `epiwire extract` shape, plus the event it belongs to.
#[derive(Debug, Serialize)]
struct DocumentAnswer {
    /// The id of the document's event (`null` before consolidation).
    event: Option<String>,
    #[serde(flatten)]
    doc: Document,
}

async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let SearchRequest {
        q,
        outlet,
        sort,
        lenient,
        filter,
    } = parsed(query)?.validate(SEARCH_PAGING)?;
    let Some(index) = state.search.clone() else {
        return Err(ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: ErrorCode::Internal,
            message:
                "search is unavailable: the search index could not be opened (see the server log)"
                    .to_owned(),
        });
    };
    let request = SearchQuery {
        q,
        disease: filter.disease,
        country: filter.country,
        from: filter.from,
        to: filter.to,
        outlet,
        limit: filter.limit,
        offset: filter.offset,
        sort: match sort {
            SearchSort::Relevance => Sort::Relevance,
            SearchSort::Newest => Sort::Newest,
        },
        // Strict unless asked: bad syntax is a 400 that says what is wrong.
        lenient,
    };
    let results = tokio::task::spawn_blocking(move || index.search(&request))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| {
            if e.is_client_error() {
                ApiError::bad_request(e.to_string())
            } else {
                ApiError::internal(&e)
            }
        })?;
    let mut value = serde_json::to_value(results).map_err(|e| ApiError::internal(&e))?;
    // Snippets go out as text with highlight offsets: the server never hands out article text
    // inside HTML.
    if let Some(hits) = value.get_mut("hits").and_then(Value::as_array_mut) {
        for hit in hits {
            if let Some(obj) = hit.as_object_mut() {
                obj.remove("snippet_html");
            }
        }
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("limit".to_owned(), json!(filter.limit));
        obj.insert("offset".to_owned(), json!(filter.offset));
    }
    Ok(Json(value))
}

async fn signals(
    State(state): State<AppState>,
    query: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<Json<SignalsPage>> {
    let filter = parsed(query)?.filter(SIGNAL_PAGING)?;
    let f = event_filter(&filter);
    let signals = state
        .pool
        .run(move |store| Ok::<_, ApiError>(store.signals(&f)?))
        .await?;
    let next_offset = (signals.len() == filter.limit).then_some(filter.offset + filter.limit);
    Ok(Json(SignalsPage {
        signals,
        limit: filter.limit,
        offset: filter.offset,
        next_offset,
    }))
}

/// Body of `POST /api/events/{id}/triage`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriageBody {
    status: String,
    #[serde(default)]
    note: Option<String>,
}

async fn set_triage(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let triage = state
        .pool
        .run(move |store| {
            let user = auth::authenticate(store, &headers)?;
            if store.event(&id)?.is_none() {
                return Err(ApiError::not_found(format!("no event {id:?}")));
            }
            let body: TriageBody = serde_json::from_slice(&body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body must be JSON {{\"status\": \"relevant\"|\"dismissed\"|\"escalated\", \"note\": \"…\"}}: {e}"
                ))
            })?;
            let status: TriageStatus = body.status.parse().map_err(ApiError::bad_request)?;
            let note = body.note.unwrap_or_default();
            if note.chars().count() > MAX_NOTE_CHARS {
                return Err(ApiError::bad_request(format!(
                    "note is longer than {MAX_NOTE_CHARS} characters"
                )));
            }
            let triage = Triage {
                status,
                note,
                user,
                at: auth::now_rfc3339(),
            };
            store.set_triage(&id, &triage)?;
            Ok(triage)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(triage)).into_response())
}

async fn triage_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (id, history) = state
        .pool
        .run(move |store| {
            if store.event(&id)?.is_none() {
                return Err(ApiError::not_found(format!("no event {id:?}")));
            }
            let history = store.triage_history(&id)?;
            Ok((id, history))
        })
        .await?;
    Ok(Json(json!({
        "event": id,
        "current": history.last(),
        "history": history,
    })))
}
