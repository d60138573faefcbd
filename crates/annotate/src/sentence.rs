//! Sentence boundaries, in code points, for attaching counts to the mentions around them.

use crate::response::text::find_punct;
use epiwire_model::CharIndex;

/// The sentences of a text, split once per document and shared by linking and the facts.
#[derive(Debug, Clone, Default)]
pub struct Sentences {
    /// Code-point ranges of the sentences, in order, covering the whole text.
    pub ranges: Vec<(usize, usize)>,
    /// The byte offset at which each sentence starts.
    pub byte_starts: Vec<usize>,
}

/// Code-point ranges of the sentences of `text` ([`split`] without the byte offsets).
#[cfg(test)]
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    split(text).ranges
}

/// The sentences of `text`, in order, covering the whole text: code-point ranges and the byte
/// offset of each sentence's start.
///
/// A sentence ends at a newline, or after `.`, `!` or `?` (and any closing quotes or brackets)
/// followed by white space, except after a single capital letter ("N. Korea") or a common
/// abbreviation ("Dr.", "St.", "approx.").
///
/// One pass over the bytes: `memchr` jumps from one candidate end (`.`, `!`, `?`, newline) to
/// the next, and the code points are counted once per sentence.
pub fn split(text: &str) -> Sentences {
    let b = text.as_bytes();
    let mut out = Builder::new(text, None, 0);
    let mut start = 0usize;
    let mut i = 0usize;
    // The first `.`, `!` or `?` at or after `i` (`b.len()` when none): found again only once
    // `i` has passed it, so that lines without one are not each scanned to the next one.
    let mut punct = find_punct(b, 0);
    while i < b.len() {
        if punct < i {
            punct = find_punct(b, i);
        }
        let Some(p) = next_candidate(b, i, punct) else {
            break;
        };
        let c = b[p];
        let mut end = None;
        if c == b'\n' {
            end = Some(p + 1);
        } else {
            let j = past_closers(b, p + 1);
            let followed_by_space = text
                .get(j..)
                .and_then(|r| r.chars().next())
                .is_none_or(char::is_whitespace);
            if followed_by_space
                && !(c == b'.' && is_abbreviation(text.get(start..p).unwrap_or("")))
            {
                end = Some(j);
            }
        }
        if let Some(e) = end {
            if e > start {
                out.push(start, e);
            }
            start = e;
            i = e;
        } else {
            i = p + 1;
        }
    }
    if start < b.len() {
        out.push(start, b.len());
    }
    out.sentences
}

/// The sentences of `text` by both rules, in one pass over the bytes: [`split`]'s (for
/// linking and the facts; code points counted only if `link` is true, else `None`) and the
/// byte ranges of `response::text::sentences` (the response and quote passes).
///
/// The two rules visit the same candidate ends (`.`, `!`, `?`, newline) in the same order:
/// an end one of them takes lies past closing quotes and brackets, which are not candidates,
/// and the response rule's cut of a run longer than its limit falls before the next
/// candidate. So one walk over the candidates decides each for both: the link rule reads
/// Unicode white space after the end and its abbreviation list; the response rule ASCII white
/// space, its list (with "Jr") and the cut. Each keeps its own sentence start.
///
/// `ends`, when given, is the offsets of every '.', '!', '?' and '\n' of `text` in order (the
/// token stream's [`crate::tokens::Tokens::ends`]): the candidates are read from it instead
/// of searched for.
pub(crate) fn split_both(
    text: &str,
    link: bool,
    index: Option<&CharIndex>,
    ends: Option<&[usize]>,
) -> (Option<Sentences>, Vec<(usize, usize)>) {
    use crate::response::text::MAX_SENTENCE;
    let b = text.as_bytes();
    // Sized for a sentence or line every 64 bytes: grown from empty, they were reallocated at
    // every doubling.
    let guess = b.len() / 64 + 4;
    // The link rule's sentences, converted to code points as they are found.
    let mut linked = link.then(|| Builder::new(text, index, guess));
    let mut resp: Vec<(usize, usize)> = Vec::with_capacity(guess);
    let (mut start, mut rstart) = (0usize, 0usize);
    let mut i = 0usize;
    // The response rule's walk has stopped (its last candidate end or the byte after it
    // reached the end of the text): it cuts no more runs.
    let mut rdone = false;
    let mut cands = match ends {
        Some(ends) => Candidates::Listed { ends, at: 0 },
        None => Candidates::Searched {
            punct: find_punct(b, 0),
        },
    };
    loop {
        let next = cands.next(b, i).unwrap_or(b.len());
        // The response rule: a run with no end is cut at a space.
        while !rdone && next - rstart > MAX_SENTENCE {
            let lim = rstart + MAX_SENTENCE;
            crate::response::text::work(lim - rstart);
            let cut = memchr::memrchr(b' ', b.get(rstart..lim).unwrap_or(&[]))
                .map_or(lim, |q| rstart + q + 1);
            let cut = if cut > rstart { cut } else { lim };
            let cut = (cut..b.len())
                .find(|&k| text.is_char_boundary(k))
                .unwrap_or(b.len());
            resp.push((rstart, cut));
            rstart = cut;
        }
        let Some(&c) = b.get(next) else {
            break;
        };
        let (end, rend) = if c == b'\n' {
            (Some(next + 1), Some(next + 1))
        } else {
            let j = past_closers(b, next + 1);
            // White space after the end: Unicode's for the link rule, ASCII's for the response
            // rule (an ASCII byte answers both without decoding a character).
            let (uspace, spaced) = match b.get(j) {
                None => (true, true),
                Some(&x) if x.is_ascii() => {
                    (matches!(x, b'\t'..=b'\r' | b' '), x.is_ascii_whitespace())
                }
                Some(_) => (
                    text.get(j..)
                        .and_then(|r| r.chars().next())
                        .is_none_or(char::is_whitespace),
                    false,
                ),
            };
            let linked_space = link && uspace;
            // The word before a period is read once for both rules.
            let (abbr, rabbr) = if c == b'.' && (linked_space || spaced) {
                abbreviations(text, start, rstart, next)
            } else {
                (false, false)
            };
            (
                (linked_space && !abbr).then_some(j),
                (spaced && !rabbr).then_some(j),
            )
        };
        if let Some(e) = end
            && let Some(out) = linked.as_mut()
        {
            if e > start {
                out.push(start, e);
            }
            start = e;
        }
        if let Some(e) = rend {
            if e > rstart {
                resp.push((rstart, e));
            }
            rstart = e;
        }
        rdone = rend.unwrap_or(next + 1) >= b.len();
        i = match (end.filter(|_| link), rend) {
            (Some(e), _) | (None, Some(e)) => e,
            (None, None) => next + 1,
        };
    }
    if rstart < b.len() {
        resp.push((rstart, b.len()));
    }
    let sentences = linked.map(|mut out| {
        if start < b.len() {
            out.push(start, b.len());
        }
        out.sentences
    });
    (sentences, resp)
}

