//! The disease search on the token stream.
//!
//! [`DiseaseMatcher::find`] normalises the whole text and visits every word of it. On the
//! token stream only the words that can begin a term are visited. A term's normalised first
//! word begins with a run of ASCII letters (or of digits: `2019-nCoV`), and the class table of
//! the token stream marks every word that is such a run (`class::DISEASE`). So a word of the
//! normalised text that can begin a match starts at a token that is
//! - a word marked `DISEASE`, a word holding a non-ASCII letter (accents fold: `Fièvre`), or a
//!   word longer than the table's longest;
//! - a number that is the leading digits of a term;
//! - in a text with non-ASCII characters, a word or number joined to a non-ASCII punctuation
//!   token (a soft hyphen or a combining mark vanishes: `fe\u{AD}ver` reads `fever`).
//!
//! At each such token the automaton first runs on the text itself while each byte normalises to
//! one byte of its own (an ASCII byte copied as it is, a parenthesis, a single separator between
//! two copied bytes, which reads as a space; `search_plain`): most candidates die or match
//! within such a stretch, and the window then maps back one to one and is never normalised.
//! Otherwise the text is normalised from the token on, a window at a time: normalising
//! from any character that adds a byte gives the whole text's normalisation from that byte on.
//! The automaton is stepped byte by byte until it dies, recording the matches that start at
//! the token; the longest that ends on a word boundary in the right case is the match, as in
//! the whole-text search (which searches again in a shorter haystack for the next longest).
//! The checks that read before a match (the case context of a syndrome, the bracket before a
//! restatement) normalise the stretch they read. Tests hold the result to the whole-text
//! search on random text made of lexicon terms and on every seed and DON text.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;

#[cfg(test)]
use super::case_context;
use super::normalize::{
    Normalized, emits_word, is_ascii_separator, is_plain, is_word, normalize_into,
};
use super::{
    DiseaseMatcher, closes, context_after, context_before, end_of_char, opens, starts_compound,
    word_after,
};
use crate::tokens::{Gap, Kind, MAX_WORD, Token, Tokens, class, listed_class, number_class};

/// Original bytes normalised at first from a candidate token; doubled while more are needed.
const WINDOW: usize = 48;

/// Normalised bytes after a match that its checks read: the next word (compared with words of
/// at most ten bytes) or a closing bracket after a space.
pub(super) const AFTER: usize = 24;

/// Normalised bytes after a match without case context that its checks read: a space, `like`
/// and the byte after it.
pub(super) const LIKE_AFTER: usize = 6;

/// Normalised bytes before a match that its case context reads: two words (compared with words
/// of at most twelve bytes) and the spaces after them.
const BEFORE: usize = 40;

/// The leading ASCII letters of the normalised bytes `norm`.
pub(crate) fn letter_run(norm: &[u8]) -> &[u8] {
    leading(norm, u8::is_ascii_alphabetic)
}

/// The leading ASCII digits of the normalised bytes `norm`.
pub(crate) fn digit_run(norm: &[u8]) -> &[u8] {
    leading(norm, u8::is_ascii_digit)
}

/// The leading bytes of `norm` that are `of_run`.
fn leading(norm: &[u8], of_run: fn(&u8) -> bool) -> &[u8] {
    let n = norm.iter().position(|b| !of_run(b)).unwrap_or(norm.len());
    &norm[..n]
}

/// What the search on the token stream needs besides the class table: the leading digits of
/// the patterns that start with a digit.
#[derive(Debug, Clone)]
pub(super) struct Gate {
    digits: Vec<Vec<u8>>,
}

impl Gate {
    /// The gate for the normalised `patterns`, or `None` when the token stream cannot gate them:
    /// a pattern starts with neither an ASCII letter nor a digit, its leading letters (at
    /// most [`MAX_WORD`]) are not marked `DISEASE` or its leading digits not `DISEASE_NUM` (a
    /// lexicon other than the embedded one).
    pub(super) fn new(patterns: &[Vec<u8>]) -> Option<Gate> {
        let mut digits: Vec<Vec<u8>> = Vec::new();
        for p in patterns {
            let first = *p.first()?;
            if first.is_ascii_digit() {
                let run = digit_run(p);
                if number_class(run) & class::DISEASE_NUM == 0 {
                    return None;
                }
                if !digits.iter().any(|d| d.as_slice() == run) {
                    digits.push(run.to_vec());
                }
                continue;
            }
            if !first.is_ascii_alphabetic() {
                return None;
            }
            let run = letter_run(p).to_ascii_lowercase();
            if run.len() > MAX_WORD {
                continue; // every longer word is a candidate
            }
            let run = std::str::from_utf8(&run).ok()?;
            if listed_class(run) & class::DISEASE == 0 {
                return None;
            }
        }
        Some(Gate { digits })
    }

