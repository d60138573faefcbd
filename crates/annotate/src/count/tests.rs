use super::*;
use proptest::prelude::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn seed(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with(name))
        .unwrap();
    std::fs::read_to_string(entry.path()).unwrap()
}

fn get<'a>(counts: &'a [Count], text: &str) -> &'a Count {
    counts
        .iter()
        .find(|c| c.text == text)
        .unwrap_or_else(|| panic!("no count {text:?} in {}", describe(counts)))
}

fn one(text: &str) -> Count {
    let c = find(text, None);
    assert_eq!(c.len(), 1, "{text}: {}", describe(&c));
    c.into_iter().next().unwrap()
}

#[test]
fn seed_000() {
    let text = seed("000");
    let c = find(&text, Some(d("2022-05-17")));
    let a = get(&c, "1.2 million");
    assert_eq!(
        (
            a.value,
            a.metric.as_ref(),
            a.qualifier.as_ref(),
            a.scope.as_ref()
        ),
        (1_200_000.0, "cases", "more_than", "cumulative")
    );
    let b = get(&c, "50");
    assert_eq!(
        (
            b.value,
            b.metric.as_ref(),
            b.qualifier.as_ref(),
            b.scope.as_ref()
        ),
        (50.0, "deaths", "more_than", "cumulative")
    );
    // "two years and three months", "February, 2020" are not counts.
    assert!(
        c.iter()
            .all(|x| x.value != 2.0 && x.value != 2020.0 && x.value != 3.0),
        "{}",
        describe(&c)
    );
}

#[test]
fn seed_004() {
    let text = seed("004");
    let c = find(&text, Some(d("2022-05-18")));
    let a = get(&c, "232,880");
    assert_eq!(
        (a.metric.as_ref(), a.scope.as_ref(), a.date.as_deref()),
        ("cases", "new", Some("2022-05-18"))
    );
    let b = get(&c, "six");
    assert_eq!(
        (b.value, b.metric.as_ref(), b.scope.as_ref()),
        (6.0, "deaths", "new")
    );
    let t = get(&c, "1.72 million");
    assert_eq!(
        (
            t.value,
            t.metric.as_ref(),
            t.qualifier.as_ref(),
            t.scope.as_ref()
        ),
        (1_720_000.0, "cases", "more_than", "cumulative")
    );
    let dd = get(&c, "62");
    assert_eq!(
        (dd.metric.as_ref(), dd.scope.as_ref()),
        ("deaths", "cumulative")
    );
    let q = get(&c, "691,170");
    assert_eq!(
        (q.metric.as_ref(), q.qualifier.as_ref(), q.scope.as_ref()),
        ("quarantined", "at_least", "current")
    );
    // Span is the number only and is an exact code-point slice.
    let chars: Vec<char> = text.chars().collect();
    for x in &c {
        assert_eq!(chars[x.start..x.end].iter().collect::<String>(), x.text);
    }
}

#[test]
fn metrics() {
    assert_eq!(one("33 were hospitalized").metric, "hospitalizations");
    assert_eq!(one("Nine patients died last week").metric, "deaths");
    assert_eq!(
        one("5 patients recovered and went home").metric,
        "recoveries"
    );
    assert_eq!(one("120 were discharged").metric, "recoveries");
    assert_eq!(one("300 people in quarantine").metric, "quarantined");
    assert_eq!(one("1,200 people were tested").metric, "tested");
    assert_eq!(one("40 tested positive").metric, "cases");
    assert_eq!(one("2 million vaccinated").metric, "vaccinated");
    assert_eq!(one("The number of deaths is 30").metric, "deaths");
    assert_eq!(one("Deaths: 2").metric, "deaths");
    assert_eq!(
        one("it has already claimed about 455 lives").metric,
        "deaths"
    );
    assert_eq!(one("12 cases of fever").metric, "cases");
    assert_eq!(one("Three fatalities have been reported.").metric, "deaths");
    assert_eq!(one("200 people fell ill").metric, "cases");
}

