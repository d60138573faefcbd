//! Response and aid: actions (offers, promises, deliveries, requests, acceptances, refusals,
//! talks), shortages and public-health measures, each with its evidence sentence.
//!
//! The pass is linear and cheap: one Aho-Corasick scan over the text for cue words (action
//! verbs, shortage words, measure words); only the sentences holding a cue are tokenised and
//! read by the hand-written rules (actions, shortages, measures; quotes in [`crate::quote`]).
//! Parties are resolved from the document's place mentions (a country, or the country of a city
//! or of a demonym: "Chinese Foreign Ministry" → `CN`) and from the organisation list in
//! `data/response/parties.tsv`. The guideline the rules follow, and the gold set they are scored
//! on, are in `eval/response/`.

mod actions;
pub mod eval;
mod lexicon;
mod parties;
pub(crate) mod text;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use epiwire_model::{Action, CharIndex, Document, Measure, Party, Shortage};

use lexicon::Lists;
use parties::{ItemAt, PartyAt};
use text::{Ctx, Tok, hedged, is, is_any};

pub use eval::{ResponseReport, eval_response};

/// Errors of the response module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the gold file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A gold record is malformed.
    #[error("{path} line {line}: {message}")]
    Format {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result of the response module.
pub type Result<T> = std::result::Result<T, Error>;

/// What the response pass finds in one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    /// Aid and response actions.
    pub actions: Vec<Action>,
    /// Shortages.
    pub shortages: Vec<Shortage>,
    /// Public-health measures.
    pub measures: Vec<Measure>,
}

/// Which rule family a cue word wakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Action,
    Shortage,
    Measure,
    Quote,
}

/// Shortage cues (the rules check the words around them).
const SHORTAGE_CUES: &[&str] = &[
    "short",
    "shortage",
    "shortages",
    "lack",
    "lacks",
    "lacking",
    "scarce",
    "scarcity",
    "run out",
    "ran out",
    "running out",
    "runs out",
    "insufficient",
];

/// Speech cues of the quote pass's prefilter: the common verbs and the quotation marks (the
/// attribution rules know more verbs, used only once a line is read).
const QUOTE_CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "explained",
    "stated",
    "warned",
    "announced",
    "insisted",
    "stressed",
    "urged",
    "according",
    "\"",
    "“",
    "”",
    "''",
    "``",
];

/// Measure cues: the phrases of `data/response/measures.tsv`.
fn measure_cues() -> Vec<String> {
    include_str!("../../data/response/measures.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .filter(|f| !f.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The prefilter: every cue word, ASCII case-insensitive, with its family. `None` only if the
/// automaton could not be built (it is a fixed list of words): then every sentence is read.
fn prefilter() -> Option<&'static (AhoCorasick, Vec<Family>)> {
    static PRE: OnceLock<Option<(AhoCorasick, Vec<Family>)>> = OnceLock::new();
    PRE.get_or_init(|| {
        let mut pats: Vec<String> = Vec::new();
        let mut fam = Vec::new();
        for w in actions::cue_words() {
            pats.push(w.to_string());
            fam.push(Family::Action);
        }
        for w in SHORTAGE_CUES {
            pats.push((*w).to_string());
            fam.push(Family::Shortage);
        }
        for w in measure_cues() {
            pats.push(w);
            fam.push(Family::Measure);
        }
        for w in QUOTE_CUES {
            pats.push((*w).to_string());
            fam.push(Family::Quote);
        }
        // A full DFA: the fastest scan, and small for a few hundred words.
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pats)
            .ok()?;
        Some((ac, fam))
    })
    .as_ref()
}