    /// True when token `i` of `toks` may start a normalised word that begins a term (`joins`:
    /// the text has non-ASCII characters, which may join tokens).
    #[inline]
    pub(super) fn admits(&self, text: &[u8], toks: &[Token], i: usize, joins: bool) -> bool {
        let Some(t) = toks.get(i) else {
            return false;
        };
        let joined = || {
            joins
                && toks.get(i + 1).is_some_and(|n| {
                    n.gap == Gap::None && matches!(n.kind, Kind::Punct(c) if !c.is_ascii())
                })
        };
        match t.kind {
            Kind::Word => {
                t.class & (class::DISEASE | class::NON_ASCII) != 0
                    || t.end - t.start > MAX_WORD
                    || joined()
            }
            Kind::Num => {
                self.digits
                    .iter()
                    .any(|d| text.get(t.start..t.end) == Some(d.as_slice()))
                    || joined()
            }
            Kind::Punct(_) => false,
        }
    }

    /// The indices of the tokens of `toks` that [`Gate::passes_by`] does not rule out, in
    /// order, into `out` (emptied first): the only tokens [`Gate::admits`] may let through.
    /// One call a document: the walk over the (mostly rejected) tokens keeps its state in
    /// registers from stop to stop, and reads four tokens at a time ([`Gate::first_stop`]).
    /// (A call a stop, [`Gate::next_candidate`], cost ~25 instructions of call a stop.)
    #[inline(never)]
    pub(super) fn candidates(toks: &[Token], joins: bool, out: &mut Vec<usize>) {
        out.clear();
        if joins {
            Self::stops::<true>(toks, out);
        } else {
            Self::stops::<false>(toks, out);
        }
    }

    /// [`Gate::candidates`] with `JOINS`, four tokens at a time as [`Gate::first_stop`] reads
    /// them; every stop of a block that may hold one is pushed, and the walk goes on at the
    /// next block.
    #[inline(always)]
    fn stops<const JOINS: bool>(toks: &[Token], out: &mut Vec<usize>) {
        const BLOCK: usize = 4;
        let (mask, ahead) = if JOINS {
            (GATE_BITS | class::NON_ASCII_PUNCT, 1)
        } else {
            (GATE_BITS, 0)
        };
        let stop = |j: usize| {
            toks.get(j)
                .is_some_and(|t| !Self::passes_by(t, toks.get(j + 1), JOINS))
        };
        let mut k = 0;
        while let Some(block) = toks.get(k..k + BLOCK + ahead) {
            let mut any = block[0].class | block[1].class | block[2].class | block[3].class;
            if JOINS {
                any |= block[BLOCK].class;
            }
            if any & mask != 0 {
                for j in k..k + BLOCK {
                    if stop(j) {
                        out.push(j);
                    }
                }
            }
            k += BLOCK;
        }
        for j in k..toks.len() {
            if stop(j) {
                out.push(j);
            }
        }
    }

    /// The first token at or after `from` that [`Gate::passes_by`] does not rule out, with
    /// its index: [`Gate::candidates`] one at a time (the reference of the tests).
    #[cfg(test)]
    pub(super) fn next_candidate(
        toks: &[Token],
        from: usize,
        joins: bool,
    ) -> Option<(usize, &Token)> {
        let rest = toks.get(from..)?;
        let k = if joins {
            Self::first_stop::<true>(rest)?
        } else {
            Self::first_stop::<false>(rest)?
        };
        Some((from + k, rest.get(k)?))
    }

    /// The index of the first token of `toks` that [`Gate::passes_by`] (with `JOINS`) does not
    /// rule out. Four tokens at a time: one test of their classes or'ed together passes by a
    /// block that holds no [`GATE_BITS`] and, with `JOINS`, no [`class::NON_ASCII_PUNCT`] in
    /// it or in the token after it (the one that may stop the block's last); only a block that
    /// may hold a stop is read token by token. (Mostly rejected tokens: 7 instructions a token
    /// one at a time.)
    #[cfg(test)]
    #[inline(always)]
    fn first_stop<const JOINS: bool>(toks: &[Token]) -> Option<usize> {
        const BLOCK: usize = 4;
        let (mask, ahead) = if JOINS {
            (GATE_BITS | class::NON_ASCII_PUNCT, 1)
        } else {
            (GATE_BITS, 0)
        };
        let stop = |j: usize| {
            toks.get(j)
                .is_some_and(|t| !Self::passes_by(t, toks.get(j + 1), JOINS))
        };
        let mut k = 0;
        while let Some(block) = toks.get(k..k + BLOCK + ahead) {
            let mut any = block[0].class | block[1].class | block[2].class | block[3].class;
            if JOINS {
                any |= block[BLOCK].class;
            }
            if any & mask != 0
                && let Some(j) = (k..k + BLOCK).find(|&j| stop(j))
            {
                return Some(j);
            }
            k += BLOCK;
        }
        (k..toks.len()).find(|&j| stop(j))
    }

