//! One module per command.

pub mod cluster;
pub mod eval;
pub mod extract;
pub mod ingest;
pub mod input;
pub mod stats;
