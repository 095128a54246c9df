//! The recorder's state machine: which slices, marks and wakes a sequence of
//! runtime events becomes, including the awkward orders (wakes during a
//! poll, repeated wakes, cancellation, a full recording, a snapshot).

use std::panic::Location;

use timeline::{
    MarkKind, PollOutcome, Process, Readiness, Record, Recorder, SliceKind, TrackId, Wait, Wake,
    WakeCause,
};

/// The slice kinds on `track`, in the order recorded, with their spans.
fn slices_on(process: &Process, track: TrackId) -> Vec<(SliceKind, f64, f64)> {
    process
        .records()
        .iter()
        .filter_map(|r| match r {
            Record::Slice(s) if s.track == track => Some((s.kind.clone(), s.start, s.end)),
            _ => None,
        })
        .collect()
}

/// The wakes recorded.
fn wakes(process: &Process) -> Vec<Wake> {
    process
        .records()
        .iter()
        .filter_map(|r| match r {
            Record::Wake(w) => Some(w.clone()),
            _ => None,
        })
        .collect()
}

/// The marks on `track`.
fn marks_on(process: &Process, track: TrackId) -> Vec<MarkKind> {
    process
        .records()
        .iter()
        .filter_map(|r| match r {
            Record::Mark(m) if m.track == track => Some(m.kind),
            _ => None,
        })
        .collect()
}

/// A recorder with task 7 ('t') spawned at 0, and that task's track.
fn with_task() -> (Recorder, TrackId) {
    let mut rec = Recorder::new(1, "test", 1000);
    rec.task_spawned(7, Some("t"), Location::caller(), 0.0);
    let track = rec.process().task_track(7).expect("a track for task 7");
    assert_eq!(
        rec.process().track(track).map(|t| t.name()),
        Some("task 7 't'")
    );
    (rec, track)
}

#[test]
fn a_poll_cycle_is_queued_poll_await_queued_poll_and_one_wake() {
    let (mut rec, task) = with_task();
    rec.poll_started(7, 1.0);
    rec.waits_on(Wait::Io {
        token: 3,
        interest: Readiness::READABLE,
    });
    rec.poll_ended(7, 2.0, PollOutcome::Pending);
    rec.task_woken(
        7,
        10.0,
        WakeCause::Io {
            token: 3,
            readiness: Readiness::READABLE,
        },
    );
    rec.poll_started(7, 12.0);
    rec.poll_ended(7, 14.0, PollOutcome::Ready);
    let process = rec.finish(20.0);
    let io = Wait::Io {
        token: 3,
        interest: Readiness::READABLE,
    };
    let cause = WakeCause::Io {
        token: 3,
        readiness: Readiness::READABLE,
    };
    assert_eq!(
        slices_on(&process, task),
        [
            (SliceKind::Queued { after: None }, 0.0, 1.0),
            (
                SliceKind::Poll {
                    outcome: PollOutcome::Pending
                },
                1.0,
                2.0
            ),
            (SliceKind::Await { on: io, also: None }, 2.0, 10.0),
            (SliceKind::Queued { after: Some(cause) }, 10.0, 12.0),
            (
                SliceKind::Poll {
                    outcome: PollOutcome::Ready
                },
                12.0,
                14.0
            ),
        ]
    );
    let wake = Wake {
        cause,
        from: TrackId::EVENT_LOOP,
        from_at: 10.0,
        to: task,
        to_at: 13.0,
    };
    assert_eq!(wakes(&process), [wake]);
    assert_eq!(
        marks_on(&process, task),
        [MarkKind::Spawn, MarkKind::Finished]
    );
}

#[test]
fn a_wake_during_the_poll_queues_the_task_when_the_poll_returns() {
    let (mut rec, task) = with_task();
    rec.poll_started(7, 1.0);
    rec.task_woken(7, 1.5, WakeCause::Task(7));
    rec.poll_ended(7, 2.0, PollOutcome::Pending);
    rec.poll_started(7, 5.0);
    let process = rec.snapshot(6.0);
    let kinds: Vec<(SliceKind, f64, f64)> = slices_on(&process, task);
    assert_eq!(
        kinds[2],
        (
            SliceKind::Queued {
                after: Some(WakeCause::Task(7))
            },
            2.0,
            5.0
        )
    );
    let wake = &wakes(&process)[0];
    assert_eq!((wake.from, wake.from_at, wake.to), (task, 1.5, task));
}

