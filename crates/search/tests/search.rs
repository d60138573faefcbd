//! Integration tests: the seed articles (and a few JSONL news records) run through the real
//! pipeline (sources → article → annotate) into a SQLite store, then indexed and searched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use epiwire_model::Document;
use epiwire_search::{Error, SearchIndex, SearchQuery, SearchResults, Sort, index_dir};
use epiwire_sources::{Item, Options};
use epiwire_store::{NewDoc, SqliteStore, Store};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds")
}

/// Three news records with URLs and dates, to test the outlet and date filters.
const NEWS: &str = r#"{"id": "n1", "url": "https://www.reuters.com/world/cholera-haiti-1", "title": "Cholera spreads in Haiti", "published": "2010-10-25T10:00:00Z", "text": "Cholera has killed 250 people in Haiti, health officials said on Monday. The outbreak began in the Artibonite region."}
{"id": "n2", "url": "https://apnews.com/article/ebola-guinea", "title": "Ebola outbreak in Guinea", "published": "2014-03-25", "text": "An outbreak of Ebola virus disease has killed 59 people in Guinea, the health ministry said. Cases were reported in Conakry."}
{"id": "n3", "url": "http://reuters.com/health/cholera-yemen", "title": "Cholera in Yemen", "published": "2017-06-01T08:00:00+03:00", "text": "Cholera cases in Yemen passed 70,000, the World Health Organization said. More than 600 people have died of cholera in Yemen."}
"#;

/// Runs items through article extraction and annotation, as `epiwire ingest` does.
fn put_items(store: &mut SqliteStore, items: impl Iterator<Item = Item>) -> usize {
    let mut batch = Vec::new();
    for item in items {
        let Item::Doc { raw, hash } = item else {
            panic!("unreadable fixture: {item:?}");
        };
        let article = epiwire_article::extract(&raw).unwrap();
        let mut doc = Document::from_article(&raw, article);
        epiwire_annotate::annotate(&mut doc);
        batch.push(NewDoc {
            hash,
            source: raw.id.clone(),
            doc,
        });
    }
    store.put_batch(&batch).unwrap().inserted
}

fn put_seeds(store: &mut SqliteStore) -> usize {
    put_items(
        store,
        epiwire_sources::read(&[seeds()], &Options::default()),
    )
}

fn put_news(store: &mut SqliteStore) -> usize {
    put_items(
        store,
        epiwire_sources::read_bytes(NEWS.as_bytes(), "news.jsonl", &Options::default()),
    )
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        q: text.into(),
        ..SearchQuery::default()
    }
}

fn ids(r: &SearchResults) -> Vec<&str> {
    let mut v: Vec<&str> = r.hits.iter().map(|h| h.id.as_str()).collect();
    v.sort();
    v
}

fn seed_ids(r: &SearchResults) -> Vec<String> {
    ids(r)
        .iter()
        .map(|id| Path::new(id).file_name().unwrap().to_string_lossy().into())
        .collect()
}

/// A temp dir with a store holding the seeds and the news records, and its index.
fn fixture() -> (tempfile::TempDir, SqliteStore, SearchIndex) {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(tmp.path()).unwrap();
    assert_eq!(put_seeds(&mut store), 2);
    assert_eq!(put_news(&mut store), 3);
    let index = SearchIndex::open_or_rebuild(&index_dir(tmp.path()), &store).unwrap();
    (tmp, store, index)
}

