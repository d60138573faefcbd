// Port of go-trafilatura/utils-common.go

pub mod language;
pub(crate) mod lru;
pub(crate) mod regex_patterns;
pub(crate) mod text;
pub(crate) mod url;

use unicode_normalization::UnicodeNormalization;

use crate::dom::{Document, NodeId};

/// Collapses internal whitespace and trims leading/trailing spaces.
/// Equivalent to Go's `strings.Join(strings.Fields(s), " ")`.
///
/// Also strips U+00AD (SOFT HYPHEN) characters, matching Go's html.Parse behavior
/// which removes them from text nodes during parsing.
///
/// Applies Unicode NFC normalization, matching Go's html.Parse which normalizes
/// NFD-encoded text (e.g. `u + U+0308` → `ü`) to NFC.
///
/// Port of `trim`.
pub fn trim(s: &str) -> String {
    // epiwire: one pass and one allocation instead of three (filter, split + join, NFC),
    // and no NFC pass over text that is already NFC (ASCII, or passing the quick check).
    // Same output as the original
    // `s.chars().filter(|&c| c != '\u{AD}').collect::<String>().split_whitespace()
    //  .collect::<Vec<_>>().join(" ").nfc().collect()`: removing soft hyphens (not
    // whitespace) cannot join or split words, it can only empty a word, which then
    // disappears with its separator.
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // epiwire: the words sliced off `s` by position (every byte of ASCII text is a
        // character boundary) instead of validating each word again as UTF-8.
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            while b.get(i).is_some_and(|&c| is_ascii_space(c)) {
                i += 1;
            }
            let start = i;
            while b.get(i).is_some_and(|&c| !is_ascii_space(c)) {
                i += 1;
            }
            if start < i {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(s.get(start..i).unwrap_or_default());
            }
        }
        return out;
    }
    // U+00AD is C2 AD in UTF-8.
    let soft_hyphens = s.as_bytes().windows(2).any(|w| w == [0xC2, 0xAD]);
    for word in s.split_whitespace() {
        let start = out.len();
        if start > 0 {
            out.push(' ');
        }
        let before = out.len();
        if soft_hyphens {
            out.extend(word.chars().filter(|&c| c != '\u{AD}'));
        } else {
            out.push_str(word);
        }
        if out.len() == before {
            out.truncate(start);
        }
    }
    if unicode_normalization::is_nfc_quick(out.chars()) == unicode_normalization::IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// The characters of `s` that `char::is_whitespace` (and so `split_whitespace`) accepts
/// among ASCII bytes: space, tab, LF, VT, FF, CR (`u8::is_ascii_whitespace` lacks VT).
#[inline]
pub(crate) fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// `trim(s).chars().count()` without building the string when `s` is ASCII, or when the
/// trimmed text passes the NFC quick check (epiwire: `trim_char_count_nfc`).
pub fn trim_char_count(s: &str) -> usize {
    if !s.is_ascii() {
        return trim_char_count_nfc(s).unwrap_or_else(|| trim(s).chars().count());
    }
    let mut n = 0usize;
    for word in s
        .as_bytes()
        .split(|&b| is_ascii_space(b))
        .filter(|w| !w.is_empty())
    {
        if n > 0 {
            n += 1;
        }
        n += word.len();
    }
    n
}

/// epiwire: `trim(s).chars().count()` for any `s` without building the string, or `None`
/// when `trim` would have to normalise (the NFC quick check of its text is not `Yes`).
/// `trim`'s text before the NFC step is the words of `split_whitespace` without U+00AD,
/// the empty ones dropped, joined by one space; its quick check is `Yes` exactly when every
/// non-ASCII character has the NFC quick-check property `Yes` and no non-zero combining class
/// follows a larger one since the last ASCII character. The space between two words is
/// ASCII, so the combining class is reset at the start of every word.
#[doc(hidden)]
pub fn trim_char_count_nfc(s: &str) -> Option<usize> {
    let mut count = TrimCount::default();
    count.feed(s, usize::MAX)?;
    Some(count.total())
}

/// epiwire: the state of [`trim_char_count_nfc`] over a text given in pieces (the text nodes of
/// a subtree, in order): `n` counts the finished words and the spaces between them, `word` the
/// characters of the current word (soft hyphens left out), `last_cc` the combining class of
/// its last non-ASCII character.
#[derive(Default)]
pub(crate) struct TrimCount {
    n: usize,
    word: usize,
    last_cc: u8,
}

