//! Response and aid: actions (offers, promises, deliveries, requests, acceptances, refusals,
//! talks), shortages and public-health measures, each with its evidence sentence.
//!
//! The pass is linear and cheap: one Aho-Corasick scan over the text for cue words (action
//! verbs, shortage words, measure words); only the sentences holding a cue are tokenised and
//! read by the hand-written rules (actions, shortages, measures; quotes in [`crate::quote`]).
//! Parties are resolved from the document's place mentions (a country, or the country of a city
//! or of a demonym: "Chinese Foreign Ministry" → `CN`) and from the organisation list in
//! `data/response/parties.tsv`. The guideline the rules follow, and the gold set they are scored
//! on, are in `eval/response/`.

mod actions;
pub mod eval;
mod lexicon;
mod parties;
pub(crate) mod text;

#[cfg(test)]
pub(crate) mod tests;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use epiwire_model::{Action, CharIndex, Document, Measure, Party, Shortage};

use crate::tokens::{Kind as TokKind, Token, Tokens, class};
use lexicon::{Lists, MEASURES, WordInfo};
use parties::{ItemAt, LazyParties, PartyAt};
use text::{Ctx, Tok, hedged_in, is, is_any};

pub use eval::{ResponseReport, eval_response};

/// Errors of the response module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the gold file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A gold record is malformed.
    #[error("{path} line {line}: {message}")]
    Format {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result of the response module.
pub type Result<T> = std::result::Result<T, Error>;

/// What the response pass finds in one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    /// Aid and response actions.
    pub actions: Vec<Action>,
    /// Shortages.
    pub shortages: Vec<Shortage>,
    /// Public-health measures.
    pub measures: Vec<Measure>,
}

/// Which rule family a cue word wakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Action,
    Shortage,
    Measure,
    Quote,
}

/// Shortage cues (the rules check the words around them).
const SHORTAGE_CUES: &[&str] = &[
    "short",
    "shortage",
    "shortages",
    "lack",
    "lacks",
    "lacking",
    "scarce",
    "scarcity",
    "run out",
    "ran out",
    "running out",
    "runs out",
    "insufficient",
];

/// Speech cues of the quote pass's prefilter: the common verbs and the quotation marks (the
/// attribution rules know more verbs, used only once a line is read).
const QUOTE_CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "explained",
    "stated",
    "warned",
    "announced",
    "insisted",
    "stressed",
    "urged",
    "according",
    "\"",
    "“",
    "”",
    "''",
    "``",
];

