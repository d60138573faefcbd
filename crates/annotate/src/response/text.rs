//! Shared scanning for the response and quote passes: sentences (byte ranges, one linear pass),
//! word tokens, and the document context (place mentions and dates by position).

use epiwire_model::{CharIndex, Document, Party, Span};

use super::lexicon::WordInfo;

/// Longest sentence handled as one unit, in bytes; longer runs are cut at a space so that every
/// pass stays linear whatever the input.
pub(crate) const MAX_SENTENCE: usize = 2000;

/// Work done by this thread's scans: bytes searched and tokens read, counted in test builds
/// only, so that the linearity tests compare the work on an input and on one ten times its
/// size instead of timing them (timings fail on a loaded machine).
#[cfg(test)]
mod work_count {
    thread_local! {
        pub(super) static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }
}

/// Counts `n` units of work ([`work_done`]); nothing outside test builds.
#[inline(always)]
pub(crate) fn work(n: usize) {
    #[cfg(test)]
    work_count::WORK.with(|w| w.set(w.get().saturating_add(n as u64)));
    #[cfg(not(test))]
    let _ = n;
}

/// The work this thread has counted so far ([`work`]).
#[cfg(test)]
pub(crate) fn work_done() -> u64 {
    work_count::WORK.with(std::cell::Cell::get)
}

/// The token, word-info and speech-verb buffers of the response and quote passes.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The tokens of a sentence or line.
    pub toks: Vec<Tok>,
    /// The [`WordInfo`] of each token.
    pub infos: Vec<WordInfo>,
    /// The speech verbs of a sentence or line (token indices).
    pub sp: Vec<usize>,
    /// The items of a sentence.
    pub items: Vec<super::parties::ItemAt>,
}

/// The largest buffer [`with_scratch`] keeps for the next document (in elements).
const KEEP_SCRATCH: usize = 1 << 14;

/// Runs `f` with this thread's [`Scratch`] (a fresh one when it is in use): the buffers are
/// kept from one document to the next instead of grown again from empty for each (about
/// 2,400 reallocations over the DON texts).
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = const {
            std::cell::RefCell::new(Scratch {
                toks: Vec::new(),
                infos: Vec::new(),
                sp: Vec::new(),
                items: Vec::new(),
            })
        };
    }
    SCRATCH.with(|sc| match sc.try_borrow_mut() {
        Ok(mut sc) => {
            let out = f(&mut sc);
            let big = sc
                .toks
                .capacity()
                .max(sc.infos.capacity())
                .max(sc.sp.capacity())
                .max(sc.items.capacity());
            if big > KEEP_SCRATCH {
                // Do not hold on to a huge document's buffers.
                *sc = Scratch::default();
            }
            out
        }
        Err(_) => f(&mut Scratch::default()),
    })
}

/// The first `.`, `!` or `?` at or after `from` in `b`, `b.len()` when none (the bytes read
/// counted as [`work`]).
pub(crate) fn find_punct(b: &[u8], from: usize) -> usize {
    let rest = b.get(from..).unwrap_or(&[]);
    let found = memchr::memchr3(b'.', b'!', b'?', rest);
    work(searched(rest.len(), found));
    found.map_or(b.len(), |q| from + q)
}

/// The first newline at or after `from` in `b`, `b.len()` when none (counted as [`find_punct`]).
fn find_newline(b: &[u8], from: usize) -> usize {
    let rest = b.get(from..).unwrap_or(&[]);
    let found = memchr::memchr(b'\n', rest);
    work(searched(rest.len(), found));
    found.map_or(b.len(), |q| from + q)
}

/// Searched `hay` for a byte and found it at `found`: the bytes read, for [`work`].
#[inline(always)]
pub(crate) fn searched(hay: usize, found: Option<usize>) -> usize {
    found.map_or(hay, |p| p + 1)
}

