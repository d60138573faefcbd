//! Count recognition: numbers of people (cases, deaths, …) tied to an epidemiological noun.
//!
//! One pass tokenises the text; the number scanner ([`number`]) and the date recogniser run
//! over the same tokens; each number expression that is not a date, year, age, time, money,
//! percentage, measurement, identifier or list marker is tied to a metric by the words around it
//! (bounded windows, so the pass is linear in the text).
//!
//! Conventions:
//! - The span is the number expression only ("1.2 million", "six", "691,170"); qualifier words
//!   ("more than", "at least") are attributes, not part of the span.
//! - Qualifiers: "more than", "over", "exceeded", "surpassed", "above" → `more_than`; "at least",
//!   "no fewer than" → `at_least`; "about", "around", "approximately", "nearly", "almost",
//!   "some", "roughly", "an estimated" → `approximate` ("nearly"/"almost" could be read as
//!   `at_most`; we keep them approximate, as the figure is meant as an estimate); "up to",
//!   "at most" → `at_most`; "less than", "fewer than", "under" → `less_than`; a range → `range`.
//! - Scope: a cue next to the number ("six additional deaths", "a total of 1407") wins; else a
//!   "new"/"additional" cue on another count of the same sentence makes the count new (a daily
//!   report lists new cases and new deaths together); else the nearest cumulative ("total",
//!   "so far", "to date", "already", "surpassed") or current ("still", "currently", "active")
//!   cue in the sentence; else the weak cues "as of" and "since" → cumulative; else unknown.
//! - Status: "confirmed"/"laboratory-confirmed" → confirmed; "suspected"/"suspect"/"possible"
//!   → suspected ("possible" is the weaker form of suspicion and has no category of its own);
//!   "probable" → probable.
//! - A singular case ("a lassa fever case", "the index case", "a patient", "a 27-year-old
//!   woman" among cases) counts as 1, with the span on the noun phrase.

mod don;
pub mod eval;
mod iso3;
pub mod number;
pub(crate) use crate::tokens as token;

use std::path::Path;

use epiwire_model::{CharIndex, Count};
use jiff::civil::Date;

use crate::date::{self, DateHit};
use crate::tokens::Tokens;
pub use don::eval_who_don_facts;
use eval::{Report, Result, doc_date, read_jsonl};
use number::{Form, NumExpr, Vague};
use token::{Gap, Kind, Token, lw};

/// Finds the counts of `text`. Relative dates in the same sentence are resolved against
/// `published` to fill [`Count::date`]; disease and place are left for the integration step.
pub fn find(text: &str, published: Option<Date>) -> Vec<Count> {
    let tk = Tokens::new(text);
    let starts = Starts::new(&tk.toks);
    let dates = date::find_in_at(
        text,
        &tk.low,
        &tk.toks,
        published,
        starts.scan(),
        Vec::new(),
    );
    find_with_dates(text, &tk, &dates, &CharIndex::new(text), &starts)
}

/// Finds the dates and the counts of `text` in one pass: the same as [`crate::date::find`] and
/// [`find`], with the text tokenised and its dates recognised once instead of twice.
pub fn find_dates_and_counts(
    text: &str,
    published: Option<Date>,
) -> (Vec<epiwire_model::DateMention>, Vec<Count>) {
    find_dates_and_counts_with(text, published, &CharIndex::new(text), &Tokens::new(text))
}

/// [`find_dates_and_counts`] with the code-point index and the token stream of `text` already
/// built.
pub(crate) fn find_dates_and_counts_with(
    text: &str,
    published: Option<Date>,
    idx: &CharIndex,
    tk: &Tokens,
) -> (Vec<epiwire_model::DateMention>, Vec<Count>) {
    // One pass over the tokens lists where the date, number and later scans start.
    let starts = Starts::new(&tk.toks);
    let hits = date::find_in_at(
        text,
        &tk.low,
        &tk.toks,
        published,
        starts.scan(),
        spare::take(&spare::HITS),
    );
    let counts = find_with_dates(text, tk, &hits, idx, &starts);
    let dates = date::mentions(text, idx, &hits);
    spare::give(&spare::HITS, hits);
    (dates, counts)
}

/// Finds counts over the token stream `tk` of `src` and its date hits; `idx` maps the byte
/// offsets of `src` to code points; `starts` are the tokens' [`Starts`].
fn find_with_dates(
    src: &str,
    tk: &Tokens,
    dates: &[DateHit],
    idx: &CharIndex,
    starts: &Starts,
) -> Vec<Count> {
    let (low, toks, sent) = (tk.low.as_str(), tk.toks.as_slice(), tk.sent.as_slice());
    let nums = number::scan_at(low, toks, starts.scan(), spare::take(&spare::NUMS));
    let death_marks = death_marks(low, toks, starts.heads());
    let columns = table_columns(
        low,
        toks,
        sent,
        &nums,
        starts.heads(),
        spare::take(&spare::COLUMNS),
    );
    let in_date = in_date(toks.len(), dates, spare::take(&spare::FLAGS));
    let cx = Cx {
        src,
        low,
        toks,
        sent,
        in_date: &in_date,
        nums: &nums,
        death_marks: &death_marks,
        columns: &columns,
    };
    let mut cands: Vec<Cand> = spare::take(&spare::CANDS);
    cands.clear();
    for (k, n) in nums.iter().enumerate() {
        if in_date[n.first] || in_date[n.last] {
            continue;
        }
        if let Some(c) = cx.candidate(k) {
            cands.push(c);
        }
    }
    // Singular and ordinal cases between the numbers.
    cx.singulars(&mut cands, starts.articles(), true);
    cx.ordinals(&mut cands, starts.ordinals());
    sort_by_first(&mut cands);
    // Scope: sibling "new" and sentence-level cues.
    let n = cands.len();
    let mut new_sentences: Vec<u32> = cands
        .iter()
        .filter(|c| c.own_new)
        .map(|c| sent[c.first])
        .collect();
    new_sentences.dedup();
    for k in 0..n {
        if cands[k].scope.is_some() {
            continue;
        }
        let s = sent[cands[k].first];
        let sibling_new = new_sentences.binary_search(&s).is_ok();
        if sibling_new {
            cands[k].scope = Some("new");
            continue;
        }
        cands[k].scope = cx.sentence_scope(cands[k].first);
    }
    // The counts are in text order: the dates before each are found by a cursor.
    let mut at = 0;
    // Read by reference (a `drain` moved each `Cand` out first); the buffer is cleared where
    // it is next taken.
    let counts = cands
        .iter()
        .map(|c| {
            at = dates_before(dates, at, c.first);
            let date = cx.nearest_date(dates, at, c.first);
            Count {
                start: idx.char_offset(c.start),
                end: idx.char_offset(c.end),
                text: src.get(c.start..c.end).unwrap_or("").to_string(),
                value: c.value,
                metric: c.metric.into(),
                scope: c.scope.unwrap_or("unknown").into(),
                qualifier: c.qualifier.into(),
                min: c.range.map(|r| r.0),
                max: c.range.map(|r| r.1),
                status: c.status.map(Into::into),
                disease: None,
                place: None,
                date,
            }
        })
        .collect();
    spare::give(&spare::CANDS, cands);
    spare::give(&spare::NUMS, nums);
    spare::give(&spare::FLAGS, in_date);
    spare::give(&spare::COLUMNS, columns);
    counts
}

/// Sorts the candidates by their first token, stably. The number, singular and ordinal runs
/// are each in text order and usually already interleave in order: a sorted slice is left as
/// it is (what a stable sort leaves it), and only an unsorted one is sorted.
fn sort_by_first(cands: &mut [Cand]) {
    if !cands.is_sorted_by_key(|c| c.first) {
        cands.sort_by_key(|c| c.first);
    }
}

#[derive(Debug, Clone)]
struct Cand {
    first: usize,
    start: usize,
    end: usize,
    value: f64,
    range: Option<(f64, f64)>,
    metric: &'static str,
    scope: Option<&'static str>,
    own_new: bool,
    qualifier: &'static str,
    status: Option<&'static str>,
}

struct Cx<'a> {
    src: &'a str,
    low: &'a str,
    toks: &'a [Token],
    sent: &'a [u32],
    in_date: &'a [bool],
    nums: &'a [NumExpr],
    /// Token indices of "(deaths)" headers: "number of cases (deaths)" before a table of
    /// "Country: N (M)" entries.
    death_marks: &'a [usize],
    /// Metric and scope of each number expression that is a cell of a flattened table.
    columns: &'a [Column],
}

/// How many of `dates` (in text order) start before the token `first`, counted on from `at`
/// (a count for a token at or before `first`).
fn dates_before(dates: &[DateHit], mut at: usize, first: usize) -> usize {
    while dates.get(at).is_some_and(|d| d.first < first) {
        at += 1;
    }
    at
}

/// The metric and scope of a number expression that is a cell of a flattened table.
type Column = Option<(&'static str, Option<&'static str>)>;

/// Which of `n` tokens are inside one of the `dates` (in the buffer `in_date`, emptied first).
fn in_date(n: usize, dates: &[DateHit], mut in_date: Vec<bool>) -> Vec<bool> {
    in_date.clear();
    in_date.resize(n, false);
    for d in dates {
        for slot in in_date.iter_mut().take(d.last + 1).skip(d.first) {
            *slot = true;
        }
    }
    in_date
}

/// The tokens the scans and passes of the count pass start from, in text order, found in one
/// pass over the class bits (each of those scans walking every token cost more than its own
/// work): numbers and the words a number or a date may start with (the number and date scans),
/// articles (singular cases), head nouns ("(deaths)" marks and table headers are made of them)
/// and numbers of at most six digits with an attached two-letter word (ordinal cases).
///
/// Each list is a buffer at least as long as the tokens (a token is in a list at most once) of
/// which the first `len` entries are the list: the walk writes entries in place, without a
/// `push`'s capacity test and the vector's length stored back per entry, and the buffers are
/// kept between documents at their length, so they are zeroed only when a text has more tokens
/// than any before.
#[derive(Debug, Default)]
pub(crate) struct Starts {
    /// The buffers of [`Starts::scan`], [`Starts::articles`], [`Starts::heads`] and
    /// [`Starts::ordinals`], in that order (entries past `len` are stale).
    lists: [Vec<usize>; 4],
    /// How many entries of each buffer are the list.
    len: [usize; 4],
}

/// The class bits that put a word in one of the lists of [`Starts`].
const START_BITS: u32 = token::class::ARTICLE
    | token::class::HEAD
    | token::class::NUMBER_START
    | token::class::DATE_START;

/// The class bits of a token [`Starts::new`] visits: the start bits and a number's kind bit.
const VISIT_BITS: u32 = START_BITS | token::class::NUM;

/// The four lists of [`Starts`] being filled: the buffers and the entries written.
struct Fill<'a> {
    scan: &'a mut [usize],
    articles: &'a mut [usize],
    heads: &'a mut [usize],
    ordinals: &'a mut [usize],
    len: [usize; 4],
}

impl Starts {
    fn new(toks: &[Token]) -> Self {
        let mut lists = spare::take(&spare::LISTS);
        for l in &mut lists {
            if l.len() < toks.len() {
                l.resize(toks.len(), 0);
            }
        }
        let [scan, articles, heads, ordinals] = &mut lists;
        let mut f = Fill {
            scan,
            articles,
            heads,
            ordinals,
            len: [0; 4],
        };
        // Most tokens are in no list: four at a time are passed by on one test of their bits
        // (a number has `NUM`, its kind bit). The blocks are arrays, so the four visits of a
        // block that holds one are unrolled, each passing by a token in no list on its bits.
        let (blocks, rest) = toks.as_chunks::<4>();
        for (b, [t0, t1, t2, t3]) in blocks.iter().enumerate() {
            if (t0.class | t1.class | t2.class | t3.class) & VISIT_BITS != 0 {
                let i = 4 * b;
                f.visit(toks, i, t0);
                f.visit(toks, i + 1, t1);
                f.visit(toks, i + 2, t2);
                f.visit(toks, i + 3, t3);
            }
        }
        let i = 4 * blocks.len();
        for (k, t) in rest.iter().enumerate() {
            f.visit(toks, i + k, t);
        }
        let len = f.len;
        Self { lists, len }
    }

