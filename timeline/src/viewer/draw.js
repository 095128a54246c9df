// Drawing: the SVG skeleton (one <g class="row ..."> per track, made once)
// and the slices inside it (redrawn for each view).
//
// Layout, top to bottom: the time axis, then one group per runtime, each a
// header line and its rows (event loop, tasks, blocking threads, other
// threads). A row has a label column on the left and lanes on the right:
//
//   task row      [phase band (if the task marks phases)]
//                 [state bar: queued / poll / await ...  ]
//   loop row      [tick N             ][tick N+1   ]
//                 [    select         ]    [select ]
//   blocking row  [phase band], [job]

/** Sizes in pixels. */
const LAYOUT = {
  labelWidth: 240, // the row names' column
  rightMargin: 16,
  axisHeight: 28,
  runtimeHeader: 26, // the runtime's name above its rows
  runtimeGap: 12, // space between two runtimes
  barHeight: 22, // a task's state bar, or a loop lane pair
  phaseBand: 14, // a phase band above the bar, on rows that have phases
  minSliceWidth: 1, // a slice shorter than a pixel still shows as one
};

/**
 * The colour and words for each state. `words` use asyncio's vocabulary:
 * the legend is for readers of the asyncio chapter.
 */
const STATES = {
  running: { color: "#2b8a3e", label: "running", words: "the Task's coroutine runs: one step of the Task (a poll)" },
  queued: { color: "#f59f00", label: "queued", words: "the Task is ready and waits for its turn in the event loop" },
  io: { color: "#1971c2", label: "await I/O", words: "suspended at an await until a socket is ready" },
  timer: { color: "#9c36b5", label: "await timer", words: "suspended at an await: a sleep or a timeout" },
  permit: { color: "#e03131", label: "await permit", words: "suspended at an await on a Semaphore" },
  channel: { color: "#0c8599", label: "await channel", words: "suspended at an await on a queue or a future" },
  join: { color: "#5c7cfa", label: "await Task", words: "suspended at an await until another Task ends" },
  blocking: { color: "#a0785a", label: "await thread", words: "suspended until a pool thread's job ends (run_in_executor)" },
  other: { color: "#ced4da", label: "await other", words: "suspended on something the event loop cannot see" },
  tick: { color: "#b3c1cf", label: "event loop iteration", words: "one tick: run the ready Tasks, then check I/O and timers" },
  "tick-odd": { color: "#d3dce5", label: null, words: "one tick: run the ready Tasks, then check I/O and timers" },
  select: { color: "#8cc8f5", label: "selector wait", words: "the event loop sleeps in epoll until I/O or the next timer" },
  job: { color: "#8d6e63", label: "blocking job", words: "a function running on a pool thread (run_in_executor)" },
  phase: { color: "#fff3bf", label: "phase", words: "what the program says the Task is doing" },
  wake: { color: "#212529", label: null, words: "another thread woke a Task" },
};

/** Pale colours for phases; one phase name always gets the same colour. */
const PHASE_COLORS = ["#ffe8cc", "#d0ebff", "#d3f9d8", "#f3d9fa", "#fff3bf", "#ffdeeb", "#c5f6fa", "#e5dbff"];

/** The SVG namespace, needed to create SVG elements from script. */
const SVG_NS = "http://www.w3.org/2000/svg";

/** Makes an SVG element with attributes, appended to `parent` if given. */
function svg(tag, attributes, parent) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  if (parent) parent.appendChild(element);
  return element;
}

/** Makes an SVG text element showing `text` (never parsed as markup). */
function svgText(text, attributes, parent) {
  const element = svg("text", attributes, parent);
  element.textContent = text;
  return element;
}

/** The colour of a phase, from its name. */
function phaseColor(name) {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  return PHASE_COLORS[hash % PHASE_COLORS.length];
}

/** Computes each row's place and height; returns the chart's height. */
function layOut(timeline) {
  let y = LAYOUT.axisHeight;
  for (const runtime of timeline.runtimes) {
    runtime.y = y;
    y += LAYOUT.runtimeHeader;
    for (const row of runtime.rows) {
      const band = row.lanes.phases.length > 0 ? LAYOUT.phaseBand : 0;
      row.y = y;
      row.band = band;
      row.height = band + LAYOUT.barHeight + 6;
      y += row.height;
    }
    runtime.height = y - runtime.y;
    y += LAYOUT.runtimeGap;
  }
  return y;
}

/** The vertical middle of a row's main bar, for arrows. */
function barMiddle(row) {
  return row.y + row.band + 3 + LAYOUT.barHeight / 2;
}

/**
 * Builds the SVG skeleton: axis, runtime groups, one group per row with its
 * background and label, and empty layers for slices, arrows and highlights.
 */
