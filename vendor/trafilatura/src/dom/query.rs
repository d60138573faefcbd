// Port of CSS selector queries (dom.QuerySelector, dom.QuerySelectorAll, dom.GetElementsByTagName)

use ego_tree::NodeId;
use scraper::{Node, Selector};

use super::Document;

/// Maximum recursion depth for query traversals.
const MAX_TREE_DEPTH: usize = 500;

impl Document {
    /// Find the first element (in document order) within the subtree rooted at
    /// `root` that matches the given CSS selector string.
    ///
    /// Returns `None` if no match found or if the selector is invalid.
    ///
    /// Port of `dom.QuerySelector`.
    pub fn query_selector(&self, root: NodeId, selector: &str) -> Option<NodeId> {
        let sel = Selector::parse(selector).ok()?;
        self.query_first_compiled(root, &sel)
    }

    /// Find all elements within the subtree rooted at `root` that match the
    /// given CSS selector string, in document order.
    ///
    /// Port of `dom.QuerySelectorAll`.
    pub fn query_selector_all(&self, root: NodeId, selector: &str) -> Vec<NodeId> {
        let Ok(sel) = Selector::parse(selector) else {
            return Vec::new();
        };
        self.query_selector_all_compiled(root, &sel)
    }

    /// Returns `<script>` elements whose `type` attribute exactly equals one
    /// of `types`.
    ///
    /// The CSS engine matches `type` values case-insensitively (it is in the
    /// HTML spec's case-insensitive attribute list), but upstream matches
    /// exactly: Go's cascadia and Python's lxml both compare attribute values
    /// case-sensitively, and the upstream reference corpus pins
    /// `APPLICATION/LD+JSON` as *not* a JSON-LD script. This helper reproduces
    /// upstream semantics with an exact-value post-filter.
    ///
    /// epiwire: the selector match followed by the exact post-filter is an exact match, so the
    /// elements are found by `Self::elements_where` without CSS matching (same order, same
    /// depth limit); [`Self::scripts_with_type_upstream`] keeps the selector version for tests.
    pub fn scripts_with_type(&self, types: &[&str]) -> Vec<NodeId> {
        self.elements_where(self.root(), &|doc, id| {
            doc.tag_name(id) == "script"
                && doc.attr_str(id, "type").is_some_and(|t| types.contains(&t))
        })
    }

