//! Format detection: by extension first, by content when the extension says nothing.

use std::fmt;

/// How many leading bytes (after decompression) the sniffer looks at.
pub const SNIFF_LEN: usize = 64 * 1024;

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text, one document per file.
    Text,
    /// HTML, one document per file.
    Html,
    /// JSON: one record object, an array of records, or records one after another.
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
    /// WARC: response records with HTML payloads.
    Warc,
}

impl Format {
    /// The format's short name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Warc => "warc",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The format named by a file name's extension (`.gz` removed first), if it names one.
pub fn from_name(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    let file = base.rsplit(['/', '\\']).next().unwrap_or(base);
    let ext = file.rsplit_once('.')?.1;
    match ext {
        "txt" | "text" => Some(Format::Text),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        "warc" => Some(Format::Warc),
        _ => None,
    }
}

/// The format of content starting with `head`.
pub fn sniff(head: &[u8]) -> Format {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let body = &head[start..];
    if head.starts_with(b"WARC/1.") || body.starts_with(b"WARC/1.") {
        return Format::Warc;
    }
    match body.first() {
        Some(b'{') => json_kind(body),
        Some(b'[') => Format::Json,
        Some(b'<') => Format::Html,
        _ => Format::Text,
    }
}

/// For content that starts with `{`: JSON Lines when the first line is a whole JSON value (or
/// the first line is longer than what was sniffed), else a pretty-printed JSON object.
pub fn json_kind(body: &[u8]) -> Format {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let start = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let body = &body[start..];
    if body.first() != Some(&b'{') {
        return Format::Json;
    }
    match memchr::memchr(b'\n', body) {
        Some(nl) => {
            if serde_json::from_slice::<serde::de::IgnoredAny>(&body[..nl]).is_ok() {
                Format::Jsonl
            } else {
                Format::Json
            }
        }
        // One line longer than the sniffed part: a long JSON Lines record.
        None => Format::Jsonl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(from_name("a/b.TXT"), Some(Format::Text));
        assert_eq!(from_name("x.warc.gz"), Some(Format::Warc));
        assert_eq!(from_name("x.jsonl.gz"), Some(Format::Jsonl));
        assert_eq!(from_name("x.htm"), Some(Format::Html));
        assert_eq!(from_name("x.gz"), None);
        assert_eq!(from_name("dir.v2/README"), None);
        assert_eq!(from_name("-"), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"WARC/1.0\r\n"), Format::Warc);
        assert_eq!(sniff(b"  <!doctype html>"), Format::Html);
        assert_eq!(sniff(b"[{\"text\":\"a\"}]"), Format::Json);
        assert_eq!(
            sniff(b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n"),
            Format::Jsonl
        );
        assert_eq!(sniff(b"{\n  \"text\": \"a\"\n}\n"), Format::Json);
        assert_eq!(sniff(b"Hello"), Format::Text);
    }
}
