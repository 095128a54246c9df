//! Tests of the timer wheel: a property test against a `BTreeMap` model, and
//! a few unit tests that name single behaviours (stale keys, cascading,
//! level boundaries, clamping).
//!
//! The model is the obvious correct timer queue: a map ordered by
//! `(deadline, insertion sequence)`. Random sequences of insert, cancel
//! (including stale keys), reset and advance run on both, and after every
//! step they must agree on what fired, in which order, and what is still live.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;

use super::wheel::{TimerKey, Wheel};

/// 2^30 ticks: one slot of the top level.
const TOP_SLOT: u64 = 1 << 30;
/// 2^36 ticks: the whole wheel; farther deadlines are clamped.
const HORIZON: u64 = 1 << 36;

/// Deadlines and distances at and around every level boundary.
const BOUNDARIES: &[u64] = &[
    0,
    1,
    2,
    62,
    63,
    64,
    65,
    127,
    128,
    4_095,
    4_096,
    4_097,
    262_143,
    262_144,
    262_145,
    (1 << 24) - 1,
    1 << 24,
    (1 << 24) + 1,
    TOP_SLOT - 1,
    TOP_SLOT,
    TOP_SLOT + 1,
    HORIZON - TOP_SLOT,
    HORIZON - 1,
    HORIZON,
    HORIZON + 1,
    2 * HORIZON,
];

/// A deadline, either absolute or relative to the wheel's time when used.
#[derive(Clone, Copy, Debug)]
enum When {
    /// This many ticks since the epoch.
    At(u64),
    /// This many ticks after `elapsed()`.
    In(u64),
    /// Never in practice: `u64::MAX`.
    Never,
}

/// One step of a random test sequence.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// Insert a timer.
    Insert(When),
    /// Cancel the n-th key ever issued (modulo the count): often stale.
    Cancel(usize),
    /// Reset the n-th key ever issued to a new deadline.
    Reset(usize, When),
    /// Advance the wheel by this many ticks.
    AdvanceBy(u64),
    /// Advance to `next_expiration()`, as the event loop does.
    AdvanceToNext,
}

/// Numbers that are near boundaries, small, or anywhere up to two laps.
fn distance() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => prop::sample::select(BOUNDARIES),
        3 => 0..200u64,
        2 => 0..300_000u64,
        1 => 0..2 * HORIZON,
    ]
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        4 => distance().prop_map(When::In),
        2 => distance().prop_map(When::At),
        1 => Just(When::Never),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => when().prop_map(Op::Insert),
        2 => any::<usize>().prop_map(Op::Cancel),
        2 => (any::<usize>(), when()).prop_map(|(n, w)| Op::Reset(n, w)),
        2 => distance().prop_map(Op::AdvanceBy),
        2 => Just(Op::AdvanceToNext),
    ]
}

/// A live timer in the model.
#[derive(Clone, Copy, Debug)]
struct Live {
    /// Its deadline.
    deadline: u64,
    /// Position in insertion (or last reset) order: the tie-breaker.
    seq: u64,
    /// Placed beyond the horizon (see the wheel's docs): ties may reorder.
    clamped: bool,
}

/// The reference timer queue.
#[derive(Default)]
struct Model {
    /// Largest `now` advanced to.
    elapsed: u64,
    /// Live timers by (deadline, seq), valued by the id of their key.
    queue: BTreeMap<(u64, u64), usize>,
    /// Live timers by key id.
    live: HashMap<usize, Live>,
    /// Next sequence number.
    seq: u64,
}

impl Model {
    fn deadline(&self, when: When) -> u64 {
        match when {
            When::At(t) => t,
            When::In(d) => self.elapsed.saturating_add(d),
            When::Never => u64::MAX,
        }
    }

    fn insert(&mut self, id: usize, deadline: u64) {
        let clamped = (deadline >> 30).saturating_sub(self.elapsed >> 30) >= 64;
        let live = Live {
            deadline,
            seq: self.seq,
            clamped,
        };
        self.seq += 1;
        self.queue.insert((deadline, live.seq), id);
        self.live.insert(id, live);
    }

    fn remove(&mut self, id: usize) -> Option<Live> {
        let live = self.live.remove(&id)?;
        self.queue.remove(&(live.deadline, live.seq));
        Some(live)
    }

