//! WARC files (`.warc`, `.warc.gz`; CC-NEWS style, one gzip member per record, or plain records
//! one after another), parsed record by record from the stream, honouring `Content-Length`.
//!
//! Every successful `response` record whose HTTP payload is HTML (by `Content-Type`, or sniffed
//! when the type says nothing), and every HTML `resource` record, becomes a [`Body::Html`]
//! document: id = `WARC-Record-ID` (angle brackets removed), url = `WARC-Target-URI`,
//! fetched = `WARC-Date`. The HTTP status line and headers are stripped, chunked transfer coding
//! and gzip/deflate content coding undone, and the body decoded per the HTTP charset or
//! `<meta charset>` (lenient policy of the `decode` module). Other records (`warcinfo`,
//! `request`, `metadata`, `revisit`) and non-HTML or non-2xx responses are skipped silently.
//!
//! A record larger than `max_doc_bytes` is read past and reported. Bytes where a record should
//! start are reported once and skipped up to the next `WARC/` line. An input that ends inside a
//! record (or whose gzip data is cut or damaged) yields `truncated WARC record at byte N`, N being
//! the record's offset in the decompressed stream, after the documents before it.

mod http;
mod resume;

use epiwire_model::{Body, RawDoc};

use crate::decode::{self, Policy};
use crate::input::{classify, is_bomb, read_exact_or_eof, read_line_capped, skip_exact_or_eof};
use crate::{Error, Format, Input, Item, Options, Source};

pub use http::sniff_html;
pub use resume::{Positioned, ResumableWarc};

/// Longest header line kept.
const MAX_HEADER_LINE: usize = 64 * 1024;
/// Most header bytes in one record.
const MAX_HEADER_BYTES: u64 = 1024 * 1024;

/// Reads the HTML documents of a WARC input.
#[derive(Debug)]
pub struct WarcSource {
    input: Input,
    max_doc_bytes: u64,
    /// Bytes consumed so far in the (decompressed) stream.
    offset: u64,
    /// Skipping lines up to the next record after bad bytes.
    resync: bool,
    done: bool,
    line: Vec<u8>,
    /// Resume offsets are wanted (see [`ResumableWarc`]).
    marks: Option<resume::Marks>,
}

/// The record headers the reader uses.
#[derive(Debug, Default)]
struct Headers {
    warc_type: Option<String>,
    record_id: Option<String>,
    target_uri: Option<String>,
    date: Option<String>,
    content_type: Option<String>,
    content_length: Option<String>,
}

/// What one step of the parser found.
enum Step {
    /// End of input.
    End,
    /// A record skipped silently.
    Skip,
    /// A document or a per-record error; the input goes on.
    Item(Item),
}

/// An error that ends the input.
struct Fatal(Error);

impl WarcSource {
    /// A source over `input`.
    pub fn new(input: Input, opts: &Options) -> Self {
        Self {
            input,
            max_doc_bytes: opts.max_doc_bytes,
            offset: 0,
            resync: false,
            done: false,
            line: Vec::with_capacity(256),
            marks: None,
        }
    }

    /// Maps an I/O error inside the record starting at `start` to the error that ends the input.
    fn io_fatal(e: std::io::Error, start: u64) -> Fatal {
        if is_bomb(&e) {
            return Fatal(classify(e));
        }
        match classify(e) {
            Error::Gzip(detail) => Fatal(Error::TruncatedWarc {
                offset: start,
                detail: Some(format!("gzip: {detail}")),
            }),
            other => Fatal(other),
        }
    }

    fn truncated(start: u64) -> Fatal {
        Fatal(Error::TruncatedWarc {
            offset: start,
            detail: None,
        })
    }

    /// Reads one line; `None` at end of input.
    fn next_line(&mut self, start: u64) -> Result<Option<crate::input::Capped>, Fatal> {
        self.line.clear();
        let got = read_line_capped(self.input.reader(), &mut self.line, MAX_HEADER_LINE)
            .map_err(|e| Self::io_fatal(e, start))?;
        self.offset += got.total;
        Ok((got.total > 0).then_some(got))
    }

