//! `GET /feed.atom`: the latest signals as an Atom 1.0 feed (RFC 4287), one entry per signal with
//! its reason as the summary. Every text is XML-escaped (and characters XML cannot carry are
//! dropped); nothing from an article becomes markup.

use std::fmt::Write as _;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use epiwire_store::Store;
use serde_json::Value;

use crate::AppState;
use crate::api::event_filter;
use crate::error::ApiError;
use crate::params::{FeedParams, Filter, parsed};

/// Entries in the feed.
const FEED_ENTRIES: usize = 100;

/// The handler.
pub(crate) async fn atom(
    State(state): State<AppState>,
    query: Result<Query<FeedParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = parsed(query)?.filter(FEED_ENTRIES)?;
    let f = event_filter(&filter);
    let signals = state
        .pool
        .run(move |store| Ok::<_, ApiError>(store.signals(&f)?))
        .await?;
    let signals: Vec<Value> = signals
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::internal(&e))?;
    let xml = render(
        &state.options.base_url,
        &filter,
        &signals,
        &crate::auth::now_rfc3339(),
    );
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 cannot hold.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string value or path segment (everything but unreserved characters).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A stable `urn:uuid:` built from a hash of `key` (RFC 4122 layout, version 8 "custom").
fn urn(key: &str) -> String {
    let h = blake3::hash(key.as_bytes());
    let b = h.as_bytes();
    let mut hex = String::with_capacity(36);
    for (i, byte) in b.iter().take(16).enumerate() {
        let byte = match i {
            6 => (byte & 0x0f) | 0x80,
            8 => (byte & 0x3f) | 0x80,
            _ => *byte,
        };
        if matches!(i, 4 | 6 | 8 | 10) {
            hex.push('-');
        }
        let _ = write!(hex, "{byte:02x}");
    }
    format!("urn:uuid:{hex}")
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// An RFC 3339 time for a signal's `date` (a day becomes its midnight UTC).
fn updated_of(date: Option<&str>, fallback: &str) -> String {
    match date {
        Some(d) if d.len() == 10 && d.parse::<jiff::civil::Date>().is_ok() => {
            format!("{d}T00:00:00Z")
        }
        Some(d) if d.parse::<jiff::Timestamp>().is_ok() => d.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// The feed document.
pub(crate) fn render(base: &str, filter: &Filter, signals: &[Value], now: &str) -> String {
    let base = base.trim_end_matches('/');
    let mut query = Vec::new();
    if let Some(d) = &filter.disease {
        query.push(format!("disease={}", encode(d)));
    }
    if let Some(c) = &filter.country {
        query.push(format!("country={}", encode(c)));
    }
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    let updated = signals
        .iter()
        .map(|s| updated_of(str_of(s, "date"), now))
        .max()
        .unwrap_or_else(|| now.to_owned());
    let mut title = "epiwire signals".to_owned();
    if let Some(d) = &filter.disease {
        let _ = write!(title, ", disease {d}");
    }
    if let Some(c) = &filter.country {
        let _ = write!(title, ", country {c}");
    }
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(
        x,
        "  <id>{}</id>",
        urn(&format!("epiwire feed {base}{query}"))
    );
    let _ = writeln!(x, "  <title>{}</title>", escape(&title));
    let _ = writeln!(x, "  <updated>{}</updated>", escape(&updated));
    x.push_str("  <author><name>epiwire</name></author>\n");
    x.push_str("  <generator>epiwire</generator>\n");
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&format!("{base}/feed.atom{query}"))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&format!("{base}/"))
    );
    for s in signals {
        let kind = str_of(s, "kind").unwrap_or("signal");
        let date = str_of(s, "date");
        let disease = str_of(s, "disease_name").or_else(|| str_of(s, "disease"));
        let country = str_of(s, "country");
        let event = str_of(s, "event");
        let reason = str_of(s, "reason").unwrap_or("");
        let key = format!(
            "{kind}|{}|{}|{}|{}",
            date.unwrap_or(""),
            str_of(s, "disease").unwrap_or(""),
            country.unwrap_or(""),
            event.unwrap_or("")
        );
        let mut entry_title = kind.replace('_', " ");
        if let Some(d) = disease {
            let _ = write!(entry_title, ": {d}");
        }
        if let Some(c) = country {
            let _ = write!(entry_title, " in {c}");
        }
        if let Some(d) = date {
            let _ = write!(entry_title, " ({d})");
        }
        let link = match event {
            Some(e) => format!("{base}/#/event/{}", encode(e)),
            None => {
                let mut q = vec![format!("signal={}", encode(kind))];
                if let Some(d) = str_of(s, "disease") {
                    q.push(format!("disease={}", encode(d)));
                }
                if let Some(c) = country {
                    q.push(format!("country={}", encode(c)));
                }
                format!("{base}/api/signals?{}", q.join("&"))
            }
        };
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <id>{}</id>", urn(&key));
        let _ = writeln!(x, "    <title>{}</title>", escape(&entry_title));
        let _ = writeln!(
            x,
            "    <updated>{}</updated>",
            escape(&updated_of(date, now))
        );
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" href=\"{}\"/>",
            escape(&link)
        );
        let _ = writeln!(x, "    <category term=\"{}\"/>", escape(kind));
        let _ = writeln!(x, "    <summary type=\"text\">{}</summary>", escape(reason));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("<script>\"a\" & 'b'\u{1}</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;&lt;/script&gt;"
        );
        assert_eq!(encode("DOID:0080600 x/y"), "DOID%3A0080600%20x%2Fy");
    }

    #[test]
    fn ids_are_stable_uuids() {
        let a = urn("x");
        assert_eq!(a, urn("x"));
        assert_ne!(a, urn("y"));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[9 + 14..9 + 15], "8");
    }

    #[test]
    fn a_feed_has_its_required_elements_and_one_entry_per_signal() {
        let signals = vec![
            json!({"kind": "jump", "date": "2022-05-18", "disease": "DOID:0080600",
                   "disease_name": "COVID-19", "country": "KP", "event": "E1",
                   "value": 12.0, "threshold": 4.3, "score": 0.9,
                   "reason": "cases <jumped> & more"}),
            json!({"kind": "ears_c1", "date": "2022-05-17", "disease": null, "country": null,
                   "event": null, "reason": "volume"}),
        ];
        let filter = Filter {
            country: Some("KP".into()),
            ..Filter::default()
        };
        let xml = render("http://h:1/", &filter, &signals, "2026-01-01T00:00:00Z");
        assert_eq!(xml.matches("<entry>").count(), 2);
        assert!(xml.contains("<updated>2022-05-18T00:00:00Z</updated>"));
        assert!(xml.contains("cases &lt;jumped&gt; &amp; more"));
        assert!(xml.contains("href=\"http://h:1/#/event/E1\""));
        assert!(xml.contains("href=\"http://h:1/feed.atom?country=KP\""));
        assert!(!xml.contains("<jumped>"));
        let empty = render(
            "http://h:1",
            &Filter::default(),
            &[],
            "2026-01-01T00:00:00Z",
        );
        assert!(empty.contains("<updated>2026-01-01T00:00:00Z</updated>"));
    }
}
