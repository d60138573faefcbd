//! Unit tests of the quote rules.

use epiwire_model::{Document, Quote};

fn quotes(text: &str) -> Vec<Quote> {
    let mut d = Document {
        id: "t".into(),
        text: text.into(),
        ..Document::default()
    };
    crate::annotate(&mut d);
    d.quotes
}

fn who(q: &Quote) -> (Option<&str>, Option<&str>, Option<&str>, bool) {
    let s = q.speaker.as_ref().unwrap();
    (
        s.name.as_deref(),
        s.role.as_deref(),
        s.organisation.as_deref(),
        s.anonymous,
    )
}

#[test]
fn direct_quote_attribution_after() {
    let q = quotes(
        "\"Politics plays a huge role in such decisions,\" said Michael Hutchins, executive director of The Wildlife Society.",
    );
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].kind, "direct");
    assert_eq!(
        q[0].content.text,
        "Politics plays a huge role in such decisions,"
    );
    assert_eq!(
        who(&q[0]),
        (
            Some("Michael Hutchins"),
            Some("executive director"),
            Some("The Wildlife Society"),
            false
        )
    );
}

#[test]
fn direct_quote_attribution_before_with_role_and_org() {
    let q = quotes(
        "On Friday, Chinese Foreign Ministry spokesman Zhao Lijian said in a regular press briefing that China “will strengthen anti-pandemic cooperation with the DPRK.”",
    );
    assert_eq!(q.len(), 1);
    let (name, role, org, anon) = who(&q[0]);
    assert_eq!(name, Some("Zhao Lijian"));
    assert_eq!(role, Some("spokesman"));
    assert_eq!(org, Some("Chinese Foreign Ministry"));
    assert!(!anon);
    assert_eq!(
        q[0].speaker.as_ref().unwrap().country.as_deref(),
        Some("CN")
    );
}

#[test]
fn anonymous_source() {
    let q = quotes(
        "“I understand that the two sides are discussing aid,” a source told the Hankyoreh on Monday.",
    );
    assert_eq!(q.len(), 1);
    assert!(who(&q[0]).3);
    assert_eq!(who(&q[0]).0, None);
}

#[test]
fn reported_speech_forms() {
    let q =
        quotes("Kremlin spokesman Dmitry Peskov said Russia would quickly respond to requests.");
    assert_eq!(q[0].kind, "reported");
    assert_eq!(
        q[0].content.text,
        "Russia would quickly respond to requests"
    );
    assert_eq!(who(&q[0]).0, Some("Dmitry Peskov"));
    let q = quotes("Carrasquillo was charged with murder, police said.");
    assert_eq!(q[0].content.text, "Carrasquillo was charged with murder");
    assert_eq!(who(&q[0]).2, Some("police"));
}

#[test]
fn pronoun_takes_previous_speaker() {
    let q = quotes(
        "\"WHO has repeatedly said there is always a risk,\" explained Mike Ryan.\n\"Of course it is worrying if the state does not act,\" he said.",
    );
    assert_eq!(q.len(), 2);
    assert_eq!(who(&q[1]).0, Some("Mike Ryan"));
}

#[test]
fn scare_quotes_are_not_quotes() {
    assert!(
        quotes("North Korea claims it is a “COVID-free country” thanks to border controls.")
            .is_empty()
    );
}

/// 11 MB of speech cues and quotation marks without a sentence end: the work counted (bytes
/// searched, tokens read) grows ten times with the input, not a hundred.
#[test]
fn said_said_said_is_linear() {
    let work = |repeats: usize| {
        let mut d = Document {
            text: "said \"said\" said, ".repeat(repeats),
            ..Document::default()
        };
        let before = crate::response::text::work_done();
        crate::response::annotate(&mut d);
        crate::response::text::work_done() - before
    };
    let (small, large) = (work(60_000), work(600_000));
    assert!(small >= 60_000, "{small}");
    assert!(large <= 12 * small, "1x: {small}, 10x: {large}: not linear");
}

