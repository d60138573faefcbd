//! Unit tests of the response rules, one group per rule family.

use epiwire_model::{Action, Document};

fn doc(text: &str) -> Document {
    let mut d = Document {
        id: "t".into(),
        text: text.into(),
        published: Some("2022-05-17".into()),
        ..Document::default()
    };
    crate::annotate(&mut d);
    d
}

fn acts(text: &str) -> Vec<Action> {
    doc(text).actions
}

fn summary(a: &Action) -> String {
    format!(
        "{}|{}|{}|{}|{}{}",
        a.actor.as_ref().map_or("-", |p| p.id.as_str()),
        a.action,
        a.recipient.as_ref().map_or("-", |p| p.id.as_str()),
        a.items
            .iter()
            .map(|i| i.kind.as_ref())
            .collect::<Vec<_>>()
            .join(","),
        a.modality,
        if a.hedged { "|hedged" } else { "" }
    )
}

fn summaries(text: &str) -> Vec<String> {
    acts(text).iter().map(summary).collect()
}

#[test]
fn send_with_actor_recipient_items() {
    assert_eq!(
        summaries("WHO is providing cholera kits to Rwanda."),
        vec!["WHO|send|RW|medical_supplies|reported"]
    );
}

#[test]
fn passive_agent_list() {
    let got = summaries(
        "Personal protective equipment is also being supplied by the Centers for Disease Control and Prevention (CDC), Médecins sans Frontières, and UNICEF.",
    );
    assert_eq!(
        got,
        vec![
            "CDC|send|-|equipment|reported",
            "MSF|send|-|equipment|reported",
            "UNICEF|send|-|equipment|reported"
        ]
    );
}

#[test]
fn planned_and_promise() {
    assert_eq!(
        summaries("China is preparing to send doctors and nurses to North Korea."),
        vec!["CN|send|KP|medical_staff|planned"]
    );
    let got = summaries(
        "Kremlin spokesman Dmitry Peskov said Russia would quickly respond to requests for vaccine support from North Korea.",
    );
    assert_eq!(got, vec!["RU|promise|KP|vaccines|planned"]);
}

#[test]
fn refusal_and_request_and_hedge() {
    assert_eq!(
        summaries("North Korea reportedly refused vaccines from China last year."),
        vec!["KP|refuse|CN|vaccines|reported|hedged"]
    );
    assert_eq!(
        summaries("The Ministry of Health has requested 2 million doses of vaccine from the ICG."),
        vec!["GOV|request|ICG|vaccines|reported"]
    );
    assert!(
        summaries(
            "Press officials at the Chinese embassy declined to respond to questions about support."
        )
        .is_empty()
    );
}

#[test]
fn funds_with_amount_and_currency() {
    let a = acts("The United Kingdom has pledged US$ 380,000 for vaccine.");
    assert_eq!(a.len(), 1);
    let f = a[0].items.iter().find(|i| i.kind == "funds").unwrap();
    assert_eq!(f.amount, Some(380_000.0));
    assert_eq!(f.currency.as_deref(), Some("USD"));
    assert_eq!(a[0].action, "promise");
}

#[test]
fn vaccine_names() {
    let a = acts("Russia will deliver the Sputnik V vaccine to Venezuela.");
    assert_eq!(a[0].items[0].name.as_deref(), Some("Sputnik V"));
}

#[test]
fn samples_are_not_aid() {
    assert!(
        summaries(
            "Samples are being sent to a WHO collaborating laboratory in the United Kingdom."
        )
        .is_empty()
    );
}

#[test]
fn shortages_have_items_and_place() {
    let d = doc(
        "North Korea is in short supply of masks and fever-reducing medicine, not to mention COVID-19 vaccines.",
    );
    assert_eq!(d.shortages.len(), 1);
    let kinds: Vec<&str> = d.shortages[0]
        .items
        .iter()
        .map(|i| i.kind.as_ref())
        .collect();
    assert_eq!(kinds, vec!["masks", "medicines", "vaccines"]);
    assert_eq!(
        d.shortages[0].place.as_ref().map(|p| p.id.as_str()),
        Some("KP")
    );
}

#[test]
fn measures_have_kind_place_and_date() {
    let d = doc("Nigeria closed its borders on 12 May 2022 and began a mass vaccination campaign.");
    let kinds: Vec<&str> = d.measures.iter().map(|m| m.kind.as_ref()).collect();
    assert_eq!(kinds, vec!["border_closure", "vaccination_campaign"]);
    assert_eq!(
        d.measures[0].place.as_ref().map(|p| p.id.as_str()),
        Some("NG")
    );
    assert_eq!(d.measures[0].date.as_deref(), Some("2022-05-12"));
}

#[test]
fn offsets_are_code_points() {
    let text = "Côte d’Ivoire: “WHO is sending vaccines to Abidjan.”";
    let d = doc(text);
    let a = &d.actions[0];
    let chars: Vec<char> = text.chars().collect();
    let ev: String = chars[a.evidence.start..a.evidence.end].iter().collect();
    assert_eq!(ev, a.evidence.text);
    let it = &a.items[0];
    let got: String = chars[it.start..it.end].iter().collect();
    assert_eq!(got, "vaccines");
}

#[test]
fn no_blow_up_on_repeated_cues() {
    // 10 MB of cue words with no sentence end must take about ten times the work of 1 MB, not a
    // hundred. The work is counted (bytes searched, tokens read: `text::work`), not timed, so
    // that a loaded machine cannot fail it.
    let work = |repeats: usize| {
        let mut d = Document {
            text: "said sent request vaccines ".repeat(repeats),
            ..Document::default()
        };
        let before = crate::response::text::work_done();
        crate::response::annotate(&mut d);
        assert!(!d.actions.is_empty());
        crate::response::text::work_done() - before
    };
    let small = work(40_000);
    let large = work(400_000);
    assert!(small >= 40_000, "{small}");
    assert!(
        large <= 12 * small,
        "1 MB: {small} units of work, 10 MB: {large}: not linear"
    );
}

