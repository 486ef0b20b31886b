//! `fugue datagen tpch`: TPC-H tables streamed to Parquet files.

use std::path::Path;
use std::time::Instant;

use fugue_benches::{TpchTable, check_sf, write_tpch_parquet};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::TpchArgs;
use crate::util::{CliError, print, thousands, write_atomically};

/// The tables named by `--tables`: `all` or a comma-separated list.
///
/// # Errors
/// An unknown or empty table list.
pub fn parse_tables(text: &str) -> Result<Vec<TpchTable>, CliError> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(TpchTable::ALL.to_vec());
    }
    let mut out = Vec::new();
    for name in text.split(',').filter(|s| !s.trim().is_empty()) {
        let t = TpchTable::parse(name)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.is_empty() {
        return Err(CliError::new("`--tables` is empty: give `all` or table names"));
    }
    Ok(out)
}

fn bar(table: TpchTable, sf: f64) -> ProgressBar {
    let pb = ProgressBar::new(table.estimated_rows(sf));
    let style = ProgressStyle::with_template(
        "{msg:>10} [{bar:30}] {human_pos}/{human_len} rows ({per_sec}, eta {eta})",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(table.name());
    pb
}

/// Writes each table to `OUT/<table>.parquet` (through a uniquely named
/// temporary file, flushed and renamed at the end, so a failed run never
/// leaves a partial file under the final name) and prints one line per
/// table.
///
/// # Errors
/// A bad scale factor or table list; IO and Parquet errors.
pub fn run(args: &TpchArgs) -> Result<(), CliError> {
    check_sf(args.sf)?;
    let tables = parse_tables(&args.tables)?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        CliError::new(format!("cannot create the output folder `{}`: {e}", args.out.display()))
    })?;
    for table in tables {
        let start = Instant::now();
        let path = args.out.join(format!("{}.parquet", table.name()));
        let pb = bar(table, args.sf);
        let mut rows = 0;
        // a uniquely named hidden temporary, fsynced and renamed into place:
        // two runs into one folder never share it, a killed run leaves no
        // partial file under the final name
        let written = write_atomically(&path, |tmp| {
            rows = write_tpch_parquet(table, args.sf, tmp, |n| pb.inc(n))?;
            Ok(())
        });
        pb.finish_and_clear();
        written?;
        print(&format!(
            "wrote {}: {} rows, {} in {:.1} s\n",
            path.display(),
            thousands(rows),
            size_text(&path),
            start.elapsed().as_secs_f64()
        ))?;
    }
    Ok(())
}

fn size_text(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => format!("{:.1} MB", m.len() as f64 / 1e6),
        Err(_) => "size unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_parse() {
        assert_eq!(parse_tables("all").map(|t| t.len()).ok(), Some(8));
        assert_eq!(
            parse_tables("orders, lineitem,orders").ok(),
            Some(vec![TpchTable::Orders, TpchTable::LineItem])
        );
        assert!(parse_tables("bogus").is_err());
        assert!(parse_tables(",").is_err());
    }
}
