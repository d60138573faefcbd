//! Figure timelines per event.
//!
//! Two steps, both pure functions over stored documents:
//!
//! 1. [`figures`] lists every reported figure of one annotated [`Document`]: each count (with the
//!    disease, place and date annotation linked to it), its number span, the sentence it stands
//!    in, the outlet it comes from and the date it is valid for ([`Figure::as_of`], with
//!    [`Figure::as_of_source`] saying whether that date was written in the text or taken from
//!    the publication date).
//! 2. [`reconcile`] turns the figures of all the documents of one event into a [`Timeline`]: one
//!    [`Series`] per disease × country × metric × scope (cumulative figures kept apart from new
//!    ones, never summed into each other), one point per as-of date chosen among the sources
//!    (the most specific wins), and the [`Conflict`]s an analyst must look at: sources that
//!    disagree beyond rounding on the same day, and cumulative counts that go down.
//!
//! A timeline is made of one [`SeriesPart`] per [`SeriesKey`] (the figures of one series, its
//! reported points and its conflicts), [`combine`]d with the derived cumulative points. An event
//! that grows keeps its parts and reconciles again only the parts its new figures touch
//! ([`SeriesPart::add`]); the result equals [`reconcile`] over all the figures.
//!
//! The JSON shapes of [`Figure`], [`Series`] and [`Conflict`] are the lead's contract (the
//! shared `shapes.md`); fields beyond it are additions, never renames.
//!
//! [`Document`]: epiwire_model::Document

mod figure;
pub mod format;
mod precision;
mod reconcile;

pub use figure::{Figure, figures, outlet};
pub use precision::Interval;
pub use reconcile::{
    Conflict, DECREASE_WINDOW_DAYS, Point, Series, SeriesKey, SeriesPart, Timeline, combine,
    reconcile, sort_figures,
};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A date that is not an ISO calendar date (`2022-05-18`, or an RFC 3339 time stamp whose
    /// first ten characters are one).
    #[error("not an ISO date: {0:?}")]
    Date(String),
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Parses the calendar date at the start of `s` (`2022-05-18`, `2022-05-18T09:00:00+09:00`).
///
/// # Errors
/// [`Error::Date`] when `s` does not start with an ISO date.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date> {
    s.get(..10)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| Error::Date(s.to_string()))
}

/// Serialising figures: `1200000`, not `1200000.0`, when the value is whole (as the model does).
pub(crate) mod number {
    use serde::Serializer;

    /// Largest integer an f64 holds exactly (2^53).
    const EXACT: f64 = 9_007_199_254_740_992.0;

    /// Writes a whole value as an integer and anything else as a float.
    pub(crate) fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        if value.fract() == 0.0 && value.abs() <= EXACT {
            // The check above makes the cast exact.
            #[allow(clippy::cast_possible_truncation)]
            let whole = *value as i64;
            s.serialize_i64(whole)
        } else {
            s.serialize_f64(*value)
        }
    }

    /// [`serialize`] for optional values.
    pub(crate) fn serialize_opt<S: Serializer>(
        value: &Option<f64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serialize(v, s),
            None => s.serialize_none(),
        }
    }

    /// [`serialize`] for lists.
    pub(crate) fn serialize_vec<S: Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(values.len()))?;
        for v in values {
            seq.serialize_element(&Whole(*v))?;
        }
        seq.end()
    }

    struct Whole(f64);

    impl serde::Serialize for Whole {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(&self.0, s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_from_iso_and_rfc3339() {
        assert_eq!(
            parse_date("2022-05-17T17:36:00+09:00").unwrap().to_string(),
            "2022-05-17"
        );
        assert!(parse_date("May 17").is_err());
        assert!(parse_date("").is_err());
    }
}
