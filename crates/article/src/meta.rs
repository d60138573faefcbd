//! Metadata from HTML markup in one pass over the token stream: `<meta>` tags, JSON-LD,
//! `<time>`, `itemprop`, `<title>`, the first `<h1>`, `<html lang>` and bylines.

use crate::dates::{find_date, url_date};
use crate::names;
use crate::scan::{Shape, ShapeScan, Token, attr, decode_entities, tokens};
use serde_json::Value;
use std::borrow::Cow;

/// Metadata candidates found in a page, before the final choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HtmlMeta {
    pub lang: Option<String>,
    pub og_title: Option<String>,
    pub tw_title: Option<String>,
    pub meta_title: Option<String>,
    pub ld_title: Option<String>,
    pub h1: Option<String>,
    /// Text of the first element classed as an entry/post/article title.
    pub entry_title: Option<String>,
    pub title_tag: Option<String>,
    pub site_name: Option<String>,
    /// Publication date from JSON-LD (normalised).
    pub ld_date: Option<String>,
    /// Publication date from `<meta>` (normalised), with the rank of the key (lower is better).
    pub meta_date: Option<(u8, String)>,
    /// Publication date from an `itemprop="datePublished"` element or a `<time pubdate>`.
    pub itemprop_date: Option<String>,
    /// A date in the text of an element whose class names a date (`entry-date`, `post-date`, …)
    /// or in the `title`/`content` of a date-classed or `schema:datePublished` element.
    pub class_date: Option<String>,
    /// The first `<time datetime>` in the page.
    pub time_date: Option<String>,
    /// Modification date (a last resort).
    pub modified_date: Option<String>,
    pub meta_author: Option<String>,
    pub ld_author: Option<String>,
    pub byline: Option<String>,
}

/// `<meta>` keys carrying the publication date, best first.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article.published",
    "article:published",
    "datepublished",
    "og:published_time",
    "published_time",
    "published-date",
    "publishdate",
    "publish-date",
    "publish_date",
    "date_published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "citation_publication_date",
    "citation_date",
    "pubdate",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "originalpublicationdate",
    "release_date",
    "date",
    "og:pubdate",
    "cxenseparse:recs:publishtime",
];

const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
];

const AUTHOR_KEYS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "citation_author",
    "og:article:author",
    "book:author",
];

/// What text is being captured, and until which end tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    H1,
    Byline,
    ItempropAuthor,
}

