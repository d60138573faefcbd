//! epiwire-article: turns a [`RawDoc`] into an [`Article`] — main text with boilerplate removed,
//! title, publication date, author and language.
//!
//! HTML goes through a main-text extractor (see [`Extractor`]; the default, chosen by measurement
//! on the trafilatura evaluation set, is [`Extractor::Combined`]) and one linear metadata scan of
//! the markup (`<meta>`, JSON-LD, `<time>`, `itemprop`, `<title>`, `<h1>`, bylines, a date in the
//! URL). Plain text keeps its whole body; its first line becomes the title when it looks like a
//! headline and a "Posted on …" or dateline gives the date.
//!
//! Nothing here panics on input: pages over [`MAX_HTML_BYTES`] are cut, and pages nested deeper
//! than [`MAX_DEPTH`] or with more than [`MAX_ELEMENTS`] elements skip the DOM extractors for a
//! plain tag-strip.

use epiwire_model::{Article, Body, RawDoc};

mod bound;
mod clean;
mod dates;
pub mod eval;
mod meta;
mod names;
mod para;
mod prune;
mod scan;
mod text;

pub use dates::normalize_date;
pub use text::extract_text;

/// Largest HTML input handed to the extractors; longer pages are cut at a character boundary.
pub const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;

/// Deepest element nesting handed to the DOM extractors; deeper pages are tag-stripped instead.
pub const MAX_DEPTH: usize = 512;

/// Pages with more elements than this are tag-stripped too: the DOM extractors take time
/// linear in the element count but with a large constant (50,000 `<p>x</p>` took 5 s), and
/// no real article comes near it (the most on any trafilatura-eval page is 10,126).
pub const MAX_ELEMENTS: usize = 50_000;

/// Errors of this crate: why a document yields no article.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The body is not text (binary data: mostly control characters or NUL bytes).
    #[error(
        "not a text document: {bad} of the first {sampled} characters are control or NUL characters"
    )]
    NotText {
        /// Control characters seen.
        bad: usize,
        /// Characters sampled.
        sampled: usize,
    },
    /// The document has no text at all.
    #[error("empty document: {0}")]
    Empty(&'static str),
    /// The evaluation data could not be read.
    #[error("evaluation data: {0}")]
    Eval(String),
}

/// Result of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Main-text extraction strategy for HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extractor {
    /// `dom_smoothie` (a readability.js port) alone.
    DomSmoothie,
    /// `trafilatura` (Rust port) alone, without its readability fallback.
    Trafilatura,
    /// `trafilatura` with its own readability/justext fallbacks enabled.
    TrafilaturaFallback,
    /// `trafilatura`, and `dom_smoothie`'s text instead when trafilatura returns under 1,000
    /// characters and dom_smoothie more than five times as much.
    Combined,
}

impl Extractor {
    /// All strategies, for evaluation.
    pub const ALL: [Extractor; 4] = [
        Extractor::DomSmoothie,
        Extractor::Trafilatura,
        Extractor::TrafilaturaFallback,
        Extractor::Combined,
    ];

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            Extractor::DomSmoothie => "dom_smoothie",
            Extractor::Trafilatura => "trafilatura",
            Extractor::TrafilaturaFallback => "trafilatura+fallback",
            Extractor::Combined => "combined",
        }
    }
}

/// Extracts an article from a raw document. The record's own `title` and `published` win over
/// extracted ones; the fetch date is never used as the publication date.
///
/// # Errors
/// [`Error::NotText`] when the body is binary, [`Error::Empty`] when it holds no text.
pub fn extract(raw: &RawDoc) -> Result<Article> {
    extract_with(raw, Extractor::Combined)
}