    /// True when [`Gate::admits`] surely refuses the token `t` (`next` the token after it): a
    /// word without the gate's class bits and no longer than the table's longest, a number
    /// that is not the leading digits of a term of the embedded lexicon ([`class::DISEASE_NUM`],
    /// a bit the tokeniser sets; [`Gate::new`] refuses a lexicon with other leading digits),
    /// or punctuation, none of them joined to a non-ASCII punctuation token (`joins`: the text
    /// has non-ASCII characters). The length is read from the class bits ([`class::LONG`],
    /// [`class::NON_ASCII_PUNCT`]).
    #[inline(always)]
    pub(super) fn passes_by(t: &Token, next: Option<&Token>, joins: bool) -> bool {
        t.class & GATE_BITS == 0
            && !(joins
                && next
                    .is_some_and(|n| n.gap == Gap::None && n.class & class::NON_ASCII_PUNCT != 0))
    }
}

/// The class bits of a token [`Gate::passes_by`] never rules out: a word that may begin a
/// term, holds a non-ASCII letter or is longer than the table's longest, or a number that is
/// the leading digits of a term (`2019`; only a word has the first three bits, only a number
/// the last).
const GATE_BITS: u32 = class::DISEASE | class::NON_ASCII | class::LONG | class::DISEASE_NUM;

/// A match found at a candidate token, in the window normalised from it.
pub(super) struct Hit {
    /// Original byte where the match starts (the window's first byte).
    pub(super) start: usize,
    /// The pattern.
    pub(super) pid: usize,
    /// Normalised end of the match in the window.
    pub(super) end: usize,
    /// Original byte where the window ends (read by the tests: the window is the
    /// normalisation of `text[start..window_end]`).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) window_end: usize,
    /// The window is `text[start..window_end]` byte for byte, each normalised to one
    /// ([`DiseaseMatcher::search_plain`]): it maps back one to one.
    pub(super) plain: bool,
}

/// What the search on the text itself found at a candidate (see
/// [`DiseaseMatcher::search_plain`]).
pub(super) enum Plain {
    /// No term starts there.
    Nothing,
    /// The match, read without normalising.
    Hit(Hit),
    /// The answer needs the normalised window.
    Normalise,
}

/// How an ASCII byte normalises: [`COPIED`] as it is (a parenthesis too), [`SEPARATOR`], or
/// [`OTHER`] (a byte that is not ASCII).
static ONE: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'-' | b'\'' | b'`' => SEPARATOR,
            _ => COPIED,
        };
        b += 1;
    }
    t
};
const COPIED: u8 = 0;
const SEPARATOR: u8 = 1;
const OTHER: u8 = 2;

/// The normalised byte of `bytes[k]` when it is one of its own in the normalisation of
/// `bytes[p..]` (`k >= p`), whatever follows: an ASCII byte copied as it is, a parenthesis, or a
/// separator (white space, hyphen, apostrophe) between two copied bytes that are not
/// parentheses, which becomes a space. `None` otherwise (a run of separators, a separator next
/// to a parenthesis, a non-ASCII character: they fold) and at the end of the text.
#[inline(always)]
pub(super) fn one_to_one(bytes: &[u8], k: usize, p: usize) -> Option<u8> {
    let b = *bytes.get(k)?;
    match ONE[b as usize] {
        COPIED => Some(b),
        SEPARATOR
            if k > p
                && bytes.get(k - 1).is_some_and(|&a| is_plain(a))
                && bytes.get(k + 1).is_some_and(|&n| is_plain(n)) =>
        {
            Some(b' ')
        }
        _ => None,
    }
}

/// Steps `dfa` from state `sid` over the bytes of `rest` from `j` while each is its own
/// normalisation ([`one_to_one`] in the normalisation of `rest`), until it reaches a special
/// state (dead, or a match) or a byte that normalises otherwise (or the end of the text): the
/// bytes read from the start of `rest` and the state. It stopped at a special state when it
/// read a byte and the state is special ([`stopped_special`]); else the bytes before the stop
/// were read. A small function of its own: the loop keeps its state in registers, as it would
/// not in the search around it. (A `Result` cost two instructions a byte: its tag was set in
/// the loop.)
///
/// A copied byte (the most) is stepped in a branch of its own: when both took the byte
/// [`one_to_one`] returns, it was zero-extended again after the branches (one instruction a
/// byte).
#[inline(never)]
pub(super) fn step_plain(
    dfa: &DFA,
    rest: &[u8],
    mut j: usize,
    mut sid: StateID,
) -> (usize, StateID) {
    loop {
        let Some(&b) = rest.get(j) else {
            return (j, sid);
        };
        if ONE[b as usize] == COPIED {
            sid = dfa.next_state(Anchored::Yes, sid, b);
        } else if one_to_one(rest, j, 0).is_some() {
            // A separator between copied bytes: a space.
            sid = dfa.next_state(Anchored::Yes, sid, b' ');
        } else {
            return (j, sid);
        }
        j += 1;
        if dfa.is_special(sid) {
            return (j, sid);
        }
    }
}

