//! The HTTP API end to end, in process: a store made by `epiwire ingest` from the two seed
//! articles and an unrelated WHO cholera report, served by `epiwire_server::app` and driven with
//! `tower::ServiceExt::oneshot`. Every route, its error statuses, the triage round trip, the
//! exports, the Atom feed and the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{SEED_HANKYOREH, SEED_VOI, epiwire, stderr};
use epiwire_server::{OPENAPI, Options, ROUTES, StorePool};
use serde_json::Value;
use tower::ServiceExt;

/// An unrelated outbreak report (a WHO Disease Outbreak News text).
const CHOLERA: &str = r#"{"id": "don-cholera-haiti", "url": "https://www.who.int/csr/don/2010_11_10/en/", "title": "Cholera in Haiti - update", "published": "2010-11-10", "text": "Cholera in Haiti - update. As of 9 November 2010, the Haitian Ministry of Public Health and Population has reported 11,125 hospitalized cases and 724 deaths due to cholera. Cases have been reported in the departments of Artibonite, Centre, Nord, Nord-Ouest, Ouest and Sud. WHO is supporting the ministry with medical supplies and staff."}"#;

/// The data directory shared by the tests (ingested once), and a token for writes.
struct Fixture {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    token: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let extra = tmp.path().join("cholera.jsonl");
        std::fs::write(&extra, CHOLERA).unwrap();
        let data = tmp.path().join("data");
        let d = data.to_str().unwrap();
        let out = epiwire(
            &[
                "ingest",
                "--data",
                d,
                SEED_HANKYOREH,
                SEED_VOI,
                extra.to_str().unwrap(),
            ],
            b"",
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let out = epiwire(&["token", "create", "tester", "--data", d], b"");
        assert!(out.status.success(), "{}", stderr(&out));
        let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        assert!(token.starts_with("ew_"), "{token}");
        // A second token with the same name is refused.
        let again = epiwire(&["token", "create", "tester", "--data", d], b"");
        assert!(!again.status.success());
        Fixture {
            _tmp: tmp,
            data,
            token,
        }
    })
}

fn app_with(data: &Path, options: Options, search: bool) -> Router {
    let pool = Arc::new(StorePool::open(data, 2).unwrap());
    let index = search.then(|| {
        let store = pool.get().unwrap();
        let dir = epiwire_search::index_dir(data);
        Arc::new(epiwire_search::SearchIndex::open_or_rebuild(&dir, &*store).unwrap())
    });
    epiwire_server::app(pool, index, options).unwrap()
}

fn app() -> Router {
    static APP: OnceLock<Router> = OnceLock::new();
    APP.get_or_init(|| {
        app_with(
            &fixture().data,
            Options {
                base_url: "http://test.invalid".to_owned(),
                ..Options::default()
            },
            true,
        )
    })
    .clone()
}

struct Answer {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    /// A JSON error with this status whose message contains `word`.
    fn assert_error(&self, status: u16, word: &str) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let v = self.json();
        let msg = v["error"].as_str().unwrap();
        assert!(msg.contains(word), "{msg:?} does not mention {word:?}");
        assert!(v["code"].is_string());
    }
}

async fn send(app: Router, req: Request<Body>) -> Answer {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        content_type,
        headers,
        body,
    }
}