#[test]
fn subject_with_commas() {
    let c = one(
        "The total number of plague cases in Mutarara District, Tete Province has increased to 335 since June.",
    );
    assert_eq!((c.value, c.metric.as_ref()), (335.0, "cases"));
    assert!(find("In the town, there were 40 in total.", None).is_empty());
}

#[test]
fn scopes() {
    assert_eq!(one("a total of 1407 suspected cases").scope, "cumulative");
    assert_eq!(one("22 new cases").scope, "new");
    assert_eq!(one("6 more cases were reported").scope, "new");
    assert_eq!(one("120 cases so far").scope, "cumulative");
    assert_eq!(one("15 active cases").scope, "current");
    assert_eq!(one("5 patients remain hospitalised").scope, "current");
    assert_eq!(
        one("There have been 12 reported cases in Colorado").scope,
        "unknown"
    );
}

#[test]
fn qualifiers() {
    assert_eq!(one("more than 50 deaths").qualifier, "more_than");
    assert_eq!(one("over 50 deaths").qualifier, "more_than");
    assert_eq!(one("at least 50 deaths").qualifier, "at_least");
    assert_eq!(one("no fewer than 50 deaths").qualifier, "at_least");
    assert_eq!(one("about 50 deaths").qualifier, "approximate");
    assert_eq!(one("nearly 50 deaths").qualifier, "approximate");
    assert_eq!(one("an estimated 50 deaths").qualifier, "approximate");
    assert_eq!(one("up to 50 deaths").qualifier, "at_most");
    assert_eq!(one("no more than 50 deaths").qualifier, "at_most");
    assert_eq!(one("fewer than 50 deaths").qualifier, "less_than");
    assert_eq!(one("50 deaths").qualifier, "exact");
    let r = one("10 to 13 suspected cases");
    assert_eq!(
        (r.qualifier.as_ref(), r.min, r.max, r.status.as_deref()),
        ("range", Some(10.0), Some(13.0), Some("suspected"))
    );
    assert_eq!(one("dozens of people died").qualifier, "at_least");
}

#[test]
fn status() {
    assert_eq!(
        one("1715 laboratory-confirmed cases").status.as_deref(),
        Some("confirmed")
    );
    assert_eq!(one("3 probable cases").status.as_deref(), Some("probable"));
    assert_eq!(one("3 cases").status, None);
}

#[test]
fn not_counts() {
    for t in [
        "in 2019 there was an outbreak",
        "a 34-year-old man",
        "children aged 5-14 years",
        "at 13:31 local time",
        "call +1 555 1234",
        "Measles - Democratic Republic of the Congo (Katanga) 2007.1775",
        "Meningitis - Democratic Republic of Congo [02] 970814010223",
        "$5 million was spent",
        "US$ 2m in aid",
        "45% of cases",
        "45 percent of cases",
        "COVID-19 spread",
        "H5N1 spread",
        "Update 9 on the outbreak",
        "1. Introduction",
        "5 km away",
        "10 mg daily",
        "3 brothers and 1 sister",
        "28 kilometers away [17.4 miles]",
        "On 11 / 16 / 1982 the film opened.",
        "1,2 million cases",
    ] {
        let c = find(t, None);
        assert!(
            c.iter().all(|x| x.value != 9.0 && x.value != 19.0),
            "{t}: {}",
            describe(&c)
        );
        let numeric: Vec<_> = c
            .iter()
            .filter(|x| x.text.chars().any(|ch| ch.is_ascii_digit()))
            .collect();
        assert!(numeric.is_empty(), "{t}: {}", describe(&c));
    }
}

#[test]
fn dates_attach() {
    let c = find(
        "As of 2 July, 613 cases have been reported.",
        Some(d("2014-07-10")),
    );
    assert_eq!(c.len(), 1, "{}", describe(&c));
    assert_eq!(c[0].date.as_deref(), Some("2014-07-02"));
    assert_eq!(c[0].scope, "cumulative");
}

