//! The list of feeds to watch: a plain list of URLs, or OPML.
//!
//! A plain list has one URL a line; blank lines and lines starting with `#` are skipped, and so
//! is anything after ` #` on a line. A file whose first non-blank character is `<` is read as
//! OPML: every `outline` element's `xmlUrl` attribute (any nesting, any case of the attribute
//! name), in document order. Duplicates are dropped, keeping the first.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::{Error, Result};

/// Reads a feed list (plain or OPML, see the module docs) into its URLs, in order, without
/// duplicates. The URLs are returned as written (trimmed); they are checked when fetched.
pub fn parse_feed_list(text: &str) -> Result<Vec<String>> {
    let urls = if text.trim_start().starts_with('<') {
        parse_opml(text)?
    } else {
        parse_plain(text)
    };
    let mut seen = std::collections::HashSet::new();
    Ok(urls
        .into_iter()
        .filter(|u| seen.insert(u.clone()))
        .collect())
}

fn parse_plain(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = line.trim();
            match line.find(" #") {
                Some(at) => line[..at].trim_end(),
                None => line,
            }
        })
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

fn parse_opml(text: &str) -> Result<Vec<String>> {
    let mut reader = Reader::from_str(text);
    let mut urls = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if !e.local_name().as_ref().eq_ignore_ascii_case(b"outline") {
                    continue;
                }
                for attr in e.attributes().flatten() {
                    if attr
                        .key
                        .local_name()
                        .as_ref()
                        .eq_ignore_ascii_case(b"xmlurl")
                    {
                        let value = attr
                            .unescape_value()
                            .map_err(|err| Error::List(format!("OPML: {err}")))?;
                        let value = value.trim();
                        if !value.is_empty() {
                            urls.push(value.to_owned());
                        }
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(err) => {
                return Err(Error::List(format!(
                    "OPML, at byte {}: {err}",
                    reader.error_position()
                )));
            }
        }
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_list_skips_comments_and_blanks() {
        let text = "# feeds\n\nhttp://a.example/rss\n  https://b.example/atom  # B\nhttp://a.example/rss\n";
        assert_eq!(
            parse_feed_list(text).unwrap(),
            ["http://a.example/rss", "https://b.example/atom"]
        );
    }

    #[test]
    fn opml_outlines_nested_and_escaped() {
        let text = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
<outline text="Health"><outline type="rss" text="A" xmlUrl="http://a.example/rss?x=1&amp;y=2"/>
<outline text="B" xmlurl="https://b.example/feed"></outline></outline>
<outline text="no feed"/>
</body></opml>"#;
        assert_eq!(
            parse_feed_list(text).unwrap(),
            ["http://a.example/rss?x=1&y=2", "https://b.example/feed"]
        );
    }

    #[test]
    fn broken_opml_is_an_error() {
        assert!(parse_feed_list("<opml><body><outline xmlUrl=\"x></body>").is_err());
    }

    fn url() -> impl Strategy<Value = String> {
        (
            "https?",
            "[a-z]{1,10}(\\.[a-z]{2,5}){1,2}",
            "(/[A-Za-z0-9_.~-]{0,8}){0,3}",
            proptest::option::of("[a-z]{1,4}=[A-Za-z0-9&<>\"']{0,6}"),
        )
            .prop_map(|(scheme, host, path, query)| {
                let mut u = format!("{scheme}://{host}{path}");
                if let Some(q) = query {
                    u.push('?');
                    u.push_str(&q);
                }
                u
            })
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
            .replace('>', "&gt;")
    }

    fn dedup(urls: &[String]) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        urls.iter()
            .filter(|u| seen.insert((*u).clone()))
            .cloned()
            .collect()
    }

    proptest! {
        #[test]
        fn plain_list_round_trips(urls in proptest::collection::vec(url(), 0..12),
                                  comments in proptest::collection::vec("[ -~]{0,20}", 0..12)) {
            let mut text = String::new();
            for (i, u) in urls.iter().enumerate() {
                if let Some(c) = comments.get(i) {
                    text.push_str(&format!("# {c}\n\n"));
                }
                text.push_str(&format!("  {u}\t\n"));
            }
            prop_assert_eq!(parse_feed_list(&text).unwrap(), dedup(&urls));
        }

        #[test]
        fn opml_round_trips(urls in proptest::collection::vec(url(), 0..12), nest in 0usize..3) {
            let mut text = String::from("<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><body>");
            for _ in 0..nest { text.push_str("<outline text=\"group\">"); }
            for u in &urls {
                text.push_str(&format!("<outline type=\"rss\" text=\"t\" xmlUrl=\"{}\"/>\n", escape(u)));
            }
            for _ in 0..nest { text.push_str("</outline>"); }
            text.push_str("</body></opml>");
            prop_assert_eq!(parse_feed_list(&text).unwrap(), dedup(&urls));
        }

        #[test]
        fn any_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse_feed_list(&text);
        }
    }
}
