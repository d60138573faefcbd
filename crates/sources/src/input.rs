//! One opened input: a name, a buffered byte stream (gzip already undone, behind the bomb guard)
//! and the helpers every format reads with: bounded lines, bounded whole documents, skipping.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Options;
use crate::error::{Error, Result};

/// Buffer size of the readers (big enough that WARC parsing runs at memory speed).
const BUF_SIZE: usize = 256 * 1024;
/// Decompressed bytes allowed before the compression-ratio guard applies.
pub(crate) const RATIO_GRACE: u64 = 64 * 1024 * 1024;

/// An opened input, ready for a format reader.
pub struct Input {
    /// The input's name: the path as given, or `-` for stdin.
    pub name: String,
    /// Size of the content in bytes when known without reading (an uncompressed regular file).
    pub len: Option<u64>,
    /// Whether the content was gzip-compressed.
    pub gzip: bool,
    reader: Box<dyn BufRead + Send>,
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .field("len", &self.len)
            .field("gzip", &self.gzip)
            .finish_non_exhaustive()
    }
}

impl Input {
    /// Opens a file.
    pub fn open(path: &Path, name: String, opts: &Options) -> Result<Self> {
        let file = File::open(path).map_err(Error::Io)?;
        let meta = file.metadata().map_err(Error::Io)?;
        if meta.is_dir() {
            return Err(Error::Io(io::Error::other("is a directory")));
        }
        Self::from_reader(file, name, Some(meta.len()), opts)
    }

    /// Wraps any byte stream (stdin, a buffer). `len` is its size when known.
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        name: String,
        len: Option<u64>,
        opts: &Options,
    ) -> Result<Self> {
        let counter = Arc::new(AtomicU64::new(0));
        let counted = Counted {
            inner: reader,
            count: Arc::clone(&counter),
        };
        let mut raw: Box<dyn BufRead + Send> =
            Box::new(BufReader::with_capacity(BUF_SIZE, counted));
        let magic = peek(&mut raw, 2).map_err(Error::Io)?;
        if magic.starts_with(&[0x1f, 0x8b]) {
            let raw = Prefixed::new(magic, raw);
            let decoder = flate2::bufread::MultiGzDecoder::new(raw);
            let guarded = Guarded {
                inner: decoder,
                produced: 0,
                compressed: counter,
                max: opts.max_decompressed_bytes,
                ratio: opts.max_compression_ratio,
            };
            Ok(Self {
                name,
                len: None,
                gzip: true,
                reader: Box::new(BufReader::with_capacity(BUF_SIZE, guarded)),
            })
        } else {
            Ok(Self {
                name,
                len,
                gzip: false,
                reader: Box::new(Prefixed::new(magic, raw)),
            })
        }
    }

    /// The first `n` bytes of the content (fewer if it is shorter), without consuming them.
    /// An error met after some bytes were read is kept and raised when the reader gets there,
    /// so the documents before it are still read.
    pub fn peek(&mut self, n: usize) -> Result<Vec<u8>> {
        let mut head = Vec::with_capacity(n);
        let deferred = match read_exact_or_eof(&mut self.reader, &mut head, n as u64) {
            Ok(_) => None,
            Err(e) if head.is_empty() => return Err(classify(e)),
            Err(e) => Some(e),
        };
        let rest = std::mem::replace(&mut self.reader, Box::new(io::empty()));
        let mut prefixed = Prefixed::new(head.clone(), rest);
        prefixed.deferred = deferred;
        self.reader = Box::new(prefixed);
        Ok(head)
    }

    /// The byte stream.
    pub fn reader(&mut self) -> &mut (dyn BufRead + Send) {
        &mut *self.reader
    }

    /// Reads the whole content as one document of at most `max` bytes. A longer one is read to
    /// its end without being kept, and reported with its size.
    pub fn read_document(&mut self, max: u64) -> Result<Vec<u8>> {
        if let Some(len) = self.len
            && len > max
        {
            return Err(Error::TooLarge {
                size: len,
                limit: max,
            });
        }
        let mut buf = Vec::new();
        let cap = usize::try_from(max).unwrap_or(usize::MAX);
        if let Some(len) = self.len {
            buf.reserve(usize::try_from(len).unwrap_or(0).min(cap));
        }
        let got = read_capped(&mut self.reader, &mut buf, cap).map_err(classify)?;
        if got.complete {
            Ok(buf)
        } else {
            drop(buf);
            let rest = skip_all(&mut self.reader).map_err(classify)?;
            Err(Error::TooLarge {
                size: got.total + rest,
                limit: max,
            })
        }
    }
}

