//! The paragraph starts linking needs, found one at a time from the sentences.

use crate::sentence::{Sentences, has_blank_line, whitespace_only};

/// The start of the paragraph holding a sentence, asked for the sentences of the counts that
/// have no place in their own sentence (in text order, mostly): the last start of
/// [`crate::sentence::paragraphs`] at or before the sentence's start.
///
/// Every newline ends a sentence of `split`'s rule, so the line starts are the sentence starts
/// after a newline, and a paragraph start is one of them (after a whitespace-only line when
/// the text has such lines). Only the sentences between the one asked last and the one asked
/// now are read, each by the byte before it, and the line before a line start only then.
#[derive(Debug)]
pub(super) struct Paragraphs<'t> {
    text: &'t str,
    split: &'t Sentences,
    /// Blank lines separate the paragraphs (else every line is one).
    blank_lines: bool,
    /// The sentence asked last and the start of its paragraph.
    last: (usize, usize),
}

impl<'t> Paragraphs<'t> {
    /// The paragraphs of `text`, whose sentences by `split`'s rule are `split`.
    pub(super) fn new(text: &'t str, split: &'t Sentences) -> Self {
        Self {
            text,
            split,
            blank_lines: has_blank_line(text),
            last: (0, 0),
        }
    }

    /// The code point at which the paragraph holding sentence `s` starts (0 past the
    /// sentences).
    pub(super) fn start(&mut self, s: usize) -> usize {
        let (from, before) = match self.last {
            (asked, start) if asked <= s => (asked, start),
            _ => (0, 0),
        };
        let start = (from + 1..=s)
            .rev()
            .find(|&j| self.starts_paragraph(j))
            .and_then(|j| self.split.ranges.get(j))
            .map_or(before, |r| r.0);
        self.last = (s, start);
        start
    }

    /// True when sentence `j` starts a line that starts a paragraph.
    fn starts_paragraph(&self, j: usize) -> bool {
        let b = self.text.as_bytes();
        let Some(nl) = self
            .split
            .byte_starts
            .get(j)
            .and_then(|q| q.checked_sub(1))
            .filter(|&nl| b.get(nl) == Some(&b'\n'))
        else {
            return false;
        };
        if !self.blank_lines {
            return true;
        }
        let line_start = b
            .get(..nl)
            .and_then(|before| memchr::memrchr(b'\n', before))
            .map_or(0, |p| p + 1);
        self.text.get(line_start..nl).is_none_or(whitespace_only)
    }
}
