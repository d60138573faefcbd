//! JSON Lines: one record per line (see the record fields in the crate docs), streamed line by
//! line. A line longer than `max_doc_bytes` is read past without being kept and reported; a line
//! that is not JSON is reported and the next line is read. Blank lines are skipped. A record
//! without an `id` gets `path#LINE`.

use crate::input::{classify, read_line_capped};
use crate::{Error, Format, Input, Item, Options, Source, record};

/// Reads the records of a JSON Lines input.
#[derive(Debug)]
pub struct JsonlSource {
    input: Input,
    max_doc_bytes: u64,
    line_no: u64,
    line: Vec<u8>,
    done: bool,
}

impl JsonlSource {
    /// A source over `input`.
    pub fn new(input: Input, opts: &Options) -> Self {
        Self {
            input,
            max_doc_bytes: opts.max_doc_bytes,
            line_no: 0,
            line: Vec::new(),
            done: false,
        }
    }

    fn line_id(&self) -> String {
        format!("{}#{}", self.input.name, self.line_no)
    }
}

impl Source for JsonlSource {
    fn format(&self) -> Format {
        Format::Jsonl
    }

    fn next_item(&mut self) -> Option<Item> {
        let cap = usize::try_from(self.max_doc_bytes).unwrap_or(usize::MAX);
        while !self.done {
            self.line.clear();
            let got = match read_line_capped(self.input.reader(), &mut self.line, cap) {
                Ok(got) => got,
                Err(e) => {
                    self.done = true;
                    return Some(Item::error(self.input.name.clone(), classify(e)));
                }
            };
            if got.total == 0 {
                self.done = true;
                break;
            }
            self.line_no += 1;
            if !got.complete {
                let size = got.total - u64::from(got.newline);
                let error = Error::TooLarge {
                    size,
                    limit: self.max_doc_bytes,
                };
                return Some(Item::error(self.line_id(), error));
            }
            if self.line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let id = self.line_id();
            return Some(match record::parse(&self.line, || id) {
                Ok(raw) => Item::doc(raw),
                Err(e) => Item::Error(e),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests;
