//! The token stream every recogniser shares, built once per document.
//!
//! Tokens are words (runs of alphabetic characters), numbers (runs of ASCII digits) and single
//! punctuation characters. Whitespace is not a token; each token records what kind of gap
//! precedes it, which the number scanner needs for "12 344" and the sentence logic for blank
//! lines. Each word token carries a class bitset ([`Token::class`]) found by ONE lookup of its
//! ASCII-lower-cased bytes in a table of the recognisers' word lists (metric, person, scope,
//! status, filler, function, unit, identifier-prefix words, number and date starts, month and
//! weekday names, articles) plus its capitalisation: a recogniser visits the tokens whose bits
//! concern it and compares strings only there. Numbers, punctuation and words past the table's
//! longest carry a kind bit in the same field ([`class::NUM`], [`class::PUNCT`],
//! [`class::LONG`]), so a walk over every token looking for a few kinds tests one mask.
//! [`Tokens`] also holds the ASCII-lower-cased copy of the text (same byte offsets) and one
//! sentence number per token. Building it allocates the token, sentence and lower-case vectors
//! and nothing per token.

use std::sync::LazyLock;

/// A word predicate and the list of its words, from one list: `fn name(w: &str) -> bool` (a
/// `matches!`) and `pub(crate) const LIST: &[&str]`, so the class table of [`Tokens`] and the
/// predicate cannot disagree.
macro_rules! word_set {
    ($(#[$m:meta])* $vis:vis fn $name:ident / $list:ident = [$($w:literal),+ $(,)?]) => {
        #[doc = concat!("Every word [`", stringify!($name), "`] accepts.")]
        pub(crate) const $list: &[&str] = &[$($w),+];
        $(#[$m])*
        $vis fn $name(w: &str) -> bool {
            matches!(w, $($w)|+)
        }
    };
}

/// A word map and the list of its words, from one list: `fn name(w: &str) -> Option<T>` and
/// `pub(crate) const LIST: &[&str]` (see [`word_set`]).
macro_rules! word_map {
    ($(#[$m:meta])* $vis:vis fn $name:ident / $list:ident -> $ret:ty {
        $($($w:literal)|+ => $v:expr),+ $(,)?
    }) => {
        #[doc = concat!("Every word [`", stringify!($name), "`] knows.")]
        pub(crate) const $list: &[&str] = &[$($($w),+),+];
        $(#[$m])*
        $vis fn $name(w: &str) -> Option<$ret> {
            Some(match w {
                $($($w)|+ => $v,)+
                _ => return None,
            })
        }
    };
}

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A run of alphabetic characters.
    Word,
    /// A run of ASCII digits.
    Num,
    /// One other non-whitespace character.
    Punct(char),
}

/// The whitespace before a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Gap {
    /// Directly attached to the previous token (or the start of the text).
    None,
    /// One space-like character: space, no-break space, thin or narrow no-break space.
    Space,
    /// Other whitespace without a line break (several spaces, tabs).
    Wide,
    /// Whitespace with one line break.
    Line,
    /// Whitespace with two or more line breaks (a paragraph break).
    Blank,
}

/// One token: its kind, byte range, preceding gap and class bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub gap: Gap,
    /// For a word, the [`class`] bits of its lower-cased text, [`class::CAP`] and
    /// [`class::LONG`]; [`class::NUM`] for a number, [`class::PUNCT`] for punctuation (and
    /// [`class::NON_ASCII_PUNCT`] for a non-ASCII character).
    pub class: u32,
}

