use proptest::prelude::*;

use super::*;
use crate::count::{self, number};
use crate::date;

/// The tokeniser before the eighth round (tok10), kept as the reference of the tests: splits
/// `src` into tokens and numbers their sentences (the rule of [`Tokens::new`]) in the same pass; `low` is `src` ASCII-lower-cased. `out` and `sent` are emptied and filled (their
/// buffers reused).
fn tokenize_reference(
    src: &str,
    low: &[u8],
    mut out: Vec<Token>,
    mut sent: Vec<u32>,
) -> (Vec<Token>, Vec<u32>) {
    let lex = &*LEXICON;
    out.clear();
    out.reserve(src.len() / 4 + 4);
    sent.clear();
    sent.reserve(src.len() / 4 + 4);
    let mut split = SplitReference {
        sent,
        s: 0,
        prev_end: false,
        prev: None,
    };
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
            let (kind, class) = if b.is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                (Kind::Num, number_class_reference(&src[start..i]))
            } else if b.is_ascii_alphabetic() {
                // ASCII letters without a call; the first other byte ends the word unless it
                // starts a non-ASCII letter.
                i = crate::ascii::letters_end(bytes, i + 1);
                let mut ascii = true;
                if i < bytes.len() && bytes[i] >= 0x80 {
                    let e = word_end(src, i);
                    ascii = e == i;
                    i = e;
                }
                (
                    Kind::Word,
                    class_at(lex, low, start, i, b.is_ascii_uppercase(), ascii),
                )
            } else {
                i += 1;
                (Kind::Punct(b as char), class::PUNCT)
            };
            let t = Token {
                kind,
                start,
                end: i,
                gap,
                class,
            };
            split.push(&t);
            out.push(t);
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
        let (kind, class) = if ch.is_alphabetic() {
            i = word_end(src, i);
            (
                Kind::Word,
                class_at(lex, low, start, i, ch.is_uppercase(), false),
            )
        } else {
            i += len;
            (Kind::Punct(ch), class::PUNCT | class::NON_ASCII_PUNCT)
        };
        let t = Token {
            kind,
            start,
            end: i,
            gap,
            class,
        };
        split.push(&t);
        out.push(t);
        gap = Gap::None;
    }
    (out, split.sent)
}

/// The sentence split of [`tokenize_reference`], one token at a time.
struct SplitReference {
    sent: Vec<u32>,
    s: u32,
    /// The previous token ends a sentence ('.', '!', '?' or ';').
    prev_end: bool,
    /// The previous token's kind.
    prev: Option<Kind>,
}

impl SplitReference {
    /// Numbers the sentence of the next token `t`.
    #[inline(always)]
    fn push(&mut self, t: &Token) {
        let line_break = t.gap == Gap::Line
            && self.prev.is_some_and(|p| {
                // `matches!`, not the derived `==` (which compares the characters of any two
                // punctuation kinds).
                matches!(p, Kind::Num)
                    || (t.class & class::CAP != 0 && !matches!(p, Kind::Word | Kind::Punct(',')))
            });
        if self.prev_end && t.gap != Gap::None || t.gap == Gap::Blank || line_break {
            self.s += 1;
        }
        self.sent.push(self.s);
        self.prev_end = matches!(t.kind, Kind::Punct('.' | '!' | '?' | ';'));
        self.prev = Some(t.kind);
    }
}

/// The tokeniser before the class table (kind, span and gap of each token), for comparison.
fn reference_tokens(src: &str) -> Vec<(Kind, usize, usize, Gap)> {
    let mut out = Vec::new();
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
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                Kind::Num
            } else if b.is_ascii_alphabetic() {
                i = word_end(src, i);
                Kind::Word
            } else {
                i += 1;
                Kind::Punct(b as char)
            };
            out.push((kind, start, i, gap));
            gap = Gap::None;
            continue;
        }
        let ch = src[i..].chars().next().unwrap();
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
        out.push((kind, start, i, gap));
        gap = Gap::None;
    }
    out
}