fn clean(s: &str) -> Option<String> {
    let d = decode_entities(s);
    let t = d.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn set_once(slot: &mut Option<String>, v: Option<String>) {
    if slot.is_none() {
        *slot = v;
    }
}

/// Scans `html` once for metadata candidates.
#[cfg(test)]
pub(crate) fn scan_meta(html: &str) -> HtmlMeta {
    scan_meta_and_shape(html).0
}

/// Scans `html` once for metadata candidates and for the shape of its element tree (the depth
/// guard's [`crate::scan::shape`]). The guard reads the strict tokens, with the content of
/// `svg`/`math` as markup; the metadata, the lenient ones. They are the same tokens unless the
/// lenient tokenizer meets `<!-->`, `<!--->` or a quote not after `=`
/// ([`crate::scan::Tokens::diverged`]),
/// or a raw-text element inside foreign content holds a `<` (read as markup there): only then
/// does the guard get a pass of its own.
pub(crate) fn scan_meta_and_shape(html: &str) -> (HtmlMeta, Shape) {
    let mut shape = ShapeScan::default();
    // The next token is the raw text of an element the guard reads as markup.
    let mut foreign_raw = false;
    let mut raw_diverged = false;
    let mut m = HtmlMeta::default();
    let mut in_title = false;
    let mut in_ld = false;
    let mut capture: Option<(Capture, String, usize, String)> = None; // kind, tag, depth, text
    let mut seen_h1 = false;
    let mut date_cap: Option<(String, usize, String)> = None; // tag, depth, text
    let mut title_cap: Option<(String, usize, String)> = None;
    let mut toks = tokens(html);
    while let Some(tok) = toks.next() {
        if foreign_raw {
            foreign_raw = false;
            raw_diverged |= matches!(tok, Token::Text(t) if t.contains('<'));
        }
        match tok {
            Token::Start { name, attrs } => {
                let name_class = toks.start_class();
                // Raw text in foreign content: markup for the guard (the strict tokens), raw
                // text here; the same tokens unless the text holds a tag.
                foreign_raw = shape.start(name, name_class, attrs)
                    && name_class & names::RAW_TEXT != 0
                    && !attrs.trim_end().ends_with('/');
                let void = name_class & names::VOID != 0;
                in_title = false;
                in_ld = false;
                if let Some((_, tag, depth, _)) = capture.as_mut()
                    && name.eq_ignore_ascii_case(tag)
                {
                    *depth += 1;
                }
                // Most names are lower case already: no allocation for them.
                let lname: Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(name.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(name)
                };
                match &*lname {
                    "html" => {
                        m.lang = attr(attrs, "lang")
                            .or_else(|| attr(attrs, "xml:lang"))
                            .and_then(|l| lang_code(&l));
                    }
                    "meta" => on_meta(&mut m, attrs),
                    "title" => in_title = m.title_tag.is_none(),
                    "script" => {
                        in_ld = attr(attrs, "type")
                            .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
                    }
                    "time" => {
                        let dt = attr(attrs, "datetime").and_then(|d| crate::normalize_date(&d));
                        let is_pub = attrs.contains("pubdate")
                            || attr(attrs, "itemprop").is_some_and(|p| p.contains("datePublished"))
                            || attr(attrs, "class")
                                .is_some_and(|c| c.to_ascii_lowercase().contains("publish"));
                        if is_pub {
                            set_once(&mut m.itemprop_date, dt.clone());
                        }
                        set_once(&mut m.time_date, dt);
                    }
                    "h1" if !seen_h1 && capture.is_none() && !is_site_heading(attrs) => {
                        seen_h1 = true;
                        capture = Some((Capture::H1, lname.to_string(), 1, String::new()));
                    }
                    _ => {}
                }
                // The attributes every tag is asked about, split out once.
                let a = TagAttrs::new(attrs);
                // The class in lower case, once for the three class tests below.
                // Only a class holding one of the words the three tests look for is lowered.
                let class = a
                    .get(a.class)
                    .filter(|c| may_name_a_field(c))
                    .map(|c| c.to_ascii_lowercase());
                if lname != "meta"
                    && let Some(prop) = a.get(a.itemprop)
                {
                    if prop.eq_ignore_ascii_case("datePublished") {
                        let v = a
                            .get(a.content)
                            .or_else(|| a.get(a.datetime))
                            .and_then(|d| crate::normalize_date(&d));
                        set_once(&mut m.itemprop_date, v);
                    } else if prop.eq_ignore_ascii_case("author")
                        && m.byline.is_none()
                        && capture.is_none()
                        && !void
                    {
                        capture =
                            Some((Capture::ItempropAuthor, lname.to_string(), 1, String::new()));
                    }
                }
                if let Some((tag, depth, _)) = date_cap.as_mut()
                    && name.eq_ignore_ascii_case(tag)
                {
                    *depth += 1;
                }
                if let Some((tag, depth, _)) = title_cap.as_mut()
                    && name.eq_ignore_ascii_case(tag)
                {
                    *depth += 1;
                }
                if m.entry_title.is_none()
                    && title_cap.is_none()
                    && !void
                    && lname != "body"
                    && lname != "article"
                    && class.as_deref().is_some_and(is_entry_title_class)
                {
                    title_cap = Some((lname.to_string(), 1, String::new()));
                }
                if m.class_date.is_none() && date_cap.is_none() && lname != "meta" {
                    if let Some(p) = a.get(a.property)
                        && (p.contains("datePublished") || p.contains("dateCreated"))
                    {
                        m.class_date = a.get(a.content).and_then(|d| crate::normalize_date(&d));
                    }
                    if m.class_date.is_none() && class.as_deref().is_some_and(is_date_class) {
                        m.class_date = a
                            .get(a.title)
                            .or_else(|| a.get(a.content))
                            .and_then(|d| crate::normalize_date(&d));
                        if m.class_date.is_none() && !void {
                            date_cap = Some((lname.to_string(), 1, String::new()));
                        }
                    }
                }
                if capture.is_none() && m.byline.is_none() && !void {
                    let rel_author = a
                        .get(a.rel)
                        .is_some_and(|r| r.eq_ignore_ascii_case("author"));
                    let class_author = class.as_deref().is_some_and(is_byline_class);
                    if rel_author || class_author {
                        capture = Some((Capture::Byline, lname.to_string(), 1, String::new()));
                    }
                }
            }
            Token::End { name } => {
                shape.end(name);
                in_title = false;
                in_ld = false;
                let mut title_done = false;
                if let Some((tag, depth, _)) = title_cap.as_mut()
                    && name.eq_ignore_ascii_case(tag)
                {
                    *depth -= 1;
                    title_done = *depth == 0;
                }
                if title_done && let Some((_, _, text)) = title_cap.take() {
                    m.entry_title = clean(&text).filter(|t| (4..=250).contains(&t.chars().count()));
                }
                let mut date_done = false;
                if let Some((tag, depth, _)) = date_cap.as_mut()
                    && name.eq_ignore_ascii_case(tag)
                {
                    *depth -= 1;
                    date_done = *depth == 0;
                }
                if date_done && let Some((_, _, text)) = date_cap.take() {
                    m.class_date = find_date(&decode_entities(&text)).map(|f| f.format());
                }
                let mut done = false;
                if let Some((_, tag, depth, _)) = capture.as_mut()
                    && name.eq_ignore_ascii_case(tag)
                {
                    *depth -= 1;
                    done = *depth == 0;
                }
                if done && let Some((kind, _, _, text)) = capture.take() {
                    let t = clean(&text);
                    match kind {
                        Capture::H1 => m.h1 = t,
                        Capture::Byline | Capture::ItempropAuthor => {
                            m.byline = t.and_then(|t| clean_author(&t));
                        }
                    }
                }
            }
            Token::Text(t) => {
                if in_title {
                    m.title_tag = clean(t);
                    in_title = false;
                } else if in_ld {
                    on_json_ld(&mut m, t);
                    in_ld = false;
                } else {
                    if let Some((_, _, _, text)) = capture.as_mut()
                        && text.len() < 400
                    {
                        text.push_str(t);
                        text.push(' ');
                    }
                    if let Some((_, _, text)) = title_cap.as_mut()
                        && text.len() < 400
                    {
                        text.push_str(t);
                        text.push(' ');
                    }
                    if let Some((_, _, text)) = date_cap.as_mut()
                        && text.len() < 200
                    {
                        text.push_str(t);
                        text.push(' ');
                    }
                }
            }
        }
    }
    let shape = if toks.diverged() || raw_diverged {
        crate::scan::shape(html)
    } else {
        shape.shape()
    };
    (m, shape)
}

/// The attributes [`scan_meta_and_shape`] looks at on every start tag, each the first of its name (as
/// [`attr`] finds it), undecoded: one pass over the attribute text instead of one per question.
#[derive(Default)]
struct TagAttrs<'a> {
    itemprop: Option<&'a str>,
    class: Option<&'a str>,
    property: Option<&'a str>,
    rel: Option<&'a str>,
    content: Option<&'a str>,
    datetime: Option<&'a str>,
    title: Option<&'a str>,
}

