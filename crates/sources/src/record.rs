//! JSON records (the shared shape of `.json` and `.jsonl` inputs) → [`RawDoc`]s.

use epiwire_model::{Body, RawDoc};
use serde::Deserialize;
use serde_json::error::Category;

use crate::error::{Error, SourceError};

/// One input record. Unknown fields are ignored.
#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    id: Option<Id>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    published: Option<String>,
    /// Many exports (WHO DON, news APIs) call the publication date `date`: used when there is
    /// no `published`.
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// A record id: a string or a number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(serde_json::Number),
}

/// Parses one record. `fallback` is the id used when the record has none (and for errors that
/// come before the id is known).
pub fn parse(bytes: &[u8], fallback: impl FnOnce() -> String) -> Result<RawDoc, SourceError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let record: Record = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            let error = match (e.classify(), std::str::from_utf8(bytes)) {
                // serde_json calls bytes that are not UTF-8 an "invalid unicode code point":
                // say what is wrong.
                (Category::Syntax, Err(bad)) => Error::InvalidUtf8 {
                    at: bad.valid_up_to(),
                    invalid: bytes.utf8_chunks().map(|c| c.invalid().len()).sum(),
                    len: bytes.len(),
                },
                (Category::Data, _) => Error::NotRecord(e.to_string()),
                (Category::Syntax | Category::Eof | Category::Io, _) => {
                    Error::NotJson(e.to_string())
                }
            };
            return Err(SourceError::new(fallback(), error));
        }
    };
    let id = match record.id {
        Some(Id::Text(s)) => s,
        Some(Id::Number(n)) => n.to_string(),
        None => fallback(),
    };
    let body = match (record.text, record.html) {
        (Some(t), _) if !t.trim().is_empty() => Body::Text(t),
        (_, Some(h)) if !h.trim().is_empty() => Body::Html(h),
        (None, None) => return Err(SourceError::new(id, Error::NoBody)),
        _ => return Err(SourceError::new(id, Error::Empty)),
    };
    Ok(RawDoc {
        id,
        url: record.url,
        title: record.title,
        published: record.published.or(record.date),
        fetched: None,
        body,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn date_stands_for_published() {
        let doc = super::parse(br#"{"id": "a", "text": "t", "date": "1996-01-22"}"#, || {
            "x".into()
        })
        .unwrap();
        assert_eq!(doc.published.as_deref(), Some("1996-01-22"));
        let both = br#"{"id": "a", "text": "t", "date": "1996-01-22", "published": "1996-01-23"}"#;
        let doc = super::parse(both, || "x".into()).unwrap();
        assert_eq!(doc.published.as_deref(), Some("1996-01-23"));
    }

    use super::*;

    fn fb() -> String {
        "f#1".into()
    }

    #[test]
    fn full_record() {
        let doc = parse(
            br#"{"id": 7, "text": "t", "title": "T", "published": "2022-05-17", "url": "u", "x": [1]}"#,
            fb,
        )
        .unwrap();
        assert_eq!(doc.id, "7");
        assert_eq!(doc.body, Body::Text("t".into()));
        assert_eq!(doc.title.as_deref(), Some("T"));
        assert_eq!(doc.published.as_deref(), Some("2022-05-17"));
        assert_eq!(doc.url.as_deref(), Some("u"));
    }

    #[test]
    fn html_record_without_id_takes_the_fallback() {
        let doc = parse(br#"{"html": "<p>x</p>"}"#, fb).unwrap();
        assert_eq!(doc.id, "f#1");
        assert_eq!(doc.body, Body::Html("<p>x</p>".into()));
    }

    #[test]
    fn errors() {
        let e = parse(b"{oops", fb).unwrap_err();
        assert!(matches!(e.error, Error::NotJson(_)), "{e}");
        let e = parse(br#"{"id": "a", "title": "no body"}"#, fb).unwrap_err();
        assert_eq!(e.id, "a");
        assert!(matches!(e.error, Error::NoBody));
        let e = parse(b"[1, 2]", fb).unwrap_err();
        assert!(matches!(e.error, Error::NotRecord(_)), "{e}");
        let e = parse(br#"{"text": "  "}"#, fb).unwrap_err();
        assert!(matches!(e.error, Error::Empty));
    }

    #[test]
    fn invalid_utf8_is_named_so() {
        // Regression: a JSON Lines line with bytes that are not UTF-8 was reported as
        // "not JSON: invalid unicode code point at line 1 column N".
        let e = parse(b"{\"id\": \"a\", \"text\": \"Ch\xC3\x28\xFF olera\"}", fb).unwrap_err();
        assert_eq!(e.id, "f#1");
        assert!(
            matches!(
                e.error,
                Error::InvalidUtf8 {
                    at: 23,
                    invalid: 2,
                    len: 34
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("invalid UTF-8 at byte 23"), "{e}");
        // Invalid UTF-8 in a line that is not JSON anyway is still named for the UTF-8.
        let e = parse(b"\xFF\xFE{", fb).unwrap_err();
        assert!(matches!(e.error, Error::InvalidUtf8 { .. }), "{e}");
    }
}
