//! Disease and pathogen recognition.
//!
//! A lexicon (`data/diseases.tsv`, built by `scripts/build_diseases.py` from the Disease
//! Ontology infectious-disease slim and a curated table of what news writes) is compiled once
//! into an anchored Aho–Corasick DFA. [`DiseaseMatcher::find`]:
//!
//! 1. normalises the text in one pass (separators, parentheses, accents, apostrophes), keeping
//!    a map back to the original bytes;
//! 2. at each word start whose first word (and the two bytes after it) can begin a term, finds
//!    the longest term that ends on a word boundary and, for abbreviations (`TB`, `AFP`, `HUS`),
//!    in the right case; so `yellow fever` wins over the syndrome `fever`, `Ebola haemorrhagic
//!    fever` over `Ebola`, and `flu` is not found in `influx`;
//! 3. drops what is not a mention: a hyphenated modifier (`malaria-endemic`, `flu-like`), a
//!    bracketed abbreviation restating the name just before it (`African swine fever (ASF)`), a
//!    syndrome listed as a symptom rather than reported with cases (`fever, headache` vs
//!    `cases of fever`), and repeats of a disease within one sentence ([`DiseaseMatcher::find_all`]
//!    keeps those);
//! 4. maps every span back to exactly the original characters, in code points.
//!
//! Scoring on BAND is in [`eval_band`].

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, Input, MatchKind, StartKind};
use epiwire_model::{CharIndex, Disease, Span, Word};

use crate::hash::FxSet;

mod eval;
mod normalize;
mod stream;

pub use eval::{
    BAND_LABELS, BandCombinedReport, BandReport, CombinedRow, LabelRecall, Scores, eval_band,
    eval_band_combined, eval_band_with,
};

use normalize::{Normalized, is_word, normalize_into, normalize_term};

/// The lexicon compiled into the binary.
pub const EMBEDDED_LEXICON: &str = include_str!("../../data/diseases.tsv");

/// Errors of disease recognition and of its evaluation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A lexicon line is malformed.
    #[error("disease lexicon line {line}: {message}")]
    Lexicon {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The automaton could not be built.
    #[error("building the disease automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
    /// An evaluation file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The place half of the combined BAND evaluation failed.
    #[error("BAND places: {0}")]
    Place(#[from] crate::place::Error),
    /// An evaluation record is not valid.
    #[error("{path}:{line}: {message}")]
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// One lexicon entry: a disease, pathogen or syndrome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable identifier: `DOID:…` where the Disease Ontology has the disease, else `epiwire:…`.
    /// Borrowed from the embedded lexicon in [`DiseaseMatcher::global`], so the output records
    /// copy it without allocating.
    pub id: Word,
    /// Preferred name.
    pub name: Word,
    /// ICD-10 code, when known.
    pub icd10: Option<Word>,
    /// ICD-11 code, when known.
    pub icd11: Option<String>,
    /// Parent grouping (a DOID), when useful.
    pub parent: Option<String>,
    /// The surface forms, as written in the lexicon (`=` marks a case-sensitive one).
    pub terms: Vec<String>,
}

/// Largest normalisation buffer kept per thread between calls, in bytes of text.
const KEEP_BUFFER: usize = 1 << 22;

/// Entries that name a syndrome in ordinary words. They are mentions only where the text reports
/// them as a condition with cases (`cases of fever`, `fever patients`), not where it lists them as
/// symptoms (`fever, headache and vomiting`).
const NEEDS_CONTEXT: &[&str] = &[
    "epiwire:fever",
    "epiwire:pneumonia",
    "epiwire:diarrhoea",
    "epiwire:acute-respiratory-illness",
    "epiwire:food-poisoning",
];

/// Abbreviations that are also common names of something else (`AFP`, the news agency): like
/// syndromes, they count only with case context (`AFP cases`, `cases of AFP`).
const AMBIGUOUS_TERMS: &[&str] = &["AFP"];

/// Per-entry matching rules.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// See [`NEEDS_CONTEXT`].
    needs_context: bool,
}

/// What one automaton pattern stands for.
#[derive(Debug, Clone)]
struct Pattern {
    /// Index into `entries`.
    entry: u32,
    /// The normalised pattern must match the text byte for byte (abbreviations).
    case_sensitive: bool,
    /// Needs case context, see [`AMBIGUOUS_TERMS`].
    needs_context: bool,
    /// How many normalised bytes of the match are the mention (the rest is required context,
    /// `unknown{ disease}` in the lexicon).
    kept: u32,
    /// Whether the last normalised byte is a word byte (then a word boundary must follow).
    /// Every pattern starts with a word byte: matches are searched at word starts.
    word_end: bool,
}

/// A disease matcher: the lexicon compiled into an automaton. Build once, share freely.
pub struct DiseaseMatcher {
    entries: Vec<Entry>,
    /// Per-entry rules, parallel to `entries`.
    flags: Vec<Flags>,
    patterns: Vec<Pattern>,
    /// The first words of all patterns, to skip most words without a search.
    first_words: WordFilter,
    /// Normalised bytes of case-sensitive patterns (empty for the others).
    exact: Vec<Vec<u8>>,
    /// Every whole term, normalised and lower-cased: its entry, and whether the lexicon writes
    /// it as a proper name (`West Nile`, `Hendra`, `MERS-CoV`: capitalised, not all capitals).
    terms: std::collections::HashMap<Vec<u8>, (u32, bool)>,
    /// The anchored, ASCII case-insensitive, leftmost-longest DFA of the normalised patterns.
    automaton: DFA,
    /// How the token stream's words gate the search (see `stream`); `None` when the class
    /// table of the token stream does not cover this lexicon's first words.
    gate: Option<stream::Gate>,
}

