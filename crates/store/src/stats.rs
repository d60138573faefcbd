//! Summary figures of a store.

use std::fmt;

use serde::Serialize;

/// How many months [`Stats`]' `Display` lists before summarising the older ones.
const MONTHS_SHOWN: usize = 24;

/// Summary figures of a store, as `epiwire stats` prints them (`Display`) or as JSON (`Serialize`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Documents stored.
    pub documents: u64,
    /// Documents with a title.
    pub with_title: u64,
    /// Documents with a publication date.
    pub with_published: u64,
    /// Documents per language code, most frequent first; `und` for no language.
    pub languages: Vec<(String, u64)>,
    /// Documents per publication month (`YYYY-MM`), oldest first; documents without a
    /// publication date are not counted.
    pub by_month: Vec<(String, u64)>,
    /// Total size of the documents' main text, in UTF-8 bytes.
    pub total_text_bytes: u64,
    /// Diseases found, summed over documents (one per disease per document).
    pub diseases: u64,
    /// Places found, summed over documents (one per place per document).
    pub places: u64,
    /// Date expressions found, summed over documents.
    pub dates: u64,
    /// Counts found, summed over documents.
    pub counts: u64,
    /// Headline facts, summed over documents.
    pub facts: u64,
    /// Distinct sources (input paths or URLs) documents came from.
    pub sources: u64,
    /// When the first document was stored (UTC, RFC 3339), if any.
    pub first_ingest: Option<String>,
    /// When the last document was stored (UTC, RFC 3339), if any.
    pub last_ingest: Option<String>,
    /// Size of the database on disk in bytes (database file plus write-ahead log; for a store in
    /// memory, its pages).
    pub db_bytes: u64,
    /// Input files marked done.
    pub inputs_done: u64,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let share = |n: u64| {
            if self.documents == 0 {
                String::new()
            } else {
                format!(" ({:.1}%)", n as f64 * 100.0 / self.documents as f64)
            }
        };
        writeln!(f, "documents        {}", thousands(self.documents))?;
        writeln!(
            f,
            "  with title     {}{}",
            thousands(self.with_title),
            share(self.with_title)
        )?;
        writeln!(
            f,
            "  with published {}{}",
            thousands(self.with_published),
            share(self.with_published)
        )?;
        writeln!(f, "text             {}", bytes(self.total_text_bytes))?;
        writeln!(
            f,
            "annotations      {} diseases, {} places, {} dates, {} counts, {} facts",
            thousands(self.diseases),
            thousands(self.places),
            thousands(self.dates),
            thousands(self.counts),
            thousands(self.facts)
        )?;
        let languages = self
            .languages
            .iter()
            .map(|(lang, n)| format!("{lang} {}", thousands(*n)))
            .collect::<Vec<_>>();
        writeln!(
            f,
            "languages        {}",
            if languages.is_empty() {
                "-".to_string()
            } else {
                languages.join(", ")
            }
        )?;
        writeln!(f, "sources          {}", thousands(self.sources))?;
        writeln!(f, "inputs done      {}", thousands(self.inputs_done))?;
        writeln!(
            f,
            "first ingest     {}",
            self.first_ingest.as_deref().unwrap_or("-")
        )?;
        writeln!(
            f,
            "last ingest      {}",
            self.last_ingest.as_deref().unwrap_or("-")
        )?;
        write!(f, "database size    {}", bytes(self.db_bytes))?;
        if !self.by_month.is_empty() {
            write!(f, "\npublished by month")?;
            let skip = self.by_month.len().saturating_sub(MONTHS_SHOWN);
            if skip > 0 {
                let older: u64 = self.by_month[..skip].iter().map(|(_, n)| n).sum();
                write!(f, "\n  {} earlier months: {}", skip, thousands(older))?;
            }
            let widest = self.by_month[skip..]
                .iter()
                .map(|(_, n)| thousands(*n).len())
                .max()
                .unwrap_or(0);
            for (month, n) in &self.by_month[skip..] {
                write!(f, "\n  {month}  {:>widest$}", thousands(*n))?;
            }
        }
        Ok(())
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte size in human units.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn bytes_uses_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(5 * 1024 * 1024), "5.0 MiB");
    }

    #[test]
    fn display_lists_figures_and_caps_months() {
        let stats = Stats {
            documents: 2000,
            with_title: 1000,
            languages: vec![("en".into(), 1500), ("und".into(), 500)],
            by_month: (1..=30).map(|m| (format!("20{:02}-01", m), 10)).collect(),
            ..Stats::default()
        };
        let text = stats.to_string();
        assert!(text.contains("documents        2,000"), "{text}");
        assert!(text.contains("with title     1,000 (50.0%)"), "{text}");
        assert!(
            text.contains("languages        en 1,500, und 500"),
            "{text}"
        );
        assert!(text.contains("6 earlier months: 60"), "{text}");
        assert!(text.contains("2030-01"), "{text}");
        assert!(!text.contains("2006-01"), "{text}");
    }
}
