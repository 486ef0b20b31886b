//! `fugue bench --chart FILE.svg`: a grouped bar chart of the median
//! seconds (one group per workload, one bar per engine, log scale).

use std::path::Path;

use fugue_benches::Workload;
use plotters::prelude::*;

use crate::bench::Record;
use crate::util::{CliError, secs};

fn err(path: &Path, e: impl std::fmt::Display) -> CliError {
    CliError::new(format!("cannot draw the chart `{}`: {e}", path.display()))
}

/// Draws the chart of `records` (engine rows only, not baselines) to the SVG
/// file `out`; messages name `path`, the file the user asked for (`out` is
/// its temporary sibling). Workloads without a timed run are left out.
///
/// # Errors
/// Nothing to draw; the file cannot be written.
pub fn draw(
    out: &Path,
    path: &Path,
    title: &str,
    workloads: &[Workload],
    engines: &[&str],
    records: &[Record],
) -> Result<(), CliError> {
    let median_of = |wl: Workload, engine: &str| {
        records
            .iter()
            .find(|r| r.workload == wl && !r.baseline && r.engine == engine)
            .and_then(Record::median)
            .filter(|m| *m > 0.0)
    };
    let shown: Vec<Workload> = workloads
        .iter()
        .copied()
        .filter(|wl| engines.iter().any(|e| median_of(*wl, e).is_some()))
        .collect();
    let values: Vec<f64> =
        shown.iter().flat_map(|wl| engines.iter().filter_map(move |e| median_of(*wl, e))).collect();
    if values.is_empty() {
        return Err(err(path, "no workload has a timed run"));
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min) / 3.0;
    let hi = values.iter().copied().fold(0.0, f64::max) * 3.0;

    let width = (160 + 110 * shown.len() as u32).max(640);
    let root = SVGBackend::new(out, (width, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(path, e))?;
    let n = shown.len() as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(n - 0.5), (lo..hi).log_scale())
        .map_err(|e| err(path, e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .x_label_formatter(&|_| String::new())
        .y_labels(8)
        .max_light_lines(1)
        .y_desc("median seconds")
        .y_label_formatter(&|v| secs(*v))
        .draw()
        .map_err(|e| err(path, e))?;

    let m = engines.len().max(1) as f64;
    let bar = 0.8 / m;
    for (j, engine) in engines.iter().enumerate() {
        let color = Palette99::pick(j).mix(0.9);
        let bars: Vec<(f64, f64)> = shown
            .iter()
            .enumerate()
            .filter_map(|(i, wl)| {
                median_of(*wl, engine).map(|v| (i as f64 - 0.4 + j as f64 * bar, v))
            })
            .collect();
        chart
            .draw_series(bars.iter().map(|&(x0, v)| {
                Rectangle::new([(x0 + bar * 0.05, lo), (x0 + bar * 0.95, v)], color.filled())
            }))
            .map_err(|e| err(path, e))?
            .label(*engine)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
        chart
            .draw_series(bars.iter().map(|&(x0, v)| {
                Text::new(secs(v), (x0 + bar * 0.1, v * 1.12), ("sans-serif", 11).into_font())
            }))
            .map_err(|e| err(path, e))?;
    }
    // Workload names under each group, in the x label area.
    for (i, wl) in shown.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64 - 0.4, lo));
        root.draw(&Text::new(
            format!("{} {}", wl.id(), wl.name()),
            (px, py + 8),
            ("sans-serif", 13).into_font().color(&BLACK),
        ))
        .map_err(|e| err(path, e))?;
    }
    let missing: Vec<String> = workloads
        .iter()
        .filter(|wl| !shown.contains(wl))
        .map(|wl| format!("{} {}", wl.id(), wl.name()))
        .collect();
    if !missing.is_empty() {
        root.draw(&Text::new(
            format!("no timed run (not supported or failed): {}", missing.join(", ")),
            (12, 462),
            ("sans-serif", 12).into_font().color(&BLACK.mix(0.7)),
        ))
        .map_err(|e| err(path, e))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(path, e))?;
    root.present().map_err(|e| err(path, e))?;
    Ok(())
}
