//! Tests of the SQLite store.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use epiwire_model::{CharIndex, Count, DateMention, Disease, Document, Fact, Place, Range, Span};

use crate::{ContentHash, Error, InputKey, NewDoc, SCHEMA_VERSION, SqliteStore, Store};

/// Words the sample texts are made of.
const WORDS: &[&str] = &[
    "health",
    "officials",
    "reported",
    "new",
    "cases",
    "of",
    "the",
    "disease",
    "in",
    "province",
    "on",
    "Tuesday",
    "while",
    "hospital",
    "staff",
    "said",
    "that",
    "patients",
    "were",
    "treated",
    "outbreak",
    "ministry",
    "confirmed",
    "deaths",
    "since",
    "week",
    "district",
    "samples",
    "tested",
    "vaccination",
    "campaign",
    "began",
    "residents",
    "village",
    "Côte",
    "d'Ivoire",
    "São",
    "Paulo",
];

/// A realistic document: `text_bytes` of prose (approximately) with two diseases, three places,
/// two dates, four counts and two facts whose spans point into the text.
fn sample_doc(n: u64, text_bytes: usize) -> Document {
    let mut text = String::with_capacity(text_bytes + 200);
    let mut spans: Vec<(usize, usize)> = Vec::new(); // byte ranges of inserted mentions
    let mut mention = |text: &mut String, s: &str| {
        let start = text.len();
        text.push_str(s);
        spans.push((start, text.len()));
        text.push(' ');
    };
    mention(&mut text, "Cholera");
    mention(&mut text, "Lagos");
    mention(&mut text, "Nigeria");
    mention(&mut text, "12 May 2022");
    mention(&mut text, "1,234");
    mention(&mut text, "measles");
    mention(&mut text, "Kano");
    mention(&mut text, "yesterday");
    mention(&mut text, "56");
    mention(&mut text, "about 300");
    mention(&mut text, "Lagos");
    mention(&mut text, "7");
    let mut k = n.wrapping_mul(2654435761);
    while text.len() < text_bytes {
        k = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let word = WORDS[(k >> 33) as usize % WORDS.len()];
        text.push_str(word);
        text.push(if (k >> 20).is_multiple_of(17) {
            '\n'
        } else {
            ' '
        });
    }
    let index = CharIndex::new(&text);
    let span = |i: usize| {
        let (s, e) = spans[i];
        Span {
            start: index.char_offset(s),
            end: index.char_offset(e),
            text: text[s..e].to_string(),
        }
    };
    let count = |i: usize, value: f64, metric: &str, disease: &str, place: u64| Count {
        start: span(i).start,
        end: span(i).end,
        text: span(i).text,
        value,
        metric: metric.to_string().into(),
        scope: "cumulative".into(),
        qualifier: "exact".into(),
        min: None,
        max: None,
        status: Some("confirmed".into()),
        disease: Some(disease.to_string().into()),
        place: Some(place),
        date: Some("2022-05-12".to_string()),
    };
    let place = |id: u64, name: &str, kind: &str, mentions: Vec<Span>| Place {
        geonameid: id,
        name: name.to_string().into(),
        kind: kind.to_string().into(),
        country: Some("NG".to_string().into()),
        lat: 6.45,
        lon: 3.39,
        mentions,
    };
    Document {
        id: format!("doc-{n}"),
        url: Some(format!("https://news.example/{n}")),
        title: Some(format!("Cholera outbreak update {n}")),
        published: Some("2022-05-17T17:36:00+01:00".to_string()),
        language: Some("en".to_string()),
        author: Some("Staff reporter".to_string()),
        diseases: vec![
            Disease {
                id: "DOID:1498".to_string().into(),
                name: "cholera".to_string().into(),
                icd10: Some("A00".to_string().into()),
                mentions: vec![span(0)],
            },
            Disease {
                id: "DOID:8622".to_string().into(),
                name: "measles".to_string().into(),
                icd10: Some("B05".to_string().into()),
                mentions: vec![span(5)],
            },
        ],
        places: vec![
            place(2332459, "Lagos", "city", vec![span(1), span(10)]),
            place(2328926, "Nigeria", "country", vec![span(2)]),
            place(2335204, "Kano", "admin1", vec![span(6)]),
        ],
        dates: vec![
            DateMention {
                start: span(3).start,
                end: span(3).end,
                text: span(3).text,
                value: Some("2022-05-12".to_string()),
                end_value: None,
            },
            DateMention {
                start: span(7).start,
                end: span(7).end,
                text: span(7).text,
                value: None,
                end_value: None,
            },
        ],
        counts: vec![
            count(4, 1234.0, "cases", "DOID:1498", 2332459),
            count(8, 56.0, "deaths", "DOID:1498", 2332459),
            Count {
                qualifier: "approximate".into(),
                min: Some(250.0),
                max: Some(350.0),
                ..count(9, 300.0, "cases", "DOID:8622", 2335204)
            },
            count(11, 7.0, "hospitalizations", "DOID:8622", 2335204),
        ],
        facts: vec![
            Fact {
                disease: Some("DOID:1498".to_string().into()),
                place: Some(2332459),
                country: Some("NG".to_string().into()),
                metric: "cases".into(),
                value: 1234.0,
                scope: "cumulative".into(),
                qualifier: "exact".into(),
                as_of: Some("2022-05-12".to_string()),
                evidence: Range {
                    start: span(4).start,
                    end: span(4).end,
                },
            },
            Fact {
                disease: Some("DOID:8622".to_string().into()),
                place: Some(2335204),
                country: Some("NG".to_string().into()),
                metric: "cases".into(),
                value: 300.0,
                scope: "cumulative".into(),
                qualifier: "approximate".into(),
                as_of: None,
                evidence: Range {
                    start: span(9).start,
                    end: span(9).end,
                },
            },
        ],
        text,
        ..Document::default()
    }
}

fn hash_of(s: &str) -> ContentHash {
    *blake3::hash(s.as_bytes()).as_bytes()
}

/// A stored document for `sample_doc(n, 600)`, hashed by its number.
fn new_doc(n: u64) -> NewDoc {
    NewDoc {
        hash: hash_of(&format!("input {n}")),
        source: format!("input-{}.jsonl", n % 3),
        doc: sample_doc(n, 600),
    }
}

fn count_rows(store: &SqliteStore, sql: &str) -> i64 {
    store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn put_then_get_round_trips_every_field() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let a = new_doc(1);
    let b = new_doc(2);
    let out = store.put_batch(&[a.clone(), b.clone()]).unwrap();
    assert_eq!((out.inserted, out.duplicates), (2, 0));
    assert_eq!(store.get("doc-1").unwrap().as_ref(), Some(&a.doc));
    assert_eq!(store.get("doc-2").unwrap().as_ref(), Some(&b.doc));
    assert_eq!(store.get("doc-3").unwrap(), None);
    assert_eq!(store.get_by_hash(&b.hash).unwrap().as_ref(), Some(&b.doc));
    assert_eq!(store.get_by_hash(&hash_of("nope")).unwrap(), None);
    assert!(store.contains(&a.hash).unwrap());
    assert!(!store.contains(&hash_of("nope")).unwrap());
    assert_eq!(
        store
            .contains_many(&[b.hash, hash_of("nope"), a.hash])
            .unwrap(),
        vec![true, false, true]
    );
}

#[test]
fn works_through_a_trait_object() {
    let mut store: Box<dyn Store> = Box::new(SqliteStore::open_in_memory().unwrap());
    let a = new_doc(1);
    assert_eq!(
        store.put_batch(std::slice::from_ref(&a)).unwrap().inserted,
        1
    );
    assert_eq!(store.get_by_hash(&a.hash).unwrap(), Some(a.doc));
    assert_eq!(store.stats().unwrap().documents, 1);
}

#[test]
fn a_document_without_annotations_round_trips() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let doc = Document {
        id: "bare".into(),
        text: "Nothing to see.".into(),
        ..Document::default()
    };
    store
        .put_batch(&[NewDoc {
            hash: hash_of("bare"),
            source: "x".into(),
            doc: doc.clone(),
        }])
        .unwrap();
    assert_eq!(store.get("bare").unwrap(), Some(doc));
}

#[test]
fn same_hash_in_a_later_batch_is_a_duplicate() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let a = new_doc(1);
    store.put_batch(std::slice::from_ref(&a)).unwrap();
    let mut changed = a.clone();
    changed.doc.title = Some("changed".into());
    let out = store.put_batch(&[changed, new_doc(2)]).unwrap();
    assert_eq!((out.inserted, out.duplicates), (1, 1));
    assert_eq!(count_rows(&store, "SELECT count(*) FROM documents"), 2);
    // The first stored version stays, and its side rows are not doubled.
    assert_eq!(store.get_by_hash(&a.hash).unwrap(), Some(a.doc));
    assert_eq!(count_rows(&store, "SELECT count(*) FROM facts"), 4);
    assert_eq!(count_rows(&store, "SELECT count(*) FROM mentions"), 10);
}

#[test]
fn same_hash_twice_in_one_batch_is_stored_once() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let a = new_doc(1);
    let mut a2 = a.clone();
    a2.doc.id = "other-id".into();
    let out = store.put_batch(&[a.clone(), new_doc(2), a2]).unwrap();
    assert_eq!((out.inserted, out.duplicates), (2, 1));
    assert_eq!(count_rows(&store, "SELECT count(*) FROM documents"), 2);
    assert_eq!(
        store.get_by_hash(&a.hash).unwrap().map(|d| d.id),
        Some("doc-1".into())
    );
    assert_eq!(store.get("other-id").unwrap(), None);
}

#[test]
fn get_by_repeated_id_returns_the_first_stored() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut first = new_doc(1);
    first.doc.title = Some("first".into());
    let mut second = new_doc(2);
    second.doc.id = "doc-1".into();
    second.doc.title = Some("second".into());
    store.put_batch(&[first]).unwrap();
    store.put_batch(&[second.clone()]).unwrap();
    assert_eq!(
        store.get("doc-1").unwrap().and_then(|d| d.title),
        Some("first".into())
    );
    assert_eq!(store.get_by_hash(&second.hash).unwrap(), Some(second.doc));
}

#[test]
fn documents_pages_through_everything_in_insertion_order() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let all: Vec<NewDoc> = (1..=10).map(new_doc).collect();
    store.put_batch(&all[..4]).unwrap();
    store.put_batch(&all[..2]).unwrap(); // duplicates only: no new seqs
    store.put_batch(&all[4..]).unwrap();
    let mut after = 0;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = store.documents(after, 3).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        pages += 1;
        for (seq, doc) in page {
            assert!(seq > after, "seq {seq} after {after}");
            after = seq;
            seen.push(doc);
        }
    }
    assert_eq!(pages, 4);
    let expected: Vec<Document> = all.into_iter().map(|n| n.doc).collect();
    assert_eq!(seen, expected);
    assert!(store.documents(u64::MAX, 10).unwrap().is_empty());
    assert!(store.documents(0, 0).unwrap().is_empty());
}

