//! The crate's tests, kept out of the production modules:
//! - `entry`: what `#[async_main]` and `#[async_test]` expand to, and the errors about the
//!   function they are put on;
//! - `options`: the options of those attributes, the `RunConfig` expression they give and
//!   their errors;
//! - `snapshots`: the expansions of `tests/expand/*.rs` and of the examples, compared with
//!   checked-in snapshots;
//! - `robustness`: no input makes a macro panic.
//!
//! The function-like macros' unit tests stay next to their code (spawn.rs, gather.rs, ...).

mod entry;
mod options;
mod robustness;
mod snapshots;