/// Measure cues: the phrases of `data/response/measures.tsv`.
fn measure_cues() -> Vec<String> {
    include_str!("../../data/response/measures.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .filter(|f| !f.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Every cue of the prefilter with the family it wakes.
fn cue_patterns() -> Vec<(String, Family)> {
    let mut pats: Vec<(String, Family)> = Vec::new();
    pats.extend(actions::cue_words().map(|w| (w.to_string(), Family::Action)));
    pats.extend(
        SHORTAGE_CUES
            .iter()
            .map(|w| ((*w).to_string(), Family::Shortage)),
    );
    pats.extend(measure_cues().into_iter().map(|w| (w, Family::Measure)));
    pats.extend(QUOTE_CUES.iter().map(|w| ((*w).to_string(), Family::Quote)));
    pats
}

/// The first words of the cues that start with an ASCII letter, lower-cased: the letters up to
/// the first other character. The token stream marks them ([`crate::tokens::class::CUE`]) so
/// that the prefilter reads only the sentences that may hold a cue.
pub(crate) fn cue_first_words() -> Vec<String> {
    let mut out: Vec<String> = cue_patterns()
        .iter()
        .filter_map(|(p, _)| first_word(p))
        .map(str::to_ascii_lowercase)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The leading ASCII letters, lower-cased, of every word that can make a sentence yield an
/// item (`parties::items_known`) or want actions without one ("request"): the first words of
/// the item and vaccine lists and the currency words. The token stream marks them
/// ([`class::RESP_ITEM`]) so that [`ItemGate`] passes by sentences that can yield nothing.
pub(crate) fn item_first_words() -> Vec<String> {
    let mut out: Vec<String> = Lists::global()
        .item_firsts()
        .chain(parties::CURRENCIES.iter().map(|&(w, _)| w))
        .chain(parties::CURRENCY_WORDS.iter().copied())
        .chain(std::iter::once("request"))
        .filter_map(first_word)
        .map(str::to_ascii_lowercase)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The words of [`item_first_words`] (1 to [`crate::tokens::MAX_WORD`] letters) that, as a
/// whole token, start an item or vaccine phrase only together with the token after it (every
/// phrase of their groups has two words or more) and are no currency word, not "US" and not
/// "request": "health" (health workers), "rapid" (rapid tests). The token stream marks them
/// ([`class::RESP_LEAD`]) so that [`ItemGate`] reads the token after such a word before it
/// lets the sentence through.
pub(crate) fn item_lead_words() -> Vec<String> {
    let lists = Lists::global();
    item_first_words()
        .into_iter()
        .filter(|w| {
            w.len() <= crate::tokens::MAX_WORD
                && parties::currency(w).is_none()
                && !is_any(w, parties::CURRENCY_WORDS)
                && !is(w, "request")
                && lists.starts_only_long_items(w)
        })
        .collect()
}

/// The words of the response pass's word table that are 1 to [`crate::tokens::MAX_WORD`]
/// lower-case ASCII letters: the token stream marks them ([`class::RESP_WORD`]) so that
/// [`lexicon::Lists::infos_with`] passes by the other words of that shape without a lookup
/// (a word token with another byte is not judged there).
pub(crate) fn table_words() -> Vec<&'static str> {
    Lists::global()
        .words
        .iter()
        .filter(|w| {
            (1..=crate::tokens::MAX_WORD).contains(&w.len())
                && w.bytes().all(|b| b.is_ascii_lowercase())
        })
        .map(String::as_str)
        .collect()
}

/// Which sentences without a measure cue [`find_flagged`] can pass by before tokenising them:
/// those whose stream tokens show that no item can be found in them and no "request" is
/// there (then no action or shortage is wanted).
///
/// Why it is exact: `items_known` finds an item only at a response token that is a currency
/// word or symbol, or whose lower-cased text (possessive dropped), or its part before a
/// hyphen, is a first word of the item or vaccine lists; an amount alone is no item. An ASCII
/// word token of the response tokeniser starts with the stream's word token of its leading
/// letters, so such a word starts with a token marked [`class::RESP_ITEM`], unless a list
/// word starts with a digit ([`ItemGate::num`]). Punctuation tokens are single characters
/// ([`ItemGate::punct`]). Tokens with a non-ASCII character, longer than the class table's
/// words, or cut by the sentence's bounds are not judged. A word marked [`class::RESP_LEAD`]
/// is judged by the token after it ([`ItemGate::lead_may_start`]).
struct ItemGate {
    /// The ASCII characters that as a token are a currency or start an item or vaccine.
    punct: [bool; 128],
    /// Some item or vaccine starts with a digit: a number token may start one.
    num: bool,
    /// The leading letters (the alphabetic characters up to the first other one) of the
    /// second words of the item and vaccine phrases.
    second_leads: text::WordSet,
    /// The ASCII characters that are the second word of an item or vaccine phrase.
    second_punct: [bool; 128],
}

impl ItemGate {
    /// The gate, built once from the lists.
    fn global() -> &'static ItemGate {
        static GATE: OnceLock<ItemGate> = OnceLock::new();
        GATE.get_or_init(|| {
            let lists = Lists::global();
            let mut punct = [false; 128];
            let mut second_punct = [false; 128];
            for (c, (p, sp)) in (0u8..).zip(punct.iter_mut().zip(second_punct.iter_mut())) {
                let w = char::from(c).to_string();
                *p = parties::currency(&w).is_some()
                    || lists.item_groups(&w) != [lexicon::NO_GROUP; 2];
                *sp = lists.item_second_words().any(|x| x == w);
            }
            let num = lists
                .item_firsts()
                .any(|w| w.starts_with(|c: char| c.is_ascii_digit()));
            let leads: Vec<String> = lists
                .item_second_words()
                .map(|w| w.chars().take_while(|c| c.is_alphabetic()).collect())
                .collect();
            ItemGate {
                punct,
                num,
                second_leads: text::WordSet::new(leads.iter().map(String::as_str)),
                second_punct,
            }
        })
    }

    /// False when sentence `s..e` of `b` (its tokens in `stream`, the text's token stream)
    /// holds no item and no "request".
    fn may_want(&self, b: &[u8], stream: &[Token], span: (usize, usize)) -> bool {
        self.may_want_leads(b, stream, span, true)
    }

    /// [`ItemGate::may_want`]; `leads`: judge a word marked [`class::RESP_LEAD`] by the token
    /// after it (false only in the tests: then every [`class::RESP_ITEM`] word lets the
    /// sentence through).
    #[inline(always)]
    fn may_want_leads(
        &self,
        b: &[u8],
        stream: &[Token],
        (s, e): (usize, usize),
        leads: bool,
    ) -> bool {
        let block = class::NON_ASCII
            | class::NON_ASCII_PUNCT
            | class::LONG
            | if self.num { class::NUM } else { 0 };
        let first = stream.partition_point(|t| t.end <= s);
        for (k, t) in stream.iter().enumerate().skip(first) {
            if t.start >= e {
                break;
            }
            text::work(1);
            if t.start < s || t.end > e || t.class & block != 0 {
                return true;
            }
            if t.class & class::RESP_ITEM != 0 {
                if !leads || t.class & class::RESP_LEAD == 0 || self.lead_may_start(b, stream, k, e)
                {
                    return true;
                }
                continue;
            }
            if t.class & class::PUNCT != 0
                && b.get(t.start)
                    .and_then(|&c| self.punct.get(usize::from(c)))
                    .is_some_and(|&p| p)
            {
                return true;
            }
        }
        false
    }

    /// False when no item starts at the response token that starts with stream word `k` of
    /// `stream` (marked [`class::RESP_LEAD`], inside the sentence ending at byte `e` of `b`).
    ///
    /// Why it is exact: if that response token is the word alone (the next stream token is
    /// not joined to it), its groups hold only phrases of two words or more, so an item needs
    /// the next response token to be a phrase's second word (`norm_eq`). That token starts
    /// with the next stream token: none (the sentence ends), one punctuation character, or,
    /// for a word of ASCII letters, a text whose lower case starts with those letters followed
    /// by no letter, so the second word's leading letters are those letters. Anything else
    /// (a number, a non-ASCII character, a token cut by the sentence end) is not judged. If the
    /// response token does not start with stream word `k`, it is judged by its own first
    /// stream token.
    fn lead_may_start(&self, b: &[u8], stream: &[Token], k: usize, e: usize) -> bool {
        let Some(t) = stream.get(k) else {
            return true;
        };
        let Some(n) = stream.get(k + 1).filter(|n| n.start < e) else {
            return false;
        };
        if n.end > e {
            return true;
        }
        let punct = match n.kind {
            TokKind::Punct(c) if !text::punct_alnum(c) => Some(c),
            _ => None,
        };
        if n.start == t.end {
            // Adjacent: only a punctuation character that joins nothing ends the word here.
            let after = stream.get(k + 2).filter(|a| a.start < e);
            match punct {
                Some(c) if !text::joins(c, false, n.end, after) => {}
                _ => return true,
            }
        }
        match (n.kind, punct) {
            (_, Some(c)) => c
                .is_ascii()
                .then(|| self.second_punct.get(c as usize))
                .flatten()
                .is_none_or(|&p| p),
            (TokKind::Word, None) => b
                .get(n.start..n.end)
                .filter(|w| w.is_ascii())
                .and_then(|w| std::str::from_utf8(w).ok())
                .is_none_or(|w| self.second_leads.contains(w)),
            (TokKind::Num | TokKind::Punct(_), None) => true,
        }
    }
}

/// The ASCII letters that start `p`, if it starts with one.
fn first_word(p: &str) -> Option<&str> {
    let n = p.bytes().take_while(u8::is_ascii_alphabetic).count();
    (n > 0).then(|| &p[..n])
}

/// The prefilter: every cue word, ASCII case-insensitive, with its family, and what the token
/// gate of [`cue_sentences_gated`] needs to know about the cues.
struct Prefilter {
    ac: AhoCorasick,
    fam: Vec<Family>,
    /// One bit per byte pair `(a, b)` (index `a * 256 + b`) that occurs in a cue, in any ASCII
    /// case: a match can run across a sentence boundary only where the two bytes around it
    /// are such a pair.
    pairs: Box<[u64; 1024]>,
    /// The cues that start with a character that is neither an ASCII letter nor a digit nor
    /// alphabetic (quotation marks): a match starts where the token stream has that character
    /// as a punctuation token.
    punct: Vec<(char, Vec<u8>)>,
    /// The first characters of [`Prefilter::punct`]: one bit per ASCII character, bit 127
    /// for any non-ASCII one (a quick test before the list).
    punct_first: u128,
    /// Some cue starts with an ASCII digit.
    digit: bool,
    /// The first bytes of the cues that start with an ASCII punctuation character, when there
    /// are at most three (repeated to fill the three): [`Hits`] finds these hits with `memchr3`
    /// in the text, and its token walk asks only [`Prefilter::walk_bits`].
    ascii_punct: Option<[u8; 3]>,
    /// The class bits of the tokens the walk of [`Hits`] stops at, of those
    /// [`Prefilter::hit`] may accept (cue words and words with a non-ASCII letter; numbers only
    /// when a cue starts with a digit, punctuation only when one starts with a punctuation
    /// character): without ASCII punctuation when [`Prefilter::ascii_punct`] finds those hits
    /// ([`class::NON_ASCII_PUNCT`] for the cues that start with a non-ASCII one).
    walk_bits: u32,
    /// The token gate is exact for these cues: every cue's first word is in the token table
    /// and no cue starts with white space. Else every sentence is scanned.
    gate: bool,
    /// The length of the longest cue in bytes.
    longest: usize,
}

impl Prefilter {
    /// True when a match that sets a flag may start inside token `t` of `b` (a hit of the
    /// token gate, see [`cue_sentences_gated`]).
    #[inline(always)]
    fn hit(&self, b: &[u8], t: &Token) -> bool {
        match t.kind {
            TokKind::Word => t.class & (class::CUE | class::NON_ASCII) != 0,
            TokKind::Num => self.digit,
            TokKind::Punct(c) => {
                self.punct_first & punct_bit(c) != 0
                    && self.punct.iter().any(|(pc, p)| {
                        *pc == c
                            && b.get(t.start..t.start + p.len())
                                .is_some_and(|w| w.eq_ignore_ascii_case(p))
                    })
            }
        }
    }

    /// The byte range of the first hit of the token walk at or after token `from` of `toks`
    /// (a token with one of [`Prefilter::walk_bits`] that [`Prefilter::hit`] accepts), with
    /// the index of the token after it.
    fn next_walk_hit(&self, b: &[u8], toks: &[Token], mut from: usize) -> Option<(Span, usize)> {
        loop {
            let i = next_with_bits(toks, from, self.walk_bits)?;
            let t = toks.get(i)?;
            if self.hit(b, t) {
                return Some(((t.start, t.end), i + 1));
            }
            from = i + 1;
        }
    }

    /// The first hit that starts with one of [`Prefilter::ascii_punct`] at or after byte `from`
    /// of `b`, with the byte after its start. Such a byte is a punctuation token of its own
    /// (the stream's words are letters only), so this is the hit [`Prefilter::hit`] accepts
    /// there.
    fn next_punct_hit(
        &self,
        b: &[u8],
        [x, y, z]: [u8; 3],
        mut from: usize,
    ) -> Option<(Span, usize)> {
        loop {
            let at = from + memchr::memchr3(x, y, z, b.get(from..)?)?;
            text::work(at + 1 - from);
            let cue = self.punct.iter().any(|(_, p)| {
                b.get(at..at + p.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(p))
            });
            if cue {
                return Some(((at, at + 1), at + 1));
            }
            from = at + 1;
        }
    }

    /// True when no match of a cue can hold both byte `at - 1` and byte `at` of `b`: a scan
    /// may stop before `at` and start again there and find the same matches.
    fn cut_ok(&self, b: &[u8], at: usize) -> bool {
        match (at.checked_sub(1).and_then(|p| b.get(p)), b.get(at)) {
            (Some(&x), Some(&y)) => {
                let k = usize::from(x) * 256 + usize::from(y);
                self.pairs[k / 64] & (1 << (k % 64)) == 0
            }
            _ => true,
        }
    }
}

/// The index of the first token at or after `from` of `toks` with one of `bits` in its
/// class: eight tokens at a time are passed by on the union of their classes.
#[inline(never)]
pub(crate) fn next_with_bits(toks: &[Token], from: usize, bits: u32) -> Option<usize> {
    let rest = toks.get(from..)?;
    let (chunks, tail) = rest.as_chunks::<8>();
    for (n, c) in chunks.iter().enumerate() {
        if c.iter().fold(0, |a, t| a | t.class) & bits != 0 {
            text::work((n + 1) * 8);
            let k = c.iter().position(|t| t.class & bits != 0)?;
            return Some(from + n * 8 + k);
        }
    }
    text::work(rest.len());
    let k = tail.iter().position(|t| t.class & bits != 0)?;
    Some(from + chunks.len() * 8 + k)
}

/// The bit of character `c` in [`Prefilter::punct_first`].
fn punct_bit(c: char) -> u128 {
    1 << (c as u32).min(127)
}

/// A byte range of the text.
type Span = (usize, usize);

/// The hits of the token gate of [`cue_sentences_gated`] in text order, as byte ranges: the
/// tokens [`Prefilter::hit`] accepts. Two walks merged: the token walk over the tokens with one
/// of [`Prefilter::walk_bits`], and (when [`Prefilter::ascii_punct`] is set) a `memchr3` walk
/// over the text for the punctuation tokens the token walk passes by.
struct Hits<'a> {
    pre: &'a Prefilter,
    b: &'a [u8],
    toks: &'a [Token],
    /// The next hit of the token walk and the index of the token after it.
    word: Option<(Span, usize)>,
    /// The next hit of the byte walk and the byte after its start.
    punct: Option<(Span, usize)>,
}

impl<'a> Hits<'a> {
    fn new(pre: &'a Prefilter, b: &'a [u8], toks: &'a [Token]) -> Self {
        Hits {
            pre,
            b,
            toks,
            word: pre.next_walk_hit(b, toks, 0),
            punct: pre.ascii_punct.and_then(|a| pre.next_punct_hit(b, a, 0)),
        }
    }
}

impl Iterator for Hits<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        let take_word = match (self.word, self.punct) {
            (Some(((w, _), _)), Some(((p, _), _))) => w <= p,
            (w, _) => w.is_some(),
        };
        if take_word {
            let (span, next) = self.word?;
            self.word = self.pre.next_walk_hit(self.b, self.toks, next);
            Some(span)
        } else {
            let (span, next) = self.punct?;
            self.punct = self
                .pre
                .ascii_punct
                .and_then(|a| self.pre.next_punct_hit(self.b, a, next));
            Some(span)
        }
    }
}