    /// Fires everything due at `now`: (id, Live) in (deadline, seq) order.
    fn advance(&mut self, now: u64) -> Vec<(usize, Live)> {
        self.elapsed = self.elapsed.max(now);
        let due: Vec<usize> = self
            .queue
            .range(..(now.saturating_add(1), 0))
            .map(|(_, &id)| id)
            .collect();
        due.into_iter()
            .map(|id| (id, self.remove(id).expect("queued timer is live")))
            .collect()
    }
}

/// Checks one advance: same set, deadline order, seq order among ties
/// (unless a tie involves a clamped timer), none early.
fn check_fired(
    now: u64,
    fired: &[(TimerKey, usize)],
    expected: &[(usize, Live)],
    keys: &[TimerKey],
) {
    let mut got: Vec<usize> = fired.iter().map(|&(_, id)| id).collect();
    for &(key, id) in fired {
        assert_eq!(
            key, keys[id],
            "fired key matches the id it was inserted with"
        );
    }
    let want: Vec<usize> = expected.iter().map(|&(id, _)| id).collect();
    assert_eq!(
        got.len(),
        want.len(),
        "fired count at now={now}: got {got:?}, want {want:?}"
    );
    // Deadline order, exact order within unclamped ties.
    let mut start = 0;
    while start < expected.len() {
        let deadline = expected[start].1.deadline;
        assert!(deadline <= now, "model fired early");
        let end = start
            + expected[start..]
                .iter()
                .take_while(|(_, l)| l.deadline == deadline)
                .count();
        let group = &expected[start..end];
        if group.iter().any(|(_, l)| l.clamped) {
            got[start..end].sort_unstable();
            let mut w: Vec<usize> = want[start..end].to_vec();
            w.sort_unstable();
            assert_eq!(&got[start..end], &w[..], "tie group at deadline {deadline}");
        } else {
            assert_eq!(
                &got[start..end],
                &want[start..end],
                "order at deadline {deadline}"
            );
        }
        start = end;
    }
}

