//! A polite, guarded HTTP client for feeds and article pages.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, RETRY_AFTER,
};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::{Host, Url};

use crate::guard::{Guard, GuardResolver, refused_in};
use crate::{Error, Result};

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 5;

/// How the fetcher behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// Longest time for a whole request, body included (each redirect hop anew).
    pub timeout: Duration,
    /// Most body bytes read; the rest is not read and the page is marked truncated.
    pub max_bytes: usize,
    /// Least time between two requests to the same host.
    pub host_delay: Duration,
    /// The SSRF guard.
    pub guard: Guard,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_bytes: 10 * 1024 * 1024,
            host_delay: Duration::from_secs(2),
            guard: Guard::default(),
            user_agent: concat!("epiwire/", env!("CARGO_PKG_VERSION"), " (feed watcher)").into(),
        }
    }
}

/// Validators from an earlier response, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditional {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A successful response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The URL finally answered, after redirects.
    pub url: String,
    /// The body, at most [`Config::max_bytes`].
    pub body: Vec<u8>,
    /// True when the body was cut at [`Config::max_bytes`].
    pub truncated: bool,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The validators to send next time.
    pub validators: Conditional,
}

/// The outcome of a GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: nothing new since the validators sent.
    NotModified,
    /// 2xx with its body.
    Page(Page),
}

/// A polite, guarded HTTP client. One request at a time per host, at least
/// [`Config::host_delay`] between two requests to a host (redirect hops included).
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Config,
    /// Per host: when its last request ended; the lock is held for the whole request.
    hosts: Mutex<HashMap<String, Arc<Mutex<Option<Instant>>>>>,
}