    /// Number tokens and words with [`token::class::NUMBER_START`] or
    /// [`token::class::DATE_START`]: every token where [`number::scan`] or the date scan
    /// ([`date::find_in`]) may find something.
    fn scan(&self) -> &[usize] {
        &self.lists[0][..self.len[0]]
    }

    /// Articles.
    fn articles(&self) -> &[usize] {
        &self.lists[1][..self.len[1]]
    }

    /// Head nouns.
    fn heads(&self) -> &[usize] {
        &self.lists[2][..self.len[2]]
    }

    /// Numbers of at most six bytes before an attached word of two bytes.
    fn ordinals(&self) -> &[usize] {
        &self.lists[3][..self.len[3]]
    }

    /// The lists as the old walk pushed them, token by token (the reference of the tests).
    #[cfg(test)]
    fn reference(toks: &[Token]) -> [Vec<usize>; 4] {
        let mut lists: [Vec<usize>; 4] = Default::default();
        for (i, t) in toks.iter().enumerate() {
            let c = t.class & VISIT_BITS;
            if c == 0 {
                continue;
            }
            if c & START_BITS != 0 {
                if c & (token::class::NUMBER_START | token::class::DATE_START) != 0 {
                    lists[0].push(i);
                }
                if c & token::class::ARTICLE != 0 {
                    lists[1].push(i);
                }
                if c & token::class::HEAD != 0 {
                    lists[2].push(i);
                }
            } else {
                lists[0].push(i);
                if t.end - t.start <= 6
                    && toks
                        .get(i + 1)
                        .is_some_and(|u| u.gap == Gap::None && u.is_word() && u.end - u.start == 2)
                {
                    lists[3].push(i);
                }
            }
        }
        lists
    }
}

impl Fill<'_> {
    /// Puts the token `t` (at `i` in `toks`) in its lists. A list has fewer entries than the
    /// tokens visited, so `len` is inside its buffer.
    #[inline(always)]
    fn visit(&mut self, toks: &[Token], i: usize, t: &Token) {
        let c = t.class & VISIT_BITS;
        if c == 0 {
            return;
        }
        if c & START_BITS != 0 {
            if c & (token::class::NUMBER_START | token::class::DATE_START) != 0 {
                self.scan[self.len[0]] = i;
                self.len[0] += 1;
            }
            if c & token::class::ARTICLE != 0 {
                self.articles[self.len[1]] = i;
                self.len[1] += 1;
            }
            if c & token::class::HEAD != 0 {
                self.heads[self.len[2]] = i;
                self.len[2] += 1;
            }
        } else {
            // A number (`NUM`, the only other bit of `VISIT_BITS`).
            self.scan[self.len[0]] = i;
            self.len[0] += 1;
            if t.end - t.start <= 6
                && toks
                    .get(i + 1)
                    .is_some_and(|u| u.gap == Gap::None && u.is_word() && u.end - u.start == 2)
            {
                self.ordinals[self.len[3]] = i;
                self.len[3] += 1;
            }
        }
    }
}

impl Drop for Starts {
    fn drop(&mut self) {
        spare::give(&spare::LISTS, std::mem::take(&mut self.lists));
    }
}

/// Buffers of the count pass kept per thread between documents: each grew by doubling for
/// every document (a `malloc` and a copy each time and, past 1 KiB, a consolidation of the
/// allocator's fast bins), which cost more than filling them.
mod spare {
    use std::cell::Cell;
    use std::thread::LocalKey;

    use super::Cand;
    use super::number::NumExpr;
    use crate::date::DateHit;

    /// A buffer past this many bytes is freed, not kept.
    const KEEP_BYTES: usize = 1 << 20;

    /// Buffers of several vectors of one type.
    pub(super) trait Buffers: Default {
        /// The bytes the buffers hold.
        fn bytes(&self) -> usize;
    }

    impl<T> Buffers for Vec<T> {
        fn bytes(&self) -> usize {
            self.capacity() * size_of::<T>()
        }
    }

    impl<T> Buffers for [Vec<T>; 4] {
        fn bytes(&self) -> usize {
            self.iter().map(Buffers::bytes).sum()
        }
    }

    thread_local! {
        /// The lists of `Starts`.
        pub(super) static LISTS: Cell<[Vec<usize>; 4]> = Cell::default();
        /// The number expressions.
        pub(super) static NUMS: Cell<Vec<NumExpr>> = Cell::default();
        /// The tokens inside dates.
        pub(super) static FLAGS: Cell<Vec<bool>> = Cell::default();
        /// The candidates.
        pub(super) static CANDS: Cell<Vec<Cand>> = Cell::default();
        /// The date hits.
        pub(super) static HITS: Cell<Vec<DateHit>> = Cell::default();
        /// The table columns of the number expressions.
        pub(super) static COLUMNS: Cell<Vec<super::Column>> = Cell::default();
    }

    /// This thread's spare buffer (empty ones when there is none; the contents are stale).
    pub(super) fn take<T: Buffers>(key: &'static LocalKey<Cell<T>>) -> T {
        key.try_with(Cell::take).unwrap_or_default()
    }

    /// Keeps `buf` as this thread's spare unless it is large (during the thread's exit it is
    /// simply freed).
    pub(super) fn give<T: Buffers>(key: &'static LocalKey<Cell<T>>, buf: T) {
        if buf.bytes() <= KEEP_BYTES {
            let _ = key.try_with(|c| c.set(buf));
        }
    }
}

/// Token indices of "(deaths)" marks: "deaths", "death" or "fatalities" (head nouns, so
/// `heads`, the head noun tokens, holds them) between brackets.
fn death_marks(low: &str, toks: &[Token], heads: &[usize]) -> Vec<usize> {
    heads
        .iter()
        .copied()
        .filter(|&j| {
            // The brackets first: they rule out almost every head noun without its word.
            j > 0
                && toks[j - 1].is_punct('(')
                && toks.get(j + 1).is_some_and(|t| t.is_punct(')'))
                && matches!(lw(low, &toks[j]), "deaths" | "death" | "fatalities")
        })
        .collect()
}

/// Column metrics of flattened tables: a header of metric nouns ("Cases Deaths Cases Deaths",
/// after "Cumulative total … Newly confirmed …") followed in its paragraph by rows of a label
/// and exactly one number per column ("Argentina 733 1 390 1"). When the header repeats one
/// group twice and the words before it name a total and then new figures, the first group is
/// cumulative and the second new. Returns one entry per number expression (in the buffer
/// `out`, emptied first).
fn table_columns(
    low: &str,
    toks: &[Token],
    sent: &[u32],
    nums: &[NumExpr],
    heads: &[usize],
    mut out: Vec<Column>,
) -> Vec<Column> {
    out.clear();
    out.resize(nums.len(), None);
    // The next head noun at or after a token (every header word is one).
    let mut h = 0;
    let header_word = |j: usize| -> Option<&'static str> {
        let t = toks.get(j)?;
        // "cases" and "deaths": head nouns of five or six bytes.
        if !t.has(token::class::HEAD) || !(5..=6).contains(&(t.end - t.start)) {
            return None;
        }
        match lw(low, t) {
            "cases" => Some("cases"),
            "deaths" => Some("deaths"),
            _ => None,
        }
    };
    let mut j = 0;
    while j < toks.len() {
        // Most tokens start no header: only head nouns may (`header_word` needs the bit).
        while heads.get(h).is_some_and(|&x| x < j) {
            h += 1;
        }
        let Some(&next) = heads.get(h) else { break };
        j = next;
        if header_word(j).is_none() {
            j += 1;
            continue;
        }
        // A header: two or more metric nouns in a row. Most "cases" and "deaths" stand alone:
        // the run is measured before its words are collected.
        let mut e = j + 1;
        while header_word(e).is_some() {
            e += 1;
        }
        if e - j < 2 || e - j > 12 {
            j = e;
            continue;
        }
        let cols: Vec<&'static str> = (j..e).filter_map(header_word).collect();
        if !cols.contains(&"deaths") {
            j = e;
            continue;
        }
        let k = cols.len();
        let mut scopes: Vec<Option<&'static str>> = vec![None; k];
        if k.is_multiple_of(2) && cols[..k / 2] == cols[k / 2..] {
            let before: Vec<&str> = (j.saturating_sub(30)..j)
                .filter(|&x| sent[x] == sent[j])
                .map(|x| lw(low, &toks[x]))
                .collect();
            let total = before
                .iter()
                .position(|w| matches!(*w, "cumulative" | "total"));
            let new = before
                .iter()
                .rposition(|w| matches!(*w, "new" | "newly" | "additional"));
            if let (Some(t), Some(n)) = (total, new)
                && t < n
            {
                for (x, sc) in scopes.iter_mut().enumerate() {
                    *sc = Some(if x < k / 2 { "cumulative" } else { "new" });
                }
            }
        }
        // Rows: a word, then exactly k adjacent number expressions.
        let mut q = nums.partition_point(|n| n.first < e);
        let mut pos = e;
        while q < nums.len() {
            let first = nums[q].first;
            if toks[pos..first].iter().any(|t| t.gap == Gap::Blank) {
                break;
            }
            pos = first;
            let run = (1..k).all(|d| {
                nums.get(q + d)
                    .is_some_and(|m| m.first == nums[q + d - 1].last + 1)
            });
            let labelled = first > 0 && toks[first - 1].is_word();
            let closed = nums
                .get(q + k)
                .is_none_or(|m| m.first != nums[q + k - 1].last + 1);
            if run && labelled && closed {
                for d in 0..k {
                    out[q + d] = Some((cols[d], scopes[d]));
                }
                q += k;
            } else {
                q += 1;
            }
        }
        // Each token is scanned once: the next header is looked for after this table.
        j = pos.max(e);
    }
    out
}

word_map! {
    /// Metric implied by a word, and whether it is a noun that heads the phrase (as opposed to a
    /// verb or adjective after a person noun).
    pub(crate) fn metric_word / METRIC_WORDS -> &'static str {
        "case" | "cases" | "infection" | "infections" | "infected" | "positives" | "ill" | "illnesses" | "sick" | "sickened" | "afflicted" | "stricken" | "sufferers" | "contracted" | "diagnosed" => "cases",
        "death" | "deaths" | "died" | "dead" | "deceased" | "fatalities" | "killed" | "lives" | "succumbed" | "perished" | "toll" | "fatal" => "deaths",
        "hospitalized" | "hospitalised" | "hospitalizations" | "hospitalisations" | "admitted" | "admissions" | "hospitalization" | "hospitalisation" => "hospitalizations",
        "recovered" | "recoveries" | "discharged" | "cured" | "recovery" => "recoveries",
        "quarantined" | "quarantine" | "isolated" | "isolation" => "quarantined",
        "tested" | "tests" | "samples" | "sample" | "specimens" | "specimen" | "screened" => "tested",
        "vaccinated" | "immunized" | "immunised" | "inoculated" | "vaccinations" => "vaccinated",
    }
}

/// Modifiers that give "case" a sense other than a person who is ill ("an emergency case of
/// the state", "a test case", "a court case", "a most …").
fn non_medical_case_modifier(w: &str) -> bool {
    matches!(
        w,
        "most"
            | "emergency"
            | "test"
            | "court"
            | "legal"
            | "criminal"
            | "murder"
            | "civil"
            | "corruption"
            | "fraud"
            | "police"
            | "business"
            | "special"
            | "worst"
            | "best"
            | "strong"
            | "compelling"
            | "textbook"
            | "borderline"
            | "extreme"
            | "classic"
            | "prime"
            | "good"
            | "bad"
            | "landmark"
            | "lawsuit"
            | "disciplinary"
            | "pencil"
            | "phone"
            | "display"
            | "brief"
    )
}

