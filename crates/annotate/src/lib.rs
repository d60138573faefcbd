//! Annotation: diseases, places, dates and counts in news text, and the per-document facts.
//!
//! Each recogniser lives in its own module with the same shape: a loader for its lexicon or rules
//! (built once, shared read-only between threads) and a `find` function over the article text that
//! returns spans in code-point offsets. [`link`] attaches every count to its disease, place and
//! date; [`facts`] derives the headline figures.

pub mod count;
pub mod date;
pub mod disease;
pub mod facts;
pub mod link;
pub mod place;
mod sentence;
