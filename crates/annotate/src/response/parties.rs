//! Parties (countries, ministries, organisations) and items (vaccines, masks, funds, …) in one
//! sentence's tokens.

use epiwire_model::{Item, Party};

use super::lexicon::{BODY, CURRENCY, ITEMS, Lists, ORGS, VACCINES, WordInfo, with_norm};
use super::text::{Ctx, Tok, is, is_any};

/// A party found in a sentence, by token range.
#[derive(Debug, Clone)]
pub(crate) struct PartyAt {
    /// First token.
    pub i: usize,
    /// End token (exclusive).
    pub j: usize,
    pub party: Party,
    /// A demonym or country name used as a modifier of an item ("Chinese vaccines").
    pub modifier: bool,
}

/// An item found in a sentence, by token range.
#[derive(Debug, Clone)]
pub(crate) struct ItemAt {
    pub i: usize,
    pub j: usize,
    pub item: Item,
}

/// `w` without a possessive `'s` ("Ministry's").
fn strip(w: &str) -> &str {
    super::lexicon::strip_possessive(w)
}

/// Heads of a government body ("Chinese Foreign Ministry", "Ministry of Health").
pub(crate) const BODY_HEADS: &[&str] = &[
    "ministry",
    "ministries",
    "government",
    "governments",
    "moh",
    "mohs",
    "moa",
    "fmoh",
    "embassy",
    "embassies",
    "authorities",
    "department",
    "cabinet",
    "administration",
];

/// Words allowed between a country and a body head ("Nigerian Federal Ministry").
const BODY_FILL: &[&str] = &[
    "federal", "foreign", "national", "health", "public", "central", "state", "interior", "red",
];

/// Determiners skipped when looking at the word before a party.
pub(crate) const DETS: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "this",
];

/// Finds the parties of a sentence. `toks` are the sentence's tokens.
pub(crate) fn parties(ctx: &Ctx<'_>, toks: &[Tok]) -> Vec<PartyAt> {
    let mut infos = Vec::new();
    Lists::global().infos(ctx, toks, &mut infos);
    parties_known(ctx, toks, &infos)
}

/// The parties of a sentence, found when first asked for ([`LazyParties::get`]): most
/// sentences a rule family reads yield no action, shortage or measure that needs them.
pub(crate) struct LazyParties<'s, 'a> {
    ctx: &'s Ctx<'a>,
    toks: &'s [Tok],
    infos: &'s [WordInfo],
    parties: std::cell::OnceCell<Vec<PartyAt>>,
}

impl<'s, 'a> LazyParties<'s, 'a> {
    /// The parties of `toks` (with their `infos`), not found yet.
    pub(crate) fn new(ctx: &'s Ctx<'a>, toks: &'s [Tok], infos: &'s [WordInfo]) -> Self {
        LazyParties {
            ctx,
            toks,
            infos,
            parties: std::cell::OnceCell::new(),
        }
    }

    /// The [`parties_known`] of the sentence, found on the first call.
    pub(crate) fn get(&self) -> &[PartyAt] {
        self.parties
            .get_or_init(|| parties_known(self.ctx, self.toks, self.infos))
    }
}

