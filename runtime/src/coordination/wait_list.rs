//! The FIFO wait list every primitive of this folder is built on.
//!
//! Why not `event-listener` (the smol family's wait list): Python's guarantees need more than "wake
//! n listeners". A wake-up here can *carry* something — the lock's value, a permit — that the
//! woken waiter owns from that moment, so `locked()` stays true until it has taken its turn and
//! a newcomer never overtakes it; and a waiter dropped after it was handed something but before
//! it was polled (its task was cancelled) must give it back, so the primitive passes it to the
//! next waiter. With `event-listener` a notified-but-dropped listener passes on the bare
//! notification, but whatever the notification was *for* would have to be re-claimed by a
//! racing `try_*`, which is exactly the overtaking Python's tests forbid.
//!
//! The list lives inside the primitive's own mutex (one lock per operation, no separate
//! atomics), which is what makes the hand-off simple to reason about: a node is either queued
//! (linked, waiting) or notified (unlinked, holding its payload), and only its own future
//! removes it. Nodes sit in a slab, doubly linked through their indices, so a cancelled waiter
//! leaves in O(1).

use std::task::Waker;

use slab::Slab;

use crate::sync::{Mutex, MutexGuard};

const NIL: usize = usize::MAX;

/// The ticket of a waiting future: the index of its node.
pub(crate) type Key = usize;

struct Node<P> {
    prev: usize,
    next: usize,
    waker: Option<Waker>,
    /// `None` while queued; `Some` once notified (unlinked) with what it was handed.
    given: Option<P>,
}

/// A FIFO list of waiters, each of which may be handed a payload `P` when it is notified.
pub(crate) struct WaitList<P = ()> {
    nodes: Slab<Node<P>>,
    head: usize,
    tail: usize,
    queued: usize,
}

impl<P> Default for WaitList<P> {
    fn default() -> Self {
        WaitList {
            nodes: Slab::new(),
            head: NIL,
            tail: NIL,
            queued: 0,
        }
    }
}

impl<P> WaitList<P> {
    /// Whether nobody waits: none queued, and none notified that has not yet taken its turn.
    pub(crate) fn is_idle(&self) -> bool {
        self.nodes.is_empty()
    }

    /// How many waiters are queued.
    pub(crate) fn len(&self) -> usize {
        self.queued
    }

    /// Queues a waiter at the back. (The waker is cloned first: a `clone` that panics leaves
    /// the list as it was.)
    pub(crate) fn push_back(&mut self, waker: &Waker) -> Key {
        self.push_back_owned(waker.clone())
    }

    /// [`push_back`](Self::push_back) with a waker cloned beforehand.
    pub(crate) fn push_back_owned(&mut self, waker: Waker) -> Key {
        let key = self.nodes.insert(Node {
            prev: self.tail,
            next: NIL,
            waker: Some(waker),
            given: None,
        });
        if self.tail == NIL {
            self.head = key;
        } else {
            self.nodes[self.tail].next = key;
        }
        self.tail = key;
        self.queued += 1;
        key
    }

    /// Replaces the waker of a queued waiter if it changed (the task moved threads).
    pub(crate) fn update_waker(&mut self, key: Key, waker: &Waker) {
        if let Some(node) = self.nodes.get_mut(key) {
            match &node.waker {
                Some(w) if w.will_wake(waker) => {}
                _ => node.waker = Some(waker.clone()),
            }
        }
    }

    fn unlink(&mut self, key: Key) {
        let (prev, next) = {
            let node = &self.nodes[key];
            (node.prev, node.next)
        };
        if prev == NIL {
            self.head = next;
        } else {
            self.nodes[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.nodes[next].prev = prev;
        }
        self.queued -= 1;
    }

    /// Hands `payload` to the first queued waiter and returns its waker (wake it after
    /// unlocking); gives the payload back if nobody waits.
    pub(crate) fn notify_first(&mut self, payload: P) -> Result<Option<Waker>, P> {
        let key = self.head;
        if key == NIL {
            return Err(payload);
        }
        self.unlink(key);
        let node = &mut self.nodes[key];
        node.given = Some(payload);
        Ok(node.waker.take())
    }

    /// If the waiter `key` was notified, removes it and returns what it was handed; if it is
    /// still queued, returns `None` and leaves it there.
    pub(crate) fn take_notified(&mut self, key: Key) -> Option<P> {
        if self.nodes.get(key)?.given.is_some() {
            self.nodes.remove(key).given
        } else {
            None
        }
    }

    /// Removes the waiter `key` whatever its state (its future is dropped, or is done with
    /// it); returns what it was handed if it had been notified and had not taken it.
    pub(crate) fn remove(&mut self, key: Key) -> Option<P> {
        if self.nodes.get(key)?.given.is_none() {
            self.unlink(key);
        }
        self.nodes.remove(key).given
    }
}

impl WaitList<()> {
    /// Notifies every queued waiter; their wakers go into `wake`.
    pub(crate) fn notify_all(&mut self, wake: &mut Wakeups) {
        while let Ok(waker) = self.notify_first(()) {
            wake.push(waker);
        }
    }
}

/// Wakers to wake once the state's mutex is released: they are woken when this is dropped, so
/// declare it before the mutex guard. The first one is kept inline, so the common case (one
/// hand-off) does not allocate.
#[derive(Default)]
pub(crate) struct Wakeups {
    first: Option<Waker>,
    more: Vec<Waker>,
}

impl Wakeups {
    pub(crate) fn push(&mut self, waker: Option<Waker>) {
        let Some(waker) = waker else { return };
        if self.first.is_none() {
            self.first = Some(waker);
        } else {
            self.more.push(waker);
        }
    }
}

impl Drop for Wakeups {
    fn drop(&mut self) {
        if let Some(waker) = self.first.take() {
            waker.wake();
        }
        for waker in self.more.drain(..) {
            waker.wake();
        }
    }
}

/// Locks a primitive's state, recovering from poisoning: no user code runs inside these
/// critical sections, so a panic there cannot leave the state half-updated.
pub(crate) fn lock_state<S>(mutex: &Mutex<S>) -> MutexGuard<'_, S> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_notify_and_removal_of_any_node() {
        let waker = Waker::noop();
        let mut list = WaitList::<u32>::default();
        let a = list.push_back(waker);
        let b = list.push_back(waker);
        let c = list.push_back(waker);
        assert_eq!(list.len(), 3);
        assert_eq!(list.remove(b), None);
        assert!(list.notify_first(1).is_ok());
        assert_eq!(list.take_notified(c), None, "c is still queued");
        assert_eq!(list.take_notified(a), Some(1));
        assert!(list.notify_first(2).is_ok());
        assert_eq!(
            list.remove(c),
            Some(2),
            "a dropped notified waiter gives its payload back"
        );
        assert_eq!(list.len(), 0);
        assert!(matches!(list.notify_first(3), Err(3)));
    }
}
