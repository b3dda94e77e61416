//! The batting average against a benchmark (empyrical `batting_average`).

/// The share of periods the strategy beat the benchmark, over every period, the benchmark's up periods (`f ≥ 0`)
/// and its down periods (`f < 0`): `(overall, up market, down market)`, from the active returns `a = r − f` and
/// the benchmark's returns, over the periods where both are finite. NaN for a side without periods.
///
/// ```
/// use kairo_core::metrics::batting_average;
/// // active +0.01 (f up), −0.01 (f up), +0.02 (f down)
/// let (all, up, down) = batting_average(&[0.01, -0.01, 0.02], &[0.01, 0.02, -0.01]);
/// assert_eq!((all, up, down), (2.0 / 3.0, 0.5, 1.0));
/// ```
pub fn batting_average(active_returns: &[f64], factor_returns: &[f64]) -> (f64, f64, f64) {
    let (mut n, mut wins, mut up_n, mut up_wins, mut down_n, mut down_wins) = (0usize, 0usize, 0usize, 0, 0usize, 0);
    for (&a, &f) in active_returns.iter().zip(factor_returns) {
        if !a.is_finite() || !f.is_finite() {
            continue;
        }
        let win = usize::from(a > 0.0);
        n += 1;
        wins += win;
        if f >= 0.0 {
            up_n += 1;
            up_wins += win;
        } else {
            down_n += 1;
            down_wins += win;
        }
    }
    let share = |w: usize, n: usize| if n == 0 { f64::NAN } else { w as f64 / n as f64 };
    (share(wins, n), share(up_wins, up_n), share(down_wins, down_n))
}
