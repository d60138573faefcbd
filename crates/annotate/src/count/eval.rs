//! Evaluation reports shared by the count and date recognisers, and the error type of the
//! evaluation functions.

use std::fmt;
use std::path::{Path, PathBuf};

/// Errors of the evaluation functions (the recognisers themselves cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The evaluation file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line of the evaluation file is not valid JSON.
    #[error("{path}:{line}: invalid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The cause.
        source: serde_json::Error,
    },
    /// A record lacks a field the evaluation needs.
    #[error("{path}:{line}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result of the evaluation functions.
pub type Result<T> = std::result::Result<T, Error>;

/// The outcome of one evaluation run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// What was evaluated.
    pub name: String,
    /// Cases that passed.
    pub passed: usize,
    /// Cases evaluated.
    pub total: usize,
    /// One line per failed case.
    pub failures: Vec<String>,
    /// Further figures, one line each.
    pub notes: Vec<String>,
}

impl Report {
    /// passed / total, or 0 for an empty run.
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.passed as f64 / self.total as f64
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {}/{} passed ({:.1}%)",
            self.name,
            self.passed,
            self.total,
            100.0 * self.share()
        )?;
        for n in &self.notes {
            writeln!(f, "  {n}")?;
        }
        for x in &self.failures {
            writeln!(f, "  FAIL {x}")?;
        }
        Ok(())
    }
}

/// Reads a JSON Lines file into values, with typed errors.
pub(crate) fn read_jsonl(path: &Path) -> Result<Vec<serde_json::Value>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(line).map_err(|source| Error::Json {
            path: path.to_path_buf(),
            line: k + 1,
            source,
        })?;
        out.push(v);
    }
    Ok(out)
}

/// The publication date in EpiTator's `doc_kwargs.date` ("2010-10-10T00:00:00").
/// The `text` of record number `k` (0-based) of an evaluation file, or a format error naming it.
pub(crate) fn record_text<'a>(
    rec: &'a serde_json::Value,
    path: &Path,
    k: usize,
) -> Result<&'a str> {
    rec.get("text")
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::Format {
            path: path.to_path_buf(),
            line: k + 1,
            message: "no text".into(),
        })
}

pub(crate) fn doc_date(rec: &serde_json::Value) -> Option<jiff::civil::Date> {
    let s = rec.get("doc_kwargs")?.get("date")?.as_str()?;
    s.get(..10)?.parse().ok()
}
