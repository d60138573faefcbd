//! Feeds for `epiwire watch`.
//!
//! - [`list`]: the list of feeds to watch, a plain URL list (one a line, `#` comments) or an OPML
//!   file (`<outline xmlUrl=…>`).
//! - [`parse`]: RSS, Atom and JSON Feed documents (with `feed-rs`) into [`FeedItem`]s, and the
//!   feed's own polling hints (RSS `ttl`, `sy:updatePeriod`/`sy:updateFrequency`).
//! - [`fetch`]: a polite, guarded HTTP client: conditional GET, connect and total timeouts, a
//!   response-size cap, one request at a time per host with a minimum delay between requests to a
//!   host, redirects followed by hand (at most [`fetch::MAX_REDIRECTS`]) with every hop checked.
//! - [`guard`]: the SSRF guard. Host names are resolved by the guard itself (a reqwest DNS
//!   resolver) and only checked addresses are handed to the connector, so a name cannot resolve
//!   to one address when checked and another when connected; IP-literal hosts are checked before
//!   every hop.
//! - [`schedule`]: poll intervals and the exponential backoff.
//!
//! The crate knows nothing of the store: `epiwire watch` (in the binary) keeps the per-feed state
//! and stores the documents.

pub mod fetch;
pub mod guard;
pub mod list;
pub mod parse;
pub mod schedule;

use std::time::Duration;

pub use fetch::{Conditional, Config, Fetched, Fetcher, Page};
pub use list::parse_feed_list;
pub use parse::{Feed, FeedItem, parse_feed};

/// Everything that can go wrong fetching or reading a feed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A URL that does not parse or has no host.
    #[error("invalid URL {url:?}: {reason}")]
    Url {
        /// The URL as given.
        url: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A scheme other than http and https.
    #[error("{url}: only http and https URLs are fetched")]
    Scheme {
        /// The URL concerned.
        url: String,
    },
    /// The host is, or resolves to, an address the SSRF guard refuses.
    #[error(
        "{url}: refused address {addr} (host {host}): private, loopback, link-local or otherwise not public (--allow-private allows it)"
    )]
    Refused {
        /// The URL concerned.
        url: String,
        /// Its host.
        host: String,
        /// The refused address.
        addr: std::net::IpAddr,
    },
    /// More redirects than [`fetch::MAX_REDIRECTS`], or a redirect without a usable `Location`.
    #[error("{url}: {reason}")]
    Redirect {
        /// The URL of the last hop.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The connect or total timeout elapsed.
    #[error("{url}: timed out")]
    Timeout {
        /// The URL concerned.
        url: String,
    },
    /// The server asked to come back later (429 or 503 with `Retry-After`).
    #[error("{url}: HTTP {status}, retry after {} s", after.as_secs())]
    RetryAfter {
        /// The URL concerned.
        url: String,
        /// 429 or 503.
        status: u16,
        /// How long to wait.
        after: Duration,
    },
    /// Any other non-success HTTP status.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The URL concerned.
        url: String,
        /// The status code.
        status: u16,
    },
    /// A network or protocol error.
    #[error("{url}: {}", chain(source))]
    Http {
        /// The URL concerned.
        url: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(reqwest::Error),
    /// A body that is no RSS, Atom or JSON feed, or a broken one.
    #[error("not a readable feed: {0}")]
    Parse(String),
    /// A feed list that cannot be read.
    #[error("feed list: {0}")]
    List(String),
}

/// An error and its sources, `: `-separated (reqwest's own message alone says little).
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let more = e.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cur = e.source();
    }
    text
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