/// The prefilter, built once. `None` only if the automaton could not be built (it is a fixed
/// list of words): then every sentence is read.
fn prefilter() -> Option<&'static Prefilter> {
    static PRE: OnceLock<Option<Prefilter>> = OnceLock::new();
    PRE.get_or_init(|| {
        let cues = cue_patterns();
        let mut pairs = Box::new([0u64; 1024]);
        let mut punct = Vec::new();
        let mut punct_first = 0u128;
        let mut digit = false;
        let mut gate = true;
        for (p, _) in &cues {
            let b = p.as_bytes();
            for w in b.windows(2) {
                for x in [w[0].to_ascii_lowercase(), w[0].to_ascii_uppercase()] {
                    for y in [w[1].to_ascii_lowercase(), w[1].to_ascii_uppercase()] {
                        let k = usize::from(x) * 256 + usize::from(y);
                        pairs[k / 64] |= 1 << (k % 64);
                    }
                }
            }
            match (first_word(p), p.chars().next()) {
                (Some(w), _) => gate &= w.len() <= crate::tokens::MAX_WORD,
                (None, Some(c)) if c.is_ascii_digit() => digit = true,
                // A non-ASCII letter is inside a word token marked `NON_ASCII`.
                (None, Some(c)) if c.is_alphabetic() && !c.is_ascii() => {}
                (None, Some(c)) if !c.is_whitespace() && !c.is_alphanumeric() => {
                    punct.push((c, b.to_vec()));
                    punct_first |= punct_bit(c);
                }
                _ => gate = false,
            }
        }
        // A full DFA: the fastest scan, and small for a few hundred words.
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(cues.iter().map(|(p, _)| p))
            .ok()?;
        let hit_bits = class::CUE
            | class::NON_ASCII
            | if digit { class::NUM } else { 0 }
            | if punct.is_empty() { 0 } else { class::PUNCT };
        let mut firsts: Vec<u8> = punct
            .iter()
            .filter_map(|(c, p)| c.is_ascii().then(|| p.first().copied()).flatten())
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        let ascii_punct = match *firsts.as_slice() {
            [] => None,
            [x] => Some([x; 3]),
            [x, y] => Some([x, y, y]),
            [x, y, z] => Some([x, y, z]),
            _ => None,
        };
        let walk_bits = if ascii_punct.is_some() {
            let non_ascii = punct.iter().any(|(c, _)| !c.is_ascii());
            (hit_bits & !class::PUNCT) | if non_ascii { class::NON_ASCII_PUNCT } else { 0 }
        } else {
            hit_bits
        };
        Some(Prefilter {
            ac,
            fam: cues.iter().map(|&(_, f)| f).collect(),
            pairs,
            punct,
            punct_first,
            digit,
            ascii_punct,
            walk_bits,
            gate,
            longest: cues.iter().map(|(p, _)| p.len()).max().unwrap_or(0),
        })
    })
    .as_ref()
}

