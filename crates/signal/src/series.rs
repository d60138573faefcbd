//! Daily count series: parsing dates, adding same-day counts, filling missing days with 0.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::{Error, Result};

/// Longest daily series accepted: 100 years.
pub const MAX_DAYS: usize = 36_525;

/// A day of a daily series: a [`Date`], or an ISO date string (an RFC 3339 time stamp is cut
/// to its date).
pub trait AsDate {
    /// The calendar date.
    ///
    /// # Errors
    /// [`Error::Date`] when the value is not an ISO date.
    fn as_date(&self) -> Result<Date>;
}

impl AsDate for Date {
    fn as_date(&self) -> Result<Date> {
        Ok(*self)
    }
}

impl AsDate for str {
    fn as_date(&self) -> Result<Date> {
        self.get(..10)
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| Error::Date(self.to_string()))
    }
}

impl AsDate for String {
    fn as_date(&self) -> Result<Date> {
        self.as_str().as_date()
    }
}

impl<T: AsDate + ?Sized> AsDate for &T {
    fn as_date(&self) -> Result<Date> {
        (**self).as_date()
    }
}

/// The daily series of `counts`: one value per day from the first to the last date, in order,
/// counts of the same day added, missing days 0. Empty input gives an empty series.
///
/// # Errors
/// [`Error::Date`] for a date that does not parse, [`Error::TooLong`] when the series would
/// span more than [`MAX_DAYS`].
pub fn daily<D: AsDate>(counts: &[(D, u32)]) -> Result<Vec<(Date, f64)>> {
    let mut parsed: Vec<(Date, u32)> = counts
        .iter()
        .map(|(d, n)| Ok((d.as_date()?, *n)))
        .collect::<Result<_>>()?;
    parsed.sort_by_key(|(d, _)| *d);
    let (Some(first), Some(last)) = (parsed.first(), parsed.last()) else {
        return Ok(Vec::new());
    };
    let (first, last) = (first.0, last.0);
    let days = usize::try_from((last - first).get_days()).unwrap_or(usize::MAX);
    if days >= MAX_DAYS {
        return Err(Error::TooLong {
            from: first.to_string(),
            to: last.to_string(),
            max: MAX_DAYS,
        });
    }
    let mut out: Vec<(Date, f64)> = Vec::with_capacity(days + 1);
    let mut day = first;
    let mut it = parsed.into_iter().peekable();
    loop {
        let mut n = 0.0;
        while let Some((_, v)) = it.next_if(|(d, _)| *d == day) {
            n += f64::from(v);
        }
        out.push((day, n));
        if day >= last {
            break;
        }
        day = day
            .checked_add(1.day())
            .map_err(|_| Error::Date(day.to_string()))?;
    }
    Ok(out)
}

/// What the detectors read a daily series from: counts by day (made daily by [`daily`]), or a
/// series made daily once already ([`Dense`]), which [`crate::detect_on`] hands to its four
/// detectors (each made it again from the counts: the dates parsed four times).
pub(crate) trait Series {
    /// The daily series, as [`daily`] gives it.
    fn dense(&self) -> Result<std::borrow::Cow<'_, [(Date, f64)]>>;
}

impl<D: AsDate> Series for [(D, u32)] {
    fn dense(&self) -> Result<std::borrow::Cow<'_, [(Date, f64)]>> {
        daily(self).map(std::borrow::Cow::Owned)
    }
}

/// A series [`daily`] made.
pub(crate) struct Dense(pub Vec<(Date, f64)>);

impl Series for Dense {
    fn dense(&self) -> Result<std::borrow::Cow<'_, [(Date, f64)]>> {
        Ok(std::borrow::Cow::Borrowed(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_zero_and_same_days_add_up() {
        let s = daily(&[
            ("2022-05-03", 2),
            ("2022-05-01", 1),
            ("2022-05-03T10:00:00Z", 4),
        ])
        .unwrap();
        let got: Vec<(String, f64)> = s.iter().map(|(d, n)| (d.to_string(), *n)).collect();
        assert_eq!(
            got,
            vec![
                ("2022-05-01".to_string(), 1.0),
                ("2022-05-02".to_string(), 0.0),
                ("2022-05-03".to_string(), 6.0)
            ]
        );
        let dates: Vec<(Date, u32)> = vec![(jiff::civil::date(2022, 1, 1), 1)];
        assert_eq!(daily(&dates).unwrap().len(), 1);
        let strings: Vec<(String, u32)> = vec![];
        assert!(daily(&strings).unwrap().is_empty());
    }

    #[test]
    fn bad_dates_and_huge_spans_are_errors() {
        assert!(matches!(daily(&[("May 3", 1)]), Err(Error::Date(_))));
        assert!(matches!(
            daily(&[("1900-01-01", 1), ("2100-01-01", 1)]),
            Err(Error::TooLong { .. })
        ));
    }
}
