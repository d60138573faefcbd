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
    /// A word of [`RESP_ITEM`] that starts items only with the word after it
    /// (`response::item_lead_words`).
    pub(crate) const RESP_LEAD: u32 = 1 << 21;
    /// A word of the response pass's word table (`response::table_words`). A high bit, clear
    /// of the ones other branches may take.
    pub(crate) const RESP_WORD: u32 = 1 << 25;
    /// The leading letters of a term of the embedded disease lexicon, normalised
    /// (`disease::first_letter_runs`). A high bit, clear of the bits other branches append.
    pub(crate) const DISEASE: u32 = 1 << 24;
    /// `count::num_prefix_word`: the words before a number the count pass reads.
    pub(crate) const NUM_PREFIX: u32 = 1 << 23;
    /// `count::scope_aux_word`. A high bit, clear of the ones other branches may take.
    pub(crate) const SCOPE_AUX: u32 = 1 << 27;
    /// `quote::SPEECH`, the speech verbs. A high bit, clear of the ones other branches may take.
    pub(crate) const SPEECH: u32 = 1 << 29;
    /// `count::number::scale_after`: the words a digit scan reads after its number ("million",
    /// "hundred"). A high bit, clear of the ones other branches may take.
    pub(crate) const SCALE: u32 = 1 << 26;
    /// A number (with [`NUM`]) that is the leading digits of a term of the embedded disease
    /// lexicon (`disease::first_digit_runs`, at most eight digits: `2019` of `2019-nCoV`).
    pub(crate) const DISEASE_NUM: u32 = 1 << 30;
    /// `count::right_word`: the words `count::Cx::right_metric`'s walk compares literally.
    pub(crate) const RIGHT_WORD: u32 = 1 << 28;
}

/// The word lists of the class table and their bits.
fn class_lists() -> [(&'static [&'static str], u32); 19] {
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
        (count::NUM_PREFIX_WORDS, class::NUM_PREFIX),
        (crate::quote::SPEECH, class::SPEECH),
        (number::SCALE_WORDS, class::SCALE),
        (&["hundred"], class::SCALE),
        (count::RIGHT_WORDS, class::RIGHT_WORD),
    ]
}

/// The longest listed word, in bytes: longer words are in no list.
pub(crate) const MAX_WORD: usize = 16;

/// How many numbers [`class::DISEASE_NUM`] marks at most (the embedded lexicon has one: a
/// test holds it to that).
const DISEASE_NUMS: usize = 2;

/// Slots of the class table (a power of two, at least four times the listed words; 8,192 since
/// the first words of the disease lexicon joined them, 16,384 since tok28: at about an eighth
/// full the word reads probe 0.4 M instructions less over the DON texts).
const TABLE_BITS: u32 = 14;

/// One slot of the class table: a listed word (its bytes packed, at most [`MAX_WORD`]) and its
/// class bits; `w0` 0 for an empty slot (a listed word's first byte is never 0).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    w0: u64,
    w1: u64,
    class: u32,
    len: u8,
}

/// Slot indices are masked with this, so the probes need no bounds check.
const SLOT_MASK: usize = (1 << TABLE_BITS) - 1;

/// The class table: open addressing over the packed bytes of the listed words. The packed
/// bytes are the key itself, so a hit is exact (no hash collision can misclass a word).
struct Lexicon {
    slots: Box<[Slot; 1 << TABLE_BITS]>,
    /// The 64-bit constants of the word read ([`Consts`]).
    k: Consts,
    /// The numbers marked [`class::DISEASE_NUM`], packed as [`pack`] does (at most eight
    /// digits, so the packed bytes fix the length; 0 for none): a fixed array in the table, so
    /// the token loops test a number with no pointer of their own.
    disease_nums: [u64; DISEASE_NUMS],
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::new);

