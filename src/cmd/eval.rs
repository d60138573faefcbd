//! `epiwire eval`: scores on the development sets.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{EvalArgs, EvalKind};

/// Runs the requested evaluations and prints their tables.
pub fn run(args: &EvalArgs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    if matches!(args.what, EvalKind::Article | EvalKind::All) {
        let dir = args.data.join("trafilatura-eval");
        let report = epiwire_article::eval::evaluate(&dir)
            .with_context(|| format!("article evaluation on {}", dir.display()))?;
        writeln!(
            out,
            "== article extraction ({}) ==\n{report}",
            dir.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