/// The sentence split of the count recogniser before the shared stream (capitalisation read
/// from the text), for comparison.
fn reference_sentences(src: &str, toks: &[Token]) -> Vec<u32> {
    let cap = |t: &Token| t.text(src).chars().next().is_some_and(char::is_uppercase);
    let mut out = Vec::with_capacity(toks.len());
    let mut s = 0u32;
    let mut prev_end = false;
    let mut prev: Option<&Token> = None;
    for t in toks {
        let line_break = t.gap == Gap::Line
            && prev.is_some_and(|p| {
                p.is_num() || (t.is_word() && cap(t) && !p.is_word() && !p.is_punct(','))
            });
        if prev_end && t.gap != Gap::None || t.gap == Gap::Blank || line_break {
            s += 1;
        }
        out.push(s);
        prev_end = matches!(t.kind, Kind::Punct('.' | '!' | '?' | ';'));
        prev = Some(t);
    }
    out
}

/// Each class bit of each word token is its predicate's answer for the lower-cased word, and
/// other tokens have no bits.
fn classes_agree(src: &str, tk: &Tokens) {
    let cues = crate::response::cue_first_words();
    let items = crate::response::item_first_words();
    let leads = crate::response::item_lead_words();
    let resp_words = crate::response::table_words();
    static DISEASES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let diseases = DISEASES
        .get_or_init(|| crate::disease::first_letter_runs(crate::disease::EMBEDDED_LEXICON));
    for t in &tk.toks {
        if !t.is_word() {
            let kind = if t.is_num() {
                number_class_reference(t.text(src))
            } else if t.text(src).is_ascii() {
                class::PUNCT
            } else {
                class::PUNCT | class::NON_ASCII_PUNCT
            };
            assert_eq!(t.class, kind, "{:?} in {src:?}", t.text(src));
            continue;
        }
        let w = lw(&tk.low, t);
        let expect = [
            (class::ARTICLE, matches!(w, "a" | "an" | "the")),
            (class::METRIC, count::metric_word(w).is_some()),
            (class::PERSON, count::person_word(w).is_some()),
            (class::SCOPE, count::scope_cue(w).is_some()),
            (class::SCOPE_AUX, count::scope_aux_word(w)),
            (class::NUM_PREFIX, count::num_prefix_word(w)),
            (class::RIGHT_WORD, count::right_word(w)),
            (class::SCALE, number::scale_after(w)),
            (class::SPEECH, crate::quote::SPEECH.contains(&w)),
            (class::STATUS, count::status_word(w).is_some()),
            (class::FILLER, count::filler_word(w)),
            (class::FUNCTION, count::function_word(w)),
            (class::UNIT, count::unit_word(w)),
            (class::ID_PREFIX, count::id_prefix(w)),
            (class::HEAD, count::head_noun(w)),
            (class::NUMBER_START, number::starts_number(w)),
            (class::DATE_START, date::date_start_word(w)),
            (class::MONTH, date::month_word(w).is_some()),
            (class::WEEKDAY, date::weekday_word(w).is_some()),
            (
                class::CAP,
                t.text(src).chars().next().is_some_and(char::is_uppercase),
            ),
            (class::CUE, cues.iter().any(|c| c == w)),
            (
                class::RESP_ITEM,
                w.len() <= MAX_WORD && items.iter().any(|c| c == w),
            ),
            (
                class::RESP_LEAD,
                w.len() <= MAX_WORD && leads.iter().any(|c| c == w),
            ),
            (
                class::RESP_WORD,
                w.len() <= MAX_WORD && resp_words.contains(&w),
            ),
            (class::NON_ASCII, !t.text(src).is_ascii()),
            (class::LONG, t.end - t.start > MAX_WORD),
            // Longer words are in no list: the disease search visits them all.
            (
                class::DISEASE,
                w.len() <= MAX_WORD && diseases.binary_search_by(|d| d.as_str().cmp(w)).is_ok(),
            ),
        ];
        let mut all = 0;
        for (bit, want) in expect {
            assert_eq!(t.class & bit != 0, want, "bit {bit:#x} of {w:?} in {src:?}");
            all |= bit;
        }
        assert_eq!(t.class & !all, 0, "{w:?}");
    }
}

