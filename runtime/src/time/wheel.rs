//! A hierarchical timing wheel: the data structure behind every `sleep`.
//!
//! The event loop keeps one [`Wheel`]. A timer is a deadline (whole *ticks*
//! since the wheel's epoch; the driver's tick is a microsecond, `clock.rs`)
//! plus a value (the driver stores the sleeping task's `Waker`). The wheel answers two questions cheaply:
//! *when is the next thing due?* ([`Wheel::next_expiration`], which the loop
//! turns into mio's poll timeout) and *what is due now?* ([`Wheel::advance`]).
//! This module knows nothing about tasks, clocks or `Instant`s; it is plain
//! data and is tested against a `BTreeMap` model in `wheel_proptest.rs`.
//!
//! # Structure (Varghese & Lauck, "Hashed and Hierarchical Timing Wheels", 1987)
//!
//! Six levels of 64 slots. A slot of level `L` covers `64^L` ticks, so each
//! level covers exactly one slot of the level above it (times for the
//! driver's 1 µs tick):
//!
//! ```text
//!            slot 0   slot 1   slot 2           slot 63     one slot    whole level
//! level 5  [        |        |        | ...  |        ]   2^30 ticks  2^36 ticks
//!                                                          ~17.9 min   ~19.1 h
//! level 4  [        |        |        | ...  |        ]   2^24 ticks  ~17.9 min
//!                                                          ~16.8 s
//! level 3  [        |        |        | ...  |        ]   2^18 ticks  ~16.8 s
//!                                                          ~262 ms
//! level 2  [        |        |        | ...  |        ]   2^12 ticks  ~262 ms
//!                                                          ~4.1 ms
//! level 1  [        |        |        | ...  |        ]   64 µs       ~4.1 ms
//! level 0  [        |        |        | ...  |        ]   1 µs        64 µs
//!                       ^
//!                       position of `elapsed` on each level: (elapsed >> 6L) % 64
//! ```
//!
//! Each slot is a doubly-linked list of entries, and each level has a `u64`
//! occupancy bitmap with bit `s` set when slot `s` is non-empty.
//!
//! # The rounding rule: which level and slot a deadline goes to
//!
//! Write `elapsed` (the wheel's current time) and the deadline in base 64,
//! six bits per digit. The level is the most significant digit in which they
//! differ, and the slot is the deadline's digit at that level:
//!
//! ```text
//! level = (63 - (elapsed ^ deadline).leading_zeros()) / 6
//! slot  = (deadline >> (6 * level)) % 64
//! ```
//!
//! Example: at `elapsed = 10`, a deadline of 100 (digits `1,36`) differs from
//! 10 (digits `0,10`) first in digit 1, so it goes to level 1, slot 1: the slot
//! covering ticks 64..=127. When the wheel reaches 64 that slot *cascades*: each
//! entry is placed again by the same rule, now relative to `elapsed = 64`, and
//! 100 lands in level 0, slot 36. Entries only ever move down the levels.
//!
//! A deadline at or before `elapsed` goes to a separate *pending* list and
//! fires on the next [`Wheel::advance`].
//!
//! **Beyond the last level.** A deadline whose level-5 digit is 64 or more
//! slots ahead of `elapsed`'s (more than about 19 hours away) does not fit.
//! It is clamped: stored in the level-5 slot 63 slots ahead, the farthest one.
//! When that slot comes due (after between 62 and 63 level-5 slots, ~18.7
//! hours) the entry is placed again by its real deadline, which it keeps. So a
//! far deadline fires exactly on time; it just takes more than one lap, one
//! more cascade per lap. (tokio's six levels of 1 ms reach 2.2 years; ours of
//! 1 µs trade that reach for the precision, and a day-long timeout costs one
//! extra cascade.)
//!
//! # Why a timer never fires early
//!
//! A slot's start time is never after any deadline stored in it (the slot is
//! the deadline with its lower digits zeroed, or for clamped entries a slot
//! even earlier). [`Wheel::advance`] visits slots in time order and, for each
//! entry, compares the entry's *own* deadline with the time: `deadline <=
//! elapsed` fires it, anything else is placed again on a lower level. So firing
//! never depends on the slot arithmetic being exact, only on that comparison.
//! And a slot is only visited when its start time is `<= now`, so no slot, and
//! no deadline, is skipped: nothing fires late by more than the caller's
//! `advance` granularity.
//!
//! # Order
//!
//! `advance` fires in deadline order. Equal deadlines fire in the order they
//! were inserted (or last reset): lists are appended at the tail and cascades
//! keep list order. The one exception is equal deadlines that were clamped
//! (more than ~19 hours out when inserted), which may fire in either order.
//!
//! # Implementation
//!
//! Entries live in a slab (`Vec<Entry<T>>` with a free list) and are named by
//! a [`TimerKey`]: index plus generation. The generation is bumped every time
//! an entry is freed, so a key kept after its timer fired or was cancelled
//! fails to match and cannot cancel whoever reuses the slot. The slot lists are
//! intrusive: `prev`/`next` are slab indices stored in the entries, so insert,
//! cancel and reset are O(1) with no allocation once the slab has grown. Finding
//! the next due slot is `trailing_zeros` on a rotated bitmap, O(levels).
//!
//! **What tokio does differently.** tokio's wheel (`tokio/src/runtime/time/
//! wheel/`) uses the same levels and rounding, but its entries live inside the
//! `Sleep` futures themselves (intrusive linked lists of pinned nodes), so a
//! timer costs no slab slot and no key lookup, at the price of `unsafe` code
//! and pinning. We keep entries in a slab because it is safe and easier to
//! follow. tokio's tick is a millisecond: its deadlines are rounded up to the
//! next whole millisecond, as the driver here rounds them up to the next
//! microsecond. Each extra level a timer starts on costs it one more cascade
//! (a 1 s timeout starts on level 3 here, on level 1 in tokio), and an idle
//! loop wakes at each cascade point on the way down. The slab never shrinks: after a peak of a million
//! timers its memory stays reserved (tokio's memory goes away with the futures).

