//! Evaluation on the trafilatura benchmark (`evaldata.json` + `html/<file>.gz`).
//!
//! Scoring follows trafilatura's `tests/eval_common.py`: the extracted text and each snippet are
//! whitespace-normalised; a `with` snippet found is a true positive (else a false negative), a
//! `without` snippet found is a false positive (else a true negative). Title accuracy compares
//! normalised titles (lowercase alphanumerics) where the gold title is non-empty; date accuracy
//! compares the `YYYY-MM-DD` of `published` with the gold date where non-empty.

use crate::{Error, Extractor, Result, extract_html_with};
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Scores of one extractor over the whole set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// Extractor name.
    pub name: String,
    /// `with` snippets found.
    pub tp: usize,
    /// `without` snippets found.
    pub fp: usize,
    /// `with` snippets missing.
    pub fn_: usize,
    /// `without` snippets absent.
    pub tn: usize,
    /// Pages with a gold title, and how many were matched.
    pub title_n: usize,
    /// Titles matched.
    pub title_ok: usize,
    /// Pages with a gold date.
    pub date_n: usize,
    /// Dates matched (day precision).
    pub date_ok: usize,
    /// Pages where a date was output.
    pub date_given: usize,
    /// Pages with a gold author.
    pub author_n: usize,
    /// Authors matched (normalised exact match).
    pub author_ok: usize,
    /// Wall time of extraction (all pages, one thread), seconds.
    pub secs: f64,
}

impl Row {
    /// TP / (TP + FP).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// TP / (TP + FN).
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Harmonic mean of precision and recall: 2TP / (2TP + FP + FN).
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
    /// (TP + TN) / all.
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_)
    }
    /// Title accuracy.
    pub fn title_accuracy(&self) -> f64 {
        ratio(self.title_ok, self.title_n)
    }
    /// Date accuracy.
    pub fn date_accuracy(&self) -> f64 {
        ratio(self.date_ok, self.date_n)
    }
    /// Author accuracy.
    pub fn author_accuracy(&self) -> f64 {
        ratio(self.author_ok, self.author_n)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The evaluation result: one [`Row`] per extractor. `Display` prints a plain text table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Pages scored.
    pub pages: usize,
    /// Pages whose HTML file was not found (scored as full misses, as trafilatura does).
    pub missing: Vec<String>,
    /// Total HTML bytes (decompressed).
    pub html_bytes: usize,
    /// One row per extractor.
    pub rows: Vec<Row>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} pages, {:.1} MB of HTML, {} missing",
            self.pages,
            self.html_bytes as f64 / 1e6,
            self.missing.len()
        )?;
        writeln!(
            f,
            "{:<22} {:>9} {:>7} {:>7} {:>8} {:>7} {:>7} {:>7} {:>8} {:>7}",
            "extractor",
            "precision",
            "recall",
            "F1",
            "accuracy",
            "title",
            "date",
            "author",
            "time s",
            "MB/s"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:<22} {:>9.3} {:>7.3} {:>7.3} {:>8.3} {:>7.3} {:>7.3} {:>7.3} {:>8.2} {:>7.1}",
                r.name,
                r.precision(),
                r.recall(),
                r.f1(),
                r.accuracy(),
                r.title_accuracy(),
                r.date_accuracy(),
                r.author_accuracy(),
                r.secs,
                if r.secs > 0.0 {
                    self.html_bytes as f64 / 1e6 / r.secs
                } else {
                    0.0
                },
            )?;
        }
        Ok(())
    }
}

/// One annotated page.
#[derive(Debug, Clone)]
struct Item {
    url: String,
    file: String,
    with: Vec<String>,
    without: Vec<String>,
    title: Option<String>,
    date: Option<String>,
    author: Option<String>,
}

fn err(msg: impl Into<String>) -> Error {
    Error::Eval(msg.into())
}

fn str_list(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn load_items(path: &Path) -> Result<Vec<Item>> {
    let data =
        std::fs::read_to_string(path).map_err(|e| err(format!("{}: {e}", path.display())))?;
    let v: serde_json::Value =
        serde_json::from_str(&data).map_err(|e| err(format!("{}: {e}", path.display())))?;
    let obj = v
        .as_object()
        .ok_or_else(|| err(format!("{}: not a JSON object", path.display())))?;
    let mut items = Vec::with_capacity(obj.len());
    for (url, item) in obj {
        let get = |k: &str| {
            item.get(k)
                .and_then(|x| x.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let Some(file) = get("file") else { continue };
        items.push(Item {
            url: url.clone(),
            file,
            with: str_list(item.get("with")),
            without: str_list(item.get("without")),
            title: get("title"),
            date: get("date"),
            author: get("author"),
        });
    }
    Ok(items)
}

/// A file-name key that survives Unicode normalisation differences and a missing `.gz`:
/// combining marks dropped, common precomposed Latin letters folded to their base letter.
fn file_key(name: &str) -> String {
    let base = name.strip_suffix(".gz").unwrap_or(name);
    base.chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            'ñ' => 'n',
            'ç' => 'c',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// Decodes page bytes: UTF-8, else Windows-1252 (a superset of Latin-1 for printable text).
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80 => '€',
                0x82 => '‚',
                0x84 => '„',
                0x85 => '…',
                0x91 => '‘',
                0x92 => '’',
                0x93 => '“',
                0x94 => '”',
                0x96 => '–',
                0x97 => '—',
                _ => char::from(b),
            })
            .collect(),
    }
}

