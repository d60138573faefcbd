//! Prints everything a search can read from an index, independent of how its documents are split
//! into segments: every stored document, every field norm and every indexed term with its
//! documents, frequencies and positions, all keyed by store sequence number and sorted.
//!
//! Two indexes of the same store print the same when every search over them answers the same
//! (up to the order of equal scores, which depends on the segments), so this is the identity
//! check of indexing changes: build the index of one input with the old and the new binary and
//! compare the dumps.
//!
//! `cargo run --release -p epiwire-search --example dump_index -- DATA/index > dump.txt`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::Write;

use tantivy::postings::Postings;
use tantivy::schema::{Document, IndexRecordOption, Value};
use tantivy::{DocSet, Index, TERMINATED, TantivyDocument};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: dump_index INDEX_DIR");
    let index = Index::open_in_dir(&dir).unwrap();
    let schema = index.schema();
    let searcher = index.reader().unwrap().searcher();
    let seq_field = schema.get_field("seq").unwrap();
    let mut docs: BTreeMap<u64, String> = BTreeMap::new();
    let mut norms: BTreeMap<(String, u64), u32> = BTreeMap::new();
    let mut tokens: BTreeMap<String, u64> = BTreeMap::new();
    type Posting = (u32, Vec<u32>);
    let mut terms: BTreeMap<(String, Vec<u8>), BTreeMap<u64, Posting>> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(0).unwrap();
        let mut seqs = Vec::new();
        for doc_id in 0..segment.max_doc() {
            let doc: TantivyDocument = store.get(doc_id).unwrap();
            let seq = doc.get_first(seq_field).and_then(|v| v.as_u64()).unwrap();
            seqs.push(seq);
            docs.insert(seq, doc.to_json(&schema));
        }
        for (field, entry) in schema.fields() {
            if !entry.is_indexed() {
                continue;
            }
            let name = entry.name().to_string();
            if let Ok(reader) = segment.get_fieldnorms_reader(field) {
                for (doc_id, seq) in seqs.iter().enumerate() {
                    norms.insert((name.clone(), *seq), reader.fieldnorm(doc_id as u32));
                }
            }
            let inverted = segment.inverted_index(field).unwrap();
            *tokens.entry(name.clone()).or_default() += inverted.total_num_tokens();
            let mut stream = inverted.terms().stream().unwrap();
            while stream.advance() {
                let mut postings = inverted
                    .read_postings_from_terminfo(
                        stream.value(),
                        IndexRecordOption::WithFreqsAndPositions,
                    )
                    .unwrap();
                let per_doc = terms
                    .entry((name.clone(), stream.key().to_vec()))
                    .or_default();
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    let mut positions = Vec::new();
                    postings.positions(&mut positions);
                    per_doc.insert(seqs[doc as usize], (postings.term_freq(), positions));
                    doc = postings.advance();
                }
            }
        }
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "documents {}", docs.len()).unwrap();
    for (seq, doc) in &docs {
        writeln!(out, "doc {seq} {doc}").unwrap();
    }
    for (field, n) in &tokens {
        writeln!(out, "tokens {field} {n}").unwrap();
    }
    for ((field, seq), norm) in &norms {
        writeln!(out, "norm {field} {seq} {norm}").unwrap();
    }
    for ((field, term), per_doc) in &terms {
        write!(out, "term {field} {:?}", String::from_utf8_lossy(term)).unwrap();
        for (seq, (tf, positions)) in per_doc {
            write!(out, " {seq}:{tf}:{positions:?}").unwrap();
        }
        writeln!(out).unwrap();
    }
}
