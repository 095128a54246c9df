//! The Chrome Trace Event format writer: what Perfetto and chrome://tracing open.
//!
//! The file is one JSON object (the format's "JSON Object Format"):
//!
//! ```text
//! {"traceEvents":[
//! {"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"runtime 1 (thread main)"}},
//! {"name":"thread_name","ph":"M","pid":1,"tid":2,"args":{"name":"task 3 'spin'"}},
//! {"name":"poll","cat":"poll","ph":"X","ts":12.5,"dur":3.25,"pid":1,"tid":2,"args":{"outcome":"Pending"}},
//! {"name":"wake","cat":"wake","ph":"s","id":1,"ts":15,"pid":1,"tid":0,"args":{"cause":"timer"}},
//! {"name":"wake","cat":"wake","ph":"f","bp":"e","id":1,"ts":120,"pid":1,"tid":2},
//! ...
//! ],
//! "displayTimeUnit":"ms",
//! "otherData":{"dropped_events":0,"runtimes_left_out":0,"runtimes":[...],"tracks":[...]}}
//! ```
//!
//! ## Events written
//!
//! - Metadata (`"ph":"M"`): each process's name and sort index, each
//!   track's name and sort index (see [`Track::sort_key`]).
//! - Each slice as a complete event (`"ph":"X"`, `ts` and `dur`); names,
//!   categories and args as the table in `record.rs` says.
//! - Each mark as a thread-scoped instant (`"ph":"i","s":"t"`) named how
//!   the task began or ended (`spawn`, `finished`, `cancelled`,
//!   `panicked`); a spawn's args hold the spawn location, an end's the
//!   program's `outcome` ("downloaded"), if it gave one.
//! - Each wake as a flow start (`"ph":"s"`) on the cause's track and a flow
//!   end (`"ph":"f","bp":"e"`: bind to the *enclosing* slice, the poll) on
//!   the woken task's track. Both are named `wake` in category `wake`:
//!   Perfetto pairs flow events by id, name and category together. Ids are
//!   numbered from 1 across the whole file, so runtimes never share one.
//! - When a process dropped records, a process-scoped instant
//!   `timeline full: N events dropped` at the moment it became full.
//!
//! `otherData` repeats what a program reading the file needs without
//! parsing names: per runtime, its bound and drop count; how many runtimes
//! recorded for this file but were not kept in it (a writer's memory
//! bound, see `Timeline::leave_out`); per track, its kind, task id and
//! spawn location. The HTML viewer reads it.
//!
//! ## Order
//!
//! Within each process, events are written by time, and at the same time
//! the longer slice first, so a parent comes before its children and a
//! flow end comes after the poll that encloses it. Viewers sort on their
//! own, but a file in order is easier to read and to check: on any one
//! track, timestamps never go backwards.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::json_syntax::Object;
use crate::process::Process;
use crate::record::{Mark, Record, Slice, SliceKind, Wake};
use crate::timeline::Timeline;
use crate::track::{Track, TrackId, TrackKind};

impl Timeline {
    /// Writes the Chrome Trace Event JSON (see `chrome_json.rs`) to `out`.
    /// Wrap a file in a `BufWriter`: the writer makes many small writes.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        write(self, out)
    }
}

/// Writes `timeline` to `out` as a Chrome Trace Event JSON object.
fn write(timeline: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"{\"traceEvents\":[")?;
    let mut events = EventList { out, first: true };
    let mut next_flow_id = 1;
    for (index, process) in timeline.processes().iter().enumerate() {
        write_process(process, index, &mut next_flow_id, &mut events)?;
    }
    write_tail(timeline, events.out)
}

/// The events array being written: adds the commas and line breaks.
struct EventList<'a> {
    /// Where the bytes go.
    out: &'a mut dyn Write,
    /// Whether no event has been written yet.
    first: bool,
}

impl EventList<'_> {
    /// Writes one event (a finished JSON object).
    fn push(&mut self, event: Object) -> io::Result<()> {
        let separator: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        self.out.write_all(separator)?;
        self.out.write_all(event.finish().as_bytes())
    }
}

/// Writes the end of the events array and the other top-level members.
fn write_tail(timeline: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    let other = other_data(timeline);
    write!(
        out,
        "\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{other}}}\n"
    )
}

/// What one process's events need to know about it.
struct ProcessContext<'a> {
    /// The process.
    process: &'a Process,
    /// Task names by task id, for causes and waits that name a task.
    task_names: HashMap<u64, &'a str>,
}

