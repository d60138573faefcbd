use crate::{Html, Selector};

#[test]
fn tag_with_newline() {
    let selector = Selector::parse("a").unwrap();

    let document = Html::parse_fragment(
        r#"
        <a
                            href="https://github.com/causal-agent/scraper">

                            </a>
        "#,
    );

    let mut iter = document.select(&selector);
    let a = iter.next().unwrap();
    assert_eq!(
        a.value().attr("href"),
        Some("https://github.com/causal-agent/scraper")
    );
}

#[test]
fn has_selector() {
    let document = Html::parse_fragment(
        r#"
        <div>
            <div id="foo">
                Hi There!
            </div>
        </div>
        <ul>
            <li>first</li>
            <li>second</li>
            <li>third</li>
        </ul>
        "#,
    );

    let selector = Selector::parse("div:has(div#foo) + ul > li:nth-child(2)").unwrap();

    let mut iter = document.select(&selector);
    let li = iter.next().unwrap();
    assert_eq!(li.inner_html(), "second");
}

/// epiwire: `parse_document` sizes the node arena from the input's length; the tree must be
/// the one the upstream way (an empty document of default capacity) builds.
mod sized_arena {
    use crate::{Html, HtmlTreeSink};
    use html5ever::driver;
    use html5ever::tendril::TendrilSink;
    use proptest::prelude::*;

    fn upstream(document: &str) -> Html {
        driver::parse_document(HtmlTreeSink::new(Html::new_document()), Default::default())
            .one(document)
    }

    #[test]
    fn same_tree_as_upstream() {
        for doc in [
            "",
            "x",
            "<!DOCTYPE html><html><head><title>T</title></head><body><p>a<b>b</p>c</b></body></html>",
            "<table><tr><td>1<td>2</table><template><p>t</p></template><!-- c -->",
            &"<div class=a><span>word</span> </div>".repeat(500),
            &"<p>".repeat(3000),
        ] {
            assert_eq!(Html::parse_document(doc), upstream(doc), "{doc:.60}");
        }
    }

    proptest! {
        #[test]
        fn same_tree_as_upstream_on_random_markup(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("<div>"), Just("</div>"), Just("<p>"), Just("<b>"), Just("</b>"),
                    Just("<a href=x>"), Just("</a>"), Just("text "), Just("<br/>"),
                    Just("<table><td>"), Just("<!--c-->"), Just("&amp;"), Just("<template>"),
                ],
                0..200,
            )
        ) {
            let doc = parts.concat();
            prop_assert_eq!(Html::parse_document(&doc), upstream(&doc));
        }
    }
}
