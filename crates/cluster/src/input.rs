//! The input records of `epiwire cluster`: one JSON object per line with `id`, `title`, `text`
//! and optionally `published`.

use serde_json::Value;

/// One input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDoc {
    /// The record's `id` (a string, or a number written as text).
    pub id: String,
    /// `title`, when given and not empty.
    pub title: Option<String>,
    /// `text`.
    pub text: String,
    /// `published`, when given and not empty.
    pub published: Option<String>,
}

/// Why a line is not an input document: the id to report (the record's, or `line N`) and a
/// clear message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The record's id when it has one, else `line N`.
    pub id: String,
    /// What was wrong.
    pub error: String,
}

fn optional(v: &Value, name: &str) -> Result<Option<String>, String> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("`{name}` must be a string, not {other}")),
    }
}

/// Parses line number `line` (1-based) of the input. Blank lines give `Ok(None)`.
pub fn parse_line(text: &str, line: usize) -> Result<Option<InputDoc>, BadLine> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let at = || format!("line {line}");
    let v: Value = serde_json::from_str(text).map_err(|e| BadLine {
        id: at(),
        error: format!("not a JSON object: {e}"),
    })?;
    if !v.is_object() {
        return Err(BadLine {
            id: at(),
            error: "not a JSON object".into(),
        });
    }
    let id = match v.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(BadLine {
                id: at(),
                error: "no `id` (a string or number)".into(),
            });
        }
    };
    let bad = |error: String| BadLine {
        id: id.clone(),
        error,
    };
    let text = match v.get("text") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(bad("`text` must be a string".into())),
        None => return Err(bad("no `text`".into())),
    };
    let title = optional(&v, "title").map_err(bad)?;
    let published = optional(&v, "published").map_err(bad)?;
    if text.trim().is_empty() && title.is_none() {
        return Err(bad("empty `text` and no `title`".into()));
    }
    Ok(Some(InputDoc {
        id,
        title,
        text,
        published,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn good_and_bad_lines() {
        let d = parse_line(
            r#"{"id": "a", "title": "T", "text": "x y", "published": "2022-05-17"}"#,
            1,
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.id, "a");
        assert_eq!(d.title.as_deref(), Some("T"));
        assert_eq!(d.published.as_deref(), Some("2022-05-17"));
        assert_eq!(
            parse_line(r#"{"id": 7, "text": "x"}"#, 1)
                .unwrap()
                .unwrap()
                .id,
            "7"
        );
        assert_eq!(parse_line("   ", 3), Ok(None));
        assert_eq!(parse_line("{nope", 4).unwrap_err().id, "line 4");
        assert_eq!(parse_line("[1]", 5).unwrap_err().id, "line 5");
        assert_eq!(parse_line(r#"{"text": "x"}"#, 6).unwrap_err().id, "line 6");
        let e = parse_line(r#"{"id": "b"}"#, 7).unwrap_err();
        assert_eq!((e.id.as_str(), e.error.as_str()), ("b", "no `text`"));
        assert!(parse_line(r#"{"id": "c", "text": "x", "title": 3}"#, 8).is_err());
        assert!(parse_line(r#"{"id": "d", "text": " "}"#, 9).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,200}") {
            let _ = parse_line(&s, 1);
        }

        #[test]
        fn round_trips(id in "[a-z0-9_.-]{1,20}", title in ".{0,40}", text in ".{1,200}") {
            let line = serde_json::json!({"id": id, "title": title, "text": text}).to_string();
            match parse_line(&line, 1) {
                Ok(Some(d)) => {
                    prop_assert_eq!(d.id, id);
                    prop_assert_eq!(d.text, text);
                    prop_assert_eq!(d.title.is_some(), !title.trim().is_empty());
                }
                Ok(None) => prop_assert!(false, "a record is not blank"),
                Err(e) => prop_assert!(text.trim().is_empty() && title.trim().is_empty(), "{:?}", e),
            }
        }
    }
}
