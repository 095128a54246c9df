//! The bar chart of this/tokio ratios, drawn as SVG with plotters.
//!
//! One horizontal bar per workload, its length the ratio this/tokio, with a
//! vertical rule at 1.0: bars that stop left of the rule are workloads where
//! this project is faster. Green bars are faster, red ones slower.
//!
//! plotters is built with only its SVG backend: the SVG holds `<text>`
//! elements and the viewer renders the glyphs, so no font library is needed
//! at build time (plotters' "naive" font estimates text extents).

use std::fmt;
use std::path::Path;

use plotters::prelude::*;

use crate::estimates::Row;

/// Chart width in pixels: room for the longest workload name and the bars.
const WIDTH: u32 = 960;
/// Pixels per workload bar, plus the fixed space of the title and x axis.
const ROW_HEIGHT: u32 = 34;
/// Height of the title and the x axis together.
const FRAME_HEIGHT: u32 = 110;
/// Space between neighbouring bars, in pixels (top and bottom of each bar).
const BAR_GAP: u32 = 5;
/// Headroom past the longest bar, so its value label fits.
const HEADROOM: f64 = 1.2;

/// Faster than tokio.
const FASTER: RGBColor = RGBColor(46, 139, 87);
/// Slower than tokio.
const SLOWER: RGBColor = RGBColor(205, 92, 92);

/// Drawing the chart failed (plotters' error, as text: its error type is
/// generic over the backend).
#[derive(Debug)]
pub struct ChartError(String);

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot draw the chart: {}", self.0)
    }
}

impl std::error::Error for ChartError {}

/// Writes the ratio chart of `rows` to `path` as SVG.
pub fn draw_ratios(rows: &[Row], path: &Path) -> Result<(), ChartError> {
    let err = |e: &dyn fmt::Display| ChartError(e.to_string());
    let count = rows.len().max(1) as u32;
    let height = FRAME_HEIGHT + ROW_HEIGHT * count;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;

    let longest = rows.iter().map(Row::ratio).fold(1.0_f64, f64::max);
    let x_max = longest * HEADROOM;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "this / tokio (mean time per iteration; below 1 = faster)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(210)
        .build_cartesian_2d(0.0..x_max, (0..count as i32).into_segmented())
        .map_err(|e| err(&e))?;
    let names: Vec<&str> = rows.iter().map(|row| row.workload.as_str()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(rows.len())
        .y_label_formatter(&|value| match value {
            SegmentValue::CenterOf(i) => names
                .get(*i as usize)
                .map_or(String::new(), |n| n.to_string()),
            _ => String::new(),
        })
        .x_desc("ratio this/tokio")
        .draw()
        .map_err(|e| err(&e))?;

    chart
        .draw_series(rows.iter().enumerate().map(|(i, row)| {
            let color = if row.ratio() <= 1.0 { FASTER } else { SLOWER };
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i as i32)),
                    (row.ratio(), SegmentValue::Exact(i as i32 + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(BAR_GAP, BAR_GAP, 0, 0);
            bar
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, row)| {
            Text::new(
                format!(" {:.2}", row.ratio()),
                (row.ratio(), SegmentValue::CenterOf(i as i32)),
                ("sans-serif", 14),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(1.0, SegmentValue::Exact(0)), (1.0, SegmentValue::Last)],
            BLACK.stroke_width(2),
        )))
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
