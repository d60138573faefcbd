//! Schema and migrations. The schema version lives in `PRAGMA user_version`; migration `n`
//! (1-based) takes the database from version `n - 1` to `n` and runs in one transaction together
//! with the version bump, so a kill during a migration leaves the previous version intact.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// Migration scripts; index `i` upgrades from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: initial schema.
    "
    CREATE TABLE documents (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,  -- insertion order, never reused
        hash         BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),  -- blake3 of the raw input
        id           TEXT NOT NULL,
        url          TEXT,
        title        TEXT,
        published    TEXT,
        language     TEXT,
        author       TEXT,
        source       TEXT NOT NULL,                      -- input path or URL
        ingested_at  INTEGER NOT NULL,                   -- Unix time, milliseconds, UTC
        -- Small derived figures, so that stats never read the text or the JSON.
        text_bytes   INTEGER NOT NULL,
        n_diseases   INTEGER NOT NULL,
        n_places     INTEGER NOT NULL,
        n_dates      INTEGER NOT NULL,
        n_counts     INTEGER NOT NULL,
        n_facts      INTEGER NOT NULL,
        -- Large columns last: SQLite reads the columns before them without touching overflow pages.
        text         TEXT NOT NULL,
        annotations  TEXT NOT NULL  -- JSON {diseases, places, dates, counts, facts, actions, shortages, quotes, measures}
    );
    CREATE INDEX documents_by_id ON documents (id, seq);

    CREATE TABLE facts (
        doc_seq    INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
        ord        INTEGER NOT NULL,  -- position in the document's facts array
        disease    TEXT,
        place      INTEGER,           -- GeoNames id
        country    TEXT,
        metric     TEXT NOT NULL,
        value      REAL NOT NULL,
        scope      TEXT NOT NULL,
        qualifier  TEXT NOT NULL,
        as_of      TEXT,
        PRIMARY KEY (doc_seq, ord)
    ) WITHOUT ROWID;
    CREATE INDEX facts_by_disease_country_as_of ON facts (disease, country, as_of);

    CREATE TABLE mentions (
        doc_seq  INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
        kind     TEXT NOT NULL CHECK (kind IN ('disease', 'place')),
        key      TEXT NOT NULL,      -- disease id, or GeoNames id in decimal
        n        INTEGER NOT NULL,   -- number of mentions in the document
        PRIMARY KEY (kind, key, doc_seq)
    ) WITHOUT ROWID;
    CREATE INDEX mentions_by_doc ON mentions (doc_seq);

    CREATE TABLE inputs_done (
        path      TEXT PRIMARY KEY,
        size      INTEGER NOT NULL,
        mtime_ns  INTEGER NOT NULL,
        done_at   INTEGER NOT NULL   -- Unix time, milliseconds, UTC
    );
    ",
    // 2: running totals for `stats`, kept in the same transaction as every insert, so that stats
    // never scan the documents table (one page read per document at 5 KB of text each). Filled
    // from the documents already stored.
    "
    CREATE TABLE totals (
        id              INTEGER PRIMARY KEY CHECK (id = 1),  -- exactly one row
        documents       INTEGER NOT NULL,
        with_title      INTEGER NOT NULL,
        with_published  INTEGER NOT NULL,
        text_bytes      INTEGER NOT NULL,
        diseases        INTEGER NOT NULL,
        places          INTEGER NOT NULL,
        dates           INTEGER NOT NULL,
        counts          INTEGER NOT NULL,
        facts           INTEGER NOT NULL,
        sources         INTEGER NOT NULL,   -- rows of the sources table
        first_ingest    INTEGER,            -- Unix ms of the first insert
        last_ingest     INTEGER             -- Unix ms of the last insert
    );
    INSERT INTO totals
    SELECT 1, count(*), count(title), count(published), coalesce(sum(text_bytes), 0),
           coalesce(sum(n_diseases), 0), coalesce(sum(n_places), 0), coalesce(sum(n_dates), 0),
           coalesce(sum(n_counts), 0), coalesce(sum(n_facts), 0),
           (SELECT count(DISTINCT source) FROM documents), min(ingested_at), max(ingested_at)
    FROM documents;

    -- Documents per language; `und` for none.
    CREATE TABLE language_counts (
        language   TEXT PRIMARY KEY,
        documents  INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO language_counts
    SELECT coalesce(language, 'und'), count(*) FROM documents GROUP BY 1;

    -- Documents per publication month, for publication dates starting with YYYY-MM.
    CREATE TABLE month_counts (
        month      TEXT PRIMARY KEY,
        documents  INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO month_counts
    SELECT substr(published, 1, 7), count(*) FROM documents
    WHERE published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' GROUP BY 1;

    -- Documents per source (input path or URL).
    CREATE TABLE sources (
        source     TEXT PRIMARY KEY,
        documents  INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO sources SELECT source, count(*) FROM documents GROUP BY source;
    ",
    // 3: events (consolidation). Derived from the documents: everything here can be rebuilt by
    // deleting these tables' rows and the watermark, then consolidating again.
    "
    CREATE TABLE consolidation (
        id         INTEGER PRIMARY KEY CHECK (id = 1),  -- exactly one row
        watermark  INTEGER NOT NULL,   -- documents with seq <= watermark are consolidated
        df         TEXT NOT NULL       -- JSON document-frequency table of the clusterer
    );
    CREATE TABLE events (
        id          TEXT PRIMARY KEY,  -- 'E' || seq of the founding document
        relevance   REAL NOT NULL,
        first_seen  TEXT,
        last_seen   TEXT,
        documents   INTEGER NOT NULL,
        profile     TEXT NOT NULL,     -- JSON EventProfile (clusterer)
        summary     TEXT NOT NULL,     -- JSON EventSummary
        detail      TEXT NOT NULL      -- JSON EventDetail
    );
    CREATE INDEX events_by_relevance ON events (relevance DESC, id);
    CREATE INDEX events_by_last_seen ON events (last_seen);
    -- Blocking keys: an event is a candidate for a document sharing one of its keys.
    CREATE TABLE event_keys (
        key    TEXT NOT NULL,
        event  TEXT NOT NULL,
        PRIMARY KEY (key, event)
    ) WITHOUT ROWID;
    CREATE INDEX event_keys_by_event ON event_keys (event);
    CREATE TABLE event_docs (
        doc_seq  INTEGER PRIMARY KEY REFERENCES documents (seq) ON DELETE CASCADE,
        event    TEXT NOT NULL,
        member   TEXT NOT NULL         -- JSON Member (features, figures, places)
    );
    CREATE INDEX event_docs_by_event ON event_docs (event, doc_seq);
    -- Filter values of an event: disease ids, lower-case disease names, countries, signal kinds.
    CREATE TABLE event_tags (
        kind   TEXT NOT NULL CHECK (kind IN ('disease', 'disease_name', 'country', 'signal')),
        value  TEXT NOT NULL,
        event  TEXT NOT NULL,
        PRIMARY KEY (kind, value, event)
    ) WITHOUT ROWID;
    CREATE INDEX event_tags_by_event ON event_tags (event);
    -- Documents per day per disease x country, for volume signals.
    CREATE TABLE volume (
        disease  TEXT NOT NULL,
        country  TEXT NOT NULL,
        day      TEXT NOT NULL,
        n        INTEGER NOT NULL,
        PRIMARY KEY (disease, country, day)
    ) WITHOUT ROWID;
    -- Signals: volume signals (event '') and each event's own (new_event, jump).
    CREATE TABLE signals (
        kind     TEXT NOT NULL,
        disease  TEXT NOT NULL,        -- '' when none
        country  TEXT NOT NULL,        -- '' when none
        date     TEXT NOT NULL,
        event    TEXT NOT NULL,        -- '' for volume signals
        score    REAL NOT NULL,
        signal   TEXT NOT NULL,        -- JSON Signal
        PRIMARY KEY (kind, disease, country, date, event)
    ) WITHOUT ROWID;
    CREATE INDEX signals_by_date ON signals (date);
    CREATE INDEX signals_by_event ON signals (event);
    ",
    // 4: resume points of input files, written in the same transaction as the documents read
    // before them, so a killed backfill restarts at the first record not stored.
    "
    CREATE TABLE input_checkpoints (
        path        TEXT PRIMARY KEY,
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        offset      INTEGER NOT NULL,  -- byte offset in the file; every record before it is done
        updated_at  INTEGER NOT NULL   -- Unix time, milliseconds, UTC
    );
    ",
    // 5: events kept up to date from their new members only. An event row holds its running
    // aggregates (`state`) instead of its full detail, and its reconciled figure series live one
    // row per series (`event_series`), so a batch reads and writes only the series it touches;
    // the detail is put together when read. Members carry disease weights. Events are derived:
    // every event table is emptied and the watermark reset, so the next run consolidates every
    // stored document again.
    "
    DELETE FROM consolidation;
    DELETE FROM event_keys;
    DELETE FROM event_tags;
    DELETE FROM volume;
    DELETE FROM signals;
    DROP TABLE event_docs;
    DROP TABLE events;
    CREATE TABLE events (
        id          TEXT PRIMARY KEY,  -- 'E' || seq of the founding document
        relevance   REAL NOT NULL,
        first_seen  TEXT,
        last_seen   TEXT,
        documents   INTEGER NOT NULL,
        profile     TEXT NOT NULL,     -- JSON EventProfile (clusterer)
        summary     TEXT NOT NULL,     -- JSON EventSummary
        state       TEXT NOT NULL      -- JSON EventState (running aggregates)
    );
    CREATE INDEX events_by_relevance ON events (relevance DESC, id);
    CREATE INDEX events_by_last_seen ON events (last_seen);
    CREATE TABLE event_docs (
        doc_seq  INTEGER PRIMARY KEY REFERENCES documents (seq) ON DELETE CASCADE,
        event    TEXT NOT NULL,
        member   TEXT NOT NULL         -- JSON Member (figures, diseases, places, response)
    );
    CREATE INDEX event_docs_by_event ON event_docs (event, doc_seq);
    -- One reconciled figure series of an event (JSON SeriesPart), keyed by its JSON SeriesKey.
    CREATE TABLE event_series (
        event    TEXT NOT NULL,
        key      TEXT NOT NULL,
        disease  TEXT,
        country  TEXT,
        part     TEXT NOT NULL,
        PRIMARY KEY (event, key)
    ) WITHOUT ROWID;
    CREATE INDEX event_series_by_subject ON event_series (event, disease, country);
    -- Volume signals of one disease x country by date (read for every event a batch touches).
    CREATE INDEX signals_by_subject ON signals (disease, country, date);
    ",
    // 6: the clusterer's document frequencies as a log of changes, so that a consolidation batch
    // appends the counts of the keys its documents changed (the whole table was one JSON value,
    // written at every batch: a few MB once the store is large). A JSON table already in
    // `consolidation.df` stays there as the base the log applies to, until the next compaction
    // writes the whole table to the log and empties it.
    "
    CREATE TABLE consolidation_df (
        seq     INTEGER PRIMARY KEY,  -- applied in this order; a key's last count wins
        counts  BLOB NOT NULL         -- (key, documents) pairs: u32 LE length, UTF-8 key, u32 LE count
    );
    ALTER TABLE consolidation ADD COLUMN docs INTEGER NOT NULL DEFAULT 0;  -- documents counted
    UPDATE consolidation SET docs = coalesce(json_extract(df, '$.docs'), 0) WHERE json_valid(df);
    ",
    // 7: the figures of a series part apart from it, appended a batch at a time: a part held
    // every figure of its series (with its sentence), so a batch that added one figure to a
    // large event rewrote hundreds of KB. `event_series.part` keeps the reconciled series and
    // its conflicts (its `figures` empty); a reader puts the figures back from the rows in
    // `event_figures` (in `sort_figures` order). The figures already stored move there.
    "
    CREATE TABLE event_figures (
        event    TEXT NOT NULL,
        key      TEXT NOT NULL,     -- JSON SeriesKey, as in event_series
        n        INTEGER NOT NULL,  -- figures of the series stored before this row's
        figures  TEXT NOT NULL,     -- JSON array of the figures one batch added
        PRIMARY KEY (event, key, n)
    ) WITHOUT ROWID;
    INSERT INTO event_figures (event, key, n, figures)
        SELECT event, key, 0, json_extract(part, '$.figures') FROM event_series
        WHERE json_array_length(part, '$.figures') > 0;
    UPDATE event_series SET part = json_set(part, '$.figures', json('[]'))
        WHERE json_array_length(part, '$.figures') > 0;
    ",
    // 8: the series metas of an event's running aggregates (what its signals need of each
    // series: jumps, death series) apart from them, one row each, so that a batch writes only
    // those it changed: `events.state` held every meta (750 KB for the 2009 influenza pandemic
    // event) and was written whole at every touch. A reader puts them back into the state.
    "
    CREATE TABLE event_metas (
        event  TEXT NOT NULL,
        key    TEXT NOT NULL,  -- JSON SeriesKey, as in event_series
        meta   TEXT NOT NULL,  -- JSON SeriesMeta
        PRIMARY KEY (event, key)
    ) WITHOUT ROWID;
    INSERT INTO event_metas (event, key, meta)
        SELECT e.id, json_extract(p.value, '$[0]'), json_extract(p.value, '$[1]')
        FROM events e, json_each(e.state, '$.series') p;
    UPDATE events SET state = json_remove(state, '$.series')
        WHERE json_type(state, '$.series') IS NOT NULL;
    ",
    // 9: an event's main disease and country (the first of its list record's) as columns, so
    // that a batch that changed the volume signals of a disease x country finds the events
    // that ran there without parsing their list records' JSON (`events_running`: 3.4 % of
    // consolidation's instructions on the 200 MB backfill, the JSON parse of ~45 list records
    // per look-up).
    "
    ALTER TABLE events ADD COLUMN main_disease TEXT;
    ALTER TABLE events ADD COLUMN main_country TEXT;
    UPDATE events SET main_disease = json_extract(summary, '$.diseases[0].id'),
                      main_country = json_extract(summary, '$.countries[0]');
    ",
    // 10: an event's clustering profile in a binary encoding (`crate::profile`) instead of
    // JSON: ~30 KB of JSON (16 MinHash signatures of 128 numbers, up to 600 weighted keys)
    // written at every touch of its event and parsed whenever a batch meets it as a candidate.
    // The column keeps its declared type (SQLite stores a blob as given); a reader tells the
    // forms apart by the value's type, so the JSON profiles stored before stay readable and are
    // replaced when their event is written again. Nothing in the data changes here: the version
    // keeps older builds, which read a profile as text, from opening the store.
    "
    -- events.profile: BLOB (binary EventProfile, from version 10) or TEXT (JSON, before)
    ",
    // 11: `events_running` (the events of a disease x country that ran in a date range, asked
    // once per disease x country whose volume signals a batch changed) read its candidates
    // through the disease tag: every event ever tagged with the disease, each looked up in
    // `events` for its dates and for `main_disease` and `main_country`, the last columns of a
    // row of ~10 KB, past its overflow pages (DOID:4492 x CN on the 200 MB backfill store: 304
    // pages read for 3 events). A covering index of the main disease, country and dates, with
    // the id, answers it from the events of the pair that started before the range's end.
    "
    CREATE INDEX events_by_main ON events (main_disease, main_country, first_seen, last_seen, id);
    ",
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Reads `PRAGMA user_version`.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Brings the schema up to [`SCHEMA_VERSION`]. Cheap when it is already current (one pragma read,
/// no write lock), so readers in other processes can open the store while a writer runs.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the schema up to version `target` (at most [`SCHEMA_VERSION`]; tests use older
/// versions to check the migrations themselves).
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = version(conn)?;
    if found >= target && found <= SCHEMA_VERSION {
        return Ok(());
    }
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    // IMMEDIATE takes the write lock at once; re-read the version under it in case another
    // process migrated in the meantime.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = version(&tx)?;
    if current > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    let start = usize::try_from(current).map_err(|_| Error::Corrupt {
        seq: 0,
        reason: format!("negative schema version {current}"),
    })?;
    let end = usize::try_from(target).unwrap_or(0).min(MIGRATIONS.len());
    for (i, script) in MIGRATIONS.iter().enumerate().take(end).skip(start) {
        tx.execute_batch(script)?;
        // i + 1 <= MIGRATIONS.len(), which fits an i64 (SCHEMA_VERSION is computed the same way).
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}
