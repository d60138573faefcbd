//! epiwire-sources (being written).
