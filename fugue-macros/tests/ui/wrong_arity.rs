#![allow(dead_code)]
use fugue_macros::{creator, outputter, processor, transformer};

struct Df;

#[transformer]
fn none() -> Df {
    Df
}

#[transformer]
fn three(_ctx: &Df, df: Df, _extra: Df) -> Df {
    df
}

#[processor]
fn one(dfs: Df) -> Df {
    dfs
}

#[creator]
fn two(_ctx: &Df, extra: Df) -> Df {
    extra
}

#[outputter]
fn no_return(_ctx: &Df, _dfs: Df) {}

fn main() {}
