//! Cancellation.
pub(crate) mod all_ended;
pub(crate) mod catch;
pub(crate) mod own;
pub(crate) mod shield;