/// Nouns for laboratory samples.
fn sample_word(w: &str) -> bool {
    matches!(
        w,
        "samples" | "sample" | "specimens" | "specimen" | "sera" | "isolates"
    )
}

word_set! {
    /// Nouns that head a count phrase and may follow a name ("SARS cases", "cholera deaths").
    pub(crate) fn head_noun / HEAD_WORDS = [
        "case",
        "cases",
        "death",
        "deaths",
        "infection",
        "infections",
        "fatalities",
    ]
}

word_map! {
    /// Nouns for people; "patients", "victims" and "sufferers" are cases by themselves.
    pub(crate) fn person_word / PERSON_WORDS -> bool {
        "patients" | "patient" | "victims" | "sufferers" => true,
        "people" | "persons" | "person" | "individuals" | "children" | "adults" | "men" | "women" | "males" | "females" | "boys" | "girls" | "infants" | "babies" | "residents" | "students" | "pupils" | "workers" | "villagers" | "inhabitants" | "travellers" | "travelers" | "pilgrims" | "soldiers" | "prisoners" | "inmates" | "contacts" | "others" | "nurses" | "doctors" | "staff" | "citizens" | "nationals" | "migrants" | "refugees" | "farmers" | "passengers" | "tourists" | "visitors" | "guests" | "employees" | "household" | "family" | "members" => false,
    }
}

word_set! {
    /// Words that may stand between a number and its head noun or verb.
    pub(crate) fn filler_word / FILLER_WORDS = [
        "new",
        "additional",
        "more",
        "further",
        "fresh",
        "other",
        "suspected",
        "suspect",
        "probable",
        "possible",
        "confirmed",
        "laboratory",
        "lab",
        "reported",
        "notified",
        "human",
        "imported",
        "local",
        "locally",
        "acquired",
        "related",
        "linked",
        "associated",
        "severe",
        "mild",
        "total",
        "cumulative",
        "active",
        "current",
        "recorded",
        "known",
        "documented",
        "clinical",
        "clinically",
        "symptomatic",
        "asymptomatic",
        "were",
        "was",
        "are",
        "is",
        "have",
        "has",
        "had",
        "been",
        "already",
        "still",
        "reportedly",
        "also",
        "being",
        "now",
        "currently",
        "who",
        "that",
        "which",
        "the",
        "number",
        "ongoing",
        "daily",
        "officially",
        "positive",
        "in",
        "under",
        "of",
        "serious",
        "critically",
        "seriously",
        "subsequently",
        "later",
        "since",
        "then",
        "so",
        "far",
        "infectious",
        "sporadic",
        "fatal",
        "tested",
        "test",
        "laboratories",
        "due",
        "to",
        "from",
        "with",
    ]
}

/// Words after a number that show it has no head noun of its own ("28 in Jeddah", "is 30.").
pub(crate) fn function_word(w: &str) -> bool {
    function_list_word(w) || (w.len() > 4 && w.ends_with("ly"))
}

word_set! {
    /// The listed words of [`function_word`].
    fn function_list_word / FUNCTION_WORDS = [
        "in",
        "on",
        "at",
        "from",
        "for",
        "with",
        "since",
        "as",
        "by",
        "and",
        "or",
        "to",
        "among",
        "during",
        "across",
        "nationwide",
        "so",
        "this",
        "last",
        "while",
        "but",
        "including",
        "compared",
        "against",
        "according",
        "were",
        "was",
        "have",
        "has",
        "had",
        "are",
        "is",
        "of",
        "more",
        "new",
        "additional",
        "globally",
        "worldwide",
        "overall",
        "altogether",
        "until",
        "up",
        "between",
        "after",
        "before",
        "within",
        "out",
        "respectively",
        "countrywide",
        "yesterday",
        "today",
    ]
}

word_set! {
    /// (The count pass reads the class bit; the tokeniser's tests hold it to this.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn unit_word / UNIT_WORDS = [
        "km",
        "kms",
        "kilometers",
        "kilometres",
        "kilometer",
        "kilometre",
        "miles",
        "mile",
        "m",
        "metres",
        "meters",
        "metre",
        "meter",
        "cm",
        "mm",
        "kg",
        "kilograms",
        "g",
        "grams",
        "mg",
        "mcg",
        "ml",
        "l",
        "litres",
        "liters",
        "tonnes",
        "tons",
        "tonne",
        "ton",
        "hectares",
        "ha",
        "acres",
        "degrees",
        "hours",
        "hour",
        "hrs",
        "h",
        "minutes",
        "minute",
        "mins",
        "seconds",
        "days",
        "day",
        "weeks",
        "week",
        "months",
        "month",
        "years",
        "year",
        "decades",
        "centuries",
        "am",
        "pm",
        "gmt",
        "utc",
        "doses",
        "dose",
        "times",
        "fold",
        "beds",
        "bed",
        "percent",
        "per",
        "pc",
        "percentage",
        "dollars",
        "euros",
        "pounds",
        "francs",
        "yuan",
        "naira",
        "rupees",
        "shillings",
        "usd",
        "eur",
        "cfa",
        "fcfa",
        "km2",
        "sq",
        "square",
        "feet",
        "ft",
        "inches",
        "lbs",
        "ppm",
        "ppb",
        "mmol",
        "iu",
        "units",
        "vials",
        "tablets",
        "kits",
        "metric",
        "mb",
        "gb",
        "nights",
        "storeys",
        "floors",
        "points",
        "mph",
        "kph",
        "celsius",
        "fahrenheit",
        "c",
        "f",
        "sec",
        "min",
        "yrs",
        "yr",
        "mos",
        "wks",
        "bp",
        "kb",
        "nm",
    ]
}

word_set! {
    /// (The count pass reads the class bit; the tokeniser's tests hold it to this.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn id_prefix / ID_PREFIX_WORDS = [
        "update",
        "no",
        "nos",
        "week",
        "weeks",
        "phase",
        "level",
        "grade",
        "type",
        "day",
        "room",
        "ward",
        "chapter",
        "article",
        "section",
        "page",
        "vol",
        "volume",
        "issue",
        "figure",
        "fig",
        "table",
        "annex",
        "resolution",
        "report",
        "wave",
        "step",
        "category",
        "stage",
        "route",
        "flight",
        "lineage",
        "clade",
        "genotype",
        "serotype",
        "strain",
        "code",
        "tel",
        "phone",
        "fax",
        "hotline",
        "p",
        "pp",
        "pages",
        "version",
        "v",
        "line",
        "ref",
        "id",
        "box",
        "aged",
        "age",
        "ages",
        "year",
        "years",
        "covid",
        "sars",
        "mers",
        "h",
        "n",
        "epiweek",
        "ew",
        "wk",
        "cluster",
        "bulletin",
        "sitrep",
        "number",
        "appendix",
        "paragraph",
        "item",
        "decree",
        "law",
        "act",
        "order",
        "ordinance",
        "circular",
        "highway",
        "lot",
        "batch",
        "gate",
        "terminal",
        "building",
        "block",
        "apartment",
        "unit",
        "district",
        "zone",
    ]
}

/// The class bits of every word the scope windows ([`Cx::own_scope`], [`Cx::sentence_scope`])
/// test: the scope cues and [`scope_aux_word`]. (Filler and function words, the gate before,
/// let about half the window's words through to be sliced and compared.)
const SCOPE_GATE: u32 = token::class::SCOPE | token::class::SCOPE_AUX;

/// The class bits of every word [`Cx::right_metric`]'s walk tests outside its metric branch:
/// the status, metric, person and filler lists and [`right_word`], and the words too long for
/// the class table ("epidemiologically"). A word with none of them is passed to the unknown
/// word's tests without the compares.
const RIGHT_GATE: u32 = token::class::STATUS
    | token::class::METRIC
    | token::class::PERSON
    | token::class::FILLER
    | token::class::RIGHT_WORD
    | token::class::LONG;

word_set! {
    /// Every word [`Cx::right_metric`]'s walk compares literally outside its metric branch
    /// (the person verbs' stops and auxiliaries, "in hospital", "positive", "fell ill",
    /// "sought care", "found positive", "and"/"or" after a status, the status modifiers).
    /// (The walk reads the class bit; the tokeniser's tests hold it to this list.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn right_word / RIGHT_WORDS = [
        "and", "while", "but", "including", "whereas",
        "in", "positive", "fell", "fallen", "falling", "sought", "seeking",
        "identified", "found", "or",
        "have", "had", "to", "be", "been", "age", "aged", "are", "were",
        "laboratory", "linked",
    ]
}

word_set! {
    /// The words besides the scope cues a scope window tests at its own position ("as" is only
    /// read before "of"): "more", "so far", "to date", "as of", "since". (The windows read the
    /// class bit; the tokeniser's tests hold it to this.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn scope_aux_word / SCOPE_AUX_WORDS = [
        "more",
        "so",
        "far",
        "to",
        "date",
        "of",
        "since",
    ]
}

word_set! {
    /// Every word [`Cx::excluded`] and [`Cx::qualifier`] compare the word before a number with
    /// (the year prepositions, the currencies, "of", "under", "over", ..., and the last words
    /// of the qualifiers): where the word before it is in none ([`token::class::NUM_PREFIX`]),
    /// those tests are passed by without slicing a word. (The passes read the class bit; the
    /// tokeniser's tests hold it to this list.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn num_prefix_word / NUM_PREFIX_WORDS = [
        // `Cx::excluded`.
        "in", "since", "during", "until", "by",
        "us", "usd", "eur", "euro", "euros", "gbp", "rs", "inr", "cfa", "fcfa", "chf", "rmb",
        "yuan", "kes", "ngn", "zar", "aud", "cad", "sfr", "dm",
        "of", "under", "over", "below", "above",
        // `Cx::qualifier`, its last words.
        "than", "excess", "least", "fewer", "less", "to", "most", "estimated",
        "exceeded", "exceeding", "exceeds", "surpassed", "surpassing", "topped",
        "about", "around", "approximately", "approx", "nearly", "almost", "some", "roughly",
        "circa", "ca",
    ]
}

word_map! {
    pub(crate) fn scope_cue / SCOPE_WORDS -> &'static str {
        "total" | "cumulative" | "cumulatively" | "overall" | "altogether" | "already" | "tally" | "surpassed" | "reached" | "exceeded" | "totalled" | "totaled" | "totalling" | "totaling" | "bringing" => "cumulative",
        "new" | "additional" | "daily" | "another" | "fresh" | "further" | "newly" | "overnight" => "new",
        "currently" | "active" | "still" | "remain" | "remains" | "remaining" | "ongoing" | "presently" => "current",
    }
}

word_map! {
    pub(crate) fn status_word / STATUS_WORDS -> &'static str {
        "confirmed" => "confirmed",
        "suspected" | "suspect" | "possible" => "suspected",
        "probable" => "probable",
    }
}

