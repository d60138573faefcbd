//! Date recognition: absolute dates, dates relative to the publication date, and ranges.
//!
//! Conventions (all ranges are inclusive of both ends; `end_value` is the last day):
//! - "17 May 2022", "May 17, 2022", "2022-05-17", "08-FEB-17", "17.05.2018" (day.month.year)
//!   give one day. "17/05/2022" is read day-first only when the first part cannot be a month,
//!   month-first only when the second part cannot be a month; "05/06/2022" is ambiguous and
//!   skipped.
//! - A day and month without a year ("May 15") take the year of the closest occurrence on or
//!   before the publication date.
//! - A month ("May 2022", "in March") is the range of its days; a year ("in 2019") the range of
//!   its days; a decade ("the 1950s") its ten years.
//! - "on Tuesday" is the most recent Tuesday on or before the publication date; "last Tuesday"
//!   the most recent one strictly before it.
//! - "last week" is Monday to Sunday of the week before the publication week (ISO weeks);
//!   "this week" is Monday of the publication week to the publication date; "last month" and
//!   "last year" are the whole previous month or year; "this month" and "this year" run from
//!   their first day to the publication date.
//! - Durations that reach the present ("in the past 20 days", "in just six days", "over the last
//!   two weeks") run from the publication date minus the duration to the publication date.
//!   "two weeks ago" is the single day publication date minus 14 days.
//! - "since 1 Sep 2010" runs from that date to the publication date; without a publication date
//!   it gives the start day only.
//! - With no publication date, every relative expression (and a day-month without a year) has
//!   `value: None`: today's date is never used.

use std::path::Path;

use epiwire_model::{CharIndex, DateMention};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::count::eval::{Report, Result, doc_date, read_jsonl};
use crate::count::number;
use crate::count::token::{Gap, Kind, Token, class, is_capitalised, lw};
use crate::tokens::Tokens;

/// A date expression in token and byte coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateHit {
    /// First token index.
    pub first: usize,
    /// Last token index (inclusive).
    pub last: usize,
    /// Byte start.
    pub start: usize,
    /// Byte end.
    pub end: usize,
    /// First day, when resolved.
    pub value: Option<Date>,
    /// Last day (equal to `value` for a single day).
    pub end_value: Option<Date>,
}

/// Finds the date expressions of `text` and resolves them against `published`.
pub fn find(text: &str, published: Option<Date>) -> Vec<DateMention> {
    let tk = Tokens::new(text);
    let idx = CharIndex::new(text);
    mentions(text, &idx, &find_in(text, &tk.low, &tk.toks, published))
}

/// The output records of date hits of `text`.
pub(crate) fn mentions(text: &str, idx: &CharIndex, hits: &[DateHit]) -> Vec<DateMention> {
    hits.iter()
        .map(|h| DateMention {
            start: idx.char_offset(h.start),
            end: idx.char_offset(h.end),
            text: text.get(h.start..h.end).unwrap_or("").to_string(),
            value: h.value.map(iso),
            end_value: match (h.value, h.end_value) {
                (Some(a), Some(b)) if b != a => Some(iso(b)),
                _ => None,
            },
        })
        .collect()
}

/// `d` as `Display` writes it ("2022-05-17"), without the formatter for the years 0 to 9999:
/// the formatting machinery cost about 340 instructions a date. The year and the "-MM-DD" are
/// copied from constant tables ([`YEARS`], [`MONTH_DAYS`]): computing the ten digits and
/// pushing them one `char` at a time cost about 90 instructions a date.
pub(crate) fn iso(d: Date) -> String {
    let year = usize::try_from(d.year())
        .ok()
        .and_then(|y| YEARS.get(4 * y..4 * y + 4));
    let month_day = usize::try_from(d.month())
        .ok()
        .zip(usize::try_from(d.day()).ok())
        .and_then(|(m, day)| {
            let k = 6 * (31 * m + day).checked_sub(32)?;
            MONTH_DAYS.get(k..k + 6)
        });
    let (Some(year), Some(month_day)) = (year, month_day) else {
        return d.to_string();
    };
    let mut s = String::with_capacity(10);
    s.push_str(year);
    s.push_str(month_day);
    s
}

/// The years 0 to 9999 in four digits each, one after another ("0000", "0001", ...): the year
/// `y` is `YEARS[4 * y..4 * y + 4]`.
const YEARS: &str = {
    // Read only here, by the compiler: the program holds the one `&str` below.
    #[allow(clippy::large_const_arrays)]
    const BYTES: [u8; 40_000] = {
        let mut b = [0u8; 40_000];
        let mut y = 0;
        while y < 10_000 {
            b[4 * y] = b'0' + (y / 1000) as u8;
            b[4 * y + 1] = b'0' + (y / 100 % 10) as u8;
            b[4 * y + 2] = b'0' + (y / 10 % 10) as u8;
            b[4 * y + 3] = b'0' + (y % 10) as u8;
            y += 1;
        }
        b
    };
    match std::str::from_utf8(&BYTES) {
        Ok(s) => s,
        // ASCII, always valid (a table that were not would give `Display`'s text).
        Err(_) => "",
    }
};

/// "-MM-DD" for the months 1 to 12 and the days 1 to 31 of each (some days do not exist, and
/// are never asked for), one after another: month `m` and day `d` at `6 * (31 * (m - 1) + d -
/// 1)`.
const MONTH_DAYS: &str = {
    const BYTES: [u8; 6 * 12 * 31] = {
        let mut b = [0u8; 6 * 12 * 31];
        let mut k = 0;
        while k < 12 * 31 {
            let (m, d) = (k / 31 + 1, k % 31 + 1);
            b[6 * k] = b'-';
            b[6 * k + 1] = b'0' + (m / 10) as u8;
            b[6 * k + 2] = b'0' + (m % 10) as u8;
            b[6 * k + 3] = b'-';
            b[6 * k + 4] = b'0' + (d / 10) as u8;
            b[6 * k + 5] = b'0' + (d % 10) as u8;
            k += 1;
        }
        b
    };
    match std::str::from_utf8(&BYTES) {
        Ok(s) => s,
        Err(_) => "",
    }
};

/// Finds date expressions over an existing token stream; `low` is `src` ASCII-lower-cased.
pub(crate) fn find_in(
    src: &str,
    low: &str,
    toks: &[Token],
    published: Option<Date>,
) -> Vec<DateHit> {
    let mut out = Vec::new();
    let mut i = 0;
    let cx = Cx {
        src,
        low,
        toks,
        published,
    };
    while i < toks.len() {
        if !cx.may_start(i) {
            i += 1;
            continue;
        }
        match cx.parse_at(i) {
            Some(h) => {
                i = h.last + 1;
                out.push(h);
            }
            None => i += 1,
        }
    }
    out
}

/// [`find_in`] visiting only the tokens `at` (in text order): it finds the same dates when `at`
/// holds every number token and every word with [`class::DATE_START`], the only tokens where
/// a date may start (`count::Starts::scan` lists them). The dates are written into `out`
/// (emptied first: a buffer kept between documents).
pub(crate) fn find_in_at(
    src: &str,
    low: &str,
    toks: &[Token],
    published: Option<Date>,
    at: &[usize],
    mut out: Vec<DateHit>,
) -> Vec<DateHit> {
    out.clear();
    let cx = Cx {
        src,
        low,
        toks,
        published,
    };
    // The first token a new date may start at.
    let mut next = 0;
    for &i in at {
        if i < next {
            continue;
        }
        match cx.may_start_inline(i) {
            Gate::No => continue,
            Gate::Maybe if !cx.may_start(i) => continue,
            _ => {}
        }
        if let Some(h) = cx.parse_at(i) {
            next = h.last + 1;
            out.push(h);
        }
    }
    out
}

/// What [`Cx::may_start_inline`] says of a start: none there, ask [`Cx::may_start`], or one
/// the gate passes (a day before a capitalised month, a fifth of the starts the gate is asked
/// about on the DON texts), parsed without asking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    No,
    Maybe,
    Yes,
}

