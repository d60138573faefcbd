//! The reader over all inputs: expands directories, opens each input, picks its format and
//! drains its [`Source`] before moving on.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::detect::{self, Format, SNIFF_LEN};
use crate::error::{Error, SourceError};
use crate::input::Input;
use crate::{Item, Options, Source, html, json, jsonl, text, warc};

/// One input waiting to be opened.
enum Pending {
    /// A path given by the caller or found in a directory.
    Path { path: PathBuf },
    /// Standard input.
    Stdin,
    /// A byte stream given by the caller.
    Stream {
        reader: Box<dyn Read + Send>,
        name: String,
        len: Option<u64>,
    },
}

/// Iterator over the documents of a list of inputs, in input order. See [`crate::read`].
pub struct Reader {
    opts: Options,
    /// Inputs still to open, the next one last.
    pending: Vec<Pending>,
    current: Option<Box<dyn Source + Send>>,
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("opts", &self.opts)
            .field("pending", &self.pending.len())
            .field("current", &self.current.as_ref().map(|s| s.format()))
            .finish()
    }
}

impl Reader {
    /// A reader over paths (`-` is stdin).
    pub fn new(inputs: &[PathBuf], opts: &Options) -> Self {
        let pending = inputs
            .iter()
            .rev()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Pending::Stdin
                } else {
                    Pending::Path { path: p.clone() }
                }
            })
            .collect();
        Self {
            opts: opts.clone(),
            pending,
            current: None,
        }
    }

    /// A reader over one byte stream called `name`.
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        name: &str,
        len: Option<u64>,
        opts: &Options,
    ) -> Self {
        Self {
            opts: opts.clone(),
            pending: vec![Pending::Stream {
                reader: Box::new(reader),
                name: name.to_owned(),
                len,
            }],
            current: None,
        }
    }

    /// Opens the next pending input: a source, nothing (a directory, now expanded), or an error.
    fn open(&mut self, pending: Pending) -> Result<Option<Box<dyn Source + Send>>, SourceError> {
        let (input, name) = match pending {
            Pending::Stdin => {
                let input = Input::from_reader(std::io::stdin(), "-".into(), None, &self.opts);
                (input, "-".to_owned())
            }
            Pending::Stream { reader, name, len } => (
                Input::from_reader(reader, name.clone(), len, &self.opts),
                name,
            ),
            Pending::Path { path } => {
                let name = path.display().to_string();
                let meta = std::fs::metadata(&path)
                    .map_err(|e| SourceError::new(name.clone(), Error::Io(e)))?;
                if meta.is_dir() {
                    self.expand(&path, &name)?;
                    return Ok(None);
                }
                (Input::open(&path, name.clone(), &self.opts), name)
            }
        };
        let input = input.map_err(|e| SourceError::new(name, e))?;
        open_source(input, &self.opts).map(Some)
    }

    /// Queues a directory's entries, sorted by name. Hidden entries, symbolic links to
    /// directories (no cycles) and special files (FIFOs, sockets, devices) are skipped.
    fn expand(&mut self, dir: &Path, name: &str) -> Result<(), SourceError> {
        let io_err = |e| SourceError::new(name, Error::Io(e));
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io_err)? {
            let entry = entry.map_err(io_err)?;
            let file_name = entry.file_name();
            if file_name.to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(io_err)?;
            let path = entry.path();
            let keep = if kind.is_symlink() {
                !path.is_dir() // never follow directory links: no cycles
            } else {
                kind.is_file() || kind.is_dir() // no FIFOs, sockets or devices
            };
            if keep {
                entries.push(path);
            }
        }
        entries.sort();
        self.pending
            .extend(entries.into_iter().rev().map(|path| Pending::Path { path }));
        Ok(())
    }
}

/// Picks the format of an opened input and builds its source.
pub fn open_source(
    mut input: Input,
    opts: &Options,
) -> Result<Box<dyn Source + Send>, SourceError> {
    let head = input
        .peek(SNIFF_LEN)
        .map_err(|e| SourceError::new(input.name.clone(), e))?;
    if head.is_empty() {
        return Err(SourceError::new(input.name, Error::Empty));
    }
    let format = match detect::from_name(&input.name) {
        // A `.json` file holding JSON Lines (several lines, each a whole value) is read as such,
        // so that a bad line costs only that line.
        Some(Format::Json)
            if detect::json_kind(&head) == Format::Jsonl
                && memchr::memchr(b'\n', trim_end(&head)).is_some() =>
        {
            Format::Jsonl
        }
        Some(f) => f,
        None => detect::sniff(&head),
    };
    Ok(match format {
        Format::Text => Box::new(text::TextSource::new(input, opts)),
        Format::Html => Box::new(html::HtmlSource::new(input, opts)),
        Format::Json => Box::new(json::JsonSource::new(input, opts)),
        Format::Jsonl => Box::new(jsonl::JsonlSource::new(input, opts)),
        Format::Warc => Box::new(warc::WarcSource::new(input, opts)),
    })
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    &b[..b.len() - n]
}

impl Iterator for Reader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(source) = &mut self.current {
                if let Some(item) = source.next_item() {
                    return Some(item);
                }
                self.current = None;
            }
            let pending = self.pending.pop()?;
            match self.open(pending) {
                Ok(Some(source)) => self.current = Some(source),
                Ok(None) => {}
                Err(e) => return Some(Item::Error(e)),
            }
        }
    }
}