/// Per-sentence flags from the prefilter: which families have a whole-word cue.
fn cue_sentences(text: &str, sents: &[(usize, usize)]) -> Vec<[bool; 4]> {
    let Some(pre) = prefilter() else {
        return vec![[true; 4]; sents.len()];
    };
    let mut flags = vec![[false; 4]; sents.len()];
    mark_cues(pre, text, 0..text.len(), sents, 0, &mut flags);
    flags
}

/// Scans `text[span]` for cues and sets the flags of the sentences holding a whole-word cue;
/// `si` is the first sentence that may hold one.
fn mark_cues(
    pre: &Prefilter,
    text: &str,
    span: std::ops::Range<usize>,
    sents: &[(usize, usize)],
    mut si: usize,
    flags: &mut [[bool; 4]],
) {
    let b = text.as_bytes();
    text::work(span.len());
    for m in pre.ac.find_iter(aho_corasick::Input::new(text).span(span)) {
        let (s, e) = (m.start(), m.end());
        let word = b[s].is_ascii_alphanumeric();
        let left_ok = s == 0 || !b[s - 1].is_ascii_alphanumeric();
        let right_ok = e == b.len() || !b[e].is_ascii_alphanumeric();
        if word && !(left_ok && right_ok) {
            continue;
        }
        while si < sents.len() && sents[si].1 <= s {
            si += 1;
        }
        let (Some(f), Some(fl)) = (pre.fam.get(m.pattern().as_usize()), flags.get_mut(si)) else {
            break;
        };
        fl[*f as usize] = true;
    }
}