use std::fmt;

/// Bits per level: one base-64 digit of a deadline.
const SLOT_BITS: u32 = 6;
/// Slots per level (64, as in tokio and the Varghese & Lauck paper's example
/// of a word-sized bitmap).
const SLOTS: usize = 1 << SLOT_BITS;
/// Mask for one digit.
const SLOT_MASK: u64 = (SLOTS as u64) - 1;
/// Number of levels, tokio's `NUM_LEVELS`; with 64 slots of 1 µs this reaches
/// 2^36 µs (~19 hours) before clamping.
const LEVELS: usize = 6;
/// Index of the pending list (deadlines at or before `elapsed`) in `lists`,
/// after the `LEVELS * SLOTS` slot lists.
const PENDING: u16 = (LEVELS * SLOTS) as u16;
/// Number of lists: every slot of every level, plus the pending list.
const LISTS: usize = LEVELS * SLOTS + 1;
/// "No entry": the end of a list or of the free list.
const NIL: u32 = u32::MAX;

/// Names one timer in a [`Wheel`]. Stays valid until the timer fires or is
/// cancelled; after that every operation with it is a harmless no-op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TimerKey {
    /// Position of the entry in the slab.
    index: u32,
    /// The entry's generation when this key was issued; must still match.
    generation: u32,
}

/// One slab slot: a live timer, or a vacant slot on the free list.
struct Entry<T> {
    /// Bumped (wrapping) each time the slot is freed. A stale key could only
    /// match again after 2^32 reuses of the same slot.
    generation: u32,
    /// The caller's value; `None` means the slot is vacant.
    value: Option<T>,
    /// Ticks since the epoch; always the real deadline, even when the entry
    /// sits in a clamped slot.
    deadline: u64,
    /// Which list holds the entry: `level * 64 + slot`, or `PENDING`.
    /// Meaningless while vacant.
    list: u16,
    /// Previous entry in the same list, or `NIL`. Meaningless while vacant.
    prev: u32,
    /// Next entry in the same list, or `NIL`; while vacant, the next free slot.
    next: u32,
}

/// Head and tail of one intrusive list of entries.
#[derive(Clone, Copy)]
struct List {
    /// First entry (fires or cascades first), or `NIL`.
    head: u32,
    /// Last entry (where new entries are appended), or `NIL`.
    tail: u32,
}

impl List {
    /// A list with no entries.
    const EMPTY: List = List {
        head: NIL,
        tail: NIL,
    };
}

/// A hierarchical timing wheel with a resolution of one tick. See the module
/// documentation. Owned by one time driver; not shared between threads.
pub(crate) struct Wheel<T> {
    /// The wheel's time in ticks since its epoch: the largest `now` passed to
    /// `advance`. Every deadline at or before it has fired, except entries on
    /// the pending list. Never goes backwards.
    elapsed: u64,
    /// The slab holding every entry, live or vacant.
    entries: Vec<Entry<T>>,
    /// First vacant slab slot (chained through `Entry::next`), or `NIL`.
    free_head: u32,
    /// Number of live timers.
    len: usize,
    /// The slot lists, `level * 64 + slot`, then the pending list.
    lists: Box<[List; LISTS]>,
    /// Per level, bit `s` is set when slot `s` of that level is non-empty.
    occupied: [u64; LEVELS],
}

