// Port of go-trafilatura/internal/selector/utils.go

use crate::dom::{Document, NodeId};

/// Returns all ancestor elements of `id` that match `ancestor_tag`.
///
/// Port of `getNodeAncestors`.
pub(crate) fn get_node_ancestors(doc: &Document, id: NodeId, ancestor_tag: &str) -> Vec<NodeId> {
    let mut ancestors = Vec::new();
    let mut cur = id;
    while let Some(parent) = doc.parent(cur) {
        if doc.tag_name(parent) == ancestor_tag {
            ancestors.push(parent);
        }
        cur = parent;
    }
    ancestors
}

/// Port of Go's `contains(s, substr)`.
///
/// epiwire: `s.contains(substr)` without setting up the two-way searcher on every call (the
/// rules call this a few dozen times per element, mostly on short or empty attribute
/// values): a byte-wise search, which finds the same matches since a match of a valid UTF-8
/// needle in UTF-8 text always starts on a character boundary.
#[inline]
pub fn contains(s: &str, substr: &str) -> bool {
    let (hay, needle) = (s.as_bytes(), substr.as_bytes());
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    // epiwire: the candidate starts are found with memchr (vectorised) instead of one byte
    // at a time; the same starts are tried in the same order.
    let starts = &hay[..=hay.len() - needle.len()];
    let mut from = 0;
    while let Some(at) = starts.get(from..).and_then(|s| find_byte(first, s)) {
        let i = from + at;
        if hay.get(i + 1..i + needle.len()) == Some(rest) {
            return true;
        }
        from = i + 1;
    }
    false
}

/// epiwire: the first position of `b` in `s`: a plain loop below 32 bytes (most attribute
/// values), where memchr's dispatch costs more than the search, else memchr.
#[inline]
fn find_byte(b: u8, s: &[u8]) -> Option<usize> {
    if s.len() < 32 {
        s.iter().position(|&x| x == b)
    } else {
        memchr::memchr(b, s)
    }
}

/// epiwire: the first position of `b1` or `b2` in `s`, as `find_byte`.
#[inline]
fn find_byte2(b1: u8, b2: u8, s: &[u8]) -> Option<usize> {
    if s.len() < 32 {
        s.iter().position(|&x| x == b1 || x == b2)
    } else {
        memchr::memchr2(b1, b2, s)
    }
}

/// epiwire: `contains(&lower(s), lower_substr)` without lower-casing `s` into a new string when
/// it is ASCII (where `to_lowercase` is `to_ascii_lowercase`); `lower_substr` is a lower-case
/// literal (else the general path runs).
#[inline]
pub fn contains_lower(s: &str, lower_substr: &str) -> bool {
    let needle = lower_substr.as_bytes();
    if !s.is_ascii() || needle.iter().any(u8::is_ascii_uppercase) {
        return contains(&lower(s), lower_substr);
    }
    let Some(&first) = needle.first() else {
        return true;
    };
    // epiwire: the windows whose first byte can match (either case) are found with memchr2;
    // the same windows are compared as by `windows(..).any(..)`.
    let hay = s.as_bytes();
    if hay.len() < needle.len() {
        return false;
    }
    let starts = &hay[..=hay.len() - needle.len()];
    let (lo, up) = (first, first.to_ascii_uppercase());
    let mut from = 0;
    while let Some(at) = starts.get(from..).and_then(|s| find_byte2(lo, up, s)) {
        let i = from + at;
        if hay
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return true;
        }
        from = i + 1;
    }
    false
}

/// Port of Go's `startsWith(s, prefix)`.
#[inline]
pub(crate) fn starts_with(s: &str, prefix: &str) -> bool {
    s.starts_with(prefix)
}

/// Port of Go's `lower(s)`.
#[inline]
pub(crate) fn lower(s: &str) -> String {
    s.to_lowercase()
}

// ---------------------------------------------------------------------------
// epiwire: attribute values prepared for many substring tests
// ---------------------------------------------------------------------------

