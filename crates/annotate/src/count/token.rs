//! A single-pass tokeniser shared by the number, count and date scanners.
//!
//! Tokens are words (runs of alphabetic characters), numbers (runs of ASCII digits) and single
//! punctuation characters. Whitespace is not a token; each token records what kind of gap
//! precedes it, which the number scanner needs for "12 344" and the sentence logic for blank
//! lines. Tokenising allocates one vector and nothing per token.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A run of alphabetic characters.
    Word,
    /// A run of ASCII digits.
    Num,
    /// One other non-whitespace character.
    Punct(char),
}

/// The whitespace before a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Gap {
    /// Directly attached to the previous token (or the start of the text).
    None,
    /// One space-like character: space, no-break space, thin or narrow no-break space.
    Space,
    /// Other whitespace without a line break (several spaces, tabs).
    Wide,
    /// Whitespace with one line break.
    Line,
    /// Whitespace with two or more line breaks (a paragraph break).
    Blank,
}

/// One token: its kind, byte range and preceding gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub gap: Gap,
    /// For a word, which word gates it passes ([`GATE_NUMBER`], [`GATE_DATE`]): the gate
    /// tests made once here instead of by each scanner.
    pub gates: u8,
}

/// [`Token::gates`] bit: the word may start a number word (`NUMBER_START` of the number
/// scanner).
pub(crate) const GATE_NUMBER: u8 = 1;
/// [`Token::gates`] bit: the word may start a date (`DATE_START` of the date scanner).
pub(crate) const GATE_DATE: u8 = 2;

/// The [`Token::gates`] of the word `src[start..end]`.
#[inline]
fn word_gates(bytes: &[u8], start: usize, end: usize) -> u8 {
    let (Some(&f), Some(&l)) = (
        bytes.get(start),
        end.checked_sub(1).and_then(|e| bytes.get(e)),
    ) else {
        return 0;
    };
    let (f, l, len) = (f.to_ascii_lowercase(), l.to_ascii_lowercase(), end - start);
    // Both gates' shape tests at once (see `WordGate::may_contain_parts`).
    let Some(slot) = WordGate::slot(f, l, len) else {
        return 0;
    };
    GATES
        .get(slot)
        .map_or(0, |bits| ((bits >> (2 * len)) & 3) as u8)
}

/// Both word gates in one table: per slot ([`WordGate::slot`]), bit `2 * len` for a number-start
/// word of `len` bytes ([`GATE_NUMBER`]) and bit `2 * len + 1` for a date-start word
/// ([`GATE_DATE`]). Built at compile time from the gates' word lists.
static GATES: [u64; 26 * 26] = {
    let number = WordGate::new(&[crate::count::number::NUMBER_START_WORDS]);
    let date = WordGate::new(crate::date::DATE_START_LISTS);
    let mut out = [0u64; 26 * 26];
    let mut slot = 0;
    while slot < 26 * 26 {
        let mut len = 0;
        while len < 32 {
            if number.bits[slot] & (1 << len) != 0 {
                out[slot] |= 1 << (2 * len);
            }
            if date.bits[slot] & (1 << len) != 0 {
                out[slot] |= 1 << (2 * len + 1);
            }
            len += 1;
        }
        slot += 1;
    }
    out
};

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// True for a word token.
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// True for a digit token.
    pub fn is_num(&self) -> bool {
        self.kind == Kind::Num
    }

    /// True for the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }

    /// True for a dash-like character: hyphen-minus, en dash, em dash, minus, hyphen.
    pub fn is_dash(&self) -> bool {
        matches!(self.kind, Kind::Punct('-' | '–' | '—' | '−' | '‐' | '‑'))
    }
}