/// The class bits of [`Token::class`]: each bit is one word list's answer for the word, tested
/// once when the text is tokenised (proptests hold each to its predicate).
pub(crate) mod class {
    /// "a", "an", "the".
    pub(crate) const ARTICLE: u32 = 1;
    /// `count::metric_word`.
    pub(crate) const METRIC: u32 = 1 << 1;
    /// `count::person_word`.
    pub(crate) const PERSON: u32 = 1 << 2;
    /// `count::scope_cue`.
    pub(crate) const SCOPE: u32 = 1 << 3;
    /// `count::status_word`.
    pub(crate) const STATUS: u32 = 1 << 4;
    /// `count::filler_word`.
    pub(crate) const FILLER: u32 = 1 << 5;
    /// `count::function_word` (the list and the "-ly" rule).
    pub(crate) const FUNCTION: u32 = 1 << 6;
    /// `count::unit_word`.
    pub(crate) const UNIT: u32 = 1 << 7;
    /// `count::id_prefix`.
    pub(crate) const ID_PREFIX: u32 = 1 << 8;
    /// `count::head_noun`.
    pub(crate) const HEAD: u32 = 1 << 9;
    /// `count::number::starts_number`.
    pub(crate) const NUMBER_START: u32 = 1 << 10;
    /// `date::date_start_word`.
    pub(crate) const DATE_START: u32 = 1 << 11;
    /// `date::month_word`.
    pub(crate) const MONTH: u32 = 1 << 12;
    /// `date::weekday_word`.
    pub(crate) const WEEKDAY: u32 = 1 << 13;
    /// The word starts with an upper-case letter (`char::is_uppercase`).
    pub(crate) const CAP: u32 = 1 << 14;
    /// The first word of a cue of the response prefilter (`response::cue_first_words`).
    pub(crate) const CUE: u32 = 1 << 15;
    /// The word holds a non-ASCII letter.
    pub(crate) const NON_ASCII: u32 = 1 << 16;
    /// A number token. With [`PUNCT`] and [`LONG`], the kind bits: the walks over every
    /// token that look for a few kinds of token ask one bit mask, not the kind and length.
    pub(crate) const NUM: u32 = 1 << 17;
    /// A punctuation token.
    pub(crate) const PUNCT: u32 = 1 << 18;
    /// A word longer than [`super::MAX_WORD`] bytes (in no list of the table).
    pub(crate) const LONG: u32 = 1 << 19;
    /// A punctuation token of a non-ASCII character (with [`PUNCT`]).
    pub(crate) const NON_ASCII_PUNCT: u32 = 1 << 20;
    /// The leading letters of a word that may start an item of the response pass, of a
    /// currency word, or "request" (`response::item_first_words`).
    pub(crate) const RESP_ITEM: u32 = 1 << 22;
    /// The leading letters of a term of the embedded disease lexicon, normalised
    /// (`disease::first_letter_runs`). A high bit, clear of the bits other branches append.
    pub(crate) const DISEASE: u32 = 1 << 24;
    /// `count::scope_aux_word`. A high bit, clear of the ones other branches may take.
    pub(crate) const SCOPE_AUX: u32 = 1 << 27;
}

/// The word lists of the class table and their bits.
fn class_lists() -> [(&'static [&'static str], u32); 14] {
    use crate::count::{self, number};
    use crate::date;
    [
        (&["a", "an", "the"], class::ARTICLE),
        (count::METRIC_WORDS, class::METRIC),
        (count::PERSON_WORDS, class::PERSON),
        (count::SCOPE_WORDS, class::SCOPE),
        (count::STATUS_WORDS, class::STATUS),
        (count::FILLER_WORDS, class::FILLER),
        (count::FUNCTION_WORDS, class::FUNCTION),
        (count::UNIT_WORDS, class::UNIT),
        (count::ID_PREFIX_WORDS, class::ID_PREFIX),
        (count::HEAD_WORDS, class::HEAD),
        (number::NUMBER_START_WORDS, class::NUMBER_START),
        (date::MONTH_WORDS, class::MONTH),
        (date::WEEKDAY_WORDS, class::WEEKDAY),
        (count::SCOPE_AUX_WORDS, class::SCOPE_AUX),
    ]
}

/// The longest listed word, in bytes: longer words are in no list.
pub(crate) const MAX_WORD: usize = 16;

/// Slots of the class table (a power of two, at least four times the listed words; 8,192 since
/// the first words of the disease lexicon joined them).
const TABLE_BITS: u32 = 13;

/// One slot of the class table: a listed word (its bytes packed, at most [`MAX_WORD`]) and its
/// class bits; `len` 0 for an empty slot.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    w0: u64,
    w1: u64,
    len: usize,
    class: u32,
}

/// The class table: open addressing over the packed bytes of the listed words. The packed
/// bytes are the key itself, so a hit is exact (no hash collision can misclass a word).
struct Lexicon {
    slots: Vec<Slot>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::new);