/// epiwire: the bit (0–63) of the adjacent byte pair `a`, `b` in a [`Hay`]'s pair set.
#[inline]
const fn pair_bit(a: u8, b: u8) -> u64 {
    let x = ((a as u32) << 8 | b as u32).wrapping_mul(0x9E37_79B1) >> 26;
    1 << x
}

/// epiwire: the set of adjacent byte pairs of `s` with ASCII letters lower-cased (empty for
/// fewer than two bytes); the `has!` family computes it for its literal at compile time.
pub(crate) const fn pair_mask(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut m = 0;
    let mut i = 1;
    while i < b.len() {
        m |= pair_bit(b[i - 1].to_ascii_lowercase(), b[i].to_ascii_lowercase());
        i += 1;
    }
    m
}

/// epiwire: whether `s` holds no ASCII upper-case letter (the literals of `has_lower!`).
pub(crate) const fn no_ascii_upper(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_uppercase() {
            return false;
        }
        i += 1;
    }
    true
}

/// epiwire: an attribute value prepared for the selector rules' many substring tests against
/// literals: the set of its adjacent byte pairs, ASCII letters lower-cased (hashed into 64
/// bits), and whether it is ASCII. Lower-casing ASCII letters maps a substring onto a
/// substring, so every pair of a literal that occurs in the value, or in its lower-cased form
/// when the value is ASCII (then `lower` is that same byte-wise lower-casing), is in the set:
/// a literal with a pair outside it cannot occur and `has!` answers `false` without searching;
/// otherwise (and for `has_lower!` on a non-ASCII value, whose Unicode lower-casing can make
/// ASCII letters) it searches as [`contains`] / [`contains_lower`] / [`starts_with`] did. Most
/// tests of most values stop at the set. Debug builds check every answer against the plain
/// search.
#[derive(Clone, Copy)]
pub(crate) struct Hay<'a> {
    pub(crate) s: &'a str,
    pairs: u64,
    ascii: bool,
}

impl<'a> Hay<'a> {
    /// `s` with its pair set.
    #[inline]
    pub(crate) fn new(s: &'a str) -> Self {
        let b = s.as_bytes();
        let (mut pairs, mut high) = (0u64, 0u8);
        if let Some((&first, rest)) = b.split_first() {
            let mut prev = first.to_ascii_lowercase();
            high |= first;
            for &c in rest {
                let l = c.to_ascii_lowercase();
                pairs |= pair_bit(prev, l);
                high |= c;
                prev = l;
            }
        }
        Self {
            s,
            pairs,
            ascii: high < 0x80,
        }
    }

    /// `contains(self.s, lit)`; `lit_pairs` is `pair_mask(lit)`.
    #[inline(always)]
    pub(crate) fn contains(&self, lit_pairs: u64, lit: &str) -> bool {
        let r = self.pairs & lit_pairs == lit_pairs && contains(self.s, lit);
        debug_assert_eq!(r, self.s.contains(lit), "{:?} {lit:?}", self.s);
        r
    }

    /// `contains_lower(self.s, lit)` for a literal without ASCII upper case.
    #[inline(always)]
    pub(crate) fn contains_lower(&self, lit_pairs: u64, lit: &str) -> bool {
        let r = (!self.ascii || self.pairs & lit_pairs == lit_pairs) && contains_lower(self.s, lit);
        debug_assert_eq!(r, lower(self.s).contains(lit), "{:?} {lit:?}", self.s);
        r
    }

    /// `starts_with(self.s, lit)`.
    #[inline(always)]
    pub(crate) fn starts_with(&self, lit_pairs: u64, lit: &str) -> bool {
        let r = self.pairs & lit_pairs == lit_pairs && starts_with(self.s, lit);
        debug_assert_eq!(r, self.s.starts_with(lit), "{:?} {lit:?}", self.s);
        r
    }
}

