use hashbrown::HashMap;

use super::TEXT_TRIGRAMS_SIZE;
use super::Trigram;
use crate::core::LowercaseText;
use crate::utils::is_stop_char;

// epiwire: only the tests use the map form now.
#[cfg(test)]
pub struct TrigramsWithPositions {
    pub(crate) _total_trigrams: u32,
    pub(crate) trigram_positions: HashMap<Trigram, u32>,
}

#[cfg(test)]
pub fn get_trigrams_with_positions(text: &LowercaseText) -> TrigramsWithPositions {
    let CountResult {
        total_trigrams,
        trigram_occurances,
    } = count(text);
    let trigram_positions = trigram_occurances_to_positions(trigram_occurances)
        .into_iter()
        .collect();
    TrigramsWithPositions {
        _total_trigrams: total_trigrams,
        trigram_positions,
    }
}

// epiwire: the text's trigram positions as a list in position order (what
// `get_trigrams_with_positions` collects into a map).
#[inline]
pub fn top_trigrams(text: &LowercaseText) -> Vec<(Trigram, u32)> {
    trigram_occurances_to_positions(count(text).trigram_occurances)
}

// epiwire: a trigram packed into a u64, 21 bits a char (every char is below 2^21), first char
// highest: the packed keys order as the trigrams do, and hash and compare as one word.
#[inline]
fn pack(t: Trigram) -> u64 {
    (u64::from(t.0) << 42) | (u64::from(t.1) << 21) | u64::from(t.2)
}

#[inline]
fn unpack(k: u64) -> Trigram {
    let c = |v: u64| char::from_u32((v & 0x1f_ffff) as u32).unwrap_or(' ');
    Trigram(c(k >> 42), c(k >> 21), c(k))
}

