//! `epiwire extract`: documents in, JSON Lines out, in input order.

use std::io::{self, BufWriter, StdoutLock, Write};
use std::process::ExitCode;

use anyhow::Result;
use epiwire_sources::read;

use crate::cli::ExtractArgs;
use crate::cmd::input;
use crate::pipeline::{self, Output, Sink};

/// Writes each output as one JSON line; errors also go to stderr.
struct JsonLines {
    out: BufWriter<StdoutLock<'static>>,
    no_text: bool,
    ok: u64,
    failed: u64,
}

impl Sink for JsonLines {
    type Error = anyhow::Error;

    fn write(&mut self, outputs: Vec<Output>) -> Result<()> {
        for output in outputs {
            match output {
                Output::Doc { mut doc, .. } => {
                    if self.no_text {
                        doc.text.clear();
                    }
                    serde_json::to_writer(&mut self.out, &doc)?;
                    self.ok += 1;
                }
                Output::Error(err) => {
                    eprintln!("epiwire: {}: {}", err.id, err.error);
                    serde_json::to_writer(&mut self.out, &err)?;
                    self.failed += 1;
                }
                Output::Skipped => continue,
            }
            self.out.write_all(b"\n")?;
        }
        // Flush per chunk so that a consumer sees results while a long input is read.
        self.out.flush()?;
        Ok(())
    }
}

/// Runs the command.
pub fn run(args: &ExtractArgs) -> Result<ExitCode> {
    let inputs = input::paths(&args.input);
    let options = input::options(&args.input);
    let mut sink = JsonLines {
        out: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        no_text: args.no_text,
        ok: 0,
        failed: 0,
    };
    pipeline::run(|| read(&inputs, &options), &mut sink)?;
    sink.out.flush()?;
    tracing::info!(ok = sink.ok, failed = sink.failed, "extract done");
    if sink.ok == 0 {
        eprintln!("epiwire: nothing could be read ({} errors)", sink.failed);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
