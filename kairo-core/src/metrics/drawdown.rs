//! Drawdowns: the maximum drawdown (empyrical `max_drawdown`), the drawdown series, and the drawdown periods
//! (peak, valley, recovery) ranked by depth, as pyfolio's drawdown table reports them.
//!
//! Wealth starts at 100 before the first return, `Wᵢ = 100 · Π_{j≤i}(1 + rⱼ)` (NaN returns count as 0), and the
//! drawdown at i is `(Wᵢ − Mᵢ) / Mᵢ` with `Mᵢ` the running maximum of wealth including the start, so a loss on the
//! first period is a drawdown from the starting capital.

use serde::{Deserialize, Serialize};

/// Maximum drawdown (empyrical `max_drawdown`): the most negative `(Wᵢ − Mᵢ) / Mᵢ`, a number ≤ 0.
/// NaN for an empty series.
///
/// ```
/// use kairo_core::metrics::max_drawdown;
/// // wealth 100 → 110 → 88 → 96.8: worst is 88 against the peak 110, −20 %
/// assert!((max_drawdown(&[0.1, -0.2, 0.1]) + 0.2).abs() < 1e-15);
/// assert_eq!(max_drawdown(&[0.01, 0.02]), 0.0);
/// ```
pub fn max_drawdown(returns: &[f64]) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    let mut tracker = DrawdownTracker::new();
    for &r in returns {
        tracker.push(r);
    }
    tracker.max_drawdown()
}

/// Streaming maximum drawdown, shared by [`max_drawdown`] and the fused [`super::Metrics::compute`].
///
/// Within a run at a fixed peak, `(W − M) / M` is monotonic in `W` (rounded subtraction and division are
/// monotonic), so only the lowest wealth of each run needs the division: the result equals the element-wise
/// minimum exactly.
pub(crate) struct DrawdownTracker {
    growth: f64,
    peak: f64,
    trough: f64,
    worst: f64,
}

impl DrawdownTracker {
    pub(crate) fn new() -> Self {
        DrawdownTracker { growth: 1.0, peak: 100.0, trough: 100.0, worst: 0.0 }
    }

    #[inline]
    pub(crate) fn push(&mut self, r: f64) {
        self.growth *= if r.is_nan() { 1.0 } else { r + 1.0 };
        let wealth = self.growth * 100.0;
        if wealth > self.peak {
            self.close_run();
            self.peak = wealth;
            self.trough = wealth;
        } else {
            self.trough = if wealth < self.trough { wealth } else { self.trough };
        }
    }

    #[inline]
    fn close_run(&mut self) {
        let dd = (self.trough - self.peak) / self.peak;
        if dd < self.worst {
            self.worst = dd;
        }
    }

    pub(crate) fn max_drawdown(mut self) -> f64 {
        self.close_run();
        self.worst
    }
}

/// The drawdown at every period, `(Wᵢ − Mᵢ) / Mᵢ` (empyrical's internal drawdown series, without the start).
///
/// ```
/// use kairo_core::metrics::drawdown_series;
/// let dd = drawdown_series(&[0.1, -0.2, 0.1]);
/// assert_eq!(dd[0], 0.0);
/// assert!((dd[1] + 0.2).abs() < 1e-15);
/// ```
pub fn drawdown_series(returns: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(returns.len());
    let mut growth = 1.0;
    let mut peak = 100.0f64;
    for &r in returns {
        growth *= if r.is_nan() { 1.0 } else { r + 1.0 };
        let wealth = growth * 100.0;
        peak = peak.max(wealth);
        out.push((wealth - peak) / peak);
    }
    out
}

