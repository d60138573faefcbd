//! The embedded GeoNames gazetteer: its layout, read in place, and the lookup tables.

use std::borrow::Cow;
use std::collections::HashMap;

pub(crate) use crate::hash::{FxHasher, FxMap, FxSet};
use std::hash::Hasher;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use epiwire_model::Word;

use super::{Error, Result};

/// The compressed gazetteer built by `scripts/build_gazetteer.py`.
static GAZETTEER_ZST: &[u8] = include_bytes!("../../data/gazetteer.bin.zst");

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

/// One place of the gazetteer (read from the gazetteer's columns on demand).
#[derive(Debug, Clone, Copy, PartialEq)]
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
        inside(self, outer)
    }
}

/// The fields that containment compares, from an [`Entry`] or straight from the gazetteer's
/// columns ([`At`]: only the fields asked for are read).
trait Fields<'a> {
    /// The same entry.
    fn same(&self, other: &Self) -> bool;
    fn kind(&self) -> Kind;
    fn country(&self) -> &'a str;
    fn admin1(&self) -> &'a str;
    fn admin2(&self) -> &'a str;
    /// The same country code.
    fn same_country(&self, other: &Self) -> bool {
        self.country() == other.country()
    }
    /// The same admin1 code, of two entries of the same country.
    fn same_admin1(&self, other: &Self) -> bool {
        self.admin1() == other.admin1()
    }
}

impl<'a> Fields<'a> for Entry<'a> {
    fn same(&self, other: &Self) -> bool {
        self.geonameid == other.geonameid
    }
    fn kind(&self) -> Kind {
        self.kind
    }
    fn country(&self) -> &'a str {
        self.country
    }
    fn admin1(&self) -> &'a str {
        self.admin1
    }
    fn admin2(&self) -> &'a str {
        self.admin2
    }
}

/// Entry `idx` of a gazetteer, its fields read on demand.
struct At<'g, 'a> {
    g: &'g Gazetteer<'a>,
    idx: u32,
}

impl<'a> Fields<'a> for At<'_, 'a> {
    /// Entries have distinct GeoNames ids (checked when loading): the same index.
    fn same(&self, other: &Self) -> bool {
        self.idx == other.idx
    }
    fn kind(&self) -> Kind {
        self.g.kind(self.idx)
    }
    fn country(&self) -> &'a str {
        self.g.country_of(self.idx)
    }
    fn admin1(&self) -> &'a str {
        self.g.admin1_of(self.idx)
    }
    fn admin2(&self) -> &'a str {
        self.g.entry_str(self.idx, 4)
    }
    /// The packed country codes compared.
    fn same_country(&self, other: &Self) -> bool {
        self.g.country_code(self.idx) == other.g.country_code(other.idx)
    }
    /// The packed (country, admin1) codes compared: the same country is given.
    fn same_admin1(&self, other: &Self) -> bool {
        self.g.code(self.idx) == other.g.code(other.idx)
    }
}

/// True when `inner` lies strictly inside `outer` (a city in its admin1 or country, …).
#[inline]
fn inside<'a, F: Fields<'a>>(inner: &F, outer: &F) -> bool {
    if inner.same(outer) || !inner.same_country(outer) {
        return false;
    }
    match outer.kind() {
        Kind::Country => inner.kind() != Kind::Country,
        Kind::Admin1 => {
            matches!(inner.kind(), Kind::Admin2 | Kind::City) && inner.same_admin1(outer)
        }
        Kind::Admin2 => {
            inner.kind() == Kind::City
                && inner.same_admin1(outer)
                && !outer.admin2().is_empty()
                && inner.admin2() == outer.admin2()
        }
        Kind::City => false,
    }
}

/// A country code with an admin1 code (empty for the country itself) as a map key: short codes
/// (every GeoNames code is) packed with their lengths into one word, hashed and compared
/// without a `memcmp` call; longer ones as the strings. Two codes are equal exactly when their
/// pairs of strings are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Code<'a> {
    /// Country (at most three bytes) in bits 0-23, its length in 24-31, admin1 (at most three
    /// bytes) in 32-55, its length in 56-63.
    Packed(u64),
    /// Any other pair.
    Long(&'a str, &'a str),
}

impl<'a> Code<'a> {
    #[inline]
    pub(crate) fn new(country: &'a str, admin1: &'a str) -> Self {
        match (pack_code(country), pack_code(admin1)) {
            (Some(c), Some(a)) => Code::Packed(u64::from(c) | u64::from(a) << 32),
            _ => Code::Long(country, admin1),
        }
    }
}

/// A code of at most three bytes with its length in the top byte (never [`LONG_CODE`]).
#[inline]
fn pack_code(code: &str) -> Option<u32> {
    let b = code.as_bytes();
    (b.len() <= 3).then(|| {
        b.iter().rev().fold(0u32, |w, &x| (w << 8) | u32::from(x)) | (b.len() as u32) << 24
    })
}

/// The half of an entry's packed codes ([`Gazetteer::codes`]) for a code longer than three bytes.
const LONG_CODE: u32 = u32::MAX;

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

impl Cand {
    /// The candidate stored as `u32`: the entry index in bits 0-29, how the form names it in
    /// bits 30-31 (0 name, 1 alternate name, 2 demonym).
    fn from_u32(v: u32) -> Cand {
        Cand {
            entry: v & CAND_ENTRY,
            via: match v >> 30 {
                0 => Via::Name,
                1 => Via::Alt,
                _ => Via::Demonym,
            },
        }
    }
}

/// The entry bits of a stored candidate.
const CAND_ENTRY: u32 = (1 << 30) - 1;
/// The block bit of a stored candidate count (and of [`Gazetteer::cand_starts`]).
const BLOCK: u32 = 1 << 31;

/// A written form: its candidate readings (a range of the candidate pool).
#[derive(Debug, Clone, Default)]
pub(crate) struct Form {
    pub(crate) cands: std::ops::Range<u32>,
    /// A phrase that is never a place ("Latin America", "Ebola virus").
    pub(crate) block: bool,
}

/// The place gazetteer: GeoNames countries, admin1, admin2 and cities ≥ 1,000 inhabitants.
///
/// The gazetteer reads its data in place: the columns of the entries, the text of the forms
/// and the candidate pool are slices of the decompressed file, read through accessors. Loading
/// checks the blocks and sums the string lengths into start tables (one vector each for the
/// entries, the forms and the candidates), and builds the first-segment table and the small
/// word-list maps.
pub struct Gazetteer<'a> {
    /// Number of entries.
    n: usize,
    ids: &'a [[u8; 4]],
    kinds: &'a [u8],
    lats: &'a [[u8; 4]],
    lons: &'a [[u8; 4]],
    pops: &'a [[u8; 4]],
    /// The strings of all entries, one after the other.
    entry_text: &'a str,
    /// Per entry the byte lengths of its name, ASCII name (0: the name), country, admin1 and
    /// admin2 code.
    entry_lens: &'a [[u8; 5]],
    /// Per entry the start of its strings in `entry_text`, and the end of the last.
    entry_starts: Vec<u32>,
    /// Every written form (exact case), sorted by bytes, one after the other.
    form_text: &'a str,
    /// Per form its start in `form_text`, and the end of the last.
    form_starts: Vec<u32>,
    /// Per form its length in bytes (the file's column, which `form_starts` sums): the scan's
    /// first window reads a form's length with one load.
    form_lens: &'a [u8],
    /// Per form its first eight bytes as a big-endian word, zero-padded past its end
    /// ([`form_heads`]): the form search orders most forms by this word alone.
    form_heads: Vec<u64>,
    /// Per form the start of its candidates in `cand_pool` (bit 31: the form is a blocked
    /// phrase), and the end of the last.
    cand_starts: Vec<u32>,
    /// The candidates of all forms, grouped by form (see [`Cand::from_u32`]).
    cand_pool: &'a [[u8; 4]],
    /// Per entry its country code packed as in [`Code::Packed`] (bits 0-31) and its admin1
    /// code (bits 32-63), a half [`LONG_CODE`] for a code longer than three bytes: the codes
    /// that resolution tallies and compares, without reading the strings.
    codes: Vec<u64>,
    /// Per entry its population prior ([`population_prior`]) as `f64` bits, 0 until first
    /// asked ([`Gazetteer::population_prior`]): `resolve` called `log10` 13,001 times on the
    /// DON texts, for a few thousand entries; a column computed at load would pay 207,761.
    priors: Vec<AtomicU64>,
    by_country: HashMap<&'a str, u32>,
    /// Longest form in bytes, and the most words in a form: the lookup window.
    pub(crate) max_form_bytes: usize,
    /// (The token walk needs no word limit: a window of more words holds more spaces than any
    /// form and stops at its first end; the tests' reference walks use it.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) max_form_words: usize,
    /// For the first segment of every form (see [`first_segment`]), the range of forms that
    /// holds all the forms starting with that segment: a capitalised word of a text that is no
    /// first segment starts no place name, and costs one hash lookup.
    segments: Segments,
    /// Which prefixes past their first segment some form starts with, at the lengths where a
    /// window can end (a bit per hash): a window past its first segment that is no form's
    /// prefix there starts no form, found without the form search.
    prefixes: Prefixes,
    /// Common lowercase English words that are also place names: a place only mid-sentence.
    pub(crate) stop: FxSet<&'a str>,
    /// Words never taken as a place (except as a country name).
    pub(crate) never: FxSet<&'a str>,
    /// Person names that are also place names: such a place needs a cue unless it is large.
    pub(crate) person: FxSet<&'a str>,
    /// The three lists above in one map, for one lookup per mention: the [`lists`] bits of
    /// each word in any of them.
    pub(crate) listed: FxMap<&'a str, u8>,
    /// A bit per form: the form is written as a word of `listed` ([`Gazetteer::may_be_listed`]).
    listed_forms: Vec<u64>,
    /// Short codes of admin1 entries usable after a comma ("Seattle, WA").
    pub(crate) qualifier_codes: FxMap<&'a str, Vec<u32>>,
    /// `entry_text` again when it lives as long as the process (the global gazetteer's): the
    /// output records then borrow names and country codes instead of copying them. (Not a
    /// `fn(&'a str) -> Word`: that would make the gazetteer invariant in `'a`.)
    static_text: Option<&'static str>,
    load_time: Duration,
}