    fn step(&mut self) -> Result<Step, Fatal> {
        // The version line, after blank lines (and bad bytes when resyncing).
        let start = loop {
            let line_start = self.offset;
            let Some(got) = self.next_line(line_start)? else {
                return Ok(Step::End);
            };
            let line = trim_eol(&self.line);
            if line.is_empty() && got.complete {
                continue;
            }
            if got.complete && line.starts_with(b"WARC/") {
                self.resync = false;
                break line_start;
            }
            if !self.resync {
                self.resync = true;
                let error = Error::NotWarc { offset: line_start };
                return Ok(Step::Item(Item::error(self.input.name.clone(), error)));
            }
        };
        // The header fields.
        let mut headers = Headers::default();
        let mut last: Option<&'static str> = None;
        loop {
            let Some(got) = self.next_line(start)? else {
                return Err(Self::truncated(start));
            };
            if !got.newline {
                return Err(Self::truncated(start));
            }
            if !got.complete || self.offset - start > MAX_HEADER_BYTES {
                return Ok(self.bad_record(start, "header too long"));
            }
            let line = trim_eol(&self.line);
            if line.is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(line);
            if text.starts_with([' ', '\t']) {
                // A continuation of the previous field.
                if let Some(field) = last.and_then(|name| headers.field(name)) {
                    field.push(' ');
                    field.push_str(text.trim());
                }
                continue;
            }
            let Some((name, value)) = text.split_once(':') else {
                return Ok(self.bad_record(start, "header line without a colon"));
            };
            last = headers.set(name.trim(), value.trim());
        }
        let Some(len) = headers
            .content_length
            .as_deref()
            .and_then(|v| v.trim().parse::<u64>().ok())
        else {
            return Ok(self.bad_record(start, "missing or invalid Content-Length"));
        };
        let kind = headers
            .warc_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let wanted = kind == "response" || kind == "resource";
        if !wanted || len > self.max_doc_bytes {
            let skipped = skip_exact_or_eof(self.input.reader(), len)
                .map_err(|e| Self::io_fatal(e, start))?;
            self.offset += skipped;
            if skipped < len {
                return Err(Self::truncated(start));
            }
            if !wanted {
                return Ok(Step::Skip);
            }
            let error = Error::TooLarge {
                size: len,
                limit: self.max_doc_bytes,
            };
            return Ok(Step::Item(Item::error(
                self.record_id(&headers, start),
                error,
            )));
        }
        // A response's HTTP header whose end is in the buffered bytes is read apart from the
        // body, so that the body is read into a buffer of its own instead of being moved to
        // the front of the block's after the header is parsed.
        let head = if kind == "response" {
            self.read_http_head(len, start)?
        } else {
            None
        };
        let head_len = head.as_ref().map_or(0, Vec::len) as u64;
        let mut block = Vec::with_capacity(usize::try_from(len - head_len).unwrap_or(0));
        let got = read_exact_or_eof(self.input.reader(), &mut block, len - head_len)
            .map_err(|e| Self::io_fatal(e, start))?;
        self.offset += head_len + got;
        if head_len + got < len {
            return Err(Self::truncated(start));
        }
        let id = self.record_id(&headers, start);
        let http_type = headers.content_type.as_deref().is_some_and(|c| {
            c.trim()
                .to_ascii_lowercase()
                .starts_with("application/http")
        });
        let starts_http = head.as_deref().unwrap_or(&block).starts_with(b"HTTP/");
        if kind == "response" && !http_type && !starts_http {
            return Ok(Step::Skip); // a DNS or other non-HTTP response
        }
        let payload = match head {
            Some(head) => http::response_parts(&head, block, self.max_doc_bytes, start),
            None if kind == "response" => http::response(block, self.max_doc_bytes, start),
            None => Ok(http::resource(block, headers.content_type.as_deref())),
        };
        let html = match payload {
            Ok(Some(p)) => {
                let charset = p.charset.or_else(|| decode::meta_charset(&p.body));
                decode::decode(p.body, charset.as_deref(), Policy::Lenient)
            }
            Ok(None) => return Ok(Step::Skip),
            Err(e) => Err(e),
        };
        Ok(Step::Item(match html {
            Ok(html) if html.trim().is_empty() => return Ok(Step::Skip),
            Ok(html) => Item::doc(RawDoc {
                id,
                url: headers.target_uri.map(|u| strip_angles(&u).to_owned()),
                title: None,
                published: None,
                fetched: headers.date,
                body: Body::Html(html),
            }),
            Err(e) => Item::error(id, e),
        }))
    }

