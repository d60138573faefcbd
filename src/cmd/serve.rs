//! `epiwire serve`: the HTTP API, feed, exports and dashboard over a data directory.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use epiwire_server::{Options, ServeConfig};

use crate::cli::ServeArgs;

/// Serves until Ctrl-C.
pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.addr));
    let config = ServeConfig {
        addr: args.addr,
        data_dir: args.data.dir.clone(),
        connections: args.connections,
        sync_every: Duration::from_secs(args.sync_every),
        options: Options {
            base_url: base_url.trim_end_matches('/').to_owned(),
            open_reads: args.open_reads,
            reads_need_token: false,
            cors_origins: args.cors.clone(),
            timeout: Duration::from_secs(args.timeout.max(1)),
        },
    };
    epiwire_server::serve(config)
        .with_context(|| format!("cannot serve {}", args.data.dir.display()))?;
    Ok(ExitCode::SUCCESS)
}
