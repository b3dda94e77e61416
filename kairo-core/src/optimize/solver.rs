//! The convex programs of the optimizers, handed to Clarabel (an interior-point conic solver, Apache-2.0):
//! `minimise ½ xᵀPx + qᵀx` subject to `Ax + s = b`, `s` in a product of cones (zero for equalities, non-negative
//! for inequalities, second-order and exponential cones). This module assembles the matrices, optionally with
//! some variables fixed at their lower bounds (for the working sets of large problems), and reads
//! back the solution and the constraints' multipliers. The formulation of each objective is documented where it
//! is built ([`frontier`](super::frontier), [`risk_parity`](super::risk_parity)).

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

use super::error::OptimizeError;

/// A sparse row `Σ a_k x_k` and its right-hand side `b`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    pub(crate) coeffs: Vec<(usize, f64)>,
    pub(crate) rhs: f64,
}

impl Row {
    pub(crate) fn new(coeffs: Vec<(usize, f64)>, rhs: f64) -> Self {
        Row { coeffs, rhs }
    }
}

/// A program under construction.
#[derive(Debug, Default)]
pub(crate) struct Program {
    pub(super) vars: usize,
    /// Upper-triangle entries of `P`: (row, column, value), row ≤ column.
    pub(super) p: Vec<(usize, usize, f64)>,
    pub(super) q: Vec<f64>,
    /// `a·x = b`
    pub(super) equalities: Vec<Row>,
    /// `a·x ≤ b`
    pub(super) inequalities: Vec<Row>,
    /// For each inequality, the variable it bounds, if it is one of that variable's bounds (dropped, being
    /// inactive or the fixing bound itself, when the variable is fixed).
    pub(super) bounds_of: Vec<Option<usize>>,
    /// `‖(b_k − a_k·x)_{k≥1}‖ ≤ b_0 − a_0·x`, one block per cone
    pub(super) second_order: Vec<Vec<Row>>,
    /// `(b − a·x)` in the exponential cone `{(u, v, w): v e^(u/v) ≤ w}`, three rows per cone
    pub(super) exponential: Vec<[Row; 3]>,
    /// For each variable, the lower bound at which a working set may fix it (`None`: always free).
    pub(super) fixable: Vec<Option<f64>>,
}

/// A solution of a program with some variables fixed.
pub(super) struct Solved {
    /// Every variable, the fixed ones at their bounds.
    pub(super) x: Vec<f64>,
    /// The multiplier of each row kept, by the row's number in the whole program ([`Program::row_count`] order:
    /// equalities, inequalities, then the cones' rows).
    pub(super) duals: Vec<(usize, f64)>,
}

impl Program {
    pub(crate) fn new(vars: usize) -> Self {
        Program { vars, q: vec![0.0; vars], fixable: vec![None; vars], ..Program::default() }
    }

    /// Adds `½ · scale · xᵀ M x` over the variables `offset..offset + n`, `M` symmetric `n × n` given row by row.
    pub(crate) fn quadratic(&mut self, m: &[f64], n: usize, offset: usize, scale: f64) {
        self.p.reserve(n * (n + 1) / 2);
        for j in 0..n {
            for i in 0..=j {
                let v = m[i * n + j] * scale;
                if v != 0.0 {
                    self.p.push((offset + i, offset + j, v));
                }
            }
        }
    }

    /// Adds `½ · v · x_k²`.
    pub(crate) fn diagonal(&mut self, k: usize, v: f64) {
        self.p.push((k, k, v));
    }

    /// Adds `c · x_k` to the objective.
    pub(crate) fn linear(&mut self, k: usize, c: f64) {
        self.q[k] += c;
    }

    pub(crate) fn equal(&mut self, row: Row) {
        self.equalities.push(row);
    }

    pub(crate) fn at_most(&mut self, row: Row) {
        self.inequalities.push(row);
        self.bounds_of.push(None);
    }

    /// `row ≤` as one of `x_k`'s bounds (a row whose other terms, if any, only scale the bound).
    pub(crate) fn bound(&mut self, k: usize, row: Row) {
        self.inequalities.push(row);
        self.bounds_of.push(Some(k));
    }

    pub(crate) fn second_order(&mut self, rows: Vec<Row>) {
        self.second_order.push(rows);
    }

    pub(crate) fn exponential(&mut self, rows: [Row; 3]) {
        self.exponential.push(rows);
    }

    /// Marks `x_k ≥ lower` (a row the caller adds itself) as a bound a working set may fix `x_k` at.
    pub(crate) fn fixable(&mut self, k: usize, lower: f64) {
        self.fixable[k] = Some(lower);
    }

