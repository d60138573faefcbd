//! Aid and response actions in one sentence: cue verbs, their actor (subject or passive agent),
//! recipient, items, modality and hedges.

use epiwire_model::{Action, Item, Party, Span};

use super::lexicon::{SPEECH as SPEECH_BIT, WordInfo};
use super::parties::{DETS, ItemAt, LazyParties, PartyAt};
use super::text::{Ctx, Tok, hedged_in, in_ascii_list, is, is_any};

/// The action kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Act {
    Offer,
    Promise,
    Send,
    Request,
    Accept,
    Refuse,
    Discuss,
}

impl Act {
    fn as_str(self) -> &'static str {
        match self {
            Act::Offer => "offer",
            Act::Promise => "promise",
            Act::Send => "send",
            Act::Request => "request",
            Act::Accept => "accept",
            Act::Refuse => "refuse",
            Act::Discuss => "discuss",
        }
    }
}

/// How a cue word is inflected: a bare form (also a noun: "request", "offers"), a past
/// participle, a gerund, or a finite verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Bare,
    Past,
    Ing,
    Finite,
    /// A noun naming the act: "a donation of", "an appeal for".
    Noun,
}

/// The cue words: (word, action, form).
const CUES: &[(&str, Act, Form)] = &[
    ("send", Act::Send, Form::Bare),
    ("sends", Act::Send, Form::Finite),
    ("sent", Act::Send, Form::Past),
    ("sending", Act::Send, Form::Ing),
    ("provide", Act::Send, Form::Bare),
    ("provides", Act::Send, Form::Finite),
    ("provided", Act::Send, Form::Past),
    ("providing", Act::Send, Form::Ing),
    ("supplied", Act::Send, Form::Past),
    ("supplying", Act::Send, Form::Ing),
    ("deliver", Act::Send, Form::Bare),
    ("delivers", Act::Send, Form::Finite),
    ("delivered", Act::Send, Form::Past),
    ("delivering", Act::Send, Form::Ing),
    ("donate", Act::Send, Form::Bare),
    ("donates", Act::Send, Form::Finite),
    ("donated", Act::Send, Form::Past),
    ("donating", Act::Send, Form::Ing),
    ("deploy", Act::Send, Form::Bare),
    ("deploys", Act::Send, Form::Finite),
    ("deployed", Act::Send, Form::Past),
    ("deploying", Act::Send, Form::Ing),
    ("dispatch", Act::Send, Form::Bare),
    ("dispatched", Act::Send, Form::Past),
    ("despatched", Act::Send, Form::Past),
    ("dispatching", Act::Send, Form::Ing),
    ("shipped", Act::Send, Form::Past),
    ("airlifted", Act::Send, Form::Past),
    ("distributed", Act::Send, Form::Past),
    ("distributing", Act::Send, Form::Ing),
    ("mobilizing", Act::Send, Form::Ing),
    ("mobilising", Act::Send, Form::Ing),
    ("mobilized", Act::Send, Form::Past),
    ("mobilised", Act::Send, Form::Past),
    ("bringing", Act::Send, Form::Ing),
    ("brought", Act::Send, Form::Past),
    ("received", Act::Send, Form::Past),
    ("receiving", Act::Send, Form::Ing),
    ("respond", Act::Send, Form::Bare),
    ("offer", Act::Offer, Form::Bare),
    ("offers", Act::Offer, Form::Bare),
    ("offered", Act::Offer, Form::Past),
    ("offering", Act::Offer, Form::Ing),
    ("willingness", Act::Offer, Form::Finite),
    ("pledge", Act::Promise, Form::Bare),
    ("pledges", Act::Promise, Form::Bare),
    ("pledged", Act::Promise, Form::Past),
    ("pledging", Act::Promise, Form::Ing),
    ("promise", Act::Promise, Form::Bare),
    ("promised", Act::Promise, Form::Past),
    ("promises", Act::Promise, Form::Bare),
    ("vowed", Act::Promise, Form::Past),
    ("request", Act::Request, Form::Bare),
    ("requests", Act::Request, Form::Bare),
    ("requested", Act::Request, Form::Past),
    ("requesting", Act::Request, Form::Ing),
    ("ask", Act::Request, Form::Bare),
    ("asks", Act::Request, Form::Finite),
    ("asked", Act::Request, Form::Past),
    ("asking", Act::Request, Form::Ing),
    ("appeal", Act::Request, Form::Bare),
    ("appealed", Act::Request, Form::Past),
    ("appealing", Act::Request, Form::Ing),
    ("sought", Act::Request, Form::Past),
    ("seeking", Act::Request, Form::Ing),
    ("turned", Act::Request, Form::Past),
    ("turning", Act::Request, Form::Ing),
    ("accept", Act::Accept, Form::Bare),
    ("accepts", Act::Accept, Form::Finite),
    ("accepted", Act::Accept, Form::Past),
    ("accepting", Act::Accept, Form::Ing),
    ("refuse", Act::Refuse, Form::Bare),
    ("refuses", Act::Refuse, Form::Finite),
    ("refused", Act::Refuse, Form::Past),
    ("refusing", Act::Refuse, Form::Ing),
    ("rejected", Act::Refuse, Form::Past),
    ("rejecting", Act::Refuse, Form::Ing),
    ("rejects", Act::Refuse, Form::Finite),
    ("declined", Act::Refuse, Form::Past),
    ("declining", Act::Refuse, Form::Ing),
    ("declines", Act::Refuse, Form::Finite),
    ("discuss", Act::Discuss, Form::Bare),
    ("discusses", Act::Discuss, Form::Finite),
    ("discussed", Act::Discuss, Form::Past),
    ("discussing", Act::Discuss, Form::Ing),
    ("discussion", Act::Discuss, Form::Finite),
    ("discussions", Act::Discuss, Form::Finite),
    ("talks", Act::Discuss, Form::Finite),
    ("donation", Act::Send, Form::Noun),
    ("donations", Act::Send, Form::Noun),
];