impl From<bool> for Gate {
    fn from(maybe: bool) -> Self {
        if maybe { Gate::Maybe } else { Gate::No }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pt {
    /// A partial absolute date.
    Abs {
        y: Option<i16>,
        m: Option<i8>,
        d: Option<i8>,
        decade: bool,
    },
    /// A resolved relative expression (`None`: no publication date).
    Rel(Option<(Date, Date)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct P {
    first: usize,
    last: usize,
    pt: Pt,
}

struct Cx<'a> {
    src: &'a str,
    low: &'a str,
    toks: &'a [Token],
    published: Option<Date>,
}

/// Every word [`month_word`] knows.
pub(crate) const MONTH_WORDS: &[&str] = &[
    "january",
    "jan",
    "february",
    "feb",
    "march",
    "mar",
    "april",
    "apr",
    "may",
    "june",
    "jun",
    "july",
    "jul",
    "august",
    "aug",
    "september",
    "sep",
    "sept",
    "october",
    "oct",
    "november",
    "nov",
    "december",
    "dec",
];

/// Every word [`weekday_word`] knows.
pub(crate) const WEEKDAY_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
];

/// The other words a date expression may start with.
const OTHER_START_WORDS: &[&str] = &[
    "since",
    "between",
    "from",
    "yesterday",
    "today",
    "tonight",
    "tomorrow",
    "this",
    "last",
    "past",
    "in",
    "within",
    "early",
    "late",
    "mid",
    "end",
    "beginning",
];

/// The word lists of [`date_start_word`].
pub(crate) const DATE_START_LISTS: &[&[&str]] = &[
    MONTH_WORDS,
    WEEKDAY_WORDS,
    number::NUMBER_START_WORDS,
    OTHER_START_WORDS,
];

/// Whether the lower-cased word `w` may start a date expression (the tokeniser's
/// [`class::DATE_START`]).
#[cfg(test)]
pub(crate) fn date_start_word(w: &str) -> bool {
    month_word(w).is_some()
        || weekday_word(w).is_some()
        || number::starts_number(w)
        || matches!(
            w,
            "since"
                | "between"
                | "from"
                | "yesterday"
                | "today"
                | "tonight"
                | "tomorrow"
                | "this"
                | "last"
                | "past"
                | "in"
                | "within"
                | "early"
                | "late"
                | "mid"
                | "end"
                | "beginning"
        )
}

pub(crate) fn month_word(w: &str) -> Option<i8> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// Weekday as a Monday-zero offset, and whether the name is written in full.
pub(crate) fn weekday_word(w: &str) -> Option<(i8, bool)> {
    Some(match w {
        "monday" => (0, true),
        "tuesday" => (1, true),
        "wednesday" => (2, true),
        "thursday" => (3, true),
        "friday" => (4, true),
        "saturday" => (5, true),
        "sunday" => (6, true),
        "mon" => (0, false),
        "tue" | "tues" => (1, false),
        "wed" => (2, false),
        "thu" | "thur" | "thurs" => (3, false),
        "fri" => (4, false),
        "sat" => (5, false),
        "sun" => (6, false),
        _ => return None,
    })
}

/// A word before a year that makes a bare year a date.
fn year_prep(w: &str) -> bool {
    matches!(
        w,
        "in" | "since"
            | "from"
            | "during"
            | "until"
            | "till"
            | "through"
            | "by"
            | "of"
            | "year"
            | "early"
            | "late"
            | "mid"
            | "end"
            | "beginning"
            | "to"
            | "between"
            | "before"
            | "after"
            | "entire"
            | "whole"
            | "summer"
            | "winter"
            | "spring"
            | "autumn"
            | "fall"
            | "and"
            | "throughout"
            | "for"
    )
}

/// A word before a month that makes a bare month a date.
fn month_prep(w: &str) -> bool {
    matches!(
        w,
        "in" | "since"
            | "from"
            | "during"
            | "until"
            | "till"
            | "through"
            | "by"
            | "of"
            | "early"
            | "late"
            | "mid"
            | "end"
            | "beginning"
            | "last"
            | "this"
            | "between"
            | "before"
            | "after"
            | "throughout"
    )
}

/// The words other than a month that [`Cx::may_start`] lets follow a day number: an ordinal
/// suffix, "of" and the range words.
#[cfg(test)]
const DAY_NEXT: &[&str] = &[
    "st", "nd", "rd", "th", "of", "to", "until", "till", "through", "thru",
];

/// Whether a word of `len` bytes whose lower-cased first byte is `first` may be one of
/// [`DAY_NEXT`] (the test `day_next_words_have_none_of_the_rejecting_bits` holds it to the
/// list): the ordinal suffixes and "of" / "to", "till" / "thru", "until", "through".
#[inline(always)]
fn day_next_shape(len: usize, first: u8) -> bool {
    match len {
        2 => matches!(first, b's' | b'n' | b'r' | b't' | b'o'),
        4 | 7 => first == b't',
        5 => first == b'u',
        _ => false,
    }
}

/// Class bits none of [`DAY_NEXT`] has: a word after a number with one of them starts no date
/// there (the count nouns, person nouns and status words that follow most numbers).
const NOT_DAY_NEXT: u32 = class::METRIC | class::PERSON | class::UNIT | class::HEAD | class::STATUS;

/// Class bits that no word a number word's date goes on with has ([`units::unit_word`], "hundred",
/// "dozen", [`number::scale_word`]; a [`class::NUMBER_START`] word passes anyway): "two cases",
/// "several patients" start no date. [`Cx::may_start_inline`] rejects on them.
const NOT_AFTER_NUMBER_WORD: u32 = class::METRIC | class::PERSON | class::HEAD | class::STATUS;

/// The word list of [`units::unit_word`], for the tests.
#[cfg_attr(not(test), allow(dead_code))]
mod units {
    word_map! {
        /// The unit of a duration ("N days ago"), as `Cx::back` takes it.
        pub(super) fn unit_word / UNIT_WORDS -> char {
            "day" | "days" => 'd',
            "week" | "weeks" => 'w',
            "month" | "months" => 'm',
            "year" | "years" => 'y',
            "hour" | "hours" => 'h',
        }
    }
}
use units::unit_word;

fn ymd(y: i16, m: i8, d: i8) -> Option<Date> {
    Date::new(y, m, d).ok()
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(n.days()).ok()
}

fn monday_of(d: Date) -> Option<Date> {
    add_days(d, -i64::from(d.weekday().to_monday_zero_offset()))
}

impl Cx<'_> {
    fn w(&self, j: usize) -> &str {
        self.toks.get(j).map_or("", |t| lw(self.low, t))
    }

    /// True when token `j` is a word `is` accepts (lower-cased). A predicate rather than a
    /// list: a `matches!` over string constants compares lengths and a few bytes inline, where
    /// `contains` on a list called `memcmp` for every word of the same length.
    #[inline(always)]
    fn word_is(&self, j: usize, is: impl Fn(&str) -> bool) -> bool {
        self.toks.get(j).is_some_and(|t| {
            let w = lw(self.low, t);
            !w.is_empty() && is(w)
        })
    }

    // The parse (`parse_at`) and its helpers (`num`, `month`, `day`, `year`, `trailing_year`,
    // `resolve`, `point`, `range_sep`) are inlined into their callers: 10,000 to 20,000 calls
    // each on the DON texts, where the call and its register saves were a large part of the
    // work (cnt28: `find_in_at` 13.69 -> 12.73 M). Not `may_start` (+0.1 M) nor `absolute`
    // (recursive: no change).
    #[inline(always)]
    fn num(&self, j: usize) -> Option<(u32, usize)> {
        let t = self.toks.get(j)?;
        if !t.is_num() || t.end - t.start > 4 {
            return None;
        }
        // At most four ASCII digits: the value without `parse`.
        let digits = self.src.as_bytes().get(t.start..t.end)?;
        let v = digits
            .iter()
            .fold(0u32, |v, &d| v * 10 + u32::from(d.wrapping_sub(b'0')));
        Some((v, t.end - t.start))
    }

    /// True when token `j` is `n` bytes long.
    fn len_is(&self, j: usize, n: usize) -> bool {
        self.toks.get(j).is_some_and(|t| t.end - t.start == n)
    }

    fn attached(&self, j: usize) -> bool {
        self.toks.get(j).is_some_and(|t| t.gap == Gap::None)
    }

    fn punct(&self, j: usize, c: char) -> bool {
        self.toks.get(j).is_some_and(|t| t.is_punct(c))
    }

    fn dash(&self, j: usize) -> bool {
        self.toks.get(j).is_some_and(Token::is_dash)
    }

    /// A capitalised month name at `j` (with an optional attached '.'): (month, last index).
    #[inline(always)]
    fn month(&self, j: usize) -> Option<(i8, usize)> {
        let t = self.toks.get(j)?;
        if !t.is_word() || !is_capitalised(t) {
            return None;
        }
        // The list is asked only of the words the class bit says it holds.
        if !t.has(class::MONTH) {
            return None;
        }
        let m = month_word(lw(self.low, t))?;
        let last = if self.punct(j + 1, '.') && self.attached(j + 1) {
            j + 1
        } else {
            j
        };
        Some((m, last))
    }

    /// A day number (1-31) with an optional ordinal suffix: (day, last index).
    #[inline(always)]
    fn day(&self, j: usize) -> Option<(i8, usize)> {
        let (v, len) = self.num(j)?;
        if len > 2 || !(1..=31).contains(&v) {
            return None;
        }
        // Not part of a longer digit chain ("1,200", "3.5").
        if self.attached(j)
            && j > 0
            && (self.toks[j - 1].is_num()
                || self.toks[j - 1].is_word()
                || ((self.punct(j - 1, ',') || self.punct(j - 1, '.'))
                    && j >= 2
                    && self.toks[j - 2].is_num()))
        {
            return None;
        }
        let mut last = j;
        if self.attached(j + 1) && self.word_is(j + 1, |w| matches!(w, "st" | "nd" | "rd" | "th")) {
            last = j + 1;
        } else if self.attached(j + 1)
            && self
                .toks
                .get(j + 1)
                .is_some_and(|t| t.is_word() || t.is_num())
        {
            return None;
        }
        i8::try_from(v).ok().map(|d| (d, last))
    }

    /// A four-digit year 1800-2100 at `j` that is not part of a longer number.
    #[inline(always)]
    fn year(&self, j: usize) -> Option<(i16, usize)> {
        let (v, len) = self.num(j)?;
        if len != 4 || !(1800..=2100).contains(&v) {
            return None;
        }
        if self.attached(j + 1)
            && self
                .toks
                .get(j + 1)
                .is_some_and(|t| t.is_word() || t.is_num())
        {
            return None;
        }
        if (self.punct(j + 1, ',') || self.punct(j + 1, '.'))
            && self.attached(j + 1)
            && self.attached(j + 2)
            && self.toks.get(j + 2).is_some_and(Token::is_num)
        {
            return None;
        }
        if j > 0 && self.attached(j) && self.toks[j - 1].is_word() {
            return None;
        }
        i16::try_from(v).ok().map(|y| (y, j))
    }

    /// A year after a month or day: optional ',' / "of" / '[' / '(' then a year.
    #[inline(always)]
    fn trailing_year(&self, j: usize) -> Option<(i16, usize)> {
        let mut k = j;
        for _ in 0..2 {
            if self.punct(k, ',')
                || self.punct(k, '[')
                || self.punct(k, '(')
                || self.word_is(k, |w| matches!(w, "of"))
            {
                k += 1;
            }
        }
        if let Some(r) = self.year(k) {
            return Some(r);
        }
        // Two-digit year only after an apostrophe: "May '22" is skipped; keep four digits.
        None
    }

    #[inline(always)]
    fn resolve(&self, pt: Pt) -> Option<Option<(Date, Date)>> {
        Some(match pt {
            Pt::Rel(r) => r,
            Pt::Abs {
                y: Some(y),
                m: None,
                d: None,
                decade,
            } => {
                let y2 = if decade { y.checked_add(9)? } else { y };
                Some((ymd(y, 1, 1)?, ymd(y2, 12, 31)?))
            }
            Pt::Abs {
                y: Some(y),
                m: Some(m),
                d: None,
                ..
            } => {
                let a = ymd(y, m, 1)?;
                Some((a, a.last_of_month()))
            }
            Pt::Abs {
                y: Some(y),
                m: Some(m),
                d: Some(d),
                ..
            } => {
                let a = ymd(y, m, d)?;
                Some((a, a))
            }
            Pt::Abs {
                y: None,
                m: Some(m),
                d,
                ..
            } => {
                // Check the day exists in some year (Feb 29 in a leap year).
                ymd(2000, m, d.unwrap_or(1))?;
                let Some(p) = self.published else {
                    return Some(None);
                };
                let mut y = p.year();
                let start_of = |y: i16| ymd(y, m, d.unwrap_or(1));
                let mut a = start_of(y);
                while a.is_none_or(|a| a > p) && y > p.year() - 8 {
                    y -= 1;
                    a = start_of(y);
                }
                let a = a?;
                match d {
                    Some(_) => Some((a, a)),
                    None => Some((a, a.last_of_month())),
                }
            }
            _ => return None,
        })
    }

    /// Parses an absolute date (possibly without a year) at `j`.
    fn absolute(&self, j: usize) -> Option<P> {
        self.absolute_with::<true>(j)
    }

    /// [`Cx::absolute`]; with `GATED`, a number before a token other than a punctuation mark
    /// ("12 May 2022") goes straight to the day forms: the three numeric forms tried before
    /// them each need a dash, a '/' or a '.' right after the number. `false` tries every form
    /// (the reference).
    fn absolute_with<const GATED: bool>(&self, j: usize) -> Option<P> {
        let t = self.toks.get(j)?;
        // Weekday prefix before an absolute date: "Friday, October 7th 2010", "Sat 19 Aug 2017".
        if t.has(class::WEEKDAY) && is_capitalised(t) {
            let mut k = j + 1;
            if self.punct(k, ',') || self.punct(k, '.') {
                k += 1;
            }
            let p = self.absolute_with::<GATED>(k)?;
            return Some(P { first: j, ..p });
        }
        if let Some((m, ml)) = self.month(j) {
            // Month D[th][,] [Y]
            if let Some((d, dl)) = self
                .day(ml + 1)
                .filter(|_| !self.attached(ml + 1) || ml > j)
            {
                // "May 2022" is a year, handled below; a day is at most two digits.
                let (y, last) = match self.trailing_year(dl + 1) {
                    Some((y, yl)) => (Some(y), yl),
                    None => (None, dl),
                };
                return Some(P {
                    first: j,
                    last,
                    pt: Pt::Abs {
                        y,
                        m: Some(m),
                        d: Some(d),
                        decade: false,
                    },
                });
            }
            if let Some((y, yl)) = self.trailing_year(ml + 1) {
                return Some(P {
                    first: j,
                    last: yl,
                    pt: Pt::Abs {
                        y: Some(y),
                        m: Some(m),
                        d: None,
                        decade: false,
                    },
                });
            }
            return None;
        }
        if !t.is_num() {
            return None;
        }
        let punct_next = self
            .toks
            .get(j + 1)
            .is_some_and(|u| matches!(u.kind, Kind::Punct(_)));
        if !GATED || punct_next {
            // YYYY-MM-DD or YYYY/MM/DD.
            if let Some((y, 4)) = self.num(j) {
                let sep_ok = |k: usize| {
                    (self.dash(k) || self.punct(k, '/')) && self.attached(k) && self.attached(k + 1)
                };
                if sep_ok(j + 1)
                    && sep_ok(j + 3)
                    && let (Some((m, ml)), Some((d, dl))) = (self.num(j + 2), self.num(j + 4))
                    && ml <= 2
                    && dl <= 2
                    && !(self.attached(j + 5) && self.toks.get(j + 5).is_some_and(Token::is_num))
                {
                    let (y, m, d) = (
                        i16::try_from(y).ok()?,
                        i8::try_from(m).ok()?,
                        i8::try_from(d).ok()?,
                    );
                    ymd(y, m, d)?;
                    return Some(P {
                        first: j,
                        last: j + 4,
                        pt: Pt::Abs {
                            y: Some(y),
                            m: Some(m),
                            d: Some(d),
                            decade: false,
                        },
                    });
                }
            }
            // D-Mon-YY: "08-FEB-17".
            if self.dash(j + 1)
                && self.attached(j + 1)
                && self.attached(j + 2)
                && let (Some((d, _)), Some((m, _))) = (self.num(j), self.month(j + 2))
                && self.dash(j + 3)
                && self.attached(j + 3)
                && self.attached(j + 4)
                && let Some((yy, yl)) = self.num(j + 4)
            {
                let y = match yl {
                    2 => 2000 + yy as i32 - if yy > 50 { 100 } else { 0 },
                    4 => yy as i32,
                    _ => return None,
                };
                let (y, d) = (i16::try_from(y).ok()?, i8::try_from(d).ok()?);
                ymd(y, m, d)?;
                return Some(P {
                    first: j,
                    last: j + 4,
                    pt: Pt::Abs {
                        y: Some(y),
                        m: Some(m),
                        d: Some(d),
                        decade: false,
                    },
                });
            }
            // D/M/Y, M/D/Y (unambiguous only) and D.M.Y.
            if let Some(p) = self.numeric_dmy(j) {
                return Some(p);
            }
        }
        // D[th] [of] Month [,] [Y]
        if let Some((d, dl)) = self.day(j) {
            let mut k = dl + 1;
            if self.word_is(k, |w| matches!(w, "of")) {
                k += 1;
            }
            if let Some((m, ml)) = self.month(k) {
                let (y, last) = match self.trailing_year(ml + 1) {
                    Some((y, yl)) => (Some(y), yl),
                    None => (None, ml),
                };
                return Some(P {
                    first: j,
                    last,
                    pt: Pt::Abs {
                        y,
                        m: Some(m),
                        d: Some(d),
                        decade: false,
                    },
                });
            }
            // "3rd month of the year [2017]"
            if dl > j
                && self.word_is(dl + 1, |w| matches!(w, "month"))
                && self.word_is(dl + 2, |w| matches!(w, "of"))
            {
                let k = if self.word_is(dl + 3, |w| matches!(w, "the")) {
                    dl + 4
                } else {
                    dl + 3
                };
                if self.word_is(k, |w| matches!(w, "year"))
                    && let Some((y, yl)) = self.trailing_year(k + 1)
                {
                    let m = if (1..=12).contains(&d) {
                        d
                    } else {
                        return None;
                    };
                    return Some(P {
                        first: j,
                        last: yl,
                        pt: Pt::Abs {
                            y: Some(y),
                            m: Some(m),
                            d: None,
                            decade: false,
                        },
                    });
                }
            }
            // "2nd week of October 2017"
            if dl > j
                && self.word_is(dl + 1, |w| matches!(w, "week"))
                && self.word_is(dl + 2, |w| matches!(w, "of"))
                && let Some(p) = self.absolute_with::<GATED>(dl + 3)
                && let Pt::Abs {
                    y: Some(y),
                    m: Some(m),
                    d: None,
                    ..
                } = p.pt
            {
                let first = 7 * (i16::from(d) - 1) + 1;
                let a = ymd(y, m, i8::try_from(first).ok()?)?;
                let b = add_days(a, 6)?.min(a.last_of_month());
                return Some(P {
                    first: j,
                    last: p.last,
                    pt: Pt::Rel(Some((a, b))),
                });
            }
        }
        None
    }

    fn numeric_dmy(&self, j: usize) -> Option<P> {
        let sep = self.toks.get(j + 1)?;
        let dot = sep.is_punct('.');
        if !(sep.is_punct('/') || dot || sep.is_dash()) {
            return None;
        }
        let spaced = sep.gap != Gap::None;
        let sep2 = self.toks.get(j + 3)?;
        if sep2.kind != sep.kind
            || (sep2.gap != Gap::None) != spaced
            || (self.toks.get(j + 2)?.gap != Gap::None) != spaced
            || (self.toks.get(j + 4)?.gap != Gap::None) != spaced
        {
            return None;
        }
        let (a, al) = self.num(j)?;
        let (b, bl) = self.num(j + 2)?;
        let (y, yl) = self.num(j + 4)?;
        let year_ok = yl == 4 || (yl == 2 && !spaced && !sep.is_dash());
        if al > 2 || bl > 2 || !year_ok {
            return None;
        }
        if j > 0
            && self.attached(j)
            && !self.toks[j - 1].is_punct('(')
            && !self.toks[j - 1].is_punct('[')
        {
            return None;
        }
        if self.attached(j + 5)
            && self
                .toks
                .get(j + 5)
                .is_some_and(|t| t.is_num() || t.is_word() || t.kind == sep.kind)
        {
            return None;
        }
        let y = if yl == 2 {
            2000 + y - if y > 50 { 100 } else { 0 }
        } else {
            y
        };
        let (d, m) = if dot || sep.is_dash() || (a > 12 && b <= 12) {
            (a, b)
        } else if b > 12 && a <= 12 {
            (b, a)
        } else if a == b {
            (a, b)
        } else {
            return None;
        };
        let (y, m, d) = (
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        );
        ymd(y, m, d)?;
        if spaced && sep.is_dash() {
            return None;
        }
        Some(P {
            first: j,
            last: j + 4,
            pt: Pt::Abs {
                y: Some(y),
                m: Some(m),
                d: Some(d),
                decade: false,
            },
        })
    }

    fn small_number(&self, j: usize) -> Option<(usize, i64)> {
        let t = self.toks.get(j)?;
        if t.is_num() {
            let (v, len) = self.num(j)?;
            if len > 3
                || (self.attached(j + 1)
                    && self.toks.get(j + 1).is_some_and(|n| {
                        n.is_num() || n.is_word() || n.is_punct(',') || n.is_punct('.')
                    }))
            {
                return None;
            }
            return Some((j, i64::from(v)));
        }
        if self.word_is(j, |w| matches!(w, "a" | "an" | "one")) {
            return Some((j, 1));
        }
        let n = number::scan_words(self.low, self.toks, j)?;
        if n.value > 1000.0 {
            return None;
        }
        Some((n.last, n.value as i64))
    }

    /// A duration unit at `j`: days per unit (months and years approximated by calendar
    /// arithmetic later) and its kind.
    fn unit(&self, j: usize) -> Option<char> {
        unit_word(lw(self.low, self.toks.get(j)?))
    }

    fn back(&self, p: Date, n: i64, unit: char) -> Option<Date> {
        match unit {
            'd' => add_days(p, -n),
            'w' => add_days(p, -7 * n),
            'm' => p.checked_sub(n.months()).ok(),
            'y' => p.checked_sub(n.years()).ok(),
            'h' => add_days(p, -((n + 23) / 24)),
            _ => None,
        }
    }

    /// Relative expressions resolved against the publication date.
    fn relative(&self, j: usize) -> Option<P> {
        let t = self.toks.get(j)?;
        if !t.is_word() {
            return None;
        }
        let w = lw(self.low, t);
        // Cheap gate: relative expressions start with one of these words, a weekday or a number.
        let gate = matches!(
            w,
            "yesterday"
                | "today"
                | "tonight"
                | "tomorrow"
                | "this"
                | "last"
                | "past"
                | "in"
                | "within"
        ) || t.has(class::WEEKDAY | class::NUMBER_START);
        if !gate {
            return None;
        }

        let p = self.published;
        let rel =
            |first: usize, last: usize, f: &dyn Fn(Date) -> Option<(Date, Date)>| -> Option<P> {
                let r = match p {
                    Some(p) => Some(f(p)?),
                    None => None,
                };
                Some(P {
                    first,
                    last,
                    pt: Pt::Rel(r),
                })
            };
        let next = self.w(j + 1);
        match w {
            "yesterday" => return rel(j, j, &|p| add_days(p, -1).map(|d| (d, d))),
            "today" | "tonight" => return rel(j, j, &|p| Some((p, p))),
            "tomorrow" => return rel(j, j, &|p| add_days(p, 1).map(|d| (d, d))),
            "this" | "last" | "past" => {
                let this = w == "this";
                let last_like = w == "last"
                    || (w == "past" && j > 0 && self.word_is(j - 1, |w| matches!(w, "the")));
                match next {
                    "morning" | "afternoon" | "evening" if this => {
                        return rel(j, j + 1, &|p| Some((p, p)));
                    }
                    "night" if w == "last" => {
                        return rel(j, j + 1, &|p| add_days(p, -1).map(|d| (d, d)));
                    }
                    "week" if this => return rel(j, j + 1, &|p| Some((monday_of(p)?, p))),
                    "week"
                        if w == "last"
                            && !(j > 0 && self.word_is(j - 1, |w| matches!(w, "the"))) =>
                    {
                        return rel(j, j + 1, &|p| {
                            let m = add_days(monday_of(p)?, -7)?;
                            Some((m, add_days(m, 6)?))
                        });
                    }
                    "week" if last_like => return rel(j, j + 1, &|p| Some((add_days(p, -7)?, p))),
                    "month" if this => return rel(j, j + 1, &|p| Some((p.first_of_month(), p))),
                    "month"
                        if w == "last"
                            && !(j > 0 && self.word_is(j - 1, |w| matches!(w, "the"))) =>
                    {
                        return rel(j, j + 1, &|p| {
                            let m = p.first_of_month().checked_sub(1.month()).ok()?;
                            Some((m, m.last_of_month()))
                        });
                    }
                    "month" if last_like => {
                        return rel(j, j + 1, &|p| Some((p.checked_sub(1.month()).ok()?, p)));
                    }
                    "year" if this => return rel(j, j + 1, &|p| Some((ymd(p.year(), 1, 1)?, p))),
                    "year"
                        if w == "last"
                            && !(j > 0 && self.word_is(j - 1, |w| matches!(w, "the"))) =>
                    {
                        return rel(j, j + 1, &|p| {
                            let y = p.year() - 1;
                            Some((ymd(y, 1, 1)?, ymd(y, 12, 31)?))
                        });
                    }
                    "year" if last_like => {
                        return rel(j, j + 1, &|p| Some((p.checked_sub(1.year()).ok()?, p)));
                    }
                    "weekend" if w == "last" || this => {
                        return rel(j, j + 1, &|p| {
                            let sat = add_days(monday_of(p)?, -2)?;
                            Some((sat, add_days(sat, 1)?))
                        });
                    }
                    _ => {}
                }
                // "last Tuesday"
                if w == "last"
                    && let Some(wd) = self.full_weekday(j + 1)
                {
                    return rel(j, j + 1, &move |p| {
                        let off = (p.weekday().to_monday_zero_offset() - wd).rem_euclid(7);
                        let back = if off == 0 { 7 } else { off };
                        add_days(p, -i64::from(back)).map(|d| (d, d))
                    });
                }
                // "the past 20 days", "last two weeks"
                if (last_like || w == "last")
                    && !this
                    && let Some((nl, n)) = self.small_number(j + 1)
                    && let Some(u) = self.unit(nl + 1)
                {
                    let first = if j > 0 && self.word_is(j - 1, |w| matches!(w, "the")) {
                        j - 1
                    } else {
                        j
                    };
                    let first = if first > 0
                        && self.word_is(first - 1, |w| {
                            matches!(w, "in" | "over" | "during" | "within" | "for")
                        }) {
                        first - 1
                    } else {
                        first
                    };
                    return rel(first, nl + 1, &move |p| Some((self.back(p, n, u)?, p)));
                }
                return None;
            }
            "in" | "within" if next == "just" || next == "only" => {
                let (nl, n) = self.small_number(j + 2)?;
                let u = self.unit(nl + 1)?;
                return rel(j, nl + 1, &move |p| Some((self.back(p, n, u)?, p)));
            }
            _ => {}
        }
        // "N days ago"
        if let Some((nl, n)) = self.small_number(j)
            && let Some(u) = self.unit(nl + 1)
            && self.word_is(nl + 2, |w| matches!(w, "ago"))
        {
            return rel(j, nl + 2, &move |p| self.back(p, n, u).map(|d| (d, d)));
        }
        // A weekday on its own: the most recent on or before publication.
        if let Some(wd) = self.full_weekday(j) {
            return rel(j, j, &move |p| {
                let off = (p.weekday().to_monday_zero_offset() - wd).rem_euclid(7);
                add_days(p, -i64::from(off)).map(|d| (d, d))
            });
        }
        None
    }

    fn full_weekday(&self, j: usize) -> Option<i8> {
        let t = self.toks.get(j)?;
        if !t.has(class::WEEKDAY) || !is_capitalised(t) {
            return None;
        }
        match weekday_word(lw(self.low, t)) {
            Some((wd, true)) => Some(wd),
            _ => None,
        }
    }

    /// Any date point at `j`. `first` is true for a point that starts an expression, where bare
    /// years and months need a preceding preposition.
    #[inline(always)]
    fn point(&self, j: usize, first: bool) -> Option<P> {
        if let Some(p) = self.absolute(j) {
            return Some(p);
        }
        if let Some(p) = self.relative(j) {
            return Some(p);
        }
        // Modifiers: "late 2001", "early May".
        let mut k = j;
        if self.word_is(k, |w| {
            matches!(w, "early" | "late" | "mid" | "end" | "beginning")
        }) {
            k += 1;
            if self.dash(k) || self.word_is(k, |w| matches!(w, "of")) {
                k += 1;
            }
        }
        if k > j
            && let Some(p) = self.absolute(k)
        {
            return Some(P { first: j, ..p });
        }
        let prep_ok = |k: usize| {
            !first
                || (k > 0 && self.word_is(k - 1, year_prep))
                || self.punct(k.wrapping_sub(1), '[')
        };
        if let Some((y, yl)) = self.year(k) {
            // "a total of 1816 cases" is a count, not a year.
            let counted = crate::count::metric_word(self.w(yl + 1)).is_some();
            if prep_ok(k) && !counted {
                return Some(P {
                    first: j,
                    last: yl,
                    pt: Pt::Abs {
                        y: Some(y),
                        m: None,
                        d: None,
                        decade: false,
                    },
                });
            }
        }
        // Decade: "1950s".
        if let Some((v, 4)) = self.num(k)
            && v % 10 == 0
            && (1800..=2090).contains(&v)
            && self.attached(k + 1)
            && self.word_is(k + 1, |w| matches!(w, "s"))
        {
            let y = i16::try_from(v).ok()?;
            return Some(P {
                first: j,
                last: k + 1,
                pt: Pt::Abs {
                    y: Some(y),
                    m: None,
                    d: None,
                    decade: true,
                },
            });
        }
        if let Some((m, ml)) = self.month(k) {
            let mprep = !first || (k > 0 && self.word_is(k - 1, month_prep));
            if mprep
                && !self.toks.get(k).is_some_and(|t| {
                    t.text(self.src) == "May" && !self.word_is(k.wrapping_sub(1), month_prep)
                })
            {
                return Some(P {
                    first: j,
                    last: ml,
                    pt: Pt::Abs {
                        y: None,
                        m: Some(m),
                        d: None,
                        decade: false,
                    },
                });
            }
        }
        None
    }

    #[inline(always)]
    fn range_sep(&self, j: usize, between: bool) -> Option<usize> {
        // Skip a bracket closing the first point: "19 May [2018] - 5 Jun [2018]".
        let j = if self.punct(j, ']') || self.punct(j, ')') {
            j + 1
        } else {
            j
        };
        let t = self.toks.get(j)?;
        if t.is_dash() {
            // "2010-1-1 - 2011-1-1", "1 Jul 2017-17 Apr 2018"
            return Some(j + 1);
        }
        if self.word_is(j, |w| {
            matches!(w, "to" | "until" | "till" | "through" | "thru")
        }) {
            return Some(j + 1);
        }
        if between && self.word_is(j, |w| matches!(w, "and")) {
            return Some(j + 1);
        }
        None
    }

    /// A cheap gate: can a date expression start at token `i`? False only where
    /// [`Cx::parse_at`] finds nothing (the proptest `gate_is_exact` holds it to the ungated
    /// scan): most numbers are counts and most start words ("in", "a") start no date.
    fn may_start(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        match t.kind {
            Kind::Num => self.number_may_start(i, t),
            Kind::Punct(_) => false,
            // `date_start_word(w)`, tested by the tokeniser.
            Kind::Word => t.has(class::DATE_START) && self.word_may_start(i, t),
        }
    }

    /// A first test of [`Cx::may_start`], inlined into the scan ([`find_in_at`]) where the
    /// call cost more than the test: not [`Gate::No`] wherever `may_start` is true, and
    /// [`Gate::Yes`] only where it is (a day of one or two digits before a capitalised month).
    /// It looks at lengths and class bits only:
    /// the start words of at most two bytes are "a", "an" and "in" (a fifth of the listed
    /// starts), which start a date only as "a day ago" (a three-byte word two tokens on) and
    /// "in just / only N days" (a four-byte word next); a number of one or two digits starts
    /// one only before a punctuation mark or a few words (most are followed by "cases" or
    /// "deaths"), one of three digits only before a dash, one of more than four never.
    #[inline(always)]
    fn may_start_inline(&self, i: usize) -> Gate {
        let Some(t) = self.toks.get(i) else {
            return Gate::No;
        };
        let len = t.end - t.start;
        Gate::from(if t.is_word() {
            match len {
                1 => self.len_is(i + 2, 3),
                // "in": a four-byte word ("just", "only") next, not a year.
                2 if self.low.as_bytes().get(t.start) == Some(&b'i') => self
                    .toks
                    .get(i + 1)
                    .is_some_and(|u| u.is_word() && u.end - u.start == 4),
                2 => self.len_is(i + 2, 3),
                // A month starts a date only capitalised ("may" the verb starts none).
                _ if t.has(class::MONTH) => is_capitalised(t),
                // A number word: a dash or a word that may be a unit, a scale or more of the
                // number next (`word_may_start`'s last arm), not "cases" or "patients".
                _ if t.has(class::NUMBER_START) => self.toks.get(i + 1).is_some_and(|u| {
                    u.is_dash()
                        || (u.is_word()
                            && (u.has(class::NUMBER_START) || !u.has(NOT_AFTER_NUMBER_WORD)))
                }),
                // "from", "since" and "between" a point; the other words of three or more
                // bytes are left to `may_start`.
                4 | 5 | 7
                    if matches!(
                        self.low.as_bytes().get(t.start..t.end),
                        Some(b"from" | b"since" | b"between")
                    ) =>
                {
                    self.point_may_start(i + 1)
                }
                _ => true,
            }
        } else {
            match len {
                // A day or the first part of a numeric date: a punctuation mark that goes on
                // (a dash, '/' or '.'; ']' or ')' before a dash or a range word) or a word
                // follows, the word a month or one of [`DAY_NEXT`] (by its length and first
                // byte, [`day_next_shape`], and none of [`NOT_DAY_NEXT`], as "cases" or
                // "deaths" have).
                0..=2 => {
                    let Some(u) = self.toks.get(i + 1) else {
                        return Gate::No;
                    };
                    match u.kind {
                        Kind::Punct('/' | '.') => true,
                        Kind::Punct(']' | ')') => self
                            .toks
                            .get(i + 2)
                            .is_some_and(|v| v.is_dash() || self.day_next_like(v)),
                        Kind::Punct(_) => u.is_dash(),
                        Kind::Num => false,
                        // `number_may_start`'s day before a capitalised month (no suffix
                        // comes between): a start, or none.
                        Kind::Word if u.has(class::MONTH) && is_capitalised(u) => {
                            let day = self.num(i).is_some_and(|(v, _)| (1..=31).contains(&v));
                            return if day { Gate::Yes } else { Gate::No };
                        }
                        Kind::Word => u.has(class::MONTH) || self.day_next_like(u),
                    }
                }
                3 => self.dash(i + 1),
                _ => len <= 4,
            }
        })
    }

    /// True when the token `u` may be one of [`DAY_NEXT`]: a word of its shape
    /// ([`day_next_shape`]) with none of [`NOT_DAY_NEXT`].
    #[inline(always)]
    fn day_next_like(&self, u: &Token) -> bool {
        u.is_word()
            && !u.has(NOT_DAY_NEXT)
            && self
                .low
                .as_bytes()
                .get(u.start)
                .is_some_and(|&b| day_next_shape(u.end - u.start, b))
    }

    /// The gate for a start word, by the first thing [`Cx::parse_at`] needs after it:
    /// "since", "between" and "from" a point (a number or a start word); "in" and "within"
    /// "just / only N days" ([`Cx::relative`]); "a" and "an" "a day ago"; "this", "last" and
    /// "past" a period word (or, after "last" and "past", a weekday or a small number); the
    /// modifiers ("early") a number, month or weekday, possibly after a dash or "of"; a month
    /// a capital and a number within four tokens or a preposition before it; a weekday a
    /// capital; a number word a unit or more of the number ("N days ago").
    fn word_may_start(&self, i: usize, t: &Token) -> bool {
        match lw(self.low, t) {
            "since" | "between" | "from" => self.point_may_start(i + 1),
            // The length of the word first: most "in" and "a" are passed by without slicing it.
            "in" | "within" => self.len_is(i + 1, 4) && matches!(self.w(i + 1), "just" | "only"),
            "a" | "an" => self.len_is(i + 2, 3) && self.w(i + 2) == "ago",
            "this" => matches!(
                self.w(i + 1),
                "morning" | "afternoon" | "evening" | "week" | "month" | "year" | "weekend"
            ),
            "last" | "past" => {
                matches!(
                    self.w(i + 1),
                    "night" | "week" | "month" | "year" | "weekend"
                ) || self
                    .toks
                    .get(i + 1)
                    .is_some_and(|u| u.is_num() || u.has(class::WEEKDAY | class::NUMBER_START))
            }
            "yesterday" | "today" | "tonight" | "tomorrow" => true,
            "early" | "late" | "mid" | "end" | "beginning" => {
                let k = if self.dash(i + 1) || self.word_is(i + 1, |w| matches!(w, "of")) {
                    i + 2
                } else {
                    i + 1
                };
                self.toks
                    .get(k)
                    .is_some_and(|u| u.is_num() || u.has(class::MONTH | class::WEEKDAY))
            }
            _ if t.has(class::MONTH) => {
                is_capitalised(t)
                    && ((i + 1..=i + 4).any(|k| self.toks.get(k).is_some_and(Token::is_num))
                        || (i > 0 && self.word_is(i - 1, month_prep)))
            }
            _ if t.has(class::WEEKDAY) => is_capitalised(t),
            // A number word (`number::starts_number`): only "N days ago".
            _ => self.toks.get(i + 1).is_some_and(|u| {
                u.is_dash()
                    || (u.is_word()
                        && (u.has(class::NUMBER_START)
                            || self.unit(i + 1).is_some()
                            || matches!(lw(self.low, u), "hundred" | "dozen")
                            || number::scale_word(lw(self.low, u)).is_some()))
            }),
        }
    }

    /// Can a date point ([`Cx::point`], or a bare day) start at `k`? Only at a number or a
    /// start word.
    fn point_may_start(&self, k: usize) -> bool {
        self.toks
            .get(k)
            .is_some_and(|u| u.is_num() || u.has(class::DATE_START))
    }

    /// The gate for a number. With at most two digits it is a day (1 to 31) or the first part
    /// of a numeric date: then an attached ordinal suffix may follow, and after it a dash,
    /// '/' or '.' (no suffix) that goes on to a number or a start word, a capitalised month
    /// (possibly after "of"), a range word before a point, ']' or ')' before a dash or range
    /// word, or (after a suffix) "month" or "week". Three digits only start "08-FEB-17" forms
    /// (a dash follows). Four digits are a year after a preposition or '[', a decade ("1950s")
    /// or the first part of "2010-01-02". Longer runs are no date part.
    fn number_may_start(&self, i: usize, t: &Token) -> bool {
        match t.end - t.start {
            0..=2 => {
                if !self.num(i).is_some_and(|(v, _)| (1..=31).contains(&v)) {
                    return false;
                }
                let suffix = self.attached(i + 1)
                    && self.word_is(i + 1, |w| matches!(w, "st" | "nd" | "rd" | "th"));
                let n = if suffix { i + 2 } else { i + 1 };
                let Some(u) = self.toks.get(n) else {
                    return false;
                };
                let range_word = |k: usize| {
                    self.word_is(k, |w| {
                        matches!(w, "to" | "until" | "till" | "through" | "thru")
                    })
                };
                match u.kind {
                    Kind::Punct(c) => {
                        if u.is_dash() {
                            self.point_may_start(n + 1)
                        } else if c == '/' || c == '.' {
                            !suffix && self.toks.get(n + 1).is_some_and(Token::is_num)
                        } else if c == ']' || c == ')' {
                            (self.dash(n + 1) || range_word(n + 1)) && self.point_may_start(n + 2)
                        } else {
                            false
                        }
                    }
                    Kind::Num => false,
                    Kind::Word => {
                        (u.has(class::MONTH) && is_capitalised(u))
                            || (range_word(n) && self.point_may_start(n + 1))
                            || (self.word_is(n, |w| matches!(w, "of"))
                                && self
                                    .toks
                                    .get(n + 1)
                                    .is_some_and(|m| m.has(class::MONTH) && is_capitalised(m)))
                            || (suffix && self.word_is(n, |w| matches!(w, "month" | "week")))
                    }
                }
            }
            3 => self.dash(i + 1),
            4 => {
                self.dash(i + 1)
                    || self.punct(i + 1, '/')
                    || (self.num(i).is_some_and(|(v, _)| (1800..=2100).contains(&v))
                        && ((i > 0 && self.word_is(i - 1, year_prep))
                            || self.punct(i.wrapping_sub(1), '[')
                            || (self.attached(i + 1) && self.word_is(i + 1, |w| matches!(w, "s")))))
            }
            _ => false,
        }
    }

    /// The old gate for a start word (the reference of [`Cx::word_may_start`]): "in" and "within" start a date only as "in just / only N
    /// days" ([`Cx::relative`]), "a" and "an" only as "a day ago"; other start words always
    /// pass.
    #[cfg(test)]
    fn word_may_start_reference(&self, i: usize, t: &Token) -> bool {
        match lw(self.low, t) {
            "in" | "within" => matches!(self.w(i + 1), "just" | "only"),
            "a" | "an" => self.w(i + 2) == "ago",
            _ => true,
        }
    }

    /// The old gate for a number (the reference of [`Cx::number_may_start`]): with at most two digits it is a day, the first part of a numeric
    /// date or of a range, so a punctuation mark, a month, "of", a range word, "month" or
    /// "week" follows it (after an attached ordinal suffix); three digits only start "08-FEB-17"
    /// forms (a dash follows); four digits may be a year; longer runs are no date part.
    #[cfg(test)]
    fn number_may_start_reference(&self, i: usize, t: &Token) -> bool {
        match t.end - t.start {
            0..=2 => {
                let mut n = i + 1;
                if self.attached(n) && self.word_is(n, |w| matches!(w, "st" | "nd" | "rd" | "th")) {
                    n += 1;
                }
                self.toks.get(n).is_some_and(|u| match u.kind {
                    Kind::Punct(_) => true,
                    Kind::Num => false,
                    Kind::Word => {
                        u.has(class::MONTH)
                            || matches!(
                                lw(self.low, u),
                                "of" | "to"
                                    | "until"
                                    | "till"
                                    | "through"
                                    | "thru"
                                    | "month"
                                    | "week"
                            )
                    }
                })
            }
            3 => self.dash(i + 1),
            4 => true,
            _ => false,
        }
    }

    #[inline(always)]
    fn parse_at(&self, i: usize) -> Option<DateHit> {
        let t = self.toks.get(i)?;
        if matches!(t.kind, Kind::Punct(_)) {
            return None;
        }
        let mut j = i;
        let mut since = false;
        let mut between = false;
        if self.word_is(j, |w| matches!(w, "since")) {
            since = true;
            j += 1;
        } else if self.word_is(j, |w| matches!(w, "between" | "from")) {
            between = self.word_is(j, |w| matches!(w, "between"));
            j += 1;
        }
        let p1 = self.point(j, true);
        // A bare day that starts a range: "1-5 May 2022", "from 3 to 10 June".
        let p1 = match p1 {
            Some(p) => Some(p),
            None => self.day(j).and_then(|(d, dl)| {
                self.range_sep(dl + 1, between)?;
                Some(P {
                    first: j,
                    last: dl,
                    pt: Pt::Abs {
                        y: None,
                        m: None,
                        d: Some(d),
                        decade: false,
                    },
                })
            }),
        };
        let p1 = p1?;
        // Range.
        if let Some(k) = self.range_sep(p1.last + 1, between) {
            // "1912-17"
            if let Pt::Abs {
                y: Some(y),
                m: None,
                d: None,
                decade: false,
            } = p1.pt
                && self.dash(p1.last + 1)
                && self.attached(p1.last + 1)
                && self.attached(k)
                && let Some((yy, 2)) = self.num(k)
            {
                let y2 = i16::try_from(i32::from(y) / 100 * 100 + yy as i32).ok()?;
                if y2 > y
                    && !(self.attached(k + 1)
                        && self
                            .toks
                            .get(k + 1)
                            .is_some_and(|t| t.is_num() || t.is_word() || t.is_dash()))
                {
                    return self.hit(p1.first, k, Some((ymd(y, 1, 1)?, ymd(y2, 12, 31)?)));
                }
            }
            let p2 = self.point(k, false).or_else(|| {
                // "May 3-10, 2022": a bare second day after a month-day.
                if let Pt::Abs {
                    m: Some(_),
                    d: Some(_),
                    y: None,
                    ..
                } = p1.pt
                {
                    let (d, dl) = self.day(k)?;
                    let (y, last) = match self.trailing_year(dl + 1) {
                        Some((y, yl)) => (Some(y), yl),
                        None => (None, dl),
                    };
                    return Some(P {
                        first: k,
                        last,
                        pt: Pt::Abs {
                            y,
                            m: None,
                            d: Some(d),
                            decade: false,
                        },
                    });
                }
                None
            });
            if let Some(p2) = p2
                && let Some(h) = self.make_range(p1.first, p1, p2)
            {
                return Some(h);
            }
        }
        if let Pt::Abs {
            m: None, y: None, ..
        } = p1.pt
        {
            return None;
        }
        let r = self.resolve(p1.pt)?;
        if since {
            let r = match (r, self.published) {
                (Some((a, _)), Some(p)) if a <= p => Some((a, p)),
                (r, _) => r,
            };
            return self.hit(i, p1.last, r);
        }
        self.hit(p1.first, p1.last, r)
    }

    fn make_range(&self, first: usize, p1: P, p2: P) -> Option<DateHit> {
        // Complete the first point from the second: "1-5 May 2022", "May to August of 2009".
        let pt1 = match (p1.pt, p2.pt) {
            (
                Pt::Abs {
                    y: y1,
                    m: m1,
                    d: d1,
                    decade,
                },
                Pt::Abs { y: y2, m: m2, .. },
            ) => {
                let m = m1.or(m2);
                // A bare year in the second point never completes a day-month (1 Jan - 2019?).
                Pt::Abs {
                    y: y1.or(if m1.is_some() || m.is_some() {
                        y2
                    } else {
                        None
                    }),
                    m,
                    d: d1,
                    decade,
                }
            }
            (pt, _) => pt,
        };
        let pt2 = match (pt1, p2.pt) {
            (
                Pt::Abs { m: m1, .. },
                Pt::Abs {
                    y,
                    m: None,
                    d: Some(d),
                    decade,
                },
            ) => Pt::Abs {
                y,
                m: m1,
                d: Some(d),
                decade,
            },
            (
                Pt::Abs { y: Some(y1), .. },
                Pt::Abs {
                    y: None,
                    m,
                    d,
                    decade,
                },
            ) if m.is_some() => Pt::Abs {
                y: Some(y1),
                m,
                d,
                decade,
            },
            (_, pt) => pt,
        };
        let r1 = self.resolve(pt1)?;
        let r2 = self.resolve(pt2)?;
        let r = match (r1, r2) {
            (Some((a, _)), Some((_, b))) => {
                if a > b {
                    return None;
                }
                Some((a, b))
            }
            _ => None,
        };
        // A range of two bare numbers ("24 to 94 years") never reaches here: bare days need a
        // month from somewhere.
        if let Pt::Abs {
            m: None,
            d: Some(_),
            ..
        } = pt1
        {
            return None;
        }
        self.hit(first, p2.last, r)
    }

    fn hit(&self, first: usize, last: usize, r: Option<(Date, Date)>) -> Option<DateHit> {
        Some(DateHit {
            first,
            last,
            start: self.toks.get(first)?.start,
            end: self.toks.get(last)?.end,
            value: r.map(|r| r.0),
            end_value: r.map(|r| r.1),
        })
    }
}

/// Runs the date cases lifted from EpiTator's test suite (`test_date_annotator.jsonl`).
///
/// Each case's assertions are checked: the number of spans, a span's text, and a span's
/// `datetime_range` (EpiTator's end is exclusive; ours inclusive, so the expected end minus one
/// day must match; a range that EpiTator ends *at* the publication date is also accepted ending
/// on it, our convention for durations that reach the present). Times of day are ignored.
pub fn eval_epitator_dates(path: &Path) -> Result<Report> {
    let recs = read_jsonl(path)?;
    let mut rep = Report {
        name: "epitator dates".into(),
        ..Report::default()
    };
    for (k, rec) in recs.iter().enumerate() {
        let text = crate::count::eval::record_text(rec, path, k)?;
        let name = rec.get("test").and_then(|v| v.as_str()).unwrap_or("?");
        let published = doc_date(rec);
        let found = find(text, published);
        let mut problems = Vec::new();
        let asserts = rec
            .get("asserts")
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        for a in &asserts {
            let Some(args) = a.get("args").and_then(|v| v.as_array()) else {
                continue;
            };
            let Some(expr) = args
                .first()
                .and_then(|e| e.get("expr"))
                .and_then(|v| v.as_str())
            else {
                continue;
            };
            let want = args.get(1).cloned().unwrap_or(serde_json::Value::Null);
            if expr == "doc.tiers['dates'].spans" {
                if !found.is_empty() {
                    problems.push(format!("expected no dates, found {:?}", texts(&found)));
                }
            } else if expr == "len(doc.tiers['dates'].spans)" {
                if want.as_u64() != Some(found.len() as u64) {
                    problems.push(format!(
                        "expected {} dates, found {:?}",
                        want,
                        texts(&found)
                    ));
                }
            } else if let Some(n) = span_index(expr) {
                let Some(m) = found.get(n) else {
                    problems.push(format!("no date #{n}; found {:?}", texts(&found)));
                    continue;
                };
                if expr.ends_with(".text") {
                    if want.as_str() != Some(m.text.as_str()) {
                        problems.push(format!("date #{n} text {:?}, want {}", m.text, want));
                    }
                } else if expr.contains("datetime_range") && !range_matches(m, &want, published) {
                    problems.push(format!(
                        "date #{n} {:?} = {:?}..{:?}, want {}",
                        m.text, m.value, m.end_value, want
                    ));
                }
            }
        }
        rep.total += 1;
        if problems.is_empty() {
            rep.passed += 1;
        } else {
            rep.failures
                .push(format!("{name} (line {}): {}", k + 1, problems.join("; ")));
        }
    }
    Ok(rep)
}

fn texts(found: &[DateMention]) -> Vec<&str> {
    found.iter().map(|m| m.text.as_str()).collect()
}

/// The index in "doc.tiers['dates'].spans[N]…".
fn span_index(expr: &str) -> Option<usize> {
    let rest = expr.split("spans[").nth(1)?;
    rest.split(']').next()?.parse().ok()
}

fn range_matches(m: &DateMention, want: &serde_json::Value, published: Option<Date>) -> bool {
    let Some(w) = want.as_array() else {
        return false;
    };
    let parse = |v: &serde_json::Value| -> Option<Date> { v.as_str()?.get(..10)?.parse().ok() };
    let (Some(a), Some(b)) = (w.first().and_then(parse), w.get(1).and_then(parse)) else {
        return false;
    };
    let Some(start) = m.value.as_deref().and_then(|s| s.parse::<Date>().ok()) else {
        return false;
    };
    let end = m
        .end_value
        .as_deref()
        .and_then(|s| s.parse::<Date>().ok())
        .unwrap_or(start);
    let last = add_days(b, -1).unwrap_or(b);
    start == a && (end == last || (Some(end) == published && Some(b) == published))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every lower-case word of up to four letters, and every listed word: the tokeniser's
    /// date-start bit is exactly `date_start_word`, and the lists hold exactly those words.
    #[test]
    fn date_start_bit_is_exactly_the_start_words() {
        use crate::tokens::word_class;
        let start = |w: &str| word_class(w) & class::DATE_START != 0;
        let mut words: Vec<String> = Vec::new();
        let mut cur = Vec::new();
        fn grow(cur: &mut Vec<u8>, out: &mut Vec<String>) {
            if !cur.is_empty() {
                out.push(String::from_utf8(cur.clone()).unwrap());
            }
            if cur.len() == 4 {
                return;
            }
            for b in b'a'..=b'z' {
                cur.push(b);
                grow(cur, out);
                cur.pop();
            }
        }
        grow(&mut cur, &mut words);
        for w in &words {
            assert_eq!(start(w), date_start_word(w), "{w}");
        }
        for w in MONTH_WORDS {
            assert!(month_word(w).is_some() && start(w), "{w}");
        }
        for w in WEEKDAY_WORDS {
            assert!(weekday_word(w).is_some() && start(w), "{w}");
        }
        for w in OTHER_START_WORDS.iter().chain(number::NUMBER_START_WORDS) {
            assert!(date_start_word(w) && start(w), "{w}");
        }
        // Longer words the functions know are all listed.
        for w in [
            "january",
            "february",
            "march",
            "april",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "thurs",
            "three",
            "seven",
            "eight",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
            "thirty",
            "forty",
            "fourty",
            "fifty",
            "sixty",
            "seventy",
            "eighty",
            "ninety",
            "dozens",
            "scores",
            "hundreds",
            "thousands",
            "millions",
            "several",
            "since",
            "between",
            "yesterday",
            "today",
            "tonight",
            "tomorrow",
            "within",
            "early",
            "beginning",
        ] {
            assert!(date_start_word(w) && start(w), "{w}");
        }
        // Common words start no date.
        for w in [
            "cases", "of", "and", "reported", "ministry", "health", "côte", "",
        ] {
            assert!(!start(w) && !date_start_word(w), "{w}");
        }
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn one(text: &str, p: Option<&str>) -> (String, Option<String>, Option<String>) {
        let f = find(text, p.map(d));
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        (
            f[0].text.clone(),
            f[0].value.clone(),
            f[0].end_value.clone(),
        )
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn absolute_forms() {
        assert_eq!(
            one("on 17 May 2022.", None),
            ("17 May 2022".into(), s("2022-05-17"), None)
        );
        assert_eq!(one("on May 17, 2022.", None).1, s("2022-05-17"));
        assert_eq!(one("on 2022-05-17.", None).1, s("2022-05-17"));
        assert_eq!(one("on 17/05/2022.", None).1, s("2022-05-17"));
        assert_eq!(one("on 05/17/2022.", None).1, s("2022-05-17"));
        assert!(find("on 05/06/2022.", None).is_empty());
        assert_eq!(one("08-FEB-17", None).1, s("2017-02-08"));
        assert_eq!(one("Friday, October 7th 2010.", None).1, s("2010-10-07"));
        assert_eq!(one("17.05.2018 year", None).1, s("2018-05-17"));
    }

    #[test]
    fn day_month_takes_closest_past_year() {
        assert_eq!(one("on May 15.", Some("2022-05-17")).1, s("2022-05-15"));
        assert_eq!(
            one("on December 30.", Some("2022-01-03")).1,
            s("2021-12-30")
        );
        assert_eq!(one("on May 15.", None).1, None);
    }

    #[test]
    fn relative() {
        let p = Some("2022-05-18"); // a Wednesday
        assert_eq!(one("As of Wednesday, x", p).1, s("2022-05-18"));
        assert_eq!(one("on Tuesday", p).1, s("2022-05-17"));
        assert_eq!(one("on Monday", p).1, s("2022-05-16"));
        assert_eq!(one("last Wednesday", p).1, s("2022-05-11"));
        assert_eq!(one("Yesterday", p).1, s("2022-05-17"));
        assert_eq!(one("today", p).1, s("2022-05-18"));
        assert_eq!(
            one("last week", p),
            ("last week".into(), s("2022-05-09"), s("2022-05-15"))
        );
        assert_eq!(
            one("last year", p),
            ("last year".into(), s("2021-01-01"), s("2021-12-31"))
        );
        assert_eq!(one("this month", p).1, s("2022-05-01"));
        assert_eq!(one("two weeks ago", p).1, s("2022-05-04"));
        assert_eq!(
            one("In just six days, the total", p),
            ("In just six days".into(), s("2022-05-12"), s("2022-05-18"))
        );
        assert_eq!(
            one("in the past 20 days", Some("2018-12-21")).1,
            s("2018-12-01")
        );
        assert_eq!(one("Yesterday", None).1, None);
        assert_eq!(one("last week", None).1, None);
    }

    #[test]
    fn ranges() {
        assert_eq!(
            one("from 9 October to 5 November 1995", None),
            (
                "9 October to 5 November 1995".into(),
                s("1995-10-09"),
                s("1995-11-05")
            )
        );
        assert_eq!(
            one("between 19 January and 14 February 2017", None).2,
            s("2017-02-14")
        );
        assert_eq!(
            one("between 19 January and 14 February 2017", None).1,
            s("2017-01-19")
        );
        assert_eq!(
            one("1-5 May 2022", None),
            ("1-5 May 2022".into(), s("2022-05-01"), s("2022-05-05"))
        );
        assert_eq!(
            one("from 3 to 10 June", Some("2022-07-01")).2,
            s("2022-06-10")
        );
        assert_eq!(
            one("May 2022", None),
            ("May 2022".into(), s("2022-05-01"), s("2022-05-31"))
        );
        assert_eq!(
            one("in 2019", None),
            ("2019".into(), s("2019-01-01"), s("2019-12-31"))
        );
        assert_eq!(one("From 1912-17 x", None).2, s("1917-12-31"));
        assert_eq!(
            one("between Thursday and Friday", Some("2017-07-15")).1,
            s("2017-07-13")
        );
    }

    #[test]
    fn not_dates() {
        for t in [
            "The maximum incubation period is 21 days.",
            "24 to 94 years",
            "9 months to 9 years",
            "6350-65",
            "Cases / 8 / 34 / 18 / 16 / 70",
            "I went to see her in a boat.",
            "There were 2019 cases",
        ] {
            assert!(find(t, None).is_empty(), "{t}: {:?}", find(t, None));
        }
    }

    #[test]
    fn long_input_is_linear() {
        let s = "7".repeat(1_000_000);
        assert!(find(&s, None).is_empty());
        let s = "May 15 to ".repeat(100_000);
        assert!(!find(&s, Some(d("2022-05-17"))).is_empty());
    }

    #[test]
    fn epitator_cases() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/epitator-tests/test_date_annotator.jsonl");
        if !path.exists() {
            return;
        }
        let rep = eval_epitator_dates(&path).unwrap();
        println!("{rep}");
        assert!(rep.passed * 10 >= rep.total * 8, "{rep}");
    }

    /// [`find_in`] with the old gate (every number, every start word).
    fn find_in_ungated(src: &str, published: Option<Date>) -> Vec<DateHit> {
        let tk = Tokens::new(src);
        let cx = Cx {
            src,
            low: &tk.low,
            toks: &tk.toks,
            published,
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < tk.toks.len() {
            let t = tk.toks[i];
            let open = match t.kind {
                Kind::Num => true,
                Kind::Punct(_) => false,
                Kind::Word => t.has(class::DATE_START),
            };
            match open.then(|| cx.parse_at(i)).flatten() {
                Some(h) => {
                    i = h.last + 1;
                    out.push(h);
                }
                None => i += 1,
            }
        }
        out
    }

    /// The dates of `src` by [`find_in`], held to [`find_in_at`] over the listed starts (every
    /// number and every word with [`class::DATE_START`] or [`class::NUMBER_START`]).
    fn hits(src: &str, published: Option<Date>) -> Vec<DateHit> {
        let tk = Tokens::new(src);
        let all = find_in(src, &tk.low, &tk.toks, published);
        let at: Vec<usize> = (0..tk.toks.len())
            .filter(|&i| {
                tk.toks[i].is_num() || tk.toks[i].has(class::DATE_START | class::NUMBER_START)
            })
            .collect();
        // Into an empty buffer and into a stale one.
        for buf in [Vec::new(), find_in(src, &tk.low, &tk.toks, None)] {
            assert_eq!(
                find_in_at(src, &tk.low, &tk.toks, published, &at, buf),
                all,
                "{src:?}"
            );
        }
        all
    }

    /// At every token of `src`: the gate passes only where the old gate passed
    /// ([`Cx::word_may_start_reference`], [`Cx::number_may_start_reference`]), and where it
    /// fails [`Cx::parse_at`] finds nothing (with and without a publication date).
    fn gate_is_tight_and_exact(src: &str) {
        let tk = Tokens::new(src);
        for published in [Some(Date::constant(2022, 5, 17)), None] {
            let cx = Cx {
                src,
                low: &tk.low,
                toks: &tk.toks,
                published,
            };
            for (i, t) in tk.toks.iter().enumerate() {
                let old = match t.kind {
                    Kind::Num => cx.number_may_start_reference(i, t),
                    Kind::Punct(_) => false,
                    Kind::Word => t.has(class::DATE_START) && cx.word_may_start_reference(i, t),
                };
                let new = cx.may_start(i);
                assert!(old || !new, "gate wider than the old one at {i} in {src:?}");
                let inline = cx.may_start_inline(i);
                assert!(
                    !new || inline != Gate::No,
                    "the inlined test rejects a start at token {i} in {src:?}"
                );
                assert!(
                    new || inline != Gate::Yes,
                    "the inlined test passes a start the gate rejects at token {i} in {src:?}"
                );
                assert_eq!(
                    cx.absolute(i),
                    cx.absolute_with::<false>(i),
                    "the numeric forms' gate changes the date at token {i} in {src:?}"
                );
                assert!(
                    new || cx.parse_at(i).is_none(),
                    "gate rejects a date at token {i} ({:?}) in {src:?}",
                    t.text(src)
                );
            }
        }
    }

    /// The pieces dates are made of, and words next to them.
    const PIECES: &[&str] = &[
        "1",
        "3",
        "12",
        "31",
        "32",
        "007",
        "123",
        "2010",
        "1999",
        "2101",
        "12345",
        "1950",
        "s",
        "st",
        "nd",
        "rd",
        "th",
        "May",
        "may",
        "June",
        "Jan",
        "FEB",
        "Sept",
        "Monday",
        "Fri",
        "of",
        "to",
        "until",
        "till",
        "through",
        "thru",
        "and",
        "between",
        "from",
        "since",
        "in",
        "within",
        "just",
        "only",
        "a",
        "an",
        "one",
        "two",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "ago",
        "last",
        "past",
        "this",
        "the",
        "early",
        "late",
        "mid",
        "end",
        "beginning",
        "today",
        "cases",
        "several",
        "patients",
        "hundred",
        "million",
        "-",
        "/",
        ".",
        ",",
        "[",
        "]",
        "(",
        ")",
        "–",
    ];

    /// `Cx::may_start_inline` judges the start words of one or two bytes by the rules of "a",
    /// "an" (a three-byte word two tokens on) and "in" (a four-byte word next): a short start
    /// word added to the lists must get a rule there too.
    #[test]
    fn short_start_words_are_the_inline_tests_ones() {
        let short: Vec<&str> = DATE_START_LISTS
            .iter()
            .flat_map(|l| l.iter().copied())
            .filter(|w| w.len() <= 2)
            .collect();
        assert_eq!(short, ["a", "an", "in"]);
    }

    #[test]
    fn words_after_a_number_word_have_none_of_the_rejecting_bits() {
        let words = units::UNIT_WORDS
            .iter()
            .chain(number::SCALE_WORDS)
            .chain(&["hundred", "dozen"]);
        for w in words {
            assert_eq!(
                crate::tokens::word_class(w) & NOT_AFTER_NUMBER_WORD,
                0,
                "{w}"
            );
        }
        // The inlined test reads a number word by its class bit, before the word lists of
        // `word_may_start` that come first there.
        for w in OTHER_START_WORDS
            .iter()
            .chain(MONTH_WORDS)
            .chain(WEEKDAY_WORDS)
        {
            assert_eq!(crate::tokens::word_class(w) & class::NUMBER_START, 0, "{w}");
        }
    }

    #[test]
    fn day_next_words_have_none_of_the_rejecting_bits() {
        for w in DAY_NEXT {
            assert_eq!(crate::tokens::word_class(w) & NOT_DAY_NEXT, 0, "{w}");
            assert!(matches!(w.len(), 2 | 4 | 5 | 7), "{w}");
            assert!(day_next_shape(w.len(), w.as_bytes()[0]), "{w}");
        }
    }

    #[test]
    fn gate_is_exact_on_cases_seeds_and_don_texts() {
        let d = Some(Date::constant(2022, 5, 17));
        for t in [
            "in just 3 days",
            "within only two weeks of it",
            "a week ago",
            "an hour ago",
            "3rd month of the year 2017",
            "2nd week of October 2017",
            "1-5 May 2022 and 12 to 15 June",
            "08-FEB-17 and 123-FEB-17",
            "12/5/2010, 3.4.2011 and 2010-01-02",
            "from 3 to 10 June",
            "19 May [2018] - 5 Jun [2018]",
            "in 2010, in May and in the 1950s",
            "Jan., [2010]; Sept. of, 2011; May (2012",
            "the 3rd) to 5 May, 4th] - 6th June and 7th-9th July",
        ] {
            assert_eq!(hits(t, d), find_in_ungated(t, d), "{t}");
            gate_is_tight_and_exact(t);
        }
        for text in crate::test_util::seed_and_don_texts() {
            assert_eq!(hits(&text, d), find_in_ungated(&text, d));
            gate_is_tight_and_exact(&text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The gate rejects no start that the ungated scan turns into a date.
        #[test]
        fn gate_is_exact(
            words in proptest::collection::vec((0..PIECES.len(), 0usize..4), 0..24),
        ) {
            let mut s = String::new();
            for (w, sep) in words {
                s.push_str(["", " ", " ", "\n"][sep]);
                s.push_str(PIECES[w]);
            }
            let d = Some(Date::constant(2022, 5, 17));
            prop_assert_eq!(hits(&s, d), find_in_ungated(&s, d), "{}", s);
            prop_assert_eq!(hits(&s, None), find_in_ungated(&s, None), "{}", s);
            gate_is_tight_and_exact(&s);
        }
    }

    #[test]
    fn iso_is_display() {
        for (y, m, d) in [
            (0, 1, 1),
            (9, 2, 3),
            (999, 12, 31),
            (2024, 2, 29),
            (9999, 12, 31),
        ] {
            let date = Date::constant(y, m, d);
            assert_eq!(iso(date), date.to_string());
        }
        for date in [Date::constant(-1, 1, 1), Date::constant(-9999, 12, 31)] {
            assert_eq!(iso(date), date.to_string());
        }
    }

    /// Every day of the years 0 to 9999 (the tables' whole range) and some outside it.
    #[test]
    fn iso_is_display_on_every_day_of_the_tables() {
        let mut date = Date::constant(0, 1, 1);
        let mut n = 0;
        while date <= Date::constant(9999, 12, 31) {
            assert_eq!(iso(date), date.to_string());
            n += 1;
            match date.tomorrow() {
                Ok(d) => date = d,
                Err(_) => break,
            }
        }
        assert_eq!(n, 3_652_425);
        for date in [Date::constant(-1, 12, 31), Date::constant(-120, 2, 29)] {
            assert_eq!(iso(date), date.to_string());
        }
    }

    proptest! {
        #[test]
        fn iso_is_display_everywhere(days in -4_000_000i64..3_000_000) {
            let date = Date::constant(1, 1, 1).checked_add(days.days()).unwrap_or(Date::MIN);
            prop_assert_eq!(iso(date), date.to_string());
        }

        #[test]
        fn never_panics_and_spans_are_slices(s in "\\PC{0,80}") {
            for m in find(&s, Some(Date::constant(2022, 5, 17))) {
                let slice: String = s.chars().skip(m.start).take(m.end - m.start).collect();
                prop_assert_eq!(slice, m.text);
            }
        }

        #[test]
        fn date_like_strings(d in 1u8..32, m in 0usize..12, y in 1990u16..2030, sep in "[ ,/-]") {
            const M: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December"];
            let s = format!("{d} {} {y}{sep}{d}/{}/{y}", M[m], m + 1);
            let _ = find(&s, None);
        }
    }
}
