//! Date recognition and normalisation.
//!
//! One hand-written recogniser finds a calendar date (ISO, numeric European/US, or with a month
//! name in English, German, French, Spanish, Italian, Portuguese or Dutch), an optional time of
//! day and an optional zone (numeric offset or a common abbreviation). `jiff` validates the date
//! and formats the result: RFC 3339 with offset when both a time and a zone are known, else the
//! plain `YYYY-MM-DD`.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};

/// A recognised date with what is known of its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    date: Date,
    time: Option<Time>,
    offset: Option<i32>,
}

impl Found {
    /// RFC 3339 when time and offset are known, else `YYYY-MM-DD`.
    pub(crate) fn format(&self) -> String {
        if let (Some(t), Some(off)) = (self.time, self.offset)
            && let Ok(offset) = Offset::from_seconds(off)
            && let Ok(z) = DateTime::from_parts(self.date, t).to_zoned(TimeZone::fixed(offset))
        {
            return z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        }
        self.date.strftime("%Y-%m-%d").to_string()
    }
}

/// Normalises any date string a record may carry to RFC 3339 (when a time and zone are known)
/// or `YYYY-MM-DD`.
///
/// Accepts ISO 8601 / RFC 3339 (`2022-05-17T08:36:00Z`), RFC 2822
/// (`Tue, 17 May 2022 08:36:00 GMT`), `2022-05-17 17:36 KST`, `17 May 2022`, `May 17, 2022`,
/// `17.05.2022`, `2022/05/17` and the like. Named zones such as KST, JST, GMT, UTC, EST, EDT,
/// CET, CEST and IST are mapped to their offsets. Returns `None` when no plausible date
/// (years 1900–2100) is found.
pub fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    find_date(s).map(|f| f.format())
}

/// The first date found anywhere in `s`.
pub(crate) fn find_date(s: &str) -> Option<Found> {
    let b = s.as_bytes();
    for (i, _) in s.char_indices() {
        let c = b.get(i).copied().unwrap_or(0);
        let boundary = i == 0 || !b.get(i - 1).copied().unwrap_or(0).is_ascii_alphanumeric();
        if !boundary || !(c.is_ascii_alphanumeric()) {
            continue;
        }
        if let Some(f) = parse_at(&s[i..]) {
            return Some(f);
        }
    }
    None
}

/// A little cursor over a string.
struct Cur<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cur<'a> {
    fn rest(&self) -> &'a str {
        self.s.get(self.i..).unwrap_or("")
    }
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }
    /// Reads 1..=max ASCII digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let r = self.rest().as_bytes();
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n < min || n > max {
            return None;
        }
        let v = self.rest().get(..n)?.parse().ok()?;
        self.i += n;
        Some((v, n))
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
        // non-breaking space
        while self.rest().starts_with('\u{a0}') {
            self.i += '\u{a0}'.len_utf8();
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Reads an alphabetic word (Unicode letters, and a trailing '.').
    fn word(&mut self) -> Option<&'a str> {
        let r = self.rest();
        let n: usize = r
            .char_indices()
            .take_while(|(_, c)| c.is_alphabetic())
            .map(|(i, c)| i + c.len_utf8())
            .last()?;
        let w = r.get(..n)?;
        self.i += n;
        Some(w)
    }
}

/// Month number of a month name or abbreviation in a handful of languages.
fn month_of(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    const MONTHS: [&[&str]; 12] = [
        &[
            "january", "jan", "januar", "jänner", "janvier", "enero", "gennaio", "janeiro",
            "januari", "ene", "gen",
        ],
        &[
            "february",
            "feb",
            "februar",
            "février",
            "fevrier",
            "févr",
            "fevr",
            "febrero",
            "febbraio",
            "fevereiro",
            "februari",
            "fév",
            "fev",
        ],
        &[
            "march", "mar", "märz", "maerz", "mär", "mars", "marzo", "março", "maart", "mrz",
        ],
        &["april", "apr", "avril", "avr", "abril", "aprile", "abr"],
        &["may", "mai", "mayo", "maggio", "maio", "mei", "mag"],
        &["june", "jun", "juni", "juin", "junio", "giugno", "junho"],
        &[
            "july", "jul", "juli", "juillet", "juil", "julio", "luglio", "julho", "lug",
        ],
        &["august", "aug", "août", "aout", "agosto", "augustus", "ago"],
        &[
            "september",
            "sep",
            "sept",
            "septembre",
            "septiembre",
            "settembre",
            "setembro",
            "set",
        ],
        &[
            "october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "outubro", "out",
            "ott",
        ],
        &["november", "nov", "novembre", "noviembre", "novembro"],
        &[
            "december",
            "dec",
            "dezember",
            "dez",
            "décembre",
            "decembre",
            "déc",
            "diciembre",
            "dicembre",
            "dezembro",
            "dic",
        ],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&w))
        .and_then(|p| u32::try_from(p + 1).ok())
}

