//! Backlog charts drawn with plotters into an SVG string. The same code runs on the server (first
//! paint) and in the browser (updates), so both produce the same markup.

use plotters::prelude::*;

use plotters::coord::types::RangedCoordf64;

use domain::backlog::HistoryPoint;

const MARGIN: u32 = 10;
pub const PUBLISH_COLOR: RGBColor = RGBColor(0x10, 0xb9, 0x81);
pub const DELIVER_COLOR: RGBColor = RGBColor(0xa8, 0x55, 0xf7);
pub const READY_COLOR: RGBColor = RGBColor(0x3b, 0x82, 0xf6);
pub const UNACKED_COLOR: RGBColor = RGBColor(0xf5, 0x9e, 0x0b);
/// Mid grey reads on both the light and the dark theme.
const AXIS_COLOR: RGBColor = RGBColor(0x8a, 0x8f, 0x98);

/// The box a chart is drawn in and the size of its labels, in SVG units.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    width: u32,
    height: u32,
    font: u32,
    x_label_area: u32,
    y_label_area: u32,
    x_labels: usize,
    y_labels: usize,
    /// How the SVG fills its box: a page's chart stretches to the card's width; a wall
    /// screen's keeps its shape, so its labels stay legible from across the room.
    fit: &'static str,
}

impl Frame {
    pub const PAGE: Frame = Frame {
        width: 960,
        height: 260,
        font: 13,
        x_label_area: 34,
        y_label_area: 64,
        x_labels: 7,
        y_labels: 5,
        fit: "none",
    };
    const RATES: Frame = Frame { height: 160, ..Frame::PAGE };
    /// As wide as a two-column tile's chart area on a 16:9 screen, so it fills it.
    pub const WALL: Frame = Frame {
        width: 1150,
        height: 240,
        font: 28,
        x_label_area: 50,
        y_label_area: 90,
        x_labels: 5,
        y_labels: 3,
        fit: "xMidYMid meet",
    };
}

/// The x axis: time before the newest point, in a unit that suits the range.
#[derive(Clone, Copy, Debug)]
pub struct TimeAxis {
    /// The whole range shown, so a young history does not stretch across the chart.
    pub span_ms: f64,
    pub unit_ms: f64,
    /// "min ago", "h ago", "days ago".
    pub label: &'static str,
}

/// A recorded history: ready and unacked stacked (each point's last value), and, where a point
/// hid a spike, a thin line at its peak.
pub fn history_svg(points: &[HistoryPoint], axis: TimeAxis, frame: Frame) -> Option<String> {
    let stacked: Vec<(i64, f64, f64)> =
        points.iter().map(|p| (p.ts_ms, p.ready.last, p.ready.last + p.unacked.last)).collect();
    let peaks: Vec<(i64, f64)> = points.iter().map(|p| (p.ts_ms, p.ready.max + p.unacked.max)).collect();
    let hidden_spike = points.iter().any(|p| p.ready.max + p.unacked.max > p.backlog());
    stacked_svg(&stacked, if hidden_spike { &peaks } else { &[] }, axis, frame)
}

/// Publish and deliver rates as two lines.
pub fn rates_svg(points: &[HistoryPoint], axis: TimeAxis) -> Option<String> {
    let lines: Vec<(i64, f64, f64)> =
        points.iter().map(|p| (p.ts_ms, p.publish_rate.last, p.deliver_rate.last)).collect();
    two_lines_svg(&lines, axis)
}

/// Two rates over time, (time, first, second) oldest first: drawn in the publish and the
/// deliver colours (a connection's bytes sent and received use them too).
pub fn two_lines_svg(points: &[(i64, f64, f64)], axis: TimeAxis) -> Option<String> {
    let newest = points.last()?.0;
    let oldest = points.first()?.0;
    let x = |ts: i64| (ts - newest) as f64 / axis.unit_ms;
    let top = points.iter().map(|p| p.1.max(p.2)).fold(0.0f64, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (Frame::RATES.width, Frame::RATES.height)).into_drawing_area();
        let mut chart =
            mesh(&root, x(oldest).min(-axis.span_ms / axis.unit_ms), nice_ceiling(top), axis, Frame::RATES)?;
        let first = points.iter().map(|p| (x(p.0), p.1));
        let second = points.iter().map(|p| (x(p.0), p.2));
        chart.draw_series(LineSeries::new(first, PUBLISH_COLOR.stroke_width(2))).ok()?;
        chart.draw_series(LineSeries::new(second, DELIVER_COLOR.stroke_width(2))).ok()?;
        root.present().ok()?;
    }
    Some(responsive(svg, Frame::RATES))
}

