//! The payload of a WARC record: the HTTP message of a `response` record (status, headers,
//! chunked transfer coding, content coding) or the block of a `resource` record, reduced to HTML
//! bytes and a charset.

use std::io::Read;

use crate::decode;
use crate::error::{Error, Result};

/// An HTML payload and the charset its headers declare.
#[derive(Debug)]
pub struct Payload {
    /// The body bytes.
    pub body: Vec<u8>,
    /// The charset of the HTTP `Content-Type`, when given.
    pub charset: Option<String>,
}

/// The HTML payload of a `response` record's HTTP message; `None` for a message that is not a
/// successful HTML response (a redirect, an image, …). `offset` is for messages.
pub fn response(block: Vec<u8>, max: u64, offset: u64) -> Result<Option<Payload>> {
    if !block.starts_with(b"HTTP/") {
        return Err(bad(offset, "the response block is not an HTTP message"));
    }
    let (head_len, body_start) = match head_end(&block) {
        Some(i) => (i, i + 4),
        None => match memchr::memmem::find(&block, b"\n\n") {
            Some(i) => (i, i + 2),
            None => return Err(bad(offset, "the HTTP header has no end")),
        },
    };
    let Some(head) = Head::parse(&block[..head_len], offset)? else {
        return Ok(None);
    };
    let mut body = block;
    body.drain(..body_start);
    head.payload(body, max, offset)
}

/// Where the HTTP header of a response block ends: its first `\r\n\r\n` (the header of a
/// block that has none ends at its first `\n\n`).
pub(super) fn head_end(block: &[u8]) -> Option<usize> {
    memchr::memmem::find(block, b"\r\n\r\n")
}

/// [`response`] of a block given as two parts: `head`, its bytes up to and including its first
/// `\r\n\r\n` ([`head_end`]), and `body`, the rest. The same result as `response` of the whole
/// block, without moving the body to the front of the block's buffer.
pub fn response_parts(
    head: &[u8],
    body: Vec<u8>,
    max: u64,
    offset: u64,
) -> Result<Option<Payload>> {
    if !head.starts_with(b"HTTP/") {
        return Err(bad(offset, "the response block is not an HTTP message"));
    }
    let head_len = head.len().saturating_sub(4);
    let Some(head) = Head::parse(&head[..head_len], offset)? else {
        return Ok(None);
    };
    head.payload(body, max, offset)
}

fn bad(offset: u64, message: &str) -> Error {
    Error::BadWarcRecord {
        offset,
        message: message.to_owned(),
    }
}

/// What the HTTP header of a successful response says about its body.
struct Head {
    content_type: Option<String>,
    transfer_encoding: Option<String>,
    content_encoding: Option<String>,
}

impl Head {
    /// Reads the status line and header fields (`head` without the blank line ending it);
    /// `None` for a status that is not 2xx.
    fn parse(head: &[u8], offset: u64) -> Result<Option<Self>> {
        let head = String::from_utf8_lossy(head);
        let mut lines = head.lines();
        let status_line = lines.next().unwrap_or("");
        let status: u16 = status_line
            .split_ascii_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(offset, "the HTTP status line has no status code"))?;
        if !(200..300).contains(&status) {
            return Ok(None);
        }
        let mut content_type = None;
        let mut transfer_encoding = None;
        let mut content_encoding = None;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim();
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-type") {
                content_type = Some(value.to_owned());
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                transfer_encoding = Some(value.to_ascii_lowercase());
            } else if name.eq_ignore_ascii_case("content-encoding") {
                content_encoding = Some(value.to_ascii_lowercase());
            }
        }
        Ok(Some(Head {
            content_type,
            transfer_encoding,
            content_encoding,
        }))
    }

    /// The body with its transfer and content codings undone, when it is HTML.
    fn payload(self, mut body: Vec<u8>, max: u64, offset: u64) -> Result<Option<Payload>> {
        if self
            .transfer_encoding
            .as_deref()
            .is_some_and(|t| t.contains("chunked"))
        {
            body =
                dechunk(&body).ok_or_else(|| bad(offset, "malformed chunked transfer coding"))?;
        }
        match self.content_encoding.as_deref() {
            None | Some("" | "identity" | "none") => {}
            Some("gzip" | "x-gzip") => {
                body = inflate(flate2::read::MultiGzDecoder::new(&body[..]), max, offset)?;
            }
            Some("deflate") => {
                body = inflate(flate2::read::ZlibDecoder::new(&body[..]), max, offset)?;
            }
            Some(other) => {
                return Err(bad(
                    offset,
                    &format!("unsupported Content-Encoding {other:?}"),
                ));
            }
        }
        if !is_html(self.content_type.as_deref(), &body) {
            return Ok(None);
        }
        let charset = self
            .content_type
            .as_deref()
            .and_then(decode::content_type_charset);
        Ok(Some(Payload { body, charset }))
    }
}

/// The payload of a `resource` record (no HTTP message): HTML only.
pub fn resource(block: Vec<u8>, content_type: Option<&str>) -> Option<Payload> {
    if !is_html(content_type, &block) {
        return None;
    }
    let charset = content_type.and_then(decode::content_type_charset);
    Some(Payload {
        body: block,
        charset,
    })
}