/// [`parties`] with the [`WordInfo`] of `toks` (`infos`, one per token).
pub(crate) fn parties_known(ctx: &Ctx<'_>, toks: &[Tok], infos: &[WordInfo]) -> Vec<PartyAt> {
    let lists = Lists::global();
    let mut out: Vec<PartyAt> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if !t.word {
            i += 1;
            continue;
        }
        // Cheap rejection: places are capitalised; organisations and bodies are listed.
        let info = infos
            .get(i)
            .copied()
            .unwrap_or_else(|| lists.info(t, ctx.t(t)));
        let known = info.known;
        // `info.bits` has BODY when `is_any(strip(ctx.t(t)), BODY_HEADS)`.
        let body = info.bits & BODY != 0;
        if !t.cap && !known && !body {
            i += 1;
            continue;
        }
        // A country (place) possibly heading a body: "Chinese Foreign Ministry".
        // Read once: the organisation rule below asks the same.
        let org_here = if known {
            lists.orgs.longest_in(ctx, toks, i, info.groups[ORGS])
        } else {
            None
        };
        let place = if t.cap { ctx.place_at(t.s) } else { None }
            .map(|p| (p.country, p.end))
            .filter(|_| org_here.is_none_or(|(n, _)| n < 2));
        if let Some((country, end_cp)) = place {
            let mut j = i + 1;
            while j < toks.len() && ctx.cp(toks[j].s) < end_cp {
                j += 1;
            }
            // Look ahead for a body head or an organisation of that country.
            let mut k = j;
            while k < toks.len() && k < j + 3 && is_any(ctx.t(&toks[k]), BODY_FILL) {
                k += 1;
            }
            let head = k < toks.len()
                && (is_any(strip(ctx.t(&toks[k])), BODY_HEADS)
                    || is(ctx.t(&toks[k]), "cross") && k > j
                    || is(ctx.t(&toks[k]), "cooperation"));
            let body_end = head.then_some(k + 1);
            if let Some(be) = body_end {
                let be = extend_of_health(ctx, toks, be);
                out.push(PartyAt {
                    i,
                    j: be,
                    party: ctx.party(t.s, toks[be - 1].e, country, "organisation", Some(country)),
                    modifier: false,
                });
                i = be;
                continue;
            }
            let modifier = j < toks.len()
                && lists
                    .items
                    .longest_in(ctx, toks, j, group(lists, ctx, toks, infos, j, ITEMS))
                    .is_some()
                && !is(ctx.t(&toks[j]), "help");
            out.push(PartyAt {
                i,
                j,
                party: ctx.party(t.s, toks[j - 1].e, country, "country", Some(country)),
                modifier,
            });
            i = j;
            continue;
        }
        // "the North" (North Korea) in a document about North Korea.
        if is(ctx.t(t), "North")
            && t.cap
            && i > 0
            && is(ctx.t(&toks[i - 1]), "the")
            && ctx.main_country() == Some("KP")
            && !toks.get(i + 1).is_some_and(|n| n.cap)
        {
            out.push(PartyAt {
                i,
                j: i + 1,
                party: ctx.party(t.s, t.e, "KP", "country", Some("KP")),
                modifier: false,
            });
            i += 1;
            continue;
        }
        if let Some((n, org)) = org_here {
            let j = i + n;
            // "(WHO)" right after "World Health Organization": the same party.
            let repeat = i >= 1
                && ctx.t(&toks[i - 1]) == "("
                && out
                    .last()
                    .is_some_and(|p| p.j + 1 == i && p.party.id == org.id);
            if repeat {
                // Fold "(WHO)" into the party before it.
                if let Some(last) = out.last_mut()
                    && toks.get(j).is_some_and(|t| ctx.t(t) == ")")
                {
                    last.j = j + 1;
                }
            } else {
                let kind = "organisation";
                out.push(PartyAt {
                    i,
                    j,
                    party: ctx.party(t.s, toks[j - 1].e, &org.id, kind, org.country.as_deref()),
                    modifier: false,
                });
            }
            i = j;
            continue;
        }
        // A body with no country before it: "the Ministry of Health [of X]", "the government".
        if body && body_context(ctx, toks, i) {
            let mut j = extend_of_health(ctx, toks, i + 1);
            let mut country = None;
            // "Government of Bangladesh", "Ministry of Health Rwanda".
            let mut k = j;
            while k < toks.len() && k < j + 4 && is_any(ctx.t(&toks[k]), &["of", "the", "republic"])
            {
                k += 1;
            }
            if k < toks.len()
                && let Some(p) = ctx.place_at(toks[k].s)
            {
                country = Some(p.country);
                let mut e = k + 1;
                while e < toks.len() && ctx.cp(toks[e].s) < p.end {
                    e += 1;
                }
                j = e;
            }
            let mut start = i;
            while start > 0 && i - start < 3 && is_any(ctx.t(&toks[start - 1]), BODY_FILL) {
                start -= 1;
            }
            let party = match country {
                Some(c) => ctx.party(toks[start].s, toks[j - 1].e, c, "organisation", Some(c)),
                None => ctx.party(
                    toks[start].s,
                    toks[j - 1].e,
                    "GOV",
                    "organisation",
                    ctx.main_country(),
                ),
            };
            out.push(PartyAt {
                i: start,
                j,
                party,
                modifier: false,
            });
            i = j;
            continue;
        }
        i += 1;
    }
    merge_adjacent(ctx, toks, &mut out);
    // A ministry of an unnamed country in a sentence naming one country: that country.
    if out.iter().any(|p| p.party.id == "GOV")
        && let Some(only) = only_country(&out)
    {
        let only = only.to_string();
        for p in out.iter_mut().filter(|p| p.party.id == "GOV") {
            p.party.id.clone_from(&only);
            p.party.country = Some(only.clone());
        }
    }
    out
}

