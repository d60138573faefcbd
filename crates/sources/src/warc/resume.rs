//! Resumable reading of one WARC file: every item comes with the byte offset in the file where
//! reading can start again after it, so a backfill can record how far it got and seek there on
//! restart instead of reading the finished part again.
//!
//! A `.warc.gz` file is decompressed member by member (CC-NEWS writes one gzip member per
//! record), keeping the compressed offset of every member start. After an item, the resume
//! offset is the start of the next member when the item's record (with its closing CRLFs) ended
//! exactly at a member end; a file compressed as one member, or a member holding several records,
//! gives no resume offsets inside it (the content-hash skip still avoids storing anything twice).
//! A plain `.warc` file resumes at the byte after the record.
//!
//! Offsets in error messages of a resumed read count from the resume point.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::input::{RATIO_GRACE, bomb_error};
use crate::{Error, Input, Item, Options, Source};

use super::WarcSource;

/// Buffer of the compressed stream.
const RAW_BUF: usize = 256 * 1024;

/// Member ends seen by the decoder: (decompressed offset of the end, compressed file offset of
/// the next member).
type Boundaries = Arc<Mutex<VecDeque<(u64, u64)>>>;

/// How the reader finds resume offsets.
#[derive(Debug)]
pub(super) enum Marks {
    /// A plain WARC: the parser's offset is the file offset.
    Plain,
    /// A gzip WARC: the member ends the decoder reported.
    Gzip(Boundaries),
}

/// One item and where reading can resume after it.
#[derive(Debug)]
pub struct Positioned {
    /// The document or error.
    pub item: Item,
    /// File offset to restart from once this item and every one before it are done; `None` when
    /// the item does not end on a point where reading can restart.
    pub resume_at: Option<u64>,
}

/// A WARC file read from a given offset, with resume offsets. See the module docs.
#[derive(Debug)]
pub struct ResumableWarc {
    source: WarcSource,
    /// Where reading started in the file.
    start: u64,
    /// Size of the file.
    len: u64,
}

impl ResumableWarc {
    /// Opens the WARC file at `path` (called `name` in errors and ids) and starts reading at
    /// byte `offset`, which must be 0 or a resume offset given by an earlier read of the same
    /// file: the start of a gzip member for a compressed file, the start of a record (or the end
    /// of the file) for a plain one. An offset that is not such a point is an
    /// [`Error::BadWarcRecord`]; callers fall back to offset 0.
    pub fn open(path: &Path, name: String, opts: &Options, offset: u64) -> crate::Result<Self> {
        let mut file = File::open(path).map_err(Error::Io)?;
        let len = file.metadata().map_err(Error::Io)?.len();
        let mut magic = [0u8; 2];
        let gzip = read_head(&mut file, &mut magic)? == 2 && magic == [0x1f, 0x8b];
        if offset > len {
            return Err(bad_offset(offset, "beyond the end of the file"));
        }
        file.seek(SeekFrom::Start(offset)).map_err(Error::Io)?;
        // From the start, the parser reports whatever is there (as for any WARC input).
        if offset > 0 && offset < len {
            let mut head = [0u8; 5];
            let got = read_head(&mut file, &mut head)?;
            let ok = if gzip {
                got >= 2 && head[..2] == [0x1f, 0x8b]
            } else {
                got == 5 && &head == b"WARC/"
            };
            if !ok {
                let what = if gzip {
                    "not the start of a gzip member"
                } else {
                    "not the start of a WARC record"
                };
                return Err(bad_offset(offset, what));
            }
            file.seek(SeekFrom::Start(offset)).map_err(Error::Io)?;
        }
        let rest = len - offset;
        let (input, marks) = if gzip {
            let boundaries = Boundaries::default();
            let members = Members::new(file, offset, opts, Arc::clone(&boundaries));
            let input = Input::from_reader(members, name, None, opts)?;
            (input, Marks::Gzip(boundaries))
        } else {
            (
                Input::from_reader(file, name, Some(rest), opts)?,
                Marks::Plain,
            )
        };
        let mut source = WarcSource::new(input, opts);
        if !gzip {
            source.offset = offset;
        }
        source.marks = Some(marks);
        Ok(Self {
            source,
            start: offset,
            len,
        })
    }

    /// The offset reading started at.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The size of the file.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The next item with its resume offset; `None` at the end of the file.
    pub fn next_positioned(&mut self) -> Option<Positioned> {
        let item = self.source.next_item()?;
        let resume_at = self.source.resume_offset();
        Some(Positioned { item, resume_at })
    }
}

impl Iterator for ResumableWarc {
    type Item = Positioned;

    fn next(&mut self) -> Option<Positioned> {
        self.next_positioned()
    }
}

