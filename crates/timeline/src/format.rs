//! Words for reasons an analyst reads: numbers with thousands separators, dates as "18 May 2022".

/// `1720000` → `1,720,000`; fractions keep up to two decimals (`2.5`).
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let neg = v < 0.0;
    let a = v.abs();
    let whole = a.trunc();
    let frac = a - whole;
    let digits = format!("{whole:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if frac > 0.0 {
        let f = format!("{frac:.2}");
        let f = f.trim_start_matches('0').trim_end_matches('0');
        if f != "." {
            out.push_str(f);
        }
    }
    if neg { format!("-{out}") } else { out }
}

/// A figure as a reader says it: "more than 1,720,000", "about 50", "10–20".
pub fn figure(qualifier: &str, value: f64, min: Option<f64>, max: Option<f64>) -> String {
    let n = number(value);
    match qualifier {
        "more_than" => format!("more than {n}"),
        "at_least" => format!("at least {n}"),
        "approximate" => format!("about {n}"),
        "at_most" => format!("at most {n}"),
        "less_than" => format!("fewer than {n}"),
        "range" => match (min, max) {
            (Some(a), Some(b)) => format!("{}–{}", number(a), number(b)),
            _ => n,
        },
        _ => n,
    }
}

/// `2022-05-18` → `18 May 2022`; anything else is returned as it is.
pub fn date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match iso
        .get(..10)
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
    {
        Some(d) => {
            let m = usize::try_from(d.month() - 1).unwrap_or(0);
            format!("{} {} {}", d.day(), MONTHS[m.min(11)], d.year())
        }
        None => iso.to_string(),
    }
}

/// "two", "three", … for small counts of sources.
pub fn how_many(n: usize) -> String {
    const WORDS: [&str; 9] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(number(1_720_000.0), "1,720,000");
        assert_eq!(number(62.0), "62");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(999.0), "999");
        assert_eq!(number(1000.0), "1,000");
        assert_eq!(
            figure("more_than", 1_200_000.0, None, None),
            "more than 1,200,000"
        );
        assert_eq!(figure("range", 10.0, Some(10.0), Some(20.0)), "10–20");
        assert_eq!(date("2022-05-18"), "18 May 2022");
        assert_eq!(date("2022-05-18T09:00:00Z"), "18 May 2022");
        assert_eq!(how_many(2), "two");
    }
}
