//! Evaluation on the news-clustering dev sets: B³ of the tf-idf baseline, of batch clustering
//! and of incremental clustering (documents in publication order, then file order), with the
//! documents' cues (what `ingest`'s consolidation does) and without them (`incr-nocues`,
//! for comparison), and with cues and the re-examination that can split an event
//! (`incr-resplit`, [`Params::resplitting`]).
//!
//! - `ecbplus_odd_topics.jsonl`: ECB+ odd topics, gold `event_id`;
//! - `newswcl50_docs.jsonl`: NewsWCL50, gold `event_id`, text in `text_detokenized`;
//! - `wikiref220_docs.jsonl`: WikiRef220, gold `topic_label`.

use std::fmt;
use std::path::Path;
use std::time::Instant;

use epiwire_model::Document;
use serde_json::Value;

use crate::{B3, Clusterer, Cues, DocFeatures, Error, Events, Params, Result, b3, baseline_batch};

/// Threshold of the baseline's average linkage (its best on the ECB+ odd topics).
pub const BASELINE_THRESHOLD: f32 = 0.2;

/// An annotated document built from an id, a title, a text and a publication date, as
/// `epiwire cluster` reads them: the title heads the text so that its mentions count.
pub fn annotated(id: &str, title: Option<&str>, text: &str, published: Option<&str>) -> Document {
    let body = match title {
        Some(t) if !t.trim().is_empty() && !text.starts_with(t.trim()) => {
            format!("{}\n\n{text}", t.trim())
        }
        _ => text.to_string(),
    };
    let mut doc = Document {
        id: id.to_string(),
        title: title.map(str::to_string),
        published: published.map(str::to_string),
        text: body,
        ..Document::default()
    };
    epiwire_annotate::annotate(&mut doc);
    doc
}

/// One labelled data set, annotated.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Short name.
    pub name: String,
    /// Features, in file order.
    pub docs: Vec<DocFeatures>,
    /// Event cues of each document.
    pub cues: Vec<crate::Cues>,
    /// Gold cluster of each document.
    pub gold: Vec<String>,
    /// Seconds spent reading and annotating.
    pub annotate_secs: f64,
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

/// One labelled data set as annotated documents (what a store would hold), before features.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// Short name.
    pub name: String,
    /// Annotated documents, in file order.
    pub documents: Vec<Document>,
    /// Gold cluster of each document.
    pub gold: Vec<String>,
    /// Seconds spent reading and annotating.
    pub annotate_secs: f64,
}

impl Dataset {
    /// The features and cues of a labelled set's documents.
    pub fn of(set: &Labelled) -> Dataset {
        Dataset {
            name: set.name.clone(),
            docs: set
                .documents
                .iter()
                .map(DocFeatures::from_document)
                .collect(),
            cues: set.documents.iter().map(Cues::from_document).collect(),
            gold: set.gold.clone(),
            annotate_secs: set.annotate_secs,
        }
    }
}

/// Reads and annotates one data set: `text_field` holds the text, `gold_field` the label.
pub fn load(path: &Path, name: &str, text_field: &str, gold_field: &str) -> Result<Dataset> {
    Ok(Dataset::of(&load_documents(
        path, name, text_field, gold_field,
    )?))
}

/// [`load`] without the features: the annotated documents and their labels.
pub fn load_documents(
    path: &Path,
    name: &str,
    text_field: &str,
    gold_field: &str,
) -> Result<Labelled> {
    let shown = path.display().to_string();
    let started = Instant::now();
    let content = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: shown.clone(),
        source,
    })?;
    let mut documents = Vec::new();
    let mut gold = Vec::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Data {
            path: shown.clone(),
            line: i + 1,
            message,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let id = field(&v, "doc_id")
            .or_else(|| field(&v, "id"))
            .ok_or_else(|| bad("no doc_id".into()))?;
        let text = field(&v, text_field).ok_or_else(|| bad(format!("no {text_field}")))?;
        let label = match v.get(gold_field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(bad(format!("no {gold_field}"))),
        };
        documents.push(annotated(
            id,
            field(&v, "title"),
            text,
            field(&v, "published"),
        ));
        gold.push(label);
    }
    Ok(Labelled {
        name: name.to_string(),
        documents,
        gold,
        annotate_secs: started.elapsed().as_secs_f64(),
    })
}

/// The three dev sets of the `news-clustering` directory as annotated documents.
pub fn load_all_documents(dir: &Path) -> Result<Vec<Labelled>> {
    Ok(vec![
        load_documents(
            &dir.join("ecbplus_odd_topics.jsonl"),
            "ECB+ odd",
            "text",
            "event_id",
        )?,
        load_documents(
            &dir.join("newswcl50_docs.jsonl"),
            "NewsWCL50",
            "text_detokenized",
            "event_id",
        )?,
        load_documents(
            &dir.join("wikiref220_docs.jsonl"),
            "WikiRef220",
            "text",
            "topic_label",
        )?,
    ])
}

