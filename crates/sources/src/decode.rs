//! Bytes → text: binary detection, charsets, and the policy for invalid UTF-8.
//!
//! The policy, in order:
//! 1. A byte-order mark decides the encoding (UTF-8, UTF-16LE/BE).
//! 2. A declared UTF-16 without a BOM counts only if the bytes hold NULs (as UTF-16 text does);
//!    otherwise it is the usual mislabel of a UTF-8 page and is ignored (the HTML standard does
//!    the same for `<meta charset=utf-16>`).
//! 3. Content whose first 8 KiB hold a NUL byte, or more than 10% control characters, is binary:
//!    [`Error::Binary`].
//! 4. Valid UTF-8 is taken as it is, whatever the declaration says, unless the declared charset
//!    is not ASCII-compatible (ISO-2022-JP): real legacy text is practically never valid UTF-8
//!    with non-ASCII characters, while pages labelled ISO-8859-1 by a server default and written
//!    in UTF-8 are common.
//! 5. A declared charset (HTTP `Content-Type`, `<meta charset>`) is decoded with `encoding_rs`
//!    (malformed sequences become U+FFFD, as browsers do).
//! 6. Otherwise the bytes are not UTF-8. If they hold (almost) no valid multi-byte UTF-8
//!    sequence, they are a legacy 8-bit text and are decoded as windows-1252 (the WHATWG reading
//!    of ISO-8859-1 too). If they are UTF-8 with few invalid bytes (at most 1% under
//!    [`Policy::Strict`], used for plain text files; at most 10% under [`Policy::Lenient`], used
//!    for HTML, where browsers are lenient too), the invalid bytes become U+FFFD. Anything else is
//!    [`Error::InvalidUtf8`], naming the first bad byte.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::error::{Error, Result};

/// How many leading bytes the binary check looks at.
const SNIFF_LEN: usize = 8 * 1024;

/// Whether the start of `bytes` looks binary: a NUL byte, or more than 10% control characters
/// other than tab, newline, carriage return, form feed and escape.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    controls * 10 > head.len()
}

/// How many invalid UTF-8 bytes a document may hold before it is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// At most 1% (plain text files).
    Strict,
    /// At most 10% (HTML pages, WARC payloads).
    Lenient,
}

impl Policy {
    fn max_invalid_percent(self) -> usize {
        match self {
            Policy::Strict => 1,
            Policy::Lenient => 10,
        }
    }
}

/// Decodes a document's bytes to a `String` under the module's policy. `declared` is a charset
/// label from the document's metadata, if any.
pub fn decode(bytes: Vec<u8>, declared: Option<&str>, policy: Policy) -> Result<String> {
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(text.into_owned());
    }
    let mut declared = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes()));
    if declared.is_some_and(|e| e == UTF_16LE || e == UTF_16BE) {
        let head = &bytes[..bytes.len().min(SNIFF_LEN)];
        if memchr::memchr(0, head).is_some()
            && let Some(enc) = declared
        {
            let (text, _) = enc.decode_without_bom_handling(&bytes);
            return Ok(text.into_owned());
        }
        declared = None;
    }
    if looks_binary(&bytes) {
        return Err(Error::Binary);
    }
    let declared = declared.filter(|&e| e != UTF_8);
    let bytes = match declared {
        Some(enc) if !enc.is_ascii_compatible() => {
            let (text, _) = enc.decode_without_bom_handling(&bytes);
            return Ok(text.into_owned());
        }
        _ => match String::from_utf8(bytes) {
            Ok(s) => return Ok(s),
            Err(e) => e.into_bytes(),
        },
    };
    match declared {
        Some(enc) => {
            let (text, _) = enc.decode_without_bom_handling(&bytes);
            Ok(text.into_owned())
        }
        None => decode_invalid(bytes, policy),
    }
}

/// Bytes that are not valid UTF-8: legacy 8-bit text, nearly-UTF-8, or an error.
fn decode_invalid(bytes: Vec<u8>, policy: Policy) -> Result<String> {
    let mut invalid = 0usize;
    let mut multibyte = 0usize;
    let mut first_bad = None;
    let mut pos = 0usize;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        pos += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            first_bad.get_or_insert(pos);
            invalid += chunk.invalid().len();
            pos += chunk.invalid().len();
        }
    }
    if multibyte * 20 <= invalid {
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
        return Ok(text.into_owned());
    }
    if invalid * 100 <= bytes.len() * policy.max_invalid_percent() {
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    Err(Error::InvalidUtf8 {
        at: first_bad.unwrap_or(0),
        invalid,
        len: bytes.len(),
    })
}

