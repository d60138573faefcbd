//! Sentence boundaries, in code points, for attaching counts to the mentions around them.

/// The sentences of a text, split once per document and shared by linking and the facts.
#[derive(Debug, Clone, Default)]
pub struct Sentences {
    /// Code-point ranges of the sentences, in order, covering the whole text.
    pub ranges: Vec<(usize, usize)>,
    /// The byte offset at which each sentence starts.
    pub byte_starts: Vec<usize>,
}

/// Code-point ranges of the sentences of `text` ([`split`] without the byte offsets).
#[cfg(test)]
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    split(text).ranges
}

/// The sentences of `text`, in order, covering the whole text: code-point ranges and the byte
/// offset of each sentence's start.
///
/// A sentence ends at a newline, or after `.`, `!` or `?` (and any closing quotes or brackets)
/// followed by white space, except after a single capital letter ("N. Korea") or a common
/// abbreviation ("Dr.", "St.", "approx.").
///
/// One pass over the bytes: `memchr` jumps from one candidate end (`.`, `!`, `?`, newline) to
/// the next, and the code points are counted once per sentence.
pub fn split(text: &str) -> Sentences {
    let b = text.as_bytes();
    let mut bytes: Vec<(usize, usize)> = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    // The first `.`, `!` or `?` at or after `i` (`b.len()` when none): found again only once
    // `i` has passed it, so that lines without one are not each scanned to the next one.
    let mut punct = memchr::memchr3(b'.', b'!', b'?', b).unwrap_or(b.len());
    while i < b.len() {
        if punct < i {
            punct = memchr::memchr3(b'.', b'!', b'?', &b[i..]).map_or(b.len(), |q| i + q);
        }
        let Some(p) = next_candidate(b, i, punct) else {
            break;
        };
        let c = b[p];
        let mut end = None;
        if c == b'\n' {
            end = Some(p + 1);
        } else {
            let mut j = p + 1;
            loop {
                if j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']') {
                    j += 1;
                } else if b[j..].starts_with("\u{201d}".as_bytes())
                    || b[j..].starts_with("\u{2019}".as_bytes())
                {
                    j += 3;
                } else {
                    break;
                }
            }
            let followed_by_space = text
                .get(j..)
                .and_then(|r| r.chars().next())
                .is_none_or(char::is_whitespace);
            if followed_by_space
                && !(c == b'.' && is_abbreviation(text.get(start..p).unwrap_or("")))
            {
                end = Some(j);
            }
        }
        if let Some(e) = end {
            if e > start {
                bytes.push((start, e));
            }
            start = e;
            i = e;
        } else {
            i = p + 1;
        }
    }
    if start < b.len() {
        bytes.push((start, b.len()));
    }
    let ascii = text.is_ascii();
    let mut cp = 0usize;
    let mut ranges = Vec::with_capacity(bytes.len());
    let mut byte_starts = Vec::with_capacity(bytes.len());
    for &(s, e) in &bytes {
        let len = if ascii {
            e - s
        } else {
            text.get(s..e).map_or(0, |t| t.chars().count())
        };
        ranges.push((cp, cp + len));
        byte_starts.push(s);
        cp += len;
    }
    Sentences {
        ranges,
        byte_starts,
    }
}

/// The first byte at or after `from` that may end a sentence: `.`, `!`, `?` or a newline;
/// `punct` is the first of `.`, `!`, `?` at or after `from` (`b.len()` when none).
fn next_candidate(b: &[u8], from: usize, punct: usize) -> Option<usize> {
    let rest = b.get(from..punct)?;
    match memchr::memchr(b'\n', rest) {
        Some(p) => Some(from + p),
        None => (punct < b.len()).then_some(punct),
    }
}

/// True when the word just before a period is an initial or an abbreviation.
fn is_abbreviation(before: &str) -> bool {
    const ABBREVIATIONS: &[&str] = &[
        "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Gen", "Col", "Lt", "Sgt", "Rep", "Sen", "Gov",
        "approx", "vs", "etc", "e.g", "i.e", "No", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
        "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N", "Inc", "Ltd", "Co",
    ];
    // Longer than every abbreviation: no need to read further back (keeps the split linear).
    const LONGEST: usize = 6;
    let mut word_start = before.len();
    let mut count = 0usize;
    let mut last = ' ';
    for (k, ch) in before.char_indices().rev() {
        if !(ch.is_alphanumeric() || ch == '.') {
            break;
        }
        count += 1;
        if count > LONGEST {
            return false;
        }
        word_start = k;
        last = ch;
    }
    if count == 1 && last.is_uppercase() {
        return true;
    }
    ABBREVIATIONS.contains(&before.get(word_start..).unwrap_or(""))
}