/// The identifier of the one country `parties` name (some may name it more than once), `None`
/// when they name none or several: read in place, without a sorted list of them.
pub(super) fn only_country(parties: &[PartyAt]) -> Option<&str> {
    let mut ids = parties
        .iter()
        .filter(|p| p.party.kind == "country")
        .map(|p| p.party.id.as_str());
    let first = ids.next()?;
    ids.all(|x| x == first).then_some(first)
}

/// [`only_country`] as it was: the sorted list of the countries without repeats, when it has
/// one element (the reference of the tests).
#[cfg(test)]
pub(super) fn only_country_by_sort(parties: &[PartyAt]) -> Option<&str> {
    let mut countries: Vec<&str> = parties
        .iter()
        .filter(|p| p.party.kind == "country")
        .map(|p| p.party.id.as_str())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    match countries[..] {
        [only] => Some(only),
        _ => None,
    }
}

/// Parties written next to each other with nothing between are one: "United States Centers for
/// Disease Control" (the organisation), "MSF Belgium" (the organisation), "WHO ICG" (the
/// last, more specific one).
fn merge_adjacent(ctx: &Ctx<'_>, toks: &[Tok], out: &mut Vec<PartyAt>) {
    let mut k = 1;
    while k < out.len() {
        let gov = out[k - 1].party.id == "GOV" || out[k].party.id == "GOV";
        if out[k - 1].j == out[k].i && !out[k - 1].modifier && !gov {
            let (a, b) = (&out[k - 1], &out[k]);
            let keep_first = a.party.kind == "organisation" && b.party.kind == "country";
            let mut merged = if keep_first { a.clone() } else { b.clone() };
            merged.i = a.i;
            merged.j = b.j;
            let span = ctx.span(toks[a.i].s, toks[b.j - 1].e);
            merged.party.start = span.start;
            merged.party.end = span.end;
            merged.party.text = span.text;
            out[k - 1] = merged;
            out.remove(k);
        } else {
            k += 1;
        }
    }
}

/// True when a body head at `i` is a government body, not a common word: capitalised
/// ("Ministry", "MoH") or "health/national/local authorities", "the government".
fn body_context(ctx: &Ctx<'_>, toks: &[Tok], i: usize) -> bool {
    let w = ctx.t(&toks[i]);
    if toks[i].cap {
        return true;
    }
    let prev = i.checked_sub(1).map(|p| ctx.t(&toks[p])).unwrap_or("");
    match with_norm(w, str::to_string).as_str() {
        "authorities" => is_any(
            prev,
            &["health", "national", "local", "provincial", "federal"],
        ),
        "government" => is_any(prev, &["the", "national", "federal", "central"]),
        _ => false,
    }
}

