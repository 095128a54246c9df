//! A FIFO queue of waiters that any waiter can leave in O(1): a doubly
//! linked list whose nodes live in a slab, addressed by index.
//!
//! A waiting `Acquire` future keeps the index ([`Key`]) of its node. When the
//! future is dropped it unlinks the node at once, wherever it is in the
//! queue; that is what makes cancellation cheap and exact. The slab reuses
//! free nodes, so a busy semaphore allocates only while its queue grows.
//!
//! ```text
//!   head ─> [3] <─> [0] <─> [5] <─ tail        nodes: Vec<Node>, free: [1, 2, 4]
//! ```
//!
//! tokio's `batch_semaphore` uses an *intrusive* list: each node lives
//! inside its `Acquire` future, and the list links raw pointers between
//! futures. That needs no slab and no allocation, but it needs pinning and
//! `unsafe` pointer code; indices into a `Vec` keep this safe.

use crate::waker_slot::WakerSlot;

/// The index of a node, owned by the one future that waits with it.
pub(crate) type Key = usize;

/// One waiter's record.
#[derive(Debug)]
pub(crate) struct Node {
    /// The previous node toward the head, if linked and not the head.
    prev: Option<Key>,
    /// The next node toward the tail, if linked and not the tail.
    next: Option<Key>,
    /// True while the node is in the queue.
    linked: bool,
    /// Permits the waiter asked for.
    pub(crate) requested: usize,
    /// Permits still missing; the waiter is served when this reaches 0.
    pub(crate) remaining: usize,
    /// Set by `close` on a waiter that was not served.
    pub(crate) closed: bool,
    /// Woken when the waiter is served or the semaphore is closed.
    pub(crate) waker: WakerSlot,
}

/// The queue itself. Owned by the semaphore's `RefCell`; see there for who
/// may borrow it.
#[derive(Debug, Default)]
pub(crate) struct WaitList {
    /// Every node, linked or free.
    nodes: Vec<Node>,
    /// Indexes of free nodes.
    free: Vec<Key>,
    /// The oldest waiter.
    head: Option<Key>,
    /// The newest waiter.
    tail: Option<Key>,
}

impl WaitList {
    /// True if nobody waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Appends a waiter for `requested` permits, `remaining` of which are
    /// still missing, and returns its key.
    pub(crate) fn push_back(
        &mut self,
        requested: usize,
        remaining: usize,
        waker: WakerSlot,
    ) -> Key {
        let node = Node {
            prev: self.tail,
            next: None,
            linked: true,
            requested,
            remaining,
            closed: false,
            waker,
        };
        let key = match self.free.pop() {
            Some(key) => {
                self.nodes[key] = node;
                key
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        match self.tail {
            Some(tail) => self.nodes[tail].next = Some(key),
            None => self.head = Some(key),
        }
        self.tail = Some(key);
        key
    }

    /// The oldest waiter, if any.
    pub(crate) fn head(&self) -> Option<Key> {
        self.head
    }

    /// The node at `key`.
    pub(crate) fn node(&self, key: Key) -> &Node {
        &self.nodes[key]
    }

    /// The node at `key`, to change its counts or waker.
    pub(crate) fn node_mut(&mut self, key: Key) -> &mut Node {
        &mut self.nodes[key]
    }

    /// Takes `key` out of the queue; the node stays allocated until
    /// [`release`](Self::release), so its owner can still read it.
    pub(crate) fn unlink(&mut self, key: Key) {
        let node = &mut self.nodes[key];
        if !node.linked {
            return;
        }
        node.linked = false;
        let (prev, next) = (node.prev.take(), node.next.take());
        match prev {
            Some(prev) => self.nodes[prev].next = next,
            None => self.head = next,
        }
        match next {
            Some(next) => self.nodes[next].prev = prev,
            None => self.tail = prev,
        }
    }

    /// Unlinks `key` if needed and frees its node. Returns the stored waker,
    /// so the caller can drop it after the borrow ends.
    pub(crate) fn release(&mut self, key: Key) -> Option<std::task::Waker> {
        self.unlink(key);
        self.free.push(key);
        self.nodes[key].waker.take()
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;

    /// The keys from head to tail.
    fn order(list: &WaitList) -> Vec<Key> {
        let mut out = Vec::new();
        let mut at = list.head;
        while let Some(key) = at {
            out.push(key);
            at = list.nodes[key].next;
        }
        out
    }

    #[test]
    fn unlinking_from_the_middle_head_and_tail_keeps_the_order() {
        let mut list = WaitList::default();
        let keys: Vec<Key> = (0..5)
            .map(|_| list.push_back(1, 1, WakerSlot::with(Waker::noop().clone())))
            .collect();
        list.unlink(keys[2]);
        assert_eq!(order(&list), [keys[0], keys[1], keys[3], keys[4]]);
        list.unlink(keys[0]);
        list.unlink(keys[4]);
        assert_eq!(order(&list), [keys[1], keys[3]]);
        assert_eq!(list.tail, Some(keys[3]));
        list.unlink(keys[1]);
        list.unlink(keys[3]);
        assert!(list.is_empty());
        assert_eq!(list.tail, None);
    }

    #[test]
    fn released_nodes_are_reused() {
        let mut list = WaitList::default();
        let a = list.push_back(1, 1, WakerSlot::with(Waker::noop().clone()));
        let b = list.push_back(1, 1, WakerSlot::with(Waker::noop().clone()));
        list.release(a);
        let c = list.push_back(2, 2, WakerSlot::with(Waker::noop().clone()));
        assert_eq!(c, a);
        assert_eq!(order(&list), [b, c]);
        assert_eq!(list.nodes.len(), 2);
    }
}
