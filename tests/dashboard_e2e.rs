//! The dashboard in a real browser: builds the demo store, starts `epiwire demo` on a free port and
//! drives headless Chromium through `tests/e2e/dashboard.mjs` (playwright-core): the seed event on
//! the map and its timeline, its page, triage with a token from `epiwire token create`, and an
//! article holding `<script>` that must not run. Screenshots and measurements land in
//! `target/e2e/`.
//!
//! Needs node, Debian's chromium and `tests/e2e/node_modules` (`.ci/run` installs them):
//!
//!     apt-get install -y chromium && (cd tests/e2e && npm ci)
//!     cargo test --test dashboard_e2e -- --nocapture
//!
//! Without them the test says so on stderr and passes without running, unless
//! `EPIWIRE_E2E_REQUIRED` is set (`.ci/run` sets it once it has installed them): then it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    std::env::var_os("EPIWIRE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Why the browser test cannot run here, if it cannot.
fn missing_tools() -> Option<String> {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        return Some("node is not installed".into());
    }
    if !chromium().exists() {
        return Some(format!(
            "{} does not exist (apt-get install -y chromium, or set EPIWIRE_CHROMIUM)",
            chromium().display()
        ));
    }
    if !root()
        .join("tests/e2e/node_modules/playwright-core")
        .exists()
    {
        return Some("tests/e2e/node_modules is missing (cd tests/e2e && npm ci)".into());
    }
    None
}

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn epiwire(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "epiwire {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dashboard_in_headless_chromium() {
    if let Some(why) = missing_tools() {
        assert!(
            std::env::var_os("EPIWIRE_E2E_REQUIRED").is_none(),
            "EPIWIRE_E2E_REQUIRED is set but {why}"
        );
        eprintln!("SKIPPED dashboard_e2e: {why}; see the header of tests/dashboard_e2e.rs");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("store");
    let data_arg = data.to_str().unwrap();
    let injected = root().join("tests/e2e/fixtures/injected.jsonl");
    epiwire(&[
        "ingest",
        injected.to_str().unwrap(),
        "--data",
        data_arg,
        "--progress",
        "never",
    ]);
    let token_out = epiwire(&["token", "create", "e2e-analyst", "--data", data_arg]);
    let token = token_out
        .split_whitespace()
        .last()
        .expect("epiwire token create prints the token")
        .to_owned();

    let mut child = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(["demo", "--addr", "127.0.0.1:0", "--data", data_arg])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    // The demo ingests the corpus, then prints the dashboard's URL on stdout.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let _ = tx.send(line[at..].trim().to_owned());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(600))
        .expect("epiwire demo printed its URL within 10 minutes");
    // The URL is printed just before the server binds: wait until it accepts connections.
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut up = false;
    for _ in 0..300 {
        if std::net::TcpStream::connect(&host).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(up, "the demo server at {url} never accepted a connection");

    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("e2e");
    let run = Command::new("node")
        .arg(root().join("tests/e2e/dashboard.mjs"))
        .args([
            "--url",
            &url,
            "--token",
            &token,
            "--injected",
            "e2e-injected",
        ])
        .arg("--out")
        .arg(&out_dir)
        .env("EPIWIRE_CHROMIUM", chromium())
        .output()
        .unwrap();
    drop(server);
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    eprintln!("{stderr}");
    println!(
        "dashboard e2e: {stdout}screenshots in {}",
        out_dir.display()
    );
    assert!(
        run.status.success(),
        "browser test failed:\n{stderr}\n{stdout}"
    );
    let metrics: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(metrics["first_load_bytes"].as_u64().unwrap() > 0);
    for shot in ["overview.png", "event.png", "triage.png", "injected.png"] {
        assert!(out_dir.join(shot).exists(), "{shot}");
    }
}

#[test]
fn demo_refuses_a_busy_address_before_ingesting() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("store");
    let out = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(["demo", "--addr", &addr, "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert!(!data.exists(), "nothing ingested");
    assert!(out.stdout.is_empty(), "no URL printed");
}
