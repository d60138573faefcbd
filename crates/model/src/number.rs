//! Serialising figures: `1200000`, not `1200000.0`, when the value is whole.

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
pub(crate) fn serialize_opt<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serialize(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct V(#[serde(serialize_with = "super::serialize")] f64);

    #[test]
    fn whole_values_have_no_fraction() {
        assert_eq!(serde_json::to_string(&V(1_200_000.0)).unwrap(), "1200000");
        assert_eq!(serde_json::to_string(&V(1.5)).unwrap(), "1.5");
        assert_eq!(serde_json::to_string(&V(-3.0)).unwrap(), "-3");
        assert_eq!(serde_json::to_string(&V(1e300)).unwrap(), "1e+300");
    }
}
