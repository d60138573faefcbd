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

mod cands;
mod eval;
mod gazetteer;
mod reading;
mod scan;
#[cfg(test)]
mod tests;

use epiwire_model::{CharIndex, Place, Span};

use cands::Cands;
pub(crate) use eval::parse_band_labelled;
pub use eval::{
    BAND_PLACE_LABELS, BandPlaceReport, BandPlaceScores, EpitatorCase, EpitatorReport, GeoReport,
    SpanCounts, eval_band_places, eval_eha_geo, eval_epitator_geonames,
};
use gazetteer::{Cand, Code, FxMap, Via, lists};

use crate::tokens::{Gap, Token, Tokens, class};
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
fn is_title(w: &str) -> bool {
    matches!(
        w,
        "Mr" | "Mr."
            | "Mrs"
            | "Mrs."
            | "Ms"
            | "Ms."
            | "Dr"
            | "Dr."
            | "Sir"
            | "Dame"
            | "President"
            | "Minister"
            | "Senator"
            | "Sen."
            | "Rep."
            | "Gov."
            | "Governor"
            | "King"
            | "Queen"
            | "Prince"
            | "Princess"
            | "General"
            | "Gen."
            | "Judge"
            | "Justice"
            | "Professor"
            | "Prof."
            | "Mayor"
            | "Secretary"
            | "Chairman"
            | "Lord"
            | "Lady"
            | "Sheikh"
            | "Emir"
            | "Coach"
            | "Captain"
            | "Capt."
            | "Col."
            | "Colonel"
            | "spokesman"
            | "spokeswoman"
            | "actor"
            | "actress"
            | "singer"
    )
}

/// Words before a name that mark it as a place ("in Lagos"), the commonest first.
const LOCATIVES: &[&[u8]] = &[
    b"in",
    b"of",
    b"from",
    b"to",
    b"at",
    b"near",
    b"outside",
    b"around",
    b"into",
    b"across",
    b"throughout",
    b"between",
    b"via",
    b"toward",
    b"towards",
    b"through",
    b"visit",
    b"visited",
    b"visiting",
    b"inside",
    b"within",
    b"beyond",
    b"north",
    b"south",
    b"east",
    b"west",
    b"northern",
    b"southern",
    b"eastern",
    b"western",
    b"central",
    b"downtown",
    b"suburban",
    b"rural",
];

/// Words before a name that mark it as a place ("in Lagos"): one of [`LOCATIVES`].
fn is_locative(low: &[u8]) -> bool {
    LOCATIVES.contains(&low)
}

/// Per ASCII letter, the lengths (bit `n`: `n` bytes) of the [`LOCATIVES`] that start with it:
/// a word whose first letter (either case) and length have no bit is in no list of
/// locatives, and is not lower-cased and compared ([`may_be_locative`]).
const LOCATIVE_LENGTHS: [u32; 26] = {
    let mut t = [0u32; 26];
    let mut i = 0;
    while i < LOCATIVES.len() {
        let w = LOCATIVES[i];
        t[(w[0] - b'a') as usize] |= 1 << w.len();
        i += 1;
    }
    t
};

/// False when `w` is, without regard to ASCII case, none of [`LOCATIVES`] (nor of the strict
/// ones, which are among them), by its first byte and length.
fn may_be_locative(w: &str) -> bool {
    let b = w.as_bytes();
    let Some(first) = b.first() else {
        return false;
    };
    let f = first.to_ascii_lowercase();
    f.is_ascii_lowercase()
        && b.len() < 32
        && LOCATIVE_LENGTHS
            .get(usize::from(f - b'a'))
            .is_some_and(|&lens| lens >> b.len() & 1 != 0)
}

/// Locative words strong enough for a name that is also a person's name or a common word.
const STRICT_LOCATIVES: &[&[u8]] = &[b"in", b"near", b"outside", b"visiting", b"visited"];

/// One of [`STRICT_LOCATIVES`].
fn is_strict_locative(low: &[u8]) -> bool {
    STRICT_LOCATIVES.contains(&low)
}

/// Verbs after a capitalised common word that make it a person ("Best said").
fn is_speech_verb(w: &str) -> bool {
    matches!(
        w,
        "said" | "says" | "told" | "added" | "explained" | "wrote" | "asked"
    )
}

/// Words after a name that make it a disease or pathogen name, not a place ("Marburg virus").
fn is_disease_next(low: &[u8]) -> bool {
    matches!(
        low,
        b"virus"
            | b"viruses"
            | b"fever"
            | b"disease"
            | b"flu"
            | b"influenza"
            | b"encephalitis"
            | b"variant"
            | b"strain"
            | b"syndrome"
            | b"hemorrhagic"
            | b"haemorrhagic"
            | b"orthohantavirus"
            | b"ebolavirus"
    )
}

/// The longest word of the lists compared without regard to ASCII case.
const LOWER_MAX: usize = 16;

/// The bytes of `w` ASCII-lower-cased in `buf`, or `None` when it is longer than [`LOWER_MAX`]
/// (no listed word is): `f(lower)` then answers as a comparison ignoring ASCII case with each
/// listed word.
fn ascii_lower<'b>(w: &str, buf: &'b mut [u8; LOWER_MAX]) -> Option<&'b [u8]> {
    let b = buf.get_mut(..w.len())?;
    b.copy_from_slice(w.as_bytes());
    b.make_ascii_lowercase();
    Some(b)
}

/// One mention with its remaining candidate readings (byte offsets).
#[derive(Debug, Clone)]
struct Mention {
    start: usize,
    end: usize,
    cands: Cands,
    /// A locative word before it, a qualifier after it, or a list of places it continues.
    cue: bool,
    /// Written as a person's name or a common word: small places of that name need a cue.
    doubtful: bool,
}

impl<'g> Gazetteer<'g> {
    /// Finds the places mentioned in `text`: one [`Place`] per resolved GeoNames id with all its
    /// mentions, in order of first mention. Offsets are code points.
    pub fn find(&self, text: &str) -> Vec<Place> {
        self.find_with(text, &Tokens::new(text), None)
    }

    /// [`Gazetteer::find`] over the shared token stream `tk` of `text`, with the code-point index
    /// of `text` when the caller has built it.
    pub(crate) fn find_with(
        &self,
        text: &str,
        tk: &Tokens,
        index: Option<&CharIndex>,
    ) -> Vec<Place> {
        let mentions = self.mentions(text, &tk.toks);
        if mentions.is_empty() {
            return Vec::new();
        }
        let mut resolved = self.resolve(&mentions);
        self.choose_readings(text, &mentions, &mut resolved);
        let own;
        let index = match index {
            Some(index) => index,
            None => {
                own = CharIndex::new(text);
                &own
            }
        };
        // The places in order of first mention with their number of mentions, and each
        // mention's place (in place of its entry in `resolved`): every place's span vector is
        // allocated once, at its size.
        let mut order: Vec<(u32, usize)> = Vec::with_capacity(mentions.len());
        let mut slots = Slots::default();
        for (m, slot) in mentions.iter().zip(resolved.iter_mut()) {
            if text.get(m.start..m.end).is_none() {
                *slot = u32::MAX;
                continue;
            }
            let s = slots.of(&mut order, *slot);
            if let Some(o) = order.get_mut(s) {
                o.1 += 1;
            }
            *slot = s as u32;
        }
        let mut places: Vec<Place> = order
            .iter()
            .map(|&(idx, n)| {
                // The fields read alone (not the whole entry).
                let (lat, lon) = self.lat_lon(idx);
                Place {
                    geonameid: self.geonameid(idx),
                    name: self.name_word(idx),
                    kind: self.kind(idx).as_str().into(),
                    country: Some(self.country_word(idx)),
                    lat,
                    lon,
                    mentions: Vec::with_capacity(n),
                }
            })
            .collect();
        for (m, &slot) in mentions.iter().zip(&resolved) {
            let (Some(place), Some(span_text)) =
                (places.get_mut(slot as usize), text.get(m.start..m.end))
            else {
                continue;
            };
            place.mentions.push(Span {
                start: index.char_offset(m.start),
                end: index.char_offset(m.end),
                text: span_text.to_string(),
            });
        }
        places
    }

