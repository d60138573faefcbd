//! The word lists of the response pass (`data/response/*.tsv`), matched token by token.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::actions::{Act, Form};
use super::text::{BuildFnv, Ctx, Tok};
use crate::tokens::{Kind, Token, class};

/// One phrase of a list: its words (lower case) and what it stands for.
#[derive(Debug)]
struct Phrase<T> {
    words: Vec<String>,
    /// Written all in capitals ("WHO"): matched case-sensitively.
    exact: Option<String>,
    value: T,
}

/// A phrase list keyed by first word.
#[derive(Debug)]
pub(crate) struct Lexicon<T> {
    /// The group of [`Lexicon::groups`] of each first word.
    by_first: HashMap<String, u16, BuildFnv>,
    /// The phrases of each first word, longest first.
    groups: Vec<Vec<Phrase<T>>>,
}

/// No group: the word starts no phrase of a lexicon.
pub(crate) const NO_GROUP: u16 = u16::MAX;

impl<T> Lexicon<T> {
    /// The first words of the phrases (and their parts before a hyphen).
    fn firsts(&self) -> impl Iterator<Item = &str> {
        self.by_first.keys().map(String::as_str)
    }

    /// True when every phrase of the group of token text `w` ([`Lexicon::group_of`]) has two
    /// words or more (or `w` starts none): a token `w` starts a phrase only together with the
    /// token after it.
    pub(crate) fn starts_only_long(&self, w: &str) -> bool {
        self.groups
            .get(usize::from(self.group_of(w)))
            .is_none_or(|ps| ps.iter().all(|p| p.words.len() >= 2))
    }

    /// The second words of the phrases of two words or more (lower case).
    pub(crate) fn second_words(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .flatten()
            .filter_map(|p| p.words.get(1))
            .map(String::as_str)
    }
}

/// `w` without a possessive `'s`.
pub(crate) fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w)
}

/// Calls `f` with the lower-case form of `w`, possessive `'s` dropped (the form lookups use),
/// without allocating for short ASCII words.
pub(crate) fn with_norm<R>(w: &str, f: impl FnOnce(&str) -> R) -> R {
    super::text::lower(strip_possessive(w), f)
}

/// True when `w` is written as `expect` (lower case) after [`with_norm`].
fn norm_eq(w: &str, expect: &str) -> bool {
    let w = strip_possessive(w);
    if w.is_ascii() {
        w.eq_ignore_ascii_case(expect)
    } else {
        w.to_lowercase() == expect
    }
}

impl<T> Lexicon<T> {
    /// Builds a lexicon from `(form, value)` pairs.
    fn new(rows: impl IntoIterator<Item = (String, T)>) -> Lexicon<T> {
        let mut by_first: HashMap<String, u16, BuildFnv> = HashMap::default();
        let mut groups: Vec<Vec<Phrase<T>>> = Vec::new();
        for (form, value) in rows {
            let words: Vec<String> = form.split_whitespace().map(str::to_lowercase).collect();
            let Some(first) = words.first().cloned() else {
                continue;
            };
            let letters: Vec<char> = form.chars().filter(|c| c.is_alphabetic()).collect();
            let exact = (letters.len() <= 6
                && !letters.is_empty()
                && letters.iter().all(|c| c.is_uppercase()))
            .then(|| form.clone());
            let next = u16::try_from(groups.len()).unwrap_or(NO_GROUP);
            let g = *by_first.entry(first).or_insert(next);
            if g == next && g != NO_GROUP {
                groups.push(Vec::new());
            }
            if let Some(v) = groups.get_mut(usize::from(g)) {
                v.push(Phrase {
                    words,
                    exact,
                    value,
                });
            }
        }
        for v in &mut groups {
            v.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
        }
        Lexicon { by_first, groups }
    }

