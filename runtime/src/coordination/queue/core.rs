//! The core behind the three queue types: the items, the counts and the three wait lists
//! (putters, getters, joiners) under one mutex, and the futures of `put`, `get` and `join`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::storage::Storage;
use crate::coordination::error::{QueueShutDown, TryGetError, TryPutError};
use crate::coordination::wait_list::lock_state;
use crate::coordination::wait_list::{Key, WaitList, Wakeups};
use crate::sync::Mutex;

struct State<S> {
    items: S,
    getters: WaitList,
    putters: WaitList,
    joiners: WaitList,
    /// Items put and not yet `task_done()`.
    unfinished: usize,
    shut_down: bool,
}

pub(crate) struct Core<S> {
    maxsize: usize,
    state: Mutex<State<S>>,
}

impl<S: Storage> State<S> {
    fn full(&self, maxsize: usize) -> bool {
        maxsize > 0 && self.items.len() >= maxsize
    }

    /// Takes an item and lets the first waiting putter re-check.
    fn take(&mut self, wake: &mut Wakeups) -> Option<S::Item> {
        let item = self.items.pop()?;
        wake.push(self.putters.notify_first(()).ok().flatten());
        Some(item)
    }

    /// Inserts an item, counts it unfinished and lets the first waiting getter take it.
    fn insert(&mut self, item: S::Item, wake: &mut Wakeups) {
        self.items.push(item);
        self.unfinished += 1;
        wake.push(self.getters.notify_first(()).ok().flatten());
    }
}

impl<S: Storage> Core<S> {
    pub(crate) fn new(maxsize: usize) -> Arc<Self> {
        Arc::new(Core {
            maxsize,
            state: Mutex::new(State {
                items: S::default(),
                getters: WaitList::default(),
                putters: WaitList::default(),
                joiners: WaitList::default(),
                unfinished: 0,
                shut_down: false,
            }),
        })
    }

    pub(crate) fn put_nowait(&self, item: S::Item) -> Result<(), TryPutError<S::Item>> {
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.state);
        if state.shut_down {
            return Err(TryPutError::ShutDown(item));
        }
        if state.full(self.maxsize) {
            return Err(TryPutError::Full(item));
        }
        state.insert(item, &mut wake);
        Ok(())
    }

    pub(crate) fn get_nowait(&self) -> Result<S::Item, TryGetError> {
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.state);
        match state.take(&mut wake) {
            Some(item) => Ok(item),
            None if state.shut_down => Err(TryGetError::ShutDown),
            None => Err(TryGetError::Empty),
        }
    }

    pub(crate) async fn put(&self, item: S::Item) -> Result<(), QueueShutDown<S::Item>> {
        Put {
            core: self,
            item: Some(item),
            key: None,
        }
        .await
    }

    pub(crate) async fn get(&self) -> Result<S::Item, QueueShutDown> {
        Get {
            core: self,
            key: None,
        }
        .await
    }

    pub(crate) fn task_done(&self) {
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.state);
        assert!(
            state.unfinished > 0,
            "task_done() called too many times (more often than items were put)"
        );
        state.unfinished -= 1;
        if state.unfinished == 0 {
            state.joiners.notify_all(&mut wake);
        }
    }

    pub(crate) async fn join(&self) {
        Join {
            core: self,
            key: None,
        }
        .await
    }

    pub(crate) fn shutdown(&self, immediate: bool) {
        let mut wake = Wakeups::default();
        let mut dropped = Vec::new();
        let mut state = lock_state(&self.state);
        state.shut_down = true;
        if immediate {
            while let Some(item) = state.items.pop() {
                dropped.push(item);
                state.unfinished = state.unfinished.saturating_sub(1);
            }
            if state.unfinished == 0 {
                state.joiners.notify_all(&mut wake);
            }
        }
        state.getters.notify_all(&mut wake);
        state.putters.notify_all(&mut wake);
        drop(state);
        // The items' destructors run outside the lock (they may use the queue).
        drop(dropped);
    }

    pub(crate) fn qsize(&self) -> usize {
        lock_state(&self.state).items.len()
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.maxsize
    }

    pub(crate) fn full(&self) -> bool {
        lock_state(&self.state).full(self.maxsize)
    }

    pub(crate) fn fmt(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock_state(&self.state);
        f.debug_struct(name)
            .field("maxsize", &self.maxsize)
            .field("qsize", &state.items.len())
            .field("getters", &state.getters.len())
            .field("putters", &state.putters.len())
            .field("unfinished", &state.unfinished)
            .field("shut_down", &state.shut_down)
            .finish()
    }
}