/// [`extract`] with a chosen main-text extractor for HTML bodies ([`Extractor::DomSmoothie`] is
/// about twice as fast as the default, at a lower F1: see the crate README).
///
/// # Errors
/// [`Error::NotText`] when the body is binary, [`Error::Empty`] when it holds no text.
pub fn extract_with(raw: &RawDoc, extractor: Extractor) -> Result<Article> {
    let body = raw.body.as_str();
    check_text(body)?;
    if body.trim().is_empty() {
        return Err(Error::Empty("the body is empty"));
    }
    let mut article = match &raw.body {
        Body::Text(t) => extract_text(t),
        Body::Html(h) => extract_html_with(h, raw.url.as_deref(), extractor),
    };
    if article.text.trim().is_empty() {
        return Err(Error::Empty("no readable text found in the document"));
    }
    if let Some(t) = raw
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        article.title = Some(t.to_string());
    }
    if let Some(p) = raw
        .published
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        article.published = Some(normalize_date(p).unwrap_or_else(|| p.to_string()));
    }
    Ok(article)
}

/// Characters [`check_text`] samples.
const TEXT_SAMPLE_CHARS: usize = 65_536;

/// Rejects binary bodies: more than 10% control or NUL characters among the first 64 Ki
/// characters (U+FFFD counts as one: it stands for undecodable bytes).
fn check_text(body: &str) -> Result<()> {
    let (bad, sampled) = count_bad_chars(body);
    if sampled >= 16 && bad * 10 > sampled {
        return Err(Error::NotText { bad, sampled });
    }
    Ok(())
}

/// The control characters (but `\n`, `\r`, `\t`, form feed) and U+FFFD among the first
/// [`TEXT_SAMPLE_CHARS`] characters of `s`, and the characters sampled. Counts on the UTF-8
/// bytes instead of decoding characters, in loops the compiler vectorises: a character starts
/// at every byte that is not a continuation byte, the C0 controls and DEL are single bytes,
/// the C1 controls U+0080–U+009F are `C2 80`–`C2 9F` and U+FFFD is `EF BF BD`; the sample
/// ends at a character boundary, so no character is cut.
fn count_bad_chars(s: &str) -> (usize, usize) {
    let b = s.as_bytes();
    let sample = b.get(..sample_end(b)).unwrap_or(b);
    let sampled = char_starts(sample);
    let c0 = count_bytes(sample, |x| {
        (x < 0x20 && !matches!(x, b'\t' | b'\n' | 0x0c | b'\r')) || x == 0x7f
    });
    let c1 = memchr::memchr_iter(0xc2, sample)
        .filter(|&i| {
            sample
                .get(i + 1)
                .is_some_and(|&y| (0x80..0xa0).contains(&y))
        })
        .count();
    let replacement = memchr::memmem::find_iter(sample, "\u{fffd}".as_bytes()).count();
    (c0 + c1 + replacement, sampled)
}

/// Characters starting in `b` (bytes that are not UTF-8 continuation bytes).
fn char_starts(b: &[u8]) -> usize {
    count_bytes(b, |x| x & 0xc0 != 0x80)
}

/// The bytes of `b` for which `pred` holds, counted in one-byte counters over blocks of 255
/// bytes, which the compiler turns into 16-byte vector operations.
#[inline(always)]
fn count_bytes(b: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    let mut total = 0usize;
    for block in b.chunks(255) {
        let mut n = 0u8;
        for &x in block {
            n = n.wrapping_add(u8::from(pred(x)));
        }
        total += usize::from(n);
    }
    total
}

/// The byte offset where the character after the first [`TEXT_SAMPLE_CHARS`] starts, or the
/// length of `b` when it holds no more characters than that.
fn sample_end(b: &[u8]) -> usize {
    if b.len() <= TEXT_SAMPLE_CHARS {
        return b.len();
    }
    let mut seen = 0usize;
    let mut at = 0usize;
    for chunk in b.chunks(1024) {
        let n = char_starts(chunk);
        if seen + n <= TEXT_SAMPLE_CHARS {
            seen += n;
            at += chunk.len();
            continue;
        }
        for (i, &x) in chunk.iter().enumerate() {
            if x & 0xc0 != 0x80 {
                if seen == TEXT_SAMPLE_CHARS {
                    return at + i;
                }
                seen += 1;
            }
        }
    }
    b.len()
}

