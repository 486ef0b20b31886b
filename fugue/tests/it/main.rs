//! Facade integration tests: the link anchors register every enabled
//! engine (STYLE §3), the registry builds the native engine by name, and a
//! partitioned transform through the registry engine matches the core's
//! reference algorithm.

mod macros;
mod native_frames;
mod registry;
mod transform;
