//! The embedded GeoNames gazetteer: parsing, lookup tables and the name automaton.

use std::collections::{HashMap, HashSet};

/// A hash map with the fast [`FxHasher`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A hash set with the fast [`FxHasher`].
pub(crate) type FxSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use flate2::read::MultiGzDecoder;

use super::{Error, Result};

/// The compressed gazetteer built by `scripts/build_gazetteer.py`.
static GAZETTEER_GZ: &[u8] = include_bytes!("../../data/gazetteer.bin.gz");

/// Administrative level of a gazetteer entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A country (ISO 3166-1).
    Country,
    /// A first-order administrative division (state, province, region).
    Admin1,
    /// A second-order administrative division (county, district).
    Admin2,
    /// A populated place.
    City,
}

impl Kind {
    /// The name used in the output contract: `country`, `admin1`, `admin2` or `city`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Admin1 => "admin1",
            Kind::Admin2 => "admin2",
            Kind::City => "city",
        }
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    /// GeoNames id.
    pub geonameid: u64,
    /// Preferred name.
    pub name: &'a str,
    /// ASCII form of the name.
    pub ascii_name: &'a str,
    /// Administrative level.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 code of the country.
    pub country: &'a str,
    /// GeoNames admin1 code inside the country (`IL`, `12`); empty for countries.
    pub admin1: &'a str,
    /// GeoNames admin2 code inside the admin1 (`031`), when known.
    pub admin2: &'a str,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Population (for admin1/admin2: the sum over their GeoNames cities).
    pub population: u64,
}

impl Entry<'_> {
    /// True when `self` lies strictly inside `outer` (a city in its admin1 or country, …).
    pub fn is_inside(&self, outer: &Entry<'_>) -> bool {
        if self.geonameid == outer.geonameid || self.country != outer.country {
            return false;
        }
        match outer.kind {
            Kind::Country => self.kind != Kind::Country,
            Kind::Admin1 => {
                matches!(self.kind, Kind::Admin2 | Kind::City) && self.admin1 == outer.admin1
            }
            Kind::Admin2 => {
                self.kind == Kind::City
                    && self.admin1 == outer.admin1
                    && !outer.admin2.is_empty()
                    && self.admin2 == outer.admin2
            }
            Kind::City => false,
        }
    }
}

/// How a written form names an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// The preferred or ASCII name.
    Name,
    /// An alternate name.
    Alt,
    /// A demonym ("North Korean" for North Korea).
    Demonym,
}

/// A candidate reading of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cand {
    pub(crate) entry: u32,
    pub(crate) via: Via,
}

/// A written form: its candidate readings (a range of `Gazetteer::cand_pool`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Form {
    pub(crate) cands: std::ops::Range<u32>,
    /// A phrase that is never a place ("Latin America", "Ebola virus").
    pub(crate) block: bool,
}

/// The place gazetteer: GeoNames countries, admin1, admin2 and cities ≥ 1,000 inhabitants.
pub struct Gazetteer<'a> {
    pub(crate) entries: Vec<Entry<'a>>,
    by_country: HashMap<&'a str, u32>,
    pub(crate) forms: Vec<Form>,
    /// Every written form (exact case), sorted by bytes; parallel to `forms`.
    pub(crate) form_texts: Vec<&'a str>,
    /// The candidates of all forms, grouped by form.
    pub(crate) cand_pool: Vec<Cand>,
    /// Longest form in bytes, and the most words in a form: the lookup window.
    pub(crate) max_form_bytes: usize,
    pub(crate) max_form_words: usize,
    /// For the first segment of every form (see [`first_segment`]), the range of `form_texts`
    /// that holds all the forms starting with that segment: a capitalised word of a text that
    /// is no first segment starts no place name, and costs one hash lookup.
    pub(crate) first_segments: FxMap<&'a str, (u32, u32)>,
    /// Common lowercase English words that are also place names: a place only mid-sentence.
    pub(crate) stop: FxSet<&'a str>,
    /// Words never taken as a place (except as a country name).
    pub(crate) never: FxSet<&'a str>,
    /// Person names that are also place names: such a place needs a cue unless it is large.
    pub(crate) person: FxSet<&'a str>,
    /// The three lists above in one map, for one lookup per mention: the [`lists`] bits of
    /// each word in any of them.
    pub(crate) listed: FxMap<&'a str, u8>,
    /// Short codes of admin1 entries usable after a comma ("Seattle, WA").
    pub(crate) qualifier_codes: FxMap<&'a str, Vec<u32>>,
    load_time: Duration,
}

impl std::fmt::Debug for Gazetteer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("entries", &self.entries.len())
            .field("forms", &self.forms.len())
            .field("load_time", &self.load_time)
            .finish()
    }
}