impl Cx<'_> {
    fn word(&self, j: usize) -> &str {
        self.toks.get(j).map_or("", |t| lw(self.low, t))
    }

    fn tok(&self, j: usize) -> Option<&Token> {
        self.toks.get(j)
    }

    /// The status word at `j`: the list is asked only where the class bit says it holds it.
    fn status_at(&self, j: usize) -> Option<&'static str> {
        self.tok(j)
            .filter(|t| t.has(token::class::STATUS))
            .and_then(|t| status_word(lw(self.low, t)))
    }

    /// The scope cue `w` (the word at `j`), the list asked only where the class bit says it
    /// holds it (`gated` false asks it of every word: the tests' reference).
    fn cue_at(&self, j: usize, w: &str, gated: bool) -> Option<&'static str> {
        if gated && !self.toks.get(j).is_some_and(|t| t.has(token::class::SCOPE)) {
            return None;
        }
        scope_cue(w)
    }

    fn is_boundary(&self, j: usize, k: usize) -> bool {
        self.sent.get(j) != self.sent.get(k)
    }

    /// Is this number expression excluded (not a count of anything)? The word before it is
    /// read only where it is a [`num_prefix_word`] (`gated` false reads it always: the
    /// reference the tests hold the gate to).
    fn excluded(&self, n: &NumExpr, gated: bool) -> bool {
        if n.form == Form::Decimal {
            return true;
        }
        if n.plain_digits >= 8 {
            return true;
        }
        let before = if n.first > 0 {
            self.tok(n.first - 1)
        } else {
            None
        };
        let after = self.tok(n.last + 1);
        let pw = self.prefix_word(n, gated);
        // The word after is only compared with "per": sliced only when it has three bytes.
        let nw = if !gated || after.is_some_and(|a| a.end - a.start == 3) {
            self.word(n.last + 1)
        } else {
            ""
        };
        // Years.
        if n.plain_digits == 4 && (1800.0..=2100.0).contains(&n.value) {
            // A year unless a count noun follows closely: "1800 people died", "2000 new cases".
            let counted = (n.last + 1..n.last + 4).any(|j| {
                self.tok(j)
                    .is_some_and(|t| t.has(token::class::METRIC | token::class::PERSON))
            });
            if !counted || matches!(pw, "in" | "since" | "during" | "until" | "by") {
                return true;
            }
        }
        // Money and percentages.
        if let Some(b) = before {
            if matches!(
                b.kind,
                Kind::Punct('$' | '€' | '£' | '¥' | '₹' | '#' | '+' | '№')
            ) {
                return true;
            }
            if matches!(
                pw,
                "us" | "usd"
                    | "eur"
                    | "euro"
                    | "euros"
                    | "gbp"
                    | "rs"
                    | "inr"
                    | "cfa"
                    | "fcfa"
                    | "chf"
                    | "rmb"
                    | "yuan"
                    | "kes"
                    | "ngn"
                    | "zar"
                    | "aud"
                    | "cad"
                    | "sfr"
                    | "dm"
            ) {
                return true;
            }
        }
        if let Some(a) = after {
            if matches!(a.kind, Kind::Punct('%' | '‰' | '°')) {
                return true;
            }
            // Times and ratios: 13:31, 1/2/2017, 3-2 scores and chains.
            if (a.is_punct(':') || a.is_punct('/') || a.is_dash() || a.is_punct('.'))
                && a.gap == Gap::None
                && self
                    .tok(n.last + 2)
                    .is_some_and(|t| t.is_num() && t.gap == Gap::None)
            {
                return true;
            }
            if a.is_punct('/')
                && self.tok(n.last + 2).is_some_and(Token::is_num)
                && n.plain_digits > 0
            {
                return true;
            }
            // Compound adjectives: "27-year-old", "5-day", "12-member".
            if a.is_dash()
                && a.gap == Gap::None
                && self
                    .tok(n.last + 2)
                    .is_some_and(|t| t.is_word() && t.gap == Gap::None)
            {
                return true;
            }
        }
        if after.is_some_and(|a| a.has(token::class::UNIT)) {
            return true;
        }
        if nw == "per" {
            return true;
        }
        if let Some(b) = before {
            if (b.is_punct(':') || b.is_punct('/') || b.is_dash() || b.is_punct('.'))
                && b.gap == Gap::None
                && n.first >= 2
                && self.toks[n.first - 2].is_num()
            {
                return true;
            }
            if b.is_punct('/') && n.first >= 2 && self.toks[n.first - 2].is_num() {
                return true;
            }
        }
        if before.is_some_and(|b| b.has(token::class::ID_PREFIX)) && n.form != Form::Vague {
            return true;
        }
        // "age of 5", "children under 5".
        if pw == "of" && n.first >= 2 && matches!(self.word(n.first - 2), "age" | "ages") {
            return true;
        }
        if matches!(pw, "under" | "over" | "below" | "above")
            && n.first >= 2
            && person_word(self.word(n.first - 2)).is_some()
        {
            return true;
        }
        // Numbered list items: "1. ", "2) ", "1- " at the start of a line.
        let line_start = n.first == 0 || self.toks[n.first].gap >= Gap::Line;
        if line_start
            && after.is_some_and(|a| {
                (a.is_punct('.') || a.is_punct(')') || a.is_dash()) && a.gap == Gap::None
            })
            && self.tok(n.last + 2).is_none_or(|t| t.gap != Gap::None)
        {
            return true;
        }
        // Bracketed references: "[02]".
        if before.is_some_and(|b| b.is_punct('['))
            && after.is_some_and(|a| a.is_punct(']'))
            && n.plain_digits > 0
            && n.plain_digits <= 2
        {
            return true;
        }
        false
    }

    fn candidate(&self, k: usize) -> Option<Cand> {
        self.candidate_with(k, true)
    }

    /// The word before the number `n` where it is a [`num_prefix_word`], else "" (`gated`
    /// false: the word always).
    fn prefix_word(&self, n: &NumExpr, gated: bool) -> &str {
        match n.first.checked_sub(1).and_then(|j| self.tok(j)) {
            Some(t) if !gated || t.has(token::class::NUM_PREFIX) => lw(self.low, t),
            _ => "",
        }
    }

    /// [`Cx::candidate`], the word before the number read only where the class bit says it is
    /// a [`num_prefix_word`] (`gated` false reads it always: the tests' reference).
    fn candidate_with(&self, k: usize, gated: bool) -> Option<Cand> {
        let n = &self.nums[k];
        if self.excluded(n, gated) {
            return None;
        }
        if let Some((metric, scope)) = self.columns.get(k).copied().flatten() {
            return Some(Cand {
                first: n.first,
                start: n.start,
                end: n.end,
                value: n.value,
                range: None,
                metric,
                scope,
                own_new: false,
                qualifier: "exact",
                status: None,
            });
        }
        let paired = self.paired_metric(n);
        let right = match paired {
            Some(m) => Right::Metric(m, None, n.last),
            None => self.right_metric(n, gated),
        };
        let (metric, status_r, head_end) = match right {
            Right::Metric(m, st, end) => (m, st, end),
            Right::Nothing if self.out_of_samples(n).is_some() => {
                // "confirmed in 15 out of 29 samples": the numerator counts confirmed cases.
                let head = self.out_of_samples(n).unwrap_or(n.last);
                ("cases", Some("confirmed"), head)
            }
            Right::Unknown => return None,
            Right::Person(end) => match self.left_metric(n) {
                Some((m, _)) => (m, None, end),
                None => return None,
            },
            Right::PersonCase(end) => ("cases", None, end),
            Right::NewOnes(end) => ("other", None, end),
            Right::Nothing => match self.left_metric(n) {
                Some((m, st)) => (m, st, n.last),
                None if self.located_listing(n) => ("cases", None, n.last),
                None => match self.bracketed_after_name(n) {
                    Some(m) => (m, None, n.last),
                    None => return None,
                },
            },
        };
        let mut status = status_r.or_else(|| self.status_near(n, head_end));
        let mut metric = metric;
        // Positive samples are confirmed cases: "isolated from 6 specimens", "35 samples have
        // tested positive"; the denominator of "N out of M samples" stays a count of tests.
        if metric == "tested"
            && sample_word(self.word(head_end))
            && self.positive_samples(n, head_end)
        {
            metric = "cases";
            status = Some("confirmed");
        }
        let (own, own_new) = self.own_scope(k, head_end, true);
        let qualifier = if n.range.is_some() {
            "range"
        } else {
            self.qualifier(n, gated)
        };
        Some(Cand {
            first: n.first,
            start: n.start,
            end: n.end,
            value: n.value,
            range: n.range,
            metric,
            scope: own,
            own_new,
            qualifier,
            status,
        })
    }

    /// Looks right of the number for the head noun or a verb that gives the metric.
    fn right_metric(&self, n: &NumExpr, gated: bool) -> Right {
        let mut status = None;
        let mut person: Option<(bool, usize)> = None;
        let mut j = n.last + 1;
        let mut words = 0;
        // Unknown words crossed before a head noun: names such as "SARS", "cholera", "WPV1".
        let mut unknown = 0;
        let mut only_fillers = true;
        let mut ended_at_punct = false;
        let mut prev_status = false;
        let first_word = self.word(j);
        let Some(t) = self.tok(j) else {
            return Right::Nothing;
        };
        if t.is_word() && matches!(first_word, "new" | "additional" | "more") {
            let nx = self.tok(j + 1);
            let w2 = self.word(j + 1);
            if nx.is_none_or(|t| !t.is_word() || self.is_boundary(j, j + 1)) || w2 == "ones" {
                let end = if w2 == "ones" { j + 1 } else { j };
                return Right::NewOnes(end);
            }
        }
        // "3 757 (411 deaths)", "now 22 with 4 deaths": a death count in brackets or after
        // "with"/"including" makes the number a count of cases.
        if (t.is_punct('(') || matches!(first_word, "with" | "including"))
            && self.tok(j + 1).is_some_and(Token::is_num)
            && (j + 2..j + 5).any(|k| matches!(self.word(k), "deaths" | "death" | "fatal"))
        {
            return Right::Metric("cases", None, n.last);
        }
        // "14 of them fatal", "17 of these cases have died", "32 of whom died": a part of a
        // group named before; a death word makes it deaths, else the metric named.
        if first_word == "of" && matches!(self.word(j + 1), "them" | "these" | "those" | "whom") {
            let mut named = None;
            for k in j + 2..j + 8 {
                let Some(t) = self.tok(k) else { break };
                if self.is_boundary(n.last, k) || !t.is_word() {
                    break;
                }
                let w = self.word(k);
                if matches!(
                    w,
                    "fatal" | "died" | "dead" | "deaths" | "succumbed" | "perished"
                ) {
                    return Right::Metric("deaths", None, k);
                }
                named = named.or(metric_word(w).map(|m| (m, k)));
            }
            if let Some((m, k)) = named {
                return Right::Metric(m, None, k);
            }
        }
        while let Some(t) = self.tok(j) {
            if self.is_boundary(n.last, j) || words > 7 {
                ended_at_punct = true;
                break;
            }
            match t.kind {
                Kind::Punct(c) => {
                    // Skip a short bracket: "319 (13.6%) died", "11 (including 1 death) tested
                    // positive".
                    if c == '('
                        && let Some(close) = (j + 1..j + 9).find(|&k| {
                            self.tok(k).is_some_and(|t| t.is_punct(')')) && !self.is_boundary(j, k)
                        })
                    {
                        j = close + 1;
                        continue;
                    }
                    let joins = (t.is_dash() || c == '/') && t.gap == Gap::None;
                    if !joins {
                        ended_at_punct = true;
                        break;
                    }
                }
                Kind::Num => {
                    // A digit attached to a word belongs to a name ("WPV1"); otherwise crossing
                    // a number is allowed only while looking for a person's verb.
                    let in_name = t.gap == Gap::None && j > 0 && self.toks[j - 1].is_word();
                    if person.is_none() && !in_name {
                        break;
                    }
                }
                Kind::Word => {
                    words += 1;
                    let w = self.word(j);
                    // A word in none of the lists this loop asks and none of the words it
                    // compares (most words) is not a filler: straight to the unknown word's
                    // tests (`gated` false reads every word: the tests' reference).
                    let filler = if gated && !t.has(RIGHT_GATE) {
                        prev_status = false;
                        false
                    } else {
                        if person.is_some()
                            && matches!(w, "and" | "while" | "but" | "including" | "whereas")
                        {
                            break;
                        }
                        // The word lists are asked only where the class bits say the word is in
                        // them (most words are in none).
                        if t.has(token::class::STATUS)
                            && let Some(st) = status_word(w)
                        {
                            status = status.or(Some(st));
                        }
                        if t.has(token::class::METRIC)
                            && let Some(m) = metric_word(w)
                        {
                            // "tested positive" → cases; "tested negative" → not a count of cases.
                            if w == "tested" && self.word(j + 1) == "positive" {
                                return Right::Metric("cases", status, j + 1);
                            }
                            if unknown > 0 && !t.has(token::class::HEAD) {
                                break;
                            }
                            // A filler status word used as a noun modifier: keep going ("recovered
                            // cases" stays a recovery).
                            // "23 hospitalized cases", "67 hospitalized suspected cases": the head
                            // noun decides, the participle describes.
                            if m == "hospitalizations"
                                && matches!(w, "hospitalized" | "hospitalised" | "admitted")
                                && let Some(h) = (j + 1..j + 4)
                                    .take_while(|&h| {
                                        self.tok(h).is_some_and(Token::is_word)
                                            && !self.is_boundary(j, h)
                                    })
                                    .find(|&h| matches!(self.word(h), "case" | "cases"))
                                && (j + 1..h).all(|x| {
                                    filler_word(self.word(x)) || self.name_like(x, self.word(x))
                                })
                            {
                                let st = (j + 1..h).find_map(|x| self.status_at(x));
                                return Right::Metric("cases", status.or(st), h);
                            }
                            if person.is_none() || !matches!(w, "case" | "cases") {
                                return Right::Metric(m, status, j);
                            }
                        }
                        if w == "in" && matches!(self.word(j + 1), "hospital" | "hospitals") {
                            return Right::Metric("hospitalizations", status, j + 1);
                        }
                        if w == "positive" && person.is_none() {
                            // "20 were positive for cholera"
                            return Right::Metric("cases", status, j);
                        }
                        if matches!(w, "fell" | "fallen" | "falling") && self.word(j + 1) == "ill" {
                            return Right::Metric("cases", status, j + 1);
                        }
                        // "40,000 children have sought medical treatment": people ill enough to
                        // seek care are cases.
                        if person.is_some()
                            && matches!(w, "sought" | "seeking")
                            && matches!(
                                self.word(j + 1),
                                "medical" | "treatment" | "care" | "health"
                            )
                        {
                            return Right::Metric("cases", status, j + 1);
                        }
                        // "2 116 were identified as positive", "were found positive".
                        if matches!(w, "identified" | "found")
                            && (self.word(j + 1) == "positive"
                                || (self.word(j + 1) == "as" && self.word(j + 2) == "positive"))
                        {
                            let end = if self.word(j + 1) == "as" {
                                j + 2
                            } else {
                                j + 1
                            };
                            return Right::Metric("cases", status, end);
                        }
                        if person.is_none()
                            && t.has(token::class::PERSON)
                            && let Some(is_case) = person_word(w)
                        {
                            person = Some((is_case, j));
                            words = 0;
                            j += 1;
                            continue;
                        }
                        let filler = t.has(token::class::FILLER)
                            || (prev_status && matches!(w, "and" | "or"))
                            || (person.is_some()
                                && matches!(
                                    w,
                                    "have"
                                        | "had"
                                        | "to"
                                        | "be"
                                        | "been"
                                        | "age"
                                        | "aged"
                                        | "are"
                                        | "were"
                                ));
                        prev_status = t.has(token::class::STATUS)
                            || matches!(w, "laboratory" | "linked" | "epidemiologically");
                        filler
                    };
                    if !filler {
                        if person.is_some() {
                            // Any word after a person noun: keep scanning a little for a verb.
                            if words > 5 {
                                break;
                            }
                        } else if j == n.last + 1 && t.has(token::class::FUNCTION) {
                            return Right::Nothing;
                        } else if unknown < 2 && self.name_like(j, w) {
                            unknown += 1;
                            only_fillers = false;
                        } else {
                            only_fillers = false;
                            break;
                        }
                    }
                }
            }
            j += 1;
        }
        match person {
            Some((true, end)) => Right::PersonCase(end),
            Some((false, end)) => Right::Person(end),
            None => {
                let t = self.tok(n.last + 1);
                if status.is_some() {
                    // "51 cases (19 laboratory confirmed, 32 probable)": a status describes cases.
                    Right::Metric("cases", status, n.last)
                } else if t.is_none_or(|t| !t.is_word() || self.is_boundary(n.last, n.last + 1))
                    || function_word(first_word)
                    || (only_fillers && ended_at_punct)
                {
                    Right::Nothing
                } else {
                    Right::Unknown
                }
            }
        }
    }

    /// "Benin: 424 (56)" after a "cases (deaths)" header: the first number is cases, the
    /// bracketed one deaths.
    fn paired_metric(&self, n: &NumExpr) -> Option<&'static str> {
        let marked = |at: usize| {
            let k = self.death_marks.partition_point(|&m| m < at);
            k > 0 && at - self.death_marks[k - 1] < 800
        };
        // The number expression starting (or ending) at a token, if any.
        let num_at = |j: usize| {
            let k = self.nums.partition_point(|m| m.first < j);
            self.nums.get(k).filter(|m| m.first == j)
        };
        let num_ending = |j: usize| {
            let k = self.nums.partition_point(|m| m.last < j);
            self.nums.get(k).filter(|m| m.last == j)
        };
        let open = self.tok(n.last + 1).is_some_and(|t| t.is_punct('('));
        if open
            && num_at(n.last + 2)
                .is_some_and(|m| self.tok(m.last + 1).is_some_and(|t| t.is_punct(')')))
            && marked(n.first)
        {
            return Some("cases");
        }
        let inside = n.first >= 2
            && self.toks[n.first - 1].is_punct('(')
            && num_ending(n.first - 2).is_some()
            && self.tok(n.last + 1).is_some_and(|t| t.is_punct(')'));
        if inside && marked(n.first) {
            return Some("deaths");
        }
        None
    }

    /// Ordinal cases: "the country's 59th case", "the 12th fatality", "the 19th person to
    /// become infected" give the cumulative count.
    /// Only the tokens `at` are looked at (every other token starts none).
    fn ordinals(&self, cands: &mut Vec<Cand>, at: &[usize]) {
        for &i in at {
            let Some(t) = self.tok(i) else { continue };
            if !t.is_num() || t.end - t.start > 6 || self.in_date[i] {
                continue;
            }
            let Some(suf) = self.tok(i + 1) else { continue };
            if suf.gap != Gap::None || !matches!(self.word(i + 1), "st" | "nd" | "rd" | "th") {
                continue;
            }
            let mut metric = None;
            let mut j = i + 2;
            while j < i + 6 && j < self.toks.len() && !self.is_boundary(i, j) {
                let w = self.word(j);
                match w {
                    "case" | "cases" | "patient" | "person" | "victim" | "infection" => {
                        metric = Some("cases");
                        break;
                    }
                    "fatality" | "death" => {
                        metric = Some("deaths");
                        break;
                    }
                    _ if filler_word(w) || (self.toks[j].is_word() && self.name_like(j, w)) => {}
                    _ => break,
                }
                j += 1;
            }
            let Some(metric) = metric else { continue };
            let value = t.text(self.src).parse::<f64>().unwrap_or(0.0);
            if value < 1.0 {
                continue;
            }
            cands.push(Cand {
                first: i,
                start: t.start,
                end: suf.end,
                value,
                range: None,
                metric,
                scope: Some("cumulative"),
                own_new: false,
                qualifier: "exact",
                status: None,
            });
        }
    }

    /// A listing entry that opens its line or clause with a number and a place, next to a
    /// count of cases: "20 in Montserrado County; 26 deaths are among the confirmed cases".
    fn located_listing(&self, n: &NumExpr) -> bool {
        if n.form == Form::Vague {
            return false;
        }
        let opens = n.first == 0
            || self.toks[n.first].gap >= Gap::Line
            || self.toks[n.first - 1].is_punct(';')
            || self.toks[n.first - 1].is_punct(':');
        let at = n.last + 1;
        let placed = self.word(at) == "in"
            && self
                .tok(at + 1)
                .is_some_and(|t| t.is_word() && token::is_capitalised(t))
            && !self.in_date.get(at + 1).copied().unwrap_or(true);
        if !opens || !placed {
            return false;
        }
        // A count of cases named in this sentence or the next.
        let s = self.sent[n.first];
        (n.last + 1..(n.last + 40).min(self.toks.len()))
            .take_while(|&j| self.sent[j] <= s + 1)
            .any(|j| matches!(self.word(j), "case" | "cases"))
    }

    /// "… confirmed cases with no deaths - Canada (6), New Zealand (3)": a number alone in
    /// brackets after a name takes the metric the sentence names before it (a metric negated by
    /// "no"/"without" does not count).
    fn bracketed_after_name(&self, n: &NumExpr) -> Option<&'static str> {
        let open = self.bracket_after_name(n)?;
        // Only head nouns ([`token::class::HEAD`]) can give the metric: the sentence's part of
        // the 80 tokens before the bracket is found once and only they are read.
        let lo = self.same_sentence_from(n.first, open.saturating_sub(80));
        let toks = self.toks.get(lo..open).unwrap_or_default();
        (lo..open)
            .zip(toks)
            .rev()
            .filter(|(_, t)| t.has(token::class::HEAD))
            .find_map(|(j, _)| self.named_metric(j))
    }

    /// The '(' of a number alone in brackets after a capitalised word ([`Cx::bracketed_after_name`]).
    fn bracket_after_name(&self, n: &NumExpr) -> Option<usize> {
        let open = n.first.checked_sub(1)?;
        if !self.toks[open].is_punct('(') || !self.tok(n.last + 1).is_some_and(|t| t.is_punct(')'))
        {
            return None;
        }
        let name = self.tok(open.checked_sub(1)?)?;
        if !name.is_word() || !token::is_capitalised(name) {
            return None;
        }
        Some(open)
    }

    /// The metric of the head noun at `j` unless "no" or "without" negates it.
    fn named_metric(&self, j: usize) -> Option<&'static str> {
        let w = self.word(j);
        let negated = matches!(self.word(j.wrapping_sub(1)), "no" | "without");
        (head_noun(w) && !negated).then(|| metric_word(w)).flatten()
    }

    /// [`Cx::bracketed_after_name`] as it was, walking every token of the window and asking each
    /// its sentence and every word the lists: the reference the tests hold it to.
    #[cfg(test)]
    fn bracketed_after_name_reference(&self, n: &NumExpr) -> Option<&'static str> {
        let open = self.bracket_after_name(n)?;
        (open.saturating_sub(80)..open)
            .rev()
            .take_while(|&j| !self.is_boundary(j, n.first))
            .find_map(|j| self.named_metric(j))
    }

    /// "N out of M samples" (or "N of M samples") with a positive result in the clause: the head
    /// token of the samples.
    fn out_of_samples(&self, n: &NumExpr) -> Option<usize> {
        let mut j = n.last + 1;
        if self.word(j) == "out" {
            j += 1;
        }
        if self.word(j) != "of" {
            return None;
        }
        let k = self.nums.partition_point(|m| m.first <= j);
        let m = self.nums.get(k).filter(|m| m.first == j + 1)?;
        let head = (m.last + 1..m.last + 5)
            .take_while(|&h| !self.is_boundary(n.first, h))
            .find(|&h| sample_word(self.word(h)))?;
        self.positive_samples(n, head).then_some(head)
    }

    /// A positive result for the samples counted by `n` (head at `head`): "positive",
    /// "confirmed", "isolated", "identified", "detected" in the clause, and `n` is not the
    /// denominator of "N out of M".
    fn positive_samples(&self, n: &NumExpr, head: usize) -> bool {
        if n.first >= 2 && self.word(n.first - 1) == "of" && self.toks[n.first - 2].is_num() {
            return false;
        }
        if n.first >= 3
            && self.word(n.first - 1) == "of"
            && self.word(n.first - 2) == "out"
            && self.toks[n.first - 3].is_num()
        {
            return false;
        }
        let cue = |w: &str| {
            matches!(
                w,
                "positive"
                    | "positively"
                    | "confirmed"
                    | "confirmation"
                    | "isolated"
                    | "identified"
                    | "detected"
                    | "proved"
                    | "proven"
            )
        };
        let left = (n.first.saturating_sub(14)..n.first)
            .rev()
            .take_while(|&j| !self.is_boundary(j, n.first) && !self.toks[j].is_punct(','))
            .any(|j| cue(self.word(j)));
        let right = (head + 1..head + 7)
            .take_while(|&j| {
                !self.is_boundary(head, j)
                    && self
                        .tok(j)
                        .is_some_and(|t| !matches!(t.kind, Kind::Punct(_)))
            })
            .map(|j| self.word(j))
            .collect::<Vec<_>>();
        let right_pos = right.iter().any(|w| cue(w));
        let negative = right.contains(&"negative");
        (left || right_pos) && !negative
    }

    /// Could the word be part of a name between a number and its head noun ("SARS",
    /// "cholera", "measles-associated")? Plural common nouns ("hospitals") are not.
    fn name_like(&self, j: usize, w: &str) -> bool {
        let Some(t) = self.tok(j) else { return false };
        token::is_capitalised(t)
            || !w.ends_with('s')
            || self
                .tok(j + 1)
                .is_some_and(|n| n.is_dash() && n.gap == Gap::None)
    }

    /// Looks left within the clause for the metric noun: "the number of deaths is 30",
    /// "Deaths: 2", "cases rose to 28", "a total of 12,344".
    fn left_metric(&self, n: &NumExpr) -> Option<(&'static str, Option<&'static str>)> {
        let mut status = None;
        let mut j = n.first;
        let mut steps = 0;
        // After "has increased to", "is", "reached" the subject may hold commas: "The total
        // number of plague cases in Mutarara District, Tete Province has increased to 335".
        let copular = n.first > 0
            && matches!(
                self.word(n.first - 1),
                "to" | "at"
                    | "is"
                    | "was"
                    | "reached"
                    | "remains"
                    | "totalled"
                    | "totaled"
                    | "totals"
            );
        while j > 0 && steps < 18 {
            j -= 1;
            steps += 1;
            if self.is_boundary(j, n.first) {
                break;
            }
            let t = self.toks[j];
            match t.kind {
                Kind::Punct(c) => {
                    // Skip a short bracket: "the cumulative number of cases for the period
                    // (1 to 28 November) is 523".
                    if c == ')'
                        && let Some(open) = (j.saturating_sub(9)..j)
                            .rev()
                            .find(|&k| self.toks[k].is_punct('(') && !self.is_boundary(k, j))
                    {
                        j = open;
                        continue;
                    }
                    if matches!(c, ',' | '(') {
                        // "24 deaths (17 in Gabon, 7 in the Congo)": a breakdown in brackets
                        // takes the metric of the count before the bracket.
                        let open = (j.saturating_sub(12)..=j)
                            .rev()
                            .find(|&k| self.toks[k].is_punct('(') || self.toks[k].is_punct(')'));
                        if let Some(o) = open.filter(|&o| self.toks[o].is_punct('(') && o > 0)
                            && !self.is_boundary(o, n.first)
                            && head_noun(self.word(o - 1))
                        {
                            return metric_word(self.word(o - 1)).map(|m| (m, status));
                        }
                    }
                    if c == ',' && copular {
                        continue;
                    }
                    if matches!(c, ',' | '(' | ')' | '"' | '“' | '”' | '[' | ']') {
                        break;
                    }
                }
                Kind::Num => {
                    // Dates and ages ("a 27-year-old woman and 2 males") do not end the clause.
                    let age = self
                        .tok(j + 1)
                        .is_some_and(|t| t.is_dash() && t.gap == Gap::None);
                    if !self.in_date[j] && !age {
                        break;
                    }
                }
                Kind::Word => {
                    let w = self.word(j);
                    if t.has(token::class::STATUS)
                        && let Some(st) = status_word(w)
                    {
                        status = status.or(Some(st));
                    }
                    if t.has(token::class::METRIC)
                        && let Some(m) = metric_word(w)
                        && (matches!(m, "cases" | "deaths" | "hospitalizations" | "recoveries")
                            || steps <= 3)
                    {
                        return Some((m, status));
                    }
                    if matches!(w, "patients" | "victims") {
                        return Some(("cases", status));
                    }
                    if w == "total" && steps <= 3 {
                        return Some(("cases", status));
                    }
                }
            }
        }
        None
    }

    fn status_near(&self, n: &NumExpr, head_end: usize) -> Option<&'static str> {
        // Just after the head: "15 cases confirmed since …".
        for j in [head_end + 1, n.first.wrapping_sub(1)] {
            if let Some(st) = self.status_at(j) {
                return Some(st);
            }
        }
        None
    }

    /// Scope cue next to the number: in the words between the previous number and this one,
    /// and between this number and its head. Only the words of [`SCOPE_GATE`] are read: every
    /// word it tests is one of them.
    /// (`gated` false reads every word: the reference the tests hold the gate to.)
    fn own_scope(&self, k: usize, head_end: usize, gated: bool) -> (Option<&'static str>, bool) {
        let n = &self.nums[k];
        let prev_end = if k > 0 { self.nums[k - 1].last + 1 } else { 0 };
        let mut found: Option<&'static str> = None;
        let mut new_adjacent = false;
        // Right side, up to the head (and two words past it: "cases so far").
        let stop = (head_end + 3).min(self.nums.get(k + 1).map_or(usize::MAX, |x| x.first));
        let mut j = n.last + 1;
        while j < stop && j < self.toks.len() && !self.is_boundary(n.last, j) {
            // "more", "so", "to" and the cues: filler, function or scope words.
            if gated && !self.toks[j].has(SCOPE_GATE) {
                j += 1;
                continue;
            }
            let w = self.word(j);
            if w == "more" && j != n.last + 1 {
                j += 1;
                continue;
            }
            let cue = self.cue_at(j, w, gated).or(match w {
                "more" => Some("new"),
                "so" if self.word(j + 1) == "far" => Some("cumulative"),
                "to" if self.word(j + 1) == "date" => Some("cumulative"),
                _ => None,
            });
            if let Some(c) = cue {
                if c == "new" && j <= head_end {
                    new_adjacent = true;
                }
                found = found.or(Some(c));
            }
            j += 1;
        }
        // Left side: back to the previous number, within the sentence.
        let mut j = n.first;
        let mut steps = 0;
        let mut weak = false;
        while j > prev_end && steps < 14 {
            j -= 1;
            steps += 1;
            if self.is_boundary(j, n.first) {
                break;
            }
            let t = &self.toks[j];
            if gated && !t.has(SCOPE_GATE) {
                continue;
            }
            let w = self.word(j);
            let cue = self.cue_at(j, w, gated).or(match w {
                "far" if self.word(j.wrapping_sub(1)) == "so" => Some("cumulative"),
                "date" if self.word(j.wrapping_sub(1)) == "to" => Some("cumulative"),
                _ => None,
            });
            if let Some(c) = cue
                && found.is_none()
            {
                found = Some(c);
            }
            if (w == "of" && self.word(j.wrapping_sub(1)) == "as") || w == "since" {
                weak = true;
            }
        }
        if found.is_none() && weak && !new_adjacent {
            // Weak cumulative cue; a sibling's "new" may still override it.
            return (None, false);
        }
        (found, new_adjacent || (found == Some("new")))
    }

    /// The start of the tokens from `lo` to before `at` in the sentence of `at` (sentence
    /// numbers grow with the tokens: one search, no walk).
    fn same_sentence_from(&self, at: usize, lo: usize) -> usize {
        let lo = lo.min(at);
        let s = self.sent.get(at).copied().unwrap_or(0);
        lo + self
            .sent
            .get(lo..at)
            .map_or(0, |x| x.partition_point(|&y| y < s))
    }

    /// Nearest scope cue in the sentence (left first), then the weak cues, within 40 tokens of
    /// `first`. The sentence's ends in that window are found once (sentence numbers grow with
    /// the tokens), and only the words of [`SCOPE_GATE`] are read: every word it tests is one of
    /// them.
    // Inlined into its one caller (5,553 calls on the DON texts: -0.1 M).
    #[inline(always)]
    fn sentence_scope(&self, first: usize) -> Option<&'static str> {
        let s = *self.sent.get(first)?;
        let from = first.saturating_sub(40);
        let lo = from + self.sent.get(from..first)?.partition_point(|&x| x < s);
        let to = (first + 41).min(self.sent.len());
        let hi = first + 1 + self.sent.get(first + 1..to)?.partition_point(|&x| x <= s);
        let mut weak = None;
        // Both sides four tokens at a time: a block with no `SCOPE_GATE` word (most of them)
        // is passed by on one test of its bits. The left side is read from the right.
        let left = self.toks.get(lo..first).unwrap_or_default();
        let (front, blocks) = left.as_rchunks::<4>();
        let base = lo + front.len();
        for (b, [t0, t1, t2, t3]) in blocks.iter().enumerate().rev() {
            if (t0.class | t1.class | t2.class | t3.class) & SCOPE_GATE == 0 {
                continue;
            }
            let j = base + 4 * b;
            for (d, t) in [(3, t3), (2, t2), (1, t1), (0, t0)] {
                if let Some(c) = self.scope_left(j + d, t, &mut weak) {
                    return Some(c);
                }
            }
        }
        for (d, t) in front.iter().enumerate().rev() {
            if let Some(c) = self.scope_left(lo + d, t, &mut weak) {
                return Some(c);
            }
        }
        let right = self.toks.get(first + 1..hi).unwrap_or_default();
        let (blocks, back) = right.as_chunks::<4>();
        for (b, block @ [t0, t1, t2, t3]) in blocks.iter().enumerate() {
            if (t0.class | t1.class | t2.class | t3.class) & SCOPE_GATE == 0 {
                continue;
            }
            let j = first + 1 + 4 * b;
            for (d, t) in block.iter().enumerate() {
                if let Some(c) = self.scope_right(j + d, t, &mut weak) {
                    return Some(c);
                }
            }
        }
        let base = first + 1 + 4 * blocks.len();
        for (d, t) in back.iter().enumerate() {
            if let Some(c) = self.scope_right(base + d, t, &mut weak) {
                return Some(c);
            }
        }
        weak
    }

    /// One word `t` (at `j`) of [`Cx::sentence_scope`]'s left side: its cue, if it gives one
    /// there, or none (a weak cue noted in `weak`).
    #[inline(always)]
    fn scope_left(
        &self,
        j: usize,
        t: &Token,
        weak: &mut Option<&'static str>,
    ) -> Option<&'static str> {
        if !t.has(SCOPE_GATE) {
            return None;
        }
        let w = lw(self.low, t);
        if let Some(c) = t.has(token::class::SCOPE).then(|| scope_cue(w)).flatten() {
            return Some(c);
        }
        if w == "far" && self.word(j.wrapping_sub(1)) == "so" {
            return Some("cumulative");
        }
        if (w == "of" && self.word(j.wrapping_sub(1)) == "as") || w == "since" {
            *weak = weak.or(Some("cumulative"));
        }
        None
    }

    /// One word `t` (at `j`) of [`Cx::sentence_scope`]'s right side, as [`Cx::scope_left`].
    #[inline(always)]
    fn scope_right(
        &self,
        j: usize,
        t: &Token,
        weak: &mut Option<&'static str>,
    ) -> Option<&'static str> {
        if !t.has(SCOPE_GATE) {
            return None;
        }
        let w = lw(self.low, t);
        if let Some(c) = t.has(token::class::SCOPE).then(|| scope_cue(w)).flatten()
            && c != "new"
        {
            return Some(c);
        }
        if matches!(w, "far" | "date") && matches!(self.word(j - 1), "so" | "to") {
            return Some("cumulative");
        }
        if w == "since" {
            *weak = weak.or(Some("cumulative"));
        }
        None
    }

    /// [`Cx::sentence_scope`] as it was, visiting every word of the window and asking each its
    /// sentence: the reference the tests hold it to.
    #[cfg(test)]
    fn sentence_scope_reference(&self, first: usize) -> Option<&'static str> {
        let s = self.sent[first];
        let mut j = first;
        let mut weak = None;
        while j > 0 && j + 40 > first {
            j -= 1;
            if self.sent[j] != s {
                break;
            }
            let w = self.word(j);
            if let Some(c) = scope_cue(w) {
                return Some(c);
            }
            if w == "far" && self.word(j.wrapping_sub(1)) == "so" {
                return Some("cumulative");
            }
            if (w == "of" && self.word(j.wrapping_sub(1)) == "as") || w == "since" {
                weak = weak.or(Some("cumulative"));
            }
        }
        let mut j = first;
        while j + 1 < self.toks.len() && self.sent[j + 1] == s && j < first + 40 {
            j += 1;
            let w = self.word(j);
            if let Some(c) = scope_cue(w)
                && c != "new"
            {
                return Some(c);
            }
            if matches!(w, "far" | "date") && matches!(self.word(j - 1), "so" | "to") {
                return Some("cumulative");
            }
            if w == "since" {
                weak = weak.or(Some("cumulative"));
            }
        }
        weak
    }

    /// The qualifier of the number `n` from the words before it. Every phrase ends in a
    /// [`num_prefix_word`]: where the word before the number is none, no word is read
    /// (`gated` false reads them always: the tests' reference).
    fn qualifier(&self, n: &NumExpr, gated: bool) -> &'static str {
        let w1 = self.prefix_word(n, gated);
        let (w2, w3) = if w1.is_empty() {
            ("", "")
        } else {
            (
                self.word(n.first.wrapping_sub(2)),
                self.word(n.first.wrapping_sub(3)),
            )
        };
        let q3 = match (w3, w2, w1) {
            ("no", "more", "than") => Some("at_most"),
            ("no", "fewer" | "less", "than") => Some("at_least"),
            ("in", "excess", "of") => Some("more_than"),
            _ => None,
        };
        let q = q3.or(match (w2, w1) {
            ("more" | "greater", "than")
            | ("in", "excess")
            | ("upwards", "of")
            | ("just", "over") => Some("more_than"),
            ("at", "least") | ("no", "fewer") | ("no", "less") | ("minimum", "of") => {
                Some("at_least")
            }
            ("up", "to") | ("at", "most") | ("maximum", "of") => Some("at_most"),
            ("less" | "fewer", "than") | ("just", "under") => Some("less_than"),
            ("an" | "some", "estimated") | ("close", "to") => Some("approximate"),
            _ => None,
        });
        let q = q.or(match w1 {
            "over" | "above" | "exceeded" | "exceeding" | "exceeds" | "surpassed"
            | "surpassing" | "topped" => Some("more_than"),
            "about" | "around" | "approximately" | "approx" | "nearly" | "almost" | "some"
            | "roughly" | "estimated" | "circa" | "ca" => Some("approximate"),
            "under" | "below" => Some("less_than"),
            _ => None,
        });
        let q = q.or_else(|| {
            self.tok(n.first.wrapping_sub(1))
                .filter(|t| t.is_punct('~'))
                .map(|_| "approximate")
        });
        match (q, n.vague) {
            (Some(q), _) => q,
            (None, Some(Vague::AtLeast)) => "at_least",
            (None, Some(Vague::Approximate)) => "approximate",
            (None, None) => "exact",
        }
    }

    /// The nearest resolved date in the same sentence: its last day (the "as of" day). Of the
    /// four dates on either side of the token `first`; `at` is how many `dates` (in text
    /// order) start before it ([`dates_before`], a cursor the counts in text order move on).
    /// The dates on one side are nearer the further in they are, so the first of each side
    /// in its sentence is its best, and the one before wins a tie (as the first minimum of the
    /// eight did in [`Cx::nearest_date_reference`]). The sentence numbers of the tokens never
    /// go down and the dates are in text order, so a side's walk ends at its first date of
    /// another sentence (an earlier one before `first`, a later one after it): no date further
    /// out on that side is in the sentence.
    fn nearest_date(&self, dates: &[DateHit], at: usize, first: usize) -> Option<String> {
        let &s = self.sent.get(first)?;
        let (before, after) = dates.split_at_checked(at)?;
        let mut b = None;
        for d in before.iter().rev().take(4) {
            match self.sent.get(d.first) {
                Some(&t) if t == s && d.value.is_some() => {
                    b = Some(d);
                    break;
                }
                Some(&t) if t < s => break,
                _ => {}
            }
        }
        let mut a = None;
        for d in after.iter().take(4) {
            match self.sent.get(d.first) {
                Some(&t) if t == s && d.value.is_some() => {
                    a = Some(d);
                    break;
                }
                Some(&t) if t > s => break,
                _ => {}
            }
        }
        let d = match (b, a) {
            (Some(b), Some(a)) if a.first.abs_diff(first) < b.first.abs_diff(first) => a,
            (b, a) => b.or(a)?,
        };
        d.end_value.or(d.value).map(date::iso)
    }

    /// The old [`Cx::nearest_date`]: the first nearest of the eight dates around `first`.
    #[cfg(test)]
    fn nearest_date_reference(&self, dates: &[DateHit], first: usize) -> Option<String> {
        let s = self.sent.get(first)?;
        // Dates are in text order: look at the nearest resolved ones on either side.
        let at = dates.partition_point(|d| d.first < first);
        let before = dates[..at].iter().rev().take(4);
        let after = dates[at..].iter().take(4);
        before
            .chain(after)
            .filter(|d| self.sent.get(d.first) == Some(s) && d.value.is_some())
            .min_by_key(|d| d.first.abs_diff(first))
            .and_then(|d| d.end_value.or(d.value))
            .map(date::iso)
    }

    /// A cheap gate for [`Cx::singulars`] at the article `i`: false only where its word loop
    /// finds no head. The loop finds "case" (a [`token::class::HEAD`] word) or "patient" (a
    /// [`token::class::PERSON`] word) before it stops, or an aged person after a number right
    /// after the article; the gate walks the same tokens under the loop's structural stops
    /// (sentence end, five words, a number past the first token, a punctuation mark other than
    /// an attached dash) and compares no strings. The loop's word stops only end it earlier.
    fn may_head_singular(&self, i: usize) -> bool {
        let toks = self.toks;
        if toks.get(i + 1).is_some_and(Token::is_num) {
            return true;
        }
        let s = self.sent.get(i);
        let mut words = 0;
        // The tokens and sentence numbers after `i` as slices (a `skip` on the zip of the two
        // was an out-of-line `Zip::nth` call per article).
        let (Some(next), Some(next_sent)) = (toks.get(i + 1..), self.sent.get(i + 1..)) else {
            return false;
        };
        for (t, ts) in next.iter().zip(next_sent) {
            if Some(ts) != s || words > 4 {
                return false;
            }
            match t.kind {
                Kind::Word => {
                    if t.has(token::class::HEAD | token::class::PERSON) {
                        return true;
                    }
                    words += 1;
                }
                Kind::Punct(_) if t.is_dash() && t.gap == Gap::None => {}
                _ => return false,
            }
        }
        false
    }

    /// Singular cases: "a lassa fever case", "the index case", "a patient", "a 27-year-old
    /// woman" in a sentence about cases. Articles go through [`Cx::may_head_singular`] first
    /// (`gated` false skips it: the reference the tests hold the gate to).
    /// Only the tokens `at` are looked at (every other token starts none).
    fn singulars(&self, cands: &mut Vec<Cand>, at: &[usize], gated: bool) {
        let toks = self.toks;
        let numbered = cands.len();
        for &i in at {
            // "a", "an", "the".
            if !toks.get(i).is_some_and(|t| t.has(token::class::ARTICLE)) {
                continue;
            }
            // "a", "an" or "the" (the class bit): "the" is the one of three bytes.
            let the = toks[i].end - toks[i].start == 3;
            // "the" is the commonest word: the next word's length (five or seven bytes) rules
            // out most before it is sliced (not in the reference, `gated` false).
            if the
                && !((!gated
                    || toks
                        .get(i + 1)
                        .is_some_and(|u| matches!(u.end - u.start, 5 | 7)))
                    && matches!(self.word(i + 1), "index" | "first" | "primary"))
            {
                continue;
            }
            if gated && !self.may_head_singular(i) {
                continue;
            }
            // Up to four modifier words (with hyphens and an age) before the noun.
            let mut j = i + 1;
            let mut words = 0;
            let mut age = false;
            let mut found: Option<(usize, bool)> = None;
            while let Some(t) = toks.get(j) {
                if self.is_boundary(i, j) || words > 4 {
                    break;
                }
                match t.kind {
                    Kind::Num => {
                        let age_unit = matches!(self.word(j + 1), "year" | "month")
                            || (toks.get(j + 1).is_some_and(Token::is_dash)
                                && matches!(self.word(j + 2), "year" | "month"));
                        if j != i + 1 || !age_unit {
                            break;
                        }
                        age = true;
                    }
                    Kind::Punct(_) => {
                        if !(t.is_dash() && t.gap == Gap::None) {
                            break;
                        }
                    }
                    Kind::Word => {
                        words += 1;
                        let w = self.word(j);
                        if matches!(w, "case" | "patient") {
                            found = Some((j, false));
                            break;
                        }
                        // "a most serious emergency case", "a test case", "a court case": not
                        // a person who is ill.
                        if non_medical_case_modifier(w) {
                            break;
                        }
                        if age
                            && matches!(
                                w,
                                "man"
                                    | "woman"
                                    | "boy"
                                    | "girl"
                                    | "child"
                                    | "infant"
                                    | "baby"
                                    | "male"
                                    | "female"
                                    | "person"
                                    | "resident"
                                    | "farmer"
                                    | "worker"
                            )
                        {
                            found = Some((j, true));
                            break;
                        }
                        if matches!(
                            w,
                            "number"
                                | "total"
                                | "few"
                                | "lot"
                                | "couple"
                                | "dozen"
                                | "hundred"
                                | "thousand"
                                | "million"
                        ) {
                            break;
                        }
                    }
                }
                j += 1;
            }
            let Some((head, is_age)) = found else {
                continue;
            };
            // "a case of the state", "a case in point", "a case for …": not a case of a disease.
            if matches!(
                (self.word(head + 1), self.word(head + 2)),
                (
                    "of",
                    "the" | "this" | "that" | "his" | "her" | "their" | "its" | "our"
                ) | ("in", "point")
                    | ("for" | "against", _)
            ) {
                continue;
            }
            if matches!(
                self.word(head + 1),
                "study"
                    | "definition"
                    | "fatality"
                    | "management"
                    | "report"
                    | "series"
                    | "count"
                    | "load"
                    | "rate"
                    | "numbers"
                    | "of"
            ) && self.word(head + 1) != "of"
            {
                continue;
            }
            // An aged person counts only in a sentence that speaks of cases or deaths.
            let s = self.sent[i];
            let mut metric = "cases";
            let mut k = head + 1;
            while k < toks.len() && self.sent[k] == s && k < head + 8 {
                let w = self.word(k);
                if matches!(w, "died" | "dead" | "succumbed") {
                    metric = "deaths";
                    break;
                }
                if matches!(w, "and" | "but" | "while") {
                    break;
                }
                k += 1;
            }
            if is_age {
                let ctx = (i.saturating_sub(30)..(i + 30).min(toks.len()))
                    .filter(|&k| self.sent[k] == s)
                    .any(|k| {
                        matches!(
                            self.word(k),
                            "case" | "cases" | "involved" | "died" | "patient"
                        )
                    });
                if !ctx {
                    continue;
                }
            }
            let at = cands[..numbered].partition_point(|c| c.first < i);
            if cands[..numbered].get(at).is_some_and(|c| c.first <= head) {
                continue;
            }
            let status = (i + 1..head).find_map(|k| self.status_at(k));
            cands.push(Cand {
                first: i,
                start: toks[i].start,
                end: toks[head].end,
                value: 1.0,
                range: None,
                metric,
                scope: None,
                own_new: false,
                qualifier: "exact",
                status,
            });
        }
    }
}

