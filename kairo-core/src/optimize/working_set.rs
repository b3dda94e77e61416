//! Large long-only problems by working sets: most assets of an optimal long-only portfolio sit at their lower
//! bound (0), so the program is solved by Clarabel over a working set of assets with the others fixed at their
//! bounds, and the solution is then checked against the optimality (KKT) conditions of the whole program: an asset
//! held at its bound is rightly left out when its bound's multiplier,
//!
//! `μ_k = (P x)_k + q_k + Σ_r a_rk z_r`  (the stationarity `Px + q + Aᵀz = 0` solved for the bound's `z`),
//!
//! is non-negative, `z_r` being the multipliers Clarabel reports for the working set's rows. Assets whose `μ_k` is
//! negative (the objective improves by adding them) join the working set, most negative first, and the program is
//! solved again; when none is left the solution is the whole program's optimum, to Clarabel's tolerance. This is
//! the active-set strategy of constraint generation (Nocedal & Wright, "Numerical Optimization", §16.5); every
//! program is still solved by Clarabel, on a dense block the size of the working set instead of every asset.

use super::error::OptimizeError;
use super::solver::Program;

/// Below this many fixable variables the whole program is solved at once.
const MIN_SCREENED: usize = 64;

impl Program {
    /// Solves the program (by working sets when it has many variables that may be fixed at their lower bounds);
    /// `infeasible` names the argument to blame when no point satisfies the constraints.
    pub(crate) fn solve(self, infeasible: &'static str) -> Result<Vec<f64>, OptimizeError> {
        solve(&self, infeasible)
    }
}

/// Solves `program`, by working sets when it has many variables that may be fixed at their lower bounds.
fn solve(program: &Program, infeasible: &'static str) -> Result<Vec<f64>, OptimizeError> {
    let n = program.vars;
    let fixable: Vec<usize> = (0..n).filter(|&k| program.fixable[k].is_some()).collect();
    if fixable.len() < MIN_SCREENED {
        return Ok(program.solve_with(&vec![true; n], infeasible)?.x);
    }
    // P by rows (both triangles) and the rows' coefficients by variable, for the multipliers
    let mut p_rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(i, j, v) in &program.p {
        p_rows[i].push((j, v));
        if i != j {
            p_rows[j].push((i, v));
        }
    }
    let mut columns: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut row_count = 0;
    for (r, row) in program.rows().enumerate() {
        for &(k, v) in &row.coeffs {
            columns[k].push((r, v));
        }
        row_count = r + 1;
    }
    let gradient =
        |x: &[f64], k: usize| -> f64 { program.q[k] + p_rows[k].iter().map(|&(j, v)| v * x[j]).sum::<f64>() };
    // First working set: the assets whose objective falls fastest from the even portfolio.
    let even: Vec<f64> =
        (0..n).map(|k| if program.fixable[k].is_some() { 1.0 / fixable.len() as f64 } else { 0.0 }).collect();
    let mut order: Vec<(f64, usize)> = fixable.iter().map(|&k| (gradient(&even, k), k)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let batch = (fixable.len() / 8).max(32);
    let mut free = vec![true; n];
    fixable.iter().for_each(|&k| free[k] = false);
    order.iter().take(batch).for_each(|&(_, k)| free[k] = true);
    let mut next = batch;
    loop {
        let solved = match program.solve_with(&free, infeasible) {
            Ok(s) => s,
            // too few assets to meet the constraints (caps, a target): widen the set in the first order
            Err(OptimizeError::Infeasible { .. }) if next < order.len() => {
                order.iter().skip(next).take(batch).for_each(|&(_, k)| free[k] = true);
                next += batch;
                continue;
            }
            // a working set the solver could not settle (numerically): the whole program instead
            Err(OptimizeError::NotSolved { .. }) if free.iter().any(|f| !f) => {
                return Ok(program.solve_with(&vec![true; n], infeasible)?.x);
            }
            Err(e) => return Err(e),
        };
        let mut z = vec![0.0; row_count];
        for &(r, v) in &solved.duals {
            z[r] = v;
        }
        let mut violated: Vec<(f64, usize)> = Vec::new();
        let mut scale = f64::MIN_POSITIVE;
        for &k in fixable.iter().filter(|&&k| !free[k]) {
            let g = gradient(&solved.x, k);
            let mu = g + columns[k].iter().map(|&(r, a)| a * z[r]).sum::<f64>();
            scale = scale.max(g.abs());
            if mu < 0.0 {
                violated.push((mu, k));
            }
        }
        violated.retain(|&(mu, _)| mu < -1e-9 * scale);
        if violated.is_empty() {
            return Ok(solved.x);
        }
        violated.sort_by(|a, b| a.0.total_cmp(&b.0));
        violated.iter().take(batch).for_each(|&(_, k)| free[k] = true);
    }
}