/// `stacked` holds (time, ready, ready + unacked), oldest first.
fn stacked_svg(stacked: &[(i64, f64, f64)], peaks: &[(i64, f64)], axis: TimeAxis, frame: Frame) -> Option<String> {
    let newest = stacked.last()?.0;
    let oldest = stacked.first()?.0;
    let x = |ts: i64| (ts - newest) as f64 / axis.unit_ms;
    let top = stacked.iter().map(|p| p.2).chain(peaks.iter().map(|p| p.1)).fold(0.0f64, f64::max);
    let total: Vec<(f64, f64)> = stacked.iter().map(|(ts, _, total)| (x(*ts), *total)).collect();
    let ready_line: Vec<(f64, f64)> = stacked.iter().map(|(ts, ready, _)| (x(*ts), *ready)).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (frame.width, frame.height)).into_drawing_area();
        let mut chart = mesh(&root, x(oldest).min(-axis.span_ms / axis.unit_ms), nice_ceiling(top), axis, frame)?;
        if !peaks.is_empty() {
            let peak_line = peaks.iter().map(|(ts, v)| (x(*ts), *v));
            chart.draw_series(LineSeries::new(peak_line, UNACKED_COLOR.mix(0.7).stroke_width(1))).ok()?;
        }
        // Unacked is the band between the ready line and the total, so the colours never blend.
        let band: Vec<(f64, f64)> = total.iter().copied().chain(ready_line.iter().rev().copied()).collect();
        chart.draw_series(std::iter::once(Polygon::new(band, UNACKED_COLOR.mix(0.45).filled()))).ok()?;
        chart.draw_series(LineSeries::new(total, UNACKED_COLOR)).ok()?;
        chart.draw_series(AreaSeries::new(ready_line, 0.0, READY_COLOR.mix(0.45)).border_style(READY_COLOR)).ok()?;
        root.present().ok()?;
    }
    Some(responsive(svg, frame))
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes, grid and labels, shared by every chart so they line up on a page.
fn mesh<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    x_min: f64,
    y_max: f64,
    axis: TimeAxis,
    frame: Frame,
) -> Option<Chart<'a, 'b>> {
    let text = ("sans-serif", frame.font).into_font().color(&AXIS_COLOR);
    let mut chart = ChartBuilder::on(root)
        .margin(MARGIN)
        .x_label_area_size(frame.x_label_area)
        .y_label_area_size(frame.y_label_area)
        .build_cartesian_2d(x_min..0.0, 0.0..y_max)
        .ok()?;
    chart
        .configure_mesh()
        .light_line_style(AXIS_COLOR.mix(0.12))
        .bold_line_style(AXIS_COLOR.mix(0.25))
        .axis_style(AXIS_COLOR.mix(0.6))
        .label_style(text.clone())
        .axis_desc_style(text)
        .x_desc(axis.label)
        .x_labels(frame.x_labels)
        .y_labels(frame.y_labels)
        .x_label_formatter(&|m| compact(m.abs()))
        .y_label_formatter(&|v| compact(*v))
        .draw()
        .ok()?;
    Some(chart)
}

/// Where the plot area sits in a page chart's width, as fractions: the pointer readout maps a
/// position over the chart to a time with it.
pub fn plot_span() -> (f64, f64) {
    let width = Frame::PAGE.width as f64;
    ((MARGIN + Frame::PAGE.y_label_area) as f64 / width, 1.0 - MARGIN as f64 / width)
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
fn responsive(svg: String, frame: Frame) -> String {
    let fixed = format!("width=\"{}\" height=\"{}\"", frame.width, frame.height);
    svg.replacen(&fixed, &format!("preserveAspectRatio=\"{}\" role=\"img\"", frame.fit), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTES: TimeAxis = TimeAxis { span_ms: 600_000.0, unit_ms: 60_000.0, label: "min ago" };

    #[test]
    fn draws_both_series_into_a_scalable_svg() {
        let points: Vec<HistoryPoint> = [(10.0, 1.0), (20.0, 2.0), (30.0, 3.0)]
            .iter()
            .enumerate()
            .map(|(i, (ready, unacked))| HistoryPoint {
                ts_ms: 1_000_000 + i as i64 * 5000,
                ready: domain::backlog::Span::of(*ready),
                unacked: domain::backlog::Span::of(*unacked),
                ..Default::default()
            })
            .collect();
        let svg = history_svg(&points, MINUTES, Frame::PAGE).expect("an svg");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("viewBox=\"0 0 960 260\""));
        assert!(svg.contains("preserveAspectRatio=\"none\""));
        assert!(!svg.contains("width=\"960\""));
        assert!(svg.contains("min ago"));
        assert!(svg.contains("#3B82F6") || svg.contains("#3b82f6"), "ready colour drawn");

        let wall = history_svg(&points, MINUTES, Frame::WALL).expect("an svg");
        assert!(wall.contains("preserveAspectRatio=\"xMidYMid meet\""), "a wall chart keeps its shape");
        let font = |svg: &str| -> f64 {
            let size = svg.split("font-size=\"").nth(1).and_then(|rest| rest.split('"').next());
            size.and_then(|s| s.parse().ok()).expect("a label's font size")
        };
        assert!(font(&wall) > 2.0 * font(&svg), "a wall chart's labels are more than twice a page's");
    }

    #[test]
    fn nothing_to_draw_without_points() {
        assert_eq!(history_svg(&[], MINUTES, Frame::PAGE), None);
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