impl fmt::Debug for DiseaseMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiseaseMatcher")
            .field("entries", &self.entries.len())
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

fn owned(s: &str) -> Word {
    Cow::Owned(s.to_owned())
}

impl DiseaseMatcher {
    /// The matcher over the embedded lexicon, built on first use.
    pub fn global() -> &'static DiseaseMatcher {
        static GLOBAL: OnceLock<DiseaseMatcher> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            // The embedded lexicon is part of the build, not input; a unit test builds it, so a
            // failure here is a packaging defect.
            #[allow(clippy::expect_used)]
            DiseaseMatcher::build(EMBEDDED_LEXICON, Cow::Borrowed)
                .expect("embedded disease lexicon is valid")
        })
    }

    /// Builds a matcher from a lexicon in the `diseases.tsv` format: tab-separated `id`, `name`,
    /// `icd10`, `icd11`, `parent`, `terms` (`|`-separated; a `=` prefix makes a term
    /// case-sensitive). Lines starting with `#` and blank lines are skipped.
    pub fn new(tsv: &str) -> Result<DiseaseMatcher> {
        DiseaseMatcher::build(tsv, owned)
    }

    /// [`DiseaseMatcher::new`], with `word` making the entries' ids, names and ICD-10 codes from
    /// slices of `tsv`.
    fn build<'a>(tsv: &'a str, word: fn(&'a str) -> Word) -> Result<DiseaseMatcher> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut patterns = Vec::new();
        let mut exact = Vec::new();
        let mut bytes: Vec<Vec<u8>> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut ids = std::collections::HashSet::new();
        let mut whole_terms = std::collections::HashMap::new();
        for (n, line) in tsv.lines().enumerate() {
            let line_no = n + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [id, name, icd10, icd11, parent, terms] = cols.as_slice() else {
                return Err(Error::Lexicon {
                    line: line_no,
                    message: format!("expected 6 tab-separated columns, found {}", cols.len()),
                });
            };
            let Some(id) = non_empty(id) else {
                return Err(Error::Lexicon {
                    line: line_no,
                    message: "empty id".into(),
                });
            };
            let Some(name) = non_empty(name) else {
                return Err(Error::Lexicon {
                    line: line_no,
                    message: format!("{id}: empty name"),
                });
            };
            if !ids.insert(id) {
                return Err(Error::Lexicon {
                    line: line_no,
                    message: format!("duplicate id {id}"),
                });
            }
            let entry_index = u32::try_from(entries.len()).map_err(|_| Error::Lexicon {
                line: line_no,
                message: "too many entries".into(),
            })?;
            let mut term_list = Vec::new();
            for raw in terms.split('|') {
                let raw = raw.trim();
                if raw.is_empty() {
                    continue;
                }
                term_list.push(raw.to_string());
                let (case_sensitive, term) = match raw.strip_prefix('=') {
                    Some(t) => (true, t),
                    None => (false, raw),
                };
                // `unknown{ disease}`: matches "unknown disease", the mention is "unknown".
                let (kept, context) = match term.strip_suffix('}').and_then(|t| t.split_once('{')) {
                    Some((kept, context)) => (kept, Some(context)),
                    None => (term, None),
                };
                let kept_len = normalize_term(kept).len();
                let norm = normalize_term(&format!("{kept}{}", context.unwrap_or("")));
                if kept_len == 0 || context.is_some() && kept_len >= norm.len() {
                    return Err(Error::Lexicon {
                        line: line_no,
                        message: format!("{id}: term {raw:?} keeps nothing or requires nothing"),
                    });
                }
                if norm.is_empty() {
                    return Err(Error::Lexicon {
                        line: line_no,
                        message: format!("{id}: term {raw:?} is empty after normalisation"),
                    });
                }
                let key = if case_sensitive {
                    norm.clone()
                } else {
                    norm.to_ascii_lowercase()
                };
                if context.is_none() {
                    // `African swine fever` names the disease, not the pathogen: no phrase.
                    let names_disease = term
                        .rsplit(|c: char| !c.is_alphanumeric())
                        .next()
                        .is_some_and(|w| DISEASE_WORDS.iter().any(|d| w.eq_ignore_ascii_case(d)));
                    let proper = term.chars().next().is_some_and(char::is_uppercase)
                        && term.chars().any(char::is_lowercase)
                        && !names_disease;
                    whole_terms
                        .entry(norm.to_ascii_lowercase())
                        .or_insert((entry_index, proper));
                }
                if !seen.insert((case_sensitive, key)) {
                    continue; // the first entry to claim a surface form keeps it
                }
                let (first, last) = (norm[0], norm[norm.len() - 1]);
                if !is_word(first) {
                    return Err(Error::Lexicon {
                        line: line_no,
                        message: format!("{id}: term {raw:?} must start with a letter or digit"),
                    });
                }
                patterns.push(Pattern {
                    entry: entry_index,
                    case_sensitive,
                    needs_context: AMBIGUOUS_TERMS.contains(&term),
                    kept: u32::try_from(kept_len).unwrap_or(u32::MAX),
                    word_end: is_word(last),
                });
                exact.push(if case_sensitive {
                    norm.clone()
                } else {
                    Vec::new()
                });
                bytes.push(norm);
            }
            entries.push(Entry {
                id: word(id),
                name: word(name),
                icd10: non_empty(icd10).map(word),
                icd11: non_empty(icd11).map(str::to_owned),
                parent: non_empty(parent).map(str::to_owned),
                terms: term_list,
            });
        }
        let automaton = DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .prefilter(false)
            .start_kind(StartKind::Anchored)
            .build(&bytes)?;
        let gate = stream::Gate::new(&bytes);
        let flags = entries
            .iter()
            .map(|e| Flags {
                needs_context: NEEDS_CONTEXT.contains(&&*e.id),
            })
            .collect();
        let mut first_words = WordFilter::default();
        for b in &bytes {
            first_words.insert(b);
        }
        Ok(DiseaseMatcher {
            entries,
            flags,
            first_words,
            patterns,
            exact,
            terms: whole_terms,
            automaton,
            gate,
        })
    }

    /// All entries of the lexicon.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with identifier `id`.
    pub fn lookup(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The diseases mentioned in `text`: one [`Disease`] per identifier, in order of first
    /// mention, each with its mentions (code-point offsets, `text` exactly the original).
    ///
    /// Within one sentence only the first mention of a disease is kept, as annotated corpora
    /// (BAND) mark them: a repeat adds nothing to what the sentence is about. Use
    /// [`find_all`](Self::find_all) for every mention.
    pub fn find(&self, text: &str) -> Vec<Disease> {
        self.find_buffered(text, true)
    }

    /// Like [`find`](Self::find), with every mention, repeats within a sentence included.
    pub fn find_all(&self, text: &str) -> Vec<Disease> {
        self.find_buffered(text, false)
    }

    /// Runs [`find_with`](Self::find_with) with this thread's normalisation buffer.
    fn find_buffered(&self, text: &str, first_per_sentence: bool) -> Vec<Disease> {
        with_buffer(|norm| self.find_with(text, norm, first_per_sentence))
    }

    fn find_with(
        &self,
        text: &str,
        norm: &mut Normalized,
        first_per_sentence: bool,
    ) -> Vec<Disease> {
        let spans = self.accepted(text, norm, first_per_sentence);
        let mut index = CharCounter::new(text);
        self.diseases(text, &spans, &mut Vec::new(), |b| index.at(b))
    }

    /// [`find`](Self::find) on the token stream `tk` of `text`, with its code-point index: only
    /// the words the stream marks as possible first words of a term are searched (see
    /// `stream`); the same diseases, mentions and spans as `find`.
    pub(crate) fn find_in(
        &self,
        text: &str,
        tk: &crate::tokens::Tokens,
        index: &CharIndex,
    ) -> Vec<Disease> {
        let found = with_kept(&STREAM_BUFFERS, stream::Buffers::oversized, |bufs| {
            self.match_tokens_into(text, tk, bufs)?;
            first_per_sentence(text, &mut bufs.spans);
            let chars = |b| index.char_offset(b);
            Some(self.diseases(text, &bufs.spans, &mut bufs.seen, chars))
        });
        found.unwrap_or_else(|| self.find(text))
    }

    /// The diseases of the accepted matches `spans` of `text`, `chars` mapping a byte offset
    /// to its code-point offset (asked in increasing order). Each vector is allocated once, at
    /// its size: the diseases and their mentions are counted first, in `seen` (emptied first).
    fn diseases(
        &self,
        text: &str,
        spans: &[(u32, usize, usize)],
        seen: &mut Vec<(u32, usize)>,
        mut chars: impl FnMut(usize) -> usize,
    ) -> Vec<Disease> {
        // The lexicon entry of each disease, in order of first mention, and its mentions (a
        // document names few diseases; a table the size of the lexicon cost more than the
        // search).
        let valid = |&(entry, start, end): &(u32, usize, usize)| {
            Some((self.entries.get(entry as usize)?, text.get(start..end)?))
        };
        seen.clear();
        for span in spans.iter().filter(|s| valid(s).is_some()) {
            match seen.iter_mut().find(|(e, _)| *e == span.0) {
                Some((_, n)) => *n += 1,
                None => seen.push((span.0, 1)),
            }
        }
        // A disease is pushed at its first mention, so the one at `seen[i]` is `out[i]`.
        let mut out: Vec<Disease> = Vec::with_capacity(seen.len());
        for &(entry, start, end) in spans {
            let Some((e, span_text)) = valid(&(entry, start, end)) else {
                continue;
            };
            let span = Span {
                start: chars(start),
                end: chars(end),
                text: span_text.to_string(),
            };
            let Some(i) = seen.iter().position(|&(x, _)| x == entry) else {
                continue;
            };
            match out.get_mut(i) {
                Some(d) => d.mentions.push(span),
                None => {
                    let mut mentions = Vec::with_capacity(seen.get(i).map_or(1, |&(_, n)| n));
                    mentions.push(span);
                    out.push(Disease {
                        id: e.id.clone(),
                        name: e.name.clone(),
                        icd10: e.icd10.clone(),
                        mentions,
                    });
                }
            }
        }
        out
    }

    /// The identifier of the main disease of `text` as [`crate::link::main_disease`] picks it
    /// from [`find`](Self::find): the most mentioned specific disease, earliest on ties, else
    /// the most mentioned syndrome. Read from the matches, without building the diseases (a
    /// title's, for linking).
    pub(crate) fn main_disease_of(&self, text: &str) -> Option<&Word> {
        let spans = self.find_buffered_spans(text);
        // Per entry, in order of first mention: (entry, mentions, first start).
        let mut seen: Vec<(u32, usize, usize)> = Vec::with_capacity(spans.len());
        for (entry, start, _) in spans {
            match seen.iter_mut().find(|(e, _, _)| *e == entry) {
                Some((_, n, _)) => *n += 1,
                None => seen.push((entry, 1, start)),
            }
        }
        let id = |entry: u32| self.entries.get(entry as usize).map(|e| &e.id);
        seen.iter()
            .filter_map(|&(entry, n, first)| {
                let id = id(entry)?;
                Some((
                    (!crate::link::is_syndrome(id), n, std::cmp::Reverse(first)),
                    id,
                ))
            })
            .max_by_key(|&(rank, _)| rank)
            .map(|(_, id)| id)
    }

    /// The accepted matches of [`find`](Self::find), with this thread's normalisation buffer.
    fn find_buffered_spans(&self, text: &str) -> Vec<(u32, usize, usize)> {
        with_buffer(|norm| self.accepted(text, norm, true))
    }

    /// The mentions [`find`](Self::find) reports, each with the spans a nested annotation marks
    /// around or inside it: BAND marks the disease phrase `West Nile virus` (Disease) and the
    /// pathogen `West Nile` in it (Virus), `Lassa fever` and `Lassa`, `MERS-CoV infection` and
    /// `MERS-CoV`. `find` reports one span per mention; this is for scoring against such
    /// annotations and for callers that want the pathogen name.
    pub fn find_nested(&self, text: &str) -> Vec<NestedMention> {
        let mut norm = Normalized::default();
        let spans = self.accepted(text, &mut norm, true);
        let mut out = Vec::with_capacity(spans.len());
        let chars = |b: usize| text.get(..b).map_or(0, |t| t.chars().count());
        let span = |s: usize, e: usize| {
            text.get(s..e).map(|t| Span {
                start: chars(s),
                end: chars(e),
                text: t.to_string(),
            })
        };
        for (entry, start, end) in spans {
            let (Some(e), Some(mention)) = (self.entries.get(entry as usize), span(start, end))
            else {
                continue;
            };
            let key = normalize_term(&mention.text).to_ascii_lowercase();
            let proper = self.terms.get(&key).is_some_and(|&(_, p)| p);
            let phrase = if proper {
                phrase_end(text, end).and_then(|pe| span(start, pe))
            } else {
                None
            };
            let pathogen = PATHOGEN_SUFFIXES.iter().find_map(|(suffix, words)| {
                let rest = key.strip_suffix(suffix.as_bytes())?;
                let &(other, _) = self.terms.get(rest)?;
                if other != entry {
                    return None;
                }
                let inner_end = drop_last_words(text, start, end, *words)?;
                span(start, inner_end)
            });
            out.push(NestedMention {
                id: e.id.to_string(),
                mention,
                phrase,
                pathogen,
            });
        }
        out
    }

    /// The accepted matches of `text` as `(entry, start byte, end byte)`, in text order; with
    /// `first_per_sentence`, only the first mention of an entry in each sentence.
    fn accepted(
        &self,
        text: &str,
        norm: &mut Normalized,
        first_per_sentence: bool,
    ) -> Vec<(u32, usize, usize)> {
        if u32::try_from(text.len()).is_err() {
            return Vec::new(); // offsets are kept as u32; no article is 4 GiB
        }
        let mut spans = self.match_bytes(text, norm);
        if first_per_sentence {
            self::first_per_sentence(text, &mut spans);
        }
        spans
    }

    /// The accepted matches as `(entry, start byte, end byte)` in the original, in text order.
    fn match_bytes(&self, text: &str, norm: &mut Normalized) -> Vec<(u32, usize, usize)> {
        normalize_into(text, norm);
        let hay = norm.bytes.as_slice();
        // At each word start, the longest term that starts there (an anchored search, which
        // dies after a byte or two on most words). A match must end on a word boundary and, for
        // abbreviations, be in the right case. A match rejected by the rules further down
        // still consumes its bytes, so `COVID-19-related` does not fall back to `COVID`.
        // (normalised start, normalised end, entry, the pattern needs case context)
        // Allocated at once for a few (a title's), not grown from nothing.
        let mut cands: Vec<(usize, usize, u32, bool)> = Vec::with_capacity(4);
        let mut pos = 0usize;
        let n = hay.len();
        while pos < n {
            // The next word: hay[pos..word_end].
            while pos < n && !is_word(hay[pos]) {
                pos += 1;
            }
            if pos >= n {
                break;
            }
            // Letters and digits eight bytes at a time; `_` and non-ASCII word bytes one by one.
            let mut word_end = crate::ascii::alnum_end(hay, pos + 1);
            while word_end < n && is_word(hay[word_end]) {
                word_end = crate::ascii::alnum_end(hay, word_end + 1);
            }
            // A term starts with a whole word; most words start no term.
            if !self.first_words.may_start(hay, pos, word_end) {
                pos = word_end;
                continue;
            }
            // The longest term starting here that ends on a word boundary in the right case:
            // when the longest fails (`hepatitis C` in `hepatitis cases`), search again in a
            // haystack that ends before it, which yields the next longest (`hepatitis`).
            let mut limit = n;
            let mut found = None;
            let mut consumed = pos;
            while limit > pos {
                let input = Input::new(hay).range(pos..limit).anchored(Anchored::Yes);
                let Ok(Some(m)) = self.automaton.try_find(&input) else {
                    break;
                };
                let (s, e) = (m.start(), m.end());
                let pid = m.pattern().as_usize();
                let Some(p) = self.patterns.get(pid) else {
                    break;
                };
                let boundary = !p.word_end || e >= n || !is_word(hay[e]);
                let case_ok =
                    !p.case_sensitive || hay.get(s..e) == Some(self.exact[pid].as_slice());
                if boundary && case_ok {
                    // The mention ends where its kept part ends; the context is consumed.
                    let kept_end = (s + p.kept as usize).min(e);
                    found = Some((s, kept_end, p.entry, p.needs_context));
                    consumed = e;
                    break;
                }
                limit = e - 1;
            }
            match found {
                Some(c) => {
                    pos = consumed.max(c.1);
                    cands.push(c);
                }
                None => pos = word_end,
            }
        }
        if cands.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(cands.len());
        // The last kept mention: (normalised end, entry).
        let mut prev: Option<(usize, u32)> = None;
        for (s, e, entry, pattern_context) in cands {
            let start = norm.origin(s);
            let end = end_of_char(text, norm.origin(e - 1));
            // `flu-like`, `malaria-endemic`, `fever-reducing`, `flu like`: a modifier, not a
            // mention.
            if starts_compound(text.get(end..).unwrap_or(""))
                || word_after(hay, e).is_some_and(|w| w.eq_ignore_ascii_case(b"like"))
            {
                continue;
            }
            let flags = self.flags.get(entry as usize).copied().unwrap_or_default();
            // `hantavirus fever`: a syndrome word right after a disease names that disease.
            if flags.needs_context
                && prev.is_some_and(|(prev_end, _)| hay.get(prev_end..s) == Some(b" "))
            {
                continue;
            }
            if (flags.needs_context || pattern_context) && !case_context(hay, s, e) {
                continue;
            }
            // `African swine fever (ASF)`: the bracketed abbreviation restates the name.
            if let Some((prev_end, prev_entry)) = prev
                && prev_entry == entry
                && is_restatement(hay, prev_end, s, e)
            {
                continue;
            }
            prev = Some((e, entry));
            out.push((entry, start, end));
        }
        out
    }
}