impl Lexicon {
    fn new() -> Self {
        let mut slots = vec![Slot::default(); 1 << TABLE_BITS];
        let date_start: &[&[&str]] = crate::date::DATE_START_LISTS;
        let lists = class_lists();
        let cues = crate::response::cue_first_words();
        let cues: Vec<&str> = cues.iter().map(String::as_str).collect();
        let items = crate::response::item_first_words();
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        let diseases = crate::disease::first_letter_runs(crate::disease::EMBEDDED_LEXICON);
        let diseases: Vec<&str> = diseases.iter().map(String::as_str).collect();
        let all = lists
            .iter()
            .map(|&(l, c)| (l, c))
            .chain(date_start.iter().map(|&l| (l, class::DATE_START)))
            .chain(std::iter::once((cues.as_slice(), class::CUE)))
            .chain(std::iter::once((items.as_slice(), class::RESP_ITEM)))
            .chain(std::iter::once((diseases.as_slice(), class::DISEASE)));
        for (list, bits) in all {
            for w in list {
                let b = w.as_bytes();
                if b.is_empty() || b.len() > MAX_WORD {
                    // Held by a test: no listed word is longer (the response prefilter reads
                    // every sentence if a cue's first word were).
                    continue;
                }
                let (w0, w1) = pack(b, 0, b.len());
                let mut at = slot_of(w0, w1, b.len());
                while let Some(s) = slots.get_mut(at) {
                    if s.len == 0 {
                        *s = Slot {
                            w0,
                            w1,
                            len: b.len(),
                            class: bits,
                        };
                        break;
                    }
                    if s.len == b.len() && s.w0 == w0 && s.w1 == w1 {
                        s.class |= bits;
                        break;
                    }
                    at = (at + 1) & ((1 << TABLE_BITS) - 1);
                }
            }
        }
        Self { slots }
    }

    /// The class bits of the word `low[start..end]` (lower-cased), without [`class::CAP`] and
    /// the "-ly" rule of [`class::FUNCTION`].
    #[inline(always)]
    fn lookup(&self, low: &[u8], start: usize, end: usize) -> u32 {
        let len = end - start;
        if len == 0 || len > MAX_WORD {
            return 0;
        }
        let (w0, w1) = pack(low, start, len);
        self.lookup_packed(w0, w1, len)
    }

    /// The class bits of the word of `len` bytes (1 to [`MAX_WORD`]) packed as [`pack`] does.
    #[inline(always)]
    fn lookup_packed(&self, w0: u64, w1: u64, len: usize) -> u32 {
        let mut at = slot_of(w0, w1, len);
        while let Some(s) = self.slots.get(at) {
            if s.len == 0 {
                return 0;
            }
            if s.w0 == w0 && s.w1 == w1 && s.len == len {
                return s.class;
            }
            at = (at + 1) & ((1 << TABLE_BITS) - 1);
        }
        0
    }
}

/// The `len` (1 to [`MAX_WORD`]) bytes of `b` from `start`, little-endian in two words, the
/// bytes past `len` zero.
#[inline(always)]
fn pack(b: &[u8], start: usize, len: usize) -> (u64, u64) {
    if len <= 8 {
        (load8(b, start) & (u64::MAX >> (64 - 8 * len)), 0)
    } else {
        (
            load8(b, start),
            load8(b, start + 8) & (u64::MAX >> (128 - 8 * len)),
        )
    }
}

/// The eight bytes of `b` from `at`, little-endian, zero past the end of `b`.
#[inline(always)]
fn load8(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 8) {
        Some(c) => c.try_into().map_or(0, u64::from_le_bytes),
        None => {
            let mut a = [0u8; 8];
            for (d, s) in a.iter_mut().zip(b.get(at..).unwrap_or(&[])) {
                *d = *s;
            }
            u64::from_le_bytes(a)
        }
    }
}

/// The first slot to probe for a packed word.
#[inline(always)]
fn slot_of(w0: u64, w1: u64, len: usize) -> usize {
    let h = (w0 ^ w1.rotate_left(29) ^ ((len as u64) << 56)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - TABLE_BITS)) as usize
}