function buildChart(timeline, container, width) {
  const height = layOut(timeline);
  const root = svg("svg", { id: "timeline-svg", width, height, role: "img" });
  root.setAttribute("aria-label", "timeline of the event loop");
  const defs = svg("defs", {}, root);
  const clip = svg("clipPath", { id: "plot-clip" }, defs);
  const clipRect = svg("rect", { x: LAYOUT.labelWidth, y: 0, width: 0, height }, clip);
  const marker = svg("marker", {
    id: "arrow-head", viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse",
  }, defs);
  svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }, marker);

  const grid = svg("g", { class: "grid" }, root);
  const axis = svg("g", { class: "axis" }, root);
  const chart = { root, clipRect, grid, axis, width, height, rowLayers: [] };
  timeline.runtimes.forEach((runtime) => buildRuntime(chart, runtime));
  chart.marks = svg("g", { class: "marks", "clip-path": "url(#plot-clip)" }, root);
  chart.arrows = svg("g", { class: "arrows", "clip-path": "url(#plot-clip)" }, root);
  chart.highlight = svg("g", { class: "highlight", "clip-path": "url(#plot-clip)" }, root);
  container.replaceChildren(root);
  return chart;
}

/** One runtime's group: its header, and a group per row. */
function buildRuntime(chart, runtime) {
  const group = svg("g", { class: "runtime", "data-pid": runtime.pid }, chart.root);
  svgText(runtime.name, { class: "runtime-name", x: 8, y: runtime.y + 17 }, group);
  runtime.rows.forEach((row, index) => {
    const g = svg("g", {
      class: "row " + row.kind,
      "data-track": row.name,
      "data-pid": row.pid,
      "data-tid": row.tid,
    }, group);
    const stripe = index % 2 ? "row-bg odd" : "row-bg";
    svg("rect", { class: stripe, x: 0, y: row.y, width: chart.width, height: row.height }, g);
    const label = svgText(shorten(row.name, 34), {
      class: "row-label", x: 12, y: row.y + row.band + 3 + LAYOUT.barHeight / 2 + 4,
    }, g);
    svgText(row.location ? row.name + "\nspawned at " + row.location : row.name, {}, svg("title", {}, label));
    const slices = svg("g", { class: "slices", "clip-path": "url(#plot-clip)" }, g);
    chart.rowLayers.push({ row, slices });
  });
  svg("line", {
    class: "runtime-rule", x1: 0, x2: chart.width,
    y1: runtime.y + runtime.height, y2: runtime.y + runtime.height,
  }, group);
}

