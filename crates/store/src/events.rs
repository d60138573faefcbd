//! Events in the SQLite store: the [`EventBackend`] that consolidation writes through, and the
//! queries that list and show events and signals.

use epiwire_consolidate::{
    Changes, Conflict, DfTable, EventBackend, EventDetail, EventFilter, EventProfile, EventState,
    EventSummary, Figure, Member, Series, SeriesKey, SeriesPart, SeriesSelect, Signal, State,
};
use epiwire_model::Document;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::sqlite::SqliteStore;
use crate::{Error, Result, Store};

/// Signal kinds an event carries itself (the others are volume signals of a disease × country).
const EVENT_SIGNAL_KINDS: &[&str] = &["new_event", "jump"];

/// The events of a disease × country whose span meets a date range, with that disease and
/// country their main ones (`events_running`). The tags narrow the events down; the main
/// disease and country are the columns the list record's are copied to (schema 9; they were
/// read with `json_extract` from the list record, a JSON parse of every event of the tags in
/// the date range: 361 M of the 10,478 M instructions of the issue-7 profile).
pub(crate) const EVENTS_RUNNING: &str =
    "SELECT e.id, e.first_seen, coalesce(e.last_seen, e.first_seen) FROM events e
     JOIN event_tags d ON d.event = e.id AND d.kind = 'disease' AND d.value = ?1
     JOIN event_tags c ON c.event = e.id AND c.kind = 'country' AND c.value = ?2
     WHERE e.first_seen <= ?4 AND coalesce(e.last_seen, e.first_seen) >= ?3
       AND e.main_disease = ?1 AND e.main_country = ?2
     ORDER BY e.id";

fn json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, &e))
}

/// A stored value that does not read back.
fn corrupt(what: &str, e: &serde_json::Error) -> Error {
    Error::Corrupt {
        seq: 0,
        reason: format!("{what}: {e}"),
    }
}

/// A stored profile: binary ([`crate::profile`], schema 10) or, written before it, JSON text.
fn read_profile(v: rusqlite::types::ValueRef<'_>) -> Result<EventProfile> {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Blob(b) => crate::profile::decode(b),
        ValueRef::Text(t) => {
            let t = std::str::from_utf8(t).map_err(|_| Error::Corrupt {
                seq: 0,
                reason: "event profile: not UTF-8".into(),
            })?;
            json(t, "event profile")
        }
        _ => Err(Error::Corrupt {
            seq: 0,
            reason: "event profile: neither a blob nor text".into(),
        }),
    }
}

/// A buffer the JSON text of a row is written into and bound from, reused row after row:
/// `serde_json::to_string` starts a new one at 128 bytes for every value and grows it by
/// doubling (a member is ~6 KB of JSON, a list record ~2 KB and up to ~60 KB). The text is
/// bound as it is written, the bytes `to_string` would give, without a copy.
#[derive(Default)]
pub(crate) struct JsonText(Vec<u8>);

impl JsonText {
    /// `value` as JSON text, to bind as a statement's parameter.
    pub(crate) fn of<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.clear();
        serde_json::to_writer(&mut self.0, value)?;
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

fn i64_of(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl EventBackend for SqliteStore {
    type Error = Error;

    fn state(&self) -> Result<State> {
        // One read transaction, so that the counts and the watermark are of one snapshot.
        let tx = self.conn.unchecked_transaction()?;
        let row: Option<(i64, i64, String)> = tx
            .prepare_cached("SELECT watermark, docs, df FROM consolidation WHERE id = 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((watermark, docs, base)) = row else {
            return Ok(State::default());
        };
        // A table from before the log, then the log.
        let mut df: DfTable = if base.is_empty() {
            DfTable::new()
        } else {
            json(&base, "consolidation df")?
        };
        df.docs = u64::try_from(docs).unwrap_or(0);
        let mut stmt = tx.prepare_cached("SELECT counts FROM consolidation_df ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let blob = r.get_ref(0)?.as_blob().map_err(|_| Error::Corrupt {
                seq: 0,
                reason: "consolidation df: counts are not a blob".into(),
            })?;
            decode_counts(blob, &mut df.df)?;
        }
        Ok(State {
            watermark: u64::try_from(watermark).unwrap_or(0),
            df,
        })
    }