/// Byte ranges of the sentences of `text`, in order. A sentence ends at a newline, or after
/// `.`, `!`, `?` (and closing quotes or brackets) followed by white space, unless the period
/// closes a single capital ("N. Korea") or a common abbreviation ("Dr.").
pub(crate) fn sentences(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    // The first `.`, `!` or `?` at or after `i` (`b.len()` when none): found again only once
    // `i` has passed it, so that lines without one are not each scanned to the next one.
    let mut punct = find_punct(b, 0);
    let mut nl_at = find_newline(b, 0);
    while i < b.len() {
        // Jump to the next candidate end: `.`, `!`, `?` or a newline.
        if punct < i {
            punct = find_punct(b, i);
        }
        // Likewise the first newline at or after `i`: a run cut into pieces below is not
        // searched to its end again for each piece.
        if nl_at < i {
            nl_at = find_newline(b, i);
        }
        let nl = (nl_at < punct.min(b.len())).then_some(nl_at);
        let next = nl.unwrap_or(punct);
        if next - start > MAX_SENTENCE {
            // A run with no end: cut it at a space.
            let lim = start + MAX_SENTENCE;
            work(lim - start);
            let cut = memchr::memrchr(b' ', &b[start..lim]).map_or(lim, |p| start + p + 1);
            let cut = if cut > start { cut } else { lim };
            let cut = (cut..b.len())
                .find(|&k| text.is_char_boundary(k))
                .unwrap_or(b.len());
            out.push((start, cut));
            start = cut;
            i = cut;
            continue;
        }
        if next >= b.len() {
            break;
        }
        let c = b[next];
        let mut end = None;
        if c == b'\n' {
            end = Some(next + 1);
        } else {
            let mut j = next + 1;
            loop {
                if j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']') {
                    j += 1;
                } else if b[j..].starts_with("”".as_bytes()) || b[j..].starts_with("’".as_bytes())
                {
                    j += 3;
                } else {
                    break;
                }
            }
            let spaced = j >= b.len() || b[j].is_ascii_whitespace();
            if spaced && !(c == b'.' && abbreviation_before(b, start, next)) {
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
            i = next + 1;
        }
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// True when the word ending at byte `dot` (exclusive) is an initial or an abbreviation.
///
/// When the eight bytes before `dot` lie after `start`, the run of ASCII letters, digits and
/// dots that ends there is read from one eight-byte load ([`crate::ascii::trailing_word_bytes`]:
/// a run that decides is at most [`ABBREVIATION_LONGEST`] + 1 = 7 bytes, so the load also
/// holds the byte before it); else byte by byte ([`abbreviation_start`]).
pub(crate) fn abbreviation_before(b: &[u8], start: usize, dot: usize) -> bool {
    let last8 = dot
        .checked_sub(8)
        .filter(|&lo| lo >= start)
        .and_then(|lo| b.get(lo..dot))
        .and_then(|w| w.first_chunk::<8>());
    let k = match last8 {
        Some(c) => {
            let run = crate::ascii::trailing_word_bytes(u64::from_le_bytes(*c));
            if run > ABBREVIATION_LONGEST {
                return false;
            }
            dot - run
        }
        None => match abbreviation_start(b, start, dot) {
            Some(k) => k,
            None => return false,
        },
    };
    abbreviation_word(&b[k..dot])
}

/// Longer than every abbreviation: [`abbreviation_before`] reads no further back (keeps the
/// test cheap).
const ABBREVIATION_LONGEST: usize = 6;

/// The start of the run of ASCII letters, digits and dots that ends at `dot` (not before
/// `start`), read back byte by byte; `None` when it is longer than [`ABBREVIATION_LONGEST`].
fn abbreviation_start(b: &[u8], start: usize, dot: usize) -> Option<usize> {
    let mut k = dot;
    while k > start && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'.') {
        k -= 1;
        if dot - k > ABBREVIATION_LONGEST {
            return None;
        }
    }
    Some(k)
}

/// [`abbreviation_before`] reading back byte by byte only (the reference in the tests).
#[cfg(test)]
pub(crate) fn abbreviation_before_bytewise(b: &[u8], start: usize, dot: usize) -> bool {
    abbreviation_start(b, start, dot).is_some_and(|k| abbreviation_word(&b[k..dot]))
}

/// True when `word` (the run before a period) is an initial or an abbreviation.
fn abbreviation_word(word: &[u8]) -> bool {
    if word.len() == 1 && word[0].is_ascii_uppercase() {
        return true;
    }
    matches!(
        word,
        b"Dr"
            | b"Mr"
            | b"Mrs"
            | b"Ms"
            | b"Prof"
            | b"St"
            | b"Gen"
            | b"Col"
            | b"Lt"
            | b"Sgt"
            | b"Rep"
            | b"Sen"
            | b"Gov"
            | b"approx"
            | b"vs"
            | b"etc"
            | b"e.g"
            | b"i.e"
            | b"No"
            | b"Jan"
            | b"Feb"
            | b"Mar"
            | b"Apr"
            | b"Jun"
            | b"Jul"
            | b"Aug"
            | b"Sep"
            | b"Sept"
            | b"Oct"
            | b"Nov"
            | b"Dec"
            | b"U.S"
            | b"U.K"
            | b"U.N"
            | b"Inc"
            | b"Ltd"
            | b"Co"
            | b"Jr"
    )
}

/// A token: a word (letters, digits and inner `-`, `'`, `’`, `.`, `&`) or one punctuation
/// character. Byte offsets into the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    /// First byte.
    pub s: usize,
    /// End byte (exclusive).
    pub e: usize,
    /// A word (not punctuation).
    pub word: bool,
    /// Starts with an upper-case letter.
    pub cap: bool,
}