/// Extends a body over "of Health", "of Public Health", "of Foreign Affairs".
fn extend_of_health(ctx: &Ctx<'_>, toks: &[Tok], j: usize) -> usize {
    if j < toks.len() && is(ctx.t(&toks[j]), "of") {
        let mut k = j + 1;
        while k < toks.len()
            && k < j + 4
            && toks[k].cap
            && is_any(
                ctx.t(&toks[k]),
                &[
                    "health",
                    "public",
                    "foreign",
                    "affairs",
                    "agriculture",
                    "and",
                    "sanitation",
                    "population",
                ],
            )
        {
            k += 1;
        }
        if k > j + 1 {
            return k;
        }
    }
    j
}

/// Words that may start an amount of money without a digit ("US$", "USD 5,000").
pub(crate) const CURRENCY_WORDS: &[&str] = &["US", "USD", "EUR", "GBP", "CHF", "RMB", "CFA"];

/// Currency words and symbols with their ISO 4217 codes.
pub(crate) const CURRENCIES: &[(&str, &str)] = &[
    ("$", "USD"),
    ("us$", "USD"),
    ("usd", "USD"),
    ("dollars", "USD"),
    ("€", "EUR"),
    ("eur", "EUR"),
    ("euros", "EUR"),
    ("£", "GBP"),
    ("gbp", "GBP"),
    ("pounds", "GBP"),
    ("chf", "CHF"),
    ("yuan", "CNY"),
    ("rmb", "CNY"),
    ("rubles", "RUB"),
    ("roubles", "RUB"),
    ("yen", "JPY"),
    ("won", "KRW"),
    ("cfa", "XOF"),
];

/// For each first byte of a key of [`CURRENCIES`], in either ASCII case, one bit per key
/// length: a word whose first byte and length have no bit equals no key ignoring ASCII case.
const CURRENCY_SHAPES: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < CURRENCIES.len() {
        let k = CURRENCIES[i].0.as_bytes();
        let bit = 1u64 << k.len();
        t[k[0].to_ascii_lowercase() as usize] |= bit;
        t[k[0].to_ascii_uppercase() as usize] |= bit;
        i += 1;
    }
    t
};

/// The ISO 4217 code of currency word or symbol `w` (ASCII case-insensitive): most tokens
/// asked about are numbers and punctuation, turned away by their first byte and length.
pub(crate) fn currency(w: &str) -> Option<&'static str> {
    let b = w.as_bytes();
    if b.len() >= 64 || CURRENCY_SHAPES[usize::from(*b.first()?)] & (1 << b.len()) == 0 {
        return None;
    }
    currency_scan(w)
}

/// [`currency`] without its shape test: the scan of the list.
pub(crate) fn currency_scan(w: &str) -> Option<&'static str> {
    CURRENCIES
        .iter()
        .find(|(k, _)| w.eq_ignore_ascii_case(k))
        .map(|(_, c)| *c)
}

/// A number token's value ("380,000", "2.9"), with a following "million"/"billion".
pub(crate) fn amount(ctx: &Ctx<'_>, toks: &[Tok], i: usize) -> Option<(f64, usize)> {
    let w = ctx.t(toks.get(i)?);
    if !w.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Without a comma the text parses as it is (no copy); the scale word is compared without
    // a lower-cased copy.
    let v: f64 = if w.contains(',') {
        w.replace(',', "").parse().ok()?
    } else {
        w.parse().ok()?
    };
    let scale = toks.get(i + 1).map(|t| ctx.t(t)).unwrap_or("");
    if scale.eq_ignore_ascii_case("million") {
        Some((v * 1e6, i + 2))
    } else if scale.eq_ignore_ascii_case("billion") {
        Some((v * 1e9, i + 2))
    } else if scale.eq_ignore_ascii_case("thousand") {
        Some((v * 1e3, i + 2))
    } else {
        Some((v, i + 1))
    }
}

/// [`amount`] as it was: the test reference.
#[cfg(test)]
pub(crate) fn amount_reference(ctx: &Ctx<'_>, toks: &[Tok], i: usize) -> Option<(f64, usize)> {
    let w = ctx.t(toks.get(i)?);
    if !w.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let v: f64 = w.replace(',', "").parse().ok()?;
    let scale = toks.get(i + 1).map(|t| ctx.t(t).to_ascii_lowercase());
    match scale.as_deref() {
        Some("million") => Some((v * 1e6, i + 2)),
        Some("billion") => Some((v * 1e9, i + 2)),
        Some("thousand") => Some((v * 1e3, i + 2)),
        _ => Some((v, i + 1)),
    }
}