#[test]
fn stats_count_what_was_stored() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let empty = store.stats().unwrap();
    assert_eq!(empty.documents, 0);
    assert_eq!(empty.first_ingest, None);
    assert!(empty.languages.is_empty());

    let mut docs: Vec<NewDoc> = (1..=5).map(new_doc).collect();
    docs[1].doc.language = Some("fr".into());
    docs[2].doc.language = None;
    docs[2].doc.title = None;
    docs[3].doc.published = Some("2022-06-01".into());
    docs[4].doc.published = None;
    docs[4].doc.facts.clear();
    docs[4].doc.places.truncate(1);
    let text_bytes: usize = docs.iter().map(|d| d.doc.text.len()).sum();
    store.put_batch(&docs).unwrap();
    store.put_batch(&docs[..2]).unwrap(); // duplicates change nothing
    store
        .mark_input_done(&InputKey {
            path: "input-1.jsonl".into(),
            size: 10,
            mtime_ns: 1,
        })
        .unwrap();

    let s = store.stats().unwrap();
    assert_eq!(s.documents, 5);
    assert_eq!(s.with_title, 4);
    assert_eq!(s.with_published, 4);
    assert_eq!(
        s.languages,
        vec![("en".into(), 3), ("fr".into(), 1), ("und".into(), 1)]
    );
    assert_eq!(
        s.by_month,
        vec![("2022-05".into(), 3), ("2022-06".into(), 1)]
    );
    assert_eq!(s.total_text_bytes, text_bytes as u64);
    assert_eq!(s.diseases, 10);
    assert_eq!(s.places, 13);
    assert_eq!(s.dates, 10);
    assert_eq!(s.counts, 20);
    assert_eq!(s.facts, 8);
    assert_eq!(s.sources, 3);
    assert_eq!(s.inputs_done, 1);
    assert!(s.db_bytes > 0);
    let first = s.first_ingest.clone().unwrap();
    assert_eq!(first.len(), "2026-01-01T00:00:00Z".len(), "{first}");
    assert!(
        first.ends_with('Z') && first.as_bytes()[10] == b'T',
        "{first}"
    );
    assert!(s.last_ingest >= s.first_ingest);
    assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["documents"], 5);
    assert_eq!(json["languages"][0][0], "en");
    assert!(s.to_string().contains("documents        5"));
}

#[test]
fn facts_and_mentions_side_tables_are_filled() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut a = new_doc(1);
    // The same disease listed twice gives one mention row with both mentions counted.
    let dup = a.doc.diseases[0].clone();
    a.doc.diseases.push(dup);
    store.put_batch(&[a]).unwrap();
    let mentions: Vec<(String, String, i64)> = store
        .conn
        .prepare("SELECT kind, key, n FROM mentions ORDER BY kind, key")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected: Vec<(String, String, i64)> = [
        ("disease", "DOID:1498", 2),
        ("disease", "DOID:8622", 1),
        ("place", "2328926", 1),
        ("place", "2332459", 2),
        ("place", "2335204", 1),
    ]
    .iter()
    .map(|(k, key, n)| (k.to_string(), key.to_string(), *n))
    .collect();
    assert_eq!(mentions, expected);
    let facts: Vec<(String, i64, String, f64, Option<String>)> = store
        .conn
        .prepare(
            "SELECT disease, place, country, value, as_of FROM facts
             WHERE disease = 'DOID:1498' AND country = 'NG' ORDER BY ord",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        facts,
        vec![(
            "DOID:1498".into(),
            2332459,
            "NG".into(),
            1234.0,
            Some("2022-05-12".into())
        )]
    );
    // The (disease, country, as_of) index serves that query.
    let plan: String = store
        .conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT value FROM facts WHERE disease = 'x' AND country = 'y'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("facts_by_disease_country_as_of"), "{plan}");
}

#[test]
fn a_non_finite_number_rejects_the_batch_and_writes_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let good = new_doc(1);
    let mut bad = new_doc(2);
    bad.doc.counts[0].value = f64::NAN;
    let err = store.put_batch(&[good.clone(), bad]).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { id, .. } if id == "doc-2"),
        "{err}"
    );
    assert!(!store.contains(&good.hash).unwrap());
    assert_eq!(store.stats().unwrap().documents, 0);
}

#[test]
fn undecodable_annotations_are_reported_as_corrupt() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1), new_doc(2)]).unwrap();
    store
        .conn
        .execute(
            "UPDATE documents SET annotations = '{\"facts\": 3' WHERE id = 'doc-2'",
            [],
        )
        .unwrap();
    assert!(store.get("doc-1").unwrap().is_some());
    let err = store.get("doc-2").unwrap_err();
    assert!(matches!(err, Error::Corrupt { seq: 2, .. }), "{err}");
    assert!(matches!(store.documents(0, 10), Err(Error::Corrupt { .. })));
    store
        .conn
        .execute("UPDATE documents SET text = x'00ff' WHERE id = 'doc-1'", [])
        .unwrap();
    let err = store.get("doc-1").unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
}

#[test]
fn input_checkpoints_match_path_size_and_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let key = InputKey {
        path: "/data/cc-news-1.warc.gz".into(),
        size: 1_000_000,
        mtime_ns: 1_700_000_000_123_456_789,
    };
    let touched = InputKey {
        mtime_ns: key.mtime_ns + 1,
        ..key.clone()
    };
    let grown = InputKey {
        size: key.size + 1,
        ..key.clone()
    };
    {
        let mut store = SqliteStore::open(dir.path()).unwrap();
        assert!(!store.input_done(&key).unwrap());
        store.mark_input_done(&key).unwrap();
        assert!(store.input_done(&key).unwrap());
        assert!(!store.input_done(&touched).unwrap());
        assert!(!store.input_done(&grown).unwrap());
        store.mark_input_done(&key).unwrap(); // idempotent
        assert_eq!(store.stats().unwrap().inputs_done, 1);
    }
    let mut store = SqliteStore::open(dir.path()).unwrap();
    assert!(
        store.input_done(&key).unwrap(),
        "checkpoint survives reopen"
    );
    store.mark_input_done(&touched).unwrap();
    assert!(store.input_done(&touched).unwrap());
    assert!(
        !store.input_done(&key).unwrap(),
        "a changed file is a new input"
    );
    let huge = InputKey {
        size: u64::MAX,
        ..key
    };
    assert!(matches!(
        store.mark_input_done(&huge),
        Err(Error::Invalid { .. })
    ));
}

#[test]
fn reopen_after_drop_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("nested").join("store");
    let docs: Vec<NewDoc> = (1..=20).map(new_doc).collect();
    let before = {
        let mut store = SqliteStore::open(&store_dir).unwrap();
        assert_eq!(
            store.path(),
            Some(store_dir.join("epiwire.sqlite").as_path())
        );
        store.put_batch(&docs[..10]).unwrap();
        store.put_batch(&docs[10..]).unwrap();
        store.stats().unwrap()
    };
    let mut store = SqliteStore::open(&store_dir).unwrap();
    let after = store.stats().unwrap();
    assert_eq!(after.documents, 20);
    assert_eq!(
        (
            after.documents,
            after.languages.clone(),
            after.facts,
            after.first_ingest.clone()
        ),
        (
            before.documents,
            before.languages,
            before.facts,
            before.first_ingest
        )
    );
    assert_eq!(store.get("doc-7").unwrap(), Some(docs[6].doc.clone()));
    let out = store.put_batch(&docs).unwrap();
    assert_eq!((out.inserted, out.duplicates), (0, 20));
    assert!(store.integrity_check().unwrap().is_empty());
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn schema_version_is_set_and_newer_schemas_are_refused() {
    let memory = SqliteStore::open_in_memory().unwrap();
    assert_eq!(memory.schema_version().unwrap(), SCHEMA_VERSION);
    const { assert!(SCHEMA_VERSION >= 1) };

    let dir = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    }
    // Opening again does not re-run migrations (they would fail: the tables exist).
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        store
            .conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    match SqliteStore::open(dir.path()) {
        Err(Error::SchemaTooNew { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[test]
fn migration_2_fills_the_totals_from_documents_stored_under_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::sqlite::DB_FILE);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::schema::migrate_to(&mut conn, 1).unwrap();
        assert_eq!(crate::schema::version(&conn).unwrap(), 1);
        let rows = [
            (
                "a",
                Some("t"),
                Some("2021-12-31"),
                Some("en"),
                "s1",
                1_000_000,
                10,
                2,
                1,
            ),
            (
                "b",
                None,
                Some("2022-01-05T10:00:00Z"),
                Some("en"),
                "s1",
                2_000_000,
                20,
                0,
                0,
            ),
            (
                "c",
                Some("t"),
                Some("May 2022"),
                None,
                "s2",
                3_000_000,
                5,
                1,
                3,
            ),
        ];
        for (i, (id, title, published, language, source, at, bytes, diseases, facts)) in
            rows.iter().enumerate()
        {
            conn.execute(
                "INSERT INTO documents (hash, id, title, published, language, source,
                     ingested_at, text_bytes, n_diseases, n_places, n_dates, n_counts, n_facts,
                     text, annotations)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0, 0, ?10, 'x', '{}')",
                rusqlite::params![
                    &hash_of(&i.to_string())[..],
                    id,
                    title,
                    published,
                    language,
                    source,
                    at,
                    bytes,
                    diseases,
                    facts
                ],
            )
            .unwrap();
        }
    }
    let mut store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let s = store.stats().unwrap();
    assert_eq!(
        (
            s.documents,
            s.with_title,
            s.with_published,
            s.total_text_bytes,
            s.diseases,
            s.facts
        ),
        (3, 2, 3, 35, 3, 4)
    );
    assert_eq!(s.sources, 2);
    assert_eq!(s.languages, vec![("en".into(), 2), ("und".into(), 1)]);
    assert_eq!(
        s.by_month,
        vec![("2021-12".into(), 1), ("2022-01".into(), 1)]
    );
    assert_eq!(s.first_ingest.as_deref(), Some("1970-01-01T00:16:40Z"));
    assert_eq!(s.last_ingest.as_deref(), Some("1970-01-01T00:50:00Z"));
    // The totals keep counting from there.
    let mut doc = new_doc(9);
    doc.source = "s2".into();
    store.put_batch(&[doc]).unwrap();
    let s = store.stats().unwrap();
    assert_eq!((s.documents, s.sources), (4, 2));
    assert_eq!(s.languages, vec![("en".into(), 3), ("und".into(), 1)]);
    assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
}

#[test]
fn integrity_check_notices_totals_that_drifted() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1), new_doc(2)]).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    store
        .conn
        .execute("UPDATE totals SET facts = facts + 1", [])
        .unwrap();
    let problems = store.integrity_check().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("summary totals"), "{problems:?}");
}

#[test]
fn published_month_takes_leading_year_and_month_only() {
    use crate::sqlite::published_month;
    assert_eq!(
        published_month("2022-05-17T17:36:00+09:00"),
        Some("2022-05")
    );
    assert_eq!(published_month("2022-05"), Some("2022-05"));
    assert_eq!(published_month("2022-05é"), Some("2022-05"));
    assert_eq!(published_month("2022-5-17"), None);
    assert_eq!(published_month("May 2022"), None);
    assert_eq!(published_month("２０２２-05"), None);
    assert_eq!(published_month(""), None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    /// The running month totals and the recount's SQL must classify every date string alike.
    #[test]
    fn published_month_agrees_with_the_sql_glob(
        s in "(([0-9]{4}|[0-9２]{3,5})[\\-/ ]?([0-9]{2}|[0-9a]{1,2}))?[0-9\\-TZ:é]{0,6}"
    ) {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let sql: Option<String> = conn
            .query_row(
                "SELECT CASE WHEN ?1 GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
                        THEN substr(?1, 1, 7) END",
                [&s],
                |r| r.get(0),
            )
            .unwrap();
        proptest::prop_assert_eq!(crate::sqlite::published_month(&s), sql.as_deref());
    }
}

#[test]
fn an_empty_batch_does_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    assert_eq!(store.put_batch(&[]).unwrap(), crate::PutOutcome::default());
    assert_eq!(store.stats().unwrap().last_ingest, None);
}

