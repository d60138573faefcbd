//! count recognition (being written).