/// Outcome of a bounded read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capped {
    /// Bytes read (kept or not).
    pub total: u64,
    /// Whether everything read was kept (the cap was not exceeded).
    pub complete: bool,
    /// For lines: whether the line ended with a newline (false at end of input).
    pub newline: bool,
}

/// Appends the rest of `r` to `buf`, keeping at most `cap` bytes; stops reading when the cap is
/// exceeded (`complete == false`).
fn read_capped(r: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Capped> {
    let mut total = 0u64;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(Capped {
                total,
                complete: true,
                newline: false,
            });
        }
        let n = chunk.len();
        total += n as u64;
        if buf.len() + n > cap {
            r.consume(n);
            return Ok(Capped {
                total,
                complete: false,
                newline: false,
            });
        }
        buf.extend_from_slice(chunk);
        r.consume(n);
    }
}

/// Reads and discards the rest of `r`; returns how many bytes there were.
fn skip_all(r: &mut dyn BufRead) -> io::Result<u64> {
    let mut total = 0u64;
    loop {
        let n = match r.fill_buf() {
            Ok(c) => c.len(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
        r.consume(n);
    }
}

/// Reads one line (through its `\n`) into `buf`, keeping at most `cap` bytes of it; the rest of
/// an over-long line is read and discarded. Returns `total == 0` at end of input.
pub fn read_line_capped(r: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Capped> {
    let mut total = 0u64;
    let mut complete = true;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(Capped {
                total,
                complete,
                newline: false,
            });
        }
        let (take, found) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if complete {
            if buf.len() + take <= cap {
                buf.extend_from_slice(&chunk[..take]);
            } else {
                complete = false;
            }
        }
        total += take as u64;
        r.consume(take);
        if found {
            return Ok(Capped {
                total,
                complete,
                newline: true,
            });
        }
    }
}

/// Reads exactly `n` bytes into `buf` (appending). Returns how many were read: fewer than `n`
/// only at end of input.
pub fn read_exact_or_eof(r: &mut dyn BufRead, buf: &mut Vec<u8>, n: u64) -> io::Result<u64> {
    let mut left = n;
    while left > 0 {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        let take = chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        buf.extend_from_slice(&chunk[..take]);
        r.consume(take);
        left -= take as u64;
    }
    Ok(n - left)
}

/// Reads and discards `n` bytes. Returns how many were skipped: fewer than `n` only at end of
/// input.
pub fn skip_exact_or_eof(r: &mut dyn BufRead, n: u64) -> io::Result<u64> {
    let mut left = n;
    while left > 0 {
        let avail = match r.fill_buf() {
            Ok(c) => c.len(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail == 0 {
            break;
        }
        let take = avail.min(usize::try_from(left).unwrap_or(usize::MAX));
        r.consume(take);
        left -= take as u64;
    }
    Ok(n - left)
}

/// Reads up to `n` bytes from the front of `r` (fewer only at end of input).
fn peek(r: &mut dyn BufRead, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    read_exact_or_eof(r, &mut head, n as u64)?;
    Ok(head)
}

/// Marker error raised inside the stream when the bomb guard trips.
#[derive(Debug)]
struct BombTripped {
    limit: u64,
}

impl fmt::Display for BombTripped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "decompressed size exceeds limit of {} bytes", self.limit)
    }
}

impl std::error::Error for BombTripped {}

/// The error the bomb guard raises inside a stream (for decoders outside this module, such as the
/// WARC reader's member-by-member gzip decoder).
pub(crate) fn bomb_error(limit: u64) -> io::Error {
    io::Error::other(BombTripped { limit })
}