/// The charset named in the first 4 KiB of an HTML document (`<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=…">`).
pub fn meta_charset(html: &[u8]) -> Option<String> {
    let head = &html[..html.len().min(4096)];
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |j| start + j);
        let tag = &lower[start..end];
        if let Some(j) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[j + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=")
                && let Some(label) = charset_token(trim_start(rest))
            {
                return Some(label);
            }
        }
        from = end;
    }
    None
}

/// The charset parameter of a `Content-Type` header value.
pub fn content_type_charset(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let i = lower.find("charset")?;
    let rest = lower[i + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?;
    charset_token(rest.trim_start().as_bytes())
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn charset_token(b: &[u8]) -> Option<String> {
    let b = match b.first() {
        Some(b'"' | b'\'') => &b[1..],
        _ => b,
    };
    let n = b
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
        .count();
    if n == 0 {
        return None;
    }
    Some(String::from_utf8_lossy(&b[..n]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        assert_eq!(
            decode("Grüße".as_bytes().to_vec(), None, Policy::Strict).unwrap(),
            "Grüße"
        );
    }

    #[test]
    fn latin1_text_is_read_as_windows_1252() {
        let bytes = b"Caf\xe9 cr\xe8me \x93quoted\x94".to_vec();
        assert_eq!(
            decode(bytes, None, Policy::Strict).unwrap(),
            "Café crème \u{201c}quoted\u{201d}"
        );
    }

    #[test]
    fn a_stray_byte_in_long_utf8_is_replaced() {
        let mut bytes = "é".repeat(200).into_bytes();
        bytes.push(0xff);
        let text = decode(bytes, None, Policy::Strict).unwrap();
        assert!(text.ends_with('\u{fffd}'));
    }

    #[test]
    fn mixed_garbage_is_an_error_naming_the_first_bad_byte() {
        let mut bytes = "é".repeat(20).into_bytes();
        bytes.extend_from_slice(b"\xff\xfe\xfd abc \xff\xff\xff\xff\xff\xff");
        match decode(bytes, None, Policy::Strict) {
            Err(Error::InvalidUtf8 { at, .. }) => assert_eq!(at, 40),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn nul_bytes_are_binary() {
        assert!(matches!(
            decode(b"GIF89a\0\0\x01".to_vec(), None, Policy::Strict),
            Err(Error::Binary)
        ));
    }

    #[test]
    fn declared_charset_wins() {
        let bytes = b"\xcf\xf0\xe8\xe2\xe5\xf2".to_vec(); // "Привет" in windows-1251
        assert_eq!(
            decode(bytes, Some("windows-1251"), Policy::Strict).unwrap(),
            "Привет"
        );
    }

    #[test]
    fn valid_utf8_wins_over_a_legacy_label() {
        let bytes = "Zürich".as_bytes().to_vec();
        assert_eq!(
            decode(bytes.clone(), Some("iso-8859-1"), Policy::Lenient).unwrap(),
            "Zürich"
        );
        assert_eq!(
            decode(bytes, Some("utf-16"), Policy::Lenient).unwrap(),
            "Zürich"
        );
        let jis = b"\x1b$B$3$s$K$A$O\x1b(B".to_vec(); // "こんにちは" in ISO-2022-JP
        assert_eq!(
            decode(jis, Some("iso-2022-jp"), Policy::Lenient).unwrap(),
            "こんにちは"
        );
    }

    #[test]
    fn utf16_declared_without_bom() {
        let bytes = b"h\0i\0".to_vec();
        assert_eq!(
            decode(bytes, Some("utf-16le"), Policy::Lenient).unwrap(),
            "hi"
        );
    }

    #[test]
    fn utf16_with_bom() {
        let bytes = b"\xff\xfeh\0i\0".to_vec();
        assert_eq!(decode(bytes, None, Policy::Strict).unwrap(), "hi");
    }

    #[test]
    fn meta_charset_forms() {
        assert_eq!(
            meta_charset(b"<html><head><meta charset=\"ISO-8859-2\">").as_deref(),
            Some("iso-8859-2")
        );
        assert_eq!(
            meta_charset(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">"
            )
            .as_deref(),
            Some("shift_jis")
        );
        assert_eq!(
            meta_charset(b"<meta name=\"x\" content=\"y\"><p>charset=no"),
            None
        );
        assert_eq!(
            content_type_charset("text/html; Charset=\"UTF-8\"").as_deref(),
            Some("utf-8")
        );
    }
}
