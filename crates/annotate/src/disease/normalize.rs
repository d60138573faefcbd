//! The text normalisation the disease matcher searches: one pass over the input that folds the
//! spelling variants news uses for the same name, and remembers where each output byte came from
//! so that matches map back to exact spans of the original.
//!
//! - Runs of separators (white space of any kind, hyphens and dashes, apostrophes straight or
//!   curly) become one ASCII space: `COVID-19`, `COVID 19` and `COVID–19` read alike, and so do
//!   `Legionnaires' disease`, `Legionnaires ’ disease` and `Legionnaires disease`.
//! - Separators next to a parenthesis vanish: `A(H5N1)`, `A (H5N1)` and `A ( H5N1 )` read alike.
//! - Accented Latin letters fold to their base letter (`é` → `e`); combining marks vanish.
//! - Other non-ASCII letters and digits become the byte [`OTHER_WORD`] (they still join words,
//!   so `Ebola` is not found in `Ebolaé`); other non-ASCII characters become `.`.
//!
//! Letter case is kept: the automaton is ASCII case-insensitive and abbreviations are checked
//! against the original case afterwards.

/// The byte that stands for a non-ASCII letter or digit in normalised text.
pub(crate) const OTHER_WORD: u8 = 0x80;

/// Normalised text and the way back: for each of its bytes, the byte offset in the original of
/// the character it came from.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    /// The normalised bytes (ASCII plus [`OTHER_WORD`]).
    pub(crate) bytes: Vec<u8>,
    /// Segments `(normalised start, original start)`, in order: within a segment, normalised
    /// and original bytes correspond one to one. Most text is one long segment per line, so
    /// this costs far less than an offset per byte.
    segments: Vec<(u32, u32)>,
}

impl Normalized {
    /// Where the character behind normalised byte `i` starts in the original.
    pub(crate) fn origin(&self, i: usize) -> usize {
        let k = self.segments.partition_point(|&(n, _)| n as usize <= i);
        match k.checked_sub(1).and_then(|k| self.segments.get(k)) {
            Some(&(n, o)) => o as usize + (i - n as usize),
            None => 0,
        }
    }

    /// Empties it (the buffers are kept).
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.segments.clear();
    }

    /// Starts a segment at original byte `orig` for the bytes appended next (to
    /// [`Normalized::bytes`] or by the methods below), unless they continue the last one.
    #[inline]
    pub(crate) fn mark(&mut self, orig: usize) {
        let at = self.bytes.len();
        let contiguous = self
            .segments
            .last()
            .is_some_and(|&(n, o)| o as usize + (at - n as usize) == orig);
        if !contiguous {
            self.segments.push((at as u32, orig as u32));
        }
    }

    /// Appends `bytes` that come one to one from the original at `orig`.
    #[inline]
    fn push_run(&mut self, bytes: &[u8], orig: usize) {
        self.mark(orig);
        self.bytes.extend_from_slice(bytes);
    }

    /// Appends one byte standing for the character at `orig`.
    #[inline]
    pub(crate) fn push_one(&mut self, byte: u8, orig: usize) {
        self.push_run(&[byte], orig);
    }
}

/// True for bytes that are part of a word in normalised text (`_` too, as in `\w`: ProMED writes
/// taxon names as `_Salmonella_`, which are not disease mentions).
#[inline]
pub(crate) fn is_word(b: u8) -> bool {
    WORD[b as usize]
}

/// `WORD[b]`: see [`is_word`].
static WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == OTHER_WORD;
        b += 1;
    }
    t
};

/// What one input character becomes.
enum Out {
    /// A byte of the normalised text.
    Byte(u8),
    /// A parenthesis: separators on either side are dropped.
    Paren(u8),
    /// A separator.
    Sep,
    /// Nothing at all (combining marks, soft hyphens, zero-width characters).
    Skip,
}

#[inline]
fn classify_ascii(b: u8) -> Out {
    match b {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'-' | b'\'' | b'`' => Out::Sep,
        b'(' | b')' => Out::Paren(b),
        _ => Out::Byte(b),
    }
}