    /// The bytes of a `len`-byte response block up to and including its HTTP header's end
    /// ([`http::head_end`]), taken off the input when the input's buffered bytes hold it (so
    /// that it is also the block's first); `None`, with nothing consumed, otherwise.
    fn read_http_head(&mut self, len: u64, start: u64) -> Result<Option<Vec<u8>>, Fatal> {
        let reader = self.input.reader();
        let buffered = loop {
            match reader.fill_buf() {
                Ok(b) => break b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Self::io_fatal(e, start)),
            }
        };
        let buffered = &buffered[..buffered
            .len()
            .min(usize::try_from(len).unwrap_or(usize::MAX))];
        let Some(end) = http::head_end(buffered) else {
            return Ok(None);
        };
        let head = buffered[..end + 4].to_vec();
        reader.consume(head.len());
        Ok(Some(head))
    }

    /// A record whose header is malformed: reported, then the reader looks for the next record.
    fn bad_record(&mut self, start: u64, message: &str) -> Step {
        self.resync = true;
        let error = Error::BadWarcRecord {
            offset: start,
            message: message.to_owned(),
        };
        Step::Item(Item::error(self.input.name.clone(), error))
    }

    fn record_id(&self, headers: &Headers, start: u64) -> String {
        match &headers.record_id {
            Some(id) => strip_angles(id).to_owned(),
            None => format!("{}#{}", self.input.name, start),
        }
    }
}

impl Headers {
    /// Records a field the reader uses; returns its canonical name.
    fn set(&mut self, name: &str, value: &str) -> Option<&'static str> {
        const NAMES: [&str; 6] = [
            "WARC-Type",
            "WARC-Record-ID",
            "WARC-Target-URI",
            "WARC-Date",
            "Content-Type",
            "Content-Length",
        ];
        let canonical = NAMES.into_iter().find(|n| n.eq_ignore_ascii_case(name))?;
        if let Some(field) = self.field(canonical) {
            *field = value.to_owned();
        }
        Some(canonical)
    }

    fn field(&mut self, canonical: &str) -> Option<&mut String> {
        let slot = match canonical {
            "WARC-Type" => &mut self.warc_type,
            "WARC-Record-ID" => &mut self.record_id,
            "WARC-Target-URI" => &mut self.target_uri,
            "WARC-Date" => &mut self.date,
            "Content-Type" => &mut self.content_type,
            "Content-Length" => &mut self.content_length,
            _ => return None,
        };
        Some(slot.get_or_insert_with(String::new))
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn strip_angles(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(s)
}

impl Source for WarcSource {
    fn format(&self) -> Format {
        Format::Warc
    }

    fn next_item(&mut self) -> Option<Item> {
        while !self.done {
            match self.step() {
                Ok(Step::End) => self.done = true,
                Ok(Step::Skip) => {}
                Ok(Step::Item(item)) => return Some(item),
                Err(Fatal(error)) => {
                    self.done = true;
                    return Some(Item::error(self.input.name.clone(), error));
                }
            }
        }
        None
    }
}

/// Writes one WARC/1.0 record: the version line, the given header fields, `Content-Length`, the
/// block, and the two closing CRLFs. Used by the tests and benchmarks to build WARC files.
pub fn write_record(out: &mut Vec<u8>, fields: &[(&str, &str)], block: &[u8]) {
    out.extend_from_slice(b"WARC/1.0\r\n");
    for (name, value) in fields {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
}

/// Writes one `response` record for an HTML page fetched from `uri`, with an HTTP 200 message
/// whose `Content-Type` is `content_type`. Used by the tests and benchmarks.
pub fn write_response(
    out: &mut Vec<u8>,
    id: &str,
    uri: &str,
    date: &str,
    content_type: &str,
    body: &[u8],
) {
    let mut block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    block.extend_from_slice(body);
    let id = format!("<{id}>");
    let fields = [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", id.as_str()),
        ("WARC-Target-URI", uri),
        ("WARC-Date", date),
        ("Content-Type", "application/http; msgtype=response"),
    ];
    write_record(out, &fields, &block);
}

#[cfg(test)]
mod tests;