/// Tokenises `text[start..end]` into `out` (cleared first).
pub(crate) fn tokens(text: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
    out.clear();
    work(end - start + 1);
    let s = &text[start..end];
    let b = s.as_bytes();
    // Characters are read by byte offset, ASCII without decoding (no iterator state).
    let mut i = 0usize;
    while let Some(ch) = char_at(s, i) {
        let len = ch.len_utf8();
        if ch.is_whitespace() {
            i += len;
            continue;
        }
        if ch.is_alphanumeric() {
            let mut e = i + len;
            let mut last = ch;
            loop {
                // A run of ASCII letters and digits without decoding.
                let run = e;
                while b.get(e).is_some_and(u8::is_ascii_alphanumeric) {
                    e += 1;
                }
                if e > run {
                    last = char::from(b[e - 1]);
                }
                let Some(c2) = char_at(s, e) else {
                    break;
                };
                if c2.is_alphanumeric() {
                    e += c2.len_utf8();
                    last = c2;
                } else if matches!(c2, '-' | '\'' | '’' | '.' | '&' | ',') {
                    // Inner joiner: keep only when a letter or digit follows (a comma only
                    // between digits: "1,000").
                    let next = char_at(s, e + c2.len_utf8());
                    let ok = if c2 == ',' {
                        last.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit())
                    } else {
                        next.is_some_and(char::is_alphanumeric)
                    };
                    if ok {
                        last = c2;
                        e += c2.len_utf8();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            out.push(Tok {
                s: start + i,
                e: start + e,
                word: true,
                cap: ch.is_uppercase(),
            });
            i = e;
        } else {
            out.push(Tok {
                s: start + i,
                e: start + i + len,
                word: false,
                cap: false,
            });
            i += len;
        }
    }
}

/// The tokens of `text[start..end]` ([`tokens`]), read off the shared token stream of `text`
/// when the caller has it ([`tokens_from_stream`]).
pub(crate) fn tokens_of(
    text: &str,
    stream: Option<&[crate::tokens::Token]>,
    (start, end): (usize, usize),
    out: &mut Vec<Tok>,
) {
    match stream {
        Some(st) => tokens_from_stream(text, st, (start, end), out),
        None => tokens(text, start, end, out),
    }
}

/// [`tokens`] read off the shared token stream: `stream` holds the tokens of the whole text
/// (`crate::tokens::Tokens::toks`); the same tokens for `text[start..end]`.
///
/// Why it is the same: both tokenisers skip exactly the `char::is_whitespace` characters, and
/// the stream cuts the rest into maximal runs of alphabetic characters (`Word`), maximal runs of
/// ASCII digits (`Num`) and single other characters (`Punct`). Clipped to `start..end` (a
/// sentence cut may fall inside a run; both bounds are character boundaries) they are the
/// maximal runs of the range. A response word is a chain of letters and digits (`Word`, `Num`,
/// or a `Punct` that `is_alphanumeric`, such as "²") with inner joiners: `-`, `'`, `’`, `.`,
/// `&` directly followed by a letter or digit, a comma between ASCII digits (`Num` before and
/// after it). Everything else is one punctuation token per character.
pub(crate) fn tokens_from_stream(
    text: &str,
    stream: &[crate::tokens::Token],
    (start, end): (usize, usize),
    out: &mut Vec<Tok>,
) {
    use crate::tokens::Kind;
    out.clear();
    let first = stream.partition_point(|t| t.end <= start);
    let rest = stream.get(first..).unwrap_or(&[]);
    let toks = &rest[..rest.partition_point(|t| t.start < end)];
    work(toks.len() + 1);
    // At most one token per stream token: one allocation at most, not a doubling series.
    out.reserve(toks.len());
    // The part of stream token `t` inside the range.
    let clip = |t: &crate::tokens::Token| (t.start.max(start), t.end.min(end));
    let mut i = 0usize;
    while let Some(t) = toks.get(i) {
        let (s, mut e) = clip(t);
        i += 1;
        if !stream_alnum(t) {
            out.push(Tok {
                s,
                e,
                word: false,
                cap: false,
            });
            continue;
        }
        // The last piece read is a `Num`: its last character is an ASCII digit.
        let mut num = t.kind == Kind::Num;
        while let Some(n) = toks.get(i) {
            if n.start != e {
                break;
            }
            if stream_alnum(n) {
                num = n.kind == Kind::Num;
                e = clip(n).1;
                i += 1;
                continue;
            }
            let Kind::Punct(c) = n.kind else {
                break;
            };
            let joined = joins(c, num, n.end, toks.get(i + 1));
            if !joined {
                break;
            }
            // The joiner; the piece after it is read by the next turn.
            e = n.end;
            i += 1;
        }
        let cap = match text.as_bytes().get(s) {
            Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
            _ => text
                .get(s..)
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_uppercase),
        };
        out.push(Tok {
            s,
            e,
            word: true,
            cap,
        });
    }
}

/// True when stream token `t` is a piece of a response word: letters, digits, or an
/// alphanumeric punctuation character such as "²" ([`tokens_from_stream`]).
#[inline]
pub(crate) fn stream_alnum(t: &crate::tokens::Token) -> bool {
    use crate::tokens::Kind;
    match t.kind {
        Kind::Word | Kind::Num => true,
        Kind::Punct(c) => punct_alnum(c),
    }
}

/// `c.is_alphanumeric()` without the Unicode tables for ASCII and for the General Punctuation
/// block (U+2000 to U+206F: dashes, curly quotes, the ellipsis, bullets), where no character is
/// a letter or a digit (a test asks every character of the block). The curly quotes and dashes
/// of news texts made most of the table lookups of [`tokens_from_stream`].
#[inline]
pub(crate) fn punct_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if matches!(c, '\u{2000}'..='\u{206F}') {
        false
    } else {
        c.is_alphanumeric()
    }
}