/// `(is_abbreviation(&text[start..dot]), abbreviation_before(text, rstart, dot))`: whether the
/// period at byte `dot` follows an initial or an abbreviation by the link rule (its sentence
/// starts at `start`) and by the response rule (at `rstart`; its list also has "Jr").
///
/// When the eight bytes before `dot` lie in both sentences, the run of ASCII letters, digits
/// and dots before it is read from one load for both: the two lists are the same but "Jr",
/// and only the link rule reads on when a non-ASCII character ends the run
/// ([`is_abbreviation_chars`]). Else each rule reads its own.
#[inline]
fn abbreviations(text: &str, start: usize, rstart: usize, dot: usize) -> (bool, bool) {
    use crate::response::text::abbreviation_before;
    let b = text.as_bytes();
    let last8 = dot
        .checked_sub(8)
        .filter(|&lo| lo >= start && lo >= rstart)
        .and_then(|lo| b.get(lo..dot))
        .and_then(|w| w.first_chunk::<8>());
    let Some(c) = last8 else {
        return (
            is_abbreviation(text.get(start..dot).unwrap_or("")),
            abbreviation_before(b, rstart, dot),
        );
    };
    let x = u64::from_le_bytes(*c);
    let run = crate::ascii::trailing_word_bytes(x);
    if run > LONGEST {
        return (false, false);
    }
    let word = text.get(dot - run..dot).unwrap_or("");
    let listed = (run == 1 && word.as_bytes().first().is_some_and(u8::is_ascii_uppercase))
        || abbreviation_word(word);
    let resp = listed || word == "Jr";
    if (x >> (8 * (7 - run))) & 0x80 != 0 {
        return (
            is_abbreviation_chars(text.get(start..dot).unwrap_or("")),
            resp,
        );
    }
    (listed, resp)
}

/// The byte after the closing quotes and brackets (`"`, `'`, `)`, `]`, `”`, `’`) that start at
/// `j`: a sentence end takes them with it. Both quotes are three bytes from 0xE2 on: any other
/// byte is read once.
fn past_closers(b: &[u8], mut j: usize) -> usize {
    loop {
        match b.get(j) {
            Some(b'"' | b'\'' | b')' | b']') => j += 1,
            Some(0xE2)
                if b[j..].starts_with("\u{201d}".as_bytes())
                    || b[j..].starts_with("\u{2019}".as_bytes()) =>
            {
                j += 3;
            }
            _ => return j,
        }
    }
}

