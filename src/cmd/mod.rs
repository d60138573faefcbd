//! One module per command.

pub mod cluster;
pub mod demo;
pub mod eval;
pub mod events;
pub mod extract;
pub mod ingest;
pub mod input;
pub mod search;
pub mod serve;
pub mod stats;
pub mod token;
pub mod watch;