impl std::fmt::Debug for Gazetteer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("entries", &self.n)
            .field("forms", &self.form_count())
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
                // The global gazetteer lives as long as the process: its data is leaked once so
                // that every name is borrowed from it instead of copied.
                let data: &'static [u8] = Box::leak(decompress(GAZETTEER_ZST)?.into_boxed_slice());
                let mut g = Gazetteer::from_bytes(data)?;
                g.static_text = Some(g.entry_text);
                g.load_time = started.elapsed();
                Ok(g)
            })
            .as_ref()
    }
}

/// The largest decompressed gazetteer accepted (the frame header says the size; a corrupt
/// header must not make the loader allocate without bound).
const MAX_DECOMPRESSED: u64 = 1 << 30;

/// Decompresses the zstd-compressed gazetteer (one frame that records its size; the frame's
/// checksum is verified).
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>> {
    let bad = |message: &str| Error::Parse {
        offset: 0,
        message: message.to_string(),
    };
    let size = match zstd::zstd_safe::get_frame_content_size(bytes) {
        Ok(Some(size)) if size <= MAX_DECOMPRESSED => size,
        Ok(Some(_)) => return Err(bad("zstd frame too large")),
        Ok(None) => return Err(bad("zstd frame without its size")),
        Err(_) => return Err(bad("not a zstd frame")),
    };
    let size = usize::try_from(size).map_err(|_| bad("zstd frame too large"))?;
    let data = zstd::bulk::decompress(bytes, size).map_err(Error::Io)?;
    if data.len() != size {
        return Err(bad("zstd frame shorter than its size"));
    }
    Ok(data)
}

const MAGIC: &[u8] = b"EPIWIRE-GAZETTEER 2\n";

/// The little-endian `u32` at `i` of a column.
#[inline]
fn u32_at(col: &[[u8; 4]], i: usize) -> u32 {
    col.get(i).map_or(0, |b| u32::from_le_bytes(*b))
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
            .get(self.pos..self.pos.saturating_add(4))
            .ok_or_else(|| self.bad("truncated block length"))?;
        let len = u32::from_le_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]);
        let start = self.pos + 4;
        let end = start.saturating_add(len as usize);
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

    /// A block of `len` records of `N` bytes each.
    fn records<const N: usize>(&mut self, len: usize, what: &str) -> Result<&'a [[u8; N]]> {
        let b = self.block()?;
        match b.as_chunks::<N>() {
            (records, []) if records.len() == len => Ok(records),
            _ => Err(self.bad(&format!("{what}: wrong length"))),
        }
    }
}

