//! The running aggregates of an event, so that a batch updates an event from its new members
//! only: weights per disease, mentions per country and place, the day ranges, the outlets, the
//! title candidates, and per series what the event's signals need (its jumps, its deaths).

use std::collections::{BTreeMap, BTreeSet};

use epiwire_signal::Signal;
use epiwire_timeline::{Figure, Series, SeriesKey};
use serde::{Deserialize, Serialize};

use crate::PlaceRef;
use crate::backend::Member;

/// A count with what it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally<T> {
    /// What is counted (a disease's name, a place).
    pub what: T,
    /// The count.
    pub n: u64,
}

/// The first and last of a set of days (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRange {
    /// Earliest day.
    pub first: String,
    /// Latest day.
    pub last: String,
}

impl DayRange {
    fn extend(range: &mut Option<DayRange>, day: &str) {
        match range {
            None => {
                *range = Some(DayRange {
                    first: day.to_string(),
                    last: day.to_string(),
                });
            }
            Some(r) => {
                if day < r.first.as_str() {
                    r.first = day.to_string();
                }
                if day > r.last.as_str() {
                    r.last = day.to_string();
                }
            }
        }
    }
}

/// What an event's signals need of one series, kept so that only touched series are read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesMeta {
    /// Jump signals between the series' reported points.
    pub jumps: Vec<Signal>,
    /// For a country-level cumulative or new death series: the series with its derived points
    /// (values only), for the event's death toll.
    pub deaths: Option<Series>,
}

/// The headline figures of an event and the disease × country they are of.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// Main disease id.
    pub disease: Option<String>,
    /// Main country.
    pub country: Option<String>,
    /// The figures.
    pub figures: Vec<Figure>,
}

/// The running aggregates of an event. Adding members one batch at a time gives the same
/// aggregates as adding them all at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventState {
    /// Number of documents.
    pub documents: usize,
    /// Per disease id: its name and summed weight over the documents.
    pub diseases: BTreeMap<String, Tally<String>>,
    /// Mentions per country (over the places of every member).
    pub countries: BTreeMap<String, u64>,
    /// Mentions per place (GeoNames id), with the place.
    pub places: BTreeMap<u64, Tally<PlaceRef>>,
    /// Publication days.
    pub published: Option<DayRange>,
    /// As-of days of the figures (the event's dates when no document has a publication day).
    pub as_of: Option<DayRange>,
    /// Independent sources: the outlet of every original (non-duplicate) document, or
    /// `doc:<id>` for one without an outlet.
    pub outlets: BTreeSet<String>,
    /// Sequence number and title of the earliest original document with a title.
    pub title: Option<(u64, String)>,
    /// Sequence number and title of the earliest document with a title.
    pub any_title: Option<(u64, String)>,
    /// Per series key, what the signals need. A store may keep them apart ([`StateHead`]);
    /// missing, there are none.
    #[serde(with = "pairs", default)]
    pub series: BTreeMap<SeriesKey, SeriesMeta>,
    /// The headline figures, with the disease × country they were chosen for.
    pub headline: Option<Headline>,
}

/// An [`EventState`] without its series metas, to serialize: a store that keeps the metas
/// apart (one row each, so that a batch writes only those it changed, not every series of a
/// large event) writes this, and reads it back as an [`EventState`] whose `series` it fills.
#[derive(Debug, Serialize)]
pub struct StateHead<'a> {
    documents: usize,
    diseases: &'a BTreeMap<String, Tally<String>>,
    countries: &'a BTreeMap<String, u64>,
    places: &'a BTreeMap<u64, Tally<PlaceRef>>,
    published: &'a Option<DayRange>,
    as_of: &'a Option<DayRange>,
    outlets: &'a BTreeSet<String>,
    title: &'a Option<(u64, String)>,
    any_title: &'a Option<(u64, String)>,
    headline: &'a Option<Headline>,
}

fn day(value: Option<&str>) -> Option<&str> {
    value.and_then(epiwire_cluster::features::day)
}

fn earliest(slot: &mut Option<(u64, String)>, seq: u64, title: &str) {
    if slot.as_ref().is_none_or(|(s, _)| seq < *s) {
        *slot = Some((seq, title.to_string()));
    }
}