static GLOBAL: OnceLock<std::result::Result<Gazetteer<'static>, Error>> = OnceLock::new();
static EMPTY: OnceLock<Gazetteer<'static>> = OnceLock::new();

impl Gazetteer<'static> {
    /// The embedded gazetteer, loaded on first use and shared read-only between threads.
    ///
    /// Should the embedded data fail to load (it is checked by the tests, so it does not), an
    /// empty gazetteer is returned; [`Gazetteer::global_result`] tells the error.
    pub fn global() -> &'static Gazetteer<'static> {
        match Self::global_result() {
            Ok(g) => g,
            Err(_) => EMPTY.get_or_init(Gazetteer::empty),
        }
    }

    /// The embedded gazetteer, or the error met while loading it.
    pub fn global_result() -> std::result::Result<&'static Gazetteer<'static>, &'static Error> {
        GLOBAL
            .get_or_init(|| {
                let started = Instant::now();
                // The global gazetteer lives as long as the process: its text is leaked once so
                // that every name is borrowed from it instead of copied.
                let data: &'static [u8] = Box::leak(decompress(GAZETTEER_GZ)?.into_boxed_slice());
                let mut g = Gazetteer::from_bytes(data)?;
                g.load_time = started.elapsed();
                Ok(g)
            })
            .as_ref()
    }
}

/// Decompresses the gzip-compressed gazetteer (one or more gzip members).
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut data = Vec::with_capacity(bytes.len() * 3);
    MultiGzDecoder::new(bytes)
        .read_to_end(&mut data)
        .map_err(Error::Io)?;
    Ok(data)
}

const MAGIC: &[u8] = b"EPIWIRE-GAZETTEER 1\n";

fn u32_at(bytes: &[u8], i: usize) -> u32 {
    let mut b = [0u8; 4];
    if let Some(s) = bytes.get(4 * i..4 * i + 4) {
        b.copy_from_slice(s);
    }
    u32::from_le_bytes(b)
}

/// Reads the length-prefixed blocks of the binary gazetteer.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn bad(&self, message: &str) -> Error {
        Error::Parse {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn block(&mut self) -> Result<&'a [u8]> {
        let len_bytes = self
            .data
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.bad("truncated block length"))?;
        let len = u32::from_le_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]);
        let start = self.pos + 4;
        let end = start + len as usize;
        let block = self
            .data
            .get(start..end)
            .ok_or_else(|| self.bad("truncated block"))?;
        self.pos = end;
        Ok(block)
    }

    fn text(&mut self) -> Result<&'a str> {
        let b = self.block()?;
        std::str::from_utf8(b).map_err(|_| self.bad("block is not UTF-8"))
    }
}