/// True when [`step_plain`] from `j` stopped at a special state after `read` bytes with state
/// `sid`: it read a byte (a state it was given may be special, after a fold).
#[inline(always)]
pub(super) fn stopped_special(dfa: &DFA, j: usize, read: usize, sid: StateID) -> bool {
    read > j && dfa.is_special(sid)
}

/// Most bytes a fold writes (its parentheses and spaces).
const FOLD: usize = 4;

/// The normalisation of a run of ASCII separators and parentheses (see [`fold_at`]).
#[derive(Debug, Default)]
pub(super) struct Fold {
    /// The normalised bytes, each with the offset of the character it stands for.
    out: [(u8, usize); FOLD],
    len: usize,
    /// The offset of the copied byte after the run.
    pub(super) next: usize,
}

impl Fold {
    /// The normalised bytes and their offsets.
    pub(super) fn out(&self) -> &[(u8, usize)] {
        self.out.get(..self.len).unwrap_or_default()
    }

    /// Appends `b` from offset `at`; `None` when full.
    fn push(&mut self, b: u8, at: usize) -> Option<()> {
        *self.out.get_mut(self.len)? = (b, at);
        self.len += 1;
        Some(())
    }
}

/// The normalisation of the run of ASCII separators and parentheses at `bytes[k..]`, when
/// `bytes[k - 1]` is its own normalisation (copied as it is, or a parenthesis: what a byte
/// before a run that [`one_to_one`] refuses always is) and the run ends at an ASCII byte copied
/// as it is, as [`normalize_into`] writes it: separators next to a parenthesis vanish, the
/// others become one space before the next byte. `None` when `k` is 0, the run reaches a
/// non-ASCII character or the end of the text, or it writes more than [`FOLD`] bytes.
pub(super) fn fold_at(bytes: &[u8], k: usize) -> Option<Fold> {
    let prev = *bytes.get(k.checked_sub(1)?)?;
    let mut after_paren = matches!(prev, b'(' | b')');
    let mut pending: Option<usize> = None;
    let mut fold = Fold::default();
    let mut r = k;
    loop {
        let b = *bytes.get(r)?;
        match ONE[b as usize] {
            SEPARATOR => {
                if !after_paren && pending.is_none() {
                    pending = Some(r);
                }
            }
            COPIED if matches!(b, b'(' | b')') => {
                pending = None;
                fold.push(b, r)?;
                after_paren = true;
            }
            COPIED => {
                if let Some(at) = pending {
                    fold.push(b' ', at)?;
                }
                fold.next = r;
                return Some(fold);
            }
            _ => return None,
        }
        r += 1;
    }
}

/// Writes to `win` the bytes of `rest` from `written` (its start when `None`: `win` is
/// emptied first) up to `to`, each its own normalisation ([`one_to_one`]); `written` becomes
/// `to`.
fn write_to(win: &mut Normalized, rest: &[u8], written: &mut Option<usize>, to: usize) {
    let from = match *written {
        Some(w) => w,
        None => {
            win.clear();
            0
        }
    };
    win.mark(from);
    let bytes = rest.get(from..to).unwrap_or_default();
    win.bytes.extend(bytes.iter().map(|&b| {
        if ONE[b as usize] == SEPARATOR {
            b' '
        } else {
            b
        }
    }));
    *written = Some(to);
}

/// The first character boundary of `text` at or after `i` (its length past the end).
fn ceil_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// True when the normalised byte before the character at `at` is not a word byte: the first
/// character before it that normalisation keeps is a separator, a parenthesis or a byte that is
/// not part of a word, or there is none.
/// An ASCII byte before `at` is the character before it, and adds itself (or a space, or a
/// parenthesis): a word byte or not.
#[inline]
pub(super) fn word_starts_at(text: &str, at: usize) -> bool {
    match at.checked_sub(1).and_then(|k| text.as_bytes().get(k)) {
        Some(&b) if b.is_ascii() => !is_word(b),
        _ => word_starts_at_decoded(text, at),
    }
}

