//! Support for the macros of the `asyncio` crate. Not part of the public API: names here may
//! change in any release.

pub use crate::{gather, gather_all, run, spawn, spawn_named, Flavor, IntoTask, RunConfig};