/// Lower-case cue words for the prefilter.
pub(crate) fn cue_words() -> impl Iterator<Item = &'static str> {
    CUES.iter().map(|c| c.0)
}

/// The action cue of token text `w` (any case); [`super::lexicon::WordInfo::cue`] holds it.
pub(crate) fn cue(w: &str) -> Option<(Act, Form)> {
    // FNV, not SipHash: the keys are short fixed words, the lookups one per word of a read
    // sentence.
    type Map = std::collections::HashMap<&'static str, (Act, Form), super::text::BuildFnv>;
    static MAP: std::sync::OnceLock<Map> = std::sync::OnceLock::new();
    let map = MAP.get_or_init(|| CUES.iter().map(|c| (c.0, (c.1, c.2))).collect());
    super::text::lower(w, |k| map.get(k).copied())
}

const BE: &[&str] = &["is", "are", "was", "were", "been", "being", "be"];
const MODALS: &[&str] = &[
    "will", "would", "shall", "'ll", "can", "could", "may", "might", "to",
];
pub(crate) const PLANNED: &[&str] = &[
    "will",
    "would",
    "shall",
    "'ll",
    "plan",
    "plans",
    "planning",
    "planned",
    "preparing",
    "prepares",
    "prepare",
    "intends",
    "intend",
    "intending",
    "expected",
    "soon",
    "going",
    "ready",
    "set",
];
pub(crate) const NEGATIONS: &[&str] = &["not", "n't", "never", "no", "neither", "nor"];
/// The prepositions that govern a party ([`PREPS`]), and `$extra` words.
macro_rules! preps {
    ($($extra:literal),*) => {
        &[
            "in", "to", "from", "with", "for", "of", "at", "by", "on", "into", "through", "via",
            "under", "about", "between", "among", "against", "toward", "towards", "like",
            $($extra),*
        ]
    };
}
const PREPS: &[&str] = preps!();
/// [`PREPS`] and "including" (the left end of a subject list).
const PREPS_INCLUDING: &[&str] = preps!("including");
/// [`PREPS`], "including" and "as" (a subject after a fronted clause).
const PREPS_INCLUDING_AS: &[&str] = preps!("including", "as");
pub(crate) const SPEECH: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "stated",
    "announced",
    "added",
    "explained",
    "noted",
];
/// Objects that make "sent"/"provided" a non-aid act (samples to a laboratory, information).
pub(crate) const NON_AID: &[&str] = &[
    "samples",
    "sample",
    "specimens",
    "specimen",
    "information",
    "details",
    "list",
    "guidance",
    "guidelines",
    "data",
    "viruses",
    "isolates",
    "document",
    "report",
    "reports",
    "results",
    "notification",
    "questions",
    "comments",
    "letter",
    "message",
    "condolences",
    "comment",
];
/// Words that may separate the members of a list of parties.
const LIST_GAP: &[&str] = &[
    ",",
    "(",
    ")",
    "and",
    "or",
    "&",
    "the",
    "as",
    "well",
    "including",
    "international",
    "organizations",
    "organisations",
    "partners",
    "countries",
    "allies",
    "its",
    "main",
    "other",
    "agencies",
];

/// One cue occurrence in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cue {
    at: usize,
    /// Last token of a multi-word cue ("in talks", "turned to … for help").
    end: usize,
    act: Act,
    form: Form,
    /// "received from X", "bringing in X from Y": the actor is the source after "from".
    from_source: bool,
    /// "at the request of X": a request by X to the main clause's actor.
    request_of: bool,
}