enum Right {
    /// A metric word: metric, status seen on the way, index of the head.
    Metric(&'static str, Option<&'static str>, usize),
    /// A head noun that is not epidemiological ("3 brothers").
    Unknown,
    /// A generic person noun with no verb: the metric must come from the left.
    Person(usize),
    /// "patients", "victims": cases.
    PersonCase(usize),
    /// "5 new ones", "3 more.": a new count of something named earlier.
    NewOnes(usize),
    /// No head: punctuation, end, or a function word.
    Nothing,
}

/// Expected entries of EpiTator's count tiers: one per value, ranges split into min and max.
fn epitator_entries(counts: &[Count]) -> Vec<(f64, &Count, Option<&'static str>)> {
    let mut out = Vec::new();
    for c in counts {
        match (c.min, c.max) {
            (Some(a), Some(b)) => {
                out.push((a, c, Some("min")));
                out.push((b, c, Some("max")));
            }
            _ => out.push((c.value, c, None)),
        }
    }
    out
}

/// Does a count carry EpiTator's attribute? `annual` and `average` have no field in the
/// contract and are never satisfied.
fn has_attribute(c: &Count, role: Option<&str>, attr: &str) -> bool {
    match attr {
        "case" | "infection" => c.metric != "other",
        "death" => c.metric == "deaths",
        "hospitalization" => c.metric == "hospitalizations",
        "recovery" => c.metric == "recoveries",
        "confirmed" | "suspected" | "probable" => c.status.as_deref() == Some(attr),
        "cumulative" => c.scope == "cumulative",
        "incremental" => c.scope == "new",
        "ongoing" => c.scope == "current",
        "approximate" => c.qualifier == "approximate",
        "min" | "max" => role == Some(attr),
        "person" => true,
        _ => false,
    }
}

