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
///
/// The tokens are tested four at a time (a capitalised word comes about every sixth token), the
/// last few one by one. Not `response::next_with_bits` (eight tokens' classes ORed, then a
/// second walk), which suits sparse bits: for this dense one it made `scan` 26.2 -> 30.4 M
/// instructions on the bench's annotate profile.
#[inline(never)]
fn next_capitalised(toks: &[Token], from: usize) -> Option<(usize, &Token)> {
    let rest = toks.get(from..)?;
    let (eights, tail) = rest.as_chunks::<8>();
    for (q, eight) in eights.iter().enumerate() {
        for (k, t) in eight.iter().enumerate() {
            if t.has(class::CAP) {
                return Some((from + 8 * q + k, t));
            }
        }
    }
    let k = tail.iter().position(|t| t.has(class::CAP))?;
    Some((from + 8 * eights.len() + k, tail.get(k)?))
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
        // About one window in 20 tokens on news text: room for nearly every document's windows
        // at once.
        let mut raw = Vec::with_capacity(toks.len() / 8);
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
            // A word with no letter or digit attached after it is its own first segment and
            // its own first window (a word token is a whole run of letters); otherwise the
            // segment's rule decides.
            let whole = toks
                .get(i + 1)
                .is_none_or(|n| n.gap != Gap::None || !alnum(n));
            let seg_end = if whole {
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
            if whole {
                // The first window, the word: the run's first form starts with it (the table
                // compared them), so only the form's length is read.
                first_window = false;
                j = i + 1;
                if self.form_len(lo) == seg_end - start {
                    best = Some((seg_end, lo));
                    // The last form of the run: no longer window can match.
                    if lo + 1 >= hi {
                        j = toks.len();
                    }
                }
            }
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
                    // (The filter holds the windows longer than their first segment.)
                    if key.len() > seg_end - start && !self.may_start_in(key, 0, key.len()) {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Gap, alnum, next_capitalised};
    use crate::place::gazetteer::first_segment;
    use crate::tokens::{Token, Tokens, class};

    /// The seed articles and every DON text when `../shared` is there, and a few made-up texts.
    fn texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut out: Vec<String> = [
            "",
            "A",
            "Paris2 Côte d'Ivoire, São Paulo; Kenya² Ürümqi-Xinjiang ٣Kenya U.S. St.Louis",
            "New York\nCity and West\tVirginia: ABC ABCdef Ab3c",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        if let Ok(dir) = std::fs::read_dir(root.join("tests/fixtures/seeds")) {
            out.extend(
                dir.flatten()
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok()),
            );
        }
        let don = root.join("../shared/data/who-don/dons-1996-2012.jsonl");
        if let Ok(data) = std::fs::read_to_string(don) {
            out.extend(data.lines().filter_map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).ok()?;
                Some(v["text"].as_str()?.to_string())
            }));
        }
        out
    }

    /// `next_capitalised` four tokens at a time is the first capitalised token from each
    /// start, one by one.
    fn holds_next_capitalised(toks: &[Token]) {
        for from in 0..=toks.len() + 1 {
            let want = toks
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, t)| t.has(class::CAP));
            let got = next_capitalised(toks, from);
            assert_eq!(got.map(|(i, _)| i), want.map(|(i, _)| i), "from {from}");
            if let Some((i, t)) = got {
                assert!(std::ptr::eq(t, &toks[i]));
            }
        }
    }

    #[test]
    fn next_capitalised_is_the_token_by_token_search() {
        for t in texts().iter().step_by(5) {
            holds_next_capitalised(&Tokens::new(t).toks);
        }
    }

    /// `next_capitalised` eight tokens at a time around the chunk ends and the tail: texts of
    /// 0 to 27 words with no capitalised word, one at each position, or two (each position and
    /// the one nine words on), from every start.
    #[test]
    fn next_capitalised_at_every_chunk_position() {
        for n in 0..28usize {
            let mut caps: Vec<Vec<usize>> = vec![Vec::new()];
            caps.extend((0..n).map(|p| vec![p]));
            caps.extend((0..n).map(|p| vec![p, p + 9]));
            for set in caps {
                let text: Vec<&str> = (0..n)
                    .map(|k| if set.contains(&k) { "Kenya" } else { "cases" })
                    .collect();
                let toks = Tokens::new(&text.join(" ")).toks.clone();
                assert_eq!(toks.len(), n);
                let want = set.iter().filter(|&&p| p < n).count();
                assert_eq!(toks.iter().filter(|t| t.has(class::CAP)).count(), want);
                holds_next_capitalised(&toks);
            }
        }
    }

    /// A capitalised word with no letter or digit attached after it is the whole first
    /// segment of the text from its start (the scan's first window without `first_segment`).
    fn holds_whole_words(text: &str) {
        let toks = Tokens::new(text).toks.clone();
        for (i, t) in toks.iter().enumerate() {
            if !t.has(class::CAP) {
                continue;
            }
            let whole = toks
                .get(i + 1)
                .is_none_or(|n| n.gap != Gap::None || !alnum(n));
            let seg = first_segment(&text[t.start..]).len();
            assert_eq!(whole, seg == t.end - t.start, "{:?}", &text[t.start..]);
        }
    }

    #[test]
    fn whole_capitalised_words_are_their_first_segment() {
        for t in texts() {
            holds_whole_words(&t);
        }
    }

    proptest! {
        #[test]
        fn whole_words_and_next_capitalised_on_any_text(
            t in "([A-Za-z0-9 ,.'-]|É|é|Ü|ß|Ω|—|\u{a0}|\n|²|٣|Ⅻ|½|\u{301}|\\PC|Paris|São|Kenya2){0,40}"
        ) {
            holds_whole_words(&t);
            holds_next_capitalised(&Tokens::new(&t).toks);
        }
    }
}
