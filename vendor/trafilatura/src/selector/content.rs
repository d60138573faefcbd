// Port of go-trafilatura/internal/selector/content.go

use crate::dom::{Document, NodeId};
use crate::selector::utils::{begins, has, has_lower, starts_with, Hay};

/// Ordered list of content extraction rules.
/// Applied in sequence; the first match wins.
pub(crate) const CONTENT: &[super::Rule] = &[
    content_rule1,
    content_rule2,
    content_rule3,
    content_rule4,
    content_rule5,
];

/// Matches common article/post content containers by class/id patterns.
///
/// Port of `contentRule1`.
fn content_rule1(doc: &Document, id: NodeId) -> bool {
    let tag = doc.tag_name(id);
    match tag {
        "article" | "div" | "main" | "section" => {}
        _ => return false,
    }

    let class = Hay::new(doc.class_str(id));
    let elem_id = Hay::new(doc.id_str(id));
    let item_prop = doc.attr_str(id, "itemprop").unwrap_or_default();

    matches!(class.s, "post" | "entry")
        || has!(class, "post-text")
        || has!(class, "post_text")
        || has!(class, "post-body")
        || has!(class, "post-entry")
        || has!(class, "postentry")
        || has!(class, "post-content")
        || has!(class, "post_content")
        || has_lower!(class, "postcontent")
        || has!(class, "post_inner_wrapper")
        || has!(class, "article-text")
        || has_lower!(class, "articletext")
        || has!(elem_id, "entry-content")
        || has!(class, "entry-content")
        || has!(elem_id, "article-content")
        || has!(class, "article-content")
        || has!(elem_id, "article__content")
        || has!(class, "article__content")
        || has!(elem_id, "article-body")
        || has!(class, "article-body")
        || has!(elem_id, "article__body")
        || has!(class, "article__body")
        || item_prop == "articleBody"
        || has_lower!(elem_id, "articlebody")
        || has_lower!(class, "articlebody")
        || elem_id.s == "articleContent"
        || has!(class, "ArticleContent")
        || has!(class, "page-content")
        || has!(class, "text-content")
        || has!(elem_id, "body-text")
        || has!(class, "body-text")
        || has!(class, "article__container")
        || has!(elem_id, "art-content")
        || has!(class, "art-content")
}

/// Matches any `<article>` element.
///
/// Port of `contentRule2`.
fn content_rule2(doc: &Document, id: NodeId) -> bool {
    doc.tag_name(id) == "article"
}

/// Matches content containers by story/post/blog class patterns, plus `role="article"`.
///
/// Port of `contentRule3`.
fn content_rule3(doc: &Document, id: NodeId) -> bool {
    let tag = doc.tag_name(id);
    match tag {
        "article" | "div" | "main" | "section" => {}
        _ => return false,
    }

    let class = Hay::new(doc.class_str(id));
    let elem_id = Hay::new(doc.id_str(id));
    let role = doc.attr_str(id, "role").unwrap_or_default();

    has!(class, "post-bodycopy")
        || has!(class, "storycontent")
        || has!(class, "story-content")
        || class.s == "postarea"
        || class.s == "art-postcontent"
        || has!(class, "theme-content")
        || has!(class, "blog-content")
        || has!(class, "section-content")
        || has!(class, "single-content")
        || has!(class, "single-post")
        || has!(class, "main-column")
        || has!(class, "wpb_text_column")
        || begins!(elem_id, "primary")
        || begins!(class, "article")
        || class.s == "text"
        || elem_id.s == "article"
        || class.s == "cell"
        || elem_id.s == "story"
        || class.s == "story"
        || has!(class, "story-body")
        || has!(elem_id, "story-body")
        || has!(class, "field-body")
        || has_lower!(class, "fulltext")
        || role == "article"
}

/// Matches content containers by content-main/content-body/main-content patterns.
///
/// Port of `contentRule4`.
fn content_rule4(doc: &Document, id: NodeId) -> bool {
    let tag = doc.tag_name(id);
    match tag {
        "article" | "div" | "main" | "section" => {}
        _ => return false,
    }

    let class = Hay::new(doc.class_str(id));
    let elem_id = Hay::new(doc.id_str(id));

    has!(elem_id, "content-main")
        || has!(class, "content-main")
        || has!(class, "content_main")
        || has!(elem_id, "content-body")
        || has!(class, "content-body")
        || has!(elem_id, "contentBody")
        || has!(class, "content__body")
        || has_lower!(elem_id, "main-content")
        || has_lower!(class, "main-content")
        || has_lower!(class, "page-content")
        || elem_id.s == "content"
        || class.s == "content"
}

/// Matches containers starting with "main" in class/id/role, plus `<main>` itself.
///
/// Port of `contentRule5`.
fn content_rule5(doc: &Document, id: NodeId) -> bool {
    let tag = doc.tag_name(id);
    match tag {
        "article" | "div" | "section" => {}
        "main" => return true,
        _ => return false,
    }

    let class = doc.class_str(id);
    let elem_id = doc.id_str(id);
    let role = doc.attr_str(id, "role").unwrap_or_default();

    starts_with(class, "main") || starts_with(elem_id, "main") || starts_with(role, "main")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom::Document;
    use crate::selector::{query, query_all};

    fn parse(html: &str) -> Document {
        Document::parse(html)
    }

    #[test]
    fn test_content_rule1_post_class() {
        let doc = parse(r#"<html><body><div class="post"><p>text</p></div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_some());
    }

    #[test]
    fn test_content_rule1_article_body() {
        let doc = parse(r#"<html><body><div class="article-body">text</div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_some());
    }

    #[test]
    fn test_content_rule2_article_tag() {
        let doc = parse(r#"<html><body><article>text</article></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_some());
    }

    #[test]
    fn test_content_rule3_story_content() {
        let doc = parse(r#"<html><body><div class="story-content">text</div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_some());
    }

    #[test]
    fn test_content_rule4_content_main() {
        let doc = parse(r#"<html><body><div id="content-main">text</div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_some());
    }

    #[test]
    fn test_content_rule5_main_tag() {
        let doc = parse(r#"<html><body><main>text</main></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_some());
    }

    #[test]
    fn test_content_rule5_main_class() {
        let doc = parse(r#"<html><body><div class="main-container">text</div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_some());
    }

    #[test]
    fn test_content_no_match() {
        let doc = parse(r#"<html><body><div class="footer">text</div></body></html>"#);
        let body = doc.body().unwrap();
        assert!(query(&doc, body, CONTENT).is_none());
    }

    #[test]
    fn test_query_all_returns_multiple() {
        let doc =
            parse(r#"<html><body><article>one</article><article>two</article></body></html>"#);
        let body = doc.body().unwrap();
        assert_eq!(query_all(&doc, body, CONTENT).len(), 2);
    }
}
