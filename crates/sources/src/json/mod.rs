//! JSON files: one record object, an array of records, or records one after another. The input
//! is streamed: a small scanner cuts it into top-level values (tracking strings and nesting) and
//! each value is parsed on its own, so a bad record costs only that record and a large array is
//! never held in memory. A record without an `id` gets `path#N` (N-th record, from 1), or the path
//! alone when the file is a single object.

use crate::input::classify;
use crate::{Error, Format, Input, Item, Options, Source, record};

/// Where the scanner is in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing read yet.
    Start,
    /// Inside a top-level array.
    Array,
    /// Top-level values one after another.
    Sequence,
    /// End of input.
    Done,
}

/// Reads the records of a JSON input.
#[derive(Debug)]
pub struct JsonSource {
    input: Input,
    max_doc_bytes: u64,
    state: State,
    index: u64,
    buf: Vec<u8>,
}

/// One top-level value as cut by the scanner.
struct Value {
    /// Its size in bytes.
    size: u64,
    /// Whether it fit within the limit (and so is in the buffer).
    kept: bool,
}

impl JsonSource {
    /// A source over `input`.
    pub fn new(input: Input, opts: &Options) -> Self {
        Self {
            input,
            max_doc_bytes: opts.max_doc_bytes,
            state: State::Start,
            index: 0,
            buf: Vec::new(),
        }
    }

    /// Skips whitespace (and, inside an array, commas); returns the next byte without consuming
    /// it, `None` at end of input.
    fn skip_separators(&mut self) -> std::io::Result<Option<u8>> {
        let in_array = self.state == State::Array;
        let r = self.input.reader();
        loop {
            let chunk = r.fill_buf()?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let n = chunk
                .iter()
                .take_while(|&&b| b.is_ascii_whitespace() || (in_array && b == b','))
                .count();
            if n < chunk.len() {
                let b = chunk[n];
                r.consume(n);
                return Ok(Some(b));
            }
            let len = chunk.len();
            r.consume(len);
        }
    }

    /// Cuts the next value. `Ok(None)` when the input ends inside it.
    fn scan_value(&mut self) -> std::io::Result<Option<Value>> {
        let cap = usize::try_from(self.max_doc_bytes).unwrap_or(usize::MAX);
        self.buf.clear();
        let mut kept = true;
        let mut size = 0u64;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut first = true;
        let mut composite = false;
        let r = self.input.reader();
        loop {
            let chunk = r.fill_buf()?;
            if chunk.is_empty() {
                // A scalar may end at end of input; an object or array may not.
                return Ok(if composite || in_string {
                    None
                } else {
                    Some(Value { size, kept })
                });
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                if first {
                    first = false;
                    composite = matches!(b, b'{' | b'[');
                    if composite {
                        depth = 1;
                    } else if b == b'"' {
                        in_string = true;
                    }
                    continue;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if composite => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    b',' | b']' | b'}' if !composite => {
                        end = Some(i);
                        break;
                    }
                    b if !composite && b.is_ascii_whitespace() => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let take = end.unwrap_or(chunk.len());
            if kept {
                if self.buf.len() + take <= cap {
                    self.buf.extend_from_slice(&chunk[..take]);
                } else {
                    kept = false;
                    self.buf.clear();
                }
            }
            size += take as u64;
            r.consume(take);
            if end.is_some() {
                return Ok(Some(Value { size, kept }));
            }
        }
    }

    fn fail(&mut self, error: Error) -> Option<Item> {
        self.state = State::Done;
        Some(Item::error(self.input.name.clone(), error))
    }
}

impl Source for JsonSource {
    fn format(&self) -> Format {
        Format::Json
    }

    fn next_item(&mut self) -> Option<Item> {
        loop {
            if self.state == State::Done {
                return None;
            }
            let next = match self.skip_separators() {
                Ok(b) => b,
                Err(e) => return self.fail(classify(e)),
            };
            let Some(b) = next else {
                if self.state == State::Array {
                    return self.fail(Error::TruncatedJson);
                }
                self.state = State::Done;
                return None;
            };
            match (self.state, b) {
                (State::Start, b'[') => {
                    self.input.reader().consume(1);
                    self.state = State::Array;
                    continue;
                }
                (State::Start, _) => self.state = State::Sequence,
                (State::Array, b']') => {
                    self.state = State::Done;
                    return None;
                }
                _ => {}
            }
            let value = match self.scan_value() {
                Ok(Some(v)) => v,
                Ok(None) => return self.fail(Error::TruncatedJson),
                Err(e) => return self.fail(classify(e)),
            };
            self.index += 1;
            let id = if self.state == State::Sequence && self.index == 1 {
                self.input.name.clone()
            } else {
                format!("{}#{}", self.input.name, self.index)
            };
            if !value.kept {
                let error = Error::TooLarge {
                    size: value.size,
                    limit: self.max_doc_bytes,
                };
                return Some(Item::error(id, error));
            }
            return Some(match record::parse(&self.buf, || id) {
                Ok(raw) => Item::doc(raw),
                Err(e) => Item::Error(e),
            });
        }
    }
}

#[cfg(test)]
mod tests;