impl<'a> Gazetteer<'a> {
    /// A gazetteer with no entries (finds nothing).
    pub fn empty() -> Gazetteer<'a> {
        Gazetteer {
            n: 0,
            ids: &[],
            kinds: &[],
            lats: &[],
            lons: &[],
            pops: &[],
            entry_text: "",
            entry_lens: &[],
            entry_starts: vec![0],
            form_text: "",
            form_starts: vec![0],
            form_lens: &[],
            form_heads: Vec::new(),
            cand_starts: vec![0],
            cand_pool: &[],
            codes: Vec::new(),
            priors: Vec::new(),
            by_country: HashMap::new(),
            max_form_bytes: 0,
            max_form_words: 0,
            segments: Segments::default(),
            prefixes: Prefixes::default(),
            stop: FxSet::default(),
            never: FxSet::default(),
            person: FxSet::default(),
            listed: FxMap::default(),
            listed_forms: Vec::new(),
            qualifier_codes: FxMap::default(),
            static_text: None,
            load_time: Duration::ZERO,
        }
    }

    /// Loads a gazetteer from its zstd-compressed form: `buf` receives the bytes the gazetteer
    /// reads.
    pub fn from_zst(bytes: &[u8], buf: &'a mut Vec<u8>) -> Result<Gazetteer<'a>> {
        let started = Instant::now();
        *buf = decompress(bytes)?;
        let mut g = Gazetteer::from_bytes(buf)?;
        g.load_time = started.elapsed();
        Ok(g)
    }

    /// Loads a gazetteer from its uncompressed binary form (layout in the build script and in
    /// the file's own header). Every length, start and index is checked here, so that a corrupt
    /// file is an error, not a wrong answer or a panic later.
    pub fn from_bytes(data: &'a [u8]) -> Result<Gazetteer<'a>> {
        let mut r = Reader { data, pos: 0 };
        if !data.starts_with(MAGIC) {
            return Err(r.bad("not an epiwire gazetteer (bad magic or version)"));
        }
        r.pos = MAGIC.len();
        let header_len = data[r.pos..]
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| r.bad("header without NUL"))?;
        r.pos += header_len + 1;
        let counts = r.records::<4>(4, "counts")?;
        let [n, nf, ncands, max_words] = [0, 1, 2, 3].map(|i| u32_at(counts, i) as usize);
        if n >= CAND_ENTRY as usize {
            return Err(r.bad("too many entries"));
        }
        let entry_text = r.text()?;
        let entry_lens = r.records::<5>(n, "entry string lengths")?;
        let ids = r.records::<4>(n, "geonameids")?;
        let kinds = r.records::<1>(n, "kinds")?.as_flattened();
        let lats = r.records::<4>(n, "latitudes")?;
        let lons = r.records::<4>(n, "longitudes")?;
        let pops = r.records::<4>(n, "populations")?;
        let form_text = r.text()?;
        let form_lens = r.records::<1>(nf, "form lengths")?.as_flattened();
        let segment_lens = r.records::<1>(nf, "segment lengths")?.as_flattened();
        let form_counts = r.records::<2>(nf, "candidate counts")?;
        let cand_pool = r.records::<4>(ncands, "candidates")?;
        let countries = r.block()?;
        let stop_text = r.text()?;
        let never_text = r.text()?;
        let codes_text = r.text()?;
        let person_text = r.text()?;
        if r.pos != data.len() {
            return Err(r.bad("trailing bytes"));
        }

        if nf >= 1 << 24 {
            return Err(r.bad("too many forms"));
        }
        if segment_lens.iter().zip(form_lens).any(|(s, f)| s > f) {
            return Err(r.bad("segment longer than its form"));
        }
        if kinds.iter().any(|&k| k > 3) {
            return Err(r.bad("bad kind"));
        }
        if ids
            .windows(2)
            .any(|w| u32::from_le_bytes(w[0]) >= u32::from_le_bytes(w[1]))
        {
            return Err(r.bad("entries not sorted by geonameid"));
        }
        let entry_starts = starts(
            entry_text,
            entry_lens.iter().map(|l| l.iter().map(|&b| usize::from(b))),
        )
        .ok_or_else(|| r.bad("entry strings do not match their lengths"))?;
        let form_starts = starts(form_text, form_lens.iter().map(|&b| [usize::from(b)]))
            .ok_or_else(|| r.bad("forms do not match their lengths"))?;
        let mut cand_starts = Vec::with_capacity(nf + 1);
        let mut total = 0u32;
        for c in form_counts {
            let c = u32::from(u16::from_le_bytes(*c));
            let block = if c & 0x8000 != 0 { BLOCK } else { 0 };
            cand_starts.push(total | block);
            total = total
                .checked_add(c & 0x7fff)
                .filter(|&t| t < BLOCK)
                .ok_or_else(|| r.bad("too many candidates"))?;
        }
        cand_starts.push(total);
        if total as usize != ncands {
            return Err(r.bad("candidate counts do not add up"));
        }
        if cand_pool
            .iter()
            .any(|c| (u32::from_le_bytes(*c) & CAND_ENTRY) as usize >= n || c[3] >> 6 == 3)
        {
            return Err(r.bad("candidate entry out of range"));
        }

        let mut g = Gazetteer {
            n,
            ids,
            kinds,
            lats,
            lons,
            pops,
            entry_text,
            entry_lens,
            entry_starts,
            form_text,
            form_heads: form_heads(form_text.as_bytes(), &form_starts),
            form_starts,
            form_lens,
            cand_starts,
            cand_pool,
            max_form_words: max_words,
            ..Gazetteer::empty()
        };
        g.codes = (0..n as u32)
            .map(|i| {
                let half = |s| pack_code(s).unwrap_or(LONG_CODE);
                u64::from(half(g.country_of(i))) | u64::from(half(g.admin1_of(i))) << 32
            })
            .collect();
        g.priors = std::iter::repeat_with(|| AtomicU64::new(0))
            .take(n)
            .collect();
        g.max_form_bytes = form_lens.iter().copied().max().map_or(0, usize::from);
        let (countries, []) = countries.as_chunks::<4>() else {
            return Err(r.bad("country entries: wrong length"));
        };
        for c in countries {
            let idx = u32::from_le_bytes(*c);
            if idx as usize >= n || g.kind(idx) != Kind::Country {
                return Err(r.bad("country entry out of range"));
            }
            g.by_country.insert(g.entry(idx).country, idx);
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
        g.segments = Segments::build(&g, segment_lens);
        g.prefixes = Prefixes::build(&g, segment_lens);
        g.listed_forms = g.listed_form_bits();
        Ok(g)
    }

    /// The bits of `listed_forms`: every form written as a word of `listed` (the few thousand
    /// words looked up once at load).
    fn listed_form_bits(&self) -> Vec<u64> {
        let mut bits = vec![0u64; self.form_count().div_ceil(64)];
        for &w in self.listed.keys() {
            let Some(first) = self.lookup(w) else {
                continue;
            };
            // Equal forms are neighbours: every one of them.
            let mut i = first as usize;
            while i < self.form_count() && self.form_bytes(i) == w.as_bytes() {
                if let Some(b) = bits.get_mut(i >> 6) {
                    *b |= 1 << (i & 63);
                }
                i += 1;
            }
        }
        bits
    }

    /// False when form `i` is written as no word of [`Gazetteer::listed`]: a window that
    /// matched it is not asked of the word lists (no listed word holds a line break or a tab,
    /// so a window holding one, matched as the form with spaces, is in no list either).
    #[inline]
    pub(crate) fn may_be_listed(&self, i: usize) -> bool {
        self.listed_forms
            .get(i >> 6)
            .is_some_and(|b| b >> (i & 63) & 1 != 0)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the gazetteer has no entries.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// How long loading took (decompression, checks and the lookup tables).
    pub fn load_time(&self) -> Duration {
        self.load_time
    }

    /// The country with ISO 3166-1 alpha-2 code `iso2` (case-insensitive).
    pub fn country(&self, iso2: &str) -> Option<Entry<'a>> {
        let key = iso2.to_ascii_uppercase();
        self.by_country.get(key.as_str()).map(|&i| self.entry(i))
    }

    /// The entry with GeoNames id `geonameid`.
    pub fn get(&self, geonameid: u64) -> Option<Entry<'a>> {
        let id = u32::try_from(geonameid).ok()?;
        let i = self.ids.partition_point(|b| u32::from_le_bytes(*b) < id);
        (u32_at(self.ids, i) == id && i < self.n).then(|| self.entry(i as u32))
    }

    /// Number of written forms.
    pub(crate) fn form_count(&self) -> usize {
        self.form_starts.len() - 1
    }

    /// The bytes of form `i` (empty past the end).
    #[inline]
    pub(crate) fn form_bytes(&self, i: usize) -> &'a [u8] {
        match self.form_starts.get(i..i + 2) {
            Some(&[s, e]) => self
                .form_text
                .as_bytes()
                .get(s as usize..e as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The length in bytes of form `i` ([`Gazetteer::form_bytes`]`(i).len()`, without the text;
    /// 0 past the end): the file's length column, whose sums are `form_starts` (checked at load,
    /// ending at the text's end), so one bounds check and a byte (not two starts, their order and
    /// the text's length).
    #[inline]
    pub(crate) fn form_len(&self, i: usize) -> usize {
        self.form_lens.get(i).map_or(0, |&l| usize::from(l))
    }

    /// [`Gazetteer::form_len`] from the starts (its reference in the tests).
    #[cfg(test)]
    pub(crate) fn form_len_from_starts(&self, i: usize) -> usize {
        match self.form_starts.get(i..i + 2) {
            Some(&[s, e]) if s <= e && e as usize <= self.form_text.len() => (e - s) as usize,
            _ => 0,
        }
    }

    /// The text of form `i` (empty past the end).
    #[cfg(test)]
    pub(crate) fn form_text(&self, i: usize) -> &'a str {
        match self.form_starts.get(i..i + 2) {
            Some(&[s, e]) => self.form_text.get(s as usize..e as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// The first form from `lo` on (up to `hi`) that is not smaller than `key`: the forms of
    /// `lo..hi` that start with `key` begin there.
    ///
    /// Each step compares the first eight bytes of the form and of the key as big-endian words
    /// (zero-padded past their ends), read in place, and the whole bytes only when those are
    /// equal: where the words differ they order the two as the bytes do (a zero byte of padding
    /// is below every byte the longer one has there, as its end is).
    ///
    /// In a long range the search first gallops from `lo` (one, two, four … forms on): the
    /// runs of the most frequent capitalised words ("A", "To", "He") span thousands of forms
    /// that start with other segments, while the forms that continue such a word ("A Coruña")
    /// follow it closely.
    #[inline]
    pub(crate) fn forms_below(&self, lo: usize, hi: usize, key: &[u8]) -> usize {
        self.forms_below_in(lo, hi, key, 0, key.len())
    }

    /// [`Gazetteer::forms_below`] of the key `b[start..end]` (empty when that is no range of
    /// `b`), its words read in place from `b`.
    #[inline(never)]
    pub(crate) fn forms_below_in(
        &self,
        lo: usize,
        hi: usize,
        b: &[u8],
        start: usize,
        end: usize,
    ) -> usize {
        self.forms_below_key(lo, hi, Key::at(b, start, end))
    }

    /// [`Gazetteer::forms_below`] of a [`Key`] (its words read once, by the caller).
    ///
    /// A step compares the form's first sixteen bytes with the key's as two big-endian words,
    /// the second only when the first are equal; the rest of the bytes only when both are equal
    /// and both are longer than sixteen bytes. Equal padded words with one of the two at most
    /// sixteen bytes long mean the longer one is the shorter one followed by zero bytes: the
    /// shorter is the smaller.
    #[inline(always)]
    fn forms_below_key(&self, mut lo: usize, mut hi: usize, key: Key<'_>) -> usize {
        let k = (key.w0.swap_bytes(), key.w1.swap_bytes());
        let key = key.bytes;
        let less = |i: usize| self.form_less(i, k, key);
        if hi.saturating_sub(lo) > GALLOP_FROM {
            let mut step = 1usize;
            while lo + step < hi && less(lo + step) {
                lo += step;
                step *= 2;
            }
            // Every form before `lo` and `lo` itself (unless it is the range's first, not
            // asked) are smaller than the key; the answer is in `lo..=lo + step`.
            hi = hi.min(lo + step + 1);
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if less(mid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// True when form `i` is smaller than `key`, whose first sixteen bytes are `k` as big-endian
    /// words (see [`Gazetteer::forms_below_key`]).
    #[inline(always)]
    fn form_less(&self, i: usize, k: (u64, u64), key: &[u8]) -> bool {
        let Some(&f0) = self.form_heads.get(i) else {
            return !key.is_empty();
        };
        if f0 != k.0 {
            return f0 < k.0;
        }
        // The form's start and length (the length column, whose sums the starts are).
        let (Some(&s), Some(&n)) = (self.form_starts.get(i), self.form_lens.get(i)) else {
            return !key.is_empty();
        };
        let text = self.form_text.as_bytes();
        let (s, n) = (s as usize, usize::from(n));
        let e = s + n;
        let f1 = if n > 8 {
            word_at(text, s + 8, (n - 8).min(8)).swap_bytes()
        } else {
            0
        };
        if f1 != k.1 {
            return f1 < k.1;
        }
        if n <= 16 || key.len() <= 16 {
            return n < key.len();
        }
        text.get(s + 16..e).unwrap_or(&[]) < key.get(16..).unwrap_or(&[])
    }

    /// [`Gazetteer::forms_below`] comparing whole slices (the reference of the tests).
    #[cfg(test)]
    pub(crate) fn forms_below_slices(&self, mut lo: usize, mut hi: usize, key: &[u8]) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.form_bytes(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Form `i`: its candidates and whether it is blocked.
    #[inline]
    pub(crate) fn form(&self, i: usize) -> Option<Form> {
        match self.cand_starts.get(i..i + 2) {
            Some(&[s, e]) => Some(Form {
                cands: (s & !BLOCK)..(e & !BLOCK),
                block: s & BLOCK != 0,
            }),
            _ => None,
        }
    }

    /// The candidate readings of form `form`.
    pub(crate) fn cands(&self, form: &Form) -> impl Iterator<Item = Cand> {
        self.cand_pool
            .get(form.cands.start as usize..form.cands.end as usize)
            .unwrap_or(&[])
            .iter()
            .map(|b| Cand::from_u32(u32::from_le_bytes(*b)))
    }

    /// True when `text` is written as a demonym of `geonameid` ("North Korean").
    pub fn is_demonym(&self, text: &str, geonameid: u64) -> bool {
        self.lookup(text)
            .and_then(|f| self.form(f as usize))
            .is_some_and(|f| {
                self.cands(&f)
                    .any(|c| c.via == Via::Demonym && self.geonameid(c.entry) == geonameid)
            })
    }

    /// The range of forms that holds every form whose first segment is `segment`.
    #[inline]
    pub(crate) fn segment_run(&self, segment: &str) -> Option<(u32, u32)> {
        self.segments.get(self, segment.as_bytes())
    }

    /// [`Gazetteer::segment_run`] of the segment `b[start..end]` (a character range of `b`).
    #[inline]
    pub(crate) fn segment_run_at(&self, b: &[u8], start: usize, end: usize) -> Option<(u32, u32)> {
        self.segments.get_at(self, b, start, end)
    }

    /// False when no form starts with `key`, a window of a text longer than its first segment,
    /// as far as the prefix filter tells: true for such a key some form starts with (and for a
    /// few others, hash collisions; the form search decides).
    #[cfg(test)]
    pub(crate) fn may_start(&self, key: &[u8]) -> bool {
        self.prefixes.may_start(key, 0, key.len())
    }

    /// [`Gazetteer::may_start`] of the key `b[start..end]` (`start <= end <= b.len()`), a window
    /// longer than its first segment, read in place from `b`.
    #[inline]
    pub(crate) fn may_start_in(&self, b: &[u8], start: usize, end: usize) -> bool {
        self.prefixes.may_start(b, start, end)
    }

    /// Number of first segments in the table.
    #[cfg(test)]
    pub(crate) fn segment_count(&self) -> usize {
        self.segments.slots.iter().filter(|s| s[0] != 0).count()
    }

    /// The form written exactly as `key`: a binary search in the run of forms that share its
    /// first segment (one hash lookup, then a few comparisons instead of about twenty).
    pub(crate) fn lookup(&self, key: &str) -> Option<u32> {
        let (lo, hi) = self.segment_run(first_segment(key))?;
        let (lo, hi) = (lo as usize, (hi as usize).min(self.form_count()));
        let i = self.forms_below(lo, hi, key.as_bytes());
        (i < hi && self.form_bytes(i) == key.as_bytes()).then_some(i as u32)
    }

    /// Entry `idx` (an entry with empty strings past the end: indices come from the checked
    /// candidate pool, so that does not happen).
    #[inline]
    pub(crate) fn entry(&self, idx: u32) -> Entry<'a> {
        let i = idx as usize;
        let mut at = self.entry_starts.get(i).map_or(0, |&s| s as usize);
        let lens = self.entry_lens.get(i).copied().unwrap_or_default();
        let mut next = |len: u8| {
            let end = at + usize::from(len);
            let s = self.entry_text.get(at..end).unwrap_or("");
            at = end;
            s
        };
        let (lat, lon) = self.lat_lon(idx);
        let name = next(lens[0]);
        let ascii_name = next(lens[1]);
        let country = next(lens[2]);
        let admin1 = next(lens[3]);
        let admin2 = next(lens[4]);
        Entry {
            geonameid: self.geonameid(idx),
            name,
            ascii_name: if ascii_name.is_empty() {
                name
            } else {
                ascii_name
            },
            kind: self.kind(idx),
            country,
            admin1,
            admin2,
            lat,
            lon,
            population: self.population(idx),
        }
    }

    /// The latitude and longitude of entry `idx` ([`Entry::lat`], [`Entry::lon`]).
    #[inline]
    pub(crate) fn lat_lon(&self, idx: u32) -> (f64, f64) {
        let i = idx as usize;
        (
            f64::from(u32_at(self.lats, i) as i32) / 1e5,
            f64::from(u32_at(self.lons, i) as i32) / 1e5,
        )
    }

    /// String `field` of entry `idx` (0 name, 1 ASCII name or empty, 2 country, 3 admin1,
    /// 4 admin2), read alone.
    #[inline]
    fn entry_str(&self, idx: u32, field: usize) -> &'a str {
        self.entry_range(idx, field)
            .and_then(|r| self.entry_text.get(r))
            .unwrap_or("")
    }

    /// Where string `field` of entry `idx` lies in `entry_text`.
    #[inline]
    fn entry_range(&self, idx: u32, field: usize) -> Option<std::ops::Range<usize>> {
        let i = idx as usize;
        let (Some(&start), Some(lens)) = (self.entry_starts.get(i), self.entry_lens.get(i)) else {
            return None;
        };
        let before: usize = lens.iter().take(field).map(|&l| usize::from(l)).sum();
        let at = start as usize + before;
        let len = lens.get(field).map_or(0, |&l| usize::from(l));
        Some(at..at + len)
    }

    /// [`Self::entry_str`] for an output record: borrowed when the data lives as long as the
    /// process, else copied.
    ///
    /// Inlined at its two callers, each with its `field` a constant (the sum of the lengths
    /// before the field folds), the copy apart: not inlined, it was a call of about 55
    /// instructions per place of the output, 22,722 calls on the DON texts.
    #[inline(always)]
    fn entry_word(&self, idx: u32, field: usize) -> Word {
        match self.static_text {
            Some(t) => Cow::Borrowed(
                self.entry_range(idx, field)
                    .and_then(|r| t.get(r))
                    .unwrap_or(""),
            ),
            None => self.entry_word_owned(idx, field),
        }
    }

    /// [`Self::entry_word`] of a gazetteer that does not live as long as the process: a copy.
    #[cold]
    #[inline(never)]
    fn entry_word_owned(&self, idx: u32, field: usize) -> Word {
        Cow::Owned(self.entry_str(idx, field).to_owned())
    }

    /// [`Self::name_of`] as an output record's [`Word`].
    #[inline(always)]
    pub(crate) fn name_word(&self, idx: u32) -> Word {
        self.entry_word(idx, 0)
    }

    /// [`Self::country_of`] as an output record's [`Word`].
    #[inline(always)]
    pub(crate) fn country_word(&self, idx: u32) -> Word {
        self.entry_word(idx, 2)
    }

    /// The preferred name of entry `idx` ([`Entry::name`]).
    #[inline]
    pub(crate) fn name_of(&self, idx: u32) -> &'a str {
        self.entry_str(idx, 0)
    }

    /// The country code of entry `idx` ([`Entry::country`]).
    #[inline]
    pub(crate) fn country_of(&self, idx: u32) -> &'a str {
        self.entry_str(idx, 2)
    }

    /// The admin1 code of entry `idx` ([`Entry::admin1`]).
    #[inline]
    pub(crate) fn admin1_of(&self, idx: u32) -> &'a str {
        self.entry_str(idx, 3)
    }

    /// The admin2 code of entry `idx` ([`Entry::admin2`]).
    #[inline]
    pub(crate) fn admin2_of(&self, idx: u32) -> &'a str {
        self.entry_str(idx, 4)
    }

    /// The population of entry `idx`.
    #[inline]
    pub(crate) fn population(&self, idx: u32) -> u64 {
        u64::from(u32_at(self.pops, idx as usize))
    }

    /// The population prior of entry `idx`, [`population_prior`] of its population, computed
    /// once per entry and kept (the value is at least 2, so its bits are never 0).
    #[inline]
    pub(crate) fn population_prior(&self, idx: u32) -> f64 {
        let Some(slot) = self.priors.get(idx as usize) else {
            return population_prior(self.population(idx));
        };
        match slot.load(Ordering::Relaxed) {
            0 => {
                let p = population_prior(self.population(idx));
                slot.store(p.to_bits(), Ordering::Relaxed);
                p
            }
            bits => f64::from_bits(bits),
        }
    }

    /// The packed codes of entry `idx` ([`Gazetteer::codes`]; `None` past the end).
    #[inline]
    fn codes_of(&self, idx: u32) -> Option<(u32, u32)> {
        let v = *self.codes.get(idx as usize)?;
        Some((v as u32, (v >> 32) as u32))
    }

    /// `Code::new(country, admin1)` of entry `idx`, from the packed codes.
    #[inline]
    pub(crate) fn code(&self, idx: u32) -> Code<'a> {
        match self.codes_of(idx) {
            Some((c, a)) if c != LONG_CODE && a != LONG_CODE => {
                Code::Packed(u64::from(c) | u64::from(a) << 32)
            }
            _ => Code::new(self.country_of(idx), self.admin1_of(idx)),
        }
    }

    /// `Code::new(country, "")` of entry `idx` (its country alone), from the packed codes.
    #[inline]
    pub(crate) fn country_code(&self, idx: u32) -> Code<'a> {
        match self.codes_of(idx) {
            Some((c, _)) if c != LONG_CODE => Code::Packed(u64::from(c)),
            _ => Code::new(self.country_of(idx), ""),
        }
    }

    /// True when entry `idx` has an admin1 code (`!admin1_of(idx).is_empty()`): an empty code
    /// packs to 0.
    #[inline]
    pub(crate) fn has_admin1(&self, idx: u32) -> bool {
        match self.codes_of(idx) {
            Some((_, a)) => a != 0,
            None => !self.admin1_of(idx).is_empty(),
        }
    }

    /// Entry `inner` lies strictly inside entry `outer` ([`Entry::is_inside`], reading only the
    /// fields it compares).
    #[inline]
    pub(crate) fn is_inside(&self, inner: u32, outer: u32) -> bool {
        inside(
            &At {
                g: self,
                idx: inner,
            },
            &At {
                g: self,
                idx: outer,
            },
        )
    }

    /// The GeoNames id of entry `idx`.
    #[inline]
    pub(crate) fn geonameid(&self, idx: u32) -> u64 {
        u64::from(u32_at(self.ids, idx as usize))
    }

    /// The kind of entry `idx`.
    #[inline]
    pub(crate) fn kind(&self, idx: u32) -> Kind {
        match self.kinds.get(idx as usize) {
            Some(0) => Kind::Country,
            Some(1) => Kind::Admin1,
            Some(2) => Kind::Admin2,
            _ => Kind::City,
        }
    }
}

/// The start of each record's strings in `text` from their lengths (`lens`, one list per
/// record), and the end of the last; `None` unless they add up to `text` and every string
/// starts and ends on a character boundary.
fn starts<L: IntoIterator<Item = usize>>(
    text: &str,
    lens: impl ExactSizeIterator<Item = L>,
) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(lens.len() + 1);
    let mut at = 0usize;
    for record in lens {
        out.push(u32::try_from(at).ok()?);
        for len in record {
            at += len;
            if !text.is_char_boundary(at) {
                return None;
            }
        }
    }
    out.push(u32::try_from(at).ok()?);
    (at == text.len()).then_some(out)
}