fn describe(counts: &[Count]) -> String {
    let v: Vec<String> = counts
        .iter()
        .map(|c| {
            format!(
                "{}={}/{}/{}/{}",
                c.text, c.value, c.metric, c.scope, c.qualifier
            )
        })
        .collect();
    format!("[{}]", v.join(", "))
}

/// Runs the count cases lifted from EpiTator's test suite (`test_count_annotator.jsonl`).
///
/// Checks "expected_spans_in_order" (values in order, listed attributes present; a range is
/// EpiTator's pair of min and max spans) and the `asserts` on the number of counts, a count's
/// value and attributes, its offsets, and `actual_counts`. Cases with no assertions pass when
/// the recogniser returns.
pub fn eval_epitator_counts(path: &Path) -> Result<Report> {
    let recs = read_jsonl(path)?;
    let mut rep = Report {
        name: "epitator counts".into(),
        ..Report::default()
    };
    for (k, rec) in recs.iter().enumerate() {
        let text = eval::record_text(rec, path, k)?;
        let name = rec.get("test").and_then(|v| v.as_str()).unwrap_or("?");
        let counts = find(text, doc_date(rec));
        let entries = epitator_entries(&counts);
        let mut problems = Vec::new();
        if let Some(exp) = rec
            .get("expected_spans_in_order")
            .and_then(|v| v.as_array())
        {
            if exp.len() != entries.len() {
                problems.push(format!("expected {} counts", exp.len()));
            }
            for (e, got) in exp.iter().zip(&entries) {
                let want = e.get("count").and_then(serde_json::Value::as_f64);
                if want != Some(got.0) {
                    problems.push(format!("value {} want {:?}", got.0, want));
                }
                for a in e
                    .get("attributes")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                {
                    let a = a.as_str().unwrap_or("");
                    if !has_attribute(got.1, got.2, a) {
                        problems.push(format!("{} lacks {a}", got.0));
                    }
                }
            }
        }
        for a in rec
            .get("asserts")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let (Some(target), Some(props)) =
                (a.get("target").and_then(|v| v.as_str()), a.get("props"))
            {
                let Some(i) = target
                    .split("spans[")
                    .nth(1)
                    .and_then(|r| r.split(']').next())
                else {
                    continue;
                };
                let Ok(i) = i.parse::<usize>() else { continue };
                let Some(got) = entries.get(i) else {
                    problems.push(format!("no count #{i}"));
                    continue;
                };
                let want = props.get("count").and_then(serde_json::Value::as_f64);
                if want.is_some() && want != Some(got.0) {
                    problems.push(format!("#{i} value {} want {:?}", got.0, want));
                }
                for at in props
                    .get("attributes")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                {
                    let at = at.as_str().unwrap_or("");
                    if !has_attribute(got.1, got.2, at) {
                        problems.push(format!("#{i} lacks {at}"));
                    }
                }
                continue;
            }
            let Some(args) = a.get("args").and_then(|v| v.as_array()) else {
                continue;
            };
            let expr = args
                .first()
                .and_then(|e| e.get("expr"))
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let want = args.get(1).cloned().unwrap_or(serde_json::Value::Null);
            if expr.starts_with("len(doc.tiers['counts']") {
                if want.as_u64() != Some(entries.len() as u64) {
                    problems.push(format!("expected {want} counts"));
                }
            } else if expr == "actual_counts" {
                let got: Vec<f64> = entries.iter().map(|e| e.0).collect();
                let w: Vec<f64> = want
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(serde_json::Value::as_f64)
                    .collect();
                if got != w {
                    problems.push(format!("values {got:?} want {w:?}"));
                }
            } else if expr.ends_with(".start") || expr.ends_with(".end") {
                let i = expr
                    .split("spans[")
                    .nth(1)
                    .and_then(|r| r.split(']').next())
                    .and_then(|x| x.parse::<usize>().ok());
                let got = i.and_then(|i| entries.get(i)).map(|e| {
                    if expr.ends_with(".start") {
                        e.1.start
                    } else {
                        e.1.end
                    }
                });
                if got.map(|g| g as u64) != want.as_u64() {
                    problems.push(format!("{expr} = {got:?} want {want}"));
                }
            }
        }
        rep.total += 1;
        if problems.is_empty() {
            rep.passed += 1;
        } else {
            rep.failures.push(format!(
                "{name} (line {}): {} — got {}",
                k + 1,
                problems.join("; "),
                describe(&counts)
            ));
        }
    }
    Ok(rep)
}

