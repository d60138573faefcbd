//! What a written figure claims: the interval of true values compatible with it, from its
//! qualifier and the precision it is written with.
//!
//! "1.2 million" is written to the nearest 100,000, so as an exact figure it stands for
//! 1,150,000..1,250,000 and 1,234,567 agrees with it; "more than 1.2 million" stands for
//! 1,200,000..1,300,000 (news rounds a "more than" down to the digits it writes). Two figures
//! for the same day disagree when their intervals do not overlap: "more than 1.72 million"
//! (1,720,000..1,730,000) and "more than 1.6 million" (1,600,000..1,700,000) do.

use crate::Figure;

/// The closed interval of true values a figure is compatible with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Smallest compatible value.
    pub lo: f64,
    /// Largest compatible value.
    pub hi: f64,
}

impl Interval {
    /// True when the two intervals share a value (with a tolerance of 1e-9 relative).
    pub fn overlaps(&self, other: &Interval) -> bool {
        let eps = 1e-9 * self.hi.abs().max(other.hi.abs()).max(1.0);
        self.lo <= other.hi + eps && other.lo <= self.hi + eps
    }

    /// The interval a figure stands for: see the module documentation.
    ///
    /// - exact: value ± half the rounding unit;
    /// - approximate: value ± the larger of half the rounding unit and 5% of the value;
    /// - more_than, at_least: value .. value + one rounding unit;
    /// - at_most, less_than: value − one rounding unit .. value;
    /// - range: min .. max;
    /// - anything else: as exact.
    pub fn of(figure: &Figure) -> Interval {
        Interval::with_unit(figure, rounding_unit(&figure.span.text, figure.value))
    }

    /// [`Interval::of`] given the figure's [`rounding_unit`] (a caller that has it already
    /// does not read the text again).
    pub(crate) fn with_unit(figure: &Figure, unit: f64) -> Interval {
        let v = figure.value;
        match figure.qualifier.as_str() {
            "more_than" | "at_least" => Interval {
                lo: v,
                hi: v + unit,
            },
            "at_most" | "less_than" => Interval {
                lo: (v - unit).max(0.0),
                hi: v,
            },
            "approximate" => {
                let d = (unit / 2.0).max(0.05 * v.abs());
                Interval {
                    lo: (v - d).max(0.0),
                    hi: v + d,
                }
            }
            "range" => Interval {
                lo: figure.min.unwrap_or(v),
                hi: figure.max.unwrap_or(v).max(figure.min.unwrap_or(v)),
            },
            _ => Interval {
                lo: (v - unit / 2.0).max(0.0),
                hi: v + unit / 2.0,
            },
        }
    }
}

/// The unit a written number is rounded to.
///
/// With a scale word ("1.72 million", "3.5k", "2 lakh"), the unit is the scale times the last
/// written decimal place (1.72 million → 10,000). Without one, the trailing zeros of an integer
/// of at most three significant digits say it may be rounded ("1,200,000" → up to 100,000), but
/// never by more than 5% of the value, so that "100" and "120" still disagree; any other number
/// ("232,880", "62", "six") is exact to 1. Falls back on `value` itself when `text` holds no digits.
pub fn rounding_unit(text: &str, value: f64) -> f64 {
    // The figure texts are mostly lower-case ASCII, which lower-casing leaves as they are: no
    // copy then. The mantissa is a slice of ASCII digits and marks, so it is read in place.
    let lower: std::borrow::Cow<'_, str> =
        if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Borrowed(text)
        } else {
            std::borrow::Cow::Owned(text.to_lowercase())
        };
    let lower: &str = &lower;
    let scale = scale_of(lower);
    let bytes = lower.as_bytes();
    // An ASCII byte is a whole character: the first digit byte starts the first digit.
    let start = bytes
        .iter()
        .position(u8::is_ascii_digit)
        .unwrap_or(bytes.len());
    let len = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.' || **b == b',')
        .count();
    let mantissa = lower[start..start + len].trim_end_matches(['.', ',']);
    if let Some(scale) = scale {
        let decimals = decimal_places(mantissa);
        return scale * 10f64.powi(-(decimals as i32));
    }
    let decimals = decimal_places(mantissa);
    if decimals > 0 {
        return 10f64.powi(-(decimals as i32));
    }
    // The digits written (or those of the value when none is), and their trailing zeros.
    let whole;
    let digits: &[u8] = if mantissa.is_empty() {
        whole = format_whole(value);
        whole.as_bytes()
    } else {
        mantissa.as_bytes()
    };
    let count = digits.iter().filter(|b| b.is_ascii_digit()).count();
    let zeros = digits
        .iter()
        .rev()
        .filter(|b| b.is_ascii_digit())
        .take_while(|b| **b == b'0')
        .count();
    if zeros == 0 || zeros >= count || count - zeros > 3 {
        return 1.0;
    }
    let unit = 10f64.powi(zeros as i32);
    unit.min((0.05 * value.abs()).max(1.0))
}

