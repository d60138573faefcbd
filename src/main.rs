//! The `epiwire` command line (being written).
fn main() {}
