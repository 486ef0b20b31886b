#![allow(dead_code)]
use fugue_macros::{cotransformer, creator, output_transformer, outputter};

struct Df;

#[output_transformer(schema = "*")]
fn no_output(_df: Df) {}

#[cotransformer(partitionby_has = "k")]
fn no_rules(dfs: Df) -> Df {
    dfs
}

#[outputter(callback = "required")]
fn no_callback(_ctx: &Df, _dfs: Df) -> Result<(), ()> {
    Ok(())
}

#[creator(input_has = "a")]
fn no_input(_ctx: &Df) -> Df {
    Df
}

fn main() {}