    fn watermark(&self) -> Result<u64> {
        let w: Option<i64> = self
            .conn
            .prepare_cached("SELECT watermark FROM consolidation WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(w.and_then(|w| u64::try_from(w).ok()).unwrap_or(0))
    }

    fn pending(&self, after: u64, limit: usize) -> Result<Vec<(u64, Document)>> {
        self.documents(after, limit)
    }

    fn candidates(&self, keys: &[String]) -> Result<Vec<(String, EventProfile)>> {
        let ids = self.candidate_ids(keys)?;
        self.profiles(&ids)
    }

    fn candidate_ids(&self, keys: &[String]) -> Result<Vec<String>> {
        let mut ids: Vec<String> = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT event FROM event_keys WHERE key = ?1")?;
        for k in keys {
            for id in stmt.query_map([k], |r| r.get::<_, String>(0))? {
                ids.push(id?);
            }
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    fn profiles(&self, ids: &[String]) -> Result<Vec<(String, EventProfile)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT profile FROM events WHERE id = ?1")?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let mut rows = stmt.query([id])?;
            if let Some(r) = rows.next()? {
                out.push((id.clone(), read_profile(r.get_ref(0)?)?));
            }
        }
        Ok(out)
    }

    fn members(&self, event: &str) -> Result<Vec<Member>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT member FROM event_docs WHERE event = ?1 ORDER BY doc_seq")?;
        let rows = stmt
            .query_map([event], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        rows.iter().map(|m| json(m, "event member")).collect()
    }

    fn member_seqs(&self, event: &str) -> Result<Vec<u64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc_seq FROM event_docs WHERE event = ?1 ORDER BY doc_seq")?;
        let rows = stmt
            .query_map([event], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|s| u64::try_from(s).ok())
            .collect())
    }

    fn event_state(&self, event: &str) -> Result<Option<EventState>> {
        let state: Option<String> = self
            .conn
            .prepare_cached("SELECT state FROM events WHERE id = ?1")?
            .query_row([event], |r| r.get(0))
            .optional()?;
        let Some(state) = state else { return Ok(None) };
        let mut state: EventState = json(&state, "event state")?;
        // The series metas live apart, one row each.
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, meta FROM event_metas WHERE event = ?1")?;
        let mut rows = stmt.query([event])?;
        while let Some(r) = rows.next()? {
            let key = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let meta = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            state.series.insert(
                json(key, "event series meta key")?,
                json(meta, "event series meta")?,
            );
        }
        Ok(Some(state))
    }

    fn series(&self, event: &str, which: SeriesSelect<'_>) -> Result<Vec<SeriesPart>> {
        self.series_skipping(event, which, &[])
    }

    fn series_without(
        &self,
        event: &str,
        which: SeriesSelect<'_>,
        skip: &[SeriesKey],
    ) -> Result<Vec<SeriesPart>> {
        let skip = skip
            .iter()
            .map(serde_json::to_string)
            .collect::<serde_json::Result<Vec<String>>>()?;
        self.series_skipping(event, which, &skip)
    }

    fn volume(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, n FROM volume WHERE disease = ?1 AND country = ?2 AND day BETWEEN ?3 AND ?4
             ORDER BY day",
        )?;
        let rows = stmt
            .query_map(params![disease, country, from, to], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn volume_signals(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<Signal>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT signal FROM signals
             WHERE event = '' AND disease = ?1 AND country = ?2 AND date BETWEEN ?3 AND ?4
             ORDER BY date, kind",
        )?;
        let mut out = Vec::new();
        let mut rows = stmt.query(params![disease, country, from, to])?;
        while let Some(r) = rows.next()? {
            let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            // The rows' own reader: what serde_json reads, with less work (README, store15).
            out.push(crate::signal_json::decode(text).map_err(|e| corrupt("signal", &e))?);
        }
        Ok(out)
    }

    fn events_running(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare_cached(EVENTS_RUNNING)?;
        let rows = stmt
            .query_map(params![disease, country, from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<Vec<(String, String, String)>>>()?;
        Ok(rows)
    }

    fn summary(&self, event: &str) -> Result<Option<EventSummary>> {
        let summary: Option<String> = self
            .conn
            .prepare_cached("SELECT summary FROM events WHERE id = ?1")?
            .query_row([event], |r| r.get(0))
            .optional()?;
        summary.map(|s| json(&s, "event summary")).transpose()
    }

    fn seen_between(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
        except: &str,
    ) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM events e
                 JOIN event_tags d ON d.event = e.id AND d.kind = 'disease' AND d.value = ?1
                 JOIN event_tags c ON c.event = e.id AND c.kind = 'country' AND c.value = ?2
                 WHERE e.id <> ?5 AND e.last_seen >= ?3 AND e.first_seen < ?4
                 LIMIT 1",
            )?
            .exists(params![disease, country, from, to, except])?)
    }

    fn new_event_signals(
        &self,
        disease: &str,
        country: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT event, date FROM signals
             WHERE kind = 'new_event' AND disease = ?1 AND country = ?2 AND date BETWEEN ?3 AND ?4
               AND event <> ''
             ORDER BY date, event",
        )?;
        let rows = stmt
            .query_map(params![disease, country, from, to], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
        Ok(rows)
    }

    fn begin_reads(&self) -> Result<()> {
        // Inside a transaction of the caller's, the reads are in its snapshot already.
        if !self.reads.get() && self.conn.is_autocommit() {
            self.conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
            self.reads.set(true);
        }
        Ok(())
    }

    fn end_reads(&self) -> Result<()> {
        if self.reads.replace(false) && !self.conn.is_autocommit() {
            // Nothing was written: the commit only drops the snapshot and its lock.
            self.conn.prepare_cached("COMMIT")?.execute([])?;
        }
        Ok(())
    }

    fn apply(&mut self, changes: &Changes) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        write_df(&tx, changes)?;
        for (from, into) in &changes.merged {
            tx.execute(
                "UPDATE event_docs SET event = ?2 WHERE event = ?1",
                params![from, into],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO event_keys (key, event) SELECT key, ?2 FROM event_keys WHERE event = ?1",
                params![from, into],
            )?;
            for table in [
                "event_keys",
                "event_tags",
                "signals",
                "event_series",
                "event_figures",
                "event_metas",
            ] {
                tx.execute(&format!("DELETE FROM {table} WHERE event = ?1"), [from])?;
            }
            tx.execute("DELETE FROM events WHERE id = ?1", [from])?;
        }
        {
            // Two buffers: a statement binds at most two JSON texts.
            let (mut text, mut text2) = (JsonText::default(), JsonText::default());
            let mut put_member = tx.prepare_cached(
                "INSERT OR REPLACE INTO event_docs (doc_seq, event, member) VALUES (?1, ?2, ?3)",
            )?;
            for (event, m) in &changes.members {
                put_member.execute(params![i64_of(m.seq), event, text.of(m)?])?;
            }
            let mut put_event = tx.prepare_cached(
                "INSERT OR REPLACE INTO events
                 (id, relevance, first_seen, last_seen, documents, profile, summary, state,
                  main_disease, main_country)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut put_key =
                tx.prepare_cached("INSERT OR IGNORE INTO event_keys (key, event) VALUES (?1, ?2)")?;
            let mut put_meta = tx.prepare_cached(
                "INSERT OR REPLACE INTO event_metas (event, key, meta) VALUES (?1, ?2, ?3)",
            )?;
            let mut clear_meta =
                tx.prepare_cached("DELETE FROM event_metas WHERE event = ?1 AND key = ?2")?;
            let mut clear_metas = tx.prepare_cached("DELETE FROM event_metas WHERE event = ?1")?;
            let mut put_series = tx.prepare_cached(
                "INSERT OR REPLACE INTO event_series (event, key, disease, country, part)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut put_figures = tx.prepare_cached(
                "INSERT INTO event_figures (event, key, n, figures) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut clear_figures =
                tx.prepare_cached("DELETE FROM event_figures WHERE event = ?1 AND key = ?2")?;
            for rec in &changes.events {
                let s = rec.summary();
                put_event.execute(params![
                    s.id,
                    s.relevance,
                    s.first_seen,
                    s.last_seen,
                    i64_of(s.documents as u64),
                    crate::profile::encode(&rec.profile)?,
                    text.of(s)?,
                    text2.of(&rec.state.head())?,
                    s.diseases.first().map(|d| d.id.as_str()),
                    s.countries.first(),
                ])?;
                // The series metas the batch changed (all of them when it does not say).
                match &rec.metas {
                    Some(keys) => {
                        for k in keys {
                            let key = serde_json::to_string(k)?;
                            match rec.state.series.get(k) {
                                Some(m) => {
                                    put_meta.execute(params![s.id, key, text.of(m)?])?;
                                }
                                None => {
                                    clear_meta.execute(params![s.id, key])?;
                                }
                            }
                        }
                    }
                    None => {
                        clear_metas.execute([&s.id])?;
                        for (k, m) in &rec.state.series {
                            put_meta.execute(params![s.id, text.of(k)?, text2.of(m)?])?;
                        }
                    }
                }
                for part in &rec.series {
                    let key = serde_json::to_string(&part.key)?;
                    put_series.execute(params![
                        s.id,
                        key,
                        part.key.disease,
                        part.key.country,
                        text.of(&StoredPart::of(part))?,
                    ])?;
                    // Only the figures the batch added are written (the stored ones stay),
                    // sorted, so the rows merge back cheaply; a part given without them is
                    // written whole.
                    let added = rec
                        .appended
                        .iter()
                        .find(|(k, _)| *k == part.key)
                        .map(|(_, figures)| figures);
                    let (n, mut figures) = match added {
                        Some(added) => (
                            part.figures.len().saturating_sub(added.len()),
                            added.clone(),
                        ),
                        None => {
                            clear_figures.execute(params![s.id, key])?;
                            (0, part.figures.clone())
                        }
                    };
                    if !figures.is_empty() {
                        epiwire_consolidate::sort_figures(&mut figures);
                        put_figures.execute(params![
                            s.id,
                            key,
                            i64_of(n as u64),
                            text.of(&figures)?,
                        ])?;
                    }
                }
                put_keys(&tx, &mut put_key, &s.id, &rec.keys)?;
                write_tags(&tx, s, false)?;
                write_event_signals(&tx, s)?;
            }
            // Parts an event lost with members that left it (a split).
            for (event, key) in &changes.dropped_series {
                let key = serde_json::to_string(key)?;
                for table in ["event_series", "event_figures"] {
                    tx.prepare_cached(&format!(
                        "DELETE FROM {table} WHERE event = ?1 AND key = ?2"
                    ))?
                    .execute(params![event, key])?;
                }
            }
            let mut add_volume = tx.prepare_cached(
                "INSERT INTO volume (disease, country, day, n) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (disease, country, day) DO UPDATE SET n = n + excluded.n",
            )?;
            for (d, c, day, n) in &changes.volume {
                add_volume.execute(params![d, c, day, n])?;
            }
            // The days judged again get the batch's volume signals, and lose what they had (an
            // alarm the batch no longer raises is withdrawn).
            write_volume_signals(&tx, changes)?;
            // Events whose volume signals changed: their list record and signal tags.
            let mut put_summary = tx.prepare_cached(
                "UPDATE events SET relevance = ?2, summary = ?3, main_disease = ?4,
                 main_country = ?5 WHERE id = ?1",
            )?;
            for s in &changes.refreshed {
                put_summary.execute(params![
                    s.id,
                    s.relevance,
                    text.of(s)?,
                    s.diseases.first().map(|d| d.id.as_str()),
                    s.countries.first(),
                ])?;
                write_tags(&tx, s, true)?;
                // A refreshed record may have lost its new_event signal.
                write_event_signals(&tx, s)?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// Writes a batch's volume signals ([`Changes::signals`]): every day of
/// [`Changes::rejudged`] ends up with the batch's signals of that day and no other volume
/// signal, as if it were cleared and they were inserted (`INSERT OR REPLACE`, a later signal of
/// a kind replacing an earlier one). A day whose stored rows are already those (the same kinds,
/// the same score and the same JSON, byte for byte) is left as it is: most days a batch judges
/// again are judged as before, and clearing and inserting them again was half of a batch's
/// statements and a good part of the pages it wrote. A day that differs is written row by row:
/// a stored row of a kind the batch raises again with another score or JSON is updated in
/// place (its key columns, which every index of the table holds, stay, so only the table's own
/// B-tree is written: clearing the day and inserting its rows wrote all four, twice), a
/// stored row of a kind it no longer raises is deleted, a new kind inserted. Signals on days
/// not in `rejudged` are inserted or replaced.
pub(crate) fn write_volume_signals(
    tx: &rusqlite::Transaction<'_>,
    changes: &Changes,
) -> Result<()> {
    use std::collections::BTreeMap;
    type Day<'a> = (&'a str, &'a str, &'a str);
    // The rows each day should hold, by kind (the last of a kind wins, as a replace would).
    let mut wanted: BTreeMap<Day<'_>, BTreeMap<&str, (f64, String)>> = BTreeMap::new();
    for sig in &changes.signals {
        let day = (
            sig.disease.as_deref().unwrap_or(""),
            sig.country.as_deref().unwrap_or(""),
            sig.date.as_str(),
        );
        wanted
            .entry(day)
            .or_default()
            .insert(sig.kind.as_str(), (sig.score, serde_json::to_string(sig)?));
    }
    let mut stored = tx.prepare_cached(
        "SELECT date, kind, score, signal FROM signals
         WHERE event = '' AND disease = ?1 AND country = ?2 AND date BETWEEN ?3 AND ?4",
    )?;
    let mut drop_row = tx.prepare_cached(
        "DELETE FROM signals
         WHERE kind = ?1 AND disease = ?2 AND country = ?3 AND date = ?4 AND event = ''",
    )?;
    let mut restate = tx.prepare_cached(
        "UPDATE signals SET score = ?5, signal = ?6
         WHERE kind = ?1 AND disease = ?2 AND country = ?3 AND date = ?4 AND event = ''",
    )?;
    let mut put_signal = tx.prepare_cached(
        "INSERT OR REPLACE INTO signals (kind, disease, country, date, event, score, signal)
         VALUES (?1, ?2, ?3, ?4, '', ?5, ?6)",
    )?;
    let empty = BTreeMap::new();
    let rejudged: Vec<&(String, String, String)> = changes.rejudged.iter().collect();
    for run in rejudged_runs(&rejudged) {
        let (Some((d, c, first)), Some((_, _, last))) = (run.first(), run.last()) else {
            continue;
        };
        // The stored rows of the run's days, read in one range (a statement per day was most
        // of the cost: most days judged again hold no volume signal), by the day's index.
        let mut held: Vec<Vec<(String, f64, String)>> = vec![Vec::new(); run.len()];
        let mut found = stored.query(params![d, c, first, last])?;
        while let Some(r) = found.next()? {
            let date = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let Ok(at) = run.binary_search_by(|(_, _, day)| day.as_str().cmp(date)) else {
                continue;
            };
            let kind = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let json = r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
            held[at].push((kind.to_string(), r.get(2)?, json.to_string()));
        }
        drop(found);
        for ((d, c, day), rows) in run.iter().zip(&held) {
            let key = (d.as_str(), c.as_str(), day.as_str());
            let want = wanted.remove(&key);
            let want = want.as_ref().unwrap_or(&empty);
            // A day holds at most one volume signal of a kind (the key's other columns are
            // the day's), so the stored rows and the wanted ones meet by kind.
            for (kind, score, json) in rows {
                match want.get(kind.as_str()) {
                    Some((sc, text)) if sc.to_bits() == score.to_bits() && text == json => {}
                    Some((sc, text)) => {
                        restate.execute(params![kind, d, c, day, sc, text])?;
                    }
                    None => {
                        drop_row.execute(params![kind, d, c, day])?;
                    }
                }
            }
            for (kind, (score, json)) in want {
                if !rows.iter().any(|(k, _, _)| k == kind) {
                    put_signal.execute(params![kind, d, c, day, score, json])?;
                }
            }
        }
    }
    // Signals of days the batch did not say it judged again (none, as consolidation builds a
    // batch) are inserted or replaced.
    for ((d, c, day), want) in &wanted {
        for (kind, (score, json)) in want {
            put_signal.execute(params![kind, d, c, day, score, json])?;
        }
    }
    Ok(())
}

/// Days further apart than this (roughly, in days) are read in separate ranges by
/// [`write_volume_signals`], so that a range does not read the signals of the days between.
const RUN_GAP_DAYS: i64 = 62;

/// The (disease, country, day) keys `rejudged` (sorted) cut into runs of one disease × country
/// whose days are at most about [`RUN_GAP_DAYS`] apart (a day that does not read as
/// `YYYY-MM-DD` ends its run).
fn rejudged_runs<'a, 'k>(
    rejudged: &'a [&'k (String, String, String)],
) -> impl Iterator<Item = &'a [&'k (String, String, String)]> {
    /// A number that grows with the day, by about one a day.
    fn day_number(day: &str) -> Option<i64> {
        let mut parts = day.get(..10)?.splitn(3, '-');
        let mut next = || parts.next()?.parse::<i64>().ok();
        let (y, m, d) = (next()?, next()?, next()?);
        Some(y * 372 + m * 31 + d)
    }
    rejudged.chunk_by(|(d1, c1, a), (d2, c2, b)| {
        d1 == d2
            && c1 == c2
            && day_number(a)
                .zip(day_number(b))
                .is_some_and(|(a, b)| b - a <= RUN_GAP_DAYS)
    })
}

/// Rows of the multi-row inserts of [`put_keys`], largest first (the last is the one-row
/// statement the caller holds).
const KEY_ROWS: [usize; 2] = [32, 8];

/// The statements of [`KEY_ROWS`], built once.
static INSERT_KEYS: std::sync::LazyLock<[String; 2]> =
    std::sync::LazyLock::new(|| KEY_ROWS.map(insert_keys_sql));

/// `INSERT OR IGNORE` of `rows` (key, event) rows into `event_keys`.
fn insert_keys_sql(rows: usize) -> String {
    let mut sql = String::from("INSERT OR IGNORE INTO event_keys (key, event) VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(?{}, ?{})", 2 * i + 1, 2 * i + 2));
    }
    sql
}

