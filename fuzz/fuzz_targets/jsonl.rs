//! Fuzzes the JSON Lines and JSON readers: arbitrary bytes must never panic, and every item must
//! be a document or an error.

#![no_main]

use epiwire_sources::{Item, Options, read_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        max_doc_bytes: 4096,
        max_decompressed_bytes: 1 << 20,
        ..Options::default()
    };
    for name in ["fuzz.jsonl", "fuzz.json", "-"] {
        for item in read_bytes(data, name, &opts) {
            match item {
                Item::Doc { raw, .. } => assert!(!raw.body.as_str().trim().is_empty()),
                Item::Error(e) => assert!(!e.message().is_empty()),
            }
        }
    }
});