/// Loads the three dev sets from the `news-clustering` directory.
pub fn load_all(dir: &Path) -> Result<Vec<Dataset>> {
    Ok(load_all_documents(dir)?.iter().map(Dataset::of).collect())
}

/// The order in which the incremental rows feed documents: by publication date (undated ones
/// keep file order, after the dated). A store-backed run must store them in this order to be
/// compared with them.
pub fn publication_order(docs: &[DocFeatures]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| match (&docs[a].published, &docs[b].published) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    order
}

/// Incremental clustering of `docs` in publication order (undated ones keep file order, after
/// the dated); labels in input order.
pub fn incremental(docs: &[DocFeatures], params: &Params) -> Vec<usize> {
    incremental_cued(docs, None, params)
}

/// [`incremental`] with the documents' cues (one per document, in order; ignored when the
/// lengths differ).
pub fn incremental_cued(
    docs: &[DocFeatures],
    cues: Option<&[Cues]>,
    params: &Params,
) -> Vec<usize> {
    let cues = cues.filter(|c| c.len() == docs.len());
    let order = publication_order(docs);
    let mut events = Events::new(Clusterer::new(params.clone(), crate::DfTable::new()));
    for &i in &order {
        events.push_cued(&docs[i], cues.map(|c| &c[i]));
    }
    // Push k is document order[k]; its event follows merges and splits.
    let mut labels = vec![0usize; docs.len()];
    for (k, &i) in order.iter().enumerate() {
        labels[i] = events.event_of(k).unwrap_or(usize::MAX);
    }
    labels
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// Data set.
    pub dataset: String,
    /// Method: baseline, batch, incremental, incr-nocues, incr-resplit or incr-remerge.
    pub method: &'static str,
    /// Documents.
    pub docs: usize,
    /// Gold clusters.
    pub gold_clusters: usize,
    /// Predicted clusters.
    pub clusters: usize,
    /// Scores.
    pub b3: B3,
    /// Documents per second of the clustering step (features built).
    pub docs_per_sec: f64,
}

/// The evaluation report: one row per data set and method.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Rows.
    pub rows: Vec<Row>,
    /// Documents per second of reading and annotating.
    pub annotate_docs_per_sec: f64,
}

fn distinct<T: Ord + Clone>(v: &[T]) -> usize {
    let mut v = v.to_vec();
    v.sort();
    v.dedup();
    v.len()
}

/// Scores the three methods on annotated data sets.
pub fn score(datasets: &[Dataset], params: &Params) -> Report {
    let mut report = Report::default();
    let (mut n, mut secs) = (0usize, 0.0f64);
    for ds in datasets {
        n += ds.docs.len();
        secs += ds.annotate_secs;
        let runs: [(&'static str, &dyn Fn() -> Vec<usize>); 6] = [
            ("baseline", &|| baseline_batch(&ds.docs, BASELINE_THRESHOLD)),
            ("batch", &|| {
                crate::cluster_batch_cued(&ds.docs, Some(&ds.cues), params, None)
            }),
            ("incremental", &|| {
                incremental_cued(&ds.docs, Some(&ds.cues), params)
            }),
            ("incr-nocues", &|| incremental(&ds.docs, params)),
            ("incr-resplit", &|| {
                incremental_cued(&ds.docs, Some(&ds.cues), &params.resplitting())
            }),
            ("incr-remerge", &|| {
                incremental_cued(&ds.docs, Some(&ds.cues), &params.remerging())
            }),
        ];
        for (method, run) in runs {
            let started = Instant::now();
            let labels = run();
            let elapsed = started.elapsed().as_secs_f64().max(1e-9);
            report.rows.push(Row {
                dataset: ds.name.clone(),
                method,
                docs: ds.docs.len(),
                gold_clusters: distinct(&ds.gold),
                clusters: distinct(&labels),
                b3: b3(&labels, &ds.gold),
                docs_per_sec: ds.docs.len() as f64 / elapsed,
            });
        }
    }
    report.annotate_docs_per_sec = if secs > 0.0 { n as f64 / secs } else { 0.0 };
    report
}

/// Loads, annotates and scores the dev sets in `dir` (the `news-clustering` folder).
pub fn evaluate(dir: &Path) -> Result<Report> {
    let datasets = load_all(dir)?;
    Ok(score(&datasets, &Params::default()))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<11} {:<14} {:>5} {:>5} {:>6} {:>7} {:>7} {:>7} {:>9}",
            "dataset", "method", "docs", "gold", "found", "B3 P", "B3 R", "B3 F1", "docs/s"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:<11} {:<14} {:>5} {:>5} {:>6} {:>7.3} {:>7.3} {:>7.3} {:>9.0}",
                r.dataset,
                r.method,
                r.docs,
                r.gold_clusters,
                r.clusters,
                r.b3.precision,
                r.b3.recall,
                r.b3.f1,
                r.docs_per_sec
            )?;
        }
        write!(
            f,
            "reading + annotation: {:.0} docs/s (docs/s above: clustering alone, features built)",
            self.annotate_docs_per_sec
        )
    }
}
