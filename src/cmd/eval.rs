//! `epiwire eval`: scores on the development sets.

use std::fmt::Display;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use epiwire_annotate::{count, date, disease, place, response};

use crate::cli::{EvalArgs, EvalKind};

/// Runs the requested evaluations and prints their tables.
pub fn run(args: &EvalArgs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    let data = args.data.as_path();
    let want = |kind: EvalKind| args.what == kind || args.what == EvalKind::All;
    if want(EvalKind::Article) {
        section(
            &mut out,
            "article extraction",
            &data.join("trafilatura-eval"),
            |p| epiwire_article::eval::evaluate(p).map_err(anyhow::Error::from),
        )?;
    }
    if want(EvalKind::Counts) {
        let path = data.join("epitator-tests/test_count_annotator.jsonl");
        section(&mut out, "counts (EpiTator tests)", &path, |p| {
            count::eval_epitator_counts(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Dates) {
        let path = data.join("epitator-tests/test_date_annotator.jsonl");
        section(&mut out, "dates (EpiTator tests)", &path, |p| {
            date::eval_epitator_dates(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Diseases) {
        section(
            &mut out,
            "diseases (BAND dev)",
            &data.join("band-ner/dev.jsonl"),
            |p| disease::eval_band(p).map_err(anyhow::Error::from),
        )?;
        section(
            &mut out,
            "diseases and places (BAND dev)",
            &data.join("band-ner/dev.jsonl"),
            |p| disease::eval_band_combined(p).map_err(anyhow::Error::from),
        )?;
    }
    if want(EvalKind::Places) {
        section(
            &mut out,
            "places (eha-geo)",
            &data.join("eha-geo/resolved_geoannotated_data"),
            |p| place::eval_eha_geo(p).map_err(anyhow::Error::from),
        )?;
        let path = data.join("epitator-tests/test_geoname_annotator.jsonl");
        section(&mut out, "places (EpiTator geoname tests)", &path, |p| {
            place::eval_epitator_geonames(p).map_err(anyhow::Error::from)
        })?;
        section(
            &mut out,
            "places (BAND dev)",
            &data.join("band-ner/dev.jsonl"),
            |p| place::eval_band_places(p).map_err(anyhow::Error::from),
        )?;
    }
    if want(EvalKind::WhoDon) {
        let path = data.join("who-don/dons-1996-2012.jsonl");
        section(&mut out, "WHO DON figures", &path, |p| {
            count::eval_who_don(p).map_err(anyhow::Error::from)
        })?;
        section(&mut out, "WHO DON headline facts", &path, |p| {
            count::eval_who_don_facts(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Response) {
        // The gold set lives in the repository, beside its guideline.
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/annotate/eval/response/gold.jsonl");
        section(&mut out, "response actions and quotes", &path, |p| {
            response::eval_response(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Clustering) {
        section(
            &mut out,
            "event clustering (B³)",
            &data.join("news-clustering"),
            |p| epiwire_cluster::eval::evaluate(p).map_err(anyhow::Error::from),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one evaluation on `path` and prints its report under a heading, with the time taken.
fn section<R: Display>(
    out: &mut impl Write,
    name: &str,
    path: &Path,
    eval: impl FnOnce(&Path) -> Result<R>,
) -> Result<()> {
    let started = Instant::now();
    let report = eval(path).with_context(|| format!("{name} evaluation on {}", path.display()))?;
    writeln!(out, "== {name} ({}) ==\n{report}", path.display())?;
    writeln!(out, "({:.2} s)\n", started.elapsed().as_secs_f64())?;
    Ok(())
}