    /// The main place of `text` as [`crate::link::main_place`] picks it from
    /// [`Gazetteer::find`]'s places (the most mentioned country, earliest on ties, else the
    /// most mentioned place), as its GeoNames id and country code, without building the places
    /// (their names, spans and code-point offsets): linking asks this of every title.
    pub(crate) fn main_place_of(&self, text: &str) -> Option<(u64, &'g str)> {
        let tk = Tokens::new(text);
        let mentions = self.mentions(text, &tk.toks);
        if mentions.is_empty() {
            return None;
        }
        // A title's places mostly have one reading each: [`Self::resolve`] reads such a list
        // as its one reading whatever the context, so the context is weighed only when some
        // mention has another number of readings.
        let single: Option<Vec<u32>> = mentions
            .iter()
            .map(|m| match &*m.cands {
                [only] => Some(only.entry),
                _ => None,
            })
            .collect();
        let mut resolved = single.unwrap_or_else(|| self.resolve(&mentions));
        self.choose_readings(text, &mentions, &mut resolved);
        // Per entry, in order of first mention: (entry, mentions, first start).
        let mut seen: Vec<(u32, usize, usize)> = Vec::new();
        for (m, entry) in mentions.iter().zip(resolved) {
            if text.get(m.start..m.end).is_none() {
                continue;
            }
            match seen.iter_mut().find(|s| s.0 == entry) {
                Some(s) => s.1 += 1,
                None => seen.push((entry, 1, m.start)),
            }
        }
        // `max_by_key` as `main_place` ranks (byte offsets order mentions as code points do).
        seen.iter()
            .max_by_key(|&&(entry, n, first)| {
                (
                    self.kind(entry) == Kind::Country,
                    n,
                    std::cmp::Reverse(first),
                )
            })
            .map(|&(entry, _, _)| {
                let e = self.entry(entry);
                (e.geonameid, e.country)
            })
    }

    /// Candidate mentions after filtering and merging, in text order (byte offsets).
    fn mentions(&self, text: &str, toks: &[Token]) -> Vec<Mention> {
        if self.form_count() == 0 {
            return Vec::new();
        }
        let kept = self.kept_windows(text, toks);
        let merged = self.merge_qualified(text, kept);
        self.drop_weak(text, merged)
    }

    /// The scan's windows that pass the common-word, person and disease rules, with their
    /// candidates and cues, in text order (before [`Self::merge_qualified`]).
    fn kept_windows(&self, text: &str, toks: &[Token]) -> Vec<Mention> {
        let raw = self.scan(text, toks);
        let mut out: Vec<Mention> = Vec::with_capacity(raw.len());
        let mut person_part: Option<usize> = None;
        let mut titles = TitleLines::default();
        for &(start, end, form_idx) in &raw {
            if person_part == Some(start) {
                continue;
            }
            let Some(form) = self.form(form_idx) else {
                continue;
            };
            if form.block {
                continue;
            }
            let Some(s) = text.get(start..end) else {
                continue;
            };
            // The candidates are read in place and collected only for the windows kept (most
            // are dropped before): `kept` is the filter of the common-word rules.
            // The word lists are asked once per mention (one lookup for the three), the words
            // around it once.
            // Few forms are listed words: the others are not looked up (a bit per form).
            let listed = if self.may_be_listed(form_idx) {
                self.listed.get(s).copied().unwrap_or(0)
            } else {
                0
            };
            let in_stop = listed & lists::STOP != 0;
            let in_person = listed & lists::PERSON != 0;
            let next = if in_stop || in_person {
                next_word(text, end)
            } else {
                None
            };
            let previous = previous_word(text, start);
            // The title-case test of the line (a walk over its tokens) last: the others read
            // a word each.
            let common_word_here = in_stop
                && (sentence_initial(text, start)
                    || next.is_some_and(is_speech_verb)
                    || next.is_some_and(is_capitalised)
                    || previous.is_some_and(is_capitalised)
                    || titles.at(text, toks, start));
            let person_here = in_person && next.is_some_and(is_speech_verb);
            let countries_only = listed & lists::NEVER != 0 || common_word_here || person_here;
            let kept = |c: &Cand| !countries_only || self.kind(c.entry) == Kind::Country;
            if !self.cands(&form).any(|c| kept(&c)) || followed_by_disease_word(text, end) {
                continue;
            }
            if previous.is_some_and(is_title) {
                continue;
            }
            // "Jordan Henderson", "Chad Smith": a place name that is also a first name or a
            // surname, followed by a capitalised word, is a person. Other names before a
            // capitalised word are places named in an organisation ("Ohio Wildlife Center").
            if in_person
                && !s.contains(' ')
                && !s.contains('.')
                && s.chars().any(char::is_lowercase)
                && followed_by_surname(self, text, end)
                && !titles.at(text, toks, start)
                && !self.cands(&form).any(|c| kept(&c) && c.via == Via::Demonym)
            {
                // "Jordan Henderson": neither word is a place.
                person_part = Some(end + 1);
                continue;
            }
            let doubtful = in_person || in_stop;
            // A person's name or a common word needs a stricter cue ("report to Congress").
            let mut buf = [0u8; LOWER_MAX];
            let cue = previous
                .filter(|w| may_be_locative(w))
                .and_then(|w| ascii_lower(w, &mut buf))
                .is_some_and(|w| {
                    if doubtful {
                        is_strict_locative(w)
                    } else {
                        is_locative(w)
                    }
                });
            out.push(Mention {
                start,
                end,
                // The form's whole list (its length known) unless only countries are kept.
                cands: if countries_only {
                    self.cands(&form).filter(|c| kept(c)).collect()
                } else {
                    self.cands(&form).collect()
                },
                cue,
                doubtful,
            });
        }
        out
    }

