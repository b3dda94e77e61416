//! Charts as inline SVG, written by kairo: lines (with an optional filled area and shaded spans), grouped bars, a
//! heat map, a histogram and a timeline. Each chart is one `<svg>` element with a `viewBox` (it scales with the
//! page), a `<title>` for screen readers, axis labels and a legend; no script, no external resource, no font file.

use std::fmt::Write;

/// Width and height of every chart's coordinate system.
pub(crate) const WIDTH: f64 = 720.0;
pub(crate) const HEIGHT: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 28.0;
/// Points drawn per line at most: longer series keep the first, lowest, highest and last value of each bucket.
const MAX_POINTS: usize = 1200;

/// Colours with readable contrast on white (WCAG AA for the text ones).
pub(crate) const PORTFOLIO: &str = "#1f5fbf";
pub(crate) const BENCHMARK: &str = "#6b6b6b";
pub(crate) const LOSS: &str = "#b3261e";
pub(crate) const GAIN: &str = "#1b7f3b";

/// How the values of an axis are written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    /// `12.3%`
    Percent,
    /// `1.23`
    Number,
    /// `12`
    Count,
}

impl Format {
    pub(crate) fn write(self, v: f64) -> String {
        if !v.is_finite() {
            return "–".to_owned();
        }
        match self {
            Format::Percent => format!("{:.1}%", v * 100.0),
            Format::Number => format!("{v:.2}"),
            Format::Count => format!("{v:.0}"),
        }
    }
}

/// Escapes text for XML.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A line to draw: its label, colour and values (NaN leaves a gap).
pub(crate) struct Line<'a> {
    pub(crate) label: &'a str,
    pub(crate) color: &'a str,
    pub(crate) values: &'a [f64],
    /// Fill the area between the line and zero.
    pub(crate) fill: bool,
}

/// Nice tick values covering `[lo, hi]`.
fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// The value range of the lines (zero included), widened a little.
fn range<'a>(series: impl Iterator<Item = &'a [f64]>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for s in series {
        for &v in s.iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if hi == lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    (lo - pad, hi + pad)
}

/// The indexes drawn of a series of `n` values.
fn kept(values: &[f64]) -> Vec<usize> {
    let n = values.len();
    if n <= MAX_POINTS {
        return (0..n).collect();
    }
    let bucket = n.div_ceil(MAX_POINTS / 4);
    let mut out = Vec::with_capacity(MAX_POINTS + 4);
    for start in (0..n).step_by(bucket) {
        let end = (start + bucket).min(n);
        let finite = (start..end).filter(|&i| values[i].is_finite());
        let lo = finite.clone().min_by(|&a, &b| values[a].total_cmp(&values[b]));
        let hi = finite.max_by(|&a, &b| values[a].total_cmp(&values[b]));
        let mut picks = vec![start, end - 1];
        picks.extend(lo);
        picks.extend(hi);
        picks.sort_unstable();
        picks.dedup();
        out.extend(picks);
    }
    out
}

/// The frame of a chart: background, title, y grid with labels, x labels.
struct Frame {
    out: String,
    lo: f64,
    hi: f64,
}

impl Frame {
    fn new(id: &str, title: &str, lo: f64, hi: f64, format: Format) -> Self {
        let mut out = String::with_capacity(32 * 1024);
        let _ = write!(
            out,
            r#"<svg id="{id}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-t" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{t}</title><text class="ct" x="{LEFT}" y="16">{t}</text>"#,
            t = escape(title)
        );
        let mut frame = Frame { out, lo, hi };
        for t in ticks(lo, hi, 5) {
            let y = frame.y(t);
            let _ = write!(
                frame.out,
                r#"<line class="grid" x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}"/><text class="yl" x="{xl}" y="{yt:.1}">{label}</text>"#,
                x2 = WIDTH - RIGHT,
                xl = LEFT - 6.0,
                yt = y + 4.0,
                label = format.write(t)
            );
        }
        frame
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (self.hi - v) / (self.hi - self.lo) * (HEIGHT - TOP - BOTTOM)
    }

    fn x(index: usize, n: usize) -> f64 {
        LEFT + if n > 1 { index as f64 / (n - 1) as f64 } else { 0.5 } * (WIDTH - LEFT - RIGHT)
    }

    /// Labels under the x axis at the given (index, text) places.
    fn x_labels(&mut self, n: usize, labels: &[(usize, String)]) {
        let every = labels.len().div_ceil(10).max(1);
        for (index, text) in labels.iter().step_by(every) {
            let _ = write!(
                self.out,
                r#"<text class="xl" x="{x:.1}" y="{y}">{t}</text>"#,
                x = Frame::x(*index, n),
                y = HEIGHT - 8.0,
                t = escape(text)
            );
        }
    }