    /// The group of the phrases that may start with token text `first` (by its
    /// [`with_norm`] form, or the part of it before a hyphen), [`NO_GROUP`] for none: what
    /// [`WordInfo::groups`] holds, found by hashing the word.
    pub(crate) fn group_of(&self, first: &str) -> u16 {
        with_norm(first, |key| {
            self.by_first.get(key).or_else(|| {
                // "MSF-Belgium", "WHO-Ministry": the part before the hyphen.
                let head = key.split('-').next()?;
                if head.len() < key.len() {
                    self.by_first.get(head)
                } else {
                    None
                }
            })
        })
        .copied()
        .unwrap_or(NO_GROUP)
    }

    /// The longest phrase of group `g` (the [`Lexicon::group_of`] token `i`) starting at token
    /// `i` of `toks`: (number of tokens, value).
    pub(crate) fn longest_in(
        &self,
        ctx: &Ctx<'_>,
        toks: &[Tok],
        i: usize,
        g: u16,
    ) -> Option<(usize, &T)> {
        let cands = self.groups.get(usize::from(g))?;
        let first = ctx.t(&toks[i]);
        'phrase: for p in cands {
            if toks.len() < i + p.words.len() {
                continue;
            }
            if let Some(exact) = &p.exact {
                let head = first.split(['-', '\'', '’']).next().unwrap_or(first);
                if p.words.len() == 1 && head != exact.as_str() {
                    continue;
                }
                if p.words.len() > 1 && !first.chars().next().is_some_and(char::is_uppercase) {
                    continue;
                }
            }
            for (k, w) in p.words.iter().enumerate().skip(1) {
                let t = &toks[i + k];
                if !norm_eq(ctx.t(t), w) {
                    continue 'phrase;
                }
            }
            return Some((p.words.len(), &p.value));
        }
        None
    }
}

/// An organisation: its identifier and the country it belongs to.
#[derive(Debug)]
pub(crate) struct Org {
    pub id: String,
    pub country: Option<String>,
}

/// The response word lists.
#[derive(Debug)]
pub(crate) struct Lists {
    pub orgs: Lexicon<Org>,
    pub items: Lexicon<String>,
    pub vaccines: Lexicon<String>,
    pub measures: Lexicon<String>,
    /// Every word that starts a phrase of the lists above: a token not in it starts none.
    pub firsts: super::text::WordSet,
    /// The [`WordInfo`] of every listed word, for one lookup per token.
    table: WordTable,
    /// The words of [`Lists::table`] (lower case): the token stream marks them
    /// ([`crate::tokens::class::RESP_WORD`]).
    pub words: Vec<String>,
    /// The [`WordInfo`] of each ASCII character as a punctuation token.
    punct: [WordInfo; 128],
    /// The lists are built ([`Lists::global`]): [`info_slow_cached`] may remember their
    /// answers (while they are built, it asks [`Lists::info_slow`]).
    built: bool,
}

/// Index of the organisations in [`WordInfo::groups`].
pub(crate) const ORGS: usize = 0;
/// Index of the items in [`WordInfo::groups`].
pub(crate) const ITEMS: usize = 1;
/// Index of the vaccines in [`WordInfo::groups`].
pub(crate) const VACCINES: usize = 2;
/// Index of the measures in [`WordInfo::groups`].
pub(crate) const MEASURES: usize = 3;

/// [`WordInfo::bits`]: one of [`super::text::HEDGES`].
pub(crate) const HEDGE: u8 = 1;
/// [`WordInfo::bits`]: "reports".
pub(crate) const REPORTS: u8 = 2;
/// [`WordInfo::bits`]: one of the speech verbs of the action rules (`actions::SPEECH`).
pub(crate) const SPEECH: u8 = 4;
/// [`WordInfo::bits`]: one of `parties::BODY_HEADS`, possessive `'s` dropped.
pub(crate) const BODY: u8 = 8;
/// [`WordInfo::bits`]: one of `parties::CURRENCY_WORDS`.
pub(crate) const CURRENCY: u8 = 16;