/// The 64-bit constants of the word read of the plain run and [`short_word`], held in the
/// lexicon (written when it is built, so the compiler does not know them): each is read as the
/// memory operand of its one instruction, at a fixed address, instead of a `movabs` into a
/// register first (the loop has no register to keep them in, so it rematerialised four to six
/// of them a word).
#[derive(Debug, Clone, Copy)]
struct Consts {
    /// [`LOWER_BITS`].
    lower: u64,
    /// 0x1f in every byte ([`crate::ascii::first_non_letter`]'s first sum).
    add_1f: u64,
    /// 0x85 in every byte (its second sum).
    add_85: u64,
    /// The high bit of every byte.
    high: u64,
    /// [`HASH_MUL`].
    mul: u64,
}

impl Consts {
    const VALUES: Self = Self {
        lower: LOWER_BITS,
        add_1f: 0x1f1f_1f1f_1f1f_1f1f,
        add_85: 0x8585_8585_8585_8585,
        high: 0x8080_8080_8080_8080,
        mul: HASH_MUL,
    };

    /// [`crate::ascii::first_non_letter`] of `x`, given `low = x | LOWER_BITS`.
    #[inline(always)]
    fn first_non_letter(&self, low: u64) -> u64 {
        crate::ascii::first_non_letter_lower(low, self.add_1f, self.add_85, self.high)
    }
}

impl Lexicon {
    fn new() -> Self {
        let mut slots = Box::new([Slot::default(); 1 << TABLE_BITS]);
        let mut used = 0usize;
        let date_start: &[&[&str]] = crate::date::DATE_START_LISTS;
        let lists = class_lists();
        let cues = crate::response::cue_first_words();
        let cues: Vec<&str> = cues.iter().map(String::as_str).collect();
        let items = crate::response::item_first_words();
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        let resp_words = crate::response::table_words();
        let leads = crate::response::item_lead_words();
        let leads: Vec<&str> = leads.iter().map(String::as_str).collect();
        let diseases = crate::disease::first_letter_runs(crate::disease::EMBEDDED_LEXICON);
        let diseases: Vec<&str> = diseases.iter().map(String::as_str).collect();
        let all = lists
            .iter()
            .map(|&(l, c)| (l, c))
            .chain(date_start.iter().map(|&l| (l, class::DATE_START)))
            .chain(std::iter::once((cues.as_slice(), class::CUE)))
            .chain(std::iter::once((items.as_slice(), class::RESP_ITEM)))
            .chain(std::iter::once((leads.as_slice(), class::RESP_LEAD)))
            .chain(std::iter::once((resp_words.as_slice(), class::RESP_WORD)))
            .chain(std::iter::once((diseases.as_slice(), class::DISEASE)));
        for (list, bits) in all {
            for w in list {
                let b = w.as_bytes();
                // Held by a test: no listed word is longer, none holds a 0 byte (the empty
                // mark), and the table stays at most a quarter full. Past half full a word is
                // left out rather than risk a table without an empty slot (probes end there).
                if b.is_empty() || b.len() > MAX_WORD || b.contains(&0) || 2 * used >= SLOT_MASK {
                    continue;
                }
                let (w0, w1) = pack(b, 0, b.len());
                let mut at = slot_of(w0, w1);
                loop {
                    let s = &mut slots[at & SLOT_MASK];
                    if s.w0 == 0 {
                        *s = Slot {
                            w0,
                            w1,
                            class: bits,
                            len: b.len() as u8,
                        };
                        used += 1;
                        break;
                    }
                    if s.w0 == w0 && s.w1 == w1 {
                        s.class |= bits;
                        break;
                    }
                    at += 1;
                }
            }
        }
        let mut disease_nums = [0; DISEASE_NUMS];
        let runs = crate::disease::first_digit_runs(crate::disease::EMBEDDED_LEXICON);
        let short = runs.iter().filter(|d| (1..=8).contains(&d.len()));
        for (slot, d) in disease_nums.iter_mut().zip(short) {
            *slot = pack(d.as_bytes(), 0, d.len()).0;
        }
        Self {
            slots,
            // Copied from a value the optimiser cannot see through: the constants must stay
            // in memory (a `const` would be folded into `movabs` again).
            k: std::hint::black_box(Consts::VALUES),
            disease_nums,
        }
    }

