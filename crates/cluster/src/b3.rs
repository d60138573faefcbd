//! B³ (B-cubed) precision, recall and F1 of a clustering against gold labels (Bagga and
//! Baldwin, 1998): per item, the share of its predicted cluster that is in its gold cluster
//! (precision) and the share of its gold cluster that is in its predicted cluster (recall),
//! averaged over items.

use std::collections::HashMap;
use std::hash::Hash;

/// B³ scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct B3 {
    /// Mean per-item precision.
    pub precision: f64,
    /// Mean per-item recall.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
}

/// Scores `predicted` labels against `gold` labels, item by item (same length; extra items of
/// the longer one are ignored). Empty input scores 0.
pub fn b3<P: Hash + Eq, G: Hash + Eq>(predicted: &[P], gold: &[G]) -> B3 {
    let n = predicted.len().min(gold.len());
    if n == 0 {
        return B3 {
            precision: 0.0,
            recall: 0.0,
            f1: 0.0,
        };
    }
    let mut pred_size: HashMap<&P, usize> = HashMap::new();
    let mut gold_size: HashMap<&G, usize> = HashMap::new();
    let mut both: HashMap<(&P, &G), usize> = HashMap::new();
    for i in 0..n {
        *pred_size.entry(&predicted[i]).or_default() += 1;
        *gold_size.entry(&gold[i]).or_default() += 1;
        *both.entry((&predicted[i], &gold[i])).or_default() += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for ((pl, gl), &c) in &both {
        // Each of the c items in this cell contributes c/|P| and c/|G|.
        let c = c as f64;
        p += c * c / pred_size[pl] as f64;
        r += c * c / gold_size[gl] as f64;
    }
    let (precision, recall) = (p / n as f64, r / n as f64);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    B3 {
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn perfect() {
        let s = b3(&[0, 0, 1], &["a", "a", "b"]);
        assert!(close(s.precision, 1.0) && close(s.recall, 1.0) && close(s.f1, 1.0));
    }

    #[test]
    fn all_in_one() {
        // Gold {a,a,b,b}; predicted one cluster: precision 1/2 per item, recall 1.
        let s = b3(&[0, 0, 0, 0], &[1, 1, 2, 2]);
        assert!(close(s.precision, 0.5) && close(s.recall, 1.0));
        assert!(close(s.f1, 2.0 / 3.0));
    }

    #[test]
    fn all_singletons() {
        let s = b3(&[0, 1, 2, 3], &[1, 1, 2, 2]);
        assert!(close(s.precision, 1.0) && close(s.recall, 0.5));
    }

    #[test]
    fn textbook_case() {
        // Gold: {1,2,3,4,5} {6,7} ; predicted: {1,2,3,4,5,6,7} minus... predicted {1,2,3} {4,5,6,7}.
        let gold = [0, 0, 0, 0, 0, 1, 1];
        let pred = [0, 0, 0, 1, 1, 1, 1];
        let s = b3(&pred, &gold);
        // Precision: items 1-3: 3/3; items 4,5: 2/4; items 6,7: 2/4 -> (3 + 1 + 1)/7 = 5/7.
        assert!(close(s.precision, 5.0 / 7.0));
        // Recall: items 1-3: 3/5; items 4,5: 2/5; items 6,7: 2/2 -> (1.8 + 0.8 + 2)/7 = 4.6/7.
        assert!(close(s.recall, 4.6 / 7.0));
    }

    #[test]
    fn empty() {
        let s = b3::<u8, u8>(&[], &[]);
        assert_eq!(s.f1, 0.0);
    }
}