/// Code-point starts of the paragraphs of `text`, in order; the first is 0.
///
/// Paragraphs are separated by a blank line; a text without blank lines has one paragraph per
/// line.
pub fn paragraphs(text: &str) -> Vec<usize> {
    let blank_lines = text.lines().skip(1).any(|l| l.trim().is_empty());
    let ascii = text.is_ascii();
    let mut out = vec![0];
    // Code points before the current line.
    let mut cp = 0usize;
    let mut line_start = 0usize;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = text.get(line_start..nl).unwrap_or("");
        cp += if ascii {
            line.len()
        } else {
            line.chars().count()
        };
        if !blank_lines || line.trim_start().is_empty() {
            out.push(cp + 1);
        }
        cp += 1;
        line_start = nl + 1;
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

    /// The char-by-char split this module used before the byte scan: the reference.
    fn reference(text: &str) -> Vec<(usize, usize)> {
        fn abbreviation(before: &[char]) -> bool {
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
            [
                "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Gen", "Col", "Lt", "Sgt", "Rep", "Sen",
                "Gov", "approx", "vs", "etc", "e.g", "i.e", "No", "Jan", "Feb", "Mar", "Apr",
                "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N",
                "Inc", "Ltd", "Co",
            ]
            .contains(&word.as_str())
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let (mut start, mut i) = (0usize, 0usize);
        while i < chars.len() {
            let c = chars[i];
            let mut end = None;
            if c == '\n' {
                end = Some(i + 1);
            } else if matches!(c, '.' | '!' | '?') {
                let mut j = i + 1;
                while j < chars.len()
                    && matches!(chars[j], '"' | '\'' | '\u{201d}' | '\u{2019}' | ')' | ']')
                {
                    j += 1;
                }
                let spaced = j >= chars.len() || chars[j].is_whitespace();
                if spaced && !(c == '.' && abbreviation(&chars[start..i])) {
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

    /// The char-by-char paragraph starts this module used before: the reference.
    fn reference_paragraphs(text: &str) -> Vec<usize> {
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

    fn same_as_reference(t: &str) {
        assert_eq!(sentences(t), reference(t), "{t:?}");
        assert_eq!(paragraphs(t), reference_paragraphs(t), "{t:?}");
        let s = super::split(t);
        for (&(cs, _), &bs) in s.ranges.iter().zip(&s.byte_starts) {
            assert_eq!(t[..bs].chars().count(), cs, "{t:?}");
        }
    }

    #[test]
    fn byte_scan_equals_the_char_scan() {
        let texts = [
            "N. Korea reported 62 deaths. Dr. Ryan spoke.\nNew line here",
            "He said \u{201c}it is bad.\u{201d} Then left. \u{c9}. Next. approx. 5! Yes?\u{a0}No.",
            "C\u{f4}te d'Ivoire: 12 cases.\n\n  \nMali (3). U.S. officials, e.g. CDC.\u{2019}\u{2019} x",
            "",
            ".",
            "a.\u{2019}",
            "End.\u{2019}",
            "Long.word.with.dots. Sept. 3. Mr.Smith. approx. x.approx. \u{c9}t\u{e9}. \u{41f}. \u{442}\u{435}\u{43a}.\r\nx",
            "\n\n\nA.\n\nb. \t\n",
            " \u{2003}\n\u{a0}\nx\n",
        ];
        for t in texts {
            same_as_reference(t);
        }
    }

    #[test]
    fn byte_scan_equals_the_char_scan_on_the_seeds() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            same_as_reference(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
            n += 1;
        }
        assert!(n > 0);
    }

    #[test]
    fn sentence_lookup() {
        let s = sentences("One. Two. Three.");
        assert_eq!(sentence_of(&s, 0), 0);
        assert_eq!(sentence_of(&s, 6), 1);
        assert_eq!(sentence_of(&s, 100), 2);
    }

    /// A million lines without a period before one at the end: each line used to be scanned
    /// up to that period again (quadratic, minutes); now each byte is read once or twice.
    #[test]
    fn many_lines_without_a_period_are_linear() {
        let text = format!("{}end.", "a\n".repeat(1_000_000));
        let started = std::time::Instant::now();
        let s = split(&text);
        assert_eq!(s.len(), 1_000_001);
        assert!(
            started.elapsed().as_secs() < 10,
            "took {:?}",
            started.elapsed()
        );
    }
}