impl<'a> Gazetteer<'a> {
    /// A gazetteer with no entries (finds nothing).
    pub fn empty() -> Gazetteer<'a> {
        Gazetteer {
            entries: Vec::new(),
            by_country: HashMap::new(),
            forms: Vec::new(),
            form_texts: Vec::new(),
            cand_pool: Vec::new(),
            max_form_bytes: 0,
            max_form_words: 0,
            first_segments: HashMap::default(),
            stop: FxSet::default(),
            never: FxSet::default(),
            person: FxSet::default(),
            listed: FxMap::default(),
            qualifier_codes: FxMap::default(),
            load_time: Duration::ZERO,
        }
    }

    /// Loads a gazetteer from its gzip-compressed form: `buf` receives the bytes the entries
    /// borrow.
    pub fn from_gz(bytes: &[u8], buf: &'a mut Vec<u8>) -> Result<Gazetteer<'a>> {
        let started = Instant::now();
        *buf = decompress(bytes)?;
        let mut g = Gazetteer::from_bytes(buf)?;
        g.load_time = started.elapsed();
        Ok(g)
    }

    /// Loads a gazetteer from its uncompressed binary form (layout in the build script and in
    /// the file's own header).
    pub fn from_bytes(data: &'a [u8]) -> Result<Gazetteer<'a>> {
        let mut r = Reader { data, pos: 0 };
        if !data.starts_with(MAGIC) {
            return Err(r.bad("not an epiwire gazetteer (bad magic)"));
        }
        r.pos = MAGIC.len();
        let header_len = data[r.pos..]
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| r.bad("header without NUL"))?;
        r.pos += header_len + 1;
        let strings = r.text()?;
        let forms_text = r.text()?;
        let stop_text = r.text()?;
        let never_text = r.text()?;
        let codes_text = r.text()?;
        let person_text = r.text()?;
        let ids = r.block()?;
        let kinds = r.block()?;
        let lats = r.block()?;
        let lons = r.block()?;
        let pops = r.block()?;
        let counts = r.block()?;
        let blocks = r.block()?;
        let cand_entries = r.block()?;
        let cand_vias = r.block()?;

        let n = kinds.len();
        if ids.len() != 4 * n || lats.len() != 4 * n || lons.len() != 4 * n || pops.len() != 4 * n {
            return Err(r.bad("entry arrays of different lengths"));
        }
        let mut g = Gazetteer::empty();
        g.entries.reserve(n);
        let mut lines = strings.split_terminator('\n');
        for (i, &kind_code) in kinds.iter().enumerate() {
            let mut next = || lines.next().ok_or_else(|| r.bad("too few entry strings"));
            let (name, ascii, country, admin1, admin2) =
                (next()?, next()?, next()?, next()?, next()?);
            let kind = match kind_code {
                0 => Kind::Country,
                1 => Kind::Admin1,
                2 => Kind::Admin2,
                3 => Kind::City,
                _ => return Err(r.bad("bad kind")),
            };
            let geonameid = u64::from(u32_at(ids, i));
            let idx = i as u32;
            if g.entries.last().is_some_and(|e| e.geonameid >= geonameid) {
                return Err(r.bad("entries not sorted by geonameid"));
            }
            if kind == Kind::Country {
                g.by_country.insert(country, idx);
            }
            g.entries.push(Entry {
                geonameid,
                name,
                ascii_name: if ascii.is_empty() { name } else { ascii },
                kind,
                country,
                admin1,
                admin2,
                lat: f64::from(u32_at(lats, i) as i32) / 1e5,
                lon: f64::from(u32_at(lons, i) as i32) / 1e5,
                population: u64::from(u32_at(pops, i)),
            });
        }
        let form_texts: Vec<&'a str> = forms_text.split_terminator('\n').collect();
        let nf = form_texts.len();
        if counts.len() != 2 * nf || blocks.len() != nf || cand_entries.len() != 4 * cand_vias.len()
        {
            return Err(r.bad("form arrays of different lengths"));
        }
        let mut forms = Vec::with_capacity(nf);
        let mut start = 0u32;
        for i in 0..nf {
            let count = u32::from(u16::from_le_bytes([counts[2 * i], counts[2 * i + 1]]));
            forms.push(Form {
                cands: start..start + count,
                block: blocks[i] != 0,
            });
            start += count;
        }
        if start as usize != cand_vias.len() {
            return Err(r.bad("candidate counts do not add up"));
        }
        let mut pool = Vec::with_capacity(cand_vias.len());
        for (i, &v) in cand_vias.iter().enumerate() {
            let entry = u32_at(cand_entries, i);
            if entry as usize >= n {
                return Err(r.bad("candidate entry out of range"));
            }
            let via = match v {
                0 => Via::Name,
                1 => Via::Alt,
                _ => Via::Demonym,
            };
            pool.push(Cand { entry, via });
        }
        g.stop = stop_text.split_terminator('\n').collect();
        g.never = never_text.split_terminator('\n').collect();
        g.person = person_text.split_terminator('\n').collect();
        for (set, bit) in [
            (&g.stop, lists::STOP),
            (&g.never, lists::NEVER),
            (&g.person, lists::PERSON),
        ] {
            for &w in set {
                *g.listed.entry(w).or_default() |= bit;
            }
        }
        for line in codes_text.split_terminator('\n') {
            let (code, idx) = line
                .split_once('\t')
                .ok_or_else(|| r.bad("bad qualifier code"))?;
            let idx: u32 = idx.parse().map_err(|_| r.bad("bad qualifier entry"))?;
            if idx as usize >= n {
                return Err(r.bad("qualifier entry out of range"));
            }
            g.qualifier_codes.entry(code).or_default().push(idx);
        }
        g.max_form_bytes = form_texts.iter().map(|f| f.len()).max().unwrap_or(0);
        g.max_form_words = form_texts
            .iter()
            .map(|f| f.split(' ').count())
            .max()
            .unwrap_or(0);
        for (i, f) in form_texts.iter().enumerate() {
            let i = u32::try_from(i).map_err(|_| r.bad("too many forms"))?;
            g.first_segments
                .entry(first_segment(f))
                .and_modify(|run| *run = (run.0.min(i), run.1.max(i + 1)))
                .or_insert((i, i + 1));
        }
        g.form_texts = form_texts;
        g.forms = forms;
        g.cand_pool = pool;
        Ok(g)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the gazetteer has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How long loading took (decompression, parsing and building the automaton).
    pub fn load_time(&self) -> Duration {
        self.load_time
    }

    /// The country with ISO 3166-1 alpha-2 code `iso2` (case-insensitive).
    pub fn country(&self, iso2: &str) -> Option<&Entry<'a>> {
        let key = iso2.to_ascii_uppercase();
        self.by_country
            .get(key.as_str())
            .map(|&i| &self.entries[i as usize])
    }

    /// The entry with GeoNames id `geonameid`.
    pub fn get(&self, geonameid: u64) -> Option<&Entry<'a>> {
        self.entries
            .binary_search_by_key(&geonameid, |e| e.geonameid)
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The candidate readings of form `form`.
    pub(crate) fn cands(&self, form: &Form) -> &[Cand] {
        self.cand_pool
            .get(form.cands.start as usize..form.cands.end as usize)
            .unwrap_or(&[])
    }

    /// True when `text` is written as a demonym of `geonameid` ("North Korean").
    pub fn is_demonym(&self, text: &str, geonameid: u64) -> bool {
        self.lookup(text)
            .and_then(|f| self.forms.get(f as usize))
            .is_some_and(|f| {
                self.cands(f)
                    .iter()
                    .any(|c| c.via == Via::Demonym && self.entry(c.entry).geonameid == geonameid)
            })
    }

    /// The form written exactly as `key`: a binary search in the run of forms that share its
    /// first segment (one hash lookup, then a few comparisons instead of about twenty).
    pub(crate) fn lookup(&self, key: &str) -> Option<u32> {
        let &(lo, hi) = self.first_segments.get(first_segment(key))?;
        let (lo, hi) = (lo as usize, (hi as usize).min(self.form_texts.len()));
        let run = self.form_texts.get(lo..hi)?;
        run.binary_search(&key).ok().map(|i| (lo + i) as u32)
    }

    pub(crate) fn entry(&self, idx: u32) -> &Entry<'a> {
        &self.entries[idx as usize]
    }
}