/// [`word_starts_at`] read character by character (the reference of the tests).
pub(super) fn word_starts_at_decoded(text: &str, at: usize) -> bool {
    for c in text.get(..at).unwrap_or("").chars().rev() {
        if let Some(word) = emits_word(c) {
            return !word;
        }
    }
    true
}

/// The normalised bytes between a match whose last normalised byte comes from the character at
/// `last` and a match starting at `start`, when there are at most three (the checks of a repeat
/// ask for `" "` or an opening bracket); `None` when there are more.
fn short_gap<'a>(
    text: &str,
    last: usize,
    start: usize,
    scratch: &'a mut Normalized,
) -> Option<&'a [u8]> {
    let from = last + text.get(last..)?.chars().next()?.len_utf8();
    // Each ASCII character but a separator adds a byte: most gaps are long after a few bytes.
    let gap = text.as_bytes().get(from..start)?;
    if gap
        .iter()
        .filter(|&&b| b < 0x80 && !is_ascii_separator(b))
        .nth(3)
        .is_some()
    {
        return None;
    }
    let first = text.get(start..)?.chars().next()?.len_utf8();
    // From the last byte of the one to the first of the other: both are kept as they are.
    normalize_into(text.get(last..start + first)?, scratch);
    let b = scratch.bytes.as_slice();
    let between = b.get(1..b.len().checked_sub(1)?)?;
    (between.len() <= 3).then_some(between)
}

/// The buffers of the search on the token stream: kept per thread between documents
/// ([`DiseaseMatcher::find_in`]), so that a document reuses the allocations of the one before.
#[derive(Debug, Default)]
pub(super) struct Buffers {
    /// The window normalised from a candidate.
    win: Normalized,
    /// The normalisations of the checks around a match.
    scratch: Normalized,
    /// The matches starting at a candidate.
    events: Vec<(usize, usize)>,
    /// The candidate tokens of the document ([`Gate::candidates`]).
    stops: Vec<usize>,
    /// The accepted matches, `(entry, start byte, end byte)` in text order.
    pub(super) spans: Vec<(u32, usize, usize)>,
    /// The entries of the diseases found and their mentions (`DiseaseMatcher::diseases`).
    pub(super) seen: Vec<(u32, usize)>,
}

impl Buffers {
    /// Largest window kept between documents, in bytes (a window grows only in long runs of
    /// separators or non-ASCII text).
    const KEEP: usize = 1 << 16;

    /// True when a buffer has grown past what is worth keeping.
    pub(super) fn oversized(&self) -> bool {
        self.win.bytes.capacity() > Self::KEEP || self.scratch.bytes.capacity() > Self::KEEP
    }
}

impl DiseaseMatcher {
    /// The accepted matches of `text` as `(entry, start byte, end byte)`, in text order, found
    /// on its token stream `tk`: the same as `match_bytes`. `None` when this matcher's lexicon
    /// cannot be gated by the stream.
    #[cfg(test)]
    pub(super) fn match_tokens(&self, text: &str, tk: &Tokens) -> Option<Vec<(u32, usize, usize)>> {
        let mut bufs = Buffers::default();
        self.match_tokens_into(text, tk, &mut bufs)?;
        Some(bufs.spans)
    }