/// Digits after the decimal mark: `.` always; `,` only when not followed by exactly three digits
/// (a thousands separator).
///
/// Read as bytes: the marks are ASCII, and no byte of a longer character is an ASCII digit or
/// mark (the `char` searches cost more than the rest of [`rounding_unit`]).
fn decimal_places(mantissa: &str) -> usize {
    let b = mantissa.as_bytes();
    if let Some(dot) = b.iter().rposition(|&c| c == b'.') {
        return b[dot + 1..].iter().filter(|c| c.is_ascii_digit()).count();
    }
    match b.iter().rposition(|&c| c == b',') {
        Some(comma) if b.len() - comma - 1 != 3 => b.len() - comma - 1,
        _ => 0,
    }
}

/// The multiplier a scale word after the number gives it.
fn scale_of(lower: &str) -> Option<f64> {
    // The words and the suffixes are lower-case ASCII letters: a text without any (a bare
    // number, the most common) has no scale, and the searches for the words are skipped.
    if !lower.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    const WORDS: &[(&str, f64)] = &[
        ("billion", 1e9),
        ("million", 1e6),
        ("thousand", 1e3),
        ("crore", 1e7),
        ("lakh", 1e5),
        ("bn", 1e9),
        ("mln", 1e6),
    ];
    for (w, s) in WORDS {
        if lower.contains(w) {
            return Some(*s);
        }
    }
    // A suffix glued to the digits: "1.2m", "3.5k".
    let tail = lower.trim_end().chars().last()?;
    let before_tail = lower.trim_end().chars().rev().nth(1)?;
    if before_tail.is_ascii_digit() {
        match tail {
            'k' => return Some(1e3),
            'm' => return Some(1e6),
            'b' => return Some(1e9),
            _ => {}
        }
    }
    None
}

