//! `epiwire watch`: poll feeds, fetch every new item's article, extract and store it.
//!
//! State lives in the store's database, in side tables (`feed_state`, `feed_seen`, see
//! `epiwire_store::FeedState`): per feed the validators (ETag, Last-Modified), the next poll time
//! and the failure count; per item its id and URL once its document is committed. A restart
//! therefore fetches no item twice, and a kill between a document's commit and its "seen" mark
//! re-fetches that one item, which the content hash keeps from being stored twice. A feed's
//! validators are saved only once all its items were handled, so an interrupted poll is resumed
//! in full (not answered 304) the next time.
//!
//! Every feed runs its own loop (poll, sleep until its next poll), all on one single-threaded
//! runtime: a slow host delays only its own feeds, while the store, used between awaits only,
//! needs no lock. The fetcher keeps one request at a time per host and `--host-delay` between
//! requests to a host, whichever feeds they come from. `--once` polls every feed once, whatever
//! its schedule, then exits. SIGINT/SIGTERM stop every loop after its current document; what was
//! stored is committed and grouped into events before exit.

use std::cell::{Cell, RefCell};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use epiwire_feed::{Conditional, Config, FeedItem, Fetched, Fetcher, guard::Guard, schedule};
use epiwire_model::{Body, RawDoc};
use epiwire_store::{FeedState, NewDoc, SqliteStore, Store};

use crate::cli::WatchArgs;
use crate::cmd::ingest::{consolidate, sync_search};
use crate::pipeline;

/// Parses a duration: `500ms`, `90s`, `15m`, `2h`, `1d`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("not a duration: {text:?} (examples: 90s, 15m, 1h)"))?;
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (ms, s, m, h, d)"
            ));
        }
    };
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("{text:?}: {e}"))
}

/// What one run did, over all feeds.
#[derive(Debug, Default)]
struct Totals {
    polled: u64,
    failed_polls: u64,
    stored: u64,
}

/// What one poll of one feed did.
#[derive(Debug, Default)]
struct FeedTally {
    items: usize,
    seen: usize,
    stored: usize,
    from_feed: usize,
    already: usize,
    failed: usize,
}

struct Watch<'a> {
    args: &'a WatchArgs,
    fetcher: Fetcher,
    /// Borrowed between awaits only, never across one.
    store: RefCell<SqliteStore>,
    stop: Arc<AtomicBool>,
    stop_rx: tokio::sync::watch::Receiver<bool>,
    totals: RefCell<Totals>,
    /// Documents stored since the last grouping into events.
    ungrouped: Cell<bool>,
    /// Item keys some feed loop is fetching now: another feed listing the same article waits
    /// for no second copy.
    inflight: RefCell<std::collections::HashSet<String>>,
}

/// Runs the command.
pub fn run(args: &WatchArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.feeds)
        .with_context(|| format!("cannot read the feed list {}", args.feeds.display()))?;
    let feeds = epiwire_feed::parse_feed_list(&text)
        .with_context(|| format!("cannot read the feed list {}", args.feeds.display()))?;
    if feeds.is_empty() {
        eprintln!("epiwire: watch: no feed URL in {}", args.feeds.display());
        return Ok(ExitCode::from(1));
    }
    let store = SqliteStore::open(&args.data.dir)
        .with_context(|| format!("cannot open the store in {}", args.data.dir.display()))?;
    store
        .ensure_feed_tables()
        .context("cannot create the feed tables")?;
    let config = Config {
        connect_timeout: args.connect_timeout,
        timeout: args.timeout,
        max_bytes: args.max_bytes,
        host_delay: args.host_delay,
        guard: Guard {
            allow_private: args.allow_private,
            allow: args.allow_addr.clone(),
        },
        ..Config::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let fetcher = Fetcher::new(config)?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let watch = Watch {
            args,
            fetcher,
            store: RefCell::new(store),
            stop: Arc::new(AtomicBool::new(false)),
            stop_rx,
            totals: RefCell::new(Totals::default()),
            // The first grouping always runs: it is cheap when there is nothing to do, and picks
            // up documents an earlier, killed run stored without grouping them.
            ungrouped: Cell::new(true),
            inflight: RefCell::default(),
        };
        spawn_signal_handler(Arc::clone(&watch.stop), stop_tx);
        watch.run(&feeds).await
    })
}

