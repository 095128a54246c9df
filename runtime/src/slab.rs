//! [`Slab`]: values at stable indexes, reusing freed ones. The runtime's
//! task set (`task/set.rs`) and the reactor's table of sockets
//! (`reactor/driver.rs`) are both one.
//!
//! Both need the same three things: a value must get an index before it is
//! stored (a task's header records its slot, a socket is registered with
//! epoll under its token before its readiness slot exists), an index must
//! find its value in O(1) (a task leaving the set, an event reaching its
//! socket), and an index freed by one value is reused by the next.
//!
//! ```text
//!   slots: [Some(a), None, Some(c), None]     free: [3, 1]   (last freed, first reused)
//!   vacant_key() == 1; insert(1, d) -> slots[1] = Some(d), free: [3]
//! ```
//!
//! ## The other two slabs
//!
//! The timer wheel (`time/wheel.rs`) and the semaphore's wait list
//! (`sync/semaphore/wait_list.rs`) keep their entries in slabs too, but not
//! this one: their entries are nodes of intrusive linked lists, whose links
//! are indexes stored in the entries themselves, and the wheel's keys carry
//! a generation so that a stale key cannot reach a reused entry. Built on
//! `Vec<Option<T>>`, each would pay an `Option` check on every link it
//! follows and still need its own free-list and list code; so each keeps a
//! `Vec` of its own node type.
//!
//! The `slab` crate is this structure, with more methods; the runtime keeps
//! its dependencies to `mio`, `crossbeam-channel`, `socket2` and
//! `futures-io` (and `libc` on Linux, for the timerfd), and this is forty
//! lines.

/// Values at stable `usize` indexes, reusing freed ones. Owned by one
/// `RefCell` on the runtime's thread, borrowed briefly.
#[derive(Debug)]
pub(crate) struct Slab<T> {
    /// The slots; `None` is a free slot.
    slots: Vec<Option<T>>,
    /// Indexes of the free slots, reused last-freed-first.
    free: Vec<usize>,
    /// How many slots hold a value.
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Slab<T> {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// The index the next [`insert`](Self::insert) must use.
    pub(crate) fn vacant_key(&self) -> usize {
        match self.free.last() {
            Some(&key) => key,
            None => self.slots.len(),
        }
    }

    /// Stores `value` at `key`, which must be [`vacant_key`](Self::vacant_key).
    pub(crate) fn insert(&mut self, key: usize, value: T) {
        debug_assert_eq!(key, self.vacant_key());
        if self.free.last() == Some(&key) {
            self.free.pop();
            self.slots[key] = Some(value);
        } else {
            self.slots.push(Some(value));
        }
        self.len += 1;
    }

    /// The value at `key`, if there is one.
    pub(crate) fn get_mut(&mut self, key: usize) -> Option<&mut T> {
        self.slots.get_mut(key)?.as_mut()
    }

    /// Takes the value at `key` out, if there is one.
    pub(crate) fn remove(&mut self, key: usize) -> Option<T> {
        let value = self.slots.get_mut(key)?.take()?;
        self.free.push(key);
        self.len -= 1;
        Some(value)
    }

    /// Takes every value out.
    pub(crate) fn drain(&mut self) -> Vec<T> {
        self.free.clear();
        self.len = 0;
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .collect()
    }

    /// How many values are stored.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_keys_are_reused_and_counted() {
        let mut slab = Slab::default();
        for value in ["a", "b", "c"] {
            let key = slab.vacant_key();
            slab.insert(key, value);
        }
        assert_eq!(slab.remove(1), Some("b"));
        assert_eq!(slab.remove(1), None, "a slot is emptied once");
        assert_eq!(slab.get_mut(1), None);
        assert_eq!(slab.vacant_key(), 1);
        slab.insert(1, "d");
        assert_eq!(slab.get_mut(1), Some(&mut "d"));
        assert_eq!(slab.len(), 3);
        let mut all = slab.drain();
        all.sort_unstable();
        assert_eq!(all, ["a", "c", "d"]);
        assert_eq!(slab.len(), 0);
        assert_eq!(slab.vacant_key(), 0);
    }

    #[test]
    fn drain_forgets_the_keys_freed_before_it() {
        let mut slab = Slab::default();
        for value in ["a", "b", "c"] {
            let key = slab.vacant_key();
            slab.insert(key, value);
        }
        assert_eq!(slab.remove(1), Some("b"));
        assert_eq!(slab.drain(), ["a", "c"]);
        // A key freed before the drain names a slot the drain took away.
        assert_eq!(slab.vacant_key(), 0);
        slab.insert(0, "d");
        assert_eq!(slab.get_mut(0), Some(&mut "d"));
        assert_eq!(slab.len(), 1);
    }
}
