//! Quotes: direct speech (inside quotation marks) and reported speech ("said that …",
//! "…, police said"), each attributed to a speaker with name, role, organisation and country,
//! or kept as anonymous ("a source told the Hankyoreh").
//!
//! Lines are read only when they hold a quotation mark or a speech verb; the attribution is
//! looked for in a bounded window of tokens around the quote, so the pass is linear in the text
//! whatever its content. Speakers named once in full ("Chinese Foreign Ministry spokesman Zhao
//! Lijian") lend their role and organisation to their later mentions ("Zhao said"), and "he
//! said" takes the speaker of the quote before it.

#[cfg(test)]
mod tests;

use epiwire_model::{Quote, Span, Speaker};

use crate::response::next_with_bits;
use crate::response::text::{
    Ctx, Tok, in_ascii_list, is, is_any, searched, tokens, tokens_of, work,
};

/// Verbs that introduce speech.
pub(crate) const SPEECH: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "explained",
    "stated",
    "states",
    "warned",
    "warns",
    "noted",
    "notes",
    "announced",
    "announces",
    "insisted",
    "stressed",
    "urged",
    "asked",
    "declared",
    "emphasized",
    "emphasised",
    "wrote",
    "writes",
    "remarked",
    "confirmed",
    "acknowledged",
    "argued",
    "claimed",
    "reiterated",
    "recalled",
    "continued",
    "commented",
    "cautioned",
    "replied",
    "admitted",
    "conceded",
    "observed",
    "predicted",
];

/// True when `w` is a speech verb.
#[inline]
pub(crate) fn is_speech(w: &str) -> bool {
    static SET: std::sync::OnceLock<crate::response::text::WordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| crate::response::text::WordSet::new(SPEECH.iter().copied()))
        .contains(w)
}

/// Heads of a role or title.
const ROLES: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokespeople",
    "director",
    "director-general",
    "minister",
    "leader",
    "president",
    "secretary",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "official",
    "officer",
    "head",
    "chief",
    "ambassador",
    "representative",
    "coordinator",
    "epidemiologist",
    "virologist",
    "expert",
    "doctor",
    "commissioner",
    "inspector",
    "analyst",
    "researcher",
    "resident",
    "friend",
    "father",
    "mother",
    "sister",
    "brother",
    "son",
    "daughter",
    "wife",
    "husband",
    "lawyer",
    "attorney",
    "coach",
    "governor",
    "mayor",
    "protester",
    "clerk",
    "manager",
    "professor",
    "scientist",
    "correspondent",
    "photographer",
    "executive",
    "founder",
    "premier",
    "chancellor",
    "envoy",
    "adviser",
    "advisor",
    "deputy",
    "senator",
    "general",
    "prosecutor",
    "judge",
    "sheriff",
    "nurse",
    "physician",
    "surgeon",
    "vice-president",
    "administrator",
    "superintendent",
    "producer",
    "writer",
    "editor",
    "professor",
    "dean",
    "member",
    "officials",
    "specialist",
    "consultant",
    "counsel",
    "cofounder",
    "co-founder",
    "partner",
    "owner",
    "worker",
    "teacher",
    "student",
    "captain",
    "colonel",
    "commander",
    "mp",
    "lawmaker",
    "legislator",
    "congressman",
    "congresswoman",
    "representative",
    "delegate",
    "aide",
    "staffer",
    "agent",
    "detective",
    "investigator",
    "medic",
    "pathologist",
    "microbiologist",
    "immunologist",
    "economist",
];

/// True when `w` is one of [`ROLES`] (ASCII case-insensitive, as `is_any(w, ROLES)`): one
/// hash lookup instead of a comparison with each of the hundred roles. The roles are ASCII,
/// so only an ASCII word can be one; an ASCII word is looked up lower-cased.
fn is_role(w: &str) -> bool {
    static SET: std::sync::OnceLock<crate::response::text::WordSet> = std::sync::OnceLock::new();
    w.is_ascii()
        && SET
            .get_or_init(|| crate::response::text::WordSet::new(ROLES.iter().copied()))
            .contains(w)
}

/// Words that make an unnamed speaker anonymous.
const ANONYMOUS: &[&str] = &[
    "source",
    "sources",
    "officials",
    "official",
    "authorities",
    "residents",
    "neighbours",
    "neighbors",
    "witnesses",
    "witness",
    "diplomat",
    "diplomats",
    "insiders",
    "insider",
    "executives",
    "spectators",
    "relatives",
    "people",
    "person",
    "experts",
    "analysts",
    "observers",
    "aides",
    "someone",
    "some",
    "many",
    "others",
    "critics",
    "members",
];

/// True when `w` is one of [`ANONYMOUS`] (ASCII case-insensitive, as `is_any(w, ANONYMOUS)`):
/// one lookup in a set built once ([`in_ascii_list`]).
fn is_anonymous(w: &str) -> bool {
    in_ascii_list!(w, ANONYMOUS)
}

/// Words of a speaker phrase before a name or role ("the", "former", "health").
const MODIFIERS: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "for",
    "at",
    "with",
    "and",
    "its",
    "his",
    "her",
    "their",
    "former",
    "senior",
    "deputy",
    "new",
    "chief",
    "top",
    "local",
    "one",
    "young",
    "older",
    "national",
    "public",
    "health",
    "foreign",
    "press",
    "emergencies",
    "emergency",
];

/// True when `w` is one of [`MODIFIERS`] (as `is_any(w, MODIFIERS)`, see [`is_anonymous`]).
fn is_modifier(w: &str) -> bool {
    in_ascii_list!(w, MODIFIERS)
}