/// The lines [`super::find_in`] read before `wanted_lines`: every line of the text, walked
/// in order, kept when a flagged sentence overlaps it.
fn lines_by_walk(text: &str, sentences: &[(usize, usize)], wanted: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut line_start = 0usize;
    let mut si = 0usize;
    for line in text.split_inclusive('\n') {
        let ls = line_start;
        let le = ls + line.len();
        line_start = le;
        while si < sentences.len() && sentences[si].1 <= ls {
            si += 1;
        }
        let mut any = false;
        let mut sj = si;
        while sj < sentences.len() && sentences[sj].0 < le {
            any |= wanted.get(sj).copied().unwrap_or(true);
            sj += 1;
        }
        if any {
            out.push((ls, le));
        }
    }
    out
}

fn lines_agree(text: &str, pick: &[bool]) {
    let sents = crate::response::text::sentences(text);
    let mut wanted: Vec<bool> = crate::response::quote_sentences(text, &sents);
    // Other flags too: every k-th sentence, and a list too short (missing flags count as set).
    for (k, w) in wanted.iter_mut().enumerate() {
        if pick.get(k % pick.len().max(1)).copied().unwrap_or(false) {
            *w = !*w;
        }
    }
    for w in [&wanted[..], &wanted[..wanted.len() / 2]] {
        assert_eq!(
            super::wanted_lines(text, &sents, w).collect::<Vec<_>>(),
            lines_by_walk(text, &sents, w),
            "{text:?}"
        );
    }
}

#[test]
fn wanted_lines_are_the_walked_lines_on_the_seed_and_don_texts() {
    for text in crate::test_util::seed_and_don_texts() {
        lines_agree(&text, &[]);
        lines_agree(&text, &[true, false, false]);
    }
    for text in [
        "",
        "\n",
        "\n\n",
        "a",
        "said\n\nsaid",
        "x. y said.\n",
        "“a”\n",
    ] {
        lines_agree(text, &[]);
        lines_agree(text, &[true]);
    }
    let long = format!("{} said.\n{}", "word ".repeat(900), "a b\n".repeat(3));
    lines_agree(&long, &[]);
    lines_agree(&long, &[false, true]);
}

proptest::proptest! {
    #[test]
    fn wanted_lines_are_the_walked_lines_on_random_text(
        s in r"([A-Za-z]{1,8}|said|told|\x22|“|”|[0-9]{1,3}|[ ,.;:!?]|\n|\n\n|é){0,60}",
        pick in proptest::collection::vec(proptest::bool::ANY, 0..5),
    ) {
        lines_agree(&s, &pick);
    }
}

/// `is_role` against the list scan it replaced, `is_any(w, ROLES)`.
fn role_agrees(w: &str) {
    use crate::response::text::is_any;
    assert_eq!(super::is_role(w), is_any(w, super::ROLES), "{w:?}");
}

#[test]
fn is_role_agrees_on_every_token_and_role_variant() {
    let mut toks = Vec::new();
    let mut roles = 0;
    for text in crate::test_util::seed_and_don_texts() {
        crate::response::text::tokens(&text, 0, text.len(), &mut toks);
        for t in &toks {
            let w = &text[t.s..t.e];
            role_agrees(w);
            roles += usize::from(super::is_role(w));
        }
    }
    assert!(roles > 100, "{roles}");
    for r in super::ROLES {
        for v in [
            r.to_string(),
            r.to_uppercase(),
            format!("{r}s"),
            format!("{r}'s"),
            format!("x{r}"),
            r.replace('k', "\u{212a}"),
            r.replace('i', "İ"),
            r.replace('s', "ſ"),
            r[..r.len() - 1].to_string(),
        ] {
            role_agrees(&v);
        }
    }
    role_agrees("");
    role_agrees(&"director".repeat(10));
}

proptest::proptest! {
    #[test]
    fn is_role_agrees_on_any_word(w in r"([a-zA-Z]{0,12}|\PC{0,6}|[a-z]{50,60})") {
        role_agrees(&w);
    }
}

/// `has_marks` against the `str` searches it replaced.
fn marks_agree(line: &str) {
    let old = line.contains(['"', '“', '”']) || line.contains("''") || line.contains("``");
    assert_eq!(super::has_marks(line.as_bytes()), old, "{line:?}");
}