#[test]
fn ordinal_cases_are_cumulative() {
    let c = one("Indonesia has confirmed the country's 59th case of human infection");
    assert_eq!(
        (
            c.value,
            c.metric.as_ref(),
            c.scope.as_ref(),
            c.text.as_str()
        ),
        (59.0, "cases", "cumulative", "59th")
    );
    assert_eq!(one("the 12th fatality").metric, "deaths");
    assert!(find("in the 2nd week of the outbreak", None).is_empty());
}

#[test]
fn bracketed_deaths() {
    let c = find(
        "The number of cases (deaths) reported:\n\nBenin: 424 (56); Chad: 505 (53).",
        None,
    );
    let v: Vec<(f64, &str)> = c.iter().map(|c| (c.value, c.metric.as_ref())).collect();
    assert_eq!(
        v,
        [
            (424.0, "cases"),
            (56.0, "deaths"),
            (505.0, "cases"),
            (53.0, "deaths")
        ]
    );
    let c = find("from 3 757 (411 deaths) on 13 March", None);
    assert_eq!(c[0].metric, "cases");
}

#[test]
fn names_between_number_and_noun() {
    assert_eq!(
        one("a cumulative total of 7548 probable SARS cases").value,
        7548.0
    );
    assert_eq!(one("over 1100 measles-associated deaths").metric, "deaths");
    assert_eq!(one("20 cholera cases").metric, "cases");
    assert!(find("5 hospitals reported cases", None).is_empty());
}

#[test]
fn singular() {
    assert_eq!(one("A lassa fever case was reported in Hawaii").value, 1.0);
    assert_eq!(
        one("The index case occured on January 22.").text,
        "The index case"
    );
}

#[test]
fn long_inputs_are_linear() {
    let s = "cases ".repeat(200_000);
    assert!(find(&s, None).is_empty());
    let s = "9".repeat(1_000_000);
    assert!(find(&s, None).is_empty());
    let s = "5 cases, ".repeat(100_000);
    assert_eq!(find(&s, None).len(), 100_000);
}

#[test]
fn epitator_counts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/epitator-tests/test_count_annotator.jsonl");
    if !path.exists() {
        return;
    }
    let rep = eval_epitator_counts(&path).unwrap();
    println!("{rep}");
    assert!(rep.passed >= 34, "{rep}");
}

#[test]
#[ignore = "reads the WHO DON dev set; run in release to measure speed"]
fn who_don() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/who-don/dons-1996-2012.jsonl");
    let rep = eval_who_don(&path).unwrap();
    println!("{rep}");
}

proptest! {
    #[test]
    fn never_panics_and_spans_are_slices(s in "\\PC{0,120}") {
        for c in find(&s, Some(Date::constant(2022, 5, 17))) {
            let slice: String = s.chars().skip(c.start).take(c.end - c.start).collect();
            prop_assert_eq!(slice, c.text);
        }
    }

    #[test]
    fn count_like_strings(n in 0u32..100_000, w in "(cases|deaths|people died|new cases|patients)", q in "(|more than |about |at least )") {
        let s = format!("There were {q}{n} {w} in the area.");
        let c = find(&s, None);
        prop_assert!(c.iter().any(|x| x.value == f64::from(n)), "{} {}", s, describe(&c));
    }
}

#[test]
fn positive_samples_are_confirmed_cases() {
    let c = find(
        "Vibrio cholerae has been laboratory confirmed in 14 out of 17 samples tested.",
        None,
    );
    let a = get(&c, "14");
    assert_eq!(
        (a.metric.as_ref(), a.status.as_deref()),
        ("cases", Some("confirmed"))
    );
    assert_eq!(get(&c, "17").metric, "tested");
    let c = find(
        "Laboratory confirmation was obtained for 16 out of 28 samples tested.",
        None,
    );
    assert_eq!(get(&c, "16").metric, "cases");
    let a = one("Since then, 35 samples have tested positive.");
    assert_eq!((a.metric.as_ref(), a.value), ("cases", 35.0));
    // Without a positive result, samples are tests.
    assert_eq!(
        one("A total of 28 specimens were collected.").metric,
        "tested"
    );
    let c = find("Of 40 samples, all 40 samples tested negative.", None);
    assert!(c.iter().all(|x| x.metric == "tested"), "{}", describe(&c));
}