/// [`Sentences`] built one sentence at a time, from byte ranges that follow each other from
/// the text's start and end at character boundaries (those of [`split`] and [`split_both`]).
struct Builder<'a> {
    text: &'a str,
    /// An index of `text`: a sentence's end is the code point of its end byte. Without one,
    /// each sentence's characters are counted (its bytes when the text is ASCII).
    index: Option<&'a CharIndex>,
    ascii: bool,
    /// The code point where the next sentence starts.
    cp: usize,
    sentences: Sentences,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, index: Option<&'a CharIndex>, capacity: usize) -> Self {
        Self {
            text,
            index,
            ascii: index.is_none() && text.is_ascii(),
            cp: 0,
            sentences: Sentences {
                ranges: Vec::with_capacity(capacity),
                byte_starts: Vec::with_capacity(capacity),
            },
        }
    }

    /// Adds the sentence of bytes `s..e`, which starts where the last one ended.
    #[inline]
    fn push(&mut self, s: usize, e: usize) {
        crate::response::text::work(1);
        let end = match self.index {
            Some(index) => index.char_offset(e),
            None if self.ascii => self.cp + (e - s),
            None => self.cp + self.text.get(s..e).map_or(0, |t| t.chars().count()),
        };
        self.sentences.ranges.push((self.cp, end));
        self.sentences.byte_starts.push(s);
        self.cp = end;
    }
}

/// Where [`split_both`] finds its candidate ends: `.`, `!`, `?` and newlines.
enum Candidates<'a> {
    /// Searched for in the text; `punct` is the first `.`, `!` or `?` at or after the last
    /// search (`b.len()` when none), found again only once the walk has passed it.
    Searched { punct: usize },
    /// Read from the offsets of all of them, in order, from index `at` on.
    Listed { ends: &'a [usize], at: usize },
}

impl Candidates<'_> {
    /// The first candidate at or after `from` in `b` (`from` never decreasing between calls).
    #[inline]
    fn next(&mut self, b: &[u8], from: usize) -> Option<usize> {
        match self {
            Self::Searched { punct } => {
                if *punct < from {
                    *punct = find_punct(b, from);
                }
                next_candidate(b, from, *punct)
            }
            Self::Listed { ends, at } => {
                while ends.get(*at).is_some_and(|&e| e < from) {
                    *at += 1;
                }
                crate::response::text::work(1);
                ends.get(*at).copied()
            }
        }
    }
}

/// The first byte at or after `from` that may end a sentence: `.`, `!`, `?` or a newline;
/// `punct` is the first of `.`, `!`, `?` at or after `from` (`b.len()` when none).
fn next_candidate(b: &[u8], from: usize, punct: usize) -> Option<usize> {
    use crate::response::text::{searched, work};
    let rest = b.get(from..punct)?;
    let found = memchr::memchr(b'\n', rest);
    work(searched(rest.len(), found));
    match found {
        Some(p) => Some(from + p),
        None => (punct < b.len()).then_some(punct),
    }
}

/// Longer than every abbreviation: [`is_abbreviation`] reads no further back (keeps the split
/// linear).
const LONGEST: usize = 6;

/// True when the word just before a period is an initial or an abbreviation.
///
/// The word is read back byte by byte while its bytes are ASCII letters, digits or dots; when
/// a non-ASCII byte ends that run (the character may be a letter: `char::is_alphanumeric`
/// decides), [`is_abbreviation_chars`] reads it character by character.
fn is_abbreviation(before: &str) -> bool {
    let b = before.as_bytes();
    let k = match word_back(b) {
        Back::Start(k) => k,
        Back::Long => return false,
        Back::NonAscii => return is_abbreviation_chars(before),
    };
    if b.len() - k == 1 && b.get(k).is_some_and(u8::is_ascii_uppercase) {
        return true;
    }
    abbreviation_word(before.get(k..).unwrap_or(""))
}

/// What [`word_back`] found before a period.
enum Back {
    /// The word (ASCII letters, digits and dots, at most [`LONGEST`]) starts at this byte.
    Start(usize),
    /// The run of ASCII letters, digits and dots is longer than [`LONGEST`].
    Long,
    /// A non-ASCII byte ends the run (its character may be a letter).
    NonAscii,
}

/// The run of ASCII letters, digits and dots at the end of `b`, read back byte by byte, or
/// from one eight-byte load when `b` holds eight bytes (the run that decides is at most
/// [`LONGEST`] + 1 = 7 bytes, so the byte before it is in the load too).
#[inline]
fn word_back(b: &[u8]) -> Back {
    let last8 = b.len().checked_sub(8).and_then(|s| b.get(s..));
    if let Some(c) = last8.and_then(|t| t.first_chunk::<8>()) {
        let x = u64::from_le_bytes(*c);
        let run = crate::ascii::trailing_word_bytes(x);
        return if run > LONGEST {
            Back::Long
        } else if (x >> (8 * (7 - run))) & 0x80 != 0 {
            Back::NonAscii
        } else {
            Back::Start(b.len() - run)
        };
    }
    let mut k = b.len();
    while let Some(&c) = k.checked_sub(1).and_then(|p| b.get(p)) {
        if !(c.is_ascii_alphanumeric() || c == b'.') {
            return if c >= 0x80 {
                Back::NonAscii
            } else {
                Back::Start(k)
            };
        }
        k -= 1;
        if b.len() - k > LONGEST {
            return Back::Long;
        }
    }
    Back::Start(k)
}