#[test]
fn only_the_first_wake_of_a_queued_task_gets_the_arrow() {
    let (mut rec, task) = with_task();
    rec.poll_started(7, 1.0);
    rec.poll_ended(7, 2.0, PollOutcome::Pending);
    rec.task_woken(7, 3.0, WakeCause::Timer);
    rec.task_woken(
        7,
        4.0,
        WakeCause::Remote {
            blocking_thread: None,
        },
    );
    rec.poll_started(7, 5.0);
    rec.poll_ended(7, 6.0, PollOutcome::Ready);
    let process = rec.finish(7.0);
    let wakes = wakes(&process);
    assert_eq!(wakes.len(), 1);
    assert_eq!((wakes[0].cause, wakes[0].to), (WakeCause::Timer, task));
    // The second wake did not even make an "other threads" track.
    assert_eq!(process.tracks().len(), 2);
}

/// A task polled to wait on `first` and `second`, then woken by `cause`:
/// the await slice it leaves.
fn await_ended_by(first: Wait, second: Wait, cause: WakeCause) -> SliceKind {
    let (mut rec, task) = with_task();
    rec.poll_started(7, 1.0);
    rec.waits_on(first);
    rec.waits_on(second);
    rec.poll_ended(7, 2.0, PollOutcome::Pending);
    rec.task_woken(7, 3.0, cause);
    let process = rec.finish(4.0);
    slices_on(&process, task)
        .into_iter()
        .map(|(kind, ..)| kind)
        .find(|kind| matches!(kind, SliceKind::Await { .. }))
        .expect("an await slice")
}

#[test]
fn a_wait_is_named_by_what_ended_it_when_that_was_its_second_wait() {
    let io = Wait::Io {
        token: 3,
        interest: Readiness::READABLE,
    };
    let timer = Wait::Timer { deadline: 9.0 };
    let join = Wait::Join { task: 5 };
    let socket = |token| WakeCause::Io {
        token,
        readiness: Readiness::READABLE,
    };
    // (first wait, second wait, what ended it) -> (named as, also)
    let cases = [
        // A read under a timeout that timed out: a wait for the timer.
        ((io, timer, WakeCause::Timer), (timer, io)),
        // The same wait ended by the socket keeps its order.
        ((io, timer, socket(3)), (io, timer)),
        // An event on another socket ends neither: the order stays.
        ((io, timer, socket(4)), (io, timer)),
        // A join under a timeout, ended by the awaited task.
        ((timer, join, WakeCause::Task(5)), (join, timer)),
    ];
    for ((first, second, cause), (on, also)) in cases {
        assert_eq!(
            await_ended_by(first, second, cause),
            SliceKind::Await {
                on,
                also: Some(also)
            },
            "{first:?} then {second:?}, ended by {cause:?}"
        );
    }
}

#[test]
fn no_reported_wait_is_other_and_a_third_is_not_kept() {
    let (mut rec, task) = with_task();
    rec.poll_started(7, 1.0);
    rec.poll_ended(7, 2.0, PollOutcome::Pending);
    rec.task_woken(7, 3.0, WakeCause::Loop);
    rec.poll_started(7, 4.0);
    rec.waits_on(Wait::Permit);
    rec.waits_on(Wait::Permit);
    rec.waits_on(Wait::Timer { deadline: 9.0 });
    rec.waits_on(Wait::Channel);
    rec.poll_ended(7, 5.0, PollOutcome::Pending);
    let process = rec.finish(8.0);
    let awaits: Vec<SliceKind> = slices_on(&process, task)
        .into_iter()
        .map(|(kind, ..)| kind)
        .filter(|kind| matches!(kind, SliceKind::Await { .. }))
        .collect();
    assert_eq!(
        awaits,
        [
            SliceKind::Await {
                on: Wait::Other,
                also: None
            },
            SliceKind::Await {
                on: Wait::Permit,
                also: Some(Wait::Timer { deadline: 9.0 })
            },
        ]
    );
}

