#![allow(dead_code)]
use fugue_macros::transformer;

struct Df;
const SCHEMA: &str = "*";

#[transformer(schema = 1)]
fn number(df: Df) -> Df {
    df
}

#[transformer(schema = SCHEMA)]
fn constant(df: Df) -> Df {
    df
}

#[transformer(schema)]
fn no_value(df: Df) -> Df {
    df
}

#[transformer(name = "a", name = "b")]
fn twice(df: Df) -> Df {
    df
}

#[transformer(name = " ")]
fn empty_name(df: Df) -> Df {
    df
}

#[transformer(callback = "sometimes")]
fn bad_callback(df: Df) -> Df {
    df
}

fn main() {}
