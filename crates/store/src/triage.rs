//! Analyst triage of events and the API tokens that authorise it.
//!
//! Two side tables, created by the first write with `CREATE TABLE IF NOT EXISTS`, so they need
//! no schema migration and never touch the documents (reads treat a missing table as empty, so
//! they cost one cached statement, not a schema check):
//!
//! - `api_tokens`: one row per named token, holding only a hash of the secret (the caller hashes;
//!   the store never sees a token in clear);
//! - `triage`: an append-only log of triage decisions per event id; the latest row is the event's
//!   current triage, all rows are its history.

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Error, Result, SqliteStore};

/// Hash of an API token (the caller chooses the hash function; 32 bytes).
pub type TokenHash = [u8; 32];

const CREATE_TABLES: &str = "
    CREATE TABLE IF NOT EXISTS api_tokens (
        name        TEXT PRIMARY KEY,
        hash        BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
        created_at  TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS triage (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        event   TEXT NOT NULL,
        status  TEXT NOT NULL CHECK (status IN ('relevant', 'dismissed', 'escalated')),
        note    TEXT NOT NULL,
        user    TEXT NOT NULL,
        at      TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS triage_by_event ON triage (event, seq);
";

/// Creates the triage and token tables when missing. Called by the methods that write; the
/// store's `open` may call it too.
pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(CREATE_TABLES)?;
    Ok(())
}

/// Whether an error says one of the tables does not exist yet (nothing was ever written).
fn no_table(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.starts_with("no such table"))
}

/// A read on the side tables: a missing table reads as `empty`.
fn read<T>(empty: T, f: impl FnOnce() -> rusqlite::Result<T>) -> Result<T> {
    match f() {
        Err(e) if no_table(&e) => Ok(empty),
        other => Ok(other?),
    }
}

/// An analyst's verdict on an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TriageStatus {
    /// Worth following.
    Relevant,
    /// Noise, or not an outbreak.
    Dismissed,
    /// Passed on for action.
    Escalated,
}

impl TriageStatus {
    /// Every status, in a stable order.
    pub const ALL: [TriageStatus; 3] = [
        TriageStatus::Relevant,
        TriageStatus::Dismissed,
        TriageStatus::Escalated,
    ];

    /// The lowercase name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageStatus::Relevant => "relevant",
            TriageStatus::Dismissed => "dismissed",
            TriageStatus::Escalated => "escalated",
        }
    }
}

impl fmt::Display for TriageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TriageStatus {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<TriageStatus, String> {
        TriageStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                format!("unknown triage status {s:?}; expected relevant, dismissed or escalated")
            })
    }
}

/// One triage decision on an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    /// The verdict.
    pub status: TriageStatus,
    /// Free-text note (may be empty).
    pub note: String,
    /// Who decided: the name of the token used.
    pub user: String,
    /// When, RFC 3339.
    pub at: String,
}

impl SqliteStore {
    /// Registers a token `name` with the hash of its secret; `created_at` is an RFC 3339 time.
    /// Fails with [`Error::Invalid`] when the name is empty or already taken, or the hash is
    /// already registered.
    pub fn create_token(&self, name: &str, hash: &TokenHash, created_at: &str) -> Result<()> {
        migrate(&self.conn)?;
        if name.trim().is_empty() {
            return Err(Error::Invalid {
                id: name.to_owned(),
                reason: "a token name cannot be empty".to_owned(),
            });
        }
        let taken: Option<String> = self
            .conn
            .prepare_cached("SELECT name FROM api_tokens WHERE name = ?1 OR hash = ?2")?
            .query_row(params![name, &hash[..]], |row| row.get(0))
            .optional()?;
        if let Some(existing) = taken {
            let reason = if existing == name {
                "a token with this name exists; revoke it first".to_owned()
            } else {
                "this token hash is already registered".to_owned()
            };
            return Err(Error::Invalid {
                id: name.to_owned(),
                reason,
            });
        }
        self.conn
            .prepare_cached("INSERT INTO api_tokens (name, hash, created_at) VALUES (?1, ?2, ?3)")?
            .execute(params![name, &hash[..], created_at])?;
        Ok(())
    }

    /// The name of the token with this hash, `None` when no token has it.
    pub fn check_token(&self, hash: &TokenHash) -> Result<Option<String>> {
        read(None, || {
            self.conn
                .prepare_cached("SELECT name FROM api_tokens WHERE hash = ?1")?
                .query_row(params![&hash[..]], |row| row.get(0))
                .optional()
        })
    }

    /// Deletes the token `name`; returns whether it existed.
    pub fn revoke_token(&self, name: &str) -> Result<bool> {
        migrate(&self.conn)?;
        let n = self
            .conn
            .prepare_cached("DELETE FROM api_tokens WHERE name = ?1")?
            .execute(params![name])?;
        Ok(n > 0)
    }

    /// The names of all tokens with their creation times, by name.
    pub fn tokens(&self) -> Result<Vec<(String, String)>> {
        read(Vec::new(), || {
            self.conn
                .prepare_cached("SELECT name, created_at FROM api_tokens ORDER BY name")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        })
    }