/// Extracts an article from HTML with the default extractor ([`Extractor::Combined`]).
/// `url` helps with relative links and a date in the path.
pub fn extract_html(html: &str, url: Option<&str>) -> Article {
    extract_html_with(html, url, Extractor::Combined)
}

/// Extracts an article from HTML with a chosen main-text extractor.
pub fn extract_html_with(html: &str, url: Option<&str>, extractor: Extractor) -> Article {
    let html = cap(html, MAX_HTML_BYTES);
    // One pass over the markup for the metadata and the depth guard.
    let (m, shape) = meta::scan_meta_and_shape(html);
    let deep = shape.depth > MAX_DEPTH || shape.elements > MAX_ELEMENTS;
    // Each is asked once: `title` alone costs some 40,000 instructions a page.
    let (m_title, m_published, m_author) = (m.title(url), m.published(url), m.author());
    // The library's own metadata is only a last resort: it looks only for what markup lacked.
    let need = Needs {
        title: m_title.is_none(),
        author: m_author.is_none(),
        // Its date comes after the weak one from markup (see `published` below).
        date: m_published.is_none() && m.weak_date().is_none(),
    };
    let main = if deep {
        None
    } else {
        // The extractor libraries are third-party code: a panic inside one of them must cost
        // this page its boilerplate removal, not the run.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            main_text(html, url, extractor, need)
        }))
        .ok()
        .flatten()
    };
    let (mut text, fallback_meta) = match main {
        Some(mt) => (
            clean::drop_repeated_lines(&clean::drop_boilerplate_lines(&tidy(&mt.text))),
            mt.meta,
        ),
        None => (String::new(), None),
    };
    if text.is_empty() {
        // Nothing recognised as an article (or a page too deep): keep the visible text.
        text = tidy(&scan::strip_tags(html));
    }
    let title = m_title.or_else(|| fallback_meta.as_ref().and_then(|f| f.title.clone()));
    let published = m_published
        .or_else(|| dates::labelled_date(&text, 12).map(|f| f.format()))
        .or_else(|| m.weak_date())
        .or_else(|| fallback_meta.as_ref().and_then(|f| f.date.clone()));
    let author = m_author.or_else(|| fallback_meta.as_ref().and_then(|f| f.author.clone()));
    let language = detect_language(&text).or_else(|| m.lang.clone());
    Article {
        title,
        published,
        author,
        language,
        text,
    }
}

