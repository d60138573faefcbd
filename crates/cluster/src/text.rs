//! Words: tokenisation, stop words, a light plural stemmer.

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
    // A binary search of the sorted list (a scan of the list was most of the cost of a
    // document's terms).
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    SORTED
        .get_or_init(|| {
            let mut v = STOP.to_vec();
            v.sort_unstable();
            v.dedup();
            v
        })
        .binary_search(&word)
        .is_ok()
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

/// A light stemmer: plural and possessive endings off, so that `cases`/`case` meet.
pub fn stem(word: &str) -> String {
    let n = word.chars().count();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// The content terms of `text`: lower-cased, stemmed, stop words and one-letter words out.
/// Numbers are kept (years and figures tell events apart).
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).filter_map(|w| term(&w))
}

/// The content term of one of [`words`]' words: `None` for a stop word or a one-letter word,
/// else the word stemmed ([`terms`] is `words(text).filter_map(term)`).
pub fn term(word: &str) -> Option<String> {
    let mut chars = word.chars();
    if chars.next().is_none() || chars.next().is_none() || is_stop(word) {
        None
    } else {
        Some(stem(word))
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
}
