//! Number expressions in English news text: digits, decimals with multipliers, number words,
//! vague quantities and ranges.
//!
//! The scanner works over the shared token stream in one left-to-right pass with bounded
//! look-ahead per token, so it runs in linear time on any input.
//!
//! Conventions:
//! - Thousands separators are a comma (`232,880`) or a single space, no-break space, thin space
//!   or narrow no-break space (`12 344`), always in groups of exactly three digits.
//! - A comma or dot followed by a digit group that is not a valid English group (`1,2 million`,
//!   `12,34`, `17.05.2018`) makes the whole digit chain *not a number*: continental decimal commas
//!   and dotted dates are ambiguous, and misreading `1,2 million` as 1.2 million (or as 12
//!   million) would put a wrong figure in front of an analyst. Nothing is reported for it.
//! - Vague quantities carry their own qualifier and take the lowest value of their plain reading:
//!   "dozens of" = at least 24, "hundreds of" = at least 200, "thousands of" = at least 2,000,
//!   "several thousand" = at least 3,000, "a handful" = about 5.
//! - A range ("10-15", "10 to 15", "between 10 and 15") has `value` = `min` = the lower bound.

use epiwire_model::CharIndex;

use super::token::{Gap, Kind, Token, class, lw};
use crate::tokens::Tokens;

/// A qualifier carried by the number expression itself (not by the words before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vague {
    /// "a handful": about.
    Approximate,
    /// "dozens of", "hundreds of", "several thousand": at least the lowest reading.
    AtLeast,
}

/// How a number expression is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Digits, possibly with thousands separators and a multiplier word.
    Digits,
    /// Digits with a fractional part and no multiplier ("40.2", "2007.1775").
    Decimal,
    /// Number words ("sixty-two", "one hundred and twelve").
    Words,
    /// A vague quantity ("dozens of", "a handful").
    Vague,
}

/// A number expression found by the scanner, in token and byte coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NumExpr {
    /// First token index.
    pub first: usize,
    /// Last token index (inclusive).
    pub last: usize,
    /// Byte start.
    pub start: usize,
    /// Byte end.
    pub end: usize,
    /// Value (lower bound for ranges).
    pub value: f64,
    /// Range bounds.
    pub range: Option<(f64, f64)>,
    /// Qualifier implied by the expression itself.
    pub vague: Option<Vague>,
    /// How it is written.
    pub form: Form,
    /// A single run of digits with no separator, decimal or multiplier: its digit count.
    pub plain_digits: usize,
    /// Multiplier applied (1 when none).
    pub mult: f64,
}

/// A number expression with code-point offsets.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberMention {
    /// First code point.
    pub start: usize,
    /// End code point (exclusive).
    pub end: usize,
    /// The expression as written.
    pub text: String,
    /// The value (lower bound for a range).
    pub value: f64,
    /// Lower and upper bound for a range.
    pub range: Option<(f64, f64)>,
    /// Qualifier implied by a vague quantity.
    pub vague: Option<Vague>,
    /// How it is written.
    pub form: Form,
}

/// Parses one number expression that makes up all of `s` (surrounding whitespace ignored):
/// "232,880", "12 344", "1.72 million", "3.5bn", "sixty-two", "one hundred and twelve",
/// "a dozen". Ranges and text with anything else around the number give `None`; so does
/// "1,2 million" (see the module notes).
pub fn parse_number(s: &str) -> Option<f64> {
    let tk = Tokens::new(s);
    let nums = scan(&tk.low, &tk.toks);
    match nums.as_slice() {
        [n] if n.first == 0 && n.last + 1 == tk.toks.len() && n.range.is_none() => Some(n.value),
        _ => None,
    }
}

/// All number expressions in `text`, with code-point spans.
pub fn find_numbers(text: &str) -> Vec<NumberMention> {
    let tk = Tokens::new(text);
    let idx = CharIndex::new(text);
    scan(&tk.low, &tk.toks)
        .into_iter()
        .map(|n| NumberMention {
            start: idx.char_offset(n.start),
            end: idx.char_offset(n.end),
            text: text.get(n.start..n.end).unwrap_or("").to_string(),
            value: n.value,
            range: n.range,
            vague: n.vague,
            form: n.form,
        })
        .collect()
}