/// True when the punctuation character `c` of a stream token ending at byte `end`, right after
/// a piece of a response word (`num`: that piece is a number), joins it with `after`, the next
/// stream token of the range read ([`tokens_from_stream`]).
#[inline]
pub(crate) fn joins(c: char, num: bool, end: usize, after: Option<&crate::tokens::Token>) -> bool {
    match after {
        Some(a) if a.start == end && stream_alnum(a) => match c {
            ',' => num && a.kind == crate::tokens::Kind::Num,
            '-' | '\'' | '’' | '.' | '&' => true,
            _ => false,
        },
        _ => false,
    }
}

/// The character starting at byte `i` of `s` (a character boundary), `None` at the end.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    let b = *s.as_bytes().get(i)?;
    if b < 0x80 {
        Some(char::from(b))
    } else {
        s.get(i..)?.chars().next()
    }
}

/// One place mention of the document, in code points, with its country.
#[derive(Debug, Clone)]
pub(crate) struct PlaceAt<'a> {
    pub name: &'a str,
    pub start: usize,
    pub end: usize,
    pub country: &'a str,
}

/// What the response and quote passes need from the rest of the document.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub idx: std::borrow::Cow<'a, CharIndex>,
    doc: &'a Document,
    /// Built on first use: in most documents with a cue no sentence gets as far as asking
    /// for a place or a date.
    found: std::cell::OnceCell<Found<'a>>,
    /// Built on first use apart from `found`: only "the North" and a body with no country
    /// ask for it.
    main_country: std::cell::OnceCell<Option<&'a str>>,
}

/// The place and date annotations of the document, in the order [`Ctx`] searches them.
struct Found<'a> {
    /// Place mentions sorted by start.
    places: Vec<PlaceAt<'a>>,
    /// Resolved dates: (start, end, value), sorted by start.
    dates: Vec<(usize, usize, &'a str)>,
}