/// The stream of `src` against the references: same tokens, spans that cover every
/// non-whitespace character once and no whitespace, classes, sentences.
fn check(src: &str) {
    let tk = Tokens::new(src);
    let got: Vec<(Kind, usize, usize, Gap)> = tk
        .toks
        .iter()
        .map(|t| (t.kind, t.start, t.end, t.gap))
        .collect();
    assert_eq!(got, reference_tokens(src), "{src:?}");
    let mut at = 0;
    for t in &tk.toks {
        assert!(t.start >= at && t.end > t.start, "{src:?}");
        let between = &src[at..t.start];
        assert!(
            between.chars().all(char::is_whitespace),
            "{between:?} in {src:?}"
        );
        let text = &src[t.start..t.end];
        assert!(!text.chars().any(char::is_whitespace), "{text:?}");
        at = t.end;
    }
    assert!(src[at..].chars().all(char::is_whitespace), "{src:?}");
    assert_eq!(tk.low, src.to_ascii_lowercase());
    assert_eq!(tk.sent, reference_sentences(src, &tk.toks), "{src:?}");
    classes_agree(src, &tk);
    same_as_the_reference_tokeniser(src);
}

/// The tokens (kinds, spans, gaps, class bits) and sentence numbers of `src` are those of
/// `tokenize_reference`, the loop the chunked word reading replaced.
fn same_as_the_reference_tokeniser(src: &str) {
    let tk = Tokens::new(src);
    let (toks, sent) = tokenize_reference(src, tk.low.as_bytes(), Vec::new(), Vec::new());
    assert_eq!(tk.toks, toks, "{src:?}");
    assert_eq!(tk.sent, sent, "{src:?}");
}

/// The class bits of the number `digits` by their definition: [`class::NUM`], with
/// [`class::DISEASE_NUM`] when they are the leading digits (at most eight) of a term of the
/// embedded disease lexicon.
fn number_class_reference(digits: &str) -> u32 {
    static RUNS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let runs =
        RUNS.get_or_init(|| crate::disease::first_digit_runs(crate::disease::EMBEDDED_LEXICON));
    if digits.len() <= 8 && runs.iter().any(|r| r == digits) {
        class::NUM | class::DISEASE_NUM
    } else {
        class::NUM
    }
}

#[test]
fn the_leading_digits_of_disease_terms_are_marked() {
    let runs = crate::disease::first_digit_runs(crate::disease::EMBEDDED_LEXICON);
    assert_eq!(
        runs,
        ["2019"],
        "the lexicon's leading digits changed: check the tests"
    );
    assert_eq!(number_class(b"2019"), class::NUM | class::DISEASE_NUM);
    for other in [
        "201",
        "20190",
        "02019",
        "2018",
        "3019",
        "2119",
        "1",
        "123456789",
    ] {
        assert_eq!(number_class(other.as_bytes()), class::NUM, "{other}");
    }
    // At every offset and before every kind of byte, in the main loop and the plain run.
    for end in ["", " ", "-nCoV", "0", ".", "é", "a", "\n", "2019"] {
        for pad in 0..12 {
            for pre in ["x ".repeat(pad), "x".repeat(pad) + " ", "é ".repeat(pad)] {
                let src = format!("{pre}2019{end} 20190 2019 1 2019");
                check(&src);
                let tk = Tokens::new(&src);
                let marked = tk.toks.iter().filter(|t| t.has(class::DISEASE_NUM)).count();
                // "20190", "20192019": the first number is another.
                let want = if matches!(end, "0" | "2019") { 2 } else { 3 };
                assert_eq!(marked, want, "{src:?}");
            }
        }
    }
}

