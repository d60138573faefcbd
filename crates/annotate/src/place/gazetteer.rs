//! The embedded GeoNames gazetteer: parsing, lookup tables and the name automaton.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use flate2::read::MultiGzDecoder;

use super::{Error, Result};

/// The compressed gazetteer built by `scripts/build_gazetteer.py`.
static GAZETTEER_GZ: &[u8] = include_bytes!("../../data/gazetteer.tsv.gz");

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

    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "country" => Kind::Country,
            "admin1" => Kind::Admin1,
            "admin2" => Kind::Admin2,
            "city" => Kind::City,
            _ => return None,
        })
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// GeoNames id.
    pub geonameid: u64,
    /// Preferred name.
    pub name: String,
    /// ASCII form of the name.
    pub ascii_name: String,
    /// Administrative level.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 code of the country.
    pub country: String,
    /// GeoNames admin1 code inside the country (`IL`, `12`); empty for countries.
    pub admin1: String,
    /// GeoNames admin2 code inside the admin1 (`031`), when known.
    pub admin2: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Population (for admin1/admin2: the sum over their GeoNames cities).
    pub population: u64,
}

impl Entry {
    /// True when `self` lies strictly inside `outer` (a city in its admin1 or country, …).
    pub fn is_inside(&self, outer: &Entry) -> bool {
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

/// A pattern of the automaton.
#[derive(Debug, Clone, Default)]
pub(crate) struct Form {
    pub(crate) cands: Vec<Cand>,
    /// A phrase that is never a place ("Latin America", "Ebola virus").
    pub(crate) block: bool,
}

/// The place gazetteer: GeoNames countries, admin1, admin2 and cities ≥ 1,000 inhabitants.
pub struct Gazetteer {
    pub(crate) entries: Vec<Entry>,
    by_id: HashMap<u64, u32>,
    by_country: HashMap<String, u32>,
    pub(crate) forms: Vec<Form>,
    pub(crate) matcher: Option<AhoCorasick>,
    /// Common lowercase English words that are also place names: a place only mid-sentence.
    pub(crate) stop: HashSet<String>,
    /// Words never taken as a place (except as a country name).
    pub(crate) never: HashSet<String>,
    /// Short codes of admin1 entries usable after a comma ("Seattle, WA").
    pub(crate) qualifier_codes: HashMap<String, Vec<u32>>,
    load_time: Duration,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("entries", &self.entries.len())
            .field("forms", &self.forms.len())
            .field("load_time", &self.load_time)
            .finish()
    }
}

static GLOBAL: OnceLock<std::result::Result<Gazetteer, Error>> = OnceLock::new();
static EMPTY: OnceLock<Gazetteer> = OnceLock::new();

impl Gazetteer {
    /// The embedded gazetteer, loaded on first use and shared read-only between threads.
    ///
    /// Should the embedded data fail to load (it is checked by the tests, so it does not), an
    /// empty gazetteer is returned; [`Gazetteer::global_result`] tells the error.
    pub fn global() -> &'static Gazetteer {
        match Self::global_result() {
            Ok(g) => g,
            Err(_) => EMPTY.get_or_init(Gazetteer::empty),
        }
    }

    /// The embedded gazetteer, or the error met while loading it.
    pub fn global_result() -> std::result::Result<&'static Gazetteer, &'static Error> {
        GLOBAL
            .get_or_init(|| Gazetteer::from_gz(GAZETTEER_GZ))
            .as_ref()
    }

    /// A gazetteer with no entries (finds nothing).
    pub fn empty() -> Gazetteer {
        Gazetteer {
            entries: Vec::new(),
            by_id: HashMap::new(),
            by_country: HashMap::new(),
            forms: Vec::new(),
            matcher: None,
            stop: HashSet::new(),
            never: HashSet::new(),
            qualifier_codes: HashMap::new(),
            load_time: Duration::ZERO,
        }
    }

    /// Loads a gazetteer from the gzip-compressed TSV format written by the build script.
    pub fn from_gz(bytes: &[u8]) -> Result<Gazetteer> {
        let started = Instant::now();
        let mut text = String::new();
        MultiGzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(Error::Io)?;
        let mut g = Gazetteer::from_tsv(&text)?;
        g.load_time = started.elapsed();
        Ok(g)
    }

