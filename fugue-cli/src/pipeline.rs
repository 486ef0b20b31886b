//! `fugue pipeline`: the TPC-H pipeline of `fugue_benches::pipeline` as a
//! `FugueWorkflow`, run twice per engine (the second run reuses the
//! deterministic checkpoint), with the engines' results compared.

use std::time::Instant;

use fugue::core::Conf;
use fugue_benches::{TpchTable, check_sf, pipeline, write_tpch_parquet};

use crate::cli::PipelineArgs;
use crate::util::{CliError, print, secs, table};

/// Runs the pipeline.
///
/// # Errors
/// Bad arguments, engine errors, or engines that disagree (exit 1).
pub fn run(args: &PipelineArgs, conf: &Conf) -> Result<(), CliError> {
    let engines = crate::bench::engines(&args.engines, conf)?;
    let tmp = tempfile::tempdir()
        .map_err(|e| CliError::new(format!("cannot create a temp folder: {e}")))?;
    let dir = match &args.data {
        Some(d) => d.clone(),
        None => {
            check_sf(args.sf)?;
            for t in [TpchTable::LineItem, TpchTable::Orders] {
                write_tpch_parquet(
                    t,
                    args.sf,
                    &tmp.path().join(format!("{}.parquet", t.name())),
                    |_| {},
                )?;
            }
            tmp.path().to_path_buf()
        }
    };
    let dag = pipeline::build(&dir)?;
    print(&dag.explain())?;
    let mut rows = Vec::new();
    let mut answers: Vec<(String, Vec<String>)> = Vec::new();
    for e in &engines {
        let ckpt = tmp.path().join(format!("checkpoints_{}", e.name()));
        let t0 = Instant::now();
        let first = pipeline::run(&dag, e, &ckpt)?;
        let t1 = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let second = pipeline::run(&dag, e, &ckpt)?;
        let t2 = t0.elapsed().as_secs_f64();
        if first != second {
            return Err(CliError::new(format!(
                "`{}`: the run with the checkpoint differs from the first",
                e.name()
            )));
        }
        rows.push(vec![e.name().to_string(), secs(t1), secs(t2), format!("{:.2}", t2 / t1)]);
        answers.push((e.name().to_string(), first));
    }
    print(&table(&["engine", "first_s", "second_s (checkpoint)", "second/first"], &rows))?;
    if let Some((base_name, base)) = answers.first() {
        for (name, got) in &answers[1..] {
            if got != base {
                return Err(CliError::new(format!(
                    "`{name}` and `{base_name}` disagree on the pipeline's result"
                )));
            }
        }
        let mut text = format!(
            "by order priority (lines, share of supplier quantity){}:\n",
            if answers.len() > 1 { "; every engine agrees" } else { "" }
        );
        for r in base {
            text.push_str(&format!("  {r}\n"));
        }
        print(&text)?;
    }
    Ok(())
}
