//! Event cues: what tells two events of one kind apart (ECB+ pairs each seed event with a
//! similar one: same kind, other participants, place and time). The words that every report
//! of a kind shares ("rehab", "injured reserve", "endangered species") say nothing about which
//! event a report tells; the named participants and the years do.
//!
//! [`Cues`] holds a document's capitalised words inside sentences (people, teams, bodies,
//! places: `Capaldi`, `Salazar`, `Pierre Thomas`) and the years it mentions, lower-cased, with
//! counts. Batch clustering uses them when it looks for the two events inside a cluster
//! ([`crate::split`]).

use epiwire_model::Document;
use serde::{Deserialize, Serialize};

/// Capitalised words that are not names (function words that open a clause after a colon, a
/// dash or inside quotes).
const NOT_NAMES: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "he", "her", "his", "i", "if", "in",
    "is", "it", "its", "of", "on", "or", "our", "she", "that", "the", "their", "these", "they",
    "this", "those", "to", "was", "we", "when", "while", "with",
];

/// The event cues of one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cues {
    /// Lower-cased names (`capaldi`) and years (`y2013`), with counts, sorted by key.
    pub names: Vec<(String, f32)>,
}

impl Cues {
    /// The cues of an annotated document: its title (when the text does not start with it)
    /// and its text.
    pub fn from_document(doc: &Document) -> Cues {
        let mut keys: Vec<String> = Vec::new();
        if let Some(title) = doc.title.as_deref()
            && !doc.text.starts_with(title.trim())
        {
            names_into(title, &mut keys);
        }
        names_into(&doc.text, &mut keys);
        keys.sort_unstable();
        let mut names: Vec<(String, f32)> = Vec::new();
        for k in keys {
            match names.last_mut() {
                Some((last, n)) if *last == k => *n += 1.0,
                _ => names.push((k, 1.0)),
            }
        }
        Cues { names }
    }
}

/// Pushes the names and years of `text`: capitalised words (not wholly upper-case, not the
/// first word of a sentence or line, not a function word) lower-cased without a possessive
/// ending, and four-digit years 1900–2099 as `y<year>` (not `2010s`).
pub fn names_into(text: &str, out: &mut Vec<String>) {
    let mut sentence_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_alphabetic() {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if c.is_alphabetic() || c == '\'' || c == '’' || c == '-' {
                    end = i + c.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[start..end];
            if !sentence_start {
                name_key(word, out);
            }
            sentence_start = false;
        } else if c.is_ascii_digit() {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if c.is_ascii_digit() {
                    end = i + 1;
                    chars.next();
                } else {
                    break;
                }
            }
            let number = &text[start..end];
            let glued = chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
            if number.len() == 4 && !glued && (number.starts_with("19") || number.starts_with("20"))
            {
                out.push(format!("y{number}"));
            }
            sentence_start = false;
        } else {
            chars.next();
            if c == '\n'
                || (matches!(c, '.' | '!' | '?' | ':' | ';' | '"')
                    && chars.peek().is_none_or(|&(_, n)| n.is_whitespace()))
            {
                sentence_start = true;
            }
        }
    }
}

fn name_key(word: &str, out: &mut Vec<String>) {
    let word = word.trim_matches(|c| c == '\'' || c == '’' || c == '-');
    let mut cs = word.chars();
    let Some(first) = cs.next() else {
        return;
    };
    if !first.is_uppercase() || !word.chars().any(char::is_lowercase) {
        return;
    }
    // One string per name: the possessive ending is cut off in place.
    let mut lower = word.to_lowercase();
    let ending = ["'s", "’s"]
        .into_iter()
        .find(|e| lower.ends_with(e))
        .map_or(0, str::len);
    lower.truncate(lower.len() - ending);
    if lower.chars().count() < 2 || NOT_NAMES.contains(&lower.as_str()) {
        return;
    }
    out.push(lower);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name key as first written (two strings per name), the reference of [`name_key`].
    fn name_key_reference(word: &str, out: &mut Vec<String>) {
        let word = word.trim_matches(|c| c == '\'' || c == '’' || c == '-');
        let mut cs = word.chars();
        let Some(first) = cs.next() else {
            return;
        };
        if !first.is_uppercase() || !word.chars().any(char::is_lowercase) {
            return;
        }
        let lower = word.to_lowercase();
        let lower = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix("’s"))
            .unwrap_or(&lower);
        if lower.chars().count() < 2 || NOT_NAMES.contains(&lower) {
            return;
        }
        out.push(lower.to_string());
    }

    fn same_key(word: &str) {
        let (mut fast, mut reference) = (Vec::new(), Vec::new());
        name_key(word, &mut fast);
        name_key_reference(word, &mut reference);
        assert_eq!(fast, reference, "{word:?}");
    }

    #[test]
    fn name_keys_match_the_reference() {
        for w in [
            "Capaldi's",
            "Capaldi’s",
            "It's",
            "The",
            "A's",
            "'S",
            "Xs",
            "X's",
            "O'Brien",
            "-Jean-",
            "İstanbul's",
            "ΣΑΣ's",
            "Ab’s’s",
            "Ab's'",
            "NASA's",
            "Nasa’S",
            "",
            "'",
            "Ǆemal",
        ] {
            same_key(w);
        }
    }

    proptest::proptest! {
        #[test]
        fn name_keys_match_the_reference_on_any_word(
            w in "[-'’]{0,2}[A-ZİΣa-zσςǅ]{0,4}['’]?[sS]?[-'’]{0,2}"
        ) {
            same_key(&w);
        }
    }

    fn names(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        names_into(text, &mut out);
        out
    }

    #[test]
    fn capitalised_words_inside_sentences_and_years() {
        assert_eq!(
            names("Actor Peter Capaldi's debut in 2013. The BBC said: The show returns."),
            ["peter", "capaldi", "y2013"]
        );
        assert_eq!(
            names("Matt Smith, 26, replaces\nDavid Tennant"),
            ["smith", "tennant"]
        );
        assert_eq!(names("in 1850 and 2010s and 12345"), Vec::<String>::new());
    }

    #[test]
    fn counts_from_a_document() {
        let doc = Document {
            title: Some("Saints place Pierre Thomas on IR".into()),
            text: "The Saints placed Pierre Thomas on injured reserve.".into(),
            ..Document::default()
        };
        let cues = Cues::from_document(&doc);
        assert!(
            cues.names.contains(&("thomas".to_string(), 2.0)),
            "{cues:?}"
        );
        assert!(
            cues.names.contains(&("saints".to_string(), 1.0)),
            "{cues:?}"
        );
    }
}
