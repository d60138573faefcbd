//! Element-name classes for the byte-level passes (tokenizer, depth guard, paragraph count,
//! tag-strip, pre-cleaning): one table lookup per tag instead of a linear scan of a name list
//! per question. Each class is a list of lower-case names below; [`class`] answers, for any
//! name, the set of lists holding it, compared ASCII case-insensitively (as
//! `str::eq_ignore_ascii_case` against every list entry would).

/// Raw-text elements: their content is text up to the matching end tag (tokenizer).
pub(crate) const RAW_TEXT: u32 = 1 << 0;
/// Void elements: no end tag, no depth.
pub(crate) const VOID: u32 = 1 << 1;
/// Blocks the tag-strip breaks lines around.
pub(crate) const STRIP_BLOCK: u32 = 1 << 2;
/// Elements whose content the tag-strip leaves out.
pub(crate) const STRIP_HIDDEN: u32 = 1 << 3;
/// The HTML parser's "special" elements (depth guard).
pub(crate) const SPECIAL: u32 = 1 << 4;
/// End tags the parser closes whenever their element is in scope (depth guard).
pub(crate) const CLOSES_IN_SCOPE: u32 = 1 << 5;
/// The parser's scope boundaries (depth guard).
pub(crate) const SCOPE_BOUNDARY: u32 = 1 << 6;
/// HTML start tags that end foreign content (depth guard).
pub(crate) const BREAKS_FOREIGN: u32 = 1 << 7;
/// `svg` and `math`: foreign content starts (depth guard).
pub(crate) const FOREIGN: u32 = 1 << 8;
/// Block elements for the paragraph count: each start or end tag ends a text run.
pub(crate) const PARA_BLOCK: u32 = 1 << 9;
/// Blocks whose own text counts as paragraph text.
pub(crate) const PARA: u32 = 1 << 10;
/// Blocks whose start tag does not close an open `p` (paragraph count).
pub(crate) const PARA_KEEPS_P: u32 = 1 << 11;
/// Elements whose content the paragraph count leaves out.
pub(crate) const PARA_HIDDEN: u32 = 1 << 12;
/// Elements the pre-cleaning cuts out for both extractor libraries.
pub(crate) const DROPPED: u32 = 1 << 13;
/// Elements the pre-cleaning cuts out of trafilatura's copy.
pub(crate) const DROPPED_FOR_TRAFILATURA: u32 = 1 << 14;

/// Each class with its names (lower case, ASCII, at most [`MAX_NAME`] bytes).
pub(crate) const LISTS: &[(u32, &[&str])] = &[
    (
        RAW_TEXT,
        &[
            "script",
            "style",
            "textarea",
            "title",
            "xmp",
            "noscript",
            "iframe",
            "noembed",
            "plaintext",
        ],
    ),
    (
        VOID,
        &[
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
            "source", "track", "wbr", "keygen",
        ],
    ),
    (
        STRIP_BLOCK,
        &[
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "pre",
            "dd",
            "dt",
            "dl",
            "hr",
            "main",
            "aside",
            "nav",
            "figure",
            "figcaption",
            "form",
            "td",
            "th",
        ],
    ),
    (
        STRIP_HIDDEN,
        &[
            "script", "style", "noscript", "template", "svg", "head", "textarea", "iframe",
            "object", "select", "button",
        ],
    ),
    (
        SPECIAL,
        &[
            "address",
            "applet",
            "article",
            "aside",
            "blockquote",
            "body",
            "button",
            "caption",
            "center",
            "colgroup",
            "dd",
            "details",
            "dialog",
            "dir",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "frameset",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "head",
            "header",
            "hgroup",
            "html",
            "li",
            "listing",
            "main",
            "marquee",
            "menu",
            "nav",
            "object",
            "ol",
            "p",
            "pre",
            "search",
            "section",
            "select",
            "summary",
            "table",
            "tbody",
            "td",
            "template",
            "tfoot",
            "th",
            "thead",
            "tr",
            "ul",
            "xmp",
        ],
    ),
    (
        CLOSES_IN_SCOPE,
        &[
            "address",
            "article",
            "aside",
            "blockquote",
            "button",
            "center",
            "details",
            "dialog",
            "dir",
            "div",
            "dl",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "header",
            "hgroup",
            "listing",
            "main",
            "menu",
            "nav",
            "ol",
            "pre",
            "search",
            "section",
            "summary",
            "ul",
            "form",
            "p",
            "li",
            "dd",
            "dt",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "applet",
            "marquee",
            "object",
            "a",
            "b",
            "big",
            "code",
            "em",
            "font",
            "i",
            "nobr",
            "s",
            "small",
            "strike",
            "strong",
            "tt",
            "u",
            "table",
            "tbody",
            "thead",
            "tfoot",
            "tr",
            "td",
            "th",
            "caption",
            "select",
            "body",
            "html",
        ],
    ),
    (
        SCOPE_BOUNDARY,
        &[
            "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
        ],
    ),
    (
        BREAKS_FOREIGN,
        &[
            "b",
            "big",
            "blockquote",
            "body",
            "br",
            "center",
            "code",
            "dd",
            "div",
            "dl",
            "dt",
            "em",
            "embed",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "head",
            "hr",
            "i",
            "img",
            "li",
            "listing",
            "menu",
            "meta",
            "nobr",
            "ol",
            "p",
            "pre",
            "ruby",
            "s",
            "small",
            "span",
            "strong",
            "strike",
            "sub",
            "sup",
            "table",
            "tt",
            "u",
            "ul",
            "var",
        ],
    ),
    (FOREIGN, &["svg", "math"]),
    (
        PARA_BLOCK,
        &[
            "p",
            "div",
            "section",
            "article",
            "td",
            "th",
            "pre",
            "blockquote",
            "main",
            "body",
            "center",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "tbody",
            "thead",
            "tfoot",
            "tr",
            "header",
            "footer",
            "nav",
            "aside",
            "form",
            "figure",
            "figcaption",
            "dl",
            "dd",
            "dt",
            "address",
            "fieldset",
            "details",
            "summary",
            "menu",
            "html",
        ],
    ),
    (
        PARA,
        &[
            "p",
            "div",
            "section",
            "article",
            "td",
            "pre",
            "blockquote",
            "main",
            "body",
            "center",
            "html",
        ],
    ),
    (
        PARA_KEEPS_P,
        &[
            "td", "th", "tr", "tbody", "thead", "tfoot", "li", "dd", "dt",
        ],
    ),
    (
        PARA_HIDDEN,
        &[
            "head", "title", "script", "style", "template", "svg", "textarea", "iframe", "select",
            "button", "object",
        ],
    ),
    (DROPPED, &["script", "style", "svg", "template"]),
    (
        DROPPED_FOR_TRAFILATURA,
        &[
            "script", "style", "svg", "template", "nav", "aside", "footer", "iframe", "select",
            "button", "textarea", "menu", "video", "audio", "canvas", "math", "object",
        ],
    ),
];

