//! How much paragraph text a page holds, from one pass of the tokenizer: a cheap predictor of
//! whether dom_smoothie can find an article body where trafilatura found only a little text.
//!
//! dom_smoothie (like readability.js) scores paragraphs — `p`, `td`, `pre`, `section` and `div`s
//! without block children — by their text and builds the article around the best-scoring
//! container. Its text can only be much longer than trafilatura's when the page holds that much
//! text in such paragraphs. Page templates hold most of their text in lists, headings and link
//! menus instead (a WHO Disease Outbreak News page: ~4,700 visible characters of template around
//! a report of a few hundred, in `li`, `a` and headings).
//!
//! [`paragraph_chars`] counts the characters of the text runs (whitespace runs counted as one,
//! text inside links left out) of at least [`MIN_RUN`] characters whose innermost enclosing block
//! element is a paragraph-like container ([`is_para`]); a run ends at every block tag and `br`.
//! This is a heuristic, not a bound: `lib.rs` uses it with a wide margin (see
//! `COMBINE_PARA_RATIO`), and the crate README gives the measurement that chose it.

use crate::names;
use crate::scan::{Token, tokens};

/// Shortest run that counts as a paragraph (readability's minimum paragraph length).
const MIN_RUN: usize = 25;

// The tests below take a name's [`names::class`], looked up once per tag.

/// Block elements: each start or end tag ends a text run.
fn is_block(class: u32) -> bool {
    class & names::PARA_BLOCK != 0
}

/// Blocks whose own text counts as paragraph text.
fn is_para(name: &str) -> bool {
    names::class(name) & names::PARA != 0
}

/// Blocks whose start tag closes an open `p` (the HTML parser's implicit end).
fn closes_p(class: u32) -> bool {
    class & (names::PARA_BLOCK | names::PARA_KEEPS_P) == names::PARA_BLOCK
}

/// Elements whose content is never text for a reader.
fn is_hidden(class: u32) -> bool {
    class & names::PARA_HIDDEN != 0
}

/// A text run being measured.
#[derive(Debug, Default)]
struct Run {
    /// Characters so far, a whitespace run counted as one.
    chars: usize,
    /// Whether the last character counted was whitespace (or nothing was counted yet).
    after_space: bool,
}

impl Run {
    fn add(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                if !self.after_space {
                    self.chars += 1;
                    self.after_space = true;
                }
            } else {
                self.chars += 1;
                self.after_space = false;
            }
        }
    }
}

/// Characters of paragraph text in `html` (see the module documentation).
pub(crate) fn paragraph_chars(html: &str) -> usize {
    let mut total = 0usize;
    // Open block elements, innermost last (names as written).
    let mut open: Vec<&str> = Vec::new();
    let mut hidden = 0usize;
    let mut links = 0usize;
    let mut run = Run {
        chars: 0,
        after_space: true,
    };
    let mut flush = |run: &mut Run, open: &[&str]| {
        let chars = run
            .chars
            .saturating_sub(usize::from(run.after_space && run.chars > 0));
        if chars >= MIN_RUN && open.last().is_none_or(|n| is_para(n)) {
            total += chars;
        }
        *run = Run {
            chars: 0,
            after_space: true,
        };
    };
    let mut toks = tokens(html);
    while let Some(tok) = toks.next() {
        match tok {
            Token::Start { name, attrs } => {
                let self_closing = attrs.trim_end().ends_with('/');
                let class = toks.start_class();
                if is_hidden(class) {
                    if !self_closing {
                        hidden += 1;
                    }
                } else if name.eq_ignore_ascii_case("noscript") {
                    // dom_smoothie parses with scripting off: the content is markup.
                    toks.markup_content();
                } else if name.eq_ignore_ascii_case("a") {
                    links += usize::from(!self_closing);
                } else if name.eq_ignore_ascii_case("br") || name.eq_ignore_ascii_case("hr") {
                    flush(&mut run, &open);
                } else if is_block(class) {
                    flush(&mut run, &open);
                    if closes_p(class) && open.last().is_some_and(|n| n.eq_ignore_ascii_case("p")) {
                        open.pop();
                    }
                    if !self_closing {
                        open.push(name);
                    }
                }
            }
            Token::End { name } => {
                let class = names::class(name);
                if is_hidden(class) {
                    hidden = hidden.saturating_sub(1);
                } else if name.eq_ignore_ascii_case("a") {
                    links = links.saturating_sub(1);
                } else if is_block(class) {
                    flush(&mut run, &open);
                    if let Some(at) = open.iter().rposition(|n| n.eq_ignore_ascii_case(name)) {
                        open.truncate(at);
                    }
                }
            }
            Token::Text(t) => {
                if hidden == 0 && links == 0 {
                    run.add(t);
                }
            }
        }
    }
    flush(&mut run, &open);
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "North Korea reported more than a million fever cases on Tuesday.";

    #[test]
    fn counts_paragraphs_not_lists_headings_or_links() {
        let n = LONG.chars().count();
        assert_eq!(paragraph_chars(&format!("<p>{LONG}</p>")), n);
        assert_eq!(
            paragraph_chars(&format!("<div><span>{LONG}</span></div>")),
            n
        );
        assert_eq!(paragraph_chars(&format!("<ul><li>{LONG}</li></ul>")), 0);
        assert_eq!(paragraph_chars(&format!("<h2>{LONG}</h2>")), 0);
        assert_eq!(paragraph_chars(&format!("<p><a href=x>{LONG}</a></p>")), 0);
        assert_eq!(
            paragraph_chars(&format!("<head><title>{LONG}</title></head>")),
            0
        );
        // A list inside a paragraph-like div: only the div's own text counts.
        assert_eq!(
            paragraph_chars(&format!("<div>{LONG}<ul><li>{LONG}</li></ul></div>")),
            n
        );
    }

    #[test]
    fn short_runs_and_whitespace() {
        assert_eq!(paragraph_chars("<p>Share this</p><p>Home</p>"), 0);
        let spaced = LONG.replace(' ', " \n\t ");
        assert_eq!(
            paragraph_chars(&format!("<p>  {spaced}  </p>")),
            LONG.chars().count()
        );
        // `br` ends a run.
        assert_eq!(
            paragraph_chars("<p>twenty characters a<br>twenty characters b</p>"),
            0
        );
    }

    #[test]
    fn implicit_paragraph_end_and_noscript_markup() {
        let n = LONG.chars().count();
        // `<ul>` closes the open `p`: the list text is not paragraph text.
        assert_eq!(paragraph_chars(&format!("<p>{LONG}<ul><li>{LONG}</ul>")), n);
        assert_eq!(
            paragraph_chars(&format!("<noscript><p>{LONG}</p></noscript>")),
            n
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_stays_within_the_text(s in "(<[a-z/!]{0,3}[^>]{0,5}>?|[a-z &;#0-9]{0,6}){0,60}") {
            proptest::prop_assert!(paragraph_chars(&s) <= s.len());
        }
    }
}
