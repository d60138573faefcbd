use std::sync::OnceLock;

use hashbrown::HashMap;

use super::LangProfileList;
use super::utils::top_trigrams;
use super::{ARABIC_LANGS, CYRILLIC_LANGS, DEVANAGARI_LANGS, HEBREW_LANGS, LATIN_LANGS};
use super::{MAX_TOTAL_DISTANCE, MAX_TRIGRAM_DISTANCE, Trigram};
use crate::Lang;
use crate::core::{FilterList, Info, InternalQuery, Text, calculate_confidence};
use crate::scripts::grouping::MultiLangScript;

#[derive(Debug)]
pub struct RawOutcome {
    pub trigrams_count: usize,
    #[allow(dead_code)]
    pub raw_distances: Vec<(Lang, u32)>,
    pub scores: Vec<(Lang, f64)>,
}

#[inline]
pub fn detect(iquery: &InternalQuery) -> Option<Info> {
    let raw_outcome = raw_detect(iquery);
    let RawOutcome {
        trigrams_count,
        scores,
        ..
    } = raw_outcome;

    let mut raw_scores_iter = scores.into_iter();

    let opt_lang_score1 = raw_scores_iter.next();
    let opt_lang_score2 = raw_scores_iter.next();

    // TODO: Logic is duplicated in alphabets. Consider refactoring
    opt_lang_score1.map(|(lang1, score1)| {
        let script = iquery.multi_lang_script.to_script();
        let confidence = if let Some((_, score2)) = opt_lang_score2 {
            calculate_confidence(score1, score2, trigrams_count)
        } else {
            1.0
        };
        Info::new(script, lang1, confidence)
    })
}

#[inline]
pub fn raw_detect(iquery: &InternalQuery) -> RawOutcome {
    let lang_profile_list = script_to_lang_profile_list(iquery.multi_lang_script);
    // epiwire: the profiles' inverted index, built once per script.
    let index = profile_index(iquery.multi_lang_script, lang_profile_list);
    calculate_scores_in_profiles(&iquery.text, iquery.filter_list, lang_profile_list, index)
}

// epiwire: an inverted index of a script's language profiles. Upstream looked every profile
// trigram of every language up in the text's trigram map (300 lookups per language); the
// index gives, for each text trigram, the languages whose profile holds it and its rank
// there, so a text costs one lookup per text trigram (at most TEXT_TRIGRAMS_SIZE). The sums
// are the same integers (see `calculate_distances`).
struct ProfileIndex {
    /// Trigram -> its postings, `postings[start..end]`.
    ranges: HashMap<Trigram, (u32, u32)>,
    /// (index of the language in the profile list, rank of the trigram in its profile).
    postings: Vec<(u16, u16)>,
}

fn profile_index(script: MultiLangScript, list: LangProfileList) -> &'static ProfileIndex {
    use MultiLangScript as MLS;
    static INDEXES: [OnceLock<ProfileIndex>; 5] = [const { OnceLock::new() }; 5];
    let slot = match script {
        MLS::Latin => 0,
        MLS::Cyrillic => 1,
        MLS::Arabic => 2,
        MLS::Devanagari => 3,
        MLS::Hebrew => 4,
    };
    INDEXES[slot].get_or_init(|| build_profile_index(list))
}

fn build_profile_index(list: LangProfileList) -> ProfileIndex {
    let mut by_trigram: HashMap<Trigram, Vec<(u16, u16)>> = HashMap::new();
    for (lang_pos, &(_, profile)) in list.iter().enumerate() {
        for (rank, &trigram) in profile.iter().enumerate() {
            // Profiles hold at most 300 trigrams and lists a few dozen languages.
            by_trigram
                .entry(trigram)
                .or_default()
                .push((lang_pos as u16, rank as u16));
        }
    }
    let mut ranges = HashMap::with_capacity(by_trigram.len());
    let mut postings = Vec::new();
    for (trigram, list) in by_trigram {
        let start = postings.len() as u32;
        postings.extend_from_slice(&list);
        ranges.insert(trigram, (start, postings.len() as u32));
    }
    ProfileIndex { ranges, postings }
}