/// Every word of every list, as written and capitalised.
fn listed_words() -> Vec<String> {
    let mut out = Vec::new();
    for (list, _) in class_lists() {
        for w in list {
            out.push((*w).to_string());
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.push(f.to_uppercase().chain(c).collect());
            }
            out.push(w.to_uppercase());
        }
    }
    for list in date::DATE_START_LISTS {
        out.extend(list.iter().map(|w| (*w).to_string()));
    }
    for w in crate::response::cue_first_words() {
        out.push(w.to_uppercase());
        out.push(w);
    }
    for w in crate::response::table_words() {
        out.push(w.to_uppercase());
        out.push(w.to_string());
    }
    out
}

#[test]
fn splits_words_numbers_punct() {
    let s = "COVID-19: 12\u{202f}344 cases.\n\nNext";
    let t = Tokens::new(s).toks.clone();
    let texts: Vec<&str> = t.iter().map(|t| t.text(s)).collect();
    assert_eq!(
        texts,
        ["COVID", "-", "19", ":", "12", "344", "cases", ".", "Next"]
    );
    assert_eq!(t[5].gap, Gap::Space);
    assert_eq!(t[8].gap, Gap::Blank);
    assert_eq!(t[1].gap, Gap::None);
    assert!(t[0].has(class::CAP) && t[6].has(class::METRIC | class::HEAD));
    check(s);
}

/// The table compares no length on the tokeniser's path (letters are never 0, so the packed
/// bytes fix it); `listed_class` still tells a word with 0 bytes from the word before them.
#[test]
fn words_with_zero_bytes_are_not_the_listed_words() {
    for w in listed_words() {
        let low = w.to_ascii_lowercase();
        assert_ne!(listed_class(&low), 0, "{low:?}");
        for z in [format!("{low}\0"), format!("{low}\0\0"), format!("\0{low}")] {
            assert_eq!(listed_class(&z), 0, "{z:?}");
        }
    }
}

#[test]
fn lower_slices_keep_offsets() {
    let s = "Côte CaSeS";
    let tk = Tokens::new(s);
    assert_eq!(lw(&tk.low, &tk.toks[1]), "cases");
    assert_eq!(lw(&tk.low, &tk.toks[0]), "côte");
    assert!(tk.toks[1].has(class::METRIC));
}

/// (A listed word with a digit, "km2", is never one word token: the bit and the predicate
/// still agree on every token.)
#[test]
fn every_listed_word_fits_the_table() {
    for (list, _) in class_lists() {
        for w in list {
            assert!(
                !w.is_empty()
                    && w.len() <= MAX_WORD
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{w}"
            );
        }
    }
    let cues = crate::response::cue_first_words();
    for w in &cues {
        assert!(
            !w.is_empty() && w.len() <= MAX_WORD && w.bytes().all(|b| b.is_ascii_lowercase()),
            "{w}"
        );
    }
    let items = crate::response::item_first_words();
    for w in &items {
        assert!(
            !w.is_empty() && w.len() <= MAX_WORD && w.bytes().all(|b| b.is_ascii_lowercase()),
            "{w}"
        );
    }
    let diseases = crate::disease::first_letter_runs(crate::disease::EMBEDDED_LEXICON);
    // A word in several lists takes one slot: the distinct words fill the table.
    let mut all: std::collections::BTreeSet<&str> = class_lists()
        .iter()
        .flat_map(|(l, _)| l.iter().copied())
        .collect();
    all.extend(
        cues.iter()
            .chain(&items)
            .chain(&diseases)
            .map(String::as_str),
    );
    all.extend(crate::response::table_words());
    let n = all.len();
    assert!(4 * n <= 1 << TABLE_BITS, "{n} words");
}

