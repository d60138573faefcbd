//! Byte-run scanning shared by the tokenisers: the end of a run of ASCII letters (or letters and
//! digits) found eight bytes at a time.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Per byte of `x`, the high bit set when the byte is an ASCII letter.
#[inline]
fn letters(x: u64) -> u64 {
    // Lower-cased, high bit cleared: adding never carries into the next byte.
    let low = (x | (0x20 * LO)) & !HI;
    let ge_a = low + (0x80 - u64::from(b'a')) * LO;
    let gt_z = low + (0x80 - u64::from(b'z') - 1) * LO;
    ge_a & !gt_z & !x & HI
}

/// Per byte of `x`, the high bit set when the byte is an ASCII digit.
#[inline]
fn digits(x: u64) -> u64 {
    let low = x & !HI;
    let ge_0 = low + (0x80 - u64::from(b'0')) * LO;
    let gt_9 = low + (0x80 - u64::from(b'9') - 1) * LO;
    ge_0 & !gt_9 & !x & HI
}

/// Per byte of `x`, the high bit set when the byte is '.'.
#[inline]
fn dots(x: u64) -> u64 {
    let t = x ^ (u64::from(b'.') * LO);
    // A byte of `t` is not zero when its low seven bits carry into its high bit or it is set.
    !((((t & !HI) + !HI) | t) & HI) & HI
}

/// How many of the eight bytes of `x`, counted back from the last (the highest, as
/// `u64::from_le_bytes` reads them), are ASCII letters, digits or '.' before the first that
/// is not: 0 to 8.
#[inline]
pub(crate) fn trailing_word_bytes(x: u64) -> usize {
    ((!(letters(x) | digits(x) | dots(x)) & HI).leading_zeros() / 8) as usize
}

/// The high bit of the first byte of `x` (the first byte lowest, as `u64::from_le_bytes`
/// reads them) that is not an ASCII letter, and possibly of later bytes (the bytes after the
/// first that is not a letter are left undefined: a sum may carry into them); 0 when all
/// eight bytes are letters. Cheaper than [`letters`]: a letter carries into no byte, so the
/// bytes up to the first other one are exact without masking the high bits first. The
/// tokeniser computes it with [`first_non_letter_lower`] from constants it reads from memory.
#[cfg(test)]
pub(crate) fn first_non_letter(x: u64) -> u64 {
    first_non_letter_lower(x | (0x20 * LO), 0x1f * LO, 0x85 * LO, HI)
}

/// [`first_non_letter`] of `x` from `low`, `x` with the ASCII lower-case bit (0x20) set in
/// every byte, and the constants `add_1f`, `add_85` and `high` (0x1f, 0x85 and 0x80 in every
/// byte), passed in so that a caller can keep `low` (the tokeniser's word key is made of its
/// bytes) and read the constants as memory operands.
#[inline(always)]
pub(crate) fn first_non_letter_lower(low: u64, add_1f: u64, add_85: u64, high: u64) -> u64 {
    // A letter is 0x61..=0x7a once lower-cased: + 0x1f puts it in 0x80..=0x99 and + 0x85 in
    // 0xe6..=0xff, both with the high bit and no carry; any other byte misses one of them.
    let t = low.wrapping_add(add_1f);
    let u = low.wrapping_add(add_85);
    (t & u & high) ^ high
}

/// The first index at or after `i` whose byte is not an ASCII letter (`bytes.len()` if none).
#[inline]
pub(crate) fn letters_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let other = !letters(u64::from_le_bytes(w)) & HI;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
        i += 1;
    }
    i
}

/// The first index at or after `i` whose byte is not an ASCII letter or digit (`bytes.len()` if
/// none).
#[inline]
pub(crate) fn alnum_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = u64::from_le_bytes(w);
        let other = !(letters(x) | digits(x)) & HI;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scalar definitions, for comparison.
    fn letters_slow(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        i
    }

    fn alnum_slow(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        i
    }

    #[test]
    fn every_byte_value_is_classified_as_the_scalar_test_does() {
        for v in 0..=255u8 {
            for pos in 0..12 {
                let mut b = vec![b'a'; 12];
                b[pos] = v;
                for start in 0..=pos {
                    assert_eq!(letters_end(&b, start), letters_slow(&b, start), "{v} {pos}");
                    assert_eq!(alnum_end(&b, start), alnum_slow(&b, start), "{v} {pos}");
                }
                let mut d = vec![b'7'; 12];
                d[pos] = v;
                assert_eq!(alnum_end(&d, 0), alnum_slow(&d, 0), "{v} {pos}");
                assert_eq!(letters_end(&d, 0), letters_slow(&d, 0), "{v} {pos}");
            }
        }
    }

    /// `first_non_letter` of eight bytes marks the end of the run `letters_end` finds in them,
    /// for every byte value at every position after a run of every length and before bytes of
    /// every kind (the bytes after it may carry).
    #[test]
    fn first_non_letter_marks_the_end_of_the_run_of_letters() {
        for v in 0..=255u8 {
            for pos in 0..8 {
                for fill in [b'a', b'Z', b'q', b'z', b'A', 0xff, 0x00, b'{', b'@', b'`'] {
                    let mut b = [b'a'; 8];
                    b[..pos].fill(if fill.is_ascii_alphabetic() {
                        fill
                    } else {
                        b'm'
                    });
                    b[pos] = v;
                    b[pos + 1..].fill(fill);
                    let want = letters_slow(&b, 0);
                    let z = first_non_letter(u64::from_le_bytes(b));
                    let got = (z.trailing_zeros() / 8) as usize;
                    assert_eq!(got, want, "{v} {pos} {fill}");
                    if want < 8 {
                        assert_eq!(z.trailing_zeros() % 8, 7, "{v} {pos} {fill}");
                    }
                }
            }
        }
    }

    /// `trailing_word_bytes` of eight bytes is the run of ASCII letters, digits and dots at
    /// their end, for every byte value at every position before a run of every length.
    #[test]
    fn trailing_word_bytes_is_the_run_back_from_the_end() {
        for v in 0..=255u8 {
            for pos in 0..8 {
                for fill in [b'a', b'Z', b'7', b'.', b' ', 0xc3] {
                    let mut b = [fill; 8];
                    b[pos] = v;
                    let want = b
                        .iter()
                        .rev()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.')
                        .count();
                    let got = trailing_word_bytes(u64::from_le_bytes(b));
                    assert_eq!(got, want, "{v} {pos} {fill}");
                }
            }
        }
    }

    #[test]
    fn runs_across_chunks_and_at_the_end() {
        let text = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ xyz09AZ";
        for start in 0..text.len() {
            assert_eq!(letters_end(text, start), letters_slow(text, start));
            assert_eq!(alnum_end(text, start), alnum_slow(text, start));
        }
        assert_eq!(letters_end(b"", 0), 0);
        assert_eq!(alnum_end(b"abc", 3), 3);
    }
}