    /// "Paris, Texas", "Seattle, WA", "Washington County [Pennsylvania]": the qualifier restricts
    /// the candidates of the name; a comma-joined qualifier becomes part of the mention.
    ///
    /// The merged mentions are written over the list itself (mention `i` goes to a place at or
    /// before `i`; the qualifiers read are after it), so no second list is allocated.
    fn merge_qualified(&self, text: &str, mut mentions: Vec<Mention>) -> Vec<Mention> {
        let mut out = 0usize;
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(m) = mentions.get(i) {
            // Every qualifier follows ", ", " [" or " (": most mentions are followed by none of
            // them, and one that has not moved (no merge before it) stays where it is.
            if out == i && !may_be_qualified(bytes, m.end) {
                out += 1;
                i += 1;
                continue;
            }
            let mut cur = Mention {
                cands: std::mem::take(&mut mentions[i].cands),
                ..mentions[i]
            };
            let mut j = i + 1;
            while may_be_qualified(bytes, cur.end) {
                let rest = text.get(cur.end..).unwrap_or("");
                // A following mention after ", ".
                if let Some(next) = mentions.get(j)
                    && text.get(cur.end..next.start) == Some(", ")
                    && let Some(inside) = self.restrict(&cur.cands, &next.cands)
                {
                    cur.cands = inside.into();
                    cur.end = next.end;
                    cur.cue = true;
                    j += 1;
                    continue;
                }
                // A state code after ", " ("Seattle, WA").
                if let Some(code_rest) = rest.strip_prefix(", ") {
                    // ASCII capitals are one byte each: the code is a slice of the text.
                    let n = code_rest.bytes().take_while(u8::is_ascii_uppercase).count();
                    let (code, after) = code_rest.split_at(n);
                    let after = after.chars().next();
                    if (2..=3).contains(&code.len())
                        && after.is_none_or(|c| !c.is_alphanumeric())
                        && let Some(admins) = self.qualifier_codes.get(code)
                    {
                        let outer: Vec<Cand> = admins
                            .iter()
                            .map(|&a| Cand {
                                entry: a,
                                via: Via::Name,
                            })
                            .collect();
                        if let Some(inside) = self.restrict(&cur.cands, &outer) {
                            cur.cands = inside.into();
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
                    cur.cands = inside.into();
                }
                break;
            }
            if let Some(slot) = mentions.get_mut(out) {
                *slot = cur;
            }
            out += 1;
            i = j;
        }
        mentions.truncate(out);
        mentions
    }

    /// Small places need evidence: a cue (locative word, qualifier, list of places) or, unless
    /// the name is also a person's name or a common word, a large place of the same first-order
    /// division in the document.
    fn drop_weak(&self, text: &str, mut mentions: Vec<Mention>) -> Vec<Mention> {
        // Lists continue a cue: "in Lagos, Faro and Sagres".
        for i in 1..mentions.len() {
            let (prev, cur) = (&mentions[i - 1], &mentions[i]);
            if prev.cue
                && matches!(
                    text.get(prev.end..cur.start).unwrap_or(""),
                    ", " | " and " | ", and " | " or " | ", or " | "/"
                )
            {
                mentions[i].cue = true;
            }
        }
        let strong = |c: &Cand, doubtful: bool| {
            let big = if doubtful { 100_000 } else { 50_000 };
            match self.kind(c.entry) {
                Kind::Country => true,
                Kind::Admin1 | Kind::City => self.population(c.entry) >= big,
                Kind::Admin2 => {
                    self.population(c.entry) >= big && self.name_of(c.entry).contains(' ')
                }
            }
        };
        // First-order divisions holding a large place of the document (or named themselves),
        // asked only for a weak candidate of a mention without cue that is not doubtful: most
        // documents have none, and the map is not built.
        let needed = mentions
            .iter()
            .any(|m| !m.cue && !m.doubtful && m.cands.iter().any(|c| !strong(c, false)));
        let mut admins = if needed {
            CodeSet::with_capacity(mentions.len())
        } else {
            CodeSet::default()
        };
        if needed {
            for m in &mentions {
                for c in &m.cands {
                    if strong(c, m.doubtful) && self.kind(c.entry) != Kind::Country {
                        admins.insert(self.code(c.entry));
                    }
                }
            }
        }
        for m in &mut mentions {
            if m.cue {
                continue;
            }
            let doubtful = m.doubtful;
            // Without a weak candidate in a mention that is not doubtful (`needed` false), such
            // a mention's candidates are all strong: the retain below would keep them all.
            if !needed && !doubtful {
                continue;
            }
            // "Sutton County": a name written with the word for its kind of division is a
            // division whatever its size (read only for a weak division, at most once).
            let mut designated_here: Option<bool> = None;
            let (start, end) = (m.start, m.end);
            m.cands.retain(|c| {
                strong(c, doubtful)
                    || (matches!(self.kind(c.entry), Kind::Admin1 | Kind::Admin2)
                        && *designated_here
                            .get_or_insert_with(|| designated(text.get(start..end).unwrap_or(""))))
                    || (!doubtful && admins.contains(self.code(c.entry)))
            });
        }
        mentions.retain(|m| !m.cands.is_empty());
        mentions
    }

    /// "Paris, Texas", "Seattle, WA", "Washington County [Pennsylvania]": [`Self::merge_qualified`] as it
    /// was, the state code collected into a `String` and every qualifier asked of every
    /// mention (the reference of the tests).
    #[cfg(test)]
    fn merge_qualified_reference(&self, text: &str, mut mentions: Vec<Mention>) -> Vec<Mention> {
        let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
        let mut i = 0;
        while i < mentions.len() {
            let mut cur = Mention {
                cands: std::mem::take(&mut mentions[i].cands),
                ..mentions[i]
            };
            let mut j = i + 1;
            loop {
                let rest = text.get(cur.end..).unwrap_or("");
                // A following mention after ", ".
                if let Some(next) = mentions.get(j)
                    && text.get(cur.end..next.start) == Some(", ")
                    && let Some(inside) = self.restrict(&cur.cands, &next.cands)
                {
                    cur.cands = inside.into();
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
                            cur.cands = inside.into();
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
                    cur.cands = inside.into();
                }
                break;
            }
            out.push(cur);
            i = j;
        }
        out
    }

    /// [`Self::drop_weak`] as it was, the map of divisions always built (the reference of the
    /// tests).
    #[cfg(test)]
    fn drop_weak_reference(&self, text: &str, mut mentions: Vec<Mention>) -> Vec<Mention> {
        // Lists continue a cue: "in Lagos, Faro and Sagres".
        for i in 1..mentions.len() {
            let (prev, cur) = (&mentions[i - 1], &mentions[i]);
            let sep = text.get(prev.end..cur.start).unwrap_or("");
            if prev.cue && matches!(sep, ", " | " and " | ", and " | " or " | ", or " | "/") {
                mentions[i].cue = true;
            }
        }
        let strong = |c: &Cand, doubtful: bool| {
            let big = if doubtful { 100_000 } else { 50_000 };
            match self.kind(c.entry) {
                Kind::Country => true,
                Kind::Admin1 | Kind::City => self.population(c.entry) >= big,
                Kind::Admin2 => {
                    self.population(c.entry) >= big && self.name_of(c.entry).contains(' ')
                }
            }
        };
        // First-order divisions holding a large place of the document (or named themselves).
        let mut admins: FxMap<Code<'_>, ()> =
            FxMap::with_capacity_and_hasher(mentions.len(), Default::default());
        for m in &mentions {
            for c in &m.cands {
                if strong(c, m.doubtful) && self.kind(c.entry) != Kind::Country {
                    admins.insert(
                        Code::new(self.country_of(c.entry), self.admin1_of(c.entry)),
                        (),
                    );
                }
            }
        }
        for m in &mut mentions {
            if m.cue {
                continue;
            }
            let doubtful = m.doubtful;
            // "Sutton County": a name written with the word for its kind of division is a
            // division whatever its size.
            let designated = designated(text.get(m.start..m.end).unwrap_or(""));
            m.cands.retain(|c| {
                strong(c, doubtful)
                    || (designated && matches!(self.kind(c.entry), Kind::Admin1 | Kind::Admin2))
                    || (!doubtful
                        && admins.contains_key(&Code::new(
                            self.country_of(c.entry),
                            self.admin1_of(c.entry),
                        )))
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
            .filter(|c| outer.iter().any(|o| self.is_inside(c.entry, o.entry)))
            .copied()
            .collect();
        if inside.is_empty() {
            return None;
        }
        let has_country = inner.iter().any(|c| self.kind(c.entry) == Kind::Country);
        if has_country {
            let strong = inside
                .iter()
                .any(|c| self.kind(c.entry) == Kind::Admin1 || self.population(c.entry) >= 100_000);
            if !strong {
                return None;
            }
        }
        Some(inside)
    }

    /// Picks one entry per mention: prior (level, population, preferred name) plus the weight of
    /// the document's other places (their countries and first-order divisions).
    ///
    /// A mention's reading depends on its candidate list and on the document's counts alone
    /// (the priors, the first reading and the context's own reading are functions of the list),
    /// so mentions with equal lists read alike: each distinct list is resolved once. Lists are
    /// told apart by their first entry and length (one word; a linear search while there are
    /// few distinct lists, then a hash map), then compared whole; a list whose key an earlier
    /// list holds is resolved on its own. A list of one reading is that reading: its prior and
    /// context weights are not computed. [`Self::resolve_each`] is the reference of the tests.
    ///
    /// The buffers of the distinct lists and of their priors are this thread's, kept from one
    /// text to the next ([`RESOLVE_BUFFERS`]).
    fn resolve(&self, mentions: &[Mention]) -> Vec<u32> {
        let (mut reps, mut priors) = RESOLVE_BUFFERS
            .try_with(std::cell::Cell::take)
            .unwrap_or_default();
        reps.clear();
        priors.clear();
        let of = self.resolve_in(mentions, &mut reps, &mut priors);
        if reps.capacity() <= KEEP_RESOLVE && priors.capacity() <= KEEP_RESOLVE {
            let _ = RESOLVE_BUFFERS.try_with(|c| c.set((reps, priors)));
        }
        of
    }

    /// [`Self::resolve`] with its buffers of distinct lists and priors (empty).
    fn resolve_in(
        &self,
        mentions: &[Mention],
        reps: &mut Vec<Rep>,
        priors: &mut Vec<f64>,
    ) -> Vec<u32> {
        // The distinct lists: (key, mention holding it, start of its priors, first reading,
        // mentions, whether the first reading is the reading whatever the context).
        reps.reserve(mentions.len());
        // Per mention, the index of its list in `reps` (then its reading).
        let mut of: Vec<u32> = Vec::with_capacity(mentions.len());
        // The first list of each key, once there are more than [`SHORT_RESOLVE`] lists (before,
        // the lists are searched).
        let mut seen: Option<FxMap<u64, usize>> = None;
        // The prior of each candidate of each distinct list, one list after the other.
        priors.reserve(mentions.iter().map(|m| m.cands.len()).sum());
        let mut cities = Vec::new();
        // Some distinct list has more than one reading and the context may change its
        // reading: the context is weighed.
        let mut weighed = false;
        for (i, m) in mentions.iter().enumerate() {
            // The list read once (each read of `Cands` tells its two forms apart).
            let cands: &[Cand] = &m.cands;
            let key = cands
                .first()
                .map_or(u64::from(u32::MAX), |c| u64::from(c.entry))
                << 32
                | cands.len() as u64;
            let holder = match &seen {
                Some(map) => map.get(&key).copied(),
                None => reps.iter().position(|r| r.0 == key),
            };
            if let Some(r) = holder
                && let Some(rep) = reps.get_mut(r)
                && mentions.get(rep.1).is_some_and(|o| *o.cands == *cands)
            {
                rep.4 += 1;
                of.push(r as u32);
                continue;
            }
            let from = priors.len();
            // A list of one reading reads as it whatever the weights (every score is finite):
            // no prior and, below, no context weight. Most lists have one. A list whose
            // highest prior leads the others by more than any weight also keeps its first
            // reading ([`decided`]).
            let (first, fixed) = match cands {
                [only] => (only.entry, true),
                _ => {
                    self.priors_into(m, priors, &mut cities);
                    let p = priors.get(from..).unwrap_or(&[]);
                    (self.best(m, p, None), !p.is_empty() && decided(p))
                }
            };
            let r = reps.len();
            reps.push((key, i, from, first, 1, fixed));
            match &mut seen {
                Some(map) if holder.is_none() => {
                    map.insert(key, r);
                }
                Some(_) => {}
                None if reps.len() > SHORT_RESOLVE => {
                    // The first list of each key, as the search finds it.
                    let mut map =
                        FxMap::with_capacity_and_hasher(mentions.len(), Default::default());
                    for (k, rep) in reps.iter().enumerate() {
                        map.entry(rep.0).or_insert(k);
                    }
                    seen = Some(map);
                }
                None => {}
            }
            of.push(r as u32);
            weighed |= cands.len() > 1 && !fixed;
        }
        // Every distinct list has one reading (or none) or a decided one: the context changes
        // no reading, so the tallies are not made (many texts name only places of one
        // reading, or a country and small namesakes of it).
        if !weighed {
            for r in &mut of {
                *r = reps.get(*r as usize).map_or(u32::MAX, |rep| rep.3);
            }
            return of;
        }
        // Per country: the mentions read in it, and those naming it as a country; per
        // first-order division, the mentions read in it: one table ([`tally`]), sized for the
        // distinct lists' readings at once (growing it cost more than filling it).
        let mut tallies = Tallies::with_capacity(2 * reps.len());
        for &(_, _, _, idx, n, _) in reps.iter() {
            tally(self, &mut tallies, idx, n);
        }
        let total = mentions.len();
        // Each list's reading in the context of its first reading, written over the first
        // reading (each context reads only the tallies, made above, and its own list's).
        for rep in reps.iter_mut() {
            let &mut (_, i, from, own, _, fixed) = rep;
            let Some(m) = mentions.get(i) else {
                continue;
            };
            if m.cands.len() == 1 || fixed {
                continue;
            }
            let ctx = Context::new(self, &tallies, total, own);
            let p = priors.get(from..from + m.cands.len()).unwrap_or(&[]);
            rep.3 = self.best(m, p, Some(&ctx));
        }
        for r in &mut of {
            *r = reps.get(*r as usize).map_or(u32::MAX, |rep| rep.3);
        }
        of
    }

    /// [`Self::resolve`] mention by mention, every mention's list resolved on its own (the
    /// reference of the tests).
    #[cfg(test)]
    fn resolve_each(&self, mentions: &[Mention]) -> Vec<u32> {
        // The prior of each candidate, computed once for both rounds: the mentions' priors one
        // after the other in one vector (one allocation, not one per mention).
        let mut priors: Vec<f64> = Vec::with_capacity(mentions.iter().map(|m| m.cands.len()).sum());
        let mut first: Vec<u32> = Vec::with_capacity(mentions.len());
        for m in mentions {
            let from = priors.len();
            self.priors_into_reference(m, &mut priors);
            first.push(self.best_reference(
                m,
                priors.get(from..).unwrap_or(&[]),
                None::<&ContextReference<'_>>,
            ));
        }
        // Per country: the mentions read in it, and those naming it as a country (two maps,
        // as before the one table of [`tally`]).
        let mut countries: FxMap<Code<'_>, (usize, usize)> = FxMap::default();
        let mut admins: FxMap<Code<'_>, usize> = FxMap::default();
        for &idx in &first {
            tally_reference(self, &mut countries, &mut admins, idx, 1);
        }
        let total = mentions.len();
        let mut from = 0;
        mentions
            .iter()
            .zip(&first)
            .map(|(m, &own)| {
                let ctx = ContextReference::new(self, &countries, &admins, total, own);
                let p = priors.get(from..from + m.cands.len()).unwrap_or(&[]);
                from += m.cands.len();
                self.best_reference(m, p, Some(&ctx))
            })
            .collect()
    }

    /// Appends the prior score of each candidate of `m` to `out`, in order: level, population,
    /// preferred name.
    ///
    /// A division loses to a city of the list inside it; the cities' codes are read once per
    /// list (into `cities`, a buffer kept by the caller, with the city's entry: its admin2 code
    /// is read only for a second-order division of its code) instead of once per (division,
    /// candidate) pair: long lists ("Victoria", "San Juan") hold dozens of both.
    /// [`Self::priors_into_reference`] holds it in the tests.
    fn priors_into<'s>(
        &'s self,
        m: &Mention,
        out: &mut Vec<f64>,
        cities: &mut Vec<(Code<'s>, u32)>,
    ) {
        cities.clear();
        if m.cands
            .iter()
            .any(|c| matches!(self.kind(c.entry), Kind::Admin1 | Kind::Admin2))
        {
            // Room for every candidate at once (a filter's collect grew the buffer step by
            // step at its first lists).
            cities.reserve(m.cands.len());
            cities.extend(
                m.cands
                    .iter()
                    .filter(|c| self.kind(c.entry) == Kind::City)
                    .map(|c| (self.code(c.entry), c.entry)),
            );
        }
        out.extend(m.cands.iter().map(|c| {
            let (kind, population) = (self.kind(c.entry), self.population(c.entry));
            let mut score = match kind {
                Kind::Country => 5.0,
                Kind::Admin1 => 3.0,
                Kind::Admin2 => 0.0,
                Kind::City => 0.0,
            };
            score += self.population_prior(c.entry);
            // World cities keep their reading against a small namesake in a document's
            // country.
            if kind == Kind::City && population >= 1_000_000 {
                score += 3.0;
            }
            if c.via == Via::Name {
                score += 0.5;
            }
            // "Beijing", "Chiang Mai", "Paris": a division is not the reading when a city
            // of the same name lies inside it (same country and admin1; for a second-order
            // division also its admin2, which must be known).
            let city_inside = match kind {
                Kind::Admin1 | Kind::Admin2 if !cities.is_empty() => {
                    let key = self.code(c.entry);
                    if kind == Kind::Admin1 {
                        cities.iter().any(|&(k, _)| k == key)
                    } else {
                        let admin2 = self.admin2_of(c.entry);
                        !admin2.is_empty()
                            && cities
                                .iter()
                                .any(|&(k, city)| k == key && self.admin2_of(city) == admin2)
                    }
                }
                _ => false,
            };
            if city_inside {
                score -= 6.0;
            }
            // A division named so only by an alternate name ("Moscow" for Moscow Oblast).
            if matches!(kind, Kind::Admin1 | Kind::Admin2) && c.via == Via::Alt {
                score -= 2.0;
            }
            score
        }));
    }

    /// [`Self::priors_into`] asking `is_inside` of every (division, candidate) pair (the
    /// reference of the tests).
    #[cfg(test)]
    fn priors_into_reference(&self, m: &Mention, out: &mut Vec<f64>) {
        out.extend(m.cands.iter().map(|c| {
            let (kind, population) = (self.kind(c.entry), self.population(c.entry));
            let mut score = match kind {
                Kind::Country => 5.0,
                Kind::Admin1 => 3.0,
                Kind::Admin2 => 0.0,
                Kind::City => 0.0,
            };
            score += 2.0 * ((population as f64) + 10.0).log10();
            // World cities keep their reading against a small namesake in a document's
            // country.
            if kind == Kind::City && population >= 1_000_000 {
                score += 3.0;
            }
            if c.via == Via::Name {
                score += 0.5;
            }
            // "Beijing", "Chiang Mai", "Paris": a division is not the reading when a city
            // of the same name lies inside it.
            if matches!(kind, Kind::Admin1 | Kind::Admin2)
                && m.cands
                    .iter()
                    .any(|o| self.kind(o.entry) == Kind::City && self.is_inside(o.entry, c.entry))
            {
                score -= 6.0;
            }
            // A division named so only by an alternate name ("Moscow" for Moscow Oblast).
            if matches!(kind, Kind::Admin1 | Kind::Admin2) && c.via == Via::Alt {
                score -= 2.0;
            }
            score
        }));
    }

    /// The candidate of `m` with the best score: its prior (`priors`, from
    /// [`Self::priors_into`]) plus, with a context, the weight of the document's other places.
    ///
    /// The best score is the highest, the lowest entry among equal ones: the order in which
    /// the candidates are scored does not change it. The candidate with the highest prior is
    /// scored first, and a candidate whose prior plus the largest weight ([`MAX_BOOST`]) is
    /// below the best score so far cannot reach it: its weights (two map lookups) are not
    /// read. [`Self::best_reference`] holds it in the tests.
    fn best(&self, m: &Mention, priors: &[f64], ctx: Option<&Context<'_>>) -> u32 {
        let mut best = (f64::MIN, u32::MAX);
        let Some(ctx) = ctx else {
            for (c, &prior) in m.cands.iter().zip(priors) {
                better(&mut best, prior, c.entry);
            }
            return best.1;
        };
        let n = m.cands.len().min(priors.len());
        // The first of the highest priors.
        let mut lead = (0usize, f64::MIN);
        for (i, &prior) in priors.iter().take(n).enumerate() {
            if i == 0 || prior > lead.1 {
                lead = (i, prior);
            }
        }
        let lead = lead.0;
        // The lead, then the others in order.
        for k in 0..n {
            let i = match k {
                0 => lead,
                k if k <= lead => k - 1,
                k => k,
            };
            let (Some(c), Some(&prior)) = (m.cands.get(i), priors.get(i)) else {
                continue;
            };
            // The score is at most `prior + MAX_BOOST` (rounding is monotonic): below the
            // best so far, it neither beats nor ties it.
            if prior + MAX_BOOST < best.0 {
                continue;
            }
            better(&mut best, prior + ctx.boost(self, c.entry), c.entry);
        }
        best.1
    }

    /// [`Self::best`] scoring every candidate in order (the reference of the tests).
    #[cfg(test)]
    fn best_reference<W: Weights>(&self, m: &Mention, priors: &[f64], ctx: Option<&W>) -> u32 {
        let mut best = (f64::MIN, u32::MAX);
        for (c, &prior) in m.cands.iter().zip(priors) {
            let mut score = prior;
            if let Some(ctx) = ctx {
                score += ctx.boost(self, c.entry);
            }
            better(&mut best, score, c.entry);
        }
        best.1
    }
}

/// The highest of `priors` is above every other by more than [`MAX_BOOST`]: whatever the
/// context, [`Gazetteer::best`] picks its candidate, the one it picks without a context.
///
/// The leader's score is at least its prior (weights are non-negative and rounding is
/// monotonic) and every other score at most `prior + MAX_BOOST`, below it: the leader wins
/// alone, as it does without weights (a single highest prior, no tie for the lower entry).
fn decided(priors: &[f64]) -> bool {
    let (mut top, mut second) = (f64::MIN, f64::MIN);
    for &p in priors {
        if p > top {
            second = top;
            top = p;
        } else if p > second {
            second = p;
        }
    }
    second + MAX_BOOST < top
}

/// Keeps in `best` (score, entry) the higher score, the lower entry of equal scores.
#[inline(always)]
fn better(best: &mut (f64, u32), score: f64, entry: u32) {
    if score > best.0 || (score == best.0 && entry < best.1) {
        *best = (score, entry);
    }
}

/// The largest weight [`Context::boost`] gives: 1 + 3 for the country's mentions, 2.5 for a
/// country named, 1.5 for each of two mentions of the first-order division (each term is
/// non-negative and at most this, and the sums of such terms round up to at most this).
const MAX_BOOST: f64 = 1.0 + 3.0 + 2.5 + 1.5 * 2.0;

/// The place (index in the list of places in order of first mention) of each entry a text's
/// mentions resolve to: found by a linear search of the list while it is short (no map to
/// allocate: most texts name a few places), then by a hash map.
#[derive(Default)]
struct Slots {
    /// The index of each entry of the list, once it has grown past [`SHORT_SLOTS`].
    map: Option<FxMap<u32, usize>>,
}

/// Up to this many places [`Slots`] searches the list.
const SHORT_SLOTS: usize = 16;

impl Slots {
    /// The index of `entry` in `order` (entries with their numbers of mentions), appended with
    /// no mentions when it is not there.
    fn of(&mut self, order: &mut Vec<(u32, usize)>, entry: u32) -> usize {
        if let Some(map) = &mut self.map {
            return *map.entry(entry).or_insert_with(|| {
                order.push((entry, 0));
                order.len() - 1
            });
        }
        if let Some(i) = order.iter().position(|o| o.0 == entry) {
            return i;
        }
        order.push((entry, 0));
        if order.len() > SHORT_SLOTS {
            let mut map = FxMap::with_capacity_and_hasher(4 * SHORT_SLOTS, Default::default());
            map.extend(order.iter().enumerate().map(|(i, o)| (o.0, i)));
            self.map = Some(map);
        }
        order.len() - 1
    }
}

/// A distinct candidate list of [`Gazetteer::resolve`]: (key, mention holding it, start of its
/// priors, first reading then reading, mentions, whether the first reading is the reading
/// whatever the context).
type Rep = (u64, usize, usize, u32, usize, bool);

thread_local! {
    /// This thread's spare buffers of [`Gazetteer::resolve`] (distinct lists, priors): a text's
    /// are allocated once per thread, not once per text (the contents are stale).
    static RESOLVE_BUFFERS: std::cell::Cell<(Vec<Rep>, Vec<f64>)> = std::cell::Cell::default();
}

/// [`RESOLVE_BUFFERS`] keeps buffers of at most this many items.
const KEEP_RESOLVE: usize = 1 << 14;

/// Up to this many distinct candidate lists [`Gazetteer::resolve`] finds a repeated list by a
/// linear search (no map to allocate: most texts name few places, many times); beyond, by a
/// hash map.
const SHORT_RESOLVE: usize = 16;

/// One word per [`Code`] of a text, hashed and compared as one `u64` (not as the enum): a packed
/// code is its own key (its top bit is 0: the top byte holds a length of at most 3), a longer code
/// ([`Code::Long`], few or none in a text) is [`LONG_KEY`] plus its index in `long`. The keys of
/// [`Tallies`] and [`CodeSet`].
#[derive(Debug, Default)]
struct CodeKeys<'a> {
    /// The text's long codes, each once, in order of first key.
    long: Vec<Code<'a>>,
}

/// The key of the long code `long[i]` in [`CodeKeys`] is `LONG_KEY | i`.
const LONG_KEY: u64 = 1 << 63;

impl<'a> CodeKeys<'a> {
    /// The key of `code`, a long code added if it is new.
    #[inline(always)]
    fn add(&mut self, code: Code<'a>) -> u64 {
        match code {
            Code::Packed(v) => v,
            Code::Long(..) => {
                let i = match self.long.iter().position(|&c| c == code) {
                    Some(i) => i,
                    None => {
                        self.long.push(code);
                        self.long.len() - 1
                    }
                };
                LONG_KEY | i as u64
            }
        }
    }

    /// The key of `code`, if it is packed or was added.
    #[inline(always)]
    fn get(&self, code: Code<'_>) -> Option<u64> {
        match code {
            Code::Packed(v) => Some(v),
            Code::Long(..) => Some(LONG_KEY | self.long.iter().position(|&c| c == code)? as u64),
        }
    }
}

/// The tallies of [`tally`] that a [`Context`] reads, in one table keyed by [`CodeKeys`].
#[derive(Debug, Default)]
struct Tallies<'a> {
    map: FxMap<u64, (usize, usize)>,
    keys: CodeKeys<'a>,
}

impl<'a> Tallies<'a> {
    /// Empty tallies with room for `n` codes.
    fn with_capacity(n: usize) -> Self {
        Tallies {
            map: FxMap::with_capacity_and_hasher(n, Default::default()),
            keys: CodeKeys::default(),
        }
    }

    /// The tally of `code`, made (zero) if there is none.
    #[inline(always)]
    fn entry(&mut self, code: Code<'a>) -> &mut (usize, usize) {
        let key = self.keys.add(code);
        self.map.entry(key).or_default()
    }

    /// The tally of `code`, if any.
    #[inline(always)]
    fn get(&self, code: Code<'_>) -> Option<(usize, usize)> {
        self.map.get(&self.keys.get(code)?).copied()
    }

    /// The number of codes tallied.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

/// The first-order divisions of [`Gazetteer::drop_weak`] (those holding a large place of the
/// text), keyed by [`CodeKeys`] as [`Tallies`] are.
#[derive(Debug, Default)]
struct CodeSet<'a> {
    set: FxMap<u64, ()>,
    keys: CodeKeys<'a>,
}

impl<'a> CodeSet<'a> {
    /// An empty set with room for `n` codes.
    fn with_capacity(n: usize) -> Self {
        CodeSet {
            set: FxMap::with_capacity_and_hasher(n, Default::default()),
            keys: CodeKeys::default(),
        }
    }

    /// Adds `code`.
    #[inline(always)]
    fn insert(&mut self, code: Code<'a>) {
        let key = self.keys.add(code);
        self.set.insert(key, ());
    }

    /// True when `code` was added.
    #[inline(always)]
    fn contains(&self, code: Code<'_>) -> bool {
        self.keys
            .get(code)
            .is_some_and(|key| self.set.contains_key(&key))
    }
}

/// Counts `n` mentions first read as entry `idx` of `g` in the tallies a [`Context`] reads, one
/// table for both: per country (the key [`Gazetteer::country_code`], its admin1 empty: the
/// mentions read in it, those naming it as a country) and per first-order division (the key
/// [`Gazetteer::code`] of an entry with an admin1 code, never empty: the mentions read in it,
/// and 0). A country's key and a division's differ in their admin1 code: they never clash.
#[inline(always)]
fn tally<'a>(g: &Gazetteer<'a>, tallies: &mut Tallies<'a>, idx: u32, n: usize) {
    let kind = g.kind(idx);
    let c = tallies.entry(g.country_code(idx));
    c.0 += n;
    if kind == Kind::Country {
        c.1 += n;
    }
    if kind != Kind::Country && g.has_admin1(idx) {
        tallies.entry(g.code(idx)).0 += n;
    }
}

/// The weight of a document's other places for an entry ([`Context`] and the two maps it
/// replaced, [`ContextReference`]): what [`Gazetteer::best_reference`] weighs.
#[cfg(test)]
trait Weights {
    /// The weight for entry `idx` of `g`.
    fn boost(&self, g: &Gazetteer<'_>, idx: u32) -> f64;
}

/// The other places of a document, seen from one mention.
struct Context<'a> {
    /// Per country, the mentions read in it and those naming it as such ("Portugal"); per
    /// first-order division (country and admin1 code), the mentions read in it ([`tally`]).
    tallies: &'a Tallies<'a>,
    total: usize,
    /// The mention's own first reading: its kind, its country's code and its (country, admin1)
    /// code.
    own: (Kind, Code<'a>, Code<'a>),
}

impl<'a> Context<'a> {
    /// The context of a mention first read as entry `own` of `g`, among the tallies of
    /// [`tally`] over `total` mentions.
    fn new(g: &Gazetteer<'a>, tallies: &'a Tallies<'a>, total: usize, own: u32) -> Self {
        Context {
            tallies,
            total,
            own: (g.kind(own), g.country_code(own), g.code(own)),
        }
    }

    /// The weight of the document's other places for entry `idx` of `g`.
    #[inline]
    fn boost(&self, g: &Gazetteer<'_>, idx: u32) -> f64 {
        let (own_kind, own_country, own_code) = self.own;
        let (kind, country) = (g.kind(idx), g.country_code(idx));
        let others = self.total.saturating_sub(1).max(1) as f64;
        let (mut n, mut named) = self.tallies.get(country).unwrap_or((0, 0));
        if own_country == country {
            n = n.saturating_sub(1);
        }
        let mut boost = 0.0;
        if n > 0 {
            boost += 1.0 + 3.0 * (n as f64 / others).min(1.0);
        }
        if own_kind == Kind::Country && own_country == country {
            named = named.saturating_sub(1);
        }
        if named > 0 && kind != Kind::Country {
            boost += 2.5;
        }
        if g.has_admin1(idx) {
            // Codes are equal when their strings are: the same country and admin1 code (an
            // admin1 code is not empty: the key is a division's, not a country's).
            let code = g.code(idx);
            let mut a = self.tallies.get(code).map_or(0, |t| t.0);
            if own_kind != Kind::Country && own_code == code {
                a = a.saturating_sub(1);
            }
            if a > 0 && kind != Kind::Country {
                boost += 1.5 * a.min(2) as f64;
            }
        }
        boost
    }
}

#[cfg(test)]
impl Weights for Context<'_> {
    fn boost(&self, g: &Gazetteer<'_>, idx: u32) -> f64 {
        Context::boost(self, g, idx)
    }
}

/// [`tally`] into two maps, per country and per first-order division (the reference of the
/// tests).
#[cfg(test)]
fn tally_reference<'a>(
    g: &Gazetteer<'a>,
    countries: &mut FxMap<Code<'a>, (usize, usize)>,
    admins: &mut FxMap<Code<'a>, usize>,
    idx: u32,
    n: usize,
) {
    let kind = g.kind(idx);
    let c = countries.entry(g.country_code(idx)).or_default();
    c.0 += n;
    if kind == Kind::Country {
        c.1 += n;
    }
    if kind != Kind::Country && g.has_admin1(idx) {
        *admins.entry(g.code(idx)).or_default() += n;
    }
}

