//! A small, allocation-light HTML tokenizer.
//!
//! It does not build a tree: it walks the markup once and yields start tags (with their raw
//! attribute text), end tags and text runs. Metadata extraction, the nesting-depth guard and the
//! plain tag-strip fallback all run on it, so none of them can overflow the stack whatever the
//! input, and each costs one linear pass.

use std::borrow::Cow;

use crate::names;

/// One piece of markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// `<name attrs>`; `attrs` is the raw text between the name and `>`.
    Start { name: &'a str, attrs: &'a str },
    /// `</name>`.
    End { name: &'a str },
    /// Character data between tags (entities not yet decoded). For raw-text elements
    /// (`script`, `style`, `textarea`, `title`, …) this is their whole content.
    Text(&'a str),
}

/// Iterator over the [`Token`]s of an HTML string.
#[derive(Debug, Clone)]
pub(crate) struct Tokens<'a> {
    s: &'a str,
    pos: usize,
    /// Set after a raw-text start tag: the next token is its content.
    raw_until: Option<&'a str>,
    /// Follow the HTML parser where this tokenizer is otherwise lenient: `<!-->` is a whole
    /// comment, and a quote opens an attribute value only after `=`.
    strict: bool,
    /// Lenient mode met a construct where the strict tokenizer splits the markup differently
    /// (`<!-->`, `<!--->`, a quote not after `=`).
    diverged: bool,
    /// [`names::class`] of the last start tag's name.
    start_class: u32,
}

/// Tokenizes `html`.
pub(crate) fn tokens(html: &str) -> Tokens<'_> {
    Tokens {
        s: html,
        pos: 0,
        raw_until: None,
        strict: false,
        diverged: false,
        start_class: 0,
    }
}

/// Tokenizes `html` as the HTML parser would where it matters for nesting (see
/// the `strict` field of [`Tokens`]); used by the depth guard. Metadata and the tag-strip keep the lenient
/// [`tokens`].
pub(crate) fn tokens_strict(html: &str) -> Tokens<'_> {
    Tokens {
        strict: true,
        ..tokens(html)
    }
}

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let first = needle.first()?;
    let mut i = from;
    while let Some(off) = memchr::memchr(*first, hay.get(i..)?) {
        let at = i + off;
        if hay
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

impl Tokens<'_> {
    /// Reads the content of the start tag just returned as markup, not raw text: inside `svg`
    /// and `math`, `<style>`, `<title>`, `<script>` … are ordinary elements.
    pub(crate) fn markup_content(&mut self) {
        self.raw_until = None;
    }

    /// Whether the tokens so far may differ from those of [`tokens_strict`] (always false in
    /// strict mode): the lenient tokenizer met `<!-->`, `<!--->` or a quote not after `=`.
    pub(crate) fn diverged(&self) -> bool {
        self.diverged
    }

    /// [`names::class`] of the name of the start tag just returned (looked up once, for the
    /// raw-text test, and kept for the caller).
    pub(crate) fn start_class(&self) -> u32 {
        self.start_class
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.s.as_bytes();
        if let Some(name) = self.raw_until.take() {
            // Content of a raw-text element, up to `</name`.
            let mut needle = Vec::with_capacity(name.len() + 2);
            needle.extend_from_slice(b"</");
            needle.extend_from_slice(name.as_bytes());
            let end = find_ci(bytes, self.pos, &needle).unwrap_or(bytes.len());
            let text = self.s.get(self.pos..end).unwrap_or("");
            self.pos = end;
            if !text.is_empty() {
                return Some(Token::Text(text));
            }
        }
        loop {
            if self.pos >= bytes.len() {
                return None;
            }
            let rest = bytes.get(self.pos..)?;
            if rest.first() != Some(&b'<') {
                let end = memchr::memchr(b'<', rest).map_or(bytes.len(), |o| self.pos + o);
                let text = self.s.get(self.pos..end).unwrap_or("");
                self.pos = end;
                return Some(Token::Text(text));
            }
            // rest starts with '<'
            if rest.starts_with(b"<!--") {
                if !self.strict && (rest[4..].starts_with(b">") || rest[4..].starts_with(b"->")) {
                    self.diverged = true;
                }
                // Strict: `<!-->` and `<!--->` are whole (empty) comments.
                self.pos = if self.strict && rest[4..].starts_with(b">") {
                    self.pos + 5
                } else if self.strict && rest[4..].starts_with(b"->") {
                    self.pos + 6
                } else {
                    memchr::memmem::find(&rest[4..], b"-->")
                        .map_or(bytes.len(), |o| self.pos + 4 + o + 3)
                };
                continue;
            }
            let second = rest.get(1).copied().unwrap_or(b' ');
            if second == b'!' || second == b'?' {
                self.pos = memchr::memchr(b'>', rest).map_or(bytes.len(), |o| self.pos + o + 1);
                continue;
            }
            let is_end = second == b'/';
            let name_start = self.pos + 1 + usize::from(is_end);
            let name_first = bytes.get(name_start).copied().unwrap_or(b' ');
            if !name_first.is_ascii_alphabetic() {
                // A lone '<' is text.
                let end =
                    memchr::memchr(b'<', &rest[1..]).map_or(bytes.len(), |o| self.pos + 1 + o);
                let text = self.s.get(self.pos..end).unwrap_or("");
                self.pos = end;
                return Some(Token::Text(text));
            }
            let mut name_end = name_start;
            while bytes
                .get(name_end)
                .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>' && *b != b'/')
            {
                name_end += 1;
            }
            let (i, diverged) = tag_end(bytes, name_end, self.strict);
            self.diverged |= diverged;
            let name = self.s.get(name_start..name_end).unwrap_or("");
            let attrs = self.s.get(name_end..i.min(bytes.len())).unwrap_or("");
            self.pos = (i + 1).min(bytes.len());
            if is_end {
                return Some(Token::End { name });
            }
            self.start_class = names::class(name);
            if self.start_class & names::RAW_TEXT != 0 && !attrs.trim_end().ends_with('/') {
                self.raw_until = Some(name);
            }
            return Some(Token::Start { name, attrs });
        }
    }
}