impl WarcSource {
    /// After an item in resumable mode: eats the record's closing CRLFs, then says where reading
    /// can restart, if the parser stands on such a point.
    fn resume_offset(&mut self) -> Option<u64> {
        if self.done {
            // The input ended (maybe with a fatal error): a plain file's end is a resume point
            // only when the parser stands at a record boundary, which `done` does not promise.
            return None;
        }
        self.marks.as_ref()?;
        // Eat up to four CR/LF bytes: the record trailer.
        for _ in 0..4 {
            let next = match self.input.reader().fill_buf() {
                Ok(buf) => buf.first().copied(),
                Err(_) => None, // the error comes back at the next read
            };
            match next {
                Some(b'\r' | b'\n') => {
                    self.input.reader().consume(1);
                    self.offset += 1;
                }
                _ => break,
            }
        }
        // Make the decoder look past this point, so that a member ending here is reported.
        let _ = self.input.reader().fill_buf();
        if self.resync {
            return None;
        }
        match self.marks.as_ref()? {
            Marks::Plain => Some(self.offset),
            Marks::Gzip(boundaries) => {
                let mut b = boundaries.lock().ok()?;
                while let Some(&(end, next)) = b.front() {
                    if end < self.offset {
                        b.pop_front();
                    } else if end == self.offset {
                        b.pop_front();
                        return Some(next);
                    } else {
                        break;
                    }
                }
                None
            }
        }
    }
}

fn bad_offset(offset: u64, what: &str) -> Error {
    Error::BadWarcRecord {
        offset,
        message: format!("resume offset {offset} is {what}"),
    }
}

/// Reads up to `buf.len()` bytes; returns how many.
fn read_head(file: &mut File, buf: &mut [u8]) -> crate::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Io(e)),
        }
    }
    Ok(got)
}

/// A reader that counts the bytes read through it.
struct Counted {
    inner: File,
    count: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

// Decoding one member at a time is the point here: the reader needs each member's end to know
// where it may resume. Members follow one another until the file ends, so multi-member files are
// read whole, as MultiGzDecoder would.
#[allow(clippy::disallowed_types)]
type Member = flate2::bufread::GzDecoder<BufReader<Counted>>;

/// Multi-member gzip decoding that reports every member end (see [`Boundaries`]), with the same
/// bomb guard as the other inputs.
struct Members {
    /// The compressed stream between members.
    idle: Option<BufReader<Counted>>,
    /// The member being decoded.
    member: Option<Member>,
    /// Compressed bytes read from the file since `base`.
    count: Arc<AtomicU64>,
    /// File offset reading started at.
    base: u64,
    /// Decompressed bytes produced.
    produced: u64,
    boundaries: Boundaries,
    max: u64,
    ratio: u64,
}

impl Members {
    fn new(file: File, base: u64, opts: &Options, boundaries: Boundaries) -> Self {
        let count = Arc::new(AtomicU64::new(0));
        let counted = Counted {
            inner: file,
            count: Arc::clone(&count),
        };
        Self {
            idle: Some(BufReader::with_capacity(RAW_BUF, counted)),
            member: None,
            count,
            base,
            produced: 0,
            boundaries,
            max: opts.max_decompressed_bytes,
            ratio: opts.max_compression_ratio,
        }
    }

    fn guard(&self) -> io::Result<()> {
        if self.produced > self.max {
            return Err(bomb_error(self.max));
        }
        if self.ratio > 0 && self.produced > RATIO_GRACE {
            let limit = self
                .count
                .load(Ordering::Relaxed)
                .max(1)
                .saturating_mul(self.ratio);
            if self.produced > limit {
                return Err(bomb_error(limit));
            }
        }
        Ok(())
    }
}

impl Read for Members {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(member) = self.member.as_mut() {
                let n = member.read(buf)?;
                if n > 0 {
                    self.produced += n as u64;
                    self.guard()?;
                    return Ok(n);
                }
                // The member ended (its CRC checked): the rest of the file is still buffered.
                if let Some(member) = self.member.take() {
                    let raw = member.into_inner();
                    let read = self.count.load(Ordering::Relaxed);
                    let next = self.base + read - raw.buffer().len() as u64;
                    if let Ok(mut b) = self.boundaries.lock() {
                        b.push_back((self.produced, next));
                    }
                    self.idle = Some(raw);
                }
            }
            let Some(mut raw) = self.idle.take() else {
                return Ok(0);
            };
            if raw.fill_buf()?.is_empty() {
                self.idle = Some(raw);
                return Ok(0);
            }
            #[allow(clippy::disallowed_types)]
            let member = flate2::bufread::GzDecoder::new(raw);
            self.member = Some(member);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::warc::write_response;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn page(i: usize) -> Vec<u8> {
        format!(
            "<html><head><title>Report {i}</title></head><body><article><p>Report {i}: \
             {i} cases of cholera were reported in the district this week.</p></article></body></html>"
        )
        .into_bytes()
    }

    /// A WARC of `n` responses, each its own gzip member when `gzip`; with each record's start.
    fn warc(n: usize, gzip: bool) -> (Vec<u8>, Vec<u64>) {
        let mut out = Vec::new();
        let mut starts = Vec::new();
        for i in 0..n {
            let mut rec = Vec::new();
            write_response(
                &mut rec,
                &format!("urn:uuid:{i}"),
                &format!("https://example.org/{i}"),
                "2022-05-18T00:00:00Z",
                "text/html; charset=utf-8",
                &page(i),
            );
            starts.push(out.len() as u64);
            out.extend(if gzip { gz(&rec) } else { rec });
        }
        (out, starts)
    }