impl Fetcher {
    /// A fetcher with `config`. Redirects are followed by hand, proxies from the environment are
    /// ignored (they would bypass the guard), host names resolve through the guard.
    pub fn new(config: Config) -> Result<Fetcher> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(config.user_agent.clone())
            .dns_resolver(Arc::new(GuardResolver::new(Arc::new(config.guard.clone()))))
            .build()
            .map_err(Error::Client)?;
        Ok(Fetcher {
            client,
            config,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// The fetcher's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// GETs `url`, following at most [`MAX_REDIRECTS`] redirects, each hop checked by the guard.
    /// 304 gives [`Fetched::NotModified`]; 429 and 503 with `Retry-After` give
    /// [`Error::RetryAfter`]; other non-2xx statuses [`Error::Status`].
    pub async fn get(&self, url: &str, conditional: &Conditional) -> Result<Fetched> {
        let mut current = Url::parse(url.trim()).map_err(|e| Error::Url {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        let mut hops = 0usize;
        loop {
            self.check(&current)?;
            let host = host_key(&current);
            let slot = {
                let mut hosts = self.hosts.lock().await;
                Arc::clone(hosts.entry(host).or_default())
            };
            let mut last = slot.lock().await;
            if let Some(at) = *last {
                tokio::time::sleep_until(at + self.config.host_delay).await;
            }
            let result = self.one(&current, conditional).await;
            *last = Some(Instant::now());
            drop(last);
            match result? {
                Hop::Done(fetched) => return Ok(fetched),
                Hop::Redirect(next) => {
                    hops += 1;
                    if hops > MAX_REDIRECTS {
                        return Err(Error::Redirect {
                            url: current.to_string(),
                            reason: format!("more than {MAX_REDIRECTS} redirects"),
                        });
                    }
                    tracing::debug!(from = %current, to = %next, "redirect");
                    current = next;
                }
            }
        }
    }

    /// Scheme and IP-literal checks (names are checked when resolved).
    fn check(&self, url: &Url) -> Result<()> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Scheme {
                url: url.to_string(),
            });
        }
        let ip = match url.host() {
            None => {
                return Err(Error::Url {
                    url: url.to_string(),
                    reason: "no host".into(),
                });
            }
            Some(Host::Ipv4(v4)) => std::net::IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => std::net::IpAddr::V6(v6),
            Some(Host::Domain(_)) => return Ok(()),
        };
        if self.config.guard.permits(ip) {
            Ok(())
        } else {
            Err(Error::Refused {
                url: url.to_string(),
                host: url.host_str().unwrap_or_default().to_owned(),
                addr: ip,
            })
        }
    }

    async fn one(&self, url: &Url, conditional: &Conditional) -> Result<Hop> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &conditional.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &conditional.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        let mut response = request.send().await.map_err(|e| self.http_error(url, e))?;
        let status = response.status();
        let headers = response.headers().clone();
        if status.is_redirection() && status.as_u16() != 304 {
            let next = header(&headers, LOCATION)
                .and_then(|loc| url.join(&loc).ok())
                .ok_or_else(|| Error::Redirect {
                    url: url.to_string(),
                    reason: format!("HTTP {} without a usable Location", status.as_u16()),
                })?;
            return Ok(Hop::Redirect(next));
        }
        if status.as_u16() == 304 {
            return Ok(Hop::Done(Fetched::NotModified));
        }
        if matches!(status.as_u16(), 429 | 503)
            && let Some(after) = header(&headers, RETRY_AFTER).and_then(|v| retry_after(&v))
        {
            return Err(Error::RetryAfter {
                url: url.to_string(),
                status: status.as_u16(),
                after,
            });
        }
        if !status.is_success() {
            return Err(Error::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let cap = self.config.max_bytes;
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.http_error(url, e))?
        {
            let room = cap.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break; // the rest is never read; dropping the response closes the connection
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Hop::Done(Fetched::Page(Page {
            url: url.to_string(),
            body,
            truncated,
            content_type: header(&headers, CONTENT_TYPE),
            validators: Conditional {
                etag: header(&headers, ETAG),
                last_modified: header(&headers, LAST_MODIFIED),
            },
        })))
    }

    fn http_error(&self, url: &Url, err: reqwest::Error) -> Error {
        if let Some(refused) = refused_in(&err) {
            return Error::Refused {
                url: url.to_string(),
                host: refused.host.clone(),
                addr: refused.addr,
            };
        }
        if err.is_timeout() {
            return Error::Timeout {
                url: url.to_string(),
            };
        }
        Error::Http {
            url: url.to_string(),
            source: err,
        }
    }
}

enum Hop {
    Done(Fetched),
    Redirect(Url),
}

fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn header(headers: &HeaderMap<HeaderValue>, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Retry-After` value: delay-seconds or an HTTP date (a date in the past is 0 s). At most a
/// day, whatever the server says.
pub fn retry_after(value: &str) -> Option<Duration> {
    const DAY: u64 = 86_400;
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(DAY)));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?;
    let secs = when.timestamp().as_second() - jiff::Timestamp::now().as_second();
    Some(Duration::from_secs(secs.clamp(0, DAY as i64) as u64))
}

/// The text of a page body: a BOM, else the `Content-Type` charset, else UTF-8 (invalid
/// sequences become U+FFFD).
pub fn decode_body(body: &[u8], content_type: Option<&str>) -> String {
    let declared = content_type.and_then(|ct| {
        ct.split(';')
            .filter_map(|p| p.trim().strip_prefix("charset="))
            .next()
            .map(|c| c.trim_matches('"').to_owned())
    });
    let encoding = encoding_rs::Encoding::for_bom(body)
        .map(|(e, _)| e)
        .or_else(|| declared.and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes())))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode(body).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A one-route-table HTTP/1.1 server on `ip:0`: `(path, raw response head, body, delay)`.
    async fn server(ip: &str, routes: Vec<(&'static str, String, Vec<u8>, Duration)>) -> String {
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let routes = Arc::new(routes);
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let routes = Arc::clone(&routes);
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 1024];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).into_owned();
                    let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
                    let Some((_, status, body, delay)) = routes.iter().find(|(p, ..)| *p == path)
                    else {
                        let _ = stream
                            .write_all(b"HTTP/1.1 404 X\r\nContent-Length: 0\r\n\r\n")
                            .await;
                        return;
                    };
                    tokio::time::sleep(*delay).await;
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(body).await;
                });
            }
        });
        format!("http://{addr}")
    }

    fn open_config() -> Config {
        Config {
            host_delay: Duration::ZERO,
            guard: Guard {
                allow_private: true,
                allow: vec![],
            },
            ..Config::default()
        }
    }

    fn route(
        path: &'static str,
        head: &str,
        body: &[u8],
    ) -> (&'static str, String, Vec<u8>, Duration) {
        (path, head.to_owned(), body.to_vec(), Duration::ZERO)
    }

    #[tokio::test]
    async fn body_is_cut_at_the_cap() {
        let base = server("127.0.0.1", vec![route("/big", "200 OK", &[b'x'; 300_000])]).await;
        let fetcher = Fetcher::new(Config {
            max_bytes: 1000,
            ..open_config()
        })
        .unwrap();
        let Fetched::Page(page) = fetcher
            .get(&format!("{base}/big"), &Conditional::default())
            .await
            .unwrap()
        else {
            panic!("a page expected")
        };
        assert!(page.truncated);
        assert_eq!(page.body.len(), 1000);
    }

    #[tokio::test]
    async fn slow_response_times_out() {
        let base = server(
            "127.0.0.1",
            vec![(
                "/slow",
                "200 OK".into(),
                b"late".to_vec(),
                Duration::from_secs(3),
            )],
        )
        .await;
        let fetcher = Fetcher::new(Config {
            timeout: Duration::from_millis(300),
            ..open_config()
        })
        .unwrap();
        let err = fetcher
            .get(&format!("{base}/slow"), &Conditional::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err}");
    }

    #[tokio::test]
    async fn retry_after_and_statuses() {
        let base = server(
            "127.0.0.1",
            vec![
                route("/busy", "429 Too Many\r\nRetry-After: 30", b""),
                route("/down", "503 Unavailable", b""),
                route("/gone", "410 Gone", b""),
                route("/same", "304 Not Modified", b""),
            ],
        )
        .await;
        let fetcher = Fetcher::new(open_config()).unwrap();
        let none = Conditional::default();
        let url = |p: &str| format!("{base}{p}");
        match fetcher.get(&url("/busy"), &none).await {
            Err(Error::RetryAfter { status, after, .. }) => {
                assert_eq!((status, after), (429, Duration::from_secs(30)));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            fetcher.get(&url("/down"), &none).await,
            Err(Error::Status { status: 503, .. })
        ));
        assert!(matches!(
            fetcher.get(&url("/gone"), &none).await,
            Err(Error::Status { status: 410, .. })
        ));
        assert_eq!(
            fetcher.get(&url("/same"), &none).await.unwrap(),
            Fetched::NotModified
        );
    }

    #[tokio::test]
    async fn every_redirect_hop_is_checked() {
        let inner = server("127.0.0.1", vec![route("/feed", "200 OK", b"<rss/>")]).await;
        let outer = server(
            "127.0.0.2",
            vec![
                route(
                    "/to-loopback",
                    &format!("302 Found\r\nLocation: {inner}/feed"),
                    b"",
                ),
                route("/to-file", "302 Found\r\nLocation: file:///etc/passwd", b""),
                route("/no-location", "302 Found", b""),
            ],
        )
        .await;
        let guarded = Fetcher::new(Config {
            host_delay: Duration::ZERO,
            guard: Guard {
                allow_private: false,
                allow: vec!["127.0.0.2".parse().unwrap()],
            },
            ..Config::default()
        })
        .unwrap();
        let none = Conditional::default();
        let err = guarded
            .get(&format!("{outer}/to-loopback"), &none)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Refused { addr, .. } if addr.to_string() == "127.0.0.1"),
            "{err}"
        );
        let err = guarded
            .get(&format!("{outer}/to-file"), &none)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Scheme { .. }), "{err}");
        let err = guarded
            .get(&format!("{outer}/no-location"), &none)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{err}");
        let err = guarded.get("ftp://127.0.0.2/x", &none).await.unwrap_err();
        assert!(matches!(err, Error::Scheme { .. }), "{err}");
        let port = inner.rsplit(':').next().unwrap();
        let err = guarded
            .get(&format!("http://localhost:{port}/feed"), &none)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Refused { .. }), "{err}");
        // Other spellings of loopback (decimal, hex, IPv4-mapped IPv6) are the same address.
        for alias in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            let err = guarded.get(alias, &none).await.unwrap_err();
            assert!(matches!(err, Error::Refused { .. }), "{alias}: {err}");
        }
        // Open, the same redirect is followed.
        let open = Fetcher::new(open_config()).unwrap();
        let page = open
            .get(&format!("{outer}/to-loopback"), &none)
            .await
            .unwrap();
        assert!(
            matches!(page, Fetched::Page(p) if p.body == b"<rss/>" && p.url.ends_with("/feed"))
        );
    }

    #[tokio::test]
    async fn host_delay_spaces_requests_to_one_host() {
        let base = server("127.0.0.1", vec![route("/a", "200 OK", b"a")]).await;
        let fetcher = Fetcher::new(Config {
            host_delay: Duration::from_millis(400),
            ..open_config()
        })
        .unwrap();
        let started = Instant::now();
        for _ in 0..3 {
            fetcher
                .get(&format!("{base}/a"), &Conditional::default())
                .await
                .unwrap();
        }
        assert!(started.elapsed() >= Duration::from_millis(800));
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(retry_after("99999999"), Some(Duration::from_secs(86_400)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn bodies_decode_by_declared_charset() {
        assert_eq!(decode_body("é".as_bytes(), Some("text/html")), "é");
        assert_eq!(
            decode_body(&[0xe9], Some("text/html; charset=ISO-8859-1")),
            "é"
        );
        assert_eq!(decode_body(&[0xef, 0xbb, 0xbf, b'a'], None), "a");
    }
}