/// The class bits of the word token `start..end` of `src` (`low` its lower-cased copy),
/// `upper` whether its first character is upper-case, `ascii` whether it is all ASCII.
#[inline(always)]
fn class_at(lex: &Lexicon, low: &[u8], start: usize, end: usize, upper: bool, ascii: bool) -> u32 {
    let mut c = lex.lookup(low, start, end);
    if !ascii {
        c |= class::NON_ASCII;
    }
    // `function_word`'s rule: a word of more than four bytes ending in "ly".
    if end - start > 4 && low.get(end - 2..end) == Some(b"ly") {
        c |= class::FUNCTION;
    }
    if upper {
        c |= class::CAP;
    }
    if end - start > MAX_WORD {
        c |= class::LONG;
    }
    c
}

/// The bits the class table holds for the lower-cased word `w` (without the rules for
/// [`class::CAP`], [`class::NON_ASCII`] and the "-ly" words of [`class::FUNCTION`]).
pub(crate) fn listed_class(w: &str) -> u32 {
    LEXICON.lookup(w.as_bytes(), 0, w.len())
}

/// The class bits of the lower-cased word `w` (without [`class::CAP`]; with [`class::LONG`]).
#[cfg(test)]
pub(crate) fn word_class(w: &str) -> u32 {
    class_at(&LEXICON, w.as_bytes(), 0, w.len(), false, w.is_ascii())
}

/// The tokens of one text with their sentences and the lower-cased text.
#[derive(Debug)]
pub(crate) struct Tokens {
    /// The text ASCII-lower-cased (same byte offsets).
    pub low: String,
    /// The tokens in text order.
    pub toks: Vec<Token>,
    /// The sentence number of each token (see [`Tokens::new`]).
    pub sent: Vec<u32>,
}

impl Tokens {
    /// Tokenises `src`. A new sentence starts after '.', '!', '?' or ';' followed by
    /// whitespace, at a paragraph break, and at a line break after a number ("Deaths:
    /// 2\nHospitalizations: 5") or before a capitalised word that does not continue a phrase
    /// (after a token that is neither a word nor a comma).
    ///
    /// The buffers come from this thread's spares when a dropped stream left some: a document's
    /// token vector takes eight bytes per byte of text, and allocating and freeing it (with the
    /// lower-cased copy and the sentence numbers) for every document cost more in `malloc` and
    /// `free` than tokenising a short text.
    pub(crate) fn new(src: &str) -> Self {
        let (mut low, toks, sent) = SPARE
            .try_with(|spare| spare.try_borrow_mut().ok().and_then(|mut s| s.pop()))
            .ok()
            .flatten()
            .unwrap_or_default();
        low.clear();
        low.push_str(src);
        low.make_ascii_lowercase();
        let (toks, sent) = tokenize(src, low.as_bytes(), toks, sent);
        Self { low, toks, sent }
    }
}

/// Buffers of dropped token streams, kept for the next ones of this thread: (lower-cased text,
/// tokens, sentence numbers). A document and its title are tokenised while the other's stream
/// lives, so a few are kept, the most recently dropped taken first.
type Spare = (String, Vec<Token>, Vec<u32>);

thread_local! {
    static SPARE: std::cell::RefCell<Vec<Spare>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// At most this many spare buffer sets per thread.
const SPARES: usize = 4;

/// Buffers of a text longer than this are freed, not kept (the token vector holds eight bytes
/// per byte of text).
const KEEP_BYTES: usize = 256 * 1024;

impl Drop for Tokens {
    fn drop(&mut self) {
        if self.low.capacity() > KEEP_BYTES {
            return;
        }
        let spare = (
            std::mem::take(&mut self.low),
            std::mem::take(&mut self.toks),
            std::mem::take(&mut self.sent),
        );
        // During the thread's exit the spares are gone: the buffers are simply freed.
        let _ = SPARE.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut()
                && s.len() < SPARES
            {
                s.push(spare);
            }
        });
    }
}