    /// The class bits of a number token of `len` digits, `x` the eight bytes from its start
    /// (little-endian; any bytes past the number): [`class::NUM`], with
    /// [`class::DISEASE_NUM`] for the listed ones.
    #[inline(always)]
    fn num_class(&self, x: u64, len: usize) -> u32 {
        let listed = (1..=8).contains(&len) && {
            let key = x & (u64::MAX >> (64 - 8 * len));
            self.disease_nums.contains(&key)
        };
        if listed {
            class::NUM | class::DISEASE_NUM
        } else {
            class::NUM
        }
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
        let mut at = slot_of(w0, w1);
        loop {
            let s = &self.slots[at & SLOT_MASK];
            // A word holding 0 bytes packs like a shorter one: the length tells them apart.
            if s.w0 == w0 && s.w1 == w1 && usize::from(s.len) == len {
                return s.class;
            }
            if s.w0 == 0 {
                return 0;
            }
            at += 1;
        }
    }

    /// The class bits of a word of 1 to 7 bytes, none of them 0, packed as [`pack`] does (its
    /// second word 0, not compared): a listed word of eight bytes or more has no 0 byte in its
    /// first word, so only a word of the same bytes can match the first.
    #[inline(always)]
    fn lookup_short(&self, w0: u64) -> u32 {
        let mut at = slot_of_with(w0, 0, self.k.mul);
        loop {
            let s = &self.slots[at & SLOT_MASK];
            if s.w0 == w0 {
                return s.class;
            }
            if s.w0 == 0 {
                return 0;
            }
            at += 1;
        }
    }

