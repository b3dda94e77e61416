//! Substantially identical securities for the wash-sale rule (IRC §1091(a)): which symbols count as one.
//!
//! Whether two securities are "substantially identical" is a question of facts the IRS leaves to the taxpayer
//! (Publication 550 gives examples: a company's common stock and its convertible preferred may be; stock of two
//! companies is not). kairo does not decide it: by default a symbol is identical only to itself, and a user lists
//! the groups that are, as their own tax judgement: share classes such as `GOOG` and `GOOGL`, a symbol and the one
//! it was renamed to, or any mapping they choose.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

/// Groups of symbols that the wash-sale rule treats as one security.
///
/// ```
/// use kairo_core::lots::IdenticalSecurities;
/// let groups = [["GOOG", "GOOGL"].map(String::from).into_iter().collect()];
/// let same = IdenticalSecurities::from_groups(&groups);
/// assert_eq!(same.key("GOOGL"), same.key("GOOG"));
/// assert_eq!(same.key("MSFT"), "MSFT");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdenticalSecurities {
    /// Each grouped symbol → the group's first symbol (its key).
    key: FxHashMap<String, String>,
}

impl IdenticalSecurities {
    /// The groups (a symbol listed in several takes the first).
    pub fn from_groups(groups: &[BTreeSet<String>]) -> Self {
        let mut key = FxHashMap::default();
        for group in groups {
            let Some(first) = group.iter().next() else { continue };
            for symbol in group {
                key.entry(symbol.clone()).or_insert_with(|| first.clone());
            }
        }
        IdenticalSecurities { key }
    }

    /// The security `symbol` belongs to: its group's key, or `symbol` itself.
    pub fn key<'a>(&'a self, symbol: &'a str) -> &'a str {
        self.key.get(symbol).map_or(symbol, String::as_str)
    }

    /// Whether any symbol is grouped with another.
    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }
}
