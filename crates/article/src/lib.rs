//! epiwire-article (being written).