/// Finds the actions of one sentence (`toks`, bytes `s..e`, `infos` the [`WordInfo`] of each
/// token) and pushes them to `out`; its parties are found only if a cue with items needs them.
pub(crate) fn find(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    infos: &[WordInfo],
    (s, e): (usize, usize),
    lazy: &LazyParties<'_, '_>,
    items: &[ItemAt],
    out: &mut Vec<Action>,
) {
    let cues = cues(ctx, toks, infos);
    if cues.is_empty() {
        return;
    }
    // What every action of the sentence shares, found with the first one kept: most cues
    // keep none.
    let mut shared: Option<(bool, Option<String>, Span)> = None;
    let mut main_actor: Option<Vec<Party>> = None;
    // Tokens before this one belong to an earlier clause ("At the request of X, …").
    let mut floor = 0usize;
    let mut last_actors: Vec<Party> = Vec::new();
    for (n, c) in cues.iter().enumerate() {
        let next = cues.get(n + 1).map_or(toks.len(), |x| x.at);
        let prev = if n == 0 { 0 } else { cues[n - 1].end + 1 }.max(floor);
        // "turned to its allies …, while keeping its requests for help secret": "for help" is
        // the object wherever it stands.
        let passive = c.form == Form::Past
            && (c.at.saturating_sub(3)..c.at).any(|k| is_any(ctx.t(&toks[k]), BE));
        let noun = c.form == Form::Noun;
        // Items after the cue, in its clause; before it for passives, talks and nouns
        // ("Vaccines have been provided", "provision of masks … under discussion").
        let before_ok = passive || noun || c.act == Act::Discuss;
        // The clause ends at `next` at the latest: without an item before `next` the cue
        // keeps none, and its clause need not be read.
        if !c.request_of
            && !items.iter().any(|it| {
                (it.i > c.end && it.i < next) || (before_ok && it.j <= c.at && it.i >= prev)
            })
        {
            continue;
        }
        let scope = if is_any(ctx.t(&toks[c.at]), &["turned", "turning"]) {
            next
        } else {
            scope_end(ctx, toks, c.end + 1, next)
        };
        let mut its: Vec<Item> = items
            .iter()
            .filter(|it| {
                (it.i > c.end && it.i < scope) || (before_ok && it.j <= c.at && it.i >= prev)
            })
            .map(|it| it.item.clone())
            .fold(Vec::new(), dedup_items);
        // A vaccine named earlier in the sentence names the vaccines given ("Russia, which is
        // developing the Sputnik V vaccine, would … respond to requests for vaccine support").
        if let Some(v) = its
            .iter_mut()
            .find(|i| i.kind == "vaccines" && i.name.is_none())
        {
            v.name = items
                .iter()
                .find(|it| it.j <= c.at && it.item.name.is_some())
                .and_then(|it| it.item.name.clone());
        }
        if its.is_empty() && !c.request_of {
            continue;
        }
        if c.act == Act::Send
            && non_aid(ctx, toks, c.at, next)
            && !its.iter().any(|i| i.kind != "aid")
        {
            continue;
        }
        // "should be offered another dose": advice, not an action.
        if (c.at.saturating_sub(3)..c.at)
            .any(|k| is_any(ctx.t(&toks[k]), &["should", "must", "recommended"]))
        {
            continue;
        }
        let parties = lazy.get();
        let (mut actors, mut recipients) = if c.request_of {
            // "at the request of X": X requests from the main actor.
            let (mut list, end) = list_after_end(
                ctx,
                toks,
                parties,
                c.end + 1,
                toks.len(),
                &["of", "from", "by"],
            );
            // Only the first: "At the request of the Ministry, the CDC deployed …".
            list.truncate(1);
            let first_end = list
                .first()
                .and_then(|l| parties.iter().find(|p| p.party.start == l.start))
                .map_or(end, |p| p.j);
            floor = floor.max(first_end);
            (list, Vec::new())
        } else if c.from_source {
            let src = list_after(ctx, toks, parties, c.end + 1, next, &["from"]);
            let subj = subject(ctx, toks, parties, c.at, prev);
            (src, subj)
        } else if passive {
            let agents = list_after(ctx, toks, parties, c.end + 1, next, &["by"]);
            (agents, Vec::new())
        } else {
            let mut a = subject(ctx, toks, parties, c.at, prev);
            if a.is_empty() && noun {
                // "a donation … was made by the Netherlands".
                a = list_after(ctx, toks, parties, c.end + 1, next, &["by", "from"]);
            }
            if a.is_empty() && n > 0 && coordinated(ctx, toks, prev, c.at) {
                // "WHO has deployed vehicles and has sent supplies": the same subject.
                a = last_actors.clone();
            }
            if a.is_empty() && n == 0 {
                a = right_subject(ctx, toks, parties, c.end + 1);
            }
            (a, Vec::new())
        };
        dedup_parties(&mut actors);
        if !actors.is_empty() && !c.request_of {
            last_actors.clone_from(&actors);
        }
        if recipients.is_empty() && !c.request_of {
            let preps: &[&str] = match c.act {
                Act::Send if c.from_source => &[],
                Act::Send if is(ctx.t(&toks[c.at]), "respond") => &["from", "to", "for"],
                Act::Send | Act::Offer | Act::Promise => &["to", "for", "with"],
                Act::Request => &["from", "to", "of"],
                Act::Accept | Act::Refuse => &["from"],
                Act::Discuss => &["with"],
            };
            if !preps.is_empty() {
                recipients = list_after(ctx, toks, parties, c.end + 1, next, preps);
            }
            if recipients.is_empty() && matches!(c.act, Act::Request | Act::Send | Act::Offer) {
                recipients = direct_object(ctx, toks, parties, c.end + 1);
            }
        }
        if c.act == Act::Discuss && actors.len() > 1 && recipients.is_empty() {
            recipients = actors.split_off(1);
        }
        if c.request_of {
            recipients = main_actor.clone().unwrap_or_default();
            if recipients.is_empty() {
                // The main clause comes after "At the request of X, WHO sent …".
                recipients = cues
                    .iter()
                    .skip(n + 1)
                    .find(|x| !x.request_of)
                    .map(|x| subject(ctx, toks, parties, x.at, c.end + 1))
                    .unwrap_or_default();
            }
        } else if main_actor.is_none() && !actors.is_empty() {
            main_actor = Some(actors.clone());
        }
        recipients.retain(|r| !actors.iter().any(|a| a.id == r.id));
        dedup_parties(&mut recipients);
        let (modality, act) = modality(ctx, toks, c, prev, |at| {
            infos.iter().any(|i| i.bits & SPEECH_BIT != 0)
                || quoted_ranges(ctx, toks)
                    .iter()
                    .any(|&(a, b)| a < at && at < b)
        });
        let (hedge, date, evidence) = &*shared.get_or_insert_with(|| {
            (
                hedged_in(ctx, toks, infos),
                ctx.date_in(s, e),
                ctx.trimmed_span(s, e),
            )
        });
        each_pair(actors, recipients, |actor, recipient, last| {
            out.push(Action {
                action: act.as_str().into(),
                actor,
                recipient,
                // The items go to the last action, copies to the others.
                items: if last {
                    std::mem::take(&mut its)
                } else {
                    its.clone()
                },
                modality: modality.into(),
                hedged: *hedge,
                date: date.clone(),
                evidence: Span {
                    start: evidence.start,
                    end: evidence.end,
                    text: evidence.text.clone(),
                },
            });
        });
    }
}

