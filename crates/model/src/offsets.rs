//! Conversion between byte offsets (what Rust string slicing uses) and code-point offsets (what
//! the output contract uses).

/// Maps byte offsets of one string to code-point offsets, in O(1) per lookup after an O(n) scan.
///
/// ASCII-only text (the common case) needs no table at all.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// For non-ASCII text: the code-point index of every byte offset that starts a character,
    /// plus one entry for the end of the string. Empty for ASCII text.
    table: Vec<u32>,
    len_bytes: usize,
}

impl CharIndex {
    /// Builds the index for `text`.
    pub fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex {
                table: Vec::new(),
                len_bytes: text.len(),
            };
        }
        // One pass over the bytes: a byte that starts a character (any but a continuation byte
        // 0b10xx_xxxx) opens the next code point, and every byte maps to the code point it is in.
        let mut table = Vec::with_capacity(text.len() + 1);
        let mut starts = 0u32;
        table.extend(text.as_bytes().iter().map(|&b| {
            starts += u32::from((b as i8) >= -0x40);
            starts - 1
        }));
        table.push(starts);
        CharIndex {
            table,
            len_bytes: text.len(),
        }
    }

    /// The code-point offset of byte offset `byte`. A byte inside a multi-byte character maps to
    /// that character; a byte past the end maps to the end.
    pub fn char_offset(&self, byte: usize) -> usize {
        if self.table.is_empty() {
            return byte.min(self.len_bytes);
        }
        let byte = byte.min(self.len_bytes);
        self.table[byte] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::CharIndex;

    #[test]
    fn ascii_is_identity() {
        let idx = CharIndex::new("hello world");
        assert_eq!(idx.char_offset(6), 6);
        assert_eq!(idx.char_offset(100), 11);
    }

    #[test]
    fn multibyte_counts_code_points() {
        let text = "“COVID” in Côte d'Ivoire";
        let idx = CharIndex::new(text);
        let byte = text.find("in").unwrap();
        assert_eq!(idx.char_offset(byte), 8);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[8..10].iter().collect::<String>(), "in");
        assert_eq!(idx.char_offset(text.len()), chars.len());
    }

    #[test]
    fn every_byte_maps_to_its_character() {
        let text = "a\u{e9}\u{20ac}\u{1f600}z\u{0}\u{7f}\u{80}";
        let idx = CharIndex::new(text);
        for (n, (byte, ch)) in text.char_indices().enumerate() {
            for b in byte..byte + ch.len_utf8() {
                assert_eq!(idx.char_offset(b), n, "byte {b}");
            }
        }
        assert_eq!(idx.char_offset(text.len()), text.chars().count());
    }
}
