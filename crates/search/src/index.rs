//! The on-disk index: open, rebuild, sync from the store, search.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use epiwire_store::Store;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{Facet, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DateTime, DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument,
    TantivyError,
};

use crate::analyzer;
use crate::query::{
    self, FacetCount, Facets, Hit, MAX_LIMIT, MAX_OFFSET, SearchQuery, SearchResults, Sort,
};
use crate::schema::{DISEASE_SEP, FORMAT_VERSION, Fields};
use crate::{Error, Result};

/// Documents read from the store per page.
const PAGE: usize = 512;
/// Documents between two commits during a sync: a killed rebuild keeps what was committed.
const COMMIT_EVERY: usize = 20_000;
/// Memory budget of the index writer (split among its threads; tantivy needs 15 MB a thread).
const WRITER_BYTES: usize = 128 * 1024 * 1024;
/// Most index writer threads.
const MAX_WRITER_THREADS: usize = 4;
/// Code points of a snippet.
const SNIPPET_CHARS: usize = 200;
/// Most values reported per facet.
const MAX_FACET_VALUES: usize = 100;

/// What every commit records, as JSON in the commit payload.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Watermark {
    /// [`FORMAT_VERSION`] of the writer.
    format: u32,
    /// Store sequence number of the last indexed document (0: none).
    last_seq: u64,
    /// Id of that document, to recognise the store it came from.
    last_id: String,
}

/// What a [`SearchIndex::sync`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Documents added to the index.
    pub added: usize,
    /// Store sequence number of the last indexed document (0 when the index is empty).
    pub last_seq: u64,
    /// Documents in the index after the sync.
    pub indexed: u64,
}

