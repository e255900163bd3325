//! Where a queue keeps its items, in its order: FIFO, LIFO, or smallest first.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// The order of a queue: where `push` puts an item and which one `pop` takes.
pub(crate) trait Storage: Default {
    type Item;
    fn push(&mut self, item: Self::Item);
    fn pop(&mut self) -> Option<Self::Item>;
    fn len(&self) -> usize;
}

/// First in, first out.
pub(crate) struct Fifo<T>(VecDeque<T>);
/// Last in, first out.
pub(crate) struct Lifo<T>(Vec<T>);
/// Smallest first (Python's `heapq`).
pub(crate) struct Smallest<T>(BinaryHeap<Reverse<T>>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}
impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}
impl<T: Ord> Default for Smallest<T> {
    fn default() -> Self {
        Smallest(BinaryHeap::new())
    }
}

impl<T> Storage for Fifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Storage for Lifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Storage for Smallest<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}
