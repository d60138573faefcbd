//! `epiwire demo`: the bundled sample corpus (`data/demo`: the two seed articles and 60 WHO
//! Disease Outbreak News pages, embedded in the binary) ingested into a store, then the
//! dashboard served over it.
//!
//! The ingest is `epiwire ingest`'s own code, so a second run over the same directory adds
//! nothing and starts serving at once.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use epiwire_server::{Options, ServeConfig};

use crate::cli::{DataArgs, DemoArgs, IngestArgs, InputArgs, Progress};
use crate::cmd::ingest;

/// The corpus files, written into `DATA/corpus/` before the ingest.
const CORPUS: [(&str, &[u8]); 2] = [
    ("seeds.jsonl", include_bytes!("../../data/demo/seeds.jsonl")),
    (
        "who-don.jsonl.gz",
        include_bytes!("../../data/demo/who-don.jsonl.gz"),
    ),
];

/// Runs the command.
pub fn run(args: &DemoArgs) -> Result<ExitCode> {
    let addr = resolve(&args.addr)?;
    let corpus = write_corpus(&args.data)?;
    eprintln!(
        "epiwire: demo: ingesting the bundled corpus (2 seed articles, 60 WHO outbreak news \
         pages) into {}",
        args.data.display()
    );
    let ingest_args = IngestArgs {
        input: InputArgs {
            paths: vec![corpus],
            max_doc_bytes: 8 * 1024 * 1024,
            max_decompressed_bytes: 1024 * 1024 * 1024,
        },
        data: DataArgs {
            dir: args.data.clone(),
        },
        batch: 64,
        events_batch: crate::cli::EVENTS_BATCH,
        progress: Progress::Always,
    };
    let code = ingest::run(&ingest_args)?;
    if code != ExitCode::SUCCESS {
        anyhow::bail!("the demo corpus could not be ingested");
    }
    serve(&args.data, addr)
}

/// The address to listen on, checked free before the ingest (a busy port fails at once, not
/// after it); port 0 picks a free port now, so that the URL can be printed.
fn resolve(addr: &str) -> Result<SocketAddr> {
    let addr = addr
        .to_socket_addrs()
        .with_context(|| format!("bad address {addr:?}"))?
        .next()
        .with_context(|| format!("{addr:?} resolves to no address"))?;
    let probe = TcpListener::bind(addr).with_context(|| {
        format!("cannot listen on {addr} (another server there? try --addr 127.0.0.1:0)")
    })?;
    Ok(probe.local_addr()?)
}

/// Writes the embedded corpus to `DATA/corpus/` and returns that directory.
fn write_corpus(data: &Path) -> Result<PathBuf> {
    let dir = data.join("corpus");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in CORPUS {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(dir)
}

/// Serves the API and the dashboard over the store until Ctrl-C; prints the URL on stdout.
fn serve(data: &Path, addr: SocketAddr) -> Result<ExitCode> {
    let host = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => format!("127.0.0.1:{}", a.port()),
        SocketAddr::V6(a) if a.ip().is_unspecified() => format!("[::1]:{}", a.port()),
        other => other.to_string(),
    };
    let url = format!("http://{host}/");
    let mut out = std::io::stdout().lock();
    writeln!(out, "epiwire demo: open {url}")?;
    out.flush()?;
    drop(out);
    let config = ServeConfig {
        addr,
        data_dir: data.to_path_buf(),
        connections: 0,
        sync_every: Duration::from_secs(30),
        options: Options {
            base_url: url.trim_end_matches('/').to_owned(),
            ..Options::default()
        },
    };
    epiwire_server::serve(config).context("the server stopped")?;
    Ok(ExitCode::SUCCESS)
}