/// Bytes where [`tag_end`]'s scan stops: `=`, the quotes and `>`.
const TAG_STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'=' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[b'>' as usize] = true;
    t
};

/// Where the start or end tag whose attribute text begins at `from` ends: the index of its
/// closing `>` outside quoted values (or `bytes.len()`), and whether a quote not after `=`
/// opened a value (lenient mode). Strict: a quote opens a value only right after `=` (and
/// spaces), as for the HTML parser, so that a stray quote (`<p a">`) does not hide the markup
/// that follows. The scan jumps from one [`TAG_STOP`] byte to the next instead of updating
/// its state on every byte: between two stops only whether a non-space byte came matters
/// (it ends the `=` state).
fn tag_end(bytes: &[u8], from: usize, strict: bool) -> (usize, bool) {
    let mut i = from;
    let mut after_eq = false;
    let mut diverged = false;
    loop {
        let seg = i;
        while bytes.get(i).is_some_and(|&b| !TAG_STOP[usize::from(b)]) {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            return (i, diverged);
        };
        if after_eq
            && bytes
                .get(seg..i)
                .is_some_and(|s| s.iter().any(|c| !c.is_ascii_whitespace()))
        {
            after_eq = false;
        }
        match b {
            b'>' => return (i, diverged),
            b'=' => after_eq = true,
            _ if after_eq || !strict => {
                diverged |= !after_eq;
                // Inside a quoted value only its closing quote matters: jump past it.
                match bytes.get(i + 1..).and_then(|r| memchr::memchr(b, r)) {
                    Some(o) => i += o + 1,
                    None => return (bytes.len(), diverged),
                }
            }
            _ => after_eq = false,
        }
        i += 1;
    }
}

