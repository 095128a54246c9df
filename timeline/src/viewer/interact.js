// Interaction: which window of time is shown (the view), zoom, pan, the
// details under the mouse, and the wake arrows. start() at the bottom runs
// the whole viewer.
//
//   wheel over the chart      zoom around the mouse (over the names: scroll)
//   drag                      pan
//   double-click, "fit"       show everything
//   hover a slice             its details, and the arrows of its wakes
//   click a slice             keep it selected (click again or Esc to let go)

/** How much one pixel of wheel movement zooms: e^(0.0015 * pixels). */
const ZOOM_PER_WHEEL_PIXEL = 0.0015;
/** The deepest zoom: this many microseconds across the whole chart. */
const MIN_SPAN_US = 2;
/** A press that moves less than this is a click, not a drag. */
const CLICK_SLOP_PX = 3;
/** "Show every wake arrow" draws at most this many, to stay responsive. */
const MAX_ARROWS = 2000;
/** How near (in pixels) the mouse must be to a slice or mark to pick it. */
const PICK_SLOP_PX = 3;

/** The plot's width for a chart `width` pixels wide. */
function plotWidthFor(width) {
  return Math.max(width - LAYOUT.labelWidth - LAYOUT.rightMargin, 100);
}

/** Shows the whole recording, with a little room on both sides. */
function fit(app) {
  const { start, end } = app.timeline;
  const pad = (end - start) * 0.01;
  app.view.t0 = start - pad;
  app.view.t1 = end + pad;
}

/** Zooms by `factor` (below 1: in) keeping time `anchor` where it is. */
function zoom(app, factor, anchor) {
  const view = app.view;
  const span = Math.max((view.t1 - view.t0) * factor, MIN_SPAN_US);
  const share = (anchor - view.t0) / (view.t1 - view.t0);
  view.t0 = anchor - share * span;
  view.t1 = view.t0 + span;
}

/** Redraws on the next frame (several events in one frame draw once). */
function schedule(app) {
  if (app.pending) return;
  app.pending = true;
  requestAnimationFrame(() => {
    app.pending = false;
    render(app);
  });
}

/** Draws the current view, arrows and highlight, and the span in words. */
function render(app) {
  drawView(app.timeline, app.chart, app.view);
  const focus = app.pinned || app.hover;
  drawArrows(app.chart, app.view, arrowsToShow(app, focus));
  drawHighlight(app.chart, app.view, focus);
  const span = app.view.t1 - app.view.t0;
  document.getElementById("view-span").textContent =
    "showing " + formatTime(span) + " from " + formatTime(Math.max(app.view.t0, 0));
}

/** The wakes to draw: the focused slice's, or all in view if asked. */
function arrowsToShow(app, focus) {
  if (app.showAll) {
    const { t0, t1 } = app.view;
    const inView = (flow) => flow.to.ts >= t0 && flow.from.ts <= t1;
    return app.timeline.flows.filter(inView).slice(0, MAX_ARROWS);
  }
  return focus ? [...focus.flowsIn, ...focus.flowsOut] : [];
}

/** Builds (or rebuilds, after a resize) the chart at the container's width. */
function rebuild(app) {
  const width = Math.max(app.container.clientWidth, 640);
  app.chart = buildChart(app.timeline, app.container, width);
  app.rows = app.timeline.runtimes.flatMap((runtime) => runtime.rows);
  if (!app.view) {
    app.view = { t0: 0, t1: 1, plotWidth: plotWidthFor(width) };
    fit(app);
  }
  app.view.plotWidth = plotWidthFor(width);
  render(app);
}

/** The mouse position in chart coordinates. */
function pointer(app, event) {
  const box = app.chart.root.getBoundingClientRect();
  return { x: event.clientX - box.left, y: event.clientY - box.top };
}

/** What is under the chart point (x, y): a row, and maybe a slice or a mark. */
function pick(app, x, y) {
  const row = app.rows.find((r) => y >= r.y && y < r.y + r.height);
  if (!row) return null;
  if (x < LAYOUT.labelWidth) return { row };
  const slop = (PICK_SLOP_PX * (app.view.t1 - app.view.t0)) / app.view.plotWidth;
  const t = timeAt(app.view, x);
  const mark = row.marks.find((m) => Math.abs(m.ts - t) <= slop);
  if (mark) return { row, mark };
  for (const [lane, top, height] of lanesOf(row)) {
    if (y < top - 1 || y > top + height + 1) continue;
    const i = lastStartingBy(lane, t + slop);
    if (i >= 0 && lane[i].end >= t - slop) return { row, slice: lane[i] };
  }
  return { row };
}

