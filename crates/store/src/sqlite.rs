//! The SQLite implementation of [`Store`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use epiwire_model::{DateMention, Disease, Document, Fact, Place};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::schema;
use crate::stats::Stats;
use crate::{ContentHash, Error, InputKey, NewDoc, PutOutcome, Result, Store};

/// File name of the database inside the store directory.
pub const DB_FILE: &str = "epiwire.sqlite";

/// How long a connection waits for another connection's lock before giving up with `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The columns a [`Document`] is rebuilt from, in the order [`RawRow::read`] expects.
const DOC_COLUMNS: &str = "seq, id, url, title, published, language, author, text, annotations";

const INSERT_DOC: &str = "
    INSERT INTO documents (hash, id, url, title, published, language, author, source, ingested_at,
                           text_bytes, n_diseases, n_places, n_dates, n_counts, n_facts,
                           text, annotations)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
    ON CONFLICT (hash) DO NOTHING";

const INSERT_FACT: &str = "
    INSERT INTO facts (doc_seq, ord, disease, place, country, metric, value, scope, qualifier, as_of)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

const INSERT_MENTION: &str = "INSERT INTO mentions (doc_seq, kind, key, n) VALUES (?1, ?2, ?3, ?4)";

/// A [`Store`] in one SQLite database file (WAL mode), or in memory.
///
/// One `SqliteStore` holds one connection; use it from one thread at a time (it is `Send`, not
/// `Sync`). Other processes may open the same directory at the same time: readers never block the
/// writer in WAL mode, and concurrent writers wait for each other up to a busy timeout of 30 s.
#[derive(Debug)]
pub struct SqliteStore {
    pub(crate) conn: Connection,
    /// The database file, `None` in memory.
    db_path: Option<PathBuf>,
    /// Whether a read snapshot of [`EventBackend::begin_reads`] is open.
    ///
    /// [`EventBackend::begin_reads`]: epiwire_consolidate::EventBackend::begin_reads
    pub(crate) reads: std::cell::Cell<bool>,
}

impl SqliteStore {
    /// Opens the store in `dir`, creating the directory and `dir/epiwire.sqlite` when missing,
    /// and brings the schema up to date.
    pub fn open(dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let db_path = dir.join(DB_FILE);
        let conn = Connection::open(&db_path)?;
        SqliteStore::setup(conn, Some(db_path))
    }