/// Longest name a list may hold (the key packs the bytes and the length into a `u128`).
const MAX_NAME: usize = 15;

/// Slots of the open-addressing table (a power of two, well above the ~190 distinct names).
const SLOTS: usize = 1024;

/// The key of a name: its bytes (ASCII upper case lowered) and its length in one `u128`;
/// 0 for names that cannot be in any list (empty or longer than [`MAX_NAME`]).
const fn key(name: &[u8]) -> u128 {
    let len = name.len();
    if len == 0 || len > MAX_NAME {
        return 0;
    }
    let mut k = (len as u128) << 120;
    let mut i = 0;
    while i < len {
        let b = name[i].to_ascii_lowercase();
        k |= (b as u128) << (8 * i);
        i += 1;
    }
    k
}

/// [`key`] at run time: the name's bytes loaded as one little-endian `u128` and lower-cased
/// sixteen at a time (ASCII upper-case letters only, as `to_ascii_lowercase`), instead of one
/// shift and or per byte. The same key for every name (a test holds it to [`key`]).
#[inline]
fn key_swar(name: &[u8]) -> u128 {
    let len = name.len();
    if len == 0 || len > MAX_NAME {
        return 0;
    }
    let mut buf = [0u8; 16];
    buf[..len].copy_from_slice(name);
    let x = u128::from_le_bytes(buf);
    const LOW7: u128 = u128::from_le_bytes([0x7f; 16]);
    const HIGH: u128 = u128::from_le_bytes([0x80; 16]);
    // Per byte, no carry into the next (a 7-bit value plus at most 0x3f): the high bit says
    // whether the byte's low seven bits are at least `A`, and at least `Z` + 1.
    let low = x & LOW7;
    let from_a = low + u128::from_le_bytes([0x80 - b'A'; 16]);
    let past_z = low + u128::from_le_bytes([0x80 - b'Z' - 1; 16]);
    // ASCII bytes (high bit clear) in `A..=Z`: add 0x20.
    let upper = from_a & !past_z & !x & HIGH;
    (x | (upper >> 2)) | (len as u128) << 120
}

const fn slot(key: u128) -> usize {
    let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize
}

/// The table, built at compile time from [`LISTS`].
static TABLE: [(u128, u32); SLOTS] = build();