/** The lines of the details box for what is under the mouse. */
function describe(hit) {
  if (hit.slice) return describeSlice(hit.slice);
  if (hit.mark) {
    const lines = [["track", hit.row.name], ["at", formatTime(hit.mark.ts)]];
    if (hit.mark.args.location) lines.push(["spawned at", hit.mark.args.location]);
    if (hit.mark.args.outcome) lines.push(["outcome", hit.mark.args.outcome]);
    return { title: hit.mark.name, lines, gloss: markGloss(hit.mark.name) };
  }
  const lines = hit.row.location ? [["spawned at", hit.row.location]] : [];
  return { title: hit.row.name, lines, gloss: rowGloss(hit.row.kind) };
}

/** Details of one slice: what it was, when, why, in asyncio's words. */
function describeSlice(slice) {
  const args = slice.args;
  const lines = [["track", slice.row.name]];
  let title = slice.name;
  let gloss = (STATES[slice.state] || STATES.other).words;
  if (slice.cat === "poll") {
    title = "poll → " + args.outcome;
    gloss = pollGloss(args.outcome);
  } else if (slice.cat === "wait") {
    lines.push(["awaits", args.detail]);
    if (args.also) lines.push(["or", args.also]);
  } else if (slice.cat === "queued") {
    lines.push(["queued after", args.after]);
  } else if (slice.cat === "park") {
    title = "select (selector wait)";
    const timeout = args.timeout_ms === "none" ? "none (wait for I/O)" : formatTime(args.timeout_ms * 1000);
    lines.push(["timeout", timeout], ["events", String(args.events)]);
  } else if (slice.cat === "wake") {
    lines.push(["woke", args.task]);
    gloss = "another thread called the Task's waker (call_soon_threadsafe)";
  }
  lines.push(["start", formatTime(slice.start)], ["duration", formatTime(slice.end - slice.start)]);
  for (const flow of slice.flowsIn) lines.push(["woken by", flow.cause]);
  for (const flow of slice.flowsOut) lines.push(["woke", flow.to.row.name]);
  return { title, lines, gloss };
}

/** What a poll's outcome means, in asyncio's words. */
function pollGloss(outcome) {
  switch (outcome) {
    case "Pending": return "one step of the Task: it ran until an await that was not ready";
    case "Ready": return "the last step: the coroutine returned, the Task is done";
    case "panicked": return "the coroutine raised (panicked): the Task ends with the error";
    case "cancelled": return "the Task was cancelled";
    default: return "still running when the timeline was written";
  }
}

/** What a mark means. */
function markGloss(name) {
  switch (name) {
    case "spawn": return "create_task: the Task is made and queued";
    case "finished": return "the Task is done";
    case "cancelled": return "the Task was cancelled";
    case "panicked": return "the Task ended with an error";
    default: return "";
  }
}

/** What a row is. */
function rowGloss(kind) {
  switch (kind) {
    case "loop": return "the event loop: each event loop iteration, and the selector wait inside it";
    case "task": return "a Task: queued, running, or suspended at an await";
    case "blocking": return "a thread of the pool that runs blocking functions";
    default: return "wakes from threads outside the loop";
  }
}

/** Shows the details box near the mouse, or hides it. */
function showTooltip(app, hit, event) {
  const box = document.getElementById("tooltip");
  if (!hit) {
    box.hidden = true;
    return;
  }
  const { title, lines, gloss } = describe(hit);
  const heading = document.createElement("div");
  heading.className = "tip-title";
  heading.textContent = title;
  const parts = [heading];
  for (const [label, value] of lines) {
    const line = document.createElement("div");
    const name = document.createElement("span");
    name.className = "tip-label";
    name.textContent = label + ": ";
    line.append(name, String(value));
    parts.push(line);
  }
  if (gloss) {
    const words = document.createElement("div");
    words.className = "tip-gloss";
    words.textContent = gloss;
    parts.push(words);
  }
  box.replaceChildren(...parts);
  box.hidden = false;
  const left = Math.min(event.clientX + 14, window.innerWidth - box.offsetWidth - 8);
  box.style.left = Math.max(left, 4) + window.scrollX + "px";
  box.style.top = event.clientY + 16 + window.scrollY + "px";
}

/** Wires the mouse, keyboard, buttons and resizing to the view. */
function connect(app) {
  const area = app.container;
  area.addEventListener("wheel", (event) => {
    const { x } = pointer(app, event);
    if (x < LAYOUT.labelWidth) return; // over the names: let the page scroll
    event.preventDefault();
    zoom(app, Math.exp(event.deltaY * ZOOM_PER_WHEEL_PIXEL), timeAt(app.view, x));
    schedule(app);
  }, { passive: false });
  area.addEventListener("mousedown", (event) => {
    if (event.button !== 0) return;
    const { x } = pointer(app, event);
    app.drag = { x, t0: app.view.t0, t1: app.view.t1, moved: false };
    area.classList.add("dragging");
  });
  window.addEventListener("mousemove", (event) => onMove(app, event));
  window.addEventListener("mouseup", (event) => onRelease(app, event));
  area.addEventListener("mouseleave", () => {
    if (app.drag) return;
    app.hover = null;
    showTooltip(app, app.pinned ? { slice: app.pinned, row: app.pinned.row } : null);
    schedule(app);
  });
  area.addEventListener("dblclick", () => {
    fit(app);
    schedule(app);
  });
  connectControls(app);
  window.addEventListener("resize", () => rebuild(app));
}