/// Splits `src` into tokens and numbers their sentences (the rule of [`Tokens::new`]) in the
/// same pass; `low` is `src` ASCII-lower-cased. `out` and `sent` are emptied and filled (their
/// buffers reused).
///
/// An ASCII word of at most 16 letters is read from eight-byte loads of `low`: the run of
/// letters and the packed key of the class table come from the same loads. One space after a
/// token is read with the token. `tokenize_reference` (the tests) is the byte loop this
/// replaced.
fn tokenize(
    src: &str,
    low: &[u8],
    mut out: Vec<Token>,
    mut sent: Vec<u32>,
) -> (Vec<Token>, Vec<u32>) {
    let lex = &*LEXICON;
    out.clear();
    out.reserve(src.len() / 4 + 4);
    sent.clear();
    sent.reserve(src.len() / 4 + 4);
    let mut split = Split {
        sent,
        s: 0,
        prev_end: false,
        prev: Prev::None,
    };
    let bytes = src.as_bytes();
    let mut i = 0usize;
    let mut gap = Gap::None;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b == b'\n' {
                gap = if gap >= Gap::Line {
                    Gap::Blank
                } else {
                    Gap::Line
                };
                i += 1;
                continue;
            }
            if b == b' ' || b == b'\t' || b == b'\r' || b == 0x0b || b == 0x0c {
                gap = match gap {
                    Gap::None if b == b' ' => Gap::Space,
                    Gap::None | Gap::Space => Gap::Wide,
                    g => g,
                };
                i += 1;
                continue;
            }
            let start = i;
            let (kind, class, prev) = if b.is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                (Kind::Num, class::NUM, Prev::Num)
            } else if b.is_ascii_alphabetic() {
                let (end, class) = ascii_word(src, low, lex, start, b.is_ascii_uppercase());
                i = end;
                (Kind::Word, class, Prev::Join)
            } else {
                i += 1;
                let prev = if b == b',' { Prev::Join } else { Prev::Other };
                (Kind::Punct(b as char), class::PUNCT, prev)
            };
            let t = Token {
                kind,
                start,
                end: i,
                gap,
                class,
            };
            split.push(&t, prev, matches!(b, b'.' | b'!' | b'?' | b';'));
            out.push(t);
            // One space after the token: the gap of the next one, as the loop would read it.
            if bytes.get(i) == Some(&b' ') {
                gap = Gap::Space;
                i += 1;
            } else {
                gap = Gap::None;
            }
            continue;
        }
        // Non-ASCII: decode one character.
        let Some(ch) = src.get(i..).and_then(|s| s.chars().next()) else {
            break;
        };
        let len = ch.len_utf8();
        if ch.is_whitespace() {
            let spacey = matches!(ch, '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{2007}');
            gap = match gap {
                Gap::None if spacey => Gap::Space,
                Gap::None | Gap::Space => {
                    if ch == '\u{2028}' || ch == '\u{2029}' || ch == '\u{85}' {
                        Gap::Line
                    } else {
                        Gap::Wide
                    }
                }
                g => g,
            };
            i += len;
            continue;
        }
        let start = i;
        let (kind, class, prev) = if ch.is_alphabetic() {
            i = word_end(src, i);
            (
                Kind::Word,
                class_at(lex, low, start, i, ch.is_uppercase(), false),
                Prev::Join,
            )
        } else {
            i += len;
            (
                Kind::Punct(ch),
                class::PUNCT | class::NON_ASCII_PUNCT,
                Prev::Other,
            )
        };
        let t = Token {
            kind,
            start,
            end: i,
            gap,
            class,
        };
        split.push(&t, prev, false);
        out.push(t);
        gap = Gap::None;
    }
    (out, split.sent)
}