/// One drawdown: from a peak of wealth down to its lowest point and, if it happened, back to the peak.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DrawdownPeriod {
    /// Index of the return after which wealth stood at the peak; `None` when the peak is the starting capital
    /// (the drawdown began with the first return).
    pub peak: Option<usize>,
    /// Index of the return at which wealth was lowest.
    pub valley: usize,
    /// Index of the first return at which wealth was back at or above the peak; `None` if it never recovered.
    pub recovery: Option<usize>,
    /// Depth at the valley, `(W_valley − W_peak) / W_peak`, a negative number.
    pub depth: f64,
    /// Periods from the peak to the valley.
    pub decline_periods: usize,
    /// Periods from the valley to the recovery, when it recovered.
    pub recovery_periods: Option<usize>,
    /// Periods from the peak to the recovery, or to the end of the series when it has not recovered.
    pub total_periods: usize,
}

/// The `top` deepest drawdown periods, deepest first (ties: earliest first). A period starts when wealth falls
/// below its running peak and ends when it gets back to it; each period appears once.
///
/// ```
/// use kairo_core::metrics::drawdown_periods;
/// // peak after index 0 (110), valley at 1 (88), recovered at 3 (≥ 110 again)
/// let p = drawdown_periods(&[0.1, -0.2, 0.1, 0.2, -0.05], 2);
/// assert_eq!((p[0].peak, p[0].valley, p[0].recovery), (Some(0), 1, Some(3)));
/// assert!((p[0].depth + 0.2).abs() < 1e-15);
/// assert_eq!(p[1].recovery, None);
/// ```
pub fn drawdown_periods(returns: &[f64], top: usize) -> Vec<DrawdownPeriod> {
    let n = returns.len();
    let mut periods = Vec::new();
    let mut growth = 1.0;
    let mut peak_wealth = 100.0f64;
    let mut peak_index: Option<usize> = None;
    // (valley index, valley wealth) of the drawdown under way
    let mut open: Option<(usize, f64)> = None;
    for (i, &r) in returns.iter().enumerate() {
        growth *= if r.is_nan() { 1.0 } else { r + 1.0 };
        let wealth = growth * 100.0;
        if wealth >= peak_wealth {
            if let Some((valley, low)) = open.take() {
                periods.push(period(peak_index, valley, Some(i), low, peak_wealth, n));
            }
            peak_wealth = wealth;
            peak_index = Some(i);
        } else {
            match open {
                Some((_, low)) if wealth >= low => {}
                _ => open = Some((i, wealth)),
            }
        }
    }
    if let Some((valley, low)) = open {
        periods.push(period(peak_index, valley, None, low, peak_wealth, n));
    }
    periods.sort_by(|a, b| a.depth.total_cmp(&b.depth).then(a.valley.cmp(&b.valley)));
    periods.truncate(top);
    periods
}

fn period(
    peak: Option<usize>,
    valley: usize,
    recovery: Option<usize>,
    low: f64,
    peak_wealth: f64,
    n: usize,
) -> DrawdownPeriod {
    // Periods are counted between wealth points; the starting capital is point 0 and return i ends at point i + 1.
    let peak_point = peak.map_or(0, |p| p + 1);
    let valley_point = valley + 1;
    let end_point = recovery.map_or(n, |r| r + 1);
    DrawdownPeriod {
        peak,
        valley,
        recovery,
        depth: (low - peak_wealth) / peak_wealth,
        decline_periods: valley_point - peak_point,
        recovery_periods: recovery.map(|r| r + 1 - valley_point),
        total_periods: end_point - peak_point,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracker_equals_the_elementwise_minimum() {
        let r = [0.05, -0.1, 0.02, f64::NAN, -0.3, 0.5, 0.9, -0.01, -0.5];
        let direct = drawdown_series(&r).into_iter().fold(0.0f64, f64::min);
        assert_eq!(max_drawdown(&r), direct);
    }

    #[test]
    fn first_period_loss_is_a_drawdown_from_the_start() {
        let p = drawdown_periods(&[-0.1, 0.05, 0.1], 5);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].peak, None);
        assert_eq!(p[0].valley, 0);
        assert_eq!(p[0].recovery, Some(2)); // 0.9 · 1.05 · 1.1 = 1.0395 ≥ 1
        assert_eq!((p[0].decline_periods, p[0].recovery_periods, p[0].total_periods), (1, Some(2), 3));
    }
}
