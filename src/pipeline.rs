//! The one-way flow for one document (article → annotate), and an ordered parallel driver.
//!
//! A reader thread pulls documents from the sources and hands them over in bounded chunks; the
//! chunks are processed in parallel with rayon and given to the sink in input order. At most two
//! chunks wait in the channel, so memory stays bounded whatever the input size.

use std::sync::mpsc;
use std::thread;

use epiwire_model::{DocError, Document, RawDoc};
use epiwire_sources::Item;
use rayon::prelude::*;

/// Most documents in one chunk.
const CHUNK_DOCS: usize = 256;
/// Most body bytes in one chunk.
const CHUNK_BYTES: usize = 64 * 1024 * 1024;

/// Turns one raw document into an annotated document, or the message saying why it cannot.
pub fn process(raw: &RawDoc) -> Result<Document, String> {
    let article = epiwire_article::extract(raw).map_err(|e| e.to_string())?;
    let mut doc = Document::from_article(raw, article);
    epiwire_annotate::annotate(&mut doc);
    Ok(doc)
}

/// One processed item, in input order.
pub enum Output {
    /// An extracted document with its content hash.
    Doc {
        /// The document.
        doc: Box<Document>,
        /// Hash of its content.
        hash: [u8; 32],
    },
    /// A document that could not be read or extracted.
    Error(DocError),
    /// A document skipped because the sink already has it (see `skip`).
    Skipped,
}

/// Receives the processed documents, chunk by chunk, in input order.
pub trait Sink {
    /// The error that stops the run.
    type Error;

    /// Which documents of `chunk` need no processing (already stored): one flag per item.
    /// The default processes everything.
    fn skip(&mut self, chunk: &[Item]) -> Result<Vec<bool>, Self::Error> {
        Ok(vec![false; chunk.len()])
    }

    /// Takes one chunk's outputs, in input order.
    fn write(&mut self, outputs: Vec<Output>) -> Result<(), Self::Error>;
}

/// Reads `open()`'s items on a reader thread, processes them in parallel and hands each chunk's
/// outputs to `sink`, in input order. Stops at the first error the sink returns.
pub fn run<I, S>(open: impl FnOnce() -> I + Send, sink: &mut S) -> Result<(), S::Error>
where
    I: Iterator<Item = Item>,
    S: Sink,
{
    let (tx, rx) = mpsc::sync_channel::<Vec<Item>>(2);
    thread::scope(|scope| {
        scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK_DOCS);
            let mut bytes = 0usize;
            for item in open() {
                if let Item::Doc { raw, .. } = &item {
                    bytes += raw.body.as_str().len();
                }
                chunk.push(item);
                if chunk.len() >= CHUNK_DOCS || bytes >= CHUNK_BYTES {
                    bytes = 0;
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_DOCS));
                    if tx.send(full).is_err() {
                        return; // the consumer stopped
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = tx.send(chunk);
            }
        });
        for chunk in rx {
            let skipped = sink.skip(&chunk)?;
            let outputs: Vec<Output> = chunk
                .into_par_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Item::Error(e) => Output::Error(DocError {
                        id: e.id.clone(),
                        error: e.message(),
                    }),
                    Item::Doc { .. } if skipped.get(i).copied().unwrap_or(false) => Output::Skipped,
                    Item::Doc { raw, hash } => match process(&raw) {
                        Ok(doc) => Output::Doc {
                            doc: Box::new(doc),
                            hash,
                        },
                        Err(error) => Output::Error(DocError { id: raw.id, error }),
                    },
                })
                .collect();
            sink.write(outputs)?;
        }
        Ok(())
    })
}