#[test]
fn open_existing_refuses_a_missing_store_and_opens_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let err = SqliteStore::open_existing(&missing).unwrap_err();
    assert!(
        matches!(&err, Error::Missing { path } if path.ends_with("epiwire.sqlite")),
        "{err}"
    );
    assert!(
        !missing.exists(),
        "open_existing must not create the directory"
    );
    SqliteStore::open(dir.path())
        .unwrap()
        .put_batch(&[new_doc(1)])
        .unwrap();
    let store = SqliteStore::open_existing(dir.path()).unwrap();
    assert_eq!(store.stats().unwrap().documents, 1);
}

#[test]
fn open_on_a_file_instead_of_a_directory_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let err = SqliteStore::open(&file).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
}

#[test]
fn a_second_connection_reads_while_the_first_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    let reader = SqliteStore::open(dir.path()).unwrap();
    writer.put_batch(&[new_doc(1)]).unwrap();
    assert!(reader.get("doc-1").unwrap().is_some());
    // An open write transaction does not block the reader, which sees the last commit.
    writer.conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    writer
        .conn
        .execute("UPDATE documents SET title = 'uncommitted'", [])
        .unwrap();
    let seen = reader.get("doc-1").unwrap().and_then(|d| d.title);
    assert_eq!(seen, Some("Cholera outbreak update 1".into()));
    assert_eq!(reader.stats().unwrap().documents, 1);
    writer.conn.execute_batch("ROLLBACK").unwrap();
}

// ---------------------------------------------------------------------------------------------
// Kill test: a child process (this test binary, re-executed) writes batches in a loop and prints
// each batch number after its commit; the parent kills it with SIGKILL at varying moments and
// checks the store after each kill.

const CHILD_DIR_ENV: &str = "EPIWIRE_STORE_KILL_CHILD_DIR";
const CHILD_START_ENV: &str = "EPIWIRE_STORE_KILL_CHILD_START";
const KILL_BATCH_DOCS: u64 = 24;

fn kill_doc(batch: u64, i: u64) -> NewDoc {
    let mut doc = sample_doc(batch * 1000 + i, 3000);
    doc.id = format!("k{batch}-{i}");
    NewDoc {
        hash: hash_of(&doc.id),
        source: format!("batch-{batch}"),
        doc,
    }
}

/// Not a test on its own: the child process of [`kill_at_any_moment_loses_no_committed_batch`].
/// Without its environment variable it returns at once.
#[test]
#[ignore = "child process of the kill test; does nothing when run alone"]
fn kill_child_writer() {
    let Ok(dir) = std::env::var(CHILD_DIR_ENV) else {
        return;
    };
    let start: u64 = std::env::var(CHILD_START_ENV).unwrap().parse().unwrap();
    let mut store = SqliteStore::open(Path::new(&dir)).unwrap();
    let mut out = std::io::stdout().lock();
    let deadline = Instant::now() + Duration::from_secs(120); // never outlive a dead parent long
    let mut batch = start;
    while Instant::now() < deadline {
        let docs: Vec<NewDoc> = (0..KILL_BATCH_DOCS).map(|i| kill_doc(batch, i)).collect();
        let out_come = store.put_batch(&docs).unwrap();
        assert_eq!(out_come.inserted as u64, KILL_BATCH_DOCS);
        writeln!(out, "committed {batch}").unwrap();
        out.flush().unwrap();
        batch += 1;
    }
}

#[test]
fn kill_at_any_moment_loses_no_committed_batch() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    // Batches reported committed over all rounds, and per round the first batch number not
    // reported (the child may have committed it without printing yet).
    let mut reported: Vec<u64> = Vec::new();
    let mut unreported_ok: Vec<u64> = Vec::new();
    for round in 0..6u64 {
        let start = round * 1_000_000;
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "tests::kill_child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR_ENV, dir.path())
            .env(CHILD_START_ENV, start.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The first line starts with libtest's "test ... " announcement.
                if let Some((_, n)) = line.split_once("committed ") {
                    let _ = tx.send(n.trim().parse::<u64>().unwrap());
                }
            }
        });
        // Let the child commit a few batches, then kill it after a varying delay so that the kill
        // lands at different points (inside a transaction, between them, during a checkpoint).
        let wait_for = 2 + round as usize * 3;
        let mut seen = Vec::new();
        while seen.len() < wait_for {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(n) => seen.push(n),
                Err(e) => panic!("child produced no commits in round {round}: {e}"),
            }
        }
        // Meanwhile another process (this one) reads what the child has committed.
        {
            let reader = SqliteStore::open(dir.path()).unwrap();
            let first = seen[0];
            let doc = reader.get(&format!("k{first}-3")).unwrap();
            assert_eq!(doc, Some(kill_doc(first, 3).doc));
            let at_least = (reported.len() + seen.len()) as u64 * KILL_BATCH_DOCS;
            assert!(reader.stats().unwrap().documents >= at_least);
        }
        std::thread::sleep(Duration::from_millis(round * 23 + 1));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(!status.success(), "child was killed, not finished");
        reader.join().unwrap();
        seen.extend(rx.try_iter());
        let last = *seen.last().unwrap();
        assert_eq!(seen, (start..=last).collect::<Vec<_>>());
        reported.extend(&seen);
        unreported_ok.push(last + 1);

        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(
            store.integrity_check().unwrap(),
            Vec::<String>::new(),
            "round {round}"
        );
        let ids: Vec<String> = store
            .conn
            .prepare("SELECT id FROM documents")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut per_batch: BTreeMap<u64, u64> = BTreeMap::new();
        let mut per_id: HashMap<&str, u32> = HashMap::new();
        for id in &ids {
            *per_id.entry(id).or_insert(0) += 1;
            let batch = id[1..id.find('-').unwrap()].parse::<u64>().unwrap();
            *per_batch.entry(batch).or_insert(0) += 1;
        }
        assert!(
            per_id.values().all(|&n| n == 1),
            "a document is stored twice"
        );
        for b in &reported {
            assert_eq!(
                per_batch.get(b),
                Some(&KILL_BATCH_DOCS),
                "batch {b} after round {round}"
            );
        }
        for (b, n) in &per_batch {
            assert_eq!(
                *n, KILL_BATCH_DOCS,
                "batch {b} is partial after round {round}"
            );
            assert!(
                reported.contains(b) || unreported_ok.contains(b),
                "batch {b} stored but never started"
            );
        }
        // Side tables are whole too.
        let facts = count_rows(&store, "SELECT count(*) FROM facts");
        assert_eq!(
            facts,
            count_rows(&store, "SELECT sum(n_facts) FROM documents")
        );
        let stored = store.get(&format!("k{last}-5")).unwrap();
        assert_eq!(stored, Some(kill_doc(last, 5).doc));
    }
}

// ---------------------------------------------------------------------------------------------

/// Insert throughput: 10,000 documents of 5 KB text in batches of 256, into a fresh file store.
/// Run: `cargo test -p epiwire-store --release -- --ignored insert_throughput --nocapture`
#[test]
#[ignore = "benchmark; run in release mode with --ignored --nocapture"]
fn insert_throughput() {
    const DOCS: u64 = 10_000;
    const BATCH: usize = 256;
    let docs: Vec<NewDoc> = (0..DOCS)
        .map(|n| NewDoc {
            hash: hash_of(&format!("bench {n}")),
            source: format!("cc-news-{}.warc.gz", n / 1000),
            doc: sample_doc(n, 5000),
        })
        .collect();
    let text_mb = docs.iter().map(|d| d.doc.text.len()).sum::<usize>() as f64 / 1e6;
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();

    let t = Instant::now();
    for chunk in docs.chunks(BATCH) {
        store.put_batch(chunk).unwrap();
    }
    let insert = t.elapsed().as_secs_f64();

    let hashes: Vec<ContentHash> = docs.iter().map(|d| d.hash).collect();
    let t = Instant::now();
    for chunk in docs.chunks(BATCH) {
        assert_eq!(store.put_batch(chunk).unwrap().duplicates, chunk.len());
    }
    let dup = t.elapsed().as_secs_f64();

    let t = Instant::now();
    assert!(store.contains_many(&hashes).unwrap().iter().all(|&b| b));
    let contains = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut after = 0;
    let mut scanned = 0;
    loop {
        let page = store.documents(after, 1000).unwrap();
        let Some((last, _)) = page.last() else { break };
        after = *last;
        scanned += page.len();
    }
    let scan = t.elapsed().as_secs_f64();
    assert_eq!(scanned as u64, DOCS);

    let t = Instant::now();
    let stats = store.stats().unwrap();
    let stats_time = t.elapsed().as_secs_f64();
    assert_eq!(stats.documents, DOCS);

    println!(
        "insert: {DOCS} docs ({text_mb:.1} MB text) in batches of {BATCH}: {insert:.2} s = {:.0} docs/s, {:.1} MB/s",
        DOCS as f64 / insert,
        text_mb / insert
    );
    println!("re-put (all duplicates): {:.0} docs/s", DOCS as f64 / dup);
    println!("contains_many: {:.0} hashes/s", DOCS as f64 / contains);
    println!("documents() scan: {:.0} docs/s", DOCS as f64 / scan);
    println!(
        "stats(): {:.1} ms; db size {} bytes",
        stats_time * 1e3,
        stats.db_bytes
    );
}