thread_local! {
    /// This thread's normalisation buffer (see [`with_buffer`]).
    static BUFFER: RefCell<Normalized> = RefCell::new(Normalized::default());
    /// This thread's buffers of the search on the token stream (see [`DiseaseMatcher::find_in`]).
    static STREAM_BUFFERS: RefCell<stream::Buffers> = RefCell::new(stream::Buffers::default());
}

/// Runs `f` with this thread's normalisation buffer (a fresh one when it is in use).
fn with_buffer<R>(f: impl FnOnce(&mut Normalized) -> R) -> R {
    with_kept(&BUFFER, |norm| norm.bytes.capacity() > KEEP_BUFFER, f)
}

/// Runs `f` with this thread's buffer `key` (a fresh one when it is in use), so that a
/// document reuses the allocations of the one before; a buffer left `oversized` is dropped
/// (do not hold on to a huge document's buffer).
fn with_kept<T: Default + 'static, R>(
    key: &'static std::thread::LocalKey<RefCell<T>>,
    oversized: fn(&T) -> bool,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    key.with(|buf| match buf.try_borrow_mut() {
        Ok(mut kept) => {
            let out = f(&mut kept);
            if oversized(&kept) {
                *kept = T::default();
            }
            out
        }
        Err(_) => f(&mut T::default()),
    })
}