    /// `match_tokens` into `bufs.spans` (emptied first), with the buffers of `bufs`; `None`
    /// when this matcher's lexicon cannot be gated by the stream.
    pub(super) fn match_tokens_into(
        &self,
        text: &str,
        tk: &Tokens,
        bufs: &mut Buffers,
    ) -> Option<()> {
        let gate = self.gate.as_ref()?;
        let joins = !text.is_ascii();
        let bytes = text.as_bytes();
        let Buffers {
            win,
            scratch,
            events,
            stops,
            spans: out,
            ..
        } = bufs;
        out.clear();
        // Tokens before this original byte lie inside the last match (its bytes are consumed).
        let mut consumed = 0usize;
        // The last kept mention: where the character of its last normalised byte starts, and
        // its entry.
        let mut prev: Option<(usize, u32)> = None;
        Gate::candidates(&tk.toks, joins, stops);
        for &i in stops.iter() {
            let Some(t) = tk.toks.get(i) else {
                continue;
            };
            if t.start < consumed || !gate.admits(bytes, &tk.toks, i, joins) {
                continue;
            }
            let Some(hit) = self.search_at(text, t.start, consumed, win, events) else {
                continue;
            };
            let (s, e) = (hit.start, hit.end);
            let Some(p) = self.patterns.get(hit.pid) else {
                continue;
            };
            let hay = win.bytes.as_slice();
            // A plain window maps back one to one.
            let origin = |i: usize| t.start + if hit.plain { i } else { win.origin(i) };
            let last = origin(e - 1);
            consumed = last + 1;
            // The mention ends where its kept part ends (`unknown` of `unknown{ disease}`): the
            // rules below read the text around the kept part, as `match_bytes` does; the
            // context is only consumed.
            let kept_end = (p.kept as usize).min(e);
            let kept_last = origin(kept_end - 1);
            let end = end_of_char(text, kept_last);
            // `flu-like`, `malaria-endemic`, `flu like`: a modifier, not a mention.
            if starts_compound(text.get(end..).unwrap_or(""))
                || word_after(hay, kept_end).is_some_and(|w| w.eq_ignore_ascii_case(b"like"))
            {
                continue;
            }
            let entry = p.entry;
            let flags = self.flags.get(entry as usize).copied().unwrap_or_default();
            // `hantavirus fever`: a syndrome word right after a disease names that disease.
            if flags.needs_context
                && prev.is_some_and(|(prev_last, _)| {
                    short_gap(text, prev_last, s, scratch) == Some(&b" "[..])
                })
            {
                continue;
            }
            if (flags.needs_context || p.needs_context)
                && !self.case_context_at(text, t.start, &hit, kept_end, hay, scratch)
            {
                continue;
            }
            // `African swine fever (ASF)`: the bracketed abbreviation restates the name
            // ([`restates`]; the bytes after it first, which need no normalising).
            if let Some((prev_last, prev_entry)) = prev
                && prev_entry == entry
                && closes(hay.get(kept_end..).unwrap_or(b""))
                && short_gap(text, prev_last, s, scratch).is_some_and(opens)
            {
                continue;
            }
            prev = Some((kept_last, entry));
            out.push((entry, s, end));
        }
        Some(())
    }

    /// Searches at the token starting at original byte `p`: normalises a window from it into
    /// `win`, grown until the answer cannot change, and returns the longest match starting
    /// there that ends on a word boundary in the right case, with [`AFTER`] bytes after it in
    /// the window (or the end of the text). `None` when the token starts no normalised word,
    /// starts one before `consumed`, or no term starts there.
    pub(super) fn search_at(
        &self,
        text: &str,
        p: usize,
        consumed: usize,
        win: &mut Normalized,
        events: &mut Vec<(usize, usize)>,
    ) -> Option<Hit> {
        match self.search_plain(text, p, consumed, win, events) {
            Plain::Nothing => None,
            Plain::Hit(hit) => Some(hit),
            Plain::Normalise => self.search_normalised(text, p, consumed, win, events),
        }
    }