/// Drops repeated parties (same identifier), keeping the first: each party is compared with
/// the ones kept before it (a handful), without copying their identifiers.
pub(super) fn dedup_parties(list: &mut Vec<Party>) {
    let mut k = 1;
    while k < list.len() {
        if list[..k].iter().any(|p| p.id == list[k].id) {
            list.remove(k);
        } else {
            k += 1;
        }
    }
}

/// [`dedup_parties`] as it was: a list of the identifiers seen (the reference of the tests).
#[cfg(test)]
pub(crate) fn dedup_parties_by_copies(list: &mut Vec<Party>) {
    let mut seen: Vec<String> = Vec::new();
    list.retain(|p| {
        if seen.contains(&p.id) {
            false
        } else {
            seen.push(p.id.clone());
            true
        }
    });
}

/// Calls `f` with every (actor, recipient) pair of the first six `actors` and the first six
/// `recipients`, in order (actor by actor), an empty list standing as one `None`, and whether
/// it is the last pair. Each party is moved into the last pair it is in and cloned for the
/// others: one actor and one recipient, the usual case, are not copied at all.
fn each_pair(
    mut actors: Vec<Party>,
    mut recipients: Vec<Party>,
    mut f: impl FnMut(Option<Party>, Option<Party>, bool),
) {
    actors.truncate(6);
    recipients.truncate(6);
    let last_actor = actors.pop();
    let last_recipient = recipients.pop();
    for a in actors {
        for r in &recipients {
            f(Some(a.clone()), Some(r.clone()), false);
        }
        f(Some(a), last_recipient.clone(), false);
    }
    for r in recipients {
        f(last_actor.clone(), Some(r), false);
    }
    f(last_actor, last_recipient, true);
}

/// [`each_pair`] as it was: every pair cloned from the two lists (the reference of the tests).
#[cfg(test)]
pub(crate) fn each_pair_by_copies(
    actors: Vec<Party>,
    recipients: Vec<Party>,
) -> Vec<(Option<Party>, Option<Party>)> {
    let actors: Vec<Option<Party>> = if actors.is_empty() {
        vec![None]
    } else {
        actors.into_iter().take(6).map(Some).collect()
    };
    let recipients: Vec<Option<Party>> = if recipients.is_empty() {
        vec![None]
    } else {
        recipients.into_iter().take(6).map(Some).collect()
    };
    let mut out = Vec::new();
    for a in &actors {
        for r in &recipients {
            out.push((a.clone(), r.clone()));
        }
    }
    out
}