// epiwire: hashes a packed trigram with one folded multiply (the low and high halves of the
// 128-bit product xored, so every key bit reaches the bucket and tag bits); upstream hashed
// the three chars with the default hasher. Only the speed depends on it.
#[derive(Default, Clone, Copy)]
pub(crate) struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        let p = u128::from(self.0 ^ n) * 0x9e37_79b9_7f4a_7c15_u128;
        self.0 = (p as u64) ^ ((p >> 64) as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type PackedMap = HashMap<u64, u32, std::hash::BuildHasherDefault<PackedHasher>>;

#[inline]
#[allow(clippy::unnecessary_sort_by)]
fn trigram_occurances_to_positions(trigram_occurances: PackedMap) -> Vec<(Trigram, u32)> {
    // Sort in descending order by number of occurrences and trigrams
    let mut count_vec: Vec<_> = trigram_occurances
        .into_iter()
        .map(|(trigram, count)| (count, trigram))
        .collect();
    // epiwire: only the first TEXT_TRIGRAMS_SIZE are kept, so those are selected before they
    // are sorted (upstream sorted them all). The keys are distinct (one entry per trigram), so
    // the order is total and the first ones are the same, in the same order.
    if count_vec.len() > TEXT_TRIGRAMS_SIZE {
        count_vec.select_nth_unstable_by(TEXT_TRIGRAMS_SIZE - 1, |a, b| b.cmp(a));
        count_vec.truncate(TEXT_TRIGRAMS_SIZE);
    }
    count_vec.sort_unstable_by(|a, b| b.cmp(a));

    count_vec
        .into_iter()
        .take(TEXT_TRIGRAMS_SIZE) // we're interested only in the first 600 (2 * MAX_TRIGRAM_DISTANCE)
        .enumerate()
        .map(|(i, (_, trigram))| (unpack(trigram), i as u32))
        .collect()
}

struct CountResult {
    // epiwire: only the tests read it now.
    #[cfg_attr(not(test), allow(dead_code))]
    total_trigrams: u32,
    trigram_occurances: PackedMap,
}

#[inline]
fn count(text: &LowercaseText) -> CountResult {
    let hash_capacity = calculate_initial_hash_capacity(text);
    let mut trigram_occurances =
        PackedMap::with_capacity_and_hasher(hash_capacity, Default::default());
    let mut total_trigrams = 0;

    // iterate through the string and count trigrams
    let mut chars_iter = text
        .chars()
        .map(to_trigram_char)
        //.flat_map(char::to_lowercase)
        .chain(Some(' '));
    let mut c1 = ' ';
    // unwrap is safe, because we always chain a space character on the end of the iterator
    let mut c2 = chars_iter.next().unwrap();
    for cur_char in chars_iter {
        let c3 = cur_char;
        if !(c2 == ' ' && (c1 == ' ' || c3 == ' ')) {
            let trigram = pack(Trigram(c1, c2, c3));
            let count = trigram_occurances.entry(trigram).or_insert(0);
            *count += 1;
            total_trigrams += 1;
        }
        c1 = c2;
        c2 = c3;
    }

    CountResult {
        total_trigrams,
        trigram_occurances,
    }
}

// Convert punctuations and digits to a space.
#[inline]
fn to_trigram_char(ch: char) -> char {
    if is_stop_char(ch) { ' ' } else { ch }
}

// In order to improve performance, define the initial capacity for trigrams hash map,
// based on the size of the input text.
#[inline]
fn calculate_initial_hash_capacity(text: &str) -> usize {
    const MAX_INITIAL_HASH_CAPACITY: usize = 2048;

    let len = text.len();
    if len > MAX_INITIAL_HASH_CAPACITY {
        MAX_INITIAL_HASH_CAPACITY
    } else {
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_valuable_trigram_chars(chars: &[char]) {
        for &ch in chars.iter() {
            assert_eq!(to_trigram_char(ch), ch);
        }
    }

    fn assert_not_valuable_trigram_chars(chars: &[char]) {
        for &ch in chars.iter() {
            assert_eq!(to_trigram_char(ch), ' ');
        }
    }

    #[test]
    fn test_to_trigram_char() {
        // valuable chars, that matters
        assert_valuable_trigram_chars(&['a', 'z', 'A', 'Z', 'Ж', 'ß']);

        // punctuations, digits, etc..
        //
        // 0x00 - 0x40
        assert_not_valuable_trigram_chars(&['\t', '\n', ' ', '.', '0', '9', ',', '@']);
        // 0x5B - 0x60
        assert_not_valuable_trigram_chars(&['[', ']', '^', '\\', '`']);
        // 0x7B - 0x7E
        assert_not_valuable_trigram_chars(&['[', '|', '{', '}', '~']);
    }

    fn assert_count(text: &str, pairs: &[(&str, u32)]) {
        let lowercase_text = LowercaseText::new(text);
        let CountResult {
            total_trigrams: _,
            trigram_occurances,
        } = count(&lowercase_text);
        for &(trigram_str, expected_n) in pairs.iter() {
            let chars: Vec<char> = trigram_str.chars().collect();
            let trigram = Trigram(chars[0], chars[1], chars[2]);
            let actual_n = trigram_occurances[&pack(trigram)];
            assert_eq!(
                actual_n, expected_n,
                "trigram '{:?}' expected to occur {} times, got {}",
                trigram, expected_n, actual_n
            );
        }
        assert_eq!(trigram_occurances.len(), pairs.len());
    }

    #[test]
    fn test_count() {
        assert_count("", &[]);
        assert_count(",", &[]);
        assert_count("a", &[(" a ", 1)]);
        assert_count("-a-", &[(" a ", 1)]);
        assert_count("yes", &[(" ye", 1), ("yes", 1), ("es ", 1)]);
        assert_count(
            "Give - IT...",
            &[
                (" gi", 1),
                ("giv", 1),
                ("ive", 1),
                ("ve ", 1),
                (" it", 1),
                ("it ", 1),
            ],
        );
    }

    // epiwire: upstream's counting into a map keyed by the trigram itself, the reference for
    // the packed keys.
    fn top_trigrams_ref(text: &LowercaseText) -> Vec<(Trigram, u32)> {
        let mut map: HashMap<Trigram, u32> = HashMap::new();
        let mut chars_iter = text.chars().map(to_trigram_char).chain(Some(' '));
        let mut c1 = ' ';
        let mut c2 = chars_iter.next().unwrap();
        for c3 in chars_iter {
            if !(c2 == ' ' && (c1 == ' ' || c3 == ' ')) {
                *map.entry(Trigram(c1, c2, c3)).or_insert(0) += 1;
            }
            c1 = c2;
            c2 = c3;
        }
        let mut v: Vec<_> = map.into_iter().map(|(t, n)| (n, t)).collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.into_iter()
            .take(TEXT_TRIGRAMS_SIZE)
            .enumerate()
            .map(|(i, (_, t))| (t, i as u32))
            .collect()
    }

    #[test]
    fn packed_trigrams_order_and_count_as_upstream() {
        let ts = [
            Trigram(' ', 'a', 'b'),
            Trigram('a', ' ', ' '),
            Trigram('a', 'b', 'c'),
            Trigram('a', 'c', 'a'),
            Trigram('ж', 'a', 'a'),
            Trigram('\u{10FFFF}', '\u{10FFFF}', '\u{10FFFF}'),
            Trigram('\u{10FFFF}', '\0', '\u{10FFFF}'),
        ];
        for a in ts {
            assert_eq!(unpack(pack(a)), a);
            for b in ts {
                assert_eq!(pack(a).cmp(&pack(b)), a.cmp(&b), "{a:?} {b:?}");
            }
        }
        let long = "the quick brown fox jumps over the lazy dog; ".repeat(40)
            + &"съешь же ещё этих мягких французских булок ".repeat(30)
            + &(0..2000u32)
                .filter_map(|i| char::from_u32(0x4e00 + i * 7 % 900))
                .collect::<String>();
        for text in ["", "a", "Give - IT...", "xaaaaabbbb    d", long.as_str()] {
            let t = LowercaseText::new(text);
            assert_eq!(top_trigrams(&t), top_trigrams_ref(&t), "{text}");
        }
    }

    #[test]
    fn test_get_trigrams_with_positions() {
        let lowercase_text = LowercaseText::new("xaaaaabbbb    d");
        let TrigramsWithPositions {
            _total_trigrams,
            trigram_positions,
        } = get_trigrams_with_positions(&lowercase_text);

        assert_eq!(trigram_positions[&Trigram('a', 'a', 'a')], 0);
        assert_eq!(trigram_positions[&Trigram('b', 'b', 'b')], 1);
        assert_eq!(_total_trigrams, 11);
    }
}
