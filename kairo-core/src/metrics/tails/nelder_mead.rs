//! The Nelder–Mead simplex minimizer with the conventions of SciPy's `minimize(method="Nelder-Mead")` defaults,
//! so that a fit reproduces SciPy's answer: the initial simplex steps each coordinate by 5 % (0.00025 when it is
//! zero), reflection 1, expansion 2, contraction ½, shrink ½; it stops when every vertex is within `xatol = 1e-4`
//! of the best and every value within `fatol = 1e-4` of the best value, and fails after `200 · n` iterations or
//! function evaluations. (Nelder & Mead 1965; Gao & Han 2012 for the parameter names.)

/// The result of [`nelder_mead`].
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The best vertex found.
    pub x: Vec<f64>,
    /// The function's value there.
    pub value: f64,
    /// Whether the tolerances were met within the iteration and evaluation limits.
    pub converged: bool,
}

const X_TOLERANCE: f64 = 1e-4;
const F_TOLERANCE: f64 = 1e-4;
const STEP: f64 = 0.05;
const ZERO_STEP: f64 = 0.00025;

/// Minimizes `f` from `x0`.
///
/// ```
/// use kairo_core::metrics::nelder_mead;
/// let m = nelder_mead(|x: &[f64]| (x[0] - 3.0).powi(2) + (x[1] + 1.0).powi(2), &[0.0, 0.0]);
/// assert!(m.converged);
/// assert!((m.x[0] - 3.0).abs() < 1e-3 && (m.x[1] + 1.0).abs() < 1e-3);
/// ```
pub fn nelder_mead(mut f: impl FnMut(&[f64]) -> f64, x0: &[f64]) -> Minimum {
    let n = x0.len();
    let limit = 200 * n;
    let mut calls = 0usize;
    let mut eval = |x: &[f64], calls: &mut usize| {
        *calls += 1;
        f(x)
    };
    let mut sim: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
    sim.push(x0.to_vec());
    for k in 0..n {
        let mut y = x0.to_vec();
        y[k] = if y[k] != 0.0 { (1.0 + STEP) * y[k] } else { ZERO_STEP };
        sim.push(y);
    }
    let mut fsim: Vec<f64> = Vec::with_capacity(n + 1);
    for v in &sim {
        fsim.push(eval(v, &mut calls));
    }
    sort(&mut sim, &mut fsim);
    let mut iterations = 1;
    let combine = |a: f64, xa: &[f64], b: f64, xb: &[f64]| -> Vec<f64> {
        xa.iter().zip(xb).map(|(p, q)| a * p + b * q).collect()
    };
    while calls < limit && iterations < limit {
        let x_spread =
            sim[1..].iter().flat_map(|v| v.iter().zip(&sim[0]).map(|(a, b)| (a - b).abs())).fold(0.0, f64::max);
        let f_spread = fsim[1..].iter().map(|v| (fsim[0] - v).abs()).fold(0.0, f64::max);
        if x_spread <= X_TOLERANCE && f_spread <= F_TOLERANCE {
            break;
        }
        let mut xbar = vec![0.0; n];
        for v in &sim[..n] {
            for (s, x) in xbar.iter_mut().zip(v) {
                *s += x;
            }
        }
        xbar.iter_mut().for_each(|s| *s /= n as f64);
        let worst = sim[n].clone();
        let xr = combine(2.0, &xbar, -1.0, &worst);
        let fxr = eval(&xr, &mut calls);
        let mut shrink = false;
        if fxr < fsim[0] {
            let xe = combine(3.0, &xbar, -2.0, &worst);
            let fxe = eval(&xe, &mut calls);
            if fxe < fxr {
                (sim[n], fsim[n]) = (xe, fxe);
            } else {
                (sim[n], fsim[n]) = (xr, fxr);
            }
        } else if fxr < fsim[n - 1] {
            (sim[n], fsim[n]) = (xr, fxr);
        } else if fxr < fsim[n] {
            let xc = combine(1.5, &xbar, -0.5, &worst);
            let fxc = eval(&xc, &mut calls);
            if fxc <= fxr {
                (sim[n], fsim[n]) = (xc, fxc);
            } else {
                shrink = true;
            }
        } else {
            let xcc = combine(0.5, &xbar, 0.5, &worst);
            let fxcc = eval(&xcc, &mut calls);
            if fxcc < fsim[n] {
                (sim[n], fsim[n]) = (xcc, fxcc);
            } else {
                shrink = true;
            }
        }
        if shrink {
            let best = sim[0].clone();
            for j in 1..=n {
                sim[j].iter_mut().zip(&best).for_each(|(x, b)| *x = b + 0.5 * (*x - b));
                fsim[j] = eval(&sim[j], &mut calls);
            }
        }
        iterations += 1;
        sort(&mut sim, &mut fsim);
    }
    let converged = calls < limit && iterations < limit;
    Minimum { x: sim[0].clone(), value: fsim[0], converged }
}

/// Orders the vertices by value (NaN last; equal values keep their order).
fn sort(sim: &mut Vec<Vec<f64>>, fsim: &mut Vec<f64>) {
    let mut order: Vec<usize> = (0..fsim.len()).collect();
    let key = |i: usize| (fsim[i].is_nan(), if fsim[i].is_nan() { 0.0 } else { fsim[i] });
    order.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.partial_cmp(&kb.1).unwrap_or(std::cmp::Ordering::Equal))
    });
    let (s, v): (Vec<_>, Vec<_>) = order.iter().map(|&i| (sim[i].clone(), fsim[i])).unzip();
    *sim = s;
    *fsim = v;
}