/// [`each_pair`]'s pairs in a list, with the last-pair flags.
#[cfg(test)]
pub(crate) fn each_pair_list(
    actors: Vec<Party>,
    recipients: Vec<Party>,
) -> Vec<(Option<Party>, Option<Party>, bool)> {
    let mut out = Vec::new();
    each_pair(actors, recipients, |a, r, last| out.push((a, r, last)));
    out
}

/// True when the cue at `at` continues the verb phrase before it: "… and has sent",
/// "…, and distributed".
fn coordinated(ctx: &Ctx<'_>, toks: &[Tok], from: usize, at: usize) -> bool {
    let lo = at.saturating_sub(4).max(from);
    (lo..at).any(|k| is(ctx.t(&toks[k]), "and"))
        && (lo..at).all(|k| {
            let w = ctx.t(&toks[k]);
            !toks[k].cap || w == ","
        })
}

/// Where the object of a cue ends: a relative clause ("which", "who"), a purpose clause ("to
/// support", "for use"), "during", or a new clause ("and a WHO consultant is visiting",
/// "and strengthening", ", and the toxicologist has started").
fn scope_end(ctx: &Ctx<'_>, toks: &[Tok], from: usize, to: usize) -> usize {
    const AUX: &[&str] = &[
        "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could",
    ];
    for k in from..to {
        let w = ctx.t(&toks[k]);
        if matches!(w, ";" | ":")
            || is_any(
                w,
                &["which", "who", "whom", "during", "while", "where", "when"],
            )
        {
            return k;
        }
        if is(w, "to")
            && k > from
            && let Some(n) = toks.get(k + 1)
        {
            let nw = ctx.t(n);
            let verb_like = !n.cap
                && n.word
                && !is_any(nw, DETS)
                && !nw.starts_with(|c: char| c.is_ascii_digit())
                && !is_any(
                    nw,
                    &[
                        "all", "both", "each", "affected", "other", "several", "some", "health",
                        "local", "national", "more", "those", "these",
                    ],
                );
            if verb_like {
                return k;
            }
        }
        if is(w, "for")
            && toks
                .get(k + 1)
                .is_some_and(|n| is_any(ctx.t(n), &["use", "treatment", "the"]))
        {
            return k;
        }
        if is(w, "and") || w == "," {
            let next = toks.get(k + 1).map(|n| ctx.t(n)).unwrap_or("");
            if next.ends_with("ing") && !toks[k + 1].cap && !is(next, "including") {
                return k;
            }
            if (k + 1..to.min(k + 6)).any(|j| is_any(ctx.t(&toks[j]), AUX)) {
                return k;
            }
        }
    }
    to
}

/// Keeps one item per kind (the first), merging a vaccine name into it.
fn dedup_items(mut acc: Vec<Item>, it: Item) -> Vec<Item> {
    match acc.iter_mut().find(|x| x.kind == it.kind) {
        Some(x) => {
            if x.name.is_none() && it.name.is_some() {
                x.name = it.name;
            }
        }
        None => acc.push(it),
    }
    acc
}