/// Per-sentence flags from the prefilter: which families have a whole-word cue.
fn cue_sentences(text: &str, sents: &[(usize, usize)]) -> Vec<[bool; 4]> {
    let Some((ac, fam)) = prefilter() else {
        return vec![[true; 4]; sents.len()];
    };
    let b = text.as_bytes();
    let mut flags = vec![[false; 4]; sents.len()];
    let mut si = 0usize;
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let word = b[s].is_ascii_alphanumeric();
        let left_ok = s == 0 || !b[s - 1].is_ascii_alphanumeric();
        let right_ok = e == b.len() || !b[e].is_ascii_alphanumeric();
        if word && !(left_ok && right_ok) {
            continue;
        }
        while si < sents.len() && sents[si].1 <= s {
            si += 1;
        }
        if si == sents.len() {
            break;
        }
        let f = fam[m.pattern().as_usize()];
        flags[si][f as usize] = true;
    }
    flags
}

/// Fills `doc.actions`, `doc.shortages`, `doc.measures` and `doc.quotes` from its text, using
/// its place and date annotations (run it after them).
pub fn annotate(doc: &mut Document) {
    annotate_with(doc, None);
}

/// [`annotate`] with the code-point index of `doc.text`, when the caller has built it.
pub(crate) fn annotate_with(doc: &mut Document, idx: Option<&CharIndex>) {
    if doc.text.is_empty() {
        return;
    }
    let (response, quotes) = {
        let sents = text::sentences(&doc.text);
        let flags = cue_sentences(&doc.text, &sents);
        if !flags.iter().any(|f| f.iter().any(|x| *x)) {
            return;
        }
        let ctx = match idx {
            Some(idx) => Ctx::with_index(doc, std::borrow::Cow::Borrowed(idx)),
            None => Ctx::new(doc),
        };
        let wanted: Vec<bool> = flags.iter().map(|f| f[Family::Quote as usize]).collect();
        (
            find_flagged(&ctx, &sents, &flags),
            crate::quote::find_in(&ctx, &sents, &wanted),
        )
    };
    doc.actions = response.actions;
    doc.shortages = response.shortages;
    doc.measures = response.measures;
    doc.quotes = quotes;
}

/// Finds the actions, shortages and measures of `doc`, using its place and date annotations.
pub fn find(doc: &Document) -> Response {
    if doc.text.is_empty() {
        return Response::default();
    }
    let ctx = Ctx::new(doc);
    let sents = text::sentences(&doc.text);
    find_in(&ctx, &sents)
}

/// The parties of a speaker phrase for the quote pass: (first token, end token, organisation
/// name, country). A country is named by its gazetteer name ("Chinese" → "China").
pub(crate) fn parties_in(
    ctx: &Ctx<'_>,
    toks: &[Tok],
) -> Vec<(usize, usize, String, Option<String>)> {
    parties::parties(ctx, toks)
        .into_iter()
        .map(|p| {
            let name = if p.party.kind == "country" {
                ctx.place_at(toks[p.i].s)
                    .map_or_else(|| p.party.text.clone(), |pl| pl.name.to_string())
            } else {
                let t = p.party.text.trim_start_matches("the ");
                t.strip_suffix("'s")
                    .or_else(|| t.strip_suffix("’s"))
                    .unwrap_or(t)
                    .to_string()
            };
            (p.i, p.j, name, p.party.country.clone())
        })
        .collect()
}

/// Sentences holding a quotation mark or a speech verb, for the quote pass.
pub(crate) fn quote_sentences(text: &str, sents: &[(usize, usize)]) -> Vec<bool> {
    cue_sentences(text, sents)
        .iter()
        .map(|f| f[Family::Quote as usize])
        .collect()
}

/// [`find`] over a prepared context and its sentences.
fn find_in(ctx: &Ctx<'_>, sents: &[(usize, usize)]) -> Response {
    let flags = cue_sentences(ctx.text, sents);
    find_flagged(ctx, sents, &flags)
}