/// Prints what the pass finds on the seeds and the gold set's report (for rule work):
/// `cargo test -p epiwire-annotate dump_response -- --ignored --nocapture`.
#[test]
#[ignore = "prints for inspection; run by hand"]
fn dump_response() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Ok(all) = std::env::var("DUMP_TEXT") {
        for t in all.split(" ||| ") {
            let d = doc(t);
            eprintln!(
                "places {:?}",
                d.places
                    .iter()
                    .map(|p| (
                        &p.name,
                        &p.country,
                        p.mentions.iter().map(|m| &m.text).collect::<Vec<_>>()
                    ))
                    .collect::<Vec<_>>()
            );
            eprintln!(
                "actions {:?}",
                d.actions.iter().map(summary).collect::<Vec<_>>()
            );
            eprintln!("quotes {:?}", d.quotes);
        }
        return;
    }
    for f in std::fs::read_dir(root.join("../../tests/fixtures/seeds")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        let d = doc(&text);
        for a in &d.actions {
            eprintln!(
                "ACT {} :: {:?} :: {}",
                summary(a),
                a.date,
                a.evidence.text.chars().take(90).collect::<String>()
            );
        }
        for s in &d.shortages {
            eprintln!(
                "SHORT {:?} {:?}",
                s.items.iter().map(|i| &i.kind).collect::<Vec<_>>(),
                s.place.as_ref().map(|p| &p.id)
            );
        }
        for m in &d.measures {
            eprintln!(
                "MEAS {} {:?} {:?} {}",
                m.kind,
                m.place.as_ref().map(|p| &p.id),
                m.date,
                m.mention.text
            );
        }
        for q in &d.quotes {
            eprintln!(
                "QUOTE {} {:?} :: {}",
                q.kind,
                q.speaker.as_ref().map(|s| (
                    &s.name,
                    &s.role,
                    &s.organisation,
                    &s.country,
                    s.anonymous
                )),
                q.content.text.chars().take(80).collect::<String>()
            );
        }
    }
    let gold = root.join("eval/response/gold.jsonl");
    if std::env::var("DUMP_GOLD").is_ok() {
        for line in std::fs::read_to_string(&gold).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if v["split"] == "heldout" {
                continue;
            }
            let d = doc(v["text"].as_str().unwrap());
            let got: Vec<String> = d.actions.iter().map(summary).collect();
            let gq: Vec<String> = d
                .quotes
                .iter()
                .map(|q| {
                    format!(
                        "{}|{:?}|{:?}|{:?}|{}|{}",
                        q.kind,
                        q.speaker.as_ref().and_then(|s| s.name.clone()),
                        q.speaker.as_ref().and_then(|s| s.role.clone()),
                        q.speaker.as_ref().and_then(|s| s.organisation.clone()),
                        q.speaker.as_ref().is_some_and(|s| s.anonymous),
                        q.content.text
                    )
                })
                .collect();
            eprintln!(
                "{} {}\n  gold {}\n  got  {:?} {:?}",
                v["id"],
                v["text"],
                v.get("actions").or(v.get("quotes")).unwrap(),
                got,
                gq
            );
        }
    }
    eprintln!("{}", crate::response::eval_response(&gold).unwrap());
}

/// Throughput of the response and quote pass alone (documents annotated beforehand) and of the
/// whole `annotate()`, on WHO DON and the NewsWCL50 news, CPU time, best of three. Run in
/// release:
/// `cargo test -p epiwire-annotate --release --lib response::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore = "measurement; needs the shared data and a release build"]
fn throughput() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let mut texts: Vec<String> = Vec::new();
    for (file, key) in [
        ("who-don/dons-1996-2012.jsonl", "text"),
        ("news-clustering/newswcl50_docs.jsonl", "text_detokenized"),
    ] {
        let data = std::fs::read_to_string(root.join(file)).unwrap();
        texts.extend(
            data.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v.get(key).and_then(|t| t.as_str()).map(str::to_string)),
        );
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut docs: Vec<Document> = texts
        .iter()
        .map(|t| {
            let mut d = Document {
                text: t.clone(),
                ..Document::default()
            };
            crate::annotate(&mut d);
            d
        })
        .collect();
    let measure = |f: &mut dyn FnMut()| {
        let mut best = 0.0f64;
        for _ in 0..3 {
            let (t0, c0) = (std::time::Instant::now(), crate::test_util::cpu_seconds());
            f();
            let wall = t0.elapsed().as_secs_f64();
            let cpu = match (c0, crate::test_util::cpu_seconds()) {
                (Some(a), Some(b)) if b > a => b - a,
                _ => wall,
            };
            best = best.max(bytes as f64 / 1e6 / cpu);
        }
        best
    };
    let mut found = 0usize;
    let pass = measure(&mut || {
        found = 0;
        for d in docs.iter_mut() {
            crate::response::annotate(d);
            found += d.actions.len() + d.quotes.len() + d.shortages.len() + d.measures.len();
        }
    });
    let actions_only = measure(&mut || {
        for d in &docs {
            found += crate::response::find(d).actions.len();
        }
    });
    let quotes_only = measure(&mut || {
        for d in &docs {
            found += crate::quote::find(d).len();
        }
    });
    let whole = measure(&mut || {
        for t in &texts {
            let mut d = Document {
                text: t.clone(),
                ..Document::default()
            };
            crate::annotate(&mut d);
        }
    });
    eprintln!(
        "{} docs, {:.2} MB: response+quote pass {pass:.0} MB/s (actions/shortages/measures \
         {actions_only:.0} MB/s, quotes {quotes_only:.0} MB/s), whole annotate() {whole:.0} MB/s \
         (CPU time, best of 3); {found} records",
        texts.len(),
        bytes as f64 / 1e6
    );
    if !cfg!(debug_assertions) {
        assert!(pass >= 25.0, "{pass:.0} MB/s");
    }
}

#[test]
fn shortage_object_is_next_to_the_cue() {
    let d = doc(
        "Lack of good hygiene and sanitation facilities, as well as difficulty in sending supplies because of poor roads, hampers the response.",
    );
    assert!(d.shortages.is_empty(), "{:?}", d.shortages);
    let d = doc("Hospitals in Malawi are running out of gloves and oxygen.");
    assert_eq!(d.shortages.len(), 1);
    assert_eq!(
        d.shortages[0].place.as_ref().map(|p| p.id.as_str()),
        Some("MW")
    );
}

#[test]
fn laboratory_isolation_is_no_measure() {
    assert!(
        doc("The results of virus isolation studies are pending.")
            .measures
            .is_empty()
    );
    let d = doc("Poultry culling is under way in northern Iraq.");
    assert_eq!(d.measures[0].kind, "culling");
    assert_eq!(
        d.measures[0].place.as_ref().map(|p| p.id.as_str()),
        Some("IQ")
    );
}

