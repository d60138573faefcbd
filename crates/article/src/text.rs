//! Plain-text documents: a headline-like first line is the title, a "Posted on …" line or a
//! dateline gives the publication date, a closing "By …" line the author, and clear trailer lines
//! ("Related stories", "Please direct questions or comments to …") are dropped from the end.
//! Everything else of the text is kept as it is.

use crate::dates::{dateline, labelled_date};
use epiwire_model::Article;

/// Menu labels that sometimes lead a scraped text, glued to the title or on their own line.
const LEADING_LABELS: &[&str] = &[
    "most viewed articles",
    "most viewed",
    "most read",
    "most popular",
    "related stories",
    "related articles",
    "latest news",
    "top stories",
    "trending now",
    "trending",
    "advertisement",
    "skip to main content",
    "skip to content",
];

/// Whole trailer lines (compared case-insensitively, trimmed).
const TRAILER_LINES: &[&str] = &[
    "related stories",
    "related articles",
    "related",
    "most viewed articles",
    "most viewed",
    "most read",
    "most popular",
    "more stories",
    "read more",
    "share",
    "share this article",
    "share this",
    "advertisement",
    "comments",
    "leave a comment",
    "tags",
    "top stories",
    "latest news",
    "recommended",
    "you may also like",
];

/// Prefixes of trailer lines.
const TRAILER_PREFIXES: &[&str] = &[
    "please direct questions or comments to",
    "button that move to original",
    "copyright ©",
    "copyright (c)",
    "© ",
    "all rights reserved",
    "subscribe to our newsletter",
    "follow us on",
    "click here to",
];

fn is_trailer(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    let l = l.trim_end_matches([':', '.']);
    TRAILER_LINES.contains(&l) || TRAILER_PREFIXES.iter().any(|p| l.starts_with(p))
}

/// Length in bytes of a menu label glued to (or filling) the start of `line`.
fn leading_label_len(line: &str) -> Option<usize> {
    let lower = line.to_lowercase();
    if lower.len() != line.len() {
        return None;
    }
    for label in LEADING_LABELS {
        if let Some(rest) = lower.strip_prefix(label) {
            let orig_rest = line.get(label.len()..)?;
            if rest.trim().is_empty() {
                return Some(line.len());
            }
            // Glued: the label runs straight into a capitalised word ("articlesHit").
            if orig_rest.starts_with(|c: char| c.is_uppercase()) {
                return Some(label.len());
            }
        }
    }
    None
}

/// Does `line` look like a headline: short, few words, no final period, not a date line?
fn looks_like_headline(line: &str) -> bool {
    let t = line.trim();
    let chars = t.chars().count();
    let words = t.split_whitespace().count();
    let lower = t.to_lowercase();
    (3..=200).contains(&chars)
        && words <= 30
        && !t.ends_with('.')
        && !t.ends_with(',')
        && !t.ends_with(':')
        && t.chars().any(char::is_alphabetic)
        && !lower.starts_with("posted")
        && !lower.starts_with("published")
        && !lower.starts_with("by ")
        && !lower.starts_with("http")
}

/// A closing byline ("By Choi Hyun-june, Beijing correspondent") among the last lines.
fn byline(lines: &[&str]) -> Option<String> {
    lines
        .iter()
        .rev()
        .take(6)
        .chain(lines.iter().take(6))
        .find_map(|l| {
            let t = l.trim();
            let rest = t.strip_prefix("By ").or_else(|| t.strip_prefix("by "))?;
            if t.chars().count() > 80 || t.ends_with('.') {
                return None;
            }
            let name = rest.split([',', '|', '(']).next()?.trim();
            let words = name.split_whitespace().count();
            let capitalised = name
                .split_whitespace()
                .all(|w| w.starts_with(|c: char| c.is_uppercase()) || w == "and" || w.len() <= 3);
            ((1..=6).contains(&words) && capitalised).then(|| name.to_string())
        })
}