/// The full-text index of a store's documents.
///
/// `SearchIndex` is `Send + Sync`: share it behind an `Arc` and call [`SearchIndex::search`] from
/// many threads. [`SearchIndex::sync`] may run concurrently with searches (searches see the new
/// documents once it has committed); concurrent syncs in one process wait for each other, and a
/// sync while another *process* writes the index fails with [`Error::Locked`].
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Serialises writers within this process.
    write_lock: Mutex<()>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir` and checks it against `store`; rebuilds it from the store when
    /// it is missing, unreadable, written by another format version, or does not match the store
    /// (the document at its watermark is not in the store). Then syncs it, so it holds every
    /// document of the store. The directory is created when missing; on a rebuild everything in
    /// it is deleted, so give it a directory of its own (see [`crate::index_dir`]).
    pub fn open_or_rebuild(dir: &Path, store: &dyn Store) -> Result<SearchIndex> {
        let started = Instant::now();
        let index = match SearchIndex::open_checked(dir, store) {
            Ok(index) => index,
            Err(reason) => {
                tracing::info!("rebuilding the search index in {}: {reason}", dir.display());
                SearchIndex::create(dir)?
            }
        };
        let report = index.sync(store)?;
        tracing::info!(
            "search index {}: {} documents ({} added) in {:.1?}",
            dir.display(),
            report.indexed,
            report.added,
            started.elapsed()
        );
        Ok(index)
    }

    /// Opens an existing index and verifies it; the error says why it cannot be used.
    fn open_checked(dir: &Path, store: &dyn Store) -> std::result::Result<SearchIndex, String> {
        if !dir.join("meta.json").is_file() {
            return Err("no index".into());
        }
        let index = SearchIndex::open(dir).map_err(|e| format!("cannot open: {e}"))?;
        let mark = index.watermark().map_err(|e| format!("cannot read: {e}"))?;
        let searcher = index.reader.searcher();
        let indexed = searcher.num_docs();
        match mark {
            None if indexed == 0 => return Ok(index),
            None => return Err("no watermark".into()),
            Some(m) if m.format != FORMAT_VERSION => {
                return Err(format!(
                    "format version {} (this build writes {FORMAT_VERSION})",
                    m.format
                ));
            }
            Some(m) if m.last_seq > 0 => {
                let at = store
                    .documents(m.last_seq - 1, 1)
                    .map_err(|e| format!("cannot read the store: {e}"))?;
                match at.first() {
                    Some((seq, doc)) if *seq == m.last_seq && doc.id == m.last_id => {}
                    _ => return Err("the store does not hold the last indexed document".into()),
                }
                let stored = store
                    .stats()
                    .map_err(|e| format!("cannot read the store: {e}"))?
                    .documents;
                if indexed > stored {
                    return Err(format!("{indexed} documents indexed but {stored} stored"));
                }
            }
            Some(_) => {}
        }
        // Every segment must be readable: a missing or truncated file shows here.
        for segment in searcher.segment_readers() {
            let store_reader = segment
                .get_store_reader(0)
                .map_err(|e| format!("corrupt segment: {e}"))?;
            store_reader
                .iter::<TantivyDocument>(segment.alive_bitset())
                .take(1)
                .try_for_each(|d| d.map(drop))
                .map_err(|e| format!("corrupt segment: {e}"))?;
        }
        Ok(index)
    }

    fn open(dir: &Path) -> Result<SearchIndex> {
        let index = Index::open_in_dir(dir)?;
        let (schema, fields) = Fields::schema();
        if index.schema() != schema {
            return Err(Error::Index(TantivyError::SchemaError(
                "the index schema differs from this build's".into(),
            )));
        }
        SearchIndex::with_index(dir, index, fields)
    }

    /// Deletes whatever is in `dir` and creates an empty index there.
    fn create(dir: &Path) -> Result<SearchIndex> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        match std::fs::remove_dir_all(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = Fields::schema();
        let directory = MmapDirectory::open(dir).map_err(|e| Error::Index(e.into()))?;
        let index = Index::create(directory, schema, Default::default())?;
        SearchIndex::with_index(dir, index, fields)
    }

    fn with_index(dir: &Path, index: Index, fields: Fields) -> Result<SearchIndex> {
        index
            .tokenizers()
            .register(analyzer::TEXT_TOKENIZER, analyzer::text_analyzer());
        // Commits of another process (an ingest while a server runs) show up within a second.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            write_lock: Mutex::new(()),
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of indexed documents (as of the last commit seen).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Store sequence number of the last indexed document; 0 when the index is empty.
    pub fn last_seq(&self) -> Result<u64> {
        Ok(self.watermark()?.map_or(0, |m| m.last_seq))
    }

    /// The watermark of the last commit, read from disk (it may be another process's).
    fn watermark(&self) -> Result<Option<Watermark>> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()))
    }

    /// A writer for a sync whose first page holds `first_page` documents.
    fn writer(&self, first_page: usize) -> Result<IndexWriter> {
        // A sync of one page is too small to gain from threads: each would write a segment of
        // its own, serialising the shared vocabulary once per segment.
        let threads = if first_page < PAGE {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .clamp(1, MAX_WRITER_THREADS)
        };
        self.index
            .writer_with_num_threads(threads, WRITER_BYTES)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => Error::Locked {
                    path: self.dir.clone(),
                },
                e => Error::Index(e),
            })
    }

    /// Adds the documents stored after the index's watermark, committing every 20,000 documents
    /// and at the end, each commit with its new watermark. Cheap when there is nothing new (one
    /// store query). Searches see the new documents when it returns.
    pub fn sync(&self, store: &dyn Store) -> Result<SyncReport> {
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut mark = self.watermark()?.unwrap_or(Watermark {
            format: FORMAT_VERSION,
            last_seq: 0,
            last_id: String::new(),
        });
        let mut writer: Option<IndexWriter> = None;
        let mut added = 0;
        let mut pending = 0;
        loop {
            let page = store.documents(mark.last_seq, PAGE)?;
            let Some((last_seq, last_doc)) = page.last() else {
                break;
            };
            let w = match &mut writer {
                Some(w) => w,
                None => {
                    let w = writer.insert(self.writer(page.len())?);
                    // Another process may have committed between the first read of the
                    // watermark and taking the writer lock: start again from its watermark.
                    if let Some(now) = self.watermark()?
                        && now.last_seq != mark.last_seq
                    {
                        mark = now;
                        continue;
                    }
                    w
                }
            };
            for (seq, doc) in &page {
                w.add_document(self.fields.document(*seq, doc))?;
            }
            mark.last_seq = *last_seq;
            mark.last_id.clone_from(&last_doc.id);
            added += page.len();
            pending += page.len();
            if pending >= COMMIT_EVERY {
                commit(w, &mark)?;
                pending = 0;
            }
        }
        if let Some(mut w) = writer {
            if pending > 0 {
                commit(&mut w, &mark)?;
            }
            w.wait_merging_threads()?;
            self.reader.reload()?;
        }
        Ok(SyncReport {
            added,
            last_seq: mark.last_seq,
            indexed: self.reader.searcher().num_docs(),
        })
    }

    /// Runs a search. Bad query syntax gives [`Error::BadQuery`], a bad date [`Error::BadDate`].
    pub fn search(&self, req: &SearchQuery) -> Result<SearchResults> {
        let query = query::build(&self.index, &self.fields, req)?;
        let searcher = self.reader.searcher();
        let facet = |field: &str| {
            let mut c = FacetCollector::for_field(field);
            c.add_facet(Facet::root());
            c
        };
        let facets_collector = (
            facet("disease_facet"),
            facet("country"),
            facet("outlet_facet"),
        );
        // Past MAX_OFFSET no page is returned (the collector would have to keep offset+limit
        // documents); the total and the facets still are.
        let limit = if req.offset > MAX_OFFSET {
            0
        } else {
            req.limit.min(MAX_LIMIT)
        };
        let by_date = req.sort == Sort::Newest || req.q.trim().is_empty();
        let (total, top, (diseases, countries, outlets)): (
            usize,
            Vec<(Option<f32>, DocAddress)>,
            _,
        ) = if limit == 0 {
            let (n, f) = searcher.search(&query, &(Count, facets_collector))?;
            (n, Vec::new(), f)
        } else if by_date {
            let top = TopDocs::with_limit(limit)
                .and_offset(req.offset)
                .order_by_fast_field::<DateTime>("published_at", Order::Desc);
            let (n, t, f) = searcher.search(&query, &(Count, top, facets_collector))?;
            (n, t.into_iter().map(|(_, a)| (None, a)).collect(), f)
        } else {
            let top = TopDocs::with_limit(limit)
                .and_offset(req.offset)
                .order_by_score();
            let (n, t, f) = searcher.search(&query, &(Count, top, facets_collector))?;
            (n, t.into_iter().map(|(s, a)| (Some(s), a)).collect(), f)
        };
        let mut snippets = SnippetGenerator::create(&searcher, &*query, self.fields.text)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text_of = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let all_text = |field| {
                doc.get_all(field)
                    .filter_map(|v| v.as_str())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            let snippet = snippets.snippet_from_doc(&doc);
            let (snippet, highlights, snippet_html) = if snippet.is_empty() {
                let text = doc
                    .get_first(self.fields.text)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                query::opening(text, SNIPPET_CHARS)
            } else {
                query::render(&snippet)
            };
            hits.push(Hit {
                seq: doc
                    .get_first(self.fields.seq)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default(),
                id: text_of(self.fields.id).unwrap_or_default(),
                title: text_of(self.fields.title),
                url: text_of(self.fields.url),
                outlet: text_of(self.fields.outlet),
                published: text_of(self.fields.published),
                diseases: all_text(self.fields.disease_name),
                countries: all_text(self.fields.country_code),
                score,
                snippet,
                highlights,
                snippet_html,
            });
        }
        Ok(SearchResults {
            total,
            hits,
            facets: Facets {
                diseases: disease_counts(&diseases),
                countries: plain_counts(&countries),
                outlets: plain_counts(&outlets),
            },
        })
    }
}

/// Commits what the writer holds with the watermark as payload.
fn commit(writer: &mut IndexWriter, mark: &Watermark) -> Result<()> {
    let payload = serde_json::to_string(mark).map_err(|e| {
        Error::Index(TantivyError::InternalError(format!(
            "cannot encode the watermark: {e}"
        )))
    })?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}

/// The single path segment of a top-level facet.
fn segment(facet: &Facet) -> Option<String> {
    facet.to_path().first().map(|s| (*s).to_string())
}

fn plain_counts(counts: &FacetCounts) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .top_k(Facet::root(), MAX_FACET_VALUES)
        .into_iter()
        .filter_map(|(facet, count)| {
            Some(FacetCount {
                key: segment(facet)?,
                name: None,
                count,
            })
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    out
}

/// Disease facets are `id\u{1f}name`; one id may carry several names (lexicon changes): merged,
/// keeping the most frequent name.
fn disease_counts(counts: &FacetCounts) -> Vec<FacetCount> {
    let mut by_id: BTreeMap<String, (u64, String, u64)> = BTreeMap::new();
    for (facet, count) in counts.get(Facet::root()) {
        let Some(seg) = segment(facet) else { continue };
        let (id, name) = seg.split_once(DISEASE_SEP).unwrap_or((seg.as_str(), ""));
        let entry = by_id
            .entry(id.to_string())
            .or_insert_with(|| (0, name.to_string(), count));
        entry.0 += count;
        if count > entry.2 {
            entry.1 = name.to_string();
            entry.2 = count;
        }
    }
    let mut out: Vec<FacetCount> = by_id
        .into_iter()
        .map(|(key, (count, name, _))| FacetCount {
            key,
            name: (!name.is_empty()).then_some(name),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    out.truncate(MAX_FACET_VALUES);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use epiwire_model::Document;
    use epiwire_store::{NewDoc, SqliteStore, Store};

    use super::*;

    fn store_with(n: u8) -> SqliteStore {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let docs: Vec<NewDoc> = (0..n)
            .map(|i| NewDoc {
                hash: [i; 32],
                source: format!("doc{i}"),
                doc: Document {
                    id: format!("doc{i}"),
                    text: format!("measles outbreak number {i}"),
                    ..Document::default()
                },
            })
            .collect();
        store.put_batch(&docs).unwrap();
        store
    }

    #[test]
    fn uncommitted_documents_of_a_killed_sync_are_added_once() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store_with(7);
        let index = SearchIndex::create(tmp.path()).unwrap();
        // A sync that added documents and died before its commit.
        {
            let w = index.writer(PAGE).unwrap();
            for (seq, doc) in store.documents(0, 100).unwrap() {
                w.add_document(index.fields.document(seq, &doc)).unwrap();
            }
            drop(w); // no commit
        }
        assert_eq!(index.last_seq().unwrap(), 0);
        let report = index.sync(&store).unwrap();
        assert_eq!((report.added, report.indexed, report.last_seq), (7, 7, 7));
        assert_eq!(index.sync(&store).unwrap().added, 0);
        let total = index
            .search(&SearchQuery {
                q: "measles".into(),
                ..SearchQuery::default()
            })
            .unwrap()
            .total;
        assert_eq!(total, 7);
    }

    /// The first WHO Disease Outbreak News records through sources → article → annotate.
    fn who_don_store(records: usize) -> SqliteStore {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/who-don/dons-1996-2012.jsonl");
        let text = std::fs::read_to_string(&path).unwrap();
        let head: String = text
            .lines()
            .take(records)
            .map(|l| format!("{l}\n"))
            .collect();
        let mut batch = Vec::new();
        let options = epiwire_sources::Options::default();
        for item in epiwire_sources::read_bytes(head.as_bytes(), "dons.jsonl", &options) {
            let epiwire_sources::Item::Doc { raw, hash } = item else {
                continue;
            };
            let article = epiwire_article::extract(&raw).unwrap();
            let mut doc = Document::from_article(&raw, article);
            epiwire_annotate::annotate(&mut doc);
            batch.push(NewDoc {
                hash,
                source: raw.id.clone(),
                doc,
            });
        }
        let mut store = SqliteStore::open_in_memory().unwrap();
        store.put_batch(&batch).unwrap();
        store
    }

    /// Every kind of request the CLI, the API and the dashboard make.
    fn requests() -> Vec<SearchQuery> {
        let q = |text: &str| SearchQuery {
            q: text.into(),
            limit: MAX_LIMIT,
            ..SearchQuery::default()
        };
        let mut out: Vec<SearchQuery> = [
            "cholera",
            "avian influenza",
            "\"avian influenza\"",
            "\"yellow fever\" vaccination",
            "ebola OR marburg",
            "ebola -guinea",
            "title:outbreak",
            "disease_name:cholera",
            "outbreaks reported",
            "hospitalized hospitalisation hospitals",
            "deaths cases confirmed",
            "laboratory-confirmed cases",
            "Genève OR Zürich",
            "the",
            "WHO",
            "meningitis Burkina Faso",
        ]
        .iter()
        .map(|t| q(t))
        .collect();
        out.push(SearchQuery {
            disease: Some("cholera".into()),
            ..q("")
        });
        out.push(SearchQuery {
            country: Some("cd".into()),
            ..q("ebola")
        });
        out.push(SearchQuery {
            from: Some("1998-01-01".into()),
            to: Some("1999-12-31".into()),
            ..q("outbreak")
        });
        out.push(SearchQuery {
            sort: Sort::Newest,
            ..q("fever")
        });
        out.push(SearchQuery {
            offset: 5,
            limit: 7,
            ..q("cases")
        });
        out.push(SearchQuery {
            limit: 0,
            ..q("vaccine")
        });
        out.push(SearchQuery {
            lenient: true,
            ..q("\"unclosed cholera AND (")
        });
        out.push(SearchQuery {
            lenient: true,
            ..q("outbre")
        });
        out
    }

    #[test]
    fn the_memo_analyzer_answers_as_the_stock_one() {
        let store = who_don_store(400);
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let stock = SearchIndex::create(a.path()).unwrap();
        stock.index.tokenizers().register(
            analyzer::TEXT_TOKENIZER,
            tantivy::tokenizer::TokenizerManager::default()
                .get(analyzer::TEXT_TOKENIZER)
                .unwrap(),
        );
        let memo = SearchIndex::create(b.path()).unwrap();
        // One page: one thread each, so the documents are in the same order in both.
        assert!(stock.sync(&store).unwrap().added < PAGE);
        memo.sync(&store).unwrap();
        let mut matched = 0;
        for req in requests() {
            let (x, y) = (stock.search(&req).unwrap(), memo.search(&req).unwrap());
            assert_eq!(x, y, "{req:?}");
            matched += x.total;
        }
        assert!(matched > 1000, "the requests match too little: {matched}");
    }

    #[test]
    fn the_watermark_is_in_the_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store_with(3);
        let index = SearchIndex::open_or_rebuild(tmp.path(), &store).unwrap();
        let mark = index.watermark().unwrap().unwrap();
        assert_eq!(
            mark,
            Watermark {
                format: FORMAT_VERSION,
                last_seq: 3,
                last_id: "doc2".into()
            }
        );
        // Another format version is rebuilt, not trusted.
        let mut w = index.writer(1).unwrap();
        commit(
            &mut w,
            &Watermark {
                format: FORMAT_VERSION + 1,
                ..mark
            },
        )
        .unwrap();
        drop(w);
        drop(index);
        let reopened = SearchIndex::open_or_rebuild(tmp.path(), &store).unwrap();
        assert_eq!(
            reopened.watermark().unwrap().unwrap().format,
            FORMAT_VERSION
        );
        assert_eq!(reopened.num_docs(), 3);
    }
}