/// What the response rules ask about one token, answered by one lookup
/// ([`Lists::infos`]) instead of a hash of the word per list and question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordInfo {
    /// A word that may start a phrase of the lists ([`Lists::may_start`]); false for
    /// punctuation.
    pub known: bool,
    /// The [`Lexicon::group_of`] the token in the organisations, items, vaccines and measures
    /// ([`ORGS`], [`ITEMS`], [`VACCINES`], [`MEASURES`]).
    pub groups: [u16; 4],
    /// The action cue of the word (`actions::cue`).
    pub cue: Option<(Act, Form)>,
    /// [`HEDGE`], [`REPORTS`], [`SPEECH`], [`BODY`], [`CURRENCY`].
    pub bits: u8,
}

impl WordInfo {
    /// A token no list knows.
    const NONE: WordInfo = WordInfo {
        known: false,
        groups: [NO_GROUP; 4],
        cue: None,
        bits: 0,
    };
}

/// Slots of [`WordTable`] (a power of two, more than four times the listed words).
const TABLE_BITS: u32 = 11;

/// One slot of [`WordTable`]: the packed lower-cased bytes of a listed word, its length (0:
/// empty slot) and its [`WordInfo`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    w0: u64,
    w1: u64,
    len: usize,
    info: WordInfo,
}

/// Open addressing over the packed bytes of the listed words (exact: the key is the word).
#[derive(Debug)]
struct WordTable {
    slots: Vec<Slot>,
}

/// The ASCII-lower-cased bytes of `w`, packed little-endian in two words, when the table
/// answers for it: 1 to 16 ASCII bytes, no hyphen and no apostrophe (a word with one is read
/// by the possessive and hyphen rules of [`Lists::info_slow`]).
///
/// Eight bytes at a time: the high bits tell non-ASCII bytes, a zero-byte test finds hyphens
/// and apostrophes, and the bytes from 'A' to 'Z' get their 0x20 bit from two additions
/// (no carry crosses a byte below 0x80). [`table_key_bytewise`] is the reference.
#[inline]
fn table_key(w: &[u8]) -> Option<(u64, u64)> {
    if w.is_empty() || w.len() > 16 {
        return None;
    }
    let mut k = [0u8; 16];
    k.get_mut(..w.len())?.copy_from_slice(w);
    let (a, b) = k.split_at(8);
    let a = u64::from_le_bytes(a.try_into().ok()?);
    let b = u64::from_le_bytes(b.try_into().ok()?);
    key_of_words(a, b)
}

/// [`table_key`] of the bytes `s..e` of `text`, read in place: when sixteen bytes follow `s`,
/// the two words are loaded from the text and the bytes from `e` on are masked off, instead of
/// copying the word (a `memcpy` call per token).
#[inline]
fn table_key_at(text: &[u8], s: usize, e: usize) -> Option<(u64, u64)> {
    let n = e.checked_sub(s)?;
    match text.get(s..).and_then(|r| r.first_chunk::<16>()) {
        Some(c) if (1..=16).contains(&n) => {
            let (a, b) = c.split_at(8);
            let a = u64::from_le_bytes(a.try_into().ok()?);
            let b = u64::from_le_bytes(b.try_into().ok()?);
            // The low `k` bytes (1 to 8) of a word.
            let low = |x: u64, k: usize| x & (u64::MAX >> (64 - 8 * k));
            if n <= 8 {
                key_of_words(low(a, n), 0)
            } else {
                key_of_words(a, low(b, n - 8))
            }
        }
        _ => table_key(text.get(s..e)?),
    }
}

/// The key of [`table_key`] from the word's bytes packed in two words, zero past its end.
#[inline]
fn key_of_words(a: u64, b: u64) -> Option<(u64, u64)> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    if (a | b) & HI != 0 {
        return None;
    }
    // A zero byte in `x ^ c·LO` (the padding bytes are 0, never `c`).
    let has = |x: u64, c: u8| {
        let v = x ^ (LO * u64::from(c));
        v.wrapping_sub(LO) & !v & HI != 0
    };
    if has(a, b'-') || has(b, b'-') || has(a, b'\'') || has(b, b'\'') {
        return None;
    }
    let lower = |x: u64| {
        let ge_a = x + LO * u64::from(0x80 - b'A');
        let gt_z = x + LO * u64::from(0x80 - b'Z' - 1);
        x | ((ge_a & !gt_z & HI) >> 2)
    };
    Some((lower(a), lower(b)))
}

