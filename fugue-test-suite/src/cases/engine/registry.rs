//! The link-time registry (ENG-CTX-6): the engine under test can be made by
//! name, so choosing it is a string in configuration. Own cases.

use fugue_core::{make_engine, make_sql_engine, registered_engines, registered_sql_engines};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("registry/engine_by_name", ["ENG-CTX-6"], engine_by_name),
        case!("registry/sql_engine_by_name", ["ENG-CTX-6", "ENG-SQL-4"], sql_engine_by_name),
    ]
}

// own
fn engine_by_name(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let name = e.name();
    let infos = registered_engines();
    check(infos.iter().any(|i| i.name == name), || {
        format!(
            "`{name}` is not in the registry of this binary ({})",
            infos.iter().map(|i| i.name).collect::<Vec<_>>().join(", ")
        )
    })?;
    for asked in [name.to_string(), name.to_ascii_uppercase()] {
        let made = ok(make_engine(&asked, e.conf().clone()), &format!("make_engine({asked})"))?;
        check(made.name() == name, || {
            format!("make_engine(`{asked}`) gave `{}`, not `{name}`", made.name())
        })?;
        // the engine made by name works like the one under test
        let df = ok(made.to_df(&ctx.df(vec![vec![i(1)]], "a:int")?), "to_df")?;
        eq(&df, vec![vec![i(1)]], "a:int", "a frame of the engine made by name")?;
    }
    Ok(())
}

// own: when the engine has a SQL facet, it is a registered SQL engine that
// can be made by its name
fn sql_engine_by_name(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let Ok(sql) = e.sql_engine() else {
        return check(!e.capabilities().sql, || {
            "capabilities().sql is true but sql_engine() fails".into()
        });
    };
    let name = sql.name().to_string();
    check(registered_sql_engines().iter().any(|i| i.name == name), || {
        format!("the SQL engine `{name}` is not registered")
    })?;
    let made = ok(make_sql_engine(&name, Arc::clone(e)), "make_sql_engine")?;
    check(made.name() == name, || format!("make_sql_engine(`{name}`) gave `{}`", made.name()))
}
