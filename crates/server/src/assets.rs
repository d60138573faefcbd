//! The web dashboard: the files of `web/dist`, embedded at build time (so `cargo build` needs no
//! npm), served with their content types, validators, cache headers and a strict
//! Content-Security-Policy.
//!
//! `web/build.sh` rebuilds `web/dist` and writes a gzip copy of every file beside it; a browser
//! that accepts gzip gets that copy as it is. Every file is revalidated (`no-cache` plus an
//! `ETag`), so a rebuilt dashboard shows at the next load, except the country outlines, which
//! never change between builds and are cached for a day.

use std::sync::OnceLock;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The Content-Security-Policy of the dashboard: scripts, styles and data from this origin only,
/// no inline script or style, no plugins, no framing. `img-src data:` covers the few icons
/// Leaflet's stylesheet inlines.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; \
object-src 'none'";

/// One embedded file.
#[derive(Debug)]
struct Asset {
    /// URL path below `/`.
    name: &'static str,
    mime: &'static str,
    /// `Cache-Control` value.
    cache: &'static str,
    body: &'static [u8],
    gzip: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $mime:literal, $cache:expr) => {
        Asset {
            name: $name,
            mime: $mime,
            cache: $cache,
            body: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../web/dist/",
                $name
            )),
            gzip: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../web/dist/",
                $name,
                ".gz"
            )),
        }
    };
}

const REVALIDATE: &str = "no-cache";
const ONE_DAY: &str = "public, max-age=86400";

static ASSETS: [Asset; 5] = [
    asset!("index.html", "text/html; charset=utf-8", REVALIDATE),
    asset!("app.js", "text/javascript; charset=utf-8", REVALIDATE),
    asset!("app.css", "text/css; charset=utf-8", REVALIDATE),
    asset!("favicon.svg", "image/svg+xml", ONE_DAY),
    asset!("countries-110m.json", "application/json", ONE_DAY),
];

/// The router of the dashboard's files: `/` and `/index.html` give the page, `/app.js`,
/// `/app.css`, `/favicon.svg` and `/countries-110m.json` the rest. Only these exact paths are
/// routed, so it merges with the API's router without overlap.
pub fn router() -> Router {
    let mut router = Router::new().route("/", get(|headers: HeaderMap| serve(0, headers)));
    for (index, asset) in ASSETS.iter().enumerate() {
        router = router.route(
            &format!("/{}", asset.name),
            get(move |headers: HeaderMap| serve(index, headers)),
        );
    }
    router
}

/// Strong validators, one per file and encoding, computed once.
fn etags() -> &'static [(String, String)] {
    static TAGS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| {
                let hash = blake3::hash(a.body).to_hex();
                let short = &hash.as_str()[..20];
                (format!("\"{short}\""), format!("\"{short}-gz\""))
            })
            .collect()
    })
}

async fn serve(index: usize, headers: HeaderMap) -> Response {
    respond(index, &headers)
}

/// The response for `ASSETS[index]`.
fn respond(index: usize, headers: &HeaderMap) -> Response {
    let (Some(asset), Some((plain_tag, gzip_tag))) = (ASSETS.get(index), etags().get(index)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let gzip = !asset.gzip.is_empty() && accepts_gzip(headers);
    let etag = if gzip { gzip_tag } else { plain_tag };
    let mut response = if if_none_match(headers, etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if gzip {
        let mut r = asset.gzip.into_response();
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        asset.body.into_response()
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.mime));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(asset.cache));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Ok(value) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, value);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// True when `Accept-Encoding` lists gzip (or `*`) with a non-zero weight.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let zero = parts.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !zero
        })
}

/// True when `If-None-Match` names `etag` (or is `*`).
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn fetch(path: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = Request::builder().uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        router()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    async fn body(r: Response) -> Vec<u8> {
        to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec()
    }

    #[tokio::test]
    async fn index_has_type_csp_and_loads_the_module_from_self() {
        let r = fetch("/", &[]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let h = r.headers().clone();
        assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert!(h.get(header::CONTENT_ENCODING).is_none());
        let html = String::from_utf8(body(r).await).unwrap();
        assert!(html.contains(r#"<script type="module" src="app.js"></script>"#));
        // No inline script: every <script> element has a src.
        assert_eq!(
            html.matches("<script").count(),
            html.matches("<script type=\"module\" src=").count()
        );
        assert!(html.contains("GeoNames"), "the footer credits GeoNames");
    }

    #[tokio::test]
    async fn every_file_has_its_type() {
        for (path, mime) in [
            ("/index.html", "text/html; charset=utf-8"),
            ("/app.js", "text/javascript; charset=utf-8"),
            ("/app.css", "text/css; charset=utf-8"),
            ("/favicon.svg", "image/svg+xml"),
            ("/countries-110m.json", "application/json"),
        ] {
            let r = fetch(path, &[]).await;
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(r.headers()[header::CONTENT_TYPE], mime, "{path}");
            assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
            assert!(!body(r).await.is_empty(), "{path}");
        }
        assert_eq!(fetch("/nope.js", &[]).await.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn gzip_when_accepted() {
        let plain = body(fetch("/app.js", &[]).await).await;
        let r = fetch("/app.js", &[("accept-encoding", "br, gzip;q=0.8")]).await;
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(r.headers()[header::VARY], "Accept-Encoding");
        let packed = body(r).await;
        // A gzip member (the browser test checks that it decodes), much smaller than the file.
        assert_eq!(packed[..2], [0x1f, 0x8b]);
        assert!(packed.len() * 2 < plain.len());
        let refused = fetch("/app.js", &[("accept-encoding", "gzip;q=0")]).await;
        assert!(refused.headers().get(header::CONTENT_ENCODING).is_none());
    }

    #[tokio::test]
    async fn etag_revalidates_to_304() {
        let r = fetch("/app.css", &[]).await;
        let tag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
        let again = fetch("/app.css", &[("if-none-match", &tag)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(body(again).await.is_empty());
        let gz = fetch("/app.css", &[("accept-encoding", "gzip")]).await;
        assert_ne!(gz.headers()[header::ETAG].to_str().unwrap(), tag);
        let stale = fetch("/app.css", &[("if-none-match", "\"other\"")]).await;
        assert_eq!(stale.status(), StatusCode::OK);
    }

    #[test]
    fn every_built_file_is_served() {
        // web/build.sh writes dist/: a file it adds must be listed in ASSETS too.
        let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
        let mut built: Vec<String> = std::fs::read_dir(&dist)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".gz"))
            .collect();
        built.sort();
        let mut served: Vec<String> = ASSETS.iter().map(|a| a.name.to_owned()).collect();
        served.sort();
        assert_eq!(built, served);
    }

    #[test]
    fn accept_encoding_parsing() {
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("deflate, GZIP"),
        );
        assert!(accepts_gzip(&h));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip; q=0.0, br"),
        );
        assert!(!accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("*"));
        assert!(accepts_gzip(&h));
    }
}
