//! Delivering a cancellation at a suspension point: the one way every catching scope (the task
//! body, `catch_cancel`, a timeout) ends the future it runs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::all_ended::AllEnded;
use super::forward::drop_forwarding;
use crate::error::Cancelled;
use crate::task::request::Request;

/// A cancellation being delivered: the future has been dropped in place (its destructors are the
/// `finally`), the request forwarded to the tasks it awaited; ready with the [`Cancelled`] once
/// those tasks have ended.
pub(crate) struct Delivery {
    request: Request,
    forwarded: AllEnded,
}

impl Delivery {
    /// Delivers `request` by running `drop_future`, which drops the cancelled future.
    #[inline]
    pub(crate) fn start(request: Request, drop_future: impl FnOnce()) -> Self {
        let forwarded = AllEnded::new(drop_forwarding(&request, drop_future));
        Delivery { request, forwarded }
    }

    /// Ready once every task the dropped future was awaiting has ended.
    #[inline]
    pub(crate) fn poll_delivered(&mut self, cx: &mut Context<'_>) -> Poll<Cancelled> {
        std::task::ready!(self.forwarded.poll_ended(cx));
        Poll::Ready(std::mem::take(&mut self.request).into_cancelled())
    }
}

impl Future for Delivery {
    type Output = Cancelled;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Cancelled> {
        self.poll_delivered(cx)
    }
}
