//! Backlog charts drawn with plotters into an SVG string. The same code runs on the server (first
//! paint) and in the browser (updates), so both produce the same markup.

use plotters::prelude::*;

use crate::model::{Backlog, Point};

pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 260;
pub const READY_COLOR: RGBColor = RGBColor(0x3b, 0x82, 0xf6);
pub const UNACKED_COLOR: RGBColor = RGBColor(0xf5, 0x9e, 0x0b);
/// Mid grey reads on both the light and the dark theme.
const AXIS_COLOR: RGBColor = RGBColor(0x8a, 0x8f, 0x98);

/// Ready and unacked as stacked areas over time, with the x axis in minutes before the newest
/// sample (time zones differ between server and browser; "minutes ago" does not).
/// Returns `None` when there is nothing to draw.
pub fn backlog_svg(backlog: &Backlog, x_label: &str) -> Option<String> {
    let ready = sorted(&backlog.ready);
    let unacked = sorted(&backlog.unacked);
    let newest = ready.last().or(unacked.last())?.ts_ms;
    let oldest = ready.first().or(unacked.first())?.ts_ms;
    let minutes = |p: &Point| (p.ts_ms - newest) as f64 / 60_000.0;
    // Stack by timestamp: the broker samples both series together.
    let unacked_at = |ts: i64| unacked.iter().find(|p| p.ts_ms == ts).map_or(0.0, |p| p.value);
    let stacked: Vec<(f64, f64)> = ready.iter().map(|p| (minutes(p), p.value + unacked_at(p.ts_ms))).collect();
    let ready_line: Vec<(f64, f64)> = ready.iter().map(|p| (minutes(p), p.value)).collect();
    let top = stacked.iter().map(|(_, v)| *v).fold(0.0f64, f64::max);
    let y_max = nice_ceiling(top);
    let x_min = ((oldest - newest) as f64 / 60_000.0).min(-1.0);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let text = ("sans-serif", 13).into_font().color(&AXIS_COLOR);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(34)
            .y_label_area_size(64)
            .build_cartesian_2d(x_min..0.0, 0.0..y_max)
            .ok()?;
        chart
            .configure_mesh()
            .light_line_style(AXIS_COLOR.mix(0.12))
            .bold_line_style(AXIS_COLOR.mix(0.25))
            .axis_style(AXIS_COLOR.mix(0.6))
            .label_style(text.clone())
            .axis_desc_style(text)
            .x_desc(x_label)
            .x_labels(7)
            .y_labels(5)
            .x_label_formatter(&|m| format!("{:.0}", m.abs()))
            .y_label_formatter(&|v| compact(*v))
            .draw()
            .ok()?;
        // Unacked is the band between the ready line and the total, so the colours never blend.
        let band: Vec<(f64, f64)> = stacked.iter().copied().chain(ready_line.iter().rev().copied()).collect();
        chart.draw_series(std::iter::once(Polygon::new(band, UNACKED_COLOR.mix(0.45).filled()))).ok()?;
        chart.draw_series(LineSeries::new(stacked, UNACKED_COLOR)).ok()?;
        chart.draw_series(AreaSeries::new(ready_line, 0.0, READY_COLOR.mix(0.45)).border_style(READY_COLOR)).ok()?;
        root.present().ok()?;
    }
    Some(responsive(svg))
}

fn sorted(points: &[Point]) -> Vec<Point> {
    let mut points: Vec<Point> = points.iter().copied().filter(|p| p.value.is_finite()).collect();
    points.sort_by_key(|p| p.ts_ms);
    points
}

/// Scale tops at 1, 2 or 5 × 10ⁿ so the y labels are round numbers.
fn nice_ceiling(value: f64) -> f64 {
    if value <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0, 20.0].iter().map(|m| m * magnitude).find(|c| *c >= value * 1.05).unwrap_or(20.0 * magnitude)
}

/// 1500 → "1.5k", 2000000 → "2M".
fn compact(value: f64) -> String {
    let (scaled, suffix) = match value.abs() {
        v if v >= 1e9 => (value / 1e9, "G"),
        v if v >= 1e6 => (value / 1e6, "M"),
        v if v >= 1e3 => (value / 1e3, "k"),
        _ => (value, ""),
    };
    let text = format!("{scaled:.1}");
    format!("{}{suffix}", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Let CSS size the chart: keep the viewBox, drop the fixed pixel size.
fn responsive(svg: String) -> String {
    let fixed = format!("width=\"{WIDTH}\" height=\"{HEIGHT}\"");
    svg.replacen(&fixed, "preserveAspectRatio=\"none\" role=\"img\"", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> Vec<Point> {
        // Newest first, as the broker sends them.
        values.iter().enumerate().map(|(i, v)| Point { ts_ms: 1_000_000 - i as i64 * 5000, value: *v }).collect()
    }

    #[test]
    fn draws_both_series_into_a_scalable_svg() {
        let backlog = Backlog { ready: series(&[10.0, 20.0, 30.0]), unacked: series(&[1.0, 2.0, 3.0]) };
        let svg = backlog_svg(&backlog, "min ago").expect("an svg");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("viewBox=\"0 0 960 260\""));
        assert!(!svg.contains("width=\"960\""));
        assert!(svg.contains("min ago"));
        assert!(svg.contains("#3B82F6") || svg.contains("#3b82f6"), "ready colour drawn");
    }

    #[test]
    fn nothing_to_draw_without_samples() {
        assert_eq!(backlog_svg(&Backlog::default(), "x"), None);
    }

    #[test]
    fn scale_and_labels_are_round() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(96.0), 200.0);
        assert_eq!(nice_ceiling(140.0), 200.0);
        assert_eq!(nice_ceiling(4000.0), 5000.0);
        assert_eq!(compact(1500.0), "1.5k");
        assert_eq!(compact(2_000_000.0), "2M");
        assert_eq!(compact(12.0), "12");
    }
}