/// Iterates `(name, value)` attribute pairs of a start tag's raw attribute text.
pub(crate) fn attrs(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let b = raw.as_bytes();
    let mut i = 0usize;
    std::iter::from_fn(move || {
        loop {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                i += 1;
            }
            if i >= b.len() {
                return None;
            }
            let ns = i;
            while b
                .get(i)
                .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'=' && *c != b'/')
            {
                i += 1;
            }
            let name = raw.get(ns..i).unwrap_or("");
            while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                if name.is_empty() {
                    i += 1;
                    continue;
                }
                return Some((name, ""));
            }
            i += 1;
            while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            let value = match b.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let vs = i + 1;
                    let ve =
                        memchr::memchr(q, b.get(vs..).unwrap_or(&[])).map_or(b.len(), |o| vs + o);
                    i = ve + 1;
                    raw.get(vs..ve).unwrap_or("")
                }
                _ => {
                    let vs = i;
                    while b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                        i += 1;
                    }
                    raw.get(vs..i).unwrap_or("")
                }
            };
            return Some((name, value));
        }
    })
}

/// The value of attribute `key` (ASCII case-insensitive), entity-decoded.
pub(crate) fn attr<'a>(raw: &'a str, key: &str) -> Option<Cow<'a, str>> {
    attrs(raw)
        .find(|(n, _)| n.eq_ignore_ascii_case(key))
        .map(|(_, v)| decode_entities(v))
}

/// Decodes the common HTML character references.
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let semi = tail.as_bytes().iter().take(12).position(|&b| b == b';');
        let decoded = semi.and_then(|semi| {
            let ent = tail.get(1..semi)?;
            decode_one(ent).map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn decode_one(ent: &str) -> Option<char> {
    if let Some(num) = ent.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return Some(char::from_u32(code).unwrap_or('\u{FFFD}'));
    }
    let c = match ent {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "bdquo" => '„',
        "copy" => '©',
        "reg" => '®',
        "middot" => '·',
        "bull" => '•',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "eacute" => 'é',
        "egrave" => 'è',
        "Eacute" => 'É',
        "aacute" => 'á',
        "agrave" => 'à',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        "ecirc" => 'ê',
        "acirc" => 'â',
        "ocirc" => 'ô',
        _ => return None,
    };
    Some(c)
}

/// [`strip_tags`] of the markup trafilatura would serialise for the children of `id` in `doc`
/// (its `content_html`), read off the tree without serialising it; `None` when that markup
/// is empty (no children, or only empty text nodes). The serialiser escapes `&`, `<`, `>` and
/// U+00A0 in text, which the tag-strip decodes back (U+00A0 as a space), and writes no end tag
/// and no children for void elements; a tree holding anything else the tag-strip could read
/// differently (comments, raw-text elements, `template`, children of void elements, odd names,
/// great depth) is serialised and stripped as before.
pub(crate) fn strip_tree(
    doc: &trafilatura::dom::Document,
    id: trafilatura::dom::NodeId,
) -> Option<String> {
    if !doc.is_element(id) {
        return None;
    }
    let children = doc.child_nodes(id);
    if children.iter().all(|&c| doc.text_node_str(c) == Some("")) {
        return None;
    }
    let mut w = StripWalk::default();
    for c in children {
        if !w.walk(doc, c, 0) {
            return Some(strip_tags(&doc.inner_html(id)));
        }
    }
    w.flush();
    Some(w.out)
}

/// The state of [`strip_tags`], fed from a tree (see [`strip_tree`]).
#[derive(Default)]
struct StripWalk {
    out: String,
    line: String,
    hidden: usize,
}

/// Elements the HTML serialiser writes without end tag and children.
const SERIALIZER_VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Deeper trees take the serialising path.
const STRIP_WALK_DEPTH: usize = 256;

impl StripWalk {
    fn flush(&mut self) {
        let t = self.line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            if !self.out.is_empty() {
                self.out.push('\n');
            }
            self.out.push_str(&t);
        }
        self.line.clear();
    }

    /// Feeds node `id`; false when the tree needs the serialising path.
    fn walk(
        &mut self,
        doc: &trafilatura::dom::Document,
        id: trafilatura::dom::NodeId,
        depth: usize,
    ) -> bool {
        if let Some(t) = doc.text_node_str(id) {
            if self.hidden == 0 {
                if t.contains('\u{a0}') {
                    self.line.push_str(&t.replace('\u{a0}', " "));
                } else {
                    self.line.push_str(t);
                }
            }
            return true;
        }
        if depth > STRIP_WALK_DEPTH || !doc.is_element(id) {
            return false;
        }
        let name = doc.tag_name(id);
        let plain_name = name.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && !name
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
        let class = names::class(name);
        if !plain_name
            || class & names::RAW_TEXT != 0
            || name.eq_ignore_ascii_case("template")
            || name.eq_ignore_ascii_case("noframes")
        {
            return false;
        }
        if class & names::STRIP_HIDDEN != 0 {
            self.hidden += 1;
        } else if class & names::STRIP_BLOCK != 0 {
            self.flush();
        }
        let children = doc.child_nodes(id);
        if SERIALIZER_VOID.contains(&name) {
            return children.is_empty();
        }
        for c in children {
            if !self.walk(doc, c, depth + 1) {
                return false;
            }
        }
        if class & names::STRIP_HIDDEN != 0 {
            self.hidden = self.hidden.saturating_sub(1);
        } else if class & names::STRIP_BLOCK != 0 {
            self.flush();
        }
        true
    }
}

