//! The binary encoding of an event's clustering profile (`events.profile`, schema 10).
//!
//! A profile was stored as JSON: up to 400 + 100 + 100 weighted keys and the MinHash
//! signatures of its 16 latest members (2,048 numbers of up to ten digits), about 30 KB,
//! written at every touch of its event and parsed whenever a batch meets it as a candidate.
//! The binary form keeps every field as it is in memory (weights as their `f32` bits, so a
//! profile reads back exactly as the JSON did: serde_json parses `f32` correctly rounded and
//! prints the shortest representation that does). A store written before schema 10 holds JSON
//! text; it is read as before, and replaced by the binary form when its event is written again.
//!
//! Layout (integers little-endian): the format byte [`FORMAT`]; `members` u32; `terms`,
//! `entities` (weighted lists); `diseases`, `countries` (string lists); `first`, `last`
//! (optional strings); `signatures` (u32 count, then per signature its id and a u32 list);
//! `names` (weighted list). A list is a u32 count and its items; a string a u32 byte length and
//! its UTF-8 bytes; a weighted key a string and the `f32` bits (u32); an optional string a byte
//! 0 (none) or 1 and the string.

use epiwire_consolidate::EventProfile;

use crate::{Error, Result};

/// The first byte of an encoded profile (a JSON profile starts with `{`).
pub(crate) const FORMAT: u8 = 1;

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_len(out: &mut Vec<u8>, n: usize) -> Result<()> {
    let n = u32::try_from(n).map_err(|_| Error::Corrupt {
        seq: 0,
        reason: format!("event profile: a list or string of {n} items is too long to encode"),
    })?;
    put_u32(out, n);
    Ok(())
}

fn put_str(out: &mut Vec<u8>, s: &str) -> Result<()> {
    put_len(out, s.len())?;
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn put_weighted(out: &mut Vec<u8>, v: &[(String, f32)]) -> Result<()> {
    put_len(out, v.len())?;
    for (k, w) in v {
        put_str(out, k)?;
        put_u32(out, w.to_bits());
    }
    Ok(())
}

fn put_strings(out: &mut Vec<u8>, v: &[String]) -> Result<()> {
    put_len(out, v.len())?;
    for s in v {
        put_str(out, s)?;
    }
    Ok(())
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) -> Result<()> {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s)?;
        }
    }
    Ok(())
}

/// Encodes a profile (see the module for the layout).
pub(crate) fn encode(p: &EventProfile) -> Result<Vec<u8>> {
    let strings = |v: &[(String, f32)]| v.iter().map(|(k, _)| k.len() + 8).sum::<usize>();
    let size = 64
        + strings(&p.terms)
        + strings(&p.entities)
        + strings(&p.names)
        + p.signatures
            .iter()
            .map(|(id, s)| id.len() + 8 + 4 * s.len())
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.push(FORMAT);
    put_u32(&mut out, p.members);
    put_weighted(&mut out, &p.terms)?;
    put_weighted(&mut out, &p.entities)?;
    put_strings(&mut out, &p.diseases)?;
    put_strings(&mut out, &p.countries)?;
    put_opt(&mut out, p.first.as_deref())?;
    put_opt(&mut out, p.last.as_deref())?;
    put_len(&mut out, p.signatures.len())?;
    for (id, sig) in &p.signatures {
        put_str(&mut out, id)?;
        put_len(&mut out, sig.len())?;
        for h in sig {
            put_u32(&mut out, *h);
        }
    }
    put_weighted(&mut out, &p.names)?;
    Ok(out)
}

/// A cursor over an encoded profile; every read checks what is left.
struct Reader<'a> {
    rest: &'a [u8],
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt {
        seq: 0,
        reason: format!("event profile: truncated or invalid {what}"),
    }
}

impl<'a> Reader<'a> {
    fn u8(&mut self, what: &str) -> Result<u8> {
        let (b, rest) = self.rest.split_first().ok_or_else(|| corrupt(what))?;
        self.rest = rest;
        Ok(*b)
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        let (head, rest) = self
            .rest
            .split_first_chunk::<4>()
            .ok_or_else(|| corrupt(what))?;
        self.rest = rest;
        Ok(u32::from_le_bytes(*head))
    }

    /// A count of items each at least `min` bytes long: checked against what is left, so that
    /// a corrupt count cannot reserve a huge allocation.
    fn count(&mut self, min: usize, what: &str) -> Result<usize> {
        let n = usize::try_from(self.u32(what)?).map_err(|_| corrupt(what))?;
        if n.saturating_mul(min) > self.rest.len() {
            return Err(corrupt(what));
        }
        Ok(n)
    }

    fn str(&mut self, what: &str) -> Result<&'a str> {
        let n = self.count(1, what)?;
        let (bytes, rest) = self.rest.split_at_checked(n).ok_or_else(|| corrupt(what))?;
        self.rest = rest;
        std::str::from_utf8(bytes).map_err(|_| corrupt(what))
    }

    fn weighted(&mut self, what: &str) -> Result<Vec<(String, f32)>> {
        let n = self.count(8, what)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.str(what)?.to_string();
            v.push((k, f32::from_bits(self.u32(what)?)));
        }
        Ok(v)
    }

    fn strings(&mut self, what: &str) -> Result<Vec<String>> {
        let n = self.count(4, what)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.str(what)?.to_string());
        }
        Ok(v)
    }

    fn opt(&mut self, what: &str) -> Result<Option<String>> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => Ok(Some(self.str(what)?.to_string())),
            _ => Err(corrupt(what)),
        }
    }
}

