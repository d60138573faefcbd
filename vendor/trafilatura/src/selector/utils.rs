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