/// The cues of a sentence, with noun readings and non-aid uses removed. `infos` are the
/// [`WordInfo`] of `toks`; without them (empty) every word is looked up and read by every
/// rule (the reference the tests hold the gate to).
pub(crate) fn cues(ctx: &Ctx<'_>, toks: &[Tok], infos: &[WordInfo]) -> Vec<Cue> {
    let mut out: Vec<Cue> = Vec::new();
    let mut skip_until = 0usize;
    for (k, t) in toks.iter().enumerate() {
        if k < skip_until || !t.word {
            continue;
        }
        // Every rule below but "appeals" reads a cue word (`cue(w)` is some): the others are
        // skipped without reading their neighbours (or their own text, unless seven bytes long).
        let info = infos.get(k).map_or_else(|| cue(ctx.t(t)), |i| i.cue);
        if !infos.is_empty()
            && info.is_none()
            && !(t.e.checked_sub(t.s) == Some(7) && is(ctx.t(t), "appeals"))
        {
            continue;
        }
        let w = ctx.t(t);
        let prev = k.checked_sub(1).map(|p| ctx.t(&toks[p])).unwrap_or("");
        let next = toks.get(k + 1).map(|n| ctx.t(n)).unwrap_or("");
        // "at the request of X", "following a request by X", "in response to a request from X".
        if is_any(w, &["request", "requests", "appeal"])
            && (is(prev, "the") || is(prev, "a"))
            && is_any(next, &["of", "by", "from"])
            && k >= 2
            && is_any(
                ctx.t(&toks[k - 2]),
                &["at", "following", "to", "upon", "after"],
            )
        {
            out.push(Cue {
                at: k,
                end: k + 1,
                act: Act::Request,
                form: Form::Finite,
                from_source: false,
                request_of: true,
            });
            skip_until = k + 2;
            continue;
        }
        // "Upon request from the MoH".
        if is(w, "request") && is_any(prev, &["upon", "on"]) && is_any(next, &["from", "of", "by"])
        {
            out.push(Cue {
                at: k,
                end: k + 1,
                act: Act::Request,
                form: Form::Finite,
                from_source: false,
                request_of: true,
            });
            skip_until = k + 2;
            continue;
        }
        // "in talks", "held talks".
        if is(w, "talks") && !is_any(prev, &["in", "held", "hold", "holding", "began", "during"]) {
            continue;
        }
        // "under discussion", "discussions with".
        if is_any(w, &["discussion", "discussions"])
            && !is_any(prev, &["under", "in"])
            && !is(next, "with")
        {
            continue;
        }
        // "launched an appeal for funds", "a consolidated appeal for vaccine".
        if is_any(w, &["appeal", "appeals"])
            && is_any(
                prev,
                &[
                    "an",
                    "urgent",
                    "consolidated",
                    "interagency",
                    "international",
                    "emergency",
                    "flash",
                ],
            )
        {
            out.push(Cue {
                at: k,
                end: k,
                act: Act::Request,
                form: Form::Noun,
                from_source: false,
                request_of: false,
            });
            continue;
        }
        let Some((act, form)) = info else {
            continue;
        };
        // "donations of vaccine … were received from Brazil": the verb tells.
        if form == Form::Noun
            && toks[k + 1..toks.len().min(k + 10)]
                .iter()
                .enumerate()
                .any(|(d, t)| {
                    infos
                        .get(k + 1 + d)
                        .map_or_else(|| cue(ctx.t(t)), |i| i.cue)
                        .is_some_and(|(_, f)| f != Form::Noun)
                })
        {
            continue;
        }
        // Nouns: "offers of", "a request", "requests for", "supplies".
        if form == Form::Bare
            && !(is_any(prev, MODALS)
                || is_any(
                    prev,
                    &[
                        "not", "also", "n't", "we", "they", "i", "you", "quickly", "further",
                    ],
                )
                || prev.ends_with("ly")
                || is_any(prev, &["and", "or"]) && !is_any(next, &["of", "for", "from", "to"])
                || k == 0)
        {
            // A bare form right after a party is a present-tense verb ("China offers").
            let after_party = k > 0 && toks[k - 1].cap && toks[k - 1].word && !is(prev, "The");
            if !after_party || is_any(next, &["of", "for", "from"]) {
                continue;
            }
        }
        // "respond to requests for X": a sending; the "requests" that follows is its object.
        if is(w, "respond") {
            if !(is(next, "to") && toks.get(k + 2).is_some_and(|n| is(ctx.t(n), "requests"))) {
                continue;
            }
            out.push(Cue {
                at: k,
                end: k + 2,
                act,
                form,
                from_source: false,
                request_of: false,
            });
            skip_until = k + 3;
            continue;
        }
        // "turned to X for help": a request; other turns are not.
        if is_any(w, &["turned", "turning"]) {
            let for_help = is(next, "to")
                && toks[k + 1..toks.len().min(k + 18)].windows(2).any(|p| {
                    is(ctx.t(&p[0]), "for")
                        && is_any(ctx.t(&p[1]), &["help", "assistance", "aid", "support"])
                });
            if !for_help {
                continue;
            }
        }
        // "asked … for help": a request only with "for" + item soon after.
        if is_any(w, &["ask", "asks", "asked", "asking"]) {
            let for_item = (k + 1..toks.len().min(k + 6)).any(|f| {
                is(ctx.t(&toks[f]), "for")
                    && toks.get(f + 1).is_some_and(|n| {
                        is_any(
                            ctx.t(n),
                            &[
                                "help",
                                "assistance",
                                "aid",
                                "support",
                                "vaccines",
                                "supplies",
                                "funds",
                                "more",
                            ],
                        ) || is_any(ctx.t(n), DETS)
                    })
            });
            if !for_item || is(next, "about") {
                continue;
            }
        }
        // "declined to respond": not a refusal of aid.
        if is_any(w, &["declined", "declining", "declines"])
            && is(next, "to")
            && !toks
                .get(k + 2)
                .is_some_and(|n| is_any(ctx.t(n), &["accept", "receive", "take"]))
        {
            continue;
        }
        // "willingness to help".
        if is(w, "willingness")
            && !(is(next, "to")
                && toks.get(k + 2).is_some_and(|n| {
                    is_any(ctx.t(n), &["help", "assist", "support", "provide", "send"])
                }))
        {
            continue;
        }
        // "provided that", ", provided decisive measures": a conjunction.
        if is(w, "provided") && (is(next, "that") || prev == ",") {
            continue;
        }
        // "bringing in X from Y", "received X from Y": sent by Y.
        let from_source = is_any(w, &["bringing", "brought", "received", "receiving"]);
        if from_source {
            let has_from = toks[k + 1..toks.len().min(k + 12)]
                .iter()
                .any(|t| is(ctx.t(t), "from"));
            if !has_from {
                continue;
            }
        }
        // A cue right after another ("refusing to accept", "preparing to send" is not a cue):
        // the first one governs.
        if let Some(last) = out.last_mut()
            && k <= last.end + 2
            && is(prev, "to")
            && matches!(
                last.act,
                Act::Refuse | Act::Offer | Act::Promise | Act::Request
            )
        {
            last.end = k;
            continue;
        }
        let end = if is_any(w, &["turned", "turning"]) {
            k + 1
        } else {
            k
        };
        out.push(Cue {
            at: k,
            end,
            act,
            form,
            from_source,
            request_of: false,
        });
    }
    out
}