    /// Opens the store in `dir` like [`SqliteStore::open`], but fails with [`Error::Missing`]
    /// instead of creating an empty store when `dir/epiwire.sqlite` does not exist (for commands
    /// that only read, such as `epiwire stats`).
    pub fn open_existing(dir: &Path) -> Result<SqliteStore> {
        let db_path = dir.join(DB_FILE);
        match std::fs::metadata(&db_path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err(Error::Missing { path: db_path }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Missing { path: db_path });
            }
            Err(source) => {
                return Err(Error::Io {
                    path: db_path,
                    source,
                });
            }
        }
        let conn = Connection::open_with_flags(
            &db_path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )?;
        SqliteStore::setup(conn, Some(db_path))
    }

    /// Opens an empty store in memory (for tests and one-off runs); it vanishes when dropped.
    pub fn open_in_memory() -> Result<SqliteStore> {
        SqliteStore::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, db_path: Option<PathBuf>) -> Result<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL: readers (e.g. `epiwire stats` in another process) see the last committed state and
        // do not block the writer. A memory database answers "memory" and stays so.
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        let wal = mode.eq_ignore_ascii_case("wal");
        // synchronous=NORMAL in WAL mode: a commit appends the transaction to the WAL file with a
        // write() before returning, but fsyncs only at checkpoints. The data is then in the OS
        // page cache, so a committed transaction survives a kill of the process at any moment
        // (the next open replays the WAL); only a power loss or OS crash can lose the last
        // transactions, and even then the database stays consistent (never corrupt). Without WAL
        // (a file system that does not support it) use FULL, the safe setting for a rollback
        // journal.
        conn.pragma_update(None, "synchronous", if wal { "NORMAL" } else { "FULL" })?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // A page cache of up to 64 MiB per connection (SQLite's default is 2 MiB): consolidation
        // reads the events tables' B-trees (keys, events, signals, volume, series) all over, and
        // once they outgrow the cache every page read is a read() of the OS cache; its CPU
        // (system time, invisible to callgrind) grew with the store.
        conn.pragma_update(None, "cache_size", -65536)?;
        // Query plans that do not depend on bound values: otherwise SQLite marks some cached
        // statements (`LIMIT ?`, comparisons it could fold) to be compiled again whenever a
        // parameter is bound anew, which every reuse does (a consolidation run spent about 5 %
        // of its instructions re-preparing statements). No query here relies on a plan for a
        // particular value.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        // Room for every statement a consolidation batch runs (about 25), so that none is
        // evicted and compiled again within a batch (the default holds 16).
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        Ok(SqliteStore {
            conn,
            db_path,
            reads: std::cell::Cell::new(false),
        })
    }

    /// The database file, `None` for a store in memory.
    pub fn path(&self) -> Option<&Path> {
        self.db_path.as_deref()
    }

    /// The schema version of the open database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.conn)
    }

    /// Runs `PRAGMA integrity_check` and `PRAGMA foreign_key_check` and compares the running
    /// totals behind [`Store::stats`] with a recount of the documents; returns the problems
    /// found, an empty list when the store is sound. Reads the whole database: slow on a large
    /// store.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let table: String = row.get(0)?;
            let rowid: Option<i64> = row.get(1)?;
            let parent: String = row.get(2)?;
            problems.push(format!(
                "foreign key violation: {table} row {rowid:?} refers to a missing {parent} row"
            ));
        }
        let stored = Stats {
            db_bytes: 0,
            inputs_done: 0,
            ..self.stats()?
        };
        let recounted = self.recount()?;
        if stored != recounted {
            problems.push(format!(
                "summary totals differ from a recount of the documents: stored {stored:?}, \
                 recounted {recounted:?}"
            ));
        }
        Ok(problems)
    }

    /// The figures of [`Store::stats`] computed by scanning the documents (without `db_bytes` and
    /// `inputs_done`), to check the running totals.
    fn recount(&self) -> Result<Stats> {
        let tx = self.conn.unchecked_transaction()?;
        let mut stats = tx.query_row(
            "SELECT count(*), count(title), count(published), coalesce(sum(text_bytes), 0),
                    coalesce(sum(n_diseases), 0), coalesce(sum(n_places), 0),
                    coalesce(sum(n_dates), 0), coalesce(sum(n_counts), 0),
                    coalesce(sum(n_facts), 0), count(DISTINCT source),
                    strftime('%Y-%m-%dT%H:%M:%SZ', min(ingested_at) / 1000, 'unixepoch'),
                    strftime('%Y-%m-%dT%H:%M:%SZ', max(ingested_at) / 1000, 'unixepoch')
             FROM documents",
            [],
            |row| {
                Ok(Stats {
                    documents: count(row, 0)?,
                    with_title: count(row, 1)?,
                    with_published: count(row, 2)?,
                    total_text_bytes: count(row, 3)?,
                    diseases: count(row, 4)?,
                    places: count(row, 5)?,
                    dates: count(row, 6)?,
                    counts: count(row, 7)?,
                    facts: count(row, 8)?,
                    sources: count(row, 9)?,
                    first_ingest: row.get(10)?,
                    last_ingest: row.get(11)?,
                    ..Stats::default()
                })
            },
        )?;
        stats.languages = grouped(
            &tx,
            "SELECT coalesce(language, 'und'), count(*) FROM documents
             GROUP BY 1 ORDER BY 2 DESC, 1",
        )?;
        stats.by_month = grouped(
            &tx,
            "SELECT substr(published, 1, 7), count(*) FROM documents
             WHERE published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
             GROUP BY 1 ORDER BY 1",
        )?;
        tx.commit()?;
        Ok(stats)
    }

    /// [`Store::put_batch`] that also records, in the same transaction, where each listed input
    /// file can be read again from: `(input, offset)` says every record of `input` before byte
    /// `offset` has been stored (or reported). A kill at any moment leaves the documents and the
    /// checkpoints in step. Checkpoints alone (no documents) are written too.
    pub fn put_batch_at(
        &mut self,
        docs: &[NewDoc],
        checkpoints: &[(InputKey, u64)],
    ) -> Result<PutOutcome> {
        self.put_batch_seqs(docs, checkpoints)
            .map(|(outcome, _)| outcome)
    }

    /// [`SqliteStore::put_batch_at`], also giving the sequence number each document was stored
    /// under (`None` for one already stored), in the order of `docs`.
    pub fn put_batch_seqs(
        &mut self,
        docs: &[NewDoc],
        checkpoints: &[(InputKey, u64)],
    ) -> Result<(PutOutcome, Vec<Option<u64>>)> {
        let mut seqs = Vec::with_capacity(docs.len());
        if docs.is_empty() && checkpoints.is_empty() {
            return Ok((PutOutcome::default(), seqs));
        }
        // Encode and check everything before taking the write lock.
        let encoded = docs.iter().map(Encoded::new).collect::<Result<Vec<_>>>()?;
        let now = now_ms();
        let mut outcome = PutOutcome::default();
        let mut totals = Totals::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert_doc = tx.prepare_cached(INSERT_DOC)?;
            let mut insert_fact = tx.prepare_cached(INSERT_FACT)?;
            let mut insert_mention = tx.prepare_cached(INSERT_MENTION)?;
            for (new, enc) in docs.iter().zip(&encoded) {
                let d = &new.doc;
                let inserted = insert_doc.execute(params![
                    &new.hash[..],
                    d.id,
                    d.url,
                    d.title,
                    d.published,
                    d.language,
                    d.author,
                    new.source,
                    now,
                    enc.text_bytes,
                    enc.n[0],
                    enc.n[1],
                    enc.n[2],
                    enc.n[3],
                    enc.n[4],
                    d.text,
                    enc.annotations,
                ])?;
                if inserted == 0 {
                    // ON CONFLICT (hash) DO NOTHING: stored earlier, or earlier in this batch.
                    outcome.duplicates += 1;
                    seqs.push(None);
                    continue;
                }
                outcome.inserted += 1;
                totals.add(new, enc);
                let seq = tx.last_insert_rowid();
                seqs.push(u64::try_from(seq).ok());
                for (ord, (fact, place)) in d.facts.iter().zip(&enc.fact_places).enumerate() {
                    insert_fact.execute(params![
                        seq,
                        ord as i64,
                        fact.disease,
                        place,
                        fact.country,
                        fact.metric,
                        fact.value,
                        fact.scope,
                        fact.qualifier,
                        fact.as_of,
                    ])?;
                }
                for ((kind, key), n) in &enc.mentions {
                    insert_mention.execute(params![seq, kind, key, n])?;
                }
            }
        }
        if outcome.inserted > 0 {
            totals.apply(&tx, now)?;
        }
        if !checkpoints.is_empty() {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO input_checkpoints (path, size, mtime_ns, offset, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (path) DO UPDATE SET
                     size = excluded.size, mtime_ns = excluded.mtime_ns,
                     offset = excluded.offset, updated_at = excluded.updated_at",
            )?;
            for (key, offset) in checkpoints {
                upsert.execute(params![
                    key.path,
                    input_size(key)?,
                    key.mtime_ns,
                    offset_i64(key, *offset)?,
                    now
                ])?;
            }
        }
        tx.commit()?;
        Ok((outcome, seqs))
    }

    /// Where to resume reading `key`'s file: the offset of its last checkpoint, when one was
    /// recorded for the same path, size and modification time.
    pub fn checkpoint(&self, key: &InputKey) -> Result<Option<u64>> {
        let size = input_size(key)?;
        let offset: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT offset FROM input_checkpoints WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3",
            )?
            .query_row(params![key.path, size, key.mtime_ns], |row| row.get(0))
            .optional()?;
        offset
            .map(|o| {
                u64::try_from(o).map_err(|_| Error::Corrupt {
                    seq: 0,
                    reason: format!("negative checkpoint offset {o} for {}", key.path),
                })
            })
            .transpose()
    }

    fn query_docs(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<(u64, Document)>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let raws = stmt
            .query_map(params, RawRow::read)?
            .collect::<rusqlite::Result<Vec<RawRow>>>()
            .map_err(corrupt_on_type)?;
        raws.into_iter().map(RawRow::decode).collect()
    }

    fn query_doc(&self, sql: &str, params: impl rusqlite::Params) -> Result<Option<Document>> {
        let raw = self
            .conn
            .prepare_cached(sql)?
            .query_row(params, RawRow::read)
            .optional()
            .map_err(corrupt_on_type)?;
        raw.map(|r| r.decode().map(|(_, doc)| doc)).transpose()
    }
}

