//! The consolidation loop over an in-memory backend: the seeds make one event, a syndicated copy
//! is a near-duplicate in its original's event, an unrelated report opens its own, and a run
//! killed between batches resumes without losing or repeating a document.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use epiwire_consolidate::{
    Changes, Consolidator, EventBackend, EventProfile, EventRecord, Member, Signal, State,
};
use epiwire_model::Document;

/// Everything a store keeps, in maps; `fail_after` makes `apply` fail after that many batches
/// (a kill between batches).
#[derive(Default)]
struct Mem {
    docs: Vec<(u64, Document)>,
    state: State,
    events: BTreeMap<String, EventRecord>,
    keys: BTreeMap<String, BTreeSet<String>>,
    members: BTreeMap<u64, (String, Member)>,
    volume: BTreeMap<(String, String, String), u32>,
    signals: Vec<Signal>,
    applied: usize,
    fail_after: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
#[error("killed")]
struct Killed;

impl EventBackend for Mem {
    type Error = Killed;
    fn state(&self) -> Result<State, Killed> {
        Ok(self.state.clone())
    }
    fn pending(&self, after: u64, limit: usize) -> Result<Vec<(u64, Document)>, Killed> {
        Ok(self
            .docs
            .iter()
            .filter(|(s, _)| *s > after)
            .take(limit)
            .cloned()
            .collect())
    }
    fn candidates(&self, keys: &[String]) -> Result<Vec<(String, EventProfile)>, Killed> {
        let ids: BTreeSet<&String> = keys
            .iter()
            .filter_map(|k| self.keys.get(k))
            .flatten()
            .collect();
        Ok(ids
            .into_iter()
            .filter_map(|id| self.events.get(id).map(|e| (id.clone(), e.profile.clone())))
            .collect())
    }
    fn members(&self, event: &str) -> Result<Vec<Member>, Killed> {
        Ok(self
            .members
            .values()
            .filter(|(e, _)| e == event)
            .map(|(_, m)| m.clone())
            .collect())
    }
    fn volume(&self, d: &str, c: &str, from: &str, to: &str) -> Result<Vec<(String, u32)>, Killed> {
        Ok(self
            .volume
            .iter()
            .filter(|((dd, cc, day), _)| {
                dd == d && cc == c && day.as_str() >= from && day.as_str() <= to
            })
            .map(|((_, _, day), n)| (day.clone(), *n))
            .collect())
    }
    fn volume_signals(
        &self,
        d: &str,
        c: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<Signal>, Killed> {
        Ok(self
            .signals
            .iter()
            .filter(|s| {
                s.disease.as_deref() == Some(d)
                    && s.country.as_deref() == Some(c)
                    && s.date.as_str() >= from
                    && s.date.as_str() <= to
            })
            .cloned()
            .collect())
    }
    fn seen_between(
        &self,
        d: &str,
        c: &str,
        from: &str,
        to: &str,
        except: &str,
    ) -> Result<bool, Killed> {
        Ok(self.events.iter().any(|(id, e)| {
            let s = e.summary();
            id != except
                && s.diseases.iter().any(|x| x.id == d)
                && s.countries.iter().any(|x| x == c)
                && s.last_seen.as_deref().is_some_and(|l| l >= from)
                && s.first_seen.as_deref().is_some_and(|f| f < to)
        }))
    }
    fn apply(&mut self, ch: &Changes) -> Result<(), Killed> {
        if self.fail_after.is_some_and(|n| self.applied >= n) {
            return Err(Killed);
        }
        self.applied += 1;
        self.state = ch.state.clone();
        for (from, into) in &ch.merged {
            for (e, _) in self.members.values_mut() {
                if e == from {
                    *e = into.clone();
                }
            }
            for ids in self.keys.values_mut() {
                if ids.remove(from) {
                    ids.insert(into.clone());
                }
            }
            self.events.remove(from);
        }
        for (e, m) in &ch.members {
            self.members.insert(m.seq, (e.clone(), m.clone()));
        }
        for rec in &ch.events {
            for k in &rec.keys {
                self.keys
                    .entry(k.clone())
                    .or_default()
                    .insert(rec.summary().id.clone());
            }
            self.events.insert(rec.summary().id.clone(), rec.clone());
        }
        for (d, c, day, n) in &ch.volume {
            *self
                .volume
                .entry((d.clone(), c.clone(), day.clone()))
                .or_insert(0) += n;
        }
        self.signals.extend(ch.signals.iter().cloned());
        Ok(())
    }
}

fn seed(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name))
        .unwrap();
    std::fs::read_to_string(path).unwrap()
}