/// Indexes an event under its keys (those it has already stay): the same rows as one
/// `INSERT OR IGNORE` per key (`one`, the reference the tests hold this to), in statements of
/// [`KEY_ROWS`] rows while as many are left. Most of a batch's statements were these (a
/// document brings ~30 keys, its 16 MinHash band keys its own), and a statement's own cost
/// (binding, starting the program, opening the table and its index) was about half of a row's.
pub(crate) fn put_keys(
    tx: &rusqlite::Transaction<'_>,
    one: &mut rusqlite::CachedStatement<'_>,
    event: &str,
    keys: &[String],
) -> Result<()> {
    let mut rest = keys;
    for (rows, sql) in KEY_ROWS.iter().copied().zip(INSERT_KEYS.iter()) {
        if rest.len() < rows {
            continue;
        }
        let mut stmt = tx.prepare_cached(sql)?;
        while rest.len() >= rows {
            let (chunk, tail) = rest.split_at(rows);
            stmt.execute(rusqlite::params_from_iter(
                chunk.iter().flat_map(|k| [k.as_str(), event]),
            ))?;
            rest = tail;
        }
    }
    for k in rest {
        one.execute(params![k, event])?;
    }
    Ok(())
}

/// Writes an event's filter tags (disease ids, lower-case disease names, countries, signal
/// kinds; only the signal kinds when `signals_only`) as its list record gives them: the stored
/// tags are read and only those that differ are deleted or inserted, so that a touch that
/// changes no tag writes none (most touches: they were deleted and inserted again each time).
fn write_tags(tx: &rusqlite::Transaction<'_>, s: &EventSummary, signals_only: bool) -> Result<()> {
    use std::collections::BTreeSet;
    // Borrowed tags: a large event carries hundreds of signals, and the kind of each was
    // copied into the set.
    let names: Vec<String> = if signals_only {
        Vec::new()
    } else {
        s.diseases.iter().map(|d| d.name.to_lowercase()).collect()
    };
    let mut want: BTreeSet<(&str, &str)> = BTreeSet::new();
    if !signals_only {
        for (d, name) in s.diseases.iter().zip(&names) {
            want.insert(("disease", d.id.as_str()));
            want.insert(("disease_name", name.as_str()));
        }
        for c in &s.countries {
            want.insert(("country", c.as_str()));
        }
    }
    for sig in &s.signals {
        want.insert(("signal", sig.kind.as_str()));
    }
    let mut stored: Vec<(String, String)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached("SELECT kind, value FROM event_tags WHERE event = ?1")?;
        let mut rows = stmt.query([&s.id])?;
        while let Some(r) = rows.next()? {
            let kind = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            if signals_only && kind != "signal" {
                continue;
            }
            let value = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            match want
                .iter()
                .find(|(k, v)| *k == kind && *v == value)
                .copied()
            {
                Some(tag) => {
                    want.remove(&tag);
                }
                None => stored.push((kind.to_string(), value.to_string())),
            }
        }
    }
    let mut drop_tag =
        tx.prepare_cached("DELETE FROM event_tags WHERE kind = ?1 AND value = ?2 AND event = ?3")?;
    for (kind, value) in &stored {
        drop_tag.execute(params![kind, value, s.id])?;
    }
    let mut put_tag = tx.prepare_cached(
        "INSERT OR IGNORE INTO event_tags (kind, value, event) VALUES (?1, ?2, ?3)",
    )?;
    for (kind, value) in &want {
        put_tag.execute(params![kind, value, s.id])?;
    }
    Ok(())
}

