//! The word lists of the response pass (`data/response/*.tsv`), matched token by token.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::text::{BuildFnv, Ctx, Tok};

/// One phrase of a list: its words (lower case) and what it stands for.
#[derive(Debug)]
struct Phrase<T> {
    words: Vec<String>,
    /// Written all in capitals ("WHO"): matched case-sensitively.
    exact: Option<String>,
    value: T,
}

/// A phrase list keyed by first word.
#[derive(Debug)]
pub(crate) struct Lexicon<T> {
    by_first: HashMap<String, Vec<Phrase<T>>, BuildFnv>,
}

impl<T> Lexicon<T> {
    /// The first words of the phrases (and their parts before a hyphen).
    fn firsts(&self) -> impl Iterator<Item = &str> {
        self.by_first.keys().map(String::as_str)
    }
}

/// `w` without a possessive `'s`.
pub(crate) fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w)
}

/// Calls `f` with the lower-case form of `w`, possessive `'s` dropped (the form lookups use),
/// without allocating for short ASCII words.
pub(crate) fn with_norm<R>(w: &str, f: impl FnOnce(&str) -> R) -> R {
    super::text::lower(strip_possessive(w), f)
}

/// True when `w` is written as `expect` (lower case) after [`with_norm`].
fn norm_eq(w: &str, expect: &str) -> bool {
    let w = strip_possessive(w);
    if w.is_ascii() {
        w.eq_ignore_ascii_case(expect)
    } else {
        w.to_lowercase() == expect
    }
}

impl<T> Lexicon<T> {
    /// Builds a lexicon from `(form, value)` pairs.
    fn new(rows: impl IntoIterator<Item = (String, T)>) -> Lexicon<T> {
        let mut by_first: HashMap<String, Vec<Phrase<T>>, BuildFnv> = HashMap::default();
        for (form, value) in rows {
            let words: Vec<String> = form.split_whitespace().map(str::to_lowercase).collect();
            let Some(first) = words.first().cloned() else {
                continue;
            };
            let letters: Vec<char> = form.chars().filter(|c| c.is_alphabetic()).collect();
            let exact = (letters.len() <= 6
                && !letters.is_empty()
                && letters.iter().all(|c| c.is_uppercase()))
            .then(|| form.clone());
            by_first.entry(first).or_default().push(Phrase {
                words,
                exact,
                value,
            });
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
        }
        Lexicon { by_first }
    }

    /// The longest phrase starting at token `i` of `toks`: (number of tokens, value).
    pub(crate) fn longest(&self, ctx: &Ctx<'_>, toks: &[Tok], i: usize) -> Option<(usize, &T)> {
        let first = ctx.t(&toks[i]);
        let cands = with_norm(first, |key| {
            self.by_first.get(key).or_else(|| {
                // "MSF-Belgium", "WHO-Ministry": the part before the hyphen.
                let head = key.split('-').next()?;
                if head.len() < key.len() {
                    self.by_first.get(head)
                } else {
                    None
                }
            })
        })?;
        'phrase: for p in cands {
            if toks.len() < i + p.words.len() {
                continue;
            }
            if let Some(exact) = &p.exact {
                let head = first.split(['-', '\'', '’']).next().unwrap_or(first);
                if p.words.len() == 1 && head != exact.as_str() {
                    continue;
                }
                if p.words.len() > 1 && !first.chars().next().is_some_and(char::is_uppercase) {
                    continue;
                }
            }
            for (k, w) in p.words.iter().enumerate().skip(1) {
                let t = &toks[i + k];
                if !norm_eq(ctx.t(t), w) {
                    continue 'phrase;
                }
            }
            return Some((p.words.len(), &p.value));
        }
        None
    }
}

/// An organisation: its identifier and the country it belongs to.
#[derive(Debug)]
pub(crate) struct Org {
    pub id: String,
    pub country: Option<String>,
}

/// The response word lists.
#[derive(Debug)]
pub(crate) struct Lists {
    pub orgs: Lexicon<Org>,
    pub items: Lexicon<String>,
    pub vaccines: Lexicon<String>,
    pub measures: Lexicon<String>,
    /// Every word that starts a phrase of the lists above: a token not in it starts none.
    pub firsts: super::text::WordSet,
}

impl Lists {
    /// True when a phrase of some list may start with token text `w`.
    pub(crate) fn may_start(&self, w: &str) -> bool {
        let w = strip_possessive(w);
        // The part before a hyphen is looked up only when there is a hyphen (otherwise it is
        // `w` itself, already looked up).
        self.firsts.contains(w)
            || w.split_once('-')
                .is_some_and(|(h, _)| self.firsts.contains(h))
    }
}

fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect::<Vec<_>>())
}

impl Lists {
    /// The lists embedded from `data/response`, parsed once.
    pub(crate) fn global() -> &'static Lists {
        static LISTS: OnceLock<Lists> = OnceLock::new();
        LISTS.get_or_init(|| {
            let orgs = Lexicon::new(
                rows(include_str!("../../data/response/parties.tsv")).filter_map(|r| {
                    let (form, id, country) = (r.first()?, r.get(1)?, r.get(2)?);
                    let country = (*country != "-").then(|| country.to_string());
                    Some((
                        form.to_string(),
                        Org {
                            id: id.to_string(),
                            country,
                        },
                    ))
                }),
            );
            let items = Lexicon::new(
                rows(include_str!("../../data/response/items.tsv"))
                    .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.to_string()))),
            );
            let vaccines = Lexicon::new(
                rows(include_str!("../../data/response/vaccines.tsv"))
                    .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.to_string()))),
            );
            let measures = Lexicon::new(
                rows(include_str!("../../data/response/measures.tsv"))
                    .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.to_string()))),
            );
            let mut firsts = super::text::WordSet::default();
            for w in orgs
                .firsts()
                .chain(items.firsts())
                .chain(vaccines.firsts())
                .chain(measures.firsts())
            {
                firsts.insert(w);
            }
            Lists {
                orgs,
                items,
                vaccines,
                measures,
                firsts,
            }
        })
    }
}