    fn ids(items: &[Positioned]) -> Vec<String> {
        items
            .iter()
            .map(|p| match &p.item {
                Item::Doc { raw, .. } => raw.id.clone(),
                Item::Error(e) => format!("error: {}", e.message()),
            })
            .collect()
    }

    fn check(gzip: bool) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if gzip { "a.warc.gz" } else { "a.warc" });
        let (bytes, starts) = warc(5, gzip);
        std::fs::write(&path, &bytes).unwrap();
        let opts = Options::default();
        let all: Vec<Positioned> = ResumableWarc::open(&path, "a".into(), &opts, 0)
            .unwrap()
            .collect();
        assert_eq!(
            ids(&all),
            (0..5).map(|i| format!("urn:uuid:{i}")).collect::<Vec<_>>()
        );
        // Each record ends where the next one starts; the last at the end of the file.
        let marks: Vec<Option<u64>> = all.iter().map(|p| p.resume_at).collect();
        let mut expected: Vec<Option<u64>> = starts[1..].iter().map(|&s| Some(s)).collect();
        expected.push(Some(bytes.len() as u64));
        assert_eq!(marks, expected);
        // Resuming after the second record reads the last three only.
        let rest: Vec<Positioned> = ResumableWarc::open(&path, "a".into(), &opts, starts[2])
            .unwrap()
            .collect();
        assert_eq!(ids(&rest), ids(&all)[2..].to_vec());
        assert_eq!(
            rest.iter().map(|p| p.resume_at).collect::<Vec<_>>(),
            marks[2..].to_vec()
        );
        // At the end: nothing left.
        let end = ResumableWarc::open(&path, "a".into(), &opts, bytes.len() as u64).unwrap();
        assert_eq!(end.count(), 0);
        // An offset inside a record is refused.
        assert!(ResumableWarc::open(&path, "a".into(), &opts, starts[1] + 3).is_err());
    }

    #[test]
    fn bytes_before_the_first_record_are_reported_as_usual() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.warc");
        let (records, _) = warc(2, false);
        let mut bytes = b"not a record\r\n".to_vec();
        bytes.extend(records);
        std::fs::write(&path, &bytes).unwrap();
        let all: Vec<Positioned> = ResumableWarc::open(&path, "a".into(), &Options::default(), 0)
            .unwrap()
            .collect();
        let got = ids(&all);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].starts_with("error"), "{got:?}");
        assert_eq!(got[1..], ["urn:uuid:0", "urn:uuid:1"]);
        assert_eq!(all[2].resume_at, Some(bytes.len() as u64));
    }

    #[test]
    fn gzip_members_give_resume_offsets() {
        check(true);
    }

    #[test]
    fn plain_records_give_resume_offsets() {
        check(false);
    }

    #[test]
    fn one_member_for_the_whole_file_gives_only_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.warc.gz");
        let (plain, _) = warc(3, false);
        let bytes = gz(&plain);
        std::fs::write(&path, &bytes).unwrap();
        let all: Vec<Positioned> = ResumableWarc::open(&path, "a".into(), &Options::default(), 0)
            .unwrap()
            .collect();
        assert_eq!(all.len(), 3);
        let marks: Vec<Option<u64>> = all.iter().map(|p| p.resume_at).collect();
        assert_eq!(marks, vec![None, None, Some(bytes.len() as u64)]);
    }

    #[test]
    fn the_bomb_guard_applies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.warc.gz");
        let (first, _) = warc(1, false);
        let mut big = Vec::new();
        crate::warc::write_record(
            &mut big,
            &[("WARC-Type", "resource")],
            &vec![b' '; 2_000_000],
        );
        let mut bytes = gz(&first);
        bytes.extend(gz(&big));
        std::fs::write(&path, &bytes).unwrap();
        let opts = Options {
            max_decompressed_bytes: 100_000,
            ..Options::default()
        };
        let all: Vec<Positioned> = ResumableWarc::open(&path, "a".into(), &opts, 0)
            .unwrap()
            .collect();
        let got = ids(&all);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], "urn:uuid:0");
        assert!(got[1].contains("gzip bomb"), "{got:?}");
    }

    #[test]
    fn damaged_member_ends_the_input_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.warc.gz");
        let (mut bytes, starts) = warc(3, true);
        let cut = usize::try_from(starts[2]).unwrap() + 20;
        bytes.truncate(cut);
        std::fs::write(&path, &bytes).unwrap();
        let all: Vec<Positioned> = ResumableWarc::open(&path, "a".into(), &Options::default(), 0)
            .unwrap()
            .collect();
        let got = ids(&all);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[2].contains("truncated"), "{got:?}");
        assert_eq!(all[2].resume_at, None);
    }
}