/// Writes an event's own signals (new event, jumps) as its list record gives them, keyed like
/// the table (kind, disease, country, date; a later one of a key wins, as a replace would):
/// the stored rows are read and only those that differ are deleted, inserted or replaced (a
/// large event carries hundreds of jumps, which were all deleted and inserted again at each
/// touch).
fn write_event_signals(tx: &rusqlite::Transaction<'_>, s: &EventSummary) -> Result<()> {
    use std::collections::BTreeMap;
    type Key = [String; 4];
    let mut want: BTreeMap<Key, (f64, String)> = BTreeMap::new();
    for sig in &s.signals {
        if EVENT_SIGNAL_KINDS.contains(&sig.kind.as_str()) {
            want.insert(
                [
                    sig.kind.clone(),
                    sig.disease.clone().unwrap_or_default(),
                    sig.country.clone().unwrap_or_default(),
                    sig.date.clone(),
                ],
                (sig.score, serde_json::to_string(sig)?),
            );
        }
    }
    let mut gone: Vec<[String; 4]> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT kind, disease, country, date, score, signal FROM signals WHERE event = ?1",
        )?;
        let mut rows = stmt.query([&s.id])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str> {
                Ok(r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?)
            };
            let key: Key = [text(0)?, text(1)?, text(2)?, text(3)?].map(str::to_string);
            let score: f64 = r.get(4)?;
            let stored = text(5)?;
            match want.get(&key) {
                // Stored as wanted: nothing to write.
                Some((sc, json)) if sc.to_bits() == score.to_bits() && json == stored => {
                    want.remove(&key);
                }
                // Replaced below.
                Some(_) => {}
                None => gone.push(key),
            }
        }
    }
    let mut drop_signal = tx.prepare_cached(
        "DELETE FROM signals WHERE kind = ?1 AND disease = ?2 AND country = ?3 AND date = ?4
         AND event = ?5",
    )?;
    for [kind, disease, country, date] in &gone {
        drop_signal.execute(params![kind, disease, country, date, s.id])?;
    }
    let mut put_signal = tx.prepare_cached(
        "INSERT OR REPLACE INTO signals (kind, disease, country, date, event, score, signal)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for ([kind, disease, country, date], (score, json)) in &want {
        put_signal.execute(params![kind, disease, country, date, s.id, score, json])?;
    }
    Ok(())
}