/// The bits of [`Gazetteer::listed`].
pub(crate) mod lists {
    /// In [`super::Gazetteer::stop`].
    pub(crate) const STOP: u8 = 1;
    /// In [`super::Gazetteer::never`].
    pub(crate) const NEVER: u8 = 2;
    /// In [`super::Gazetteer::person`].
    pub(crate) const PERSON: u8 = 4;
}

/// The first segment of a name: up to the first character that is neither a letter nor a digit
/// after a letter, a digit or a dot ("Côte" of "Côte d'Ivoire", "St." of "St. Louis", "U.S." of
/// "U.S."). The scanner's windows end at the same places.
pub(crate) fn first_segment(name: &str) -> &str {
    let bytes = name.as_bytes();
    // A name that starts with an ASCII letter or digit: its segment is the run of ASCII letters
    // and digits (found eight bytes at a time), unless a non-ASCII byte ends the run (then the
    // character loop decides).
    if bytes.first().is_some_and(u8::is_ascii_alphanumeric) {
        let end = crate::ascii::alnum_end(bytes, 1);
        return match bytes.get(end) {
            Some(b) if !b.is_ascii() => first_segment_chars(name),
            _ => name.get(..end).unwrap_or(name),
        };
    }
    // ASCII bytes are read without decoding; the first non-ASCII byte before the segment's end
    // hands over to the character loop.
    let mut last_word = false;
    for (off, &b) in name.as_bytes().iter().enumerate() {
        if !b.is_ascii() {
            return first_segment_chars(name);
        }
        if !b.is_ascii_alphanumeric() && last_word {
            return name.get(..off).unwrap_or(name);
        }
        last_word = b.is_ascii_alphanumeric() || b == b'.';
    }
    name
}

/// [`first_segment`] character by character.
fn first_segment_chars(name: &str) -> &str {
    let mut last: Option<char> = None;
    for (off, ch) in name.char_indices() {
        if !ch.is_alphanumeric() && last.is_some_and(|l| l.is_alphanumeric() || l == '.') {
            return &name[..off];
        }
        last = Some(ch);
    }
    name
}

/// The multiplicative hash of rustc's `FxHasher`: fast on short keys, not DoS-resistant (the keys
/// are gazetteer forms, the probes words of a text: collisions only cost time).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const K: u64 = 0xf135_7aea_2e62_a9c5;

    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{first_segment, first_segment_chars};

    proptest! {
        /// The run-based segment of a name is the character loop's.
        #[test]
        fn first_segment_is_the_character_loops(name in r"([A-Za-z0-9]|[ .,'\-]|é|Ô|ß|\PC){0,30}") {
            prop_assert_eq!(first_segment(&name), first_segment_chars(&name));
        }
    }

    #[test]
    fn first_segments_of_known_names() {
        for (name, seg) in [
            ("Côte d'Ivoire", "Côte"),
            ("St. Louis", "St"),
            ("New York City", "New"),
            ("Abcdefghijklmnop", "Abcdefghijklmnop"),
            ("Zürich", "Zürich"),
            ("A", "A"),
            ("", ""),
        ] {
            assert_eq!(first_segment(name), seg, "{name}");
            assert_eq!(first_segment_chars(name), seg, "{name}");
        }
    }
}