/// Waits for a wake-up of `key` in the list `select` picks: `Ready(())` once it came (the key
/// is then cleared), `Pending` while still queued.
fn poll_woken<S>(
    state: &mut State<S>,
    select: fn(&mut State<S>) -> &mut WaitList,
    key: &mut Option<Key>,
    cx: &mut Context<'_>,
) -> Poll<()> {
    if let Some(k) = *key {
        let list = select(state);
        if list.take_notified(k).is_none() {
            list.update_waker(k, cx.waker());
            return Poll::Pending;
        }
        *key = None;
    }
    Poll::Ready(())
}

struct Put<'a, S: Storage> {
    core: &'a Core<S>,
    item: Option<S::Item>,
    key: Option<Key>,
}

impl<S: Storage> Unpin for Put<'_, S> {}

impl<S: Storage> Future for Put<'_, S> {
    type Output = Result<(), QueueShutDown<S::Item>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut wake = Wakeups::default();
        let mut state = lock_state(&this.core.state);
        std::task::ready!(poll_woken(
            &mut state,
            |s| &mut s.putters,
            &mut this.key,
            cx
        ));
        let item = this.item.take().expect("Put polled after completion");
        if state.shut_down {
            return Poll::Ready(Err(QueueShutDown(item)));
        }
        if state.full(this.core.maxsize) {
            this.item = Some(item);
            this.key = Some(state.putters.push_back(cx.waker()));
            return Poll::Pending;
        }
        state.insert(item, &mut wake);
        Poll::Ready(Ok(()))
    }
}

impl<S: Storage> Drop for Put<'_, S> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut wake = Wakeups::default();
            let mut state = lock_state(&self.core.state);
            let woken = state.putters.remove(key).is_some();
            if woken && !state.full(self.core.maxsize) {
                // The free slot we were woken for goes to the next putter.
                wake.push(state.putters.notify_first(()).ok().flatten());
            }
        }
        // The item (if any) is dropped here, outside the lock: a cancelled put inserts nothing.
    }
}

struct Get<'a, S: Storage> {
    core: &'a Core<S>,
    key: Option<Key>,
}

impl<S: Storage> Future for Get<'_, S> {
    type Output = Result<S::Item, QueueShutDown>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut wake = Wakeups::default();
        let mut state = lock_state(&this.core.state);
        std::task::ready!(poll_woken(
            &mut state,
            |s| &mut s.getters,
            &mut this.key,
            cx
        ));
        if let Some(item) = state.take(&mut wake) {
            return Poll::Ready(Ok(item));
        }
        if state.shut_down {
            return Poll::Ready(Err(QueueShutDown(())));
        }
        this.key = Some(state.getters.push_back(cx.waker()));
        Poll::Pending
    }
}

impl<S: Storage> Drop for Get<'_, S> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut wake = Wakeups::default();
            let mut state = lock_state(&self.core.state);
            let woken = state.getters.remove(key).is_some();
            if woken && state.items.len() != 0 {
                // The item we were woken for goes to the next getter: none is lost.
                wake.push(state.getters.notify_first(()).ok().flatten());
            }
        }
    }
}

struct Join<'a, S> {
    core: &'a Core<S>,
    key: Option<Key>,
}

impl<S: Storage> Future for Join<'_, S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let mut state = lock_state(&this.core.state);
        if let Some(key) = this.key {
            // Woken when the count reached 0: done, even if new items came since (Python's
            // `Event.wait` on `_finished`).
            if state.joiners.take_notified(key).is_some() {
                this.key = None;
                return Poll::Ready(());
            }
            state.joiners.update_waker(key, cx.waker());
            return Poll::Pending;
        }
        if state.unfinished == 0 {
            return Poll::Ready(());
        }
        this.key = Some(state.joiners.push_back(cx.waker()));
        Poll::Pending
    }
}

impl<S> Drop for Join<'_, S> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            // All joiners are woken together: nothing to pass on.
            lock_state(&self.core.state).joiners.remove(key);
        }
    }
}