/// Metadata found by an extractor library itself (used only where our own scan found nothing).
#[derive(Debug, Clone, Default)]
struct LibMeta {
    title: Option<String>,
    date: Option<String>,
    author: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct MainText {
    text: String,
    meta: Option<LibMeta>,
}

/// Cuts `s` to at most `max` bytes at a character boundary.
fn cap(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn run_dom_smoothie(html: &str, url: Option<&str>) -> Option<MainText> {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let mut r = dom_smoothie::Readability::new(html, url, Some(cfg)).ok()?;
    let a = r.parse().ok()?;
    Some(MainText {
        text: a.text_content.to_string(),
        meta: Some(LibMeta {
            title: non_empty(&a.title),
            date: a.published_time.as_deref().and_then(normalize_date),
            author: a.byline.as_deref().and_then(meta::clean_author),
        }),
    })
}

/// The metadata our own scan did not find, which an extractor library may supply.
#[derive(Debug, Clone, Copy)]
struct Needs {
    title: bool,
    author: bool,
    date: bool,
}

fn run_trafilatura(html: &str, fallback: bool, need: Needs) -> Option<MainText> {
    let mut opts = trafilatura::Options::default().with_fallback(fallback);
    opts.exclude_comments = true;
    if !need.date {
        opts.html_date_mode = trafilatura::HtmlDateMode::Disabled;
    }
    // Only the fields we may use: the vendored trafilatura then skips the rest of its
    // metadata pass (sitename, categories, tags, license, language).
    opts.lean_metadata = Some(trafilatura::WantedMetadata {
        title: need.title,
        author: need.author,
    });
    // content_text runs paragraphs together; the HTML keeps their boundaries: the content's
    // tag-strip, read off the tree instead of serialising it (scan::strip_tree).
    opts.render_content = Some(scan::strip_tree);
    let r = trafilatura::extract(html, &opts).ok()?;
    Some(MainText {
        text: r.rendered.unwrap_or(r.content_text),
        meta: Some(LibMeta {
            title: non_empty(&r.metadata.title),
            date: r.metadata.date.map(|d| d.format("%Y-%m-%d").to_string()),
            author: meta::clean_author(&r.metadata.author),
        }),
    })
}

/// When trafilatura returns fewer characters than this, the combined extractor also runs
/// dom_smoothie (about one page in nine of the evaluation set).
const COMBINE_SHORT_CHARS: usize = 1000;

/// … and takes dom_smoothie's text when it is this many times longer (trafilatura missed the
/// article body rather than trimmed boilerplate).
const COMBINE_RATIO: usize = 5;

/// … and runs dom_smoothie only when the page holds more than this many times trafilatura's
/// length in paragraph text ([`para::paragraph_chars`]). On the pages where dom_smoothie wins
/// that ratio is 4.6–90 (19 eval pages); on the WHO DON pages where trafilatura is short, at
/// most 1.2. Chosen on half of the eval pages (the largest value of {1, 1.5, 2, 3, 4, 5, 6}
/// that loses nothing there is 4; halved for a margin); see the crate README.
const COMBINE_PARA_RATIO: usize = 2;

/// Whether dom_smoothie, on the pre-cleaned `html`, may return more than [`COMBINE_RATIO`]
/// times trafilatura's `t_len` characters, so that the combined extractor must run it.
fn dom_smoothie_may_win(html: &str, t_len: usize) -> bool {
    // A page without much more paragraph text than trafilatura found has no body that
    // trafilatura missed (para.rs). Asked first: it rules out more pages (every short WHO DON
    // page) than the bound below.
    if para::paragraph_chars(html) <= COMBINE_PARA_RATIO * t_len {
        return false;
    }
    // dom_smoothie's text cannot be longer than this bound: when it is within the ratio,
    // dom_smoothie cannot win (see bound.rs).
    bound::formatted_text_bound(html) > COMBINE_RATIO * t_len
}

fn main_text(html: &str, url: Option<&str>, extractor: Extractor, need: Needs) -> Option<MainText> {
    // Both libraries get the markup without scripts, styles, SVG and comments; trafilatura's
    // copy also loses the elements its own cleaning would delete (navigation, asides, footers,
    // forms' controls …), so none of its many tree walks visits them.
    let light = prune::preclean(html);
    let for_traf = || prune::preclean_for_trafilatura(&light);
    let html: &str = &light;
    match extractor {
        Extractor::DomSmoothie => run_dom_smoothie(html, url),
        Extractor::Trafilatura => run_trafilatura(&for_traf(), false, need),
        Extractor::TrafilaturaFallback => run_trafilatura(&for_traf(), true, need),
        Extractor::Combined => {
            let t = run_trafilatura(&for_traf(), false, need);
            let t_len = t.as_ref().map_or(0, |m| m.text.chars().count());
            if t_len >= COMBINE_SHORT_CHARS {
                return t;
            }
            if !dom_smoothie_may_win(html, t_len) {
                return t;
            }
            let Some(mut d) = run_dom_smoothie(html, url) else {
                return t;
            };
            if d.text.chars().count() > COMBINE_RATIO * t_len {
                // Keep trafilatura's metadata, which is the better of the two.
                if let Some(tm) = t.and_then(|t| t.meta) {
                    d.meta = Some(tm);
                }
                Some(d)
            } else {
                t
            }
        }
    }
}

/// For `examples/skip_check.rs`, which checks the bound of `bound.rs` on real pages: for a page
/// the combined extractor would give to the libraries, the lengths in characters of
/// trafilatura's text, of dom_smoothie's text and the bound on the latter, as `main_text` sees
/// them. `None` for pages the depth guard keeps from the libraries.
#[doc(hidden)]
pub fn combine_lengths(html: &str, url: Option<&str>) -> Option<(usize, usize, usize)> {
    let html = cap(html, MAX_HTML_BYTES);
    let (m, shape) = meta::scan_meta_and_shape(html);
    if shape.depth > MAX_DEPTH || shape.elements > MAX_ELEMENTS {
        return None;
    }
    let need = Needs {
        title: m.title(url).is_none(),
        author: m.author().is_none(),
        date: m.published(url).is_none() && m.weak_date().is_none(),
    };
    let light = prune::preclean(html);
    let t = run_trafilatura(&prune::preclean_for_trafilatura(&light), false, need);
    let d = run_dom_smoothie(&light, url);
    let len = |m: Option<MainText>| m.map_or(0, |m| m.text.chars().count());
    Some((len(t), len(d), bound::formatted_text_bound(&light)))
}

/// For the development examples: the markup trafilatura is given for `html` (pre-cleaned).
#[doc(hidden)]
pub fn trafilatura_markup(html: &str) -> String {
    let light = prune::preclean(cap(html, MAX_HTML_BYTES));
    prune::preclean_for_trafilatura(&light).into_owned()
}

/// For the development examples: [`para::paragraph_chars`] of the markup dom_smoothie would get.
#[doc(hidden)]
pub fn paragraph_chars(html: &str) -> usize {
    para::paragraph_chars(&prune::preclean(cap(html, MAX_HTML_BYTES)))
}

/// Paragraphs separated by single newlines; whitespace inside a paragraph collapsed (lines and
/// words as `str::lines` and `str::split_whitespace` cut them). Walks the bytes and copies
/// whole words: only a non-ASCII byte decodes a character, for `char::is_whitespace`.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // A word was written on the current line.
    let mut in_line = false;
    let mut word: Option<usize> = None;
    let emit = |out: &mut String, in_line: &mut bool, w: &str| {
        if *in_line {
            out.push(' ');
        } else if !out.is_empty() {
            out.push('\n');
        }
        *in_line = true;
        out.push_str(w);
    };
    let mut i = 0;
    while let Some(&c) = text.as_bytes().get(i) {
        // One test for both the spaces and the words, so that every step moves on.
        let (space, len) = if c < 0x80 {
            (matches!(c, b'\t'..=b'\r' | b' '), 1)
        } else {
            text.get(i..)
                .and_then(|r| r.chars().next())
                .map_or((false, 1), |ch| (ch.is_whitespace(), ch.len_utf8()))
        };
        if space {
            if let Some(start) = word.take() {
                emit(&mut out, &mut in_line, text.get(start..i).unwrap_or(""));
            }
            if c == b'\n' {
                in_line = false;
            }
        } else if word.is_none() {
            word = Some(i);
        }
        i += len;
    }
    if let Some(start) = word {
        emit(&mut out, &mut in_line, text.get(start..).unwrap_or(""));
    }
    out
}

/// ISO 639-1 code of whatlang's ISO 639-3 codes.
fn iso639_1(code3: &str) -> Option<&'static str> {
    Some(match code3 {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    })
}