/// Decodes a profile written by [`encode`].
pub(crate) fn decode(bytes: &[u8]) -> Result<EventProfile> {
    let mut r = Reader { rest: bytes };
    if r.u8("format")? != FORMAT {
        return Err(corrupt("format"));
    }
    let members = r.u32("members")?;
    let terms = r.weighted("terms")?;
    let entities = r.weighted("entities")?;
    let diseases = r.strings("diseases")?;
    let countries = r.strings("countries")?;
    let first = r.opt("first day")?;
    let last = r.opt("last day")?;
    let n = r.count(8, "signatures")?;
    let mut signatures = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.str("signature id")?.to_string();
        let m = r.count(4, "signature")?;
        let mut sig = Vec::with_capacity(m);
        for _ in 0..m {
            sig.push(r.u32("signature")?);
        }
        signatures.push((id, sig));
    }
    let names = r.weighted("names")?;
    if !r.rest.is_empty() {
        return Err(corrupt("end (bytes left over)"));
    }
    Ok(EventProfile {
        members,
        terms,
        entities,
        diseases,
        countries,
        first,
        last,
        signatures,
        names,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Bitwise equality (`f32` weights by their bits, so that `-0.0` and `0.0` differ).
    fn same(a: &EventProfile, b: &EventProfile) -> bool {
        let bits = |v: &[(String, f32)]| -> Vec<(String, u32)> {
            v.iter().map(|(k, w)| (k.clone(), w.to_bits())).collect()
        };
        a.members == b.members
            && bits(&a.terms) == bits(&b.terms)
            && bits(&a.entities) == bits(&b.entities)
            && bits(&a.names) == bits(&b.names)
            && a.diseases == b.diseases
            && a.countries == b.countries
            && a.first == b.first
            && a.last == b.last
            && a.signatures == b.signatures
    }

    fn weight() -> impl Strategy<Value = f32> {
        prop_oneof![
            // Any finite value (JSON, the reference, has no non-finite numbers).
            any::<u32>()
                .prop_map(f32::from_bits)
                .prop_filter("finite", |w| w.is_finite()),
            // Weights as profiles hold them: sums of unit-vector components.
            (0.0f32..64.0),
        ]
    }

    fn weighted() -> impl Strategy<Value = Vec<(String, f32)>> {
        prop::collection::vec(("\\PC{0,12}", weight()), 0..40)
    }

    fn profile() -> impl Strategy<Value = EventProfile> {
        (
            any::<u32>(),
            weighted(),
            weighted(),
            prop::collection::vec("\\PC{0,8}", 0..4),
            prop::collection::vec("[A-Z]{2}", 0..4),
            prop::option::of("[0-9]{4}-[0-9]{2}-[0-9]{2}"),
            prop::option::of("\\PC{0,10}"),
            prop::collection::vec(
                (
                    "E?[0-9a-f]{0,16}",
                    prop::collection::vec(any::<u32>(), 0..130),
                ),
                0..17,
            ),
            weighted(),
        )
            .prop_map(
                |(
                    members,
                    terms,
                    entities,
                    diseases,
                    countries,
                    first,
                    last,
                    signatures,
                    names,
                )| {
                    EventProfile {
                        members,
                        terms,
                        entities,
                        diseases,
                        countries,
                        first,
                        last,
                        signatures,
                        names,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A profile decodes to itself, and to what the JSON form (the reference, stored
        /// before schema 10) read back: the two forms give consolidation the same profile.
        #[test]
        fn a_profile_reads_back_as_its_json_did(p in profile()) {
            let bytes = encode(&p).unwrap();
            let back = decode(&bytes).unwrap();
            prop_assert!(same(&back, &p), "{back:?} != {p:?}");
            let json: EventProfile =
                serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
            prop_assert!(same(&back, &json), "{back:?} != JSON {json:?}");
        }

        /// Every cut of an encoded profile, and any byte changed in its counts or format, is
        /// an error, never a panic or a huge allocation.
        #[test]
        fn a_truncated_or_garbled_profile_is_an_error(p in profile(), cut in any::<prop::sample::Index>(), byte in any::<u8>(), at in any::<prop::sample::Index>()) {
            let bytes = encode(&p).unwrap();
            let n = cut.index(bytes.len());
            prop_assert!(decode(&bytes[..n]).is_err());
            let mut longer = bytes.clone();
            longer.push(byte);
            prop_assert!(decode(&longer).is_err());
            let mut garbled = bytes.clone();
            let i = at.index(garbled.len());
            garbled[i] = byte;
            // A changed byte may still decode (a weight, a character); it must not panic.
            let _ = decode(&garbled);
        }
    }

    #[test]
    fn a_wrong_format_byte_is_an_error() {
        let mut bytes = encode(&EventProfile::default()).unwrap();
        assert!(decode(&bytes).is_ok());
        bytes[0] = b'{';
        assert!(matches!(decode(&bytes), Err(Error::Corrupt { .. })));
        assert!(decode(&[]).is_err());
    }
}
