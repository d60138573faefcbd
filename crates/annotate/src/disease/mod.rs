//! disease recognition (being written).