/// [`find_in`] with the prefilter's flags computed.
fn find_flagged(ctx: &Ctx<'_>, sents: &[(usize, usize)], flags: &[[bool; 4]]) -> Response {
    let doc_text = ctx.text;
    let mut out = Response::default();
    let mut toks: Vec<Tok> = Vec::new();
    for (&(s, e), f) in sents.iter().zip(flags) {
        if !f[..3].iter().any(|x| *x) {
            continue;
        }
        text::tokens(doc_text, s, e, &mut toks);
        if toks.is_empty() {
            continue;
        }
        // Parties are the costly part: found only when a rule family has its cue and items.
        // Which words may start a listed phrase: looked up once for items and parties.
        let known = parties::known_words(ctx, &toks);
        let items = parties::items_known(ctx, &toks, &known);
        let want_actions = f[Family::Action as usize]
            && (!items.is_empty() || toks.iter().any(|t| is(ctx.t(t), "request")));
        let want_shortages = f[Family::Shortage as usize] && !items.is_empty();
        let want_measures = f[Family::Measure as usize];
        if !(want_actions || want_shortages || want_measures) {
            continue;
        }
        let parties = parties::parties_known(ctx, &toks, &known);
        if want_actions {
            out.actions
                .extend(actions::find(ctx, &toks, s, e, &parties, &items));
        }
        if want_shortages {
            out.shortages
                .extend(find_shortages(ctx, &toks, s, e, &parties, &items));
        }
        if want_measures {
            out.measures
                .extend(find_measures(ctx, &toks, s, e, &parties, &known));
        }
    }
    out
}

/// The end of the clause holding token `from`: the next `;`, `:`, or a clause word.
fn clause_end(ctx: &Ctx<'_>, toks: &[Tok], from: usize) -> usize {
    (from..toks.len())
        .find(|&k| {
            let w = ctx.t(&toks[k]);
            matches!(w, ";" | ":" | ".")
                || is_any(w, &["but", "while", "although", "whereas", "because"])
        })
        .unwrap_or(toks.len())
}

/// The place of a shortage or measure: the nearest party to the left of `at` (not an item
/// modifier), else the first party after "in" to its right.
fn place_of(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    parties: &[PartyAt],
    at: usize,
    end: usize,
) -> Option<Party> {
    // Places only: a country, or a ministry of a known country; not WHO or MSF.
    let parties: Vec<&PartyAt> = parties
        .iter()
        .filter(|p| p.party.kind == "country" || p.party.id.len() == 2)
        .collect();
    parties
        .iter()
        .rev()
        .find(|p| p.j <= at && !p.modifier)
        .or_else(|| {
            parties.iter().find(|p| {
                p.i > at && p.i < end && p.i > 0 && {
                    // "in northern Iraq".
                    let mut q = p.i - 1;
                    if q > 0
                        && is_any(
                            ctx.t(&toks[q]),
                            &[
                                "northern", "southern", "eastern", "western", "central", "the",
                            ],
                        )
                    {
                        q -= 1;
                    }
                    is_any(ctx.t(&toks[q]), &["in", "across", "throughout", "of", "on"])
                }
            })
        })
        .map(|p| p.party.clone())
}

