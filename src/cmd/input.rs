//! Turning the input flags into the sources' paths and limits.

use std::path::PathBuf;

use crate::cli::InputArgs;

/// The paths to read: those given, or standard input when none is.
pub fn paths(args: &InputArgs) -> Vec<PathBuf> {
    if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    }
}

/// The sources' limits from the flags.
pub fn options(args: &InputArgs) -> epiwire_sources::Options {
    epiwire_sources::Options {
        max_doc_bytes: args.max_doc_bytes,
        max_decompressed_bytes: args.max_decompressed_bytes,
        ..epiwire_sources::Options::default()
    }
}
