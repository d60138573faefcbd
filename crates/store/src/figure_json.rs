//! Reads the JSON arrays of figures `event_figures` holds, as `serde_json` reads them, faster.
//!
//! A consolidation batch reads every figure of each series it touches (`series_skipping`):
//! ~1 KB of JSON and 18 strings a figure, 633 M of the 8,072 M instructions of the 1 GB window
//! (issue 7). The rows are written by `serde_json::to_writer` of a `Vec<Figure>`: compact, the
//! fields in declaration order, strings escaped only where they must be. [`decode_into`] reads
//! that exact shape directly (a string is found with `memchr`, its bytes copied once, its field
//! name matched as a literal instead of looked up), and hands anything else to `serde_json`
//! whole: white space, another field order, a missing or unknown field, a `null` value, a
//! number it does not read as `serde_json` would. A string with an escape is read by
//! `serde_json` alone, numbers too, so what is read is what `serde_json` gives, and what
//! `serde_json` refuses (a control character in a string, a bad escape, a number out of range)
//! is refused: the fast path declines and `serde_json` gives its error.

use epiwire_consolidate::Figure;
use epiwire_model::Span;

/// Appends the figures of `text` (a JSON array of figures) to `out`: what
/// `serde_json::from_str::<Vec<Figure>>` gives; on an error `out` is as it was.
pub(crate) fn decode_into(text: &str, out: &mut Vec<Figure>) -> serde_json::Result<()> {
    let len = out.len();
    let mut cur = Cursor { s: text, at: 0 };
    if cur.figures(out).is_some() && cur.at == text.len() {
        return Ok(());
    }
    out.truncate(len);
    let run: Vec<Figure> = serde_json::from_str(text)?;
    out.extend(run);
    Ok(())
}

/// A position in the text; every method returns `None` when the text is not in the shape it
/// reads (the caller then lets `serde_json` read all of it). `signal_json` reads with it too.
pub(crate) struct Cursor<'a> {
    pub(crate) s: &'a str,
    pub(crate) at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a [u8] {
        self.s.as_bytes().get(self.at..).unwrap_or_default()
    }

    /// Skips `lit` if the text goes on with it.
    fn eat(&mut self, lit: &str) -> bool {
        let hit = self.rest().starts_with(lit.as_bytes());
        if hit {
            self.at += lit.len();
        }
        hit
    }

    pub(crate) fn lit(&mut self, lit: &str) -> Option<()> {
        self.eat(lit).then_some(())
    }

    /// `[` figures separated by `,` `]`.
    fn figures(&mut self, out: &mut Vec<Figure>) -> Option<()> {
        self.lit("[")?;
        if self.eat("]") {
            return Some(());
        }
        loop {
            out.push(self.figure()?);
            if self.eat("]") {
                return Some(());
            }
            self.lit(",")?;
        }
    }

    /// One figure, its fields in the order `Figure` serialises them.
    fn figure(&mut self) -> Option<Figure> {
        let figure = Figure {
            doc_id: self.field("{\"doc_id\":", Self::string)?,
            url: self.field(",\"url\":", Self::opt_string)?,
            outlet: self.field(",\"outlet\":", Self::opt_string)?,
            title: self.field(",\"title\":", Self::opt_string)?,
            published: self.field(",\"published\":", Self::opt_string)?,
            disease: self.field(",\"disease\":", Self::opt_string)?,
            disease_name: self.field(",\"disease_name\":", Self::opt_string)?,
            place: self.field(",\"place\":", |c| c.opt(Self::whole::<u64>))?,
            place_name: self.field(",\"place_name\":", Self::opt_string)?,
            place_kind: self.field(",\"place_kind\":", Self::opt_string)?,
            country: self.field(",\"country\":", Self::opt_string)?,
            metric: self.field(",\"metric\":", Self::string)?,
            scope: self.field(",\"scope\":", Self::string)?,
            qualifier: self.field(",\"qualifier\":", Self::string)?,
            value: self.field(",\"value\":", Self::float)?,
            min: self.field(",\"min\":", |c| c.opt(Self::float))?,
            max: self.field(",\"max\":", |c| c.opt(Self::float))?,
            status: self.field(",\"status\":", Self::opt_string)?,
            as_of: self.field(",\"as_of\":", Self::opt_string)?,
            as_of_source: self.field(",\"as_of_source\":", Self::opt_string)?,
            headline: self.field(",\"headline\":", Self::boolean)?,
            span: self.field(",\"span\":", Self::span)?,
            evidence: self.field(",\"evidence\":", Self::span)?,
        };
        self.lit("}")?;
        Some(figure)
    }

    /// The field named by `name` (with its separator and colon), read by `read`.
    pub(crate) fn field<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        self.lit(name)?;
        read(self)
    }

    fn span(&mut self) -> Option<Span> {
        let start = self.field("{\"start\":", Self::whole::<usize>)?;
        let end = self.field(",\"end\":", Self::whole::<usize>)?;
        let text = self.field(",\"text\":", Self::string)?;
        self.lit("}")?;
        Some(Span { start, end, text })
    }

    /// `null`, or a value `read` reads.
    fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.eat("null") {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    pub(crate) fn opt_string(&mut self) -> Option<Option<String>> {
        self.opt(Self::string)
    }

    fn boolean(&mut self) -> Option<bool> {
        if self.eat("true") {
            Some(true)
        } else {
            self.lit("false").map(|()| false)
        }
    }

    /// A string without escapes and control characters, copied; one with an escape is read by
    /// `serde_json` (a control character: the caller's `serde_json` refuses the text).
    pub(crate) fn string(&mut self) -> Option<String> {
        let rest = self.rest();
        if rest.first() != Some(&b'"') {
            return None;
        }
        let body = rest.get(1..)?;
        let end = memchr::memchr2(b'"', b'\\', body)?;
        if body.get(end) == Some(&b'"') {
            let raw = self.s.get(self.at + 1..self.at + 1 + end)?;
            if raw.bytes().any(|b| b < 0x20) {
                return None;
            }
            self.at += end + 2;
            return Some(raw.to_string());
        }
        // An escape: find the closing quote (an escaped character is skipped whole), then let
        // serde_json read the string.
        let mut i = end;
        loop {
            match body.get(i)? {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        let quoted = self.s.get(self.at..self.at + i + 2)?;
        let value = serde_json::from_str::<String>(quoted).ok()?;
        self.at += i + 2;
        Some(value)
    }

    /// The characters of a JSON number (what follows is checked by the caller's next literal).
    fn number_text(&mut self) -> Option<&'a str> {
        let n = self
            .rest()
            .iter()
            .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        let text = self.s.get(self.at..self.at + n).filter(|t| !t.is_empty())?;
        self.at += n;
        Some(text)
    }

    /// A float, read by `serde_json` from its number alone (so to the bit what it reads in the
    /// array).
    pub(crate) fn float(&mut self) -> Option<f64> {
        serde_json::from_str(self.number_text()?).ok()
    }

    /// A whole number written as digits only, without a leading zero (anything else, and a
    /// number out of range, is left to `serde_json`).
    fn whole<T: std::str::FromStr>(&mut self) -> Option<T> {
        let text = self.number_text()?;
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        let lead_zero = text.len() > 1 && text.starts_with('0');
        if !digits || lead_zero {
            return None;
        }
        text.parse().ok()
    }
}

#[cfg(test)]
mod tests;
