//! Words: tokenisation, stop words, a light plural stemmer.

use std::borrow::Cow;

/// English function words and news boilerplate that carry no topic.
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "also",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "else",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "including",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "least",
    "less",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "near",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "said",
    "same",
    "say",
    "says",
    "see",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "told",
    "too",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "according",
    "told",
    "week",
    "weeks",
    "year",
    "years",
    "day",
    "days",
    "time",
    "first",
    "three",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mr",
    "mrs",
    "ms",
    "don",
    "t",
    "s",
    "re",
    "ll",
    "ve",
];

/// True for a stop word (lower-case input).
pub fn is_stop(word: &str) -> bool {
    // A hash set (a scan of the list was most of the cost of a document's terms, and a binary
    // search still compared ~8 strings per word).
    // Words longer than every stop word (most content words) are not even hashed.
    type Set = (rustc_hash::FxHashSet<&'static str>, usize);
    static SET: std::sync::OnceLock<Set> = std::sync::OnceLock::new();
    let (set, longest) = SET.get_or_init(|| {
        let longest = STOP.iter().map(|w| w.len()).max().unwrap_or(0);
        (STOP.iter().copied().collect(), longest)
    });
    word.len() <= *longest && set.contains(word)
}

/// The lower-cased alphanumeric words of `text`, with apostrophe suffixes (`'s`) dropped.
/// Stop words are kept; see [`terms`] for the content words.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter_map(|raw| {
            let raw = raw.trim_matches(|c| c == '\'' || c == '’');
            let raw = raw.split(['\'', '’']).next().unwrap_or(raw);
            if raw.is_empty() {
                None
            } else {
                Some(raw.to_lowercase())
            }
        })
}

/// [`words`] of `text` appended to `buf` one after another, each word's byte range in `buf`
/// pushed to `spans`: the same words without a string each (a document's words were one
/// allocation apiece, and their lower-casing went character by character).
pub fn words_into(text: &str, buf: &mut String, spans: &mut Vec<std::ops::Range<usize>>) {
    let bytes = text.as_bytes();
    // `plain`: the piece since `start` is ASCII letters and digits only (most words), which
    // `push_word` would copy and lower-case whole: it takes the short way.
    let (mut i, mut start, mut plain) = (0, 0, true);
    while i < bytes.len() {
        let b = bytes[i];
        let (inside, len, simple) = if b < 0x80 {
            let alnum = b.is_ascii_alphanumeric();
            (alnum || b == b'\'', 1, alnum)
        } else {
            match text.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => (c.is_alphanumeric() || c == '’', c.len_utf8(), false),
                None => break,
            }
        };
        plain &= simple || !inside;
        if !inside {
            let raw = text.get(start..i).unwrap_or("");
            if plain {
                push_plain_word(raw, buf, spans);
            } else {
                push_word(raw, buf, spans);
            }
            start = i + len;
            plain = true;
        }
        i += len;
    }
    push_word(text.get(start..).unwrap_or(""), buf, spans);
}

/// [`push_word`] of a piece of ASCII letters and digits (nothing to trim or cut).
fn push_plain_word(raw: &str, buf: &mut String, spans: &mut Vec<std::ops::Range<usize>>) {
    if raw.is_empty() {
        return;
    }
    let start = buf.len();
    buf.push_str(raw);
    buf[start..].make_ascii_lowercase();
    spans.push(start..buf.len());
}

/// One piece of text between separators, as [`words`] makes it a word: the part before its
/// first inner apostrophe, lower-cased (trailing apostrophes are cut with that part anyway).
fn push_word(raw: &str, buf: &mut String, spans: &mut Vec<std::ops::Range<usize>>) {
    let raw = raw.trim_start_matches(['\'', '’']);
    let word = raw.find(['\'', '’']).map_or(raw, |end| &raw[..end]);
    if word.is_empty() {
        return;
    }
    let start = buf.len();
    if word.is_ascii() {
        buf.push_str(word);
        buf[start..].make_ascii_lowercase();
    } else {
        // The whole word at once: `to_lowercase` reads a final sigma from its neighbours.
        buf.push_str(&word.to_lowercase());
    }
    spans.push(start..buf.len());
}

/// A light stemmer: plural and possessive endings off, so that `cases`/`case` meet.
pub fn stem(word: &str) -> String {
    stem_cow(word).into_owned()
}