    /// epiwire: upstream's [`Self::scripts_with_type`], for tests.
    #[doc(hidden)]
    pub fn scripts_with_type_upstream(&self, types: &[&str]) -> Vec<NodeId> {
        let selector = types
            .iter()
            .map(|t| format!(r#"script[type="{t}"]"#))
            .collect::<Vec<_>>()
            .join(", ");
        self.query_selector_all(self.root(), &selector)
            .into_iter()
            .filter(|&id| {
                matches!(
                    self.get_attribute(id, "type").as_deref(),
                    Some(t) if types.contains(&t)
                )
            })
            .collect()
    }

    /// epiwire: the elements of the subtree of `root` (itself included) for which `pred`
    /// holds, in document order, visited as `collect_matching` visits them (down to
    /// `MAX_TREE_DEPTH`): what `query_selector_all` returns for a selector that `pred`
    /// decides the same way, without CSS selector matching.
    pub(crate) fn elements_where(
        &self,
        root: NodeId,
        pred: &dyn Fn(&Document, NodeId) -> bool,
    ) -> Vec<NodeId> {
        // epiwire: the walk by links (`walk_subtree`), root included, as the stack below.
        let mut out = Vec::new();
        self.walk_subtree(root, true, MAX_TREE_DEPTH, |node| {
            if matches!(node.value(), Node::Element(_)) && pred(self, node.id()) {
                out.push(node.id());
            }
        });
        out
    }

    /// The explicit-stack walk `elements_where` used before `walk_subtree`, its reference.
    fn elements_where_stack(
        &self,
        root: NodeId,
        pred: &dyn Fn(&Document, NodeId) -> bool,
    ) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack = vec![(root, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            if depth >= MAX_TREE_DEPTH {
                continue;
            }
            let Some(node) = self.tree.get(id) else {
                continue;
            };
            if matches!(node.value(), Node::Element(_)) && pred(self, id) {
                out.push(id);
            }
            for child in node.children().rev() {
                stack.push((child.id(), depth + 1));
            }
        }
        out
    }

    /// epiwire: for tests, whether each selector query replaced by [`Self::elements_where`]
    /// finds the same elements both ways on the document parsed from `html`; also counts the
    /// elements found, so that a test can tell it compared something.
    #[doc(hidden)]
    pub fn selector_replacements_agree(html: &str) -> (bool, usize) {
        let doc = Document::parse(html);
        let root = doc.root();
        let pairs: [(&str, Vec<NodeId>); 6] = [
            ("figure", doc.elements_where(root, &|d, id| d.tag_name(id) == "figure")),
            (
                "div a, ul a, ol a, dl a, p a",
                doc.elements_where(root, &|d, id| {
                    d.tag_name(id) == "a" && d.has_ancestor_named(id, &["div", "ul", "ol", "dl", "p"])
                }),
            ),
            (
                "div a, ul a, ol a, dl a, p a, table a",
                doc.elements_where(root, &|d, id| {
                    d.tag_name(id) == "a"
                        && d.has_ancestor_named(id, &["div", "ul", "ol", "dl", "p", "table"])
                }),
            ),
            (
                "head meta[content]",
                doc.elements_where(root, &|d, id| {
                    d.tag_name(id) == "meta"
                        && d.attr_str(id, "content").is_some()
                        && d.has_ancestor_named(id, &["head"])
                }),
            ),
            (
                r#"meta[property^="og:"]"#,
                doc.elements_where(root, &|d, id| {
                    d.tag_name(id) == "meta"
                        && d.attr_str(id, "property").is_some_and(|p| p.starts_with("og:"))
                }),
            ),
            ("script", doc.elements_where(root, &|d, id| d.tag_name(id) == "script")),
        ];
        let mut found = 0;
        let mut agree = true;
        for (sel, ours) in &pairs {
            found += ours.len();
            agree &= doc.query_selector_all(root, sel) == *ours;
        }
        for types in [
            &["application/ld+json"][..],
            &["application/ld+json", "application/settings+json"][..],
        ] {
            let ours = doc.scripts_with_type(types);
            found += ours.len();
            agree &= doc.scripts_with_type_upstream(types) == ours;
        }
        (agree, found)
    }

    /// epiwire: whether an ancestor element of `id` has one of the local names `names`,
    /// walking parents while they are elements (as a CSS descendant combinator does with
    /// `parent_element`).
    pub(crate) fn has_ancestor_named(&self, id: NodeId, names: &[&str]) -> bool {
        let mut cur = self.tree.get(id).and_then(|n| n.parent());
        while let Some(node) = cur {
            let Node::Element(e) = node.value() else {
                return false;
            };
            if names.contains(&e.name.local.as_ref()) {
                return true;
            }
            cur = node.parent();
        }
        false
    }

    /// Find the first element matching a pre-compiled selector (early termination).
    pub(crate) fn query_first_compiled(&self, root: NodeId, sel: &Selector) -> Option<NodeId> {
        self.find_first_matching(root, sel, 0)
    }

    /// Find all elements matching a pre-compiled selector. Exposed for hot-path callers
    /// in the selector module that reuse compiled selectors across documents.
    pub(crate) fn query_selector_all_compiled(&self, root: NodeId, sel: &Selector) -> Vec<NodeId> {
        let mut result = Vec::new();
        self.collect_matching(root, sel, &mut result, 0);
        result
    }

    fn find_first_matching(&self, id: NodeId, sel: &Selector, depth: usize) -> Option<NodeId> {
        if depth >= MAX_TREE_DEPTH {
            return None;
        }
        let node_ref = self.tree.get(id)?;
        if let Some(elem_ref) = scraper::ElementRef::wrap(node_ref) {
            if sel.matches(&elem_ref) {
                return Some(id);
            }
        }
        for child in node_ref.children() {
            if let Some(found) = self.find_first_matching(child.id(), sel, depth + 1) {
                return Some(found);
            }
        }
        None
    }

    fn collect_matching(&self, id: NodeId, sel: &Selector, out: &mut Vec<NodeId>, depth: usize) {
        if depth >= MAX_TREE_DEPTH {
            return;
        }
        let Some(node_ref) = self.tree.get(id) else {
            return;
        };
        if let Some(elem_ref) = scraper::ElementRef::wrap(node_ref) {
            if sel.matches(&elem_ref) {
                out.push(id);
            }
        }
        for child in node_ref.children() {
            self.collect_matching(child.id(), sel, out, depth + 1);
        }
    }

    /// Returns all descendant elements with a given tag name, in document order.
    ///
    /// Pass `"*"` to get all elements.
    ///
    /// Port of `dom.GetElementsByTagName`.
    pub fn get_elements_by_tag_name(&self, root: NodeId, tag: &str) -> Vec<NodeId> {
        let mut result = Vec::new();
        self.collect_by_tag(root, tag, &mut result);
        result
    }

    /// epiwire: the elements named `tag` (any for `"*"`) below `root` up to `MAX_TREE_DEPTH`,
    /// by `walk_subtree` instead of one recursive call and one id lookup per node; the same
    /// nodes in the same order as upstream's recursion (`collect_by_tag_recursive`, compared
    /// by `elements_by_tag_agree`).
    fn collect_by_tag(&self, root: NodeId, tag: &str, out: &mut Vec<NodeId>) {
        let any = tag == "*";
        self.walk_subtree(root, false, MAX_TREE_DEPTH, |node| {
            if let Node::Element(e) = node.value() {
                if any || e.name.local.as_ref() == tag {
                    out.push(node.id());
                }
            }
        });
    }

    /// epiwire: calls `f` on `root` (when `include_root`) and on its descendants in document
    /// order down to `limit` levels (the root at depth 0; a node at depth `d` is visited when
    /// `d < limit`, as the recursive walks that return at `depth >= limit`), walking the
    /// tree's first-child, next-sibling and parent links.
    #[inline]
    pub(crate) fn walk_subtree<'a>(
        &'a self,
        root: NodeId,
        include_root: bool,
        limit: usize,
        mut f: impl FnMut(ego_tree::NodeRef<'a, Node>),
    ) {
        self.walk_subtree_while(root, include_root, limit, |node| {
            f(node);
            true
        });
    }

    /// epiwire: [`Self::walk_subtree`] that stops after the first call of `f` that returns
    /// `false`.
    #[inline]
    pub(crate) fn walk_subtree_while<'a>(
        &'a self,
        root: NodeId,
        include_root: bool,
        limit: usize,
        mut f: impl FnMut(ego_tree::NodeRef<'a, Node>) -> bool,
    ) {
        let Some(root_ref) = self.tree.get(root) else {
            return;
        };
        if limit == 0 {
            return;
        }
        if include_root && !f(root_ref) {
            return;
        }
        let mut depth = 1usize;
        let mut next = if depth < limit {
            root_ref.first_child()
        } else {
            None
        };
        while let Some(node) = next {
            if !f(node) {
                return;
            }
            if depth + 1 < limit {
                if let Some(child) = node.first_child() {
                    next = Some(child);
                    depth += 1;
                    continue;
                }
            }
            // No child to descend into: the next sibling of the node or of its nearest
            // ancestor below the root that has one.
            let mut at = node;
            next = loop {
                if let Some(sibling) = at.next_sibling() {
                    break Some(sibling);
                }
                match at.parent() {
                    Some(parent) if parent.id() != root => {
                        at = parent;
                        depth -= 1;
                    }
                    _ => break None,
                }
            };
        }
    }

    /// Upstream's recursive walk, the reference for `collect_by_tag`.
    fn collect_by_tag_recursive(
        &self,
        id: NodeId,
        tag: &str,
        include_self: bool,
        out: &mut Vec<NodeId>,
        depth: usize,
    ) {
        if depth >= MAX_TREE_DEPTH {
            return;
        }
        let Some(node) = self.tree.get(id) else {
            return;
        };

        if let Node::Element(e) = node.value() {
            let matches = tag == "*" || e.name.local.as_ref() == tag;
            if include_self && matches {
                out.push(id);
            }
        }

        for child in node.children() {
            self.collect_by_tag_recursive(child.id(), tag, true, out, depth + 1);
        }
    }

    /// epiwire: for the test of `walk_subtree`: parses `html` and, for every `root_step`-th
    /// node of the tree (from the first) as the root and each of `tags`, compares
    /// `get_elements_by_tag_name`, `iter`, `iter_descendants` and `elements_where` with the
    /// walks they replaced. Returns whether all agree and the number of elements found.
    pub(crate) fn elements_by_tag_agree(html: &str, tags: &[&str], root_step: usize) -> (bool, usize) {
        let doc = Document::parse(html);
        let mut found = 0;
        for root in doc.tree.nodes().map(|n| n.id()).step_by(root_step.max(1)) {
            // epiwire: and `collect_comment_nodes` with its recursion.
            let mut upstream = Vec::new();
            doc.collect_comment_nodes_inner(root, &mut upstream, 0);
            if doc.collect_comment_nodes(root) != upstream {
                return (false, found);
            }
            // epiwire: extract_subtree_as_document against upstream's clone_from_tree.
            let ours = doc.extract_subtree_as_document(root);
            let mut upstream = Document::parse("<html><body></body></html>");
            if let Some(body) = upstream.body() {
                for child in doc.child_nodes(root) {
                    upstream.clone_from_tree_reference(&doc.tree, child, body, 0);
                }
            }
            if ours.inner_html(ours.root()) != upstream.inner_html(upstream.root())
                || ours.tree.nodes().count() != upstream.tree.nodes().count()
            {
                return (false, found);
            }
            for tag in tags {
                let ours = doc.get_elements_by_tag_name(root, tag);
                let mut upstream = Vec::new();
                doc.collect_by_tag_recursive(root, tag, false, &mut upstream, 0);
                if ours != upstream {
                    return (false, found);
                }
                found += ours.len();
                // `iter` / `iter_descendants` (a tag list, empty for all) and `elements_where`.
                let list: &[&str] = if *tag == "*" { &[] } else { std::slice::from_ref(tag) };
                for include_self in [true, false] {
                    let ours = if include_self {
                        doc.iter(root, list)
                    } else {
                        doc.iter_descendants(root, list)
                    };
                    let mut upstream = Vec::new();
                    doc.collect_iter_recursive(root, list, include_self, &mut upstream, 0);
                    if ours != upstream {
                        return (false, found);
                    }
                }
                // epiwire: the multi-tag selection of strip_tags / strip_elements, for `tag`
                // with the whole list.
                let multi = [*tag, tags.first().copied().unwrap_or("p")];
                if doc.elements_named_any(root, &multi) != doc.elements_named_any_reference(root, &multi)
                    || doc.elements_named_any(root, tags) != doc.elements_named_any_reference(root, tags)
                {
                    return (false, found);
                }
                // epiwire: `iter` with several tags (compared as atoms).
                let named: Vec<&str> = tags.iter().copied().filter(|t| *t != "*").collect();
                let mut upstream = Vec::new();
                doc.collect_iter_recursive(root, &named, true, &mut upstream, 0);
                if doc.iter(root, &named) != upstream {
                    return (false, found);
                }
                let pred = |d: &Document, id: NodeId| *tag == "*" || d.tag_name(id) == *tag;
                if doc.elements_where(root, &pred) != doc.elements_where_stack(root, &pred) {
                    return (false, found);
                }
            }
        }
        (true, found)
    }

    /// Replaces the inner content of an element by parsing `html` as a fragment
    /// and appending the resulting nodes.
    ///
    /// Used in baseline extraction to parse `articleBody` HTML into a subtree.
    pub fn set_inner_html(&mut self, id: NodeId, html: &str) {
        // Remove all existing children.
        let children: Vec<NodeId> = self.child_nodes(id);
        for child_id in children {
            self.tree
                .get_mut(child_id)
                .expect("child NodeId from same tree")
                .detach();
        }

        // Parse fragment as a full document and transfer body children.
        let fragment = Document::parse(html);
        let Some(frag_body) = fragment.body() else {
            return;
        };

        let frag_children: Vec<NodeId> = fragment
            .tree
            .get(frag_body)
            .map(|n| n.children().map(|c| c.id()).collect())
            .unwrap_or_default();

        for child_id in frag_children {
            self.clone_from_tree(&fragment.tree, child_id, id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(html: &str) -> Document {
        Document::parse(html)
    }

    #[test]
    fn test_query_selector() {
        let d = doc("<div><p class=\"target\">text</p><p>other</p></div>");
        let body = d.body().unwrap();
        let result = d.query_selector(body, "p.target");
        assert!(result.is_some());
        assert_eq!(d.tag_name(result.unwrap()), "p");
    }

    #[test]
    fn test_query_selector_all() {
        let d = doc("<div><p>one</p><p>two</p><span>three</span></div>");
        let body = d.body().unwrap();
        let results = d.query_selector_all(body, "p");
        assert_eq!(results.len(), 2);
    }

    #[test]
    fn test_get_elements_by_tag_name() {
        let d = doc("<div><p>one</p><p>two</p><span>three</span></div>");
        let body = d.body().unwrap();
        let div = d.children(body)[0];
        let ps = d.get_elements_by_tag_name(div, "p");
        assert_eq!(ps.len(), 2);
    }

    #[test]
    fn test_get_elements_by_tag_name_wildcard() {
        let d = doc("<div><p>one</p><span>two</span></div>");
        let body = d.body().unwrap();
        let div = d.children(body)[0];
        let all = d.get_elements_by_tag_name(div, "*");
        // p + span = 2
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn test_set_inner_html() {
        let mut d = doc("<div><p>old</p></div>");
        let body = d.body().unwrap();
        let div = d.children(body)[0];
        d.set_inner_html(div, "<span>new</span>");
        let children = d.children(div);
        assert_eq!(children.len(), 1);
        assert_eq!(d.tag_name(children[0]), "span");
        assert_eq!(d.text_content(children[0]), "new");
    }

    #[test]
    fn test_query_selector_nested() {
        let d = doc("<article><div><p id=\"main\">content</p></div></article>");
        let body = d.body().unwrap();
        let result = d.query_selector(body, "article p");
        assert!(result.is_some());
        assert_eq!(d.id_attr(result.unwrap()), "main");
    }
}