/// [`is_abbreviation`] character by character (its answer when a non-ASCII character is in
/// reach, and its reference in the tests).
fn is_abbreviation_chars(before: &str) -> bool {
    let mut word_start = before.len();
    let mut count = 0usize;
    let mut last = ' ';
    for (k, ch) in before.char_indices().rev() {
        if !(ch.is_alphanumeric() || ch == '.') {
            break;
        }
        count += 1;
        if count > LONGEST {
            return false;
        }
        word_start = k;
        last = ch;
    }
    if count == 1 && last.is_uppercase() {
        return true;
    }
    abbreviation_word(before.get(word_start..).unwrap_or(""))
}

/// The abbreviations a period after them does not end a sentence.
fn abbreviation_word(w: &str) -> bool {
    matches!(
        w,
        "Dr" | "Mr"
            | "Mrs"
            | "Ms"
            | "Prof"
            | "St"
            | "Gen"
            | "Col"
            | "Lt"
            | "Sgt"
            | "Rep"
            | "Sen"
            | "Gov"
            | "approx"
            | "vs"
            | "etc"
            | "e.g"
            | "i.e"
            | "No"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "U.S"
            | "U.K"
            | "U.N"
            | "Inc"
            | "Ltd"
            | "Co"
    )
}

/// Code-point starts of the paragraphs of `text`, in order; the first is 0.
///
/// Paragraphs are separated by a blank line; a text without blank lines has one paragraph per
/// line. (Linking reads them with [`paragraphs_in`]; this counts each line's code points and is
/// kept as its reference.)
#[cfg(test)]
pub fn paragraphs(text: &str) -> Vec<usize> {
    let blank_lines = text.lines().skip(1).any(|l| l.trim().is_empty());
    let ascii = text.is_ascii();
    let mut out = vec![0];
    // Code points before the current line.
    let mut cp = 0usize;
    let mut line_start = 0usize;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = text.get(line_start..nl).unwrap_or("");
        cp += if ascii {
            line.len()
        } else {
            line.chars().count()
        };
        if !blank_lines || line.trim_start().is_empty() {
            out.push(cp + 1);
        }
        cp += 1;
        line_start = nl + 1;
    }
    out.dedup();
    out
}

/// [`paragraphs`] of `text` read with its sentences `s` (the [`split`] of `text`): the code
/// point of a line start is that of the sentence starting there (a newline always ends a
/// sentence), so no line's characters are counted. Any byte offset is converted exactly (the
/// characters between the last sentence start at or before it and it are counted). The
/// reference of linking's paragraph starts (`link::paragraphs` finds them one at a time).
#[cfg(test)]
pub(crate) fn paragraphs_in(text: &str, s: &Sentences) -> Vec<usize> {
    // The last sentence starting at or before the byte converted last.
    let mut si = 0usize;
    paragraph_starts(text, s.ranges.len() + 2, |q| {
        while s.byte_starts.get(si + 1).is_some_and(|&st| st <= q) {
            si += 1;
        }
        match (s.byte_starts.get(si), s.ranges.get(si)) {
            (Some(&st), Some(&(cs, _))) if st <= q => {
                cs + text.get(st..q).map_or(0, |t| t.chars().count())
            }
            _ => text.get(..q).map_or(0, |t| t.chars().count()),
        }
    })
}

/// [`paragraphs`] of `text`, with `code_point` converting the byte offset of a line start.
#[cfg(test)]
fn paragraph_starts(
    text: &str,
    lines: usize,
    mut code_point: impl FnMut(usize) -> usize,
) -> Vec<usize> {
    // Every line start, or (with blank lines) those after a whitespace-only line (the first
    // line included).
    let blank_lines = has_blank_line(text);
    let mut out = Vec::with_capacity(lines);
    out.push(0);
    let mut line_start = 0usize;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        if !blank_lines || text.get(line_start..nl).is_none_or(whitespace_only) {
            out.push(code_point(nl + 1));
        }
        line_start = nl + 1;
    }
    out.dedup();
    out
}

/// True when a line of `text` other than the first is white space only (as `str::lines`
/// yields them: the piece after a final newline only when it is not empty): then blank lines
/// separate the paragraphs, else every line is one. The lines are read up to the first blank
/// one (in most texts one of the first lines).
pub(crate) fn has_blank_line(text: &str) -> bool {
    let b = text.as_bytes();
    let mut line_start = 0usize;
    for nl in memchr::memchr_iter(b'\n', b) {
        if line_start > 0 && text.get(line_start..nl).is_none_or(whitespace_only) {
            return true;
        }
        line_start = nl + 1;
    }
    line_start > 0 && line_start < b.len() && text.get(line_start..).is_none_or(whitespace_only)
}

