//! `epiwire events` and `epiwire event ID`: the consolidated events.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use epiwire_consolidate::{EventDetail, EventFilter, EventSummary, Figure};
use epiwire_store::{SqliteStore, Store};

use crate::cli::{EventArgs, EventsArgs, ListFormat};

/// A figure as an analyst writes it: "more than 1,720,000 cumulative cases (2022-05-18)".
pub fn figure_line(f: &Figure) -> String {
    let qualifier = match f.qualifier.as_str() {
        "more_than" => "more than ",
        "at_least" => "at least ",
        "approximate" => "about ",
        "at_most" => "at most ",
        "less_than" => "less than ",
        _ => "",
    };
    let value = match (f.qualifier.as_str(), f.min, f.max) {
        ("range", Some(a), Some(b)) => format!("{}–{}", thousands(a), thousands(b)),
        _ => thousands(f.value),
    };
    let scope = match f.scope.as_str() {
        "unknown" => String::new(),
        s => format!("{s} "),
    };
    let status = f
        .status
        .as_deref()
        .map(|s| format!("{s} "))
        .unwrap_or_default();
    let as_of = f.as_of.as_deref().unwrap_or("undated");
    format!("{qualifier}{value} {scope}{status}{} ({as_of})", f.metric)
}

/// 1720000 → "1,720,000" (fractions kept as written).
pub fn thousands(v: f64) -> String {
    if v.fract() != 0.0 || !v.is_finite() || v.abs() >= 1e15 {
        return format!("{v}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

fn csv_field(s: &str) -> String {
    let s = epiwire_server::spreadsheet_safe(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn names(e: &EventSummary) -> String {
    e.diseases
        .iter()
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn write_table(out: &mut impl Write, events: &[EventSummary]) -> io::Result<()> {
    for e in events {
        writeln!(
            out,
            "{}  {:.2}  {}  [{}]  {} .. {}  {} docs / {} sources",
            e.id,
            e.relevance,
            if e.diseases.is_empty() {
                "-".to_string()
            } else {
                names(e)
            },
            e.countries.join(","),
            e.first_seen.as_deref().unwrap_or("?"),
            e.last_seen.as_deref().unwrap_or("?"),
            e.documents,
            e.outlets,
        )?;
        writeln!(out, "    {}", e.title)?;
        for f in &e.headline {
            writeln!(out, "    - {}", figure_line(f))?;
        }
        for s in &e.signals {
            writeln!(out, "    ! {}: {}", s.kind, s.reason)?;
        }
    }
    Ok(())
}

fn write_csv(out: &mut impl Write, events: &[EventSummary]) -> io::Result<()> {
    writeln!(
        out,
        "id,relevance,title,diseases,countries,first_seen,last_seen,documents,outlets,lat,lon,headline,signals"
    )?;
    for e in events {
        let headline: Vec<String> = e.headline.iter().map(figure_line).collect();
        let signals: Vec<&str> = e.signals.iter().map(|s| s.kind.as_str()).collect();
        writeln!(
            out,
            "{},{:.4},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&e.id),
            e.relevance,
            csv_field(&e.title),
            csv_field(&names(e)),
            csv_field(&e.countries.join(";")),
            e.first_seen.as_deref().unwrap_or(""),
            e.last_seen.as_deref().unwrap_or(""),
            e.documents,
            e.outlets,
            e.lat.map(|v| v.to_string()).unwrap_or_default(),
            e.lon.map(|v| v.to_string()).unwrap_or_default(),
            csv_field(&headline.join("; ")),
            csv_field(&signals.join(";")),
        )?;
    }
    Ok(())
}

fn open(dir: &std::path::Path) -> Result<SqliteStore> {
    SqliteStore::open_existing(dir)
        .with_context(|| format!("cannot open the store in {}", dir.display()))
}

/// Lists events.
pub fn list(args: &EventsArgs) -> Result<ExitCode> {
    let store = open(&args.data.dir)?;
    let filter = EventFilter {
        disease: args.disease.clone(),
        country: args.country.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        signal: args.signal.clone(),
        limit: args.limit,
        offset: args.offset,
    }
    .validated();
    let filter = match filter {
        Ok(f) => f,
        Err(e) => {
            eprintln!("epiwire: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let events = store.events(&filter).context("cannot read the events")?;
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Jsonl
    });
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Table => write_table(&mut out, &events)?,
        ListFormat::Csv => write_csv(&mut out, &events)?,
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &events)?;
            writeln!(out)?;
        }
        ListFormat::Jsonl => {
            for e in &events {
                serde_json::to_writer(&mut out, e)?;
                writeln!(out)?;
            }
        }
    }
    if events.is_empty() {
        eprintln!("epiwire: no events match");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn write_event(out: &mut impl Write, e: &EventDetail) -> io::Result<()> {
    write_table(out, std::slice::from_ref(&e.summary))?;
    writeln!(out, "\nsources:")?;
    for s in &e.sources {
        writeln!(
            out,
            "  {}  {}  {}{}",
            s.published.as_deref().unwrap_or("undated"),
            s.outlet
                .as_deref()
                .or(s.url.as_deref())
                .unwrap_or(&s.doc_id),
            s.title.as_deref().unwrap_or("(no title)"),
            s.duplicate_of
                .as_deref()
                .map(|d| format!("  [copy of {d}]"))
                .unwrap_or_default(),
        )?;
    }
    writeln!(out, "\ntimeline:")?;
    for s in &e.series {
        let what = [
            s.disease_name
                .as_deref()
                .or(s.disease.as_deref())
                .unwrap_or("-"),
            s.place_name
                .as_deref()
                .or(s.country.as_deref())
                .unwrap_or("-"),
        ]
        .join(" / ");
        writeln!(out, "  {what}: {} {}", s.scope, s.metric)?;
        for p in &s.points {
            writeln!(
                out,
                "    {}  {}{}{}{}",
                p.as_of,
                p.text.clone().unwrap_or_else(|| thousands(p.value)),
                if p.qualifier == "exact" {
                    String::new()
                } else {
                    format!(" ({})", p.qualifier)
                },
                if p.outlets.is_empty() {
                    String::new()
                } else {
                    format!("  {}", p.outlets.join(", "))
                },
                if p.conflict {
                    "  CONFLICT"
                } else if p.derived {
                    "  derived"
                } else {
                    ""
                },
            )?;
        }
    }
    if !e.conflicts.is_empty() {
        writeln!(out, "\nconflicts:")?;
        for c in &e.conflicts {
            writeln!(out, "  {}: {}", c.kind, c.reason)?;
        }
    }
    writeln!(out, "\nevidence:")?;
    for f in &e.figures {
        writeln!(
            out,
            "  {}  {}: \"{}\"",
            f.outlet.as_deref().unwrap_or(&f.doc_id),
            figure_line(f),
            f.evidence.text.trim()
        )?;
    }
    Ok(())
}

/// Shows one event.
pub fn show(args: &EventArgs) -> Result<ExitCode> {
    let store = open(&args.data.dir)?;
    let mut id = args.id.clone();
    // A document id names its event too.
    if store.event(&id)?.is_none()
        && let Some(ev) = store.event_of(&id)?
    {
        id = ev;
    }
    let Some(event) = store.event(&id).context("cannot read the event")? else {
        eprintln!(
            "epiwire: no event with id {:?} (see `epiwire events`)",
            args.id
        );
        return Ok(ExitCode::from(1));
    };
    let mut out = io::stdout().lock();
    if args.json || !io::stdout().is_terminal() && !args.text {
        serde_json::to_writer_pretty(&mut out, &event)?;
        writeln!(out)?;
    } else {
        write_event(&mut out, &event)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(1_720_000.0), "1,720,000");
        assert_eq!(thousands(62.0), "62");
        assert_eq!(thousands(232_880.0), "232,880");
        assert_eq!(thousands(2.5), "2.5");
    }

    #[test]
    fn csv_quotes() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        // A title that a spreadsheet would run as a formula is neutralised.
        assert_eq!(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    }
}