#[test]
fn listed_words_and_their_neighbours_get_their_classes() {
    let words = listed_words();
    // Each word alone, and the words run together with separators, prefixes and suffixes
    // (a listed word with one more letter, or one less, is another word).
    let mut text = String::new();
    for w in &words {
        check(w);
        text.push_str(w);
        text.push(' ');
        text.push_str(&w[..w.len() - 1]);
        text.push_str(", x");
        text.push_str(w);
        text.push(' ');
        text.push_str(w);
        text.push_str("s.\n");
    }
    check(&text);
}

/// The code-point index (`epiwire_model::CharIndex`, its 64-byte blocks) maps every byte of
/// every seed and DON text as counting the characters does.
#[test]
fn the_code_point_index_counts_characters_on_the_seed_and_don_texts() {
    for text in crate::test_util::seed_and_don_texts() {
        let idx = epiwire_model::CharIndex::new(&text);
        let mut n = 0;
        for (byte, ch) in text.char_indices() {
            for b in byte..byte + ch.len_utf8() {
                assert_eq!(idx.char_offset(b), n, "byte {b}");
            }
            n += 1;
        }
        assert_eq!(idx.char_offset(text.len()), n);
        assert_eq!(idx.char_offset(text.len() + 100), n);
    }
}

#[test]
fn the_seed_and_don_texts_agree() {
    for text in crate::test_util::seed_and_don_texts() {
        check(&text);
    }
}

#[test]
fn words_longer_than_the_table_have_no_list_bits() {
    let s = "hospitalisationsx Immunisationsly quarantinedly";
    let tk = Tokens::new(s);
    assert_eq!(tk.toks[0].class, class::LONG);
    assert_eq!(tk.toks[1].class, class::CAP | class::FUNCTION);
    check(s);
}

/// Words of every length from 1 to 20 letters (across the two eight-byte chunks and past the
/// table's 16), in any case, ending in "ly" or not, before every kind of byte that can end
/// them (ASCII, a non-ASCII letter, non-ASCII punctuation, the end of the text), at every
/// distance from the end of the text.
#[test]
fn tokens_equal_the_reference_tokeniser_on_words_of_every_length() {
    let ends = [
        "", " ", "  ", ".", ",", "\n", "\n\n", "é", "’", "\u{a0}", "7", "-x", " Ab", "ly",
    ];
    for len in 1..=20 {
        for stem in [
            "abcdefghijklmnopqrstuvwxyz",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "Monthly",
        ] {
            let mut w: String = stem.chars().cycle().take(len).collect();
            for suffix in ["", "ly"] {
                w.push_str(suffix);
                for end in ends {
                    for pre in ["", "x ", "12 ", "3. ", "\n"] {
                        check(&format!("{pre}{w}{end}"));
                        same_as_the_reference_tokeniser(&format!(
                            "{pre}{w}{end} and then some more words here"
                        ));
                    }
                }
            }
        }
    }
}

#[test]
fn tokens_equal_the_reference_tokeniser_on_the_seed_and_don_texts() {
    for text in crate::test_util::seed_and_don_texts() {
        same_as_the_reference_tokeniser(&text);
    }
    for text in crate::test_util::don_titles() {
        same_as_the_reference_tokeniser(&text);
    }
}

/// `lookup_short` (no second key word, no length) answers as `lookup` for every listed word of
/// one to seven bytes, the word one letter shorter or longer, and the word with a 0 byte.
#[test]
fn the_short_probe_answers_as_the_full_lookup() {
    let lex = &*LEXICON;
    for w in listed_words() {
        let low = w.to_ascii_lowercase();
        for v in [
            low.clone(),
            format!("{low}s"),
            format!("{low}\0"),
            low[..low.len() - 1].to_string(),
        ] {
            let b = v.as_bytes();
            if b.is_empty() || b.len() > 7 {
                continue;
            }
            let (w0, w1) = pack(b, 0, b.len());
            assert_eq!(w1, 0);
            if !b.contains(&0) {
                assert_eq!(lex.lookup_short(w0), lex.lookup(b, 0, b.len()), "{v:?}");
            }
        }
    }
}