/// Digit forms of a whole number as a text may write it: "12344", "12,344", "12 344".
fn digit_forms(v: f64) -> Vec<String> {
    let plain = format!("{v:.0}");
    let mut commas = String::new();
    let mut spaced = String::new();
    for (k, c) in plain.chars().enumerate() {
        if k > 0 && (plain.len() - k) % 3 == 0 {
            commas.push(',');
            spaced.push(' ');
        }
        commas.push(c);
        spaced.push(c);
    }
    let mut out = vec![plain];
    if commas != out[0] {
        out.push(commas);
        out.push(spaced);
    }
    out
}

/// True when `form` occurs in `text` as a whole number (no digit or separator-digit around).
fn occurs_as_number(text: &str, form: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find(form)) {
        let s = from + pos;
        let e = s + form.len();
        let before_ok = s == 0
            || !(bytes[s - 1].is_ascii_digit()
                || (s >= 2
                    && matches!(bytes[s - 1], b',' | b'.')
                    && bytes[s - 2].is_ascii_digit()));
        let after_ok = e >= bytes.len()
            || !(bytes[e].is_ascii_digit()
                || (e + 1 < bytes.len()
                    && matches!(bytes[e], b',' | b'.')
                    && bytes[e + 1].is_ascii_digit()));
        if before_ok && after_ok {
            return true;
        }
        from = s + 1;
    }
    false
}