#[test]
fn pyongyang_fever_finds_the_seed_with_highlighted_snippets() {
    let (_tmp, _store, index) = fixture();
    assert_eq!(index.num_docs(), 5);
    let r = index.search(&q("Pyongyang fever")).unwrap();
    // Both words are required: only the Hankyoreh seed names Pyongyang.
    assert_eq!(r.total, 1);
    assert_eq!(seed_ids(&r), ["000_c6c40698dd1a2ea1.txt"]);
    let hit = &r.hits[0];
    assert!(hit.score.unwrap() > 0.0);
    assert!(hit.title.as_deref().unwrap().contains("COVID-19"));
    assert!(
        hit.diseases.iter().any(|d| d == "COVID-19"),
        "{:?}",
        hit.diseases
    );
    assert!(
        hit.countries.iter().any(|c| c == "KP"),
        "{:?}",
        hit.countries
    );
    assert!(!hit.highlights.is_empty(), "no highlights: {hit:?}");
    let chars: Vec<char> = hit.snippet.chars().collect();
    for h in &hit.highlights {
        let word: String = chars[h.start..h.end]
            .iter()
            .collect::<String>()
            .to_lowercase();
        assert!(
            word.starts_with("pyongyang") || word.starts_with("fever"),
            "highlight {word:?} in {:?}",
            hit.snippet
        );
    }
    assert!(hit.snippet_html.contains("<mark>"), "{}", hit.snippet_html);
    assert_eq!(
        hit.snippet_html.matches("<mark>").count(),
        hit.highlights.len()
    );

    // "fever" alone is in both seeds; the facets count the hits per disease and country.
    let r = index.search(&q("fever")).unwrap();
    assert_eq!(
        seed_ids(&r),
        ["000_c6c40698dd1a2ea1.txt", "004_600c830cdf3f4dc2.txt"]
    );
    let covid = r
        .facets
        .diseases
        .iter()
        .find(|f| f.key == "DOID:0080600")
        .unwrap();
    assert_eq!(covid.count, 2);
    assert_eq!(covid.name.as_deref(), Some("COVID-19"));
    let kp = r.facets.countries.iter().find(|f| f.key == "KP").unwrap();
    assert_eq!(kp.count, 2);
}

#[test]
fn the_title_ranks_above_the_text() {
    let (_tmp, _store, index) = fixture();
    // "Yemen" is in n3's title and text; "Guinea" in n2's.
    let r = index.search(&q("cholera")).unwrap();
    assert_eq!(ids(&r), ["n1", "n3"]);
    let r = index.search(&q("cholera OR Ebola")).unwrap();
    assert_eq!(ids(&r), ["n1", "n2", "n3"]);
    let r = index.search(&q("\"Artibonite region\"")).unwrap();
    assert_eq!(ids(&r), ["n1"]);
    let r = index.search(&q("cholera -Haiti")).unwrap();
    assert_eq!(ids(&r), ["n3"]);
    // Stemming: "outbreaks" finds "outbreak".
    let r = index.search(&q("outbreaks")).unwrap();
    assert!(ids(&r).contains(&"n2"));
}

#[test]
fn filters_by_disease_country_outlet_and_date() {
    let (_tmp, _store, index) = fixture();
    let search = |f: &dyn Fn(&mut SearchQuery)| {
        let mut req = q("");
        f(&mut req);
        index.search(&req).unwrap()
    };
    // Country: both seeds are about North Korea.
    let r = search(&|r| r.country = Some("kp".into()));
    assert_eq!(r.total, 2);
    assert!(r.hits.iter().all(|h| h.id.contains("seeds")));
    assert_eq!(search(&|r| r.country = Some("YE".into())).total, 1);
    assert_eq!(search(&|r| r.country = Some("FR".into())).total, 0);
    // Disease, by id or by name, any case.
    let by_id = search(&|r| r.disease = Some("DOID:0080600".into()));
    let by_name = search(&|r| r.disease = Some("covid-19".into()));
    assert_eq!(by_id.total, 2);
    assert_eq!(ids(&by_id), ids(&by_name));
    let cholera = search(&|r| r.disease = Some("cholera".into()));
    assert_eq!(ids(&cholera), ["n1", "n3"]);
    // Outlet: the URL host without www., however the filter is written.
    for outlet in ["reuters.com", "www.Reuters.com", "https://reuters.com/"] {
        let r = search(&|r| r.outlet = Some(outlet.into()));
        assert_eq!(ids(&r), ["n1", "n3"], "outlet {outlet}");
        assert!(
            r.hits
                .iter()
                .all(|h| h.outlet.as_deref() == Some("reuters.com"))
        );
    }
    assert_eq!(
        search(&|r| r.outlet = Some("apnews.com".into())).hits[0].id,
        "n2"
    );
    // Dates: `to` covers its whole day; 2017-06-01T08:00+03:00 is 05:00 UTC that day.
    let r = search(&|r| {
        r.from = Some("2014-03-25".into());
        r.to = Some("2017-06-01".into());
    });
    assert_eq!(ids(&r), ["n2", "n3"]);
    let r = search(&|r| r.to = Some("2017-06-01T04:59:59Z".into()));
    assert_eq!(ids(&r), ["n1", "n2"]);
    let r = search(&|r| r.from = Some("2014-03-26".into()));
    assert_eq!(r.total, 2);
    assert!(ids(&r).contains(&"n3"));
    let r = search(&|r| {
        r.from = Some("2014-03-26".into());
        r.to = Some("2021-12-31".into());
    });
    assert_eq!(ids(&r), ["n3"]);
    // Filters combine with the query text and with each other.
    let r = index
        .search(&SearchQuery {
            q: "cholera".into(),
            outlet: Some("reuters.com".into()),
            from: Some("2011-01-01".into()),
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&r), ["n3"]);
    // Filters do not change the ranking scores.
    let plain = index.search(&q("cholera")).unwrap();
    let filtered = index
        .search(&SearchQuery {
            outlet: Some("reuters.com".into()),
            ..q("cholera")
        })
        .unwrap();
    assert_eq!(plain.hits[0].score, filtered.hits[0].score);
}