fn spawn_signal_handler(stop: Arc<AtomicBool>, wake: tokio::sync::watch::Sender<bool>) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        eprintln!("epiwire: watch: stopping after the current document");
        stop.store(true, Ordering::SeqCst);
        let _ = wake.send(true);
    });
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Watch<'_> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    async fn run(&self, feeds: &[String]) -> Result<ExitCode> {
        let loops = feeds.iter().map(|feed| self.feed_loop(feed));
        let results = futures_util::future::join_all(loops).await;
        // Group what was stored, even when a loop failed on the store.
        let grouped = self.group();
        for result in results {
            result?;
        }
        grouped?;
        let totals = self.totals.borrow();
        eprintln!(
            "epiwire: watch: {} polls ({} failed), {} documents stored",
            totals.polled, totals.failed_polls, totals.stored
        );
        if totals.polled > 0 && totals.failed_polls == totals.polled {
            return Ok(ExitCode::from(1));
        }
        Ok(ExitCode::SUCCESS)
    }

    /// One feed's loop: poll when due, then sleep until the next poll; once with `--once`.
    async fn feed_loop(&self, feed: &str) -> Result<()> {
        loop {
            if self.stopped() {
                return Ok(());
            }
            let state = self
                .store
                .borrow()
                .feed_state(feed)
                .context("cannot read the feed state")?
                .unwrap_or_else(|| FeedState {
                    url: feed.to_owned(),
                    ..FeedState::default()
                });
            let due = state.next_poll.saturating_sub(unix_now());
            if !self.args.once && due > 0 {
                tracing::info!("{feed}: next poll in {due} s");
                if !self.sleep(Duration::from_secs(due as u64)).await {
                    return Ok(());
                }
                continue; // read the state again: it is the feed's own, but cheap
            }
            let outcome = self.poll(state).await?;
            {
                let mut totals = self.totals.borrow_mut();
                totals.polled += 1;
                match outcome {
                    Some(stored) => totals.stored += stored as u64,
                    None => totals.failed_polls += 1,
                }
            }
            if self.args.once {
                return Ok(());
            }
            if outcome.is_some_and(|stored| stored > 0) {
                self.group()?;
            }
        }
    }

    /// Sleeps for `wait`; false when stopped meanwhile.
    async fn sleep(&self, wait: Duration) -> bool {
        let mut stop = self.stop_rx.clone();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            closed = stop.wait_for(|stopped| *stopped) => {
                if closed.is_err() {
                    // No signal handler any more: sleep the whole time.
                    tokio::time::sleep(wait).await;
                }
            }
        }
        !self.stopped()
    }

    /// Groups new documents into events and updates the search index, when any was stored.
    fn group(&self) -> Result<()> {
        if !self.ungrouped.replace(false) {
            return Ok(());
        }
        let mut store = self.store.borrow_mut();
        consolidate(&mut store, false)?;
        sync_search(&self.args.data.dir, &store);
        Ok(())
    }

    /// Polls one feed: `Some(documents stored)`, or `None` when the poll failed (logged, state
    /// saved with its backoff). Store errors stop the run.
    async fn poll(&self, mut state: FeedState) -> Result<Option<usize>> {
        let url = state.url.clone();
        let conditional = Conditional {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let fetched = self.fetcher.get(&url, &conditional).await;
        let page = match fetched {
            Ok(Fetched::NotModified) => {
                let wait = schedule::interval(self.args.interval, None);
                state.failures = 0;
                state.last_error = None;
                state.next_poll = unix_now() + wait.as_secs() as i64;
                self.save(&state)?;
                eprintln!(
                    "epiwire: watch: {url}: not modified; next poll in {} s",
                    wait.as_secs()
                );
                return Ok(Some(0));
            }
            Ok(Fetched::Page(page)) if page.truncated => {
                let err = format!(
                    "{url}: feed larger than --max-bytes ({} bytes), not read",
                    self.args.max_bytes
                );
                return self.failed(state, err, None).map(|()| None);
            }
            Ok(Fetched::Page(page)) => page,
            Err(err) => {
                let retry = match &err {
                    epiwire_feed::Error::RetryAfter { after, .. } => Some(*after),
                    _ => None,
                };
                return self.failed(state, err.to_string(), retry).map(|()| None);
            }
        };
        let feed = match epiwire_feed::parse_feed(&page.body, Some(&page.url)) {
            Ok(feed) => feed,
            Err(err) => {
                return self
                    .failed(state, format!("{url}: {err}"), None)
                    .map(|()| None);
            }
        };
        let mut tally = FeedTally {
            items: feed.items.len(),
            ..FeedTally::default()
        };
        let mut complete = true;
        for item in &feed.items {
            if self.stopped() {
                complete = false;
                break;
            }
            if !self.item(&url, item, &mut tally).await? {
                complete = false;
            }
        }
        let wait = schedule::interval(self.args.interval, feed.min_interval);
        state.failures = 0;
        state.last_error = None;
        if complete {
            state.etag = page.validators.etag;
            state.last_modified = page.validators.last_modified;
            state.next_poll = unix_now() + wait.as_secs() as i64;
        } else if self.stopped() {
            state.next_poll = 0; // resume at once next time
        } else {
            state.next_poll = unix_now() + wait.as_secs() as i64;
        }
        self.save(&state)?;
        eprintln!(
            "epiwire: watch: {url}: {} items, {} seen before, {} stored ({} from the feed's own content), {} already stored, {} errors; next poll in {} s",
            tally.items,
            tally.seen,
            tally.stored,
            tally.from_feed,
            tally.already,
            tally.failed,
            if state.next_poll == 0 {
                0
            } else {
                wait.as_secs()
            }
        );
        if tally.stored > 0 {
            self.ungrouped.set(true);
        }
        Ok(Some(tally.stored))
    }

    fn save(&self, state: &FeedState) -> Result<()> {
        self.store
            .borrow()
            .put_feed_state(state)
            .context("cannot write the feed state")
    }

    fn failed(&self, mut state: FeedState, error: String, retry: Option<Duration>) -> Result<()> {
        state.failures = state.failures.saturating_add(1);
        let wait = schedule::backoff(state.failures, retry);
        state.next_poll = unix_now() + wait.as_secs() as i64;
        eprintln!(
            "epiwire: watch: error: {error}; next poll in {} s (failed polls in a row: {})",
            wait.as_secs(),
            state.failures
        );
        state.last_error = Some(error);
        self.save(&state)
    }

    /// Handles one item: true when it is done with (stored, already stored, or unreadable for
    /// good), false when it should be tried again at the next poll.
    async fn item(&self, feed: &str, item: &FeedItem, tally: &mut FeedTally) -> Result<bool> {
        let mut keys = vec![format!("id:{feed}\u{1f}{}", item.id)];
        if let Some(link) = &item.url {
            keys.push(format!("url:{link}"));
        }
        let keys_ref: Vec<&str> = keys.iter().map(String::as_str).collect();
        if self
            .store
            .borrow()
            .feed_seen_any(&keys_ref)
            .context("cannot read the seen items")?
        {
            tally.seen += 1;
            return Ok(true);
        }
        if keys.iter().any(|k| self.inflight.borrow().contains(k)) {
            tally.seen += 1; // another feed's loop is storing it now
            return Ok(true);
        }
        self.inflight.borrow_mut().extend(keys.iter().cloned());
        let done = self.fetch_and_store(feed, item, &keys_ref, tally).await;
        let mut inflight = self.inflight.borrow_mut();
        for key in &keys {
            inflight.remove(key);
        }
        done
    }

    /// Fetches an item's page (else takes its own content), extracts, stores, marks it seen.
    async fn fetch_and_store(
        &self,
        feed: &str,
        item: &FeedItem,
        keys_ref: &[&str],
        tally: &mut FeedTally,
    ) -> Result<bool> {
        let label = item.url.clone().unwrap_or_else(|| item.id.clone());
        let page = match &item.url {
            Some(link) => match self.fetcher.get(link, &Conditional::default()).await {
                Ok(Fetched::Page(page)) => Ok(page),
                Ok(Fetched::NotModified) => Err("HTTP 304 to an unconditional request".to_owned()),
                Err(err) => Err(err.to_string()),
            },
            None => Err("the item has no link".to_owned()),
        };
        let body = match page {
            Ok(page) => {
                if page.truncated {
                    tracing::warn!(
                        "{label}: page cut at --max-bytes ({} bytes)",
                        self.args.max_bytes
                    );
                }
                let text =
                    epiwire_feed::fetch::decode_body(&page.body, page.content_type.as_deref());
                Body::Html(text)
            }
            Err(why) => match &item.content {
                Some(content) => {
                    tracing::warn!(
                        "{label}: page not fetched ({why}); storing the feed item's own content"
                    );
                    tally.from_feed += 1;
                    Body::Html(content.clone())
                }
                None => {
                    eprintln!(
                        "epiwire: watch: {label}: page not fetched ({why}) and the item has no content; trying again at the next poll"
                    );
                    tally.failed += 1;
                    return Ok(false);
                }
            },
        };
        let raw = RawDoc {
            id: label.clone(),
            url: item.url.clone(),
            title: item.title.clone(),
            published: item.published.clone(),
            fetched: Some(jiff::Timestamp::now().to_string()),
            body,
        };
        let hash = epiwire_sources::content_hash(&raw);
        let known = self
            .store
            .borrow()
            .contains_many(&[hash])
            .context("cannot read the store")?;
        if known.first().copied().unwrap_or(false) {
            tally.already += 1;
        } else {
            match pipeline::process(&raw) {
                Ok(doc) => {
                    let outcome = self
                        .store
                        .borrow_mut()
                        .put_batch(&[NewDoc {
                            hash,
                            source: label.clone(),
                            doc,
                        }])
                        .context("cannot write to the store")?;
                    tally.stored += outcome.inserted;
                    tally.already += outcome.duplicates;
                }
                Err(err) => {
                    // Extraction is deterministic: trying again would fail again.
                    eprintln!("epiwire: {label}: {err}");
                    tally.failed += 1;
                }
            }
        }
        self.store
            .borrow_mut()
            .mark_feed_seen(feed, keys_ref, unix_now())
            .context("cannot mark the item seen")?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5y").is_err());
    }
}