/// Texts of more tokens than the token vector is first sized for (a quarter of the bytes): the
/// plain run hands back when the vector is full, and the tokens are those of the reference.
#[test]
fn texts_of_short_tokens_fill_the_reserved_vector() {
    for unit in ["a ", "a,", "1 ", "1,", "(a)", "I a 7 ,", "ab-", "x1y2"] {
        for n in [1, 2, 3, 7, 8, 9, 63, 64, 65, 200] {
            let s = unit.repeat(n);
            check(&s);
            check(&format!("{s}end. {s}"));
        }
    }
}

/// Words and numbers of every length from 1 to 20 at every distance from the end of the text
/// and from the start of an eight-byte load (the plain run reads words and numbers from two
/// eight-byte loads and hands the last eight bytes of the text to the main loop), after
/// every kind of token and before every kind of byte.
#[test]
fn words_and_numbers_at_every_offset_agree_with_the_reference() {
    let ends = ["", " ", ",", ".", "é", "’", "-", "  ", "\n", "7", "a"];
    for len in 1..=20 {
        let word: String = "abcdefghijklmnopqrstuvwxyz".chars().take(len).collect();
        let caps: String = "EpidemiologicalXYZAB".chars().take(len).collect();
        let num: String = "12345678901234567890".chars().take(len).collect();
        for tok in [&word, &caps, &num] {
            for end in ends {
                for pad in 0..10 {
                    let pre = "x ".repeat(pad);
                    check(&format!("{pre}{tok}{end}"));
                    check(&format!("{pre}{tok}{end} the {tok} 1{end}"));
                }
            }
        }
    }
}

proptest! {
    /// Random mixes of ASCII words, numbers, punctuation, spaces and multibyte characters,
    /// in runs that cross the eight- and sixteen-byte loads, at every length.
    #[test]
    fn tokens_equal_the_reference_tokeniser_on_mixed_runs(
        s in r"([a-z]{1,7}|[A-Za-z]{8,17}|[0-9]{1,10}|[ ,()\-/]|[.;!?]|é|ß|’|\u{a0}|\u{2028}|\n|ly|\x00|\x7f|[{|}~]){0,60}"
    ) {
        check(&s);
    }

    #[test]
    fn tokens_equal_the_reference_tokeniser_on_random_text(
        s in r"([A-Za-z]{1,20}|[0-9]{1,3}|[ ,.;:!?()\-]|  |\n|\n\n|\t|\u{a0}|é|ß|Ü|’|\u{2028}|\PC){0,40}"
    ) {
        check(&s);
    }

    #[test]
    fn any_text_agrees_with_the_references(
        s in r"([A-Za-z]{1,12}|[0-9]{1,3}|[ ,.;:()\-]|\n|\n\n|\u{a0}|é|ß|Ü|\PC){0,40}"
    ) {
        check(&s);
    }

    #[test]
    fn listed_words_in_random_text_agree(
        picks in proptest::collection::vec((0usize..2000, 0usize..6), 0..30)
    ) {
        let words = listed_words();
        let seps = [" ", ", ", "\n", "-", "é", ". "];
        let mut s = String::new();
        for (w, sep) in picks {
            s.push_str(&words[w % words.len()]);
            s.push_str(seps[sep]);
        }
        check(&s);
    }
}

/// The sentence numbers as the `resize` loop that [`fill_sentences`] replaced filled them.
fn fill_sentences_reference(breaks: &[usize], n: usize) -> Vec<u32> {
    let mut sent = Vec::new();
    let mut s = 0u32;
    for &b in breaks {
        sent.resize(b, s);
        s += 1;
    }
    sent.resize(n, s);
    sent
}

