//! Tests of the network RPC server (WF-RPC-4..9).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use fugue_core::{ErrorKind, LocalDataFrame, Value};
use fugue_native as _; // links the `native` engine into the registry
use serde::{Deserialize, Serialize};

use super::*;
use crate::extension::{TransformContext, transformer};
use crate::rpc::{CONF_RPC_SERVER, handler, make_rpc_server};

fn started() -> HttpRpcServer {
    let server = HttpRpcServer::new(HttpRpcConf::default()).expect("server");
    server.start().expect("start");
    server
}

/// A handler adding `v` to the total of `k` and returning the new total;
/// it records the names of the threads it ran on.
#[allow(clippy::type_complexity)]
fn summing() -> (Arc<dyn RpcHandler>, Arc<Mutex<HashMap<String, i64>>>, Arc<Mutex<Vec<String>>>) {
    let totals = Arc::new(Mutex::new(HashMap::<String, i64>::new()));
    let threads = Arc::new(Mutex::new(Vec::new()));
    let (t, th) = (Arc::clone(&totals), Arc::clone(&threads));
    let h = handler(move |(k, v): (String, i64)| {
        th.lock().unwrap().push(std::thread::current().name().unwrap_or("").to_string());
        let mut t = t.lock().unwrap();
        let e = t.entry(k).or_insert(0);
        *e += v;
        Ok(*e)
    });
    (h, totals, threads)
}

/// Sends one raw HTTP/1.1 request and returns the status code.
fn raw_post(addr: SocketAddr, path: &str, token: Option<&str>, body: &str) -> u16 {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let token = token.map(|t| format!("{TOKEN_HEADER}: {t}\r\n")).unwrap_or_default();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{token}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect("a status line")
}

#[derive(Serialize, Deserialize)]
struct In {
    k: String,
    v: i64,
}

#[derive(Serialize, Deserialize)]
struct Out {
    k: String,
    v: i64,
    total: i64,
}

// WF-RPC-4, 5, 7, 8: a transform on `native` with `fugue.rpc.server=http`
// calls the handler over HTTP from every partition; totals per key are right
#[test]
fn transform_sums_per_key_through_the_http_server() {
    let mut rows = Vec::new();
    for i in 0..60i64 {
        rows.push(vec![Value::Str(["a", "b", "c"][(i % 3) as usize].into()), Value::Int64(i)]);
    }
    let df = LocalDataFrame::from_rows(rows, "k:str,v:long").expect("frame");
    let mut conf = Conf::empty();
    conf.set(CONF_RPC_SERVER, "http");
    let (h, totals, threads) = summing();
    let calls = transformer(|ctx: &TransformContext<'_>, rows: Vec<In>| -> Result<Vec<Out>> {
        rows.into_iter()
            .map(|r| {
                let total: i64 = ctx.callback((r.k.clone(), r.v))?;
                Ok(Out { k: r.k, v: r.v, total })
            })
            .collect()
    })
    .schema("k:str,v:long,total:long")
    .requires_callback();
    let out = crate::api::transform(df, calls)
        .partition(["k"])
        .callback(h)
        .engine(("native", conf))
        .run()
        .expect("transform");
    let expected: HashMap<String, i64> = [("a", 0), ("b", 1), ("c", 2)]
        .into_iter()
        .map(|(k, r)| (k.to_string(), (0..60i64).filter(|i| i % 3 == r).sum()))
        .collect();
    assert_eq!(*totals.lock().unwrap(), expected);
    // each key's last running total is its sum
    let mut last: HashMap<String, i64> = HashMap::new();
    for row in out.rows().expect("rows") {
        let (Value::Str(k), Value::Int64(t)) = (&row[0], &row[2]) else {
            panic!("unexpected row {row:?}")
        };
        let e = last.entry(k.clone()).or_insert(0);
        *e = (*e).max(*t);
    }
    assert_eq!(last, expected);
    // every call ran on the server's threads: it went over HTTP
    let threads = threads.lock().unwrap();
    assert_eq!(threads.len(), 60);
    assert!(threads.iter().all(|t| t == "fugue-rpc-http"), "{threads:?}");
}

// WF-RPC-7: concurrent calls from many threads
#[test]
fn concurrent_calls_from_threads() {
    let server = started();
    let (h, totals, _) = summing();
    let client = server.register(h).expect("register");
    std::thread::scope(|s| {
        for t in 0..8i64 {
            let client = client.clone();
            s.spawn(move || {
                for i in 0..25i64 {
                    let _: i64 = client.call((format!("k{}", t % 2), i)).expect("call");
                }
            });
        }
    });
    let totals = totals.lock().unwrap();
    assert_eq!(totals.get("k0"), Some(&(4 * 300)));
    assert_eq!(totals.get("k1"), Some(&(4 * 300)));
    assert_eq!(server.refused_calls(), 0);
}