/// [`cue_sentences`] reading only the bytes around the hits of the token stream `tk` of
/// `text`, with the same flags.
///
/// A whole-word match of a cue that starts with ASCII letters begins a word token that is the
/// cue's first word ([`class::CUE`]), unless a non-ASCII letter joins it to its neighbours
/// ([`class::NON_ASCII`]); a cue that starts with a quotation mark begins at a punctuation
/// token. So every match that sets a flag starts inside such a token (a hit). The automaton
/// runs over each cluster of hits: where no cue can hold the two bytes around a position (see
/// [`Prefilter::cut_ok`]), no match of the whole text runs across it, so a scan that starts
/// there finds the matches after it that the scan of the whole text found. A hit's scan starts
/// at the last such position at or before it and ends a longest cue after its end: every
/// match that starts inside the hit then lies inside the scanned bytes and is found as
/// before. A match in a scan that starts after its last hit sets no flag (it starts in no hit:
/// a hit inside a scan's bytes joins that scan), and a hit whose scan would start before the
/// end of the previous one joins it.
fn cue_sentences_gated(text: &str, sents: &[(usize, usize)], tk: &Tokens) -> Vec<[bool; 4]> {
    let Some(pre) = prefilter() else {
        return vec![[true; 4]; sents.len()];
    };
    if !pre.gate {
        return cue_sentences(text, sents);
    }
    let b = text.as_bytes();
    let mut flags = vec![[false; 4]; sents.len()];
    // The scan being gathered (its bytes), and the first sentence it may touch.
    let mut scan: Option<std::ops::Range<usize>> = None;
    let mut si = 0usize;
    for (start, end) in Hits::new(pre, b, &tk.toks) {
        // Back from the hit to a position no cue runs across (not before the scan gathered).
        let floor = scan.as_ref().map_or(0, |r| r.end);
        let mut lo = start;
        while lo > floor && !pre.cut_ok(b, lo) {
            lo -= 1;
        }
        text::work(start - lo + 1);
        let hi = end.saturating_add(pre.longest).min(b.len());
        match &mut scan {
            Some(r) if lo <= r.end => r.end = r.end.max(hi),
            _ => {
                if let Some(r) = scan.take() {
                    mark_cues(pre, text, r, sents, si, &mut flags);
                }
                while si < sents.len() && sents[si].1 <= lo {
                    si += 1;
                }
                scan = Some(lo..hi);
            }
        }
    }
    if let Some(r) = scan {
        mark_cues(pre, text, r, sents, si, &mut flags);
    }
    flags
}