#[test]
fn part_of_a_group() {
    let c = find(
        "Altogether, 20 cases, 14 of them fatal, have been reported.",
        None,
    );
    assert_eq!(get(&c, "14").metric, "deaths");
    let c = find("To date, 17 of these cases have died.", None);
    assert_eq!(get(&c, "17").metric, "deaths");
    let c = find("Of 114 cases, 32 of whom died, most were children.", None);
    assert_eq!(get(&c, "32").metric, "deaths");
}

#[test]
fn hospitalized_cases_are_cases() {
    let a = one("WHO has received reports of 23 hospitalized cases.");
    assert_eq!(a.metric, "cases");
    let a = one("There were 67 hospitalized suspected cases.");
    assert_eq!(
        (a.metric.as_ref(), a.status.as_deref()),
        ("cases", Some("suspected"))
    );
    assert_eq!(
        one("12 people were hospitalized.").metric,
        "hospitalizations"
    );
}

#[test]
fn non_medical_cases_are_not_counts() {
    for text in [
        "A most serious emergency case of the state occurred.",
        "It was a test case for the new law.",
        "This is a case in point.",
        "She made a strong case for vaccination.",
    ] {
        assert!(
            find(text, None).is_empty(),
            "{text}: {}",
            describe(&find(text, None))
        );
    }
    assert_eq!(one("A case of cholera was reported.").value, 1.0);
}

#[test]
fn located_listing() {
    let text = "20 in Montserrado County; 26 deaths are among the confirmed cases.";
    let c = find(text, None);
    assert_eq!(get(&c, "20").metric, "cases");
    assert_eq!(get(&c, "26").metric, "deaths");
    // Not without a count of cases nearby.
    assert!(find("20 in Montserrado County enjoyed the festival.", None).is_empty());
}

#[test]
fn plural_ordinals() {
    let c = find(
        "These are the 5th and 6th cases reported in the country.",
        None,
    );
    assert_eq!(get(&c, "6th").value, 6.0);
}

#[test]
fn flattened_table_columns() {
    let text = "Country Cumulative total Newly confirmed since the last report Cases Deaths \
                Cases Deaths Argentina 733 1 39 1 Australia 2112 0 28 0 Grand Total 39620 \
                167 3692 4";
    let c = find(text, None);
    let d = get(&c, "167");
    assert_eq!(
        (d.metric.as_ref(), d.scope.as_ref()),
        ("deaths", "cumulative")
    );
    let n = get(&c, "39");
    assert_eq!((n.metric.as_ref(), n.scope.as_ref()), ("cases", "new"));
    assert_eq!(get(&c, "2112").metric, "cases");
    // A header without rows of the right width gives nothing.
    assert!(find("Cases Deaths were reviewed in 12 districts", None).is_empty());
    // Linear on a long run of headers and numbers.
    let s = "cases deaths 1 2 ".repeat(50_000);
    let _ = find(&s, None);
}

#[test]
fn more_phrasings_of_cases() {
    let c = find(
        "The following countries have reported laboratory confirmed cases with no deaths - \
         Canada (6), New Zealand (3) and Spain (2).",
        None,
    );
    for v in ["6", "3", "2"] {
        assert_eq!(get(&c, v).metric, "cases");
    }
    let c = find(
        "Of these, 2 116 were identified as positive for Vibrio cholerae.",
        None,
    );
    assert_eq!(get(&c, "2 116").metric, "cases");
    let c = find(
        "Nearly 40,000 children have sought medical treatment.",
        None,
    );
    assert_eq!(get(&c, "40,000").metric, "cases");
    let c = find("Since May, 12 people have fallen ill.", None);
    assert_eq!(get(&c, "12").metric, "cases");
    // A bracketed number after a name with no metric in the sentence is nothing.
    assert!(find("He lives at Rose Cottage (12) near the river.", None).is_empty());
}