// WF-RPC-8: a call without the token is refused (401) and counted
#[test]
fn a_call_without_the_token_is_refused_and_counted() {
    let server = started();
    let (h, totals, _) = summing();
    let info = server.register_info(h).expect("register");
    let addr = server.local_addr().expect("addr");
    assert!(addr.ip().is_loopback(), "binds 127.0.0.1 by default: {addr}");
    let path = format!("/rpc/{}", info.key);
    assert_eq!(raw_post(addr, &path, None, r#"["a", 1]"#), 401);
    assert_eq!(server.refused_calls(), 1);
    // the right token goes through
    assert_eq!(raw_post(addr, &path, Some(&info.token), r#"["a", 1]"#), 200);
    assert_eq!(server.refused_calls(), 1);
    assert_eq!(totals.lock().unwrap().get("a"), Some(&1));
}

// WF-RPC-8: a wrong token is refused (403) and counted, for raw calls and
// for a client given a forged token
#[test]
fn a_wrong_token_is_refused() {
    let server = started();
    let (h, totals, _) = summing();
    let info = server.register_info(h).expect("register");
    let addr = server.local_addr().expect("addr");
    let forged = "0".repeat(info.token.len());
    assert_ne!(forged, info.token);
    assert_eq!(raw_post(addr, &format!("/rpc/{}", info.key), Some(&forged), "[\"a\", 1]"), 403);
    let bad = HttpRpcClientInfo { token: forged, ..info.clone() }.client().expect("client");
    let err = bad.call::<_, i64>(("a", 1)).expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::WorkflowRuntime, "{err}");
    assert!(err.to_string().contains("403"), "{err}");
    assert_eq!(server.refused_calls(), 2);
    assert!(totals.lock().unwrap().is_empty(), "the handler never ran");
}

// WF-RPC-4, 6, 9: after stop, calls fail with ERR-WF-RUNTIME (also on a
// pooled connection) and the handler is stopped
#[test]
fn after_stop_a_call_errors() {
    struct Life(Arc<Mutex<Vec<&'static str>>>);
    impl RpcHandler for Life {
        fn call(&self, args: Json) -> Result<Json> {
            Ok(args)
        }
        fn start_handler(&self) {
            self.0.lock().unwrap().push("start");
        }
        fn stop_handler(&self) {
            self.0.lock().unwrap().push("stop");
        }
    }
    let events = Arc::new(Mutex::new(Vec::new()));
    let server = started();
    let client = server.register(Arc::new(Life(Arc::clone(&events)))).expect("register");
    assert_eq!(client.call::<_, i64>(7).expect("call"), 7);
    server.stop();
    assert_eq!(*events.lock().unwrap(), ["start", "stop"]);
    for _ in 0..2 {
        let err = client.call::<_, i64>(7).expect_err("stopped");
        assert_eq!(err.kind(), ErrorKind::WorkflowRuntime, "{err}");
    }
    assert!(server.local_addr().is_none());
    // stopping twice is harmless
    server.stop();
}

// handler errors reach the caller with their message; ERR-USER and ERR-ARG
// keep their kinds; a panic is ERR-USER
#[test]
fn handler_errors_come_back_with_their_kind_and_message() {
    let server = started();
    let user = server.register(handler(|_: Json| -> Result<i64> { Err(Error::user("boom 42")) }));
    let err = user.expect("register").call::<_, i64>(1).expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::User);
    assert_eq!(err.to_string(), Error::user("boom 42").to_string());
    let typed = server.register(handler(|(a, b): (i64, i64)| Ok(a + b))).expect("register");
    let err = typed.call::<_, i64>("not a pair").expect_err("bad arguments");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.to_string().contains("callback arguments"), "{err}");
    let panics = server
        .register(handler(|_: Json| -> Result<i64> { panic!("handler panic") }))
        .expect("register");
    let err = panics.call::<_, i64>(1).expect_err("panics");
    assert_eq!(err.kind(), ErrorKind::User);
    assert!(err.to_string().contains("handler panic"), "{err}");
    // the server still serves
    assert_eq!(typed.call::<_, i64>((2, 3)).expect("call"), 5);
}

// a transform whose handler fails: ERR-USER with the handler's message
#[test]
fn a_failing_handler_fails_the_transform_as_user_error() {
    let df = LocalDataFrame::from_rows(vec![vec![Value::Int64(1)]], "v:long").expect("frame");
    let conf = Conf::from_json(&json!({ CONF_RPC_SERVER: "http" }).to_string()).expect("conf");
    let calls =
        transformer(|ctx: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
            let _: i64 = ctx.callback(1)?;
            Ok(df)
        })
        .schema("*");
    let err = crate::api::transform(df, calls)
        .callback(handler(|_: i64| -> Result<i64> { Err(Error::user("no budget left")) }))
        .engine(("native", conf))
        .run()
        .expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::User, "{err}");
    assert!(err.to_string().contains("no budget left"), "{err}");
}

