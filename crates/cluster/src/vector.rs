//! Weighted sparse vectors of terms and entities, and their cosine.

use std::collections::HashMap;

use crate::Params;
use crate::features::{DfTable, DocFeatures};

/// A sparse vector sorted by key, of unit length (or empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sparse(pub Vec<(String, f32)>);

impl Sparse {
    /// Sorts by key, merges equal keys and scales to unit length.
    pub fn normalized(mut items: Vec<(String, f32)>) -> Sparse {
        items.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, f32)> = Vec::with_capacity(items.len());
        for (k, w) in items {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 += w,
                _ => out.push((k, w)),
            }
        }
        out.retain(|(_, w)| *w > 0.0 && w.is_finite());
        let norm = out.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut out {
                *w /= norm;
            }
        }
        Sparse(out)
    }

    /// Cosine with another unit vector (their dot product).
    pub fn cosine(&self, other: &Sparse) -> f32 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot
    }

    /// True when the vector has no component.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Sub-linear term frequency: `1 + ln(tf)`.
pub fn sublinear(tf: f32) -> f32 {
    if tf > 0.0 { 1.0 + tf.ln() } else { 0.0 }
}

/// The term counts of a document, title terms counted `title_weight` times.
pub fn term_counts(doc: &DocFeatures, title_weight: f32) -> Vec<(String, f32)> {
    let mut map: HashMap<&str, f32> = HashMap::with_capacity(doc.terms.len());
    for (t, n) in &doc.terms {
        *map.entry(t).or_insert(0.0) += n;
    }
    for (t, n) in &doc.title_terms {
        *map.entry(t).or_insert(0.0) += n * title_weight;
    }
    map.into_iter().map(|(t, n)| (t.to_string(), n)).collect()
}

/// The tf-idf word vector of a document.
pub fn words(doc: &DocFeatures, df: &DfTable, params: &Params) -> Sparse {
    let items = term_counts(doc, params.title_weight)
        .into_iter()
        .map(|(t, n)| {
            let idf = df.idf(&t);
            (t, sublinear(n) * idf)
        })
        .collect();
    Sparse::normalized(items)
}

/// The tf-idf entity vector of a document.
pub fn entities(doc: &DocFeatures, df: &DfTable) -> Sparse {
    let items = doc
        .entities
        .iter()
        .map(|(e, n)| (e.clone(), sublinear(*n) * df.idf(e)))
        .collect();
    Sparse::normalized(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_unit_vectors() {
        let a = Sparse::normalized(vec![("x".into(), 1.0), ("y".into(), 1.0)]);
        let b = Sparse::normalized(vec![("y".into(), 2.0), ("z".into(), 2.0)]);
        assert!((a.cosine(&a) - 1.0).abs() < 1e-6);
        assert!((a.cosine(&b) - 0.5).abs() < 1e-6);
        assert_eq!(a.cosine(&Sparse::default()), 0.0);
    }
}
