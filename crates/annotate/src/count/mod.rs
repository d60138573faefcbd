//! Count recognition: numbers of people (cases, deaths, …) tied to an epidemiological noun.

pub mod eval;
pub mod number;
pub(crate) mod token;