// the client times out instead of hanging on a slow handler
#[test]
fn a_slow_handler_times_out() {
    let server =
        HttpRpcServer::new(HttpRpcConf { timeout_ms: 200, ..HttpRpcConf::default() }).expect("s");
    server.start().expect("start");
    let (release, wait) = mpsc::channel::<()>();
    let wait = Mutex::new(wait);
    let client = server
        .register(handler(move |_: i64| {
            let _ = wait.lock().unwrap().recv_timeout(Duration::from_secs(30));
            Ok(0i64)
        }))
        .expect("register");
    let err = client.call::<_, i64>(1).expect_err("times out");
    assert_eq!(err.kind(), ErrorKind::WorkflowRuntime, "{err}");
    assert!(err.to_string().contains("200 ms"), "{err}");
    let _ = release.send(());
}

// WF-RPC-8: the client info is serde-serialisable and rebuilds a client;
// Debug hides the token
#[test]
fn client_info_round_trips_through_serde() {
    let server = started();
    let info = server.register_info(handler(|x: i64| Ok(x * 2))).expect("register");
    assert_eq!(info.token.len(), 64, "256 bits, hex");
    assert!(info.token.bytes().all(|b| b.is_ascii_hexdigit()));
    let text = serde_json::to_string(&info).expect("serialise");
    let back: HttpRpcClientInfo = serde_json::from_str(&text).expect("deserialise");
    assert_eq!(back, info);
    assert_eq!(back.client().expect("client").call::<_, i64>(21).expect("call"), 42);
    assert!(!format!("{info:?}").contains(&info.token));
    assert!(!format!("{server:?}").contains(&info.token));
    // every server has its own token
    let other = started();
    let other_info = other.register_info(handler(|x: i64| Ok(x))).expect("register");
    assert_ne!(other_info.token, info.token);
    let bad = HttpRpcClientInfo { url: "ftp://x".into(), ..info };
    assert_eq!(bad.client().expect_err("not http").kind(), ErrorKind::InvalidArgument);
}

// conf keys: fugue.rpc.server=http picks this server; host/port/timeout_ms
#[test]
fn conf_selects_and_configures_the_server() {
    let text = json!({
        CONF_RPC_SERVER: "http",
        CONF_HTTP_HOST: "127.0.0.1",
        CONF_HTTP_PORT: 0,
        CONF_HTTP_TIMEOUT_MS: 1500,
    })
    .to_string();
    let conf = Conf::from_json(&text).expect("conf");
    let read = HttpRpcConf::from_conf(&conf).expect("read");
    assert_eq!(read, HttpRpcConf { host: "127.0.0.1".into(), port: 0, timeout_ms: 1500 });
    assert_eq!(HttpRpcConf::from_conf(&Conf::empty()).expect("defaults"), HttpRpcConf::default());
    let server = make_rpc_server(&conf).expect("make");
    assert!(format!("{server:?}").starts_with("HttpRpcServer"), "{server:?}");
    server.start().expect("start");
    let client = server.register(handler(|x: i64| Ok(x + 1))).expect("register");
    assert_eq!(client.call::<_, i64>(1).expect("call"), 2);
    server.stop();
    for (key, value) in [
        (CONF_HTTP_PORT, json!(70000)),
        (CONF_HTTP_PORT, json!(-1)),
        (CONF_HTTP_TIMEOUT_MS, json!(0)),
        (CONF_HTTP_HOST, json!("  ")),
    ] {
        let conf = Conf::from_json(&json!({ key: value }).to_string()).expect("conf");
        let err = HttpRpcConf::from_conf(&conf).expect_err("invalid");
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{key}={value}: {err}");
    }
}

// a port in use: start fails with ERR-WF-RUNTIME naming the address
#[test]
fn a_port_in_use_fails_to_start() {
    let first = started();
    let port = first.local_addr().expect("addr").port();
    let second =
        HttpRpcServer::new(HttpRpcConf { port, ..HttpRpcConf::default() }).expect("server");
    let err = second.start().expect_err("in use");
    assert_eq!(err.kind(), ErrorKind::WorkflowRuntime, "{err}");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    // registering on a server that is not running fails
    let err = second.register(handler(|x: i64| Ok(x))).expect_err("not running");
    assert_eq!(err.kind(), ErrorKind::WorkflowRuntime, "{err}");
}