/// The measures found with the known-word gate are those found asking the measure list about
/// every token, sentence by sentence, on the seeds and the WHO DON texts.
#[test]
fn measures_with_the_known_word_gate_are_the_ungated_measures() {
    use crate::response::lexicon::Lists;
    use crate::response::parties::LazyParties;
    use crate::response::text::{Ctx, sentences, tokens};
    let mut texts = crate::test_util::seed_and_don_texts();
    texts.push(
        "Schools were closed in Lagos. The MoH's quarantine, Contact-tracing and culling \
         continue; travel-restrictions (QUARANTINE) apply. Écoles fermées, QUARANTAINE."
            .into(),
    );
    let mut toks = Vec::new();
    let mut infos = Vec::new();
    let mut found = 0usize;
    for t in &texts {
        let d = doc(t);
        let ctx = Ctx::new(&d);
        // The gated measures of the whole text, pushed sentence after sentence (each sentence's
        // own, whatever the sentences before found); the ungated ones of each sentence alone.
        let mut all_gated = Vec::new();
        for (s, e) in sentences(&d.text) {
            tokens(&d.text, s, e, &mut toks);
            Lists::global().infos(&ctx, &toks, &mut infos);
            let parties = LazyParties::new(&ctx, &toks, &infos);
            let before = all_gated.len();
            crate::response::find_measures(&ctx, &toks, &infos, (s, e), &parties, &mut all_gated);
            let gated = &all_gated[before..];
            let all: Vec<_> = infos
                .iter()
                .map(|i| crate::response::lexicon::WordInfo { known: true, ..*i })
                .collect();
            let mut ungated = Vec::new();
            crate::response::find_measures(&ctx, &toks, &all, (s, e), &parties, &mut ungated);
            assert_eq!(gated, ungated.as_slice(), "{}", &d.text[s..e]);
            found += gated.len();
        }
    }
    assert!(found > 0);
}

/// The word infos of the table lookup against the slow lookups (a hash per list and question)
/// for every token of `text`, and the rules that read them against their old forms: the hedge
/// test against `hedged`, the action cues against the ungated cue scan.
fn infos_agree(text: &str) -> usize {
    use crate::response::lexicon::Lists;
    use crate::response::text::{hedged, hedged_in, sentences, tokens};
    let lists = Lists::global();
    let d = Document {
        text: text.into(),
        ..Document::default()
    };
    let ctx = crate::response::text::Ctx::new(&d);
    let mut toks = Vec::new();
    let mut infos = Vec::new();
    let mut cues = 0;
    for (s, e) in sentences(text) {
        tokens(text, s, e, &mut toks);
        lists.infos(&ctx, &toks, &mut infos);
        for (t, i) in toks.iter().zip(&infos) {
            let w = ctx.t(t);
            assert_eq!(*i, lists.info_slow(t.word, w), "{w:?}");
        }
        assert_eq!(hedged_in(&ctx, &toks, &infos), hedged(&ctx, &toks));
        let found = super::actions::cues(&ctx, &toks, &infos);
        assert_eq!(
            found,
            super::actions::cues(&ctx, &toks, &[]),
            "{}",
            &text[s..e]
        );
        cues += found.len();
    }
    cues
}

#[test]
fn word_infos_agree_on_the_seed_and_don_texts() {
    let mut cues = 0;
    for text in crate::test_util::seed_and_don_texts() {
        cues += infos_agree(&text);
    }
    assert!(cues > 0);
}

/// Every listed word in case, possessive, hyphen and non-ASCII variants.
fn listed_variants() -> Vec<String> {
    use crate::response::lexicon::Lists;
    let lists = Lists::global();
    let mut words: Vec<String> = super::cue_patterns().into_iter().map(|(p, _)| p).collect();
    words.extend(lists.firsts_for_tests());
    words.extend(super::text::HEDGES.iter().map(|w| (*w).to_string()));
    words.extend(super::actions::SPEECH.iter().map(|w| (*w).to_string()));
    words.extend(super::parties::BODY_HEADS.iter().map(|w| (*w).to_string()));
    words.extend(
        super::parties::CURRENCY_WORDS
            .iter()
            .map(|w| (*w).to_string()),
    );
    let mut out = Vec::new();
    for w in words {
        for v in [
            w.clone(),
            w.to_uppercase(),
            format!("{w}'s"),
            format!("{w}’s"),
            format!("{w}-x"),
            format!("x-{w}"),
            format!("{w}é"),
            format!("{w}s"),
            format!("{w}{w}"),
        ] {
            out.push(v);
        }
        let mut c = w.chars();
        if let Some(f) = c.next() {
            out.push(f.to_uppercase().chain(c).collect());
        }
    }
    out
}

#[test]
fn word_infos_agree_on_every_listed_word() {
    let words = listed_variants();
    infos_agree(&words.join(" "));
    infos_agree(
        "Appeals for help. Talks held; in talks. At the request of the MoH, WHO sent teams. \
         A donation of masks was received from Japan. WHO-Belgium's AID, RÉQUEST, request’s",
    );
    // "appeals" is no cue word: the gate reads its text (seven bytes) for the appeal rule.
    infos_agree(
        "The UN issued urgent appeals for vaccines and flash Appeals for funds. An APPEALS \
         for masks; interagency appeals. Appeal, appeal's, appealed.",
    );
}

proptest::proptest! {
    #[test]
    fn word_infos_agree_on_random_text(
        picks in proptest::collection::vec((0usize..5000, 0usize..10), 0..40)
    ) {
        let words = listed_variants();
        let seps = [" ", ", ", "-", "'", "’", ". ", "é", "\n", "", " & "];
        let mut s = String::new();
        for (w, sep) in picks {
            s.push_str(&words[w % words.len()]);
            s.push_str(seps[sep]);
        }
        infos_agree(&s);
    }

    #[test]
    fn word_infos_agree_on_any_text(
        s in r"([A-Za-z]{1,20}|said|aid|[0-9]{1,3}|[ ,.;:!?()'`&\-]|\n|“|”|’|é|ß|\PC){0,40}"
    ) {
        infos_agree(&s);
    }
}

/// The cue flags of the gated prefilter (only the sentences the token stream marks, each
/// stretch scanned from its start) against those of one scan over the whole text; the hits of
/// its walks (`Hits`: the token walk, which passes by eight tokens at a time without
/// `walk_bits`, merged with the `memchr3` walk for ASCII quotation marks) against
/// `Prefilter::hit` asked of every token (the reference).
fn gated_flags_agree(text: &str) {
    let sents = super::text::sentences(text);
    let tk = crate::tokens::Tokens::new(text);
    if let Some(pre) = super::prefilter() {
        let b = text.as_bytes();
        let hits: Vec<(usize, usize)> = super::Hits::new(pre, b, &tk.toks).collect();
        let every: Vec<(usize, usize)> = tk
            .toks
            .iter()
            .filter(|t| pre.hit(b, t))
            .map(|t| (t.start, t.end))
            .collect();
        assert_eq!(hits, every, "{text:?}");
        // The quotation marks are found in the text, not by the token walk.
        assert!(pre.ascii_punct.is_some());
    }
    assert_eq!(
        super::cue_sentences_gated(text, &sents, &tk),
        super::cue_sentences(text, &sents),
        "{text:?}"
    );
}