/** Mouse moved: pan while dragging, otherwise update the hover. */
function onMove(app, event) {
  const { x, y } = pointer(app, event);
  if (app.drag) {
    const dx = x - app.drag.x;
    if (Math.abs(dx) > CLICK_SLOP_PX) app.drag.moved = true;
    const shift = (dx / app.view.plotWidth) * (app.drag.t1 - app.drag.t0);
    app.view.t0 = app.drag.t0 - shift;
    app.view.t1 = app.drag.t1 - shift;
    schedule(app);
    return;
  }
  if (!(event.target instanceof Node) || !app.container.contains(event.target)) return;
  const hit = pick(app, x, y);
  const slice = hit && hit.slice ? hit.slice : null;
  if (slice !== app.hover) {
    app.hover = slice;
    schedule(app);
  }
  if (!app.pinned) showTooltip(app, hit, event);
}

/** Mouse released: end a drag, or (if it did not move) select what is under it. */
function onRelease(app, event) {
  if (!app.drag) return;
  const moved = app.drag.moved;
  app.drag = null;
  app.container.classList.remove("dragging");
  if (moved) return;
  const { x, y } = pointer(app, event);
  const hit = pick(app, x, y);
  const slice = hit && hit.slice ? hit.slice : null;
  app.pinned = slice === app.pinned ? null : slice;
  showTooltip(app, app.pinned ? hit : null, event);
  schedule(app);
}

/** The buttons, the checkbox and the keys. */
function connectControls(app) {
  const middle = () => (app.view.t0 + app.view.t1) / 2;
  const actions = {
    "zoom-in": () => zoom(app, 0.5, middle()),
    "zoom-out": () => zoom(app, 2, middle()),
    "zoom-fit": () => fit(app),
  };
  for (const [id, action] of Object.entries(actions)) {
    document.getElementById(id).addEventListener("click", () => {
      action();
      schedule(app);
    });
  }
  document.getElementById("all-wakes").addEventListener("change", (event) => {
    app.showAll = event.target.checked;
    schedule(app);
  });
  window.addEventListener("keydown", (event) => {
    const keys = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "zoom-fit" };
    if (event.key === "Escape") {
      app.pinned = null;
      showTooltip(app, null);
    } else if (keys[event.key]) {
      actions[keys[event.key]]();
    } else {
      return;
    }
    schedule(app);
  });
}

/** The line under the title: how much was recorded, and any loss. */
function writeSummary(timeline) {
  const rows = timeline.runtimes.flatMap((runtime) => runtime.rows);
  const tasks = rows.filter((row) => row.kind === "task").length;
  const runtimes = timeline.runtimes.length;
  document.getElementById("summary").textContent = [
    runtimes + (runtimes === 1 ? " runtime" : " runtimes"),
    tasks + (tasks === 1 ? " Task" : " Tasks"),
    formatTime(timeline.end - timeline.start) + " recorded",
    timeline.eventCount.toLocaleString("en") + " events",
    "wheel over the chart: zoom · drag: pan · hover: details · click: select",
  ].join(" · ");
  const dropped = timeline.runtimes.reduce((sum, runtime) => sum + runtime.dropped, 0);
  const warnings = [];
  if (dropped > 0) {
    warnings.push("The recording stopped when the timeline was full: " +
      dropped.toLocaleString("en") + " events dropped after the red line.");
  }
  if (timeline.leftOut > 0) {
    warnings.push(timeline.leftOut.toLocaleString("en") +
      (timeline.leftOut === 1 ? " runtime" : " runtimes") +
      " recorded for this file but not kept in it (the program's bound on recordings kept).");
  }
  if (warnings.length > 0) {
    const warning = document.getElementById("warning");
    warning.textContent = warnings.join(" ");
    warning.hidden = false;
  }
}

/** Reads the data, draws the first view and wires the interactions. */
function start() {
  let timeline;
  try {
    timeline = readTimeline(readTrace());
  } catch (error) {
    const warning = document.getElementById("warning");
    warning.textContent = "This page's timeline data could not be read: " + error;
    warning.hidden = false;
    return;
  }
  buildLegend(document.getElementById("legend"));
  writeSummary(timeline);
  const app = {
    timeline, // the model (data.js)
    container: document.getElementById("chart"), // holds the SVG
    chart: null, // the SVG and its layers (draw.js)
    rows: [], // every row, top to bottom, for picking
    view: null, // { t0, t1, plotWidth }: the window of time shown
    hover: null, // the slice under the mouse
    pinned: null, // the slice clicked on
    showAll: false, // draw every wake arrow in view
    drag: null, // the press being dragged, if any
    pending: false, // a redraw is scheduled
  };
  rebuild(app);
  connect(app);
}

start();