impl ProcessContext<'_> {
    /// A task's name, `task 3 'spin'`, or `task 3` if it has no track here.
    fn task_name(&self, id: u64) -> String {
        match self.task_names.get(&id) {
            Some(name) => (*name).to_owned(),
            None => crate::track::task_label(id, None),
        }
    }

    /// A track's tid (0 if the id is not this process's).
    fn tid(&self, track: TrackId) -> u32 {
        self.process.track(track).map_or(0, Track::tid)
    }

    /// An event object with the fields every event has.
    fn event(&self, name: &str, category: &str, phase: &str, ts: f64, track: TrackId) -> Object {
        Object::new()
            .str("name", name)
            .str("cat", category)
            .str("ph", phase)
            .num("ts", ts)
            .int("pid", self.process.pid())
            .int("tid", u64::from(self.tid(track)))
    }
}

/// Writes one process: metadata, then its records in time order.
fn write_process(
    process: &Process,
    index: usize,
    next_flow_id: &mut u64,
    events: &mut EventList<'_>,
) -> io::Result<()> {
    let task_names = process
        .tracks()
        .iter()
        .filter_map(|t| match t.kind() {
            TrackKind::Task { id, .. } => Some((*id, t.name())),
            _ => None,
        })
        .collect();
    let context = ProcessContext {
        process,
        task_names,
    };
    write_metadata(&context, index, events)?;

    // Give each wake its flow id, then write everything in time order.
    // (By record index; 0 for records that are not wakes.)
    let flow_ids: Vec<u64> = process
        .records()
        .iter()
        .map(|record| match record {
            Record::Wake(_) => {
                *next_flow_id += 1;
                *next_flow_id - 1
            }
            _ => 0,
        })
        .collect();
    for (i, part) in time_order(process.records()) {
        let event = match (&process.records()[i], part) {
            (Record::Slice(slice), _) => slice_event(&context, slice),
            (Record::Mark(mark), _) => mark_event(&context, mark),
            (Record::Wake(wake), part) => flow_event(&context, wake, flow_ids[i], part),
        };
        events.push(event)?;
    }
    if let Some(at) = process.full_at() {
        let name = format!("timeline full: {} events dropped", process.dropped());
        let marker = context
            .event(&name, "timeline", "i", at, TrackId::EVENT_LOOP)
            .str("s", "p")
            .raw(
                "args",
                &Object::new().int("dropped", process.dropped()).finish(),
            );
        events.push(marker)?;
    }
    Ok(())
}

/// The records' events in time order: `(record index, part)`, where a wake
/// has two parts (0: its flow start, 1: its flow end) and others one.
fn time_order(records: &[Record]) -> Vec<(usize, u8)> {
    let mut order: Vec<(f64, f64, usize, u8)> = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        match record {
            Record::Slice(s) => order.push((s.start, s.end - s.start, i, 0)),
            Record::Mark(m) => order.push((m.at, 0.0, i, 0)),
            Record::Wake(w) => {
                order.push((w.from_at, 0.0, i, 0));
                order.push((w.to_at, 0.0, i, 1));
            }
        }
    }
    // By time; at the same time the longer first (parents before children);
    // then in the order recorded.
    order.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    order.into_iter().map(|(_, _, i, part)| (i, part)).collect()
}

/// Process and thread names and sort indexes.
fn write_metadata(
    context: &ProcessContext<'_>,
    index: usize,
    events: &mut EventList<'_>,
) -> io::Result<()> {
    let process = context.process;
    let meta = |name: &str, tid: u32, args: Object| {
        Object::new()
            .str("name", name)
            .str("ph", "M")
            .int("pid", process.pid())
            .int("tid", u64::from(tid))
            .raw("args", &args.finish())
    };
    events.push(meta(
        "process_name",
        0,
        Object::new().str("name", process.name()),
    ))?;
    events.push(meta(
        "process_sort_index",
        0,
        Object::new().int("sort_index", index as u64),
    ))?;
    for (position, track) in sorted_tracks(process).into_iter().enumerate() {
        events.push(meta(
            "thread_name",
            track.tid(),
            Object::new().str("name", track.name()),
        ))?;
        let sort = Object::new().int("sort_index", position as u64);
        events.push(meta("thread_sort_index", track.tid(), sort))?;
    }
    Ok(())
}

/// A process's tracks in viewing order.
fn sorted_tracks(process: &Process) -> Vec<&Track> {
    let mut tracks: Vec<&Track> = process.tracks().iter().collect();
    tracks.sort_by_key(|t| (t.sort_key(), t.tid()));
    tracks
}

