//! ENG-CTX-6 through the facade: anchors, names, errors.

use fugue::Conf;
use fugue::core::{ErrorKind, make_engine, registered_engines};

#[test]
fn eng_ctx_6_every_enabled_feature_registers_its_engine() {
    fugue::link_engines();
    let registered: Vec<&str> = registered_engines().iter().map(|e| e.name).collect();
    for name in fugue::enabled_engine_features() {
        assert!(
            registered.contains(&name),
            "`{name}` is enabled but not registered: {registered:?}"
        );
    }
    assert!(fugue::core::registry::duplicate_registrations().is_empty());
}

#[cfg(feature = "native")]
#[test]
fn eng_ctx_6_make_engine_native_builds_the_native_engine() {
    let engine = make_engine("native", Conf::new()).expect("native engine");
    assert_eq!(engine.name(), "native");
    assert!(engine.get_current_parallelism() >= 1, "ENG-GEN-6");
    assert!(engine.downcast_ref::<fugue_native::NativeExecutionEngine>().is_some());
    // case-insensitive, and the default name is `native` when it is linked
    assert_eq!(
        make_engine("NATIVE", Conf::new()).map(|e| e.name().to_string()).ok().as_deref(),
        Some("native")
    );
    assert_eq!(
        make_engine("", Conf::new()).map(|e| e.name().to_string()).ok().as_deref(),
        Some("native")
    );
    // the conf reaches the engine
    let conf = Conf::empty().with_entry(fugue_native::NATIVE_THREADS, 2i64);
    let two = make_engine("native", conf).expect("engine");
    assert_eq!(two.get_current_parallelism(), 2);
    let df = fugue::core::ExecutionEngineExt::to_df_rows(
        two.as_ref(),
        vec![vec![fugue::Value::from(1)]],
        "a:int",
    )
    .expect("to_df");
    assert_eq!(df.count().ok(), Some(1));
}

#[test]
fn eng_ctx_6_unknown_engine_is_err_plugin_naming_the_registered_engines() {
    let err = make_engine("no-such-engine", Conf::new()).expect_err("must fail");
    assert_eq!(err.kind(), ErrorKind::Plugin);
    let msg = err.to_string();
    assert!(msg.contains("no-such-engine"), "{msg}");
    for name in fugue::enabled_engine_features() {
        assert!(msg.contains(&format!("`{name}`")), "{msg}");
    }
}