    fn legend(&mut self, entries: &[(&str, &str)]) {
        let mut x = WIDTH - RIGHT - 150.0 * entries.len() as f64;
        for (label, color) in entries {
            let _ = write!(
                self.out,
                r#"<rect x="{x:.1}" y="7" width="12" height="4" fill="{color}"/><text class="lg" x="{tx:.1}" y="13">{t}</text>"#,
                tx = x + 16.0,
                t = escape(label)
            );
            x += 150.0;
        }
    }

    fn done(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// A line chart of one or more series over the same `n` periods; `spans` shades index ranges (drawdowns).
pub(crate) fn lines(
    id: &str,
    title: &str,
    lines: &[Line<'_>],
    x_labels: &[(usize, String)],
    format: Format,
    spans: &[(usize, usize)],
) -> String {
    let n = lines.iter().map(|l| l.values.len()).max().unwrap_or(0);
    let (lo, hi) = range(lines.iter().map(|l| l.values));
    let mut f = Frame::new(id, title, lo, hi, format);
    for &(a, b) in spans {
        let (x1, x2) = (Frame::x(a, n), Frame::x(b, n));
        let _ = write!(
            f.out,
            r#"<rect class="span" x="{x1:.1}" y="{TOP}" width="{w:.1}" height="{h:.1}"/>"#,
            w = (x2 - x1).max(1.0),
            h = HEIGHT - TOP - BOTTOM
        );
    }
    let zero = f.y(0.0);
    let _ = write!(
        f.out,
        r#"<line class="zero" x1="{LEFT}" x2="{x2}" y1="{zero:.1}" y2="{zero:.1}"/>"#,
        x2 = WIDTH - RIGHT
    );
    for line in lines {
        let mut d = String::with_capacity(line.values.len().min(MAX_POINTS) * 12);
        let mut pen_down = false;
        let mut first_x = None;
        let mut last_x = 0.0;
        for i in kept(line.values) {
            let v = line.values[i];
            if !v.is_finite() {
                pen_down = false;
                continue;
            }
            let (x, y) = (Frame::x(i, n), f.y(v));
            let _ = write!(d, "{}{x:.1},{y:.1}", if pen_down { "L" } else { "M" });
            pen_down = true;
            first_x.get_or_insert(x);
            last_x = x;
        }
        if d.is_empty() {
            continue;
        }
        if line.fill {
            let _ = write!(
                f.out,
                r#"<path class="area" fill="{c}" d="{d}L{last_x:.1},{zero:.1}L{fx:.1},{zero:.1}Z"/>"#,
                c = line.color,
                fx = first_x.unwrap_or(LEFT)
            );
        }
        let _ = write!(f.out, r#"<path class="line" stroke="{c}" d="{d}"/>"#, c = line.color);
    }
    f.x_labels(n, x_labels);
    let legend: Vec<(&str, &str)> = lines.iter().map(|l| (l.label, l.color)).collect();
    if legend.len() > 1 {
        f.legend(&legend);
    }
    f.done()
}

/// Grouped bars: one group per label, one bar per series (NaN bars are left out).
pub(crate) fn bars(
    id: &str,
    title: &str,
    labels: &[String],
    series: &[(&str, &str, Vec<f64>)],
    format: Format,
) -> String {
    let (lo, hi) = range(series.iter().map(|s| s.2.as_slice()));
    let mut f = Frame::new(id, title, lo, hi, format);
    let groups = labels.len().max(1);
    let slot = (WIDTH - LEFT - RIGHT) / groups as f64;
    let bar = (slot * 0.8) / series.len().max(1) as f64;
    let zero = f.y(0.0);
    for (g, label) in labels.iter().enumerate() {
        let x0 = LEFT + slot * g as f64 + slot * 0.1;
        for (k, (_, color, values)) in series.iter().enumerate() {
            let Some(&v) = values.get(g).filter(|v| v.is_finite()) else { continue };
            let y = f.y(v);
            let _ = write!(
                f.out,
                r#"<rect class="bar" fill="{color}" x="{x:.1}" y="{top:.1}" width="{w:.1}" height="{h:.1}"><title>{l}: {val}</title></rect>"#,
                x = x0 + bar * k as f64,
                top = y.min(zero),
                w = (bar - 1.0).max(1.0),
                h = (y - zero).abs().max(0.5),
                l = escape(label),
                val = format.write(v)
            );
        }
        let _ = write!(
            f.out,
            r#"<text class="xl" x="{x:.1}" y="{y}">{t}</text>"#,
            x = x0 + slot * 0.4,
            y = HEIGHT - 8.0,
            t = escape(label)
        );
    }
    let legend: Vec<(&str, &str)> = series.iter().map(|s| (s.0, s.1)).collect();
    if legend.len() > 1 {
        f.legend(&legend);
    }
    f.done()
}

/// A histogram: one bar per bin, `(from, to, count)`.
pub(crate) fn histogram(id: &str, title: &str, bins: &[(f64, f64, usize)]) -> String {
    let counts: Vec<f64> = bins.iter().map(|b| b.2 as f64).collect();
    let (_, hi) = range(std::iter::once(counts.as_slice()));
    let mut f = Frame::new(id, title, 0.0, hi, Format::Count);
    let width = (WIDTH - LEFT - RIGHT) / bins.len().max(1) as f64;
    for (i, (from, to, count)) in bins.iter().enumerate() {
        let y = f.y(*count as f64);
        let _ = write!(
            f.out,
            r#"<rect class="bar" fill="{PORTFOLIO}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"><title>{a} to {b}: {count}</title></rect>"#,
            x = LEFT + width * i as f64,
            w = (width - 1.0).max(1.0),
            h = (f.y(0.0) - y).max(0.0),
            a = Format::Percent.write(*from),
            b = Format::Percent.write(*to)
        );
    }
    let labels: Vec<(usize, String)> =
        bins.iter().enumerate().step_by(4).map(|(i, b)| (i, Format::Percent.write(b.0))).collect();
    f.x_labels(bins.len(), &labels);
    f.done()
}

/// A heat map of values by row and column, each cell coloured by sign and size and labelled with its value.
pub(crate) fn heatmap(id: &str, title: &str, rows: &[String], columns: &[&str], cells: &[Vec<f64>]) -> String {
    let height = TOP + 22.0 * rows.len() as f64 + 24.0;
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        r#"<svg id="{id}" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-t" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{t}</title><text class="ct" x="{LEFT}" y="16">{t}</text>"#,
        t = escape(title)
    );
    let scale = cells.iter().flatten().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs())).max(1e-9);
    let cell = (WIDTH - LEFT - RIGHT) / columns.len().max(1) as f64;
    for (j, c) in columns.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text class="xl" x="{x:.1}" y="{y}">{c}</text>"#,
            x = LEFT + cell * (j as f64 + 0.5),
            y = TOP + 6.0
        );
    }
    for (i, (row, values)) in rows.iter().zip(cells).enumerate() {
        let y = TOP + 12.0 + 22.0 * i as f64;
        let _ = write!(
            out,
            r#"<text class="yl" x="{x}" y="{ty:.1}">{r}</text>"#,
            x = LEFT - 6.0,
            ty = y + 15.0,
            r = escape(row)
        );
        for (j, v) in values.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let strength = (v.abs() / scale).sqrt().min(1.0);
            let (r, g, b) = if *v >= 0.0 { (27, 127, 59) } else { (179, 38, 30) };
            let _ = write!(
                out,
                r#"<rect class="cell" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="20" fill="rgb({r},{g},{b})" fill-opacity="{o:.2}"/><text class="cv{dark}" x="{tx:.1}" y="{ty:.1}">{label}</text>"#,
                x = LEFT + cell * j as f64,
                w = cell - 2.0,
                o = 0.12 + 0.8 * strength,
                dark = if strength > 0.6 { " on" } else { "" },
                tx = LEFT + cell * (j as f64 + 0.5),
                ty = y + 14.0,
                label = Format::Percent.write(*v)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(-0.12, 0.31, 5), vec![-0.1, 0.0, 0.1, 0.2, 0.30000000000000004]);
        assert_eq!(ticks(0.0, 0.0, 5), vec![0.0]);
    }

    #[test]
    fn long_lines_are_thinned_keeping_the_extremes() {
        let v: Vec<f64> = (0..10_000).map(|i| if i == 5_123 { -9.0 } else { (i as f64).sin() }).collect();
        let k = kept(&v);
        assert!(k.len() <= MAX_POINTS + 4 && k.contains(&5_123) && k.contains(&0) && k.contains(&9_999));
    }

    #[test]
    fn text_is_escaped() {
        let svg = lines("c", "A <b> & \"c\"", &[], &[], Format::Percent, &[]);
        assert!(svg.contains("A &lt;b&gt; &amp; &quot;c&quot;") && !svg.contains("<b>"));
    }
}
