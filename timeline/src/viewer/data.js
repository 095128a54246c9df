// The timeline viewer: draws the embedded Chrome Trace Event JSON as SVG rows,
// one per task, for people learning how an event loop drives its tasks.
//
// Design
// ------
// Three small files, concatenated into one <script> in this order:
//   data.js      reads the JSON into runtimes, rows, lanes of slices, and wakes
//   draw.js      draws the current view (a window of time) as SVG
//   interact.js  zoom, pan, hover details, wake arrows; starts everything
// No library, no network: the page must work offline, from a file.
//
// The data, as readTimeline() returns it:
//   timeline = { runtimes: [runtime], flows: [flow], start, end, eventCount, leftOut }
//   runtime  = { pid, name, rows: [row], fullAt, dropped }
//   row      = { kind: "loop" | "task" | "blocking" | "other", name, pid, tid,
//                location, lanes: { main, phases, select, wakes }, marks }
//   slice    = { start, end, name, cat, state, args, row, flowsIn, flowsOut }
//   flow     = { cause, from: { row, ts, slice }, to: { row, ts, slices } }
// Times are microseconds on the recording's clock, as in the file.
//
// A lane is a list of slices that never overlap, sorted by start: a task's
// queued / poll / await slices follow each other, ticks follow each other.
// So the slices in view are found by binary search, and where many fall on
// one pixel only the first is drawn: drawing costs what fits on the screen,
// not what was recorded.
//
// The state of a slice decides its colour (see STATES in draw.js): "running"
// for a poll, "queued", one state per kind of await ("io", "timer", ...),
// "tick", "select", "job", "phase", "wake".

/** Reads and parses the JSON embedded in the page. */
function readTrace() {
  const text = document.getElementById("timeline-data").textContent;
  return JSON.parse(text);
}

/** Builds the viewer's model (see the design comment) from a parsed trace. */
function readTimeline(trace) {
  const other = trace.otherData || {};
  const runtimes = new Map(); // pid -> runtime
  const tracks = new Map(); // "pid/tid" -> { row, lane }
  for (const info of other.runtimes || []) {
    runtimeFor(runtimes, info.pid, info.name).dropped = info.dropped || 0;
  }
  for (const track of other.tracks || []) {
    addTrack(runtimes, tracks, track);
  }
  const flowEnds = new Map(); // flow id -> { s, f }
  let eventCount = 0;
  for (const event of trace.traceEvents || []) {
    eventCount += 1;
    readEvent(event, runtimes, tracks, flowEnds);
  }
  for (const runtime of runtimes.values()) {
    for (const row of runtime.rows) {
      for (const lane of Object.values(row.lanes)) {
        lane.sort((a, b) => a.start - b.start || b.end - a.end);
      }
    }
  }
  const flows = pairFlows(flowEnds, tracks);
  const all = [...runtimes.values()];
  const [start, end] = timeRange(all);
  const leftOut = other.runtimes_left_out || 0;
  return { runtimes: all, flows, start, end, eventCount, leftOut };
}

/** The runtime for `pid`, made on first sight. */
function runtimeFor(runtimes, pid, name) {
  if (!runtimes.has(pid)) {
    runtimes.set(pid, { pid, name: name || "runtime " + pid, rows: [], fullAt: null, dropped: 0 });
  }
  return runtimes.get(pid);
}

/** A new, empty row. */
function newRow(kind, name, pid, tid) {
  const lanes = { main: [], phases: [], select: [], wakes: [] };
  return { kind, name, pid, tid, location: null, lanes, marks: [] };
}

/**
 * Adds one entry of otherData.tracks: a row of its own, or (for a task's
 * phase track) the phases lane of its task's row.
 */
function addTrack(runtimes, tracks, track) {
  const runtime = runtimeFor(runtimes, track.pid);
  const key = track.pid + "/" + track.tid;
  if (track.kind === "phases") {
    const owner = tracks.get(track.pid + "/" + track.of_tid);
    if (owner) {
      tracks.set(key, { row: owner.row, lane: "phases" });
    }
    return;
  }
  const row = newRow(track.kind, track.name, track.pid, track.tid);
  row.location = track.location || null;
  runtime.rows.push(row);
  tracks.set(key, { row, lane: "main" });
}

/**
 * The row and lane for an event's (pid, tid). A file without our track
 * table still shows: unknown threads become rows named after their tid.
 */
function placeOf(event, runtimes, tracks) {
  const key = event.pid + "/" + event.tid;
  if (!tracks.has(key)) {
    const kind = event.tid === 0 ? "loop" : "task";
    const row = newRow(kind, kind === "loop" ? "event loop" : "thread " + event.tid, event.pid, event.tid);
    runtimeFor(runtimes, event.pid).rows.push(row);
    tracks.set(key, { row, lane: "main" });
  }
  return tracks.get(key);
}

/** Files one event of the trace where it belongs. */
function readEvent(event, runtimes, tracks, flowEnds) {
  switch (event.ph) {
    case "X":
      addSlice(event, placeOf(event, runtimes, tracks));
      break;
    case "i":
    case "I":
      if (event.s === "p") {
        runtimeFor(runtimes, event.pid).fullAt = event.ts;
      } else {
        const place = placeOf(event, runtimes, tracks);
        place.row.marks.push({ ts: event.ts, name: event.name, args: event.args || {}, row: place.row });
      }
      break;
    case "s":
    case "f": {
      const ends = flowEnds.get(event.id) || {};
      ends[event.ph] = event;
      flowEnds.set(event.id, ends);
      break;
    }
    case "M":
      if (event.name === "process_name" && event.args) {
        runtimeFor(runtimes, event.pid).name = event.args.name;
      }
      break;
    default:
      break;
  }
}

