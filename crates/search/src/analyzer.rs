//! The analyzer of the searchable text fields: tantivy's `en_stem` with a memo of stems.
//!
//! Stemming is most of the cost of tokenizing, and news text repeats the same words: every word
//! is stemmed once per index (the memo is shared by every clone of the registered analyzer)
//! and then looked up. The stems themselves come from tantivy's own
//! [`Stemmer`], so the terms are those of the stock `en_stem` and an index written with either
//! reads the same.

use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name under which the analyzer is registered: the stock one's, so the schema is unchanged.
pub(crate) const TEXT_TOKENIZER: &str = "en_stem";

/// Words memoised before the memo is cleared (bounds its memory on a rebuild of a
/// large store; a cleared memo only costs stemming again).
const MEMO_WORDS: usize = 1 << 16;

/// The text analyzer registered as [`TEXT_TOKENIZER`].
pub(crate) fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(MemoStemmer)
        .build()
}

/// English stemming with a memo: the same stems as `Stemmer::new(Language::English)`.
#[derive(Clone, Copy)]
pub(crate) struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner: tokenizer,
            memo: Arc::default(),
        }
    }
}

/// The stock stemmer behind a word → stem map.
struct Memo {
    stems: FxHashMap<Box<str>, Box<str>>,
    stemmer: <Stemmer as TokenFilter>::Tokenizer<RawTokenizer>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            stems: FxHashMap::default(),
            stemmer: Stemmer::new(Language::English).transform(RawTokenizer::default()),
        }
    }
}

impl Memo {
    /// Replaces `word` by its stem.
    fn stem(&mut self, word: &mut String) {
        if let Some(stem) = self.stems.get(word.as_str()) {
            if **stem != **word {
                word.clear();
                word.push_str(stem);
            }
            return;
        }
        let stem: Box<str> = {
            let mut stream = self.stemmer.token_stream(word);
            // One token, always: the raw tokenizer yields the whole word.
            stream.advance();
            stream.token().text.as_str().into()
        };
        if self.stems.len() >= MEMO_WORDS {
            self.stems.clear();
        }
        let key: Box<str> = word.as_str().into();
        if *stem != *key {
            word.clear();
            word.push_str(&stem);
        }
        self.stems.insert(key, stem);
    }
}

/// The tokenizer [`MemoStemmer`] makes.
///
/// Clones share the memo: tantivy clones the registered analyzer for every field of every
/// segment writer and every query, and they all stem the same vocabulary.
#[derive(Clone)]
pub(crate) struct MemoStemmerFilter<T> {
    inner: T,
    memo: Arc<Mutex<Memo>>,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &self.memo,
        }
    }
}

/// The token stream of [`MemoStemmerFilter`].
pub(crate) struct MemoStemmerStream<'a, T> {
    tail: T,
    memo: &'a Mutex<Memo>,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        // Locked per word, not per text: indexing threads share the memo. A panic while
        // locked leaves only correct stems behind, so a poisoned memo is still good.
        self.memo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stem(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;
    use tantivy::tokenizer::TokenizerManager;

    use super::*;

    /// Every token of `text`, with its offsets and position.
    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push(t.clone()));
        out
    }

    /// tantivy's own `en_stem`: the reference.
    fn stock() -> TextAnalyzer {
        TokenizerManager::default().get(TEXT_TOKENIZER).unwrap()
    }

    /// One analyzer of each kind over all `texts` in turn, so the memo is warm for the later ones.
    fn assert_same(texts: &[&str]) {
        let (mut stock, mut memo) = (stock(), text_analyzer());
        for text in texts {
            assert_eq!(
                tokens(&mut memo, text),
                tokens(&mut stock, text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_stems_of_the_stock_analyzer() {
        assert_same(&[
            "Cholera outbreaks reported; cholera spreading in the provinces",
            "The outbreak's cases: 1,234 confirmed, 56 deaths (CFR 4.5%) — WHO, Genève",
            "running runs ran runner RUNNING Running generously generous generalization",
            "ΑΘΉΝΑ Zürich İstanbul straße ǅemal ﬁbre Ωμέγα",
            "a-very-long-word-that-is-longer-than-forty-characters-surely yes",
            "",
            "   ",
            "cholera cholera cholera",
            "outbreaks outbreaks, Outbreaks",
        ]);
    }

    #[test]
    fn a_cleared_memo_stems_the_same() {
        let words: Vec<String> = (0..MEMO_WORDS + 100).map(|i| format!("w{i}ing")).collect();
        let text = words.join(" ");
        assert_same(&[&text, "w1ing w70000ing relations", &text]);
    }

    #[test]
    fn clones_share_the_memo_and_stem_the_same() {
        let mut memo = text_analyzer();
        let text = "hospitals hospitalised hospitalization";
        let before = tokens(&mut memo, text);
        let mut clone = memo.clone();
        assert_eq!(tokens(&mut clone, text), before);
        assert_eq!(before, tokens(&mut stock(), text));
        let texts = [
            "outbreaks spreading across provinces, hospitals overwhelmed",
            "spreading outbreaks; provinces report hospitalizations",
        ];
        std::thread::scope(|s| {
            for i in 0..4 {
                let mut clone = memo.clone();
                s.spawn(move || {
                    for _ in 0..50 {
                        let text = texts[i % 2];
                        assert_eq!(tokens(&mut clone, text), tokens(&mut stock(), text));
                    }
                });
            }
        });
    }

    proptest! {
        #[test]
        fn any_text_has_the_stock_tokens(
            texts in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![
                        "[a-zA-Z]{1,12}(ing|ed|es|s|ly|ness|ation|ies)?",
                        "[A-Za-zÀ-ÿ0-9'’-]{1,50}",
                        "\\PC{1,8}",
                        "[ ,.;:!?\\n\\t]{1,3}",
                    ],
                    0..40,
                ).prop_map(|parts| parts.join(" ")),
                1..6,
            )
        ) {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            // Twice: the second pass is answered from the memo.
            let twice: Vec<&str> = texts.iter().chain(texts.iter()).copied().collect();
            assert_same(&twice);
        }
    }
}
