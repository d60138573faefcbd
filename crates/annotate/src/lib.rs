//! epiwire-annotate (being written).