/// Fills `doc.actions`, `doc.shortages`, `doc.measures` and `doc.quotes` from its text, using
/// its place and date annotations (run it after them).
pub fn annotate(doc: &mut Document) {
    annotate_with(doc, None);
}

/// [`annotate`] with the code-point index of `doc.text`, when the caller has built it.
pub(crate) fn annotate_with(doc: &mut Document, idx: Option<&CharIndex>) {
    annotate_tokens(doc, idx, None);
}

/// [`annotate_with`] with the token stream of `doc.text` and its sentences (as
/// [`text::sentences`] splits them), when the caller has them: the prefilter then reads only
/// the sentences that may hold a cue.
pub(crate) fn annotate_tokens(
    doc: &mut Document,
    idx: Option<&CharIndex>,
    shared: Option<(&Tokens, Vec<(usize, usize)>)>,
) {
    if doc.text.is_empty() {
        return;
    }
    // The sentences are tokenised from the shared stream (`text::tokens_from_stream`).
    let stream = shared
        .as_ref()
        .map(|&(tk, _)| tk)
        .map(|tk| tk.toks.as_slice());
    let (response, quotes) = {
        let (sents, flags) = match shared {
            Some((tk, sents)) => {
                let flags = cue_sentences_gated(&doc.text, &sents, tk);
                (sents, flags)
            }
            None => {
                let sents = text::sentences(&doc.text);
                let flags = cue_sentences(&doc.text, &sents);
                (sents, flags)
            }
        };
        if !flags.iter().any(|f| f.iter().any(|x| *x)) {
            return;
        }
        let ctx = match idx {
            Some(idx) => Ctx::with_index(doc, std::borrow::Cow::Borrowed(idx)),
            None => Ctx::new(doc),
        };
        let wanted: Vec<bool> = flags.iter().map(|f| f[Family::Quote as usize]).collect();
        (
            find_flagged(&ctx, &sents, &flags, stream),
            crate::quote::find_in(&ctx, &sents, &wanted, stream),
        )
    };
    doc.actions = response.actions;
    doc.shortages = response.shortages;
    doc.measures = response.measures;
    doc.quotes = quotes;
}

/// Finds the actions, shortages and measures of `doc`, using its place and date annotations.
pub fn find(doc: &Document) -> Response {
    if doc.text.is_empty() {
        return Response::default();
    }
    let ctx = Ctx::new(doc);
    let sents = text::sentences(&doc.text);
    find_in(&ctx, &sents)
}

/// The parties of a speaker phrase for the quote pass: (first token, end token, organisation
/// name, country). A country is named by its gazetteer name ("Chinese" → "China").
pub(crate) fn parties_in(
    ctx: &Ctx<'_>,
    toks: &[Tok],
) -> Vec<(usize, usize, String, Option<String>)> {
    parties::parties(ctx, toks)
        .into_iter()
        .map(|p| {
            let name = if p.party.kind == "country" {
                ctx.place_at(toks[p.i].s)
                    .map_or_else(|| p.party.text.clone(), |pl| pl.name.to_string())
            } else {
                let t = p.party.text.trim_start_matches("the ");
                t.strip_suffix("'s")
                    .or_else(|| t.strip_suffix("’s"))
                    .unwrap_or(t)
                    .to_string()
            };
            (p.i, p.j, name, p.party.country.clone())
        })
        .collect()
}

/// Sentences holding a quotation mark or a speech verb, for the quote pass.
pub(crate) fn quote_sentences(text: &str, sents: &[(usize, usize)]) -> Vec<bool> {
    cue_sentences(text, sents)
        .iter()
        .map(|f| f[Family::Quote as usize])
        .collect()
}