/// [`table_key`] byte by byte.
#[cfg(test)]
fn table_key_bytewise(w: &[u8]) -> Option<(u64, u64)> {
    if w.is_empty() || w.len() > 16 {
        return None;
    }
    let mut k = [0u8; 16];
    for (d, &b) in k.iter_mut().zip(w) {
        if b >= 0x80 || b == b'-' || b == b'\'' {
            return None;
        }
        *d = b.to_ascii_lowercase();
    }
    let (a, b) = k.split_at(8);
    Some((
        u64::from_le_bytes(a.try_into().ok()?),
        u64::from_le_bytes(b.try_into().ok()?),
    ))
}

/// The first slot to probe for a packed word.
#[inline]
fn slot_of(w0: u64, w1: u64, len: usize) -> usize {
    let h = (w0 ^ w1.rotate_left(29) ^ ((len as u64) << 56)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - TABLE_BITS)) as usize
}

impl WordTable {
    /// The table of `words` (lower case) with their infos; words [`table_key`] refuses are
    /// left out (the slow path answers for them).
    fn new(words: impl IntoIterator<Item = (String, WordInfo)>) -> WordTable {
        let mut slots = vec![
            Slot {
                w0: 0,
                w1: 0,
                len: 0,
                info: WordInfo::NONE,
            };
            1 << TABLE_BITS
        ];
        let mask = (1usize << TABLE_BITS) - 1;
        for (w, info) in words {
            let Some((w0, w1)) = table_key(w.as_bytes()) else {
                continue;
            };
            let len = w.len();
            let mut at = slot_of(w0, w1, len);
            for _ in 0..slots.len() {
                let Some(s) = slots.get_mut(at) else { break };
                if s.len == 0 || (s.len == len && s.w0 == w0 && s.w1 == w1) {
                    *s = Slot { w0, w1, len, info };
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        WordTable { slots }
    }

    /// The info of the word whose [`table_key`] is `(w0, w1)` and length `len`.
    #[inline]
    fn get(&self, w0: u64, w1: u64, len: usize) -> WordInfo {
        let mask = (1usize << TABLE_BITS) - 1;
        let mut at = slot_of(w0, w1, len);
        while let Some(s) = self.slots.get(at) {
            if s.len == 0 {
                break;
            }
            if s.w0 == w0 && s.w1 == w1 && s.len == len {
                return s.info;
            }
            at = (at + 1) & mask;
        }
        WordInfo::NONE
    }
}

impl Lists {
    /// True when a phrase of some list may start with token text `w`.
    pub(crate) fn may_start(&self, w: &str) -> bool {
        let w = strip_possessive(w);
        // The part before a hyphen is looked up only when there is a hyphen (otherwise it is
        // `w` itself, already looked up).
        self.firsts.contains(w)
            || w.split_once('-')
                .is_some_and(|(h, _)| self.firsts.contains(h))
    }

    /// The [`WordInfo`] of token text `w` (`word`: a word token) by the rules themselves: a
    /// hash per list and question. The reference of [`Lists::info`], and its answer for the
    /// words the table does not hold.
    pub(crate) fn info_slow(&self, word: bool, w: &str) -> WordInfo {
        use super::text::{HEDGES, is, is_any};
        let mut bits = 0;
        if is_any(w, HEDGES) {
            bits |= HEDGE;
        }
        if is(w, "reports") {
            bits |= REPORTS;
        }
        if is_any(w, super::actions::SPEECH) {
            bits |= SPEECH;
        }
        if is_any(strip_possessive(w), super::parties::BODY_HEADS) {
            bits |= BODY;
        }
        if is_any(w, super::parties::CURRENCY_WORDS) {
            bits |= CURRENCY;
        }
        WordInfo {
            known: word && self.may_start(w),
            groups: [
                self.orgs.group_of(w),
                self.items.group_of(w),
                self.vaccines.group_of(w),
                self.measures.group_of(w),
            ],
            cue: super::actions::cue(w),
            bits,
        }
    }

    /// The [`WordInfo`] of token `t` (text `w`): one lookup of its lower-cased bytes in the
    /// table of the listed words when it is 1 to 16 ASCII bytes without hyphen or apostrophe
    /// (each answer depends only on the lower-cased word, and a word not in the table is in no
    /// list), else [`Lists::info_slow`].
    #[inline]
    pub(crate) fn info(&self, t: &Tok, w: &str) -> WordInfo {
        self.info_keyed(t, w, table_key(w.as_bytes()))
    }

    /// [`Lists::info`] with the word's [`table_key`] `key`.
    #[inline]
    fn info_keyed(&self, t: &Tok, w: &str, key: Option<(u64, u64)>) -> WordInfo {
        match key {
            Some((w0, w1)) => {
                let mut i = self.table.get(w0, w1, w.len());
                i.known &= t.word;
                i
            }
            None => info_slow_cached(self, t.word, w),
        }
    }

    /// The first words of the phrases of the item and vaccine lists (lower case): the words a
    /// token must be written as, or start with before a hyphen, to start an item.
    pub(crate) fn item_firsts(&self) -> impl Iterator<Item = &str> {
        self.items.firsts().chain(self.vaccines.firsts())
    }

    /// True when token text `w` starts an item or vaccine phrase only together with the token
    /// after it ([`Lexicon::starts_only_long`] of both lists).
    pub(crate) fn starts_only_long_items(&self, w: &str) -> bool {
        self.items.starts_only_long(w) && self.vaccines.starts_only_long(w)
    }

    /// The second words of the item and vaccine phrases of two words or more.
    pub(crate) fn item_second_words(&self) -> impl Iterator<Item = &str> {
        self.items
            .second_words()
            .chain(self.vaccines.second_words())
    }

    /// The item and vaccine groups of token text `w` ([`Lexicon::group_of`]).
    pub(crate) fn item_groups(&self, w: &str) -> [u16; 2] {
        [self.items.group_of(w), self.vaccines.group_of(w)]
    }

    /// The first words of the phrases of every list.
    #[cfg(test)]
    pub(crate) fn firsts_for_tests(&self) -> Vec<String> {
        self.orgs
            .firsts()
            .chain(self.items.firsts())
            .chain(self.vaccines.firsts())
            .chain(self.measures.firsts())
            .map(str::to_string)
            .collect()
    }

    /// The [`WordInfo`] of every token of `toks` into `out` (cleared first).
    pub(crate) fn infos(&self, ctx: &Ctx<'_>, toks: &[Tok], out: &mut Vec<WordInfo>) {
        self.infos_with(ctx, toks, None, out);
    }

    /// [`Lists::infos`] with the token stream of the text (`stream`, when the caller has it):
    /// a token that is one whole word of the stream without [`class::RESP_WORD`] is in no list
    /// ([`WordInfo::NONE`]), and one ASCII punctuation token has the info computed for its
    /// character once ([`Lists::punct`]), without a lookup.
    ///
    /// Why it is exact: such a word is 1 to [`crate::tokens::MAX_WORD`] ASCII letters (no
    /// [`class::LONG`], no [`class::NON_ASCII`]), so [`table_key`] takes it and the answer is
    /// the table's; the stream marks every word of the table ([`Lists::words`], compared
    /// lower-cased as the table compares them), so an unmarked word is not in it.
    pub(crate) fn infos_with(
        &self,
        ctx: &Ctx<'_>,
        toks: &[Tok],
        stream: Option<&[Token]>,
        out: &mut Vec<WordInfo>,
    ) {
        out.clear();
        let b = ctx.text.as_bytes();
        let stream = stream.unwrap_or(&[]);
        let mut j = toks
            .first()
            .map_or(0, |t| stream.partition_point(|x| x.start < t.s));
        out.extend(toks.iter().map(|t| {
            while stream.get(j).is_some_and(|x| x.start < t.s) {
                j += 1;
            }
            match stream.get(j) {
                Some(x) if x.end == t.e && x.start == t.s => match x.kind {
                    Kind::Word
                        if x.class & (class::RESP_WORD | class::LONG | class::NON_ASCII) == 0 =>
                    {
                        WordInfo::NONE
                    }
                    Kind::Punct(c) if !t.word && c.is_ascii() => self
                        .punct
                        .get(c as usize)
                        .copied()
                        .unwrap_or(WordInfo::NONE),
                    _ => self.info_keyed(t, ctx.t(t), table_key_at(b, t.s, t.e)),
                },
                _ => self.info_keyed(t, ctx.t(t), table_key_at(b, t.s, t.e)),
            }
        }));
    }
}

/// How many words [`info_slow_cached`] keeps per thread (it starts again empty when full).
const SLOW_CACHE: usize = 4096;

/// [`Lists::info_slow`] remembered per thread: the words the table does not take (with a
/// hyphen or an apostrophe, non-ASCII, longer than 16 bytes) repeat across the texts a thread
/// annotates ("laboratory-confirmed", "Médecins", "–"), and the answer depends only on the
/// word (and whether it is a word token). Exact: a remembered answer is the one `info_slow`
/// gave for the same arguments, of the one built `Lists` ([`Lists::global`]).
fn info_slow_cached(lists: &Lists, word: bool, w: &str) -> WordInfo {
    type Cache = [crate::hash::FxMap<Box<str>, WordInfo>; 2];
    thread_local! {
        static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::default();
    }
    if !lists.built {
        return lists.info_slow(word, w);
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let map = &mut c[usize::from(word)];
        if let Some(&i) = map.get(w) {
            return i;
        }
        let i = lists.info_slow(word, w);
        if map.len() >= SLOW_CACHE {
            map.clear();
        }
        map.insert(w.into(), i);
        i
    })
}

fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect::<Vec<_>>())
}