#[test]
fn gated_cue_flags_agree_on_the_seed_and_don_texts() {
    for text in crate::test_util::seed_and_don_texts() {
        gated_flags_agree(&text);
    }
}

#[test]
fn gated_cue_flags_agree_on_edge_cases() {
    for text in [
        "He said so.",
        "ésaid it. Saidé. said2 2said _said_ “quoted” ''a'' ``b``",
        "They ran out. Ran\nout of masks; running  out.",
        "School closures and travel bans. QUARANTINE! border-closure",
        "x's 'tis “ ”",
        "",
        // Matches inside words before the first hit and after the last (the scan's bounds).
        "brun outbreak said. Xran outsaid, ran outran out of masks; xxsaidxx said",
        "Supplies ran out\nof stock; ésaid éran out travel bansé travel bans",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z said a b c d e f g h",
    ] {
        gated_flags_agree(text);
    }
    // Sentences cut inside a long run without a space (`text::sentences` caps them).
    let long = format!("{}ran out{} said", "a,".repeat(999), "é".repeat(1500));
    gated_flags_agree(&long);
    let long = format!("{}said, {}", "x".repeat(1998), "ö".repeat(3000));
    gated_flags_agree(&long);
}

/// Every cue as written, capitalised and upper-cased.
fn cue_variants() -> Vec<String> {
    let mut out = Vec::new();
    for (p, _) in super::cue_patterns() {
        out.push(p.to_uppercase());
        let mut c = p.chars();
        if let Some(f) = c.next() {
            out.push(f.to_uppercase().chain(c).collect());
        }
        out.push(p);
    }
    out
}

proptest::proptest! {
    #[test]
    fn gated_cue_flags_agree_on_random_text(
        picks in proptest::collection::vec((0usize..2000, 0usize..16), 0..40)
    ) {
        let cues = cue_variants();
        let seps = [
            " ", ", ", "\n", "-", "é", ". ", "x", "2", "'", "\"", "”. ", "? ", "ß", ".\n", "",
            "  ",
        ];
        let mut s = String::new();
        for (w, sep) in picks {
            s.push_str(&cues[w % cues.len()]);
            s.push_str(seps[sep]);
        }
        gated_flags_agree(&s);
    }

    #[test]
    fn gated_cue_flags_agree_on_any_text(
        s in r"([A-Za-z]{1,8}|said|ran out|run|out|[0-9]{1,3}|[ ,.;:!?()'`\-]|\n|“|”|’|é|ß|\PC){0,40}"
    ) {
        gated_flags_agree(&s);
    }
}

/// The tokens read off the shared stream ([`super::text::tokens_from_stream`]) against the
/// response tokeniser ([`super::text::tokens`]) on every sentence and line of `text` and on
/// ranges cut inside runs (every character boundary as a start or end, for short texts).
/// Returns the number of tokens compared.
fn stream_tokens_agree(text: &str) -> usize {
    use super::text::{sentences, tokens, tokens_from_stream};
    let tk = crate::tokens::Tokens::new(text);
    let (mut old, mut new) = (Vec::new(), Vec::new());
    let mut n = 0;
    let mut check = |s: usize, e: usize| {
        tokens(text, s, e, &mut old);
        tokens_from_stream(text, &tk.toks, (s, e), &mut new);
        assert_eq!(old, new, "{:?} in {text:?}", &text[s..e]);
        n += old.len();
    };
    let mut ranges = sentences(text);
    let mut ls = 0;
    for (i, _) in text.match_indices('\n') {
        ranges.push((ls, i + 1));
        ls = i + 1;
    }
    ranges.push((ls, text.len()));
    for (s, e) in ranges {
        check(s, e);
    }
    if text.len() <= 200 {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&k| text.is_char_boundary(k))
            .collect();
        for &s in &bounds {
            check(s, text.len());
            check(0, s);
            if let Some(&e) = bounds.iter().find(|&&e| e >= s + 7) {
                check(s, e);
            }
        }
    }
    n
}

#[test]
fn stream_tokens_agree_on_the_seed_and_don_texts() {
    let mut n = 0;
    for text in crate::test_util::seed_and_don_texts() {
        n += stream_tokens_agree(&text);
    }
    assert!(n > 100_000, "{n}");
}

#[test]
fn stream_tokens_agree_on_edge_cases() {
    for text in [
        "H5N1 and 1,000,000 cases; 2,5 a,1 1, 2 x-ray Dr.Who AT&T 'tis rock'n'roll",
        "“quoted” it’s O’Neil l’Aquila côte-d’Ivoire Ⅻ Ⅻb x² ²x 2² ½-dose ٣٤ 3٤ a٣",
        "e\u{301}t\u{301}e\u{301} n\u{303}o a\u{a0}b c\u{2009}d 1\u{202f}000 tab\tx\r\ny",
        "- . & , ' ’ -x x- x-- x-.y x.-y 1,,2 1,-2 ,1 1, .5 5. a.b.c. U.S.-led",
        "ÉTAT Ärzte ßig ǅemal ΣΟΦΙΑ İstanbul 北京市 한국 x\u{200b}y",
        // Around the General Punctuation block ([`super::text::punct_alnum`]).
        "x⁰ 2ⁱ ⁰x a\u{2010}b c\u{2011}d e—f 5‰ g…h “i” j\u{206f}k l\u{1fff}m \u{2000}n",
        "",
        " ",
    ] {
        stream_tokens_agree(text);
    }
    // Sentences cut inside a long run without a space (`text::sentences` caps them).
    let long = format!("{}ran out{} said", "a,".repeat(999), "é".repeat(1500));
    stream_tokens_agree(&long);
    let long = format!("{}said, {}", "x1-".repeat(900), "ö".repeat(3000));
    stream_tokens_agree(&long);
}

/// [`super::text::punct_alnum`] is `char::is_alphanumeric` on every character.
#[test]
fn punct_alnum_is_is_alphanumeric_for_every_char() {
    let mut n = 0;
    for c in (0..=0x10_FFFF_u32).filter_map(char::from_u32) {
        assert_eq!(super::text::punct_alnum(c), c.is_alphanumeric(), "{c:?}");
        n += 1;
    }
    assert!(n > 1_000_000, "{n}");
}