/// The lexicon group `list` ([`ORGS`], [`ITEMS`], …) of token `i`: from its [`WordInfo`], or
/// looked up when `infos` lacks it.
fn group(
    lists: &Lists,
    ctx: &Ctx<'_>,
    toks: &[Tok],
    infos: &[WordInfo],
    i: usize,
    list: usize,
) -> u16 {
    infos.get(i).map_or_else(
        || lists.info(&toks[i], ctx.t(&toks[i])).groups[list],
        |info| info.groups[list],
    )
}

/// Finds the items of a sentence: vaccines (with product names), masks, medicines, supplies,
/// staff, funds with amount and currency, ….
/// `infos` are the [`WordInfo`] of `toks`.
/// They go to `out` (cleared first).
pub(crate) fn items_known(ctx: &Ctx<'_>, toks: &[Tok], infos: &[WordInfo], out: &mut Vec<ItemAt>) {
    items_gated(ctx, toks, infos, true, out);
}

/// True when token `t` (its info `info`, when known) is passed by: a word that starts no
/// listed phrase and is no currency word; with `gated`, also any token (a word or punctuation)
/// in no group of the item and vaccine lists that is no currency (nor "US"); in both cases
/// not starting with a digit (no amount). Read from the info and first byte before the text is
/// sliced.
///
/// Why the `gated` test is exact: [`items_gated`] finds an item at token `i` only by a
/// currency (`currency`, or "US" before "$"), an amount (its text starts with an ASCII digit)
/// or a phrase of the vaccine or item list (`longest_in` of the token's group, none for
/// [`super::lexicon::NO_GROUP`]). (It passes by the words of the organisation and measure
/// lists, which the first test lets through.)
pub(super) fn starts_no_item(ctx: &Ctx<'_>, t: &Tok, info: Option<&WordInfo>, gated: bool) -> bool {
    let digit = || {
        ctx.text
            .as_bytes()
            .get(t.s..t.e)
            .and_then(<[u8]>::first)
            .is_some_and(u8::is_ascii_digit)
    };
    let none = super::lexicon::NO_GROUP;
    let no_item = |x: &WordInfo| {
        x.groups[ITEMS] == none && x.groups[VACCINES] == none && !digit() && {
            let w = ctx.t(t);
            currency(w).is_none() && !is(w, "US")
        }
    };
    match info {
        Some(x) if t.word => !(x.known || x.bits & CURRENCY != 0 || digit()) || gated && no_item(x),
        None if t.word => !is_any(ctx.t(t), CURRENCY_WORDS) && !digit(),
        Some(x) if gated => no_item(x),
        _ => false,
    }
}