/// Splits `src` into tokens.
pub(crate) fn tokenize(src: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(src.len() / 4 + 4);
    let bytes = src.as_bytes();
    let mut i = 0usize;
    let mut gap = Gap::None;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b == b'\n' {
                gap = if gap >= Gap::Line {
                    Gap::Blank
                } else {
                    Gap::Line
                };
                i += 1;
                continue;
            }
            if b == b' ' || b == b'\t' || b == b'\r' || b == 0x0b || b == 0x0c {
                gap = match gap {
                    Gap::None if b == b' ' => Gap::Space,
                    Gap::None | Gap::Space => Gap::Wide,
                    g => g,
                };
                i += 1;
                continue;
            }
            let start = i;
            let kind = if b.is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                Kind::Num
            } else if b.is_ascii_alphabetic() {
                // ASCII letters without a call; the first other byte ends the word unless it
                // starts a non-ASCII letter.
                i = crate::ascii::letters_end(bytes, i + 1);
                if i < bytes.len() && bytes[i] >= 0x80 {
                    i = word_end(src, i);
                }
                Kind::Word
            } else {
                i += 1;
                Kind::Punct(b as char)
            };
            let gates = if kind == Kind::Word {
                word_gates(bytes, start, i)
            } else {
                0
            };
            out.push(Token {
                kind,
                start,
                end: i,
                gap,
                gates,
            });
            gap = Gap::None;
            continue;
        }
        // Non-ASCII: decode one character.
        let Some(ch) = src.get(i..).and_then(|s| s.chars().next()) else {
            break;
        };
        let len = ch.len_utf8();
        if ch.is_whitespace() {
            let spacey = matches!(ch, '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{2007}');
            gap = match gap {
                Gap::None if spacey => Gap::Space,
                Gap::None | Gap::Space => {
                    if ch == '\u{2028}' || ch == '\u{2029}' || ch == '\u{85}' {
                        Gap::Line
                    } else {
                        Gap::Wide
                    }
                }
                g => g,
            };
            i += len;
            continue;
        }
        let start = i;
        let kind = if ch.is_alphabetic() {
            i = word_end(src, i);
            Kind::Word
        } else {
            i += len;
            Kind::Punct(ch)
        };
        let gates = if kind == Kind::Word {
            word_gates(bytes, start, i)
        } else {
            0
        };
        out.push(Token {
            kind,
            start,
            end: i,
            gap,
            gates,
        });
        gap = Gap::None;
    }
    out
}

/// End of the alphabetic run starting at byte `i`.
fn word_end(src: &str, mut i: usize) -> usize {
    let bytes = src.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            break;
        }
        match src.get(i..).and_then(|s| s.chars().next()) {
            Some(ch) if ch.is_alphabetic() => i += ch.len_utf8(),
            _ => break,
        }
    }
    i
}

/// A quick negative test for membership in a fixed list of lower-case ASCII words: one bit per
/// (first letter, last letter, length) of the listed words. A word whose bit is clear is not in
/// the list; a set bit says nothing (the caller still compares the word). Built at compile time.
#[derive(Debug)]
pub(crate) struct WordGate {
    /// Per first letter × last letter, the lengths (bits 1..=31) of listed words.
    bits: [u32; 26 * 26],
}

impl WordGate {
    /// The gate of the words of `lists` (lower-case ASCII letters, 1 to 31 bytes each).
    pub(crate) const fn new(lists: &[&[&str]]) -> Self {
        let mut bits = [0u32; 26 * 26];
        let mut i = 0;
        while i < lists.len() {
            let words = lists[i];
            let mut k = 0;
            while k < words.len() {
                let w = words[k].as_bytes();
                assert!(!w.is_empty() && w.len() < 32, "word length");
                let (f, l) = (w[0], w[w.len() - 1]);
                assert!(
                    f.is_ascii_lowercase() && l.is_ascii_lowercase(),
                    "lower-case word"
                );
                bits[(f - b'a') as usize * 26 + (l - b'a') as usize] |= 1 << w.len();
                k += 1;
            }
            i += 1;
        }
        Self { bits }
    }