#[test]
fn one_pass_equals_two() {
    let text = seed("004");
    let published = Some(d("2022-05-18"));
    let (dates, counts) = find_dates_and_counts(&text, published);
    assert_eq!(dates, crate::date::find(&text, published));
    assert_eq!(counts, find(&text, published));
}

/// The "(deaths)" mark scan as it was: every window of three tokens.
fn death_marks_every_window(low: &str, toks: &[Token]) -> Vec<usize> {
    let mut marks = Vec::new();
    for (j, w) in toks.windows(3).enumerate() {
        if let [open, t, close] = w
            && t.has(token::class::METRIC)
            && matches!(lw(low, t), "deaths" | "death" | "fatalities")
            && open.is_punct('(')
            && close.is_punct(')')
        {
            marks.push(j + 1);
        }
    }
    marks
}

/// [`Cx::may_head_singular`] as it was: the tokens after `i` read through a `skip` on the zip
/// of the tokens and their sentence numbers.
fn may_head_singular_reference(cx: &Cx<'_>, i: usize) -> bool {
    let toks = cx.toks;
    if toks.get(i + 1).is_some_and(Token::is_num) {
        return true;
    }
    let s = cx.sent.get(i);
    let mut words = 0;
    for (t, ts) in toks.iter().zip(cx.sent).skip(i + 1) {
        if Some(ts) != s || words > 4 {
            return false;
        }
        match t.kind {
            Kind::Word => {
                if t.has(token::class::HEAD | token::class::PERSON) {
                    return true;
                }
                words += 1;
            }
            Kind::Punct(_) if t.is_dash() && t.gap == Gap::None => {}
            _ => return false,
        }
    }
    false
}