/// Shortages: "short on/of X", "shortage(s) of X", "in short supply of X", "lack of X",
/// "running out of X"; "X is/are scarce", "X in short supply".
pub(crate) fn find_shortages(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    s: usize,
    e: usize,
    parties: &[PartyAt],
    items: &[ItemAt],
) -> Vec<Shortage> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let w = ctx.t(&toks[k]);
        let next = toks.get(k + 1).map(|t| ctx.t(t)).unwrap_or("");
        let prev = k.checked_sub(1).map(|p| ctx.t(&toks[p])).unwrap_or("");
        // (cue start, first token of the object after the cue, object before the cue)
        let hit: Option<(usize, bool)> = if is(w, "short") && is_any(next, &["of", "on"]) {
            Some((k + 2, false))
        } else if is(w, "short") && is(next, "supply") {
            if toks.get(k + 2).is_some_and(|t| is(ctx.t(t), "of")) {
                Some((k + 3, false))
            } else {
                Some((k + 2, true))
            }
        } else if is_any(w, &["shortage", "shortages", "scarcity"]) {
            if is(next, "of") {
                Some((k + 2, false))
            } else {
                Some((k + 1, true))
            }
        } else if is(w, "lack") && is(next, "of") || is_any(w, &["lacks", "lacking"]) {
            Some((if is(next, "of") { k + 2 } else { k + 1 }, false))
        } else if is(w, "out") && is(next, "of") && is_any(prev, &["run", "running", "ran", "runs"])
        {
            Some((k + 2, false))
        } else if is(w, "scarce") || is(w, "insufficient") && !is(next, "data") {
            Some((k + 1, true))
        } else {
            None
        };
        let Some((obj, before)) = hit else {
            k += 1;
            continue;
        };
        let end = clause_end(ctx, toks, obj);
        // The object: an item right after the cue and the list it starts ("masks,
        // fever-reducers, and vaccines", "… not to mention COVID-19 vaccines").
        let mut its: Vec<_> = Vec::new();
        let mut reach = obj + 4;
        for it in items.iter().filter(|it| it.i >= obj && it.i < end) {
            if it.i > reach {
                break;
            }
            reach = it.j + 6;
            if !matches!(it.item.kind.as_str(), "aid" | "funds") {
                its.push(it.item.clone());
            }
        }
        if its.is_empty() && before {
            // "Vaccines are scarce", "a shortage in masks": the items just before the cue.
            let lo = k.saturating_sub(6);
            its = items
                .iter()
                .filter(|it| it.i >= lo && it.j <= k && it.item.kind != "aid")
                .map(|it| it.item.clone())
                .collect();
        }
        if !its.is_empty() {
            out.push(Shortage {
                items: its,
                place: place_of(ctx, toks, parties, k, end),
                hedged: hedged(ctx, toks),
                date: ctx.date_in(s, e),
                evidence: ctx.trimmed_span(s, e),
            });
        }
        k = end.max(k + 1);
    }
    out
}

/// Measures: the phrases of `data/response/measures.tsv` and "closed/sealed (its) border(s)".
/// `known` are the [`parties::known_words`] of `toks`: a word they mark false starts no phrase
/// of any list, so the measure list is not asked about it.
pub(crate) fn find_measures(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    s: usize,
    e: usize,
    parties: &[PartyAt],
    known: &[bool],
) -> Vec<Measure> {
    let lists = Lists::global();
    let mut out: Vec<Measure> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        if toks[k].word && known.get(k) == Some(&false) {
            k += 1;
            continue;
        }
        let Some((n, kind)) = lists.measures.longest(ctx, toks, k) else {
            k += 1;
            continue;
        };
        let j = k + n;
        // "isolation" of a virus in a laboratory is not a measure.
        let lab = kind == "isolation"
            && (toks
                .get(j)
                .is_some_and(|t| is_any(ctx.t(t), &["of", "studies", "study", "attempts"]))
                || k > 0
                    && is_any(
                        ctx.t(&toks[k - 1]),
                        &["virus", "viral", "virological", "bacterial"],
                    ));
        if lab || out.iter().any(|m| m.kind == *kind) {
            k = j;
            continue;
        }
        let lo = k.saturating_sub(4);
        let modality = if toks[lo..k]
            .iter()
            .any(|t| is_any(ctx.t(t), &["not", "n't", "never", "no"]))
        {
            "denied"
        } else if toks[lo..k].iter().any(|t| {
            is_any(
                ctx.t(t),
                &[
                    "will",
                    "plans",
                    "planned",
                    "planning",
                    "considering",
                    "would",
                    "to",
                ],
            )
        }) {
            "planned"
        } else {
            "reported"
        };
        let end = clause_end(ctx, toks, j);
        out.push(Measure {
            kind: kind.clone(),
            mention: ctx.span(toks[k].s, toks[j - 1].e),
            place: place_of(ctx, toks, parties, k, end),
            date: ctx.date_in(s, e),
            modality: modality.to_string(),
            hedged: hedged(ctx, toks),
            evidence: ctx.trimmed_span(s, e),
        });
        k = j;
    }
    out
}