    /// [`DiseaseMatcher::search_at`] in one pass over the text from `p` while each byte
    /// normalises to one byte of its own ([`one_to_one`]) or is in a run of ASCII separators
    /// and parentheses that ends at a copied byte ([`fold_at`]: `A (H5N1`, `H5N1) virus`,
    /// `influenza.\n\nThe`): the automaton steps on the text, and the window is written when it
    /// dies (at a fold, the bytes before it and the fold's). Most candidates die or match
    /// within a stretch without folds, and the window then maps back one to one. The stretch
    /// must run to [`AFTER`] normalised bytes past a match that needs case context and
    /// [`LIKE_AFTER`] past the others (or to the end of the text): the bytes the checks after
    /// the match read. The normalisation of a longer window starts with the same bytes, so the
    /// answer is the one of the normalised windows.
    pub(super) fn search_plain(
        &self,
        text: &str,
        p: usize,
        consumed: usize,
        win: &mut Normalized,
        events: &mut Vec<(usize, usize)>,
    ) -> Plain {
        let dfa = &self.automaton;
        let bytes = text.as_bytes();
        let Ok(mut sid) = dfa.start_state(Anchored::Yes) else {
            return Plain::Normalise;
        };
        events.clear();
        // Step until the automaton dies; the matches starting at `p`, by normalised end (`j`
        // bytes read from `p`, `j - shift` normalised bytes stepped).
        let rest = bytes.get(p..).unwrap_or_default();
        let mut j = 0;
        let mut shift = 0;
        // After a fold: the bytes of `rest` before this one are in `win`.
        let mut written: Option<usize> = None;
        'step: loop {
            let (read, next) = match step_plain(dfa, rest, j, sid) {
                (read, next) if stopped_special(dfa, j, read, next) => (read, next),
                stop => {
                    // A byte that does not normalise to one of its own: a fold, or the
                    // normalised windows (a non-ASCII character, the end of the text).
                    (j, sid) = stop;
                    let Some(fold) = fold_at(rest, j) else {
                        return Plain::Normalise;
                    };
                    write_to(win, rest, &mut written, j);
                    for &(b, at) in fold.out() {
                        // The whole fold is written, whether the automaton dies in it or not.
                        win.push_one(b, at);
                        if dfa.is_dead(sid) {
                            continue;
                        }
                        sid = dfa.next_state(Anchored::Yes, sid, b);
                        if dfa.is_match(sid) {
                            let pid = dfa.match_pattern(sid, 0);
                            if dfa.pattern_len(pid) == win.bytes.len() {
                                events.push((win.bytes.len(), pid.as_usize()));
                            }
                        }
                    }
                    // The copied byte after the run continues a segment of its own.
                    win.mark(fold.next);
                    (j, written) = (fold.next, Some(fold.next));
                    shift = j - win.bytes.len();
                    if dfa.is_dead(sid) {
                        break 'step;
                    }
                    continue;
                }
            };
            (j, sid) = (read, next);
            if dfa.is_dead(sid) {
                break;
            }
            if dfa.is_match(sid) {
                let pid = dfa.match_pattern(sid, 0);
                if dfa.pattern_len(pid) == j - shift {
                    events.push((j - shift, pid.as_usize()));
                }
            }
        }
        if events.is_empty() {
            return Plain::Nothing;
        }
        // `bytes[p]` is its own normalisation, so it is the window's first byte.
        if !bytes.get(p).is_some_and(|&b| is_word(b)) || p < consumed || !word_starts_at(text, p) {
            return Plain::Nothing;
        }
        // The window so far, up to the byte the automaton died on: every match ends before it.
        let plain = written.is_none();
        write_to(win, rest, &mut written, j);
        // The longest that ends on a word boundary in the right case.
        let hay = &win.bytes;
        let mut found = None;
        for &(e, pid) in events.iter().rev() {
            let Some(pat) = self.patterns.get(pid) else {
                break;
            };
            let boundary = !pat.word_end || hay.get(e).is_some_and(|&b| !is_word(b));
            let case_ok =
                !pat.case_sensitive || hay.get(..e) == self.exact.get(pid).map(Vec::as_slice);
            if boundary && case_ok {
                found = Some((e, pid, pat));
                break;
            }
        }
        let Some((end, pid, pat)) = found else {
            return Plain::Nothing;
        };
        let context = pat.needs_context
            || self
                .flags
                .get(pat.entry as usize)
                .is_some_and(|f| f.needs_context);
        let want = end + if context { AFTER } else { LIKE_AFTER };
        // A separator is written with the byte after it (normalisation drops a trailing one).
        let mut k = j;
        while k < rest.len() && (win.bytes.len() < want || win.bytes.last() == Some(&b' ')) {
            if let Some(b) = one_to_one(rest, k, 0) {
                win.bytes.push(b);
                k += 1;
                continue;
            }
            let Some(fold) = fold_at(rest, k) else {
                return Plain::Normalise;
            };
            for &(b, at) in fold.out() {
                win.push_one(b, at);
            }
            win.mark(fold.next);
            k = fold.next;
        }
        Plain::Hit(Hit {
            start: p,
            pid,
            end,
            window_end: p + k,
            plain,
        })
    }

    /// [`DiseaseMatcher::search_at`] in windows normalised from `p`.
    pub(super) fn search_normalised(
        &self,
        text: &str,
        p: usize,
        consumed: usize,
        win: &mut Normalized,
        events: &mut Vec<(usize, usize)>,
    ) -> Option<Hit> {
        let dfa = &self.automaton;
        let mut size = WINDOW;
        loop {
            let window_end = ceil_boundary(text, p.saturating_add(size));
            let complete = window_end >= text.len();
            size = size.saturating_mul(2);
            normalize_into(text.get(p..window_end)?, win);
            let hay = win.bytes.as_slice();
            let Some(&first) = hay.first() else {
                if complete {
                    return None;
                }
                continue;
            };
            if !is_word(first) {
                return None;
            }
            let start = p + win.origin(0);
            if start < consumed || !word_starts_at(text, start) {
                return None;
            }
            // The matches starting at the window's first byte, by end, until the automaton dies.
            events.clear();
            let mut sid = dfa.start_state(Anchored::Yes).ok()?;
            let mut dead = false;
            for (k, &b) in hay.iter().enumerate() {
                sid = dfa.next_state(Anchored::Yes, sid, b);
                if dfa.is_special(sid) {
                    if dfa.is_dead(sid) {
                        dead = true;
                        break;
                    }
                    if dfa.is_match(sid) {
                        let pid = dfa.match_pattern(sid, 0);
                        if dfa.pattern_len(pid) == k + 1 {
                            events.push((k + 1, pid.as_usize()));
                        }
                    }
                }
            }
            if !dead && !complete {
                continue;
            }
            // The longest that ends on a word boundary in the right case.
            let mut found = None;
            let mut more = false;
            for &(e, pid) in events.iter().rev() {
                let Some(pat) = self.patterns.get(pid) else {
                    break;
                };
                if pat.word_end && e >= hay.len() && !complete {
                    more = true;
                    break;
                }
                let boundary = !pat.word_end || e >= hay.len() || !is_word(hay[e]);
                let case_ok =
                    !pat.case_sensitive || hay.get(..e) == self.exact.get(pid).map(Vec::as_slice);
                if boundary && case_ok {
                    found = Some((e, pid));
                    break;
                }
            }
            if more {
                continue;
            }
            let (end, pid) = found?;
            if end + AFTER > hay.len() && !complete {
                continue;
            }
            return Some(Hit {
                start,
                pid,
                end,
                window_end,
                plain: false,
            });
        }
    }

    /// The search at a candidate before [`DiseaseMatcher::search_plain`]: the reference of the
    /// tests.
    #[cfg(test)]
    pub(super) fn search_at_reference(
        &self,
        text: &str,
        p: usize,
        consumed: usize,
        win: &mut Normalized,
        events: &mut Vec<(usize, usize)>,
    ) -> Option<Hit> {
        if self.dies_plain(text.as_bytes(), p) {
            return None;
        }
        self.search_normalised(text, p, consumed, win, events)
    }

    /// True when the automaton dies without a match within the bytes from `p` that are their
    /// own normalisation (plain ASCII bytes and single spaces between them): then no term
    /// starts at `p` (the shortcut of the reference search).
    #[cfg(test)]
    fn dies_plain(&self, bytes: &[u8], p: usize) -> bool {
        let dfa = &self.automaton;
        let Ok(mut sid) = dfa.start_state(Anchored::Yes) else {
            return false;
        };
        let mut k = p;
        while let Some(&b) = bytes.get(k) {
            let plain = is_plain(b)
                || (b == b' ' && k > p && bytes.get(k + 1).is_some_and(|&n| is_plain(n)));
            if !plain {
                return false;
            }
            sid = dfa.next_state(Anchored::Yes, sid, b);
            if dfa.is_special(sid) {
                // A match (even one that starts later) needs the whole search.
                return dfa.is_dead(sid);
            }
            k += 1;
        }
        false
    }

    /// [`case_context`] of `hit`, its mention ending at `kept_end` in its window `hay`: the
    /// word after it read in the window, which holds [`AFTER`] bytes past the match; the words
    /// before it in a normalisation that starts at least [`BEFORE`] bytes before the match (or
    /// at the start of the text) and ends with its first character (`p`: the candidate token).
    pub(super) fn case_context_at(
        &self,
        text: &str,
        p: usize,
        hit: &Hit,
        kept_end: usize,
        hay: &[u8],
        scratch: &mut Normalized,
    ) -> bool {
        if context_after(hay, kept_end) {
            return true;
        }
        let Some(first) = text.get(hit.start..).and_then(|r| r.chars().next()) else {
            return false;
        };
        let first_end = hit.start + first.len_utf8();
        // Original bytes normalised before the match at first: most hold `BEFORE` normalised
        // bytes (the reference starts at 64: past `BEFORE` bytes, the words read are the same).
        let mut back = 48usize;
        loop {
            let mut q = p.saturating_sub(back);
            while !text.is_char_boundary(q) {
                q -= 1;
            }
            let Some(slice) = text.get(q..first_end) else {
                return false;
            };
            normalize_into(slice, scratch);
            // The match's first character is a word character: the last normalised byte.
            let Some(s) = scratch.bytes.len().checked_sub(1) else {
                return false;
            };
            if s >= BEFORE || q == 0 {
                return context_before(&scratch.bytes, s);
            }
            back = back.saturating_mul(2);
        }
    }

    /// [`DiseaseMatcher::case_context_at`] as it was, normalising from before the match to the
    /// end of its window (`len` normalised bytes from `p`): the reference of the tests.
    #[cfg(test)]
    pub(super) fn case_context_at_reference(
        &self,
        text: &str,
        p: usize,
        hit: &Hit,
        kept_end: usize,
        len: usize,
        scratch: &mut Normalized,
    ) -> bool {
        let mut back = 64usize;
        loop {
            let mut q = p.saturating_sub(back);
            while !text.is_char_boundary(q) {
                q -= 1;
            }
            let Some(slice) = text.get(q..hit.window_end) else {
                return false;
            };
            normalize_into(slice, scratch);
            // The normalisation from `q` ends like the window: the match starts `len` bytes
            // before its end.
            let Some(s) = scratch.bytes.len().checked_sub(len) else {
                return false;
            };
            if s >= BEFORE || q == 0 {
                return case_context(&scratch.bytes, s, s + kept_end);
            }
            back = back.saturating_mul(2);
        }
    }
}
