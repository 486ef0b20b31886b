#![allow(dead_code)]
use fugue_macros::{transformer, output_cotransformer};

struct Df;
struct S;

impl S {
    #[transformer]
    fn method(&self, df: Df) -> Df {
        df
    }
}

#[transformer]
fn generic<T>(df: T) -> T {
    df
}

#[transformer]
fn bounded(df: Df) -> Df
where
    Df: Sized,
{
    df
}

#[transformer]
fn impl_trait(_df: impl Sized) -> Df {
    Df
}

#[transformer]
async fn later(df: Df) -> Df {
    df
}

#[output_cotransformer]
unsafe fn risky(_dfs: Df) {}

#[transformer(name = "x")]
struct NotAFn;

fn main() {}