/// The leading ASCII letters, lower-cased, of every term of the lexicon `tsv` once normalised
/// (none for a term that starts with a digit), sorted and without repeats: the words the token
/// stream marks as possible first words of a term.
pub(crate) fn first_letter_runs(tsv: &str) -> Vec<String> {
    first_runs(tsv, stream::letter_run)
}

/// The leading ASCII digits of every term of the lexicon `tsv` once normalised (`2019` of
/// `2019-nCoV`; none for a term that starts with a letter), sorted and without repeats: the
/// numbers the token stream marks ([`crate::tokens::class::DISEASE_NUM`]).
pub(crate) fn first_digit_runs(tsv: &str) -> Vec<String> {
    first_runs(tsv, stream::digit_run)
}

/// `run` of every term of the lexicon `tsv` once normalised, lower-cased, sorted and without
/// repeats (empty runs left out).
fn first_runs(tsv: &str, run: fn(&[u8]) -> &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in tsv.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(terms) = line.trim_end_matches('\r').split('\t').nth(5) else {
            continue;
        };
        for raw in terms.split('|') {
            let raw = raw.trim();
            let norm = normalize_term(raw.strip_prefix('=').unwrap_or(raw));
            let run = run(&norm);
            if !run.is_empty() {
                out.push(String::from_utf8_lossy(run).to_ascii_lowercase());
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A mention with the nested spans of [`DiseaseMatcher::find_nested`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedMention {
    /// Identifier of the entry.
    pub id: String,
    /// The mention, as [`DiseaseMatcher::find`] reports it.
    pub mention: Span,
    /// The disease phrase around a pathogen's proper name: the mention and a following `virus`,
    /// `infection` or `virus infection` (`West Nile virus`, `MERS-CoV infection`).
    pub phrase: Option<Span>,
    /// The pathogen name inside the mention, when the mention is that name and `fever`,
    /// `infection`, `virus infection` or `virus disease` and the name is a term of the same
    /// entry (`Lassa` in `Lassa fever`, `dengue` in `dengue fever`).
    pub pathogen: Option<Span>,
}

/// Last words that make a capitalised term the name of a disease (`African swine fever`,
/// `Japanese encephalitis`) rather than of a pathogen (`West Nile`, `Hendra`).
const DISEASE_WORDS: &[&str] = &[
    "fever",
    "disease",
    "encephalitis",
    "syndrome",
    "influenza",
    "flu",
    "plague",
    "infection",
    "pox",
];

/// Normalised, lower-case endings after a pathogen name, and how many words each has.
const PATHOGEN_SUFFIXES: [(&str, usize); 4] = [
    (" virus disease", 2),
    (" virus infection", 2),
    (" infection", 1),
    (" fever", 1),
];

/// The byte end of `virus`, `infection(s)` or `virus infection(s)` right after byte `end` of
/// `text` (after white space), if there is one; `virus disease` is left alone (the lexicon
/// has those as terms).
fn phrase_end(text: &str, end: usize) -> Option<usize> {
    let after_word = |at: usize, words: &[&str]| -> Option<usize> {
        let rest = text.get(at..)?;
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() {
            return None; // no white space
        }
        let start = at + rest.len() - trimmed.len();
        let len = trimmed
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(trimmed.len());
        let word = trimmed.get(..len)?;
        if !words.iter().any(|w| word.eq_ignore_ascii_case(w)) {
            return None;
        }
        // `virus-like`, `infection-related`: a compound, not the phrase.
        if trimmed[len..].starts_with('-') {
            return None;
        }
        Some(start + len)
    };
    let infection = ["infection", "infections"];
    match after_word(end, &["virus"]) {
        Some(v) => {
            if after_word(v, &["disease"]).is_some() {
                return None;
            }
            Some(after_word(v, &infection).unwrap_or(v))
        }
        None => after_word(end, &infection),
    }
}

/// The byte end of `text[start..end]` without its last `words` words (and the separators
/// before them), or `None` when nothing would be left.
fn drop_last_words(text: &str, start: usize, end: usize, words: usize) -> Option<usize> {
    let mention = text.get(start..end)?;
    let mut cut = mention.len();
    for _ in 0..words {
        let head = mention.get(..cut)?;
        // the last word, then the separators before it
        let word_start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric())
            .last()
            .map(|(i, _)| i)?;
        let before = mention.get(..word_start)?;
        cut = before
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .len();
        if cut == 0 {
            return None;
        }
    }
    Some(start + cut)
}

/// The first words of the patterns, case-folded, in a hash set with a cheap hash: most words of
/// a text start no term and are skipped with one lookup.
#[derive(Debug, Clone)]
struct WordFilter {
    /// A bitset over (length, first, second and last byte), case-folded: a cheap first test.
    shape: Vec<u64>,
    words: FxSet<Box<[u8]>>,
}

impl Default for WordFilter {
    fn default() -> Self {
        WordFilter {
            shape: vec![0; (1 << 19) / 64],
            words: HashSet::default(),
        }
    }
}

/// Longest first word kept exactly; longer words always go to the automaton.
const FILTER_MAX: usize = 32;

impl WordFilter {
    #[inline]
    fn shape_key(word: &[u8]) -> usize {
        let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
            return 0;
        };
        let second = word.get(1).copied().unwrap_or(0);
        let fold = |b: u8| (b.to_ascii_lowercase() & 0x1f) as usize;
        (word.len().min(15) << 15) | (fold(first) << 10) | (fold(second) << 5) | fold(last)
    }

    /// Adds a pattern: its first word, and when more follows, the two bytes after it.
    fn insert(&mut self, pattern: &[u8]) {
        let len = pattern
            .iter()
            .position(|&c| !is_word(c))
            .unwrap_or(pattern.len());
        let word = &pattern[..len];
        let k = Self::shape_key(word);
        self.shape[k >> 6] |= 1 << (k & 63);
        if len > FILTER_MAX {
            return;
        }
        // A one-word pattern matches whatever follows; a longer one only when the next two
        // bytes agree (`A(H5N1)` is looked up as `a(h`, so the article `a` costs no search).
        let key_len = if pattern.len() - len >= 2 {
            len + 2
        } else {
            len
        };
        self.words
            .insert(pattern[..key_len].to_ascii_lowercase().into_boxed_slice());
    }

    /// True when a pattern may start with the word `hay[pos..end]` (a whole word).
    #[inline]
    fn may_start(&self, hay: &[u8], pos: usize, end: usize) -> bool {
        let word = &hay[pos..end];
        let k = Self::shape_key(word);
        if self.shape[k >> 6] & (1 << (k & 63)) == 0 {
            return false;
        }
        if word.len() > FILTER_MAX {
            return true;
        }
        let key_end = (end + 2).min(hay.len());
        let mut buf = [0u8; FILTER_MAX + 2];
        let folded = &mut buf[..key_end - pos];
        folded.copy_from_slice(&hay[pos..key_end]);
        folded.make_ascii_lowercase();
        self.words.contains(&folded[..word.len()])
            || (folded.len() == word.len() + 2 && self.words.contains(&*folded))
    }
}

/// True when `hay[s..e]` is enclosed in brackets that open right after `prev_end`.
fn is_restatement(hay: &[u8], prev_end: usize, s: usize, e: usize) -> bool {
    restates(
        hay.get(prev_end..s).unwrap_or(b"x"),
        hay.get(e..).unwrap_or(b""),
    )
}

/// True when the normalised bytes `between` a mention and the one before it open a bracket
/// and those `after` it close it (see [`is_restatement`]).
fn restates(between: &[u8], after: &[u8]) -> bool {
    opens(between) && closes(after)
}

/// True when the normalised bytes `between` two mentions open a bracket (see [`restates`]).
fn opens(between: &[u8]) -> bool {
    let between = between.strip_prefix(b" ").unwrap_or(between);
    matches!(between, b"(" | b"[" | b"[ ")
}

/// True when the normalised bytes `after` a mention close a bracket (see [`restates`]).
fn closes(after: &[u8]) -> bool {
    let after = after.strip_prefix(b" ").unwrap_or(after);
    after
        .first()
        .is_some_and(|&b| b == b')' || b == b']' || b == b';' || b == b',')
}

/// Words after a syndrome name that make it a reported condition (`fever cases`).
const CONTEXT_AFTER: &[&str] = &[
    "case",
    "cases",
    "patient",
    "patients",
    "outbreak",
    "outbreaks",
    "epidemic",
    "epidemics",
    "death",
    "deaths",
    "cluster",
    "clusters",
    "surge",
    "spike",
    "sufferers",
    "victims",
    "infections",
    "fatalities",
];

/// Words before `of`/`with`/`from` and a syndrome name that make it a reported condition
/// (`cases of fever`, `people with fever`, `died from pneumonia`).
const CONTEXT_BEFORE: &[&str] = &[
    "case",
    "cases",
    "patient",
    "patients",
    "people",
    "persons",
    "individuals",
    "children",
    "outbreak",
    "outbreaks",
    "epidemic",
    "deaths",
    "died",
    "dying",
    "cluster",
    "number",
    "suffering",
    "sick",
    "ill",
    "hospitalised",
    "hospitalized",
    "residents",
    "villagers",
    "reports",
    "surge",
    "spike",
    "rise",
    "increase",
];

/// True when a syndrome name at `hay[s..e]` is reported as a condition with cases, not listed
/// as a symptom: `fever cases`, `cases of fever`, `people with fever`.
fn case_context(hay: &[u8], s: usize, e: usize) -> bool {
    context_after(hay, e) || context_before(hay, s)
}

/// The test of [`case_context`] on the word after the syndrome name ending at `hay[..e]`
/// (`fever cases`): it reads only the bytes from `e`.
fn context_after(hay: &[u8], e: usize) -> bool {
    word_after(hay, e).is_some_and(|next| {
        CONTEXT_AFTER
            .iter()
            .any(|w| next.eq_ignore_ascii_case(w.as_bytes()))
    })
}

/// The test of [`case_context`] on the two words before the syndrome name starting at
/// `hay[s..]` (`cases of fever`): it reads only the bytes before `s`.
fn context_before(hay: &[u8], s: usize) -> bool {
    let Some(w1) = word_before(hay, s) else {
        return false;
    };
    let linker = [&b"of"[..], b"with", b"from", b"by"]
        .iter()
        .any(|l| w1.eq_ignore_ascii_case(l));
    if !linker {
        return false;
    }
    let w1_start = s - 1 - w1.len();
    word_before(hay, w1_start).is_some_and(|w2| {
        CONTEXT_BEFORE
            .iter()
            .any(|w| w2.eq_ignore_ascii_case(w.as_bytes()))
    })
}

/// The word right before position `s` (separated by one space), if any.
fn word_before(hay: &[u8], s: usize) -> Option<&[u8]> {
    if s < 2 || hay[s - 1] != b' ' {
        return None;
    }
    let end = s - 1;
    let mut start = end;
    while start > 0 && is_word(hay[start - 1]) {
        start -= 1;
    }
    (start < end).then(|| &hay[start..end])
}

/// The word right after position `e` (separated by one space), if any.
fn word_after(hay: &[u8], e: usize) -> Option<&[u8]> {
    if hay.get(e) != Some(&b' ') {
        return None;
    }
    let start = e + 1;
    let mut end = start;
    while end < hay.len() && is_word(hay[end]) {
        end += 1;
    }
    (start < end).then(|| &hay[start..end])
}

/// True when `rest` starts with a hyphen followed by a lower-case letter (`-like`, `-reducing`).
/// Read from the bytes while they are ASCII.
#[inline]
fn starts_compound(rest: &str) -> bool {
    match rest.as_bytes() {
        [] => false,
        [b'-', next, ..] if next.is_ascii() => next.is_ascii_lowercase(),
        [b'-'] => false,
        [first, ..] if first.is_ascii() && *first != b'-' => false,
        _ => starts_compound_decoded(rest),
    }
}

/// [`starts_compound`] read character by character (the reference of the tests).
fn starts_compound_decoded(rest: &str) -> bool {
    let mut chars = rest.chars();
    matches!(chars.next(), Some('-' | '\u{2010}' | '\u{2011}'))
        && chars.next().is_some_and(char::is_lowercase)
}

/// The matches `spans` (`(entry, start byte, end byte)`, in text order) of `text` without the
/// repeats of an entry within one sentence.
///
/// A repeat is compared with the entry's last kept mention: the two share a sentence when no
/// break lies between them ([`same_sentence`]), which reads the text from the one up to the
/// first break after it, instead of counting every break up to the last mention (3,500
/// instructions a document; `first_per_sentence_counted` in the tests is that reference).
fn first_per_sentence(text: &str, spans: &mut Vec<(u32, usize, usize)>) {
    let bytes = text.as_bytes();
    // The spans kept so far are `spans[..kept]`: a repeat is compared with the last of them
    // of its entry (a document names few diseases, so the walk back is short), which costs
    // less than a list of the entries met so far.
    let mut kept = 0;
    for i in 0..spans.len() {
        let Some(&span) = spans.get(i) else {
            break;
        };
        let (entry, start, _) = span;
        let repeat = spans
            .get(..kept)
            .and_then(|k| k.iter().rev().find(|s| s.0 == entry))
            .is_some_and(|&(_, last, _)| same_sentence(bytes, last, start));
        if !repeat {
            if let Some(slot) = spans.get_mut(kept) {
                *slot = span;
            }
            kept += 1;
        }
    }
    spans.truncate(kept);
}

/// True when no sentence break (a newline, or [`end_break`]) lies in `(from, to]`: offsets
/// `from <= to` are in the same sentence (the same count of breaks at or before them).
fn same_sentence(bytes: &[u8], from: usize, to: usize) -> bool {
    let to = to.min(bytes.len());
    let Some(gap) = bytes.get(from..to) else {
        return true;
    };
    // A newline at `k` breaks at `k + 1`.
    if memchr::memchr(b'\n', gap).is_some() {
        return false;
    }
    // An end mark breaks after the closing quotes and brackets that follow it: a mark before
    // `from` breaks inside the range when its closers run past `from`.
    let mut s = from;
    while s > 0
        && bytes
            .get(s - 1)
            .is_some_and(|b| matches!(b, b'"' | b'\'' | b')' | b']'))
    {
        s -= 1;
    }
    let lo = s.saturating_sub(1);
    let marks = bytes.get(lo..to).unwrap_or(&[]);
    !memchr::memchr3_iter(b'.', b'!', b'?', marks)
        .filter_map(|i| end_break(bytes, lo + i))
        .any(|j| j > from && j <= to)
}

/// Byte offsets where a new sentence starts: after a newline, or after `.`, `!` or `?` (and any
/// closing quotes or brackets) followed by white space, except after a single capital letter
/// (`N. Korea`, `E. coli`) or a short lower-case abbreviation (`approx.`, `vs.`).
#[cfg(test)]
fn sentence_breaks(bytes: &[u8]) -> Vec<usize> {
    let mut out: Vec<usize> = memchr::memchr_iter(b'\n', bytes).map(|i| i + 1).collect();
    out.extend(memchr::memchr3_iter(b'.', b'!', b'?', bytes).filter_map(|i| end_break(bytes, i)));
    out.sort_unstable();
    out
}

/// The sentence break after the `.`, `!` or `?` at `i` of `bytes`, if it ends a sentence (the
/// rule of `sentence_breaks`).
#[inline]
fn end_break(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
        j += 1;
    }
    if j < bytes.len() && !bytes[j].is_ascii_whitespace() {
        return None;
    }
    let mut w = i;
    while w > 0 && bytes[w - 1].is_ascii_alphabetic() {
        w -= 1;
    }
    let word = &bytes[w..i];
    let initial = word.len() == 1 && word[0].is_ascii_uppercase();
    let abbrev = bytes[i] == b'.'
        && matches!(
            word,
            b"approx" | b"vs" | b"etc" | b"Dr" | b"Mr" | b"Mrs" | b"St" | b"No"
        );
    (!initial && !abbrev).then_some(j)
}

/// The sentence of byte offsets asked in increasing order: the number of sentence breaks (a
/// newline, or [`end_break`]) at or before the offset, found by reading the text only up to it. The
/// newline breaks and the breaks after an end mark each come in increasing order, so they
/// are counted apart.
#[cfg(test)]
struct SentenceCounter<'a> {
    bytes: &'a [u8],
    lines: memchr::Memchr<'a>,
    ends: memchr::Memchr3<'a>,
    next_line: Option<usize>,
    next_end: Option<usize>,
    count: usize,
}

