//! Place recognition and resolution against an embedded GeoNames gazetteer.
//!
//! [`Gazetteer::global`] loads the compact gazetteer built by `scripts/build_gazetteer.py`
//! (countries, first- and second-order divisions, cities ≥ 1,000 inhabitants, demonyms, a
//! stoplist of common words). [`Gazetteer::find`] matches names case-sensitively, longest first,
//! from each capitalised word start: the word windows there are looked up by binary search in the
//! gazetteer's sorted forms (an Aho-Corasick automaton over the 366,000 forms took 4 s to build,
//! far over the load budget; the sorted table needs no building at all). It then filters common
//! words, person names and disease names ("Marburg virus"), merges qualified names ("Paris,
//! Texas", "Seattle, WA"), asks small places for evidence (a locative word or a large place of the
//! same region), and resolves each mention to one GeoNames entry using population,
//! administrative level and the other places of the document.

mod eval;
mod gazetteer;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use epiwire_model::{CharIndex, Place, Span};

pub use eval::{
    BAND_PLACE_LABELS, BandPlaceReport, BandPlaceScores, EpitatorCase, EpitatorReport, GeoReport,
    SpanCounts, eval_band_places, eval_eha_geo, eval_epitator_geonames,
};
use gazetteer::{Cand, Via};
pub use gazetteer::{Entry, Gazetteer, Kind, decompress};

/// Errors of the place module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading a file or the embedded data failed.
    #[error("I/O error: {0}")]
    Io(#[source] std::io::Error),
    /// The gazetteer data is malformed.
    #[error("gazetteer data at byte {offset}: {message}")]
    Parse {
        /// Byte offset in the decompressed data.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// An evaluation file is malformed.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// Result of the place module.
pub type Result<T> = std::result::Result<T, Error>;

/// Titles that make the next capitalised word a person's name ("President Chad …").
const TITLES: &[&str] = &[
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms",
    "Ms.",
    "Dr",
    "Dr.",
    "Sir",
    "Dame",
    "President",
    "Minister",
    "Senator",
    "Sen.",
    "Rep.",
    "Gov.",
    "Governor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "General",
    "Gen.",
    "Judge",
    "Justice",
    "Professor",
    "Prof.",
    "Mayor",
    "Secretary",
    "Chairman",
    "Lord",
    "Lady",
    "Sheikh",
    "Emir",
    "Coach",
    "Captain",
    "Capt.",
    "Col.",
    "Colonel",
    "spokesman",
    "spokeswoman",
    "actor",
    "actress",
    "singer",
];

/// Words before a name that mark it as a place ("in Lagos").
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "from",
    "to",
    "near",
    "of",
    "outside",
    "around",
    "into",
    "across",
    "throughout",
    "between",
    "via",
    "toward",
    "towards",
    "through",
    "visit",
    "visited",
    "visiting",
    "inside",
    "within",
    "beyond",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "downtown",
    "suburban",
    "rural",
];

/// Locative words strong enough for a name that is also a person's name or a common word.
const STRICT_LOCATIVES: &[&str] = &["in", "near", "outside", "visiting", "visited"];

/// Verbs after a capitalised common word that make it a person ("Best said").
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "explained",
    "wrote",
    "asked",
];

/// Words after a name that make it a disease or pathogen name, not a place ("Marburg virus").
const DISEASE_NEXT: &[&str] = &[
    "virus",
    "viruses",
    "fever",
    "disease",
    "flu",
    "influenza",
    "encephalitis",
    "variant",
    "strain",
    "syndrome",
    "hemorrhagic",
    "haemorrhagic",
    "orthohantavirus",
    "ebolavirus",
];

/// One mention with its remaining candidate readings (byte offsets).
#[derive(Debug, Clone)]
struct Mention {
    start: usize,
    end: usize,
    cands: Vec<Cand>,
    /// A locative word before it, a qualifier after it, or a list of places it continues.
    cue: bool,
    /// Written as a person's name or a common word: small places of that name need a cue.
    doubtful: bool,
}