/// An event record for the events tests: `id` with its one member document `doc_id`.
fn event_record(id: &str, doc_id: &str, keys: &[&str]) -> epiwire_consolidate::EventRecord {
    let summary: epiwire_consolidate::EventSummary = serde_json::from_value(serde_json::json!({
        "id": id, "title": format!("event {id} ({doc_id})"),
        "diseases": [{"id": "DOID:1498", "name": "cholera"}], "countries": ["NG"], "places": [],
        "lat": null, "lon": null, "first_seen": "2022-05-12", "last_seen": "2022-05-12",
        "documents": 1, "outlets": 1, "headline": [], "signals": [], "relevance": 0.5
    }))
    .unwrap();
    epiwire_consolidate::EventRecord {
        profile: epiwire_consolidate::EventProfile::default(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        summary,
        state: epiwire_consolidate::EventState::default(),
        metas: None,
        series: Vec::new(),
        appended: Vec::new(),
    }
}

fn member(seq: u64, doc_id: &str) -> epiwire_consolidate::Member {
    epiwire_consolidate::Member {
        seq,
        doc_id: doc_id.to_string(),
        url: None,
        outlet: None,
        title: None,
        published: None,
        duplicate_of: None,
        features: epiwire_consolidate::DocFeatures::default(),
        figures: Vec::new(),
        diseases: Vec::new(),
        places: Vec::new(),
        actions: Vec::new(),
        shortages: Vec::new(),
        quotes: Vec::new(),
        measures: Vec::new(),
    }
}

/// A volume signal about cholera in NG on `day`.
fn volume_signal(kind: &str, day: &str) -> epiwire_consolidate::Signal {
    serde_json::from_value(serde_json::json!({
        "kind": kind, "date": day, "disease": "DOID:1498", "disease_name": "cholera",
        "country": "NG", "event": null, "value": 3.0, "threshold": 1.0, "score": 0.5,
        "reason": "test"
    }))
    .unwrap()
}

/// Migration 9 copies each stored event's main disease and country (the first of its list
/// record's) to their columns, which `events_running` compares: an event tagged with a
/// disease and a country that are not its main ones is not found.
#[test]
fn migration_9_copies_the_main_disease_and_country() {
    use epiwire_consolidate::EventBackend;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::sqlite::DB_FILE);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::schema::migrate_to(&mut conn, 8).unwrap();
        for (id, summary) in [
            (
                "E1",
                r#"{"diseases":[{"id":"DOID:1498","name":"cholera"}],"countries":["NG","NE"]}"#,
            ),
            (
                "E2",
                r#"{"diseases":[{"id":"DOID:1498","name":"cholera"}],"countries":["NE","NG"]}"#,
            ),
            ("E3", r#"{"diseases":[],"countries":[]}"#),
        ] {
            conn.execute(
                "INSERT INTO events (id, relevance, first_seen, last_seen, documents, profile, summary, state)
                 VALUES (?1, 0.5, '2022-05-01', '2022-05-20', 1, '{}', ?2, '{}')",
                rusqlite::params![id, summary],
            )
            .unwrap();
            for (kind, value) in [
                ("disease", "DOID:1498"),
                ("country", "NG"),
                ("country", "NE"),
            ] {
                conn.execute(
                    "INSERT INTO event_tags (kind, value, event) VALUES (?1, ?2, ?3)",
                    rusqlite::params![kind, value, id],
                )
                .unwrap();
            }
        }
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let main: Vec<(String, Option<String>, Option<String>)> = store
        .conn
        .prepare("SELECT id, main_disease, main_country FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        main,
        [
            ("E1".into(), some("DOID:1498"), some("NG")),
            ("E2".into(), some("DOID:1498"), some("NE")),
            ("E3".into(), None, None),
        ]
    );
    let running = |c: &str| -> Vec<String> {
        store
            .events_running("DOID:1498", c, "2022-05-10", "2022-05-10")
            .unwrap()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect()
    };
    assert_eq!(running("NG"), ["E1"]);
    assert_eq!(running("NE"), ["E2"]);
}

/// A profile with every field set, its weights not round decimals.
fn sample_profile() -> epiwire_consolidate::EventProfile {
    epiwire_consolidate::EventProfile {
        members: 3,
        terms: vec![("cholera".into(), 1.0 / 3.0), ("kano".into(), 0.1 + 0.2)],
        entities: vec![("p:2335204".into(), 2.718_281_7)],
        diseases: vec!["DOID:1498".into()],
        countries: vec!["NE".into(), "NG".into()],
        first: Some("2022-05-01".into()),
        last: Some("2022-05-20".into()),
        signatures: vec![(
            "doc-1".into(),
            (0u32..128).map(|i| i.wrapping_mul(2_654_435_761)).collect(),
        )],
        names: vec![("n:Kano".into(), 0.707_106_77)],
    }
}

/// Schema 10 stores a profile in its binary form; the JSON profiles of a version-9 store stay
/// readable after the migration, as they were, and become binary when their event is written
/// again.
#[test]
fn migration_10_keeps_json_profiles_readable_and_writes_binary_ones() {
    use epiwire_consolidate::{Changes, EventBackend};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::sqlite::DB_FILE);
    let profile = sample_profile();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::schema::migrate_to(&mut conn, 9).unwrap();
        conn.execute(
            "INSERT INTO events (id, relevance, first_seen, last_seen, documents, profile, summary, state)
             VALUES ('E1', 0.5, '2022-05-01', '2022-05-20', 3, ?1, '{}', '{}')",
            [serde_json::to_string(&profile).unwrap()],
        )
        .unwrap();
    }
    let mut store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let stored_type = |store: &SqliteStore| -> String {
        store
            .conn
            .query_row(
                "SELECT typeof(profile) FROM events WHERE id = 'E1'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(stored_type(&store), "text");
    let read = store.profiles(&["E1".into(), "E9".into()]).unwrap();
    assert_eq!(read, [("E1".to_string(), profile.clone())]);
    let mut rec = event_record("E1", "doc-1", &["k1"]);
    rec.profile = profile.clone();
    store
        .apply(&Changes {
            events: vec![rec],
            ..Changes::default()
        })
        .unwrap();
    assert_eq!(stored_type(&store), "blob");
    let read = store.profiles(&["E1".into()]).unwrap();
    assert_eq!(read, [("E1".to_string(), profile.clone())]);
    assert_eq!(
        store.candidates(&["k1".into()]).unwrap(),
        [("E1".to_string(), profile)]
    );
    // A blob that is not a profile is reported, not decoded.
    store
        .conn
        .execute("UPDATE events SET profile = x'7b7d' WHERE id = 'E1'", [])
        .unwrap();
    assert!(matches!(
        store.profiles(&["E1".into()]),
        Err(Error::Corrupt { .. })
    ));
}

/// Schema 11: a version-10 store opens (the migration adds the covering index of the main
/// disease, country and dates), `events_running` is answered from that index, never from the
/// events' rows, and finds what it found before.
#[test]
fn migration_11_answers_events_running_from_an_index() {
    use epiwire_consolidate::EventBackend;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::sqlite::DB_FILE);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::schema::migrate_to(&mut conn, 10).unwrap();
        for (id, disease, country, first, last) in [
            ("E1", "DOID:1498", "NG", "2022-05-01", Some("2022-05-20")),
            ("E2", "DOID:1498", "NG", "2022-06-01", None),
            ("E3", "DOID:1498", "NE", "2022-05-01", Some("2022-05-20")),
            ("E4", "DOID:1498", "NG", "2022-03-01", Some("2022-04-01")),
        ] {
            conn.execute(
                "INSERT INTO events (id, relevance, first_seen, last_seen, documents, profile,
                 summary, state, main_disease, main_country)
                 VALUES (?1, 0.5, ?4, ?5, 1, x'', '{}', '{}', ?2, ?3)",
                rusqlite::params![id, disease, country, first, last],
            )
            .unwrap();
            for (kind, value) in [("disease", disease), ("country", country)] {
                conn.execute(
                    "INSERT INTO event_tags (kind, value, event) VALUES (?1, ?2, ?3)",
                    rusqlite::params![kind, value, id],
                )
                .unwrap();
            }
        }
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let plan: Vec<String> = store
        .conn
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            crate::events::EVENTS_RUNNING
        ))
        .unwrap()
        .query_map(["DOID:1498", "NG", "2022-05-10", "2022-06-10"], |r| {
            r.get(3)
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(
        plan.iter()
            .any(|step| step.contains("COVERING INDEX events_by_main")),
        "{plan:?}"
    );
    let running = |c: &str, from: &str, to: &str| -> Vec<(String, String, String)> {
        store.events_running("DOID:1498", c, from, to).unwrap()
    };
    let row = |id: &str, first: &str, last: &str| (id.to_string(), first.into(), last.into());
    assert_eq!(
        running("NG", "2022-05-10", "2022-06-10"),
        [
            row("E1", "2022-05-01", "2022-05-20"),
            row("E2", "2022-06-01", "2022-06-01")
        ]
    );
    assert_eq!(
        running("NG", "2022-04-01", "2022-04-01"),
        [row("E4", "2022-03-01", "2022-04-01")]
    );
    assert_eq!(
        running("NE", "2022-05-21", "2022-06-10"),
        Vec::<(String, String, String)>::new()
    );
}

/// The rows of `event_keys`, sorted.
fn key_rows(store: &SqliteStore) -> Vec<(String, String)> {
    store
        .conn
        .prepare("SELECT key, event FROM event_keys ORDER BY key, event")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(64))]

    /// `put_keys` (multi-row inserts) leaves the rows one `INSERT OR IGNORE` per key (the
    /// reference) leaves, whatever the number of keys, keys already stored, repeats.
    #[test]
    fn multi_row_key_inserts_leave_what_one_row_inserts_leave(
        stored in proptest::collection::vec(("[a-e]{1,3}", "E[12]"), 0..30),
        keys in proptest::collection::vec("[a-e]{1,3}", 0..90),
        event in "E[12]",
    ) {
        let fill = |store: &mut SqliteStore| {
            for (k, e) in &stored {
                store
                    .conn
                    .execute(
                        "INSERT OR IGNORE INTO event_keys (key, event) VALUES (?1, ?2)",
                        [k, e],
                    )
                    .unwrap();
            }
        };
        let mut reference = SqliteStore::open_in_memory().unwrap();
        fill(&mut reference);
        for k in &keys {
            reference
                .conn
                .execute(
                    "INSERT OR IGNORE INTO event_keys (key, event) VALUES (?1, ?2)",
                    [k, &event],
                )
                .unwrap();
        }
        let mut store = SqliteStore::open_in_memory().unwrap();
        fill(&mut store);
        {
            let tx = store.conn.transaction().unwrap();
            let mut one = tx
                .prepare_cached("INSERT OR IGNORE INTO event_keys (key, event) VALUES (?1, ?2)")
                .unwrap();
            crate::events::put_keys(&tx, &mut one, &event, &keys).unwrap();
            drop(one);
            tx.commit().unwrap();
        }
        proptest::prop_assert_eq!(key_rows(&store), key_rows(&reference));
    }
}

/// A read snapshot (`begin_reads` .. `end_reads`) is one: a document another connection
/// commits in between is not seen until it ends; it ends in autocommit, ready for `apply`;
/// inside a caller's transaction it neither begins nor ends anything; consolidation leaves no
/// snapshot open.
#[test]
fn a_read_snapshot_is_one_and_ends_in_autocommit() {
    use epiwire_consolidate::{Consolidator, EventBackend};
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    let mut writer = SqliteStore::open(dir.path()).unwrap();
    store.put_batch(&[new_doc(1)]).unwrap();
    store.begin_reads().unwrap();
    assert!(!store.conn.is_autocommit());
    assert_eq!(store.pending(0, 10).unwrap().len(), 1);
    writer.put_batch(&[new_doc(2)]).unwrap();
    assert_eq!(store.pending(0, 10).unwrap().len(), 1, "the snapshot moved");
    store.end_reads().unwrap();
    assert!(store.conn.is_autocommit());
    assert_eq!(store.pending(0, 10).unwrap().len(), 2);
    // Ending without a snapshot does nothing.
    store.end_reads().unwrap();
    // Inside the caller's transaction: its write is neither committed nor lost by the pair.
    store.conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    store
        .conn
        .execute("UPDATE totals SET documents = documents + 100", [])
        .unwrap();
    store.begin_reads().unwrap();
    store.end_reads().unwrap();
    assert!(!store.conn.is_autocommit());
    store.conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(store.stats().unwrap().documents, 2);
    let done = Consolidator::default().run(&mut store, |_| {}).unwrap();
    assert_eq!(done.documents, 2);
    assert!(store.conn.is_autocommit());
    assert!(!store.reads.get());
}

/// Every row of `signals`, with the stored type and exact text of the score.
fn signal_rows(store: &SqliteStore) -> Vec<[String; 8]> {
    store
        .conn
        .prepare(
            "SELECT kind, disease, country, date, event, typeof(score), quote(score), signal
             FROM signals ORDER BY kind, disease, country, date, event",
        )
        .unwrap()
        .query_map([], |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ])
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A volume signal of the small alphabet the test below draws from.
/// The days of [`drawn_signal`]: three in a row, and two further apart than a range
/// `write_volume_signals` reads at once.
const DRAWN_DAYS: [&str; 5] = [
    "2022-05-10",
    "2022-05-11",
    "2022-05-12",
    "2022-09-01",
    "2023-02-01",
];