/// Token ranges inside quotation marks.
fn quoted_ranges(ctx: &Ctx<'_>, toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (k, t) in toks.iter().enumerate() {
        match ctx.t(t) {
            "“" => open = Some(k),
            "”" => {
                if let Some(o) = open.take() {
                    out.push((o, k));
                }
            }
            "\"" => match open.take() {
                Some(o) => out.push((o, k)),
                None => open = Some(k),
            },
            _ => {}
        }
    }
    out
}

/// True when the object of a sending is samples, specimens, information, ….
fn non_aid(ctx: &Ctx<'_>, toks: &[Tok], at: usize, next: usize) -> bool {
    let lo = at.saturating_sub(5);
    let hi = next.min(at + 6);
    (lo..hi).any(|k| in_ascii_list!(ctx.t(&toks[k]), NON_AID))
}

/// The subject of the cue at `at`: the nearest party to its left (after `from`) not governed by a
/// preposition and not modifying an item, with the list it ends.
fn subject(ctx: &Ctx<'_>, toks: &[Tok], parties: &[PartyAt], at: usize, from: usize) -> Vec<Party> {
    let mut found: Option<usize> = None;
    for (pi, p) in parties.iter().enumerate().rev() {
        if p.j > at || p.i < from {
            continue;
        }
        if p.modifier || governed_by(ctx, toks, p.i, PREPS, true) {
            continue;
        }
        found = Some(pi);
        break;
    }
    let Some(last) = found else {
        return Vec::new();
    };
    let mut first = last;
    while first > 0 {
        let a = &parties[first - 1];
        let b = &parties[first];
        if governed(ctx, toks, a.i, PREPS_INCLUDING) || a.i > 0 && ctx.t(&toks[a.i - 1]) == "(" {
            break;
        }
        if a.j <= b.i
            && a.i >= from
            && (a.j..b.i).all(|k| is_any(ctx.t(&toks[k]), LIST_GAP))
            && b.i - a.j <= 7
        {
            first -= 1;
        } else {
            break;
        }
    }
    parties[first..=last]
        .iter()
        .map(|p| p.party.clone())
        .collect()
}

/// The subject after a fronted clause ("After refusing …, North Korea appears …").
fn right_subject(ctx: &Ctx<'_>, toks: &[Tok], parties: &[PartyAt], from: usize) -> Vec<Party> {
    parties
        .iter()
        .filter(|p| p.i >= from && !p.modifier)
        .find(|p| {
            p.i > 0 && ctx.t(&toks[p.i - 1]) == "," && !governed(ctx, toks, p.i, PREPS_INCLUDING_AS)
        })
        .map(|p| vec![p.party.clone()])
        .unwrap_or_default()
}

/// True when the party at token `i` follows one of `preps` (determiners skipped).
fn governed(ctx: &Ctx<'_>, toks: &[Tok], i: usize, preps: &[&str]) -> bool {
    governed_by(ctx, toks, i, preps, false)
}

