//! Fuzzes the feed parser (RSS, Atom, JSON Feed via feed-rs, plus the ttl/sy:updatePeriod hints)
//! and the feed-list reader (plain and OPML): arbitrary bytes must never panic, and every parsed
//! item must carry an id and only absolute links.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(feed) = epiwire_feed::parse_feed(data, Some("http://feed.example/rss.xml")) {
        for item in feed.items {
            if let Some(url) = item.url {
                assert!(url::Url::parse(&url).is_ok(), "relative link {url}");
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(urls) = epiwire_feed::parse_feed_list(text)
    {
        assert!(urls.iter().all(|u| !u.trim().is_empty() && u.trim() == u));
    }
});