/** `text` cut to `max` characters with an ellipsis. */
function shorten(text, max) {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/** The x of time `ts` in the current view. */
function xOf(view, ts) {
  return LAYOUT.labelWidth + ((ts - view.t0) / (view.t1 - view.t0)) * view.plotWidth;
}

/** The time at x in the current view. */
function timeAt(view, x) {
  return view.t0 + ((x - LAYOUT.labelWidth) / view.plotWidth) * (view.t1 - view.t0);
}

/** Redraws everything that depends on the view: axis, slices, marks. */
function drawView(timeline, chart, view) {
  chart.clipRect.setAttribute("width", view.plotWidth);
  drawAxis(chart, view);
  for (const { row, slices } of chart.rowLayers) {
    slices.replaceChildren();
    drawRow(slices, row, view);
  }
  drawMarks(timeline, chart, view);
}

/** The lanes of a row, each with its vertical band: [lane, y, height, labels]. */
function lanesOf(row) {
  const top = row.y + row.band + 3;
  const bar = LAYOUT.barHeight;
  const phases = [row.lanes.phases, row.y + 2, row.band - 2, true];
  if (row.kind === "loop") {
    return [[row.lanes.main, top, bar / 2 - 1, true], [row.lanes.select, top + bar / 2, bar / 2, true]];
  }
  return [phases, [row.lanes.main, top, bar, true], [row.lanes.wakes, top, bar, false]];
}

/** Draws one row's slices in view. */
function drawRow(layer, row, view) {
  for (const [lane, y, height, labels] of lanesOf(row)) {
    if (lane.length > 0 && height > 0) drawLane(layer, lane, view, y, height, labels);
  }
}

/**
 * Draws the slices of one lane that are in view. A slice narrower than a
 * pixel is a "speck": the specks of one pixel column are drawn as one
 * 1-pixel rectangle in the colour of the most telling of them (a poll wins
 * over queued time, which wins over a wait), so a busy task shows as a
 * comb of green lines, not as whatever happened to come first.
 */
function drawLane(layer, lane, view, y, height, labels) {
  const left = LAYOUT.labelWidth - 2;
  const right = LAYOUT.labelWidth + view.plotWidth + 2;
  let drawnTo = -Infinity;
  let speck = null; // { x, slice }: the pixel column being gathered
  const flush = () => {
    if (speck) {
      const x = Math.max(speck.x, drawnTo);
      drawSlice(layer, speck.slice, x, y, LAYOUT.minSliceWidth, height);
      drawnTo = x + LAYOUT.minSliceWidth;
    }
    speck = null;
  };
  for (let i = firstEndingFrom(lane, view.t0); i < lane.length; i++) {
    const slice = lane[i];
    if (slice.start > view.t1) break;
    const start = Math.max(xOf(view, slice.start), left);
    const end = Math.min(xOf(view, slice.end), right);
    if (end - start < LAYOUT.minSliceWidth) {
      const x = Math.floor(start);
      if (speck && speck.x === x) {
        if (rank(slice) > rank(speck.slice)) speck.slice = slice;
        continue;
      }
      flush();
      speck = { x, slice };
      continue;
    }
    flush();
    const x0 = Math.max(start, drawnTo);
    if (end - x0 < 0.5) continue;
    drawSlice(layer, slice, x0, y, end - x0, height);
    drawnTo = end;
    if (labels && end - x0 > 36) drawLabel(layer, slice, x0, y, end - x0, height);
  }
  flush();
}

/** How telling a slice is when several share a pixel: polls first. */
function rank(slice) {
  switch (slice.cat) {
    case "poll": return 4;
    case "queued": return 3;
    case "wait": return 2;
    default: return 1;
  }
}

/** One slice's rectangle; waits are thinner than polls, queued in between. */
function drawSlice(layer, slice, x, y, width, height) {
  let inset = 0;
  if (slice.cat === "wait") inset = height * 0.32;
  else if (slice.cat === "queued") inset = height * 0.18;
  const known = STATES[slice.state] || STATES.other;
  svg("rect", {
    class: "slice " + slice.state,
    x: x.toFixed(1), y: (y + inset).toFixed(1),
    width: width.toFixed(1), height: Math.max(height - 2 * inset, 2).toFixed(1),
    fill: slice.cat === "phase" ? phaseColor(slice.name) : known.color,
  }, layer);
}

/** The slice's name inside it, when there is room. */
function drawLabel(layer, slice, x, y, width, height) {
  if (slice.cat === "wait" || slice.cat === "queued") return; // thin bars: the colour says it
  let text = slice.name;
  if (slice.cat === "poll" && slice.args.outcome) text = "poll → " + slice.args.outcome;
  if (slice.cat === "park") text = "select " + formatTime(slice.end - slice.start);
  const fits = Math.floor((width - 12) / 6.2);
  if (fits < 3) return;
  const dark = slice.cat === "phase" || slice.cat === "park" || slice.cat === "tick";
  svgText(shorten(text, fits), {
    class: dark ? "slice-label dark" : "slice-label",
    x: (x + 8).toFixed(1), y: (y + height / 2 + 4).toFixed(1),
  }, layer);
}

/** Spawn and end marks on task rows, and where a full recording stopped. */
function drawMarks(timeline, chart, view) {
  chart.marks.replaceChildren();
  for (const runtime of timeline.runtimes) {
    for (const row of runtime.rows) {
      const y = row.y + row.band + 3;
      for (const mark of row.marks) {
        if (mark.ts < view.t0 || mark.ts > view.t1) continue;
        const x = xOf(view, mark.ts);
        svg("path", { class: "mark " + mark.name, d: markPath(mark.name, x, y) }, chart.marks);
        if (mark.name !== "spawn") {
          // How the task ended, in words, right of its end: nothing else is
          // drawn on the row after it.
          svgText(endLabel(mark), { class: "end-label", x: x + 5, y: y + LAYOUT.barHeight - 3 },
            chart.marks);
        }
      }
    }
    if (runtime.fullAt !== null && runtime.fullAt >= view.t0 && runtime.fullAt <= view.t1) {
      const x = xOf(view, runtime.fullAt);
      svg("line", {
        class: "full-line", x1: x, x2: x, y1: runtime.y, y2: runtime.y + runtime.height,
      }, chart.marks);
      svgText("timeline full: " + runtime.dropped + " events dropped", {
        class: "full-label", x: x + 4, y: runtime.y + 17,
      }, chart.marks);
    }
  }
}

/** How a task ended, as its row shows it: `finished: downloaded`, `cancelled`. */
function endLabel(mark) {
  return mark.args.outcome ? mark.name + ": " + mark.args.outcome : mark.name;
}

/** The shape of a mark at (x, top of bar): a triangle for a spawn, a bar for an end. */
function markPath(name, x, y) {
  const h = LAYOUT.barHeight;
  if (name === "spawn") return `M ${x} ${y} L ${x + 6} ${y + h / 2} L ${x} ${y + h} z`;
  if (name === "cancelled" || name === "panicked") {
    return `M ${x - 4} ${y + 3} L ${x + 4} ${y + h - 3} M ${x + 4} ${y + 3} L ${x - 4} ${y + h - 3}`;
  }
  return `M ${x - 1} ${y - 1} L ${x - 1} ${y + h + 1} L ${x + 1} ${y + h + 1} L ${x + 1} ${y - 1} z`;
}

/** Axis ticks and labels, and grid lines across the rows. */
function drawAxis(chart, view) {
  chart.axis.replaceChildren();
  chart.grid.replaceChildren();
  const span = view.t1 - view.t0;
  const step = niceStep(span / Math.max(view.plotWidth / 110, 1));
  const first = Math.ceil(view.t0 / step) * step;
  for (let t = first; t <= view.t1; t += step) {
    const x = xOf(view, t);
    svg("line", { class: "grid-line", x1: x, x2: x, y1: LAYOUT.axisHeight, y2: chart.height }, chart.grid);
    svg("line", { class: "axis-tick", x1: x, x2: x, y1: LAYOUT.axisHeight - 6, y2: LAYOUT.axisHeight }, chart.axis);
    svgText(formatTime(t), { class: "axis-label", x: x + 3, y: LAYOUT.axisHeight - 10 }, chart.axis);
  }
  svgText("time since the recording's clock started", {
    class: "axis-title", x: 12, y: LAYOUT.axisHeight - 10,
  }, chart.axis);
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `raw`. */
function niceStep(raw) {
  const power = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-3))));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * power >= raw) return factor * power;
  }
  return 10 * power;
}