/// Offset in seconds of a zone abbreviation.
fn zone_offset(word: &str) -> Option<i32> {
    let h = |x: f32| (x * 3600.0) as i32;
    Some(match word.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" | "UT" | "WET" | "BST0" => 0,
        "KST" | "JST" => h(9.0),
        "EST" => h(-5.0),
        "EDT" => h(-4.0),
        "CST" => h(-6.0),
        "CDT" => h(-5.0),
        "MST" => h(-7.0),
        "MDT" => h(-6.0),
        "PST" => h(-8.0),
        "PDT" => h(-7.0),
        "AKST" => h(-9.0),
        "HST" => h(-10.0),
        "CET" | "MEZ" | "WAT" => h(1.0),
        "CEST" | "MESZ" | "EET" | "SAST" | "CAT" => h(2.0),
        "EEST" | "MSK" | "EAT" | "AST" => h(3.0),
        "BST" | "WEST" | "IST+1" => h(1.0),
        "IST" => h(5.5),
        "PKT" => h(5.0),
        "ICT" | "WIB" => h(7.0),
        "HKT" | "SGT" | "AWST" | "PHT" | "MYT" | "WITA" => h(8.0),
        "AEST" => h(10.0),
        "AEDT" => h(11.0),
        "NZST" => h(12.0),
        "NZDT" => h(13.0),
        "BRT" => h(-3.0),
        "ART" => h(-3.0),
        _ => return None,
    })
}

fn plausible_year(y: u32) -> bool {
    (1900..=2100).contains(&y)
}