proptest::proptest! {
    #[test]
    fn stream_tokens_agree_on_any_text(
        s in r"([A-Za-z]{1,6}|[0-9]{1,4}|[ ,.;:!?()'`&\-]|\n|\t|“|”|’|é|ß|²|½|Ⅻ|٣|\u{301}|\u{a0}|\PC){0,40}"
    ) {
        stream_tokens_agree(&s);
    }

    #[test]
    fn stream_tokens_agree_on_joined_pieces(
        picks in proptest::collection::vec((0usize..12, 0usize..12), 0..40)
    ) {
        let pieces = ["a", "B", "1", "23", "é", "²", "Ⅻ", "٣", "x1", "É", "ǅ", "\u{301}"];
        let seps = ["", "-", ",", ".", "'", "’", "&", " ", ", ", "-,", ".\n", "--"];
        let mut s = String::new();
        for (p, sep) in picks {
            s.push_str(pieces[p]);
            s.push_str(seps[sep]);
        }
        stream_tokens_agree(&s);
    }
}

/// The places, dates and main country of `ctx` (built from `d`) against the old construction
/// of [`super::text::Ctx::with_index`] (one `push` a mention, countries compared with `==`).
fn ctx_agrees(d: &Document, ctx: &super::text::Ctx<'_>) {
    let mut places = Vec::new();
    let mut best: Option<(&str, usize)> = None;
    let mut per_country: Vec<(&str, usize)> = Vec::new();
    for p in &d.places {
        let Some(c) = p.country.as_deref() else {
            continue;
        };
        for m in &p.mentions {
            places.push((&*p.name, m.start, m.end, c));
        }
        match per_country.iter_mut().find(|(k, _)| *k == c) {
            Some(e) => e.1 += p.mentions.len(),
            None => per_country.push((c, p.mentions.len())),
        }
    }
    for &(c, n) in &per_country {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((c, n));
        }
    }
    places.sort_by_key(|p| p.1);
    let got: Vec<_> = ctx
        .places()
        .iter()
        .map(|p| (p.name, p.start, p.end, p.country))
        .collect();
    assert_eq!(got, places);
    assert_eq!(ctx.main_country(), best.map(|(c, _)| c));
    let mut dates: Vec<(usize, usize, &str)> = d
        .dates
        .iter()
        .filter_map(|x| Some((x.start, x.end, x.value.as_deref()?)))
        .collect();
    dates.sort_by_key(|x| x.0);
    assert_eq!(ctx.dates(), dates);
}

#[test]
fn ctx_agrees_on_made_up_places() {
    use epiwire_model::{Place, Span};
    let place = |name: &str, country: Option<&str>, starts: &[usize]| Place {
        geonameid: 1,
        name: name.to_string().into(),
        kind: "city".into(),
        country: country.map(|c| c.to_string().into()),
        lat: 0.0,
        lon: 0.0,
        mentions: starts
            .iter()
            .map(|&s| Span {
                start: s,
                end: s + 3,
                text: "xxx".into(),
            })
            .collect(),
    };
    // Ties between countries go to the first named; a longer code is another country.
    for places in [
        vec![
            place("A", Some("CN"), &[9, 1]),
            place("B", Some("KP"), &[5, 2]),
            place("C", None, &[0]),
            place("D", Some("CN"), &[7]),
            place("E", Some("CNX"), &[3, 4, 6, 8]),
        ],
        vec![place("B", Some("KP"), &[5]), place("A", Some("CN"), &[5])],
        vec![],
    ] {
        let d = Document {
            text: "x".repeat(20),
            places,
            ..Document::default()
        };
        ctx_agrees(&d, &super::text::Ctx::new(&d));
    }
}

/// The response and quote passes with the sentences tokenised from the shared stream against
/// the same passes with the response tokeniser, on the annotated document of `text`.
fn stream_passes_agree(text: &str) -> usize {
    let mut d = Document {
        id: "t".into(),
        text: text.into(),
        published: Some("2022-05-17".into()),
        ..Document::default()
    };
    crate::annotate(&mut d);
    let tk = crate::tokens::Tokens::new(text);
    let ctx = super::text::Ctx::new(&d);
    ctx_agrees(&d, &ctx);
    let sents = super::text::sentences(text);
    let flags = super::cue_sentences(text, &sents);
    let wanted: Vec<bool> = flags
        .iter()
        .map(|f| f[super::Family::Quote as usize])
        .collect();
    let new = super::find_flagged(&ctx, &sents, &flags, Some(&tk.toks));
    let old = super::find_flagged(&ctx, &sents, &flags, None);
    assert_eq!(new, old, "{text:?}");
    let new_q = crate::quote::find_in(&ctx, &sents, &wanted, Some(&tk.toks));
    let old_q = crate::quote::find_in(&ctx, &sents, &wanted, None);
    assert_eq!(new_q, old_q, "{text:?}");
    new.actions.len() + new.shortages.len() + new.measures.len() + new_q.len()
}

#[test]
fn stream_passes_agree_on_the_seed_and_don_texts() {
    let mut n = 0;
    for text in crate::test_util::seed_and_don_texts() {
        n += stream_passes_agree(&text);
    }
    assert!(n > 1000, "{n}");
}

/// Every token of `text` read as an amount, against the old `amount` (a copy without commas
/// and a lower-cased copy of the scale word). Returns the number of amounts.
fn amounts_agree(text: &str) -> usize {
    use super::parties::{amount, amount_reference};
    let d = Document {
        text: text.into(),
        ..Document::default()
    };
    let ctx = super::text::Ctx::new(&d);
    let mut toks = Vec::new();
    super::text::tokens(text, 0, text.len(), &mut toks);
    let mut n = 0;
    for i in 0..=toks.len() {
        let got = amount(&ctx, &toks, i);
        let want = amount_reference(&ctx, &toks, i);
        assert_eq!(
            got.map(|(v, e)| (v.to_bits(), e)),
            want.map(|(v, e)| (v.to_bits(), e)),
            "{:?}",
            toks.get(i).map(|t| ctx.t(t))
        );
        n += usize::from(got.is_some());
    }
    n
}

