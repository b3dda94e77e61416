//! Aligning two dated series on their common dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::series::ReturnSeries;

/// Two return series on their common dates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Aligned {
    /// The common dates, increasing.
    pub dates: Vec<NaiveDate>,
    /// The first series' returns on those dates.
    pub left: Vec<f64>,
    /// The second series' returns on those dates.
    pub right: Vec<f64>,
}

/// The inner join of two series on date, in one merge pass (both must have increasing dates, as
/// [`ReturnSeries`] guarantees).
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::returns::{align, ReturnSeries};
///
/// let d = |day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
/// let user = ReturnSeries { dates: vec![d(2), d(3), d(5)], returns: vec![0.01, 0.02, 0.03] };
/// let spy = ReturnSeries { dates: vec![d(3), d(4), d(5)], returns: vec![0.1, 0.2, 0.3] };
/// let a = align(&user, &spy);
/// assert_eq!(a.dates, vec![d(3), d(5)]);
/// assert_eq!((a.left, a.right), (vec![0.02, 0.03], vec![0.1, 0.3]));
/// ```
pub fn align(left: &ReturnSeries, right: &ReturnSeries) -> Aligned {
    let mut out = Aligned::default();
    let (mut i, mut j) = (0, 0);
    while i < left.dates.len() && j < right.dates.len() {
        match left.dates[i].cmp(&right.dates[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.dates.push(left.dates[i]);
                out.left.push(left.returns[i]);
                out.right.push(right.returns[j]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}