    /// Loads a gazetteer from the uncompressed TSV format.
    pub fn from_tsv(text: &str) -> Result<Gazetteer> {
        let mut g = Gazetteer::empty();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_ids: HashMap<String, u32> = HashMap::new();
        let mut add = |form: &str, cand: Option<Cand>, forms: &mut Vec<Form>| {
            let form = form.trim();
            if form.is_empty() {
                return;
            }
            let idx = match pattern_ids.get(form) {
                Some(&i) => i,
                None => {
                    let i = patterns.len() as u32;
                    patterns.push(form.to_string());
                    pattern_ids.insert(form.to_string(), i);
                    forms.push(Form::default());
                    i
                }
            };
            let slot = &mut forms[idx as usize];
            match cand {
                Some(c) => {
                    if let Some(old) = slot.cands.iter_mut().find(|o| o.entry == c.entry) {
                        if rank_via(c.via) < rank_via(old.via) {
                            old.via = c.via;
                        }
                    } else {
                        slot.cands.push(c);
                    }
                }
                None => slot.block = true,
            }
        };
        let mut forms: Vec<Form> = Vec::new();
        for (lineno, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('!') {
                let (tag, word) = rest.split_once('\t').ok_or_else(|| Error::Parse {
                    line: lineno + 1,
                    message: "directive without a tab".into(),
                })?;
                match tag {
                    "stop" => {
                        g.stop.insert(word.to_string());
                    }
                    "never" => {
                        g.never.insert(word.to_string());
                    }
                    "block" => add(word, None, &mut forms),
                    other => {
                        return Err(Error::Parse {
                            line: lineno + 1,
                            message: format!("unknown directive {other:?}"),
                        });
                    }
                }
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 13 {
                return Err(Error::Parse {
                    line: lineno + 1,
                    message: format!("expected 13 columns, found {}", cols.len()),
                });
            }
            let bad = |what: &str| Error::Parse {
                line: lineno + 1,
                message: format!("bad {what}"),
            };
            let geonameid: u64 = cols[0].parse().map_err(|_| bad("geonameid"))?;
            let kind = Kind::parse(cols[3]).ok_or_else(|| bad("kind"))?;
            let lat: f64 = cols[7].parse().map_err(|_| bad("latitude"))?;
            let lon: f64 = cols[8].parse().map_err(|_| bad("longitude"))?;
            let population: u64 = cols[9].parse().map_err(|_| bad("population"))?;
            if g.by_id.contains_key(&geonameid) {
                continue;
            }
            let idx = g.entries.len() as u32;
            let name = cols[1].to_string();
            let ascii_name = if cols[2].is_empty() {
                name.clone()
            } else {
                cols[2].to_string()
            };
            let big = kind == Kind::Country
                || kind == Kind::Admin1
                || (kind == Kind::City && population >= 1_000_000);
            let mut names: Vec<(&str, Via)> = vec![(cols[1], Via::Name), (&ascii_name, Via::Name)];
            names.extend(cols[10].split('|').map(|a| (a, Via::Alt)));
            names.extend(cols[11].split('|').map(|a| (a, Via::Demonym)));
            for (form, via) in names {
                if form.is_empty() {
                    continue;
                }
                add(form, Some(Cand { entry: idx, via }), &mut forms);
                // Headlines in capitals: "NORTH KOREA". Only for prominent places and forms that
                // are long enough not to be acronyms of something else.
                if big && form.chars().count() >= 4 {
                    let upper = form.to_uppercase();
                    if upper != form {
                        add(&upper, Some(Cand { entry: idx, via }), &mut forms);
                    }
                }
            }
            for code in cols[12].split('|').filter(|c| !c.is_empty()) {
                g.qualifier_codes
                    .entry(code.to_string())
                    .or_default()
                    .push(idx);
            }
            if kind == Kind::Country {
                g.by_country.insert(cols[4].to_string(), idx);
            }
            g.by_id.insert(geonameid, idx);
            g.entries.push(Entry {
                geonameid,
                name,
                ascii_name,
                kind,
                country: cols[4].to_string(),
                admin1: cols[5].to_string(),
                admin2: cols[6].to_string(),
                lat,
                lon,
                population,
            });
        }
        if !patterns.is_empty() {
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .map_err(|e| Error::Automaton(e.to_string()))?;
            g.matcher = Some(ac);
        }
        g.forms = forms;
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
    pub fn country(&self, iso2: &str) -> Option<&Entry> {
        let key = iso2.to_ascii_uppercase();
        self.by_country
            .get(&key)
            .map(|&i| &self.entries[i as usize])
    }

    /// The entry with GeoNames id `geonameid`.
    pub fn get(&self, geonameid: u64) -> Option<&Entry> {
        self.by_id
            .get(&geonameid)
            .map(|&i| &self.entries[i as usize])
    }

    pub(crate) fn entry(&self, idx: u32) -> &Entry {
        &self.entries[idx as usize]
    }
}

fn rank_via(v: Via) -> u8 {
    match v {
        Via::Name => 0,
        Via::Alt => 1,
        Via::Demonym => 2,
    }
}