/// True when `line` is white space only; a line that starts with a printable ASCII character
/// is not (most are), without decoding it.
pub(crate) fn whitespace_only(line: &str) -> bool {
    match line.as_bytes().first() {
        None => true,
        Some(c) if c.is_ascii_graphic() => false,
        Some(_) => line.trim_start().is_empty(),
    }
}

/// Index of the sentence holding code point `pos` (binary search over `sentences`' output).
pub fn sentence_of(sentences: &[(usize, usize)], pos: usize) -> usize {
    match sentences.binary_search_by(|&(s, e)| {
        if pos < s {
            std::cmp::Ordering::Greater
        } else if pos >= e {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => i,
        Err(i) => i.min(sentences.len().saturating_sub(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    /// The byte walk of `is_abbreviation` answers as the character walk, for every prefix of
    /// `text` that ends before a period (and every suffix of its last 12 characters).
    fn abbreviation_agrees(text: &str) {
        let ends = text
            .char_indices()
            .filter(|&(_, c)| c == '.')
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()));
        for end in ends {
            let before = &text[..end];
            assert_eq!(
                is_abbreviation(before),
                is_abbreviation_chars(before),
                "{before:?}"
            );
            for (k, _) in before.char_indices().rev().take(12) {
                let b = &before[k..];
                assert_eq!(is_abbreviation(b), is_abbreviation_chars(b), "{b:?}");
            }
        }
    }

    #[test]
    fn abbreviation_byte_walk_is_the_char_walk_on_the_seeds_and_dons() {
        for t in crate::test_util::seed_and_don_texts() {
            abbreviation_agrees(&t);
        }
        for t in [
            "",
            ".",
            "A",
            "a",
            "É",
            "Dr",
            "dr",
            "N",
            "U.S",
            "xU.S",
            "éDr",
            "Dr\u{e9}",
            "ÉDr",
            "1234567",
            "abcdef",
            "abcdefg",
            " abcdef",
            "éabcdef",
            "\u{2160}",
            "x\u{2160}",
            "Sept",
            "e.g",
            "i.e",
            "Co",
            "ΑDr",
            "Dr ",
            "(Dr",
            "\u{a0}Dr",
            "N\u{301}",
            "abcdefgh",
            "abcdefg.",
            " abcdefg",
            "\u{e9}abcde",
            "xx\u{e9}abcdef",
            "xxxxx\u{e9}Dr",
            "xxxxxx N",
            "xxxxxx.U.S",
            "xxxxxxx e.g",
            "xxxxxx\u{2160}",
        ] {
            abbreviation_agrees(t);
        }
    }

    proptest::proptest! {
        #[test]
        fn abbreviation_byte_walk_is_the_char_walk(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "Dr", "Mr", "U.S", "e.g", "Sept", "Co", "Inc", "N", "n", ".", " ", "é",
                        "É", "\u{2160}", "\u{a0}", "(", "1", "x", "Ab", "\u{301}", "ß",
                    ]).prop_map(str::to_string),
                    "\\PC{0,3}",
                ],
                0..10,
            )
        ) {
            abbreviation_agrees(&parts.concat());
        }
    }

    /// The one read of the word before each period of `text` answers as the two rules' own
    /// reads ([`is_abbreviation`], `abbreviation_before`), for every pair of sentence starts
    /// among the last 12 characters before the period and the text's start.
    fn abbreviations_agree(text: &str) {
        use crate::response::text::abbreviation_before;
        for (dot, _) in text.char_indices().filter(|&(_, c)| c == '.') {
            let before = &text[..dot];
            let starts: Vec<usize> = before
                .char_indices()
                .rev()
                .take(12)
                .map(|(k, _)| k)
                .chain([0, dot])
                .collect();
            for &start in &starts {
                for &rstart in &starts {
                    let want = (
                        is_abbreviation(&text[start..dot]),
                        abbreviation_before(text.as_bytes(), rstart, dot),
                    );
                    assert_eq!(
                        abbreviations(text, start, rstart, dot),
                        want,
                        "{text:?} {start} {rstart} {dot}"
                    );
                }
            }
        }
    }

    #[test]
    fn abbreviations_read_once_are_each_rules_on_the_seeds_and_dons() {
        for t in crate::test_util::seed_and_don_texts() {
            abbreviations_agree(&t);
        }
        for t in [
            ".",
            "Jr.",
            "x Jr.",
            "xxxxxx Jr.",
            "xxxxxxxJr.",
            "xxxxx\u{e9}Jr.",
            "xxxxx\u{e9}Dr.",
            "xxxxxx\u{e9}N.",
            "xxxx\u{2160}U.S.",
            "xxxxxxx N. xxxxx\u{e9}abcdef. abcdefg. abcdef.",
            "e.g. i.e. U.S. approx. Sept. Co. N. n. \u{c9}. 1234567.",
        ] {
            abbreviations_agree(t);
        }
    }

    proptest::proptest! {
        #[test]
        fn abbreviations_read_once_are_each_rules(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "Dr", "Jr", "U.S", "e.g", "Sept", "Co", "N", "n", ".", ". ", " ", "é",
                        "É", "\u{2160}", "\u{a0}", "(", "1", "x", "xxxxxxx", "Ab", "ß",
                    ]).prop_map(str::to_string),
                    "\\PC{0,3}",
                ],
                0..12,
            )
        ) {
            abbreviations_agree(&parts.concat());
        }
    }

    fn split(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        sentences(text)
            .into_iter()
            .map(|(s, e)| chars[s..e].iter().collect())
            .collect()
    }

    #[test]
    fn splits_on_periods_and_newlines() {
        let parts = split("N. Korea reported 62 deaths. Dr. Ryan spoke.\nNew line here");
        assert_eq!(
            parts,
            vec![
                "N. Korea reported 62 deaths.",
                " Dr. Ryan spoke.",
                "\n",
                "New line here"
            ]
        );
    }

    #[test]
    fn decimals_do_not_split() {
        assert_eq!(split("Cases rose to 1.72 million. Then").len(), 2);
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        let parts = split("He said “it is bad.” Then left.");
        assert_eq!(parts[0], "He said “it is bad.”");
    }

    #[test]
    fn paragraphs_by_blank_lines_else_lines() {
        assert_eq!(paragraphs("ab\ncd\n\nef"), vec![0, 7]);
        assert_eq!(paragraphs("ab\ncd"), vec![0, 3]);
        assert_eq!(paragraphs("ab \n  \ncd"), vec![0, 7]);
        assert_eq!(paragraphs(""), vec![0]);
    }

    /// The char-by-char split this module used before the byte scan: the reference.
    fn reference(text: &str) -> Vec<(usize, usize)> {
        fn abbreviation(before: &[char]) -> bool {
            let word: String = before
                .iter()
                .rev()
                .take_while(|c| c.is_alphanumeric() || **c == '.')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
                return true;
            }
            [
                "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Gen", "Col", "Lt", "Sgt", "Rep", "Sen",
                "Gov", "approx", "vs", "etc", "e.g", "i.e", "No", "Jan", "Feb", "Mar", "Apr",
                "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N",
                "Inc", "Ltd", "Co",
            ]
            .contains(&word.as_str())
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let (mut start, mut i) = (0usize, 0usize);
        while i < chars.len() {
            let c = chars[i];
            let mut end = None;
            if c == '\n' {
                end = Some(i + 1);
            } else if matches!(c, '.' | '!' | '?') {
                let mut j = i + 1;
                while j < chars.len()
                    && matches!(chars[j], '"' | '\'' | '\u{201d}' | '\u{2019}' | ')' | ']')
                {
                    j += 1;
                }
                let spaced = j >= chars.len() || chars[j].is_whitespace();
                if spaced && !(c == '.' && abbreviation(&chars[start..i])) {
                    end = Some(j);
                }
            }
            if let Some(e) = end {
                if e > start {
                    out.push((start, e));
                }
                start = e;
                i = e;
            } else {
                i += 1;
            }
        }
        if start < chars.len() {
            out.push((start, chars.len()));
        }
        out
    }

    /// The char-by-char paragraph starts this module used before: the reference.
    fn reference_paragraphs(text: &str) -> Vec<usize> {
        let blank_lines = text.lines().skip(1).any(|l| l.trim().is_empty());
        let mut out = vec![0];
        let mut line_was_blank = true;
        for (i, c) in text.chars().enumerate() {
            if c == '\n' {
                if !blank_lines || line_was_blank {
                    out.push(i + 1);
                }
                line_was_blank = true;
                continue;
            }
            if !c.is_whitespace() {
                line_was_blank = false;
            }
        }
        out.dedup();
        out
    }

    fn same_as_reference(t: &str) {
        assert_eq!(sentences(t), reference(t), "{t:?}");
        assert_eq!(paragraphs(t), reference_paragraphs(t), "{t:?}");
        let s = super::split(t);
        for (&(cs, _), &bs) in s.ranges.iter().zip(&s.byte_starts) {
            assert_eq!(t[..bs].chars().count(), cs, "{t:?}");
        }
    }

    #[test]
    fn byte_scan_equals_the_char_scan() {
        let texts = [
            "N. Korea reported 62 deaths. Dr. Ryan spoke.\nNew line here",
            "He said \u{201c}it is bad.\u{201d} Then left. \u{c9}. Next. approx. 5! Yes?\u{a0}No.",
            "C\u{f4}te d'Ivoire: 12 cases.\n\n  \nMali (3). U.S. officials, e.g. CDC.\u{2019}\u{2019} x",
            "",
            ".",
            "a.\u{2019}",
            "End.\u{2019}",
            "Long.word.with.dots. Sept. 3. Mr.Smith. approx. x.approx. \u{c9}t\u{e9}. \u{41f}. \u{442}\u{435}\u{43a}.\r\nx",
            "\n\n\nA.\n\nb. \t\n",
            " \u{2003}\n\u{a0}\nx\n",
        ];
        for t in texts {
            same_as_reference(t);
        }
    }

    #[test]
    fn byte_scan_equals_the_char_scan_on_the_seeds() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            same_as_reference(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
            n += 1;
        }
        assert!(n > 0);
    }

    #[test]
    fn sentence_lookup() {
        let s = sentences("One. Two. Three.");
        assert_eq!(sentence_of(&s, 0), 0);
        assert_eq!(sentence_of(&s, 6), 1);
        assert_eq!(sentence_of(&s, 100), 2);
    }

    /// A million lines without a period before one at the end: each line used to be scanned
    /// up to that period again (quadratic, minutes); now each byte is read once or twice. The
    /// work counted (bytes searched, sentences) grows ten times with the input, not a hundred.
    #[test]
    fn many_lines_without_a_period_are_linear() {
        let work = |lines: usize| {
            let text = format!("{}end.", "a\n".repeat(lines));
            let before = crate::response::text::work_done();
            let s = split(&text);
            let (_, resp) = split_both(&text, true, None, None);
            assert_eq!(s.len(), lines + 1);
            assert_eq!(resp.len(), lines + 1);
            crate::response::text::work_done() - before
        };
        let (small, large) = (work(100_000), work(1_000_000));
        assert!(small >= 100_000, "{small}");
        assert!(large <= 12 * small, "1x: {small}, 10x: {large}: not linear");
    }

    /// `past_closers` is the walk that tests each closer in turn, at every byte of the seeds
    /// and DON texts and of texts with closers of every kind, other characters from 0xE2 on
    /// (dashes, opening quotes) and the end of the text.
    #[test]
    fn past_closers_is_the_closer_by_closer_walk() {
        fn reference(b: &[u8], mut j: usize) -> usize {
            loop {
                if j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']') {
                    j += 1;
                } else if b[j..].starts_with("\u{201d}".as_bytes())
                    || b[j..].starts_with("\u{2019}".as_bytes())
                {
                    j += 3;
                } else {
                    return j;
                }
            }
        }
        let mut texts = crate::test_util::seed_and_don_texts();
        texts.extend(
            [
                "",
                "a.\u{201d}\u{2019})]\"'x",
                "b.\u{2018}\u{201c}\u{2013}\u{2014}\u{201d}",
                "\u{2019}",
                "c.)\u{201d}",
                "d.\u{2026}\u{2019}]",
            ]
            .map(str::to_string),
        );
        let mut moved = 0usize;
        for t in &texts {
            let b = t.as_bytes();
            for j in 0..=b.len() {
                let want = reference(b, j);
                assert_eq!(past_closers(b, j), want, "{t:?} {j}");
                moved += usize::from(want > j);
            }
        }
        assert!(moved > 1000, "{moved}");
    }

    /// [`split_both`] against [`split`] and `response::text::sentences`.
    fn both_agree(t: &str) {
        let (link, resp) = split_both(t, true, None, None);
        let link = link.unwrap();
        let old = super::split(t);
        assert_eq!(link.ranges, old.ranges, "{t:?}");
        assert_eq!(link.byte_starts, old.byte_starts, "{t:?}");
        assert_eq!(resp, crate::response::text::sentences(t), "{t:?}");
        let (none, resp2) = split_both(t, false, None, None);
        assert!(none.is_none());
        assert_eq!(resp2, resp, "{t:?}");
        // The code points read from the index are those counted per sentence.
        let index = CharIndex::new(t);
        let (indexed, resp3) = split_both(t, true, Some(&index), None);
        let indexed = indexed.unwrap();
        assert_eq!(indexed.ranges, old.ranges, "{t:?}");
        assert_eq!(indexed.byte_starts, old.byte_starts, "{t:?}");
        assert_eq!(resp3, resp, "{t:?}");
        // The candidate ends noted by the token loop are every '.', '!', '?' and newline, and
        // the split that reads them is the split that searches for them.
        let tk = crate::tokens::Tokens::new(t);
        let want: Vec<usize> = t
            .bytes()
            .enumerate()
            .filter(|&(_, c)| matches!(c, b'.' | b'!' | b'?' | b'\n'))
            .map(|(k, _)| k)
            .collect();
        assert_eq!(tk.ends, want, "{t:?}");
        for link in [true, false] {
            let (listed, resp4) = split_both(t, link, Some(&index), Some(&tk.ends));
            assert_eq!(resp4, resp, "{t:?}");
            let listed = listed.filter(|_| link);
            assert_eq!(
                listed.as_ref().map(|s| &s.ranges),
                link.then_some(&old.ranges)
            );
            assert_eq!(
                listed.as_ref().map(|s| &s.byte_starts),
                link.then_some(&old.byte_starts)
            );
        }
    }

    #[test]
    fn both_rules_agree_on_edge_cases() {
        for t in [
            "",
            "N. Korea said so. Dr. Ryan spoke.\nNext",
            "He said \u{201c}it is bad.\u{201d} Then. Jr. Smith? Yes! (No.) [a.] 'b.' \"c.\"",
            "End.\u{a0}Next. End.\u{2003}x Prof. É. Öst. e.g. i.e. U.S. approx. abcdefg. Sept.",
            "a.\x0bb. c.\x0cd\r\n\n\n.",
            "Mr.Smith 3.5 \u{2019}. \u{201d}.",
        ] {
            both_agree(t);
        }
        both_agree(&"said ".repeat(2000));
        // A text ending in a period that ends no sentence, just past the response rule's limit.
        for n in 1990..2010 {
            both_agree(&format!("{}Dr.", "x".repeat(n)));
            both_agree(&format!("{}Dr.", "x ".repeat(n / 2)));
            both_agree(&format!("{}a.b", "x".repeat(n)));
        }
        both_agree(&format!("{}. Next", "x".repeat(4100)));
        both_agree(&format!("{}. Next", "\u{e9}".repeat(2500)));
        both_agree(&format!("{}\nNext", "ab ".repeat(1400)));
    }

    /// The one-pass paragraph starts are the char-by-char ones on every seed and DON text.
    #[test]
    fn paragraphs_are_the_reference_on_the_seed_and_don_texts() {
        for t in crate::test_util::seed_and_don_texts() {
            let want = reference_paragraphs(&t);
            assert_eq!(paragraphs(&t), want);
            assert_eq!(paragraphs_in(&t, &super::split(&t)), want);
        }
        for t in [
            "a\n",
            "a\n\r",
            "\n",
            " \nx",
            "x\n \t",
            "x\n\ny\n",
            "\u{a0}\nx\n\u{2003}",
        ] {
            assert_eq!(paragraphs(t), reference_paragraphs(t), "{t:?}");
            assert_eq!(
                paragraphs_in(t, &super::split(t)),
                reference_paragraphs(t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn both_rules_agree_on_the_seed_and_don_texts() {
        for t in crate::test_util::seed_and_don_texts() {
            both_agree(&t);
        }
    }

    proptest::proptest! {
        #[test]
        fn both_rules_agree_on_any_text(
            t in r"([A-Za-z]{1,6}|Dr|Jr|St|No|U\.S|e\.g|[A-Z]|[0-9]{1,3}|[ .!?\n\t\r\x0b\x0c()\[\]'\x22]|\u{a0}|\u{2003}|\u{201d}|\u{2019}|\u{e9}|\PC){0,50}"
        ) {
            both_agree(&t);
        }

        #[test]
        fn paragraphs_are_the_reference(t in r"([a-z]{1,3}|\n|\r|\t| |\u{a0}|\u{2003}|\u{e9})*") {
            proptest::prop_assert_eq!(paragraphs(&t), reference_paragraphs(&t));
        }

        /// The line starts read from the sentences, on text with sentence ends, abbreviations,
        /// closing quotes and blank lines.
        #[test]
        fn paragraphs_from_the_sentences_are_the_reference(
            t in r"([a-z]{1,3}|Dr|[A-Z]|\n|\n\n|\r|\t| |[.!?]|\u{201d}|\u{a0}|\u{2003}|\u{e9}|\u{1f600})*"
        ) {
            proptest::prop_assert_eq!(paragraphs_in(&t, &super::split(&t)), reference_paragraphs(&t));
            // Sentences that do not start at the line starts (here: none) convert exactly too.
            proptest::prop_assert_eq!(
                paragraphs_in(&t, &Sentences::default()),
                reference_paragraphs(&t)
            );
        }

        #[test]
        fn both_rules_agree_on_long_runs(
            parts in proptest::collection::vec((0usize..700, 0usize..6), 1..8)
        ) {
            let fills = ["x", "a ", "\u{e9}", "Dr. ", ". ", "\n"];
            let ends = [". ", "\n", "! ", "Jr. ", "", "\u{a0}"];
            let mut t = String::new();
            for (n, k) in parts {
                t.push_str(&fills[k].repeat(n));
                t.push_str(ends[k]);
            }
            both_agree(&t);
        }
    }
}