/// Measures the count finder on the WHO Disease Outbreak News dev set
/// (`dons-1996-2012.jsonl`): of the hand-coded case and death figures (cases_total, cases_confirmed,
/// cases_suspected, cases_probable → cases; deaths → deaths; zero figures left out) that appear
/// in the text in digit form, the share that the count finder extracts with that value and metric.
pub fn eval_who_don(path: &Path) -> Result<Report> {
    let recs = read_jsonl(path)?;
    let mut rep = Report {
        name: "WHO DON figures extracted with the right metric".into(),
        ..Report::default()
    };
    let mut figures = 0usize;
    let mut value_only = 0usize;
    let mut bytes = 0usize;
    let mut secs = 0f64;
    for (k, rec) in recs.iter().enumerate() {
        let text = eval::record_text(rec, path, k)?;
        bytes += text.len();
        let published = rec
            .get("date")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<Date>().ok());
        let t0 = std::time::Instant::now();
        let counts = find(text, published);
        secs += t0.elapsed().as_secs_f64();
        let id = rec.get("id").and_then(|v| v.as_str()).unwrap_or("?");
        let mut seen: Vec<(u64, &str)> = Vec::new();
        for l in rec
            .get("labels")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            for (field, metric) in [
                ("cases_total", "cases"),
                ("cases_confirmed", "cases"),
                ("cases_suspected", "cases"),
                ("cases_probable", "cases"),
                ("deaths", "deaths"),
            ] {
                let Some(v) = l.get(field).and_then(serde_json::Value::as_f64) else {
                    continue;
                };
                if v <= 0.0 || v.fract() != 0.0 {
                    continue;
                }
                let key = (v as u64, metric);
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                figures += 1;
                if !digit_forms(v).iter().any(|f| occurs_as_number(text, f)) {
                    continue;
                }
                rep.total += 1;
                let hit = counts.iter().any(|c| c.value == v && c.metric == metric);
                let any = counts
                    .iter()
                    .any(|c| c.value == v || c.min == Some(v) || c.max == Some(v));
                if hit {
                    rep.passed += 1;
                } else {
                    if any {
                        value_only += 1;
                    }
                    if rep.failures.len() < 500 {
                        let got: Vec<String> = counts
                            .iter()
                            .filter(|c| c.value == v)
                            .map(|c| format!("{}:{}", c.text, c.metric))
                            .collect();
                        let ctx = digit_forms(v)
                            .iter()
                            .find_map(|f| text.find(f.as_str()))
                            .map(|p| {
                                let a = text.floor_char_boundary(p.saturating_sub(70));
                                let b = text.ceil_char_boundary((p + 40).min(text.len()));
                                text.get(a..b).unwrap_or("").replace('\n', " ")
                            })
                            .unwrap_or_default();
                        rep.failures
                            .push(format!("{id}: {metric} {v} (found as {got:?}) …{ctx}…"));
                    }
                }
            }
        }
    }
    rep.notes.push(format!(
        "{} documents, {figures} non-zero hand-coded figures, {} of them written in digits in the text",
        recs.len(),
        rep.total
    ));
    rep.notes.push(format!(
        "{value_only} missed figures were found as a count but with another metric"
    ));
    rep.notes.push(format!(
        "count+date pass: {:.1} MB in {secs:.2} s = {:.1} MB/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs.max(1e-9)
    ));
    Ok(rep)
}

#[cfg(test)]
mod tests;
