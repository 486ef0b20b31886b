//! The `fugue` command (skeleton).
//!
//! It will offer `fugue engines`, `fugue datagen tpch`, `fugue bench` and
//! `fugue sql` (tracked by the "fugue-cli" issue). Until then it lists the
//! engines linked into this binary, read from the registry, and says that the
//! other commands are not implemented yet.

use std::process::ExitCode;

fn main() -> ExitCode {
    fugue::link_engines();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("engines") => {
            let engines = fugue::core::registered_engines();
            if engines.is_empty() {
                println!("no execution engine is linked into this binary");
            }
            for e in engines {
                println!("{:<12} {:<20} aliases: {}", e.name, e.origin, e.aliases.join(", "));
            }
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: `fugue {other}` is not implemented yet; available: `fugue engines`");
            ExitCode::from(2)
        }
        None => {
            eprintln!("usage: fugue engines");
            ExitCode::from(2)
        }
    }
}