/// Turns an I/O error met while reading an input into this crate's error: the bomb guard, damaged
/// gzip data, or a plain I/O error.
pub fn classify(e: io::Error) -> Error {
    if let Some(b) = e.get_ref().and_then(|i| i.downcast_ref::<BombTripped>()) {
        return Error::GzipBomb { limit: b.limit };
    }
    match e.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
            Error::Gzip(e.to_string())
        }
        _ => Error::Io(e),
    }
}

/// Whether an error is the bomb guard tripping (fatal for the input, not a truncation).
pub fn is_bomb(e: &io::Error) -> bool {
    e.get_ref()
        .and_then(|i| i.downcast_ref::<BombTripped>())
        .is_some()
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The gzip bomb guard: fails the stream once it has produced more than `max` bytes, or more than
/// `ratio` times the compressed bytes read (after a grace of [`RATIO_GRACE`] bytes).
struct Guarded<R> {
    inner: R,
    produced: u64,
    compressed: Arc<AtomicU64>,
    max: u64,
    ratio: u64,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        if self.produced > self.max {
            return Err(io::Error::other(BombTripped { limit: self.max }));
        }
        if self.ratio > 0 && self.produced > RATIO_GRACE {
            let compressed = self.compressed.load(Ordering::Relaxed).max(1);
            let limit = compressed.saturating_mul(self.ratio);
            if self.produced > limit {
                return Err(io::Error::other(BombTripped { limit }));
            }
        }
        Ok(n)
    }
}

/// A buffered reader with some bytes put back in front, and maybe an error met after them.
struct Prefixed {
    prefix: Vec<u8>,
    pos: usize,
    deferred: Option<io::Error>,
    inner: Box<dyn BufRead + Send>,
}

impl Prefixed {
    fn new(prefix: Vec<u8>, inner: Box<dyn BufRead + Send>) -> Self {
        Self {
            prefix,
            pos: 0,
            deferred: None,
            inner,
        }
    }
}

impl Read for Prefixed {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.prefix.len() {
            let n = (self.prefix.len() - self.pos).min(out.len());
            out[..n].copy_from_slice(&self.prefix[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.inner.read(out)
    }
}

impl BufRead for Prefixed {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos < self.prefix.len() {
            return Ok(&self.prefix[self.pos..]);
        }
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if self.pos < self.prefix.len() {
            self.pos = (self.pos + amt).min(self.prefix.len());
        } else {
            self.inner.consume(amt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn capped_line_skips_the_rest_of_a_long_line() {
        let mut r = Cursor::new(b"abcdefgh\nxy\nlast".to_vec());
        let mut buf = Vec::new();
        let got = read_line_capped(&mut r, &mut buf, 4).unwrap();
        assert_eq!(got.total, 9);
        assert!(!got.complete);
        buf.clear();
        let got = read_line_capped(&mut r, &mut buf, 4).unwrap();
        assert!(got.complete && got.newline);
        assert_eq!(buf, b"xy\n");
        buf.clear();
        let got = read_line_capped(&mut r, &mut buf, 4).unwrap();
        assert!(got.complete && !got.newline);
        assert_eq!(buf, b"last");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 4).unwrap().total, 0);
    }

    #[test]
    fn prefixed_reader_replays_the_peeked_bytes() {
        let opts = Options::default();
        let mut input = Input::from_reader(
            Cursor::new(b"hello world".to_vec()),
            "x".into(),
            None,
            &opts,
        )
        .unwrap();
        assert_eq!(input.peek(5).unwrap(), b"hello");
        assert_eq!(input.read_document(100).unwrap(), b"hello world");
    }

    #[test]
    fn too_large_stream_reports_its_full_size() {
        let opts = Options::default();
        let mut input =
            Input::from_reader(Cursor::new(vec![b'a'; 1000]), "x".into(), None, &opts).unwrap();
        match input.read_document(10) {
            Err(Error::TooLarge { size, limit }) => assert_eq!((size, limit), (1000, 10)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