impl<T> Wheel<T> {
    /// An empty wheel at time 0.
    pub(crate) fn new() -> Self {
        Wheel {
            elapsed: 0,
            entries: Vec::new(),
            free_head: NIL,
            len: 0,
            lists: Box::new([List::EMPTY; LISTS]),
            occupied: [0; LEVELS],
        }
    }

    /// Number of live timers.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// True when no timer is live.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds a timer. A deadline at or before `elapsed` fires on the next
    /// `advance`. O(1), allocation-free unless the slab must grow.
    pub(crate) fn insert(&mut self, deadline: u64, value: T) -> TimerKey {
        let index = if self.free_head != NIL {
            let index = self.free_head;
            self.free_head = self.entries[index as usize].next;
            index
        } else {
            let index = u32::try_from(self.entries.len())
                .ok()
                .filter(|&i| i != NIL)
                .expect("timer wheel: more than u32::MAX - 1 live timers");
            self.entries.push(Entry {
                generation: 0,
                value: None,
                deadline: 0,
                list: PENDING,
                prev: NIL,
                next: NIL,
            });
            index
        };
        let entry = &mut self.entries[index as usize];
        entry.value = Some(value);
        entry.deadline = deadline;
        self.len += 1;
        self.link(index, self.list_for(deadline));
        TimerKey {
            index,
            generation: self.entries[index as usize].generation,
        }
    }

    /// Removes a live timer and returns its value; `None` for a stale key.
    /// O(1).
    pub(crate) fn cancel(&mut self, key: TimerKey) -> Option<T> {
        let index = self.live(key)?;
        self.unlink(index);
        Some(self.free(index))
    }

    /// Moves a live timer to a new deadline, as if cancelled and inserted
    /// again (it goes to the back of its new slot). False for a stale key.
    pub(crate) fn reset(&mut self, key: TimerKey, deadline: u64) -> bool {
        let Some(index) = self.live(key) else {
            return false;
        };
        self.unlink(index);
        self.entries[index as usize].deadline = deadline;
        self.link(index, self.list_for(deadline));
        true
    }

    /// The value of a live timer, to update it in place (the driver swaps
    /// in a new waker).
    pub(crate) fn get_mut(&mut self, key: TimerKey) -> Option<&mut T> {
        let index = self.live(key)?;
        self.entries[index as usize].value.as_mut()
    }

