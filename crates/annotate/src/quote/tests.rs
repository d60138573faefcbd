//! Unit tests of the quote rules.

use epiwire_model::{Document, Quote};

fn quotes(text: &str) -> Vec<Quote> {
    let mut d = Document {
        id: "t".into(),
        text: text.into(),
        ..Document::default()
    };
    crate::annotate(&mut d);
    d.quotes
}

fn who(q: &Quote) -> (Option<&str>, Option<&str>, Option<&str>, bool) {
    let s = q.speaker.as_ref().unwrap();
    (
        s.name.as_deref(),
        s.role.as_deref(),
        s.organisation.as_deref(),
        s.anonymous,
    )
}

#[test]
fn direct_quote_attribution_after() {
    let q = quotes(
        "\"Politics plays a huge role in such decisions,\" said Michael Hutchins, executive director of The Wildlife Society.",
    );
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].kind, "direct");
    assert_eq!(
        q[0].content.text,
        "Politics plays a huge role in such decisions,"
    );
    assert_eq!(
        who(&q[0]),
        (
            Some("Michael Hutchins"),
            Some("executive director"),
            Some("The Wildlife Society"),
            false
        )
    );
}

#[test]
fn direct_quote_attribution_before_with_role_and_org() {
    let q = quotes(
        "On Friday, Chinese Foreign Ministry spokesman Zhao Lijian said in a regular press briefing that China “will strengthen anti-pandemic cooperation with the DPRK.”",
    );
    assert_eq!(q.len(), 1);
    let (name, role, org, anon) = who(&q[0]);
    assert_eq!(name, Some("Zhao Lijian"));
    assert_eq!(role, Some("spokesman"));
    assert_eq!(org, Some("Chinese Foreign Ministry"));
    assert!(!anon);
    assert_eq!(
        q[0].speaker.as_ref().unwrap().country.as_deref(),
        Some("CN")
    );
}

#[test]
fn anonymous_source() {
    let q = quotes(
        "“I understand that the two sides are discussing aid,” a source told the Hankyoreh on Monday.",
    );
    assert_eq!(q.len(), 1);
    assert!(who(&q[0]).3);
    assert_eq!(who(&q[0]).0, None);
}

#[test]
fn reported_speech_forms() {
    let q =
        quotes("Kremlin spokesman Dmitry Peskov said Russia would quickly respond to requests.");
    assert_eq!(q[0].kind, "reported");
    assert_eq!(
        q[0].content.text,
        "Russia would quickly respond to requests"
    );
    assert_eq!(who(&q[0]).0, Some("Dmitry Peskov"));
    let q = quotes("Carrasquillo was charged with murder, police said.");
    assert_eq!(q[0].content.text, "Carrasquillo was charged with murder");
    assert_eq!(who(&q[0]).2, Some("police"));
}

#[test]
fn pronoun_takes_previous_speaker() {
    let q = quotes(
        "\"WHO has repeatedly said there is always a risk,\" explained Mike Ryan.\n\"Of course it is worrying if the state does not act,\" he said.",
    );
    assert_eq!(q.len(), 2);
    assert_eq!(who(&q[1]).0, Some("Mike Ryan"));
}

#[test]
fn scare_quotes_are_not_quotes() {
    assert!(
        quotes("North Korea claims it is a “COVID-free country” thanks to border controls.")
            .is_empty()
    );
}

#[test]
fn said_said_said_is_linear() {
    let mut d = Document {
        text: "said \"said\" said, ".repeat(600_000),
        ..Document::default()
    };
    let started = std::time::Instant::now();
    crate::response::annotate(&mut d);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}
