//! The tear sheet page: a summary table (portfolio against benchmark), the charts, the yearly and monthly returns,
//! the deepest drawdowns and the compliance timeline, with the CSS inline.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Datelike;

use super::series::ChartSeries;
use super::svg::{self, escape, Format, Line, BENCHMARK, GAIN, LOSS, PORTFOLIO};
use super::TearSheet;
use crate::compliance::Status;
use crate::error::MetricsError;
use crate::metrics::{Metrics, MetricsOptions};

const STYLE: &str = r#"
:root{color-scheme:light;--ink:#1a1a1a;--muted:#595959;--line:#d9d9d9}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
p.sub{color:var(--muted);margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right}th:first-child,td:first-child{text-align:left}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px 24px}
svg.chart{width:100%;height:auto;display:block}
svg .ct{font-size:13px;font-weight:600;fill:var(--ink)}
svg .yl{font-size:11px;fill:var(--muted);text-anchor:end}svg .xl{font-size:11px;fill:var(--muted);text-anchor:middle}
svg .lg{font-size:11px;fill:var(--ink)}svg .grid{stroke:#ececec}svg .zero{stroke:#8c8c8c}
svg .line{fill:none;stroke-width:1.5}svg .area{opacity:.25}svg .span{fill:#b3261e;opacity:.08}
svg .cv{font-size:10px;text-anchor:middle;fill:var(--ink)}svg .cv.on{fill:#fff}
.neg{color:#b3261e}.pos{color:#1b7f3b}
footer{color:var(--muted);font-size:12px;margin:2rem 0 1rem}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}svg.chart,table{break-inside:avoid}}
"#;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The rows of the key-metrics table: (label, field name, format).
const KEY_METRICS: [(&str, &str, Format); 14] = [
    ("Cumulative return", "cum_returns_final", Format::Percent),
    ("Annual return (CAGR)", "annual_return", Format::Percent),
    ("Annual volatility", "annual_volatility", Format::Percent),
    ("Sharpe ratio", "sharpe_ratio", Format::Number),
    ("Sortino ratio", "sortino_ratio", Format::Number),
    ("Max drawdown", "max_drawdown", Format::Percent),
    ("Calmar ratio", "calmar_ratio", Format::Number),
    ("Omega ratio", "omega_ratio", Format::Number),
    ("Stability", "stability_of_timeseries", Format::Number),
    ("Tail ratio", "tail_ratio", Format::Number),
    ("Daily value at risk", "value_at_risk", Format::Percent),
    ("Expected shortfall", "conditional_value_at_risk", Format::Percent),
    ("Skew", "skew", Format::Number),
    ("Kurtosis", "kurtosis", Format::Number),
];

fn metric(fields: &[(&'static str, crate::report::Value<'static>)], name: &str) -> f64 {
    match fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v) {
        Some(crate::report::Value::Float(x)) => *x,
        _ => f64::NAN,
    }
}

fn signed(v: f64, format: Format) -> String {
    let class = if v < 0.0 { "neg" } else { "" };
    format!(r#"<td class="{class}">{}</td>"#, format.write(v))
}

/// The page.
pub(super) fn page(sheet: &TearSheet<'_>, s: &ChartSeries) -> Result<String, MetricsError> {
    let options = MetricsOptions { period: sheet.period, ..MetricsOptions::default() };
    let ours = Metrics::compute(sheet.returns, sheet.benchmark.map(|b| b.1), &options)?;
    let theirs = sheet.benchmark.map(|(_, b)| Metrics::compute(b, None, &options)).transpose()?;
    let bench_name = sheet.benchmark.map_or("", |b| b.0);
    let mut out = String::with_capacity(256 * 1024);
    let range = match (s.dates.first(), s.dates.last()) {
        (Some(a), Some(b)) => format!("{a} to {b}, {} periods", s.dates.len()),
        _ => "no periods".to_owned(),
    };
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{t}</title><link rel="icon" href="data:,"><style>{STYLE}</style></head><body><main><h1>{t}</h1><p class="sub">{range}{vs}</p>"#,
        t = escape(sheet.title),
        vs = if bench_name.is_empty() { String::new() } else { format!(" · against {}", escape(bench_name)) }
    );

    // key metrics
    out.push_str(r#"<h2>Key metrics</h2><table id="metrics"><thead><tr><th>Metric</th><th>Portfolio</th>"#);
    if theirs.is_some() {
        let _ = write!(out, "<th>{}</th>", escape(bench_name));
    }
    out.push_str("</tr></thead><tbody>");
    let our_fields = ours.fields();
    let their_fields = theirs.as_ref().map(Metrics::fields);
    for (label, name, format) in KEY_METRICS {
        let _ =
            write!(out, r#"<tr data-metric="{name}"><td>{label}</td>{}"#, signed(metric(&our_fields, name), format));
        if let Some(t) = &their_fields {
            out.push_str(&signed(metric(t, name), format));
        }
        out.push_str("</tr>");
    }
    if let Some(b) = &ours.benchmark {
        for (label, v, format) in [
            ("Alpha (annual)", b.alpha, Format::Percent),
            ("Beta", b.beta, Format::Number),
            ("Correlation", b.correlation, Format::Number),
            ("Tracking error", b.tracking_error, Format::Percent),
            ("Excess Sharpe (information ratio per period)", b.excess_sharpe, Format::Number),
            ("Up capture", b.up_capture, Format::Number),
            ("Down capture", b.down_capture, Format::Number),
        ] {
            let _ = write!(out, r#"<tr><td>{label}</td>{}<td></td></tr>"#, signed(v, format));
        }
    }
    for (label, value) in sheet.summary {
        let _ = write!(out, "<tr><td>{}</td><td>{}</td>", escape(label), escape(value));
        if theirs.is_some() {
            out.push_str("<td></td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");

    // charts over time
    let x_labels = year_labels(s);
    let mut cumulative = vec![Line { label: "Portfolio", color: PORTFOLIO, values: &s.cumulative, fill: false }];
    if let Some(b) = &s.benchmark_cumulative {
        cumulative.push(Line { label: bench_name, color: BENCHMARK, values: b, fill: false });
    }
    out.push_str("<h2>Returns</h2>");
    out.push_str(&svg::lines("cumulative", "Cumulative return", &cumulative, &x_labels, Format::Percent, &[]));
    let log = |v: &[f64]| -> Vec<f64> { v.iter().map(|x| (1.0 + x).ln()).collect() };
    let log_ours = log(&s.cumulative);
    let log_theirs = s.benchmark_cumulative.as_deref().map(log);
    let mut log_lines = vec![Line { label: "Portfolio", color: PORTFOLIO, values: &log_ours, fill: false }];
    if let Some(b) = &log_theirs {
        log_lines.push(Line { label: bench_name, color: BENCHMARK, values: b, fill: false });
    }
    out.push_str(&svg::lines(
        "cumulative-log",
        "Cumulative return, log scale (ln of growth)",
        &log_lines,
        &x_labels,
        Format::Number,
        &[],
    ));
    let spans: Vec<(usize, usize)> = s
        .drawdowns
        .iter()
        .filter_map(|d| {
            let a = s.dates.binary_search(&d.peak).ok()?;
            let b = d.recovery.and_then(|r| s.dates.binary_search(&r).ok()).unwrap_or(s.dates.len().saturating_sub(1));
            Some((a, b))
        })
        .collect();
    let under = [Line { label: "Drawdown", color: LOSS, values: &s.underwater, fill: true }];
    out.push_str(&svg::lines(
        "underwater",
        "Underwater (drawdown from the previous high; the 5 deepest shaded)",
        &under,
        &x_labels,
        Format::Percent,
        &spans,
    ));

    // yearly and monthly
    out.push_str("<h2>Years and months</h2>");
    let years: Vec<String> = s.yearly.iter().map(|y| y.0.to_string()).collect();
    let mut yearly = vec![("Portfolio", PORTFOLIO, s.yearly.iter().map(|y| y.1).collect::<Vec<_>>())];
    if sheet.benchmark.is_some() {
        yearly.push((bench_name, BENCHMARK, s.yearly.iter().map(|y| y.2).collect()));
    }
    out.push_str(&svg::bars("yearly", "Yearly returns", &years, &yearly, Format::Percent));
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for m in &s.monthly {
        by_year.entry(m.year).or_insert_with(|| vec![f64::NAN; 12])[(m.month - 1) as usize] = m.value;
    }
    let rows: Vec<String> = by_year.keys().map(i32::to_string).collect();
    let cells: Vec<Vec<f64>> = by_year.into_values().collect();
    out.push_str(&svg::heatmap("monthly", "Monthly returns", &rows, &MONTHS, &cells));

    // rolling
    let _ = write!(out, "<h2>Rolling ({} periods)</h2><div class=\"grid2\">", s.rolling_window);
    let one = |id: &str, title: &str, values: &[f64], format: Format| {
        svg::lines(id, title, &[Line { label: title, color: PORTFOLIO, values, fill: false }], &x_labels, format, &[])
    };
    out.push_str(&one("rolling-sharpe", "Rolling Sharpe ratio", &s.rolling_sharpe, Format::Number));
    out.push_str(&one("rolling-sortino", "Rolling Sortino ratio", &s.rolling_sortino, Format::Number));
    out.push_str(&one("rolling-volatility", "Rolling volatility", &s.rolling_volatility, Format::Percent));
    if let Some(b) = &s.rolling_beta {
        out.push_str(&one("rolling-beta", &format!("Rolling beta to {bench_name}"), b, Format::Number));
    }
    out.push_str("</div>");

    // distribution and drawdowns
    out.push_str("<h2>Distribution and drawdowns</h2>");
    let bins: Vec<(f64, f64, usize)> = s.distribution.iter().map(|b| (b.from, b.to, b.count)).collect();
    out.push_str(&svg::histogram("distribution", "Distribution of returns", &bins));
    out.push_str(r#"<table id="drawdowns"><thead><tr><th>Peak</th><th>Valley</th><th>Recovery</th><th>Depth</th></tr></thead><tbody>"#);
    for d in &s.drawdowns {
        let recovery = d.recovery.map_or_else(|| "not recovered".to_owned(), |r| r.to_string());
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{recovery}</td>{}</tr>",
            d.peak,
            d.valley,
            signed(d.depth, Format::Percent)
        );
    }
    out.push_str("</tbody></table>");

    if !sheet.compliance.is_empty() || !sheet.day_trades.is_empty() {
        out.push_str(&timeline(sheet));
    }
    let _ = write!(
        out,
        "<footer>Computed by kairo {}: metrics as empyrical defines them (annualization {}, risk-free rate 0).</footer></main></body></html>",
        env!("CARGO_PKG_VERSION"),
        sheet.period.annualization()
    );
    Ok(out)
}

/// Labels at each year's first period.
fn year_labels(s: &ChartSeries) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, d) in s.dates.iter().enumerate() {
        if out.last().is_none_or(|(_, y)| *y != d.year().to_string()) {
            out.push((i, d.year().to_string()));
        }
    }
    if out.len() <= 1 {
        // one year: months instead
        out.clear();
        for (i, d) in s.dates.iter().enumerate() {
            let label = MONTHS[d.month0() as usize].to_owned();
            if out.last().is_none_or(|(_, m)| *m != label) {
                out.push((i, label));
            }
        }
    }
    out
}

/// The compliance timeline: flags and failures by month and check, and the table of them.
fn timeline(sheet: &TearSheet<'_>) -> String {
    let mut by_check: BTreeMap<&str, BTreeMap<(i32, u32), usize>> = BTreeMap::new();
    let mut months: Vec<(i32, u32)> = Vec::new();
    for e in sheet.compliance.iter().filter(|e| e.status != Status::Pass) {
        let key = (e.date.year(), e.date.month());
        *by_check.entry(e.check.as_str()).or_default().entry(key).or_default() += 1;
        months.push(key);
    }
    months.sort_unstable();
    months.dedup();
    let labels: Vec<String> = months.iter().map(|(y, m)| format!("{y}-{m:02}")).collect();
    let palette = [LOSS, PORTFOLIO, GAIN, BENCHMARK, "#8a5a00", "#6a3d9a"];
    let series: Vec<(&str, &str, Vec<f64>)> = by_check
        .iter()
        .enumerate()
        .map(|(i, (check, counts))| {
            (
                *check,
                palette[i % palette.len()],
                months.iter().map(|m| counts.get(m).map_or(0.0, |c| *c as f64)).collect(),
            )
        })
        .collect();
    let mut out = String::from("<h2>Compliance timeline</h2>");
    if !series.is_empty() {
        out.push_str(&svg::bars(
            "compliance",
            "Flags and failures per month, by check",
            &labels,
            &series,
            Format::Count,
        ));
    }
    if !sheet.day_trades.is_empty() {
        // the count after each checked trade, the last of each date; the PDT threshold (4) drawn as a line
        let mut last: Vec<(chrono::NaiveDate, f64)> = Vec::new();
        for &(date, count) in sheet.day_trades {
            match last.last_mut() {
                Some(l) if l.0 == date => l.1 = f64::from(count),
                _ => last.push((date, f64::from(count))),
            }
        }
        let counts: Vec<f64> = last.iter().map(|l| l.1).collect();
        let threshold = vec![4.0; counts.len()];
        let labels: Vec<(usize, String)> = {
            let mut l: Vec<(usize, String)> = Vec::new();
            for (i, (d, _)) in last.iter().enumerate() {
                let m = format!("{}-{:02}", d.year(), d.month());
                if l.last().is_none_or(|(_, x)| *x != m) {
                    l.push((i, m));
                }
            }
            l
        };
        let lines = [
            Line { label: "Day trades in the window", color: PORTFOLIO, values: &counts, fill: false },
            Line { label: "Pattern day trader at 4", color: LOSS, values: &threshold, fill: false },
        ];
        out.push_str(&svg::lines(
            "pdt-window",
            "Day trades in the 5-business-day PDT window",
            &lines,
            &labels,
            Format::Count,
            &[],
        ));
    }
    out.push_str(
        r#"<table id="compliance-table"><thead><tr><th>Check</th><th>Flags</th><th>Failures</th></tr></thead><tbody>"#,
    );
    let mut totals: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for e in sheet.compliance {
        let t = totals.entry(e.check.as_str()).or_default();
        match e.status {
            Status::Flag => t.0 += 1,
            Status::Fail => t.1 += 1,
            Status::Pass => {}
        }
    }
    for (check, (flags, fails)) in totals {
        let _ = write!(out, "<tr><td>{}</td><td>{flags}</td><td>{fails}</td></tr>", escape(check));
    }
    out.push_str("</tbody></table>");
    out
}