fn drawn_signal(
    (kind, disease, country, day, score, reason): (usize, usize, usize, usize, usize, usize),
) -> epiwire_consolidate::Signal {
    let mut s = volume_signal(["ears_c1", "ears_c2", "farrington"][kind], DRAWN_DAYS[day]);
    s.disease = Some(["DOID:1498", "DOID:4325"][disease].to_string());
    s.country = Some(["NG", "KP"][country].to_string());
    s.score = [0.5, 1.0, 0.0, -0.0, 0.1 + 0.2][score];
    s.reason = ["a", "b"][reason].to_string();
    s
}

/// The volume-signal writes before `write_volume_signals`: every day judged again cleared,
/// then every signal of the batch inserted or replaced.
fn clear_and_insert(store: &mut SqliteStore, changes: &epiwire_consolidate::Changes) {
    let tx = store.conn.transaction().unwrap();
    for (d, c, day) in &changes.rejudged {
        tx.execute(
            "DELETE FROM signals WHERE event = '' AND disease = ?1 AND country = ?2 AND date = ?3",
            [d, c, day],
        )
        .unwrap();
    }
    for sig in &changes.signals {
        tx.execute(
            "INSERT OR REPLACE INTO signals (kind, disease, country, date, event, score, signal)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                sig.kind,
                sig.disease.as_deref().unwrap_or(""),
                sig.country.as_deref().unwrap_or(""),
                sig.date,
                "",
                sig.score,
                serde_json::to_string(sig).unwrap(),
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(128))]

    /// `write_volume_signals` leaves the rows that clearing the days judged again and inserting
    /// the batch's signals leaves (the reference), whatever was stored, with event signals on
    /// the same days, repeated kinds, signals on days not judged again, scores of -0.0; and
    /// writes nothing when every day judged again already holds its signals.
    #[test]
    fn volume_signal_writes_leave_what_clearing_and_inserting_leaves(
        stored in proptest::collection::vec((0..3usize, 0..2usize, 0..2usize, 0..5usize, 0..5usize, 0..2usize), 0..12),
        signals in proptest::collection::vec((0..3usize, 0..2usize, 0..2usize, 0..5usize, 0..5usize, 0..2usize), 0..12),
        rejudged in proptest::collection::vec((0..2usize, 0..2usize, 0..5usize), 0..8),
        judge_every_signal_day in proptest::bool::ANY,
        // The batch's signals: those drawn, or the stored ones with these reasons and values
        // changed (a day judged again to the same kinds and scores, another text).
        restated in proptest::option::of(proptest::collection::vec(0..3u8, 12)),
    ) {
        use epiwire_consolidate::Changes;
        let days = DRAWN_DAYS;
        let signals: Vec<epiwire_consolidate::Signal> = match &restated {
            None => signals.iter().copied().map(drawn_signal).collect(),
            Some(change) => stored
                .iter()
                .copied()
                .map(drawn_signal)
                .zip(change)
                .map(|(mut s, change)| {
                    match change {
                        1 => s.reason.push_str(" again"),
                        2 => s.value += 1.0,
                        _ => {}
                    }
                    s
                })
                .collect(),
        };
        let mut changes = Changes {
            signals,
            rejudged: rejudged
                .iter()
                .map(|&(d, c, day)| {
                    (
                        ["DOID:1498", "DOID:4325"][d].to_string(),
                        ["NG", "KP"][c].to_string(),
                        days[day].to_string(),
                    )
                })
                .collect(),
            ..Changes::default()
        };
        if judge_every_signal_day {
            for s in &changes.signals {
                changes.rejudged.insert((
                    s.disease.clone().unwrap(),
                    s.country.clone().unwrap(),
                    s.date.clone(),
                ));
            }
        }
        let fill = |store: &mut SqliteStore| {
            let first = Changes {
                signals: stored.iter().copied().map(drawn_signal).collect(),
                ..Changes::default()
            };
            clear_and_insert(store, &first);
            // An event's own signal on every day: never a volume signal's business.
            for day in days {
                store
                    .conn
                    .execute(
                        "INSERT INTO signals (kind, disease, country, date, event, score, signal)
                         VALUES ('new_event', 'DOID:1498', 'NG', ?1, 'E1', 1.0, '{}')",
                        [day],
                    )
                    .unwrap();
            }
        };
        let mut reference = SqliteStore::open_in_memory().unwrap();
        fill(&mut reference);
        clear_and_insert(&mut reference, &changes);
        let mut store = SqliteStore::open_in_memory().unwrap();
        fill(&mut store);
        let write = |store: &mut SqliteStore| -> u64 {
            let before = store.conn.total_changes();
            let tx = store.conn.transaction().unwrap();
            crate::events::write_volume_signals(&tx, &changes).unwrap();
            tx.commit().unwrap();
            store.conn.total_changes() - before
        };
        write(&mut store);
        proptest::prop_assert_eq!(signal_rows(&store), signal_rows(&reference));
        // The same batch again: every day judged again holds its signals already, and is not
        // written (a signal on a day not judged again is replaced anyway; a score of -0.0 is
        // read back as 0.0, and a day with one is written again, to the same rows).
        let changes_written = write(&mut store);
        let all_judged = changes.signals.iter().all(|s| {
            changes.rejudged.contains(&(
                s.disease.clone().unwrap(),
                s.country.clone().unwrap(),
                s.date.clone(),
            ))
        });
        let negative_zero = changes.signals.iter().any(|s| s.score.to_bits() == (-0.0f64).to_bits());
        if all_judged && !negative_zero {
            proptest::prop_assert_eq!(changes_written, 0);
        }
        proptest::prop_assert_eq!(signal_rows(&store), signal_rows(&reference));
    }
}

/// The JSON text `apply` binds from its reused buffer is what `serde_json::to_string` gives,
/// bound as text (not a blob), a short value after a long one holding only its own bytes; and
/// the rows `apply` writes with it read back as those texts.
#[test]
fn json_text_binds_what_to_string_gives() {
    use epiwire_consolidate::{Changes, State};
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let mut text = crate::events::JsonText::default();
    let long = "x".repeat(5000);
    let values = [
        serde_json::json!({ "reason": long, "n": [1.5, -0.0, 1e300] }),
        serde_json::json!("é \"quoted\"\n\u{1F600}"),
        serde_json::json!([]),
    ];
    for v in &values {
        let (got, kind): (String, String) = conn
            .query_row("SELECT ?1, typeof(?1)", [text.of(v).unwrap()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(got, serde_json::to_string(v).unwrap());
        assert_eq!(kind, "text");
    }
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1)]).unwrap();
    let changes = Changes {
        state: State {
            watermark: 1,
            ..State::default()
        },
        members: vec![("E1".into(), member(1, "doc-1"))],
        events: vec![event_record("E1", "doc-1", &["k1"])],
        ..Changes::default()
    };
    epiwire_consolidate::EventBackend::apply(&mut store, &changes).unwrap();
    let row: [String; 5] = store
        .conn
        .query_row(
            "SELECT e.summary, e.state, d.member, typeof(e.summary), typeof(d.member)
             FROM events e JOIN event_docs d ON d.event = e.id WHERE e.id = 'E1'",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
        )
        .unwrap();
    let rec = &changes.events[0];
    assert_eq!(row[0], serde_json::to_string(rec.summary()).unwrap());
    assert_eq!(row[1], serde_json::to_string(&rec.state.head()).unwrap());
    assert_eq!(
        row[2],
        serde_json::to_string(&changes.members[0].1).unwrap()
    );
    assert_eq!([&row[3], &row[4]], ["text", "text"]);
}

/// A day judged again whose volume signals partly changed is written row by row: the row
/// stored as wanted stays, a changed one is updated in place, a kind no longer raised deleted
/// and a new kind inserted (3 rows written; clearing the day and inserting its signals wrote
/// 6), leaving what the reference leaves.
#[test]
fn a_day_that_changed_in_part_writes_only_its_changed_rows() {
    use epiwire_consolidate::Changes;
    let day = DRAWN_DAYS[0];
    let stored: Vec<_> = ["ears_c1", "ears_c2", "farrington"]
        .iter()
        .map(|kind| volume_signal(kind, day))
        .collect();
    let mut restated = volume_signal("ears_c2", day);
    restated.reason.push_str(" again");
    let changes = Changes {
        signals: vec![
            volume_signal("ears_c1", day),
            restated,
            volume_signal("ears_c3", day),
        ],
        rejudged: [("DOID:1498".to_string(), "NG".to_string(), day.to_string())]
            .into_iter()
            .collect(),
        ..Changes::default()
    };
    let first = Changes {
        signals: stored,
        ..Changes::default()
    };
    let mut reference = SqliteStore::open_in_memory().unwrap();
    clear_and_insert(&mut reference, &first);
    clear_and_insert(&mut reference, &changes);
    let mut store = SqliteStore::open_in_memory().unwrap();
    clear_and_insert(&mut store, &first);
    let before = store.conn.total_changes();
    let tx = store.conn.transaction().unwrap();
    crate::events::write_volume_signals(&tx, &changes).unwrap();
    tx.commit().unwrap();
    assert_eq!(store.conn.total_changes() - before, 3);
    assert_eq!(signal_rows(&store), signal_rows(&reference));
}