/// Increasing break indices below `n` from a list of gaps (each at least 1, the first may be
/// 0: a text's first token may start a sentence).
fn breaks_of(gaps: &[usize], first: usize, n: usize) -> Vec<usize> {
    let mut at = first;
    let mut breaks = Vec::new();
    for &g in gaps {
        if at >= n {
            break;
        }
        breaks.push(at);
        at += g;
    }
    breaks
}

#[test]
fn block_fill_is_the_resize_fill_at_every_length() {
    // Sentences of every length around the block size, in a buffer that held more or less.
    for n in 0..80 {
        for len in 1..40 {
            for first in [0, 1, 5, 16, 17] {
                let breaks = breaks_of(&vec![len; 100], first, n);
                for old in [0, 3, n + 40] {
                    let mut sent = vec![7u32; old];
                    fill_sentences(&mut sent, &breaks, n);
                    assert_eq!(
                        sent,
                        fill_sentences_reference(&breaks, n),
                        "{n} {len} {first}"
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn block_fill_is_the_resize_fill(
        gaps in proptest::collection::vec(1usize..40, 0..60),
        first in 0usize..20,
        n in 0usize..600,
        old in 0usize..700,
    ) {
        let breaks = breaks_of(&gaps, first, n);
        let mut sent = vec![u32::MAX; old];
        fill_sentences(&mut sent, &breaks, n);
        prop_assert_eq!(sent, fill_sentences_reference(&breaks, n));
    }
}

/// A line break after a plain run reads the kind of the run's last token from the stream
/// (`prev::RUN`): after a word, a number, a comma and other punctuation, before capitalised,
/// lower-case, numeric and non-ASCII words, at line and paragraph breaks.
#[test]
fn line_breaks_after_plain_runs_read_the_runs_last_token() {
    for last in ["word", "12", ",", ")", "x-", "a :", "Ab 3"] {
        for gap in ["\n", "\n\n", " \n", "\r\n", "\n \n", "\u{2028}", " "] {
            for next in ["Capital", "lower", "7", "(", "Élan", "é"] {
                check(&format!("Start of it {last}{gap}{next} more words"));
                check(&format!("{last}{gap}{next}"));
            }
        }
    }
}

/// The constants the word read takes from the lexicon (tok34) are the ones they stand for.
#[test]
fn the_word_read_constants_are_their_values() {
    let k = LEXICON.k;
    let lo = 0x0101_0101_0101_0101u64;
    assert_eq!(k.lower, LOWER_BITS);
    assert_eq!(k.lower, 0x20 * lo);
    assert_eq!(k.add_1f, 0x1f * lo);
    assert_eq!(k.add_85, 0x85 * lo);
    assert_eq!(k.high, 0x80 * lo);
    assert_eq!(k.mul, HASH_MUL);
}

/// Eight bytes from letters, their neighbours in the byte values and a few others, with
/// weights: the word read's inputs near the letter ranges' edges.
fn word_bytes() -> impl Strategy<Value = [u8; 8]> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"aAzZmQ@[`{ \\x00.,-".to_vec()),
        1 => any::<u8>(),
    ];
    prop::array::uniform8(byte)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The letter test from the lexicon's constants, on the lower-cased value the word read
    /// keeps, is `ascii::first_non_letter` (tok34), and the hash from its multiplier is
    /// `slot_of`.
    #[test]
    fn the_word_read_from_the_lexicons_constants_is_the_reference(
        b in word_bytes(),
        w1 in any::<u64>(),
    ) {
        let lex = &*LEXICON;
        let x = u64::from_le_bytes(b);
        let low = x | lex.k.lower;
        prop_assert_eq!(lex.k.first_non_letter(low), crate::ascii::first_non_letter(x));
        prop_assert_eq!(low, x | LOWER_BITS);
        prop_assert_eq!(slot_of_with(low, w1, lex.k.mul), slot_of(low, w1));
    }
}
