//! The conformance suite in one test binary: one link instead of one per file (see
//! ARCHITECTURE.md, "Where tests go"). Each `tests/NAME.rs` below is a module of this crate and
//! keeps its name, so `cargo test --test suite NAME::` runs one file's tests. The files that set
//! process-wide state (a counting global allocator, a panic hook that silences panics, a count of
//! the process's threads) or run long are binaries of their own, listed in Cargo.toml.

mod common;

mod all_tasks;
mod api_shape;
mod as_completed;
mod async_test;
mod background;
mod cancel;
mod case_ids;
mod containment;
mod coordination;
mod done_callback;
mod duration_max;
mod ergonomics;
mod fidelity;
mod gather;
mod locks;
mod memory;
mod multi_thread;
mod names;
mod net;
mod pinned;
mod queues;
mod race;
mod structured;
mod timeout;
mod to_thread;
mod try_gather;
mod unhandled_panic;
mod wait_result;