/// Extracts an article from plain text. The text is kept whole, except a menu label glued to the
/// start and clear trailer lines at the end.
pub fn extract_text(text: &str) -> Article {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    let mut lines: Vec<&str> = text.lines().collect();
    // Leading menu labels.
    while let Some(first_idx) = lines.iter().position(|l| !l.trim().is_empty()) {
        let first = lines[first_idx].trim_start();
        match leading_label_len(first) {
            Some(n) if n >= first.len() => {
                lines.drain(..=first_idx);
            }
            Some(n) => {
                lines[first_idx] = first.get(n..).unwrap_or("");
                lines.drain(..first_idx);
                break;
            }
            None => {
                lines.drain(..first_idx);
                break;
            }
        }
    }
    // Trailing boilerplate (blank lines and clear trailers only).
    while let Some(last) = lines.last() {
        if last.trim().is_empty() || is_trailer(last) {
            lines.pop();
        } else {
            break;
        }
    }
    let body = lines
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    let title = lines
        .first()
        .filter(|l| looks_like_headline(l))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
    let after_title = if title.is_some() {
        lines.get(1..).unwrap_or(&[]).join("\n")
    } else {
        body.clone()
    };
    let published = labelled_date(&after_title, 15)
        .or_else(|| dateline(&after_title, 4))
        .map(|f| f.format());
    let author = byline(&lines);
    let language = crate::detect_language(&body);
    Article {
        title,
        published,
        author,
        language,
        text: body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/seeds")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn seed_hankyoreh() {
        let raw = seed("000_c6c40698dd1a2ea1.txt");
        let a = extract_text(&raw);
        assert_eq!(
            a.title.as_deref(),
            Some("N. Korea, China in talks for COVID-19 assistance")
        );
        assert_eq!(a.published.as_deref(), Some("2022-05-17T17:36:00+09:00"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.author.as_deref(), Some("Choi Hyun-june"));
        assert!(
            a.text
                .starts_with("N. Korea, China in talks for COVID-19 assistance\n")
        );
        assert!(
            a.text.ends_with("By Choi Hyun-june, Beijing correspondent"),
            "{}",
            a.text
        );
        assert!(!a.text.contains("Please direct questions"));
        assert!(!a.text.contains("Related stories"));
        assert!(a.text.contains("more than 50 people have already died"));
    }

    #[test]
    fn seed_voi_glued_label() {
        let raw = seed("004_600c830cdf3f4dc2.txt");
        let a = extract_text(&raw);
        assert_eq!(
            a.title.as_deref(),
            Some(
                "Hit By The COVID-19 Outbreak, North Korea Reportedly Asks China And Russia For Help"
            )
        );
        assert!(a.text.starts_with("Hit By The COVID-19 Outbreak"));
        assert!(a.text.ends_with("\"Of course it is worrying if the state does not use the tools that are now available,\" he said."));
        assert_eq!(a.language.as_deref(), Some("en"));
    }

    #[test]
    fn conservative_trailers() {
        let a = extract_text("Headline here\n\nThe article says related stories matter.\nShare\n");
        assert_eq!(
            a.text,
            "Headline here\n\nThe article says related stories matter."
        );
        let a = extract_text("A sentence that ends the story.\nRelated stories are common.");
        assert!(a.text.ends_with("Related stories are common."));
        assert_eq!(a.title, None);
    }

    #[test]
    fn datelines_and_labels() {
        let a = extract_text("Big news today\nMay 18, 2022\nSomething happened.");
        assert_eq!(a.published.as_deref(), Some("2022-05-18"));
        let a = extract_text("Big news\nPublished: Tue, 17 May 2022 08:36:00 GMT\nText.");
        assert_eq!(a.published.as_deref(), Some("2022-05-17T08:36:00+00:00"));
        let a = extract_text("Big news\nText on 3 people.");
        assert_eq!(a.published, None);
    }
}
