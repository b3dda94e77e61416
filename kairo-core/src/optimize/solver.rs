//! The convex programs of the optimizers, handed to Clarabel (an interior-point conic solver, Apache-2.0):
//! `minimise ½ xᵀPx + qᵀx` subject to `Ax + s = b`, `s` in a product of cones (zero for equalities, non-negative
//! for inequalities, second-order and exponential cones). This module only assembles the matrices; the
//! formulation of each objective is documented where it is built ([`frontier`](super::frontier),
//! [`risk_parity`](super::risk_parity)).

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
    vars: usize,
    /// Upper-triangle entries of `P`: (row, column, value), row ≤ column.
    p: Vec<(usize, usize, f64)>,
    q: Vec<f64>,
    /// `a·x = b`
    equalities: Vec<Row>,
    /// `a·x ≤ b`
    inequalities: Vec<Row>,
    /// `‖(b_k − a_k·x)_{k≥1}‖ ≤ b_0 − a_0·x`, one block per cone
    second_order: Vec<Vec<Row>>,
    /// `(b − a·x)` in the exponential cone `{(u, v, w): v e^(u/v) ≤ w}`, three rows per cone
    exponential: Vec<[Row; 3]>,
}

impl Program {
    pub(crate) fn new(vars: usize) -> Self {
        Program { vars, q: vec![0.0; vars], ..Program::default() }
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
    }

    pub(crate) fn second_order(&mut self, rows: Vec<Row>) {
        self.second_order.push(rows);
    }

    pub(crate) fn exponential(&mut self, rows: [Row; 3]) {
        self.exponential.push(rows);
    }

    /// Solves the program; `infeasible` names the argument to blame when no point satisfies the constraints.
    pub(crate) fn solve(self, infeasible: &'static str) -> Result<Vec<f64>, OptimizeError> {
        let Program { vars, p, q, equalities, inequalities, second_order, exponential } = self;
        let (pi, (pj, pv)): (Vec<usize>, (Vec<usize>, Vec<f64>)) = p.into_iter().map(|(i, j, v)| (i, (j, v))).unzip();
        let p = CscMatrix::new_from_triplets(vars, vars, pi, pj, pv);
        let mut cones = Vec::new();
        let (mut ai, mut aj, mut av, mut b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut push = |row: &Row, b: &mut Vec<f64>| {
            let r = b.len();
            for &(k, v) in &row.coeffs {
                ai.push(r);
                aj.push(k);
                av.push(v);
            }
            b.push(row.rhs);
        };
        if !equalities.is_empty() {
            equalities.iter().for_each(|r| push(r, &mut b));
            cones.push(SupportedConeT::ZeroConeT(equalities.len()));
        }
        if !inequalities.is_empty() {
            inequalities.iter().for_each(|r| push(r, &mut b));
            cones.push(SupportedConeT::NonnegativeConeT(inequalities.len()));
        }
        for block in &second_order {
            block.iter().for_each(|r| push(r, &mut b));
            cones.push(SupportedConeT::SecondOrderConeT(block.len()));
        }
        for block in &exponential {
            block.iter().for_each(|r| push(r, &mut b));
            cones.push(SupportedConeT::ExponentialConeT());
        }
        let a = CscMatrix::new_from_triplets(b.len(), vars, ai, aj, av);
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
            SolverStatus::Solved | SolverStatus::AlmostSolved => Ok(solver.solution.x),
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
                Err(OptimizeError::infeasible(infeasible, "the constraints exclude every portfolio"))
            }
            status => Err(OptimizeError::NotSolved { status: format!("{status:?}") }),
        }
    }
}
