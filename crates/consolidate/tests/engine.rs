//! The consolidation loop over an in-memory backend: the seeds make one event, a syndicated copy
//! is a near-duplicate in its original's event, an unrelated report opens its own, and a run
//! killed between batches resumes without losing or repeating a document.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use epiwire_consolidate::{
    Changes, Consolidator, EventBackend, EventProfile, EventRecord, EventState, EventSummary,
    Member, SeriesKey, SeriesPart, SeriesSelect, Session, Signal, State,
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
    parts: BTreeMap<(String, SeriesKey), SeriesPart>,
    /// The series metas as a backend that keeps them apart and writes only those a record
    /// names as changed ([`EventRecord::metas`]) has them; checked against every state.
    metas: BTreeMap<(String, SeriesKey), epiwire_consolidate::SeriesMeta>,
    applied: usize,
    fail_after: Option<usize>,
    /// Check every event record of every batch against one computed from scratch from all its
    /// members, in the same context (the store before the batch, the batch's volume signals).
    verify: bool,
    /// Events checked that way.
    verified: usize,
    /// Whether a read snapshot ([`EventBackend::begin_reads`]) is open.
    reads_open: std::cell::Cell<bool>,
    /// Snapshots opened.
    snapshots: std::cell::Cell<usize>,
    /// Make `volume` fail (a read failing in the middle of a batch).
    fail_volume: bool,
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
    fn profiles(&self, ids: &[String]) -> Result<Vec<(String, EventProfile)>, Killed> {
        Ok(ids
            .iter()
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
    fn event_state(&self, event: &str) -> Result<Option<EventState>, Killed> {
        Ok(self.events.get(event).map(|e| e.state.clone()))
    }
    fn series(&self, event: &str, which: SeriesSelect<'_>) -> Result<Vec<SeriesPart>, Killed> {
        Ok(self
            .parts
            .iter()
            .filter(|((e, k), _)| e == event && which.matches(k))
            .map(|(_, p)| p.clone())
            .collect())
    }
    fn volume(&self, d: &str, c: &str, from: &str, to: &str) -> Result<Vec<(String, u32)>, Killed> {
        if self.fail_volume {
            return Err(Killed);
        }
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
    fn events_running(
        &self,
        d: &str,
        c: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, String)>, Killed> {
        Ok(self
            .events
            .values()
            .map(|e| e.summary())
            .filter(|s| {
                s.diseases.first().is_some_and(|x| x.id == d)
                    && s.countries.first().is_some_and(|x| x == c)
            })
            .filter_map(|s| {
                let first = s.first_seen.clone()?;
                let last = s.last_seen.clone().unwrap_or_else(|| first.clone());
                (first.as_str() <= to && last.as_str() >= from).then(|| (s.id.clone(), first, last))
            })
            .collect())
    }
    fn summary(&self, event: &str) -> Result<Option<EventSummary>, Killed> {
        Ok(self.events.get(event).map(|e| e.summary().clone()))
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
    fn begin_reads(&self) -> Result<(), Killed> {
        assert!(!self.reads_open.get(), "a snapshot opened inside another");
        self.reads_open.set(true);
        self.snapshots.set(self.snapshots.get() + 1);
        Ok(())
    }
    fn end_reads(&self) -> Result<(), Killed> {
        self.reads_open.set(false);
        Ok(())
    }
    fn apply(&mut self, ch: &Changes) -> Result<(), Killed> {
        assert!(
            !self.reads_open.get(),
            "a batch written inside its read snapshot"
        );
        if self.fail_after.is_some_and(|n| self.applied >= n) {
            return Err(Killed);
        }
        self.applied += 1;
        if self.verify {
            self.check(ch);
        }
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
            self.parts.retain(|(e, _), _| e != from);
            self.metas.retain(|(e, _), _| e != from);
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
            for p in &rec.series {
                self.parts
                    .insert((rec.summary().id.clone(), p.key.clone()), p.clone());
            }
            let id = &rec.summary().id;
            match &rec.metas {
                Some(keys) => {
                    for k in keys {
                        match rec.state.series.get(k) {
                            Some(m) => {
                                self.metas.insert((id.clone(), k.clone()), m.clone());
                            }
                            None => {
                                self.metas.remove(&(id.clone(), k.clone()));
                            }
                        }
                    }
                }
                None => {
                    self.metas.retain(|(e, _), _| e != id);
                    for (k, m) in &rec.state.series {
                        self.metas.insert((id.clone(), k.clone()), m.clone());
                    }
                }
            }
            let kept: BTreeMap<&SeriesKey, &epiwire_consolidate::SeriesMeta> = self
                .metas
                .iter()
                .filter(|((e, _), _)| e == id)
                .map(|((_, k), m)| (k, m))
                .collect();
            assert_eq!(
                kept,
                rec.state.series.iter().collect::<BTreeMap<_, _>>(),
                "series metas written of {id}"
            );
            self.events.insert(rec.summary().id.clone(), rec.clone());
        }
        for (e, k) in &ch.dropped_series {
            self.parts.remove(&(e.clone(), k.clone()));
        }
        for (d, c, day, n) in &ch.volume {
            *self
                .volume
                .entry((d.clone(), c.clone(), day.clone()))
                .or_insert(0) += n;
        }
        self.signals.retain(|s| {
            let key = (
                s.disease.clone().unwrap_or_default(),
                s.country.clone().unwrap_or_default(),
                s.date.clone(),
            );
            !ch.rejudged.contains(&key)
        });
        self.signals.extend(ch.signals.iter().cloned());
        for s in &ch.refreshed {
            if let Some(e) = self.events.get_mut(&s.id) {
                e.summary = s.clone();
            }
        }
        Ok(())
    }
}

impl Mem {
    /// Asserts that every event record of the batch equals the one computed from scratch.
    fn check(&mut self, ch: &Changes) {
        for rec in &ch.events {
            let id = &rec.summary().id;
            let from: Vec<&String> = ch
                .merged
                .iter()
                .filter(|(_, into)| into == id)
                .map(|(f, _)| f)
                .collect();
            // Members written again in this batch (moved by a split) count where they go.
            let rewritten: BTreeSet<u64> = ch.members.iter().map(|(_, m)| m.seq).collect();
            let mut members: Vec<Member> = self
                .members
                .values()
                .filter(|(e, _)| e == id || from.contains(&e))
                .filter(|(_, m)| !rewritten.contains(&m.seq))
                .map(|(_, m)| m.clone())
                .chain(
                    ch.members
                        .iter()
                        .filter(|(e, _)| e == id)
                        .map(|(_, m)| m.clone()),
                )
                .collect();
            members.sort_by_key(|m| m.seq);
            let (summary, state, parts) = Consolidator::default()
                .rebuild_in(self, ch, id, &members)
                .unwrap();
            assert_eq!(&summary, rec.summary(), "summary of {id}");
            assert_eq!(state, rec.state, "aggregates of {id}");
            let mut kept: BTreeMap<SeriesKey, SeriesPart> = self
                .parts
                .iter()
                .filter(|((e, k), _)| {
                    e == id && !ch.dropped_series.contains(&(e.clone(), k.clone()))
                })
                .map(|((_, k), p)| (k.clone(), p.clone()))
                .collect();
            for p in &rec.series {
                kept.insert(p.key.clone(), p.clone());
            }
            let kept: Vec<SeriesPart> = kept.into_values().collect();
            assert_eq!(parts, kept, "series of {id}");
            self.verified += 1;
        }
    }

    /// Every event's full record, as a reader sees it.
    fn details(&self) -> BTreeMap<String, epiwire_consolidate::EventDetail> {
        self.events
            .iter()
            .map(|(id, rec)| {
                let members: Vec<Member> = self.members(id).unwrap();
                let parts = self.series(id, SeriesSelect::All).unwrap();
                (
                    id.clone(),
                    epiwire_consolidate::detail(rec.summary().clone(), &members, &parts),
                )
            })
            .collect()
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

/// A batch's reads share one snapshot of the backend, closed before the batch is written, and
/// closed too when a read fails in the middle of the batch.
#[test]
fn a_batch_reads_in_one_snapshot_closed_before_its_write() {
    let batch1 = Consolidator {
        batch: 1,
        ..Consolidator::default()
    };
    let mut m = Mem {
        docs: corpus(),
        ..Mem::default()
    };
    batch1.run(&mut m, |_| {}).unwrap();
    assert_eq!(m.applied, 4);
    // One a batch, and the one that found nothing pending.
    assert_eq!(m.snapshots.get(), 5);
    assert!(!m.reads_open.get());
    let mut failing = Mem {
        docs: corpus(),
        fail_volume: true,
        ..Mem::default()
    };
    assert!(batch1.run(&mut failing, |_| {}).is_err());
    assert_eq!((failing.applied, failing.snapshots.get()), (0, 1));
    assert!(!failing.reads_open.get());
}

/// The first WHO Disease Outbreak News reports (1996–1997: cholera, Ebola, meningitis, yellow
/// fever updates, week after week), from ../shared/data, annotated; `None` when the data is
/// not there.
fn who_don(n: usize) -> Option<Vec<(u64, Document)>> {
    use std::io::BufRead;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/who-don/dons-1996-2012.jsonl");
    let file = std::fs::File::open(&path).ok()?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().take(n).enumerate() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let mut d = Document {
            id: v["id"].as_str().unwrap().to_string(),
            url: v["url"].as_str().map(str::to_string),
            title: v["title"].as_str().map(str::to_string),
            published: v["date"].as_str().map(str::to_string),
            text: v["text"].as_str().unwrap_or("").to_string(),
            ..Document::default()
        };
        epiwire_annotate::annotate(&mut d);
        out.push((i as u64 + 1, d));
    }
    Some(out)
}

/// Events updated batch by batch from their new members only equal events computed from scratch
/// from all their members, at every batch (summaries, aggregates, series); and several batches
/// give the same events, members, timelines and responses as one batch.
#[test]
fn incremental_events_equal_a_rebuild() {
    let Some(mut docs) = who_don(160) else {
        eprintln!("SKIPPED: ../shared/data/who-don not found");
        return;
    };
    let n = docs.len() as u64;
    docs.extend(corpus().into_iter().map(|(s, d)| (s + n, d)));
    let run = |batch: usize, verify: bool| {
        let mut m = Mem {
            docs: docs.clone(),
            verify,
            ..Mem::default()
        };
        Consolidator {
            batch,
            ..Consolidator::default()
        }
        .run(&mut m, |_| {})
        .unwrap();
        m
    };
    let whole = run(10_000, true);
    let biggest = whole
        .events
        .values()
        .map(|e| e.summary().documents)
        .max()
        .unwrap();
    assert!(biggest >= 10, "a large event to grow: {biggest} documents");
    for batch in [7, 32] {
        let parts = run(batch, true);
        assert!(parts.verified > whole.verified);
        let groups = |m: &Mem| {
            m.members
                .iter()
                .map(|(s, (e, _))| (*s, e.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(groups(&parts), groups(&whole), "batches of {batch}");
        let (a, b) = (parts.details(), whole.details());
        assert_eq!(a.len(), b.len());
        for (id, d) in &a {
            let w = &b[id];
            assert_eq!(d.sources, w.sources, "{id}");
            assert_eq!(d.figures, w.figures, "{id}");
            assert_eq!(d.series, w.series, "{id}");
            assert_eq!(d.conflicts, w.conflicts, "{id}");
            assert_eq!(d.response, w.response, "{id}");
            let (s, ws) = (&d.summary, &w.summary);
            assert_eq!(
                (&s.title, &s.diseases, &s.countries, &s.places),
                (&ws.title, &ws.diseases, &ws.countries, &ws.places),
                "{id}"
            );
            assert_eq!(
                (
                    &s.first_seen,
                    &s.last_seen,
                    s.documents,
                    s.outlets,
                    &s.headline
                ),
                (
                    &ws.first_seen,
                    &ws.last_seen,
                    ws.documents,
                    ws.outlets,
                    &ws.headline
                ),
                "{id}"
            );
            // The timeline is the batch reconcile of every member's figures.
            let all: Vec<epiwire_consolidate::Figure> = parts
                .members(id)
                .unwrap()
                .iter()
                .flat_map(|m| m.figures.clone())
                .collect();
            let t = epiwire_timeline::reconcile(&all);
            assert_eq!(
                (&t.series, &t.conflicts, &t.figures),
                (&d.series, &d.conflicts, &d.figures)
            );
            // Every signal, new_event included (it is a function of the stored documents),
            // and so the rank.
            assert_eq!(s.signals, ws.signals, "{id}");
            assert_eq!(s.relevance, ws.relevance, "{id}");
        }
    }
}

/// Regression: an event ranked its diseases by the documents naming them, ties by id, so the
/// WHO report on monkeypox in the DRC (mpox named 30 times and in the title, COVID-19 three
/// times in passing) made an event listed under COVID-19. Mentions weighted by title and lead
/// put mpox first.
#[test]
fn the_disease_a_report_is_about_comes_first() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/don-monkeypox-drc.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let s = |k: &str| v[k].as_str().map(str::to_string);
    let mut d = Document {
        id: s("id").unwrap(),
        url: s("url"),
        title: s("title"),
        published: s("published"),
        text: s("text").unwrap(),
        ..Document::default()
    };
    epiwire_annotate::annotate(&mut d);
    let id_of = |name: &str| {
        d.diseases
            .iter()
            .find(|x| x.name == name)
            .map(|x| x.id.clone())
            .unwrap_or_else(|| panic!("{name} not found"))
    };
    // The trap: with one document per disease, the id breaks the tie in COVID-19's favour.
    assert!(id_of("COVID-19") < id_of("mpox"));
    let mut m = Mem {
        docs: vec![(1, d)],
        ..Mem::default()
    };
    Consolidator::default().run(&mut m, |_| {}).unwrap();
    let e = m.events.values().next().unwrap().summary().clone();
    let names: Vec<&str> = e.diseases.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"mpox"), "{names:?}");
    assert!(names.contains(&"COVID-19"), "{names:?}");
    assert_eq!(e.countries.first().map(String::as_str), Some("CD"));
}

/// Consolidating as ingest does (documents arriving a few batches at a time, one session kept
/// across runs, features and cues computed beforehand) gives the same events, profiles, series
/// parts and document frequencies as one run that computes everything itself; a session whose
/// watermark the store has moved past reads the state again, and features under the wrong id
/// are not used (nor the cues beside them).
#[test]
fn a_session_with_given_features_equals_plain_runs() {
    use epiwire_consolidate::{Cues, DocFeatures, Session};
    let Some(docs) = who_don(120) else {
        eprintln!("SKIPPED: ../shared/data/who-don not found");
        return;
    };
    let c = Consolidator {
        batch: 16,
        ..Consolidator::default()
    };
    let mut plain = Mem {
        docs: docs.clone(),
        ..Mem::default()
    };
    c.run(&mut plain, |_| {}).unwrap();

    let mut m = Mem::default();
    let mut session = Session::default();
    for (step, chunk) in docs.chunks(32).enumerate() {
        m.docs.extend(chunk.iter().cloned());
        for (seq, d) in chunk {
            let mut f = DocFeatures::from_document(d);
            let mut cues = Cues::from_document(d);
            if *seq == 40 {
                // Not this document's: ignored, and the cues beside them too.
                f = DocFeatures::from_document(&docs[0].1);
                cues = Cues::from_document(&docs[0].1);
            }
            if seq % 3 != 0 {
                session.features.insert(*seq, (f, cues));
            }
            // The others' features and cues are computed by the run.
        }
        if step == 2 {
            // Another process consolidates these: the session's table is stale.
            c.run(&mut m, |_| {}).unwrap();
        } else {
            c.run_with(&mut m, &mut session, |_| {}).unwrap();
        }
    }
    assert!(session.features.is_empty());
    assert_eq!(m.state, plain.state);
    assert_eq!(m.members, plain.members);
    assert_eq!(m.events, plain.events);
    assert_eq!(m.parts, plain.parts);
}

/// Features handed over through a session's inbox while a run goes on (as the ingest writer
/// does after each commit) are taken before each batch, not only when the run starts: no
/// document's features are computed again, and the events are those of a plain run.
#[test]
fn features_handed_over_during_a_run_are_used() {
    use epiwire_consolidate::{Cues, DocFeatures, FeatureInbox, Session};
    let docs = corpus();
    let c = Consolidator {
        batch: 1,
        ..Consolidator::default()
    };
    let mut plain = Mem {
        docs: docs.clone(),
        ..Mem::default()
    };
    let plain_done = c.run(&mut plain, |_| {}).unwrap();
    assert_eq!(plain_done.computed, docs.len() as u64);

    let pair = |i: usize| {
        let d = &docs[i].1;
        (
            docs[i].0,
            (DocFeatures::from_document(d), Cues::from_document(d)),
        )
    };
    let inbox = FeatureInbox::default();
    inbox.lock().unwrap().extend([pair(0)]);
    let mut m = Mem {
        docs: docs.clone(),
        ..Mem::default()
    };
    let mut session = Session::with_inbox(inbox.clone());
    // After each batch, the next document's pair arrives.
    let mut next = 1;
    let done = c
        .run_with(&mut m, &mut session, |_| {
            if next < docs.len() {
                inbox.lock().unwrap().extend([pair(next)]);
                next += 1;
            }
        })
        .unwrap();
    assert_eq!(done.documents, docs.len() as u64);
    assert_eq!(done.computed, 0);
    assert!(inbox.lock().unwrap().is_empty());
    assert_eq!(m.state, plain.state);
    assert_eq!(m.members, plain.members);
    assert_eq!(m.events, plain.events);
    assert_eq!(m.parts, plain.parts);
}

/// The partition the in-memory reference of the cluster crate (`Events::push_split`, what
/// `eval clustering` scores) makes of `docs` pushed in store order with `params`.
fn reference_partition(
    docs: &[(u64, Document)],
    params: &epiwire_cluster::Params,
) -> BTreeSet<BTreeSet<u64>> {
    reference_splits(docs, params).0
}

/// [`reference_partition`] and the number of splits the reference made.
fn reference_splits(
    docs: &[(u64, Document)],
    params: &epiwire_cluster::Params,
) -> (BTreeSet<BTreeSet<u64>>, usize) {
    let mut reference = epiwire_cluster::Events::new(epiwire_cluster::Clusterer::new(
        params.clone(),
        Default::default(),
    ));
    let mut splits = 0;
    for (_, d) in docs {
        let f = epiwire_cluster::DocFeatures::from_document(d);
        let c = epiwire_cluster::Cues::from_document(d);
        splits += usize::from(reference.push_split(&f, Some(&c)).2.is_some());
    }
    let mut want: BTreeMap<usize, BTreeSet<u64>> = BTreeMap::new();
    for (k, (seq, _)) in docs.iter().enumerate() {
        want.entry(reference.event_of(k).unwrap())
            .or_default()
            .insert(*seq);
    }
    (want.into_values().collect(), splits)
}

/// The partition the engine makes of `docs` (batch by batch), and the store it leaves.
fn engine_partition(
    docs: &[(u64, Document)],
    params: &epiwire_cluster::Params,
    batch: usize,
) -> (BTreeSet<BTreeSet<u64>>, Mem) {
    let mut m = Mem {
        docs: docs.to_vec(),
        verify: true,
        ..Mem::default()
    };
    Consolidator {
        batch,
        params: params.clone(),
        ..Consolidator::default()
    }
    .run(&mut m, |_| {})
    .unwrap();
    let mut got: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for (seq, _) in docs {
        got.entry(event_of(&m, *seq)).or_default().insert(*seq);
    }
    (got.into_values().collect(), m)
}

/// The first `n` documents of the ECB+ odd topics (../shared/data/news-clustering), annotated
/// as `eval clustering` annotates them, in the order its incremental rows push them; `None`
/// when the data is not there.
fn ecb(n: usize) -> Option<Vec<(u64, Document)>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/news-clustering/ecbplus_odd_topics.jsonl");
    let text = std::fs::read_to_string(&path).ok()?;
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .enumerate()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let d = epiwire_cluster::eval::annotated(
            v["doc_id"].as_str().unwrap(),
            v["title"].as_str(),
            v["text"].as_str().unwrap(),
            v["published"].as_str(),
        );
        out.push((i as u64 + 1, d));
    }
    // ECB+ is undated: publication order is file order.
    assert!(out.iter().all(|(_, d)| d.published.is_none()));
    Some(out)
}

/// The store-backed consolidation decides as the in-memory reference of the cluster crate
/// (`Events::push_cued`, the one `eval clustering` scores): names and years (cues) included,
/// the same documents end up together, batch by batch (7 documents a batch) or in one batch.
#[test]
fn events_are_the_reference_clustering_with_cues() {
    let Some(docs) = who_don(160) else {
        eprintln!("SKIPPED: ../shared/data/who-don not found");
        return;
    };
    let params = epiwire_cluster::Params::default();
    let want = reference_partition(&docs, &params);
    for batch in [7, 10_000] {
        assert_eq!(
            engine_partition(&docs, &params, batch).0,
            want,
            "batch {batch}"
        );
    }
}

/// Volume signals are a function of the documents, not of the batches they are consolidated
/// in: a batch that adds documents to a day judges that day (and the days after it whose
/// baseline it enters) again and replaces what they had, withdrawing an alarm raised on a
/// partial day (regression: an `ears_c1` signal stayed in one of two identical runs). The same
/// documents in batches of 1, 7, 256 and 10,000, in store order and reversed (every day's
/// baseline arrives after the day), give the same signal table, and every event carries the
/// same signals and rank: `new_event` too (regression: it asked which events of the disease ×
/// country the store held when the event was last touched, so it changed with batch
/// boundaries; now it asks whether any stored document reported the disease × country in the
/// 30 days before the event, and a later batch takes it away).
#[test]
fn volume_signals_do_not_depend_on_batches() {
    let Some(docs) = who_don(400) else {
        eprintln!("SKIPPED: ../shared/data/who-don not found");
        return;
    };
    let reversed: Vec<(u64, Document)> = docs
        .iter()
        .rev()
        .enumerate()
        .map(|(i, (_, d))| (i as u64 + 1, d.clone()))
        .collect();
    for (order, docs) in [("store order", docs), ("reversed", reversed)] {
        let run = |batch: usize| {
            let mut m = Mem {
                docs: docs.clone(),
                verify: batch == 7,
                ..Mem::default()
            };
            Consolidator {
                batch,
                ..Consolidator::default()
            }
            .run(&mut m, |_| {})
            .unwrap();
            m
        };
        let table = |m: &Mem| {
            let mut v: Vec<String> = m
                .signals
                .iter()
                .map(|s| serde_json::to_string(s).unwrap())
                .collect();
            v.sort();
            v
        };
        let whole = run(10_000);
        assert!(
            whole.signals.len() >= 10,
            "{order}: volume signals to compare: {}",
            whole.signals.len()
        );
        let new_events = whole
            .events
            .values()
            .filter(|e| e.summary().signals.iter().any(|x| x.kind == "new_event"))
            .count();
        assert!(
            new_events >= 10 && new_events < whole.events.len(),
            "{order}: new events to compare: {new_events} of {}",
            whole.events.len()
        );
        for batch in [1, 7, 256] {
            let m = run(batch);
            assert_eq!(
                table(&m),
                table(&whole),
                "{order}: signals, batches of {batch}"
            );
            assert_eq!(
                m.events.keys().collect::<Vec<_>>(),
                whole.events.keys().collect::<Vec<_>>(),
                "{order}: events, batches of {batch}"
            );
            for (id, e) in &m.events {
                let (s, w) = (e.summary(), whole.events[id].summary());
                assert_eq!(s.signals, w.signals, "{order}: {id}, batches of {batch}");
                assert_eq!(
                    s.relevance, w.relevance,
                    "{order}: {id}, batches of {batch}"
                );
            }
        }
    }
}

/// A day with documents new to a disease × country can join two runs, and so change how days
/// more than HISTORY_DAYS after it are judged (their series no longer starts within the
/// detectors' look-back): a batch that adds such a day judges them again. Here cholera in Haiti
/// is reported daily from 20 February 2020 for 26 days, ten reports on 11 March; alone, that
/// run starts 20 days before the 11th and the Farrington-style detector has no baseline then.
/// A report of 1 January 2020 arriving last makes the run one that started long before (its
/// days are judged on a full baseline, and the 11th raises an alarm), though the 11th is 70
/// days after it: batches of 1 must find what one batch finds (regression: only the 60 days
/// after an added day were judged again). Late reports of a day that had some change the
/// baseline of the days after it, which are judged again.
#[test]
fn a_new_day_that_joins_runs_judges_the_later_run_again() {
    let text = |day: &str, k: usize| {
        format!(
            "Cholera in Haiti\nThe Ministry of Health of Haiti reported new cholera cases in \
             Port-au-Prince on {day} (report {k})."
        )
    };
    let start: jiff::civil::Date = "2020-02-20".parse().unwrap();
    let mut docs: Vec<(u64, Document)> = Vec::new();
    for d in 0..26 {
        let day = start
            .checked_add(jiff::Span::new().days(d))
            .unwrap()
            .to_string();
        let n = if d == 20 { 10 } else { 1 };
        for k in 0..n {
            let seq = docs.len() as u64 + 1;
            docs.push((seq, doc(&format!("r{seq}"), None, &day, &text(&day, k))));
        }
    }
    // The run in date order, then reversed (each day's baseline arrives after it: every day
    // within HISTORY_DAYS of an added one is judged again); the report of 1 January last.
    let mut reversed: Vec<(u64, Document)> = docs
        .iter()
        .rev()
        .enumerate()
        .map(|(i, (_, d))| (i as u64 + 1, d.clone()))
        .collect();
    // Then five late reports of 4 March, a day that had one: the days up to HISTORY_DAYS
    // after it are judged on another baseline (the 11th's EARS bounds change).
    for docs in [&mut docs, &mut reversed] {
        let seq = docs.len() as u64 + 1;
        docs.push((
            seq,
            doc("bridge", None, "2020-01-01", &text("2020-01-01", 0)),
        ));
        for k in 1..=5 {
            let seq = docs.len() as u64 + 1;
            docs.push((
                seq,
                doc(
                    &format!("late{k}"),
                    None,
                    "2020-03-04",
                    &text("2020-03-04", k),
                ),
            ));
        }
    }
    let run = |docs: &[(u64, Document)], batch: usize| {
        let mut m = Mem {
            docs: docs.to_vec(),
            ..Mem::default()
        };
        Consolidator {
            batch,
            ..Consolidator::default()
        }
        .run(&mut m, |_| {})
        .unwrap();
        let mut v: Vec<String> = m
            .signals
            .iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect();
        v.sort();
        v
    };
    let whole = run(&docs, 10_000);
    assert!(
        whole
            .iter()
            .any(|s| s.contains("\"farrington\"") && s.contains("\"2020-03-11\"")),
        "{whole:#?}"
    );
    for order in [&docs, &reversed] {
        for batch in [1, 26] {
            assert_eq!(run(order, batch), whole, "batches of {batch}");
        }
    }
}

/// The same on a slice of the ECB+ odd topics (the first 13 topics' 150 documents, pairs of
/// events of one kind), with the default batch and one of 7 documents.
#[test]
fn ecb_events_are_the_reference_clustering() {
    let Some(docs) = ecb(150) else {
        eprintln!("SKIPPED: ../shared/data/news-clustering not found");
        return;
    };
    let params = epiwire_cluster::Params::default();
    let want = reference_partition(&docs, &params);
    assert!(want.len() > 5, "{}", want.len());
    for batch in [7, 256] {
        assert_eq!(
            engine_partition(&docs, &params, batch).0,
            want,
            "batch {batch}"
        );
    }
}

/// With the re-examination on (`Params::resplitting`), the engine splits events as the
/// reference does: on the ECB+ slice the reference splits events, and the engine's partition is
/// the reference's, batch by batch (7 documents, so splits meet events stored by earlier
/// batches) or in batches of 256 (splits of events made in the batch); every event record
/// written equals one rebuilt from its members (the check of `verify`), members moved by a
/// split included.
#[test]
fn ecb_events_split_as_the_reference() {
    let Some(docs) = ecb(150) else {
        eprintln!("SKIPPED: ../shared/data/news-clustering not found");
        return;
    };
    let params = epiwire_cluster::Params::default().resplitting();
    let (want, splits) = reference_splits(&docs, &params);
    assert!(splits > 0, "the slice must make the reference split");
    assert_ne!(
        want,
        reference_partition(&docs, &epiwire_cluster::Params::default())
    );
    engine_equals_reference(&docs, &params, &want);
}

/// In batches of 7 (events of earlier batches stored, merged and re-cut) and of 256, the engine
/// gives the partition `want`, verifies records against ones rebuilt from their members, keeps
/// every stored member's event and no series part of a gone event, and counts every document.
fn engine_equals_reference(
    docs: &[(u64, Document)],
    params: &epiwire_cluster::Params,
    want: &BTreeSet<BTreeSet<u64>>,
) {
    for batch in [7, 256] {
        let (got, m) = engine_partition(docs, params, batch);
        assert_eq!(&got, want, "batch {batch}");
        assert!(m.verified > 0);
        for (e, _) in m.members.values() {
            assert!(m.events.contains_key(e), "{e}");
        }
        for (e, _) in m.parts.keys() {
            assert!(m.events.contains_key(e), "{e}");
        }
        let documents: usize = m.events.values().map(|r| r.summary().documents).sum();
        assert_eq!(documents, docs.len());
    }
}

/// With the merge side of the re-examination on too (`Params::remerging`: events examined as
/// one merge, or take the two parts the split pass finds), the engine's partition is still the
/// reference's, batch by batch (7: events of earlier batches, stored, merged and re-cut) or in
/// batches of 256, and every record written equals one rebuilt from its members.
#[test]
fn ecb_events_remerge_as_the_reference() {
    let Some(docs) = ecb(150) else {
        eprintln!("SKIPPED: ../shared/data/news-clustering not found");
        return;
    };
    let params = epiwire_cluster::Params::default().remerging();
    let want = reference_partition(&docs, &params);
    assert_ne!(
        want,
        reference_partition(&docs, &epiwire_cluster::Params::default().resplitting())
    );
    engine_equals_reference(&docs, &params, &want);
}

/// On WHO DON reports, with the merge side kept to one outbreak (`Params::remerging`: events
/// examined as one only when they are one disease in one country, `remerge_outbreak`), the
/// engine's partition is the reference's, and differs from the one without that test (which
/// joins cholera events of several countries through roundup reports).
#[test]
fn who_don_events_remerge_as_the_reference() {
    let Some(docs) = who_don(200) else {
        eprintln!("SKIPPED: ../shared/data/who-don not found");
        return;
    };
    let params = epiwire_cluster::Params::default().remerging();
    let want = reference_partition(&docs, &params);
    let ungated = epiwire_cluster::Params {
        remerge_outbreak: 0.0,
        ..params.clone()
    };
    let loose = reference_partition(&docs, &ungated);
    assert_ne!(want, loose);
    assert!(want.len() > loose.len(), "{} {}", want.len(), loose.len());
    engine_equals_reference(&docs, &params, &want);
}

/// A run with re-examinations killed between batches resumes to the same events, members and
/// series as an uninterrupted run.
#[test]
fn a_killed_run_with_splits_resumes_exactly() {
    let Some(docs) = ecb(150) else {
        eprintln!("SKIPPED: ../shared/data/news-clustering not found");
        return;
    };
    let c = Consolidator {
        batch: 7,
        params: epiwire_cluster::Params::default().resplitting(),
        ..Consolidator::default()
    };
    let mut whole = Mem {
        docs: docs.clone(),
        ..Mem::default()
    };
    let done = c.run(&mut whole, |_| {}).unwrap();
    assert!(done.splits > 0);
    let mut m = Mem {
        docs,
        ..Mem::default()
    };
    for kill in [3, 9, 15] {
        m.fail_after = Some(kill);
        assert!(c.run(&mut m, |_| {}).is_err());
    }
    m.fail_after = None;
    c.run(&mut m, |_| {}).unwrap();
    assert_eq!(m.state, whole.state);
    assert_eq!(m.members, whole.members);
    assert_eq!(m.events, whole.events);
    assert_eq!(m.parts, whole.parts);
    assert_eq!(m.keys, whole.keys);
}

/// A consolidator that takes one document per batch.
fn one_per_batch() -> Consolidator {
    Consolidator {
        batch: 1,
        ..Consolidator::default()
    }
}

/// A backend holding the corpus, nothing consolidated.
fn fresh() -> Mem {
    Mem {
        docs: corpus(),
        ..Mem::default()
    }
}

#[test]
fn run_batches_stops_after_its_batches_and_the_rest_follows() {
    let c = one_per_batch();
    let mut m = fresh();
    let mut session = Session::default();
    let first = c.run_batches(&mut m, &mut session, 3, |_| {}).unwrap();
    assert_eq!((first.documents, first.watermark), (3, 3));
    assert_eq!(m.members.len(), 3, "the fourth document waits");
    let none = c.run_batches(&mut m, &mut session, 0, |_| {}).unwrap();
    assert_eq!(none.documents, 0);
    let rest = c.run_with(&mut m, &mut session, |_| {}).unwrap();
    assert_eq!((rest.documents, rest.watermark), (1, 4));
    // What one uninterrupted run in the same batches writes.
    let mut whole = fresh();
    c.run(&mut whole, |_| {}).unwrap();
    assert_eq!(m.state, whole.state);
    assert_eq!(m.members, whole.members);
    assert_eq!(m.events, whole.events);
    assert_eq!(m.keys, whole.keys);
}