#[test]
fn amounts_agree_on_the_seed_and_don_texts_and_edge_cases() {
    let mut n = 0;
    for text in crate::test_util::seed_and_don_texts() {
        n += amounts_agree(&text);
    }
    assert!(n > 10_000, "{n}");
    amounts_agree(
        "1,000 MILLION 2 Billion 3 thousand 4 thousands 5 MİLLION 6 mil\u{212a}ion 1,2,3 billion \
         7.5 million 8e3 9,000.5 10 ,",
    );
}

proptest::proptest! {
    #[test]
    fn amounts_agree_on_any_text(
        s in r"([0-9]{1,4}|[0-9],[0-9]{3}|[0-9]\.[0-9]|million|Billion|THOUSAND|e|[ ,.]|\PC){0,30}"
    ) {
        amounts_agree(&s);
    }
}

/// [`item_gate_is_sound`], and the number of sentences of `text` the gate passes by only
/// because it reads the word after a [`crate::tokens::class::RESP_LEAD`] word.
fn item_gate_is_sound_with_leads(text: &str) -> (usize, usize) {
    let tk = crate::tokens::Tokens::new(text);
    let gate = super::ItemGate::global();
    let by_leads = super::text::sentences(text)
        .into_iter()
        .filter(|&span| {
            let new = gate.may_want(text.as_bytes(), &tk.toks, span);
            let old = gate.may_want_leads(text.as_bytes(), &tk.toks, span, false);
            // The lead words only narrow the gate.
            assert!(old || !new, "{:?}", &text[span.0..span.1]);
            old && !new
        })
        .count();
    (item_gate_is_sound(text), by_leads)
}

/// Every sentence of `text` that [`super::ItemGate`] passes by yields no item and holds no
/// "request" (what the ungated pass reads to decide that no action or shortage is wanted).
/// Returns the number of sentences passed by.
fn item_gate_is_sound(text: &str) -> usize {
    let d = Document {
        text: text.into(),
        ..Document::default()
    };
    let ctx = super::text::Ctx::new(&d);
    let tk = crate::tokens::Tokens::new(text);
    let gate = super::ItemGate::global();
    let lists = super::lexicon::Lists::global();
    let (mut toks, mut infos) = (Vec::new(), Vec::new());
    let mut passed = 0;
    for (s, e) in super::text::sentences(text) {
        if gate.may_want(text.as_bytes(), &tk.toks, (s, e)) {
            continue;
        }
        passed += 1;
        super::text::tokens_of(text, Some(&tk.toks), (s, e), &mut toks);
        lists.infos(&ctx, &toks, &mut infos);
        let mut items = Vec::new();
        super::parties::items_known(&ctx, &toks, &infos, &mut items);
        assert!(items.is_empty(), "{:?} in {:?}", items, &text[s..e]);
        assert!(
            !toks.iter().any(|t| super::text::is(ctx.t(t), "request")),
            "{:?}",
            &text[s..e]
        );
    }
    passed
}

/// `items_known` (punctuation tokens that start no item passed by,
/// [`super::parties::starts_no_item`]) against the reading of every punctuation token, and the
/// infos read off the stream (`Lists::infos_with`) against `Lists::infos`, over every sentence
/// of `text`. Returns the number of
/// punctuation tokens passed by.
fn items_gate_agrees(text: &str) -> usize {
    use super::parties::{items_gated, starts_no_item};
    let d = Document {
        text: text.into(),
        ..Document::default()
    };
    let ctx = super::text::Ctx::new(&d);
    let tk = crate::tokens::Tokens::new(text);
    let lists = super::lexicon::Lists::global();
    let (mut toks, mut infos) = (Vec::new(), Vec::new());
    let key = |v: &[super::parties::ItemAt]| -> Vec<_> {
        v.iter().map(|x| (x.i, x.j, x.item.clone())).collect()
    };
    let mut passed = 0;
    let mut fast = Vec::new();
    // The gated items in one buffer for all the sentences (as `find_flagged` keeps it), the
    // ungated ones in a fresh one per sentence.
    let mut kept = Vec::new();
    for (s, e) in super::text::sentences(text) {
        super::text::tokens_of(text, Some(&tk.toks), (s, e), &mut toks);
        lists.infos(&ctx, &toks, &mut infos);
        // The infos read off the stream's word classes against one lookup per token.
        lists.infos_with(&ctx, &toks, Some(&tk.toks), &mut fast);
        assert_eq!(fast, infos, "{:?}", &text[s..e]);
        items_gated(&ctx, &toks, &infos, true, &mut kept);
        let mut fresh = Vec::new();
        items_gated(&ctx, &toks, &infos, false, &mut fresh);
        assert_eq!(key(&kept), key(&fresh), "{:?}", &text[s..e]);
        // The tokens the `gated` test passes by that the first test lets through: punctuation,
        // and words of the organisation and measure lists.
        passed += toks
            .iter()
            .zip(&infos)
            .filter(|(t, x)| {
                starts_no_item(&ctx, t, Some(x), true) && !starts_no_item(&ctx, t, Some(x), false)
            })
            .count();
    }
    passed
}