/// [`stem`], borrowing from `word` unless the stem is no part of it (`-ies` → `-y`).
pub fn stem_cow(word: &str) -> Cow<'_, str> {
    let n = if word.is_ascii() {
        word.len()
    } else {
        word.chars().count()
    };
    if n > 4 && word.ends_with("ies") {
        return Cow::Owned(format!("{}y", &word[..word.len() - 3]));
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return Cow::Borrowed(&word[..word.len() - 1]);
    }
    Cow::Borrowed(word)
}

/// The content terms of `text`: lower-cased, stemmed, stop words and one-letter words out.
/// Numbers are kept (years and figures tell events apart).
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).filter_map(|w| term(&w))
}

/// The content term of one of [`words`]' words: `None` for a stop word or a one-letter word,
/// else the word stemmed ([`terms`] is `words(text).filter_map(term)`).
pub fn term(word: &str) -> Option<String> {
    term_cow(word).map(Cow::into_owned)
}

/// [`term`], borrowing from `word` where it can ([`stem_cow`]).
pub fn term_cow(word: &str) -> Option<Cow<'_, str>> {
    let mut chars = word.chars();
    if chars.next().is_none() || chars.next().is_none() || is_stop(word) {
        None
    } else {
        Some(stem_cow(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_drop_stop_words_and_stem() {
        let t: Vec<String> = terms("The cases of COVID-19 in North Korea's cities").collect();
        assert_eq!(
            t,
            ["case", "covid", "19", "north", "korea", "city"].map(String::from)
        );
    }

    #[test]
    fn stop_words_are_those_of_the_list() {
        for w in STOP {
            assert!(is_stop(w), "{w}");
        }
        for w in [
            "",
            "ab",
            "cholera",
            "zz",
            "aa",
            "yourselves",
            "week-end",
            "Monday",
        ] {
            assert_eq!(is_stop(w), STOP.contains(&w), "{w}");
        }
    }

    #[test]
    fn words_keep_stop_words() {
        let w: Vec<String> = words("It's a test").collect();
        assert_eq!(w, ["it", "a", "test"].map(String::from));
    }

    /// Text drawn from the characters `words` treats apart: ASCII letters of both cases,
    /// digits, both apostrophes, separators, accented and non-Latin letters, a final sigma.
    fn wordy() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[a-zA-Z0-9 '’.,;:\\-\n\tÉéÅİßΣσς北京ﬁ½²]{0,80}")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// `words_into` gives `words`, word for word, appended after what `buf` held.
        #[test]
        fn words_into_equals_words(text in wordy(), before in "[a-z]{0,3}") {
            let mut buf = before.clone();
            let mut spans = Vec::new();
            words_into(&text, &mut buf, &mut spans);
            let got: Vec<&str> = spans.iter().map(|r| &buf[r.clone()]).collect();
            let want: Vec<String> = words(&text).collect();
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert!(buf.starts_with(&before));
        }

        /// `term_cow` and `stem_cow` equal `term` and `stem` of the first version.
        #[test]
        fn borrowed_terms_equal_the_reference(text in wordy()) {
            for w in words(&text) {
                proptest::prop_assert_eq!(term_cow(&w).map(Cow::into_owned), reference_term(&w));
                proptest::prop_assert_eq!(stem_cow(&w).into_owned(), reference_stem(&w));
            }
        }
    }

    /// `stem` as first written.
    fn reference_stem(word: &str) -> String {
        let n = word.chars().count();
        if n > 4 && word.ends_with("ies") {
            return format!("{}y", &word[..word.len() - 3]);
        }
        if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
            return word[..word.len() - 1].to_string();
        }
        word.to_string()
    }

    /// `term` as first written (stop words by a scan of the list).
    fn reference_term(word: &str) -> Option<String> {
        let mut chars = word.chars();
        if chars.next().is_none() || chars.next().is_none() || STOP.contains(&word) {
            None
        } else {
            Some(reference_stem(word))
        }
    }

    #[test]
    fn stems_and_terms_of_listed_words() {
        for w in STOP.iter().copied().chain([
            "cases",
            "cities",
            "ties",
            "virus",
            "class",
            "its",
            "bus",
            "ébolas",
            "ïes",
            "xies",
            "themselves",
            "yourselves",
            "s",
            "",
        ]) {
            assert_eq!(term_cow(w).map(Cow::into_owned), reference_term(w), "{w}");
            assert_eq!(stem_cow(w).into_owned(), reference_stem(w), "{w}");
        }
    }
}