/// [`find`] over a prepared context and its sentences.
fn find_in(ctx: &Ctx<'_>, sents: &[(usize, usize)]) -> Response {
    let flags = cue_sentences(ctx.text, sents);
    find_flagged(ctx, sents, &flags, None)
}

/// [`find_in`] with the prefilter's flags computed; `stream` is the shared token stream of the
/// text, when the caller has it (the sentences are tokenised from it).
fn find_flagged(
    ctx: &Ctx<'_>,
    sents: &[(usize, usize)],
    flags: &[[bool; 4]],
    stream: Option<&[crate::tokens::Token]>,
) -> Response {
    text::with_scratch(|sc| find_flagged_in(ctx, sents, flags, stream, sc))
}

/// [`find_flagged`] with the buffers `sc`.
fn find_flagged_in(
    ctx: &Ctx<'_>,
    sents: &[(usize, usize)],
    flags: &[[bool; 4]],
    stream: Option<&[crate::tokens::Token]>,
    sc: &mut text::Scratch,
) -> Response {
    let doc_text = ctx.text;
    let lists = Lists::global();
    let mut out = Response::default();
    let toks = &mut sc.toks;
    let infos = &mut sc.infos;
    let items = &mut sc.items;
    let gate = ItemGate::global();
    for (&(s, e), f) in sents.iter().zip(flags) {
        if !f[..3].iter().any(|x| *x) {
            continue;
        }
        // Without a measure cue only an item or "request" makes the sentence worth reading.
        if !f[Family::Measure as usize]
            && let Some(st) = stream
            && !gate.may_want(doc_text.as_bytes(), st, (s, e))
        {
            continue;
        }
        text::tokens_of(doc_text, stream, (s, e), toks);
        if toks.is_empty() {
            continue;
        }
        let (toks, infos): (&[Tok], &[WordInfo]) = {
            // What the lists say about each token: one lookup, read by items, parties and the
            // finders.
            lists.infos_with(ctx, toks, stream, infos);
            (toks, infos)
        };
        parties::items_known(ctx, toks, infos, items);
        let items: &[ItemAt] = items;
        let want_actions = f[Family::Action as usize]
            && (!items.is_empty() || toks.iter().any(|t| is(ctx.t(t), "request")));
        let want_shortages = f[Family::Shortage as usize] && !items.is_empty();
        let want_measures = f[Family::Measure as usize];
        if !(want_actions || want_shortages || want_measures) {
            continue;
        }
        // Parties are the costly part: found only when a finder asks for them.
        let parties = LazyParties::new(ctx, toks, infos);
        if want_actions {
            actions::find(ctx, toks, infos, (s, e), &parties, items, &mut out.actions);
        }
        if want_shortages {
            out.shortages
                .extend(find_shortages(ctx, toks, infos, (s, e), &parties, items));
        }
        if want_measures {
            find_measures(ctx, toks, infos, (s, e), &parties, &mut out.measures);
        }
    }
    out
}

/// The end of the clause holding token `from`: the next `;`, `:`, or a clause word.
fn clause_end(ctx: &Ctx<'_>, toks: &[Tok], from: usize) -> usize {
    (from..toks.len())
        .find(|&k| {
            let w = ctx.t(&toks[k]);
            matches!(w, ";" | ":" | ".")
                || is_any(w, &["but", "while", "although", "whereas", "because"])
        })
        .unwrap_or(toks.len())
}

/// The place of a shortage or measure: the nearest party to the left of `at` (not an item
/// modifier), else the first party after "in" to its right.
fn place_of(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    parties: &[PartyAt],
    at: usize,
    end: usize,
) -> Option<Party> {
    // Places only: a country, or a ministry of a known country; not WHO or MSF.
    let parties: Vec<&PartyAt> = parties
        .iter()
        .filter(|p| p.party.kind == "country" || p.party.id.len() == 2)
        .collect();
    parties
        .iter()
        .rev()
        .find(|p| p.j <= at && !p.modifier)
        .or_else(|| {
            parties.iter().find(|p| {
                p.i > at && p.i < end && p.i > 0 && {
                    // "in northern Iraq".
                    let mut q = p.i - 1;
                    if q > 0
                        && is_any(
                            ctx.t(&toks[q]),
                            &[
                                "northern", "southern", "eastern", "western", "central", "the",
                            ],
                        )
                    {
                        q -= 1;
                    }
                    is_any(ctx.t(&toks[q]), &["in", "across", "throughout", "of", "on"])
                }
            })
        })
        .map(|p| p.party.clone())
}