impl TrimCount {
    /// Reads `s` after the pieces already read. `None` when `trim` would have to normalise
    /// the text (see [`trim_char_count_nfc`]). Stops early, at the end of a word, once the
    /// finished words count `stop` or more: `trim`'s text then starts with those words, which
    /// pass the NFC quick check, followed by a space, which no normalisation joins to what
    /// comes before or after it, so the whole count is at least `stop` whatever follows.
    pub(crate) fn feed(&mut self, s: &str, stop: usize) -> Option<()> {
        self.feed_inner::<false>(s, stop)
    }

    /// epiwire: [`Self::feed`] of `s` without its control characters that are not whitespace
    /// (what `remove_control_characters` leaves out), without copying it.
    pub(crate) fn feed_without_controls(&mut self, s: &str, stop: usize) -> Option<()> {
        self.feed_inner::<true>(s, stop)
    }

    /// A space read (as `feed(" ", _)`).
    #[inline]
    pub(crate) fn space(&mut self) {
        self.finish_word();
    }

    fn feed_inner<const DROP_CONTROLS: bool>(&mut self, s: &str, stop: usize) -> Option<()> {
        // One pass over the bytes: runs of ASCII word bytes counted at once, other characters
        // decoded.
        let bytes = s.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let c = if b.is_ascii() {
                let word_byte = |c: u8| {
                    c.is_ascii()
                        && !is_ascii_space(c)
                        && !(DROP_CONTROLS && (c < 0x20 || c == 0x7f))
                };
                if word_byte(b) {
                    let run = bytes
                        .get(i..)
                        .and_then(|t| t.iter().position(|&c| !word_byte(c)))
                        .unwrap_or(bytes.len() - i);
                    self.word += run;
                    self.last_cc = 0;
                    i += run;
                    continue;
                }
                i += 1;
                if is_ascii_space(b) {
                    self.finish_word();
                    if self.n >= stop {
                        return Some(());
                    }
                }
                // Otherwise a dropped control character.
                continue;
            } else {
                s.get(i..).and_then(|t| t.chars().next())?
            };
            i += c.len_utf8();
            if c.is_whitespace() {
                self.finish_word();
                if self.n >= stop {
                    return Some(());
                }
                continue;
            }
            if c == '\u{AD}' || (DROP_CONTROLS && c.is_control()) {
                continue;
            }
            self.word += 1;
            let cc = unicode_normalization::char::canonical_combining_class(c);
            if self.last_cc > cc && cc != 0 {
                return None;
            }
            if unicode_normalization::is_nfc_quick(std::iter::once(c))
                != unicode_normalization::IsNormalized::Yes
            {
                return None;
            }
            self.last_cc = cc;
        }
        Some(())
    }

    /// The finished words so far (at least `stop` after an early stop of [`Self::feed`]).
    pub(crate) fn finished(&self) -> usize {
        self.n
    }

    /// `trim`'s character count of everything read.
    pub(crate) fn total(mut self) -> usize {
        self.finish_word();
        self.n
    }

    /// Ends a word at whitespace: a non-empty word counts, after a joining space when one
    /// came before; the next word starts after that (ASCII) space.
    #[inline]
    fn finish_word(&mut self) {
        if self.word > 0 {
            if self.n > 0 {
                self.n += 1;
            }
            self.n += self.word;
            self.word = 0;
        }
        self.last_cc = 0;
    }
}

/// Counts words (whitespace-delimited tokens) in a string.
///
/// Port of `strWordCount`.
pub(crate) fn str_word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Returns the first non-empty string from the arguments.
///
/// Port of `strOr`.
pub(crate) fn str_or<'a>(args: &[&'a str]) -> &'a str {
    args.iter().find(|&&s| !s.is_empty()).copied().unwrap_or("")
}

/// Checks if an element has a valid image `src` or `data-src` attribute.
///
/// Port of `isImageElement`.
pub(crate) fn is_image_element(doc: &Document, id: NodeId) -> bool {
    for attr_name in ["src", "data-src", "data-srcset"] {
        if let Some(val) = doc.get_attribute(id, attr_name) {
            if is_image_file(&val) {
                return true;
            }
        }
    }
    // Also check any attribute starting with "data-src".
    for attr in doc.attribute_names(id) {
        if attr.starts_with("data-src") {
            if let Some(val) = doc.get_attribute(id, &attr) {
                if is_image_file(&val) {
                    return true;
                }
            }
        }
    }
    false
}

/// Checks whether a file path/URL appears to point to an image file.
///
/// Port of `isImageFile`.
pub(crate) fn is_image_file(src: &str) -> bool {
    if src.is_empty() {
        return false;
    }

    // Extract just the path portion before any query string.
    let path_part = src.split('?').next().unwrap_or(src);

    let ext = path_part
        .split('/')
        .next_back()
        .unwrap_or_default()
        .split('.')
        .next_back()
        .unwrap_or_default();

    let ext_lower = ext.to_lowercase();
    matches!(
        ext_lower.as_str(),
        "jpg" | "jpeg" | "png" | "gif" | "webp" | "svg" | "bmp" | "avif" | "tiff" | "tif" | "ico"
    )
}

