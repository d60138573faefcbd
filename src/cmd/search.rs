//! `epiwire search`: full-text search over the stored documents.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use epiwire_search::{SearchIndex, SearchQuery, SearchResults, index_dir};
use epiwire_store::SqliteStore;

use crate::cli::{SearchArgs, SearchFormat};

/// Syncs the index from the store, runs the query and prints the hits.
pub fn run(args: &SearchArgs) -> Result<ExitCode> {
    let store = SqliteStore::open_existing(&args.data.dir)
        .with_context(|| format!("cannot open the store in {}", args.data.dir.display()))?;
    let dir = index_dir(&args.data.dir);
    let index = SearchIndex::open_or_rebuild(&dir, &store)
        .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
    match index.sync(&store) {
        Ok(_) => {}
        // Another process (a server, an ingest) is writing the index: search what it holds.
        Err(e @ epiwire_search::Error::Locked { .. }) => tracing::warn!("{e}; searching as is"),
        Err(e) => return Err(e).context("cannot update the search index"),
    }
    let query = SearchQuery {
        q: args.query.join(" "),
        disease: args.disease.clone(),
        country: args.country.clone(),
        outlet: args.outlet.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        limit: args.limit,
        offset: args.offset,
        sort: if args.newest {
            epiwire_search::Sort::Newest
        } else {
            epiwire_search::Sort::Relevance
        },
        lenient: false,
    };
    let results = match index.search(&query) {
        Ok(r) => r,
        Err(e) if e.is_client_error() => {
            eprintln!("epiwire: {e}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e).context("search failed"),
    };
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        SearchFormat::Table
    } else {
        SearchFormat::Json
    });
    let mut out = io::stdout().lock();
    match format {
        SearchFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &results)?;
            writeln!(out)?;
        }
        SearchFormat::Jsonl => {
            for hit in &results.hits {
                serde_json::to_writer(&mut out, hit)?;
                writeln!(out)?;
            }
        }
        SearchFormat::Table => table(&mut out, &results, &query)?,
    }
    out.flush()?;
    Ok(if results.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Human-readable hits: a header line per hit (rank, date, outlet, title) and its snippet with
/// the matches in bold (on a terminal) or between `[` `]`.
fn table(out: &mut impl Write, results: &SearchResults, query: &SearchQuery) -> io::Result<()> {
    let bold = io::stdout().is_terminal();
    let shown = results.hits.len();
    writeln!(
        out,
        "{} hit{}{}",
        results.total,
        if results.total == 1 { "" } else { "s" },
        if shown < results.total {
            format!(" (showing {}–{})", query.offset + 1, query.offset + shown)
        } else {
            String::new()
        }
    )?;
    for (i, hit) in results.hits.iter().enumerate() {
        let date = hit
            .published
            .as_deref()
            .map_or("—", |d| d.get(..10).unwrap_or(d));
        let title = hit.title.as_deref().unwrap_or(&hit.id);
        writeln!(
            out,
            "\n{:>3}. {}  {}  {}",
            query.offset + i + 1,
            date,
            hit.outlet.as_deref().unwrap_or("—"),
            title
        )?;
        let mut line = String::new();
        let mut at = 0;
        let chars: Vec<char> = hit.snippet.chars().collect();
        for h in &hit.highlights {
            let (start, end) = (h.start.min(chars.len()), h.end.min(chars.len()));
            if start < at {
                continue;
            }
            line.extend(&chars[at..start]);
            line.push_str(if bold { "\x1b[1m" } else { "[" });
            line.extend(&chars[start..end]);
            line.push_str(if bold { "\x1b[0m" } else { "]" });
            at = end;
        }
        line.extend(&chars[at..]);
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(out, "     {line}")?;
        if hit.url.is_some() || title != hit.id {
            writeln!(out, "     {}", hit.url.as_deref().unwrap_or(&hit.id))?;
        }
    }
    let f = &results.facets;
    if !f.diseases.is_empty() || !f.countries.is_empty() {
        writeln!(out)?;
        let list = |v: &[epiwire_search::FacetCount]| {
            v.iter()
                .take(8)
                .map(|c| format!("{} {}", c.name.as_deref().unwrap_or(&c.key), c.count))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !f.diseases.is_empty() {
            writeln!(out, "diseases: {}", list(&f.diseases))?;
        }
        if !f.countries.is_empty() {
            writeln!(out, "countries: {}", list(&f.countries))?;
        }
    }
    Ok(())
}