/// Detects the language of `text` when whatlang is confident (or the text is long).
pub(crate) fn detect_language(text: &str) -> Option<String> {
    // A sample is enough and keeps long pages fast.
    let sample = cap(text, 4096);
    let info = whatlang::detect(sample)?;
    let long = sample.chars().count() >= 400 && info.confidence() >= 0.5;
    if info.is_reliable() || long {
        iso639_1(info.lang().code()).map(String::from)
    } else {
        None
    }
}

/// The eval pages for the unit tests (the integration tests share the file).
#[cfg(test)]
#[path = "../tests/common/eval_pages.rs"]
mod eval_pages;

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(body: Body) -> RawDoc {
        RawDoc {
            id: "t".into(),
            url: None,
            title: None,
            published: None,
            fetched: None,
            body,
        }
    }

    const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Outbreak news | Daily</title>
        <style>.x { color: red } body { STYLE_LEAK }</style>
        <script>var SCRIPT_LEAK = "<p>not text</p>";</script>
        <meta property="article:published_time" content="2022-05-17T08:36:00Z"></head>
        <body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
        <article><h1>Outbreak news</h1>
        <p>North Korea reported more than 1.2 million fever cases on Tuesday, state media said, as the
        country battles its first acknowledged outbreak of COVID-19 since the pandemic began.</p>
        <p>Authorities said 50 people had died and hundreds of thousands were in quarantine, while
        leader Kim Jong-un criticised officials for the slow delivery of medicines to pharmacies.</p>
        <script>document.write("SCRIPT_LEAK2")</script>
        <p>China and Russia offered assistance, according to officials in Beijing and Moscow, and the
        World Health Organization said it was ready to help with vaccines and tests.</p></article>
        <footer>Copyright Daily 2022</footer></body></html>"#;

    /// The `lines`/`split_whitespace` form [`tidy`] replaced: the reference.
    fn tidy_ref(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            let mut first = true;
            for w in line.split_whitespace() {
                if first {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    first = false;
                } else {
                    out.push(' ');
                }
                out.push_str(w);
            }
        }
        out
    }

    #[test]
    fn tidy_is_lines_and_split_whitespace() {
        for t in [
            "",
            " ",
            "\n\n",
            "a",
            " a  b \n\n c\r\nd\te\x0bf\x0cg\rh",
            "x\u{a0}y\u{2028}z\u{3000}w\u{85}v\u{1680}u",
            "é \u{2003}ü\n\u{200b}\n",
            "line\r\n\r\nnext\n  \n last \r",
            "\x1c\x1d\x1e\x1f words",
        ] {
            assert_eq!(tidy(t), tidy_ref(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn tidy_is_lines_and_split_whitespace_on_random_text(
            t in "([ \t\n\x0b\x0c\r\x1c]|\u{85}|\u{a0}|\u{2028}|\u{3000}|\u{200b}|a|bc|é|ж|\u{1f600}){0,40}"
        ) {
            proptest::prop_assert_eq!(tidy(&t), tidy_ref(&t));
        }
    }

    #[test]
    fn html_article_without_script_or_style() {
        for ex in Extractor::ALL {
            let a = extract_html_with(PAGE, None, ex);
            assert!(
                a.text.contains("1.2 million fever cases"),
                "{ex:?}: {}",
                a.text
            );
            assert!(!a.text.contains("LEAK"), "{ex:?}: {}", a.text);
            assert!(!a.text.contains("color: red"), "{ex:?}");
            assert_eq!(a.title.as_deref(), Some("Outbreak news"));
            assert_eq!(a.published.as_deref(), Some("2022-05-17T08:36:00+00:00"));
            assert_eq!(a.language.as_deref(), Some("en"));
        }
    }

    #[test]
    fn record_fields_win_and_fetched_is_ignored() {
        let mut r = raw(Body::Html(PAGE.into()));
        r.title = Some("Given title".into());
        r.published = Some("17 May 2022".into());
        let a = extract(&r).ok();
        assert_eq!(
            a.as_ref().and_then(|a| a.title.as_deref()),
            Some("Given title")
        );
        assert_eq!(
            a.as_ref().and_then(|a| a.published.as_deref()),
            Some("2022-05-17")
        );
        let mut r = raw(Body::Text(
            "Some words without any date at all, long enough.".into(),
        ));
        r.fetched = Some("2024-01-01T00:00:00Z".into());
        assert_eq!(extract(&r).ok().and_then(|a| a.published), None);
    }

    #[test]
    fn errors_for_binary_and_empty() {
        let bin: String = (0u8..200).map(|b| char::from(b % 32)).collect();
        assert!(matches!(
            extract(&raw(Body::Html(bin))),
            Err(Error::NotText { .. })
        ));
        assert_eq!(
            extract(&raw(Body::Text("  \n ".into()))),
            Err(Error::Empty("the body is empty"))
        );
        assert!(matches!(
            extract(&raw(Body::Html("<html><script>x</script></html>".into()))),
            Err(Error::Empty(_))
        ));
        let msg = extract(&raw(Body::Text(String::new())))
            .err()
            .map(|e| e.to_string());
        assert_eq!(msg.as_deref(), Some("empty document: the body is empty"));
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        let n = 100_000;
        let html = format!(
            "<html><body>{}deep text{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let a = extract_html(&html, None);
        assert_eq!(a.text, "deep text");
    }

    #[test]
    fn short_pages_keep_their_text() {
        let a = extract(&raw(Body::Html(
            "<html><body><p>Cholera in Yemen: 10 new cases.</p></body></html>".into(),
        )));
        assert_eq!(
            a.map(|a| a.text).ok().as_deref(),
            Some("Cholera in Yemen: 10 new cases.")
        );
    }

    #[test]
    fn dom_smoothie_runs_only_where_paragraph_text_outweighs_trafilatura() {
        let report = "<p>Cholera in Yemen: ten new cases were reported in the capital.</p>";
        let menu = "<li><a href=/x>A menu entry of the site template</a></li>".repeat(40);
        let template = format!("<html><body><ul>{menu}</ul>{report}<ul>{menu}</ul></body></html>");
        // The template's text makes the bound pass, but it holds no paragraphs.
        assert!(bound::formatted_text_bound(&template) > 5 * 64);
        assert!(!dom_smoothie_may_win(&template, 64));
        let body =
            "<div>Officials said the outbreak had spread to three more districts.</div>".repeat(20);
        let missed = format!("<html><body><ul>{menu}</ul>{report}{body}</body></html>");
        assert!(dom_smoothie_may_win(&missed, 64));
        // Trafilatura already long enough relative to the paragraphs: not run.
        assert!(!dom_smoothie_may_win(&missed, 1000));
    }

    /// The character-decoding count that [`count_bad_chars`] replaces.
    fn count_bad_chars_by_char(s: &str) -> (usize, usize) {
        let mut sampled = 0usize;
        let mut bad = 0usize;
        for c in s.chars().take(TEXT_SAMPLE_CHARS) {
            sampled += 1;
            if (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || c == '\u{fffd}' {
                bad += 1;
            }
        }
        (bad, sampled)
    }

    #[test]
    fn bad_characters_counted_on_bytes_as_on_chars() {
        for s in [
            "",
            "plain text\n\twith\r\u{c}allowed controls",
            "\0\u{1}\u{1f}\u{7f}\u{80}\u{9f}\u{a0}\u{fffd}\u{fffe}\u{ff}é€𝄞",
            "\u{85}\u{c2}\u{2028}",
        ] {
            assert_eq!(count_bad_chars(s), count_bad_chars_by_char(s), "{s:?}");
        }
        // The sample ends after the 65,536th character, wherever its bytes end.
        let long = format!("{}\u{1}\u{1}", "é".repeat(TEXT_SAMPLE_CHARS - 1));
        assert_eq!(count_bad_chars(&long), (1, TEXT_SAMPLE_CHARS));
        assert_eq!(count_bad_chars(&long), count_bad_chars_by_char(&long));
        for long in [
            format!("{}\u{1}", "a".repeat(TEXT_SAMPLE_CHARS)),
            format!("{}\u{1}", "a".repeat(TEXT_SAMPLE_CHARS - 1)),
            format!("{}{}", "€".repeat(30_000), "\u{85}\u{fffd}".repeat(20_000)),
            format!("{}{}", "\u{0}".repeat(70_000), "𝄞"),
        ] {
            assert_eq!(count_bad_chars(&long), count_bad_chars_by_char(&long));
        }
        assert_eq!(
            count_bad_chars(&format!("{}\u{1}", "a".repeat(TEXT_SAMPLE_CHARS))),
            (0, TEXT_SAMPLE_CHARS)
        );
    }

    /// trafilatura's text as run_trafilatura took it before the tree renderer: the tag-strip of
    /// the serialised content (`content_text` when that is empty).
    fn serialised_text(html: &str) -> Option<String> {
        let mut opts = trafilatura::Options::default().with_fallback(false);
        opts.exclude_comments = true;
        let r = trafilatura::extract(html, &opts).ok()?;
        Some(if r.content_html.is_empty() {
            r.content_text
        } else {
            scan::strip_tags(&r.content_html)
        })
    }

    fn rendered_text(html: &str) -> Option<String> {
        let mut opts = trafilatura::Options::default().with_fallback(false);
        opts.exclude_comments = true;
        opts.render_content = Some(scan::strip_tree);
        let r = trafilatura::extract(html, &opts).ok()?;
        Some(r.rendered.unwrap_or(r.content_text))
    }

    #[test]
    fn content_read_off_the_tree_as_from_its_serialisation() {
        let body = "<p>North Korea reported more than 1.2 million fever cases on Tuesday, state \
                    media said, as the country battles its first acknowledged outbreak.</p>";
        let mut pages: Vec<String> = [
            "<p>a &amp;amp; b&nbsp;c \u{a0}d &lt;e&gt; <b>bold</b><br>next<img src=x>line</p>",
            "<ul><li>one &amp; two</li><li>three<hr>four</li></ul><table><tr><td>x</td></tr></table>",
            "<h2>Head</h2><blockquote>quote <i>it</i></blockquote><pre>  code\n  more</pre>",
            "<p>with a <noscript>hidden</noscript> and <textarea>t</textarea> raw text</p>",
            "<div><p>x<!-- c --></p><select><option>o</option></select><template>t</template></div>",
            "",
            "<html><body></body></html>",
        ]
        .iter()
        .map(|p| format!("<html><body><article>{body}{p}{body}</article></body></html>"))
        .collect();
        pages.push(PAGE.to_string());
        eval_pages::each_eval_page(0, 25, |html, _| pages.push(html.to_string()));
        for html in &pages {
            let light = prune::preclean(html);
            let html = prune::preclean_for_trafilatura(&light);
            assert_eq!(rendered_text(&html), serialised_text(&html), "{html}");
        }
    }

    #[test]
    fn tidy_collapses_whitespace() {
        assert_eq!(tidy("  a  b \n\n\t c\n"), "a b\nc");
    }

    #[test]
    fn language_needs_confidence() {
        assert_eq!(detect_language("ok"), None);
        let de = "Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die Ausbreitung des \
                  Virus beschlossen, die ab der kommenden Woche in allen Ländern gelten sollen.";
        assert_eq!(detect_language(de).as_deref(), Some("de"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_input(s in "\\PC{0,300}") {
            let _ = extract_html(&s, Some("http://x/2020/01/02/"));
            let _ = extract_text(&s);
            let _ = normalize_date(&s);
        }

        #[test]
        fn bad_characters_on_bytes_match_chars(s in "[\\x00-\\x{ff}\\u{fffd}\\u{2028}a-z]{0,200}") {
            proptest::prop_assert_eq!(count_bad_chars(&s), count_bad_chars_by_char(&s));
        }

        #[test]
        fn never_panics_on_tag_soup(s in "(<[a-z/!]{0,3}[^>]{0,5}>?|[a-z &;#0-9]{0,6}){0,60}") {
            let _ = extract_html(&s, None);
        }
    }
}