    /// The earliest time at which `advance` could fire or move something:
    /// never later than the earliest deadline, so a loop that sleeps until
    /// this time never oversleeps a timer. It may be earlier (a cascade
    /// point); advancing to it then fires nothing and the next answer is later.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        if self.lists[PENDING as usize].head != NIL {
            return Some(self.elapsed);
        }
        self.next_slot().map(|(_, time)| time)
    }

    /// Fires every timer with `deadline <= now`, appending `(key, value)` to
    /// `out` in deadline order; the keys are stale from then on. Time never
    /// goes backwards: a `now` before `elapsed` only fires pending timers.
    pub(crate) fn advance(&mut self, now: u64, out: &mut Vec<(TimerKey, T)>) {
        self.fire_pending(out);
        while let Some((list, time)) = self.next_slot()
            && time <= now
        {
            // Occupied slots are always ahead of `elapsed`; this catches a
            // rounding bug as a panic in tests instead of an endless loop.
            debug_assert!(
                time > self.elapsed,
                "slot at {time} is not ahead of {}",
                self.elapsed
            );
            self.elapsed = time;
            // Detach the whole slot, then fire or re-place each entry in order.
            let mut index = self.lists[list].head;
            self.lists[list] = List::EMPTY;
            self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
            while index != NIL {
                let entry = &self.entries[index as usize];
                let (next, deadline) = (entry.next, entry.deadline);
                if deadline <= self.elapsed {
                    let generation = self.entries[index as usize].generation;
                    let value = self.free(index);
                    out.push((TimerKey { index, generation }, value));
                } else {
                    self.link(index, self.list_for(deadline));
                }
                index = next;
            }
        }
        self.elapsed = self.elapsed.max(now);
    }

    /// Fires the pending list (deadlines at or before `elapsed` when they
    /// were inserted), sorted by deadline; the sort is stable, so ties keep
    /// insertion order. All of them are due before anything still in a slot.
    fn fire_pending(&mut self, out: &mut Vec<(TimerKey, T)>) {
        let mut index = self.lists[PENDING as usize].head;
        if index == NIL {
            return;
        }
        self.lists[PENDING as usize] = List::EMPTY;
        let mut due = Vec::new();
        while index != NIL {
            let entry = &self.entries[index as usize];
            let (next, deadline, generation) = (entry.next, entry.deadline, entry.generation);
            due.push((deadline, TimerKey { index, generation }, self.free(index)));
            index = next;
        }
        due.sort_by_key(|&(deadline, _, _)| deadline);
        out.extend(due.into_iter().map(|(_, key, value)| (key, value)));
    }

    /// The first non-empty slot in time order, as (list index, start time).
    ///
    /// The lowest occupied level always holds it: an entry on level `L` lies
    /// inside the current level-`L` span (the current slot of level `L + 1`),
    /// while every entry on level `L + 1` is at least one slot ahead of it.
    /// Within the level, rotating the bitmap right by the current position
    /// makes bit `k` mean "k slots ahead", so `trailing_zeros` is the distance.
    /// On level 5 the distance may wrap past slot 63 into the next lap.
    fn next_slot(&self) -> Option<(usize, u64)> {
        let level = self.occupied.iter().position(|&bits| bits != 0)?;
        let shift = SLOT_BITS * level as u32;
        let position = (self.elapsed >> shift) & SLOT_MASK;
        let distance = u64::from(
            self.occupied[level]
                .rotate_right(position as u32)
                .trailing_zeros(),
        );
        let level_start = self.elapsed & !((1u64 << (shift + SLOT_BITS)) - 1);
        let time = level_start + ((position + distance) << shift);
        let slot = ((position + distance) & SLOT_MASK) as usize;
        Some((level * SLOTS + slot, time))
    }

    /// The list a deadline belongs in at the current `elapsed` (the rounding
    /// rule of the module docs, including clamping).
    fn list_for(&self, deadline: u64) -> u16 {
        if deadline <= self.elapsed {
            return PENDING;
        }
        let highest_differing_bit = 63 - (self.elapsed ^ deadline).leading_zeros();
        let level = ((highest_differing_bit / SLOT_BITS) as usize).min(LEVELS - 1);
        let shift = SLOT_BITS * level as u32;
        let digit = if level < LEVELS - 1 {
            deadline >> shift
        } else {
            // Top level: slots ahead are counted across laps; clamp to 63.
            let (deadline_digit, elapsed_digit) = (deadline >> shift, self.elapsed >> shift);
            if deadline_digit - elapsed_digit < SLOTS as u64 {
                deadline_digit
            } else {
                elapsed_digit + SLOT_MASK
            }
        };
        (level * SLOTS) as u16 + (digit & SLOT_MASK) as u16
    }

    /// The slab index of a live key, or `None` when the key is stale.
    fn live(&self, key: TimerKey) -> Option<u32> {
        let entry = self.entries.get(key.index as usize)?;
        (entry.generation == key.generation && entry.value.is_some()).then_some(key.index)
    }

    /// Appends a (detached, live) entry to the tail of `list`.
    fn link(&mut self, index: u32, list: u16) {
        let tail = self.lists[list as usize].tail;
        let entry = &mut self.entries[index as usize];
        entry.list = list;
        entry.prev = tail;
        entry.next = NIL;
        if tail == NIL {
            self.lists[list as usize].head = index;
        } else {
            self.entries[tail as usize].next = index;
        }
        self.lists[list as usize].tail = index;
        if list != PENDING {
            self.occupied[list as usize / SLOTS] |= 1 << (list as usize % SLOTS);
        }
    }

    /// Detaches a live entry from its list, clearing the occupancy bit when
    /// the list becomes empty.
    fn unlink(&mut self, index: u32) {
        let Entry {
            prev, next, list, ..
        } = self.entries[index as usize];
        let list = list as usize;
        if prev == NIL {
            self.lists[list].head = next;
        } else {
            self.entries[prev as usize].next = next;
        }
        if next == NIL {
            self.lists[list].tail = prev;
        } else {
            self.entries[next as usize].prev = prev;
        }
        if self.lists[list].head == NIL && list != PENDING as usize {
            self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
        }
    }

    /// Returns an (already unlinked) entry's value and puts its slot on the
    /// free list with a new generation.
    fn free(&mut self, index: u32) -> T {
        let entry = &mut self.entries[index as usize];
        let value = entry.value.take().expect("free: entry must be live");
        entry.generation = entry.generation.wrapping_add(1);
        entry.next = self.free_head;
        self.free_head = index;
        self.len -= 1;
        value
    }
}

/// What the model tests (`wheel_proptest.rs`) compare with their model; the
/// driver has no use for either.
#[cfg(test)]
impl<T> Wheel<T> {
    /// The wheel's current time: the largest `now` given to `advance`.
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// The deadline of a live timer.
    pub(crate) fn deadline(&self, key: TimerKey) -> Option<u64> {
        self.live(key)
            .map(|index| self.entries[index as usize].deadline)
    }
}

impl<T> fmt::Debug for Wheel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("len", &self.len)
            .field("next_expiration", &self.next_expiration())
            .finish_non_exhaustive()
    }
}
