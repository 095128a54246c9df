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
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::estimates::Row;

/// Chart width in pixels: room for the longest workload name and the bars.
const WIDTH: u32 = 960;
/// Pixels per workload bar, plus the fixed space of the title and x axis.
const ROW_HEIGHT: u32 = 34;
/// Height of the title and the x axis together.
const FRAME_HEIGHT: u32 = 110;
/// Space between neighbouring bars, in pixels (top and bottom of each bar).
const BAR_GAP: u32 = 5;
/// Width of the column of workload names, in pixels.
const NAME_WIDTH: u32 = 210;
/// Space between a workload's name and the y axis, in pixels.
const NAME_GAP: i32 = 8;
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
    // Row i (top to bottom) owns the band y in [n - i - 1, n - i).
    let n = rows.len() as f64;
    let band = |i: usize| n - i as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "this / tokio (mean time per iteration; below 1 = faster)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(NAME_WIDTH)
        .build_cartesian_2d(0.0..x_max, 0.0..n.max(1.0))
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .light_line_style(WHITE)
        .x_desc("ratio this/tokio")
        .draw()
        .map_err(|e| err(&e))?;

    chart
        .draw_series(rows.iter().enumerate().map(|(i, row)| {
            let color = if row.ratio() <= 1.0 { FASTER } else { SLOWER };
            let mut bar = Rectangle::new(
                [(0.0, band(i)), (row.ratio(), band(i) - 1.0)],
                color.filled(),
            );
            bar.set_margin(BAR_GAP, BAR_GAP, 0, 0);
            bar
        }))
        .map_err(|e| err(&e))?;
    let left_middle = ("sans-serif", 14)
        .into_font()
        .into_text_style(&root)
        .pos(Pos::new(HPos::Left, VPos::Center));
    chart
        .draw_series(rows.iter().enumerate().map(|(i, row)| {
            Text::new(
                format!(" {:.2}", row.ratio()),
                (row.ratio(), band(i) - 0.5),
                left_middle.clone(),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(1.0, 0.0), (1.0, n)],
            BLACK.stroke_width(2),
        )))
        .map_err(|e| err(&e))?;

    // Workload names, right-aligned just left of the plotting area (drawn on
    // the root area: the chart clips what it draws to its own area).
    let right_middle = ("sans-serif", 14)
        .into_font()
        .into_text_style(&root)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (i, row) in rows.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, band(i) - 0.5));
        root.draw(&Text::new(
            row.workload.clone(),
            (x - NAME_GAP, y),
            right_middle.clone(),
        ))
        .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