/// [`Context`] over the two maps of [`tally_reference`] (the reference of the tests).
#[cfg(test)]
struct ContextReference<'a> {
    countries: &'a FxMap<Code<'a>, (usize, usize)>,
    admins: &'a FxMap<Code<'a>, usize>,
    total: usize,
    own: (Kind, Code<'a>, Code<'a>),
}

#[cfg(test)]
impl<'a> ContextReference<'a> {
    fn new(
        g: &Gazetteer<'a>,
        countries: &'a FxMap<Code<'a>, (usize, usize)>,
        admins: &'a FxMap<Code<'a>, usize>,
        total: usize,
        own: u32,
    ) -> Self {
        ContextReference {
            countries,
            admins,
            total,
            own: (g.kind(own), g.country_code(own), g.code(own)),
        }
    }
}

#[cfg(test)]
impl Weights for ContextReference<'_> {
    fn boost(&self, g: &Gazetteer<'_>, idx: u32) -> f64 {
        let (own_kind, own_country, own_code) = self.own;
        let (kind, country) = (g.kind(idx), g.country_code(idx));
        let others = self.total.saturating_sub(1).max(1) as f64;
        let (mut n, mut named) = self.countries.get(&country).copied().unwrap_or((0, 0));
        if own_country == country {
            n = n.saturating_sub(1);
        }
        let mut boost = 0.0;
        if n > 0 {
            boost += 1.0 + 3.0 * (n as f64 / others).min(1.0);
        }
        if own_kind == Kind::Country && own_country == country {
            named = named.saturating_sub(1);
        }
        if named > 0 && kind != Kind::Country {
            boost += 2.5;
        }
        if g.has_admin1(idx) {
            let code = g.code(idx);
            let mut a = self.admins.get(&code).copied().unwrap_or(0);
            if own_kind != Kind::Country && own_code == code {
                a = a.saturating_sub(1);
            }
            if a > 0 && kind != Kind::Country {
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

/// True when the mention `s` is a name followed by the word "County" ("Sutton County",
/// "Uvalde County"): a second-order division whatever its population. On the BAND training
/// split (every mention, `study` blocks) this finds 13 more mentions, 6 of them right; other
/// division words ("District", "State", "Province", "Region", ...) added 2 right spans for 7
/// more predictions there and are left out.
///
/// Read from the end: the last space is the one before a final "county" (which holds none), so
/// the six bytes after it are compared in place instead of splitting the mention
/// ([`designated_reference`], the split, holds it in the tests).
fn designated(s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    n >= 8
        && b[n - 7] == b' '
        && b[n - 6..].eq_ignore_ascii_case(b"county")
        && s.get(..n - 7).is_some_and(|name| !name.trim().is_empty())
}

/// [`designated`] by splitting at the last space (the reference of the tests).
#[cfg(test)]
fn designated_reference(s: &str) -> bool {
    s.rsplit_once(' ')
        .is_some_and(|(name, last)| !name.trim().is_empty() && last.eq_ignore_ascii_case("county"))
}

/// The bytes at `end` are ", ", " [" or " (", which every qualifier of
/// [`Gazetteer::merge_qualified`] follows.
fn may_be_qualified(bytes: &[u8], end: usize) -> bool {
    matches!(
        (bytes.get(end), bytes.get(end + 1)),
        (Some(b','), Some(b' ')) | (Some(b' '), Some(b'[' | b'('))
    )
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

/// Whether the lines of one text are written in title case (headlines), computed once per line:
/// mentions come in text order, so the last line's verdict is kept.
#[derive(Debug, Default)]
struct TitleLines {
    /// (line start, line end, verdict) of the last line asked about.
    last: Option<(usize, usize, bool)>,
}

impl TitleLines {
    /// The line holding `start` is written in title case: at least three words of four letters
    /// or more, seven in ten of them capitalised. `toks` are the tokens of `text`.
    fn at(&mut self, text: &str, toks: &[Token], start: usize) -> bool {
        if let Some((from, to, verdict)) = self.last
            && from <= start
            && start < to.max(from + 1)
        {
            return verdict;
        }
        let bytes = text.as_bytes();
        let start = start.min(bytes.len());
        let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let first = toks.partition_point(|t| t.start < line_start);
        let verdict = title_case_tokens(text, toks.get(first..).unwrap_or(&[]), line_end);
        self.last = Some((line_start, line_end, verdict));
        verdict
    }
}

/// [`title_case`] of the line that ends at byte `line_end` and whose tokens are the first of
/// `toks` (those that start before `line_end`), from the tokens: a word of the line (split at
/// white space) is a run of tokens without a gap, its letters are those of its word tokens
/// (every letter is in one) and its first letter is the first word token's. Like
/// [`title_case_ascii`] it stops as soon as the rest of the line cannot change a "no".
fn title_case_tokens(text: &str, toks: &[Token], line_end: usize) -> bool {
    let mut words = 0usize;
    let mut capitalised = 0usize;
    // The word so far: its letters (counted up to four), whether its first letter is a
    // capital, and where it ends.
    let mut letters = 0usize;
    let mut upper = false;
    let mut end = 0usize;
    for t in toks {
        if t.start >= line_end {
            break;
        }
        if t.gap != Gap::None {
            if letters >= 4 {
                words += 1;
                capitalised += usize::from(upper);
                // At most one counted word (four letters after a white-space character) per
                // five of the bytes left.
                let more = line_end.saturating_sub(end) / 5;
                if 10 * (capitalised + more) < 7 * (words + more) {
                    return false;
                }
            }
            letters = 0;
        }
        if t.is_word() && letters < 4 {
            if letters == 0 {
                upper = t.has(class::CAP);
            }
            letters += if t.has(class::NON_ASCII) {
                text.get(t.start..t.end)
                    .map_or(0, |w| w.chars().take(4).count())
            } else {
                t.end - t.start
            };
        }
        end = t.end;
    }
    if letters >= 4 {
        words += 1;
        capitalised += usize::from(upper);
    }
    title_case(words, capitalised)
}

/// The words of `line` with four letters or more, and how many of them start with a capital
/// letter (words split at white space; a word's first letter decides): the reference of the
/// tests for [`title_case_chars`] and [`title_case_ascii`].
#[cfg(test)]
fn title_words(line: &str) -> (usize, usize) {
    let mut words = 0usize;
    let mut capitalised = 0usize;
    for w in line.split_whitespace() {
        let mut letters = w.chars().filter(|c| c.is_alphabetic());
        let Some(first) = letters.next() else {
            continue;
        };
        if letters.take(3).count() < 3 {
            continue;
        }
        words += 1;
        if first.is_uppercase() {
            capitalised += 1;
        }
    }
    (words, capitalised)
}

/// The verdict of [`TitleLines::at`] from a line's counts ([`title_words`]).
fn title_case(words: usize, capitalised: usize) -> bool {
    words >= 3 && capitalised * 10 >= words * 7
}

/// [`title_case`] of the counts of [`title_words_ascii`], stopping as soon as the rest of the
/// line cannot change a "no": a long paragraph of prose is settled after a part of it (the
/// reference of the tests for [`title_case_tokens`], which replaced it).
#[cfg(test)]
fn title_case_ascii(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut words = 0usize;
    let mut capitalised = 0usize;
    let mut letters = 0usize;
    let mut upper = false;
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b' ' | b'\t'..=b'\r') {
            if letters >= 4 {
                words += 1;
                capitalised += usize::from(upper);
                // At most one counted word (four letters) per five of the bytes left (words
                // are split by white space, the line's end counts as one): even with every one
                // of them capitalised the line cannot reach seven in ten.
                let more = (bytes.len() - i) / 5;
                if 10 * (capitalised + more) < 7 * (words + more) {
                    return false;
                }
            }
            letters = 0;
        } else if b.is_ascii_alphabetic() {
            if letters == 0 {
                upper = b.is_ascii_uppercase();
            }
            letters += 1;
        }
    }
    if letters >= 4 {
        words += 1;
        capitalised += usize::from(upper);
    }
    title_case(words, capitalised)
}

/// [`title_case`] of the counts of [`title_words`], stopping as soon as the rest of the line
/// cannot change a "no" (see [`title_case_ascii`]: a counted word takes four bytes or more and
/// a white-space character before it).
#[cfg(test)]
fn title_case_chars(line: &str) -> bool {
    let mut words = 0usize;
    let mut capitalised = 0usize;
    for w in line.split_whitespace() {
        let mut letters = w.chars().filter(|c| c.is_alphabetic());
        let Some(first) = letters.next() else {
            continue;
        };
        if letters.take(3).count() < 3 {
            continue;
        }
        words += 1;
        if first.is_uppercase() {
            capitalised += 1;
        }
        // The bytes of the line after this word.
        let end = (w.as_ptr() as usize - line.as_ptr() as usize) + w.len();
        let more = line.len().saturating_sub(end) / 5;
        if 10 * (capitalised + more) < 7 * (words + more) {
            return false;
        }
    }
    title_case(words, capitalised)
}

/// [`title_words`] of an ASCII line, byte by byte (the reference of [`title_case_ascii`]): words split at ASCII white space (where
/// `split_whitespace` splits an ASCII line), letters counted per word.
#[cfg(test)]
fn title_words_ascii(line: &str) -> (usize, usize) {
    let mut words = 0usize;
    let mut capitalised = 0usize;
    let mut letters = 0usize;
    let mut upper = false;
    for &b in line.as_bytes().iter().chain(std::iter::once(&b' ')) {
        if matches!(b, b' ' | b'\t'..=b'\r') {
            if letters >= 4 {
                words += 1;
                capitalised += usize::from(upper);
            }
            letters = 0;
        } else if b.is_ascii_alphabetic() {
            if letters == 0 {
                upper = b.is_ascii_uppercase();
            }
            letters += 1;
        }
    }
    (words, capitalised)
}

/// The word before `start` when a space precedes it: back to the white space before it. Read
/// byte by byte while the bytes are ASCII (an ASCII byte is white space for
/// `char::is_whitespace` when it is a space or one of tab to carriage return); at a non-ASCII
/// byte the character search decides ([`previous_word_chars`]).
///
/// On the bytes: a space at `start - 1` is a character of its own, so `start` is a character
/// boundary within the text (a `start` inside a character or past the end has no space before
/// it: `None`, as `text.get(..start)` was). Most bytes of a word are printable ASCII (`!` to
/// DEL), told by one comparison.
fn previous_word(text: &str, start: usize) -> Option<&str> {
    let b = text.as_bytes();
    let end = start.checked_sub(1)?;
    if b.get(end) != Some(&b' ') {
        return None;
    }
    let mut from = end;
    while let Some(&c) = from.checked_sub(1).and_then(|i| b.get(i)) {
        if c.wrapping_sub(b'!') < 0x5f {
            from -= 1;
            continue;
        }
        if c >= 0x80 {
            return previous_word_chars(text, start);
        }
        if matches!(c, b' ' | b'\t'..=b'\r') {
            break;
        }
        from -= 1;
    }
    text.get(from..end)
}

/// [`previous_word`] by a search over characters (its fallback at non-ASCII text, and the
/// reference of the tests).
fn previous_word_chars(text: &str, start: usize) -> Option<&str> {
    let before = text[..start].strip_suffix(' ')?;
    let from = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |i| i + 1);
    before.get(from..)
}

/// The word after `end` when a space follows it: letters, digits, hyphens and apostrophes.
/// Read byte by byte while the bytes are ASCII; at a non-ASCII byte the character search
/// decides ([`next_word_chars`]).
///
/// On the bytes: a space at `end` is a character of its own, so `end` is a character boundary
/// (an `end` inside a character or at or past the end has no space after it: `None`, as
/// `text.get(end..)` was); each byte is classed by [`NEXT_WORD`].
fn next_word(text: &str, end: usize) -> Option<&str> {
    let b = text.as_bytes();
    if b.get(end) != Some(&b' ') {
        return None;
    }
    let from = end + 1;
    let mut to = from;
    while let Some(&c) = b.get(to) {
        match NEXT_WORD.get(usize::from(c)) {
            Some(&WORD_BYTE) => to += 1,
            Some(&NON_ASCII) => return next_word_chars(text, end),
            _ => break,
        }
    }
    text.get(from..to)
}

/// [`NEXT_WORD`]'s class of a byte that ends the word (ASCII but for those below).
const END_BYTE: u8 = 0;
/// [`NEXT_WORD`]'s class of an ASCII letter or digit, `-` or `'`.
const WORD_BYTE: u8 = 1;
/// [`NEXT_WORD`]'s class of a byte of a non-ASCII character.
const NON_ASCII: u8 = 2;

/// The class of each byte for [`next_word`].
static NEXT_WORD: [u8; 256] = {
    let mut t = [END_BYTE; 256];
    let mut c = 0usize;
    while c < 256 {
        let b = c as u8;
        t[c] = if b >= 0x80 {
            NON_ASCII
        } else if b.is_ascii_alphanumeric() || b == b'-' || b == b'\'' {
            WORD_BYTE
        } else {
            END_BYTE
        };
        c += 1;
    }
    t
};

/// [`next_word`] by a search over characters (its fallback at non-ASCII text, and the
/// reference of the tests).
fn next_word_chars(text: &str, end: usize) -> Option<&str> {
    let after = text.get(end..)?.strip_prefix(' ')?;
    let to = after
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .unwrap_or(after.len());
    after.get(..to)
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// The word after `end` is one of [`is_disease_next`]'s. Each of those starts with an ASCII
/// letter of `DISEASE_NEXT_FIRST` after the space [`next_word`] asks for: most words after a
/// name ("and", "in", "(") are ruled out on those two bytes
/// ([`followed_by_disease_word_reference`] holds it in the tests).
fn followed_by_disease_word(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    if b.get(end) != Some(&b' ')
        || !b
            .get(end + 1)
            .is_some_and(|c| DISEASE_NEXT_FIRST.contains(&c.to_ascii_lowercase()))
    {
        return false;
    }
    followed_by_disease_word_reference(text, end)
}

/// The first letters of the words of [`is_disease_next`].
const DISEASE_NEXT_FIRST: &[u8] = b"vfdiesho";

/// [`followed_by_disease_word`] without the two-byte gate (its slow path, and the reference of
/// the tests).
fn followed_by_disease_word_reference(text: &str, end: usize) -> bool {
    let mut buf = [0u8; LOWER_MAX];
    next_word(text, end)
        .and_then(|w| ascii_lower(w, &mut buf))
        .is_some_and(is_disease_next)
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
