//! Mergeable moments of one series and co-moments of two (Chan, Golub & LeVeque 1979; Pébay 2008).

/// Mergeable moments of the known values of one series, up to the fourth.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Moments {
    pub(crate) n: f64,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
    pub(crate) m3: f64,
    pub(crate) m4: f64,
}

impl Moments {
    /// The moments of the union of two disjoint samples (Pébay 2008, eqs. 2.1–2.3).
    pub(crate) fn merge(self, b: Moments) -> Moments {
        let a = self;
        if a.n == 0.0 {
            return b;
        }
        if b.n == 0.0 {
            return a;
        }
        let n = a.n + b.n;
        let d = b.mean - a.mean;
        let dn = d / n;
        let dn2 = dn * dn;
        let t = d * dn * a.n * b.n;
        Moments {
            n,
            mean: a.mean + dn * b.n,
            m2: a.m2 + b.m2 + t,
            m3: a.m3 + b.m3 + t * dn * (a.n - b.n) + 3.0 * dn * (a.n * b.m2 - b.n * a.m2),
            m4: a.m4
                + b.m4
                + t * dn2 * (a.n * a.n - a.n * b.n + b.n * b.n)
                + 6.0 * dn2 * (a.n * a.n * b.m2 + b.n * b.n * a.m2)
                + 4.0 * dn * (a.n * b.m3 - b.n * a.m3),
        }
    }
}

/// Mergeable co-moments of the pairs where both series are known.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PairMoments {
    pub(crate) n: f64,
    pub(crate) mean_r: f64,
    pub(crate) mean_f: f64,
    pub(crate) mean_a: f64,
    pub(crate) m2_r: f64,
    pub(crate) m2_f: f64,
    pub(crate) m2_a: f64,
    pub(crate) c_rf: f64,
}

impl PairMoments {
    /// The co-moments of the union of two disjoint samples (Chan, Golub & LeVeque 1979).
    pub(crate) fn merge(self, b: PairMoments) -> PairMoments {
        let a = self;
        if a.n == 0.0 {
            return b;
        }
        if b.n == 0.0 {
            return a;
        }
        let n = a.n + b.n;
        let w = a.n * b.n / n;
        let (dr, df, da) = (b.mean_r - a.mean_r, b.mean_f - a.mean_f, b.mean_a - a.mean_a);
        PairMoments {
            n,
            mean_r: a.mean_r + dr * b.n / n,
            mean_f: a.mean_f + df * b.n / n,
            mean_a: a.mean_a + da * b.n / n,
            m2_r: a.m2_r + b.m2_r + dr * dr * w,
            m2_f: a.m2_f + b.m2_f + df * df * w,
            m2_a: a.m2_a + b.m2_a + da * da * w,
            c_rf: a.c_rf + b.c_rf + dr * df * w,
        }
    }
}