/// Deduplicate a list of strings split from comma/semicolon-separated inputs.
/// Strips quotes and trims whitespace from each entry.
///
/// Port of `uniquifyLists`.
pub(crate) fn uniquify_lists(inputs: &[&str]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut result = Vec::new();

    for &input in inputs {
        // Choose separator: whichever is more common.
        let sep = if input.chars().filter(|&c| c == ';').count()
            > input.chars().filter(|&c| c == ',').count()
        {
            ';'
        } else {
            ','
        };

        for entry in input.split(sep) {
            let entry = trim(entry).replace(['"', '\''], "");
            if !entry.is_empty() && seen.insert(entry.clone()) {
                result.push(entry);
            }
        }
    }

    result
}

/// Removes characters that are neither printable nor whitespace.
///
/// Port of Go's `removeControlCharacters` (keeps `unicode.IsPrint || IsSpace`).
/// Rust has no `is_printable`; this approximation keeps all whitespace
/// (matching Go's `IsSpace`) and drops control characters (`Cc`). Format
/// characters (`Cf`, e.g. zero-width space) are kept where Go removes them —
/// a cosmetic divergence noted in DEVIATIONS.md.
pub(crate) fn remove_control_characters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_whitespace() || !c.is_control())
        .collect()
}

/// Decodes common HTML entities in a string.
///
/// Handles named entities (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;`, etc.)
/// and numeric references (`&#NNN;`, `&#xHHH;`).
pub(crate) fn unescape_html(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }

    let mut result = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();

    while let Some((_, ch)) = chars.next() {
        if ch != '&' {
            result.push(ch);
            continue;
        }

        // Collect entity name up to ';' or a non-entity character.
        // Use peek() so that the terminating character is NOT consumed when
        // the guard fires — the outer loop will process it on the next iteration.
        let mut entity = String::new();
        let mut found_semi = false;

        while let Some(&(_, ec)) = chars.peek() {
            if ec == ';' {
                chars.next();
                found_semi = true;
                break;
            }
            if entity.len() > 12 || (!ec.is_alphanumeric() && ec != '#') {
                // Leave ec unconsumed so the outer loop handles it normally.
                break;
            }
            chars.next();
            entity.push(ec);
        }

        let decoded: Option<&str> = match entity.as_str() {
            "amp" => Some("&"),
            "lt" => Some("<"),
            "gt" => Some(">"),
            "quot" => Some("\""),
            "apos" => Some("'"),
            "nbsp" => Some("\u{00A0}"),
            "ndash" => Some("\u{2013}"),
            "mdash" => Some("\u{2014}"),
            "hellip" => Some("\u{2026}"),
            "laquo" => Some("\u{00AB}"),
            "raquo" => Some("\u{00BB}"),
            "copy" => Some("\u{00A9}"),
            "reg" => Some("\u{00AE}"),
            "trade" => Some("\u{2122}"),
            _ => None,
        };

        if let Some(d) = decoded {
            result.push_str(d);
            continue;
        }

        // Numeric character references — valid both with and without semicolon
        // (HTML5 spec §13.2.5.72 allows omitting ';' for numeric refs).
        if let Some(stripped) = entity.strip_prefix('#') {
            let cp = if let Some(hex) = stripped
                .strip_prefix('x')
                .or_else(|| stripped.strip_prefix('X'))
            {
                u32::from_str_radix(hex, 16).ok()
            } else {
                stripped.parse::<u32>().ok()
            };
            if let Some(c) = cp.and_then(char::from_u32) {
                result.push(c);
                continue;
            }
        }

        if !found_semi {
            // Named entity without semicolon and not a known legacy entity — emit literally.
            result.push('&');
            result.push_str(&entity);
            continue;
        }

        // Unknown entity with semicolon — emit literally.
        result.push('&');
        result.push_str(&entity);
        result.push(';');
    }

    result
}

