//! place recognition (being written).