    /// Records a triage decision on `event` (appended to its history; it becomes the current
    /// triage). The store does not check that the event exists: the caller does.
    pub fn set_triage(&self, event: &str, triage: &Triage) -> Result<()> {
        migrate(&self.conn)?;
        self.conn
            .prepare_cached(
                "INSERT INTO triage (event, status, note, user, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                event,
                triage.status.as_str(),
                triage.note,
                triage.user,
                triage.at
            ])?;
        Ok(())
    }

    /// The current (latest) triage of `event`, `None` when it was never triaged.
    pub fn triage_of(&self, event: &str) -> Result<Option<Triage>> {
        let raw = read(None, || {
            self.conn
                .prepare_cached(
                    "SELECT status, note, user, at FROM triage WHERE event = ?1
                     ORDER BY seq DESC LIMIT 1",
                )?
                .query_row(params![event], read_row)
                .optional()
        })?;
        raw.map(decode).transpose()
    }

    /// Every triage decision on `event`, oldest first.
    pub fn triage_history(&self, event: &str) -> Result<Vec<Triage>> {
        let raws = read(Vec::new(), || {
            self.conn
                .prepare_cached(
                    "SELECT status, note, user, at FROM triage WHERE event = ?1 ORDER BY seq",
                )?
                .query_map(params![event], read_row)?
                .collect()
        })?;
        raws.into_iter().map(decode).collect()
    }
}

type RawTriage = (String, String, String, String);

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawTriage> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn decode((status, note, user, at): RawTriage) -> Result<Triage> {
    let status = status
        .parse()
        .map_err(|reason| Error::Corrupt { seq: 0, reason })?;
    Ok(Triage {
        status,
        note,
        user,
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triage(status: TriageStatus, note: &str, at: &str) -> Triage {
        Triage {
            status,
            note: note.to_owned(),
            user: "ana".to_owned(),
            at: at.to_owned(),
        }
    }

    #[test]
    fn tokens_are_found_by_hash_and_names_are_unique() {
        let store = SqliteStore::open_in_memory().unwrap();
        let h1 = [1u8; 32];
        let h2 = [2u8; 32];
        assert_eq!(store.check_token(&h1).unwrap(), None);
        store
            .create_token("ana", &h1, "2026-01-01T00:00:00Z")
            .unwrap();
        assert_eq!(store.check_token(&h1).unwrap().as_deref(), Some("ana"));
        assert_eq!(store.check_token(&h2).unwrap(), None);
        assert!(matches!(
            store.create_token("ana", &h2, "2026-01-01T00:00:00Z"),
            Err(Error::Invalid { .. })
        ));
        assert!(matches!(
            store.create_token("bob", &h1, "2026-01-01T00:00:00Z"),
            Err(Error::Invalid { .. })
        ));
        assert!(matches!(
            store.create_token(" ", &h2, "2026-01-01T00:00:00Z"),
            Err(Error::Invalid { .. })
        ));
        assert_eq!(store.tokens().unwrap().len(), 1);
        assert!(store.revoke_token("ana").unwrap());
        assert!(!store.revoke_token("ana").unwrap());
        assert_eq!(store.check_token(&h1).unwrap(), None);
    }

    #[test]
    fn triage_history_keeps_every_decision_and_the_latest_is_current() {
        let store = SqliteStore::open_in_memory().unwrap();
        assert_eq!(store.triage_of("E1").unwrap(), None);
        assert!(store.triage_history("E1").unwrap().is_empty());
        let first = triage(TriageStatus::Relevant, "watch", "2026-01-01T00:00:00Z");
        let second = triage(TriageStatus::Escalated, "", "2026-01-02T00:00:00Z");
        store.set_triage("E1", &first).unwrap();
        store.set_triage("E1", &second).unwrap();
        store
            .set_triage("E2", &triage(TriageStatus::Dismissed, "noise", "x"))
            .unwrap();
        assert_eq!(store.triage_of("E1").unwrap(), Some(second.clone()));
        assert_eq!(store.triage_history("E1").unwrap(), vec![first, second]);
        assert_eq!(store.triage_history("E2").unwrap().len(), 1);
    }

    #[test]
    fn reads_on_a_store_never_written_are_empty_and_create_nothing() {
        let store = SqliteStore::open_in_memory().unwrap();
        assert_eq!(store.check_token(&[1u8; 32]).unwrap(), None);
        assert!(store.tokens().unwrap().is_empty());
        assert_eq!(store.triage_of("E1").unwrap(), None);
        assert!(store.triage_history("E1").unwrap().is_empty());
        let tables: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('triage', 'api_tokens')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn status_parses_only_known_names() {
        for s in TriageStatus::ALL {
            assert_eq!(s.as_str().parse::<TriageStatus>().unwrap(), s);
        }
        assert!("Relevant".parse::<TriageStatus>().is_err());
        assert!("".parse::<TriageStatus>().is_err());
    }

    #[test]
    fn tables_survive_reopening_a_file_store() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SqliteStore::open(dir.path()).unwrap();
            store.create_token("ana", &[7u8; 32], "t").unwrap();
            store
                .set_triage("E1", &triage(TriageStatus::Relevant, "n", "t"))
                .unwrap();
        }
        let store = SqliteStore::open_existing(dir.path()).unwrap();
        assert_eq!(
            store.check_token(&[7u8; 32]).unwrap().as_deref(),
            Some("ana")
        );
        assert_eq!(store.triage_history("E1").unwrap().len(), 1);
    }
}