/// epiwire: the concatenation `format!("{a}{b}")` (the rules' `id_class`) prepared as a
/// [`Hay`]: its pairs are those of `a`, of `b` and the one across the join (lower-cased as
/// there); the string itself
/// is built only when a literal passes that set.
pub(crate) struct CatHay<'a> {
    a: &'a str,
    b: &'a str,
    pairs: u64,
    joined: std::cell::OnceCell<String>,
}

impl<'a> CatHay<'a> {
    /// `a` followed by `b`, from their prepared forms.
    #[inline]
    pub(crate) fn new(a: &Hay<'a>, b: &Hay<'a>) -> Self {
        let across = match (a.s.as_bytes().last(), b.s.as_bytes().first()) {
            (Some(&x), Some(&y)) => pair_bit(x.to_ascii_lowercase(), y.to_ascii_lowercase()),
            _ => 0,
        };
        Self {
            a: a.s,
            b: b.s,
            pairs: a.pairs | b.pairs | across,
            joined: std::cell::OnceCell::new(),
        }
    }

    fn joined(&self) -> &str {
        self.joined.get_or_init(|| format!("{}{}", self.a, self.b))
    }

    /// `contains(&format!("{a}{b}"), lit)`.
    #[inline(always)]
    pub(crate) fn contains(&self, lit_pairs: u64, lit: &str) -> bool {
        let r = self.pairs & lit_pairs == lit_pairs && contains(self.joined(), lit);
        debug_assert_eq!(r, format!("{}{}", self.a, self.b).contains(lit));
        r
    }

    /// `starts_with(&format!("{a}{b}"), lit)`.
    #[inline(always)]
    pub(crate) fn starts_with(&self, lit_pairs: u64, lit: &str) -> bool {
        let r = self.pairs & lit_pairs == lit_pairs && starts_with(self.joined(), lit);
        debug_assert_eq!(r, format!("{}{}", self.a, self.b).starts_with(lit));
        r
    }
}

/// epiwire: for tests, the prepared-value tests with a run-time literal: `contains(a, lit)`,
/// `contains_lower(a, lit)` (`false` for a literal with ASCII upper case, which `has_lower!`
/// refuses), `starts_with(a, lit)`, and `contains` / `starts_with` of `a` followed by `b`.
pub fn hay_tests(a: &str, b: &str, lit: &str) -> [bool; 5] {
    let pairs = pair_mask(lit);
    let (ha, hb) = (Hay::new(a), Hay::new(b));
    let cat = CatHay::new(&ha, &hb);
    [
        ha.contains(pairs, lit),
        no_ascii_upper(lit) && ha.contains_lower(pairs, lit),
        ha.starts_with(pairs, lit),
        cat.contains(pairs, lit),
        cat.starts_with(pairs, lit),
    ]
}

/// epiwire: `contains(hay, "literal")` on a [`Hay`] or [`CatHay`], the literal's pair set
/// computed at compile time.
macro_rules! has {
    ($hay:expr, $lit:literal) => {{
        const PAIRS: u64 = $crate::selector::utils::pair_mask($lit);
        $hay.contains(PAIRS, $lit)
    }};
}

/// epiwire: `contains_lower(hay, "literal")` on a [`Hay`]; the literal has no ASCII upper
/// case (checked at compile time), as `contains_lower` needs.
macro_rules! has_lower {
    ($hay:expr, $lit:literal) => {{
        const PAIRS: u64 = {
            assert!($crate::selector::utils::no_ascii_upper($lit));
            $crate::selector::utils::pair_mask($lit)
        };
        $hay.contains_lower(PAIRS, $lit)
    }};
}

/// epiwire: `starts_with(hay, "literal")` on a [`Hay`] or [`CatHay`].
macro_rules! begins {
    ($hay:expr, $lit:literal) => {{
        const PAIRS: u64 = $crate::selector::utils::pair_mask($lit);
        $hay.starts_with(PAIRS, $lit)
    }};
}

pub(crate) use {begins, has, has_lower};
