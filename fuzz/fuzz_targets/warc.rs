//! Fuzzes the WARC reader: arbitrary bytes, read as a plain and as a gzipped WARC, must never
//! panic, and every item must be a document or an error.

#![no_main]

use epiwire_sources::{Item, Options, read_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A small document limit so that the "too large" paths are reached too.
    let opts = Options {
        max_doc_bytes: 4096,
        max_decompressed_bytes: 1 << 20,
        ..Options::default()
    };
    for name in ["fuzz.warc", "fuzz.warc.gz"] {
        for item in read_bytes(data, name, &opts) {
            match item {
                Item::Doc { raw, .. } => assert!(!raw.id.is_empty()),
                Item::Error(e) => assert!(!e.message().is_empty()),
            }
        }
    }
});