/// Per form of `text` (from its `starts`, one more than the forms) its first eight bytes as a
/// big-endian word, zero-padded past its end.
fn form_heads(text: &[u8], starts: &[u32]) -> Vec<u64> {
    starts
        .windows(2)
        .map(|w| {
            let (s, e) = (w[0] as usize, w[1] as usize);
            word_at(text, s, e.saturating_sub(s).min(8)).swap_bytes()
        })
        .collect()
}

/// The longest prefix the filter hashes: a longer window is tested by its prefix of this length
/// (at most 16: two words).
const PREFIX_MAX: usize = 16;

/// Bits of the prefix filter's hash (a bit per slot: 2 MiB).
const PREFIX_BITS: u32 = 24;

/// The prefix filter of the windows past a first segment. A window of a text ends before a
/// character that is no letter or digit (or at the text's end), so a form that equals the window
/// or a longer one of the same start has there its end or such a character; and past the text's
/// first segment the form's first segment is the text's. So for each form of more than one
/// segment, the bit of the hash of its prefix is set at each length past its first segment, up to
/// [`PREFIX_MAX`], before a byte that is no ASCII letter or digit, and at its length or
/// [`PREFIX_MAX`] (whichever is less). A clear bit for a window longer than its first segment
/// (its prefix of [`PREFIX_MAX`] when longer) means that no form starts with the window, nor with
/// any longer window (a set bit means nothing: the form search decides). In running text the
/// window grown past a capitalised word mostly continues with a word no form continues with ("The
/// outbreak", "As of", "In a"), which the form search found only by a binary search of the word's
/// run, often thousands of forms.
#[derive(Debug, Default)]
struct Prefixes {
    /// `1 << PREFIX_BITS` bits; empty in an empty gazetteer (every key may start a form).
    bits: Vec<u64>,
}