/// `a == b` for two country codes (two bytes each), byte by byte: comparing with `==` called
/// `memcmp` for every pair, 120,000 times on the DON texts.
#[inline]
fn same_code(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

impl<'a> Found<'a> {
    fn of(doc: &'a Document) -> Found<'a> {
        // Sized once: a document names hundreds of places in long reports.
        let mentions: usize = doc
            .places
            .iter()
            .filter(|p| p.country.is_some())
            .map(|p| p.mentions.len())
            .sum();
        let mut places = Vec::with_capacity(mentions);
        for p in &doc.places {
            let Some(c) = p.country.as_deref() else {
                continue;
            };
            places.extend(p.mentions.iter().map(|m| PlaceAt {
                name: &p.name,
                start: m.start,
                end: m.end,
                country: c,
            }));
        }
        places.sort_by_key(|p| p.start);
        let mut dates: Vec<(usize, usize, &str)> = doc
            .dates
            .iter()
            .filter_map(|d| Some((d.start, d.end, d.value.as_deref()?)))
            .collect();
        dates.sort_by_key(|d| d.0);
        Found { places, dates }
    }
}

/// The country `doc` mentions most (the first of those tied), for "the North", "the Ministry
/// of Health".
fn main_country_of(doc: &Document) -> Option<&str> {
    let mut best: Option<(&str, usize)> = None;
    let mut per_country: Vec<(&str, usize)> = Vec::new();
    for p in &doc.places {
        let Some(c) = p.country.as_deref() else {
            continue;
        };
        match per_country.iter_mut().find(|(k, _)| same_code(k, c)) {
            Some(e) => e.1 += p.mentions.len(),
            None => per_country.push((c, p.mentions.len())),
        }
    }
    for &(c, n) in &per_country {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((c, n));
        }
    }
    best.map(|(c, _)| c)
}

impl<'a> Ctx<'a> {
    /// Builds the context of `doc` from its place and date annotations.
    pub fn new(doc: &'a Document) -> Ctx<'a> {
        Self::with_index(doc, std::borrow::Cow::Owned(CharIndex::new(&doc.text)))
    }

    /// [`Ctx::new`] with the code-point index of `doc.text` already built.
    pub fn with_index(doc: &'a Document, idx: std::borrow::Cow<'a, CharIndex>) -> Ctx<'a> {
        Ctx {
            text: &doc.text,
            idx,
            doc,
            found: std::cell::OnceCell::new(),
            main_country: std::cell::OnceCell::new(),
        }
    }

    fn found(&self) -> &Found<'a> {
        self.found.get_or_init(|| Found::of(self.doc))
    }

    /// Place mentions (with a country) sorted by start.
    pub fn places(&self) -> &[PlaceAt<'a>] {
        &self.found().places
    }

    /// Resolved dates: (start, end, value), sorted by start.
    pub fn dates(&self) -> &[(usize, usize, &'a str)] {
        &self.found().dates
    }

    /// The country the document mentions most, for "the North", "the Ministry of Health".
    pub fn main_country(&self) -> Option<&str> {
        *self.main_country.get_or_init(|| main_country_of(self.doc))
    }

    /// Code-point offset of byte `b`.
    pub fn cp(&self, b: usize) -> usize {
        self.idx.char_offset(b)
    }

    /// The text of token `t`.
    pub fn t(&self, t: &Tok) -> &'a str {
        work(1);
        &self.text[t.s..t.e]
    }

    /// A span for bytes `s..e`.
    pub fn span(&self, s: usize, e: usize) -> Span {
        Span {
            start: self.cp(s),
            end: self.cp(e),
            text: self.text[s..e].to_string(),
        }
    }

    /// A span of the sentence `s..e` without its surrounding white space.
    pub fn trimmed_span(&self, s: usize, e: usize) -> Span {
        let sub = &self.text[s..e];
        let lead = sub.len() - sub.trim_start().len();
        let trail = sub.len() - sub.trim_end().len();
        self.span(s + lead, e - trail)
    }

    /// The place mention starting at byte `b`, if any.
    pub fn place_at(&self, b: usize) -> Option<&PlaceAt<'a>> {
        let cp = self.cp(b);
        let places = self.places();
        let i = places.partition_point(|p| p.start < cp);
        places.get(i).filter(|p| p.start == cp)
    }

    /// The first resolved date inside bytes `s..e`.
    pub fn date_in(&self, s: usize, e: usize) -> Option<String> {
        let (cs, ce) = (self.cp(s), self.cp(e));
        let dates = self.dates();
        let i = dates.partition_point(|d| d.0 < cs);
        dates.get(i).filter(|d| d.1 <= ce).map(|d| d.2.to_string())
    }

    /// A party for bytes `s..e` with identifier `id`.
    pub fn party(
        &self,
        s: usize,
        e: usize,
        id: &str,
        kind: &'static str,
        country: Option<&str>,
    ) -> Party {
        let span = self.span(s, e);
        Party {
            id: id.to_string(),
            kind: kind.into(),
            country: country.map(str::to_string),
            start: span.start,
            end: span.end,
            text: span.text,
        }
    }
}

/// Calls `f` with `w` in lower case, without allocating for short ASCII words.
pub(crate) fn lower<R>(w: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 48];
    if w.is_ascii() && w.len() <= buf.len() {
        let out = &mut buf[..w.len()];
        out.copy_from_slice(w.as_bytes());
        out.make_ascii_lowercase();
        // ASCII bytes stay valid UTF-8.
        match std::str::from_utf8(out) {
            Ok(s) => f(s),
            Err(_) => f(&w.to_lowercase()),
        }
    } else {
        f(&w.to_lowercase())
    }
}