    /// The class bits of a word of 1 to [`MAX_WORD`] bytes, none of them 0, packed as [`pack`]
    /// does: the packed bytes then fix the length, which is not compared.
    #[inline(always)]
    fn lookup_packed(&self, w0: u64, w1: u64) -> u32 {
        let mut at = slot_of_with(w0, w1, self.k.mul);
        loop {
            let s = &self.slots[at & SLOT_MASK];
            if s.w0 == w0 && s.w1 == w1 {
                return s.class;
            }
            if s.w0 == 0 {
                return 0;
            }
            at += 1;
        }
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

/// The eight bytes of `b` from `at`, little-endian, when there are eight.
#[inline(always)]
fn chunk8(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..)
        .and_then(<[u8]>::first_chunk::<8>)
        .map(|c| u64::from_le_bytes(*c))
}

/// The first slot to probe for a packed word (unmasked: the probes mask it).
#[inline(always)]
fn slot_of(w0: u64, w1: u64) -> usize {
    slot_of_with(w0, w1, HASH_MUL)
}

/// The multiplier of the class table's hash.
const HASH_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// [`slot_of`] with the multiplier `mul` ([`HASH_MUL`], read from [`Consts`] by the word read).
#[inline(always)]
fn slot_of_with(w0: u64, w1: u64, mul: u64) -> usize {
    let h = (w0 ^ w1.rotate_left(29)).wrapping_mul(mul);
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

/// The class bits the token stream gives the number `digits` (ASCII digits).
pub(crate) fn number_class(digits: &[u8]) -> u32 {
    LEXICON.num_class(load8(digits, 0), digits.len())
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
    /// The indices of the tokens that start a sentence (a buffer of [`tokenize`]).
    breaks: Vec<usize>,
    /// The byte offsets of every '.', '!', '?' and '\n' of the text, in order: the candidate
    /// sentence ends of `sentence::split_both`, noted by the token loop, which visits each of
    /// these bytes, so that the split need not search the text for them again.
    pub ends: Vec<usize>,
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
        let (mut low, toks, sent, breaks, ends) = SPARE
            .try_with(|spare| spare.try_borrow_mut().ok().and_then(|mut s| s.pop()))
            .ok()
            .flatten()
            .unwrap_or_default();
        low.clear();
        low.push_str(src);
        low.make_ascii_lowercase();
        let (toks, sent, breaks, ends) = tokenize(src, low.as_bytes(), (toks, sent, breaks, ends));
        Self {
            low,
            toks,
            sent,
            breaks,
            ends,
        }
    }
}

/// Buffers of dropped token streams, kept for the next ones of this thread: (lower-cased text,
/// tokens, sentence numbers, sentence starts, candidate sentence ends). A document and its
/// title are tokenised while the other's stream lives, so a few are kept, the most recently
/// dropped taken first.
type Spare = (String, Vec<Token>, Vec<u32>, Vec<usize>, Vec<usize>);

/// The buffers [`tokenize`] fills: tokens, sentence numbers, sentence starts, candidate
/// sentence ends ([`Tokens::ends`]).
type Bufs = (Vec<Token>, Vec<u32>, Vec<usize>, Vec<usize>);

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
            std::mem::take(&mut self.breaks),
            std::mem::take(&mut self.ends),
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

/// What an ASCII byte is to the tokeniser, from one table lookup ([`BYTE_KIND`]): the loop
/// dispatches on it instead of testing the byte against each kind in turn.
mod byte {
    /// A byte of a non-ASCII character.
    pub(super) const NON_ASCII: u8 = 0;
    /// '\n'.
    pub(super) const LINE: u8 = 1;
    /// ' '.
    pub(super) const SPACE: u8 = 2;
    /// Other whitespace without a line break: '\t', '\r', vertical tab, form feed.
    pub(super) const WIDE: u8 = 3;
    /// '.', '!', '?' or ';': punctuation that ends a sentence before whitespace.
    pub(super) const END: u8 = 4;
    /// ','.
    pub(super) const COMMA: u8 = 5;
    /// Any other ASCII byte: one punctuation token.
    pub(super) const PUNCT: u8 = 6;
    /// An ASCII digit.
    pub(super) const DIGIT: u8 = 7;
    /// An upper-case ASCII letter.
    pub(super) const UPPER: u8 = 8;
    /// A lower-case ASCII letter.
    pub(super) const LOWER: u8 = 9;
}

/// The [`byte`] kind of every byte value.
static BYTE_KIND: [u8; 256] = byte_kinds();

const fn byte_kinds() -> [u8; 256] {
    let mut t = [byte::NON_ASCII; 256];
    let mut b = 0usize;
    while b < 0x80 {
        let c = b as u8;
        t[b] = match c {
            b'\n' => byte::LINE,
            b' ' => byte::SPACE,
            b'\t' | b'\r' | 0x0b | 0x0c => byte::WIDE,
            b'.' | b'!' | b'?' | b';' => byte::END,
            b',' => byte::COMMA,
            b'0'..=b'9' => byte::DIGIT,
            b'A'..=b'Z' => byte::UPPER,
            b'a'..=b'z' => byte::LOWER,
            _ => byte::PUNCT,
        };
        b += 1;
    }
    t
}

/// What the sentence split needs of the previous token.
mod prev {
    /// No token yet.
    pub(super) const NONE: u8 = 0;
    /// A word or a comma (a line break after one continues the phrase).
    pub(super) const JOIN: u8 = 1;
    /// A number.
    pub(super) const NUM: u8 = 2;
    /// Punctuation other than a comma that does not end a sentence.
    pub(super) const OTHER: u8 = 3;
    /// '.', '!', '?' or ';'.
    pub(super) const END: u8 = 4;
    /// The last token of a plain run ([`super::plain_run`]): a word, a number or punctuation
    /// other than '.', '!', '?' and ';' (so not [`END`]), its kind read from the stream only
    /// where a line break asks it ([`super::starts_sentence`]).
    pub(super) const RUN: u8 = 5;
}

/// Splits `src` into tokens and numbers their sentences (the rule of [`Tokens::new`]) in the
/// same pass; `low` is `src` ASCII-lower-cased. The buffers `(out, sent, breaks, ends)` are
/// emptied and filled (reused); `breaks` gets the indices of the tokens that start a
/// sentence, `ends` the offsets of the bytes '.', '!', '?' and '\n' ([`Tokens::ends`]): all
/// of them are read by this loop, never by [`plain_run`] or a word or number.
///
/// An ASCII word of at most 16 letters is read from eight-byte loads of `src`: the run of
/// letters and the packed key of the class table (lower-cased in the register) come from the
/// same loads. One space after a token is read with the token. The loop notes only where a
/// sentence starts (one token in 25); the numbers are filled in after it.
/// `tokenize_reference` (the tests) is the byte loop this replaced.
fn tokenize(src: &str, low: &[u8], bufs: Bufs) -> Bufs {
    let (mut out, mut sent, mut breaks, mut ends) = bufs;
    let lex = &*LEXICON;
    out.clear();
    out.reserve(src.len() / 4 + 4);
    breaks.clear();
    ends.clear();
    let bytes = src.as_bytes();
    let mut i = 0usize;
    let mut gap = Gap::None;
    let mut last = prev::NONE;
    while let Some(&b) = bytes.get(i) {
        let k = BYTE_KIND[usize::from(b)];
        let start = i;
        let (kind, class, next);
        // Whether a space follows the token, when its word read knows it.
        let mut space = None;
        if k >= byte::UPPER {
            let (end, c, sp) = ascii_word(src, low, lex, start, load8(bytes, start));
            i = end;
            (kind, class, next, space) = (Kind::Word, c, prev::JOIN, Some(sp));
        } else if k == byte::DIGIT {
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let c = lex.num_class(load8(bytes, start), i - start);
            (kind, class, next) = (Kind::Num, c, prev::NUM);
        } else if k >= byte::END {
            i += 1;
            next = match k {
                byte::END => {
                    if b != b';' {
                        ends.push(start);
                    }
                    prev::END
                }
                byte::COMMA => prev::JOIN,
                _ => prev::OTHER,
            };
            (kind, class) = (Kind::Punct(char::from(b)), class::PUNCT);
        } else if k == byte::NON_ASCII {
            // Decode one character.
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
            if ch.is_alphabetic() {
                i = word_end(src, i);
                let c = class_at(lex, low, start, i, ch.is_uppercase(), false);
                (kind, class, next) = (Kind::Word, c, prev::JOIN);
            } else {
                i += len;
                let c = class::PUNCT | class::NON_ASCII_PUNCT;
                (kind, class, next) = (Kind::Punct(ch), c, prev::OTHER);
            }
        } else {
            i += 1;
            gap = if k == byte::LINE {
                ends.push(start);
                if gap >= Gap::Line {
                    Gap::Blank
                } else {
                    Gap::Line
                }
            } else {
                match gap {
                    Gap::None if k == byte::SPACE => Gap::Space,
                    Gap::None | Gap::Space => Gap::Wide,
                    g => g,
                }
            };
            continue;
        }
        if gap != Gap::None && starts_sentence(gap, last, class, &out) {
            breaks.push(out.len());
        }
        last = next;
        (i, gap) = push_then_space(
            &mut out,
            bytes,
            space,
            Token {
                kind,
                start,
                end: i,
                gap,
                class,
            },
        );
        if next != prev::END {
            let run = plain_run(bytes, lex, &mut out, i, gap);
            if run.0 != i {
                (i, gap) = run;
                last = prev::RUN;
            }
        }
    }
    fill_sentences(&mut sent, &breaks, out.len());
    (out, sent, breaks, ends)
}

/// How many sentence numbers [`fill_sentences`] writes at a time.
const FILL: usize = 16;

/// Fills `sent` (emptied) with the sentence number of each of `n` tokens, `breaks` the
/// increasing indices (below `n`) of the tokens that start a sentence: 0 up to the first,
/// then one more at each. A sentence is written [`FILL`] numbers at a time, past its end and
/// into the next sentence's place (which writes over them), then cut at its end: about one
/// write of a fixed block per 16 tokens instead of a `resize` (its setup and a loop of single
/// stores for its last few) per sentence.
#[inline(always)]
// The counter is the sentence number, written as a block: the loop measured (tok32) as it is.
#[allow(clippy::explicit_counter_loop)]
fn fill_sentences(sent: &mut Vec<u32>, breaks: &[usize], n: usize) {
    sent.clear();
    sent.reserve(n + FILL);
    let mut s = 0u32;
    for &b in breaks.iter().chain(std::iter::once(&n)) {
        while sent.len() < b {
            sent.extend_from_slice(&[s; FILL]);
        }
        sent.truncate(b);
        s += 1;
    }
}

/// The ASCII words, numbers and punctuation other than '.', '!', '?' and ';' from byte `i` of
/// `src` (`gap` before it), each with at most one space before it, pushed to `out` while
/// they last: the next index and gap. A loop of its own, with few values live, for the common
/// case: after a token that ends no sentence (the caller's to check) none of these starts one.
/// It calls nothing (so its values stay in registers): it hands back at a word that
/// [`short_word`] does not read, within eight bytes of the end of the text, and when `out` is
/// full; the caller's loop reads what is there.
#[inline(always)]
fn plain_run(
    bytes: &[u8],
    lex: &Lexicon,
    out: &mut Vec<Token>,
    mut i: usize,
    mut gap: Gap,
) -> (usize, Gap) {
    // The last index with eight bytes from it: one compare a token (the load's own test of
    // the length is then known to pass).
    let Some(last8) = bytes.len().checked_sub(8) else {
        return (i, gap);
    };
    while i <= last8
        && out.len() < out.capacity()
        && let Some(x) = chunk8(bytes, i)
    {
        let start = i;
        let b = x as u8;
        let (kind, class, space);
        let low = x | lex.k.lower;
        let z = lex.k.first_non_letter(low);
        if z & 0x80 == 0 {
            let Some((end, c, sp)) = short_word(bytes, lex, start, x, low, z) else {
                break;
            };
            i = end;
            (kind, class, space) = (Kind::Word, c, Some(sp));
        } else if b.is_ascii_digit() {
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            (kind, class, space) = (Kind::Num, lex.num_class(x, i - start), None);
        } else if matches!(BYTE_KIND[usize::from(b)], byte::COMMA | byte::PUNCT) {
            i += 1;
            (kind, class, space) = (Kind::Punct(char::from(b)), class::PUNCT, None);
        } else {
            break;
        }
        (i, gap) = push_then_space(
            out,
            bytes,
            space,
            Token {
                kind,
                start,
                end: i,
                gap,
                class,
            },
        );
    }
    (i, gap)
}

/// Pushes `t` and reads the one space after it (the gap of the next token, as the loop would
/// read it): the next token's index and gap. `space` is whether a space follows `t` when the
/// caller knows it (else it is read from `bytes`).
#[inline(always)]
fn push_then_space(
    out: &mut Vec<Token>,
    bytes: &[u8],
    space: Option<bool>,
    t: Token,
) -> (usize, Gap) {
    let end = t.end;
    out.push(t);
    if space.unwrap_or_else(|| bytes.get(end) == Some(&b' ')) {
        (end + 1, Gap::Space)
    } else {
        (end, Gap::None)
    }
}

/// The [`prev`] kind of token `t`.
fn prev_of(t: &Token) -> u8 {
    match t.kind {
        Kind::Word | Kind::Punct(',') => prev::JOIN,
        Kind::Num => prev::NUM,
        Kind::Punct('.' | '!' | '?' | ';') => prev::END,
        Kind::Punct(_) => prev::OTHER,
    }
}

/// Whether a token of class bits `class` after whitespace `gap` (not [`Gap::None`]) starts a
/// sentence, `last` the [`prev`] kind of the token before it (for [`prev::RUN`], that of the
/// last token of `out`): after '.', '!', '?' or ';', at a paragraph break, and at a line break
/// after a number or before a capitalised word that does not continue a phrase.
#[inline(always)]
fn starts_sentence(gap: Gap, last: u8, class: u32, out: &[Token]) -> bool {
    if gap >= Gap::Line {
        let last = if last == prev::RUN {
            out.last().map_or(prev::NONE, prev_of)
        } else {
            last
        };
        gap == Gap::Blank
            || last == prev::END
            || last == prev::NUM
            || (last == prev::OTHER && class & class::CAP != 0)
    } else {
        last == prev::END
    }
}

/// The ASCII lower-case bit of every byte of a word: OR-ed into eight letters it lower-cases
/// them, as `make_ascii_lowercase` does.
const LOWER_BITS: u64 = 0x2020_2020_2020_2020;

/// "ly" as the last two bytes of a packed word: `function_word`'s rule (a word of more than
/// four bytes ending in "ly").
const LY: u16 = u16::from_le_bytes(*b"ly");

/// The end and class bits of the word token starting with the ASCII letter at `start` of `src`
/// (`low` its lower-cased copy), and whether a space follows it; `x` is [`load8`] at `start`.
#[inline(always)]
fn ascii_word(src: &str, low: &[u8], lex: &Lexicon, start: usize, x: u64) -> (usize, u32, bool) {
    let bytes = src.as_bytes();
    let low8 = x | lex.k.lower;
    let z = lex.k.first_non_letter(low8);
    if let Some(w) = short_word(bytes, lex, start, x, low8, z) {
        return w;
    }
    // Past 15 letters, joined to a non-ASCII letter, or near the end of the text.
    let cap = bytes.get(start).is_some_and(u8::is_ascii_uppercase);
    let mut i = crate::ascii::letters_end(bytes, start + 1);
    let mut ascii = true;
    if i < bytes.len() && bytes[i] >= 0x80 {
        let e = word_end(src, i);
        ascii = e == i;
        i = e;
    }
    let space = bytes.get(i) == Some(&b' ');
    (i, class_at(lex, low, start, i, cap, ascii), space)
}

/// [`ascii_word`] for a word of at most 15 ASCII letters followed by an ASCII byte (or the end
/// of the text within its first eight bytes), read from `x` ([`load8`] at `start`, `z` its
/// [`crate::ascii::first_non_letter`]) and the next eight bytes: the end of the run of
/// letters, the byte after it, the case of its first letter and the packed key of the class
/// table (lower-cased in the register) all come from the same loads. Bytes past the end of the
/// text load as 0, which ends a word as the end of the text does. `None` for other words. It
/// calls nothing, so the loops that use it keep their values in registers. `low` is `x |
/// LOWER_BITS`, the value `z` was found from: the key is cut from it, not OR-ed again (LLVM
/// gave the key's OR a constant of its own, one more `movabs` and `or` a word).
#[inline(always)]
fn short_word(
    bytes: &[u8],
    lex: &Lexicon,
    start: usize,
    x: u64,
    low: u64,
    z: u64,
) -> Option<(usize, u32, bool)> {
    // An ASCII letter is upper-case when its lower-case bit (0x20) is clear.
    let cap = class::CAP * u32::from(x & 0x20 == 0);
    if z != 0 {
        // The run ends in `x`, at the byte whose high bit is the lowest bit of `z`: the bits
        // below it cover the run, and `z ^ (z - 1)` is them and that byte's eight.
        let tz = z.trailing_zeros();
        let after = x >> (tz & 56);
        // A byte that starts no non-ASCII letter (an ASCII byte: its high bit clear).
        if after & 0x80 != 0 {
            return None;
        }
        let n = (tz / 8) as usize;
        let w0 = low & ((z ^ (z - 1)) >> 8);
        let mut c = lex.lookup_short(w0) | cap;
        if n > 4 && (w0 >> (8 * n - 16)) as u16 == LY {
            c |= class::FUNCTION;
        }
        return Some((start + n, c, after as u8 == b' '));
    }
    // Eight letters: a word of up to 15 ends in the next eight bytes.
    let y = chunk8(bytes, start + 8)?;
    let ylow = y | lex.k.lower;
    let zy = lex.k.first_non_letter(ylow);
    let tz = zy.trailing_zeros();
    let after = y >> (tz & 56);
    if zy == 0 || after & 0x80 != 0 {
        return None;
    }
    let m = (tz / 8) as usize;
    let w0 = low;
    let w1 = ylow & ((zy ^ (zy - 1)) >> 8);
    let mut c = lex.lookup_packed(w0, w1) | cap;
    let key = u128::from(w0) | (u128::from(w1) << 64);
    if (key >> (8 * (6 + m))) as u16 == LY {
        c |= class::FUNCTION;
    }
    Some((start + 8 + m, c, after as u8 == b' '))
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