/// Regression: a batch that judged a day again only inserted or replaced its signals, so an
/// alarm raised on a partial day stayed when the full count no longer raised it. The days of
/// `rejudged` lose what they had; a refreshed list record replaces the stored one with its
/// signal tags; `events_running` finds the events of a disease × country that ran in a span.
#[test]
fn a_day_judged_again_replaces_its_volume_signals() {
    use epiwire_consolidate::{Changes, EventBackend, EventFilter, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1)]).unwrap();
    let key = |day: &str| ("DOID:1498".to_string(), "NG".to_string(), day.to_string());
    let first = Changes {
        state: State {
            watermark: 1,
            ..State::default()
        },
        members: vec![("E1".into(), member(1, "doc-1"))],
        events: vec![event_record("E1", "doc-1", &["k1"])],
        signals: vec![
            volume_signal("ears_c1", "2022-05-12"),
            volume_signal("ears_c2", "2022-05-12"),
            volume_signal("ears_c1", "2022-05-13"),
        ],
        rejudged: [key("2022-05-12"), key("2022-05-13")].into_iter().collect(),
        ..Changes::default()
    };
    store.apply(&first).unwrap();
    let kinds = |store: &SqliteStore| -> Vec<(String, String)> {
        store
            .volume_signals("DOID:1498", "NG", "2022-05-01", "2022-05-31")
            .unwrap()
            .into_iter()
            .map(|s| (s.date, s.kind))
            .collect()
    };
    assert_eq!(kinds(&store).len(), 3);
    let running = |d: &str, c: &str, from: &str, to: &str| {
        store
            .events_running(d, c, from, to)
            .unwrap()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        running("DOID:1498", "NG", "2022-05-12", "2022-05-12"),
        ["E1"]
    );
    assert_eq!(
        running("DOID:1498", "NG", "2022-05-01", "2022-05-31"),
        ["E1"]
    );
    assert!(running("DOID:1498", "NG", "2022-05-13", "2022-05-20").is_empty());
    assert!(running("DOID:1498", "KP", "2022-05-12", "2022-05-12").is_empty());
    // The 12th judged again raises C2 only; the 13th is not judged again and keeps its C1.
    let mut refreshed = event_record("E1", "doc-1", &[]).summary;
    refreshed.signals = vec![volume_signal("ears_c2", "2022-05-12")];
    refreshed.relevance = 0.75;
    let again = Changes {
        state: State {
            watermark: 1,
            ..State::default()
        },
        signals: vec![volume_signal("ears_c2", "2022-05-12")],
        rejudged: [key("2022-05-12")].into_iter().collect(),
        refreshed: vec![refreshed],
        ..Changes::default()
    };
    store.apply(&again).unwrap();
    assert_eq!(
        kinds(&store),
        [
            ("2022-05-12".to_string(), "ears_c2".to_string()),
            ("2022-05-13".to_string(), "ears_c1".to_string())
        ]
    );
    let e = store.event("E1").unwrap().unwrap();
    assert_eq!(e.summary.relevance, 0.75);
    assert_eq!(e.summary.signals.len(), 1);
    let tagged = |kind: &str| {
        store
            .events(&EventFilter {
                signal: Some(kind.into()),
                ..EventFilter::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!((tagged("ears_c2"), tagged("ears_c1")), (1, 0));
}

#[test]
fn events_apply_merge_and_filter() {
    use epiwire_consolidate::{Changes, EventBackend, EventFilter, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1), new_doc(2)]).unwrap();
    let first = Changes {
        state: State {
            watermark: 2,
            ..State::default()
        },
        members: vec![
            ("E1".into(), member(1, "doc-1")),
            ("E2".into(), member(2, "doc-2")),
        ],
        events: vec![
            event_record("E1", "doc-1", &["k1"]),
            event_record("E2", "doc-2", &["k2"]),
        ],
        volume: vec![("DOID:1498".into(), "NG".into(), "2022-05-12".into(), 2)],
        ..Changes::default()
    };
    store.apply(&first).unwrap();
    assert_eq!(store.state().unwrap().watermark, 2);
    assert_eq!(store.event_count().unwrap(), 2);
    assert_eq!(store.event_of("doc-2").unwrap().as_deref(), Some("E2"));
    let found: Vec<String> = store
        .candidates(&["k2".into()])
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(found, ["E2"]);
    assert_eq!(
        store
            .volume("DOID:1498", "NG", "2022-05-01", "2022-05-31")
            .unwrap(),
        [("2022-05-12".to_string(), 2)]
    );
    // A later document links them: E2 merges into E1.
    let merge = Changes {
        state: State {
            watermark: 2,
            ..State::default()
        },
        merged: vec![("E2".into(), "E1".into())],
        events: vec![event_record("E1", "doc-1", &[])],
        ..Changes::default()
    };
    store.apply(&merge).unwrap();
    assert_eq!(store.event_count().unwrap(), 1);
    assert_eq!(store.event_of("doc-2").unwrap().as_deref(), Some("E1"));
    assert_eq!(store.members("E1").unwrap().len(), 2);
    let found: Vec<String> = store
        .candidates(&["k2".into()])
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        found,
        ["E1"],
        "the merged event's keys lead to the survivor"
    );
    assert!(store.event("E2").unwrap().is_none());
    // Filters.
    let by = |f: EventFilter| store.events(&f).unwrap().len();
    assert_eq!(
        by(EventFilter {
            disease: Some("Cholera".into()),
            ..EventFilter::default()
        }),
        1
    );
    assert_eq!(
        by(EventFilter {
            disease: Some("DOID:1498".into()),
            ..EventFilter::default()
        }),
        1
    );
    assert_eq!(
        by(EventFilter {
            country: Some("KP".into()),
            ..EventFilter::default()
        }),
        0
    );
    assert_eq!(
        by(EventFilter {
            from: Some("2022-06-01".into()),
            ..EventFilter::default()
        }),
        0
    );
    assert_eq!(
        by(EventFilter {
            to: Some("2022-05-12".into()),
            ..EventFilter::default()
        }),
        1
    );
}

#[test]
fn checkpoints_advance_with_their_batch_only() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let key = InputKey {
        path: "/data/cc-news-2.warc.gz".into(),
        size: 5_000_000,
        mtime_ns: 1_700_000_000_000_000_001,
    };
    assert_eq!(store.checkpoint(&key).unwrap(), None);
    let out = store
        .put_batch_at(&[new_doc(1), new_doc(2)], &[(key.clone(), 4_096)])
        .unwrap();
    assert_eq!(out.inserted, 2);
    assert_eq!(store.checkpoint(&key).unwrap(), Some(4_096));
    // A checkpoint without documents (every record skipped) is written too.
    store.put_batch_at(&[], &[(key.clone(), 8_192)]).unwrap();
    assert_eq!(store.checkpoint(&key).unwrap(), Some(8_192));
    // A batch that fails leaves the checkpoint where it was.
    let mut bad = new_doc(3);
    bad.doc.counts[0].value = f64::NAN;
    assert!(store.put_batch_at(&[bad], &[(key.clone(), 9_000)]).is_err());
    assert_eq!(store.checkpoint(&key).unwrap(), Some(8_192));
    // The same path with another size or mtime is another file.
    let changed = InputKey {
        mtime_ns: key.mtime_ns + 1,
        ..key.clone()
    };
    assert_eq!(store.checkpoint(&changed).unwrap(), None);
    assert_eq!(count_rows(&store, "SELECT count(*) FROM documents"), 2);
}

/// A document-frequency table of `keys` keys named `k<i>`, key `i` counted `i % 7 + 1` times.
fn df_table(keys: usize, docs: u64) -> epiwire_consolidate::DfTable {
    let mut df = epiwire_consolidate::DfTable::new();
    df.docs = docs;
    for i in 0..keys {
        df.df.insert(format!("k{i}"), (i % 7 + 1) as u32);
    }
    df
}

#[test]
fn document_frequencies_are_written_as_changes_and_read_back_whole() {
    use epiwire_consolidate::{Changes, EventBackend, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut df = df_table(1_000, 40);
    let all: Vec<String> = df.df.keys().cloned().collect();
    let batch = |df: &epiwire_consolidate::DfTable, keys: Vec<String>, pruned| Changes {
        state: State {
            watermark: df.docs,
            df: df.clone(),
        },
        df_keys: keys,
        df_pruned: pruned,
        ..Changes::default()
    };
    store.apply(&batch(&df, all, None)).unwrap();
    assert_eq!(store.state().unwrap().df, df);
    assert_eq!(store.watermark().unwrap(), 40);
    // A batch changes a few keys and adds one: only those are written.
    for k in ["k3", "k500", "new"] {
        *df.df.entry(k.to_string()).or_insert(0) += 1;
    }
    df.docs = 41;
    let before = count_rows(&store, "SELECT sum(length(counts)) FROM consolidation_df");
    store
        .apply(&batch(
            &df,
            vec!["k3".into(), "k500".into(), "new".into()],
            None,
        ))
        .unwrap();
    let after = count_rows(&store, "SELECT sum(length(counts)) FROM consolidation_df");
    assert!(after - before < 64, "{before} -> {after} bytes");
    assert_eq!(store.state().unwrap().df, df);
    // A pruned table is written whole, without the dropped keys.
    df.prune(3);
    df.docs = 42;
    store
        .apply(&batch(&df, vec!["k3".into()], Some(3)))
        .unwrap();
    assert_eq!(store.state().unwrap().df, df);
    assert_eq!(
        count_rows(&store, "SELECT count(*) FROM consolidation_df"),
        1
    );
}

#[test]
fn the_document_frequency_log_is_compacted_when_it_outgrows_the_table() {
    use epiwire_consolidate::{Changes, EventBackend, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    // 19 bytes a key: 300,000 keys are 5.7 MB, past the smallest log compacted.
    let mut df = epiwire_consolidate::DfTable::new();
    for i in 0..300_000 {
        df.df.insert(format!("key{i:08}"), 1);
    }
    let whole = 300_000 * 19;
    let keys: Vec<String> = df.df.keys().cloned().collect();
    let apply = |store: &mut SqliteStore, df: &epiwire_consolidate::DfTable, keys: &[String]| {
        store
            .apply(&Changes {
                state: State {
                    watermark: df.docs,
                    df: df.clone(),
                },
                df_keys: keys.to_vec(),
                ..Changes::default()
            })
            .unwrap();
        (
            count_rows(store, "SELECT count(*) FROM consolidation_df"),
            count_rows(store, "SELECT sum(length(counts)) FROM consolidation_df"),
        )
    };
    apply(&mut store, &df, &keys);
    let mut compacted = 0;
    for round in 0..8usize {
        // Each batch changes a third of the keys.
        let third: Vec<String> = keys.iter().skip(round % 3).step_by(3).cloned().collect();
        for k in &third {
            *df.df.get_mut(k).unwrap() += 1;
        }
        df.docs += 1;
        let (rows, bytes) = apply(&mut store, &df, &third);
        if rows == 1 {
            compacted += 1;
            assert_eq!(bytes, whole);
        }
        // The log stays within about three times the table.
        assert!(
            bytes <= 3 * whole + whole / 3 + 19,
            "{bytes} bytes in {rows} entries"
        );
        assert_eq!(store.state().unwrap().df, df, "round {round}");
    }
    assert!(compacted >= 1);
}

#[test]
fn a_truncated_document_frequency_log_is_reported_corrupt() {
    use epiwire_consolidate::{Changes, EventBackend, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    let df = df_table(3, 3);
    store
        .apply(&Changes {
            state: State { watermark: 3, df },
            df_keys: vec!["k0".into(), "k1".into(), "k2".into()],
            ..Changes::default()
        })
        .unwrap();
    store
        .conn
        .execute(
            "UPDATE consolidation_df SET counts = substr(counts, 1, length(counts) - 1)",
            [],
        )
        .unwrap();
    assert!(matches!(store.state(), Err(Error::Corrupt { .. })));
}

#[test]
fn migration_6_keeps_the_document_frequencies_of_a_version_5_store() {
    use epiwire_consolidate::{Changes, EventBackend, State};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::sqlite::DB_FILE);
    let df = df_table(50, 9);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::schema::migrate_to(&mut conn, 5).unwrap();
        conn.execute(
            "INSERT INTO consolidation (id, watermark, df) VALUES (1, 9, ?1)",
            [serde_json::to_string(&df).unwrap()],
        )
        .unwrap();
    }
    let mut store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let state = store.state().unwrap();
    assert_eq!((state.watermark, &state.df), (9, &df));
    // The next batch's changes apply on top of the table carried over.
    let mut next = df.clone();
    next.docs = 10;
    *next.df.get_mut("k1").unwrap() += 1;
    next.df.insert("fresh".into(), 1);
    store
        .apply(&Changes {
            state: State {
                watermark: 10,
                df: next.clone(),
            },
            df_keys: vec!["fresh".into(), "k1".into()],
            ..Changes::default()
        })
        .unwrap();
    assert_eq!(store.state().unwrap().df, next);
}

/// A series meta with one jump signal dated `day`.
fn series_meta(
    metric: &str,
    day: &str,
) -> (
    epiwire_consolidate::SeriesKey,
    epiwire_consolidate::SeriesMeta,
) {
    let key = epiwire_consolidate::SeriesKey {
        disease: Some("DOID:1498".into()),
        country: Some("NG".into()),
        place: None,
        metric: metric.into(),
        scope: "cumulative".into(),
    };
    let mut jump = volume_signal("jump", day);
    jump.event = Some("E1".into());
    let meta = epiwire_consolidate::SeriesMeta {
        jumps: vec![jump],
        deaths: None,
    };
    (key, meta)
}

/// The series metas of an event's aggregates are kept one row each: a batch writes those it
/// says it changed (set or removed), a record that does not say rewrites them all, and the
/// state read back has every meta.
#[test]
fn series_metas_are_written_apart_and_read_back_into_the_state() {
    use epiwire_consolidate::{Changes, EventBackend, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1)]).unwrap();
    let (cases, m1) = series_meta("cases", "2022-05-12");
    let (deaths, m2) = series_meta("deaths", "2022-05-13");
    let mut rec = event_record("E1", "doc-1", &["k1"]);
    rec.state.documents = 1;
    rec.state.series.insert(cases.clone(), m1.clone());
    rec.state.series.insert(deaths.clone(), m2.clone());
    let apply = |store: &mut SqliteStore, rec: &epiwire_consolidate::EventRecord| {
        store
            .apply(&Changes {
                state: State {
                    watermark: 1,
                    ..State::default()
                },
                events: vec![rec.clone()],
                ..Changes::default()
            })
            .unwrap();
    };
    apply(&mut store, &rec);
    assert_eq!(store.event_state("E1").unwrap().as_ref(), Some(&rec.state));
    let stored: String = store
        .conn
        .query_row("SELECT state FROM events WHERE id = 'E1'", [], |r| r.get(0))
        .unwrap();
    assert!(!stored.contains("series"), "{stored}");
    // The batch changed the deaths meta only (and removed the cases one): the others stay.
    let (_, m3) = series_meta("deaths", "2022-05-20");
    rec.state.series.insert(deaths.clone(), m3);
    rec.state.series.remove(&cases);
    rec.metas = Some([deaths.clone(), cases.clone()].into_iter().collect());
    apply(&mut store, &rec);
    assert_eq!(store.event_state("E1").unwrap().as_ref(), Some(&rec.state));
    // A record that names no meta as changed leaves a stale one as stored: the backend trusts
    // it (here the cases meta comes back only when named).
    let mut with_cases = rec.clone();
    with_cases.state.series.insert(cases.clone(), m1);
    with_cases.metas = Some(std::collections::BTreeSet::new());
    apply(&mut store, &with_cases);
    assert_eq!(store.event_state("E1").unwrap().as_ref(), Some(&rec.state));
    with_cases.metas = None;
    apply(&mut store, &with_cases);
    assert_eq!(
        store.event_state("E1").unwrap().as_ref(),
        Some(&with_cases.state)
    );
}

