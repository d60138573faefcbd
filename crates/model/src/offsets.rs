//! Conversion between byte offsets (what Rust string slicing uses) and code-point offsets (what
//! the output contract uses).

/// Maps byte offsets of one string to code-point offsets, in O(1) per lookup after an O(n) scan.
///
/// ASCII-only text (the common case) needs no table at all. Other text keeps, per block of 64
/// bytes, the code points that start before the block and a bit per byte that starts a
/// character: a lookup adds the starts of its block up to the byte (a quarter of a byte per
/// byte of text, where a `u32` per byte cost more to write than to read).
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// For non-ASCII text, one per 64 bytes: the code points starting before the block, and
    /// bit `k` set when byte `k` of the block starts a character. Empty for ASCII text.
    blocks: Vec<Block>,
    len_bytes: usize,
    /// Code points of the whole string.
    len_chars: usize,
}

/// 64 bytes of the string: see [`CharIndex::blocks`].
#[derive(Debug, Clone, Copy)]
struct Block {
    before: u64,
    starts: u64,
}

/// The high bit of each byte of a word.
const HI: u64 = 0x8080_8080_8080_8080;

/// Bit `k` set when byte `k` of the little-endian word `x` starts a character (is not a
/// continuation byte `0b10xx_xxxx`).
#[inline]
fn start_bits(x: u64) -> u64 {
    // A continuation byte has bit 7 set and bit 6 clear (shifted up into bit 7).
    let cont = x & !(x << 1) & HI;
    let start = !cont & HI;
    // Gathers the eight high bits into the top byte (no two products overlap or carry).
    (start >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The start bits of up to 64 bytes (bit `k` for byte `k`).
#[inline]
fn block_bits(b: &[u8]) -> u64 {
    // Most blocks of a text with some non-ASCII characters are all ASCII: one test of the
    // OR-ed high bits instead of gathering each word's start bits.
    if b.len() == 64 {
        let mut any = 0u64;
        for c in b.chunks_exact(8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            any |= u64::from_le_bytes(w);
        }
        if any & HI == 0 {
            return u64::MAX;
        }
    }
    block_bits_gathered(b)
}

/// [`block_bits`] gathered word by word.
#[inline]
fn block_bits_gathered(b: &[u8]) -> u64 {
    let mut bits = 0u64;
    let mut chunks = b.chunks_exact(8);
    let mut k = 0u32;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        bits |= start_bits(u64::from_le_bytes(w)) << k;
        k += 8;
    }
    for &byte in chunks.remainder() {
        bits |= u64::from((byte as i8) >= -0x40) << k;
        k += 1;
    }
    bits
}

impl CharIndex {
    /// Builds the index for `text`.
    pub fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex {
                blocks: Vec::new(),
                len_bytes: text.len(),
                len_chars: text.len(),
            };
        }
        let mut blocks = Vec::with_capacity(text.len().div_ceil(64));
        let mut before = 0u64;
        for b in text.as_bytes().chunks(64) {
            let starts = block_bits(b);
            blocks.push(Block { before, starts });
            before += u64::from(starts.count_ones());
        }
        CharIndex {
            blocks,
            len_bytes: text.len(),
            len_chars: before as usize,
        }
    }

    /// The code-point offset of byte offset `byte`. A byte inside a multi-byte character maps to
    /// that character; a byte past the end maps to the end.
    #[inline]
    pub fn char_offset(&self, byte: usize) -> usize {
        if byte >= self.len_bytes {
            return self.len_chars;
        }
        let Some(b) = self.blocks.get(byte / 64) else {
            return byte;
        };
        // The starts up to and including `byte` in its block; the block's first byte may
        // continue a character of the block before (then none is counted for it, and the
        // character is the last one before the block).
        let upto = b.starts & (u64::MAX >> (63 - byte % 64));
        ((b.before + u64::from(upto.count_ones())) as usize).saturating_sub(1)
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

    /// The per-byte table this index used before the blocks: the reference.
    fn reference(text: &str) -> Vec<usize> {
        let mut table = Vec::with_capacity(text.len() + 1);
        for (n, ch) in text.chars().enumerate() {
            table.extend(std::iter::repeat_n(n, ch.len_utf8()));
        }
        table.push(text.chars().count());
        table
    }

    fn same_as_reference(text: &str) {
        let idx = CharIndex::new(text);
        let want = reference(text);
        for (byte, &cp) in want.iter().enumerate() {
            assert_eq!(idx.char_offset(byte), cp, "byte {byte} of {text:?}");
        }
        for past in [text.len() + 1, text.len() + 64, usize::MAX] {
            assert_eq!(idx.char_offset(past), text.chars().count());
        }
    }

    /// Every byte of texts of every length up to three blocks, with characters of one to four
    /// bytes at every position (so across block boundaries), against the per-byte table.
    #[test]
    fn blocks_equal_the_per_byte_table() {
        let chars = [
            'a',
            '\u{e9}',
            '\u{20ac}',
            '\u{1f600}',
            '\u{7f}',
            '\u{80}',
            '\n',
        ];
        // A fixed pseudo-random sequence (xorshift): many mixtures, the same on every run.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for len in 0..200 {
            for _ in 0..8 {
                let text: String = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        chars[(x % 7) as usize]
                    })
                    .collect();
                same_as_reference(&text);
            }
        }
        for ch in chars {
            for n in 0..140 {
                same_as_reference(&format!("{}{}", "x".repeat(n), ch.to_string().repeat(70)));
            }
        }
    }

    /// The all-ASCII shortcut of `block_bits` against the word-by-word gathering: blocks of
    /// ASCII bytes with one byte of each kind (ASCII, lead, continuation) at every position.
    #[test]
    fn ascii_block_shortcut_is_the_gathered_bits() {
        let mut b = [b'a'; 64];
        assert_eq!(super::block_bits(&b), super::block_bits_gathered(&b));
        assert_eq!(super::block_bits(&b), u64::MAX);
        for at in 0..64 {
            for byte in [0x00, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff] {
                b[at] = byte;
                assert_eq!(
                    super::block_bits(&b),
                    super::block_bits_gathered(&b),
                    "{at} {byte}"
                );
                for len in [0, 1, 8, 63] {
                    let s = &b[..len];
                    assert_eq!(super::block_bits(s), super::block_bits_gathered(s));
                }
                b[at] = b'a';
            }
        }
    }

    /// Texts of mostly ASCII with a few non-ASCII characters (whole ASCII blocks between
    /// them, the shortcut's case) against the per-byte table.
    #[test]
    fn sparse_non_ascii_texts_equal_the_per_byte_table() {
        let chars = ['\u{e9}', '\u{20ac}', '\u{1f600}', '\u{2019}'];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in [63, 64, 65, 127, 128, 129, 200, 500, 1000] {
            for _ in 0..20 {
                let text: String = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        if x.is_multiple_of(97) {
                            chars[(x / 97 % 4) as usize]
                        } else {
                            char::from(b'a' + (x % 26) as u8)
                        }
                    })
                    .collect();
                same_as_reference(&text);
            }
        }
    }
}