#[test]
fn paging_sorting_and_counts_only() {
    let (_tmp, _store, index) = fixture();
    // Empty query: every document, newest first, undated last.
    let all = index.search(&q("")).unwrap();
    assert_eq!(all.total, 5);
    // The Hankyoreh seed carries 2022-05-17 17:36 KST; the other seed has no date.
    assert_eq!(
        all.hits[0].published.as_deref().map(|d| &d[..10]),
        Some("2022-05-17")
    );
    assert!(all.hits[0].id.ends_with("000_c6c40698dd1a2ea1.txt"));
    let next: Vec<&str> = all.hits[1..4].iter().map(|h| h.id.as_str()).collect();
    assert_eq!(next, ["n3", "n2", "n1"]);
    assert!(all.hits[4].id.ends_with("004_600c830cdf3f4dc2.txt"));
    assert_eq!(all.hits[4].published, None);
    assert!(all.hits.iter().all(|h| h.score.is_none()));
    // Pages partition the hits.
    let page = |offset| {
        index
            .search(&SearchQuery {
                limit: 2,
                offset,
                sort: Sort::Newest,
                ..q("cholera OR ebola OR covid")
            })
            .unwrap()
    };
    let mut seen: Vec<String> = (0..3)
        .flat_map(|p| page(p * 2).hits.into_iter().map(|h| h.id))
        .collect();
    assert_eq!(seen.len(), 5);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
    // limit 0: the total and the facets, no hits.
    let counts = index
        .search(&SearchQuery {
            limit: 0,
            ..q("cholera")
        })
        .unwrap();
    assert_eq!(counts.total, 2);
    assert!(counts.hits.is_empty());
    let cholera = &counts.facets.diseases[0];
    assert_eq!(
        (cholera.name.as_deref(), cholera.count),
        (Some("cholera"), 2)
    );
    let outlets = &counts.facets.outlets;
    assert_eq!(
        (outlets[0].key.as_str(), outlets[0].count),
        ("reuters.com", 2)
    );
}