impl Prefixes {
    /// The filter of `g`'s forms, whose first segments are `lens` bytes long: each form's first
    /// sixteen bytes are read once, in two words, and each prefix is those words masked
    /// ([`prefix_bit`] of the form, without reading it again).
    fn build(g: &Gazetteer<'_>, lens: &[u8]) -> Prefixes {
        let mut bits = vec![0u64; 1 << (PREFIX_BITS - 6)];
        let text = g.form_text.as_bytes();
        for (w, &seg) in g.form_starts.windows(2).zip(lens) {
            let (s, e) = (w[0] as usize, w[1] as usize);
            let n = e.saturating_sub(s);
            let seg = usize::from(seg);
            // A form of one segment is no window past its first.
            if n <= seg {
                continue;
            }
            let m = n.min(PREFIX_MAX);
            let (w0, w1) = packed_at(text, s, m);
            // Past the first segment, before a byte that is no ASCII letter or digit (a window
            // ends before a character that is no letter or digit), and at the end read.
            let past = u32::MAX.checked_shl(seg as u32 + 1).unwrap_or(0);
            let mut ends =
                (not_alnum_bits(w0) | not_alnum_bits(w1) << 8) & past & ((1 << m) - 1) | 1 << m;
            while ends != 0 {
                let b = prefix_bit(w0, w1, ends.trailing_zeros() as usize);
                if let Some(x) = bits.get_mut(b >> 6) {
                    *x |= 1 << (b & 63);
                }
                ends &= ends - 1;
            }
        }
        Prefixes { bits }
    }