/// Plain tag-strip: the visible text of `html` (body, no scripts or styles), one block per line,
/// whitespace collapsed. Used when a page is too deep or too odd for the DOM extractors.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 4);
    let mut hidden: usize = 0;
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String| {
        let t = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&t);
        }
        line.clear();
    };
    for tok in tokens(html) {
        match tok {
            Token::Start { name, attrs } => {
                let class = names::class(name);
                if class & names::STRIP_HIDDEN != 0 && !attrs.trim_end().ends_with('/') {
                    hidden += 1;
                } else if class & names::STRIP_BLOCK != 0 {
                    flush(&mut line, &mut out);
                }
            }
            Token::End { name } => {
                let class = names::class(name);
                if class & names::STRIP_HIDDEN != 0 {
                    hidden = hidden.saturating_sub(1);
                } else if class & names::STRIP_BLOCK != 0 {
                    flush(&mut line, &mut out);
                }
            }
            Token::Text(t) => {
                if hidden == 0 {
                    line.push_str(&decode_entities(t));
                }
            }
        }
    }
    flush(&mut line, &mut out);
    out
}

/// How far down the open elements an end tag looks for its element; beyond, it is taken as
/// stray (which errs on the deep side).
const END_TAG_REACH: usize = 64;

/// Past this depth counting stops: the page is far deeper than any guard needs to know.
const DEPTH_CAP: usize = 65_536;

/// The depth alone.
#[cfg(test)]
fn max_depth(html: &str) -> usize {
    shape(html).depth
}

/// What the extraction guard needs to know of a page's element tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Maximum nesting depth (see [`shape`]).
    pub depth: usize,
    /// Start tags of non-void elements seen (counting may stop early, at [`DEPTH_CAP`] depth).
    pub elements: usize,
}

/// Maximum element nesting depth of `html` as an HTML parser would build it, estimated on the
/// token stream with a stack of open element names (at most [`DEPTH_CAP`]). It errs on the deep
/// side: this is a guard, not a parser. As in the HTML parser, `/>` closes an element only
/// when it is void or foreign (`<div/>` opens a `div`); an end tag closes its innermost open
/// element unless a special element (or, for block, list, heading, formatting and table tags, a
/// scope boundary) stands between, and a stray end tag closes nothing; an HTML block tag inside
/// `svg`/`math` ends the foreign content, and there `<style>`, `<title>` … hold markup, not raw
/// text. Unclosed `p`/`li` are not closed by their siblings,
/// which overcounts.
///
/// Counts the elements in the same pass. (The extractor gets it from the metadata scan's
/// tokens, `meta::scan_meta_and_shape`, except on pages where those differ from the strict
/// tokens.)
pub(crate) fn shape(html: &str) -> Shape {
    let mut scan = ShapeScan::default();
    let mut toks = tokens_strict(html);
    while let Some(tok) = toks.next() {
        match tok {
            Token::Start { name, attrs } => {
                if scan.start(name, toks.start_class(), attrs) {
                    toks.markup_content();
                }
            }
            Token::End { name } => scan.end(name),
            Token::Text(_) => {}
        }
        if scan.capped {
            break;
        }
    }
    scan.shape()
}

