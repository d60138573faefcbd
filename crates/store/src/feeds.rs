//! Side tables of `epiwire watch`: per-feed polling state and the feed items already seen.
//!
//! Created on first use with `CREATE TABLE IF NOT EXISTS`, outside the versioned schema: they
//! hold bookkeeping only (no document data), so an older epiwire simply ignores them. Each write
//! is its own statement (autocommit), so the state survives a kill at any moment; an item is
//! marked seen only after its document is committed, so a kill in between re-fetches it and the
//! content hash keeps the store free of duplicates.

use rusqlite::{OptionalExtension, params};

use crate::{Result, SqliteStore};

const FEED_TABLES: &str = "
CREATE TABLE IF NOT EXISTS feed_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    next_poll INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS feed_seen (
    key TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    seen_at INTEGER NOT NULL
);
";

/// What `epiwire watch` keeps about one feed between polls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    /// The feed's URL, as listed.
    pub url: String,
    /// The `ETag` of the last 200 response, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last 200 response, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When to poll next, Unix seconds (0: at once).
    pub next_poll: i64,
    /// Consecutive failed polls (drives the backoff); 0 after a success.
    pub failures: u32,
    /// The last error, when the last poll failed.
    pub last_error: Option<String>,
}

impl SqliteStore {
    /// Creates the feed side tables when missing. Idempotent; every other feed method calls it
    /// first, so callers need not.
    pub fn ensure_feed_tables(&self) -> Result<()> {
        self.conn.execute_batch(FEED_TABLES)?;
        Ok(())
    }

    /// The stored state of the feed at `url`, `None` when it was never polled.
    pub fn feed_state(&self, url: &str) -> Result<Option<FeedState>> {
        self.ensure_feed_tables()?;
        let state = self
            .conn
            .query_row(
                "SELECT etag, last_modified, next_poll, failures, last_error
                 FROM feed_state WHERE url = ?1",
                params![url],
                |row| {
                    Ok(FeedState {
                        url: url.to_owned(),
                        etag: row.get(0)?,
                        last_modified: row.get(1)?,
                        next_poll: row.get(2)?,
                        failures: row.get::<_, i64>(3)?.clamp(0, i64::from(u32::MAX)) as u32,
                        last_error: row.get(4)?,
                    })
                },
            )
            .optional()?;
        Ok(state)
    }

    /// Writes the state of one feed (insert or replace).
    pub fn put_feed_state(&self, state: &FeedState) -> Result<()> {
        self.ensure_feed_tables()?;
        self.conn.execute(
            "INSERT INTO feed_state (url, etag, last_modified, next_poll, failures, last_error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(url) DO UPDATE SET etag = ?2, last_modified = ?3, next_poll = ?4,
                 failures = ?5, last_error = ?6",
            params![
                state.url,
                state.etag,
                state.last_modified,
                state.next_poll,
                i64::from(state.failures),
                state.last_error
            ],
        )?;
        Ok(())
    }

    /// True when any of `keys` (item ids, item URLs) was marked seen.
    pub fn feed_seen_any(&self, keys: &[&str]) -> Result<bool> {
        self.ensure_feed_tables()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM feed_seen WHERE key = ?1")?;
        for key in keys {
            if stmt.exists(params![key])? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Marks `keys` seen for `feed`, at `now` (Unix seconds), in one transaction.
    pub fn mark_feed_seen(&mut self, feed: &str, keys: &[&str], now: i64) -> Result<()> {
        self.ensure_feed_tables()?;
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO feed_seen (key, feed, seen_at) VALUES (?1, ?2, ?3)",
            )?;
            for key in keys {
                stmt.execute(params![key, feed, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_state_round_trips_and_seen_keys_persist() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut store = SqliteStore::open(dir.path()).unwrap();
            assert_eq!(store.feed_state("http://a/feed").unwrap(), None);
            let state = FeedState {
                url: "http://a/feed".into(),
                etag: Some("\"v1\"".into()),
                last_modified: None,
                next_poll: 42,
                failures: 3,
                last_error: Some("timeout".into()),
            };
            store.put_feed_state(&state).unwrap();
            assert_eq!(store.feed_state("http://a/feed").unwrap(), Some(state));
            store
                .mark_feed_seen("http://a/feed", &["id:1", "url:http://a/1"], 7)
                .unwrap();
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        assert!(store.feed_seen_any(&["x", "url:http://a/1"]).unwrap());
        assert!(!store.feed_seen_any(&["id:2"]).unwrap());
        assert_eq!(
            store.feed_state("http://a/feed").unwrap().unwrap().failures,
            3
        );
    }
}
