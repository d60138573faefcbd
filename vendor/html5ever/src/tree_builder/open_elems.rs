// Copyright 2014-2017 The html5ever Project Developers. See the
// COPYRIGHT file at the top-level directory of this distribution.
//
// Licensed under the Apache License, Version 2.0 <LICENSE-APACHE or
// http://www.apache.org/licenses/LICENSE-2.0> or the MIT license
// <LICENSE-MIT or http://opensource.org/licenses/MIT>, at your
// option. This file may not be copied, modified, or distributed
// except according to those terms.

//! epiwire: the stack of open elements with a count of the HTML `p` elements on it.
//!
//! Every change of the stack goes through these methods, which keep one flag per element
//! (whether it is an HTML `p`) and the number of set flags; reading the stack is reading the
//! slice (`Deref`). With no `p` open, "has a `p` element in button scope" is false without a
//! walk (the walk looks for an HTML `p` and answers true only on finding one).

use std::ops::Deref;

/// The stack of open elements, most recently added at the end.
pub(crate) struct OpenElems<Handle> {
    elems: Vec<Handle>,
    /// Parallel to `elems`: whether the element is an HTML `p`.
    is_p: Vec<bool>,
    /// How many of `is_p` are set.
    p_count: usize,
}

impl<Handle> Default for OpenElems<Handle> {
    fn default() -> Self {
        OpenElems {
            elems: Vec::new(),
            is_p: Vec::new(),
            p_count: 0,
        }
    }
}

impl<Handle> Deref for OpenElems<Handle> {
    type Target = [Handle];

    fn deref(&self) -> &[Handle] {
        &self.elems
    }
}

impl<Handle> OpenElems<Handle> {
    /// Whether an HTML `p` element is open.
    pub(crate) fn has_p(&self) -> bool {
        self.p_count != 0
    }

    pub(crate) fn push(&mut self, elem: Handle, is_p: bool) {
        self.elems.push(elem);
        self.is_p.push(is_p);
        self.p_count += usize::from(is_p);
    }

    pub(crate) fn pop(&mut self) -> Option<Handle> {
        let elem = self.elems.pop()?;
        if self.is_p.pop() == Some(true) {
            self.p_count -= 1;
        }
        Some(elem)
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.elems.len() {
            self.p_count -= self.is_p[len..].iter().filter(|&&p| p).count();
            self.elems.truncate(len);
            self.is_p.truncate(len);
        }
    }

    pub(crate) fn remove(&mut self, index: usize) -> Handle {
        if self.is_p.remove(index) {
            self.p_count -= 1;
        }
        self.elems.remove(index)
    }

    pub(crate) fn insert(&mut self, index: usize, elem: Handle, is_p: bool) {
        self.elems.insert(index, elem);
        self.is_p.insert(index, is_p);
        self.p_count += usize::from(is_p);
    }

    /// Replaces the element at `index`.
    pub(crate) fn set(&mut self, index: usize, elem: Handle, is_p: bool) {
        self.elems[index] = elem;
        if std::mem::replace(&mut self.is_p[index], is_p) {
            self.p_count -= 1;
        }
        self.p_count += usize::from(is_p);
    }

    /// Empties the stack, giving its elements (first opened first).
    pub(crate) fn take_all(&mut self) -> Vec<Handle> {
        self.is_p.clear();
        self.p_count = 0;
        std::mem::take(&mut self.elems)
    }
}

#[cfg(test)]
mod tests {
    use super::OpenElems;

    fn count(s: &OpenElems<u32>) -> usize {
        s.is_p.iter().filter(|&&p| p).count()
    }

    #[test]
    fn the_count_follows_every_change() {
        let mut s = OpenElems::default();
        s.push(0, false);
        s.push(1, true);
        s.push(2, false);
        s.push(3, true);
        assert_eq!((s.p_count, count(&s)), (2, 2));
        assert_eq!(s.pop(), Some(3));
        assert_eq!(s.p_count, 1);
        s.insert(1, 4, true);
        assert_eq!(&*s, &[0, 4, 1, 2]);
        assert_eq!(s.p_count, 2);
        s.set(2, 5, false);
        assert_eq!(s.p_count, 1);
        s.set(0, 6, true);
        assert_eq!(s.p_count, 2);
        assert_eq!(s.remove(1), 4);
        assert_eq!((s.p_count, count(&s)), (1, 1));
        s.truncate(1);
        assert_eq!(&*s, &[6]);
        assert!(s.has_p());
        s.truncate(5);
        assert_eq!(s.take_all(), vec![6]);
        assert!(!s.has_p());
        assert_eq!(s.pop(), None);
        assert!(!s.has_p());
    }
}