impl<'a> TagAttrs<'a> {
    fn new(raw: &'a str) -> Self {
        let mut a = TagAttrs::default();
        for (name, value) in crate::scan::attrs(raw) {
            let slot = match name.len() {
                3 if name.eq_ignore_ascii_case("rel") => &mut a.rel,
                5 if name.eq_ignore_ascii_case("class") => &mut a.class,
                5 if name.eq_ignore_ascii_case("title") => &mut a.title,
                7 if name.eq_ignore_ascii_case("content") => &mut a.content,
                8 if name.eq_ignore_ascii_case("itemprop") => &mut a.itemprop,
                8 if name.eq_ignore_ascii_case("property") => &mut a.property,
                8 if name.eq_ignore_ascii_case("datetime") => &mut a.datetime,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        a
    }

    /// The decoded value, as [`attr`] gives it.
    fn get(&self, value: Option<&'a str>) -> Option<Cow<'a, str>> {
        value.map(crate::scan::decode_entities)
    }
}

/// An `<h1>` that holds the site's name, not the article's (`site-title`, `logo`, …).
fn is_site_heading(attrs: &str) -> bool {
    let cls = attr(attrs, "class")
        .unwrap_or_default()
        .to_ascii_lowercase()
        + " "
        + &attr(attrs, "id").unwrap_or_default().to_ascii_lowercase();
    [
        "site-title",
        "site_title",
        "sitetitle",
        "site-name",
        "logo",
        "blog-title",
        "blogtitle",
        "brand",
        "masthead",
    ]
    .iter()
    .any(|k| cls.contains(k))
}

/// Words one of which every class that [`is_entry_title_class`], [`is_date_class`] or
/// [`is_byline_class`] accepts contains (each of their patterns holds one).
const CLASS_FIELD_WORDS: [&[u8]; 8] = [
    b"title",
    b"headline",
    b"date",
    b"publish",
    b"posted",
    b"byline",
    b"author",
    b"autor",
];

/// Whether `class` contains one of [`CLASS_FIELD_WORDS`], ASCII case-insensitively: one pass
/// over its bytes, where the three tests lowered it and ran some twenty substring searches on
/// every tag with a class. Each word is recognised by its first two letters (a distinct pair
/// for each but `author`/`autor`) before it is compared whole: letters as common as `t`, `a`,
/// `d` or `p` alone sent a quarter of all class bytes into a loop over the words.
fn may_name_a_field(class: &str) -> bool {
    let b = class.as_bytes();
    let at = |i: usize, w: &[u8]| {
        b.get(i..i + w.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(w))
    };
    b.windows(2).enumerate().any(|(i, pair)| {
        let [x, y] = *pair else { return false };
        // `| 0x20` lowers letters and maps no other byte onto a lower-case letter.
        match [x | 0x20, y | 0x20] {
            [b't', b'i'] => at(i, CLASS_FIELD_WORDS[0]),
            [b'h', b'e'] => at(i, CLASS_FIELD_WORDS[1]),
            [b'd', b'a'] => at(i, CLASS_FIELD_WORDS[2]),
            [b'p', b'u'] => at(i, CLASS_FIELD_WORDS[3]),
            [b'p', b'o'] => at(i, CLASS_FIELD_WORDS[4]),
            [b'b', b'y'] => at(i, CLASS_FIELD_WORDS[5]),
            [b'a', b'u'] => at(i, CLASS_FIELD_WORDS[6]) || at(i, CLASS_FIELD_WORDS[7]),
            _ => false,
        }
    })
}

/// A class (in lower case) naming the article's title.
fn is_entry_title_class(c: &str) -> bool {
    [
        "entry-title",
        "post-title",
        "article-title",
        "posttitle",
        "entrytitle",
        "article__title",
        "story-title",
        "post__title",
        "headline",
    ]
    .iter()
    .any(|k| c.contains(k))
}

/// A class (in lower case) naming a publication date (not an update).
fn is_date_class(c: &str) -> bool {
    (c.contains("date") || c.contains("publish") || c.contains("posted") || c == "published")
        && !c.contains("update")
        && !c.contains("modif")
        && !c.contains("picker")
        && !c.contains("validate")
}

/// A class (in lower case) naming the byline.
fn is_byline_class(c: &str) -> bool {
    (c.contains("byline")
        || c.split_whitespace().any(|w| {
            w == "author"
                || w.ends_with("-author")
                || w.ends_with("__author")
                || w == "author-name"
                || w == "autor"
        }))
        && !c.contains("avatar")
        && !c.contains("bio")
}

fn on_meta(m: &mut HtmlMeta, attrs: &str) {
    let key = attr(attrs, "property")
        .or_else(|| attr(attrs, "name"))
        .or_else(|| attr(attrs, "itemprop"))
        .or_else(|| attr(attrs, "http-equiv"));
    let (Some(key), Some(content)) = (key, attr(attrs, "content")) else {
        return;
    };
    let key = key.trim().to_ascii_lowercase();
    let content = content.trim();
    if content.is_empty() {
        return;
    }
    match key.as_str() {
        "og:title" => set_once(&mut m.og_title, clean(content)),
        "twitter:title" => set_once(&mut m.tw_title, clean(content)),
        "dc.title" | "dcterms.title" | "parsely-title" | "sailthru.title" | "headline" => {
            set_once(&mut m.meta_title, clean(content));
        }
        "og:site_name" | "application-name" => set_once(&mut m.site_name, clean(content)),
        "og:locale" | "content-language" | "language" | "dc.language" if m.lang.is_none() => {
            m.lang = lang_code(content);
        }
        _ => {}
    }
    // A "cover date" (the issue date, as in print) ranks with the best keys.
    let rank = if key.ends_with("cover_date") || key.ends_with("coverdate") {
        Some(1)
    } else {
        DATE_KEYS.iter().position(|k| *k == key)
    };
    if let Some(rank) = rank
        && let Some(d) = crate::normalize_date(content)
    {
        let rank = u8::try_from(rank).unwrap_or(u8::MAX);
        if m.meta_date.as_ref().is_none_or(|(r, _)| rank < *r) {
            m.meta_date = Some((rank, d));
        }
    }
    if MODIFIED_KEYS.contains(&key.as_str()) {
        set_once(&mut m.modified_date, crate::normalize_date(content));
    }
    if AUTHOR_KEYS.contains(&key.as_str()) && m.meta_author.is_none() {
        m.meta_author = clean(content).and_then(|a| clean_author(&a));
    }
}

/// Cleans an author string: drops "By", URLs, handles and over-long text.
pub(crate) fn clean_author(s: &str) -> Option<String> {
    const PREFIXES: &[&str] = &[
        "post author by",
        "posted by",
        "written by",
        "published by",
        "geschrieben von",
        "eingestellt von",
        "veröffentlicht von",
        "verfasst von",
        "publié par",
        "écrit par",
        "publicado por",
        "escrito por",
        "autor:",
        "author:",
        "autorin:",
        "von:",
        "by:",
        "by",
        "von",
        "vom",
        "par",
        "por",
    ];
    let mut t = s.trim();
    loop {
        let before = t;
        for p in PREFIXES {
            let head: String = t.chars().take(p.chars().count()).collect();
            let next = t.get(head.len()..).unwrap_or("");
            if head.to_lowercase() == *p
                && (next.is_empty() || next.starts_with(char::is_whitespace))
            {
                t = next.trim();
                break;
            }
        }
        if t == before {
            break;
        }
    }
    let t =
        t.trim_matches(|c: char| c == ',' || c == '|' || c == '-' || c == ':' || c.is_whitespace());
    let lower = t.to_lowercase();
    const REJECT: &[&str] = &[
        "name *",
        "name (",
        "erforderlich",
        "required",
        "posted on",
        "publiziert am",
        "veröffentlicht am",
        "published on",
    ];
    if t.is_empty()
        || t.contains("://")
        || t.contains('*')
        || t.starts_with("www.")
        || t.starts_with('@')
        || t.chars().count() > 80
        || t.split_whitespace().count() > 8
        || lower.ends_with(" says")
        || lower.ends_with(" says:")
        || lower.ends_with(" sagt")
        || lower.ends_with(" sagt:")
        || REJECT.iter().any(|r| lower.contains(r))
        || t.chars().any(|c| c.is_ascii_digit()) && find_date(t).is_some()
    {
        return None;
    }
    Some(t.to_string())
}

fn on_json_ld(m: &mut HtmlMeta, text: &str) {
    let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
        return;
    };
    let mut objs = Vec::new();
    collect_objects(&v, &mut objs, 0);
    // Article-like objects first, then any object.
    let article_like = |o: &serde_json::Map<String, Value>| {
        types_of(o).iter().any(|t| {
            let t = t.to_ascii_lowercase();
            t.contains("article") || t.contains("posting") || t == "reportagenews" || t == "report"
        })
    };
    let ordered: Vec<_> = objs
        .iter()
        .filter(|o| article_like(o))
        .chain(objs.iter().filter(|o| !article_like(o)))
        .collect();
    for o in ordered {
        if m.ld_date.is_none()
            && let Some(Value::String(d)) = o.get("datePublished").or_else(|| o.get("dateCreated"))
        {
            m.ld_date = crate::normalize_date(d.as_str());
        }
        if m.ld_title.is_none()
            && let Some(Value::String(h)) = o.get("headline")
        {
            m.ld_title = clean(h.as_str());
        }
        if m.ld_author.is_none()
            && let Some(a) = o.get("author").or_else(|| o.get("creator"))
        {
            m.ld_author = author_from_ld(a);
        }
        if m.modified_date.is_none()
            && let Some(Value::String(d)) = o.get("dateModified")
        {
            m.modified_date = crate::normalize_date(d.as_str());
        }
    }
}

fn types_of(o: &serde_json::Map<String, Value>) -> Vec<String> {
    match o.get("@type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

fn collect_objects<'a>(
    v: &'a Value,
    out: &mut Vec<&'a serde_json::Map<String, Value>>,
    depth: usize,
) {
    if depth > 4 || out.len() > 64 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_objects(x, out, depth + 1)),
        Value::Object(o) => {
            out.push(o);
            if let Some(g) = o.get("@graph") {
                collect_objects(g, out, depth + 1);
            }
            if let Some(e) = o.get("mainEntity") {
                collect_objects(e, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn author_from_ld(a: &Value) -> Option<String> {
    let names: Vec<String> = match a {
        Value::String(s) => vec![s.clone()],
        Value::Object(o) => name_of_person(o).into_iter().collect(),
        Value::Array(arr) => arr
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => name_of_person(o),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let names: Vec<String> = names
        .iter()
        .filter_map(|n| clean(n).and_then(|n| clean_author(&n)))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn name_of_person(o: &serde_json::Map<String, Value>) -> Option<String> {
    if types_of(o)
        .iter()
        .any(|t| t == "Organization" || t == "NewsMediaOrganization")
    {
        return None;
    }
    o.get("name").and_then(Value::as_str).map(String::from)
}

/// ISO 639-1 code from a language tag (`en-US`, `de_DE`, `fr`).
pub(crate) fn lang_code(tag: &str) -> Option<String> {
    let code: String = tag
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    (code.len() == 2).then_some(code)
}

/// Normalises a title for comparison: lowercase alphanumerics separated by single spaces.
pub(crate) fn title_key(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Separators between a page title and its site name.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", " – ", " — ", " - ", " :: ", " · ", " » ", " › ", " • ", " // ", " / ", " : ", "-",
];

/// The host of a URL without `www.`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split("://").nth(1)?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(host.trim_start_matches("www.").to_ascii_lowercase())
}

/// Does this title segment name the site (its name, its host, a domain)?
fn names_site(seg: &str, site: Option<&str>, host: Option<&str>) -> bool {
    let k = title_key(seg);
    if k.is_empty() {
        return true;
    }
    let lower = seg.trim().to_lowercase();
    site.is_some_and(|s| {
        let sk = title_key(s);
        !sk.is_empty() && (sk == k || sk.contains(&k) || k.contains(&sk))
    }) || host.is_some_and(|h| {
        let hk = title_key(h.split('.').next().unwrap_or(h));
        lower.contains(h) || (hk.len() >= 3 && k.replace(' ', "").contains(&hk.replace(' ', "")))
    }) || (lower.len() < 40
        && lower.contains('.')
        && !lower.contains(' ')
        && lower.chars().any(char::is_alphabetic))
}

/// Removes a site-name prefix or suffix from a `<title>`-like string. With `aggressive`, a short
/// last (or first) segment is dropped even when it cannot be recognised as the site name.
pub(crate) fn trim_site_name(
    title: &str,
    site: Option<&str>,
    host: Option<&str>,
    aggressive: bool,
) -> String {
    for sep in TITLE_SEPARATORS {
        if !title.contains(sep) {
            continue;
        }
        // Hyphens without spaces only before a CJK site name and the like ("…城！-新华网").
        if *sep == "-"
            && title
                .rsplit('-')
                .next()
                .is_some_and(|l| l.contains(' ') || l.is_ascii())
        {
            continue;
        }
        let parts: Vec<&str> = title
            .split(sep)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 2 {
            continue;
        }
        let first = parts.first().copied().unwrap_or(title);
        let last = parts.last().copied().unwrap_or(title);
        if names_site(last, site, host) || *sep == "-" {
            return parts[..parts.len() - 1].join(sep);
        }
        if names_site(first, site, host) {
            return parts[1..].join(sep);
        }
        if aggressive {
            let words = |s: &str| s.split_whitespace().count();
            if words(last) <= 4 && last.chars().count() < first.chars().count() {
                return parts[..parts.len() - 1].join(sep);
            }
            if words(first) <= 3 && first.chars().count() < last.chars().count() {
                return parts[1..].join(sep);
            }
        }
        return title.to_string();
    }
    title.to_string()
}

impl HtmlMeta {
    /// The best title, site name trimmed: the `<h1>` when a title tag confirms it, else
    /// og:title / twitter:title / JSON-LD headline (unless it is only the site name), else the
    /// `<title>`, else the `<h1>`.
    pub(crate) fn title(&self, url: Option<&str>) -> Option<String> {
        let site = self.site_name.as_deref();
        let host = url.and_then(host_of);
        let h1 = self
            .h1
            .as_deref()
            .filter(|h| (4..=250).contains(&h.chars().count()));
        let tagged = [
            self.og_title.as_deref(),
            self.tw_title.as_deref(),
            self.ld_title.as_deref(),
            self.meta_title.as_deref(),
            self.title_tag.as_deref(),
        ];
        if let Some(h) = h1 {
            // The h1 is the headline when a title tag holds it and it is not a small part of
            // that title (a section name such as "News" or "Aktuell" in a long title).
            let hk = title_key(h);
            let headline = |t: &&str| {
                let tk = title_key(&trim_site_name(t, site, host.as_deref(), false));
                title_key(t).contains(&hk) && hk.chars().count() * 2 >= tk.chars().count()
            };
            if !hk.is_empty() && tagged.iter().flatten().any(headline) {
                return Some(h.to_string());
            }
        }
        if let Some(e) = &self.entry_title {
            return Some(e.clone());
        }
        let is_site = |t: &str| {
            let k = title_key(t);
            let squashed = k.replace(' ', "");
            site.is_some_and(|s| title_key(s) == k)
                || host.as_deref().is_some_and(|h| {
                    title_key(h) == k || h.split('.').next().is_some_and(|label| label == squashed)
                })
        };
        for t in tagged.iter().take(4).flatten() {
            if !is_site(t) {
                return Some(trim_site_name(t, site, host.as_deref(), false));
            }
        }
        if let Some(t) = self.title_tag.as_deref()
            && !is_site(t)
        {
            return Some(trim_site_name(t, site, host.as_deref(), true));
        }
        h1.map(String::from).or_else(|| self.title_tag.clone())
    }

    /// The best publication date from markup and URL (no visible-text rules).
    pub(crate) fn published(&self, url: Option<&str>) -> Option<String> {
        self.ld_date
            .clone()
            .or_else(|| self.meta_date.as_ref().map(|(_, d)| d.clone()))
            .or_else(|| self.itemprop_date.clone())
            .or_else(|| url.and_then(url_date))
            .or_else(|| self.class_date.clone())
    }

    /// A weaker date: the first `<time>` element, then the modification date.
    pub(crate) fn weak_date(&self) -> Option<String> {
        self.time_date
            .clone()
            .or_else(|| self.modified_date.clone())
    }

    /// The best author.
    pub(crate) fn author(&self) -> Option<String> {
        self.meta_author
            .clone()
            .or_else(|| self.ld_author.clone())
            .or_else(|| self.byline.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_attrs_agree_with_attr() {
        let raw = r#" CLASS="Byline &amp; x" class=second itemProp='author' rel=author
            data-title="no" title="T" content datetime="2020-01-02" property="og:x" /"#;
        let a = TagAttrs::new(raw);
        for (key, got) in [
            ("itemprop", a.itemprop),
            ("class", a.class),
            ("property", a.property),
            ("rel", a.rel),
            ("content", a.content),
            ("datetime", a.datetime),
            ("title", a.title),
        ] {
            assert_eq!(a.get(got), attr(raw, key), "{key}");
        }
        assert_eq!(a.get(a.class).as_deref(), Some("Byline & x"));
        assert!(TagAttrs::new("").class.is_none());
    }

    #[test]
    fn meta_tags() {
        let m = scan_meta(
            r#"<html lang="en-GB"><head><title>Big story | The Paper</title>
            <meta property="og:title" content="Big story &amp; more">
            <meta property="og:site_name" content="The Paper">
            <meta name="author" content="By Jane Doe">
            <meta property="article:modified_time" content="2022-05-18T10:00:00Z">
            <meta property="article:published_time" content="2022-05-17T08:36:00+00:00">
            </head><body><h1>Big story</h1></body></html>"#,
        );
        assert_eq!(m.lang.as_deref(), Some("en"));
        // The <h1> is confirmed by the title tags, so it wins.
        assert_eq!(m.title(None).as_deref(), Some("Big story"));
        assert_eq!(
            m.published(None).as_deref(),
            Some("2022-05-17T08:36:00+00:00")
        );
        assert_eq!(m.author().as_deref(), Some("Jane Doe"));
        assert_eq!(m.h1.as_deref(), Some("Big story"));
        let m = scan_meta(
            r#"<title>Other | The Paper</title><meta property="og:title" content="Big story &amp; more | The Paper">
            <meta property="og:site_name" content="The Paper"><h1>Menu</h1>"#,
        );
        assert_eq!(m.title(None).as_deref(), Some("Big story & more"));
        let m = scan_meta(
            r#"<meta property="og:title" content="The Paper"><title>Real title - The Paper</title>"#,
        );
        assert_eq!(
            m.title(Some("https://www.thepaper.com/x")).as_deref(),
            Some("Real title")
        );
    }

    #[test]
    fn json_ld() {
        let m = scan_meta(
            r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Site"},
              {"@type":"NewsArticle","headline":"LD headline","datePublished":"2021-03-04T05:06:07+01:00",
               "author":[{"@type":"Person","name":"A. Writer"},{"@type":"Person","name":"B. Writer"}]}]}
            </script>"#,
        );
        assert_eq!(m.title(None).as_deref(), Some("LD headline"));
        assert_eq!(
            m.published(None).as_deref(),
            Some("2021-03-04T05:06:07+01:00")
        );
        assert_eq!(m.author().as_deref(), Some("A. Writer, B. Writer"));
    }

    #[test]
    fn time_itemprop_and_url() {
        let m = scan_meta(r#"<p>x</p><time datetime="2020-01-02">2 Jan</time>"#);
        assert_eq!(m.published(None), None);
        assert_eq!(m.weak_date().as_deref(), Some("2020-01-02"));
        assert_eq!(
            m.published(Some("https://a.b/2019/12/31/x")).as_deref(),
            Some("2019-12-31")
        );
        let m = scan_meta(r#"<span itemprop="datePublished" content="2020-01-03">x</span>"#);
        assert_eq!(m.published(None).as_deref(), Some("2020-01-03"));
        let m = scan_meta(r#"<time pubdate datetime="2020-01-04T10:00:00+02:00"></time>"#);
        assert_eq!(
            m.published(None).as_deref(),
            Some("2020-01-04T10:00:00+02:00")
        );
    }

    #[test]
    fn blog_titles() {
        let m = scan_meta(
            r#"<title>My Blog &raquo; A post about things</title><h1 class="site-title">My Blog</h1>
            <h2 class="entry-title"><a href="/p">A post about things</a></h2>"#,
        );
        assert_eq!(m.title(None).as_deref(), Some("A post about things"));
        let m = scan_meta(r#"<title>Shop</title><div class="post-title">Opening hours</div>"#);
        assert_eq!(m.title(None).as_deref(), Some("Opening hours"));
    }

    #[test]
    fn cover_date_beats_republication() {
        let m = scan_meta(
            r#"<meta name="DC.date" content="2015-07-24 13:43:41"><meta name="x_cover_date" content="1998-02-10">"#,
        );
        assert_eq!(m.published(None).as_deref(), Some("1998-02-10"));
    }

    #[test]
    fn date_classes() {
        let m = scan_meta(
            r#"<span class="itemPostDate">am 25.08.2015 22:30</span><span class="last-updated">1.1.2020</span>"#,
        );
        assert_eq!(m.published(None).as_deref(), Some("2015-08-25"));
        let m = scan_meta(
            r#"<abbr class="published" title="2017-07-23T17:06:45+0000">23. Juli 2017</abbr>"#,
        );
        assert_eq!(
            m.published(None).as_deref(),
            Some("2017-07-23T17:06:45+00:00")
        );
        let m = scan_meta(r#"<span class="date-updated">3.3.2020</span>"#);
        assert_eq!(m.published(None), None);
    }

    #[test]
    fn title_fallbacks_and_byline() {
        let m = scan_meta(
            "<title>My post title - Blog Name</title><body><div class=\"byline\">By <a>John Smith</a></div></body>",
        );
        assert_eq!(m.title(None).as_deref(), Some("My post title"));
        assert_eq!(m.author().as_deref(), Some("John Smith"));
        assert_eq!(
            clean_author("Post author By Helge Fahrnberger").as_deref(),
            Some("Helge Fahrnberger")
        );
        assert_eq!(
            clean_author("Eingestellt von der Michel").as_deref(),
            Some("der Michel")
        );
        assert_eq!(
            clean_author("vom Support Team").as_deref(),
            Some("Support Team")
        );
        assert_eq!(clean_author("Name (erforderlich)"), None);
        assert_eq!(clean_author("Art Edwards says"), None);
        assert_eq!(clean_author("By"), None);
        assert_eq!(clean_author("Byron Smith").as_deref(), Some("Byron Smith"));
        let m = scan_meta("<title>Site | A much longer article title here</title>");
        assert_eq!(
            m.title(None).as_deref(),
            Some("A much longer article title here")
        );
    }

    /// The byte-at-a-time filter [`may_name_a_field`] replaced: the reference.
    fn may_name_a_field_ref(class: &str) -> bool {
        let b = class.as_bytes();
        (0..b.len()).any(|i| {
            let first = b.get(i).map_or(0, u8::to_ascii_lowercase);
            matches!(first, b't' | b'h' | b'd' | b'p' | b'b' | b'a')
                && CLASS_FIELD_WORDS.iter().any(|w| {
                    w.first() == Some(&first)
                        && b.get(i..i + w.len())
                            .is_some_and(|s| s.eq_ignore_ascii_case(w))
                })
        })
    }

    #[test]
    fn class_filter_is_the_byte_loop() {
        for c in [
            "",
            "t",
            "ti",
            "titl",
            "title",
            "TITLE",
            "xTiTlE",
            "Title-x",
            "dat",
            "date",
            "DaTe",
            "updated",
            "publis",
            "Publish",
            "posted",
            "poste",
            "byline",
            "BYLIN",
            "author",
            "autor",
            "auto",
            "AUTHOR x",
            "aut hor",
            "é-author",
            "\u{fffd}title",
            "head line",
            "HeadLine",
            "xxxxdate",
            "xx-d\u{e1}te",
        ] {
            assert_eq!(may_name_a_field(c), may_name_a_field_ref(c), "{c}");
        }
    }

    fn any_class_test(class: &str) -> bool {
        let c = class.to_ascii_lowercase();
        is_entry_title_class(&c) || is_date_class(&c) || is_byline_class(&c)
    }

    #[test]
    fn class_filter_keeps_every_class_the_tests_accept() {
        for c in [
            "entry-title",
            "Post__Title big",
            "HEADLINE",
            "meta-date",
            "published",
            "is-posted",
            "c-byline",
            "post-author",
            "author",
            "autor",
        ] {
            assert!(any_class_test(c), "{c}");
            assert!(may_name_a_field(c), "{c}");
        }
        for c in [
            "",
            "nav main",
            "date-picker",
            "author-avatar",
            "ti tle",
            "é-autho",
        ] {
            assert!(!any_class_test(c), "{c}");
        }
        assert!(!may_name_a_field("nav main"));
        assert!(!may_name_a_field("ti tle auth"));
    }

    proptest::proptest! {
        #[test]
        fn class_filter_never_hides_an_accepted_class(
            c in "(title|headline|date|publish|posted|byline|author|autor|entry|post|story|update|avatar|bio|name|-|__| |[a-zA-Z]|é){0,8}"
        ) {
            proptest::prop_assert!(!any_class_test(&c) || may_name_a_field(&c));
        }

        #[test]
        fn class_filter_is_the_byte_loop_on_random_classes(
            c in "(title|headline|date|publish|posted|byline|author|autor|[tTiIhHeEdDaApPuUoObByYlLnNrRsS]|-| |é|\u{fffd}|[\x00-\x7f]){0,12}"
        ) {
            proptest::prop_assert_eq!(may_name_a_field(&c), may_name_a_field_ref(&c));
        }

        /// The metadata scan's shape is the depth guard's (`scan::shape`) on tag soup with
        /// foreign content, raw-text elements, short comments and stray quotes.
        #[test]
        fn merged_shape_is_the_guards(
            s in "(<(/?)(div|p|svg|math|style|title|script|b|table|td|li|br|img|span|foreignObject)( a=\"x\"| b| c'd)?( /)?>|<!-->|<!--->|<!--|-->|x|\"|'){0,80}"
        ) {
            proptest::prop_assert_eq!(scan_meta_and_shape(&s).1, crate::scan::shape(&s));
        }
    }

    #[test]
    fn merged_shape_on_deep_and_odd_markup() {
        let n = 5000;
        for html in [
            "<div/>".repeat(n),
            "<div></i>".repeat(n),
            "<svg><div/>".repeat(n),
            format!("<!-->{}", "<div>".repeat(n)),
            format!("<p a\">{}", "<div>".repeat(n)),
            format!("<svg><style>{}", "<div>".repeat(n)),
            "<div>".repeat(70_000),
            format!("<svg>{}</svg>", "<path d='M0'/>".repeat(2000)),
            "<div><p>one<p>two<span>three</div>".repeat(1000),
        ] {
            assert_eq!(scan_meta_and_shape(&html).1, crate::scan::shape(&html));
        }
    }
}
