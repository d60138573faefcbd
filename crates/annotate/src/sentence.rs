//! Sentence boundaries, in code points, for attaching counts to the mentions around them.

/// Code-point ranges of the sentences of `text`, in order, covering the whole text.
///
/// A sentence ends at a newline, or after `.`, `!` or `?` (and any closing quotes or brackets)
/// followed by white space, except after a single capital letter ("N. Korea") or a common
/// abbreviation ("Dr.", "St.", "approx.").
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let mut end = None;
        if c == '\n' {
            end = Some(i + 1);
        } else if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '"' | '\'' | '”' | '’' | ')' | ']') {
                j += 1;
            }
            let followed_by_space = j >= chars.len() || chars[j].is_whitespace();
            if followed_by_space && !(c == '.' && is_abbreviation(&chars[start..i])) {
                end = Some(j);
            }
        }
        if let Some(e) = end {
            if e > start {
                out.push((start, e));
            }
            start = e;
            i = e;
        } else {
            i += 1;
        }
    }
    if start < chars.len() {
        out.push((start, chars.len()));
    }
    out
}

/// True when the word just before a period is an initial or an abbreviation.
fn is_abbreviation(before: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .take_while(|c| c.is_alphanumeric() || **c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    const ABBREVIATIONS: &[&str] = &[
        "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Gen", "Col", "Lt", "Sgt", "Rep", "Sen", "Gov",
        "approx", "vs", "etc", "e.g", "i.e", "No", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
        "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N", "Inc", "Ltd", "Co",
    ];
    ABBREVIATIONS.contains(&word.as_str())
}

/// Code-point starts of the paragraphs of `text`, in order; the first is 0.
///
/// Paragraphs are separated by a blank line; a text without blank lines has one paragraph per
/// line.
pub fn paragraphs(text: &str) -> Vec<usize> {
    let blank_lines = text.lines().skip(1).any(|l| l.trim().is_empty());
    let mut out = vec![0];
    let mut line_was_blank = true;
    for (i, c) in text.chars().enumerate() {
        if c == '\n' {
            if !blank_lines || line_was_blank {
                out.push(i + 1);
            }
            line_was_blank = true;
            continue;
        }
        if !c.is_whitespace() {
            line_was_blank = false;
        }
    }
    out.dedup();
    out
}

/// Index of the sentence holding code point `pos` (binary search over `sentences`' output).
pub fn sentence_of(sentences: &[(usize, usize)], pos: usize) -> usize {
    match sentences.binary_search_by(|&(s, e)| {
        if pos < s {
            std::cmp::Ordering::Greater
        } else if pos >= e {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => i,
        Err(i) => i.min(sentences.len().saturating_sub(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        sentences(text)
            .into_iter()
            .map(|(s, e)| chars[s..e].iter().collect())
            .collect()
    }

    #[test]
    fn splits_on_periods_and_newlines() {
        let parts = split("N. Korea reported 62 deaths. Dr. Ryan spoke.\nNew line here");
        assert_eq!(
            parts,
            vec![
                "N. Korea reported 62 deaths.",
                " Dr. Ryan spoke.",
                "\n",
                "New line here"
            ]
        );
    }

    #[test]
    fn decimals_do_not_split() {
        assert_eq!(split("Cases rose to 1.72 million. Then").len(), 2);
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        let parts = split("He said “it is bad.” Then left.");
        assert_eq!(parts[0], "He said “it is bad.”");
    }

    #[test]
    fn paragraphs_by_blank_lines_else_lines() {
        assert_eq!(paragraphs("ab\ncd\n\nef"), vec![0, 7]);
        assert_eq!(paragraphs("ab\ncd"), vec![0, 3]);
        assert_eq!(paragraphs("ab \n  \ncd"), vec![0, 7]);
        assert_eq!(paragraphs(""), vec![0]);
    }

    #[test]
    fn sentence_lookup() {
        let s = sentences("One. Two. Three.");
        assert_eq!(sentence_of(&s, 0), 0);
        assert_eq!(sentence_of(&s, 6), 1);
        assert_eq!(sentence_of(&s, 100), 2);
    }
}