    /// False when `w` is surely not one of the words.
    #[cfg(test)]
    pub(crate) fn may_contain(&self, w: &str) -> bool {
        let b = w.as_bytes();
        let (Some(&f), Some(&l)) = (b.first(), b.last()) else {
            return false;
        };
        self.may_contain_parts(f, l, b.len())
    }

    /// [`WordGate::may_contain`] of a word of `len` bytes whose first and last bytes are `f`
    /// and `l`.
    #[cfg(test)]
    pub(crate) fn may_contain_parts(&self, f: u8, l: u8, len: usize) -> bool {
        Self::slot(f, l, len).is_some_and(|slot| self.has(slot, len))
    }

    /// The slot of [`WordGate::bits`] for a word with first and last bytes `f` and `l` and
    /// `len` bytes; `None` when no gate holds such a word (not lower-case letters at both
    /// ends, or 32 bytes or more).
    #[inline]
    pub(crate) fn slot(f: u8, l: u8, len: usize) -> Option<usize> {
        if !f.is_ascii_lowercase() || !l.is_ascii_lowercase() || len >= 32 {
            return None;
        }
        Some((f - b'a') as usize * 26 + (l - b'a') as usize)
    }

    /// True when a listed word of `len` bytes has the shape of `slot` (from [`WordGate::slot`]).
    #[cfg(test)]
    pub(crate) fn has(&self, slot: usize, len: usize) -> bool {
        self.bits.get(slot).is_some_and(|b| b & (1 << len) != 0)
    }
}

/// The lower-cased text of word token `t`, sliced from `low`, the ASCII-lower-cased copy of
/// the source (same byte offsets); empty for non-words.
pub(crate) fn lw<'a>(low: &'a str, t: &Token) -> &'a str {
    if !t.is_word() {
        return "";
    }
    low.get(t.start..t.end).unwrap_or("")
}

/// True when the word starts with an upper-case letter.
pub(crate) fn is_capitalised(src: &str, t: &Token) -> bool {
    t.text(src).chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_numbers_punct() {
        let s = "COVID-19: 12\u{202f}344 cases.\n\nNext";
        let t = tokenize(s);
        let texts: Vec<&str> = t.iter().map(|t| t.text(s)).collect();
        assert_eq!(
            texts,
            ["COVID", "-", "19", ":", "12", "344", "cases", ".", "Next"]
        );
        assert_eq!(t[5].gap, Gap::Space);
        assert_eq!(t[8].gap, Gap::Blank);
        assert_eq!(t[1].gap, Gap::None);
    }

    #[test]
    fn lower_slices_keep_offsets() {
        let s = "Côte CaSeS";
        let low = s.to_ascii_lowercase();
        let t = tokenize(s);
        assert_eq!(lw(&low, &t[1]), "cases");
        assert_eq!(lw(&low, &t[0]), "côte");
    }

    /// The gate bits the tokeniser sets are the gates' answers for the lower-cased word.
    fn gates_agree(s: &str) {
        let low = s.to_ascii_lowercase();
        for t in tokenize(s) {
            let w = lw(&low, &t);
            let number = t.is_word() && crate::count::number::NUMBER_START.may_contain(w);
            let date = t.is_word() && crate::date::DATE_START.may_contain(w);
            assert_eq!(t.gates & GATE_NUMBER != 0, number, "{w:?} in {s:?}");
            assert_eq!(t.gates & GATE_DATE != 0, date, "{w:?} in {s:?}");
        }
    }

    #[test]
    fn gate_bits_are_the_gates_answers() {
        gates_agree(
            "Twenty-Five cases on Monday, 3 March; since JANUARY one Hundred and \
             éleven Zürich a dozen thirtieth week x",
        );
    }

    proptest::proptest! {
        #[test]
        fn gate_bits_are_the_gates_answers_on_any_text(
            s in r"([A-Za-z]{1,12}|[0-9]{1,3}|[ ,.\-]|é|ß|Ü|\PC){0,30}"
        ) {
            gates_agree(&s);
        }
    }
}