/// A slice as a complete event.
fn slice_event(context: &ProcessContext<'_>, slice: &Slice) -> Object {
    let kind = &slice.kind;
    let event = context
        .event(&kind.name(), kind.category(), "X", slice.start, slice.track)
        .num("dur", slice.end - slice.start);
    let name = |id| context.task_name(id);
    let args = match kind {
        SliceKind::Poll { outcome } => Object::new().str("outcome", outcome.as_str()),
        SliceKind::Await { on, also } => {
            let args = Object::new()
                .str("kind", on.kind())
                .str("detail", &on.detail(&name));
            match also {
                Some(also) => args.str("also", &also.detail(&name)),
                None => args,
            }
        }
        SliceKind::Queued { after } => {
            let after = after.map_or_else(|| "spawn".to_owned(), |cause| cause.label(&name));
            Object::new().str("after", &after)
        }
        SliceKind::Tick { number } => Object::new().int("tick", *number),
        SliceKind::Select { timeout_us, events } => {
            let args = match timeout_us {
                Some(us) => Object::new().num("timeout_ms", us / 1000.0),
                None => Object::new().str("timeout_ms", "none"),
            };
            args.num("slept_us", slice.end - slice.start)
                .int("events", u64::from(*events))
        }
        SliceKind::Job | SliceKind::Phase { .. } => Object::new(),
        SliceKind::RemoteWake { task } => Object::new().str("task", &context.task_name(*task)),
    };
    with_args(event, args)
}

/// Adds `args` to `event` unless it is empty.
fn with_args(event: Object, args: Object) -> Object {
    if args.is_empty() {
        event
    } else {
        event.raw("args", &args.finish())
    }
}

/// A mark as a thread-scoped instant.
fn mark_event(context: &ProcessContext<'_>, mark: &Mark) -> Object {
    let event = context
        .event(mark.kind.as_str(), "task", "i", mark.at, mark.track)
        .str("s", "t");
    let location = match context.process.track(mark.track).map(Track::kind) {
        Some(TrackKind::Task { spawned_at, .. }) if mark.kind == crate::MarkKind::Spawn => {
            Some(spawned_at.to_string())
        }
        _ => None,
    };
    match (location, &mark.outcome) {
        (Some(location), _) => {
            event.raw("args", &Object::new().str("location", &location).finish())
        }
        (None, Some(outcome)) => event.raw("args", &Object::new().str("outcome", outcome).finish()),
        (None, None) => event,
    }
}

/// One end of a wake's flow: its start (`part` 0) or its end (`part` 1).
fn flow_event(context: &ProcessContext<'_>, wake: &Wake, id: u64, part: u8) -> Object {
    let name = |id| context.task_name(id);
    if part == 0 {
        let args = Object::new().str("cause", &wake.cause.label(&name)).str(
            "woke",
            context.process.track(wake.to).map_or("?", Track::name),
        );
        context
            .event("wake", "wake", "s", wake.from_at, wake.from)
            .int("id", id)
            .raw("args", &args.finish())
    } else {
        context
            .event("wake", "wake", "f", wake.to_at, wake.to)
            .str("bp", "e")
            .int("id", id)
    }
}

/// The `otherData` object: runtimes and tracks, for programs and the viewer.
fn other_data(timeline: &Timeline) -> String {
    let mut runtimes = Vec::new();
    let mut tracks = Vec::new();
    for process in timeline.processes() {
        let mut runtime = Object::new()
            .int("pid", process.pid())
            .str("name", process.name())
            .int("records", process.records().len() as u64)
            .int("max_records", process.max_records() as u64)
            .int("dropped", process.dropped());
        if let Some(at) = process.full_at() {
            runtime = runtime.num("full_at_us", at);
        }
        runtimes.push(runtime.finish());
        for (position, track) in sorted_tracks(process).into_iter().enumerate() {
            tracks.push(track_entry(process, track, position).finish());
        }
    }
    let dropped: u64 = timeline.processes().iter().map(Process::dropped).sum();
    Object::new()
        .str("producer", concat!("timeline ", env!("CARGO_PKG_VERSION")))
        .str(
            "clock",
            "microseconds since the program's first timeline reading",
        )
        .int("dropped_events", dropped)
        .int("runtimes_left_out", timeline.left_out())
        .raw("runtimes", &format!("[{}]", runtimes.join(",")))
        .raw("tracks", &format!("[\n{}\n]", tracks.join(",\n")))
        .finish()
}

/// One entry of `otherData.tracks`.
fn track_entry(process: &Process, track: &Track, position: usize) -> Object {
    let entry = Object::new()
        .int("pid", process.pid())
        .int("tid", u64::from(track.tid()))
        .str("kind", track.kind_word())
        .str("name", track.name())
        .int("sort", position as u64);
    match track.kind() {
        TrackKind::Task { id, spawned_at, .. } => entry
            .int("task", *id)
            .str("location", &spawned_at.to_string()),
        TrackKind::Phases { task, of } => {
            let of_tid = process.track(*of).map_or(0, Track::tid);
            entry.int("task", *task).int("of_tid", u64::from(of_tid))
        }
        TrackKind::BlockingThread { number } => entry.int("number", u64::from(*number)),
        TrackKind::EventLoop | TrackKind::OtherThreads => entry,
    }
}