/** Adds a complete event to the lane its category belongs in. */
function addSlice(event, place) {
  const args = event.args || {};
  const slice = {
    start: event.ts,
    end: event.ts + (event.dur || 0),
    name: event.name,
    cat: event.cat,
    state: stateOf(event.cat, args),
    args,
    row: place.row,
    flowsIn: [],
    flowsOut: [],
  };
  let lane = place.lane;
  if (event.cat === "park") lane = "select";
  else if (event.cat === "wake") lane = "wakes";
  else if (event.cat === "phase") lane = "phases";
  place.row.lanes[lane].push(slice);
}

/** The colour state of a slice, from its category and args. */
function stateOf(cat, args) {
  switch (cat) {
    case "poll": return "running";
    case "queued": return "queued";
    case "wait": return args.kind || "other";
    case "tick": return (args.tick || 0) % 2 ? "tick-odd" : "tick";
    case "park": return "select";
    case "blocking": return "job";
    case "phase": return "phase";
    case "wake": return "wake";
    default: return "other";
  }
}

/**
 * Joins each flow start with its end, and each end with the slices it
 * explains: the poll the wake caused, the queued time before it and the
 * await before that. Hovering any of them shows the arrow.
 */
function pairFlows(flowEnds, tracks) {
  const flows = [];
  for (const [id, ends] of flowEnds) {
    if (!ends.s || !ends.f) continue;
    const fromPlace = tracks.get(ends.s.pid + "/" + ends.s.tid);
    const toPlace = tracks.get(ends.f.pid + "/" + ends.f.tid);
    if (!fromPlace || !toPlace) continue;
    const fromRow = fromPlace.row;
    const toRow = toPlace.row;
    const fromSlice = sliceAt(fromRow.lanes.wakes, ends.s.ts) || sliceAt(fromRow.lanes.main, ends.s.ts);
    const slices = explainedBy(toRow.lanes.main, ends.f.ts);
    const args = ends.s.args || {};
    const flow = {
      id,
      cause: args.cause || "wake",
      from: { row: fromRow, ts: ends.s.ts, slice: fromSlice },
      to: { row: toRow, ts: ends.f.ts, slices },
    };
    if (fromSlice) fromSlice.flowsOut.push(flow);
    for (const slice of slices) slice.flowsIn.push(flow);
    flows.push(flow);
  }
  return flows;
}

/** The poll enclosing `ts` and the queued and await slices just before it. */
function explainedBy(lane, ts) {
  const index = indexAt(lane, ts);
  if (index < 0) return [];
  const slices = [lane[index]];
  for (let i = index - 1; i >= 0 && i >= index - 2; i--) {
    const before = lane[i];
    const next = slices[slices.length - 1];
    const touching = Math.abs(before.end - next.start) < 0.01;
    if (!touching || before.cat === "poll") break;
    slices.push(before);
  }
  return slices;
}

/** The index of the last slice of `lane` starting at or before `ts`, or -1. */
function lastStartingBy(lane, ts) {
  let lo = 0;
  let hi = lane.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lane[mid].start <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The index of the slice of `lane` that contains `ts`, or -1. */
function indexAt(lane, ts) {
  const i = lastStartingBy(lane, ts);
  return i >= 0 && ts <= lane[i].end ? i : -1;
}

/** The slice of `lane` that contains `ts`, or null. */
function sliceAt(lane, ts) {
  const i = indexAt(lane, ts);
  return i >= 0 ? lane[i] : null;
}

/** The index of the first slice of `lane` that ends at or after `ts`. */
function firstEndingFrom(lane, ts) {
  let lo = 0;
  let hi = lane.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lane[mid].end < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first and last moments of anything recorded, in microseconds. */
function timeRange(runtimes) {
  let start = Infinity;
  let end = -Infinity;
  for (const runtime of runtimes) {
    for (const row of runtime.rows) {
      for (const lane of Object.values(row.lanes)) {
        if (lane.length === 0) continue;
        start = Math.min(start, lane[0].start);
        for (const slice of lane) end = Math.max(end, slice.end);
      }
      for (const mark of row.marks) {
        start = Math.min(start, mark.ts);
        end = Math.max(end, mark.ts);
      }
    }
  }
  if (!isFinite(start)) return [0, 1000];
  if (end - start < 1) end = start + 1;
  return [start, end];
}

/** A time in words: "0", "250 µs", "1.5 ms", "2.25 s". */
function formatTime(us) {
  const abs = Math.abs(us);
  if (abs === 0) return "0";
  if (abs < 1000) return trimNumber(us, abs < 10 ? 2 : 1) + " µs";
  if (abs < 1e6) return trimNumber(us / 1000, abs < 1e4 ? 3 : 2) + " ms";
  return trimNumber(us / 1e6, 3) + " s";
}

/** `value` with at most `digits` decimals and no trailing zeros. */
function trimNumber(value, digits) {
  return String(Number(value.toFixed(digits)));
}