impl EventState {
    /// Everything but the series metas, to serialize apart from them.
    pub fn head(&self) -> StateHead<'_> {
        let EventState {
            documents,
            diseases,
            countries,
            places,
            published,
            as_of,
            outlets,
            title,
            any_title,
            series: _,
            headline,
        } = self;
        StateHead {
            documents: *documents,
            diseases,
            countries,
            places,
            published,
            as_of,
            outlets,
            title,
            any_title,
            headline,
        }
    }

    /// Adds one member.
    pub fn add(&mut self, m: &Member) {
        self.documents += 1;
        for (d, w) in &m.diseases {
            self.diseases
                .entry(d.id.clone())
                .or_insert_with(|| Tally {
                    what: d.name.clone(),
                    n: 0,
                })
                .n += u64::from(*w);
        }
        for (p, n) in &m.places {
            if let Some(c) = &p.country {
                *self.countries.entry(c.clone()).or_insert(0) += u64::from(*n);
            }
            self.places
                .entry(p.geonameid)
                .or_insert_with(|| Tally {
                    what: p.clone(),
                    n: 0,
                })
                .n += u64::from(*n);
        }
        if let Some(d) = day(m.published.as_deref()) {
            DayRange::extend(&mut self.published, d);
        }
        for f in &m.figures {
            if let Some(d) = day(f.as_of.as_deref()) {
                DayRange::extend(&mut self.as_of, d);
            }
        }
        if m.duplicate_of.is_none() {
            self.outlets.insert(
                m.outlet
                    .clone()
                    .unwrap_or_else(|| format!("doc:{}", m.doc_id)),
            );
        }
        if let Some(t) = m.title.as_deref().filter(|t| !t.trim().is_empty()) {
            if m.duplicate_of.is_none() {
                earliest(&mut self.title, m.seq, t);
            }
            earliest(&mut self.any_title, m.seq, t);
        }
    }

    /// Adds the aggregates of an event merged into this one. Its series metas are taken as
    /// they are; the caller recomputes those of every series the merge touches.
    pub fn merge(&mut self, other: EventState) {
        self.documents += other.documents;
        for (id, t) in other.diseases {
            self.diseases
                .entry(id)
                .or_insert_with(|| Tally { what: t.what, n: 0 })
                .n += t.n;
        }
        for (c, n) in other.countries {
            *self.countries.entry(c).or_insert(0) += n;
        }
        for (g, t) in other.places {
            self.places
                .entry(g)
                .or_insert_with(|| Tally { what: t.what, n: 0 })
                .n += t.n;
        }
        for r in [other.published.as_ref()].into_iter().flatten() {
            DayRange::extend(&mut self.published, &r.first);
            DayRange::extend(&mut self.published, &r.last);
        }
        for r in [other.as_of.as_ref()].into_iter().flatten() {
            DayRange::extend(&mut self.as_of, &r.first);
            DayRange::extend(&mut self.as_of, &r.last);
        }
        self.outlets.extend(other.outlets);
        if let Some((seq, t)) = &other.title {
            earliest(&mut self.title, *seq, t);
        }
        if let Some((seq, t)) = &other.any_title {
            earliest(&mut self.any_title, *seq, t);
        }
        for (k, m) in other.series {
            self.series.entry(k).or_insert(m);
        }
        self.headline = None;
    }
}

/// A map with structured keys as a JSON list of `[key, value]` pairs.
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub(crate) fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DiseaseRef;

    fn member(seq: u64, outlet: Option<&str>, dup: bool, title: &str, published: &str) -> Member {
        Member {
            seq,
            doc_id: format!("d{seq}"),
            url: None,
            outlet: outlet.map(str::to_string),
            title: Some(title.to_string()),
            published: Some(published.to_string()),
            duplicate_of: dup.then(|| "d1".to_string()),
            features: Default::default(),
            figures: Vec::new(),
            diseases: vec![(
                DiseaseRef {
                    id: "DOID:1498".into(),
                    name: "cholera".into(),
                },
                u32::try_from(seq).unwrap_or(0),
            )],
            places: Vec::new(),
            actions: Vec::new(),
            shortages: Vec::new(),
            quotes: Vec::new(),
            measures: Vec::new(),
        }
    }

    #[test]
    fn the_head_is_the_state_without_its_series() {
        let mut state = EventState::default();
        state.add(&member(1, Some("a.org"), false, "Cholera", "2024-01-02"));
        state.add(&member(2, None, true, "Cholera again", "2024-01-05"));
        state.series.insert(
            SeriesKey {
                disease: Some("DOID:1498".into()),
                country: Some("NG".into()),
                place: None,
                metric: "cases".into(),
                scope: "cumulative".into(),
            },
            SeriesMeta::default(),
        );
        let text = serde_json::to_string(&state.head()).unwrap();
        let back: EventState = serde_json::from_str(&text).unwrap();
        assert!(back.series.is_empty());
        let mut without = state.clone();
        without.series.clear();
        assert_eq!(back, without);
        assert_ne!(back, state);
    }

    #[test]
    fn merging_states_equals_adding_every_member() {
        let ms = [
            member(1, Some("who.int"), false, "", "2010-11-10"),
            member(2, Some("x.com"), true, "Copy", "2010-11-12"),
            member(3, None, false, "Cholera in Haiti", "2010-11-01"),
            member(4, Some("who.int"), false, "Later", "2010-12-01"),
        ];
        let mut all = EventState::default();
        ms.iter().for_each(|m| all.add(m));
        let (mut a, mut b) = (EventState::default(), EventState::default());
        [&ms[1], &ms[3]].into_iter().for_each(|m| a.add(m));
        [&ms[0], &ms[2]].into_iter().for_each(|m| b.add(m));
        a.merge(b);
        assert_eq!(a, all);
        assert_eq!(all.documents, 4);
        assert_eq!(all.diseases["DOID:1498"].n, 10);
        assert_eq!(all.title, Some((3, "Cholera in Haiti".to_string())));
        assert_eq!(all.any_title, Some((2, "Copy".to_string())));
        assert_eq!(
            all.outlets.len(),
            2,
            "who.int and doc:d3; the copy is not a source"
        );
        let r = all.published.unwrap();
        assert_eq!(
            (r.first.as_str(), r.last.as_str()),
            ("2010-11-01", "2010-12-01")
        );
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<EventState>(&json).unwrap(), a);
    }
}
