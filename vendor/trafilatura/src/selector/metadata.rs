// Port of go-trafilatura/internal/selector/meta-author.go,
// meta-author-discard.go, meta-title.go, meta-categories.go, meta-tags.go

use crate::dom::{Document, NodeId};
use html5ever::ns;
use crate::selector::utils::{
    begins, contains, get_node_ancestors, has, has_lower, starts_with, Hay,
};

/// Rules to find author metadata elements.
///
/// Port of `MetaAuthor`.
pub(crate) const META_AUTHOR: &[super::Rule] =
    &[meta_author_rule1, meta_author_rule2, meta_author_rule3];

/// Rules to discard false-positive author matches.
///
/// Port of `MetaAuthorDiscard`.
pub(crate) const META_AUTHOR_DISCARD: &[super::Rule] =
    &[meta_author_discard_rule1, meta_author_discard_rule2];

/// Rules to find title metadata elements.
///
/// Port of `MetaTitle`.
pub(crate) const META_TITLE: &[super::Rule] =
    &[meta_title_rule1, meta_title_rule2, meta_title_rule3];

/// Rules to find category metadata links.
///
/// Port of `MetaCategories`.
pub(crate) const META_CATEGORIES: &[super::Rule] = &[
    meta_categories_rule1,
    meta_categories_rule2,
    meta_categories_rule3,
    meta_categories_rule4,
    meta_categories_rule5,
    meta_categories_rule6,
];

/// Rules to find tag metadata links.
///
/// Port of `MetaTags`.
pub(crate) const META_TAGS: &[super::Rule] = &[
    meta_tags_rule1,
    meta_tags_rule2,
    meta_tags_rule3,
    meta_tags_rule4,
];

// ---------------------------------------------------------------------------
// MetaAuthor rules
// ---------------------------------------------------------------------------

/// epiwire: the tag and the attributes the author and author-discard rules read, looked up
/// once per element (each rule used to look up its own; absent attributes read as empty, as
/// `unwrap_or_default` made them). The rules below are defined on it, so the search of
/// `metadata::dom_author_text` and the rule functions share one definition.
pub(crate) struct AuthorAttrs<'a> {
    pub(crate) tag: &'a str,
    class: Hay<'a>,
    elem_id: Hay<'a>,
    rel: &'a str,
    item_prop: Hay<'a>,
    data_test_id: &'a str,
    data_component: Hay<'a>,
}

impl<'a> AuthorAttrs<'a> {
    /// The tag and the rules' attributes of `id`.
    pub(crate) fn of(doc: &'a Document, id: NodeId) -> Self {
        Self {
            tag: doc.tag_name(id),
            class: Hay::new(doc.class_str(id)),
            elem_id: Hay::new(doc.id_str(id)),
            rel: doc.attr_str(id, "rel").unwrap_or_default(),
            item_prop: Hay::new(doc.attr_str(id, "itemprop").unwrap_or_default()),
            data_test_id: doc.attr_str(id, "data-testid").unwrap_or_default(),
            data_component: Hay::new(doc.attr_str(id, "data-component").unwrap_or_default()),
        }
    }