/// The state of [`shape`] over a [`tokens_strict`] stream, for passes that read the tokens for
/// other purposes too (the metadata scan).
#[derive(Debug, Default)]
pub(crate) struct ShapeScan<'a> {
    /// Open elements, innermost last: name, [`names::class`], foreign.
    stack: Vec<(&'a str, u32, bool)>,
    max: usize,
    elements: usize,
    /// Past [`DEPTH_CAP`]: the shape is final, the rest of the tokens change nothing.
    capped: bool,
}

impl<'a> ShapeScan<'a> {
    /// A start tag (`class` = [`names::class`] of `name`). Returns whether the tokenizer must
    /// read the element's content as markup ([`Tokens::markup_content`]): inside `svg`/`math`.
    pub(crate) fn start(&mut self, name: &'a str, class: u32, attrs: &str) -> bool {
        if self.capped || class & names::VOID != 0 {
            return false;
        }
        let stack = &mut self.stack;
        let in_foreign = stack.last().is_some_and(|&(_, _, f)| f);
        let mut foreign = in_foreign || class & names::FOREIGN != 0;
        if in_foreign && class & names::BREAKS_FOREIGN != 0 {
            while stack.last().is_some_and(|&(_, _, f)| f) {
                stack.pop();
            }
            foreign = false;
        }
        if foreign && attrs.trim_end().ends_with('/') {
            return foreign;
        }
        stack.push((name, class, foreign));
        self.elements += 1;
        self.max = self.max.max(stack.len());
        if stack.len() > DEPTH_CAP {
            self.capped = true;
        }
        foreign
    }

    /// An end tag.
    pub(crate) fn end(&mut self, name: &str) {
        if self.capped {
            return;
        }
        let barrier_class = if names::class(name) & names::CLOSES_IN_SCOPE != 0 {
            names::SCOPE_BOUNDARY
        } else {
            names::SPECIAL
        };
        let mut hit = None;
        for (i, &(open, class, foreign)) in self.stack.iter().enumerate().rev().take(END_TAG_REACH)
        {
            if open.eq_ignore_ascii_case(name) {
                hit = Some(i);
                break;
            }
            if class & barrier_class != 0 && !foreign {
                break;
            }
        }
        if let Some(i) = hit {
            self.stack.truncate(i);
        }
    }