/// Holds the gates of the count pass on `text` to the scans they replace: the "(deaths)" marks
/// and table headers found from the head nouns to those of every token, every token's sentence
/// scope to the ungated one, and the singular and ordinal cases to the loops over every token.
fn gates_are_exact(text: &str) {
    let tk = Tokens::new(text);
    let (low, toks, sent) = (tk.low.as_str(), tk.toks.as_slice(), tk.sent.as_slice());
    let dates = date::find_in(text, low, toks, None);
    let nums = number::scan(low, toks);
    let starts = Starts::new(toks);
    let heads = starts.heads();
    let every: Vec<usize> = (0..toks.len()).collect();
    let with = |bits: u32| -> Vec<usize> {
        every
            .iter()
            .copied()
            .filter(|&i| toks[i].has(bits))
            .collect()
    };
    let scan: Vec<usize> = every
        .iter()
        .copied()
        .filter(|&i| {
            toks[i].is_num() || toks[i].has(token::class::NUMBER_START | token::class::DATE_START)
        })
        .collect();
    assert_eq!(starts.scan(), scan);
    assert_eq!(
        [
            starts.scan(),
            starts.articles(),
            starts.heads(),
            starts.ordinals()
        ],
        Starts::reference(toks).each_ref().map(Vec::as_slice),
        "{text:?}"
    );
    // Into an empty buffer and into a stale one.
    let other = Tokens::new("12 cases and 3 to 4 deaths");
    let stale = number::scan(&other.low, &other.toks);
    for buf in [Vec::new(), stale] {
        assert_eq!(
            number::scan_at(low, toks, starts.scan(), buf),
            nums,
            "{text:?}"
        );
    }
    for published in [None, Some(d("2012-06-01"))] {
        assert_eq!(
            date::find_in_at(text, low, toks, published, starts.scan(), Vec::new()),
            date::find_in(text, low, toks, published),
            "{text:?}"
        );
    }
    assert_eq!(starts.articles(), with(token::class::ARTICLE));
    assert_eq!(heads, with(token::class::HEAD));
    let death_marks = death_marks(low, toks, heads);
    assert_eq!(death_marks, death_marks_every_window(low, toks), "{text:?}");
    // Into an empty buffer and into a stale one.
    let columns = table_columns(low, toks, sent, &nums, heads, Vec::new());
    let stale = vec![Some(("cases", Some("new"))); 3];
    assert_eq!(
        columns,
        table_columns(low, toks, sent, &nums, &every, stale),
        "{text:?}"
    );
    let in_date = in_date(toks.len(), &dates, vec![true; 3]);
    let cx = Cx {
        src: text,
        low,
        toks,
        sent,
        in_date: &in_date,
        nums: &nums,
        death_marks: &death_marks,
        columns: &columns,
    };
    for published in [None, Some(d("2012-06-01"))] {
        let dates = date::find_in(text, low, toks, published);
        let mut at = 0;
        for first in 0..toks.len() + 2 {
            at = dates_before(&dates, at, first);
            assert_eq!(at, dates.partition_point(|h| h.first < first));
            assert_eq!(
                cx.nearest_date(&dates, at, first),
                cx.nearest_date_reference(&dates, first),
                "token {first} of {text:?}"
            );
        }
    }
    for i in 0..toks.len() + 3 {
        assert_eq!(
            cx.may_head_singular(i),
            may_head_singular_reference(&cx, i),
            "token {i} of {text:?}"
        );
    }
    for i in 0..toks.len() {
        assert_eq!(
            cx.sentence_scope(i),
            cx.sentence_scope_reference(i),
            "token {i} of {text:?}"
        );
    }
    for (k, n) in nums.iter().enumerate() {
        assert_eq!(
            format!("{:?}", cx.candidate(k)),
            format!("{:?}", cx.candidate_with(k, false)),
            "number {k} of {text:?}"
        );
        assert_eq!(
            cx.bracketed_after_name(n),
            cx.bracketed_after_name_reference(n),
            "number {k} of {text:?}"
        );
        for head_end in n.last..n.last + 8 {
            assert_eq!(
                cx.own_scope(k, head_end, true),
                cx.own_scope(k, head_end, false),
                "number {k}, head {head_end} of {text:?}"
            );
        }
    }
    let numbered: Vec<Cand> = (0..nums.len()).filter_map(|k| cx.candidate(k)).collect();
    let (mut gated, mut all) = (numbered.clone(), numbered);
    cx.singulars(&mut gated, starts.articles(), true);
    cx.singulars(&mut all, &every, false);
    cx.ordinals(&mut gated, starts.ordinals());
    cx.ordinals(&mut all, &every);
    let firsts = |c: &[Cand]| -> Vec<(usize, usize, &'static str)> {
        c.iter().map(|c| (c.first, c.end, c.metric)).collect()
    };
    assert_eq!(firsts(&gated), firsts(&all), "{text:?}");
    assert_eq!(format!("{gated:?}"), format!("{all:?}"), "{text:?}");
}

#[test]
fn gates_are_exact_on_seeds_and_don_texts() {
    for text in crate::test_util::seed_and_don_texts() {
        gates_are_exact(&text);
    }
    for text in [
        "",
        "a",
        "the index case",
        "A 27-year-old woman died. 3 cases",
        "a -- case",
        "an ill-fated case",
        "a 5 case",
        "Cases Deaths Cases Deaths\nChad 3 1 4 2\n(deaths) (death)",
        "12 cases so far; 3 to date, as of May 2 since then",
        "3 more cases, 2 more. So far 4 (the first case); to date 5 deaths since May, as of 6",
        "the index case and the primary case; the first death; the firsts case",
        // A count as far from a date before it as from one after: the one before is its date.
        "2 May, 3 cases, 4 May",
    ] {
        gates_are_exact(text);
    }
}