fn format_whole(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{:.0}", value.abs())
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rounding_unit` as it was before the eleventh round (a lower-cased copy of the text, the
    /// mantissa and its digits as strings): the reference the new one must equal.
    fn old_rounding_unit(text: &str, value: f64) -> f64 {
        let lower = text.to_lowercase();
        let scale = scale_of(&lower);
        let mantissa: String = lower
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .collect();
        let mantissa = mantissa.trim_end_matches(['.', ',']);
        if let Some(scale) = scale {
            let decimals = decimal_places(mantissa);
            return scale * 10f64.powi(-(decimals as i32));
        }
        let digits: String = if mantissa.is_empty() {
            format_whole(value)
        } else {
            mantissa.chars().filter(char::is_ascii_digit).collect()
        };
        let decimals = decimal_places(mantissa);
        if decimals > 0 {
            return 10f64.powi(-(decimals as i32));
        }
        let zeros = digits.chars().rev().take_while(|c| *c == '0').count();
        if zeros == 0 || zeros >= digits.len() || digits.len() - zeros > 3 {
            return 1.0;
        }
        let unit = 10f64.powi(zeros as i32);
        unit.min((0.05 * value.abs()).max(1.0))
    }

    fn same_bits(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits()
    }

    #[test]
    fn units_of_written_figures_are_the_old_ones() {
        let texts = [
            "1.2 million",
            "1.72 Million",
            "3.5k",
            "3.5K",
            "2 lakh",
            "232,880",
            "1,234,567",
            "1,200,000",
            "50",
            "six",
            "sixty",
            "0",
            "1,5",
            "1.",
            "1,",
            "1.2.3",
            "12 000",
            "more than 1,000 cases",
            "BN 3",
            "5 bn",
            "7m",
            "7M",
            " 7m ",
            "m",
            "",
            "000",
            "1,000.50",
            "İ 1,200",
            "\u{212a} 3k",
            "3\u{212a}",
            "1\u{0660}00",
            "٣٠٠",
            "ＭＩＬＬＩＯＮ 2",
            "2 MİLLİON",
            "10 Thousand",
            "1,2345",
            "0.000",
            "900",
        ];
        for t in texts {
            for v in [
                0.0,
                1.0,
                6.0,
                60.0,
                1_200.0,
                1_200_000.0,
                -300.0,
                0.5,
                f64::NAN,
            ] {
                assert!(
                    same_bits(rounding_unit(t, v), old_rounding_unit(t, v)),
                    "{t:?} {v}"
                );
            }
        }
    }

    /// `decimal_places` as it was, by `char` searches: the reference.
    fn old_decimal_places(mantissa: &str) -> usize {
        if let Some((_, frac)) = mantissa.rsplit_once('.') {
            return frac.chars().filter(char::is_ascii_digit).count();
        }
        match mantissa.rsplit_once(',') {
            Some((_, frac)) if frac.len() != 3 => frac.len(),
            _ => 0,
        }
    }

    #[test]
    fn decimal_places_are_the_old_ones() {
        for m in [
            "", ".", ",", "1", "1.5", "1.25", "1,5", "1,234", "1,2345", "1,234.5", "1.234,5",
            "12,", "1.", "1.2.3", "é,ab", "1,é", "1.x5", "1,ab€",
        ] {
            assert_eq!(decimal_places(m), old_decimal_places(m), "{m:?}");
        }
        assert_eq!(decimal_places("1,5"), 1);
        assert_eq!(decimal_places("1,234"), 0);
        assert_eq!(decimal_places("3.25"), 2);
    }

    proptest::proptest! {
        #[test]
        fn decimal_places_are_the_old_ones_on_any_text(m in "[0-9.,]{0,10}|\\PC{0,10}") {
            proptest::prop_assert_eq!(decimal_places(&m), old_decimal_places(&m));
        }

        #[test]
        fn rounding_unit_is_the_old_one(
            text in "[0-9.,kKmMbB ]{0,12}|[a-zA-Z0-9 .,]{0,16}|\\PC{0,12}",
            value in proptest::num::f64::ANY,
        ) {
            proptest::prop_assert!(same_bits(rounding_unit(&text, value), old_rounding_unit(&text, value)));
        }
    }

    #[test]
    fn units_follow_the_written_precision() {
        assert_eq!(rounding_unit("1.2 million", 1_200_000.0), 100_000.0);
        assert_eq!(rounding_unit("1.72 million", 1_720_000.0), 10_000.0);
        assert_eq!(rounding_unit("3.5k", 3_500.0), 100.0);
        assert_eq!(rounding_unit("2 lakh", 200_000.0), 100_000.0);
        assert_eq!(
            rounding_unit("232,880", 232_880.0),
            1.0,
            "five significant digits"
        );
        assert_eq!(rounding_unit("1,234,567", 1_234_567.0), 1.0);
        // Trailing zeros: rounded to 100,000 but capped at 5% of the value.
        assert_eq!(rounding_unit("1,200,000", 1_200_000.0), 60_000.0);
        assert_eq!(rounding_unit("50", 50.0), 2.5);
        assert_eq!(rounding_unit("six", 6.0), 1.0);
        assert_eq!(rounding_unit("sixty", 60.0), 3.0);
        assert_eq!(rounding_unit("0", 0.0), 1.0);
        assert_eq!(rounding_unit("1,5", 1.5), 0.1);
    }

    fn fig(text: &str, value: f64, qualifier: &str) -> Figure {
        let mut f: Figure = serde_json::from_value(serde_json::json!({
            "doc_id": "d", "url": null, "outlet": null, "title": null, "published": null,
            "disease": null, "disease_name": null, "place": null, "place_name": null,
            "country": null, "metric": "cases", "scope": "cumulative", "qualifier": qualifier,
            "value": value, "status": null, "as_of": null,
            "span": {"start": 0, "end": 0, "text": text},
            "evidence": {"start": 0, "end": 0, "text": ""}
        }))
        .unwrap();
        f.value = value;
        f
    }

    #[test]
    fn rounding_is_not_a_disagreement() {
        let a = Interval::of(&fig("1.2 million", 1_200_000.0, "exact"));
        let b = Interval::of(&fig("1,234,567", 1_234_567.0, "exact"));
        assert!(a.overlaps(&b));
        let a = Interval::of(&fig("1.2 million", 1_200_000.0, "more_than"));
        assert!(a.overlaps(&b));
    }

    #[test]
    fn different_figures_disagree() {
        let a = Interval::of(&fig("1.72 million", 1_720_000.0, "more_than"));
        let b = Interval::of(&fig("1.6 million", 1_600_000.0, "more_than"));
        assert!(!a.overlaps(&b));
        let a = Interval::of(&fig("100", 100.0, "exact"));
        let b = Interval::of(&fig("120", 120.0, "exact"));
        assert!(!a.overlaps(&b));
        let a = Interval::of(&fig("about 100", 100.0, "approximate"));
        let b = Interval::of(&fig("104", 104.0, "exact"));
        assert!(a.overlaps(&b));
    }
}
