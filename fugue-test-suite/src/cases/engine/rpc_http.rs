//! Callbacks through the network RPC server (`fugue.rpc.server=http`,
//! fugue-api's feature `rpc-http`). Own cases.

use std::collections::HashMap;

use fugue_api::api;
use fugue_api::extension::{TransformContext, transformer};
use fugue_api::rpc::http::{HttpRpcClientInfo, HttpRpcConf, HttpRpcServer};
use fugue_api::rpc::{CONF_RPC_SERVER, RpcServer, handler};
use fugue_core::make_engine;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![case!(
        "rpc_http/callback_transform",
        ["WF-RPC-4", "WF-RPC-5", "WF-RPC-7", "WF-RPC-8", "WF-RPC-9"],
        callback_transform
    )]
}

// own: a transform partitioned by key calls a driver-side handler from
// every row through the http server; the handler's running totals per key
// come back as a column and match the sums; a client with a forged token
// is refused and counted
fn callback_transform(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    // the engine under test, made again with the http server chosen by conf
    let mut conf = e.conf().clone();
    conf.set(CONF_RPC_SERVER, "http");
    let on_http = ok(make_engine(e.name(), conf), "make_engine with fugue.rpc.server=http")?;

    let rows: Vec<Row> =
        (0..30i64).map(|v| vec![s(["a", "b", "c"][(v % 3) as usize]), l(v)]).collect();
    let input = ok(LocalDataFrame::from_rows(rows, "k:str,v:long"), "input")?;
    let totals = Arc::new(Mutex::new(HashMap::<String, i64>::new()));
    let served_by = Arc::new(Mutex::new(Vec::<String>::new()));
    let (t, by) = (Arc::clone(&totals), Arc::clone(&served_by));
    let sum = handler(move |(k, v): (String, i64)| {
        by.lock()
            .map_err(|_| Error::user("poisoned lock"))?
            .push(std::thread::current().name().unwrap_or("").to_string());
        let mut t = t.lock().map_err(|_| Error::user("poisoned lock"))?;
        let total = t.entry(k).or_insert(0);
        *total += v;
        Ok(*total)
    });
    let running_total =
        transformer(|ctx: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
            let mut out = Vec::new();
            for mut row in df.rows()? {
                let key = match &row[0] {
                    Value::Str(k) => k.clone(),
                    other => return Err(Error::user(format!("unexpected key {other:?}"))),
                };
                let v = match &row[1] {
                    Value::Int64(v) => *v,
                    other => return Err(Error::user(format!("unexpected value {other:?}"))),
                };
                let total: i64 = ctx.callback((key, v))?;
                row.push(Value::Int64(total));
                out.push(row);
            }
            LocalDataFrame::from_rows(out, "k:str,v:long,total:long")
        })
        .schema("*,total:long")
        .requires_callback();
    let out = ok(
        api::transform(input, running_total).partition(["k"]).callback(sum).engine(on_http).run(),
        "transform with a callback over http",
    )?;

    let expected: HashMap<String, i64> = [("a", 0), ("b", 1), ("c", 2)]
        .into_iter()
        .map(|(k, r)| (k.to_string(), (0..30i64).filter(|v| v % 3 == r).sum()))
        .collect();
    let got = totals.lock().map_err(|_| "poisoned lock".to_string())?.clone();
    check(got == expected, || format!("handler totals {got:?}, expected {expected:?}"))?;
    // the last running total of each key (the largest) is its sum
    let mut last = HashMap::<String, i64>::new();
    for row in ok(out.rows(), "rows")? {
        if let (Value::Str(k), Value::Int64(t)) = (&row[0], &row[2]) {
            let m = last.entry(k.clone()).or_insert(i64::MIN);
            *m = (*m).max(*t);
        }
    }
    check(last == expected, || format!("last running totals {last:?}, expected {expected:?}"))?;
    let served_by = served_by.lock().map_err(|_| "poisoned lock".to_string())?.clone();
    check(served_by.len() == 30 && served_by.iter().all(|t| t == "fugue-rpc-http"), || {
        format!("the calls were not all served by the http server's threads: {served_by:?}")
    })?;

    // WF-RPC-8: a call without this run's token is refused and counted
    let server = ok(HttpRpcServer::new(HttpRpcConf::default()), "http server")?;
    ok(server.start(), "start")?;
    let info = ok(server.register_info(handler(|x: i64| Ok(x))), "register")?;
    let forged = HttpRpcClientInfo { token: "0".repeat(info.token.len()), ..info };
    let client = ok(forged.client(), "client with a forged token")?;
    expect_kind(client.call::<_, i64>(1), ErrorKind::WorkflowRuntime, "a forged token")?;
    check(server.refused_calls() == 1, || {
        format!("refused_calls() is {}, expected 1", server.refused_calls())
    })?;
    server.stop();
    Ok(())
}