/// Migration 8 moves the series metas of a version-7 store's event states into their rows:
/// the state read back is the one stored.
#[test]
fn migration_8_moves_the_series_metas_apart() {
    use epiwire_consolidate::EventBackend;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::sqlite::DB_FILE);
    let (cases, m1) = series_meta("cases", "2022-05-12");
    let (deaths, m2) = series_meta("deaths", "2022-05-13");
    let mut state = epiwire_consolidate::EventState {
        documents: 3,
        ..Default::default()
    };
    state.outlets.insert("a.org".into());
    state.series.insert(cases, m1);
    state.series.insert(deaths, m2);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::schema::migrate_to(&mut conn, 7).unwrap();
        for (id, state) in [
            ("E1", &state),
            ("E2", &epiwire_consolidate::EventState::default()),
        ] {
            conn.execute(
                "INSERT INTO events (id, relevance, first_seen, last_seen, documents, profile, summary, state)
                 VALUES (?1, 0.5, NULL, NULL, 3, '{}', '{}', ?2)",
                rusqlite::params![id, serde_json::to_string(state).unwrap()],
            )
            .unwrap();
        }
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.event_state("E1").unwrap(), Some(state));
    assert_eq!(
        store.event_state("E2").unwrap(),
        Some(epiwire_consolidate::EventState::default())
    );
    let rows: i64 = store
        .conn
        .query_row("SELECT count(*) FROM event_metas", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
}

#[test]
fn put_batch_seqs_gives_each_new_document_its_sequence_number() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let (out, seqs) = store
        .put_batch_seqs(&[new_doc(1), new_doc(2)], &[])
        .unwrap();
    assert_eq!((out.inserted, seqs), (2, vec![Some(1), Some(2)]));
    let (out, seqs) = store
        .put_batch_seqs(&[new_doc(2), new_doc(3), new_doc(3)], &[])
        .unwrap();
    assert_eq!((out.inserted, out.duplicates), (1, 2));
    let [None, Some(seq), None] = seqs[..] else {
        panic!("{seqs:?}")
    };
    // The sequence number the document is stored under.
    let stored: Vec<(u64, String)> = store
        .documents(0, 10)
        .unwrap()
        .into_iter()
        .map(|(s, d)| (s, d.id))
        .collect();
    assert_eq!(stored.last(), Some(&(seq, new_doc(3).doc.id)));
}

#[test]
fn series_without_leaves_out_the_parts_the_caller_holds() {
    use epiwire_consolidate::{Changes, EventBackend, SeriesKey, SeriesPart, SeriesSelect, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1)]).unwrap();
    let key = |metric: &str, scope: &str| SeriesKey {
        disease: Some("DOID:1498".into()),
        country: Some("NG".into()),
        place: None,
        metric: metric.into(),
        scope: scope.into(),
    };
    let keys = [
        key("cases", "cumulative"),
        key("cases", "new"),
        key("deaths", "cumulative"),
    ];
    let mut rec = event_record("E1", "doc-1", &[]);
    rec.series = keys
        .iter()
        .map(|k| SeriesPart::new(k.clone(), Vec::new()))
        .collect();
    store
        .apply(&Changes {
            state: State {
                watermark: 1,
                ..State::default()
            },
            members: vec![("E1".into(), member(1, "doc-1"))],
            events: vec![rec],
            ..Changes::default()
        })
        .unwrap();
    let of = SeriesSelect::Of {
        disease: Some("DOID:1498"),
        country: Some("NG"),
    };
    let got = |skip: &[SeriesKey], which| -> Vec<SeriesKey> {
        store
            .series_without("E1", which, skip)
            .unwrap()
            .into_iter()
            .map(|p| p.key)
            .collect()
    };
    assert_eq!(
        got(&[], of),
        store
            .series("E1", of)
            .unwrap()
            .into_iter()
            .map(|p| p.key)
            .collect::<Vec<_>>()
    );
    assert_eq!(got(&[], of).len(), 3);
    assert_eq!(got(&keys[1..2], of), [keys[0].clone(), keys[2].clone()]);
    assert_eq!(got(&keys, SeriesSelect::All), Vec::<SeriesKey>::new());
    assert_eq!(
        got(&keys[..1], SeriesSelect::Keys(&keys[..2])),
        [keys[1].clone()]
    );
}

/// A figure of cholera cases in Nigeria reported by `doc_id` for `as_of`.
fn figure(doc_id: &str, as_of: &str, value: f64) -> epiwire_consolidate::Figure {
    serde_json::from_value(serde_json::json!({
        "doc_id": doc_id, "url": null, "outlet": "who.int", "title": "Cholera in Nigeria",
        "published": as_of, "disease": "DOID:1498", "disease_name": "cholera",
        "place": 2328926, "place_name": "Nigeria", "place_kind": "country", "country": "NG",
        "metric": "cases", "scope": "cumulative", "qualifier": "exact", "value": value,
        "min": null, "max": null, "status": null, "as_of": as_of, "as_of_source": "published",
        "headline": true, "span": {"start": 10, "end": 13, "text": format!("{value}")},
        "evidence": {"start": 0, "end": 20, "text": format!("{value} cases of cholera.")}
    }))
    .unwrap()
}