/// Appends `(key, count)` to a document-frequency log blob: u32 LE key length, the key's bytes,
/// u32 LE count.
fn encode_count(out: &mut Vec<u8>, key: &str, n: u32) {
    out.extend_from_slice(&u32::try_from(key.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(&n.to_le_bytes());
}

/// Reads a document-frequency log blob into `df` (a later count of a key replaces an earlier
/// one).
fn decode_counts<S: std::hash::BuildHasher>(
    mut blob: &[u8],
    df: &mut std::collections::HashMap<String, u32, S>,
) -> Result<()> {
    let corrupt = || Error::Corrupt {
        seq: 0,
        reason: "consolidation df: truncated or invalid counts".into(),
    };
    let u32_at = |blob: &mut &[u8]| -> Result<u32> {
        let (head, rest) = blob.split_first_chunk::<4>().ok_or_else(corrupt)?;
        *blob = rest;
        Ok(u32::from_le_bytes(*head))
    };
    while !blob.is_empty() {
        let len = usize::try_from(u32_at(&mut blob)?).map_err(|_| corrupt())?;
        let (key, rest) = blob.split_at_checked(len).ok_or_else(corrupt)?;
        let key = std::str::from_utf8(key).map_err(|_| corrupt())?;
        blob = rest;
        let n = u32_at(&mut blob)?;
        match df.get_mut(key) {
            Some(v) => *v = n,
            None => {
                df.insert(key.to_string(), n);
            }
        }
    }
    Ok(())
}

/// Smallest log, in bytes, that is compacted: below it the log stays as it is.
const DF_LOG_MIN_COMPACT: i64 = 4 << 20;

/// Writes a batch's document frequencies: the counts of the keys the batch changed, appended to
/// the log. The log is rewritten as one entry holding the whole table when the batch pruned the
/// table, or when the log has grown past twice its largest entry (the last whole table, as a
/// rule) and [`DF_LOG_MIN_COMPACT`]: so each batch writes what it changed, plus, amortised, a
/// bounded multiple of it, and the log stays within a few times the table's size.
fn write_df(tx: &rusqlite::Transaction<'_>, changes: &Changes) -> Result<()> {
    let df = &changes.state.df;
    let (total, largest): (i64, i64) = tx
        .prepare_cached(
            "SELECT coalesce(sum(length(counts)), 0), coalesce(max(length(counts)), 0)
             FROM consolidation_df",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut blob = Vec::new();
    let whole = changes.df_pruned.is_some() || (total > DF_LOG_MIN_COMPACT && total > 2 * largest);
    if whole {
        let mut keys: Vec<(&String, &u32)> = df.df.iter().collect();
        keys.sort_unstable();
        for (k, n) in keys {
            encode_count(&mut blob, k, *n);
        }
        tx.prepare_cached("DELETE FROM consolidation_df")?
            .execute([])?;
    } else {
        for k in &changes.df_keys {
            if let Some(n) = df.df.get(k) {
                encode_count(&mut blob, k, *n);
            }
        }
    }
    tx.prepare_cached(
        "INSERT INTO consolidation (id, watermark, df, docs) VALUES (1, ?1, '', ?2)
         ON CONFLICT (id) DO UPDATE SET watermark = excluded.watermark, docs = excluded.docs,
             df = CASE WHEN ?3 THEN '' ELSE df END",
    )?
    .execute(params![
        i64_of(changes.state.watermark),
        i64_of(df.docs),
        whole
    ])?;
    if !blob.is_empty() || whole {
        tx.prepare_cached("INSERT INTO consolidation_df (counts) VALUES (?1)")?
            .execute([blob])?;
    }
    Ok(())
}

/// A series part as `event_series` keeps it: without its figures, which `event_figures` holds.
#[derive(serde::Serialize)]
struct StoredPart<'a> {
    key: &'a SeriesKey,
    figures: &'a [Figure],
    series: &'a Series,
    conflicts: &'a [Conflict],
}

impl<'a> StoredPart<'a> {
    fn of(part: &'a SeriesPart) -> StoredPart<'a> {
        StoredPart {
            key: &part.key,
            figures: &[],
            series: &part.series,
            conflicts: &part.conflicts,
        }
    }
}

impl SqliteStore {
    /// Stored series parts of an event, in key order, without decoding those whose stored key
    /// (its JSON) is in `skip`; each with its figures put back from `event_figures`.
    fn series_skipping(
        &self,
        event: &str,
        which: SeriesSelect<'_>,
        skip: &[String],
    ) -> Result<Vec<SeriesPart>> {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut take = |r: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
            let key = r.get_ref(0)?.as_str()?;
            if !skip.iter().any(|s| s == key) {
                rows.push((key.to_string(), r.get(1)?));
            }
            Ok(())
        };
        match which {
            SeriesSelect::All => {
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT key, part FROM event_series WHERE event = ?1")?;
                let mut found = stmt.query([event])?;
                while let Some(r) = found.next()? {
                    take(r)?;
                }
            }
            SeriesSelect::Keys(keys) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT key, part FROM event_series WHERE event = ?1 AND key = ?2",
                )?;
                for k in keys {
                    let key = serde_json::to_string(k)?;
                    let mut found = stmt.query(params![event, key])?;
                    if let Some(r) = found.next()? {
                        take(r)?;
                    }
                }
            }
            SeriesSelect::Of { disease, country } => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT key, part FROM event_series
                     WHERE event = ?1 AND disease IS ?2 AND country IS ?3",
                )?;
                let mut found = stmt.query(params![event, disease, country])?;
                while let Some(r) = found.next()? {
                    take(r)?;
                }
            }
        }
        let mut figures = self.conn.prepare_cached(
            "SELECT figures FROM event_figures WHERE event = ?1 AND key = ?2 ORDER BY n",
        )?;
        let mut parts: Vec<SeriesPart> = Vec::with_capacity(rows.len());
        for (key, part) in &rows {
            let mut part: SeriesPart = json(part, "event series")?;
            let mut found = figures.query(params![event, key])?;
            let mut runs = 0;
            while let Some(r) = found.next()? {
                let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
                // The rows' own reader: what serde_json reads, with less work (README, store14).
                crate::figure_json::decode_into(text, &mut part.figures)
                    .map_err(|e| corrupt("event figures", &e))?;
                runs += 1;
            }
            // Each row is sorted; the stable sort of the rows in order is the part's order
            // (that of SeriesPart::add, batch after batch).
            if runs > 1 {
                epiwire_consolidate::sort_figures(&mut part.figures);
            }
            parts.push(part);
        }
        parts.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(parts)
    }

    /// Events matching the filter, most relevant first.
    pub(crate) fn query_events(&self, f: &EventFilter) -> Result<Vec<EventSummary>> {
        self.filtered_json(
            "SELECT summary FROM events e
             WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM event_tags t WHERE t.event = e.id AND
                     ((t.kind = 'disease' AND t.value = ?1) OR (t.kind = 'disease_name' AND t.value = lower(?1)))))
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM event_tags t WHERE t.event = e.id AND t.kind = 'country' AND t.value = ?2))
               AND (?3 IS NULL OR e.last_seen >= ?3)
               AND (?4 IS NULL OR e.first_seen <= ?4)
               AND (?5 IS NULL OR EXISTS (SELECT 1 FROM event_tags t WHERE t.event = e.id AND t.kind = 'signal' AND t.value = ?5))
             ORDER BY e.relevance DESC, e.id
             LIMIT ?6 OFFSET ?7",
            f,
            "event summary",
        )
    }

    /// The JSON column of the rows a filter query selects, decoded. The query binds ?1 disease,
    /// ?2 country, ?3 from, ?4 to, ?5 signal kind, ?6 limit and ?7 offset.
    fn filtered_json<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        f: &EventFilter,
        what: &str,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map(
                params![
                    f.disease,
                    f.country,
                    f.from,
                    f.to,
                    f.signal,
                    i64_of(f.limit as u64),
                    i64_of(f.offset as u64)
                ],
                |r| r.get::<_, String>(0),
            )?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        rows.iter().map(|s| json(s, what)).collect()
    }

    /// One event with its timeline and sources, put together from its list record, its members
    /// and its series parts.
    pub(crate) fn query_event(&self, id: &str) -> Result<Option<EventDetail>> {
        let summary: Option<String> = self
            .conn
            .prepare_cached("SELECT summary FROM events WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let Some(summary) = summary else {
            return Ok(None);
        };
        let summary: EventSummary = json(&summary, "event summary")?;
        let members = self.members(id)?;
        let parts = self.series(id, SeriesSelect::All)?;
        Ok(Some(epiwire_consolidate::detail(summary, &members, &parts)))
    }

    /// The event a document belongs to.
    pub(crate) fn query_event_of(&self, doc_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ed.event FROM documents d JOIN event_docs ed ON ed.doc_seq = d.seq
                 WHERE d.id = ?1 ORDER BY d.seq LIMIT 1",
            )?
            .query_row([doc_id], |r| r.get(0))
            .optional()?)
    }

    /// Signals matching the filter (disease, country, date range, kind), newest first.
    pub(crate) fn query_signals(&self, f: &EventFilter) -> Result<Vec<Signal>> {
        self.filtered_json("SELECT s.signal FROM signals s
             WHERE (?1 IS NULL OR s.disease = ?1 OR (s.event <> '' AND EXISTS (SELECT 1 FROM event_tags t
                     WHERE t.event = s.event AND t.kind = 'disease_name' AND t.value = lower(?1)))
                    OR lower(json_extract(s.signal, '$.disease_name')) = lower(?1))
               AND (?2 IS NULL OR s.country = ?2)
               AND (?3 IS NULL OR s.date >= ?3)
               AND (?4 IS NULL OR s.date <= ?4)
               AND (?5 IS NULL OR s.kind = ?5)
             ORDER BY s.date DESC, s.score DESC
             LIMIT ?6 OFFSET ?7", f, "signal")
    }

    /// Number of events.
    pub(crate) fn count_events(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM events")?
            .query_row([], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
