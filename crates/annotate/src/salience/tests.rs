use super::*;
use crate::disease::DiseaseMatcher;

fn doc(text: &str) -> (Vec<Disease>, Vec<Place>) {
    (
        DiseaseMatcher::global().find(text),
        Gazetteer::global().find(text),
    )
}

#[test]
fn embedded_model_parses() {
    let m = Model::parse(EMBEDDED_MODEL).unwrap();
    assert!(m.bits() >= 1);
    assert_eq!(m.weights().len(), 1usize << m.bits());
    assert!(m.threshold() > 0.0 && m.threshold() < 1.0);
}

#[test]
fn text_round_trip() {
    let mut w = vec![0.0f32; 16];
    w[3] = 1.25;
    w[9] = -0.5;
    let m = Model::from_weights(4, w, 0.375).unwrap().with_window(3);
    let back = Model::parse(&m.to_text("a\nb")).unwrap();
    assert_eq!(back, m);
    assert!(Model::from_weights(4, vec![0.0; 3], 0.5).is_none());
}

#[test]
fn bad_model_lines_are_errors() {
    for bad in [
        "threshold\t0.5\n",
        "bits\t4\n99\t1.0\n",
        "bits\tx\n",
        "bits\t4\n1 2\n",
        "bits\t40\n",
    ] {
        assert!(Model::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn scores_have_the_shape_of_the_arrays() {
    let text = "Cholera cases rose to 120 in Harare, Zimbabwe. The cholera outbreak in Harare \
                spread; cholera is, like dengue, a disease of poor sanitation.";
    let (d, p) = doc(text);
    assert!(!d.is_empty() && !p.is_empty());
    let s = Model::global().score(text, &d, &p);
    assert_eq!(s.diseases.len(), d.len());
    assert_eq!(s.places.len(), p.len());
    for (sc, di) in s.diseases.iter().zip(&d) {
        assert_eq!(sc.len(), di.mentions.len());
        assert!(sc.iter().all(|x| (0.0..=1.0).contains(x)));
    }
    for (sc, pl) in s.places.iter().zip(&p) {
        assert_eq!(sc.len(), pl.mentions.len());
    }
    assert!(!s.disease_salient(99, 0));
}

#[test]
fn features_are_deterministic_and_in_range() {
    let text = "Über 30 Fälle von Masern in München; measles in Munich, Bavaria, Germany.";
    let (d, p) = doc(text);
    let a = candidates(text, &d, &p, 12);
    let b = candidates(text, &d, &p, 12);
    assert_eq!(a, b);
    let n: usize = d.iter().map(|x| x.mentions.len()).sum::<usize>()
        + p.iter().map(|x| x.mentions.len()).sum::<usize>();
    assert_eq!(a.len(), n);
    assert!(a.iter().all(|c| c.features.iter().all(|&f| f < 1 << 12)));
    assert!(candidates("", &[], &[], 12).is_empty());
}

#[test]
fn window_offsets() {
    let s = |t: &str| BandSentence {
        text: t.into(),
        gold: vec![],
    };
    let sents = vec![s("a b"), s("Ébola c"), s("d")];
    let (t, off) = window(&sents, 1, 1);
    assert_eq!(t, "a b\nÉbola c\nd");
    assert_eq!(off, 4);
    let (t, off) = window(&sents, 0, 0);
    assert_eq!((t.as_str(), off), ("a b", 0));
    let (t, off) = window(&sents, 2, 5);
    assert_eq!(off, 12);
    assert!(t.ends_with("\nd"));
}

/// The outbreak's disease outranks a disease named for comparison, and a place the outbreak is
/// in outranks one named in passing (the behaviour the model is trained for).
#[test]
fn the_event_outranks_an_aside() {
    let text = "A cholera outbreak has killed 12 people in Harare, Zimbabwe, health officials \
                said on Monday.\nThe number of cholera cases in Harare rose to 340.\nCholera, \
                like dengue, spreads where sanitation is poor, a professor at a university \
                in South Africa said.";
    let (d, p) = doc(text);
    let s = Model::global().score(text, &d, &p);
    let disease = |name: &str| {
        d.iter()
            .position(|x| x.mentions[0].text.eq_ignore_ascii_case(name))
            .unwrap()
    };
    let place = |name: &str| p.iter().position(|x| x.name == name).unwrap();
    let (cholera, dengue) = (disease("cholera"), disease("dengue"));
    let (harare, aside) = (place("Harare"), place("South Africa"));
    println!("{s:?}");
    assert!(s.diseases[cholera][0] > s.diseases[dengue][0]);
    assert!(s.disease_salient(cholera, 0));
    assert!(s.places[harare][0] > s.places[aside][0]);
}

/// On BAND dev the salient mentions score a better exact F1 over the five labels than every
/// mention, and the rows of every mention are those of the sentence-alone evaluation.
/// `cargo test --release -p epiwire-annotate --lib salience::tests::band_dev_salient -- --nocapture`
#[test]
fn band_dev_salient() {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/band-ner/dev.jsonl"
    ));
    if !path.exists() {
        eprintln!("skipped: {} not found", path.display());
        return;
    }
    let r = eval_band_salient(path).unwrap();
    println!("{r}");
    let (every, salient) = (r.every_all().unwrap(), r.salient_all().unwrap());
    assert_eq!(every.exact.gold, 941);
    assert!(salient.exact.f1() > every.exact.f1() + 0.01);
    assert!(salient.exact.precision() > every.exact.precision());
    if r.window == 0 {
        let combined = crate::disease::eval_band_combined(path).unwrap();
        assert_eq!(combined.all().map(|a| a.exact), Some(every.exact));
    }
}

#[test]
fn utf8_cursor_maps_code_points_to_bytes() {
    let text = "Côte d'Ivoire: 12 cas de choléra à Abidjan, 0123456789 ŒŒ end";
    let b = text.as_bytes();
    let want: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut c = Utf8Cursor::default();
    for (cp, &byte) in want.iter().enumerate() {
        assert_eq!(c.advance(b, cp), byte, "code point {cp}");
    }
    assert_eq!(c.advance(b, want.len() + 5), text.len());
    let mut c = Utf8Cursor::default();
    assert_eq!(c.advance(b, 40), want[40]);
}