impl Lists {
    /// The lists embedded from `data/response`, parsed once.
    pub(crate) fn global() -> &'static Lists {
        static LISTS: OnceLock<Lists> = OnceLock::new();
        LISTS.get_or_init(|| {
            let orgs = Lexicon::new(
                rows(include_str!("../../data/response/parties.tsv")).filter_map(|r| {
                    let (form, id, country) = (r.first()?, r.get(1)?, r.get(2)?);
                    let country = (*country != "-").then(|| country.to_string());
                    Some((
                        form.to_string(),
                        Org {
                            id: id.to_string(),
                            country,
                        },
                    ))
                }),
            );
            let items = Lexicon::new(
                rows(include_str!("../../data/response/items.tsv"))
                    .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.to_string()))),
            );
            let vaccines = Lexicon::new(
                rows(include_str!("../../data/response/vaccines.tsv"))
                    .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.to_string()))),
            );
            let measures = Lexicon::new(
                rows(include_str!("../../data/response/measures.tsv"))
                    .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.to_string()))),
            );
            let mut firsts = super::text::WordSet::default();
            for w in orgs
                .firsts()
                .chain(items.firsts())
                .chain(vaccines.firsts())
                .chain(measures.firsts())
            {
                firsts.insert(w);
            }
            let mut lists = Lists {
                orgs,
                items,
                vaccines,
                measures,
                firsts,
                table: WordTable::new([]),
                words: Vec::new(),
                punct: [WordInfo::NONE; 128],
                built: false,
            };
            // Every word some answer of `info_slow` depends on, with that answer.
            let mut words: Vec<String> = [&lists.orgs.by_first, &lists.items.by_first]
                .into_iter()
                .chain([&lists.vaccines.by_first, &lists.measures.by_first])
                .flat_map(|m| m.keys().cloned())
                .chain(super::actions::cue_words().map(str::to_string))
                .chain(super::text::HEDGES.iter().map(|w| (*w).to_string()))
                .chain(super::actions::SPEECH.iter().map(|w| (*w).to_string()))
                .chain(super::parties::BODY_HEADS.iter().map(|w| (*w).to_string()))
                .chain(
                    super::parties::CURRENCY_WORDS
                        .iter()
                        .map(|w| (*w).to_string()),
                )
                .chain(std::iter::once("reports".to_string()))
                .map(|w| w.to_ascii_lowercase())
                .collect();
            words.sort();
            words.dedup();
            let table = WordTable::new(
                words
                    .iter()
                    .map(|w| {
                        let info = lists.info_slow(true, w);
                        (w.clone(), info)
                    })
                    .collect::<Vec<_>>(),
            );
            lists.table = table;
            lists.words = words;
            let mut punct = [WordInfo::NONE; 128];
            for (c, p) in (0u8..).zip(punct.iter_mut()) {
                let w = char::from(c).to_string();
                let t = Tok {
                    s: 0,
                    e: w.len(),
                    word: false,
                    cap: false,
                };
                *p = lists.info(&t, &w);
            }
            lists.punct = punct;
            lists.built = true;
            lists
        })
    }
}

