//! Query parameters: what each route accepts, and their validation into a [`Filter`]. Every bad
//! value is a 400 with a message naming the parameter; unknown parameters are refused too, so
//! that a typo (`contry=KP`) does not silently return everything.

use axum::extract::rejection::QueryRejection;
use serde::Deserialize;

use crate::error::ApiError;

/// Signal kinds the API knows (the `signal` parameter).
pub const SIGNAL_KINDS: &[&str] = &[
    "new_event",
    "jump",
    "ears_c1",
    "ears_c2",
    "ears_c3",
    "farrington",
];

/// Largest `offset` accepted.
pub const MAX_OFFSET: usize = 1_000_000;

/// Validated filters shared by events, signals, search, exports and the feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Disease id (`DOID:…`) or name, as given.
    pub disease: Option<String>,
    /// ISO 3166-1 alpha-2 country code, upper case.
    pub country: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// Signal kind, one of [`SIGNAL_KINDS`].
    pub signal: Option<String>,
    /// Page size.
    pub limit: usize,
    /// Items skipped.
    pub offset: usize,
}

impl Filter {
    /// Whether a date (`YYYY-MM-DD…`, only its first 10 characters count) lies in `from..=to`.
    /// A missing date passes only when neither bound is set.
    pub fn date_in_range(&self, date: Option<&str>) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        let Some(day) = date.and_then(|d| d.get(..10)) else {
            return false;
        };
        self.from.as_deref().is_none_or(|from| day >= from)
            && self.to.as_deref().is_none_or(|to| day <= to)
    }
}

/// Limits of the `limit` parameter for one route.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// When `limit` is absent.
    pub default: usize,
    /// Largest accepted.
    pub max: usize,
}

/// `GET /api/events`, `GET /api/signals`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    disease: Option<String>,
    country: Option<String>,
    from: Option<String>,
    to: Option<String>,
    signal: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

impl ListParams {
    /// Validates into a filter.
    pub fn filter(self, paging: Paging) -> Result<Filter, ApiError> {
        let filter = Filter {
            disease: disease(self.disease)?,
            country: country(self.country)?,
            from: date("from", self.from)?,
            to: date("to", self.to)?,
            signal: signal(self.signal)?,
            limit: number("limit", self.limit, paging.default, 1, paging.max)?,
            offset: number("offset", self.offset, 0, 0, MAX_OFFSET)?,
        };
        check_range(&filter)?;
        Ok(filter)
    }
}

/// `GET /api/search`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The query text.
    pub q: Option<String>,
    disease: Option<String>,
    country: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Outlet host (`who.int`).
    pub outlet: Option<String>,
    /// `relevance` (the default) or `newest`.
    pub sort: Option<String>,
    /// `true` forgives bad syntax (search as you type); `false` (the default) answers 400.
    pub lenient: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// How search hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSort {
    /// Best BM25 score first.
    Relevance,
    /// Newest publication first.
    Newest,
}

/// A validated search request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// The query text.
    pub q: String,
    /// Outlet host, lower case, without `www.`.
    pub outlet: Option<String>,
    /// Order.
    pub sort: SearchSort,
    /// Forgive bad query syntax.
    pub lenient: bool,
    /// Disease, country, dates and paging.
    pub filter: Filter,
}

/// Longest search query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1000;

impl SearchParams {
    /// Validates into a search request.
    pub fn validate(self, paging: Paging) -> Result<SearchRequest, ApiError> {
        let q = self
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty())
            .ok_or_else(|| ApiError::bad_request("missing parameter q (the search text)"))?;
        if q.len() > MAX_QUERY_BYTES {
            return Err(ApiError::bad_request(format!(
                "q is {} bytes long; at most {MAX_QUERY_BYTES} are accepted",
                q.len()
            )));
        }
        let filter = Filter {
            disease: disease(self.disease)?,
            country: country(self.country)?,
            from: date("from", self.from)?,
            to: date("to", self.to)?,
            signal: None,
            limit: number("limit", self.limit, paging.default, 1, paging.max)?,
            offset: number("offset", self.offset, 0, 0, MAX_OFFSET)?,
        };
        check_range(&filter)?;
        let outlet = nonempty(self.outlet).map(|o| o.to_ascii_lowercase());
        if let Some(o) = &outlet
            && (o.len() > 253 || o.contains(char::is_whitespace))
        {
            return Err(ApiError::bad_request(format!(
                "outlet {o:?} is not a host name (e.g. who.int)"
            )));
        }
        let sort = match nonempty(self.sort).as_deref() {
            None | Some("relevance") => SearchSort::Relevance,
            Some("newest") => SearchSort::Newest,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "sort {other:?} is unknown; expected relevance or newest"
                )));
            }
        };
        let lenient = match nonempty(self.lenient).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "lenient {other:?} is not true or false"
                )));
            }
        };
        Ok(SearchRequest {
            q,
            outlet,
            sort,
            lenient,
            filter,
        })
    }
}

/// The exports: filters, no paging (everything that matches is streamed).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    disease: Option<String>,
    country: Option<String>,
    from: Option<String>,
    to: Option<String>,
    signal: Option<String>,
}

impl ExportParams {
    /// Validates into a filter (limit and offset are left at 0).
    pub fn filter(self) -> Result<Filter, ApiError> {
        let filter = Filter {
            disease: disease(self.disease)?,
            country: country(self.country)?,
            from: date("from", self.from)?,
            to: date("to", self.to)?,
            signal: signal(self.signal)?,
            limit: 0,
            offset: 0,
        };
        check_range(&filter)?;
        Ok(filter)
    }
}