#[cfg(test)]
impl<'a> SentenceCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut lines = memchr::memchr_iter(b'\n', bytes);
        let mut ends = memchr::memchr3_iter(b'.', b'!', b'?', bytes);
        let next_line = lines.next().map(|i| i + 1);
        let next_end = ends.find_map(|i| end_break(bytes, i));
        SentenceCounter {
            bytes,
            lines,
            ends,
            next_line,
            next_end,
            count: 0,
        }
    }

    /// The sentence of byte offset `pos`, at or after the offsets asked before.
    fn at(&mut self, pos: usize) -> usize {
        while let Some(b) = self.next_line
            && b <= pos
        {
            self.count += 1;
            self.next_line = self.lines.next().map(|i| i + 1);
        }
        while let Some(b) = self.next_end
            && b <= pos
        {
            self.count += 1;
            let bytes = self.bytes;
            self.next_end = self.ends.find_map(|i| end_break(bytes, i));
        }
        self.count
    }
}

/// Byte offsets to code-point offsets for offsets asked in increasing order: counts the
/// characters between consecutive offsets, so a document costs one pass up to its last mention
/// and no table (the same values as `epiwire_model::CharIndex`, cheaper for a few lookups).
#[derive(Debug)]
struct CharCounter<'a> {
    bytes: &'a [u8],
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        CharCounter {
            bytes: text.as_bytes(),
            byte: 0,
            chars: 0,
        }
    }

    /// The code-point offset of byte offset `byte` (a character boundary).
    fn at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.bytes.len());
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.bytes[self.byte..byte]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        self.byte = byte;
        self.chars
    }
}

/// The byte offset just after the character starting at `at`, and after any combining marks
/// that follow it (they belong to that letter). An ASCII character followed by a byte that
/// starts no combining mark (U+0300..U+036F: lead byte 0xCC or 0xCD) ends at the next byte.
#[inline]
fn end_of_char(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(at).is_some_and(u8::is_ascii)
        && bytes.get(at + 1).is_none_or(|&b| !matches!(b, 0xCC | 0xCD))
    {
        return at + 1;
    }
    end_of_char_decoded(text, at)
}

/// [`end_of_char`] read character by character (the reference of the tests).
fn end_of_char_decoded(text: &str, at: usize) -> usize {
    let Some(rest) = text.get(at..) else {
        return text.len();
    };
    let mut chars = rest.char_indices();
    let mut end = match chars.next() {
        Some((_, c)) => at + c.len_utf8(),
        None => return text.len(),
    };
    for (off, c) in chars {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            end = at + off + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests;