#[test]
fn item_gate_is_sound_on_the_seed_and_don_texts_and_edge_cases() {
    let (mut n, mut p, mut l) = (0, 0, 0);
    for text in crate::test_util::seed_and_don_texts() {
        let (passed, by_leads) = item_gate_is_sound_with_leads(&text);
        n += passed;
        l += by_leads;
        p += items_gate_agrees(&text);
    }
    assert!(n > 10_000, "{n}");
    assert!(p > 10_000, "{p}");
    assert!(l > 1_000, "{l}");
    for t in [
        "They sent VACCINES. They sent vaccine's. They sent Masks-and-more. A REQUEST. A Request's.",
        "They gave $ 5 million. They gave 5 million dollars. They gave US$5. US $ 5. USD 5. \
         They gave 5 euros. 5 €. £ 5. 5 yen. 5 Won.",
        "Sent \u{212a}its. Sent médicines. Sent ﬁve. Sent supercalifragilisticexpialidocious \
         things. Sent H1N1 vaccine. Sent Sputnik V. Sent fever-reducers. Sent oily drugs.",
        "He said: “help”. Aid. aid's. (aid) [kits] 'tests'.",
        // Words of the organisation and measure lists before currencies and amounts.
        "WHO US$ 5 million. Ministry USD 5. UNICEF 5 million dollars. Quarantine $ 5. \
         World Health Organization 5 euros. Red Cross vaccines. border closures masks.",
        // Words that start items only with the word after them, and what may follow them.
        "Health workers. Health, workers. Health-workers. Health's workers. health  WORKERS. \
         The health ministry. health (workers). health.workers. health&workers. Health\nworkers. \
         health care workers. health 5 workers. health ²workers. health \u{212a}its.",
        "rapid tests. rapid test kits. Rapid-tests. rapid test's. RAPID TESTS. rapid \
         testing. personal protective equipment. Personal protective. fever reducers. fever. \
         laboratory supplies. laboratory, supplies. cholera vaccine. cholera vaccines's. oral \
         rehydration salts. Sputnik V. sputnik v's. Johnson & Johnson. face masks. face-masks.",
        "laboratory",
        "health",
        "Rapid test",
        "The rapid",
        "health—workers",
        "health “kits”",
    ] {
        item_gate_is_sound(t);
        items_gate_agrees(t);
        stream_passes_agree(t);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Random sentences of item, vaccine, currency and cue words in any case, with numbers,
    /// joiners, possessives, non-ASCII letters and sentence ends: the gate is sound and the
    /// gated pass finds what the ungated one does.
    #[test]
    fn item_gate_is_sound_on_random_text(
        words in proptest::collection::vec(
            r"(vaccines?|VACCINE|Masks?|kits|aid|AID|help|support|doses|Sputnik|tamiflu|ors|\
               request|REQUESTS?|sent|offered|donated|shortage|lack|closed|said|WHO|China|the|of|\
               US|usd|dollars|euros|yen|won|cfa|\$|€|£|[0-9]{1,4}|[0-9],[0-9]{3}|million|\
               médecins|\u{212a}its|[a-z]{1,6}|'s|-|\.|,|;|\n|“|”|\x22|\(|\))",
            0..40,
        ),
        seps in proptest::collection::vec(r"( |  |\n|)", 40),
    ) {
        let mut text = String::new();
        for (w, s) in words.iter().zip(&seps) {
            text.push_str(w);
            text.push_str(s);
        }
        item_gate_is_sound(&text);
        items_gate_agrees(&text);
        stream_passes_agree(&text);
    }

    /// Random sentences of the words that start items only with the word after them, the
    /// second words of items and other words, with joiners and punctuation: the gate is sound.
    #[test]
    fn item_gate_is_sound_after_lead_words(
        words in proptest::collection::vec(
            r"(health|Health|rapid|RAPID|fever|test|face|laboratory|personal|cholera|sputnik|\
               the|sent)(-[a-z]{1,3}|'s|’s|\.[a-z]{1,2}|&[a-z]|,|\.|)( |  |\n|)(workers?|\
               WORKERS|kits?|tests?|care|reducers|masks?|supplies|protective|vaccines?|v|V|the|\
               [a-z]{1,3}|[0-9]{1,2}|\(|—|“|\u{212a}its)",
            0..30,
        ),
        seps in proptest::collection::vec(r"( |  |\n|)", 30),
    ) {
        let mut text = String::new();
        for (w, s) in words.iter().zip(&seps) {
            text.push_str(w);
            text.push_str(s);
        }
        item_gate_is_sound_with_leads(&text);
    }
}

#[test]
fn item_lead_words_start_only_phrases_of_two_words() {
    let leads = super::item_lead_words();
    for w in ["health", "rapid", "laboratory", "fever", "personal"] {
        assert!(leads.iter().any(|l| l == w), "{w} in {leads:?}");
    }
    for w in ["vaccine", "masks", "request", "dollars", "us", "usd", "aid"] {
        assert!(!leads.iter().any(|l| l == w), "{w} in {leads:?}");
    }
}

/// `currency` (first byte and length tested first) against the scan of the list.
fn currency_agrees(w: &str) -> bool {
    let got = super::parties::currency(w);
    assert_eq!(got, super::parties::currency_scan(w), "{w:?}");
    got.is_some()
}

/// `in_ascii_list!` against `is_any` for the lists it reads.
fn lists_agree(w: &str) -> usize {
    use super::text::{in_ascii_list, is_any};
    let pairs = [
        (
            in_ascii_list!(w, super::actions::NON_AID),
            is_any(w, super::actions::NON_AID),
        ),
        (
            in_ascii_list!(w, super::actions::PLANNED),
            is_any(w, super::actions::PLANNED),
        ),
        (
            in_ascii_list!(w, super::actions::NEGATIONS),
            is_any(w, super::actions::NEGATIONS),
        ),
    ];
    for (fast, slow) in pairs {
        assert_eq!(fast, slow, "{w:?}");
    }
    pairs.iter().filter(|p| p.0).count()
}

/// Word variants that ASCII-case-insensitive and Unicode lower-casing tell apart.
pub(crate) fn variants(w: &str) -> Vec<String> {
    vec![
        w.to_string(),
        w.to_uppercase(),
        w.to_ascii_uppercase(),
        format!("{w}s"),
        format!("x{w}"),
        w.replace('k', "\u{212a}"),
        w.replace('i', "\u{130}"),
        w.replace('s', "\u{17f}"),
        w.chars().skip(1).collect(),
    ]
}

#[test]
fn word_lists_agree_on_every_token_and_variant() {
    for list in [
        super::actions::NON_AID,
        super::actions::PLANNED,
        super::actions::NEGATIONS,
    ] {
        assert!(list.iter().all(|w| w.is_ascii()), "{list:?}");
    }
    let (mut cur, mut listed) = (0, 0);
    let mut toks = Vec::new();
    for text in crate::test_util::seed_and_don_texts() {
        super::text::tokens(&text, 0, text.len(), &mut toks);
        for t in &toks {
            let w = &text[t.s..t.e];
            cur += usize::from(currency_agrees(w));
            listed += lists_agree(w);
        }
    }
    assert!(cur > 20 && listed > 1000, "{cur} {listed}");
    let words = super::parties::CURRENCIES
        .iter()
        .map(|&(k, _)| k)
        .chain(super::actions::NON_AID.iter().copied())
        .chain(super::actions::PLANNED.iter().copied())
        .chain(super::actions::NEGATIONS.iter().copied());
    for w in words {
        for v in variants(w) {
            currency_agrees(&v);
            lists_agree(&v);
        }
    }
    for w in [
        "",
        "$$",
        "US$",
        "€",
        "£",
        "¥",
        "E",
        &"x".repeat(63),
        &"x".repeat(64),
        &"x".repeat(70),
    ] {
        currency_agrees(w);
        lists_agree(w);
    }
}

proptest::proptest! {
    #[test]
    fn word_lists_agree_on_any_word(
        w in r"([a-zA-Z$€£,.0-9]{0,9}|\PC{0,5}|(usd|yen|won|will|not|n't|data)[\u{212a}\u{130}\u{17f}é]?)",
    ) {
        currency_agrees(&w);
        lists_agree(&w);
    }
}

/// [`super::text::abbreviation_before`] against the bytewise reference at every byte of `text`
/// as the period, from every start up to nine bytes back and from the text's start.
fn abbreviation_agrees(text: &str) -> usize {
    use super::text::{abbreviation_before, abbreviation_before_bytewise};
    let b = text.as_bytes();
    let mut yes = 0;
    for dot in 0..=b.len() {
        for start in (dot.saturating_sub(9)..=dot).chain([0]) {
            let want = abbreviation_before_bytewise(b, start, dot);
            assert_eq!(
                abbreviation_before(b, start, dot),
                want,
                "{:?} start {start} dot {dot}",
                String::from_utf8_lossy(&b[start..dot])
            );
            yes += usize::from(want);
        }
    }
    yes
}

#[test]
fn abbreviation_before_is_the_bytewise_reading_on_the_seed_and_don_texts_and_edge_cases() {
    let mut yes = 0;
    for text in crate::test_util::seed_and_don_texts() {
        // Every period with the sentence start a few bytes or a whole text back.
        let b = text.as_bytes();
        for dot in memchr::memchr_iter(b'.', b) {
            for start in (dot.saturating_sub(9)..=dot).chain([0]) {
                let want = super::text::abbreviation_before_bytewise(b, start, dot);
                assert_eq!(super::text::abbreviation_before(b, start, dot), want);
                yes += usize::from(want);
            }
        }
    }
    for t in [
        "",
        "A.",
        "x A.",
        "Dr.",
        " Dr.",
        "said Dr. Smith",
        "the U.S. and U.K.",
        "approx. 40",
        "xapprox.",
        "xxapprox. 1approx.",
        "1approx.",
        "e.g. masks",
        "ai.e.",
        "Sept. 3",
        "8 Sept.",
        "longword.",
        "\u{e9}Dr.",
        "caf\u{e9} A.",
        "\u{e9}\u{e9}\u{e9}A.",
        "Mrs.Mrs.",
        "Inc.",
        "ab\u{e}Co.",
        "\u{7f}Jr. \u{80}",
    ] {
        yes += abbreviation_agrees(t);
    }
    assert!(yes > 0);
}

proptest::proptest! {
    #[test]
    fn abbreviation_before_is_the_bytewise_reading(
        t in r"([A-Za-z0-9. \u{e}\u{7f}é]{0,4}(Dr|Mrs|Sept|U\.S|e\.g|approx|A|Jr)?\.){0,4}",
    ) {
        abbreviation_agrees(&t);
    }
}

/// Parties named by `ids` (one letter each), at distinct positions.
fn parties_named(ids: &[u8]) -> Vec<epiwire_model::Party> {
    ids.iter()
        .enumerate()
        .map(|(k, &c)| epiwire_model::Party {
            id: char::from(b'A' + c % 4).to_string(),
            kind: "country".into(),
            country: None,
            start: k,
            end: k + 1,
            text: format!("p{k}"),
        })
        .collect()
}

/// `dedup_parties` (no copies of the identifiers) keeps what the old list of copies kept, and
/// `each_pair` (parties moved into their last pair) gives the pairs of the old nested loops
/// over copies, in the same order, with only the last one flagged.
fn pairs_and_dedup_agree(a: &[u8], b: &[u8]) {
    use super::actions::{
        dedup_parties, dedup_parties_by_copies, each_pair_by_copies, each_pair_list,
    };
    let (mut new, mut old) = (parties_named(a), parties_named(a));
    dedup_parties(&mut new);
    dedup_parties_by_copies(&mut old);
    assert_eq!(new, old, "{a:?}");
    let (xs, ys) = (parties_named(a), parties_named(b));
    let new = each_pair_list(xs.clone(), ys.clone());
    let old = each_pair_by_copies(xs, ys);
    let flags: Vec<bool> = new.iter().map(|p| p.2).collect();
    let pairs: Vec<_> = new.into_iter().map(|(p, q, _)| (p, q)).collect();
    assert_eq!(pairs, old, "{a:?} {b:?}");
    assert_eq!(flags.iter().filter(|f| **f).count(), 1);
    assert_eq!(flags.last(), Some(&true));
}

#[test]
fn pairs_and_dedup_agree_on_small_lists() {
    for n in 0..9u8 {
        for m in 0..9u8 {
            let a: Vec<u8> = (0..n).map(|k| k * 3 % 5).collect();
            let b: Vec<u8> = (0..m).map(|k| k * 7 % 3).collect();
            pairs_and_dedup_agree(&a, &b);
        }
    }
}

proptest::proptest! {
    #[test]
    fn pairs_and_dedup_agree_on_any_lists(
        a in proptest::collection::vec(0u8..6, 0..10),
        b in proptest::collection::vec(0u8..6, 0..10),
    ) {
        pairs_and_dedup_agree(&a, &b);
    }
}

/// Parties of the given kinds and identifiers (one letter each).
fn parties_at(list: &[(bool, u8)]) -> Vec<super::parties::PartyAt> {
    list.iter()
        .enumerate()
        .map(|(k, &(country, c))| super::parties::PartyAt {
            i: k,
            j: k + 1,
            party: epiwire_model::Party {
                id: if c == 0 {
                    "GOV".to_string()
                } else {
                    char::from(b'A' + c % 4).to_string()
                },
                kind: if country { "country" } else { "organisation" }.into(),
                country: None,
                start: k,
                end: k + 1,
                text: format!("p{k}"),
            },
            modifier: false,
        })
        .collect()
}

/// `only_country` (read in place) is the old sorted list of countries without repeats when it
/// has one element.
#[test]
fn only_country_is_the_sorted_list_on_small_lists() {
    use super::parties::{only_country, only_country_by_sort};
    for n in 0..7u8 {
        for seed in 0..12u8 {
            let list: Vec<(bool, u8)> = (0..n)
                .map(|k| ((k + seed) % 3 != 0, (k * seed + seed / 2) % 5))
                .collect();
            let ps = parties_at(&list);
            assert_eq!(only_country(&ps), only_country_by_sort(&ps), "{list:?}");
        }
    }
}

proptest::proptest! {
    #[test]
    fn only_country_is_the_sorted_list(
        list in proptest::collection::vec((proptest::bool::ANY, 0u8..5), 0..8)
    ) {
        use super::parties::{only_country, only_country_by_sort};
        let ps = parties_at(&list);
        proptest::prop_assert_eq!(only_country(&ps), only_country_by_sort(&ps));
    }
}