/// Shortages: "short on/of X", "shortage(s) of X", "in short supply of X", "lack of X",
/// "running out of X"; "X is/are scarce", "X in short supply".
pub(crate) fn find_shortages(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    infos: &[WordInfo],
    (s, e): (usize, usize),
    parties: &LazyParties<'_, '_>,
    items: &[ItemAt],
) -> Vec<Shortage> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let w = ctx.t(&toks[k]);
        let next = toks.get(k + 1).map(|t| ctx.t(t)).unwrap_or("");
        let prev = k.checked_sub(1).map(|p| ctx.t(&toks[p])).unwrap_or("");
        // (cue start, first token of the object after the cue, object before the cue)
        let hit: Option<(usize, bool)> = if is(w, "short") && is_any(next, &["of", "on"]) {
            Some((k + 2, false))
        } else if is(w, "short") && is(next, "supply") {
            if toks.get(k + 2).is_some_and(|t| is(ctx.t(t), "of")) {
                Some((k + 3, false))
            } else {
                Some((k + 2, true))
            }
        } else if is_any(w, &["shortage", "shortages", "scarcity"]) {
            if is(next, "of") {
                Some((k + 2, false))
            } else {
                Some((k + 1, true))
            }
        } else if is(w, "lack") && is(next, "of") || is_any(w, &["lacks", "lacking"]) {
            Some((if is(next, "of") { k + 2 } else { k + 1 }, false))
        } else if is(w, "out") && is(next, "of") && is_any(prev, &["run", "running", "ran", "runs"])
        {
            Some((k + 2, false))
        } else if is(w, "scarce") || is(w, "insufficient") && !is(next, "data") {
            Some((k + 1, true))
        } else {
            None
        };
        let Some((obj, before)) = hit else {
            k += 1;
            continue;
        };
        let end = clause_end(ctx, toks, obj);
        // The object: an item right after the cue and the list it starts ("masks,
        // fever-reducers, and vaccines", "… not to mention COVID-19 vaccines").
        let mut its: Vec<_> = Vec::new();
        let mut reach = obj + 4;
        for it in items.iter().filter(|it| it.i >= obj && it.i < end) {
            if it.i > reach {
                break;
            }
            reach = it.j + 6;
            if !matches!(&*it.item.kind, "aid" | "funds") {
                its.push(it.item.clone());
            }
        }
        if its.is_empty() && before {
            // "Vaccines are scarce", "a shortage in masks": the items just before the cue.
            let lo = k.saturating_sub(6);
            its = items
                .iter()
                .filter(|it| it.i >= lo && it.j <= k && it.item.kind != "aid")
                .map(|it| it.item.clone())
                .collect();
        }
        if !its.is_empty() {
            out.push(Shortage {
                items: its,
                place: place_of(ctx, toks, parties.get(), k, end),
                hedged: hedged_in(ctx, toks, infos),
                date: ctx.date_in(s, e),
                evidence: ctx.trimmed_span(s, e),
            });
        }
        k = end.max(k + 1);
    }
    out
}

/// Measures: the phrases of `data/response/measures.tsv` and "closed/sealed (its) border(s)",
/// pushed to `all` (the measures of the sentences before are left as they are).
/// `infos` are the [`WordInfo`] of `toks`: a word they mark not known starts no phrase of any
/// list, and the others name their group of measures.
pub(crate) fn find_measures(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    infos: &[WordInfo],
    (s, e): (usize, usize),
    parties: &LazyParties<'_, '_>,
    all: &mut Vec<Measure>,
) {
    let lists = Lists::global();
    // The measures of this sentence: one per kind.
    let first = all.len();
    let mut k = 0;
    while k < toks.len() {
        let info = infos
            .get(k)
            .copied()
            .unwrap_or_else(|| lists.info(&toks[k], ctx.t(&toks[k])));
        if toks[k].word && !info.known {
            k += 1;
            continue;
        }
        let Some((n, kind)) = lists
            .measures
            .longest_in(ctx, toks, k, info.groups[MEASURES])
        else {
            k += 1;
            continue;
        };
        let j = k + n;
        // "isolation" of a virus in a laboratory is not a measure.
        let lab = kind == "isolation"
            && (toks
                .get(j)
                .is_some_and(|t| is_any(ctx.t(t), &["of", "studies", "study", "attempts"]))
                || k > 0
                    && is_any(
                        ctx.t(&toks[k - 1]),
                        &["virus", "viral", "virological", "bacterial"],
                    ));
        if lab || all[first..].iter().any(|m| m.kind == *kind) {
            k = j;
            continue;
        }
        let lo = k.saturating_sub(4);
        let modality = if toks[lo..k]
            .iter()
            .any(|t| is_any(ctx.t(t), &["not", "n't", "never", "no"]))
        {
            "denied"
        } else if toks[lo..k].iter().any(|t| {
            is_any(
                ctx.t(t),
                &[
                    "will",
                    "plans",
                    "planned",
                    "planning",
                    "considering",
                    "would",
                    "to",
                ],
            )
        }) {
            "planned"
        } else {
            "reported"
        };
        let end = clause_end(ctx, toks, j);
        all.push(Measure {
            kind: kind.clone().into(),
            mention: ctx.span(toks[k].s, toks[j - 1].e),
            place: place_of(ctx, toks, parties.get(), k, end),
            date: ctx.date_in(s, e),
            modality: modality.into(),
            hedged: hedged_in(ctx, toks, infos),
            evidence: ctx.trimmed_span(s, e),
        });
        k = j;
    }
}
