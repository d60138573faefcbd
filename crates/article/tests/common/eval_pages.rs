//! The trafilatura-eval pages in `../shared/data`, for tests. The integration tests include this
//! file as a module (`#[path = "common/eval_pages.rs"]`), and so do the crate's unit tests.
#![allow(dead_code, reason = "each test file uses the part it needs")]

use std::path::{Path, PathBuf};

/// The trafilatura-eval pages, sorted by file name; `None` (with a note on stderr) where the
/// data is not beside the checkout: the tests cannot fetch it.
pub fn eval_pages() -> Option<Vec<PathBuf>> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/trafilatura-eval/html");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no {}", dir.display());
        return None;
    };
    let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    names.sort();
    Some(names)
}

/// One gzipped eval page as text (invalid UTF-8 replaced, as the extractor reads it); `None`
/// when it cannot be read or unpacked.
pub fn read_page(path: &Path) -> Option<String> {
    let raw = std::fs::read(path).ok()?;
    let mut html = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(raw.as_slice()),
        &mut html,
    )
    .ok()?;
    Some(String::from_utf8_lossy(&html).into_owned())
}

/// Runs `check` on every `step`th eval page from the `first`th (by file name) that reads, and
/// returns how many it checked; `None` where the data is not there.
pub fn each_eval_page(
    first: usize,
    step: usize,
    mut check: impl FnMut(&str, &Path),
) -> Option<usize> {
    let names = eval_pages()?;
    let mut checked = 0;
    for path in names.iter().skip(first).step_by(step) {
        if let Some(html) = read_page(path) {
            check(&html, path);
            checked += 1;
        }
    }
    Some(checked)
}