fn mk_date(y: u32, m: u32, d: u32) -> Option<Date> {
    if !plausible_year(y) {
        return None;
    }
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// Skips an ordinal suffix (`st`, `nd`, `rd`, `th`) and a following '.'.
fn skip_ordinal(c: &mut Cur<'_>) {
    let r = c.rest();
    for suf in ["st", "nd", "rd", "th", "er", "º", "°"] {
        if let Some(after) = r.strip_prefix(suf)
            && !after.starts_with(|ch: char| ch.is_alphabetic())
        {
            c.i += suf.len();
            break;
        }
    }
    c.eat(b'.');
}

/// Parses a date starting exactly at the beginning of `s`, then an optional time and zone.
fn parse_at(s: &str) -> Option<Found> {
    let mut c = Cur { s, i: 0 };
    let date = parse_date_part(&mut c)?;
    let (time, offset) = parse_time_part(&mut c);
    Some(Found { date, time, offset })
}

fn parse_date_part(c: &mut Cur<'_>) -> Option<Date> {
    let first = c.peek()?;
    if first.is_ascii_digit() {
        let (a, na) = c.digits(1, 8)?;
        if na == 8 {
            // 20220517
            return mk_date(a / 10000, (a / 100) % 100, a % 100);
        }
        if na == 4 {
            // YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD
            let sep = c.peek()?;
            if !matches!(sep, b'-' | b'/' | b'.') {
                return None;
            }
            c.i += 1;
            let (m, _) = c.digits(1, 2)?;
            if !c.eat(sep) {
                return None;
            }
            let (d, _) = c.digits(1, 2)?;
            if c.peek().is_some_and(|x| x.is_ascii_digit()) {
                return None;
            }
            return mk_date(a, m, d);
        }
        if na > 2 {
            return None;
        }
        // Numeric D.M.Y / M/D/Y, or "17 May 2022" / "17. Mai 2022".
        let save = c.i;
        if let Some(sep @ (b'.' | b'/' | b'-')) = c.peek() {
            c.i += 1;
            if let Some((b, _)) = c.digits(1, 2)
                && c.eat(sep)
                && let Some((y, ny)) = c.digits(2, 4)
                && ny != 3
                && !c.peek().is_some_and(|x| x.is_ascii_digit())
            {
                let y = if ny == 2 { 2000 + y } else { y };
                let (d, m) = if sep == b'/' && a <= 12 && b > 12 {
                    (b, a)
                } else if sep == b'/' && a <= 12 && b <= 12 {
                    // Ambiguous: US order for '/'.
                    (b, a)
                } else {
                    (a, b)
                };
                return mk_date(y, m, d);
            }
            c.i = save;
        }
        skip_ordinal(c);
        c.skip_ws();
        let m = month_of(c.word()?)?;
        c.eat(b'.');
        c.eat(b',');
        c.skip_ws();
        // optional "de" (es/pt) between month and year
        let r = c.rest();
        if let Some(after) = r.strip_prefix("de ") {
            c.i += r.len() - after.len();
        }
        let (y, ny) = c.digits(4, 4)?;
        let _ = ny;
        if c.peek().is_some_and(|x| x.is_ascii_digit()) {
            return None;
        }
        return mk_date(y, m, a);
    }
    // Month name first (optionally after a weekday): "May 17, 2022", "Tue, 17 May 2022".
    let w = c.word()?;
    if month_of(w).is_none() && is_weekday(w) {
        c.eat(b'.');
        c.eat(b',');
        c.skip_ws();
        return parse_date_part(c);
    }
    let m = month_of(w)?;
    c.eat(b'.');
    c.skip_ws();
    let (d, _) = c.digits(1, 2)?;
    skip_ordinal(c);
    c.eat(b',');
    c.skip_ws();
    let (y, _) = c.digits(4, 4)?;
    if c.peek().is_some_and(|x| x.is_ascii_digit()) {
        return None;
    }
    mk_date(y, m, d)
}

fn is_weekday(w: &str) -> bool {
    let w = w.to_lowercase();
    [
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
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "mo",
        "di",
        "mi",
        "do",
        "fr",
        "sa",
        "so",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
    ]
    .contains(&w.as_str())
}

/// After a date: `[T| |, |at |um |- ]HH:MM[:SS[.fff]][ am|pm][ ZONE|±HH:MM]`.
fn parse_time_part(c: &mut Cur<'_>) -> (Option<Time>, Option<i32>) {
    let save = c.i;
    // separators
    if !c.eat(b'T') {
        loop {
            let before = c.i;
            c.skip_ws();
            c.eat(b',');
            c.eat(b'|');
            c.eat(b'-');
            c.eat(b'/');
            c.skip_ws();
            let r = c.rest();
            for w in ["at ", "um ", "à ", "a las ", "kl. ", "-", "–"] {
                if let Some(after) = r.strip_prefix(w) {
                    c.i += r.len() - after.len();
                    break;
                }
            }
            if c.i == before {
                break;
            }
        }
    }
    let Some((mut h, _)) = c.digits(1, 2) else {
        c.i = save;
        return (None, None);
    };
    if !(c.eat(b':') || c.eat(b'.')) {
        c.i = save;
        return (None, None);
    }
    let Some((mi, 2)) = c.digits(2, 2) else {
        c.i = save;
        return (None, None);
    };
    let mut sec = 0;
    if c.peek() == Some(b':')
        && c.rest()
            .as_bytes()
            .get(1)
            .is_some_and(|x| x.is_ascii_digit())
    {
        c.i += 1;
        sec = c.digits(2, 2).map_or(0, |(s, _)| s);
        if c.peek() == Some(b'.') || c.peek() == Some(b',') {
            c.i += 1;
            let _ = c.digits(1, 9);
        }
    }
    let after_time = c.i;
    c.skip_ws();
    let r = c.rest().to_ascii_lowercase();
    let mut meridiem = false;
    for (m, add) in [("a.m.", 0), ("p.m.", 12), ("am", 0), ("pm", 12)] {
        if r.starts_with(m)
            && !r
                .as_bytes()
                .get(m.len())
                .is_some_and(|x| x.is_ascii_alphabetic())
        {
            if h == 12 {
                h = 0;
            }
            h += add;
            c.i += m.len();
            meridiem = true;
            break;
        }
    }
    if !meridiem {
        c.i = after_time;
    }
    let Ok(time) = Time::new(
        i8::try_from(h).unwrap_or(99),
        i8::try_from(mi).unwrap_or(99),
        i8::try_from(sec).unwrap_or(99),
        0,
    ) else {
        c.i = save;
        return (None, None);
    };
    (Some(time), parse_zone(c))
}

fn parse_zone(c: &mut Cur<'_>) -> Option<i32> {
    let save = c.i;
    c.skip_ws();
    c.eat(b'(');
    if let Some(off) = numeric_offset(c) {
        return Some(off);
    }
    let w = c.rest();
    let n = w.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if n > 0 && n <= 5 {
        let word = w.get(..n).unwrap_or("");
        let upper = word.chars().all(|ch| ch.is_ascii_uppercase()) || word == "Z";
        if upper && let Some(base) = zone_offset(word) {
            c.i += n;
            // "GMT+9", "UTC+05:30"
            if (word == "GMT" || word == "UTC")
                && let Some(extra) = numeric_offset(c)
            {
                return Some(extra);
            }
            return Some(base);
        }
    }
    c.i = save;
    None
}

/// `+09:00`, `+0900`, `+09`, `-5`.
fn numeric_offset(c: &mut Cur<'_>) -> Option<i32> {
    let save = c.i;
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.i += 1;
    let Some((v, n)) = c.digits(1, 4) else {
        c.i = save;
        return None;
    };
    let (h, m) = match n {
        1 | 2 => {
            let m = if c.eat(b':') {
                c.digits(2, 2).map_or(0, |(m, _)| m)
            } else {
                0
            };
            (v, m)
        }
        4 => (v / 100, v % 100),
        _ => {
            c.i = save;
            return None;
        }
    };
    if h > 14 || m > 59 {
        c.i = save;
        return None;
    }
    let secs = i32::try_from(h * 3600 + m * 60).ok()?;
    Some(sign * secs)
}

/// A date in a URL path: `/2022/05/17/`, `/2022-05-17-`, `/20220517/`.
pub(crate) fn url_date(url: &str) -> Option<String> {
    let path_start = url.find("://").map_or(0, |i| i + 3);
    let path = url.get(path_start..)?;
    let path = path.get(path.find('/')?..)?;
    let b = path.as_bytes();
    for (i, &ch) in b.iter().enumerate() {
        if !(ch == b'/' || ch == b'-' || ch == b'_') {
            continue;
        }
        let rest = path.get(i + 1..)?;
        let mut c = Cur { s: rest, i: 0 };
        let Some((y, 4)) = c.digits(4, 4) else {
            if let Some((v, 8)) = c.digits(8, 8)
                && let Some(d) = mk_date(v / 10000, (v / 100) % 100, v % 100)
                && d.year() >= 1995
                && matches!(c.peek(), None | Some(b'/' | b'-' | b'_' | b'.'))
            {
                return Some(d.strftime("%Y-%m-%d").to_string());
            }
            continue;
        };
        let Some(sep @ (b'/' | b'-' | b'_')) = c.peek() else {
            continue;
        };
        c.i += 1;
        let Some((m, 2)) = c.digits(2, 2) else {
            continue;
        };
        if !c.eat(sep) {
            continue;
        }
        let Some((d, _)) = c.digits(1, 2) else {
            continue;
        };
        if c.peek().is_some_and(|x| x.is_ascii_digit()) {
            continue;
        }
        if y >= 1995
            && let Some(date) = mk_date(y, m, d)
        {
            return Some(date.strftime("%Y-%m-%d").to_string());
        }
    }
    None
}

/// Labels that introduce a publication date on a visible line.
const PUB_LABELS: &[&str] = &[
    "posted on",
    "published on",
    "published:",
    "published",
    "posted:",
    "posted",
    "date:",
    "first published",
    "veröffentlicht am",
    "veröffentlicht:",
    "veröffentlicht",
    "erschienen am",
    "publié le",
    "publicado el",
    "publicado",
    "pubblicato il",
    "gepubliceerd",
];

/// Labels that introduce a later date (used only when no publication label is present).
const UPD_LABELS: &[&str] = &["updated", "modified on", "last modified", "aktualisiert"];

/// A date introduced by a "Posted on" / "Published" label (or failing that "Updated") in one of
/// the first `max_lines` lines of `text`.
pub(crate) fn labelled_date(text: &str, max_lines: usize) -> Option<Found> {
    let lines = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(max_lines);
    let mut updated = None;
    for line in lines {
        if line.len() > 400 {
            continue;
        }
        let lower = line.to_lowercase();
        if lower.len() != line.len() {
            // Byte offsets would not line up; match on the original text case-insensitively.
            if let Some(f) = labelled_in(line, &line.to_lowercase(), PUB_LABELS) {
                return Some(f);
            }
            continue;
        }
        if let Some(f) = labelled_in(line, &lower, PUB_LABELS) {
            return Some(f);
        }
        if updated.is_none() {
            updated = labelled_in(line, &lower, UPD_LABELS);
        }
    }
    updated
}

fn labelled_in(line: &str, lower: &str, labels: &[&str]) -> Option<Found> {
    for label in labels {
        if let Some(pos) = lower.find(label) {
            // Search the rest of the line, in the original if offsets line up, else lowercase.
            let src = if lower.len() == line.len() {
                line
            } else {
                lower
            };
            let rest = src.get(pos + label.len()..)?;
            let rest = rest.trim_start_matches([' ', ':', '\u{a0}', '-', '|']);
            // The date must come right after the label (allow a weekday or "by X |" is not).
            let head: String = rest.chars().take(60).collect();
            if let Some(f) = find_date(&head) {
                return Some(f);
            }
        }
    }
    None
}

/// A line that is nothing but a date (a dateline), among the first `max_lines` lines.
pub(crate) fn dateline(text: &str, max_lines: usize) -> Option<Found> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(max_lines)
        .filter(|l| l.chars().count() <= 60)
        .find_map(|l| {
            let f = find_date(l)?;
            // mostly a date: few other letters
            let letters = l.chars().filter(|c| c.is_alphabetic()).count();
            (letters <= 25).then_some(f)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<String> {
        normalize_date(s)
    }

    #[test]
    fn normalizes_common_forms() {
        assert_eq!(
            n("2022-05-17 17:36 KST").as_deref(),
            Some("2022-05-17T17:36:00+09:00")
        );
        assert_eq!(
            n("Tue, 17 May 2022 08:36:00 GMT").as_deref(),
            Some("2022-05-17T08:36:00+00:00")
        );
        assert_eq!(n("17 May 2022").as_deref(), Some("2022-05-17"));
        assert_eq!(n("May 17, 2022").as_deref(), Some("2022-05-17"));
        assert_eq!(
            n("May 17th, 2022 at 5:30 pm EDT").as_deref(),
            Some("2022-05-17T17:30:00-04:00")
        );
        assert_eq!(
            n("2022-05-17T08:36:00Z").as_deref(),
            Some("2022-05-17T08:36:00+00:00")
        );
        assert_eq!(
            n("2022-05-17T08:36:00.123+02:00").as_deref(),
            Some("2022-05-17T08:36:00+02:00")
        );
        assert_eq!(
            n("2022-05-17T08:36:00+0530").as_deref(),
            Some("2022-05-17T08:36:00+05:30")
        );
        assert_eq!(n("2022-05-17").as_deref(), Some("2022-05-17"));
        assert_eq!(n("2022-05-17 08:36").as_deref(), Some("2022-05-17"));
        assert_eq!(n("17.05.2022").as_deref(), Some("2022-05-17"));
        assert_eq!(
            n("17. Mai 2022, 14:00 MESZ").as_deref(),
            Some("2022-05-17T14:00:00+02:00")
        );
        assert_eq!(n("2022/05/17").as_deref(), Some("2022-05-17"));
        assert_eq!(n("20220517").as_deref(), Some("2022-05-17"));
        assert_eq!(n("3 janvier 2021").as_deref(), Some("2021-01-03"));
        assert_eq!(n("12:00 IST, 1 June 2021").as_deref(), Some("2021-06-01"));
        assert_eq!(
            n("Mon, 01 Jun 2020 10:00:00 +0100").as_deref(),
            Some("2020-06-01T10:00:00+01:00")
        );
    }

    #[test]
    fn rejects_non_dates() {
        assert_eq!(n(""), None);
        assert_eq!(n("hello world"), None);
        assert_eq!(n("2022-13-40"), None);
        assert_eq!(n("1.2 million"), None);
        assert_eq!(n("0800 to 1200"), None);
        assert_eq!(n("May 2022"), None);
    }

    #[test]
    fn finds_dates_in_urls() {
        assert_eq!(
            url_date("https://x.com/2022/05/17/story").as_deref(),
            Some("2022-05-17")
        );
        assert_eq!(
            url_date("https://x.com/news/2022-05-17-story.html").as_deref(),
            Some("2022-05-17")
        );
        assert_eq!(
            url_date("https://x.com/a/20220517/b").as_deref(),
            Some("2022-05-17")
        );
        assert_eq!(url_date("https://2022.com/05/17"), None);
        assert_eq!(url_date("https://x.com/2022/05/story"), None);
        assert_eq!(url_date("https://x.com/id/123456789012"), None);
    }

    #[test]
    fn finds_labelled_dates() {
        let t =
            "Title\n\nPosted on : 2022-05-17 17:36 KST Modified on : 2022-05-18 10:00 KST\nBody.";
        assert_eq!(
            labelled_date(t, 10).map(|f| f.format()).as_deref(),
            Some("2022-05-17T17:36:00+09:00")
        );
        let t = "Title\nUpdated 18 May 2022\nBody";
        assert_eq!(
            labelled_date(t, 10).map(|f| f.format()).as_deref(),
            Some("2022-05-18")
        );
        let t = "Title\nVeröffentlicht am 3. März 2021\n";
        assert_eq!(
            labelled_date(t, 10).map(|f| f.format()).as_deref(),
            Some("2021-03-03")
        );
        assert_eq!(labelled_date("Published by nobody\nText 2022", 10), None);
    }
}