/// `Starts::new` in buffers kept from longer and shorter texts (stale entries past each list,
/// buffers longer than the tokens) equals the token-by-token reference.
#[test]
fn starts_in_kept_buffers_are_the_reference() {
    let long = "The 3rd case: 12 cases, 4 deaths, an index case, the 2nd death. ".repeat(40);
    let texts = [
        long.as_str(),
        "",
        "a 5th case",
        "12",
        "12th",
        long.as_str(),
        "In May 2022, two cases and the 1st death; a case 3rd",
        "",
    ];
    for text in texts {
        let tk = Tokens::new(text);
        let starts = Starts::new(&tk.toks);
        let got = [
            starts.scan(),
            starts.articles(),
            starts.heads(),
            starts.ordinals(),
        ];
        assert_eq!(
            got,
            Starts::reference(&tk.toks).each_ref().map(Vec::as_slice),
            "{text:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn gates_are_exact_on_count_pieces(pieces in proptest::collection::vec(
        "(one|two|hundreds|of|1-5|between|last|week|since|a|an|the|An|The|59th|3rd|12|th|nd|index|first|primary|case|cases|Case|patient|patients|death|deaths|fatalities|\\(|\\)|-|–|27|2|1,200|year|month|old|woman|man|died|court|number|so|far|to|date|as|of|since|total|new|still|cumulative|more|More|overall|additional|So|Far|today|May|Chad|Cases|Deaths|Newly|confirmed|in|and|\\.|,|;|\n|\n\n|x|people|were|reported)",
        0..40,
    ), seps in proptest::collection::vec("( |  |\n|)", 40)) {
        let mut text = String::new();
        for (p, s) in pieces.iter().zip(&seps) {
            text.push_str(p);
            text.push_str(s);
        }
        gates_are_exact(&text);
    }
}

/// A candidate with only its first token and an id (in `start`) set, for the sort tests.
fn cand_at(first: usize, id: usize) -> Cand {
    Cand {
        first,
        start: id,
        end: id + 1,
        value: 1.0,
        range: None,
        metric: "cases",
        scope: None,
        own_new: false,
        qualifier: "exact",
        status: None,
    }
}

/// The first tokens and ids of `cands`, in order.
fn firsts_and_ids(cands: &[Cand]) -> Vec<(usize, usize)> {
    cands.iter().map(|c| (c.first, c.start)).collect()
}

#[test]
fn sort_by_first_is_the_stable_sort() {
    for firsts in [
        vec![],
        vec![3],
        vec![1, 2, 2, 5],
        vec![5, 2, 2, 1],
        vec![1, 4, 2, 3, 3, 9],
        vec![2, 2, 1, 2, 2],
        vec![7, 1, 2, 3, 4, 5],
        vec![1, 2, 3, 4, 5, 0],
    ] {
        let mut got: Vec<Cand> = firsts
            .iter()
            .enumerate()
            .map(|(i, &f)| cand_at(f, i))
            .collect();
        let mut want = got.clone();
        want.sort_by_key(|c| c.first);
        sort_by_first(&mut got);
        assert_eq!(firsts_and_ids(&got), firsts_and_ids(&want), "{firsts:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn sort_by_first_is_the_stable_sort_on_runs(
        firsts in proptest::collection::vec(0usize..12, 0..30),
        sorted in any::<bool>(),
    ) {
        let mut firsts = firsts;
        if sorted {
            firsts.sort_unstable();
        }
        let mut got: Vec<Cand> = firsts.iter().enumerate().map(|(i, &f)| cand_at(f, i)).collect();
        let mut want = got.clone();
        want.sort_by_key(|c| c.first);
        sort_by_first(&mut got);
        prop_assert_eq!(firsts_and_ids(&got), firsts_and_ids(&want));
    }
}