fn unit_word(w: &str) -> Option<u32> {
    Some(match w {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

fn tens_word(w: &str) -> Option<u32> {
    Some(match w {
        "twenty" => 20,
        "thirty" => 30,
        "forty" | "fourty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

word_map! {
    pub(crate) fn scale_word / SCALE_WORDS -> f64 {
        "thousand" => 1e3,
        "lakh" | "lakhs" => 1e5,
        "million" | "mn" => 1e6,
        "crore" | "crores" => 1e7,
        "billion" | "bn" => 1e9,
    }
}

/// Every word [`scan_digits`] reads after a number and a space: a [`scale_word`] or "hundred"
/// ([`class::SCALE`]; the scan reads the class bit, the tokeniser's tests hold it to this).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn scale_after(w: &str) -> bool {
    scale_word(w).is_some() || w == "hundred"
}

/// Multiplier suffixes written attached to digits ("3.5bn", "2m", "10k").
fn attached_suffix(w: &str) -> Option<f64> {
    match w {
        "m" | "mn" | "mln" => Some(1e6),
        "bn" => Some(1e9),
        "k" => Some(1e3),
        _ => scale_word(w),
    }
}

/// Can a number expression start with this word? A cheap gate before the word scanners.
/// Every word [`starts_number`] accepts.
pub(crate) const NUMBER_START_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
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
    "a",
    "an",
    "dozens",
    "scores",
    "hundreds",
    "thousands",
    "millions",
    "tens",
    "several",
    "many",
];

/// (The scans read the class bit; the tokeniser's tests hold it to this.)
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn starts_number(w: &str) -> bool {
    // Cheap first-letter gate: no number word starts with another letter.
    if !matches!(
        w.as_bytes().first(),
        Some(b'z' | b'o' | b't' | b'f' | b's' | b'e' | b'n' | b'a' | b'd' | b'h' | b'm')
    ) {
        return false;
    }
    is_number_word(w)
        || matches!(
            w,
            "a" | "an"
                | "dozens"
                | "scores"
                | "hundreds"
                | "thousands"
                | "millions"
                | "tens"
                | "several"
                | "many"
        )
}

fn is_number_word(w: &str) -> bool {
    unit_word(w).is_some() || tens_word(w).is_some()
}

/// Scans all number expressions. `src` is the ASCII-lower-cased text.
pub(crate) fn scan(src: &str, toks: &[Token]) -> Vec<NumExpr> {
    merge_ranges(src, toks, scan_unmerged(src, toks))
}

/// The number expressions of [`scan`] before ranges are joined.
fn scan_unmerged(src: &str, toks: &[Token]) -> Vec<NumExpr> {
    let mut out: Vec<NumExpr> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let found = match t.kind {
            Kind::Num => match scan_digits(src, toks, i, false) {
                DigitScan::Number(d) => Some(d.expr(i, &t)),
                DigitScan::Skip(last) => {
                    i = last + 1;
                    continue;
                }
            },
            Kind::Word => {
                // `starts_number(w)`, tested by the tokeniser.
                if !t.has(class::NUMBER_START) {
                    None
                } else {
                    scan_vague(src, toks, i).or_else(|| scan_words(src, toks, i))
                }
            }
            Kind::Punct(_) => None,
        };
        match found {
            Some(n) => {
                i = n.last + 1;
                out.push(n);
            }
            None => i += 1,
        }
    }
    out
}

/// [`scan`] visiting only the tokens `at` (in text order): it finds the same expressions when
/// `at` holds every number token and every word with [`class::NUMBER_START`], the only tokens
/// where [`scan`] may find one (`count::Starts::scan` lists them). `out` is a buffer to fill
/// (emptied first).
pub(crate) fn scan_at(
    src: &str,
    toks: &[Token],
    at: &[usize],
    mut out: Vec<NumExpr>,
) -> Vec<NumExpr> {
    out.clear();
    // The first token a new expression may start at.
    let mut next = 0;
    // The last expression of `out` is a scanned one, not a joined range.
    let mut open = false;
    for &i in at {
        if i < next {
            continue;
        }
        let Some(&t) = toks.get(i) else { break };
        // The expression found at `i` is pushed where it is found: a digit scan's parts go
        // straight into the buffer (passed on in an `Option<NumExpr>`, it was moved twice).
        // The kind told by the class bits (one test each, where `t.kind` is decoded from its
        // `char` niche): a number has `NUM`, and a word never has it.
        if t.has(class::NUM) {
            match scan_digits(src, toks, i, true) {
                DigitScan::Number(d) => {
                    next = d.last + 1;
                    out.push(d.expr(i, &t));
                }
                DigitScan::Skip(last) => {
                    next = last + 1;
                    continue;
                }
            }
        } else if t.has(class::NUMBER_START) {
            // "a" and "an" (the articles among the start words) start an expression only
            // before a scale word or "handful": the only case where either scanner goes on.
            if t.has(class::ARTICLE) && !article_may_start(src, toks, i) {
                continue;
            }
            match scan_vague(src, toks, i).or_else(|| scan_words(src, toks, i)) {
                Some(n) => {
                    next = n.last + 1;
                    out.push(n);
                }
                None => continue,
            }
        } else {
            continue;
        }
        // Ranges joined as the expressions come ([`merge_ranges`] in the same pass): the
        // expression before the one just pushed joins it unless it is itself a joined range.
        if open
            && let [.., a, n] = out.as_slice()
            && let Some(r) = joined(src, toks, a, n)
        {
            out.pop();
            if let Some(a) = out.last_mut() {
                *a = r;
            }
            open = false;
        } else {
            open = true;
        }
    }
    out
}

/// Can the number expression of [`scan_vague`] or [`scan_words`] start at the article "a" or
/// "an" at `i`? Only before "handful" ("a handful") or a scale word other than "mn" and "bn"
/// ("a hundred", "a dozen", "a thousand"); false where both find nothing.
fn article_may_start(src: &str, toks: &[Token], i: usize) -> bool {
    let next = toks.get(i + 1).map_or("", |t| lw(src, t));
    matches!(
        next,
        "handful"
            | "hundred"
            | "dozen"
            | "thousand"
            | "lakh"
            | "lakhs"
            | "million"
            | "crore"
            | "crores"
            | "billion"
    )
}

enum DigitScan {
    Number(Digits),
    /// Not a number; skip through this token index.
    Skip(usize),
}

/// A number expression of digits as [`scan_digits`] finds it: the [`NumExpr`] of
/// [`Digits::expr`] without the fields its first token gives.
struct Digits {
    last: usize,
    end: usize,
    value: f64,
    form: Form,
    plain_digits: usize,
    mult: f64,
}

impl Digits {
    /// The expression, its first token `t` at `i`.
    #[inline(always)]
    fn expr(self, i: usize, t: &Token) -> NumExpr {
        NumExpr {
            first: i,
            last: self.last,
            start: t.start,
            end: self.end,
            value: self.value,
            range: None,
            vague: None,
            form: self.form,
            plain_digits: self.plain_digits,
            mult: self.mult,
        }
    }
}

fn digits_value(s: &[u8]) -> f64 {
    let mut v = 0f64;
    for &b in s {
        v = v * 10.0 + f64::from(b - b'0');
    }
    v
}

/// The digits of the number token `t`, as bytes: a number token is ASCII digits, so its bytes
/// are [`Token::text`]'s without the slice's char-boundary tests (held by
/// `tests::digit_bytes_are_the_token_text`).
fn digits<'a>(src: &'a str, t: &Token) -> &'a [u8] {
    src.as_bytes().get(t.start..t.end).unwrap_or(&[])
}

/// `gated`: the word after the number is read only where it has [`class::SCALE`] (false: always,
/// the reference [`scan`] takes). Inlined into the scan: 33,000 calls on the DON texts, each
/// returning its `NumExpr` through memory (cnt28: -1.3 M instructions).
#[inline(always)]
fn scan_digits(src: &str, toks: &[Token], i: usize, gated: bool) -> DigitScan {
    let t = toks[i];
    // Attached to letters on the left (H5N1, COVID19), to "WORD-" (COVID-19), or continuing a
    // digit chain that was already rejected ("1.2.3").
    if t.gap == Gap::None && i > 0 {
        let p = toks[i - 1];
        let before = if i >= 2 && p.gap == Gap::None {
            Some(toks[i - 2])
        } else {
            None
        };
        let reject = p.is_word()
            || (p.is_dash() && before.is_some_and(|b| b.is_word()))
            || ((p.is_punct('.') || p.is_punct(',') || p.is_punct('/'))
                && before.is_some_and(|b| b.is_num()));
        if reject {
            return DigitScan::Skip(skip_chain(toks, i));
        }
    }
    let first_text = digits(src, &t);
    let mut value = digits_value(first_text);
    let mut last = i;
    let mut separated = false;
    let mut decimal = false;
    let mut frac: Option<(f64, f64)> = None;
    // A number neither attached to the token after it nor before a spaced number ("3 cases",
    // most numbers) has no comma groups, space groups or decimal part: the tests are passed
    // by on one look at that token (`gated` false: always made, the reference).
    let bare = gated
        && toks
            .get(i + 1)
            .is_none_or(|n| n.gap != Gap::None && !n.is_num());
    if !bare {
        // Comma groups.
        while toks
            .get(last + 1)
            .is_some_and(|c| c.is_punct(',') && c.gap == Gap::None)
            && toks
                .get(last + 2)
                .is_some_and(|n| n.is_num() && n.gap == Gap::None)
        {
            let g = toks[last + 2];
            if g.end - g.start != 3 || (!separated && first_text.len() > 3) {
                return DigitScan::Skip(skip_chain(toks, i));
            }
            value = value * 1000.0 + digits_value(digits(src, &g));
            separated = true;
            last += 2;
        }
        // Space groups (only for a chain without commas).
        if !separated && first_text.len() <= 3 {
            while toks
                .get(last + 1)
                .is_some_and(|n| n.is_num() && n.gap == Gap::Space && n.end - n.start == 3)
                && !toks.get(last + 2).is_some_and(|n| {
                    (n.is_punct('.') || n.is_punct(','))
                        && n.gap == Gap::None
                        && toks
                            .get(last + 3)
                            .is_some_and(|d| d.is_num() && d.gap == Gap::None)
                })
            {
                value = value * 1000.0 + digits_value(digits(src, &toks[last + 1]));
                separated = true;
                last += 1;
            }
        }
        // Decimal part.
        if toks
            .get(last + 1)
            .is_some_and(|c| c.is_punct('.') && c.gap == Gap::None)
            && toks
                .get(last + 2)
                .is_some_and(|n| n.is_num() && n.gap == Gap::None)
        {
            // A second dot (17.05.2018, 1.2.3) or a comma group after: not a number.
            if toks
                .get(last + 3)
                .is_some_and(|c| (c.is_punct('.') || c.is_punct(',')) && c.gap == Gap::None)
                && toks
                    .get(last + 4)
                    .is_some_and(|n| n.is_num() && n.gap == Gap::None)
            {
                return DigitScan::Skip(skip_chain(toks, i));
            }
            let f = digits(src, &toks[last + 2]);
            frac = Some((
                digits_value(f),
                10f64.powi(i32::try_from(f.len()).unwrap_or(i32::MAX)),
            ));
            decimal = true;
            last += 2;
        }
    }
    // A comma directly followed by a non-group digit run after a decimal, e.g. "1.5,2": skip.
    let mut mult = 1.0;
    if let Some(n) = toks.get(last + 1) {
        if n.is_word() && n.gap == Gap::None {
            let w = lw(src, n);
            if let Some(m) = attached_suffix(w) {
                // "2m" directly followed by more letters is not a suffix (handled by tokeniser).
                mult = m;
                last += 1;
            } else {
                // Ordinals (19th), units (10mg), codes (5N1): not a number.
                return DigitScan::Skip(skip_chain(toks, i).max(last + 1));
            }
        } else if n.is_word()
            && matches!(n.gap, Gap::Space | Gap::Wide)
            && (!gated || n.has(class::SCALE))
        {
            let w = lw(src, n);
            if let Some(m) = scale_word(w) {
                mult = m;
                last += 1;
            } else if w == "hundred" && !decimal {
                mult = 100.0;
                last += 1;
                // "2 hundred thousand"
                if let Some(n2) = toks.get(last + 1)
                    && (!gated || n2.has(class::SCALE))
                    && let Some(m2) = scale_word(lw(src, n2))
                {
                    mult *= m2;
                    last += 1;
                }
            }
        }
    }
    let plain = !separated && !decimal && mult == 1.0;
    let form = if decimal && mult == 1.0 {
        Form::Decimal
    } else {
        Form::Digits
    };
    // Exact in f64 up to 2^53: the integer part times the multiplier; a decimal as its integer
    // mantissa times the multiplier over its scale ("512.04 billion" = 51204e9 / 100), so that
    // formatted numbers parse back to exactly their value.
    let value = match frac {
        None => value * mult,
        Some((f, scale)) => {
            let v = (value * scale + f) * mult / scale;
            if mult > 1.0 {
                v
            } else {
                (v * 1e6).round() / 1e6
            }
        }
    };
    DigitScan::Number(Digits {
        last,
        end: toks[last].end,
        value,
        form,
        plain_digits: if plain { first_text.len() } else { 0 },
        mult,
    })
}

/// The last token index of a chain of digits joined by attached punctuation or letters.
fn skip_chain(toks: &[Token], i: usize) -> usize {
    let mut j = i;
    while let Some(n) = toks.get(j + 1) {
        if n.gap != Gap::None {
            break;
        }
        let joinable = n.is_num()
            || n.is_word()
            || ((n.is_punct('.') || n.is_punct(',') || n.is_punct('/') || n.is_punct(':'))
                && toks
                    .get(j + 2)
                    .is_some_and(|d| d.is_num() && d.gap == Gap::None));
        if !joinable {
            break;
        }
        j += 1;
    }
    j
}

fn scan_vague(src: &str, toks: &[Token], i: usize) -> Option<NumExpr> {
    let w = lw(src, &toks[i]);
    let next = toks.get(i + 1).map_or("", |t| lw(src, t));
    let next2 = toks.get(i + 2).map_or("", |t| lw(src, t));
    let mk = |last: usize, value: f64, vague: Vague| NumExpr {
        first: i,
        last,
        start: toks[i].start,
        end: toks[last].end,
        value,
        range: None,
        vague: Some(vague),
        form: Form::Vague,
        plain_digits: 0,
        mult: 1.0,
    };
    let plural_scale = |w: &str| -> Option<f64> {
        Some(match w {
            "dozens" => 24.0,
            "scores" => 40.0,
            "hundreds" => 200.0,
            "thousands" => 2000.0,
            "millions" => 2e6,
            _ => return None,
        })
    };
    match w {
        "a" if next == "handful" => Some(mk(i + 1, 5.0, Vague::Approximate)),
        "tens" if next == "of" && (next2 == "thousands" || next2 == "millions") => {
            let v = if next2 == "thousands" { 2e4 } else { 2e7 };
            Some(mk(i + 2, v, Vague::AtLeast))
        }
        "several" | "many" => {
            let m = match next {
                "hundred" => 100.0,
                "thousand" => 1e3,
                "million" => 1e6,
                "dozen" => 12.0,
                _ => return None,
            };
            Some(mk(i + 1, 3.0 * m, Vague::AtLeast))
        }
        _ => {
            let v = plural_scale(w)?;
            if next != "of" {
                return None;
            }
            // "hundreds of thousands of"
            if next2 == "thousands" || next2 == "millions" {
                let m = if next2 == "thousands" { 1e3 } else { 1e6 };
                return Some(mk(i + 2, v * m, Vague::AtLeast));
            }
            Some(mk(i, v, Vague::AtLeast))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum W {
    Start,
    StartA,
    Unit,
    Tens,
    Hundred,
    Scale,
    And,
    Dozen,
}

pub(crate) fn scan_words(src: &str, toks: &[Token], i: usize) -> Option<NumExpr> {
    let mut total = 0f64;
    let mut cur = 0f64;
    let mut state = W::Start;
    let mut last_scale = f64::INFINITY;
    let mut best: Option<(usize, f64)> = None;
    let mut j = i;
    while let Some(t) = toks.get(j) {
        if j > i {
            if t.gap >= Gap::Blank {
                break;
            }
            // Hyphen between tens and unit: "sixty-two".
            if t.is_dash() && t.gap == Gap::None && state == W::Tens {
                if toks
                    .get(j + 1)
                    .is_some_and(|n| n.gap == Gap::None && n.is_word())
                {
                    j += 1;
                    continue;
                }
                break;
            }
            let prev = toks[j - 1];
            if t.gap == Gap::None && !prev.is_dash() {
                break;
            }
        }
        if !t.is_word() {
            break;
        }
        let w = lw(src, t);
        if let Some(v) = unit_word(w) {
            let ok = matches!(state, W::Start | W::Hundred | W::Scale | W::And)
                || (state == W::Tens && (1..10).contains(&v));
            if !ok {
                break;
            }
            cur += f64::from(v);
            state = W::Unit;
        } else if let Some(v) = tens_word(w) {
            if !matches!(state, W::Start | W::Hundred | W::Scale | W::And) {
                break;
            }
            cur += f64::from(v);
            state = W::Tens;
        } else if w == "hundred" {
            let ok = (state == W::Unit && cur < 100.0) || state == W::StartA;
            if !ok {
                break;
            }
            cur = if state == W::StartA {
                100.0
            } else {
                cur * 100.0
            };
            state = W::Hundred;
        } else if let Some(m) = scale_word(w) {
            if !matches!(state, W::Unit | W::Tens | W::Hundred | W::StartA) || m >= last_scale {
                break;
            }
            let c = if state == W::StartA { 1.0 } else { cur };
            total += c * m;
            cur = 0.0;
            last_scale = m;
            state = W::Scale;
        } else if w == "dozen" {
            if !matches!(state, W::Unit | W::StartA) {
                break;
            }
            let c = if state == W::StartA { 1.0 } else { cur };
            cur = c * 12.0;
            state = W::Dozen;
        } else if w == "and" {
            if !matches!(state, W::Hundred | W::Scale) {
                break;
            }
            let next_is_num = toks
                .get(j + 1)
                .is_some_and(|n| n.gap != Gap::None && is_number_word(lw(src, n)));
            if !next_is_num {
                break;
            }
            state = W::And;
        } else if (w == "a" || w == "an") && state == W::Start {
            let n = toks.get(j + 1).map_or("", |n| lw(src, n));
            if !(n == "hundred" || n == "dozen" || scale_word(n).is_some())
                || n == "mn"
                || n == "bn"
            {
                break;
            }
            state = W::StartA;
        } else {
            break;
        }
        if !matches!(state, W::And | W::StartA | W::Start) {
            best = Some((j, total + cur));
        }
        if state == W::Dozen {
            break;
        }
        j += 1;
    }
    let (last, value) = best?;
    Some(NumExpr {
        first: i,
        last,
        start: toks[i].start,
        end: toks[last].end,
        value,
        range: None,
        vague: None,
        form: Form::Words,
        plain_digits: 0,
        mult: 1.0,
    })
}

/// The range "A-B", "A to B", "between A and B" (or "A or B" in words) that `a` and the next
/// number `b` form, if they form one.
///
/// Only the test of the one token between them is inlined into the scan (most neighbours are
/// further apart): the call it saves cost more than the test.
#[inline(always)]
fn joined(src: &str, toks: &[Token], a: &NumExpr, b: &NumExpr) -> Option<NumExpr> {
    if a.last + 2 != b.first {
        return None;
    }
    // Only a dash, "to", "and" or "or" joins: a separator of another kind or length (most
    // often a comma or a bracket) joins nothing.
    if !toks
        .get(a.last + 1)
        .is_some_and(|t| t.is_dash() || (t.is_word() && matches!(t.end - t.start, 2 | 3)))
    {
        return None;
    }
    joined_adjacent(src, toks, a, b)
}

/// [`joined`] for `a` and `b` with one token between them.
#[inline(never)]
fn joined_adjacent(src: &str, toks: &[Token], a: &NumExpr, b: &NumExpr) -> Option<NumExpr> {
    let rangeable = |n: &NumExpr| matches!(n.form, Form::Digits | Form::Words);
    let sep = toks.get(a.last + 1);
    let joiner = sep.map_or("", |t| lw(src, t));
    let before = if a.first > 0 {
        lw(src, &toks[a.first - 1])
    } else {
        ""
    };
    let is_dash = sep.is_some_and(Token::is_dash);
    let sep_ok = is_dash
        || joiner == "to"
        || (joiner == "and" && before == "between")
        || (joiner == "or" && a.form == Form::Words);
    // No third element: "555-123-4567" is not a range.
    let chained = toks
        .get(b.last + 1)
        .is_some_and(|t| t.is_dash() && t.gap == Gap::None)
        && toks.get(b.last + 2).is_some_and(Token::is_num)
        || (a.first >= 2
            && toks[a.first - 1].is_dash()
            && toks[a.first - 1].gap == Gap::None
            && toks[a.first - 2].is_num());
    let a_ok = rangeable(a) || (a.form == Form::Decimal && b.mult > 1.0);
    if !(sep_ok && a_ok && rangeable(b) && !chained) {
        return None;
    }
    let mut lo = a.value;
    if a.mult == 1.0 && b.mult > 1.0 && a.value * b.mult <= b.value {
        lo = a.value * b.mult;
    }
    (lo < b.value).then_some(NumExpr {
        first: a.first,
        last: b.last,
        start: a.start,
        end: b.end,
        value: lo,
        range: Some((lo, b.value)),
        vague: None,
        form: b.form,
        plain_digits: 0,
        mult: b.mult,
    })
}

/// Joins "A-B", "A to B" and "between A and B" into ranges (in place: the joined list is never
/// longer than the read part of `nums`).
fn merge_ranges(src: &str, toks: &[Token], mut nums: Vec<NumExpr>) -> Vec<NumExpr> {
    // Entries before `w` are the output; entries from `k` on are still to read.
    let mut w = 0;
    let mut k = 0;
    while k < nums.len() {
        let a = nums[k];
        if let Some(r) = nums.get(k + 1).and_then(|b| joined(src, toks, &a, b)) {
            nums[w] = r;
            w += 1;
            k += 2;
            continue;
        }
        nums[w] = a;
        w += 1;
        k += 1;
    }
    nums.truncate(w);
    nums
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(s: &str) -> Option<f64> {
        parse_number(s)
    }

    #[test]
    fn digits_and_separators() {
        assert_eq!(one("232,880"), Some(232_880.0));
        assert_eq!(one("12 344"), Some(12_344.0));
        assert_eq!(one("12\u{202f}344"), Some(12_344.0));
        assert_eq!(one("12\u{2009}344"), Some(12_344.0));
        assert_eq!(one("12\u{a0}344"), Some(12_344.0));
        assert_eq!(one("1,234,567"), Some(1_234_567.0));
        assert_eq!(one("0"), Some(0.0));
    }

    #[test]
    fn decimals_and_multipliers() {
        assert_eq!(one("1.72 million"), Some(1_720_000.0));
        assert_eq!(one("1.2 million"), Some(1_200_000.0));
        assert_eq!(one("3.5bn"), Some(3_500_000_000.0));
        assert_eq!(one("2 thousand"), Some(2000.0));
        assert_eq!(one("40.2"), Some(40.2));
    }

    #[test]
    fn continental_comma_is_not_a_number() {
        assert_eq!(one("1,2 million"), None);
        assert!(find_numbers("1,2 million").is_empty());
        assert!(find_numbers("17.05.2018").is_empty());
        assert!(find_numbers("12,34").is_empty());
    }

    #[test]
    fn words() {
        assert_eq!(one("six"), Some(6.0));
        assert_eq!(one("sixty-two"), Some(62.0));
        assert_eq!(one("one hundred and twelve"), Some(112.0));
        assert_eq!(one("a dozen"), Some(12.0));
        assert_eq!(one("nine hundred and ninety-nine"), Some(999.0));
        assert_eq!(one("seventy five"), Some(75.0));
        assert_eq!(
            one("five million three hundred and fifty eight thousand"),
            Some(5_358_000.0)
        );
        assert_eq!(one("a hundred"), Some(100.0));
    }

    #[test]
    fn vague() {
        let n = find_numbers("dozens of people");
        assert_eq!(n.len(), 1);
        assert_eq!((n[0].value, n[0].vague), (24.0, Some(Vague::AtLeast)));
        let n = find_numbers("hundreds of cases");
        assert_eq!(n[0].value, 200.0);
        let n = find_numbers("several thousand cases");
        assert_eq!(
            (n[0].value, n[0].text.as_str()),
            (3000.0, "several thousand")
        );
        let n = find_numbers("a handful of cases");
        assert_eq!((n[0].value, n[0].vague), (5.0, Some(Vague::Approximate)));
    }

    #[test]
    fn ranges() {
        for (s, lo, hi) in [
            ("10-15 cases", 10.0, 15.0),
            ("10 to 15 cases", 10.0, 15.0),
            ("between 10 and 15 cases", 10.0, 15.0),
            ("1.5 to 2 million", 1_500_000.0, 2_000_000.0),
        ] {
            let n = find_numbers(s);
            assert_eq!(n.len(), 1, "{s}");
            assert_eq!(n[0].range, Some((lo, hi)), "{s}");
        }
        assert_eq!(find_numbers("between 10 and 15 cases")[0].text, "10 and 15");
        assert_eq!(find_numbers("555-123-4567").len(), 3);
    }

    #[test]
    fn attached_letters_are_not_numbers() {
        assert!(find_numbers("H5N1").is_empty());
        assert!(find_numbers("COVID-19").is_empty());
        assert!(find_numbers("the 19th case").is_empty());
        assert!(find_numbers("10mg").is_empty());
    }

    #[test]
    fn long_inputs_are_linear() {
        let digits = "7".repeat(1_000_000);
        let n = find_numbers(&digits);
        assert_eq!(n.len(), 1);
        let words = "six ".repeat(250_000);
        assert!(!find_numbers(&words).is_empty());
        let commas = "1,".repeat(300_000);
        let _ = find_numbers(&commas);
    }

    fn with_commas(n: u64) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (k, c) in s.chars().enumerate() {
            if k > 0 && (s.len() - k).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    fn words_below_1000(n: u32) -> String {
        const U: [&str; 20] = [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ];
        const T: [&str; 10] = [
            "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        ];
        let below_100 = |n: u32| -> String {
            if n < 20 {
                U[n as usize].to_string()
            } else if n.is_multiple_of(10) {
                T[(n / 10) as usize].to_string()
            } else {
                format!("{}-{}", T[(n / 10) as usize], U[(n % 10) as usize])
            }
        };
        if n < 100 {
            below_100(n)
        } else if n.is_multiple_of(100) {
            format!("{} hundred", U[(n / 100) as usize])
        } else {
            format!(
                "{} hundred and {}",
                U[(n / 100) as usize],
                below_100(n % 100)
            )
        }
    }

    /// [`merge_ranges`] as it was: the joined list copied into a new vector.
    fn merge_ranges_copying(src: &str, toks: &[Token], nums: &[NumExpr]) -> Vec<NumExpr> {
        let mut out: Vec<NumExpr> = Vec::with_capacity(nums.len());
        let mut k = 0;
        while k < nums.len() {
            if let Some(r) = nums.get(k + 1).and_then(|b| joined(src, toks, &nums[k], b)) {
                out.push(r);
                k += 2;
            } else {
                out.push(nums[k]);
                k += 1;
            }
        }
        out
    }

    /// The listed scan is the scan of every token, and the ranges joined in place are those
    /// joined into a copy, on `text`.
    pub(crate) fn listed_scan_is_exact(text: &str) {
        let tk = Tokens::new(text);
        let (low, toks) = (tk.low.as_str(), tk.toks.as_slice());
        let raw = scan_unmerged(low, toks);
        let all = scan(low, toks);
        assert_eq!(all, merge_ranges_copying(low, toks, &raw), "{text:?}");
        let at: Vec<usize> = (0..toks.len())
            .filter(|&i| toks[i].is_num() || toks[i].has(class::NUMBER_START))
            .collect();
        assert_eq!(scan_at(low, toks, &at, Vec::new()), all, "{text:?}");
        // The separator test of `joined` rejects only pairs `joined_adjacent` does not join.
        for (k, a) in raw.iter().enumerate() {
            for b in raw.iter().skip(k + 1).take(2).chain(&all) {
                let reference = (a.last + 2 == b.first)
                    .then(|| joined_adjacent(low, toks, a, b))
                    .flatten();
                assert_eq!(joined(low, toks, a, b), reference, "{text:?}");
            }
        }
    }

    /// [`scan_at`] tells a token's kind by its class bits: a token has [`class::NUM`] exactly
    /// when it is a number, and only words have [`class::NUMBER_START`].
    #[test]
    fn kind_bits_are_the_kinds() {
        let cases = [
            "1 234,5 ٣ 12\u{202f}345 1.5 ½ ²3 x9 0 a an one-two",
            "١٢٣ and 7 — «x»",
        ];
        let texts = crate::test_util::seed_and_don_texts();
        for text in texts.iter().map(String::as_str).chain(cases) {
            let tk = Tokens::new(text);
            for t in &tk.toks {
                assert_eq!(t.has(class::NUM), t.is_num(), "{t:?} in {text:?}");
                assert!(
                    !t.has(class::NUMBER_START) || t.is_word(),
                    "{t:?} in {text:?}"
                );
            }
        }
    }

    /// [`digits`] is the number token's text: every number token of the texts is ASCII digits.
    #[test]
    fn digit_bytes_are_the_token_text() {
        let cases = ["1 234,5 ٣ 12\u{202f}345 1.5 ½ ²3 x9 0", "١٢٣ and 7"];
        let texts = crate::test_util::seed_and_don_texts();
        for text in texts.iter().map(String::as_str).chain(cases) {
            let tk = Tokens::new(text);
            for t in tk.toks.iter().filter(|t| t.is_num()) {
                let d = digits(&tk.low, t);
                assert_eq!(d, t.text(&tk.low).as_bytes(), "{text:?}");
                assert!(
                    !d.is_empty() && d.iter().all(u8::is_ascii_digit),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn listed_scan_is_exact_on_seeds_and_don_texts() {
        for text in crate::test_util::seed_and_don_texts() {
            listed_scan_is_exact(&text);
        }
        for text in [
            "",
            "1",
            "a",
            "10-15 and 3 to 4, between 5 and 6 or seven or eight",
            "555-123-4567 and 1.5 to 2 million; 2-3-4",
            "a hundred and one to two thousand",
            "H5N1 12,34 1,2 million 17.05.2018 3.5bn 19th",
            "1 to 2 to 3; one or two or three; 4 to 5 to 6 to 7",
            "12 mn and 3 bn cases, 4 hundred thousand, 1 200 and 3 400.5, 7 Million, 2",
        ] {
            listed_scan_is_exact(text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn listed_scan_is_exact_on_number_pieces(pieces in proptest::collection::vec(
            "(1|12|123|1,200|1 200|3.5|2|7|-|–|—|to|and|or|nor|into|between|a|an|A|An|the|one|two|twenty|hundred|thousand|million|billion|lakh|crores|mn|bn|m|k|th|dozen|dozens|hundreds|of|several|many|handful|tens|thousands|cases|H|N|\\.|,|/|:|\\(|\\)|\n|\n\n)",
            0..30,
        ), seps in proptest::collection::vec("( |  |)", 30)) {
            let mut text = String::new();
            for (p, s) in pieces.iter().zip(&seps) {
                text.push_str(p);
                text.push_str(s);
            }
            listed_scan_is_exact(&text);
        }
    }

    proptest! {
        #[test]
        fn commas_round_trip(n in 0u64..10_000_000_000) {
            prop_assert_eq!(parse_number(&with_commas(n)), Some(n as f64));
        }

        #[test]
        fn words_round_trip(n in 0u32..1000) {
            prop_assert_eq!(parse_number(&words_below_1000(n)), Some(f64::from(n)));
        }

        #[test]
        fn millions_round_trip(x in 1u32..1000, y in 0u32..10) {
            let s = format!("{x}.{y} million");
            let want = (f64::from(x) + f64::from(y) / 10.0) * 1e6;
            prop_assert_eq!(parse_number(&s), Some(want.round()));
        }

        #[test]
        fn never_panics_and_spans_are_slices(s in "\\PC{0,80}") {
            for n in find_numbers(&s) {
                let slice: String = s.chars().skip(n.start).take(n.end - n.start).collect();
                prop_assert_eq!(slice, n.text);
            }
        }
    }
}
