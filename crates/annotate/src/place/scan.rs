//! The window scan on the token stream: the longest gazetteer form from each capitalised word.
//!
//! A window starts at a capitalised word token (not attached to a digit or to another
//! alphanumeric character before it) and ends where a character that is a letter, a digit or a
//! dot ("U.S.") is followed by one that is neither a letter nor a digit (or by the text's end).
//! Those ends are token ends: a word or number token, or a punctuation token that is
//! alphanumeric ('²') or a dot, whose next token is not attached to it or is a punctuation
//! token that is not alphanumeric. The scan visits the tokens of a window, not its characters,
//! and compares the window's bytes with the forms only at such ends. The character walk it
//! replaces is kept in the tests (`scan_chars`) and holds it, with the bytewise scan, to the same
//! windows on random text, the seeds and every DON text.

use super::gazetteer::{self, Gazetteer};
use crate::tokens::{Gap, Kind as TokKind, Token, class};

/// True when token `t` is made of letters or digits (a word, a number, or an alphanumeric
/// punctuation character such as '²').
#[inline(always)]
fn alnum(t: &Token) -> bool {
    match t.kind {
        TokKind::Word | TokKind::Num => true,
        // ASCII letters and digits are words and numbers.
        TokKind::Punct(c) => !c.is_ascii() && c.is_alphanumeric(),
    }
}

/// The first capitalised word token ([`class::CAP`]) at or after `from`, with its index: a
/// small loop of its own, so that the walk over the tokens keeps its state in registers.
#[inline(never)]
fn next_capitalised(toks: &[Token], from: usize) -> Option<(usize, &Token)> {
    let rest = toks.get(from..)?;
    let k = rest.iter().position(|t| t.has(class::CAP))?;
    Some((from + k, rest.get(k)?))
}

impl Gazetteer<'_> {
    /// Longest known forms, left to right, starting at capitalised word starts and ending at word
    /// ends: `(start, end, form index)` in bytes. `toks` are the tokens of `text`. Line breaks
    /// and tabs inside a name ("West\nVirginia") match as spaces: a window holding one is
    /// compared with the forms in a copy with spaces (most windows hold none, so the text
    /// itself is not copied).
    ///
    /// The forms are sorted by bytes, so the forms that start with a given prefix are one run of
    /// the table. From each start the window grows token by token and the run narrows, at each
    /// window end, to the forms that start with the window; the scan stops as soon as no form
    /// does, which for most words is after the first.
    #[inline(never)]
    pub(super) fn scan(&self, text: &str, toks: &[Token]) -> Vec<(usize, usize, usize)> {
        // About one window in 20 tokens on news text: room for most documents' windows at once.
        let mut raw = Vec::with_capacity(toks.len() / 16);
        // The window with its line breaks and tabs as spaces, when it holds one.
        let mut spaced = String::new();
        let bytes = text.as_bytes();
        let mut at = 0usize;
        // The next token to look at: the tokens before it were capitalised or passed by.
        let mut from = 0usize;
        while let Some((i, t)) = next_capitalised(toks, from) {
            from = i + 1;
            if t.start < at {
                continue;
            }
            // Not a window start when a digit or another alphanumeric character is attached
            // before it.
            if t.gap == Gap::None
                && i > 0
                && toks.get(i - 1).is_some_and(|p| {
                    p.is_num() || matches!(p.kind, TokKind::Punct(c) if c.is_alphanumeric())
                })
            {
                continue;
            }
            let start = t.start;
            // The first segment: an ASCII word followed by an ASCII byte that is not a digit is
            // its own segment; otherwise the segment's rule decides.
            let seg_end = if t.class & class::NON_ASCII == 0
                && bytes
                    .get(t.end)
                    .is_none_or(|&b| b < 0x80 && !b.is_ascii_digit())
            {
                t.end
            } else {
                start + gazetteer::first_segment(text.get(start..).unwrap_or("")).len()
            };
            let Some((run_lo, run_hi)) = self.segment_run_at(bytes, start, seg_end) else {
                continue;
            };
            let (mut lo, hi) = (run_lo as usize, (run_hi as usize).min(self.form_count()));
            let mut best: Option<(usize, usize)> = None;
            let mut first_window = true;
            // The window so far holds a gap other than one space-like character (it may hold a
            // line break or a tab).
            let mut broken = false;
            let mut j = i;
            while let Some(tj) = toks.get(j) {
                // No form is longer: no window ending at or after this token is one.
                if tj.end - start > self.max_form_bytes {
                    break;
                }
                if j > i && !matches!(tj.gap, Gap::None | Gap::Space) {
                    broken = true;
                }
                let end_ok = match tj.kind {
                    TokKind::Word | TokKind::Num => true,
                    TokKind::Punct(c) => c == '.' || alnum(tj),
                };
                j += 1;
                if !end_ok {
                    continue;
                }
                if toks.get(j).is_some_and(|n| n.gap == Gap::None && alnum(n)) {
                    continue;
                }
                let end = tj.end;
                let key: &[u8] = if broken {
                    spaced.clear();
                    spaced.extend(text.get(start..end).unwrap_or("").chars().map(|c| match c {
                        '\n' | '\r' | '\t' => ' ',
                        c => c,
                    }));
                    spaced.as_bytes()
                } else {
                    &bytes[start..end]
                };
                if !first_window {
                    // No form starts with the window, by the prefix filter: none of a longer one.
                    if !self.may_start_in(key, 0, key.len()) {
                        break;
                    }
                    // Forms before `lo` are shorter or smaller than the window: the first form
                    // not smaller than it starts the forms that start with it.
                    lo = if broken {
                        self.forms_below(lo, hi, key)
                    } else {
                        self.forms_below_in(lo, hi, bytes, start, end)
                    };
                }
                if lo >= hi {
                    break;
                }
                // The first window that is the first segment: the run's first form starts with
                // it (the table compared them), so only the form's length is read.
                let f_len = if first_window && end == seg_end {
                    self.form_len(lo)
                } else {
                    let f = self.form_bytes(lo);
                    if !f.starts_with(key) {
                        break;
                    }
                    f.len()
                };
                first_window = false;
                if f_len == key.len() {
                    best = Some((end, lo));
                    // The last form of the run: no longer window can match.
                    if lo + 1 >= hi {
                        break;
                    }
                }
            }
            if let Some((end, idx)) = best {
                raw.push((start, end, idx));
                // Resume after the match.
                at = end;
            }
        }
        raw
    }
}