/// A set of lower-case words, looked up ignoring case (bytes, FNV-style hashing: the sets are
/// small and fixed, the lookups many).
///
/// Most words of a text are in no set: tables of the (first byte, length) and (last byte,
/// length) shapes of the set's words reject them before any hashing.
#[derive(Debug)]
pub(crate) struct WordSet {
    words: std::collections::HashSet<Box<[u8]>, BuildFnv>,
    /// For each first byte, one bit per length of the words starting with it (bit 63: 63 bytes
    /// or more).
    shapes: Box<[u64; 256]>,
    /// For each last byte, one bit per length of the words ending with it.
    ends: Box<[u64; 256]>,
}

impl Default for WordSet {
    fn default() -> Self {
        WordSet {
            words: std::collections::HashSet::default(),
            shapes: Box::new([0; 256]),
            ends: Box::new([0; 256]),
        }
    }
}

/// The bit of a word's length in [`WordSet::shapes`].
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

/// FNV-1a, for short keys.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Builds [`Fnv`] hashers.
pub(crate) type BuildFnv = std::hash::BuildHasherDefault<Fnv>;

impl WordSet {
    /// The set of `words` (lower-cased).
    pub(crate) fn new<'w>(words: impl IntoIterator<Item = &'w str>) -> WordSet {
        let mut set = WordSet::default();
        for w in words {
            set.insert(w);
        }
        set
    }

    /// True when `w`, lower-cased, is in the set. The shape test of an ASCII word is inlined
    /// at the caller: most words are turned away by it.
    #[inline]
    pub(crate) fn contains(&self, w: &str) -> bool {
        let b = w.as_bytes();
        if b.len() <= 48 && b.is_ascii() {
            let first = b.first().map_or(0, u8::to_ascii_lowercase);
            let last = b.last().map_or(0, u8::to_ascii_lowercase);
            let bit = length_bit(b.len());
            if self.shapes[usize::from(first)] & bit == 0 || self.ends[usize::from(last)] & bit == 0
            {
                return false;
            }
        }
        self.contains_slow(w)
    }

    /// [`WordSet::contains`] in full.
    #[inline(never)]
    fn contains_slow(&self, w: &str) -> bool {
        let mut buf = [0u8; 48];
        if w.is_ascii() && w.len() <= buf.len() {
            // An ASCII word keeps its length and its first and last bytes' places when
            // lower-cased.
            let first = w.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
            let last = w.as_bytes().last().map_or(0, u8::to_ascii_lowercase);
            let bit = length_bit(w.len());
            if self.shapes[usize::from(first)] & bit == 0 || self.ends[usize::from(last)] & bit == 0
            {
                return false;
            }
            let out = &mut buf[..w.len()];
            out.copy_from_slice(w.as_bytes());
            out.make_ascii_lowercase();
            self.words.contains(&*out)
        } else {
            self.words.contains(w.to_lowercase().as_bytes())
        }
    }

    /// Adds `w` (lower-cased).
    pub(crate) fn insert(&mut self, w: &str) {
        let lower = w.to_lowercase().into_bytes().into_boxed_slice();
        let first = lower.first().copied().unwrap_or(0);
        let last = lower.last().copied().unwrap_or(0);
        self.shapes[usize::from(first)] |= length_bit(lower.len());
        self.ends[usize::from(last)] |= length_bit(lower.len());
        self.words.insert(lower);
    }
}

/// Lower-case ASCII equality of a token text with a word.
pub(crate) fn is(t: &str, w: &str) -> bool {
    t.eq_ignore_ascii_case(w)
}

/// `is_any(w, LIST)` as one lookup in a set built once, for a `LIST` of ASCII words (the
/// tests check that every list it is given is ASCII): an ASCII word is looked up lower-cased
/// and no other word can equal an ASCII word ignoring ASCII case.
macro_rules! in_ascii_list {
    ($w:expr, $list:expr) => {{
        static SET: std::sync::OnceLock<$crate::response::text::WordSet> =
            std::sync::OnceLock::new();
        let w: &str = $w;
        w.is_ascii()
            && SET
                .get_or_init(|| $crate::response::text::WordSet::new($list.iter().copied()))
                .contains(w)
    }};
}
pub(crate) use in_ascii_list;