#[test]
fn has_marks_is_the_str_search_on_every_line_and_edge_case() {
    let mut with = 0;
    for text in crate::test_util::seed_and_don_texts() {
        for line in text.split_inclusive('\n') {
            marks_agree(line);
            with += usize::from(super::has_marks(line.as_bytes()));
        }
    }
    assert!(with > 50, "{with}");
    for line in [
        "",
        "\"",
        "“",
        "”",
        "‘",
        "’",
        "„",
        "''",
        "``",
        "'`",
        "`'",
        "' '",
        "it's",
        "a''",
        "x``y",
        "‚",
        "—",
        "–…",
        "€",
        "\u{201b}",
        "\u{201f}",
        "'",
        "`",
        "é'",
        "“”",
        "rock 'n' roll",
    ] {
        marks_agree(line);
    }
}

proptest::proptest! {
    #[test]
    fn has_marks_is_the_str_search_on_random_lines(
        s in r#"([a-z]{1,4}|["'`’‘“”„—€é ]|\PC){0,30}"#,
    ) {
        marks_agree(&s);
    }
}

/// `speech_verbs` read off the token stream against the reference (every token asked), for
/// the sentences and lines of `text` and ranges cut inside words. Returns the verbs found.
fn speech_agrees(text: &str) -> usize {
    use crate::response::text::{Ctx, sentences, tokens_of};
    let d = Document {
        text: text.into(),
        ..Document::default()
    };
    let ctx = Ctx::new(&d);
    let tk = crate::tokens::Tokens::new(text);
    let mut ranges = sentences(text);
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        ranges.push((at, at + line.len()));
        at += line.len();
    }
    // Ranges that clip words: from and to every seventh character boundary.
    let cuts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .step_by(7)
        .collect();
    for w in cuts.windows(3) {
        ranges.push((w[0], w[2]));
    }
    let (mut toks, mut new, mut old) = (Vec::new(), Vec::new(), Vec::new());
    let mut n = 0;
    for (s, e) in ranges {
        tokens_of(text, Some(&tk.toks), (s, e), &mut toks);
        super::speech_verbs(&ctx, Some(&tk.toks), (s, e), &toks, &mut new);
        super::speech_verbs(&ctx, None, (s, e), &toks, &mut old);
        assert_eq!(new, old, "{:?} in {text:?}", &text[s..e]);
        n += new.len();
    }
    n
}

#[test]
fn speech_verbs_from_the_stream_are_the_reference_on_texts_and_edge_cases() {
    let mut n = 0;
    for text in crate::test_util::seed_and_don_texts() {
        n += speech_agrees(&text);
    }
    assert!(n > 1000, "{n}");
    for text in [
        "",
        "said",
        "SAID",
        "Said Ryan.",
        "as\u{212a}ed",
        "ASKED \u{212a}",
        "said-so said's said2 2said",
        "xsaid saidx",
        "“said”, said",
        "\u{130}nsisted",
        "He said: \"no\".",
    ] {
        speech_agrees(text);
    }
}

proptest::proptest! {
    #[test]
    fn speech_verbs_from_the_stream_are_the_reference_on_random_text(
        s in r"(said|Said|SAID|told|as\u{212a}ed|noted|[A-Za-z]{1,6}|[0-9]{1,2}|[-',.’&]|\x22|“|é| |\n){0,40}",
    ) {
        speech_agrees(&s);
    }

    #[test]
    fn first_and_last_in_are_the_linear_searches(
        mut sp in proptest::collection::vec(0usize..40, 0..12),
        lo in 0usize..45,
        hi in 0usize..45,
    ) {
        sp.sort_unstable();
        sp.dedup();
        let is = |k: &usize| sp.contains(k);
        proptest::prop_assert_eq!(super::first_in(&sp, lo, hi), (lo..hi).find(is));
        proptest::prop_assert_eq!(super::last_in(&sp, lo, hi), (lo..hi).rev().find(is));
    }
}