fn read_page(path: &Path) -> Result<String> {
    let raw = std::fs::read(path).map_err(|e| err(format!("{}: {e}", path.display())))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| err(format!("{}: {e}", path.display())))?;
        out
    } else {
        raw
    };
    Ok(decode(&bytes))
}

fn norm_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Evaluates every [`Extractor`] on the set in `dir` (holding `evaldata.json` and `html/`).
///
/// # Errors
/// [`Error::Eval`] when `evaldata.json` or the `html` folder cannot be read.
pub fn evaluate(dir: &Path) -> Result<Report> {
    evaluate_with(dir, &Extractor::ALL)
}

/// Evaluates the given extractors on the set in `dir`.
///
/// # Errors
/// [`Error::Eval`] when `evaldata.json` or the `html` folder cannot be read.
pub fn evaluate_with(dir: &Path, extractors: &[Extractor]) -> Result<Report> {
    let items = load_items(&dir.join("evaldata.json"))?;
    let html_dir = dir.join("html");
    let mut by_key: HashMap<String, PathBuf> = HashMap::new();
    let entries =
        std::fs::read_dir(&html_dir).map_err(|e| err(format!("{}: {e}", html_dir.display())))?;
    for e in entries.flatten() {
        if let Some(name) = e.file_name().to_str() {
            by_key.insert(file_key(name), e.path());
        }
    }
    let mut report = Report {
        pages: items.len(),
        ..Report::default()
    };
    let mut pages: Vec<(usize, String)> = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let exact_gz = html_dir.join(format!("{}.gz", it.file));
        let exact = html_dir.join(&it.file);
        let path = if exact_gz.is_file() {
            Some(exact_gz)
        } else if exact.is_file() {
            Some(exact)
        } else {
            by_key.get(&file_key(&it.file)).cloned()
        };
        match path {
            Some(p) => {
                let html = read_page(&p)?;
                report.html_bytes += html.len();
                pages.push((i, html));
            }
            None => report.missing.push(it.file.clone()),
        }
    }
    for &ex in extractors {
        let mut row = Row {
            name: ex.name().to_string(),
            ..Row::default()
        };
        // Pages without HTML count as full misses.
        for it in &items {
            row.title_n += usize::from(it.title.is_some());
            row.date_n += usize::from(it.date.is_some());
            row.author_n += usize::from(it.author.is_some());
        }
        let missing: std::collections::HashSet<&str> =
            report.missing.iter().map(String::as_str).collect();
        for it in items.iter().filter(|it| missing.contains(it.file.as_str())) {
            row.fn_ += it.with.len();
            row.tn += it.without.len();
        }
        let start = Instant::now();
        let articles: Vec<(usize, epiwire_model::Article)> = pages
            .iter()
            .map(|(i, html)| {
                let url = items.get(*i).map(|it| it.url.as_str());
                (*i, extract_html_with(html, url, ex))
            })
            .collect();
        row.secs = start.elapsed().as_secs_f64();
        for (i, a) in &articles {
            let Some(it) = items.get(*i) else { continue };
            let text = norm_ws(&a.text);
            for w in &it.with {
                if text.contains(&norm_ws(w)) {
                    row.tp += 1;
                } else {
                    row.fn_ += 1;
                }
            }
            for w in &it.without {
                if text.contains(&norm_ws(w)) {
                    row.fp += 1;
                } else {
                    row.tn += 1;
                }
            }
            if let Some(gold) = &it.title
                && a.title
                    .as_deref()
                    .is_some_and(|t| crate::meta::title_key(t) == crate::meta::title_key(gold))
            {
                row.title_ok += 1;
            }
            if let Some(gold) = &it.author
                && a.author
                    .as_deref()
                    .is_some_and(|t| crate::meta::title_key(t) == crate::meta::title_key(gold))
            {
                row.author_ok += 1;
            }
            row.date_given += usize::from(a.published.is_some());
            if let Some(gold) = &it.date
                && a.published
                    .as_deref()
                    .and_then(|p| p.get(..10))
                    .is_some_and(|p| gold.starts_with(p))
            {
                row.date_ok += 1;
            }
        }
        report.rows.push(row);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_like_trafilatura() {
        let r = Row {
            tp: 8,
            fp: 2,
            fn_: 2,
            tn: 8,
            ..Row::default()
        };
        assert!((r.precision() - 0.8).abs() < 1e-9);
        assert!((r.recall() - 0.8).abs() < 1e-9);
        assert!((r.f1() - 0.8).abs() < 1e-9);
        assert!((r.accuracy() - 0.8).abs() < 1e-9);
    }

    #[test]
    fn file_keys_fold_normalisation() {
        assert_eq!(
            file_key("mandelpl\u{e4}tzchen.html.gz"),
            file_key("mandelpla\u{308}tzchen.html")
        );
    }

    #[test]
    fn decodes_latin1() {
        assert_eq!(decode(b"caf\xe9 \x93q\x94"), "café “q”");
    }

    /// Runs the whole evaluation: `cargo test -p epiwire-article --release -- --ignored eval --nocapture`.
    #[test]
    #[ignore = "slow: runs every extractor over ~1000 pages"]
    fn eval_trafilatura_set() {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/trafilatura-eval"
        ));
        let dir = std::env::var_os("EPIWIRE_EVAL_DIR").map_or(dir.to_path_buf(), PathBuf::from);
        let report = evaluate(&dir).expect("evaluation data");
        println!("{report}");
        let combined = report
            .rows
            .iter()
            .find(|r| r.name == "combined")
            .expect("row");
        assert!(combined.f1() > 0.8, "F1 {}", combined.f1());
    }
}
