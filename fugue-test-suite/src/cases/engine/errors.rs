//! Errors of user code and of map outputs (ENG-MAP-1, ENG-MAP-6, ENG-MAP-9,
//! ERR-USER), and of specs that do not fit the frame.

use fugue_core::engine::{OnInitFn, map_fn};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("errors/map_user_error", ["ENG-MAP-9"], map_user_error),
        case!("errors/map_user_error_source", ["ENG-MAP-9", "ERR-USER"], map_user_error_source),
        case!("errors/map_user_panic", ["ENG-MAP-9"], map_user_panic),
        case!("errors/on_init_error", ["ENG-MAP-9", "ENG-MAP-4"], on_init_error),
        case!("errors/map_output_schema", ["ENG-MAP-1", "ENG-MAP-6"], map_output_schema),
        case!(
            "errors/map_missing_columns",
            ["PS-SORT-3", "PS-VAL-3", "ENG-REPART-1"],
            map_missing_columns
        ),
    ]
}

fn data(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(vec![vec![i(1), i(1)], vec![i(2), i(2)], vec![i(2), i(3)]], "k:int,v:int")
}

fn expect_user_error(r: Result<DataFrameRef>, key_text: &str, what: &str) -> CaseResult {
    match r {
        Err(e) if e.kind() == ErrorKind::User => {
            let text = e.to_string();
            check(text.contains(key_text), || {
                format!("{what}: ERR-USER must name the keys (`{key_text}`), got `{text}`")
            })
        }
        Err(e) => Err(format!("{what}: expected ERR-USER, got {} ({e})", e.kind())),
        Ok(_) => Err(format!("{what}: expected ERR-USER, got a result")),
    }
}

// own
fn map_user_error(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let f = map_fn(|cursor, data| {
        if cursor.key_value_array()? == vec![i(2)] {
            return Err(Error::arg("x", "user failure"));
        }
        Ok(data)
    });
    let r = e
        .map_dataframe(&df, f, df.schema(), &spec(&["k"], "", "", "")?, None)
        .and_then(|r| r.as_local_bounded().map(|_| r));
    expect_user_error(r, "k=2", "an error of the map function")
}

// own: an `Error::user` of the map function comes back as ERR-USER naming
// the keys, wrapped once, the user's own error its direct source
fn map_user_error_source(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let f = map_fn(|cursor, data| {
        if cursor.key_value_array()? == vec![i(2)] {
            let n: usize = "two".parse().map_err(Error::user)?;
            return Ok(data.slice(0, n));
        }
        Ok(data)
    });
    let r = e
        .map_dataframe(&df, f, df.schema(), &spec(&["k"], "", "", "")?, None)
        .and_then(|r| r.as_local_bounded().map(|_| r));
    let err = match r {
        Err(err) => err,
        Ok(_) => {
            return Err("Error::user in the map function: expected ERR-USER, got a result".into());
        }
    };
    expect_user_error(Err(err.duplicate()), "k=2", "Error::user in the map function")?;
    let source = std::error::Error::source(&err);
    check(source.is_some_and(|s| s.is::<std::num::ParseIntError>()), || {
        format!("ERR-USER must keep the user's error as its direct source, got {source:?}")
    })
}

// own
fn map_user_panic(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let f = map_fn(|cursor, data| {
        if cursor.key_value_array()? == vec![i(2)] {
            panic!("boom in user code");
        }
        Ok(data)
    });
    let r = e
        .map_dataframe(&df, f, df.schema(), &spec(&["k"], "", "", "")?, None)
        .and_then(|r| r.as_local_bounded().map(|_| r));
    expect_user_error(r, "k=2", "a panic of the map function")
}

// own
fn on_init_error(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let init: OnInitFn = Arc::new(|_, _| Err(Error::arg("x", "init failure")));
    let r = e
        .map_dataframe(&df, noop(), df.schema(), &PartitionSpec::default(), Some(init))
        .and_then(|r| r.as_local_bounded().map(|_| r));
    expect_kind(r.map(|_| ()), ErrorKind::User, "an error of on_init")
}

// own
fn map_output_schema(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let by_k = spec(&["k"], "", "", "")?;
    expect_kind(
        e.map_dataframe(&df, noop(), &Schema::empty(), &by_k, None).map(|_| ()),
        ErrorKind::Schema,
        "an empty output schema",
    )?;
    // the function returns k:int,v:int, the declared schema differs
    for declared in ["k:int", "k:long,v:int", "v:int,k:int", "k:int,v:int,w:int"] {
        let r = e
            .map_dataframe(&df, noop(), &schema(declared)?, &by_k, None)
            .and_then(|r| r.as_local_bounded().map(|_| ()));
        expect_kind(r, ErrorKind::Schema, &format!("output declared as `{declared}`"))?;
    }
    // a function returning another schema than declared, without keys
    let f = map_fn(|_, _| LocalDataFrame::from_rows(vec![vec![s("x")]], "k:str"));
    let r = e
        .map_dataframe(&df, f, &schema("k:int")?, &PartitionSpec::default(), None)
        .and_then(|r| r.as_local_bounded().map(|_| ()));
    expect_kind(r, ErrorKind::Schema, "output of the wrong type")
}

// own
fn map_missing_columns(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let run = |sp: PartitionSpec| {
        e.map_dataframe(&df, noop(), df.schema(), &sp, None)
            .and_then(|r| r.as_local_bounded().map(|_| ()))
    };
    expect_kind(run(spec(&["zz"], "", "", "")?), ErrorKind::NotFound, "missing key")?;
    expect_kind(run(spec(&["k"], "zz", "", "")?), ErrorKind::NotFound, "missing presort column")?;
    expect_kind(
        e.repartition(&df, &spec(&["zz"], "", "2", "")?)
            .and_then(|r| r.as_local_bounded().map(|_| ())),
        ErrorKind::NotFound,
        "repartition by a missing key",
    )
}