const fn build() -> [(u128, u32); SLOTS] {
    let mut table = [(0u128, 0u32); SLOTS];
    let mut l = 0;
    while l < LISTS.len() {
        let (flag, names) = LISTS[l];
        let mut n = 0;
        while n < names.len() {
            let k = key(names[n].as_bytes());
            assert!(k != 0, "list names are 1 to MAX_NAME bytes long");
            let mut s = slot(k);
            loop {
                if table[s].0 == k || table[s].0 == 0 {
                    table[s].0 = k;
                    table[s].1 |= flag;
                    break;
                }
                s = (s + 1) % SLOTS;
            }
            n += 1;
        }
        l += 1;
    }
    table
}

/// The first two letters of the names of class `flag`: for each first letter (a–z) the set of
/// second letters (bit `i` for the `i`-th letter of the alphabet). Built at compile time from
/// [`LISTS`]; every name listed with `flag` must begin with two ASCII letters.
pub(crate) const fn two_letter_prefixes(flag: u32) -> [u32; 26] {
    let mut table = [0u32; 26];
    let mut l = 0;
    while l < LISTS.len() {
        let (f, names) = LISTS[l];
        if f & flag != 0 {
            let mut n = 0;
            while n < names.len() {
                let b = names[n].as_bytes();
                assert!(
                    b.len() >= 2 && b[0].is_ascii_lowercase() && b[1].is_ascii_lowercase(),
                    "a name of a prefix-filtered class begins with two lower-case letters"
                );
                table[(b[0] - b'a') as usize] |= 1 << (b[1] - b'a');
                n += 1;
            }
        }
        l += 1;
    }
    table
}

/// Whether a name beginning with the bytes `first`, `second` (ASCII case-insensitive) may be
/// of the class whose [`two_letter_prefixes`] are `prefixes`; false means [`class`] of that
/// name has none of its flags (a name shorter than two bytes is given the byte after it).
#[inline]
pub(crate) fn may_begin(prefixes: &[u32; 26], first: u8, second: u8) -> bool {
    let f = first.to_ascii_lowercase().wrapping_sub(b'a');
    let s = second.to_ascii_lowercase().wrapping_sub(b'a');
    f < 26 && s < 26 && prefixes[usize::from(f)] >> s & 1 != 0
}

/// The classes of the element `name` (ASCII case-insensitive): the union of the flags of the
/// [`LISTS`] holding it, 0 for names in none.
#[inline]
pub(crate) fn class(name: &str) -> u32 {
    let k = key_swar(name.as_bytes());
    if k == 0 {
        return 0;
    }
    let mut s = slot(k);
    loop {
        let (tk, flags) = TABLE[s];
        if tk == k {
            return flags;
        }
        if tk == 0 {
            return 0;
        }
        s = (s + 1) % SLOTS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte at every position of a name, and names of every length, hold the run-time
    /// key to the compile-time one.
    #[test]
    fn run_time_key_is_the_const_key() {
        for len in 0..=MAX_NAME + 1 {
            for b in 0..=255u8 {
                for at in 0..len {
                    let mut name = b"aZ-9\xc3\xa9qQ\x00\x7f@[`{xyz".repeat(2);
                    name.truncate(len);
                    name[at] = b;
                    assert_eq!(key_swar(&name), key(&name), "{name:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn run_time_key_is_the_const_key_on_random_names(
            name in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..20)
        ) {
            proptest::prop_assert_eq!(key_swar(&name), key(&name));
        }
    }

    /// The linear scans [`class`] replaces.
    fn class_by_lists(name: &str) -> u32 {
        LISTS
            .iter()
            .filter(|(_, names)| names.iter().any(|n| name.eq_ignore_ascii_case(n)))
            .fold(0, |acc, (flag, _)| acc | flag)
    }

    #[test]
    fn every_listed_name_in_any_case() {
        for (_, names) in LISTS {
            for n in *names {
                assert!(n.len() <= MAX_NAME && n.bytes().all(|b| !b.is_ascii_uppercase()));
                let upper = n.to_ascii_uppercase();
                let mixed: String = n
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i % 2 == 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                for v in [n.to_string(), upper, mixed] {
                    assert_eq!(class(&v), class_by_lists(&v), "{v}");
                    assert_ne!(class(&v), 0, "{v}");
                }
            }
        }
        for other in [
            "",
            "x",
            "di",
            "divv",
            "span",
            "p\0",
            "scriptx",
            "a-b",
            "é",
            "DİV",
            "blockquotes",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert_eq!(class(other), class_by_lists(other), "{other:?}");
        }
        assert_eq!(
            class("svg"),
            DROPPED | DROPPED_FOR_TRAFILATURA | FOREIGN | STRIP_HIDDEN | PARA_HIDDEN
        );
    }

    proptest::proptest! {
        #[test]
        fn same_classes_as_the_lists(name in "[a-zA-Z0-9:\\-\u{0}\u{130}é]{0,18}") {
            proptest::prop_assert_eq!(class(&name), class_by_lists(&name));
        }
    }
}