/// True when `t` is one of `ws` (ASCII case-insensitive).
pub(crate) fn is_any(t: &str, ws: &[&str]) -> bool {
    ws.iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// Words that mark a report as uncertain.
pub(crate) const HEDGES: &[&str] = &[
    "reportedly",
    "allegedly",
    "seem",
    "seems",
    "seemed",
    "appear",
    "appears",
    "appeared",
    "possible",
    "possibly",
    "may",
    "might",
    "could",
    "unclear",
    "reports",
    "rumoured",
    "rumored",
    "purportedly",
    "unconfirmed",
];

/// [`hedged`] reading the [`HEDGES`] and "reports" from the tokens' [`WordInfo`] bits
/// (`infos`, one per token).
pub(crate) fn hedged_in(ctx: &Ctx<'_>, toks: &[Tok], infos: &[WordInfo]) -> bool {
    use super::lexicon::{HEDGE, REPORTS};
    infos.iter().enumerate().any(|(i, info)| {
        if info.bits & REPORTS != 0 {
            // "reports said", "according to reports", not the verb ("WHO reports").
            return toks
                .get(i + 1)
                .is_some_and(|n| is_any(ctx.t(n), &["said", "say", "suggest", "suggested"]))
                || i > 0 && is_any(ctx.t(&toks[i - 1]), &["to", "after", "media"]);
        }
        info.bits & HEDGE != 0
    })
}

/// True when the tokens hold a hedge word ("reportedly", "seem to", "reports said"). The
/// reference of [`hedged_in`].
#[cfg(test)]
pub(crate) fn hedged(ctx: &Ctx<'_>, toks: &[Tok]) -> bool {
    toks.iter().enumerate().any(|(i, t)| {
        let w = ctx.t(t);
        if is(w, "reports") {
            // "reports said", "according to reports", not the verb ("WHO reports").
            return toks
                .get(i + 1)
                .is_some_and(|n| is_any(ctx.t(n), &["said", "say", "suggest", "suggested"]))
                || i > 0 && is_any(ctx.t(&toks[i - 1]), &["to", "after", "media"]);
        }
        is_any(w, HEDGES)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn sentences_split_on_periods_not_initials() {
        assert_eq!(
            split("N. Korea said so. Dr. Ryan spoke.\nNext"),
            vec!["N. Korea said so.", " Dr. Ryan spoke.", "\n", "Next"]
        );
        assert_eq!(
            split("He said “it is bad.” Then.")[0],
            "He said “it is bad.”"
        );
    }

    #[test]
    fn long_runs_are_cut() {
        let text = "said ".repeat(2000);
        let s = sentences(&text);
        assert!(s.len() > 3);
        assert!(s.iter().all(|(a, b)| b - a <= MAX_SENTENCE + 10));
    }

    /// The character-iterator tokeniser [`tokens`] replaced, kept as the reference.
    fn tokens_by_chars(text: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
        out.clear();
        let s = &text[start..end];
        let mut it = s.char_indices().peekable();
        while let Some((off, ch)) = it.next() {
            if ch.is_whitespace() {
                continue;
            }
            if ch.is_alphanumeric() {
                let mut e = off + ch.len_utf8();
                let mut last = ch;
                while let Some(&(o2, c2)) = it.peek() {
                    if c2.is_alphanumeric() {
                        e = o2 + c2.len_utf8();
                        last = c2;
                        it.next();
                    } else if matches!(c2, '-' | '\'' | '’' | '.' | '&' | ',') {
                        let next = s[o2 + c2.len_utf8()..].chars().next();
                        let ok = if c2 == ',' {
                            last.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit())
                        } else {
                            next.is_some_and(char::is_alphanumeric)
                        };
                        if ok {
                            last = c2;
                            e = o2 + c2.len_utf8();
                            it.next();
                        } else {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                out.push(Tok {
                    s: start + off,
                    e: start + e,
                    word: true,
                    cap: ch.is_uppercase(),
                });
            } else {
                out.push(Tok {
                    s: start + off,
                    e: start + off + ch.len_utf8(),
                    word: false,
                    cap: false,
                });
            }
        }
    }

    proptest::proptest! {
        /// The byte-offset tokeniser gives the tokens the character-iterator one gave.
        #[test]
        fn tokens_equal_the_character_iterator_tokens(
            text in r"([A-Za-z0-9]|[-'’.&,]|[ \t\n\u{a0}]|é|Ü|ß|“|”|\PC){0,60}"
        ) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            tokens(&text, 0, text.len(), &mut a);
            tokens_by_chars(&text, 0, text.len(), &mut b);
            proptest::prop_assert_eq!(a, b);
        }
    }

    /// The tokens of every sentence of the seeds and DON texts are those of the character
    /// iterator.
    #[test]
    fn tokens_equal_the_character_iterator_tokens_on_the_seed_and_don_texts() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for text in crate::test_util::seed_and_don_texts() {
            for (s, e) in sentences(&text) {
                tokens(&text, s, e, &mut a);
                tokens_by_chars(&text, s, e, &mut b);
                assert_eq!(a, b, "{}", &text[s..e]);
            }
        }
    }

    /// The abbreviation test before its early stop and `matches!`, kept as the reference.
    fn abbreviation_by_list(b: &[u8], start: usize, dot: usize) -> bool {
        let mut k = dot;
        while k > start && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'.') {
            k -= 1;
        }
        let word = &b[k..dot];
        if word.len() == 1 && word[0].is_ascii_uppercase() {
            return true;
        }
        const ABBR: &[&[u8]] = &[
            b"Dr", b"Mr", b"Mrs", b"Ms", b"Prof", b"St", b"Gen", b"Col", b"Lt", b"Sgt", b"Rep",
            b"Sen", b"Gov", b"approx", b"vs", b"etc", b"e.g", b"i.e", b"No", b"Jan", b"Feb",
            b"Mar", b"Apr", b"Jun", b"Jul", b"Aug", b"Sep", b"Sept", b"Oct", b"Nov", b"Dec",
            b"U.S", b"U.K", b"U.N", b"Inc", b"Ltd", b"Co", b"Jr",
        ];
        ABBR.contains(&word)
    }

    proptest::proptest! {
        #[test]
        fn abbreviations_equal_the_list_test(
            t in r"(Dr|Mr|Mrs|Prof|approx|e\.g|U\.S|Jr|Sept|[A-Za-z]{1,3}|[0-9]|[ .]|é){0,8}",
            start in 0usize..4,
        ) {
            let b = t.as_bytes();
            for dot in 0..=b.len() {
                let start = start.min(dot);
                proptest::prop_assert_eq!(
                    abbreviation_before(b, start, dot),
                    abbreviation_by_list(b, start, dot),
                    "{:?} {} {}", t, start, dot
                );
            }
        }
    }

    #[test]
    fn tokens_keep_inner_joiners() {
        let text = "Kim Jong-un's “aid” U.S. MSF-Belgium, 1,000.";
        let mut out = Vec::new();
        tokens(text, 0, text.len(), &mut out);
        let words: Vec<&str> = out.iter().map(|t| &text[t.s..t.e]).collect();
        assert_eq!(
            words,
            vec![
                "Kim",
                "Jong-un's",
                "“",
                "aid",
                "”",
                "U.S",
                ".",
                "MSF-Belgium",
                ",",
                "1,000",
                "."
            ]
        );
    }

    /// A million lines without a period before one at the end: each line used to be scanned
    /// up to that period again (quadratic, minutes); now each byte is read once or twice: the
    /// work counted grows ten times with the input, not a hundred.
    #[test]
    fn many_lines_without_a_period_are_linear() {
        let work = |lines: usize| {
            let text = format!("{}end.", "a\n".repeat(lines));
            let before = super::work_done();
            assert_eq!(sentences(&text).len(), lines + 1);
            super::work_done() - before
        };
        let (small, large) = (work(100_000), work(1_000_000));
        assert!(small >= 100_000, "{small}");
        assert!(large <= 12 * small, "1x: {small}, 10x: {large}: not linear");
    }

    /// `contains` (the shape test inlined) against `contains_slow`, the whole lookup.
    fn sets_agree(w: &str) -> usize {
        let sets = [
            WordSet::new(crate::quote::SPEECH.iter().copied()),
            WordSet::new(HEDGES.iter().copied()),
            WordSet::new(["x", "ok", "\u{e9}t\u{e9}", "a-b", "said"]),
        ];
        let mut hits = 0;
        for set in &sets {
            assert_eq!(set.contains(w), set.contains_slow(w), "{w:?}");
            hits += usize::from(set.contains(w));
        }
        hits
    }

    #[test]
    fn word_set_shape_test_is_the_whole_lookup() {
        let mut toks = Vec::new();
        let mut hits = 0;
        for text in crate::test_util::seed_and_don_texts() {
            tokens(&text, 0, text.len(), &mut toks);
            for t in &toks {
                hits += sets_agree(&text[t.s..t.e]);
            }
        }
        assert!(hits > 1000, "{hits}");
        for w in crate::quote::SPEECH.iter().chain(HEDGES) {
            // The response tests' variants (a superset of the ones written here before), and
            // the word cut by its last byte.
            let cut = w[..w.len() - 1].to_string();
            for v in super::super::tests::variants(w).into_iter().chain([cut]) {
                sets_agree(&v);
            }
        }
        for w in [
            "",
            "\u{c9}T\u{c9}",
            "X",
            "O\u{212a}",
            &"said".repeat(12),
            &"said".repeat(13),
        ] {
            sets_agree(w);
        }
    }

    proptest::proptest! {
        #[test]
        fn word_set_shape_test_is_the_whole_lookup_on_any_word(
            w in r"([a-zA-Z]{0,12}|\PC{0,6}|[a-z]{45,52}|(said|told|ok|x)[\u{212a}\u{130}\u{17f}é]?)",
        ) {
            sets_agree(&w);
        }
    }
}