#[cfg(test)]
mod tests {
    /// The remembered answers of `info_slow_cached` are `info_slow`'s: every word asked twice
    /// (the second answer from the cache), as a word and as punctuation, past the cache's
    /// size (so that it starts again empty) and again.
    #[test]
    fn info_slow_cached_is_info_slow() {
        let lists = super::Lists::global();
        let mut words: Vec<String> = ["laboratory-confirmed", "Médecins", "–", "WHO's", "”", "x"]
            .iter()
            .map(|w| (*w).to_string())
            .collect();
        words.extend(lists.words.iter().map(|w| format!("{w}-{w}")));
        words.extend(
            lists
                .words
                .iter()
                .map(|w| format!("{}’s", w.to_uppercase())),
        );
        words.extend((0..super::SLOW_CACHE + 10).map(|i| format!("w-{i}")));
        for _ in 0..2 {
            for w in &words {
                for word in [true, false] {
                    assert_eq!(
                        super::info_slow_cached(lists, word, w),
                        lists.info_slow(word, w),
                        "{w:?} {word}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time key is the bytewise one (every byte value, lengths 0 to
        /// 18).
        #[test]
        fn table_key_equals_the_bytewise_key(
            w in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..18),
            ascii in proptest::collection::vec(0u8..0x80, 0..18),
        ) {
            proptest::prop_assert_eq!(super::table_key(&w), super::table_key_bytewise(&w));
            proptest::prop_assert_eq!(
                super::table_key(&ascii),
                super::table_key_bytewise(&ascii)
            );
        }
    }

    proptest::proptest! {
        /// The key read in place is the key of the copied word, at every start and end in
        /// texts of any bytes (and of ASCII letters, hyphens and apostrophes), near the end
        /// of the text and not.
        #[test]
        fn table_key_at_equals_the_key_of_the_slice(
            text in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            words in "[a-zA-Z'-]{0,40}",
        ) {
            for t in [text.as_slice(), words.as_bytes()] {
                for s in 0..=t.len() {
                    for e in s..=t.len() {
                        proptest::prop_assert_eq!(
                            super::table_key_at(t, s, e),
                            super::table_key(&t[s..e]),
                            "{:?} {} {}", t, s, e
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn table_key_edge_bytes() {
        for c in 0u8..=255 {
            for n in 1..=16 {
                let w = vec![c; n];
                assert_eq!(
                    super::table_key(&w),
                    super::table_key_bytewise(&w),
                    "{c} {n}"
                );
            }
        }
    }
}