fn script_to_lang_profile_list(script: MultiLangScript) -> LangProfileList {
    use MultiLangScript as MLS;
    match script {
        MLS::Latin => LATIN_LANGS,
        MLS::Cyrillic => CYRILLIC_LANGS,
        MLS::Arabic => ARABIC_LANGS,
        MLS::Devanagari => DEVANAGARI_LANGS,
        MLS::Hebrew => HEBREW_LANGS,
    }
}

#[inline]
fn calculate_scores_in_profiles(
    text: &Text,
    filter_list: &FilterList,
    lang_profile_list: LangProfileList,
    index: &ProfileIndex,
) -> RawOutcome {
    let mut lang_distances: Vec<(Lang, u32)> = vec![];

    // epiwire: the text's top trigrams with their positions as a list (upstream: a map).
    let text_trigrams = top_trigrams(&text.lowercase());
    let unique_trigrams_count = text_trigrams.len();
    let distances = calculate_distances(lang_profile_list, index, &text_trigrams);

    for (&(lang, _), dist) in lang_profile_list.iter().zip(distances) {
        if !filter_list.is_allowed(lang) {
            continue;
        }
        lang_distances.push(((lang), dist));
    }

    // Sort languages by distance
    lang_distances.sort_unstable_by_key(|(_, dist)| *dist);

    let max_dist = unique_trigrams_count as u32 * MAX_TRIGRAM_DISTANCE;

    let raw_scores = lang_distances
        .iter()
        .map(|&(lang, distance)| (lang, distance_to_raw_score(distance, max_dist)))
        .collect();

    RawOutcome {
        trigrams_count: unique_trigrams_count,
        scores: raw_scores,
        raw_distances: lang_distances,
    }
}

// epiwire: upstream's `calculate_distance` for every language of the list at once. Upstream
// summed, over the profile's trigrams, |position in the text - rank| when the text holds the
// trigram, else MAX_TRIGRAM_DISTANCE. Here each sum starts as if no trigram were held and each
// text trigram corrects the entries of the profiles that hold it (a text trigram appears once
// in `text_trigrams`, so each profile entry is corrected at most once): the same integer.
fn calculate_distances(
    lang_profile_list: LangProfileList,
    index: &ProfileIndex,
    text_trigrams: &[(Trigram, u32)],
) -> Vec<u32> {
    let mut totals: Vec<u32> = lang_profile_list
        .iter()
        .map(|&(_, profile)| profile.len() as u32 * MAX_TRIGRAM_DISTANCE)
        .collect();
    for &(trigram, n) in text_trigrams {
        if let Some(&(start, end)) = index.ranges.get(&trigram) {
            for &(lang_pos, rank) in &index.postings[start as usize..end as usize] {
                let total = &mut totals[lang_pos as usize];
                *total = *total + (n as i32 - rank as i32).unsigned_abs() - MAX_TRIGRAM_DISTANCE;
            }
        }
    }

    let count = text_trigrams.len() as u32;
    for total_dist in &mut totals {
        if MAX_TRIGRAM_DISTANCE > count {
            let delta = MAX_TRIGRAM_DISTANCE - count;
            *total_dist -= delta * MAX_TRIGRAM_DISTANCE;
        }
        *total_dist = (*total_dist).clamp(0, MAX_TOTAL_DISTANCE);
    }
    totals
}

#[inline]
fn distance_to_raw_score(distance: u32, max_distance: u32) -> f64 {
    let similarity = max_distance - distance;
    similarity as f64 / max_distance as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_when_german_is_given() {
        let text = "Die Ordnung muss für immer in diesem Codebase bleiben";
        let iq = InternalQuery {
            text: Text::new(text),
            filter_list: &FilterList::default(),
            multi_lang_script: MultiLangScript::Latin,
        };
        let raw_outcome = raw_detect(&iq);

        assert_eq!(raw_outcome.trigrams_count, 50);

        let &(first_lang, first_score) = raw_outcome.scores.first().unwrap();
        let &(_last_lang, last_score) = raw_outcome.scores.last().unwrap();

        assert_eq!(first_lang, Lang::Deu);

        assert!(first_score >= 0.0);
        assert!(first_score <= 1.0);

        assert!(last_score >= 0.0);
        assert!(last_score <= 1.0);
    }
}