    /// The shape of the tokens seen.
    pub(crate) fn shape(&self) -> Shape {
        Shape {
            depth: self.max,
            elements: self.elements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_tags_text_and_raw_text() {
        let toks: Vec<_> =
            tokens("<p class='a>b'>Hi &amp; bye<script>if (a<b) x='</p>'</script></p>").collect();
        assert_eq!(
            toks,
            vec![
                Token::Start {
                    name: "p",
                    attrs: " class='a>b'"
                },
                Token::Text("Hi &amp; bye"),
                Token::Start {
                    name: "script",
                    attrs: ""
                },
                Token::Text("if (a<b) x='</p>'"),
                Token::End { name: "script" },
                Token::End { name: "p" },
            ]
        );
    }

    #[test]
    fn quoted_values_hide_their_markup_and_may_stay_open() {
        // Quotes after a closing quote open again (`a="x"'>'`); an unclosed quote runs to
        // the end of the input; strict mode ignores a quote not after `=`.
        let toks: Vec<_> = tokens("<a b=\"x>y\"'>'>t<i c='never closed>z").collect();
        assert_eq!(
            toks,
            vec![
                Token::Start {
                    name: "a",
                    attrs: " b=\"x>y\"'>'"
                },
                Token::Text("t"),
                Token::Start {
                    name: "i",
                    attrs: " c='never closed>z"
                },
            ]
        );
        let strict: Vec<_> = tokens_strict("<p a\">x</p>").collect();
        assert_eq!(
            strict,
            vec![
                Token::Start {
                    name: "p",
                    attrs: " a\""
                },
                Token::Text("x"),
                Token::End { name: "p" },
            ]
        );
    }

    proptest::proptest! {
        /// Where the lenient tokenizer does not report a divergence, its tokens are the strict
        /// ones (what lets the metadata scan feed the depth guard).
        #[test]
        fn lenient_tokens_are_strict_unless_diverged(
            s in "(<(/?)(div|p|a|title|script)( a=\"x>\"| b| c'd| e=f'g'| h=\"i| j='k')?( /)?>|<!-->|<!--->|<!--|-->|<!x>|x|>|\"|'){0,40}"
        ) {
            let mut lenient = tokens(&s);
            let toks: Vec<_> = lenient.by_ref().collect();
            if !lenient.diverged() {
                let strict: Vec<_> = tokens_strict(&s).collect();
                proptest::prop_assert_eq!(toks, strict);
            }
        }
    }

    /// The byte-at-a-time loop [`tag_end`] replaced: the reference.
    fn tag_end_ref(bytes: &[u8], from: usize, strict: bool) -> (usize, bool) {
        let mut diverged = false;
        let mut i = from;
        let mut quote: Option<u8> = None;
        let mut after_eq = false;
        while let Some(&b) = bytes.get(i) {
            match quote {
                Some(q) if b == q => quote = None,
                Some(q) => {
                    match bytes.get(i..).and_then(|r| memchr::memchr(q, r)) {
                        Some(o) => {
                            i += o + 1;
                            quote = None;
                        }
                        None => i = bytes.len(),
                    }
                    continue;
                }
                None if (after_eq || !strict) && (b == b'"' || b == b'\'') => {
                    if !after_eq {
                        diverged = true;
                    }
                    quote = Some(b);
                }
                None if b == b'>' => break,
                None if b == b'=' => after_eq = true,
                None if b.is_ascii_whitespace() => {}
                None => after_eq = false,
            }
            i += 1;
        }
        (i, diverged)
    }

    fn tag_end_agrees(s: &[u8]) -> Result<(), String> {
        for from in 0..=s.len() {
            for strict in [false, true] {
                let (new, old) = (tag_end(s, from, strict), tag_end_ref(s, from, strict));
                if new != old {
                    return Err(format!(
                        "{:?} from {from} strict {strict}: {new:?} != {old:?}",
                        String::from_utf8_lossy(s)
                    ));
                }
            }
        }
        Ok(())
    }

    #[test]
    fn tag_end_is_the_byte_loop() {
        for s in [
            "",
            ">",
            " a=\"x>y\" b='c' d=e>rest",
            " a = \"x\" >",
            " a= 'x'\"y\">",
            " a\">x</p>",
            " 'b'>x",
            " a=\"never closed>",
            " a=b\"c\">",
            " a=\n\t\x0c\r'q'>",
            " a=x y='z'>",
            " a==\"z\">",
            " a=\"\"\"x\">",
            " a='' b=\"\">",
            "/>",
            " =\"v\" x'>'\">",
        ] {
            assert_eq!(tag_end_agrees(s.as_bytes()), Ok(()));
        }
    }

    proptest::proptest! {
        #[test]
        fn tag_end_is_the_byte_loop_on_random_markup(
            s in "([ \t\n\x0c\r]|=|\"|'|>|<|/|a|b|é){0,40}"
        ) {
            proptest::prop_assert_eq!(tag_end_agrees(s.as_bytes()), Ok(()));
        }
    }

    #[test]
    fn divergence_is_reported() {
        for s in ["<!-->x", "<!--->x", "<p a\">x</p>", "<p 'b'>x"] {
            let mut t = tokens(s);
            t.by_ref().for_each(drop);
            assert!(t.diverged(), "{s}");
        }
        let mut t = tokens("<p a=\"b\" c='d'>x<!-- c --></p>");
        t.by_ref().for_each(drop);
        assert!(!t.diverged());
    }

    #[test]
    fn reads_attributes() {
        let raw = r#" property="og:title" content='A &amp; B' data-x=y checked"#;
        assert_eq!(attr(raw, "PROPERTY").as_deref(), Some("og:title"));
        assert_eq!(attr(raw, "content").as_deref(), Some("A & B"));
        assert_eq!(attr(raw, "data-x").as_deref(), Some("y"));
        assert_eq!(attr(raw, "checked").as_deref(), Some(""));
        assert_eq!(attr(raw, "missing"), None);
    }

    #[test]
    fn decodes_entities() {
        assert_eq!(
            decode_entities("a &lt;b&gt; &#233;&#x41; &bogus; &"),
            "a <b> éA &bogus; &"
        );
    }

    #[test]
    fn strip_drops_scripts_and_styles() {
        let t = strip_tags(
            "<html><head><title>T</title><style>p{}</style></head><body><p>One <b>two</b></p>\
             <script>var x = 1;</script><div>Three</div></body></html>",
        );
        assert_eq!(t, "One two\nThree");
    }

    #[test]
    fn depth_of_nested_divs() {
        let html = "<div>".repeat(1000) + &"</div>".repeat(1000);
        assert_eq!(max_depth(&html), 1000);
        assert_eq!(max_depth("<p>a<br>b<img src=x></p>"), 1);
        assert_eq!(
            shape("<div><p>a<br>b</p><p>c</p></div>"),
            Shape {
                depth: 2,
                elements: 3
            }
        );
    }

    /// `<div/>`, stray end tags and markup the lenient tokenizer swallows passed the depth guard
    /// while the parser nested every `div`; 5,000 of them kept the DOM extractors busy for more
    /// than 300 s (found while writing the `html` fuzz target, confirmed with its binary).
    #[test]
    fn depth_guard_sees_what_the_parser_nests() {
        let n = 5000;
        assert!(max_depth(&"<div/>".repeat(n)) >= n);
        assert!(max_depth(&"<b/>".repeat(n)) >= n);
        assert!(max_depth(&"<div></i>".repeat(n)) >= n);
        assert!(max_depth(&"<div></span>".repeat(n)) >= n);
        assert!(max_depth(&"<div><table></div>".repeat(n)) >= n);
        assert!(max_depth(&"<svg><div/>".repeat(n)) >= n);
        // Markup the tokenizer used to swallow: after `<!-->`, after a stray quote, inside a
        // foreign `<style>`.
        assert!(max_depth(&format!("<!-->{}", "<div>".repeat(n))) >= n);
        assert!(max_depth(&format!("<p a\">{}", "<div>".repeat(n))) >= n);
        assert!(max_depth(&format!("<svg><style>{}", "<div>".repeat(n))) >= n);
        assert!(max_depth(&"<div>".repeat(DEPTH_CAP * 2)) > DEPTH_CAP);
    }

    #[test]
    fn depth_guard_stays_shallow_on_ordinary_markup() {
        // Self-closing foreign elements, void elements with a slash, end tags that close
        // unclosed paragraphs and inline elements.
        let svg = format!("<svg>{}</svg>", "<path d='M0'/>".repeat(2000));
        assert_eq!(max_depth(&format!("<div>{svg}</div>")), 2);
        assert_eq!(max_depth(&"<p>a<br/>b<img src=x /></p>".repeat(1000)), 1);
        let loose = "<div><p>one<p>two<span>three</div>".repeat(1000);
        assert_eq!(max_depth(&loose), 4);
        let list = "<ul><li>a<li>b</ul>".repeat(1000);
        assert_eq!(max_depth(&list), 3);
        assert_eq!(max_depth(&"<div></span></div>".repeat(1000)), 1);
    }
}