/// Removes characters in common emoji Unicode ranges.
///
/// Approximates `gomoji.RemoveEmojis` from go-trafilatura.
/// Covers: Misc Symbols/Dingbats (U+2600–U+27BF), Supplemental Arrows &
/// Dingbats (U+2900–U+2BFF), supplementary emoji planes (U+1F000–U+1FFFF),
/// variation selectors (U+FE00–U+FE0F), and the Tags block (U+E0000–U+E007F).
pub(crate) fn remove_emojis(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            let cp = c as u32;
            !matches!(
                cp,
                0x2600..=0x27BF    // Misc Symbols, Dingbats
                | 0x2900..=0x2BFF  // Supplemental Arrows, Misc Symbols & Arrows
                | 0x1F000..=0x1FFFF // Supplementary multilingual plane (emoji)
                | 0xFE00..=0xFE0F  // Variation selectors
                | 0xE0000..=0xE007F // Tags block
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_trim() {
        assert_eq!(trim("  hello   world  "), "hello world");
        assert_eq!(trim("single"), "single");
        assert_eq!(trim(""), "");
        assert_eq!(trim("  "), "");
        assert_eq!(trim("a  b\tc"), "a b c");
    }

    #[test]
    fn test_str_word_count() {
        assert_eq!(str_word_count("hello world"), 2);
        assert_eq!(str_word_count("  one  two  three  "), 3);
        assert_eq!(str_word_count(""), 0);
        assert_eq!(str_word_count("single"), 1);
    }

    #[test]
    fn test_str_or() {
        assert_eq!(str_or(&["", "second", "third"]), "second");
        assert_eq!(str_or(&["first", "second"]), "first");
        assert_eq!(str_or(&["", ""]), "");
        assert_eq!(str_or(&[]), "");
    }

    #[test]
    fn test_is_image_file() {
        assert!(is_image_file("photo.jpg"));
        assert!(is_image_file("/photo.jpg"));
        assert!(is_image_file("image.PNG"));
        assert!(is_image_file(
            "https://cdn.example.com/img/photo.webp?size=large"
        ));
        assert!(is_image_file("//cdn.example.com/img/photo.webp?size=large"));
        assert!(!is_image_file("document.pdf"));
        assert!(!is_image_file("script.js"));
        assert!(!is_image_file(""));
        assert!(!is_image_file("noextension"));
    }

    #[test]
    fn test_uniquify_lists() {
        let result = uniquify_lists(&["one, two, three", "two, four"]);
        assert!(result.contains(&"one".to_string()));
        assert!(result.contains(&"two".to_string()));
        assert!(result.contains(&"three".to_string()));
        assert!(result.contains(&"four".to_string()));
        // "two" should appear only once.
        assert_eq!(result.iter().filter(|&s| s == "two").count(), 1);
    }

    #[test]
    fn test_uniquify_lists_semicolon() {
        let result = uniquify_lists(&["alpha; beta; gamma"]);
        assert_eq!(result.len(), 3);
    }

    #[test]
    fn test_uniquify_lists_strips_quotes() {
        let result = uniquify_lists(&[r#""rust", "python""#]);
        assert!(result.contains(&"rust".to_string()));
        assert!(result.contains(&"python".to_string()));
    }

    #[test]
    fn test_unescape_html_common_entities() {
        assert_eq!(unescape_html("&amp;"), "&");
        assert_eq!(unescape_html("&lt;tag&gt;"), "<tag>");
        assert_eq!(unescape_html("&quot;hello&quot;"), "\"hello\"");
        assert_eq!(unescape_html("A &amp; B"), "A & B");
        assert_eq!(unescape_html("no entities"), "no entities");
    }

    #[test]
    fn test_unescape_html_numeric_refs() {
        assert_eq!(unescape_html("&#65;"), "A");
        assert_eq!(unescape_html("&#x41;"), "A");
        assert_eq!(unescape_html("&#x1F600;"), "\u{1F600}");
    }

    #[test]
    fn test_unescape_html_long_entity_no_corruption() {
        // Entity names longer than 12 chars should be emitted literally without
        // swallowing the terminating character.
        let input = "&verylongentityname; rest";
        let result = unescape_html(input);
        // The long unknown entity is emitted literally; " rest" must follow intact.
        assert!(result.ends_with(" rest"), "got: {result}");
        assert!(result.contains('&'), "got: {result}");
    }

    #[test]
    fn test_unescape_html_non_entity_ampersand() {
        // Ampersand not followed by a semicolon should be emitted literally.
        assert_eq!(unescape_html("a & b"), "a & b");
    }

    #[test]
    fn test_remove_emojis_basic() {
        // U+1F600 (😀) — supplementary plane, should be removed.
        assert_eq!(remove_emojis("hello \u{1F600} world"), "hello  world");
        // U+2764 (❤) — in Misc Symbols range, removed.
        assert_eq!(remove_emojis("love \u{2764}"), "love ");
        // ASCII should not be affected.
        assert_eq!(remove_emojis("plain text"), "plain text");
    }

    #[test]
    fn test_remove_emojis_extended_ranges() {
        // U+2B50 (⭐) — in 0x2900–0x2BFF range, should now be removed.
        assert_eq!(remove_emojis("rating \u{2B50}"), "rating ");
        // U+2B06 (⬆) — also in that range.
        assert_eq!(remove_emojis("up \u{2B06}"), "up ");
    }
}