fn doc(id: &str, url: Option<&str>, published: &str, text: &str) -> Document {
    let title = text.lines().next().map(str::to_string);
    let mut d = Document {
        id: id.to_string(),
        url: url.map(str::to_string),
        title,
        published: Some(published.to_string()),
        text: text.to_string(),
        ..Document::default()
    };
    epiwire_annotate::annotate(&mut d);
    d
}

fn corpus() -> Vec<(u64, Document)> {
    let hankyoreh = seed("000");
    let voi = seed("004");
    let cholera = "Cholera in Haiti - update\nAs of 9 November 2010, the Haitian Ministry of Public Health and Population has reported 11,125 hospitalized cases and 724 deaths due to cholera in Artibonite, Centre and Ouest.";
    vec![
        (
            1,
            doc(
                "hani",
                Some("https://english.hani.co.kr/a/1043"),
                "2022-05-17",
                &hankyoreh,
            ),
        ),
        (
            2,
            doc(
                "cholera",
                Some("https://www.who.int/csr/don/2010_11_10/en/"),
                "2010-11-10",
                cholera,
            ),
        ),
        (
            3,
            doc(
                "voi",
                Some("https://voi.id/en/news/173"),
                "2022-05-18",
                &voi,
            ),
        ),
        // The Hankyoreh story syndicated by another outlet, a day later.
        (
            4,
            doc(
                "copy",
                Some("https://www.koreaherald.example/x"),
                "2022-05-18",
                &hankyoreh,
            ),
        ),
    ]
}

fn event_of(m: &Mem, seq: u64) -> String {
    m.members.get(&seq).unwrap().0.clone()
}

#[test]
fn seeds_copy_and_an_unrelated_report() {
    let mut m = Mem {
        docs: corpus(),
        ..Mem::default()
    };
    let done = Consolidator::default().run(&mut m, |_| {}).unwrap();
    assert_eq!((done.documents, done.watermark), (4, 4));
    assert_eq!(
        event_of(&m, 1),
        event_of(&m, 3),
        "the two seeds are one event"
    );
    assert_eq!(
        event_of(&m, 1),
        event_of(&m, 4),
        "the copy joins its original"
    );
    assert_ne!(event_of(&m, 1), event_of(&m, 2));
    assert_eq!(m.members[&4].1.duplicate_of.as_deref(), Some("hani"));
    assert_eq!(m.events.len(), 2);
    let kp = m.events[&event_of(&m, 1)].summary().clone();
    assert_eq!(kp.documents, 3);
    assert_eq!(
        kp.outlets, 2,
        "a near-duplicate is not an independent source"
    );
    assert_eq!(kp.countries[0], "KP");
    assert!(
        kp.signals.iter().any(|s| s.kind == "jump"),
        "{:?}",
        kp.signals
    );
    assert!(
        kp.signals.iter().any(|s| s.kind == "new_event"),
        "{:?}",
        kp.signals
    );
    assert!(
        kp.headline
            .iter()
            .any(|f| f.metric == "cases" && f.value == 1_720_000.0),
        "{:?}",
        kp.headline
    );
}

#[test]
fn a_killed_run_resumes_without_loss_or_repeats() {
    let batch1 = Consolidator {
        batch: 1,
        ..Consolidator::default()
    };
    let mut m = Mem {
        docs: corpus(),
        fail_after: Some(2),
        ..Mem::default()
    };
    assert!(batch1.run(&mut m, |_| {}).is_err());
    assert_eq!(m.state.watermark, 2);
    assert_eq!(m.members.len(), 2);
    m.fail_after = None;
    let done = batch1.run(&mut m, |_| {}).unwrap();
    assert_eq!(done.documents, 2);
    assert_eq!(m.members.len(), 4);
    // Same grouping as an uninterrupted run.
    let mut whole = Mem {
        docs: corpus(),
        ..Mem::default()
    };
    batch1.run(&mut whole, |_| {}).unwrap();
    let groups = |m: &Mem| (1..=4).map(|s| event_of(m, s)).collect::<Vec<_>>();
    assert_eq!(groups(&m), groups(&whole));
    // Nothing pending: a further run does nothing.
    assert_eq!(batch1.run(&mut m, |_| {}).unwrap().documents, 0);
}
