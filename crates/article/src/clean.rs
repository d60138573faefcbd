//! Conservative removal of boilerplate lines left in an HTML page's main text: "read also"
//! promotions, a trailing "Related articles"/"Comments" section, and closing copyright,
//! subscription and category lines. Multilingual phrase lists; article sentences do not start
//! with these phrases, and only short lines are touched.

/// Line prefixes of inline promotions ("Read more: …"), dropped anywhere when the line is short.
const PROMO: &[&str] = &[
    "lea también",
    "lea más",
    "lea:",
    "lee también",
    "lee más",
    "le puede interesar",
    "vea también",
    "vea:",
    "mira:",
    "mira también",
    "read more",
    "read also",
    "also read",
    "see also",
    "related:",
    "more:",
    "lesen sie auch",
    "lesen sie mehr",
    "auch interessant",
    "mehr zum thema",
    "weiterlesen",
    "à lire aussi",
    "lire aussi",
    "lire la suite",
    "leia também",
    "leggi anche",
];

/// Section headings after which the rest of the text is boilerplate (only in the last 40%):
/// the whole line, without a final colon, lowercased.
const TRAILING_HEADINGS: &[&str] = &[
    "contenido relacionado",
    "noticias relacionadas",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related content",
    "more stories",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended for you",
    "schon gelesen?",
    "schon gelesen",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "ähnliche beiträge",
    "ähnliche artikel",
    "weitere artikel",
    "weitere themen",
    "mehr themen",
    "mehr zum thema",
    "empfohlene beiträge",
    "empfohlene artikel",
    "kommentierte artikel",
    "keine kommentare",
    "más noticias",
    "otras noticias",
    "temas",
    "te puede interesar",
    "también te puede interesar",
    "articles similaires",
    "à lire aussi",
    "lire aussi",
    "sur le même sujet",
    "leia também",
    "leia mais",
    "veja também",
    "most read",
    "most popular",
    "trending",
    "kommentare",
    "comments",
    "leave a comment",
    "leave a reply",
    "share this",
    "share this article",
    "teilen",
    "tags",
    "tagged",
    "schlagwörter",
    "schlagworte",
    "newsletter",
];

/// Prefixes of short section headings (≤ 60 characters) that open a trailing boilerplate
/// section: "Weitere Artikel zum Thema", "More from …", "Das könnte Sie auch interessieren:".
const TRAILING_HEADING_PREFIXES: &[&str] = &[
    "weitere artikel",
    "weitere beiträge",
    "weitere meldungen",
    "weitere nachrichten",
    "mehr aus ",
    "mehr von ",
    "mehr artikel",
    "mehr zum thema",
    "empfohlene ",
    "auch lesen:",
    "lesen sie auch",
    "das könnte ",
    "zum weiterlesen",
    "entdecke weitere",
    "vorschau auf den nächsten",
    "keine kommentare",
    "kommentar schreiben",
    "schreiben sie einen kommentar",
    "ihre meinung",
    "deine meinung",
    "diesen artikel teilen",
    "sie sind aktuell nicht eingeloggt",
    "more from ",
    "more on ",
    "more stories",
    "most read",
    "recommended for",
    "read more",
    "read next",
    "related ",
    "share this",
    "you may also",
    "you might also",
    "leave a reply",
    "leave a comment",
    "lo más ",
    "noticias relacionadas",
    "también te puede",
    "te puede interesar",
    "otras noticias",
    "leia também",
    "leia mais",
    "veja também",
    "à lire ",
    "lire aussi",
    "articles similaires",
    "sur le même sujet",
    "ähnliche beiträge",
    "ähnliche artikel",
];

/// Whether `line` is a heading that opens a trailing boilerplate section.
fn is_trailing_heading(line: &str) -> bool {
    let k = line.trim().to_lowercase();
    let k = k.trim_end_matches(':').trim();
    TRAILING_HEADINGS.contains(&k)
        || (k.chars().count() <= 60 && TRAILING_HEADING_PREFIXES.iter().any(|p| k.starts_with(p)))
}

/// Prefixes of closing lines dropped from the end.
const TRAILER_PREFIXES: &[&str] = &[
    "copyright",
    "©",
    "all rights reserved",
    "alle rechte vorbehalten",
    "todos los derechos",
    "this article is the copyrighted",
    "written permission",
    "follow us",
    "follow the",
    "folgen sie uns",
    "subscribe",
    "abonnieren",
    "suscríbete",
    "newsletter",
    "category :",
    "category:",
    "categories:",
    "kategorie:",
    "tags:",
    "schlagwörter:",
    "last modified",
    "filed under",
    "posted in",
];

/// Applies the three rules to newline-separated paragraphs.
pub(crate) fn drop_boilerplate_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            let short = l.chars().count() < 250;
            !(short && starts_with_any(l, PROMO))
        })
        .collect();
    let n = lines.len();
    if n >= 4 {
        let from = (n * 3 / 5).max(1);
        if let Some(i) = (from..n).find(|&i| lines.get(i).is_some_and(|l| is_trailing_heading(l))) {
            lines.truncate(i);
        }
    }
    while lines.len() > 1
        && lines
            .last()
            .is_some_and(|l| l.chars().count() < 300 && starts_with_any(l, TRAILER_PREFIXES))
    {
        lines.pop();
    }
    lines.join("\n")
}

fn starts_with_any(line: &str, prefixes: &[&str]) -> bool {
    let head: String = line.chars().take(40).collect::<String>().to_lowercase();
    prefixes.iter().any(|p| head.starts_with(p))
}

/// Drops a line that repeats the line just before it: the trafilatura crate sometimes gives one
/// paragraph two or three times (found by the `html` fuzz target; see
/// `tests/fuzz_regressions.rs`).
pub(crate) fn drop_repeated_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<&str> = None;
    for line in text.lines() {
        if prev == Some(line) {
            continue;
        }
        if prev.is_some() {
            out.push('\n');
        }
        out.push_str(line);
        prev = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_lines_are_dropped_once_adjacent() {
        assert_eq!(
            drop_repeated_lines("A para.\nA para.\nA para.\nB para.\nA para."),
            "A para.\nB para.\nA para."
        );
        assert_eq!(drop_repeated_lines(""), "");
    }

    #[test]
    fn drops_promos_related_sections_and_trailers() {
        let t = "First paragraph of the story.\nRead more: Another story\nSecond paragraph.\n\
                 Third paragraph.\nFourth paragraph.\nRelated articles\nLink one\nLink two";
        assert_eq!(
            drop_boilerplate_lines(t),
            "First paragraph of the story.\nSecond paragraph.\nThird paragraph.\nFourth paragraph."
        );
        let t = "Story text.\nMore text.\nCopyright 2022 Paper\nSubscribe to our newsletter";
        assert_eq!(drop_boilerplate_lines(t), "Story text.\nMore text.");
    }

    #[test]
    fn keeps_article_sentences() {
        let t = "Comments from officials were mixed.\nTags are used by the ministry.\nRecommended doses rose.";
        assert_eq!(drop_boilerplate_lines(t), t);
        // A heading early in the text is not a trailer.
        let t = "Comments\nA.\nB.\nC.\nD.\nE.";
        assert_eq!(drop_boilerplate_lines(t), t);
    }
}