fn classify_other(c: char) -> Out {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Out::Sep,
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{00B4}' | '\u{2032}' => Out::Sep,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Out::Skip,
        '\u{0300}'..='\u{036F}' => Out::Skip,
        '\u{FF08}' => Out::Paren(b'('),
        '\u{FF09}' => Out::Paren(b')'),
        c if c.is_whitespace() => Out::Sep,
        c => match fold_latin(c) {
            Some(b) => Out::Byte(b),
            None if c.is_alphanumeric() => Out::Byte(OTHER_WORD),
            None => Out::Byte(b'.'),
        },
    }
}

/// The ASCII base letter of an accented Latin letter.
fn fold_latin(c: char) -> Option<u8> {
    let b = match c {
        'À'..='Å' | 'Ā' | 'Ă' | 'Ą' => b'A',
        'à'..='å' | 'ā' | 'ă' | 'ą' => b'a',
        'Ç' | 'Ć' | 'Č' => b'C',
        'ç' | 'ć' | 'č' => b'c',
        'È'..='Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => b'E',
        'è'..='ë' | 'ē' | 'ė' | 'ę' | 'ě' => b'e',
        'Ì'..='Ï' | 'Ī' | 'Į' | 'İ' => b'I',
        'ì'..='ï' | 'ī' | 'į' | 'ı' => b'i',
        'Ñ' | 'Ń' | 'Ň' => b'N',
        'ñ' | 'ń' | 'ň' => b'n',
        'Ò'..='Ö' | 'Ø' | 'Ō' | 'Ő' => b'O',
        'ò'..='ö' | 'ø' | 'ō' | 'ő' => b'o',
        'Ù'..='Ü' | 'Ū' | 'Ů' | 'Ű' => b'U',
        'ù'..='ü' | 'ū' | 'ů' | 'ű' => b'u',
        'Ý' | 'Ÿ' => b'Y',
        'ý' | 'ÿ' => b'y',
        'Š' | 'Ś' | 'Ş' => b'S',
        'š' | 'ś' | 'ş' => b's',
        'Ž' | 'Ź' | 'Ż' => b'Z',
        'ž' | 'ź' | 'ż' => b'z',
        _ => return None,
    };
    Some(b)
}

/// Byte classes for the ASCII fast path.
const PLAIN: u8 = 0;
const SPECIAL: u8 = 1;

/// `CLASS[b]` is [`PLAIN`] for ASCII bytes copied as they are, [`SPECIAL`] otherwise.
static CLASS: [u8; 256] = {
    let mut t = [SPECIAL; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'-' | b'\'' | b'`' | b'(' | b')' => {
                SPECIAL
            }
            _ => PLAIN,
        };
        b += 1;
    }
    t
};

/// Normalises `text` into `out` (cleared first), so buffers can be reused between documents.
/// Offsets are stored as `u32`: callers must not pass text of 4 GiB or more.
pub(crate) fn normalize_into(text: &str, out: &mut Normalized) {
    out.bytes.clear();
    out.segments.clear();
    out.bytes.reserve(text.len());
    let bytes = text.as_bytes();
    // Where a pending run of separators started, if one is pending.
    let mut pending_sep: Option<u32> = None;
    // True right after a parenthesis: separators are dropped until the next byte.
    let mut after_paren = false;
    let mut i = 0usize;
    while i < bytes.len() {
        // Fast path: a run of ASCII bytes that are copied unchanged.
        // A single space between two plain bytes is copied too: it is what separators
        // normalise to anyway.
        let run = i;
        while i < bytes.len() {
            if CLASS[bytes[i] as usize] == PLAIN {
                i += 1;
            } else if bytes[i] == b' '
                && i > run
                && bytes
                    .get(i + 1)
                    .is_some_and(|&n| CLASS[n as usize] == PLAIN)
            {
                i += 2;
            } else {
                break;
            }
        }
        if i > run {
            if let Some(sep_at) = pending_sep.take() {
                out.push_one(b' ', sep_at as usize);
            }
            out.push_run(&bytes[run..i], run);
            after_paren = false;
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        let (out_kind, width) = if b < 0x80 {
            (classify_ascii(b), 1)
        } else {
            match text.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => (classify_other(c), c.len_utf8()),
                // Unreachable for a valid `str`; keep going byte by byte regardless.
                None => (Out::Byte(b'.'), 1),
            }
        };
        let at = i as u32;
        match out_kind {
            Out::Sep => {
                if !after_paren && !out.bytes.is_empty() && pending_sep.is_none() {
                    pending_sep = Some(at);
                }
            }
            Out::Paren(p) => {
                pending_sep = None;
                out.push_one(p, at as usize);
                after_paren = true;
            }
            Out::Byte(c) => {
                if let Some(sep_at) = pending_sep.take() {
                    out.push_one(b' ', sep_at as usize);
                }
                out.push_one(c, at as usize);
                after_paren = false;
            }
            Out::Skip => {}
        }
        i += width;
    }
}