/// Whether a payload is HTML: by its media type, or by sniffing when the type is missing or
/// says nothing (`application/octet-stream`, `text/plain`, `unknown`).
fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media.as_str() {
        "text/html" | "application/xhtml+xml" | "application/xhtml" => true,
        "" | "application/octet-stream" | "text/plain" | "unknown" | "unknown/unknown" => {
            sniff_html(body)
        }
        _ => false,
    }
}

/// Whether a body starts like an HTML document.
pub fn sniff_html(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let start = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let head = &body[start..body.len().min(start + 1024)];
    let lower = head.to_ascii_lowercase();
    lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || (lower.starts_with(b"<") && memchr::memmem::find(&lower, b"<html").is_some())
}

/// Undoes the chunked transfer coding; `None` when it is malformed.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let nl = memchr::memchr(b'\n', data)?;
        let line = std::str::from_utf8(&data[..nl]).ok()?;
        let size_text = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        let chunk = data.get(..size)?;
        out.extend_from_slice(chunk);
        data = &data[size..];
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}

/// Inflates a content-coded body, at most `max` bytes.
fn inflate(decoder: impl Read, max: u64, offset: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut limited = decoder.take(max.saturating_add(1));
    limited
        .read_to_end(&mut out)
        .map_err(|e| Error::BadWarcRecord {
            offset,
            message: format!("bad content coding: {e}"),
        })?;
    if out.len() as u64 > max {
        return Err(Error::TooLarge {
            size: out.len() as u64,
            limit: max,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_html_response() {
        let block =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n<html>x</html>"
                .to_vec();
        let p = response(block, 1000, 0).unwrap().unwrap();
        assert_eq!(p.body, b"<html>x</html>");
        assert_eq!(p.charset.as_deref(), Some("iso-8859-1"));
    }

    #[test]
    fn redirects_and_images_are_skipped() {
        let block =
            b"HTTP/1.1 301 Moved\r\nContent-Type: text/html\r\n\r\n<html>moved</html>".to_vec();
        assert!(response(block, 1000, 0).unwrap().is_none());
        let block = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG".to_vec();
        assert!(response(block, 1000, 0).unwrap().is_none());
    }

    #[test]
    fn chunked_and_sniffed() {
        let block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n<html>\r\n7\r\n</html>\r\n0\r\n\r\n".to_vec();
        let p = response(block, 1000, 0).unwrap().unwrap();
        assert_eq!(p.body, b"<html></html>");
    }

    #[test]
    fn gzip_content_coding() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<html>zipped</html>").unwrap();
        let mut block =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        block.extend_from_slice(&gz.finish().unwrap());
        let p = response(block, 1000, 0).unwrap().unwrap();
        assert_eq!(p.body, b"<html>zipped</html>");
    }

    /// A response block from pieces: status, header lines, the header's end, body.
    fn block_strategy() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let line = prop_oneof![
            Just("Content-Type: text/html; charset=utf-8".to_owned()),
            Just("Content-Type: image/png".to_owned()),
            Just("content-type:text/plain".to_owned()),
            Just("Transfer-Encoding: chunked".to_owned()),
            Just("Content-Encoding: gzip".to_owned()),
            Just("Content-Encoding: br".to_owned()),
            Just("X-Broken".to_owned()),
            "[ -~]{0,20}",
        ];
        (
            prop_oneof![
                Just("HTTP/1.1 200 OK"),
                Just("HTTP/1.0 204"),
                Just("HTTP/1.1 301 Moved"),
                Just("HTTP/1.1"),
                Just("GET / HTTP/1.1")
            ],
            prop::collection::vec(line, 0..4),
            prop_oneof![Just("\r\n"), Just("\n")],
            prop::collection::vec(
                prop_oneof![
                    Just(b"<html>".to_vec()),
                    Just(b"\r\n\r\n".to_vec()),
                    Just(b"\n\n".to_vec()),
                    Just(b"5\r\nabcde\r\n0\r\n\r\n".to_vec()),
                    prop::collection::vec(any::<u8>(), 0..8),
                ],
                0..6,
            ),
        )
            .prop_map(|(status, lines, eol, body)| {
                let mut block = status.as_bytes().to_vec();
                for l in lines {
                    block.extend_from_slice(eol.as_bytes());
                    block.extend_from_slice(l.as_bytes());
                }
                block.extend_from_slice(eol.as_bytes());
                block.extend_from_slice(eol.as_bytes());
                block.extend(body.concat());
                block
            })
    }

    proptest::proptest! {
        /// `response_parts` of a block cut after its header's end gives what `response` of
        /// the whole block gives (the WARC reader takes the first when the header's end is in
        /// its buffered bytes, the second otherwise).
        #[test]
        fn response_parts_is_response(block in block_strategy(), max in 0u64..64) {
            let want = format!("{:?}", response(block.clone(), max, 3));
            if let Some(i) = head_end(&block) {
                let (head, body) = block.split_at(i + 4);
                let got = format!("{:?}", response_parts(head, body.to_vec(), max, 3));
                proptest::prop_assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn not_http() {
        assert!(matches!(
            response(b"garbage".to_vec(), 1000, 7),
            Err(Error::BadWarcRecord { offset: 7, .. })
        ));
    }
}