impl<'g> Gazetteer<'g> {
    /// Finds the places mentioned in `text`: one [`Place`] per resolved GeoNames id with all its
    /// mentions, in order of first mention. Offsets are code points.
    pub fn find(&self, text: &str) -> Vec<Place> {
        let mentions = self.mentions(text);
        if mentions.is_empty() {
            return Vec::new();
        }
        let resolved = self.resolve(&mentions);
        let index = CharIndex::new(text);
        let mut order: Vec<u32> = Vec::new();
        let mut spans: HashMap<u32, Vec<Span>> = HashMap::new();
        for (m, entry) in mentions.iter().zip(resolved) {
            let Some(span_text) = text.get(m.start..m.end) else {
                continue;
            };
            let span = Span {
                start: index.char_offset(m.start),
                end: index.char_offset(m.end),
                text: span_text.to_string(),
            };
            spans
                .entry(entry)
                .or_insert_with(|| {
                    order.push(entry);
                    Vec::new()
                })
                .push(span);
        }
        order
            .into_iter()
            .map(|idx| {
                let e = self.entry(idx);
                Place {
                    geonameid: e.geonameid,
                    name: e.name.to_string(),
                    kind: e.kind.as_str().to_string(),
                    country: Some(e.country.to_string()),
                    lat: e.lat,
                    lon: e.lon,
                    mentions: spans.remove(&idx).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Candidate mentions after filtering and merging, in text order (byte offsets).
    fn mentions(&self, text: &str) -> Vec<Mention> {
        if self.forms.is_empty() {
            return Vec::new();
        }
        // Line breaks inside a name ("West\nVirginia") match as spaces; same byte length.
        let norm: String = text
            .chars()
            .map(|c| {
                if matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let raw = self.scan(&norm);
        let mut out: Vec<Mention> = Vec::new();
        let mut person_part: Option<usize> = None;
        for &(start, end, form_idx) in &raw {
            if person_part == Some(start) {
                continue;
            }
            let Some(form) = self.forms.get(form_idx) else {
                continue;
            };
            if form.block {
                continue;
            }
            let Some(s) = text.get(start..end) else {
                continue;
            };
            let mut cands = self.cands(form).to_vec();
            let only_countries = |c: &mut Vec<Cand>| {
                c.retain(|c| self.entry(c.entry).kind == Kind::Country);
            };
            let common_word_here = self.stop.contains(s)
                && (sentence_initial(text, start)
                    || title_line(text, start)
                    || next_word(text, end).is_some_and(|w| SPEECH_VERBS.contains(&w))
                    || next_word(text, end).is_some_and(is_capitalised)
                    || previous_word(text, start).is_some_and(is_capitalised));
            let person_here = self.person.contains(s)
                && next_word(text, end).is_some_and(|w| SPEECH_VERBS.contains(&w));
            if self.never.contains(s) || common_word_here || person_here {
                only_countries(&mut cands);
            }
            if cands.is_empty() || followed_by_disease_word(text, end) {
                continue;
            }
            if preceded_by_title(text, start) {
                continue;
            }
            // "Jordan Henderson", "Chad Smith": a place name that is also a first name or a
            // surname, followed by a capitalised word, is a person. Other names before a
            // capitalised word are places named in an organisation ("Ohio Wildlife Center").
            if self.person.contains(s)
                && !s.contains(' ')
                && !s.contains('.')
                && s.chars().any(char::is_lowercase)
                && !title_line(text, start)
                && followed_by_surname(self, text, end)
                && !cands.iter().any(|c| c.via == Via::Demonym)
            {
                // "Jordan Henderson": neither word is a place.
                person_part = Some(end + 1);
                continue;
            }
            let doubtful = self.person.contains(s) || self.stop.contains(s);
            // A person's name or a common word needs a stricter cue ("report to Congress").
            let cues: &[&str] = if doubtful {
                STRICT_LOCATIVES
            } else {
                LOCATIVES
            };
            let cue = previous_word(text, start)
                .is_some_and(|w| cues.contains(&w.to_lowercase().as_str()));
            out.push(Mention {
                start,
                end,
                cands,
                cue,
                doubtful,
            });
        }
        let merged = self.merge_qualified(text, out);
        self.drop_weak(text, merged)
    }

    /// Longest known forms, left to right, starting at capitalised word starts and ending at word
    /// ends: `(start, end, form index)` in bytes.
    fn scan(&self, norm: &str) -> Vec<(usize, usize, usize)> {
        let mut raw = Vec::new();
        let mut ends: Vec<usize> = Vec::new();
        let mut skip_until = 0usize;
        let mut prev: Option<char> = None;
        for (start, c) in norm.char_indices() {
            let at_word_start = prev.is_none_or(|p| !p.is_alphanumeric());
            prev = Some(c);
            if start < skip_until || !at_word_start || !c.is_uppercase() {
                continue;
            }
            // Candidate ends: word ends (and just after a dot, "U.S.") inside the window.
            ends.clear();
            let mut words = 1usize;
            let mut last: Option<char> = None;
            let mut reached_end = true;
            for (off, ch) in norm[start..].char_indices() {
                if off > self.max_form_bytes {
                    reached_end = false;
                    break;
                }
                if let Some(l) = last
                    && (l.is_alphanumeric() || l == '.')
                    && !ch.is_alphanumeric()
                {
                    ends.push(start + off);
                }
                if ch == ' ' {
                    words += 1;
                    if words > self.max_form_words {
                        reached_end = false;
                        break;
                    }
                }
                last = Some(ch);
            }
            if reached_end && last.is_some_and(|l| l.is_alphanumeric() || l == '.') {
                ends.push(norm.len());
            }
            for &end in ends.iter().rev() {
                let Some(key) = norm.get(start..end) else {
                    continue;
                };
                if let Some(idx) = self.lookup(key) {
                    raw.push((start, end, idx as usize));
                    skip_until = end;
                    break;
                }
            }
        }
        raw
    }

    /// "Paris, Texas", "Seattle, WA", "Washington County [Pennsylvania]": the qualifier restricts
    /// the candidates of the name; a comma-joined qualifier becomes part of the mention.
    fn merge_qualified(&self, text: &str, mentions: Vec<Mention>) -> Vec<Mention> {
        let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
        let mut i = 0;
        while i < mentions.len() {
            let mut cur = mentions[i].clone();
            let mut j = i + 1;
            loop {
                let rest = text.get(cur.end..).unwrap_or("");
                // A following mention after ", ".
                if let Some(next) = mentions.get(j)
                    && text.get(cur.end..next.start) == Some(", ")
                    && let Some(inside) = self.restrict(&cur.cands, &next.cands)
                {
                    cur.cands = inside;
                    cur.end = next.end;
                    cur.cue = true;
                    j += 1;
                    continue;
                }
                // A state code after ", " ("Seattle, WA").
                if let Some(code_rest) = rest.strip_prefix(", ") {
                    let code: String = code_rest
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase())
                        .collect();
                    let after = code_rest[code.len()..].chars().next();
                    if (2..=3).contains(&code.len())
                        && after.is_none_or(|c| !c.is_alphanumeric())
                        && let Some(admins) = self.qualifier_codes.get(code.as_str())
                    {
                        let outer: Vec<Cand> = admins
                            .iter()
                            .map(|&a| Cand {
                                entry: a,
                                via: Via::Name,
                            })
                            .collect();
                        if let Some(inside) = self.restrict(&cur.cands, &outer) {
                            cur.cands = inside;
                            cur.cue = true;
                            cur.end += 2 + code.len();
                            // the code may itself be followed by a mention (", USA")
                            while mentions.get(j).is_some_and(|m| m.start < cur.end) {
                                j += 1;
                            }
                            continue;
                        }
                    }
                }
                // A bracketed qualifier right after: restrict, keep both mentions.
                if let Some(next) = mentions.get(j)
                    && matches!(text.get(cur.end..next.start), Some(" [") | Some(" ("))
                    && let Some(inside) = self.restrict(&cur.cands, &next.cands)
                {
                    cur.cands = inside;
                }
                break;
            }
            out.push(cur);
            i = j;
        }
        out
    }

    /// Small places need evidence: a cue (locative word, qualifier, list of places) or, unless
    /// the name is also a person's name or a common word, a large place of the same first-order
    /// division in the document.
    fn drop_weak(&self, text: &str, mut mentions: Vec<Mention>) -> Vec<Mention> {
        // Lists continue a cue: "in Lagos, Faro and Sagres".
        for i in 1..mentions.len() {
            let (prev, cur) = (&mentions[i - 1], &mentions[i]);
            let sep = text.get(prev.end..cur.start).unwrap_or("");
            if prev.cue && matches!(sep, ", " | " and " | ", and " | " or " | ", or " | "/") {
                mentions[i].cue = true;
            }
        }
        let strong = |c: &Cand, doubtful: bool| {
            let e = self.entry(c.entry);
            let big = if doubtful { 100_000 } else { 50_000 };
            match e.kind {
                Kind::Country => true,
                Kind::Admin1 | Kind::City => e.population >= big,
                Kind::Admin2 => e.name.contains(' ') && e.population >= big,
            }
        };
        // First-order divisions holding a large place of the document (or named themselves).
        let mut admins: HashMap<(&str, &str), ()> = HashMap::new();
        for m in &mentions {
            for c in &m.cands {
                let e = self.entry(c.entry);
                if strong(c, m.doubtful) && e.kind != Kind::Country {
                    admins.insert((e.country, e.admin1), ());
                }
            }
        }
        for m in &mut mentions {
            if m.cue {
                continue;
            }
            let doubtful = m.doubtful;
            m.cands.retain(|c| {
                let e = self.entry(c.entry);
                strong(c, doubtful) || (!doubtful && admins.contains_key(&(e.country, e.admin1)))
            });
        }
        mentions.retain(|m| !m.cands.is_empty());
        mentions
    }

    /// The candidates of `inner` that lie inside some candidate of `outer`, when there are any
    /// and the reading is plausible (not a list of countries such as "Kenya, Uganda").
    fn restrict(&self, inner: &[Cand], outer: &[Cand]) -> Option<Vec<Cand>> {
        let inside: Vec<Cand> = inner
            .iter()
            .filter(|c| {
                let e = self.entry(c.entry);
                outer.iter().any(|o| e.is_inside(self.entry(o.entry)))
            })
            .copied()
            .collect();
        if inside.is_empty() {
            return None;
        }
        let has_country = inner
            .iter()
            .any(|c| self.entry(c.entry).kind == Kind::Country);
        if has_country {
            let strong = inside.iter().any(|c| {
                let e = self.entry(c.entry);
                e.kind == Kind::Admin1 || e.population >= 100_000
            });
            if !strong {
                return None;
            }
        }
        Some(inside)
    }

    /// Picks one entry per mention: prior (level, population, preferred name) plus the weight of
    /// the document's other places (their countries and first-order divisions).
    fn resolve(&self, mentions: &[Mention]) -> Vec<u32> {
        let first: Vec<u32> = mentions.iter().map(|m| self.best(m, None)).collect();
        let mut countries: HashMap<&str, usize> = HashMap::new();
        let mut admins: HashMap<(&str, &str), usize> = HashMap::new();
        let mut named: HashMap<&str, usize> = HashMap::new();
        for &idx in &first {
            let e = self.entry(idx);
            *countries.entry(e.country).or_default() += 1;
            if e.kind == Kind::Country {
                *named.entry(e.country).or_default() += 1;
            }
            if e.kind != Kind::Country && !e.admin1.is_empty() {
                *admins.entry((e.country, e.admin1)).or_default() += 1;
            }
        }
        let total = mentions.len();
        mentions
            .iter()
            .zip(&first)
            .map(|(m, &own)| {
                let ctx = Context {
                    countries: &countries,
                    named: &named,
                    admins: &admins,
                    total,
                    own: self.entry(own),
                };
                self.best(m, Some(&ctx))
            })
            .collect()
    }

    fn best(&self, m: &Mention, ctx: Option<&Context<'_>>) -> u32 {
        let mut best = (f64::MIN, u32::MAX);
        for c in &m.cands {
            let e = self.entry(c.entry);
            let mut score = match e.kind {
                Kind::Country => 5.0,
                Kind::Admin1 => 3.0,
                Kind::Admin2 => 0.0,
                Kind::City => 0.0,
            };
            score += 2.0 * ((e.population as f64) + 10.0).log10();
            // World cities keep their reading against a small namesake in a document's country.
            if e.kind == Kind::City && e.population >= 1_000_000 {
                score += 3.0;
            }
            if c.via == Via::Name {
                score += 0.5;
            }
            // "Beijing", "Chiang Mai", "Paris": a division is not the reading when a city of
            // the same name lies inside it.
            if matches!(e.kind, Kind::Admin1 | Kind::Admin2)
                && m.cands.iter().any(|o| {
                    let oe = self.entry(o.entry);
                    oe.kind == Kind::City && oe.is_inside(e)
                })
            {
                score -= 6.0;
            }
            // A division named so only by an alternate name ("Moscow" for Moscow Oblast).
            if matches!(e.kind, Kind::Admin1 | Kind::Admin2) && c.via == Via::Alt {
                score -= 2.0;
            }
            if let Some(ctx) = ctx {
                score += ctx.boost(e);
            }
            if score > best.0 || (score == best.0 && c.entry < best.1) {
                best = (score, c.entry);
            }
        }
        best.1
    }
}

/// The other places of a document, seen from one mention.
struct Context<'a> {
    countries: &'a HashMap<&'a str, usize>,
    /// Countries named as such in the document ("Portugal").
    named: &'a HashMap<&'a str, usize>,
    admins: &'a HashMap<(&'a str, &'a str), usize>,
    total: usize,
    own: &'a Entry<'a>,
}

impl Context<'_> {
    fn boost(&self, e: &Entry<'_>) -> f64 {
        let others = self.total.saturating_sub(1).max(1) as f64;
        let mut n = self.countries.get(e.country).copied().unwrap_or(0);
        if self.own.country == e.country {
            n = n.saturating_sub(1);
        }
        let mut boost = 0.0;
        if n > 0 {
            boost += 1.0 + 3.0 * (n as f64 / others).min(1.0);
        }
        let mut named = self.named.get(e.country).copied().unwrap_or(0);
        if self.own.kind == Kind::Country && self.own.country == e.country {
            named = named.saturating_sub(1);
        }
        if named > 0 && e.kind != Kind::Country {
            boost += 2.5;
        }
        if !e.admin1.is_empty() {
            let mut a = self
                .admins
                .get(&(e.country, e.admin1))
                .copied()
                .unwrap_or(0);
            if self.own.kind != Kind::Country
                && self.own.country == e.country
                && self.own.admin1 == e.admin1
            {
                a = a.saturating_sub(1);
            }
            if a > 0 && e.kind != Kind::Country {
                boost += 1.5 * a.min(2) as f64;
            }
        }
        boost
    }
}

/// Finds places with the embedded gazetteer ([`Gazetteer::global`]).
pub fn find(text: &str) -> Vec<Place> {
    Gazetteer::global().find(text)
}

/// The word at `start` begins a sentence, a line or the text.
fn sentence_initial(text: &str, start: usize) -> bool {
    for c in text[..start].chars().rev() {
        match c {
            '\n' | '.' | '!' | '?' | ':' | '•' => return true,
            ' ' | '\t' | '\r' | '"' | '“' | '‘' | '\'' | '(' | '[' | '-' | '–' | '—' => {
                continue;
            }
            _ => return false,
        }
    }
    true
}

/// The line holding `start` is written in title case (a headline).
fn title_line(text: &str, start: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut words = 0usize;
    let mut capitalised = 0usize;
    for w in text[line_start..line_end].split_whitespace() {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() < 4 {
            continue;
        }
        words += 1;
        if letters[0].is_uppercase() {
            capitalised += 1;
        }
    }
    words >= 3 && capitalised * 10 >= words * 7
}

fn previous_word(text: &str, start: usize) -> Option<&str> {
    let before = text[..start].strip_suffix(' ')?;
    let from = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |i| i + 1);
    before.get(from..)
}

fn next_word(text: &str, end: usize) -> Option<&str> {
    let after = text.get(end..)?.strip_prefix(' ')?;
    let to = after
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .unwrap_or(after.len());
    after.get(..to)
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn preceded_by_title(text: &str, start: usize) -> bool {
    previous_word(text, start).is_some_and(|w| TITLES.contains(&w))
}

fn followed_by_disease_word(text: &str, end: usize) -> bool {
    next_word(text, end).is_some_and(|w| DISEASE_NEXT.contains(&w.to_lowercase().as_str()))
}

/// The single-word name is followed by a capitalised surname-like word that is not a place
/// ("Jordan Henderson", "Chad Smith", "Kim Jong-un").
fn followed_by_surname(g: &Gazetteer<'_>, text: &str, end: usize) -> bool {
    let Some(w) = next_word(text, end) else {
        return false;
    };
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() || w.chars().count() < 2 {
        return false;
    }
    if !w.chars().any(|c| c.is_lowercase()) {
        return false;
    }
    !(g.never.contains(w) || g.stop.contains(w))
}
