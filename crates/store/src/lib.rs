//! epiwire-store (being written).