    /// epiwire: [`Self::of`] from one pass over the element's attributes instead of six binary
    /// searches, and whether any of the six is present. An element's attribute names are
    /// unique (the tokenizer drops a repeated name, scraper's sink adds only missing ones), so
    /// the attribute of that local name without prefix or namespace is the one `attr_str`'s
    /// binary search finds; debug builds check each value against [`Self::of`].
    pub(crate) fn scan(doc: &'a Document, id: NodeId) -> (Self, bool) {
        let mut v: [&'a str; 6] = [""; 6];
        let mut any = false;
        let mut tag = "";
        if let Some(scraper::Node::Element(e)) = doc.tree.get(id).map(|n| n.value()) {
            tag = e.name.local.as_ref();
            for (q, value) in &e.attrs {
                if q.prefix.is_some() || q.ns != ns!() {
                    continue;
                }
                let slot = match q.local.as_ref() {
                    "class" => 0,
                    "id" => 1,
                    "rel" => 2,
                    "itemprop" => 3,
                    "data-testid" => 4,
                    "data-component" => 5,
                    _ => continue,
                };
                v[slot] = value;
                any = true;
            }
        }
        let [class, elem_id, rel, item_prop, data_test_id, data_component] = v;
        let a = Self {
            tag,
            class: Hay::new(class),
            elem_id: Hay::new(elem_id),
            rel,
            item_prop: Hay::new(item_prop),
            data_test_id,
            data_component: Hay::new(data_component),
        };
        #[cfg(debug_assertions)]
        {
            let o = Self::of(doc, id);
            debug_assert_eq!(
                (o.tag, o.class.s, o.elem_id.s, o.rel, o.item_prop.s),
                (a.tag, a.class.s, a.elem_id.s, a.rel, a.item_prop.s)
            );
            debug_assert_eq!(
                (o.data_test_id, o.data_component.s),
                (a.data_test_id, a.data_component.s)
            );
        }
        (a, any)
    }
}

/// Matches specific author elements by rel, id, class, itemprop, or data-testid.
///
/// Port of `metaAuthorRule1`.
fn meta_author_rule1(doc: &Document, id: NodeId) -> bool {
    author_rule1(&AuthorAttrs::of(doc, id))
}

/// [`meta_author_rule1`] on looked-up attributes.
pub(crate) fn author_rule1(a: &AuthorAttrs<'_>) -> bool {
    match a.tag {
        "a" | "address" | "div" | "link" | "p" | "span" | "strong" => {}
        "author" => return true,
        _ => return false,
    }

    let (class, elem_id, rel, item_prop, data_test_id) =
        (a.class, a.elem_id, a.rel, a.item_prop, a.data_test_id);

    rel == "author"
        || elem_id.s == "author"
        || class.s == "author"
        || item_prop.s == "author name"
        || rel == "me"
        || has!(class, "author-name")
        || has!(class, "AuthorName")
        || has!(class, "authorName")
        || has!(class, "author name")
        || data_test_id == "AuthorCard"
        || data_test_id == "AuthorURL"
}

/// Matches generic author containers by class/id/itemprop patterns.
///
/// Port of `metaAuthorRule2`.
fn meta_author_rule2(doc: &Document, id: NodeId) -> bool {
    author_rule2(&AuthorAttrs::of(doc, id))
}

/// [`meta_author_rule2`] on looked-up attributes.
pub(crate) fn author_rule2(a: &AuthorAttrs<'_>) -> bool {
    match a.tag {
        "a" | "div" | "h3" | "h4" | "p" | "span" => {}
        _ => return false,
    }

    let (class, elem_id, item_prop) = (a.class, a.elem_id, a.item_prop);

    has!(class, "author")
        || has!(elem_id, "author")
        || has!(item_prop, "author")
        || class.s == "byline"
        || has!(class, "channel-name")
        || has!(elem_id, "zuozhe")
        || has!(class, "zuozhe")
        || has!(elem_id, "bianji")
        || has!(class, "bianji")
        || has!(elem_id, "xiaobian")
        || has!(class, "xiaobian")
        || has!(class, "submitted-by")
        || has!(class, "posted-by")
        || class.s == "username"
        || class.s == "byl"
        || class.s == "BBL"
        || has!(class, "journalist-name")
}

/// Matches any element with author-related attributes (last-resort).
///
/// Port of `metaAuthorRule3`.
fn meta_author_rule3(doc: &Document, id: NodeId) -> bool {
    author_rule3(&AuthorAttrs::of(doc, id))
}

/// [`meta_author_rule3`] on looked-up attributes.
pub(crate) fn author_rule3(a: &AuthorAttrs<'_>) -> bool {
    let (class, elem_id, data_component, item_prop) =
        (a.class, a.elem_id, a.data_component, a.item_prop);

    has_lower!(elem_id, "author")
        || has_lower!(class, "author")
        || has!(class, "screenname")
        || has_lower!(data_component, "byline")
        || has!(item_prop, "author")
        || has!(class, "writer")
        || has_lower!(class, "byline")
}

// ---------------------------------------------------------------------------
// MetaAuthorDiscard rules
// ---------------------------------------------------------------------------

/// Discards comment sections, sidebars, dates, and figures that may contain author-like text.
///
/// Port of `metaAuthorDiscardRule1`.
fn meta_author_discard_rule1(doc: &Document, id: NodeId) -> bool {
    author_discard_rule1(&AuthorAttrs::of(doc, id))
}

/// [`meta_author_discard_rule1`] on looked-up attributes.
pub(crate) fn author_discard_rule1(a: &AuthorAttrs<'_>) -> bool {
    match a.tag {
        "a" | "div" | "section" | "span" => {}
        _ => return false,
    }

    let (class, elem_id, data_component) = (a.class, a.elem_id, a.data_component);

    elem_id.s == "comments"
        || class.s == "comments"
        || class.s == "title"
        || class.s == "date"
        || has!(elem_id, "commentlist")
        || has!(class, "commentlist")
        || has!(class, "sidebar")
        || has!(class, "is-hidden")
        || has!(class, "quote")
        || has!(elem_id, "comment-list")
        || has!(class, "comment-list")
        || has!(class, "embedly-instagram")
        || has!(elem_id, "ProductReviews")
        || begins!(elem_id, "comments")
        || has!(data_component, "Figure")
        || has!(class, "article-share")
        || has!(class, "article-support")
        || has!(class, "print")
        || has!(class, "category")
        || has!(class, "meta-date")
        || has!(class, "meta-reviewer")
        || begins!(class, "comments")
        || begins!(class, "Comments")
}

/// Discards `<time>` and `<figure>` elements.
///
/// Port of `metaAuthorDiscardRule2`.
fn meta_author_discard_rule2(doc: &Document, id: NodeId) -> bool {
    author_discard_rule2(&AuthorAttrs::of(doc, id))
}

/// [`meta_author_discard_rule2`] on looked-up attributes.
pub(crate) fn author_discard_rule2(a: &AuthorAttrs<'_>) -> bool {
    a.tag == "time" || a.tag == "figure"
}

// ---------------------------------------------------------------------------
// MetaTitle rules
// ---------------------------------------------------------------------------

/// Matches h1/h2 with headline-related class/itemprop.
///
/// Port of `metaTitleRule1`.
fn meta_title_rule1(doc: &Document, id: NodeId) -> bool {
    let tag = doc.tag_name(id);
    match tag {
        "h1" | "h2" => {}
        _ => return false,
    }

    let class = doc.class_str(id);
    let elem_id = doc.id_str(id);
    let item_prop = doc.attr_str(id, "itemprop").unwrap_or_default();

    contains(class, "post-title")
        || contains(class, "entry-title")
        || contains(class, "headline")
        || contains(elem_id, "headline")
        || contains(item_prop, "headline")
        || contains(class, "post__title")
        || contains(class, "article-title")
}

/// Matches any element with class "entry-title" or "post-title".
///
/// Port of `metaTitleRule2`.
fn meta_title_rule2(doc: &Document, id: NodeId) -> bool {
    let class = doc.class_str(id);
    class == "entry-title" || class == "post-title"
}

/// Matches h1/h2/h3 with "title" in class or id.
///
/// Port of `metaTitleRule3`.
fn meta_title_rule3(doc: &Document, id: NodeId) -> bool {
    let tag = doc.tag_name(id);
    match tag {
        "h1" | "h2" | "h3" => {}
        _ => return false,
    }

    let class = doc.class_str(id);
    let elem_id = doc.id_str(id);

    contains(class, "title") || contains(elem_id, "title")
}

// ---------------------------------------------------------------------------
// MetaCategories rules
// ---------------------------------------------------------------------------

/// Matches `<a href>` inside div ancestors with post-meta/entry-meta class prefixes.
///
/// Port of `metaCategoriesRule1`.
fn meta_categories_rule1(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "div") {
        let elem_id = doc.id_attr(ancestor);
        let class = doc.class_name(ancestor);

        if starts_with(&class, "post-info")
            || starts_with(&class, "postinfo")
            || starts_with(&class, "post-meta")
            || starts_with(&class, "postmeta")
            || starts_with(&class, "meta")
            || starts_with(&class, "entry-meta")
            || starts_with(&class, "entry-info")
            || starts_with(&class, "entry-utility")
            || starts_with(&elem_id, "postpath")
        {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside p ancestors with postmeta/entry-categories class prefix.
///
/// Port of `metaCategoriesRule2`.
fn meta_categories_rule2(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "p") {
        let elem_id = doc.id_attr(ancestor);
        let class = doc.class_name(ancestor);

        if starts_with(&class, "postmeta")
            || starts_with(&class, "entry-categories")
            || class == "postinfo"
            || elem_id == "filedunder"
        {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside footer ancestors with entry-meta/entry-footer class prefix.
///
/// Port of `metaCategoriesRule3`.
fn meta_categories_rule3(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "footer") {
        let class = doc.class_name(ancestor);

        if starts_with(&class, "entry-meta") || starts_with(&class, "entry-footer") {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside li/span ancestors with post-category/cat-links class.
///
/// Port of `metaCategoriesRule4`.
fn meta_categories_rule4(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    let mut ancestors = get_node_ancestors(doc, id, "li");
    ancestors.extend(get_node_ancestors(doc, id, "span"));

    for ancestor in ancestors {
        let class = doc.class_name(ancestor);
        if class == "post-category"
            || class == "postcategory"
            || class == "entry-category"
            || contains(&class, "cat-links")
        {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside header ancestors with class "entry-header".
///
/// Port of `metaCategoriesRule5`.
fn meta_categories_rule5(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "header") {
        if doc.class_name(ancestor) == "entry-header" {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside div ancestors with class "row" or "tags".
///
/// Port of `metaCategoriesRule6`.
fn meta_categories_rule6(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "div") {
        let class = doc.class_name(ancestor);
        if class == "row" || class == "tags" {
            return true;
        }
    }

    false
}

// ---------------------------------------------------------------------------
// MetaTags rules
// ---------------------------------------------------------------------------

/// Matches `<a href>` inside div with class "tags".
///
/// Port of `metaTagsRule1`.
fn meta_tags_rule1(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "div") {
        if doc.class_name(ancestor) == "tags" {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside p ancestors with "entry-tags" class prefix.
///
/// Port of `metaTagsRule2`.
fn meta_tags_rule2(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "p") {
        if starts_with(&doc.class_name(ancestor), "entry-tags") {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside div ancestors with tag/meta-related classes.
///
/// Port of `metaTagsRule3`.
fn meta_tags_rule3(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    for ancestor in get_node_ancestors(doc, id, "div") {
        let class = doc.class_name(ancestor);
        if class == "row"
            || class == "jp-relatedposts"
            || class == "entry-utility"
            || starts_with(&class, "tag")
            || starts_with(&class, "postmeta")
            || starts_with(&class, "meta")
        {
            return true;
        }
    }

    false
}

/// Matches `<a href>` inside any ancestor with entry-meta, topics, or tags-links class.
///
/// Port of `metaTagsRule4`.
fn meta_tags_rule4(doc: &Document, id: NodeId) -> bool {
    if doc.tag_name(id) != "a" || doc.get_attribute(id, "href").is_none() {
        return false;
    }

    let mut cur = id;
    while let Some(parent) = doc.parent(cur) {
        let class = doc.class_name(parent);
        if class == "entry-meta" || contains(&class, "topics") || contains(&class, "tags-links") {
            return true;
        }
        cur = parent;
    }

    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom::Document;
    use crate::selector::query;

    fn parse(html: &str) -> Document {
        Document::parse(html)
    }

    #[test]
    fn test_meta_author_rule1_rel_author() {
        let doc = parse(r#"<html><body><a rel="author">Author</a></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_AUTHOR).is_some());
    }

    #[test]
    fn test_meta_author_rule1_id_author() {
        let doc = parse(r#"<html><body><div id="author">Author Name</div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_AUTHOR).is_some());
    }

    #[test]
    fn test_meta_author_rule2_class_author() {
        let doc = parse(r#"<html><body><span class="article-author">Jane</span></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_AUTHOR).is_some());
    }

    #[test]
    fn test_meta_author_discard_time() {
        let doc = parse(r#"<html><body><time>2024-01-01</time></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_AUTHOR_DISCARD).is_some());
    }

    #[test]
    fn test_meta_title_rule1_entry_title_h1() {
        let doc = parse(r#"<html><body><h1 class="entry-title">Title</h1></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_TITLE).is_some());
    }

    #[test]
    fn test_meta_title_rule2_exact_class() {
        let doc = parse(r#"<html><body><div class="post-title">My Post</div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_TITLE).is_some());
    }

    #[test]
    fn test_meta_title_rule3_h2_title() {
        let doc = parse(r#"<html><body><h2 id="article-title">Headline</h2></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_TITLE).is_some());
    }

    #[test]
    fn test_meta_categories_rule1_post_meta_ancestor() {
        let doc = parse(
            r#"<html><body><div class="post-meta"><a href="/cat/news">News</a></div></body></html>"#,
        );
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_CATEGORIES).is_some());
    }

    #[test]
    fn test_meta_categories_rule4_cat_links() {
        let doc = parse(
            r#"<html><body><li class="cat-links"><a href="/category/tech">Tech</a></li></body></html>"#,
        );
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_CATEGORIES).is_some());
    }

    #[test]
    fn test_meta_tags_rule1_tags_div() {
        let doc = parse(
            r#"<html><body><div class="tags"><a href="/tag/rust">Rust</a></div></body></html>"#,
        );
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_TAGS).is_some());
    }

    #[test]
    fn test_meta_tags_rule4_entry_meta() {
        let doc = parse(
            r#"<html><body><div class="entry-meta"><a href="/tag/web">Web</a></div></body></html>"#,
        );
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_TAGS).is_some());
    }

    #[test]
    fn test_meta_author_no_match() {
        let doc = parse(r#"<html><body><p class="article-body">text</p></body></html>"#);
        let body = doc.body().unwrap();
        // Rule 3 is a last resort that catches "author" in class — not present here.
        assert!(query(&doc, body, META_AUTHOR).is_none());
    }

    #[test]
    fn test_meta_categories_rule1_no_href_rejected() {
        // <a> without href must not match even inside correct ancestor.
        let doc = parse(r#"<html><body><div class="post-meta"><a>No href</a></div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_CATEGORIES).is_none());
    }

    #[test]
    fn test_meta_categories_rule1_wrong_ancestor_class() {
        // Correct tag ancestor but wrong class should not match.
        let doc =
            parse(r#"<html><body><div class="sidebar"><a href="/cat">Cat</a></div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_CATEGORIES).is_none());
    }

    #[test]
    fn test_meta_tags_rule1_no_href_rejected() {
        // <a> without href must not match.
        let doc = parse(r#"<html><body><div class="tags"><a>No href</a></div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, META_TAGS).is_none());
    }

    #[test]
    fn test_meta_tags_rule1_wrong_ancestor_class() {
        // tags-like ancestor but wrong class should not trigger rule1.
        let doc = parse(
            r#"<html><body><div class="sidebar"><a href="/tag/rust">Rust</a></div></body></html>"#,
        );
        let body = doc.body().unwrap();
        // rule3 would match "meta" but "sidebar" doesn't match tag/postmeta/meta either,
        // and there is no entry-meta/topics/tags-links ancestor for rule4.
        assert!(query(&doc, body, META_TAGS).is_none());
    }
}
