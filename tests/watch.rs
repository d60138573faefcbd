//! `epiwire watch`: feeds polled against a local HTTP server started by each test (never the
//! internet). Every test but the SSRF ones runs with `--allow-private` for the loopback server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::*;

/// One request as the server saw it: path and headers (names lower-cased).
#[derive(Debug, Clone)]
struct Req {
    path: String,
    headers: HashMap<String, String>,
}

/// One response.
#[derive(Debug, Clone, Default)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Wait before answering.
    delay: Duration,
}

fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Resp {
    Resp {
        status: 200,
        headers: vec![("Content-Type".into(), content_type.into())],
        body: body.into(),
        delay: Duration::ZERO,
    }
}

fn redirect(status: u16, to: &str) -> Resp {
    Resp {
        status,
        headers: vec![("Location".into(), to.into())],
        ..Resp::default()
    }
}

fn status(code: u16) -> Resp {
    Resp {
        status: code,
        ..Resp::default()
    }
}

type Handler = Arc<dyn Fn(&Req) -> Resp + Send + Sync>;

/// A tiny HTTP/1.1 server on `ip:0`, one thread per connection, `Connection: close`.
struct Server {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    fn start(ip: &str, handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let server_log = Arc::clone(&log);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&server_log);
                thread::spawn(move || serve(stream, &handler, &log));
            }
        });
        Server { addr, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests for `path` the server saw.
    fn hits(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    fn requests(&self, path: &str) -> Vec<Req> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

fn serve(mut stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Req>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let req = Req { path, headers };
    log.lock().unwrap().push(req.clone());
    let resp = handler(&req);
    thread::sleep(resp.delay);
    let mut out = format!("HTTP/1.1 {} X\r\n", resp.status);
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        resp.body.len()
    ));
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&resp.body); // the client may hang up at its size cap
}