/// What the character `c` adds to normalised text: `Some(true)` a word byte, `Some(false)` a
/// byte that is not part of a word or a separator or parenthesis, `None` nothing (combining
/// marks, soft hyphens, zero-width characters).
pub(crate) fn emits_word(c: char) -> Option<bool> {
    let out = if c.is_ascii() {
        classify_ascii(c as u8)
    } else {
        classify_other(c)
    };
    match out {
        Out::Byte(b) => Some(is_word(b)),
        Out::Paren(_) | Out::Sep => Some(false),
        Out::Skip => None,
    }
}

/// True for the ASCII bytes normalisation copies as they are (not white space, a hyphen, an
/// apostrophe or a parenthesis): a run of them, with single spaces between, is its own
/// normalisation.
#[inline]
pub(crate) fn is_plain(b: u8) -> bool {
    CLASS[b as usize] == PLAIN
}

/// True for the ASCII bytes that normalise to a separator (white space, hyphen, apostrophes).
#[inline]
pub(crate) fn is_ascii_separator(b: u8) -> bool {
    b < 0x80 && matches!(classify_ascii(b), Out::Sep)
}

/// Normalises one lexicon term the way [`normalize_into`] normalises text.
pub(crate) fn normalize_term(term: &str) -> Vec<u8> {
    let mut n = Normalized::default();
    normalize_into(term, &mut n);
    n.bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        String::from_utf8_lossy(&normalize_term(s)).into_owned()
    }

    #[test]
    fn separators_fold() {
        assert_eq!(norm("COVID-19"), "COVID 19");
        assert_eq!(norm("COVID \u{2013} 19"), "COVID 19");
        assert_eq!(norm("COVID\u{00A0}19"), "COVID 19");
        assert_eq!(norm("Legionnaires ' disease"), "Legionnaires disease");
        assert_eq!(norm("Legionnaires\u{2019} disease"), "Legionnaires disease");
        assert_eq!(norm("  leading and trailing  "), "leading and trailing");
    }

    #[test]
    fn parentheses_fold() {
        assert_eq!(norm("A(H5N1)"), "A(H5N1)");
        assert_eq!(norm("A (H5N1)"), "A(H5N1)");
        assert_eq!(norm("A ( H5N1 )"), "A(H5N1)");
        assert_eq!(norm("A\u{FF08}H5N1\u{FF09}"), "A(H5N1)");
    }

    #[test]
    fn accents_fold_and_origin_points_back() {
        let text = "Crimée fièvre";
        let mut n = Normalized::default();
        normalize_into(text, &mut n);
        assert_eq!(n.bytes, b"Crimee fievre");
        // Every byte maps back to the start of its character.
        let starts: Vec<usize> = (0..n.bytes.len()).map(|i| n.origin(i)).collect();
        assert_eq!(starts, vec![0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14]);
        // The folded `e` of `é` points at the start of `é`.
        assert_eq!(Some(n.origin(4)), text.find('é'));
    }

    #[test]
    fn other_letters_are_word_bytes() {
        let n = normalize_term("Ebolaд");
        assert_eq!(n.last().copied(), Some(OTHER_WORD));
        assert!(is_word(OTHER_WORD));
        assert_eq!(normalize_term("“flu”"), b".flu.");
    }
}
