//! The bar chart of this/best-peer ratios, drawn as SVG with plotters.
//!
//! One horizontal bar per workload, from 1.0 to the median ratio of this
//! project's time to the fastest peer's (see [`crate::summary`]), and a
//! thin whisker from the smallest to the largest per-run ratio. The x axis
//! is logarithmic, so that 0.5 (twice as fast) and 2.0 (twice as slow) are
//! the same distance from the rule at 1.0, and one large ratio does not
//! flatten all the others. Green bars (left of the rule) are workloads
//! where this project is faster than every peer, red ones where it is
//! slower. The label names the fastest peer.
//!
//! plotters is built with only its SVG backend: the SVG holds `<text>`
//! elements and the viewer renders the glyphs, so no font library is needed
//! at build time (plotters' "naive" font estimates text extents).

use std::fmt;
use std::path::Path;

use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::summary::{Spread, Summary};

/// Chart width in pixels: room for the longest workload name and the bars.
const WIDTH: u32 = 960;
/// Pixels per workload bar, plus the fixed space of the title and x axis.
const ROW_HEIGHT: u32 = 34;
/// Height of the title and the x axis together.
const FRAME_HEIGHT: u32 = 110;
/// Space between neighbouring bars, in pixels (top and bottom of each bar).
const BAR_GAP: u32 = 5;
/// Width of the column of workload names, in pixels.
const NAME_WIDTH: u32 = 230;
/// Space between a workload's name and the y axis, in pixels.
const NAME_GAP: i32 = 8;
/// Factor of room past the extreme ratios on the log axis: on the right
/// for the value labels, on the left for the shortest bar.
const HEADROOM: f64 = 2.5;

/// Faster than the best peer.
const FASTER: RGBColor = RGBColor(46, 139, 87);
/// Slower than the best peer.
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

/// Writes the this/best-peer chart of `summaries` to `path` as SVG;
/// workloads without that ratio (no peer ran them) are left out.
pub fn draw_ratios(summaries: &[Summary], path: &Path) -> Result<(), ChartError> {
    let err = |e: &dyn fmt::Display| ChartError(e.to_string());
    let bars: Vec<(&Summary, Spread)> = summaries
        .iter()
        .filter_map(|s| s.vs_best.map(|spread| (s, spread)))
        .collect();
    let count = bars.len().max(1) as u32;
    let height = FRAME_HEIGHT + ROW_HEIGHT * count;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;

    let highest = bars
        .iter()
        .map(|(_, spread)| spread.max)
        .fold(1.0_f64, f64::max);
    let lowest = bars
        .iter()
        .map(|(_, spread)| spread.min)
        .filter(|min| *min > 0.0)
        .fold(1.0_f64, f64::min);
    let x_range = (lowest / 1.25..highest * HEADROOM).log_scale();
    // Bar i (top to bottom) owns the band y in [n - i - 1, n - i).
    let n = bars.len() as f64;
    let band = |i: usize| n - i as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "this / best peer (median over runs, whisker min–max; below 1 = faster)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(NAME_WIDTH)
        .build_cartesian_2d(x_range, 0.0..n.max(1.0))
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .light_line_style(WHITE)
        .x_desc("ratio this/best peer (log scale)")
        .draw()
        .map_err(|e| err(&e))?;

    chart
        .draw_series(bars.iter().enumerate().map(|(i, (_, spread))| {
            let color = if spread.median <= 1.0 { FASTER } else { SLOWER };
            let mut bar = Rectangle::new(
                [(1.0, band(i)), (spread.median, band(i) - 1.0)],
                color.filled(),
            );
            bar.set_margin(BAR_GAP, BAR_GAP, 0, 0);
            bar
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (_, spread))| {
            PathElement::new(
                vec![(spread.min, band(i) - 0.5), (spread.max, band(i) - 0.5)],
                BLACK.stroke_width(1),
            )
        }))
        .map_err(|e| err(&e))?;
    let left_middle = ("sans-serif", 14)
        .into_font()
        .into_text_style(&root)
        .pos(Pos::new(HPos::Left, VPos::Center));
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (summary, spread))| {
            let peer = summary.best_peer.map_or("", |p| p.label());
            Text::new(
                format!(" {:.2} {peer}", spread.median),
                (spread.max.max(1.0), band(i) - 0.5),
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
    for (i, (summary, _)) in bars.iter().enumerate() {
        let (_, y) = chart.backend_coord(&(1.0, band(i) - 0.5));
        let (x, _) = chart.plotting_area().get_pixel_range();
        let x = x.start;
        root.draw(&Text::new(
            summary.workload.clone(),
            (x - NAME_GAP, y),
            right_middle.clone(),
        ))
        .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