/// An RSS 2.0 feed of `(id, link, description)` items.
fn rss(items: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Outbreaks</title><link>http://x/</link>\n",
    );
    for (id, link, desc) in items {
        s.push_str(&format!(
            "<item><title>Report {id}</title><link>{link}</link><guid>{id}</guid><description>{desc}</description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// An article page with real outbreak content, different for each `n`.
fn article(n: usize) -> String {
    format!(
        "<html><head><title>Cholera outbreak report {n}</title></head><body><nav>Home | News</nav><article>\
<h1>Cholera outbreak report {n}</h1><p>The health ministry of Northland reported {c} new cases of cholera on Monday, \
bringing the total to {t} cases and {n} deaths since the outbreak began in March.</p><p>Officials said the outbreak \
was concentrated in the eastern districts, where water supplies had been contaminated after heavy flooding. Teams \
from the World Health Organization were deployed to assist.</p></article><footer>Copyright</footer></body></html>",
        c = 100 + n,
        t = 400 + n
    )
}

fn feeds_file(dir: &std::path::Path, urls: &[String]) -> String {
    let path = dir.join("feeds.txt");
    let mut text = String::from("# test feeds\n");
    for u in urls {
        text.push_str(u);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `epiwire watch FEEDS --once --data DATA --host-delay 0` plus `extra`.
fn watch_once(feeds: &str, data: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "watch",
        feeds,
        "--data",
        data,
        "--once",
        "--host-delay",
        "0",
    ];
    args.extend_from_slice(extra);
    epiwire(&args, b"")
}

fn documents(data: &str) -> u64 {
    let out = epiwire(&["stats", "--json", "--data", data], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    stats["documents"].as_u64().unwrap()
}

#[test]
fn feed_changing_between_polls_fetches_only_new_items() {
    let version = Arc::new(AtomicUsize::new(1));
    let v = Arc::clone(&version);
    let server = Server::start("127.0.0.1", move |req| match req.path.as_str() {
        "/feed" => {
            let mut items = vec![("a1", "/a/1", "one"), ("a2", "/a/2", "two")];
            if v.load(Ordering::SeqCst) >= 2 {
                items.insert(0, ("a3", "/a/3", "three"));
            }
            ok("application/rss+xml", rss(&items))
        }
        p if p.starts_with("/a/") => {
            ok("text/html; charset=utf-8", article(p[3..].parse().unwrap()))
        }
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/feed")]);

    let first = watch_once(&feeds, data, &["--allow-private"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("2 items, 0 seen before, 2 stored"),
        "{}",
        stderr(&first)
    );
    assert_eq!(documents(data), 2);

    version.store(2, Ordering::SeqCst);
    let second = watch_once(&feeds, data, &["--allow-private"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("3 items, 2 seen before, 1 stored"),
        "{}",
        stderr(&second)
    );
    assert_eq!(documents(data), 3);
    for page in ["/a/1", "/a/2", "/a/3"] {
        assert_eq!(server.hits(page), 1, "{page} fetched once");
    }
    assert_eq!(server.hits("/feed"), 2);
    // The articles went through extraction and annotation like `ingest`.
    let shown = epiwire(&["show", "--data", data, &server.url("/a/3")], b"");
    assert!(shown.status.success(), "{}", stderr(&shown));
    let doc: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(doc["title"], "Report a3");
    assert_eq!(doc["diseases"][0]["name"], "cholera");
}

#[test]
fn restart_with_once_twice_stores_each_item_exactly_once() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/feed" => ok(
            "application/rss+xml",
            rss(&[("b1", "/b/1", "x"), ("b2", "/b/2", "y")]),
        ),
        p if p.starts_with("/b/") => {
            ok("text/html", article(10 + p[3..].parse::<usize>().unwrap()))
        }
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/feed")]);
    for _ in 0..2 {
        let out = watch_once(&feeds, data, &["--allow-private"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(documents(data), 2);
    assert_eq!(server.hits("/b/1"), 1);
    assert_eq!(server.hits("/b/2"), 1);
}

#[test]
fn second_poll_is_conditional_and_304_stores_nothing() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/feed" if req.headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") => {
            status(304)
        }
        "/feed" => {
            let mut r = ok("application/rss+xml", rss(&[("c1", "/c/1", "x")]));
            r.headers.push(("ETag".into(), "\"v1\"".into()));
            r.headers.push((
                "Last-Modified".into(),
                "Tue, 01 Dec 2026 10:00:00 GMT".into(),
            ));
            r
        }
        "/c/1" => ok("text/html", article(21)),
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/feed")]);
    let first = watch_once(&feeds, data, &["--allow-private"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = watch_once(&feeds, data, &["--allow-private"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("not modified"),
        "{}",
        stderr(&second)
    );
    let reqs = server.requests("/feed");
    assert_eq!(reqs.len(), 2);
    assert!(!reqs[0].headers.contains_key("if-none-match"));
    assert_eq!(reqs[1].headers["if-none-match"], "\"v1\"");
    assert_eq!(
        reqs[1].headers["if-modified-since"],
        "Tue, 01 Dec 2026 10:00:00 GMT"
    );
    assert_eq!(server.hits("/c/1"), 1);
    assert_eq!(documents(data), 1);
}

#[test]
fn redirect_chains_are_followed_up_to_five_hops() {
    let server = Server::start("127.0.0.1", |req| {
        let p = req.path.as_str();
        match p {
            "/r1" => redirect(302, "/r2"),
            "/r2" => redirect(301, "r3"),
            "/r3" => ok("application/rss+xml", rss(&[("d1", "/p1", "x")])),
            "/p1" => redirect(307, "/p2"),
            "/p2" => ok("text/html", article(31)),
            // /loop0 → /loop1 → … endlessly
            _ if p.starts_with("/loop") => {
                let n: usize = p[5..].parse().unwrap();
                redirect(302, &format!("/loop{}", n + 1))
            }
            _ => status(404),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/r1"), server.url("/loop0")]);
    let out = watch_once(&feeds, data, &["--allow-private"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("1 items, 0 seen before, 1 stored (0 from"),
        "{err}"
    );
    assert!(err.contains("more than 5 redirects"), "{err}");
    assert_eq!(server.hits("/loop5"), 1);
    assert_eq!(server.hits("/loop6"), 0);
    assert_eq!(documents(data), 1);
}

#[test]
fn slow_feed_times_out_and_the_run_goes_on() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/slow" => Resp {
            delay: Duration::from_secs(60),
            ..ok("application/rss+xml", rss(&[("s1", "/s/1", "x")]))
        },
        "/good" => ok("application/rss+xml", rss(&[("g1", "/g/1", "x")])),
        "/g/1" => ok("text/html", article(41)),
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/slow"), server.url("/good")]);
    let started = std::time::Instant::now();
    let out = watch_once(&feeds, data, &["--allow-private", "--timeout", "1s"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the 1 s timeout cut the 60 s wait"
    );
    assert!(
        err.contains(&format!("{}: timed out", server.url("/slow"))),
        "{err}"
    );
    assert_eq!(documents(data), 1);
}

#[test]
fn broken_feeds_give_one_error_each_and_the_run_goes_on() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/truncated" => ok(
            "application/rss+xml",
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Cut</title><item><title>Half",
        ),
        "/html" => ok("text/html", "<html><body><p>No feed here</p></body></html>"),
        "/good" => ok("application/rss+xml", rss(&[("g1", "/g/1", "x")])),
        "/g/1" => ok("text/html", article(51)),
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(
        dir.path(),
        &[
            server.url("/truncated"),
            server.url("/html"),
            server.url("/good"),
        ],
    );
    let out = watch_once(&feeds, data, &["--allow-private"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.matches("not a readable feed").count(), 2, "{err}");
    assert_eq!(err.matches(&server.url("/truncated")).count(), 1, "{err}");
    assert_eq!(err.matches(&server.url("/html")).count(), 1, "{err}");
    assert_eq!(documents(data), 1);
}

#[test]
fn oversized_page_is_cut_at_the_cap_and_oversized_feed_refused() {
    let mut big = article(61);
    let padding = "<p>Padding paragraph that goes on and on.</p>".repeat(20_000);
    big = big.replace("</article>", &format!("{padding}</article>"));
    assert!(big.len() > 500_000);
    let big_feed = rss(&[("h9", "/h/9", &"z".repeat(50_000))]);
    let server = Server::start("127.0.0.1", move |req| match req.path.as_str() {
        "/feed" => ok("application/rss+xml", rss(&[("h1", "/h/1", "x")])),
        "/bigfeed" => ok("application/rss+xml", big_feed.clone()),
        "/h/1" => ok("text/html", big.clone()),
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/feed"), server.url("/bigfeed")]);
    let out = watch_once(&feeds, data, &["--allow-private", "--max-bytes", "20000"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("page cut at --max-bytes (20000 bytes)"),
        "{err}"
    );
    assert!(err.contains("feed larger than --max-bytes"), "{err}");
    let shown = epiwire(&["show", "--data", data, &server.url("/h/1")], b"");
    assert!(shown.status.success(), "{}", stderr(&shown));
    let doc: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let text = doc["text"].as_str().unwrap();
    assert!(text.contains("health ministry of Northland"));
    assert!(text.len() < 20_000, "text of {} bytes", text.len());
}

#[test]
fn page_fetch_failure_falls_back_to_the_item_content() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/feed" => ok(
            "application/rss+xml",
            rss(&[(
                "f1",
                "/gone",
                "The ministry reported 35 cases of measles in Southland on Friday.",
            )]),
        ),
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/feed")]);
    let out = watch_once(&feeds, data, &["--allow-private"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("HTTP 404); storing the feed item's own content"),
        "{err}"
    );
    assert!(
        err.contains("1 stored (1 from the feed's own content)"),
        "{err}"
    );
    let shown = epiwire(&["show", "--data", data, &server.url("/gone")], b"");
    let doc: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert!(
        doc["text"]
            .as_str()
            .unwrap()
            .contains("35 cases of measles")
    );
}

#[test]
fn retry_after_is_reported_and_honoured_until_sigterm() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/busy" => Resp {
            headers: vec![("Retry-After".into(), "120".into())],
            ..status(429)
        },
        "/feed" => ok("application/rss+xml", rss(&[("k1", "/k/1", "x")])),
        "/k/1" => ok("text/html", article(71)),
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/busy"), server.url("/feed")]);
    let child = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args(["watch", &feeds, "--data", data, "--allow-private"])
        .args(["--host-delay", "0", "--interval", "1s"])
        .env_remove("EPIWIRE_DATA")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for at least three polls of /feed (one a second), then stop.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.hits("/feed") < 3 && std::time::Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(server.hits("/feed") >= 3, "{err}");
    assert_eq!(server.hits("/busy"), 1, "Retry-After 120 s honoured: {err}");
    assert!(
        err.contains("HTTP 429, retry after 120 s; next poll in 120 s"),
        "{err}"
    );
    assert!(err.contains("stopping after the current document"), "{err}");
    assert_eq!(server.hits("/k/1"), 1);
    assert_eq!(documents(data), 1);
}

#[test]
fn redirect_to_loopback_is_refused_without_allow_private() {
    // The feed server's own address is allowed one by one; its redirect to 127.0.0.1 is not.
    let target = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/feed" => ok("application/rss+xml", rss(&[("z1", "/z/1", "x")])),
        _ => ok("text/html", article(81)),
    });
    let target_feed = target.url("/feed");
    let front = Server::start("127.0.0.2", move |req| match req.path.as_str() {
        "/feed" => redirect(302, &target_feed),
        _ => status(404),
    });
    let localhost = format!("http://localhost:{}/feed", target.addr.port());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(
        dir.path(),
        &[front.url("/feed"), target.url("/feed"), localhost],
    );
    let out = watch_once(&feeds, data, &["--allow-addr", "127.0.0.2"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "every feed refused: {err}");
    assert_eq!(front.hits("/feed"), 1, "{err}");
    assert_eq!(target.hits("/feed"), 0, "nothing reached 127.0.0.1: {err}");
    assert_eq!(err.matches("refused").count(), 3, "{err}");
    assert!(err.contains("refused address 127.0.0.1"), "{err}");
    assert!(err.contains("--allow-private allows it"), "{err}");

    // The same list with --allow-private goes through. The redirected and the direct feed
    // share their item (same absolute URL): fetched and stored once; the localhost feed's item
    // is another URL, hence another document.
    let out = watch_once(&feeds, data, &["--allow-private"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(target.hits("/z/1"), 2, "{}", stderr(&out));
    assert_eq!(documents(data), 2);
}

#[test]
fn opml_feed_list_is_read() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/one" => ok("application/rss+xml", rss(&[("o1", "/o/1", "x")])),
        "/two" => ok(
            "application/feed+json",
            r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"o2","url":"/o/2","title":"Two"}]}"#,
        ),
        p if p.starts_with("/o/") => {
            ok("text/html", article(90 + p[3..].parse::<usize>().unwrap()))
        }
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let opml = dir.path().join("feeds.opml");
    std::fs::write(
        &opml,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"health\">\
<outline type=\"rss\" xmlUrl=\"{}\"/><outline type=\"rss\" xmlUrl=\"{}\"/></outline></body></opml>",
            server.url("/one"),
            server.url("/two")
        ),
    )
    .unwrap();
    let out = watch_once(opml.to_str().unwrap(), data, &["--allow-private"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(documents(data), 2);
}

#[test]
fn sigterm_mid_poll_finishes_the_document_and_the_next_run_resumes() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/feed" if req.headers.get("if-none-match").map(String::as_str) == Some("\"e1\"") => {
            status(304)
        }
        "/feed" => {
            let mut r = ok(
                "application/rss+xml",
                rss(&[
                    ("m1", "/m/1", "x"),
                    ("m2", "/m/2", "y"),
                    ("m3", "/m/3", "z"),
                ]),
            );
            r.headers.push(("ETag".into(), "\"e1\"".into()));
            r
        }
        "/m/2" => Resp {
            delay: Duration::from_secs(2),
            ..ok("text/html", article(102))
        },
        p if p.starts_with("/m/") => {
            ok("text/html", article(100 + p[3..].parse::<usize>().unwrap()))
        }
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[server.url("/feed")]);
    let child = Command::new(env!("CARGO_BIN_EXE_epiwire"))
        .args([
            "watch",
            &feeds,
            "--data",
            data,
            "--allow-private",
            "--host-delay",
            "0",
        ])
        .env_remove("EPIWIRE_DATA")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.hits("/m/2") == 0 && std::time::Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    // /m/2 is being answered (2 s): stop now.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        server.hits("/m/3"),
        0,
        "stopped after the current document: {err}"
    );
    assert_eq!(documents(data), 2, "{err}");

    // The interrupted poll kept no validators: the next run gets the feed in full, not a 304,
    // and fetches only the item left.
    let next = watch_once(&feeds, data, &["--allow-private"]);
    assert!(next.status.success(), "{}", stderr(&next));
    assert!(
        stderr(&next).contains("3 items, 2 seen before, 1 stored"),
        "{}",
        stderr(&next)
    );
    assert_eq!(server.hits("/m/1"), 1);
    assert_eq!(server.hits("/m/2"), 1);
    assert_eq!(server.hits("/m/3"), 1);
    assert_eq!(documents(data), 3);
    // Now complete: the validators are kept and the third run is a 304.
    let third = watch_once(&feeds, data, &["--allow-private"]);
    assert!(
        stderr(&third).contains("not modified"),
        "{}",
        stderr(&third)
    );
}

#[test]
fn a_slow_host_does_not_hold_up_feeds_on_another_host() {
    let slow = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/feed" => Resp {
            delay: Duration::from_secs(3),
            ..ok("application/rss+xml", rss(&[("q1", "/q/1", "x")]))
        },
        _ => ok("text/html", article(111)),
    });
    let fast = Server::start("127.0.0.2", |req| match req.path.as_str() {
        "/feed" => ok("application/rss+xml", rss(&[("q2", "/q/2", "x")])),
        _ => ok("text/html", article(112)),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(dir.path(), &[slow.url("/feed"), fast.url("/feed")]);
    let out = watch_once(&feeds, data, &["--allow-private"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let at = |url: String| err.find(&format!("{url}: 1 items")).unwrap();
    assert!(
        at(fast.url("/feed")) < at(slow.url("/feed")),
        "the second feed finished first: {err}"
    );
    assert_eq!(documents(data), 2);
}

#[test]
fn backoff_doubles_on_errors_and_the_feed_ttl_lengthens_the_interval() {
    let server = Server::start("127.0.0.1", |req| match req.path.as_str() {
        "/error" => status(500),
        "/ttl" => ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>T</title><ttl>60</ttl></channel></rss>",
        ),
        "/sy" => ok(
            "application/rss+xml",
            "<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel><title>S</title>\
<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency></channel></rss>",
        ),
        _ => status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let feeds = feeds_file(
        dir.path(),
        &[server.url("/error"), server.url("/ttl"), server.url("/sy")],
    );
    let first = watch_once(&feeds, data, &["--allow-private", "--interval", "10m"]);
    let err = stderr(&first);
    assert!(
        err.contains("HTTP 500; next poll in 60 s (failed polls in a row: 1)"),
        "{err}"
    );
    assert!(err.contains(&format!("{}: 0 items, 0 seen before, 0 stored (0 from the feed's own content), 0 already stored, 0 errors; next poll in 3600 s", server.url("/ttl"))), "{err}");
    assert!(err.contains(&format!("{}: 0 items, 0 seen before, 0 stored (0 from the feed's own content), 0 already stored, 0 errors; next poll in 21600 s", server.url("/sy"))), "{err}");
    let second = watch_once(&feeds, data, &["--allow-private", "--interval", "10m"]);
    let err = stderr(&second);
    assert!(
        err.contains("HTTP 500; next poll in 120 s (failed polls in a row: 2)"),
        "{err}"
    );
}