    /// All the rows, in the order of their numbers.
    pub(super) fn rows(&self) -> impl Iterator<Item = &Row> {
        self.equalities
            .iter()
            .chain(&self.inequalities)
            .chain(self.second_order.iter().flatten())
            .chain(self.exponential.iter().flatten())
    }

    /// Solves the program with the variables where `free` is false fixed at their lower bounds.
    pub(super) fn solve_with(&self, free: &[bool], infeasible: &'static str) -> Result<Solved, OptimizeError> {
        let fixed = |k: usize| if free[k] { None } else { self.fixable[k] };
        // the variables kept, renumbered
        let mut index = vec![usize::MAX; self.vars];
        let mut kept = Vec::with_capacity(self.vars);
        for (k, slot) in index.iter_mut().enumerate() {
            if fixed(k).is_none() {
                *slot = kept.len();
                kept.push(k);
            }
        }
        let mut q: Vec<f64> = kept.iter().map(|&k| self.q[k]).collect();
        let (mut pi, mut pj, mut pv) = (Vec::new(), Vec::new(), Vec::new());
        for &(i, j, v) in &self.p {
            match (fixed(i), fixed(j)) {
                (None, None) => {
                    pi.push(index[i]);
                    pj.push(index[j]);
                    pv.push(v);
                }
                // ½ xᵀPx with x_j fixed: the cross term P_ij x_j moves into q_i
                (None, Some(xj)) => q[index[i]] += v * xj,
                (Some(xi), None) => q[index[j]] += v * xi,
                (Some(_), Some(_)) => {}
            }
        }
        let n = kept.len();
        let p = CscMatrix::new_from_triplets(n, n, pi, pj, pv);
        let mut cones = Vec::new();
        let (mut ai, mut aj, mut av, mut b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut numbers = Vec::new();
        let mut number = 0;
        // a row over the free variables, its fixed terms moved to the right-hand side; `None` when no free
        // variable is left and the row may be dropped
        let mut push = |row: &Row, keep_empty: bool, b: &mut Vec<f64>, numbers: &mut Vec<usize>, number: usize| {
            let mut rhs = row.rhs;
            let start = ai.len();
            for &(k, v) in &row.coeffs {
                match fixed(k) {
                    None => {
                        ai.push(b.len());
                        aj.push(index[k]);
                        av.push(v);
                    }
                    Some(xk) => rhs -= v * xk,
                }
            }
            if ai.len() == start && !keep_empty {
                return false;
            }
            b.push(rhs);
            numbers.push(number);
            true
        };
        let mut count = 0;
        for row in &self.equalities {
            count += usize::from(push(row, false, &mut b, &mut numbers, number));
            number += 1;
        }
        if count > 0 {
            cones.push(SupportedConeT::ZeroConeT(count));
        }
        count = 0;
        for (row, of) in self.inequalities.iter().zip(&self.bounds_of) {
            if !of.is_some_and(|k| fixed(k).is_some()) {
                count += usize::from(push(row, false, &mut b, &mut numbers, number));
            }
            number += 1;
        }
        if count > 0 {
            cones.push(SupportedConeT::NonnegativeConeT(count));
        }
        for block in &self.second_order {
            for row in block {
                push(row, true, &mut b, &mut numbers, number);
                number += 1;
            }
            cones.push(SupportedConeT::SecondOrderConeT(block.len()));
        }
        for block in &self.exponential {
            for row in block {
                push(row, true, &mut b, &mut numbers, number);
                number += 1;
            }
            cones.push(SupportedConeT::ExponentialConeT());
        }
        let a = CscMatrix::new_from_triplets(b.len(), n, ai, aj, av);
        let settings = DefaultSettings {
            verbose: false,
            max_threads: 1,
            direct_solve_method: "faer".to_owned(),
            tol_gap_abs: 1e-12,
            tol_gap_rel: 1e-12,
            tol_feas: 1e-12,
            ..DefaultSettings::default()
        };
        let mut solver = DefaultSolver::new(&p, &q, &a, &b, &cones, settings)
            .map_err(|e| OptimizeError::NotSolved { status: e.to_string() })?;
        solver.solve();
        match solver.solution.status {
            SolverStatus::Solved | SolverStatus::AlmostSolved => {}
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
                return Err(OptimizeError::infeasible(infeasible, "the constraints exclude every portfolio"))
            }
            status => return Err(OptimizeError::NotSolved { status: format!("{status:?}") }),
        }
        let mut x: Vec<f64> = (0..self.vars).map(|k| fixed(k).unwrap_or(0.0)).collect();
        for (slot, &k) in kept.iter().enumerate() {
            x[k] = solver.solution.x[slot];
        }
        let duals = numbers.into_iter().zip(solver.solution.z.iter().copied()).collect();
        Ok(Solved { x, duals })
    }
}