/// Batches that each add figures to one series part: the store writes only the added figures
/// (one row a batch), and reading the part back gives the part built in memory, figures in
/// order; a merge takes the figures of the event merged away.
#[test]
fn series_parts_keep_their_figures_apart_and_append_them() {
    use epiwire_consolidate::{Changes, EventBackend, SeriesKey, SeriesPart, SeriesSelect, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    store
        .put_batch(&[new_doc(1), new_doc(2), new_doc(3)])
        .unwrap();
    let first = vec![
        figure("d2", "2022-05-12", 30.0),
        figure("d1", "2022-05-10", 10.0),
    ];
    let key = SeriesKey::of(&first[0]).unwrap();
    let mut part = SeriesPart::new(key.clone(), first.clone());
    let batch = |store: &mut SqliteStore, watermark, rec, merged: Vec<(String, String)>| {
        store
            .apply(&Changes {
                state: State {
                    watermark,
                    ..State::default()
                },
                events: vec![rec],
                merged,
                ..Changes::default()
            })
            .unwrap();
    };
    let mut rec = event_record("E1", "d1", &[]);
    rec.series = vec![part.clone()];
    rec.appended = vec![(key.clone(), first)];
    batch(&mut store, 1, rec, Vec::new());
    // Ties go after the figures stored (same day, same publication time, same document).
    let more = vec![
        figure("d1", "2022-05-10", 10.0),
        figure("d3", "2022-05-11", 20.0),
    ];
    part.add(more.clone());
    let mut rec = event_record("E1", "d1", &[]);
    rec.series = vec![part.clone()];
    rec.appended = vec![(key.clone(), more)];
    batch(&mut store, 2, rec, Vec::new());
    let rows: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM event_figures WHERE event = 'E1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 2, "one row a batch");
    let stored_part: String = store
        .conn
        .query_row(
            "SELECT part FROM event_series WHERE event = 'E1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored_part.contains("cases of cholera"), "{stored_part}");
    assert_eq!(
        store.series("E1", SeriesSelect::All).unwrap(),
        vec![part.clone()]
    );
    assert_eq!(part.figures.len(), 4);

    // E2 with a figure of its own merges into E1.
    let other = vec![figure("d3", "2022-05-09", 5.0)];
    let mut rec = event_record("E2", "d3", &[]);
    rec.series = vec![SeriesPart::new(key.clone(), other.clone())];
    rec.appended = vec![(key.clone(), other.clone())];
    batch(&mut store, 3, rec, Vec::new());
    part.add(other.clone());
    let mut rec = event_record("E1", "d1", &[]);
    rec.series = vec![part.clone()];
    rec.appended = vec![(key.clone(), other)];
    batch(&mut store, 3, rec, vec![("E2".into(), "E1".into())]);
    assert_eq!(
        store.series("E1", SeriesSelect::All).unwrap(),
        vec![part.clone()]
    );
    assert_eq!(store.series("E2", SeriesSelect::All).unwrap(), Vec::new());
    let left: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM event_figures WHERE event = 'E2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);

    // A part given without its added figures is written whole.
    let mut rec = event_record("E1", "d1", &[]);
    rec.series = vec![part.clone()];
    batch(&mut store, 3, rec, Vec::new());
    assert_eq!(store.series("E1", SeriesSelect::All).unwrap(), vec![part]);
}

#[test]
fn migration_7_moves_the_figures_of_a_version_6_store_out_of_its_parts() {
    use epiwire_consolidate::{EventBackend, SeriesKey, SeriesPart, SeriesSelect};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::sqlite::DB_FILE);
    let figures = vec![
        figure("d1", "2022-05-10", 10.0),
        figure("d2", "2022-05-12", 1_250_000.5),
        figure("d3", "2022-05-11", 20.0),
    ];
    let key = SeriesKey::of(&figures[0]).unwrap();
    let part = SeriesPart::new(key.clone(), figures);
    let empty = SeriesPart::new(
        SeriesKey {
            scope: "new".into(),
            ..key.clone()
        },
        Vec::new(),
    );
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::schema::migrate_to(&mut conn, 6).unwrap();
        for p in [&part, &empty] {
            conn.execute(
                "INSERT INTO event_series (event, key, disease, country, part)
                 VALUES ('E1', ?1, ?2, ?3, ?4)",
                rusqlite::params![
                    serde_json::to_string(&p.key).unwrap(),
                    p.key.disease,
                    p.key.country,
                    serde_json::to_string(p).unwrap()
                ],
            )
            .unwrap();
        }
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let stored_part: String = store
        .conn
        .query_row(
            "SELECT part FROM event_series WHERE key = ?1",
            [serde_json::to_string(&key).unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored_part.contains("cases of cholera"), "{stored_part}");
    let mut want = vec![part, empty];
    want.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(store.series("E1", SeriesSelect::All).unwrap(), want);
}

/// An event's own signal (new event, jump) as its list record carries it.
fn event_signal(id: &str, kind: &str, day: &str, score: f64) -> epiwire_consolidate::Signal {
    serde_json::from_value(serde_json::json!({
        "kind": kind, "date": day, "disease": "DOID:1498", "disease_name": "cholera",
        "country": "NG", "event": id, "value": 3.0, "threshold": 1.0, "score": score,
        "reason": "test"
    }))
    .unwrap()
}

/// The tags and own-signal rows of the events tables, in key order.
fn tag_and_signal_rows(store: &SqliteStore) -> (Vec<String>, Vec<String>) {
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = store.conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    (
        rows("SELECT kind || '|' || value || '|' || event FROM event_tags ORDER BY 1"),
        rows(
            "SELECT kind || '|' || disease || '|' || country || '|' || date || '|' || event || '|'
             || score || '|' || signal FROM signals ORDER BY 1",
        ),
    )
}

/// The tags and own signals of a touched event are written as a diff against the stored rows
/// (they were deleted and inserted again at every touch): after a second touch that drops a
/// country, a disease and a jump, changes the score of another and adds one, the rows equal
/// those of the second record written into an empty store, and a refreshed record changes the
/// signal tags only.
#[test]
fn a_touch_writes_the_tags_and_signals_of_its_record_only() {
    use epiwire_consolidate::{Changes, DiseaseRef, EventBackend, State};
    let changes = |rec: epiwire_consolidate::EventRecord| Changes {
        state: State {
            watermark: 1,
            ..State::default()
        },
        events: vec![rec],
        ..Changes::default()
    };
    let mut first = event_record("E1", "doc-1", &[]);
    first.summary.countries = vec!["NG".into(), "BJ".into()];
    first.summary.diseases.push(DiseaseRef {
        id: "DOID:0050117".into(),
        name: "Lassa fever".into(),
    });
    first.summary.signals = vec![
        event_signal("E1", "new_event", "2022-05-12", 1.0),
        event_signal("E1", "jump", "2022-05-13", 0.5),
        event_signal("E1", "jump", "2022-05-14", 0.5),
        volume_signal("ears_c1", "2022-05-12"),
    ];
    let mut second = event_record("E1", "doc-1", &[]);
    second.summary.signals = vec![
        event_signal("E1", "new_event", "2022-05-12", 1.0),
        event_signal("E1", "jump", "2022-05-14", 0.75),
        event_signal("E1", "jump", "2022-05-20", 0.5),
        // A later signal of the same key wins, as a replace would.
        event_signal("E1", "jump", "2022-05-20", 0.25),
    ];
    let mut touched = SqliteStore::open_in_memory().unwrap();
    touched.put_batch(&[new_doc(1)]).unwrap();
    touched.apply(&changes(first)).unwrap();
    touched.apply(&changes(second.clone())).unwrap();
    let mut fresh = SqliteStore::open_in_memory().unwrap();
    fresh.put_batch(&[new_doc(1)]).unwrap();
    fresh.apply(&changes(second.clone())).unwrap();
    let (tags, signals) = tag_and_signal_rows(&touched);
    assert_eq!((tags.clone(), signals.clone()), tag_and_signal_rows(&fresh));
    assert!(tags.contains(&"signal|jump|E1".to_string()));
    assert!(
        !tags
            .iter()
            .any(|t| t.contains("BJ") || t.contains("ears_c1"))
    );
    assert_eq!(signals.len(), 3);
    assert!(signals.iter().any(|s| s.contains("2022-05-20|E1|0.25|")));
    // A refreshed record (volume signals changed) changes the signal tags, not the others.
    let mut refreshed = second.summary.clone();
    refreshed
        .signals
        .push(volume_signal("ears_c2", "2022-05-14"));
    refreshed.countries = vec!["KP".into()];
    touched
        .apply(&Changes {
            state: State {
                watermark: 1,
                ..State::default()
            },
            refreshed: vec![refreshed],
            ..Changes::default()
        })
        .unwrap();
    let (after, _) = tag_and_signal_rows(&touched);
    let mut want = tags.clone();
    want.push("signal|ears_c2|E1".to_string());
    want.sort();
    assert_eq!(after, want);
}

/// `new_event_signals` finds the events' own new_event rows of a disease × country by date;
/// a refreshed list record without its new_event signal (a later batch reported the disease
/// × country in the days before the event) loses the row.
#[test]
fn a_refreshed_record_drops_its_new_event_row() {
    use epiwire_consolidate::{Changes, EventBackend, State};
    let mut store = SqliteStore::open_in_memory().unwrap();
    store.put_batch(&[new_doc(1)]).unwrap();
    let mut rec = event_record("E1", "doc-1", &[]);
    rec.summary.signals = vec![event_signal("E1", "new_event", "2022-05-12", 1.0)];
    let state = State {
        watermark: 1,
        ..State::default()
    };
    store
        .apply(&Changes {
            state: state.clone(),
            events: vec![rec.clone()],
            ..Changes::default()
        })
        .unwrap();
    let found = |store: &SqliteStore, from: &str, to: &str| {
        store
            .new_event_signals("DOID:1498", "NG", from, to)
            .unwrap()
    };
    assert_eq!(
        found(&store, "2022-05-01", "2022-05-31"),
        [("E1".to_string(), "2022-05-12".to_string())]
    );
    assert!(found(&store, "2022-05-13", "2022-05-31").is_empty());
    assert!(
        store
            .new_event_signals("DOID:1498", "KP", "2022-05-01", "2022-05-31")
            .unwrap()
            .is_empty()
    );
    let mut refreshed = rec.summary.clone();
    refreshed.signals.clear();
    store
        .apply(&Changes {
            state,
            refreshed: vec![refreshed],
            ..Changes::default()
        })
        .unwrap();
    assert!(found(&store, "2022-05-01", "2022-05-31").is_empty());
    let (tags, signals) = tag_and_signal_rows(&store);
    assert!(signals.is_empty());
    assert!(!tags.iter().any(|t| t.starts_with("signal|")));
}

/// Every connection gets a page cache of up to 64 MiB (SQLite's default, 2 MiB, is smaller than
/// the events tables consolidation reads all over once the store is large).
#[test]
fn connections_have_a_64_mib_page_cache() {
    let tmp = tempfile::tempdir().unwrap();
    for store in [
        SqliteStore::open_in_memory().unwrap(),
        SqliteStore::open(tmp.path()).unwrap(),
    ] {
        let kib: i64 = store
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .unwrap();
        assert_eq!(kib, -65536);
    }
}

/// `new_doc(n)` with its day, its cholera count and its fact moved by `n`, so that the event's
/// series grow, jump and fall (series metas with jumps and deaths in the event state).
fn varied_doc(n: u64) -> NewDoc {
    let mut d = new_doc(n);
    let day = format!("2022-05-{:02}", 1 + n % 25);
    d.doc.published = Some(format!("{day}T08:00:00Z"));
    let value = if n % 7 == 3 {
        500.0
    } else {
        1000.0 + 450.0 * n as f64
    };
    d.doc.counts[0].value = value;
    d.doc.counts[0].date = Some(day.clone());
    d.doc.counts[1].value = (5 * n) as f64;
    d.doc.counts[1].date = Some(day.clone());
    d.doc.facts[0].value = value;
    d.doc.facts[0].as_of = Some(day);
    d
}

/// Every row of every event table, each row its columns `quote`d, sorted.
fn event_tables(store: &SqliteStore) -> Vec<String> {
    let mut out = Vec::new();
    for t in [
        "consolidation",
        "consolidation_df",
        "events",
        "event_keys",
        "event_docs",
        "event_tags",
        "event_series",
        "event_figures",
        "event_metas",
        "volume",
        "signals",
    ] {
        let cols: String = store
            .conn
            .query_row(
                &format!("SELECT group_concat('quote(' || name || ')', ' || '','' || ') FROM pragma_table_info('{t}')"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        let mut rows: Vec<String> = store
            .conn
            .prepare(&format!("SELECT {cols} FROM {t}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|r| format!("{t}: {}", r.unwrap()))
            .collect();
        rows.sort();
        out.extend(rows);
    }
    out
}

/// What a consolidation session keeps between batches (profiles, series parts, event states)
/// is what the store reads back: the batches of one run (one session) give the same event
/// tables as the same batches each consolidated by a run of its own (a fresh session, which
/// reads everything from the store).
#[test]
fn one_session_over_many_batches_equals_a_run_per_batch() {
    use epiwire_consolidate::Consolidator;
    let docs: Vec<NewDoc> = (1..=24).map(varied_doc).collect();
    let c = Consolidator {
        batch: 4,
        ..Consolidator::default()
    };
    let one = tempfile::tempdir().unwrap();
    let mut a = SqliteStore::open(one.path()).unwrap();
    a.put_batch(&docs).unwrap();
    c.run(&mut a, |_| {}).unwrap();
    let each = tempfile::tempdir().unwrap();
    let mut b = SqliteStore::open(each.path()).unwrap();
    for chunk in docs.chunks(4) {
        b.put_batch(chunk).unwrap();
        c.run(&mut b, |_| {}).unwrap();
    }
    let (a, b) = (event_tables(&a), event_tables(&b));
    assert!(
        a.iter().any(|r| r.starts_with("event_metas")),
        "no series meta"
    );
    assert_eq!(a, b);
}

/// The series metas a run leaves stored (a batch writes only those it changed, and of those
/// only the ones that differ from what is stored) are those of each event rebuilt from its
/// members: no meta left stale, none missing, none left over.
#[test]
fn stored_series_metas_are_those_of_the_rebuilt_events() {
    use epiwire_consolidate::{Consolidator, EventBackend};
    let docs: Vec<NewDoc> = (1..=24).map(varied_doc).collect();
    let c = Consolidator {
        batch: 3,
        ..Consolidator::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    for chunk in docs.chunks(6) {
        store.put_batch(chunk).unwrap();
        c.run(&mut store, |_| {}).unwrap();
    }
    let ids: Vec<String> = store
        .conn
        .prepare("SELECT id FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(!ids.is_empty());
    let mut metas = 0;
    for id in &ids {
        let members = store.members(id).unwrap();
        let (_, rebuilt, _) = c.rebuild(&store, &[], id, &members).unwrap();
        let stored = store.event_state(id).unwrap().unwrap();
        metas += stored.series.len();
        assert_eq!(stored.series, rebuilt.series, "{id}");
    }
    assert!(metas > 0, "no series meta");
}