/// [`items_known`]; `gated`: pass by the tokens [`starts_no_item`] turns away with `gated`
/// (false only in the tests, which hold that gate to the full reading of those tokens).
pub(super) fn items_gated(
    ctx: &Ctx<'_>,
    toks: &[Tok],
    infos: &[WordInfo],
    gated: bool,
    out: &mut Vec<ItemAt>,
) {
    let lists = Lists::global();
    out.clear();
    let mut i = 0;
    while i < toks.len() {
        // Funds: "US$ 380,000", "$1 million", "200 million CFA", "5 million dollars".
        let t = &toks[i];
        if starts_no_item(ctx, t, infos.get(i), gated) {
            i += 1;
            continue;
        }
        let w = ctx.t(t);
        let cur_here = if is(w, "US") && toks.get(i + 1).is_some_and(|t| ctx.t(t) == "$") {
            Some(("USD", i + 2))
        } else {
            currency(w)
                .filter(|_| !toks[i].word || w.len() > 1)
                .map(|c| (c, i + 1))
        };
        if let Some((code, after)) = cur_here
            && let Some((v, end)) = amount(ctx, toks, after)
        {
            out.push(fund(ctx, toks, i, end, v, code));
            i = end;
            continue;
        }
        if let Some((v, end)) = amount(ctx, toks, i)
            && let Some(code) = toks.get(end).and_then(|t| currency(ctx.t(t)))
            && toks[end].word
        {
            out.push(fund(ctx, toks, i, end + 1, v, code));
            i = end + 1;
            continue;
        }
        if let Some((n, name)) =
            lists
                .vaccines
                .longest_in(ctx, toks, i, group(lists, ctx, toks, infos, i, VACCINES))
        {
            let mut j = i + n;
            // "Sputnik V COVID-19 vaccine": one item.
            let mut k = j;
            while k < toks.len()
                && k < j + 3
                && !is_any(ctx.t(&toks[k]), &["vaccine", "vaccines"])
                && toks[k].word
            {
                k += 1;
            }
            if k < toks.len() && is_any(ctx.t(&toks[k]), &["vaccine", "vaccines"]) {
                j = k + 1;
            }
            let span = ctx.span(toks[i].s, toks[j - 1].e);
            out.push(ItemAt {
                i,
                j,
                item: Item {
                    kind: "vaccines".into(),
                    name: Some(name.clone()),
                    amount: None,
                    currency: None,
                    start: span.start,
                    end: span.end,
                    text: span.text,
                },
            });
            i = j;
            continue;
        }
        if let Some((n, kind)) =
            lists
                .items
                .longest_in(ctx, toks, i, group(lists, ctx, toks, infos, i, ITEMS))
        {
            let j = i + n;
            // The word's form is only compared: read in place, not copied.
            let (doses, helping) = with_norm(ctx.t(&toks[i]), |w| {
                (w == "doses", matches!(w, "support" | "help" | "aid"))
            });
            // "doses of oily chloramphenicol": the drug, not vaccine doses.
            let after_of = if toks.get(j + 1).is_some_and(|t| is(ctx.t(t), "the")) {
                j + 2
            } else {
                j + 1
            };
            let of_item = doses
                && toks.get(j).is_some_and(|t| is(ctx.t(t), "of"))
                && after_of < toks.len()
                && lists
                    .items
                    .longest_in(
                        ctx,
                        toks,
                        after_of,
                        group(lists, ctx, toks, infos, after_of, ITEMS),
                    )
                    .is_some_and(|(_, k)| k != "vaccines");
            // "support" as a verb after "to" ("to support the MoH"), "help" as a verb.
            let verb_use = helping
                && i > 0
                && is_any(
                    ctx.t(&toks[i - 1]),
                    &["to", "will", "would", "can", "could"],
                )
                && !(i >= 2 && is(ctx.t(&toks[i - 2]), "willingness"));
            // "Support Team", "Response Network": part of a name.
            let in_name = toks[i].cap
                && toks.get(j).is_some_and(|t| t.cap && t.word)
                && matches!(kind.as_str(), "aid" | "experts");
            // "vaccine support": the support is the vaccine.
            let after_item = kind == "aid" && out.last().is_some_and(|p| p.j == i);
            if !of_item && !verb_use && !in_name && !after_item {
                let span = ctx.span(toks[i].s, toks[j - 1].e);
                out.push(ItemAt {
                    i,
                    j,
                    item: Item {
                        kind: kind.clone().into(),
                        name: None,
                        amount: None,
                        currency: None,
                        start: span.start,
                        end: span.end,
                        text: span.text,
                    },
                });
            }
            i = j;
            continue;
        }
        i += 1;
    }
}

fn fund(ctx: &Ctx<'_>, toks: &[Tok], i: usize, j: usize, v: f64, code: &str) -> ItemAt {
    let span = ctx.span(toks[i].s, toks[j - 1].e);
    ItemAt {
        i,
        j,
        item: Item {
            kind: "funds".into(),
            name: None,
            amount: Some(v),
            currency: Some(code.to_string()),
            start: span.start,
            end: span.end,
            text: span.text,
        },
    }
}
