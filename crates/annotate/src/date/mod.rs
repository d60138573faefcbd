//! date recognition (being written).
