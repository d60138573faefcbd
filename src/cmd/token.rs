//! `epiwire token create|list|revoke`: the API tokens that authorise writes (triage).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use epiwire_store::SqliteStore;

use crate::cli::{TokenAction, TokenArgs};

/// Runs one token action.
pub fn run(args: &TokenArgs) -> Result<ExitCode> {
    let dir = match &args.action {
        TokenAction::Create { data, .. }
        | TokenAction::List { data }
        | TokenAction::Revoke { data, .. } => &data.dir,
    };
    let store = SqliteStore::open_existing(dir)
        .with_context(|| format!("cannot open the store in {}", dir.display()))?;
    let mut out = io::stdout().lock();
    match &args.action {
        TokenAction::Create { name, .. } => {
            let token = epiwire_server::auth::create_token(&store, name)
                .with_context(|| format!("cannot create token {name:?}"))?;
            writeln!(out, "{token}")?;
            eprintln!(
                "epiwire: token {name:?} created; it is shown only this once (the store keeps its hash). \
                 Send it as `Authorization: Bearer <token>`."
            );
        }
        TokenAction::List { .. } => {
            for (name, created) in store.tokens().context("cannot read the tokens")? {
                writeln!(out, "{name}\t{created}")?;
            }
        }
        TokenAction::Revoke { name, .. } => {
            if !store
                .revoke_token(name)
                .context("cannot revoke the token")?
            {
                eprintln!("epiwire: no token named {name:?}");
                return Ok(ExitCode::from(1));
            }
            eprintln!("epiwire: token {name:?} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
