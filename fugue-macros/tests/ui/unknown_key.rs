#![allow(dead_code)]
use fugue_macros::{processor, transformer};

struct Df;

#[transformer(scheme = "*,rn:long")]
fn typo(df: Df) -> Df {
    df
}

#[transformer(fugue::schema = "*")]
fn path_key(df: Df) -> Df {
    df
}

#[processor(schema = "*")]
fn not_for_processors(_ctx: &Df, dfs: Df) -> Df {
    dfs
}

fn main() {}