#[test]
fn a_task_cancelled_while_waiting_ends_its_wait_and_its_phase_there() {
    let (mut rec, task) = with_task();
    rec.poll_started(7, 1.0);
    rec.phase("connecting", 1.5);
    rec.waits_on(Wait::Io {
        token: 1,
        interest: Readiness::WRITABLE,
    });
    rec.poll_ended(7, 2.0, PollOutcome::Pending);
    rec.task_cancelled(7, 9.0);
    rec.task_woken(7, 10.0, WakeCause::Timer); // too late: ignored
    let process = rec.finish(11.0);
    let last = slices_on(&process, task).pop().expect("slices");
    assert!(
        matches!(last, (SliceKind::Await { .. }, 2.0, 9.0)),
        "{last:?}"
    );
    assert_eq!(
        marks_on(&process, task),
        [MarkKind::Spawn, MarkKind::Cancelled]
    );
    let phase_track = process
        .tracks()
        .iter()
        .find(|t| t.name() == "task 7 't' phases")
        .expect("phase track");
    let phase = process.records().iter().find_map(|r| match r {
        Record::Slice(s) if process.track(s.track).map(|t| t.tid()) == Some(phase_track.tid()) => {
            Some(s.clone())
        }
        _ => None,
    });
    let phase = phase.expect("the phase slice");
    assert_eq!((phase.start, phase.end), (1.5, 9.0));
    assert!(wakes(&process).is_empty());
}

#[test]
fn a_snapshot_closes_open_slices_and_the_recording_goes_on() {
    let (mut rec, task) = with_task();
    rec.poll_started(7, 1.0);
    let snapshot = rec.snapshot(3.0);
    assert_eq!(
        slices_on(&snapshot, task).last(),
        Some(&(
            SliceKind::Poll {
                outcome: PollOutcome::Unfinished
            },
            1.0,
            3.0
        ))
    );
    rec.poll_ended(7, 4.0, PollOutcome::Ready);
    let process = rec.finish(5.0);
    assert_eq!(
        slices_on(&process, task).last(),
        Some(&(
            SliceKind::Poll {
                outcome: PollOutcome::Ready
            },
            1.0,
            4.0
        ))
    );
}

#[test]
fn a_full_recorder_refuses_everything_and_closes_at_the_moment_it_filled() {
    // Room for: the spawn, the queued slice, the poll. Not the await.
    let mut rec = Recorder::new(1, "small", 3);
    rec.task_spawned(7, None, Location::caller(), 0.0);
    rec.poll_started(7, 1.0);
    rec.poll_ended(7, 2.0, PollOutcome::Pending);
    rec.tick(1, 0.0, 3.0); // does not fit: full at 3
    rec.task_woken(7, 4.0, WakeCause::Timer);
    rec.task_spawned(8, None, Location::caller(), 5.0);
    rec.poll_started(7, 6.0);
    let process = rec.finish(100.0);
    assert_eq!(process.full_at(), Some(3.0));
    assert!(process.dropped() >= 2, "{}", process.dropped());
    assert_eq!(
        process.tracks().len(),
        2,
        "no track for the task spawned after"
    );
    let task = process.task_track(7).expect("task 7's track");
    // The open wait is closed when the recording stopped, not at 100.
    let last = slices_on(&process, task).pop().expect("slices");
    assert!(
        matches!(
            last,
            (
                SliceKind::Await {
                    on: Wait::Other,
                    ..
                },
                2.0,
                3.0
            )
        ),
        "{last:?}"
    );
    assert_eq!(
        process.records().len(),
        4,
        "the bound plus the closing slice"
    );
}

#[test]
fn events_for_unknown_tasks_are_ignored() {
    let mut rec = Recorder::new(1, "test", 100);
    rec.poll_started(99, 1.0);
    rec.waits_on(Wait::Permit);
    rec.poll_ended(99, 2.0, PollOutcome::Ready);
    rec.task_woken(99, 3.0, WakeCause::Timer);
    rec.task_cancelled(99, 4.0);
    rec.phase("nothing", 5.0);
    let process = rec.finish(6.0);
    assert!(process.records().is_empty());
    assert_eq!(process.tracks().len(), 1);
}

#[test]
fn the_clock_is_one_axis_for_every_thread() {
    let before = timeline::now_us();
    let on_other_thread = std::thread::spawn(timeline::now_us).join().expect("thread");
    let after = timeline::now_us();
    assert!(before <= on_other_thread && on_other_thread <= after);
    let instant = std::time::Instant::now();
    let from_instant = timeline::instant_us(instant);
    assert!(from_instant >= after && from_instant <= timeline::now_us());
}