/// Runs one sequence on the wheel and the model side by side.
fn run(ops: &[Op]) {
    let mut wheel = Wheel::new();
    let mut model = Model::default();
    let mut keys: Vec<TimerKey> = Vec::new();
    let mut fired = Vec::new();
    for &op in ops {
        match op {
            Op::Insert(when) => {
                let deadline = model.deadline(when);
                let id = keys.len();
                keys.push(wheel.insert(deadline, id));
                model.insert(id, deadline);
            }
            Op::Cancel(n) if !keys.is_empty() => {
                let id = n % keys.len();
                let expected = model.remove(id).map(|_| id);
                assert_eq!(wheel.cancel(keys[id]), expected, "cancel of key {id}");
            }
            Op::Reset(n, when) if !keys.is_empty() => {
                let id = n % keys.len();
                let deadline = model.deadline(when);
                let was_live = model.remove(id).is_some();
                if was_live {
                    model.insert(id, deadline);
                }
                assert_eq!(
                    wheel.reset(keys[id], deadline),
                    was_live,
                    "reset of key {id}"
                );
            }
            Op::Cancel(_) | Op::Reset(..) => {}
            Op::AdvanceBy(by) => {
                let now = model.elapsed + by;
                fired.clear();
                wheel.advance(now, &mut fired);
                check_fired(now, &fired, &model.advance(now), &keys);
            }
            Op::AdvanceToNext => {
                let Some(next) = wheel.next_expiration() else {
                    assert!(model.queue.is_empty(), "live timers but no next expiration");
                    continue;
                };
                let earliest = model
                    .queue
                    .keys()
                    .next()
                    .expect("next expiration with nothing live")
                    .0;
                assert!(
                    next <= earliest.max(model.elapsed),
                    "next expiration {next} after deadline {earliest}"
                );
                fired.clear();
                wheel.advance(next, &mut fired);
                check_fired(next, &fired, &model.advance(next), &keys);
            }
        }
        assert_eq!(wheel.len(), model.live.len());
        assert_eq!(wheel.elapsed(), model.elapsed);
        for (id, key) in keys.iter().enumerate() {
            assert_eq!(
                wheel.deadline(*key),
                model.live.get(&id).map(|l| l.deadline),
                "deadline of {id}"
            );
        }
    }
    // Drain: advancing to each next expiration fires everything that is due
    // within a few laps (`When::Never` would take 2^28 laps: not waited for).
    let limit = model.elapsed + 4 * HORIZON;
    while model
        .queue
        .keys()
        .next()
        .is_some_and(|&(deadline, _)| deadline <= limit)
    {
        let next = wheel
            .next_expiration()
            .expect("live timers have a next expiration");
        fired.clear();
        wheel.advance(next, &mut fired);
        check_fired(next, &fired, &model.advance(next), &keys);
    }
    assert!(
        model.live.values().all(|l| l.deadline > model.elapsed),
        "a due timer was lost"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn wheel_matches_btreemap_model(ops in prop::collection::vec(op(), 1..120)) {
        run(&ops);
    }
}

/// Advances and returns the values fired.
fn fire(wheel: &mut Wheel<&'static str>, now: u64) -> Vec<&'static str> {
    let mut out = Vec::new();
    wheel.advance(now, &mut out);
    out.into_iter().map(|(_, v)| v).collect()
}

#[test]
fn stale_key_cannot_cancel_the_slots_next_owner() {
    let mut wheel = Wheel::new();
    let old = wheel.insert(5, "old");
    assert_eq!(wheel.cancel(old), Some("old"));
    let new = wheel.insert(7, "new");
    assert_eq!(wheel.cancel(old), None, "stale key after cancel");
    assert!(!wheel.reset(old, 1));
    assert_eq!(wheel.deadline(new), Some(7));
    assert_eq!(fire(&mut wheel, 7), ["new"]);
    assert_eq!(wheel.cancel(new), None, "stale key after firing");
    assert!(wheel.is_empty());
}

#[test]
fn entries_cascade_down_and_fire_exactly_on_their_deadline() {
    let mut wheel = Wheel::new();
    wheel.insert(100, "level 1");
    wheel.insert(5_000, "level 2");
    wheel.insert(300_000, "level 3");
    // The first expiration is the cascade of level 1 slot 1 at tick 64.
    assert_eq!(wheel.next_expiration(), Some(64));
    assert!(fire(&mut wheel, 64).is_empty());
    assert_eq!(wheel.next_expiration(), Some(100), "now on level 0");
    assert!(fire(&mut wheel, 99).is_empty());
    assert_eq!(fire(&mut wheel, 100), ["level 1"]);
    assert!(fire(&mut wheel, 4_999).is_empty());
    assert_eq!(fire(&mut wheel, 5_000), ["level 2"]);
    assert_eq!(fire(&mut wheel, 1_000_000), ["level 3"]);
}

#[test]
fn level_boundaries_fire_in_order_in_one_big_advance() {
    let mut wheel = Wheel::new();
    let deadlines = [262_144, 64, 4_096, 63, 4_095, 262_143, 0, (1 << 36) - 1];
    let names = ["262144", "64", "4096", "63", "4095", "262143", "0", "max"];
    for (&d, &n) in deadlines.iter().zip(&names) {
        wheel.insert(d, n);
    }
    assert_eq!(
        fire(&mut wheel, 1 << 36),
        ["0", "63", "64", "4095", "4096", "262143", "262144", "max"]
    );
}

#[test]
fn far_deadline_is_clamped_but_fires_on_time() {
    let mut wheel = Wheel::new();
    let far = 3 * (1u64 << 36) + 12_345;
    wheel.insert(far, "far");
    let mut now = 0;
    while let Some(next) = wheel.next_expiration() {
        assert!(next <= far, "never sleeps past the deadline");
        assert!(next > now, "every step makes progress");
        now = next;
        if !fire(&mut wheel, now).is_empty() {
            break;
        }
    }
    assert_eq!(now, far);
}

#[test]
fn past_deadline_fires_on_next_advance_sorted() {
    let mut wheel = Wheel::new();
    assert!(fire(&mut wheel, 1_000).is_empty());
    wheel.insert(900, "b");
    wheel.insert(10, "a");
    wheel.insert(1_000, "c");
    assert_eq!(wheel.next_expiration(), Some(1_000));
    assert_eq!(fire(&mut wheel, 1_000), ["a", "b", "c"]);
}