/// The end and class bits of the word token starting with the ASCII letter at `start` of `src`
/// (`low` its lower-cased copy, `upper` whether that letter is upper-case).
#[inline(always)]
fn ascii_word(src: &str, low: &[u8], lex: &Lexicon, start: usize, upper: bool) -> (usize, u32) {
    let cap = if upper { class::CAP } else { 0 };
    if let Some(c) = low.get(start..).and_then(|s| s.first_chunk::<8>()) {
        let x = u64::from_le_bytes(*c);
        let n = crate::ascii::leading_letters(x);
        // A run that ends inside the chunk at a byte that starts no non-ASCII letter: the word
        // is the run, its key the run's bytes.
        if n < 8 && low.get(start + n).is_some_and(|&e| e < 0x80) {
            let w0 = x & (u64::MAX >> (64 - 8 * n));
            let mut c = lex.lookup_packed(w0, 0, n) | cap;
            // `function_word`'s rule: a word of more than four bytes ending in "ly".
            if n > 4 && (w0 >> (8 * (n - 2))) as u16 == u16::from_le_bytes(*b"ly") {
                c |= class::FUNCTION;
            }
            return (start + n, c);
        }
        // Eight letters: a word of up to 16 ends in the next chunk.
        if n == 8
            && let Some(d) = low.get(start + 8..).and_then(|s| s.first_chunk::<8>())
        {
            let y = u64::from_le_bytes(*d);
            let m = crate::ascii::leading_letters(y);
            let end = start + 8 + m;
            if m < 8 && low.get(end).is_some_and(|&e| e < 0x80) {
                let w1 = if m == 0 {
                    0
                } else {
                    y & (u64::MAX >> (64 - 8 * m))
                };
                let mut c = lex.lookup_packed(x, w1, 8 + m) | cap;
                if low.get(end - 2..end) == Some(b"ly") {
                    c |= class::FUNCTION;
                }
                return (end, c);
            }
        }
    }
    // Near the end of the text, past 16 letters, or joined to a non-ASCII letter.
    let bytes = src.as_bytes();
    let mut i = crate::ascii::letters_end(bytes, start + 1);
    let mut ascii = true;
    if i < bytes.len() && bytes[i] >= 0x80 {
        let e = word_end(src, i);
        ascii = e == i;
        i = e;
    }
    (i, class_at(lex, low, start, i, upper, ascii))
}

/// What the sentence split needs of the previous token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// No token yet.
    None,
    /// A number.
    Num,
    /// A word or a comma (a line break after one continues the phrase).
    Join,
    /// Other punctuation.
    Other,
}

/// The sentence split of [`Tokens::new`], one token at a time.
struct Split {
    sent: Vec<u32>,
    s: u32,
    /// The previous token ends a sentence ('.', '!', '?' or ';').
    prev_end: bool,
    /// The previous token.
    prev: Prev,
}

impl Split {
    /// Numbers the sentence of the next token `t`: `prev` is what it is to the token after
    /// it, `ends` whether it is '.', '!', '?' or ';'.
    #[inline(always)]
    fn push(&mut self, t: &Token, prev: Prev, ends: bool) {
        let new = if t.gap >= Gap::Line {
            // A paragraph break, a line break after a sentence end or a number, or before a
            // capitalised word that does not continue a phrase.
            t.gap == Gap::Blank
                || self.prev_end
                || match self.prev {
                    Prev::Num => true,
                    Prev::Other => t.class & class::CAP != 0,
                    Prev::None | Prev::Join => false,
                }
        } else {
            self.prev_end && t.gap != Gap::None
        };
        if new {
            self.s += 1;
        }
        self.sent.push(self.s);
        self.prev_end = ends;
        self.prev = prev;
    }
}

impl Token {
    /// True for a word with any of the class bits `bits`.
    #[inline]
    pub fn has(&self, bits: u32) -> bool {
        self.class & bits != 0
    }

    /// The token's text.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// True for a word token.
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// True for a digit token.
    pub fn is_num(&self) -> bool {
        self.kind == Kind::Num
    }

    /// True for the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }

    /// True for a dash-like character: hyphen-minus, en dash, em dash, minus, hyphen.
    pub fn is_dash(&self) -> bool {
        matches!(self.kind, Kind::Punct('-' | '–' | '—' | '−' | '‐' | '‑'))
    }
}

/// End of the alphabetic run starting at byte `i`.
fn word_end(src: &str, mut i: usize) -> usize {
    let bytes = src.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            break;
        }
        match src.get(i..).and_then(|s| s.chars().next()) {
            Some(ch) if ch.is_alphabetic() => i += ch.len_utf8(),
            _ => break,
        }
    }
    i
}

/// The lower-cased text of word token `t`, sliced from `low`, the ASCII-lower-cased copy of
/// the source (same byte offsets); empty for non-words.
#[inline]
pub(crate) fn lw<'a>(low: &'a str, t: &Token) -> &'a str {
    if !t.is_word() {
        return "";
    }
    low.get(t.start..t.end).unwrap_or("")
}

/// True when `t` is a word that starts with an upper-case letter.
#[inline]
pub(crate) fn is_capitalised(t: &Token) -> bool {
    t.class & class::CAP != 0
}

#[cfg(test)]
mod tests;