/** Draws the arrows of `flows` (each from its cause to the poll it caused). */
function drawArrows(chart, view, flows) {
  chart.arrows.replaceChildren();
  for (const flow of flows) {
    const poll = flow.to.slices[0];
    const x0 = xOf(view, flow.from.ts);
    const x1 = xOf(view, poll ? poll.start : flow.to.ts);
    const y0 = barMiddle(flow.from.row);
    const y1 = barMiddle(flow.to.row);
    const bend = Math.max(Math.abs(x1 - x0) / 2, 12);
    const d = `M ${x0} ${y0} C ${x0 + bend} ${y0}, ${x1 - bend} ${y1}, ${x1} ${y1}`;
    svg("path", { class: "arrow-halo", d }, chart.arrows);
    svg("path", { class: "arrow", d, "marker-end": "url(#arrow-head)" }, chart.arrows);
    svg("circle", { class: "arrow-start", cx: x0, cy: y0, r: 3 }, chart.arrows);
  }
}

/** Outlines one slice (the one under the mouse, or the pinned one). */
function drawHighlight(chart, view, slice) {
  chart.highlight.replaceChildren();
  if (!slice) return;
  const x0 = Math.max(xOf(view, slice.start), LAYOUT.labelWidth);
  const x1 = Math.max(xOf(view, slice.end), x0 + 1);
  const row = slice.row;
  svg("rect", {
    class: "highlight-box", x: x0 - 1, y: row.y + 1, width: x1 - x0 + 2, height: row.height - 2,
  }, chart.highlight);
}

/** The legend's groups: a title and the states shown under it. */
const LEGEND = [
  { title: "Task rows", states: ["running", "queued", "io", "timer", "permit", "channel", "join", "blocking", "other", "phase"] },
  { title: "event loop row", states: ["tick", "select"] },
  { title: "blocking threads", states: ["job"] },
];

/** The legend, in asyncio's words: swatches by group, and how to read a row. */
function buildLegend(element) {
  const groups = LEGEND.map(({ title, states }) => {
    const group = document.createElement("div");
    group.className = "legend-group";
    const heading = document.createElement("span");
    heading.className = "legend-title";
    heading.textContent = title;
    group.appendChild(heading);
    for (const name of states) group.appendChild(legendItem(STATES[name]));
    return group;
  });
  const note = document.createElement("p");
  note.className = "legend-note";
  note.textContent = "A Task's row is a thick green bar while its coroutine runs (one step, a poll), " +
    "amber while it is ready but waits for the event loop, and a thin line while it is suspended at " +
    "an await, coloured by what it awaits. Arrows (→ wake) show what woke it: hover a slice.";
  element.replaceChildren(...groups, note);
}

/** One swatch and its label; the longer words show on hover. */
function legendItem(state) {
  const item = document.createElement("span");
  item.className = "legend-item";
  item.title = state.words;
  const swatch = document.createElement("span");
  swatch.className = "swatch";
  swatch.style.background = state.color;
  const label = document.createElement("span");
  label.textContent = state.label;
  item.append(swatch, label);
  return item;
}