/// Personal pronouns standing for a speaker.
const PRONOUNS: &[&str] = &["he", "she", "they", "i", "we"];

/// Words that end a speaker phrase going right ("said Lu in a statement").
const PHRASE_STOP: &[&str] = &[
    "in",
    "on",
    "at",
    "during",
    "after",
    "before",
    "when",
    "while",
    "that",
    "to",
    "as",
    "adding",
    "referring",
    "speaking",
    "told",
    "who",
    "which",
    "yesterday",
    "today",
    "last",
    "this",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A quote mark token's role: opens, closes, or either (straight quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open,
    Close,
    Either,
}

fn mark(ctx: &Ctx<'_>, toks: &[Tok], k: usize) -> Option<(Mark, usize)> {
    let t = ctx.t(&toks[k]);
    match t {
        "“" | "«" => Some((Mark::Open, k + 1)),
        "”" | "»" => Some((Mark::Close, k + 1)),
        "\"" => Some((Mark::Either, k + 1)),
        "'" | "`" | "’" | "‘" => {
            // "''" and "``" (two tokens, adjacent) are double quotes.
            let n = toks.get(k + 1)?;
            if n.s == toks[k].e && ctx.t(n) == t {
                let m = if t == "`" || t == "‘" {
                    Mark::Open
                } else {
                    Mark::Close
                };
                Some((m, k + 2))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A quote being built.
#[derive(Debug)]
struct Found {
    kind: &'static str,
    content: (usize, usize),
    speaker: Option<Speaker>,
    /// Bytes of the sentence holding the attribution, for the date.
    sent: (usize, usize),
    /// The speaker was a bare pronoun.
    pronoun: bool,
}

/// Finds the quotes of `doc` (its place and date annotations give countries and dates).
pub fn find(doc: &epiwire_model::Document) -> Vec<Quote> {
    if doc.text.is_empty() {
        return Vec::new();
    }
    let ctx = Ctx::new(doc);
    let sents = crate::response::text::sentences(&doc.text);
    let wanted = crate::response::quote_sentences(&doc.text, &sents);
    find_in(&ctx, &sents, &wanted, None)
}

/// Finds the quotes of the document behind `ctx`, whose sentences are `sentences`; only the
/// lines holding a sentence flagged in `wanted` (a quotation mark or a speech verb) are read.
/// `stream` is the shared token stream of the text, when the caller has it (lines and sentences
/// are then tokenised from it).
pub(crate) fn find_in(
    ctx: &Ctx<'_>,
    sentences: &[(usize, usize)],
    wanted: &[bool],
    stream: Option<&[crate::tokens::Token]>,
) -> Vec<Quote> {
    let mut found: Vec<Found> = Vec::new();
    crate::response::text::with_scratch(|sc| {
        for (ls, le) in wanted_lines(ctx.text, sentences, wanted) {
            read_line(
                ctx,
                sentences,
                wanted,
                (ls, le),
                stream,
                (&mut sc.toks, &mut sc.sp),
                &mut found,
            );
        }
    });
    resolve(ctx, &mut found);
    found
        .into_iter()
        .map(|f| Quote {
            kind: f.kind.into(),
            speaker: f.speaker,
            content: ctx.span(f.content.0, f.content.1),
            date: ctx.date_in(f.sent.0, f.sent.1),
        })
        .collect()
}

/// The lines (byte ranges, each with its line break) of `text` that overlap a sentence
/// flagged in `wanted` (a missing flag counts as set), in order: the lines [`read_line`]
/// reads, found from the flagged sentences instead of walking every line of the text.
fn wanted_lines(
    text: &str,
    sentences: &[(usize, usize)],
    wanted: &[bool],
) -> impl Iterator<Item = (usize, usize)> {
    let b = text.as_bytes();
    // The end of the last line given: a line is given once.
    let mut done = 0usize;
    let mut sj = 0usize;
    let mut pos: Option<(usize, usize)> = None;
    // The last line found: the positions asked about only grow, so a position inside it
    // has its line, and the line of a later one starts after it. Searching from the text's
    // start (and to its end) for every sentence was quadratic in a text without line breaks.
    let mut line: Option<(usize, usize)> = None;
    std::iter::from_fn(move || {
        loop {
            // The next position to give the line of, within the flagged sentence `s..e`.
            let (at, e) = match pos {
                Some(p) => p,
                None => {
                    sj = next_wanted(wanted, sj);
                    let &(s, e) = sentences.get(sj)?;
                    sj += 1;
                    (s, e)
                }
            };
            let (ls, le) = match line {
                Some((ls, le)) if ls <= at && at < le => (ls, le),
                _ => {
                    // After a line ending in a line break, the next line starts past it.
                    let lo = match line {
                        Some((_, le)) if le <= at && le > 0 && b.get(le - 1) == Some(&b'\n') => le,
                        _ => 0,
                    };
                    let back = memchr::memrchr(b'\n', b.get(lo..at)?);
                    let fwd = memchr::memchr(b'\n', b.get(at..)?);
                    work(at - lo + searched(b.len() - at, fwd));
                    let ls = back.map_or(lo, |p| lo + p + 1);
                    let le = fwd.map_or(b.len(), |p| at + p + 1);
                    line = Some((ls, le));
                    (ls, le)
                }
            };
            pos = (le < e).then_some((le, e));
            // A line overlaps the sentence when it starts before its end (and holds `at`).
            if ls < e && ls >= done && le > ls {
                done = le;
                return Some((ls, le));
            }
        }
    })
}

/// The first index at or after `from` whose flag in `wanted` is set, where a missing flag
/// (at or past `wanted.len()`) counts as set: the next sentence [`wanted_lines`] reads.
/// Sixteen flags at a time (most sentences of a text with a cue are not flagged).
fn next_wanted(wanted: &[bool], from: usize) -> usize {
    let Some(rest) = wanted.get(from..) else {
        return from;
    };
    let (chunks, tail) = rest.as_chunks::<16>();
    for (n, c) in chunks.iter().enumerate() {
        if u128::from_ne_bytes(c.map(u8::from)) != 0 {
            let k = c.iter().position(|&w| w).unwrap_or(0);
            return from + n * 16 + k;
        }
    }
    let base = from + chunks.len() * 16;
    base + tail.iter().position(|&w| w).unwrap_or(tail.len())
}

/// [`next_wanted`] one flag at a time (the reference in the tests).
#[cfg(test)]
fn next_wanted_slow(wanted: &[bool], from: usize) -> usize {
    let mut sj = from;
    while !wanted.get(sj).copied().unwrap_or(true) {
        sj += 1;
    }
    sj
}

/// Reads the line `ls..le` of the document behind `ctx` (the body of [`find_in`]'s loop over
/// the lines): its quotes go to `found`; `toks` and `sp` are buffers (tokens and their speech
/// verbs).
fn read_line(
    ctx: &Ctx<'_>,
    sentences: &[(usize, usize)],
    wanted: &[bool],
    (ls, le): (usize, usize),
    stream: Option<&[crate::tokens::Token]>,
    (toks, sp): (&mut Vec<Tok>, &mut Vec<usize>),
    found: &mut Vec<Found>,
) {
    let text = ctx.text;
    let line = &text[ls..le];
    work(le - ls);
    {
        let si = sentences.partition_point(|s| s.1 <= ls);
        let mut any = false;
        let mut sj = si;
        while sj < sentences.len() && sentences[sj].0 < le {
            any |= wanted.get(sj).copied().unwrap_or(true);
            sj += 1;
        }
        if !any {
            return;
        }
        // Without quotation marks only reported speech is possible: read just the flagged
        // sentences.
        let marks = has_marks(line.as_bytes());
        if !marks {
            let mut sj = si;
            while sj < sentences.len() && sentences[sj].0 < le {
                if wanted.get(sj).copied().unwrap_or(true) {
                    let (s, e) = sentences[sj];
                    tokens_of(text, stream, (s, e), toks);
                    speech_verbs(ctx, stream, (s, e), toks, sp);
                    if !toks.is_empty()
                        && let Some(q) = reported(ctx, toks, sp, 0, toks.len())
                    {
                        found.push(q);
                    }
                }
                sj += 1;
            }
            return;
        }
        tokens_of(text, stream, (ls, le), toks);
        if toks.is_empty() {
            return;
        }
        speech_verbs(ctx, stream, (ls, le), toks, sp);
        // Sentences of this line, as token ranges.
        let mut sent_tok: Vec<(usize, usize)> = Vec::new();
        let mut k = 0;
        let mut sj = si;
        while sj < sentences.len() && sentences[sj].0 < le {
            let (s, e) = sentences[sj];
            let a = k;
            while k < toks.len() && toks[k].s < e {
                k += 1;
            }
            if k > a {
                sent_tok.push((a, k));
            }
            let _ = s;
            sj += 1;
        }
        if sent_tok.is_empty() {
            sent_tok.push((0, toks.len()));
        }
        let direct = direct_quotes(ctx, toks, sp, &sent_tok);
        let mut covered: Vec<(usize, usize)> = Vec::new();
        for (a, b, q) in direct {
            covered.push((a, b));
            found.push(q);
        }
        // Sentences without a direct quote may hold reported speech.
        let mut ci = 0;
        for &(a, b) in &sent_tok {
            while ci < covered.len() && covered[ci].1 <= a {
                ci += 1;
            }
            if covered.get(ci).is_some_and(|&(x, _)| x < b) {
                continue;
            }
            if let Some(q) = reported(ctx, toks, sp, a, b) {
                found.push(q);
            }
        }
    }
}

/// True when `line` holds a quotation mark: `"`, `“`, `”`, `''` or ``` `` ```. Byte searches
/// (`memchr`): the `str` pattern search decoded every character of the line.
fn has_marks(line: &[u8]) -> bool {
    memchr::memchr(b'"', line).is_some()
        // “ and ” are E2 80 9C and E2 80 9D.
        || memchr::memchr_iter(0xE2, line)
            .any(|p| line.get(p + 1..p + 3).is_some_and(|t| matches!(t, [0x80, 0x9C | 0x9D])))
        || memchr::memchr2_iter(b'\'', b'`', line)
            .any(|p| line.get(p + 1).is_some_and(|&n| Some(&n) == line.get(p)))
}

/// The sentence (token range) holding token `k`.
fn sent_of(sent_tok: &[(usize, usize)], k: usize) -> (usize, usize) {
    let i = sent_tok.partition_point(|&(_, b)| b <= k);
    sent_tok
        .get(i)
        .copied()
        .filter(|&(a, _)| a <= k)
        .unwrap_or((k, k + 1))
}

/// Direct quotes of a line: (first token, end token, quote) for each attributed pair of marks.
fn direct_quotes(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    sp: &[usize],
    sent_tok: &[(usize, usize)],
) -> Vec<(usize, usize, Found)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (mark token, first content token)
    let mut k = 0;
    while k < toks.len() {
        let Some((m, next)) = mark(ctx, toks, k) else {
            k += 1;
            continue;
        };
        match (m, open) {
            (Mark::Open, _) | (Mark::Either, None) => {
                // A straight quote right after a word is a closing mark with no opening one.
                if m == Mark::Either && k > 0 && toks[k - 1].e == toks[k].s && toks[k - 1].word {
                    k = next;
                    continue;
                }
                open = Some((k, next));
            }
            (Mark::Close | Mark::Either, Some((o, first))) => {
                open = None;
                if let Some(q) = attribute_direct(ctx, toks, sp, sent_tok, o, first, k, next) {
                    out.push((o, next, q));
                }
            }
            (Mark::Close, None) => {}
        }
        k = next;
    }
    out
}

/// Attributes the direct quote between marks `o` and `c` (content tokens `first..c`).
#[allow(clippy::too_many_arguments)]
fn attribute_direct(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    sp: &[usize],
    sent_tok: &[(usize, usize)],
    o: usize,
    first: usize,
    c: usize,
    after: usize,
) -> Option<Found> {
    let words = toks[first..c].iter().filter(|t| t.word).count();
    if words < 3 {
        return None;
    }
    let content = (toks[first].s, toks[c - 1].e);
    // After the closing mark: ", he said", "said Mike Ryan", "a source told the Hankyoreh".
    let (_, send) = sent_of(sent_tok, c.saturating_sub(1));
    let send = send.max(after).min(toks.len());
    let lim = send.min(after + 12);
    if let Some(v) = first_in(sp, after, lim) {
        let mut a = after;
        while a < v && ctx.t(&toks[a]) == "," {
            a += 1;
        }
        let sent = sent_of(sent_tok, v);
        let right = |ctx: &Ctx<'_>| {
            let b = right_phrase_end(ctx, toks, v + 1, sent.1.max(v + 1));
            speaker(ctx, toks, v + 1, b)
        };
        let (speaker, pronoun) = if a < v {
            // `" the plan, said Ken Salazar`: words before the verb that name nobody.
            match speaker(ctx, toks, a, v) {
                (None, false) => right(ctx),
                found => found,
            }
        } else {
            right(ctx)
        };
        if speaker.is_some() || pronoun {
            return Some(Found {
                kind: "direct",
                content,
                speaker,
                sent: (toks[sent.0].s, toks[sent.1 - 1].e),
                pronoun,
            });
        }
    }
    // Before the opening mark, in its sentence: "Zhao said … that China “…”", "said: “…”".
    let (sa, _) = sent_of(sent_tok, o);
    let lo = sa.max(o.saturating_sub(25));
    let v = last_in(sp, lo, o)?;
    let (speaker, pronoun) = speaker(ctx, toks, left_phrase_start(ctx, toks, sa, v), v);
    let sent = sent_of(sent_tok, v);
    (speaker.is_some() || pronoun).then(|| Found {
        kind: "direct",
        content,
        speaker,
        sent: (toks[sent.0].s, toks[sent.1 - 1].e),
        pronoun,
    })
}

/// Reported speech in the sentence `a..b` (token range): "X said (that) CLAUSE",
/// "CLAUSE, X said.", "CLAUSE, according to X.", "…, X said, CLAUSE".
/// `sp` holds the indices of the speech verbs of `toks` ([`speech_verbs`]).
fn reported(ctx: &Ctx<'_>, toks: &[Tok], sp: &[usize], a: usize, b: usize) -> Option<Found> {
    let mut end = b;
    while end > a && !toks[end - 1].word {
        end -= 1;
    }
    if end <= a + 3 {
        return None;
    }
    let sent = (toks[a].s, toks[b - 1].e);
    lead_attribution(ctx, toks, sp, a, end, sent)
        .or_else(|| according(ctx, toks, a, end, sent))
        .or_else(|| trailing(ctx, toks, sp, a, end, sent))
}

/// "…, according to Budd."
fn according(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    a: usize,
    end: usize,
    sent: (usize, usize),
) -> Option<Found> {
    let k = (a..end.saturating_sub(2)).rev().take(8).find(|&k| {
        is(ctx.t(&toks[k]), "according")
            && is(ctx.t(&toks[k + 1]), "to")
            && k > a + 2
            && ctx.t(&toks[k - 1]) == ","
    })?;
    let (speaker, pronoun) = speaker(ctx, toks, k + 2, end);
    speaker.is_some().then(|| Found {
        kind: "reported",
        content: (toks[a].s, toks[k - 2].e),
        speaker,
        sent,
        pronoun,
    })
}

/// Trailing attribution: "CLAUSE, police said (Saturday).", "CLAUSE, said Manrosan.",
/// "CLAUSE, says Bruce Shaw, director of … for AMD."
fn trailing(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    sp: &[usize],
    a: usize,
    end: usize,
    sent: (usize, usize),
) -> Option<Found> {
    let tail_lo = end.saturating_sub(18).max(a + 2);
    // Every comma's window lies in `tail_lo + 1..end`: without a verb there, none has one.
    first_in(sp, tail_lo + 1, end)?;
    for comma in (tail_lo..end).rev().filter(|&k| ctx.t(&toks[k]) == ",") {
        let Some(v) = first_in(sp, comma + 1, end.min(comma + 8)) else {
            continue;
        };
        let (speaker, pronoun) = if v > comma + 1 {
            speaker(ctx, toks, comma + 1, v)
        } else {
            speaker(ctx, toks, v + 1, right_phrase_end(ctx, toks, v + 1, end))
        };
        if (speaker.is_some() || pronoun) && comma > a + 2 && !has_mark(ctx, toks, a, comma) {
            return Some(Found {
                kind: "reported",
                content: (toks[a].s, toks[comma - 1].e),
                speaker,
                sent,
                pronoun,
            });
        }
        return None;
    }
    None
}

/// "X said (that) CLAUSE", "X told reporters (that) CLAUSE", "…, Owen said, CLAUSE".
fn lead_attribution(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    sp: &[usize],
    a: usize,
    end: usize,
    sent: (usize, usize),
) -> Option<Found> {
    let hi = end.saturating_sub(2);
    let from = sp.partition_point(|&v| v < a + 1);
    for &v in sp[from..].iter().take_while(|&&v| v < hi) {
        let w = ctx.t(&toks[v]);
        if is_any(w, &["asked", "continued", "recalled"]) {
            continue;
        }
        // "a parenthetical, Owen said, CLAUSE".
        let paren = v + 1 < end && ctx.t(&toks[v + 1]) == ",";
        let mut c = v + 1;
        if paren {
            let start = left_phrase_start(ctx, toks, a, v);
            if start == 0 || start <= a || ctx.t(&toks[start - 1]) != "," {
                continue;
            }
            let (speaker, pronoun) = speaker(ctx, toks, start, v);
            if speaker.is_none() {
                continue;
            }
            return Some(Found {
                kind: "reported",
                content: (toks[v + 2].s, toks[end - 1].e),
                speaker,
                sent,
                pronoun,
            });
        }
        // Skip an object and adverbials before "that": "told reporters on Tuesday that".
        let that = (v + 1..end.min(v + 8)).find(|&k| is(ctx.t(&toks[k]), "that"));
        match that {
            Some(t) if (v + 1..t).all(|k| toks[k].word || ctx.t(&toks[k]) == ",") => c = t + 1,
            _ => {
                if is_any(w, &["told", "tells"]) {
                    // "told USA TODAY the North likely has …".
                    while c < end
                        && c < v + 5
                        && (toks[c].cap && toks[c].word
                            || is_any(ctx.t(&toks[c]), &["reporters", "journalists", "media"]))
                        && !is(ctx.t(&toks[c]), "the")
                    {
                        c += 1;
                    }
                    if c == v + 1 {
                        continue;
                    }
                } else if is_any(w, &["urged", "warned"]) {
                    continue;
                }
                let Some(n) = toks.get(c) else { continue };
                if !n.word
                    || is_any(
                        ctx.t(n),
                        &[
                            "in", "on", "at", "during", "after", "before", "by", "so", "yes", "no",
                            "it",
                        ],
                    )
                {
                    continue;
                }
            }
        }
        if c >= end {
            continue;
        }
        let start = left_phrase_start(ctx, toks, a, v);
        if start >= v {
            continue;
        }
        let (speaker, pronoun) = speaker(ctx, toks, start, v);
        if speaker.is_none() && !pronoun {
            continue;
        }
        return Some(Found {
            kind: "reported",
            content: (toks[c].s, toks[end - 1].e),
            speaker,
            sent,
            pronoun,
        });
    }
    None
}

/// The first speech verb of `sp` (sorted token indices) in `lo..hi`.
fn first_in(sp: &[usize], lo: usize, hi: usize) -> Option<usize> {
    sp.get(sp.partition_point(|&v| v < lo))
        .copied()
        .filter(|&v| v < hi)
}

/// The last speech verb of `sp` (sorted token indices) in `lo..hi`.
fn last_in(sp: &[usize], lo: usize, hi: usize) -> Option<usize> {
    sp.partition_point(|&v| v < hi)
        .checked_sub(1)
        .and_then(|i| sp.get(i))
        .copied()
        .filter(|&v| v >= lo)
}

/// The indices of the speech verbs ([`is_speech`]) among `toks`, the tokens of `text[start..end]`
/// of the document behind `ctx`, into `out` in order.
///
/// With the shared token stream only the tokens its [`class::SPEECH`] bit marks are asked, and
/// the ones the bit cannot speak for: words holding a non-ASCII letter (the Kelvin sign
/// lower-cases to "k"; the stream lower-cases ASCII only) and the stream tokens the range
/// clips. That is exact: a speech verb is letters only, so its token is one stream word (the
/// one starting where it starts) and, unclipped and ASCII, that word is in the list.
///
/// [`class::SPEECH`]: crate::tokens::class::SPEECH
fn speech_verbs(
    ctx: &Ctx<'_>,
    stream: Option<&[crate::tokens::Token]>,
    (start, end): (usize, usize),
    toks: &[Tok],
    out: &mut Vec<usize>,
) {
    use crate::tokens::class;
    out.clear();
    let Some(st) = stream else {
        out.extend((0..toks.len()).filter(|&k| is_speech(ctx.t(&toks[k]))));
        return;
    };
    // The stream tokens of the range; only its first and last may be clipped by it.
    let first = st.partition_point(|t| t.end <= start);
    let rest = st.get(first..).unwrap_or(&[]);
    let range = &rest[..rest.partition_point(|t| t.start < end)];
    let head = range.first().is_some_and(|t| t.start < start);
    let tail = range.len() > usize::from(head) && range.last().is_some_and(|t| t.end > end);
    let inner = &range[..range.len() - usize::from(tail)];
    let mut k = 0usize;
    let mut ask = |t: &crate::tokens::Token| {
        let s = t.start.max(start);
        // The tokens are in text order: the first one at or after `s`, by halves.
        k += toks.get(k..).map_or(0, |r| r.partition_point(|x| x.s < s));
        if toks.get(k).is_some_and(|x| x.s == s && is_speech(ctx.t(x))) && out.last() != Some(&k) {
            out.push(k);
        }
    };
    if head && let Some(t) = range.first() {
        ask(t);
    }
    // The unclipped tokens with the bits, eight at a time ([`next_with_bits`]).
    let mut i = usize::from(head);
    while let Some(j) = next_with_bits(inner, i, class::SPEECH | class::NON_ASCII) {
        if let Some(t) = inner.get(j) {
            ask(t);
        }
        i = j + 1;
    }
    if tail && let Some(t) = range.last() {
        ask(t);
    }
}

fn has_mark(ctx: &Ctx<'_>, toks: &[Tok], a: usize, b: usize) -> bool {
    (a..b).any(|k| matches!(ctx.t(&toks[k]), "\"" | "“" | "”"))
}

/// Where the speaker phrase ending before the verb at `v` starts: back over at most three
/// comma-separated segments that look like names, roles or organisations.
/// True when token `k - 1` ends a segment of a speaker phrase going left (`k` in
/// `1..toks.len()`): a comma, quote mark, "that", "but", ":" or an "and" before a word in lower
/// case. Every such token is 1, 3 ("“", "but") or 4 ("that") bytes long, so a token of any
/// other length is passed without slicing the text (held to [`ends_segment_slow`] by a test).
#[inline]
fn ends_segment(ctx: &Ctx<'_>, toks: &[Tok], k: usize) -> bool {
    let t = &toks[k - 1];
    matches!(t.e.saturating_sub(t.s), 1 | 3 | 4) && ends_segment_slow(ctx, toks, k)
}

/// [`ends_segment`] asking the text of every token.
fn ends_segment_slow(ctx: &Ctx<'_>, toks: &[Tok], k: usize) -> bool {
    let w = ctx.t(&toks[k - 1]);
    matches!(w, "," | ";" | ":" | "“" | "”" | "\"" | "(" | ")")
        || is_any(w, &["that", "but"])
        || is(w, "and") && !toks[k].cap
}

fn left_phrase_start(ctx: &Ctx<'_>, toks: &[Tok], lo: usize, v: usize) -> usize {
    let mut start = v;
    let mut segs = 0;
    let mut k = v;
    // "Mike Ryan, the WHO's emergencies director, warned": the comma before the verb.
    if k > lo && ctx.t(&toks[k - 1]) == "," {
        k -= 1;
    }
    while k > lo && segs < 4 {
        // One segment: back to a comma, quote mark, "that", ":" or the sentence start.
        let seg_end = k;
        while k > lo && seg_end - k <= 16 {
            if ends_segment(ctx, toks, k) {
                break;
            }
            k -= 1;
        }
        let seg = &toks[k..seg_end];
        let first = seg.first().map(|t| ctx.t(t)).unwrap_or("");
        // An adverbial between speaker and verb ("Kempthorne, at a news conference in
        // Washington, said", "Saad, quoted in the agency SUNA, said"): skipped over.
        let adverbial = segs == 0
            && !seg.is_empty()
            && !seg[0].cap
            && (is_any(
                first,
                &[
                    "at", "in", "on", "during", "speaking", "quoted", "writing", "from", "after",
                    "before", "when", "who", "which",
                ],
            ));
        // A sentence adverb ("Separately,") is no speaker.
        let adverb = seg.len() == 1 && first.ends_with("ly");
        let has_role = seg.iter().any(|t| is_role(ctx.t(t)));
        let speakerish = !seg.is_empty()
            && !adverb
            && seg.len() <= 16
            && (has_role && seg.len() <= 14
                || seg.len() <= 10
                    && seg.iter().all(|t| {
                        let w = ctx.t(t);
                        t.cap
                            || !t.word
                            || is_role(w)
                            || is_anonymous(w)
                            || is_any(w, PRONOUNS)
                            || is_modifier(w)
                            || w.ends_with("'s")
                            || w.ends_with("’s")
                            || w.chars().next().is_some_and(|c| c.is_ascii_digit())
                            || w.contains('-')
                    }));
        if adverbial {
            if k > lo && ctx.t(&toks[k - 1]) == "," {
                k -= 1;
                continue;
            }
            break;
        }
        if !speakerish {
            break;
        }
        start = k;
        segs += 1;
        if k > lo && ctx.t(&toks[k - 1]) == "," {
            k -= 1;
        } else {
            break;
        }
    }
    start
}

/// Where a speaker phrase going right from `from` ends (exclusive), before `lim`.
fn right_phrase_end(ctx: &Ctx<'_>, toks: &[Tok], from: usize, lim: usize) -> usize {
    let mut k = from;
    let mut commas = 0;
    while k < lim {
        let w = ctx.t(&toks[k]);
        if matches!(w, "." | ";" | ":" | "“" | "”" | "\"" | "(")
            || is_any(w, PHRASE_STOP) && k > from
        {
            break;
        }
        if w == "," {
            commas += 1;
            if commas > 1 {
                break;
            }
        }
        k += 1;
    }
    k
}

/// Capitalised words of titles, never names ("Prime Minister", "Head Coach").
const TITLE_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Prof",
    "Secretary",
    "Minister",
    "President",
    "Head",
    "Coach",
    "Deputy",
    "Foreign",
    "Chief",
    "General",
    "Police",
    "Senior",
    "Former",
    "Executive",
    "Vice",
    "Prime",
    "Interior",
    "Health",
    "Public",
    "National",
    "Sen",
    "Rep",
    "Gov",
    "Lt",
    "Col",
    "Gen",
    "Sir",
    "Dame",
    "Lord",
    "Justice",
    "Judge",
    "Mayor",
    "Governor",
    "Ambassador",
    "Director",
    "Director-General",
    "Commissioner",
    "Inspector",
    "Many",
    "Some",
];

/// Titles before a name that make the next run the name ("Dr Maguire", "spokesman Zhao").
const NAME_TITLES: &[&str] = &[
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Prof",
    "Secretary",
    "Minister",
    "President",
    "Coach",
    "General",
    "Sen",
    "Rep",
    "Gov",
    "Sir",
    "Dame",
    "Mayor",
    "Governor",
    "Ambassador",
    "Judge",
];

/// Lower-case heads of an organisation written before a role ("national disaster agency
/// spokesman").
const ORG_HEADS: &[&str] = &[
    "agency",
    "ministry",
    "department",
    "office",
    "police",
    "army",
    "embassy",
    "company",
    "hospital",
    "council",
    "committee",
    "institute",
    "service",
    "services",
    "force",
];

/// Parses a speaker phrase (tokens `a..b`): name, role, organisation, anonymity. The second
/// value is true when the phrase is a bare pronoun (resolved later).
fn speaker(ctx: &Ctx<'_>, toks: &[Tok], a: usize, b: usize) -> (Option<Speaker>, bool) {
    let mut a = a;
    let mut b = b;
    while a < b && (!toks[a].word || is_any(ctx.t(&toks[a]), &["the", "a", "an"])) {
        a += 1;
    }
    while b > a && !toks[b - 1].word {
        b -= 1;
    }
    if a >= b || b - a > 30 {
        return (None, false);
    }
    if b - a == 1 && is_any(ctx.t(&toks[a]), PRONOUNS) {
        return (None, true);
    }
    // Parties of the phrase, except places it merely locates ("in Washington").
    let parties: Vec<_> = crate::response::parties_in(ctx, &toks[a..b])
        .into_iter()
        .filter(|p| {
            p.0 == 0
                || !is_any(
                    ctx.t(&toks[a + p.0 - 1]),
                    &["in", "at", "near", "outside", "to"],
                )
        })
        .collect();
    let in_party = |k: usize| parties.iter().any(|p| p.0 + a <= k && k < p.1 + a);
    let possessive = |w: &str| w.ends_with("'s") || w.ends_with("’s") || w.ends_with('\'');
    // The name: a run of capitalised words outside parties, roles and titles; a run after a
    // title or role is preferred, a run after "of"/"at"/"for" or a possessor is not a name.
    let mut name: Option<(usize, usize)> = None;
    let mut name_score = 0;
    let mut k = a;
    while k < b {
        let t = &toks[k];
        let w = ctx.t(t);
        let nameish = t.word
            && t.cap
            && !in_party(k)
            && !is_role(w)
            && !is_anonymous(w)
            && !TITLE_WORDS.contains(&w);
        if !nameish {
            k += 1;
            continue;
        }
        let s = k;
        while k < b
            && toks[k].word
            && toks[k].cap
            && !in_party(k)
            && !is_role(ctx.t(&toks[k]))
            && !TITLE_WORDS.contains(&ctx.t(&toks[k]))
        {
            k += 1;
        }
        let last = ctx.t(&toks[k - 1]);
        let possessor = possessive(last) || toks.get(k).is_some_and(|n| ctx.t(n) == "'");
        let before = (a..s).rev().find(|&p| !is_any(ctx.t(&toks[p]), &["the"]));
        let score = match before.map(|p| ctx.t(&toks[p])) {
            _ if possessor => 0,
            Some(w) if is_any(w, &["of", "at", "for", "with", "from", "in", "by"]) => 0,
            Some(w) if is_role(w) || NAME_TITLES.contains(&w) => 3,
            _ if name.is_none() => 2,
            _ => 1,
        };
        if score > name_score {
            name = Some((s, k));
            name_score = score;
        }
    }
    let in_name = |k: usize| name.is_some_and(|(s, e)| k >= s && k < e);
    // The role: a role head with the words before it that are neither name nor party nor an
    // organisation's capitalised name ("Sixers chairman" → chairman).
    let mut role: Option<(usize, usize)> = None;
    for k in a..b {
        if !is_role(ctx.t(&toks[k])) || in_party(k) || in_name(k) {
            continue;
        }
        let mut s = k;
        while s > a {
            let p = &toks[s - 1];
            let pw = ctx.t(p);
            let stop = !p.word
                || in_party(s - 1)
                || in_name(s - 1)
                || is_any(
                    pw,
                    &[
                        "the", "a", "an", "of", "its", "his", "her", "their", "said", "and", "at",
                        "with", "for", "from", "in",
                    ],
                )
                || possessive(pw)
                || p.cap && !TITLE_WORDS.contains(&pw) && !is_role(pw);
            if stop {
                break;
            }
            s -= 1;
        }
        let mut e = k + 1;
        // "executive director and CEO", "chief technology officer".
        loop {
            if e < b && is_role(ctx.t(&toks[e])) && !in_name(e) && !in_party(e) {
                e += 1;
            } else if e + 1 < b && is(ctx.t(&toks[e]), "and") && is_role(ctx.t(&toks[e + 1])) {
                e += 2;
            } else {
                break;
            }
        }
        role = Some(match role {
            Some((rs, _)) if rs <= s => (rs, e),
            _ => (s, e),
        });
        break;
    }
    let mut organisation: Option<String> = None;
    // "national disaster agency spokesman": the organisation inside the role.
    if let Some((rs, re)) = role
        && let Some(h) = (rs..re).rev().find(|&k| is_any(ctx.t(&toks[k]), ORG_HEADS))
        && h + 1 < re
    {
        organisation = Some(ctx.text[toks[rs].s..toks[h].e].to_string());
        role = Some((h + 1, re));
    }
    let anonymous_word = (a..b).any(|k| is_anonymous(ctx.t(&toks[k])));
    // The organisation: a party in the phrase (a country by its name), else the capitalised
    // words after "of"/"at"/"with"/"for" that follow the role, else capitalised words just
    // before the role ("Sixers chairman").
    let mut country: Option<String> = None;
    if organisation.is_none()
        && let Some(p) = parties.first()
    {
        organisation = Some(p.2.clone());
        country = p.3.clone();
    }
    if organisation.is_none()
        && let Some((rs, re)) = role
    {
        let mut k = re;
        if k < b && is_any(ctx.t(&toks[k]), &["of", "at", "with", "for"]) {
            k += 1;
            let mut skipped = 0;
            while k < b && !toks[k].cap && skipped < 3 && toks[k].word {
                k += 1;
                skipped += 1;
            }
            let s = k;
            while k < b
                && toks[k].word
                && (toks[k].cap || is_any(ctx.t(&toks[k]), &["of", "for", "and"]))
            {
                k += 1;
            }
            if k > s && !possessive(ctx.t(&toks[k - 1])) {
                organisation = Some(ctx.text[toks[s].s..toks[k - 1].e].to_string());
            }
        }
        if organisation.is_none() && rs > a {
            let mut s = rs;
            while s > a && toks[s - 1].cap && toks[s - 1].word && !in_name(s - 1) {
                s -= 1;
            }
            if s < rs && !TITLE_WORDS.contains(&ctx.t(&toks[s])) {
                organisation = Some(ctx.text[toks[s].s..toks[rs - 1].e].to_string());
            }
        }
    }
    if organisation.is_none() && name.is_none() && role.is_none() {
        // "police", "the UN": an organisation speaking; capitalised words otherwise.
        let w = ctx.t(&toks[a]);
        if b - a <= 3 && (is_any(w, &["police", "officials", "authorities"]) || toks[a].cap) {
            organisation = Some(ctx.text[toks[a].s..toks[b - 1].e].to_string());
        }
    }
    let anonymous = name.is_none() && anonymous_word;
    if name.is_none() && role.is_none() && organisation.is_none() && !anonymous {
        return (None, false);
    }
    if anonymous {
        organisation =
            organisation.filter(|o| !ANONYMOUS.iter().any(|w| o.to_lowercase().contains(w)));
    }
    let mention = ctx.span(toks[a].s, toks[b - 1].e);
    (
        Some(Speaker {
            name: name.map(|(s, e)| ctx.text[toks[s].s..toks[e - 1].e].to_string()),
            role: role.map(|(s, e)| ctx.text[toks[s].s..toks[e - 1].e].to_string()),
            organisation,
            country,
            anonymous,
            mention: Some(Span {
                start: mention.start,
                end: mention.end,
                text: mention.text,
            }),
        }),
        false,
    )
}

/// Fills pronoun speakers from the quote before, and bare names from the fullest mention of
/// the same person in the document ("Kim Jong-un said" ← "North Korean leader Kim Jong-un").
fn resolve(ctx: &Ctx<'_>, found: &mut [Found]) {
    let mut last: Option<Speaker> = None;
    let mut last_end = 0usize;
    for f in found.iter_mut() {
        if f.pronoun && f.speaker.is_none() {
            if f.content.0.saturating_sub(last_end) < 1500 {
                f.speaker = last.clone().map(|mut s| {
                    s.mention = None;
                    s
                });
            }
        } else if f.speaker.as_ref().is_some_and(|s| s.name.is_some()) {
            last = f.speaker.clone();
        }
        last_end = f.content.1;
    }
    // Names: fullest form and role from earlier speakers or other mentions in the text.
    let named: Vec<Speaker> = found
        .iter()
        .filter_map(|f| f.speaker.clone())
        .filter(|s| s.name.is_some())
        .collect();
    for f in found.iter_mut() {
        let Some(sp) = f.speaker.as_mut() else {
            continue;
        };
        let Some(name) = sp.name.clone() else {
            continue;
        };
        let surname = name.rsplit(' ').next().unwrap_or(&name).to_string();
        for other in &named {
            let Some(on) = other.name.as_deref() else {
                continue;
            };
            if on == name || on.ends_with(&format!(" {surname}")) {
                if on.len() > name.len() {
                    sp.name = Some(on.to_string());
                }
                if sp.role.is_none() {
                    sp.role = other.role.clone();
                }
                if sp.organisation.is_none() {
                    sp.organisation = other.organisation.clone();
                    sp.country = other.country.clone();
                }
            }
        }
        if sp.role.is_none() {
            enrich_from_text(ctx, sp);
        }
    }
}

/// Looks for "ROLE NAME" before a mention of the speaker's name in the text (at most 20
/// mentions) and takes the role and organisation from there.
fn enrich_from_text(ctx: &Ctx<'_>, sp: &mut Speaker) {
    let Some(name) = sp.name.clone() else { return };
    let text = ctx.text;
    let mut toks = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), name.as_bytes()).take(20) {
        let lo = text[..at]
            .char_indices()
            .rev()
            .take(60)
            .last()
            .map_or(0, |(i, _)| i);
        tokens(text, lo, at + name.len(), &mut toks);
        if toks.len() < 2 {
            continue;
        }
        // Tokens of the phrase: back from the name to a stop word.
        let n_end = toks.len();
        let mut s = n_end;
        while s > 0 && toks[s - 1].s >= at {
            s -= 1;
        }
        let mut k = s;
        while k > 0 {
            let w = ctx.t(&toks[k - 1]);
            if !(toks[k - 1].cap || is_role(w) || is_any(w, &["foreign", "deputy", "senior"]))
                || !toks[k - 1].word
            {
                break;
            }
            k -= 1;
        }
        if k == s {
            continue;
        }
        let (found, _) = speaker(ctx, &toks, k, n_end);
        if let Some(f) = found
            && f.role.is_some()
        {
            sp.role = f.role;
            if sp.organisation.is_none() {
                sp.organisation = f.organisation;
                sp.country = f.country;
            }
            return;
        }
    }
}