async fn get(uri: &str) -> Answer {
    send(app(), Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post_triage(id: &str, token: Option<&str>, body: &str) -> Answer {
    let mut req = Request::post(format!("/api/events/{id}/triage"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    send(app(), req.body(Body::from(body.to_owned())).unwrap()).await
}

/// The North Korea COVID-19 event of the seeds.
async fn kp_event() -> Value {
    let a = get("/api/events?country=KP").await;
    assert_eq!(a.status, 200, "{}", a.text());
    let events = a.json()["events"].as_array().unwrap().clone();
    assert_eq!(events.len(), 1, "{events:#?}");
    events[0].clone()
}

#[tokio::test]
async fn events_list_filters_and_ranks() {
    let a = get("/api/events").await;
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("application/json"));
    let v = a.json();
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{v:#}");
    let rel: Vec<f64> = events
        .iter()
        .map(|e| e["relevance"].as_f64().unwrap())
        .collect();
    assert!(
        rel.windows(2).all(|w| w[0] >= w[1]),
        "ranked by relevance: {rel:?}"
    );
    assert_eq!(v["limit"], 50);
    assert_eq!(v["next_offset"], Value::Null);

    let kp = kp_event().await;
    assert_eq!(kp["documents"], 2);
    assert_eq!(kp["diseases"][0]["name"], "COVID-19");
    let ht = get("/api/events?country=ht&disease=cholera").await.json();
    assert_eq!(ht["events"].as_array().unwrap().len(), 1, "{ht:#}");
    let none = get("/api/events?country=KP&disease=cholera").await.json();
    assert!(none["events"].as_array().unwrap().is_empty());
    let covid = get("/api/events?disease=COVID-19&from=2022-05-01&to=2022-05-31")
        .await
        .json();
    assert_eq!(covid["events"].as_array().unwrap().len(), 1, "{covid:#}");
    let old = get("/api/events?from=2001-01-01&to=2001-12-31")
        .await
        .json();
    assert!(old["events"].as_array().unwrap().is_empty(), "{old:#}");
    let page = get("/api/events?limit=1").await.json();
    assert_eq!(page["events"].as_array().unwrap().len(), 1);
    assert_eq!(page["next_offset"], 1);
    let page2 = get("/api/events?limit=1&offset=1").await.json();
    assert_ne!(page["events"][0]["id"], page2["events"][0]["id"]);
}

#[tokio::test]
async fn bad_parameters_are_400_with_a_clear_message() {
    for (uri, word) in [
        ("/api/events?from=2022-13-01", "from"),
        ("/api/events?to=yesterday", "to"),
        ("/api/events?from=2022-06-01&to=2022-05-01", "after"),
        ("/api/events?signal=spike", "signal"),
        ("/api/events?limit=0", "limit"),
        ("/api/events?limit=100000", "limit"),
        ("/api/events?offset=-3", "offset"),
        ("/api/events?country=PRK", "country"),
        ("/api/events?contry=KP", "contry"),
        ("/api/signals?signal=weekly", "signal"),
        ("/api/signals?limit=1001", "limit"),
        ("/api/search", "q"),
        ("/api/search?q=", "q"),
        ("/api/search?q=nosuchfield:fever", "nosuchfield"),
        ("/api/search?q=title:(fever", "query"),
        ("/api/search?q=cholera&limit=101", "limit"),
        ("/api/search?q=cholera&sort=oldest", "sort"),
        ("/api/search?q=cholera&lenient=yes", "lenient"),
        ("/api/documents", "id"),
        ("/api/export/facts.csv?from=17.05.2022", "from"),
        ("/api/export/facts.csv?signal=jump", "signal"),
        ("/api/export/events.geojson?signal=spike", "signal"),
        ("/feed.atom?country=North%20Korea", "country"),
        ("/feed.atom?limit=5", "limit"),
    ] {
        get(uri).await.assert_error(400, word);
    }
}

#[tokio::test]
async fn event_detail_and_unknown_ids() {
    let id = kp_event().await["id"].as_str().unwrap().to_owned();
    let a = get(&format!("/api/events/{id}")).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let ev = a.json();
    assert_eq!(ev["id"], id.as_str());
    assert_eq!(ev["sources"].as_array().unwrap().len(), 2);
    assert!(!ev["figures"].as_array().unwrap().is_empty());
    assert!(ev["series"].is_array() && ev["conflicts"].is_array());

    get("/api/events/E999999")
        .await
        .assert_error(404, "E999999");
    get("/api/events/E999999/triage")
        .await
        .assert_error(404, "E999999");
    get("/api/documents/no/such/doc.txt")
        .await
        .assert_error(404, "no/such/doc.txt");
    get("/api/documents?id=nope")
        .await
        .assert_error(404, "nope");
    let a = get("/api/nothing-here").await;
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["code"], "no_route");
}

#[tokio::test]
async fn documents_by_path_with_slashes_encoded_or_not_and_by_query() {
    let raw = get(&format!("/api/documents/{SEED_VOI}")).await;
    assert_eq!(raw.status, 200, "{}", raw.text());
    let doc = raw.json();
    assert_eq!(doc["id"], SEED_VOI);
    assert!(doc["text"].as_str().unwrap().contains("North Korea"));
    assert!(!doc["facts"].as_array().unwrap().is_empty());
    assert_eq!(doc["diseases"][0]["id"], "DOID:0080600");
    assert_eq!(doc["event"], kp_event().await["id"]);
    let encoded = get(&format!("/api/documents/{}", SEED_VOI.replace('/', "%2F"))).await;
    assert_eq!(encoded.status, 200);
    assert_eq!(encoded.json(), doc);
    let by_query = get(&format!(
        "/api/documents?id={}",
        SEED_VOI.replace('/', "%2F")
    ))
    .await;
    assert_eq!(by_query.status, 200);
    assert_eq!(by_query.json(), doc);
}

#[tokio::test]
async fn search_ranks_documents_and_returns_text_snippets_only() {
    let a = get("/api/search?q=cholera").await;
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits[0]["id"], "don-cholera-haiti", "{v:#}");
    assert_eq!(v["total"], 1);
    for hit in hits {
        assert!(
            hit.get("snippet_html").is_none(),
            "no HTML from the server: {hit:#}"
        );
        assert!(hit["snippet"].is_string());
    }
    let kp = get("/api/search?q=fever&country=KP").await.json();
    let kp_hits = kp["hits"].as_array().unwrap();
    assert!(!kp_hits.is_empty(), "{kp:#}");
    assert!(kp_hits.iter().all(|h| h["id"] != "don-cholera-haiti"));
    let none = get("/api/search?q=cholera&country=KP").await.json();
    assert_eq!(none["total"], 0);
    let who = get("/api/search?q=cholera&outlet=WHO.int&sort=newest")
        .await
        .json();
    assert_eq!(who["total"], 1, "{who:#}");
    let typed = get("/api/search?q=title:(cholera&lenient=true").await;
    assert_eq!(typed.status, 200, "{}", typed.text());
    let elsewhere = get("/api/search?q=cholera&outlet=example.org").await.json();
    assert_eq!(elsewhere["total"], 0);
}

#[tokio::test]
async fn signals_list() {
    let a = get("/api/signals").await;
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    let signals = v["signals"].as_array().unwrap();
    for s in signals {
        assert!(
            epiwire_server::SIGNAL_KINDS.contains(&s["kind"].as_str().unwrap()),
            "{s}"
        );
        assert!(s["reason"].is_string());
    }
    let new_events = get("/api/signals?signal=new_event").await.json();
    for s in new_events["signals"].as_array().unwrap() {
        assert_eq!(s["kind"], "new_event");
    }
    let kp = get("/api/signals?country=KP").await.json();
    for s in kp["signals"].as_array().unwrap() {
        assert_eq!(s["country"], "KP");
    }
}

#[tokio::test]
async fn triage_needs_a_token_and_round_trips() {
    let fx = fixture();
    let id = kp_event().await["id"].as_str().unwrap().to_owned();
    let body = r#"{"status": "escalated", "note": "aid offers from China and Russia"}"#;

    let a = post_triage(&id, None, body).await;
    a.assert_error(401, "Bearer");
    assert!(a.headers.contains_key(header::WWW_AUTHENTICATE));
    post_triage(&id, Some("ew_not-a-token"), body)
        .await
        .assert_error(401, "token");
    let basic = send(
        app(),
        Request::post(format!("/api/events/{id}/triage"))
            .header(header::AUTHORIZATION, format!("Basic {}", fx.token))
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    basic.assert_error(401, "Bearer");
    post_triage("E999999", Some(&fx.token), body)
        .await
        .assert_error(404, "E999999");
    post_triage(&id, Some(&fx.token), r#"{"status": "maybe"}"#)
        .await
        .assert_error(400, "maybe");
    post_triage(&id, Some(&fx.token), "status=relevant")
        .await
        .assert_error(400, "JSON");
    post_triage(
        &id,
        Some(&fx.token),
        r#"{"status": "relevant", "who": "me"}"#,
    )
    .await
    .assert_error(400, "who");
    let long = format!(
        r#"{{"status": "relevant", "note": "{}"}}"#,
        "x".repeat(4001)
    );
    post_triage(&id, Some(&fx.token), &long)
        .await
        .assert_error(400, "note");

    let first = post_triage(&id, Some(&fx.token), r#"{"status": "relevant"}"#).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let a = post_triage(&id, Some(&fx.token), body).await;
    assert_eq!(a.status, 201, "{}", a.text());
    let t = a.json();
    assert_eq!(t["status"], "escalated");
    assert_eq!(t["user"], "tester");
    assert_eq!(t["note"], "aid offers from China and Russia");
    assert!(
        t["at"].as_str().unwrap().parse::<jiff::Timestamp>().is_ok(),
        "{t}"
    );

    let h = get(&format!("/api/events/{id}/triage")).await;
    assert_eq!(h.status, 200);
    let h = h.json();
    let history = h["history"].as_array().unwrap();
    assert!(history.len() >= 2);
    assert_eq!(h["current"], *history.last().unwrap());
    let statuses: Vec<&str> = history
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    let pos = statuses.iter().rposition(|s| *s == "relevant").unwrap();
    assert!(statuses[pos + 1..].contains(&"escalated"), "{statuses:?}");

    // The event shows it, in the detail and in the list.
    let ev = get(&format!("/api/events/{id}")).await.json();
    assert_eq!(ev["triage"]["user"], "tester");
    let listed = kp_event().await;
    assert!(listed["triage"]["status"].is_string(), "{listed:#}");
}

fn csv_records(body: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(body);
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r.records().map(Result::unwrap).collect();
    (header, rows)
}

fn jsonl(body: &[u8]) -> Vec<Value> {
    std::str::from_utf8(body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn geojson_points(body: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap().clone();
    for f in &features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        assert!(f["properties"].is_object());
    }
    features
}

#[tokio::test]
async fn fact_exports_parse_and_agree() {
    let a = get("/api/export/facts.csv").await;
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("text/csv"));
    assert!(
        a.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("epiwire-facts.csv")
    );
    let (head, rows) = csv_records(&a.body);
    assert_eq!(head[..3], ["doc_id", "url", "outlet"]);
    assert!(head.contains(&"evidence".to_owned()));
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert!(
        rows.iter().any(|r| r[col("country")] == *"KP"
            && r[col("metric")] == *"cases"
            && r[col("value")] == *"1200000"
            && r[col("qualifier")] == *"more_than"),
        "{rows:#?}"
    );

    let lines = get("/api/export/facts.jsonl").await;
    assert_eq!(lines.status, 200);
    let objs = jsonl(&lines.body);
    assert_eq!(objs.len(), rows.len());
    for o in &objs {
        let text = o["evidence"].as_str().unwrap();
        assert!(!text.is_empty(), "{o}");
    }

    let geo = get("/api/export/facts.geojson").await;
    assert_eq!(geo.status, 200);
    assert_eq!(geo.content_type, "application/geo+json");
    let features = geojson_points(&geo.body);
    assert!(!features.is_empty());
    assert!(features.len() <= objs.len());

    let kp = jsonl(&get("/api/export/facts.jsonl?country=KP").await.body);
    assert!(!kp.is_empty() && kp.len() < objs.len());
    assert!(kp.iter().all(|o| o["country"] == "KP"));
    let may = jsonl(
        &get("/api/export/facts.jsonl?from=2022-05-01&to=2022-05-31")
            .await
            .body,
    );
    assert!(may.iter().all(|o| o["doc_id"] != "don-cholera-haiti"));
}

#[tokio::test]
async fn event_exports_parse_and_agree() {
    let (head, rows) = csv_records(&get("/api/export/events.csv").await.body);
    assert_eq!(head[0], "id");
    assert_eq!(rows.len(), 2);
    let objs = jsonl(&get("/api/export/events.jsonl").await.body);
    assert_eq!(objs.len(), 2);
    let ids: Vec<&str> = objs.iter().map(|o| o["id"].as_str().unwrap()).collect();
    for r in &rows {
        assert!(ids.contains(&&r[0]));
    }
    let features = geojson_points(&get("/api/export/events.geojson").await.body);
    assert!(!features.is_empty());
    assert!(features.iter().all(|f| f["properties"]["id"].is_string()));
    let kp = jsonl(&get("/api/export/events.jsonl?country=KP").await.body);
    assert_eq!(kp.len(), 1);
}

/// The children of `<entry>` or `<feed>` that Atom requires, found with a real XML parser.
#[tokio::test]
async fn atom_feed_is_well_formed_atom() {
    use quick_xml::events::Event;
    let a = get("/feed.atom").await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.content_type.starts_with("application/atom+xml"));
    let signals = get("/api/signals?limit=100").await.json()["signals"]
        .as_array()
        .unwrap()
        .len();

    let mut reader = quick_xml::Reader::from_str(std::str::from_utf8(&a.body).unwrap());
    let mut path: Vec<String> = Vec::new();
    let mut feed_children = Vec::new();
    let mut entries: Vec<Vec<String>> = Vec::new();
    let mut root_ns = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if path.is_empty() {
                    root_ns = e
                        .try_get_attribute("xmlns")
                        .unwrap()
                        .map(|a| String::from_utf8(a.value.to_vec()).unwrap());
                }
                record(&path, &name, &mut feed_children, &mut entries);
                path.push(name);
            }
            Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                record(&path, &name, &mut feed_children, &mut entries);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(root_ns.as_deref(), Some("http://www.w3.org/2005/Atom"));
    for required in ["id", "title", "updated", "link", "author"] {
        assert!(
            feed_children.iter().any(|c| c == required),
            "feed lacks {required}"
        );
    }
    assert_eq!(entries.len(), signals);
    for e in &entries {
        for required in ["id", "title", "updated", "link", "summary"] {
            assert!(
                e.iter().any(|c| c == required),
                "entry lacks {required}: {e:?}"
            );
        }
    }
    let kp = get("/feed.atom?country=KP&disease=COVID-19").await;
    assert_eq!(kp.status, 200);
    assert!(
        kp.text()
            .contains("feed.atom?disease=COVID-19&amp;country=KP")
    );

    fn record(path: &[String], name: &str, feed: &mut Vec<String>, entries: &mut Vec<Vec<String>>) {
        match path {
            [root] if root == "feed" => {
                if name == "entry" {
                    entries.push(Vec::new());
                } else {
                    feed.push(name.to_owned());
                }
            }
            [root, entry] if root == "feed" && entry == "entry" => {
                if let Some(e) = entries.last_mut() {
                    e.push(name.to_owned());
                }
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn openapi_lists_every_route_and_every_route_is_served() {
    let a = get("/api/openapi.json").await;
    assert_eq!(a.status, 200);
    let doc = a.json();
    assert_eq!(doc, serde_json::from_str::<Value>(OPENAPI).unwrap());
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    let mut documented = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            assert!(
                ROUTES.contains(&(method.as_str(), path.as_str())),
                "{method} {path} is documented but not routed"
            );
            documented += 1;
        }
    }
    assert_eq!(documented, ROUTES.len());
    // Every listed route answers something other than "no route".
    let id = kp_event().await["id"].as_str().unwrap().to_owned();
    for (method, path) in ROUTES {
        let uri = path.replace(
            "{id}",
            if path.starts_with("/api/documents") {
                SEED_VOI
            } else {
                &id
            },
        );
        let req = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let a = send(app(), req).await;
        let code = serde_json::from_slice::<Value>(&a.body)
            .ok()
            .and_then(|v| v["code"].as_str().map(str::to_owned));
        assert_ne!(code.as_deref(), Some("no_route"), "{method} {uri}");
        assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
    }
}

#[tokio::test]
async fn dashboard_health_and_headers() {
    let a = get("/").await;
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("text/html"));
    let h = get("/api/health").await;
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["documents"], 3);
    assert_eq!(h.headers["x-content-type-options"], "nosniff");
    assert!(!h.headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    let wrong = send(
        app(),
        Request::delete("/api/events").body(Body::empty()).unwrap(),
    )
    .await;
    wrong.assert_error(405, "DELETE");
    let export = send(
        app(),
        Request::post("/api/export/facts.csv")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    export.assert_error(405, "POST");
    // Compression when asked for.
    let gz = send(
        app(),
        Request::get("/api/export/facts.jsonl")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn reads_need_a_token_off_loopback() {
    let fx = fixture();
    let app = app_with(
        &fx.data,
        Options {
            reads_need_token: true,
            ..Options::default()
        },
        false,
    );
    let anon = send(
        app.clone(),
        Request::get("/api/events").body(Body::empty()).unwrap(),
    )
    .await;
    anon.assert_error(401, "Bearer");
    let feed = send(
        app.clone(),
        Request::get("/feed.atom").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(feed.status, 401);
    let authed = send(
        app.clone(),
        Request::get("/api/events")
            .header(header::AUTHORIZATION, format!("Bearer {}", fx.token))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(authed.status, 200);
    let health = send(
        app,
        Request::get("/api/health").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(health.status, 200);
}