/// [`governed`], also counting the object of an "-ing" verb ("assisting the Ministry") when
/// `verbs` is set.
fn governed_by(ctx: &Ctx<'_>, toks: &[Tok], i: usize, preps: &[&str], verbs: bool) -> bool {
    let mut k = i;
    // "to its main allies, China": determiners and a naming apposition are skipped.
    while k > 0
        && (is_any(ctx.t(&toks[k - 1]), DETS)
            || i - k < 4
                && is_any(
                    ctx.t(&toks[k - 1]),
                    &[
                        "main",
                        "allies",
                        "ally",
                        "partners",
                        "neighbour",
                        "neighbor",
                        ",",
                    ],
                ))
    {
        k -= 1;
    }
    // "with relevant national authorities": up to two adjectives.
    let mut adj = 0;
    while k > 0
        && adj < 2
        && toks[k - 1].word
        && !toks[k - 1].cap
        && !is_any(ctx.t(&toks[k - 1]), preps)
        && !is_any(
            ctx.t(&toks[k - 1]),
            &[
                "and", "or", "that", "is", "are", "has", "have", "was", "were",
            ],
        )
        && !ctx.t(&toks[k - 1]).ends_with("ing")
        && (ctx.t(&toks[k - 1]).ends_with("al")
            || ctx.t(&toks[k - 1]).ends_with("nt")
            || is_any(
                ctx.t(&toks[k - 1]),
                &["joint", "local", "relevant", "several", "other"],
            ))
    {
        k -= 1;
        adj += 1;
    }
    while k > 0 && is_any(ctx.t(&toks[k - 1]), DETS) {
        k -= 1;
    }
    // "assisting the Ministry": the object of a verb.
    k > 0
        && (is_any(ctx.t(&toks[k - 1]), preps)
            || verbs
                && !toks[k - 1].cap
                && ctx.t(&toks[k - 1]).ends_with("ing")
                && !is(ctx.t(&toks[k - 1]), "including"))
}

/// The parties after `from` (before `to`) governed by one of `preps`, with the list they start.
fn list_after(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    parties: &[PartyAt],
    from: usize,
    to: usize,
    preps: &[&str],
) -> Vec<Party> {
    let Some(start) = parties
        .iter()
        .position(|p| p.i >= from && p.i < to && !p.modifier && governed(ctx, toks, p.i, preps))
    else {
        return Vec::new();
    };
    let mut last = start;
    while last + 1 < parties.len() {
        let a = &parties[last];
        let b = &parties[last + 1];
        if b.i < to && (a.j..b.i).all(|k| is_any(ctx.t(&toks[k]), LIST_GAP)) && b.i - a.j <= 7 {
            last += 1;
        } else {
            break;
        }
    }
    parties[start..=last]
        .iter()
        .map(|p| p.party.clone())
        .collect()
}

/// [`list_after`], also giving the token after the list.
fn list_after_end(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    parties: &[PartyAt],
    from: usize,
    to: usize,
    preps: &[&str],
) -> (Vec<Party>, usize) {
    let list = list_after(ctx, toks, parties, from, to, preps);
    let end = list
        .last()
        .and_then(|l| parties.iter().find(|p| p.party.start == l.start))
        .map_or(from, |p| p.j);
    (list, end)
}

/// A party right after the cue ("asks China and Russia for help", "provided the Ministry with").
fn direct_object(ctx: &Ctx<'_>, toks: &[Tok], parties: &[PartyAt], from: usize) -> Vec<Party> {
    let mut k = from;
    while k < toks.len() && is_any(ctx.t(&toks[k]), DETS) {
        k += 1;
    }
    let Some(start) = parties.iter().position(|p| p.i == k && !p.modifier) else {
        return Vec::new();
    };
    let mut last = start;
    while last + 1 < parties.len() {
        let a = &parties[last];
        let b = &parties[last + 1];
        if (a.j..b.i).all(|k| is_any(ctx.t(&toks[k]), &[",", "and", "the"])) && b.i - a.j <= 2 {
            last += 1;
        } else {
            break;
        }
    }
    parties[start..=last]
        .iter()
        .map(|p| p.party.clone())
        .collect()
}

/// The modality of the cue and its final action kind (a planned offer or sending in quoted or
/// reported speech is a promise). `speech_or_quoted(at)`: the sentence holds a speech verb or
/// token `at` is inside quotation marks (asked only of a planned offer or sending).
fn modality(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    c: &Cue,
    prev: usize,
    speech_or_quoted: impl FnOnce(usize) -> bool,
) -> (&'static str, Act) {
    let lo = c.at.saturating_sub(12).max(prev);
    let window = &toks[lo..c.at];
    let negated = toks[c.at.saturating_sub(3).max(prev)..c.at]
        .iter()
        .any(|t| in_ascii_list!(ctx.t(t), NEGATIONS));
    if negated {
        return ("denied", c.act);
    }
    let planned = window.iter().any(|t| in_ascii_list!(ctx.t(t), PLANNED))
        || (c.form == Form::Bare
            && window.last().is_some_and(|t| is(ctx.t(t), "to"))
            && c.act == Act::Send
            && window
                .iter()
                .any(|t| is_any(ctx.t(t), &["able", "likely", "ready", "willing"])));
    if !planned {
        return ("reported", c.act);
    }
    let act = if matches!(c.act, Act::Send | Act::Offer) && speech_or_quoted(c.at) {
        Act::Promise
    } else {
        c.act
    };
    ("planned", act)
}