/// `is_anonymous` and `is_modifier` (one lookup in a set) against `is_any` of their lists, on
/// every token of the seed and DON texts and on variants of the list words.
#[test]
fn word_set_lists_are_the_linear_searches() {
    use crate::response::text::is_any;
    for list in [super::ANONYMOUS, super::MODIFIERS] {
        assert!(list.iter().all(|w| w.is_ascii()), "{list:?}");
    }
    let check = |w: &str| -> usize {
        let (anonymous, modifier) = (super::is_anonymous(w), super::is_modifier(w));
        assert_eq!(anonymous, is_any(w, super::ANONYMOUS), "{w:?}");
        assert_eq!(modifier, is_any(w, super::MODIFIERS), "{w:?}");
        usize::from(anonymous || modifier)
    };
    let (mut n, mut toks) = (0, Vec::new());
    for text in crate::test_util::seed_and_don_texts() {
        crate::response::text::tokens(&text, 0, text.len(), &mut toks);
        n += toks.iter().map(|t| check(&text[t.s..t.e])).sum::<usize>();
    }
    assert!(n > 1000, "{n}");
    for w in super::ANONYMOUS.iter().chain(super::MODIFIERS) {
        for v in crate::response::tests::variants(w) {
            check(&v);
        }
    }
}

/// `ends_segment` (a token's length read first) against `ends_segment_slow` at every token of
/// `text`, tokenised whole and by sentences. Returns the segment ends found.
fn segment_ends_agree(text: &str) -> usize {
    use crate::response::text::{Ctx, sentences, tokens};
    let d = Document {
        text: text.into(),
        ..Document::default()
    };
    let ctx = Ctx::new(&d);
    let (mut n, mut toks) = (0, Vec::new());
    for (s, e) in sentences(text).into_iter().chain([(0, text.len())]) {
        tokens(text, s, e, &mut toks);
        for k in 1..toks.len() {
            let fast = super::ends_segment(&ctx, &toks, k);
            assert_eq!(
                fast,
                super::ends_segment_slow(&ctx, &toks, k),
                "{:?} in {text:?}",
                &text[toks[k - 1].s..toks[k - 1].e]
            );
            n += usize::from(fast);
        }
    }
    n
}

#[test]
fn segment_ends_are_the_reference_on_texts_and_edge_cases() {
    let mut n = 0;
    for text in crate::test_util::seed_and_don_texts() {
        n += segment_ends_agree(&text);
    }
    assert!(n > 1000, "{n}");
    for text in [
        "",
        "that but and And AND x",
        "THAT thAt BUT, and said",
        "“Ryan” said; (he): \"no\" and Ryan and ryan",
        "thats tha buts an andy a",
        "th\u{212a}t \u{e9}nd ànd that’s",
    ] {
        segment_ends_agree(text);
    }
}

proptest::proptest! {
    #[test]
    fn segment_ends_are_the_reference_on_random_text(
        s in r"(that|That|THAT|but|BUT|and|And|[A-Za-z]{1,6}|[-',.:;()’&]|\x22|“|”|é| |\n){0,40}",
    ) {
        segment_ends_agree(&s);
    }
}

/// [`super::next_wanted`] against the flag-by-flag walk, from every start, on flag vectors
/// around the chunk size.
fn next_wanted_agrees(wanted: &[bool]) {
    for from in 0..=wanted.len() + 2 {
        assert_eq!(
            super::next_wanted(wanted, from),
            super::next_wanted_slow(wanted, from),
            "{from} in {wanted:?}"
        );
    }
}

#[test]
fn next_wanted_is_the_walk_on_edge_cases() {
    next_wanted_agrees(&[]);
    for n in [1, 15, 16, 17, 31, 32, 33, 50] {
        next_wanted_agrees(&vec![false; n]);
        next_wanted_agrees(&vec![true; n]);
        for k in 0..n {
            let mut w = vec![false; n];
            w[k] = true;
            next_wanted_agrees(&w);
            w[n - 1] = true;
            next_wanted_agrees(&w);
        }
    }
}

proptest::proptest! {
    #[test]
    fn next_wanted_is_the_walk(wanted in proptest::collection::vec(proptest::bool::weighted(0.1), 0..80)) {
        next_wanted_agrees(&wanted);
    }
}
