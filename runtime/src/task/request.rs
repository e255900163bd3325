//! A cancellation request: what `cancel()` records in a task and what delivery turns into a
//! [`Cancelled`]. Below the task's core (which stores the pending one), so it knows nothing of
//! tasks.

use std::sync::Arc;

use crate::error::Cancelled;

/// One cancellation request, with its message (`cancel_with`) if it had one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Request {
    message: Option<Arc<str>>,
}

impl Request {
    /// A request with `message`, or none.
    pub(crate) fn new(message: Option<Arc<str>>) -> Self {
        Request { message }
    }

    /// The error the cancelled code sees.
    #[inline]
    pub(crate) fn into_cancelled(self) -> Cancelled {
        Cancelled::new(self.message)
    }
}