impl Store for SqliteStore {
    fn events(
        &self,
        filter: &epiwire_consolidate::EventFilter,
    ) -> Result<Vec<epiwire_consolidate::EventSummary>> {
        self.query_events(filter)
    }

    fn event(&self, id: &str) -> Result<Option<epiwire_consolidate::EventDetail>> {
        self.query_event(id)
    }

    fn event_of(&self, doc_id: &str) -> Result<Option<String>> {
        self.query_event_of(doc_id)
    }

    fn signals(
        &self,
        filter: &epiwire_consolidate::EventFilter,
    ) -> Result<Vec<epiwire_consolidate::Signal>> {
        self.query_signals(filter)
    }

    fn event_count(&self) -> Result<u64> {
        self.count_events()
    }

    fn put_batch(&mut self, docs: &[NewDoc]) -> Result<PutOutcome> {
        self.put_batch_at(docs, &[])
    }

    fn contains(&self, hash: &ContentHash) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE hash = ?1")?
            .exists([&hash[..]])?)
    }

    fn contains_many(&self, hashes: &[ContentHash]) -> Result<Vec<bool>> {
        // One read transaction: one consistent snapshot, one lock acquisition.
        let tx = self.conn.unchecked_transaction()?;
        let mut out = Vec::with_capacity(hashes.len());
        {
            let mut stmt = tx.prepare_cached("SELECT 1 FROM documents WHERE hash = ?1")?;
            for hash in hashes {
                out.push(stmt.exists([&hash[..]])?);
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn get(&self, id: &str) -> Result<Option<Document>> {
        self.query_doc(
            &format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1 ORDER BY seq LIMIT 1"),
            [id],
        )
    }

    fn get_by_hash(&self, hash: &ContentHash) -> Result<Option<Document>> {
        self.query_doc(
            &format!("SELECT {DOC_COLUMNS} FROM documents WHERE hash = ?1"),
            [&hash[..]],
        )
    }

    fn documents(&self, after_seq: u64, limit: usize) -> Result<Vec<(u64, Document)>> {
        let Ok(after) = i64::try_from(after_seq) else {
            return Ok(Vec::new()); // beyond any seq SQLite can hold
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query_docs(
            &format!("SELECT {DOC_COLUMNS} FROM documents WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
            params![after, limit],
        )
    }

    fn stats(&self) -> Result<Stats> {
        // One read transaction so that all figures describe the same snapshot. Every figure comes
        // from the running totals, not from a scan of the documents.
        let tx = self.conn.unchecked_transaction()?;
        let mut stats = tx
            .query_row(
                "SELECT documents, with_title, with_published, text_bytes,
                        diseases, places, dates, counts, facts, sources,
                        strftime('%Y-%m-%dT%H:%M:%SZ', first_ingest / 1000, 'unixepoch'),
                        strftime('%Y-%m-%dT%H:%M:%SZ', last_ingest / 1000, 'unixepoch')
                 FROM totals WHERE id = 1",
                [],
                |row| {
                    Ok(Stats {
                        documents: count(row, 0)?,
                        with_title: count(row, 1)?,
                        with_published: count(row, 2)?,
                        total_text_bytes: count(row, 3)?,
                        diseases: count(row, 4)?,
                        places: count(row, 5)?,
                        dates: count(row, 6)?,
                        counts: count(row, 7)?,
                        facts: count(row, 8)?,
                        sources: count(row, 9)?,
                        first_ingest: row.get(10)?,
                        last_ingest: row.get(11)?,
                        ..Stats::default()
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::Corrupt {
                seq: 0,
                reason: "the totals row is missing".to_string(),
            })?;
        stats.languages = grouped(
            &tx,
            "SELECT language, documents FROM language_counts WHERE documents > 0
             ORDER BY documents DESC, language",
        )?;
        stats.by_month = grouped(
            &tx,
            "SELECT month, documents FROM month_counts WHERE documents > 0 ORDER BY month",
        )?;
        stats.inputs_done =
            tx.query_row("SELECT count(*) FROM inputs_done", [], |row| count(row, 0))?;
        stats.db_bytes = match &self.db_path {
            Some(path) => file_len(path)? + file_len(&wal_path(path))?,
            None => tx.query_row(
                "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
                [],
                |row| count(row, 0),
            )?,
        };
        tx.commit()?;
        Ok(stats)
    }

    fn input_done(&self, key: &InputKey) -> Result<bool> {
        let size = input_size(key)?;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM inputs_done WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3",
            )?
            .exists(params![key.path, size, key.mtime_ns])?)
    }

    fn mark_input_done(&mut self, key: &InputKey) -> Result<()> {
        let size = input_size(key)?;
        self.conn
            .prepare_cached(
                "INSERT INTO inputs_done (path, size, mtime_ns, done_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (path) DO UPDATE SET
                     size = excluded.size, mtime_ns = excluded.mtime_ns, done_at = excluded.done_at",
            )?
            .execute(params![key.path, size, key.mtime_ns, now_ms()])?;
        Ok(())
    }
}

/// The annotation arrays of a document, as stored in the `annotations` column.
#[derive(Serialize)]
struct AnnotationsRef<'a> {
    diseases: &'a [Disease],
    places: &'a [Place],
    dates: &'a [DateMention],
    counts: &'a [epiwire_model::Count],
    facts: &'a [Fact],
    actions: &'a [epiwire_model::Action],
    shortages: &'a [epiwire_model::Shortage],
    quotes: &'a [epiwire_model::Quote],
    measures: &'a [epiwire_model::Measure],
}

/// The `annotations` column read back.
#[derive(Deserialize)]
struct AnnotationsOwned {
    #[serde(default)]
    diseases: Vec<Disease>,
    #[serde(default)]
    places: Vec<Place>,
    #[serde(default)]
    dates: Vec<DateMention>,
    #[serde(default)]
    counts: Vec<epiwire_model::Count>,
    #[serde(default)]
    facts: Vec<Fact>,
    #[serde(default)]
    actions: Vec<epiwire_model::Action>,
    #[serde(default)]
    shortages: Vec<epiwire_model::Shortage>,
    #[serde(default)]
    quotes: Vec<epiwire_model::Quote>,
    #[serde(default)]
    measures: Vec<epiwire_model::Measure>,
}

/// What [`SqliteStore::put_batch`] computes for a document before taking the write lock.
struct Encoded {
    annotations: String,
    text_bytes: i64,
    /// Numbers of diseases, places, dates, counts, facts.
    n: [i64; 5],
    /// The GeoNames id of each fact's place, as SQLite integers.
    fact_places: Vec<Option<i64>>,
    /// (kind, key) → number of mentions; a map so that a disease or place listed twice in a
    /// document gives one row.
    mentions: BTreeMap<(&'static str, String), i64>,
}

impl Encoded {
    fn new(new: &NewDoc) -> Result<Encoded> {
        let d = &new.doc;
        let invalid = |reason: String| Error::Invalid {
            id: d.id.clone(),
            reason,
        };
        // serde_json writes NaN and infinities as null, which would not decode again: refuse them.
        let finite = |what: &str, x: f64| {
            if x.is_finite() {
                Ok(())
            } else {
                Err(invalid(format!("{what} is {x}, not a finite number")))
            }
        };
        for p in &d.places {
            finite("a place latitude", p.lat)?;
            finite("a place longitude", p.lon)?;
        }
        for c in &d.counts {
            finite("a count value", c.value)?;
            for x in c.min.iter().chain(&c.max) {
                finite("a count bound", *x)?;
            }
        }
        for f in &d.facts {
            finite("a fact value", f.value)?;
        }
        let geonameid = |id: u64| {
            i64::try_from(id).map_err(|_| invalid(format!("GeoNames id {id} is out of range")))
        };
        let fact_places = d
            .facts
            .iter()
            .map(|f| f.place.map(geonameid).transpose())
            .collect::<Result<Vec<_>>>()?;
        let mut mentions = BTreeMap::new();
        for dis in &d.diseases {
            *mentions.entry(("disease", dis.id.to_string())).or_insert(0) +=
                len_i64(dis.mentions.len());
        }
        for p in &d.places {
            *mentions
                .entry(("place", p.geonameid.to_string()))
                .or_insert(0) += len_i64(p.mentions.len());
        }
        let annotations = serde_json::to_string(&AnnotationsRef {
            diseases: &d.diseases,
            places: &d.places,
            dates: &d.dates,
            counts: &d.counts,
            facts: &d.facts,
            actions: &d.actions,
            shortages: &d.shortages,
            quotes: &d.quotes,
            measures: &d.measures,
        })?;
        Ok(Encoded {
            annotations,
            text_bytes: len_i64(d.text.len()),
            n: [
                len_i64(d.diseases.len()),
                len_i64(d.places.len()),
                len_i64(d.dates.len()),
                len_i64(d.counts.len()),
                len_i64(d.facts.len()),
            ],
            fact_places,
            mentions,
        })
    }
}

/// What the documents inserted by one batch add to the running totals.
#[derive(Default)]
struct Totals<'a> {
    /// documents, with_title, with_published, text_bytes, diseases, places, dates, counts, facts.
    sums: [i64; 9],
    languages: BTreeMap<&'a str, i64>,
    months: BTreeMap<&'a str, i64>,
    sources: BTreeMap<&'a str, i64>,
}

impl<'a> Totals<'a> {
    fn add(&mut self, new: &'a NewDoc, enc: &Encoded) {
        let d = &new.doc;
        let [n_diseases, n_places, n_dates, n_counts, n_facts] = enc.n;
        let add = [
            1,
            i64::from(d.title.is_some()),
            i64::from(d.published.is_some()),
            enc.text_bytes,
            n_diseases,
            n_places,
            n_dates,
            n_counts,
            n_facts,
        ];
        for (sum, x) in self.sums.iter_mut().zip(add) {
            *sum += x;
        }
        *self
            .languages
            .entry(d.language.as_deref().unwrap_or(UNDETERMINED))
            .or_insert(0) += 1;
        if let Some(month) = d.published.as_deref().and_then(published_month) {
            *self.months.entry(month).or_insert(0) += 1;
        }
        *self.sources.entry(&new.source).or_insert(0) += 1;
    }

    /// Adds the batch's figures to the totals tables, inside the batch's transaction.
    fn apply(&self, tx: &rusqlite::Transaction<'_>, now: i64) -> Result<()> {
        let mut new_sources = 0i64;
        let mut upsert_source = tx.prepare_cached(
            "INSERT INTO sources (source, documents) VALUES (?1, ?2)
             ON CONFLICT (source) DO UPDATE SET documents = documents + excluded.documents
             RETURNING documents",
        )?;
        for (source, n) in &self.sources {
            let after: i64 = upsert_source.query_row(params![source, n], |row| row.get(0))?;
            if after == *n {
                new_sources += 1; // the row was created by this batch
            }
        }
        let mut upsert_language = tx.prepare_cached(
            "INSERT INTO language_counts (language, documents) VALUES (?1, ?2)
             ON CONFLICT (language) DO UPDATE SET documents = documents + excluded.documents",
        )?;
        for (language, n) in &self.languages {
            upsert_language.execute(params![language, n])?;
        }
        let mut upsert_month = tx.prepare_cached(
            "INSERT INTO month_counts (month, documents) VALUES (?1, ?2)
             ON CONFLICT (month) DO UPDATE SET documents = documents + excluded.documents",
        )?;
        for (month, n) in &self.months {
            upsert_month.execute(params![month, n])?;
        }
        let [
            documents,
            with_title,
            with_published,
            text_bytes,
            diseases,
            places,
            dates,
            counts,
            facts,
        ] = self.sums;
        let updated = tx
            .prepare_cached(
                "UPDATE totals SET
                    documents = documents + ?1, with_title = with_title + ?2,
                    with_published = with_published + ?3, text_bytes = text_bytes + ?4,
                    diseases = diseases + ?5, places = places + ?6, dates = dates + ?7,
                    counts = counts + ?8, facts = facts + ?9, sources = sources + ?10,
                    first_ingest = min(coalesce(first_ingest, ?11), ?11),
                    last_ingest = max(coalesce(last_ingest, ?11), ?11)
                 WHERE id = 1",
            )?
            .execute(params![
                documents,
                with_title,
                with_published,
                text_bytes,
                diseases,
                places,
                dates,
                counts,
                facts,
                new_sources,
                now
            ])?;
        if updated != 1 {
            return Err(Error::Corrupt {
                seq: 0,
                reason: "the totals row is missing".to_string(),
            });
        }
        Ok(())
    }
}

/// The language key of documents without a language (ISO 639-2 "undetermined").
const UNDETERMINED: &str = "und";

/// `YYYY-MM` of a publication date that starts with one, as the SQL
/// `published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'` of the recount selects.
pub(crate) fn published_month(published: &str) -> Option<&str> {
    let b = published.as_bytes();
    let shaped = b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit);
    // The first 7 bytes are ASCII, so index 7 is a character boundary.
    if shaped { published.get(..7) } else { None }
}

/// Rows of (key, count) from a two-column query.
fn grouped(conn: &Connection, sql: &str) -> Result<Vec<(String, u64)>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map([], |row| Ok((row.get(0)?, count(row, 1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The [`DOC_COLUMNS`] of one row, before JSON decoding.
struct RawRow {
    seq: i64,
    id: String,
    url: Option<String>,
    title: Option<String>,
    published: Option<String>,
    language: Option<String>,
    author: Option<String>,
    text: String,
    annotations: String,
}

impl RawRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<RawRow> {
        Ok(RawRow {
            seq: row.get(0)?,
            id: row.get(1)?,
            url: row.get(2)?,
            title: row.get(3)?,
            published: row.get(4)?,
            language: row.get(5)?,
            author: row.get(6)?,
            text: row.get(7)?,
            annotations: row.get(8)?,
        })
    }

    fn decode(self) -> Result<(u64, Document)> {
        let corrupt = |reason: String| Error::Corrupt {
            seq: self.seq,
            reason,
        };
        let seq = u64::try_from(self.seq).map_err(|_| corrupt("negative seq".to_string()))?;
        let a: AnnotationsOwned = serde_json::from_str(&self.annotations)
            .map_err(|e| corrupt(format!("annotations JSON: {e}")))?;
        Ok((
            seq,
            Document {
                id: self.id,
                url: self.url,
                title: self.title,
                published: self.published,
                language: self.language,
                author: self.author,
                text: self.text,
                diseases: a.diseases,
                places: a.places,
                dates: a.dates,
                counts: a.counts,
                facts: a.facts,
                actions: a.actions,
                shortages: a.shortages,
                quotes: a.quotes,
                measures: a.measures,
            },
        ))
    }
}

/// A column of the wrong type in a stored row is corrupt data, not an SQLite failure.
fn corrupt_on_type(e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::InvalidColumnType(..) | rusqlite::Error::FromSqlConversionFailure(..) => {
            Error::Corrupt {
                seq: 0,
                reason: e.to_string(),
            }
        }
        other => Error::Sqlite(other),
    }
}

/// A non-negative count column.
fn count(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let n: i64 = row.get(idx)?;
    u64::try_from(n).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(idx, n))
}

fn len_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn offset_i64(key: &InputKey, offset: u64) -> Result<i64> {
    i64::try_from(offset).map_err(|_| Error::Invalid {
        id: key.path.clone(),
        reason: format!("offset {offset} is out of range"),
    })
}

fn input_size(key: &InputKey) -> Result<i64> {
    i64::try_from(key.size).map_err(|_| Error::Invalid {
        id: key.path.clone(),
        reason: format!("size {} is out of range", key.size),
    })
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-wal");
    PathBuf::from(name)
}

/// Size of a file, 0 if it does not exist.
fn file_len(path: &Path) -> Result<u64> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
