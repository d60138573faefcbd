//! RSS 0.9x/1.0/2.0, Atom and JSON Feed documents, read with `feed-rs`.

use std::time::Duration;

use crate::{Error, Result};

/// One item of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// The item's id (`guid`, Atom `id`, JSON `id`; feed-rs derives one when missing).
    pub id: String,
    /// The article's URL (the first link, made absolute against the feed's URL), when any.
    pub url: Option<String>,
    /// The item's title.
    pub title: Option<String>,
    /// Publication (else update) date, RFC 3339.
    pub published: Option<String>,
    /// The item's own content (full content when given, else the summary), HTML or text.
    pub content: Option<String>,
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// The feed's title.
    pub title: Option<String>,
    /// How often the feed asks to be polled at most: RSS `ttl`, or `sy:updatePeriod` divided by
    /// `sy:updateFrequency`, the longer of the two.
    pub min_interval: Option<Duration>,
    /// The items, in document order.
    pub items: Vec<FeedItem>,
}

/// Parses a feed body. `base` (the feed's URL) makes relative item links absolute.
pub fn parse_feed(body: &[u8], base: Option<&str>) -> Result<Feed> {
    let parsed = feed_rs::parser::Builder::new()
        .base_uri(base)
        .build()
        .parse(body)
        .map_err(|e| Error::Parse(e.to_string()))?;
    let base = base.and_then(|b| url::Url::parse(b).ok());
    let items = parsed
        .entries
        .into_iter()
        .map(|entry| {
            let url = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| entry.links.first())
                .and_then(|l| absolute(&l.href, base.as_ref()));
            let content = entry
                .content
                .and_then(|c| c.body)
                .filter(|b| !b.trim().is_empty())
                .or_else(|| entry.summary.map(|s| s.content))
                .filter(|b| !b.trim().is_empty());
            FeedItem {
                id: entry.id,
                url,
                title: entry.title.map(|t| t.content.trim().to_owned()),
                published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
                content,
            }
        })
        .collect();
    let ttl = parsed
        .ttl
        .map(|minutes| Duration::from_secs(u64::from(minutes) * 60));
    let min_interval = match (ttl, update_period(body)) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    Ok(Feed {
        title: parsed.title.map(|t| t.content.trim().to_owned()),
        min_interval,
        items,
    })
}

fn absolute(href: &str, base: Option<&url::Url>) -> Option<String> {
    let href = href.trim();
    match url::Url::parse(href) {
        Ok(u) => Some(u.to_string()),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            base.and_then(|b| b.join(href).ok()).map(|u| u.to_string())
        }
        Err(_) => None,
    }
}

/// The RSS syndication module's hint: `sy:updatePeriod` (hourly, daily, weekly, monthly,
/// yearly; default daily) divided by `sy:updateFrequency` (default 1). `None` when the feed has
/// no `updatePeriod`.
fn update_period(body: &[u8]) -> Option<Duration> {
    let text = std::str::from_utf8(&body[..body.len().min(64 * 1024)]).ok()?;
    let period = element_text(text, "updatePeriod")?;
    let secs: u64 = match period.to_ascii_lowercase().as_str() {
        "hourly" => 3600,
        "daily" => 86_400,
        "weekly" => 7 * 86_400,
        "monthly" => 30 * 86_400,
        "yearly" => 365 * 86_400,
        _ => return None,
    };
    let frequency: u64 = element_text(text, "updateFrequency")
        .and_then(|f| f.parse().ok())
        .filter(|&f| f > 0)
        .unwrap_or(1);
    Some(Duration::from_secs(secs / frequency))
}

/// The trimmed text of the first `<prefix:local>` element (any prefix).
fn element_text<'a>(text: &'a str, local: &str) -> Option<&'a str> {
    let at = text.find(&format!(":{local}>"))?;
    let start = at + local.len() + 2;
    let end = text[start..].find('<')? + start;
    Some(text[start..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The fuzz target's invariants on random input, in the normal test run: no panic, every
        /// item link absolute.
        #[test]
        fn random_feeds_never_panic(head in "(<rss version=\"2.0\"><channel>|<feed xmlns=\"http://www.w3.org/2005/Atom\">|\\{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":\\[)?",
                                    items in proptest::collection::vec(("[ -~]{0,12}", "[a-z/:.?#]{0,16}"), 0..5),
                                    tail in "[ -~]{0,20}") {
            let mut text = head.clone();
            for (title, link) in &items {
                if head.starts_with('{') {
                    text.push_str(&format!("{{\"id\":\"{}\",\"url\":\"{link}\"}},", title.replace(['"', '\\'], "")));
                } else {
                    text.push_str(&format!("<item><title>{title}</title><link>{link}</link></item><entry><link href=\"{link}\"/></entry>"));
                }
            }
            text.push_str(&tail);
            if let Ok(feed) = parse_feed(text.as_bytes(), Some("http://feed.example/x/rss.xml")) {
                for item in feed.items {
                    if let Some(url) = item.url {
                        prop_assert!(url::Url::parse(&url).is_ok(), "{}", url);
                    }
                }
            }
        }
    }

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
<title>Outbreak news</title><link>http://news.example/</link><ttl>30</ttl>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
<item><title>Cholera in X</title><link>/a/1</link><guid>a-1</guid>
<pubDate>Tue, 17 May 2022 08:00:00 GMT</pubDate><description>12 cases of cholera</description></item>
<item><title>Second</title><link>http://news.example/a/2</link></item>
</channel></rss>"#;

    #[test]
    fn rss_items_links_and_hints() {
        let feed = parse_feed(RSS.as_bytes(), Some("http://news.example/rss.xml")).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Outbreak news"));
        // ttl 30 min beats hourly/2 = 30 min: equal; the longer is kept.
        assert_eq!(feed.min_interval, Some(Duration::from_secs(1800)));
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(first.id, "a-1");
        assert_eq!(first.url.as_deref(), Some("http://news.example/a/1"));
        assert_eq!(first.title.as_deref(), Some("Cholera in X"));
        assert_eq!(
            first.published.as_deref(),
            Some("2022-05-17T08:00:00+00:00")
        );
        assert_eq!(first.content.as_deref(), Some("12 cases of cholera"));
        assert!(!feed.items[1].id.is_empty(), "feed-rs derives an id");
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>f</id>
<entry><id>urn:1</id><title>T</title><link href="http://x.example/1"/><updated>2024-01-02T03:04:05Z</updated>
<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"#;
        let feed = parse_feed(atom.as_bytes(), None).unwrap();
        assert_eq!(feed.items[0].url.as_deref(), Some("http://x.example/1"));
        assert_eq!(
            feed.items[0].published.as_deref(),
            Some("2024-01-02T03:04:05+00:00")
        );
        assert!(feed.items[0].content.as_deref().unwrap().contains("Body"));
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
{"id":"j1","url":"http://x.example/j1","content_text":"hello","title":"JT"}]}"#;
        let feed = parse_feed(json.as_bytes(), None).unwrap();
        assert_eq!(feed.items[0].id, "j1");
        assert_eq!(feed.items[0].content.as_deref(), Some("hello"));
    }

    #[test]
    fn broken_feeds_are_errors() {
        assert!(matches!(
            parse_feed(b"<html><body>not a feed</body></html>", None),
            Err(Error::Parse(_))
        ));
        assert!(matches!(parse_feed(b"hello", None), Err(Error::Parse(_))));
        assert!(parse_feed(b"", None).is_err());
    }
}
