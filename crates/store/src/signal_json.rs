//! Reads the JSON of a stored [`Signal`] as `serde_json` reads it, faster.
//!
//! Every event a batch touches reads the volume signals of its disease × country over the days
//! judged again (`volume_signals`: 18,834 signals in the 1 GB window, 336 M instructions through
//! `serde_json`). The `signal` column is what `serde_json::to_string` of a `Signal` writes:
//! compact, the fields in declaration order. [`decode`] reads that shape with the reader of
//! [`crate::figure_json`] (strings without escapes copied once, field names matched as
//! literals) and hands any other text to `serde_json` whole, so what it reads, or refuses, is
//! what `serde_json` does.

use epiwire_consolidate::Signal;

use crate::figure_json::Cursor;

/// What `serde_json::from_str::<Signal>(text)` gives.
pub(crate) fn decode(text: &str) -> serde_json::Result<Signal> {
    let mut cur = Cursor { s: text, at: 0 };
    match cur.signal() {
        Some(signal) if cur.at == text.len() => Ok(signal),
        _ => serde_json::from_str(text),
    }
}

impl Cursor<'_> {
    /// One signal, its fields in the order `Signal` serialises them.
    fn signal(&mut self) -> Option<Signal> {
        let signal = Signal {
            kind: self.field("{\"kind\":", Self::string)?,
            date: self.field(",\"date\":", Self::string)?,
            disease: self.field(",\"disease\":", Self::opt_string)?,
            disease_name: self.field(",\"disease_name\":", Self::opt_string)?,
            country: self.field(",\"country\":", Self::opt_string)?,
            event: self.field(",\"event\":", Self::opt_string)?,
            value: self.field(",\"value\":", Self::float)?,
            threshold: self.field(",\"threshold\":", Self::float)?,
            score: self.field(",\"score\":", Self::float)?,
            reason: self.field(",\"reason\":", Self::string)?,
        };
        self.lit("}")?;
        Some(signal)
    }
}

#[cfg(test)]
mod tests;