#[test]
fn bad_syntax_and_bad_dates_are_typed_client_errors() {
    let (_tmp, _store, index) = fixture();
    for bad in [
        "title:(fever",
        "nosuchfield:fever",
        "fever AND (",
        "published_at:[x TO",
    ] {
        match index.search(&q(bad)) {
            Err(e @ Error::BadQuery { .. }) => {
                assert!(e.is_client_error());
                assert!(e.to_string().contains(bad), "{e}");
            }
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
    // Lenient parsing keeps what parses.
    let r = index
        .search(&SearchQuery {
            lenient: true,
            ..q("Pyongyang AND (")
        })
        .unwrap();
    assert_eq!(r.total, 1);
    // An absurd offset is no error: no page, but the total.
    let r = index
        .search(&SearchQuery {
            offset: usize::MAX,
            ..q("fever")
        })
        .unwrap();
    assert_eq!((r.total, r.hits.len()), (2, 0));
    let err = index
        .search(&SearchQuery {
            from: Some("last week".into()),
            ..q("fever")
        })
        .unwrap_err();
    assert!(matches!(err, Error::BadDate { param: "from", .. }), "{err}");
    assert!(err.is_client_error());
}

#[test]
fn sync_is_idempotent_and_adds_only_new_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(tmp.path()).unwrap();
    put_seeds(&mut store);
    let dir = index_dir(tmp.path());
    let index = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(index.num_docs(), 2);
    let again = index.sync(&store).unwrap();
    assert_eq!((again.added, again.indexed), (0, 2));
    // Ingesting the same seeds again stores nothing and indexes nothing.
    assert_eq!(put_seeds(&mut store), 0);
    assert_eq!(index.sync(&store).unwrap().added, 0);
    // New documents: only they are added, and they are searchable at once.
    put_news(&mut store);
    let report = index.sync(&store).unwrap();
    assert_eq!((report.added, report.indexed), (3, 5));
    assert_eq!(report.last_seq, index.last_seq().unwrap());
    assert_eq!(index.search(&q("cholera")).unwrap().total, 2);
    assert_eq!(index.sync(&store).unwrap().added, 0);
    // Reopening the index finds it current: nothing rebuilt, nothing added twice.
    drop(index);
    let reopened = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(reopened.num_docs(), 5);
    assert_eq!(reopened.sync(&store).unwrap().added, 0);
    assert_eq!(reopened.search(&q("fever")).unwrap().total, 2);
}

#[test]
fn an_index_behind_the_store_catches_up_without_duplicates() {
    // A process killed after storing documents but before syncing: the index is behind.
    let tmp = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(tmp.path()).unwrap();
    put_seeds(&mut store);
    let dir = index_dir(tmp.path());
    drop(SearchIndex::open_or_rebuild(&dir, &store).unwrap());
    put_news(&mut store);
    let index = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(index.num_docs(), 5);
    let r = index.search(&q("fever")).unwrap();
    assert_eq!(r.total, 2, "a seed indexed twice: {:?}", ids(&r));
}

#[test]
fn rebuilds_when_deleted_corrupt_or_from_another_store() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(tmp.path()).unwrap();
    put_seeds(&mut store);
    put_news(&mut store);
    let dir = index_dir(tmp.path());
    drop(SearchIndex::open_or_rebuild(&dir, &store).unwrap());

    // Deleted.
    std::fs::remove_dir_all(&dir).unwrap();
    let index = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(index.num_docs(), 5);
    assert_eq!(index.search(&q("Pyongyang fever")).unwrap().total, 1);
    drop(index);

    // meta.json garbled.
    std::fs::write(dir.join("meta.json"), b"{ not json").unwrap();
    let index = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(index.search(&q("Pyongyang fever")).unwrap().total, 1);
    drop(index);

    // A segment file missing.
    let victim = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .unwrap();
    std::fs::remove_file(&victim).unwrap();
    let index = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(index.num_docs(), 5);
    assert_eq!(index.search(&q("cholera")).unwrap().total, 2);
    drop(index);

    // The index of another store (same directory reused with a new database): the document at
    // the watermark differs, so it is rebuilt rather than mixed.
    let other = tempfile::tempdir().unwrap();
    let mut other_store = SqliteStore::open(other.path()).unwrap();
    put_news(&mut other_store);
    put_seeds(&mut other_store);
    let index = SearchIndex::open_or_rebuild(&dir, &other_store).unwrap();
    assert_eq!(index.num_docs(), 5);
    let r = index.search(&q("fever")).unwrap();
    assert_eq!(r.total, 2);
    // And a store with fewer documents than the index.
    let small = tempfile::tempdir().unwrap();
    let mut small_store = SqliteStore::open(small.path()).unwrap();
    put_news(&mut small_store);
    drop(index);
    let index = SearchIndex::open_or_rebuild(&dir, &small_store).unwrap();
    assert_eq!(index.num_docs(), 3);
    assert_eq!(index.search(&q("fever")).unwrap().total, 0);
}

#[test]
fn searches_run_from_many_threads_during_a_sync() {
    let (_tmp, store, index) = fixture();
    let index = std::sync::Arc::new(index);
    std::thread::scope(|s| {
        for _ in 0..4 {
            let index = index.clone();
            s.spawn(move || {
                for _ in 0..20 {
                    assert_eq!(index.search(&q("cholera")).unwrap().total, 2);
                }
            });
        }
        assert_eq!(index.sync(&store).unwrap().added, 0);
    });
}

#[test]
fn a_second_handle_sees_what_another_one_synced() {
    // A server holds the index open while an ingest (another handle, as another process would)
    // stores documents and syncs: the server's searches see them within about a second.
    let tmp = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(tmp.path()).unwrap();
    put_seeds(&mut store);
    let dir = index_dir(tmp.path());
    let server = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(server.search(&q("cholera")).unwrap().total, 0);
    put_news(&mut store);
    let ingest = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    assert_eq!(ingest.num_docs(), 5);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while server.search(&q("cholera")).unwrap().total != 2 {
        assert!(std::time::Instant::now() < deadline, "never saw the commit");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The server's own sync finds nothing to add: no duplicates.
    assert_eq!(server.sync(&store).unwrap().added, 0);
    assert_eq!(server.num_docs(), 5);
}
