//! The `epiwire` binary: a thin layer that parses the command line, wires the library crates
//! together and maps errors to exit codes.
//!
//! Exit codes: 0 success; 1 nothing could be read (or an evaluation could not run); 2 usage
//! error (clap); 3 the store or the output failed. A closed stdout (`epiwire extract | head`) is
//! not an error.

mod cli;
mod cmd;
mod pipeline;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command};

/// mimalloc instead of the system allocator: extraction (html5ever's tree, trafilatura's
/// strings) and annotation allocate and free many small objects; see the README, "Measuring".
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let ingest = matches!(cli.command, Command::Ingest(_));
    if cli.threads.is_some() || ingest {
        let mut pool = rayon::ThreadPoolBuilder::new().num_threads(cli.threads.unwrap_or(0));
        if ingest {
            pool = pool.start_handler(|_| cmd::ingest::yield_to_consolidation());
        }
        if let Err(e) = pool.build_global() {
            eprintln!("epiwire: cannot start the worker threads: {e}");
            return ExitCode::from(2);
        }
    }
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Extract(args) => cmd::extract::run(&args),
        Command::Ingest(args) => cmd::ingest::run(&args),
        Command::Stats(args) => cmd::stats::run(&args),
        Command::Show(args) => cmd::stats::show(&args),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::Token(args) => cmd::token::run(&args),
        Command::Cluster(args) => cmd::cluster::run(&args),
        Command::Eval(args) => cmd::eval::run(&args),
        Command::Events(args) => cmd::events::list(&args),
        Command::Event(args) => cmd::events::show(&args),
        Command::Search(args) => cmd::search::run(&args),
        Command::Watch(args) => cmd::watch::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("epiwire: error: {err:#}");
            ExitCode::from(3)
        }
    }
}

fn init_logging(verbose: u8) {
    // Third-party crates (html5ever, trafilatura) warn about every odd page: keep them to
    // errors unless RUST_LOG asks for more. Targets match by prefix, so `epiwire` covers every
    // `epiwire_*` crate.
    let default = match verbose {
        0 => "error,epiwire=warn",
        1 => "error,epiwire=info",
        _ => "warn,epiwire=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// True when the error chain holds a broken pipe: the reader of stdout went away.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let kind = cause
            .downcast_ref::<io::Error>()
            .map(io::Error::kind)
            // serde_json keeps the io::Error inside, not as its source.
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(|e| e.io_error_kind())
            });
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}