/// `GET /feed.atom`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    disease: Option<String>,
    country: Option<String>,
}

impl FeedParams {
    /// Validates into a filter of `limit` signals.
    pub fn filter(self, limit: usize) -> Result<Filter, ApiError> {
        Ok(Filter {
            disease: disease(self.disease)?,
            country: country(self.country)?,
            limit,
            ..Filter::default()
        })
    }
}

/// `GET /api/documents?id=…`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocParams {
    /// The document id.
    pub id: Option<String>,
}

/// The parameters of a request, or a 400 naming what is wrong.
pub fn parsed<T>(query: Result<axum::extract::Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|q| q.0)
        .map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))
}

fn nonempty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn disease(value: Option<String>) -> Result<Option<String>, ApiError> {
    let value = nonempty(value);
    if let Some(v) = &value
        && v.chars().count() > 200
    {
        return Err(ApiError::bad_request(
            "disease is too long (a DOID id or a disease name is expected)",
        ));
    }
    Ok(value)
}

fn country(value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(v) = nonempty(value) else {
        return Ok(None);
    };
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(Some(v.to_ascii_uppercase()))
    } else {
        Err(ApiError::bad_request(format!(
            "country {v:?} is not an ISO 3166-1 alpha-2 code (two letters, e.g. KP)"
        )))
    }
}

fn date(name: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(v) = nonempty(value) else {
        return Ok(None);
    };
    let shaped = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if shaped && v.parse::<jiff::civil::Date>().is_ok() {
        Ok(Some(v))
    } else {
        Err(ApiError::bad_request(format!(
            "{name} {v:?} is not a date; use YYYY-MM-DD, e.g. 2022-05-17"
        )))
    }
}

fn signal(value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(v) = nonempty(value) else {
        return Ok(None);
    };
    if SIGNAL_KINDS.contains(&v.as_str()) {
        Ok(Some(v))
    } else {
        Err(ApiError::bad_request(format!(
            "unknown signal kind {v:?}; expected one of {}",
            SIGNAL_KINDS.join(", ")
        )))
    }
}

fn number(
    name: &str,
    value: Option<String>,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ApiError> {
    let Some(v) = nonempty(value) else {
        return Ok(default);
    };
    match v.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(format!(
            "{name} {v:?} is out of range; expected a whole number from {min} to {max}"
        ))),
    }
}

fn check_range(filter: &Filter) -> Result<(), ApiError> {
    if let (Some(from), Some(to)) = (&filter.from, &filter.to)
        && from > to
    {
        return Err(ApiError::bad_request(format!(
            "from {from} is after to {to}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGING: Paging = Paging {
        default: 50,
        max: 500,
    };

    fn list(pairs: &[(&str, &str)]) -> Result<Filter, ApiError> {
        let mut p = ListParams::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "disease" => p.disease = v,
                "country" => p.country = v,
                "from" => p.from = v,
                "to" => p.to = v,
                "signal" => p.signal = v,
                "limit" => p.limit = v,
                "offset" => p.offset = v,
                _ => unreachable!(),
            }
        }
        p.filter(PAGING)
    }

    #[test]
    fn good_values_pass_and_are_normalised() {
        let f = list(&[
            ("country", "kp"),
            ("from", "2022-05-01"),
            ("to", "2022-05-31"),
            ("signal", "ears_c2"),
            ("limit", "10"),
            ("offset", "20"),
            ("disease", " COVID-19 "),
        ])
        .unwrap();
        assert_eq!(f.country.as_deref(), Some("KP"));
        assert_eq!(f.disease.as_deref(), Some("COVID-19"));
        assert_eq!((f.limit, f.offset), (10, 20));
        assert_eq!(list(&[]).unwrap().limit, 50);
        assert_eq!(list(&[("country", "")]).unwrap().country, None);
    }

    #[test]
    fn bad_values_are_400_naming_the_parameter() {
        for (pairs, word) in [
            (vec![("from", "2022-13-01")], "from"),
            (vec![("from", "17/05/2022")], "from"),
            (vec![("to", "2022-02-30")], "to"),
            (vec![("signal", "spike")], "signal"),
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "501")], "limit"),
            (vec![("limit", "-1")], "limit"),
            (vec![("offset", "x")], "offset"),
            (vec![("country", "KOR")], "country"),
            (vec![("from", "2022-06-01"), ("to", "2022-05-01")], "after"),
        ] {
            let e = list(&pairs).unwrap_err();
            assert_eq!(e.status, 400, "{pairs:?}");
            assert!(e.message.contains(word), "{pairs:?}: {}", e.message);
        }
    }

    #[test]
    fn date_range_compares_days() {
        let f = list(&[("from", "2022-05-17"), ("to", "2022-05-18")]).unwrap();
        assert!(f.date_in_range(Some("2022-05-17T17:36:00+09:00")));
        assert!(f.date_in_range(Some("2022-05-18")));
        assert!(!f.date_in_range(Some("2022-05-19")));
        assert!(!f.date_in_range(None));
        assert!(Filter::default().date_in_range(None));
    }

    #[test]
    fn search_needs_a_query() {
        let p = SearchParams::default();
        assert_eq!(p.validate(PAGING).unwrap_err().status, 400);
        let p = SearchParams {
            q: Some(" cholera ".to_owned()),
            ..SearchParams::default()
        };
        assert_eq!(p.validate(PAGING).unwrap().q, "cholera");
        let p = SearchParams {
            q: Some("x".to_owned()),
            sort: Some("oldest".to_owned()),
            ..SearchParams::default()
        };
        assert_eq!(p.validate(PAGING).unwrap_err().status, 400);
    }
}