    /// False when no form starts with the window `b[start..end]` (`start <= end <= b.len()`), a
    /// window of a text longer than its first segment (see [`Prefixes`]): the prefix is read in
    /// place.
    #[inline]
    fn may_start(&self, b: &[u8], start: usize, end: usize) -> bool {
        if self.bits.is_empty() {
            return true;
        }
        let len = end.saturating_sub(start).min(PREFIX_MAX);
        let (w0, w1) = packed_at(b, start, len);
        let b = hash_bit(w0, w1, len);
        self.bits
            .get(b >> 6)
            .is_none_or(|w| w & (1 << (b & 63)) != 0)
    }
}

/// Bit `i` (0 to 7) set when byte `i` of `w` (little-endian) is no ASCII letter or digit: the
/// bytes' ranges tested on their low seven bits at once (no carry leaves a byte), a byte with
/// its high bit set being no ASCII letter or digit, and the bytes' verdicts gathered into the
/// top byte by one multiplication.
#[inline(always)]
fn not_alnum_bits(w: u64) -> u32 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let rep = |b: u8| 0x0101_0101_0101_0101 * u64::from(b);
    let x = w & !HIGH;
    // Bit 7 of `x + rep(0x80 - lo)` is set when `x >= lo`, of `x + rep(0x7f - hi)` when `x > hi`.
    let digit = (x + rep(0x80 - b'0')) & !(x + rep(0x7f - b'9'));
    let y = x | rep(0x20);
    let letter = (y + rep(0x80 - b'a')) & !(y + rep(0x7f - b'z'));
    let alnum = (digit | letter) & !w & HIGH;
    let not = (!alnum & HIGH) >> 7;
    (not.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// The filter bit of the first `len` bytes (`len` 1 to 16) of the bytes packed as `w0`, `w1`
/// ([`packed_at`] of at least `len` bytes).
#[inline(always)]
fn prefix_bit(w0: u64, w1: u64, len: usize) -> usize {
    let mask = |len: usize| u64::MAX >> (64 - 8 * len);
    let (p0, p1) = if len <= 8 {
        (w0 & mask(len), 0)
    } else {
        (w0, w1 & mask(len - 8))
    };
    hash_bit(p0, p1, len)
}

/// The filter bit of the `len` bytes (at most 16) packed as `w0`, `w1`, zero past `len`
/// ([`packed_at`] of `len` bytes).
#[inline(always)]
fn hash_bit(w0: u64, w1: u64, len: usize) -> usize {
    (packed_hash(w0, w1, len) >> (64 - PREFIX_BITS)) as usize
}

/// A segment of the form text while [`Segments::build`] gathers them: its start, its length and
/// its first sixteen bytes packed ([`packed_at`]).
type Seg = (usize, usize, (u64, u64));

/// The first-segment table: open addressing with linear probing, a slot per power of two at
/// least twice the number of segments. A slot holds the first form of its run plus one (0: an
/// empty slot), and the run's end with the segment's length in the top eight bits (the segment
/// is the first form's prefix of that length).
#[derive(Debug, Default)]
struct Segments {
    slots: Vec<[u32; 2]>,
    /// 64 minus the number of bits of a slot index.
    shift: u32,
}

impl Segments {
    /// The table of `g`'s forms: for each first segment, the smallest and one past the largest
    /// index of a form that starts with it. `lens` are the lengths of the forms' first segments
    /// (stored in the file; each at most its form's length).
    fn build(g: &Gazetteer<'_>, lens: &[u8]) -> Segments {
        let text = g.form_text.as_bytes();
        // The first segment of form `i` (of length `len`): where it starts in the text, its
        // length, and its first sixteen bytes packed. Two segments of at most sixteen bytes
        // are compared as their words, longer ones as their bytes.
        // A function marked to be inlined: as a closure it was called (366,724 calls at load)
        // once `word_at` grew.
        #[inline(always)]
        fn seg_of(g: &Gazetteer<'_>, text: &[u8], i: usize, len: usize) -> Seg {
            let s = g.form_starts.get(i).map_or(0, |&s| s as usize);
            (s, len, packed_at(text, s, len.min(16)))
        }
        let seg_of = |i: usize, len: usize| seg_of(g, text, i, len);
        let same = |a: Seg, b: Seg| {
            a.1 == b.1
                && a.2 == b.2
                && (a.1 <= 16 || text.get(a.0..a.0 + a.1) == text.get(b.0..b.0 + b.1))
        };
        // Forms that share a first segment are mostly neighbours: the runs of equal segments,
        // merged in the table when a segment comes back after others.
        let mut segs: Vec<(u32, u32, Seg)> = Vec::new();
        for (i, &len) in lens.iter().enumerate() {
            let seg = seg_of(i, usize::from(len));
            if let Some(last) = segs.last_mut()
                && same(last.2, seg)
            {
                last.1 = i as u32 + 1;
                continue;
            }
            segs.push((i as u32, i as u32 + 1, seg));
        }
        let bits = (2 * segs.len()).next_power_of_two().trailing_zeros().max(4);
        let mut table = Segments {
            slots: vec![[0, 0]; 1 << bits],
            shift: 64 - bits,
        };
        let mask = table.slots.len() - 1;
        for (lo, hi, seg) in segs {
            let (s, len, (w0, w1)) = seg;
            let hash = if len <= 16 {
                packed_hash(w0, w1, len)
            } else {
                segment_hash(text.get(s..s + len).unwrap_or(&[]))
            };
            let mut slot = (hash >> table.shift) as usize;
            loop {
                let [first, end] = table.slots[slot];
                if first == 0 {
                    table.slots[slot] = [lo + 1, hi | (len as u32) << 24];
                    break;
                }
                if (end >> 24) as usize == len && same(seg_of(first as usize - 1, len), seg) {
                    // A segment seen before, further up: widen its run.
                    let run_hi = (end & 0x00ff_ffff).max(hi);
                    table.slots[slot] = [(first - 1).min(lo) + 1, run_hi | end & 0xff00_0000];
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        table
    }

    /// The home slot of `seg`.
    #[inline]
    fn home(&self, seg: &[u8]) -> usize {
        (segment_hash(seg) >> self.shift) as usize
    }

    /// [`Segments::get`] of `b[start..end]`, comparing segments of at most 16 bytes as two
    /// words read in place (no hashing loop and no `memcmp` call).
    #[inline]
    fn get_at(&self, g: &Gazetteer<'_>, b: &[u8], start: usize, end: usize) -> Option<(u32, u32)> {
        let len = end.checked_sub(start)?;
        if len > 16 {
            return self.get(g, b.get(start..end)?);
        }
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        if len <= 8 {
            // A segment of at most eight bytes: one word, compared with the top bytes of its
            // first form's head word.
            let w0 = word_at(b, start, len);
            let mut slot = (packed_hash(w0, 0, len) >> self.shift) as usize;
            // The key as a form head ([`form_heads`]: big-endian, zero past its end), and the
            // bytes of a head that a key of `len` bytes compares.
            let head = w0.swap_bytes();
            let top = u64::MAX
                .checked_shl(64u32.saturating_sub(8 * len as u32))
                .unwrap_or(0);
            loop {
                let [first, end] = *self.slots.get(slot)?;
                if first == 0 {
                    return None;
                }
                if (end >> 24) as usize == len
                    && g.form_heads
                        .get(first as usize - 1)
                        .is_some_and(|&h| h & top == head)
                {
                    return Some((first - 1, end & 0x00ff_ffff));
                }
                slot = (slot + 1) & mask;
            }
        }
        let (w0, w1) = packed_at(b, start, len);
        let mut slot = (packed_hash(w0, w1, len) >> self.shift) as usize;
        let forms = g.form_text.as_bytes();
        loop {
            let [first, end] = *self.slots.get(slot)?;
            if first == 0 {
                return None;
            }
            if (end >> 24) as usize == len {
                let at = g
                    .form_starts
                    .get(first as usize - 1)
                    .map_or(0, |&s| s as usize);
                if packed_at(forms, at, len) == (w0, w1) {
                    return Some((first - 1, end & 0x00ff_ffff));
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The run of `seg`, when it is the first segment of some form.
    #[inline]
    fn get(&self, g: &Gazetteer<'_>, seg: &[u8]) -> Option<(u32, u32)> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.home(seg);
        loop {
            let [first, end] = *self.slots.get(slot)?;
            if first == 0 {
                return None;
            }
            let len = (end >> 24) as usize;
            if len == seg.len() && g.form_bytes(first as usize - 1).get(..len) == Some(seg) {
                return Some((first - 1, end & 0x00ff_ffff));
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// The multiplicative hash of rustc's `FxHasher` over the bytes of `seg`, eight at a time
/// (little-endian, the last word zero-padded).
#[inline]
fn segment_hash(seg: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(seg);
    h.finish()
}

/// Ranges of more forms than this are searched galloping ([`Gazetteer::forms_below`]).
const GALLOP_FROM: usize = 512;

/// The `len` bytes of `b` from `at` (`len` at most 8), little-endian in one word, the bytes past
/// `len` (and past the end of `b`) zero.
#[inline(always)]
fn word_at(b: &[u8], at: usize, len: usize) -> u64 {
    let w = match b.get(at..at + 8) {
        Some(c) => c.try_into().map_or(0, u64::from_le_bytes),
        None => tail_word(b, at),
    };
    if len >= 8 {
        w
    } else {
        w & ((1u64 << (8 * len)) - 1)
    }
}

/// The bytes of `b` from `at` to its end, fewer than eight (`b` has no eight from `at`),
/// little-endian in one word, zero past the end (0 when `at` is at or past the end): the scan's
/// keys are slices of their own, so their last word is read here (a byte loop, which compiled
/// to a `memcpy` call, before). From the last eight bytes of `b` shifted down when it has eight;
/// else from two four-byte loads that may overlap, or from three bytes.
#[inline(always)]
fn tail_word(b: &[u8], at: usize) -> u64 {
    let n = b.len();
    let Some(k) = n.checked_sub(at).filter(|&k| k > 0 && k < 8) else {
        return 0;
    };
    let u32_at = |i: usize| {
        b.get(i..i + 4)
            .and_then(|c| c.try_into().ok())
            .map_or(0, |c| u64::from(u32::from_le_bytes(c)))
    };
    if let Some(c) = b.get(n.wrapping_sub(8)..n) {
        // The wanted `k` bytes are the top ones of the last eight.
        c.try_into()
            .map_or(0, |c| u64::from_le_bytes(c) >> (8 * (8 - k)))
    } else if k >= 4 {
        u32_at(at) | u32_at(n - 4) << (8 * (k - 4))
    } else {
        let byte = |i: usize| b.get(i).map_or(0, |&x| u64::from(x));
        byte(at) | byte(at + k / 2) << (8 * (k / 2)) | byte(n - 1) << (8 * (k - 1))
    }
}

/// The `len` bytes (at most 16) of `b` from `at` in two words ([`word_at`]).
#[inline(always)]
fn packed_at(b: &[u8], at: usize, len: usize) -> (u64, u64) {
    if len <= 8 {
        (word_at(b, at, len), 0)
    } else {
        (word_at(b, at, 8), word_at(b, at + 8, len - 8))
    }
}

/// A key of the form search ([`Gazetteer::forms_below_key`]) and of the prefix filter: its bytes
/// and its first sixteen bytes as two little-endian words, zero past its end ([`packed_at`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key<'k> {
    bytes: &'k [u8],
    w0: u64,
    w1: u64,
}

impl<'k> Key<'k> {
    /// The key `bytes`.
    #[inline]
    pub(crate) fn new(bytes: &'k [u8]) -> Self {
        let (w0, w1) = packed_at(bytes, 0, bytes.len().min(16));
        Key { bytes, w0, w1 }
    }

    /// The key `b[start..end]` (empty when that is no range of `b`), its words read from `b` in
    /// place: the bytes after the key are there to load, so a short key is not copied.
    #[inline(always)]
    pub(crate) fn at(b: &'k [u8], start: usize, end: usize) -> Self {
        match b.get(start..end) {
            Some(bytes) => {
                let (w0, w1) = packed_at(b, start, bytes.len().min(16));
                Key { bytes, w0, w1 }
            }
            None => Key::new(&[]),
        }
    }
}

/// [`segment_hash`] of a segment of at most 16 bytes packed by [`packed_at`]: `FxHasher` adds
/// the same zero-padded little-endian words.
#[inline(always)]
fn packed_hash(w0: u64, w1: u64, len: usize) -> u64 {
    match len {
        0 => 0,
        1..=8 => w0.wrapping_mul(FxHasher::K),
        _ => (w0.wrapping_mul(FxHasher::K).rotate_left(5) ^ w1).wrapping_mul(FxHasher::K),
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

/// The score a place earns from its population: `2 log10(population + 10)`.
pub(crate) fn population_prior(population: u64) -> f64 {
    2.0 * ((population as f64) + 10.0).log10()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{GAZETTEER_ZST, Gazetteer, first_segment, first_segment_chars, population_prior};

    /// The kept prior of every entry is the formula's, asked first (computed) and again (kept),
    /// on a gazetteer of its own (the global one's column is filled by the other tests); an
    /// entry past the end computes it.
    #[test]
    fn population_priors_are_the_formula() {
        let mut buf = Vec::new();
        let g = Gazetteer::from_zst(GAZETTEER_ZST, &mut buf).unwrap();
        assert!(g.len() > 200_000);
        for i in 0..g.len() as u32 {
            let want = 2.0 * ((g.population(i) as f64) + 10.0).log10();
            assert_eq!(g.population_prior(i).to_bits(), want.to_bits(), "{i}");
            assert_eq!(g.population_prior(i).to_bits(), want.to_bits(), "{i} kept");
        }
        assert_eq!(population_prior(0).to_bits(), 2.0f64.to_bits());
        assert_eq!(
            Gazetteer::empty().population_prior(0).to_bits(),
            2.0f64.to_bits()
        );
    }

    /// Every form's head is its first eight bytes as a big-endian word, zero-padded.
    /// The bits of [`super::not_alnum_bits`] are the bytes' `is_ascii_alphanumeric`: every byte
    /// value at every position among other bytes.
    #[test]
    fn not_alnum_bits_are_the_byte_test() {
        for b in 0..=255u8 {
            for at in 0..8 {
                for fill in [0u8, b'a', b'Z', b'5', b' ', 0x7f, 0x80, 0xc3, 0xff] {
                    let mut bytes = [fill; 8];
                    bytes[at] = b;
                    let want = bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| !c.is_ascii_alphanumeric())
                        .fold(0u32, |m, (i, _)| m | 1 << i);
                    let got = super::not_alnum_bits(u64::from_le_bytes(bytes));
                    assert_eq!(got, want, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn form_heads_are_the_first_eight_bytes() {
        let g = Gazetteer::global();
        assert!(g.form_count() > 300_000);
        assert_eq!(g.form_heads.len(), g.form_count());
        for i in 0..g.form_count() {
            let f = g.form_bytes(i);
            let mut head = [0u8; 8];
            let n = f.len().min(8);
            head[..n].copy_from_slice(&f[..n]);
            assert_eq!(g.form_heads[i], u64::from_be_bytes(head), "{i}");
        }
    }

    /// The word-wise form search finds the slice search's answer for keys that end around the
    /// eight- and sixteen-byte words (every eleventh form cut there, extended by a zero byte or
    /// a space, or changed in its last byte), in the whole table and in the form's segment run.
    #[test]
    fn forms_below_at_the_word_ends_is_the_slice_search() {
        let g = Gazetteer::global();
        let n = g.form_count();
        for i in (0..n).step_by(11) {
            let f = g.form_bytes(i);
            let mut keys: Vec<Vec<u8>> = [7, 8, 9, 15, 16, 17, 24]
                .iter()
                .filter(|&&c| c <= f.len())
                .map(|&c| f[..c].to_vec())
                .collect();
            keys.push(f.to_vec());
            for tail in [&b"\0"[..], b" ", b" A"] {
                keys.push([f, tail].concat());
            }
            if let Some((&last, rest)) = f.split_last() {
                keys.push([rest, &[last.wrapping_add(1)]].concat());
                keys.push([rest, &[last.wrapping_sub(1)]].concat());
            }
            let run = g
                .segment_run(std::str::from_utf8(f).map(first_segment).unwrap_or(""))
                .map_or((0, n), |(lo, hi)| (lo as usize, (hi as usize).min(n)));
            for key in &keys {
                for (lo, hi) in [(0, n), run] {
                    assert_eq!(
                        g.forms_below(lo, hi, key),
                        g.forms_below_slices(lo, hi, key),
                        "{:?} in {lo}..{hi}",
                        String::from_utf8_lossy(key)
                    );
                }
            }
        }
    }

    /// `form_less` (the form's start and length from the length column) is the bytes' order
    /// of the form and the key: every seventh form and the forms past the end, against keys cut
    /// from it and its neighbour around the eight- and sixteen-byte words, extended, changed in
    /// their last byte, and the empty key.
    #[test]
    fn form_less_is_the_byte_order() {
        let g = Gazetteer::global();
        let n = g.form_count();
        let forms = (0..n).step_by(7).chain([n, n + 1, n + 9]);
        for i in forms {
            let mut keys: Vec<Vec<u8>> = vec![Vec::new()];
            for f in [g.form_bytes(i), g.form_bytes(i + 1)] {
                keys.extend(
                    [1, 7, 8, 9, 15, 16, 17, 24]
                        .iter()
                        .filter(|&&c| c <= f.len())
                        .map(|&c| f[..c].to_vec()),
                );
                keys.push(f.to_vec());
                keys.push([f, b" "].concat());
                if let Some((&last, rest)) = f.split_last() {
                    keys.push([rest, &[last.wrapping_add(1)]].concat());
                    keys.push([rest, &[last.wrapping_sub(1)]].concat());
                }
            }
            for key in &keys {
                let k = super::Key::new(key);
                let words = (k.w0.swap_bytes(), k.w1.swap_bytes());
                assert_eq!(
                    g.form_less(i, words, key),
                    g.form_bytes(i) < &key[..],
                    "form {i} {:?} key {:?}",
                    String::from_utf8_lossy(g.form_bytes(i)),
                    String::from_utf8_lossy(key)
                );
            }
        }
    }

    /// [`super::word_at`]'s reference: the bytes copied one by one, zero past `len` and past
    /// the end of `b`.
    fn word_at_bytewise(b: &[u8], at: usize, len: usize) -> u64 {
        let mut a = [0u8; 8];
        for (k, d) in a.iter_mut().enumerate().take(len.min(8)) {
            *d = b.get(at + k).copied().unwrap_or(0);
        }
        u64::from_le_bytes(a)
    }

    /// `word_at` (with `tail_word` for the last bytes of a slice) is the byte copy for every
    /// slice length up to 20, every start up to two past the end and every length up to 8, on
    /// bytes that differ at each position (a byte read from the wrong place shows).
    #[test]
    fn word_at_is_the_byte_copy() {
        let all: Vec<u8> = (0..24u8)
            .map(|i| 0x81u8.wrapping_add(i.wrapping_mul(37)))
            .collect();
        for n in 0..=20 {
            let b = &all[..n];
            for at in 0..=n + 2 {
                for len in 0..=8 {
                    assert_eq!(
                        super::word_at(b, at, len),
                        word_at_bytewise(b, at, len),
                        "{n} bytes, at {at}, len {len}"
                    );
                }
                assert_eq!(
                    super::tail_word(b, at),
                    if n >= at + 8 {
                        0
                    } else {
                        word_at_bytewise(b, at, 8)
                    },
                    "tail of {n} bytes at {at}"
                );
            }
        }
    }

    /// The segment probe in place (`get_at`: one word for at most eight bytes, two for up to
    /// sixteen, the slice probe past that) is the slice probe `get`, for keys cut from every
    /// seventh form at every length and start within it, read from the middle of a longer
    /// buffer (bytes before and after the key) and from a slice of their own.
    #[test]
    fn segment_probe_in_place_is_the_slice_probe() {
        let g = Gazetteer::global();
        let mut found = 0usize;
        for i in (0..g.form_count()).step_by(7) {
            let f = g.form_bytes(i);
            let buf = [&b"xQ"[..], f, b" Zy"].concat();
            for s in 0..f.len().min(3) {
                for e in s + 1..=f.len().min(s + 20) {
                    let key = &f[s..e];
                    let want = g.segments.get(g, key);
                    found += usize::from(want.is_some());
                    assert_eq!(g.segments.get_at(g, &buf, s + 2, e + 2), want, "{key:?}");
                    assert_eq!(g.segments.get_at(g, key, 0, key.len()), want, "{key:?}");
                }
            }
        }
        assert!(found > 40_000, "{found}");
        assert_eq!(g.segments.get_at(g, b"Paris", 3, 2), None);
        assert_eq!(Gazetteer::empty().segments.get_at(g, b"Paris", 0, 5), None);
    }

    proptest! {
        /// `word_at` is the byte copy on any bytes, start and length.
        #[test]
        fn word_at_is_the_byte_copy_on_any_bytes(
            b in proptest::collection::vec(any::<u8>(), 0..40),
            at in 0usize..44,
            len in 0usize..=8,
        ) {
            prop_assert_eq!(super::word_at(&b, at, len), word_at_bytewise(&b, at, len));
        }

        /// The run-based segment of a name is the character loop's.
        #[test]
        fn first_segment_is_the_character_loops(name in r"([A-Za-z0-9]|[ .,'\-]|é|Ô|ß|\PC){0,30}") {
            prop_assert_eq!(first_segment(&name), first_segment_chars(&name));
        }
    }

    /// Every string field of every entry (and past the end) as an output word: borrowed from
    /// the global gazetteer, copied from one of its own (`entry_word_owned`), and either way
    /// the string `entry_str` reads; the inlined `name_word` and `country_word` are fields 0
    /// and 2.
    #[test]
    fn entry_words_are_the_entry_strings() {
        use std::borrow::Cow;
        let mut buf = Vec::new();
        let own = Gazetteer::from_zst(GAZETTEER_ZST, &mut buf).unwrap();
        let global = Gazetteer::global();
        let n = u32::try_from(global.len()).unwrap();
        for idx in (0..n).step_by(3).chain([n - 1, n, n + 1, u32::MAX]) {
            for field in 0..6 {
                let want = global.entry_str(idx, field);
                let word = global.entry_word(idx, field);
                assert!(
                    matches!(word, Cow::Borrowed(_)),
                    "entry {idx} field {field}"
                );
                assert_eq!(&*word, want, "entry {idx} field {field}");
                let word = own.entry_word(idx, field);
                assert!(matches!(word, Cow::Owned(_)), "entry {idx} field {field}");
                assert_eq!(&*word, want, "entry {idx} field {field}");
            }
            assert_eq!(global.name_word(idx), global.entry_str(idx, 0));
            assert_eq!(global.country_word(idx), global.entry_str(idx, 2));
            assert_eq!(own.name_word(idx), global.entry_str(idx, 0));
            assert_eq!(own.country_word(idx), global.entry_str(idx, 2));
        }
    }

    /// The length column is the starts' differences and the form's bytes, for every form of the
    /// gazetteer (and 0 past its end), and 0 for every index of the empty one.
    #[test]
    fn form_lengths_are_the_starts_differences() {
        let g = Gazetteer::global();
        let n = g.form_count();
        assert!(n > 300_000);
        for i in (0..n).chain([n, n + 1, n + 2]) {
            assert_eq!(g.form_len(i), g.form_len_from_starts(i), "form {i}");
            assert_eq!(g.form_len(i), g.form_bytes(i).len(), "form {i}");
        }
        let e = Gazetteer::empty();
        for i in [0, 1, 2] {
            assert_eq!(e.form_len(i), 0);
            assert_eq!(e.form_len_from_starts(i), 0);
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
