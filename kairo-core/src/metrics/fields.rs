//! A [`Metrics`] report as one list of named values ([`Value`]): what Python's dict and Node's object are built
//! from, and what its JSON holds (a test), so that a metric added to the report reaches every surface.

use super::summary::{BenchmarkMetrics, Metrics};
use crate::report::Value;

impl Metrics {
    /// Every field by name, in order: `periods`, `observations`, the metrics of the series, then (with a benchmark)
    /// the metrics against it. The names are those of the struct and of its JSON, where the benchmark's metrics
    /// are nested under `benchmark`; Python's dict has them flattened in, Node's object too, in camelCase.
    ///
    /// ```
    /// use kairo_core::metrics::{Metrics, MetricsOptions};
    /// use kairo_core::report::Value;
    /// let m = Metrics::compute(&[0.01, -0.02, 0.03], None, &MetricsOptions::default()).unwrap();
    /// let fields = m.fields();
    /// assert_eq!(fields[0], ("periods", Value::Int(3)));
    /// assert_eq!(fields.len(), 20); // 8 more with a benchmark
    /// ```
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        use Value::Float as Number;
        let count = |n: usize| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let mut out = vec![
            ("periods", count(self.periods)),
            ("observations", count(self.observations)),
            ("cum_returns_final", Number(self.cum_returns_final)),
            ("annual_return", Number(self.annual_return)),
            ("annual_volatility", Number(self.annual_volatility)),
            ("sharpe_ratio", Number(self.sharpe_ratio)),
            ("sortino_ratio", Number(self.sortino_ratio)),
            ("downside_risk", Number(self.downside_risk)),
            ("max_drawdown", Number(self.max_drawdown)),
            ("calmar_ratio", Number(self.calmar_ratio)),
            ("omega_ratio", Number(self.omega_ratio)),
            ("tail_ratio", Number(self.tail_ratio)),
            ("stability_of_timeseries", Number(self.stability_of_timeseries)),
            ("value_at_risk", Number(self.value_at_risk)),
            ("conditional_value_at_risk", Number(self.conditional_value_at_risk)),
            ("parametric_var", Number(self.parametric_var)),
            ("cornish_fisher_var", Number(self.cornish_fisher_var)),
            ("skew", Number(self.skew)),
            ("kurtosis", Number(self.kurtosis)),
            ("probabilistic_sharpe_ratio", Number(self.probabilistic_sharpe_ratio)),
        ];
        if let Some(b) = &self.benchmark {
            out.extend(b.fields().into_iter().map(|(k, v)| (k, Number(v))));
        }
        out
    }
}

impl BenchmarkMetrics {
    /// Every metric by name, in order (the names of the struct and of its JSON).
    pub fn fields(&self) -> [(&'static str, f64); 8] {
        [
            ("alpha", self.alpha),
            ("beta", self.beta),
            ("correlation", self.correlation),
            ("up_capture", self.up_capture),
            ("down_capture", self.down_capture),
            ("up_down_capture", self.up_down_capture),
            ("excess_sharpe", self.excess_sharpe),
            ("tracking_error", self.tracking_error),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricsOptions;

    #[test]
    fn the_list_is_the_json_in_the_same_order() {
        // Every field of the struct (as serde writes it) is in the list, in the struct's order, and nothing else:
        // a field added to the struct and not to the list fails here.
        let r = [0.01, -0.02, 0.03, 0.005, -0.01];
        let f = [0.02, -0.01, 0.01, 0.0, -0.02];
        let m = Metrics::compute(&r, Some(&f), &MetricsOptions::default()).unwrap();
        // The keys in the order serde writes them (a `Value` would sort them).
        let text = serde_json::to_string(&m).unwrap();
        let keys: Vec<&str> = text
            .split('"')
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w[1].starts_with(':'))
            .map(|w| w[0])
            .filter(|k| *k != "benchmark")
            .collect();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let names: Vec<&str> = m.fields().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, names);
        for (k, v) in m.fields() {
            let j = json.get(k).or_else(|| json["benchmark"].get(k)).unwrap();
            match v {
                Value::Int(n) => assert_eq!(j.as_i64(), Some(n)),
                Value::Float(x) => {
                    assert_eq!(j.as_f64().map(f64::to_bits), Some(x).filter(|x| x.is_finite()).map(f64::to_bits))
                }
                other => panic!("{k}: {other:?}"),
            }
        }
    }
}
