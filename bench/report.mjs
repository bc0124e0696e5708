// Turns one `pnpm bench` run into console tables, docs/benchmarks.md and the SVG charts.
// Pure formatting: every figure comes from the run's data; targets are checked here and a miss is
// written out as a miss.
import { kB, MB, ms, ratio } from "./lib/stats.mjs";
import { barChart } from "./lib/svg.mjs";
import { table } from "./lib/table.mjs";

const CLIENT_LABELS = {
  floor: "floor: fetch + eventsource-parser",
  "floor-ky": "floor on ky: ky + eventsource-parser",
  oaikit: "oaikit (createClient + area module)",
  "oaikit-final": "oaikit, final() only (no iteration)",
  "oaikit-class": "oaikit (new OpenAI)",
  openai: "openai (stream helper + final)",
  "openai-raw": "openai (stream: true, own aggregate)",
  "buffer-all": "reference: whole body buffered first",
};
const FORMAT_LABELS = { chat: "Chat Completions", responses: "Responses" };

// The targets: issue 10's (stream CPU through the iterator ≤ 1.15× the floor for both APIs; on short
// requests, time to first delta within 0.5 ms of the floor and CPU per request below openai's; cold
// import within 10 ms of ky + eventsource-parser); the heap yardstick is the bench's own. The size
// targets and budgets live in bench/size/cases.mjs.
const TARGETS = {
  cpuVsFloor: 1.15, // oaikit's CPU per stream at most 1.15× the fetch + eventsource-parser floor
  ttfdOverFloorMs: 0.5, // short requests: oaikit's time to first delta at most 0.5 ms over the floor's
  cpuPerRequestVsOpenai: 1, // short requests: oaikit's CPU per request below openai's
  coldImportOverMs: 10, // cold import of the lean entry points at most 10 ms over ky + eventsource-parser
  // live heap mid-stream on the biggest stream under half the body: a client that buffers holds at
  // least the whole body (twice that as UTF-16), one that streams holds its aggregate and a read or two.
  heapVsBody: 0.5,
};

const n0 = (value) => value.toLocaleString("en-US");
/** A [low, high] spread as "a–b" with a formatter. */
const spread = ([low, high], fmt) => `${fmt(low)}–${fmt(high)}`;
/** Per-round ratios of two interleaved sample lists (round i of one against round i of the other). */
const pairedRatios = (a, b) => a.slice(0, b.length).map((value, i) => value / b[i]);
/** Milliseconds with a sign, for differences. */
const msDiff = (value) => `${value >= 0 ? "+" : "−"}${ms(Math.abs(value))}`;

function sizeSection(data, out) {
  const sizes = data.sizes;
  const floor = sizes.find((s) => s.id === "floor-fetch");
  const row = (s) =>
    s.error
      ? [s.label, "n/a", "n/a", "n/a", "n/a"]
      : [s.label, kB(s.raw), kB(s.gzip), kB(s.brotli), floor?.gzip ? ratio(s.gzip / floor.gzip) : ""];
  const headers = ["bundle", "minified", "gzip", "brotli", "gzip vs fetch floor"];
  const align = ["l", "r", "r", "r", "r"];
  const stream = table(headers, sizes.filter((s) => s.group === "stream").map(row), align);
  const floors = sizes.filter((s) => s.id.startsWith("floor"));
  const core = table(headers, [...sizes.filter((s) => s.group === "core"), ...floors].map(row), align);
  const sessions = table(
    headers.slice(0, 4),
    sizes.filter((s) => s.group === "sessions").map((s) => row(s).slice(0, 4)),
    align,
  );
  // The React pages: the whole page (React included), and what each library adds to React alone.
  const reactFloor = sizes.find((s) => s.id === "react-floor");
  const react = table(
    ["page", "minified", "gzip", "brotli", "gzip over React alone"],
    sizes
      .filter((s) => s.group === "react")
      .map((s) =>
        s.error
          ? [s.label, "n/a", "n/a", "n/a", "n/a"]
          : [
              s.label,
              kB(s.raw),
              kB(s.gzip),
              kB(s.brotli),
              reactFloor?.gzip ? kB(s.gzip - reactFloor.gzip) : "",
            ],
      ),
    ["l", "r", "r", "r", "r"],
  );
  const errors = sizes.filter((s) => s.error).map((s) => `- ${s.label}: did not build: ${s.error}`);

  const budgetRows = data.budgets.map((b) => [
    b.label,
    `${b.limit / 1000} kB`,
    typeof b.size === "number" ? kB(b.size) : "n/a",
    b.passed ? "met" : "**MISSED**",
    b.target ? `${b.target / 1000} kB` : "",
    b.target && typeof b.size === "number" ? (b.size <= b.target ? "met" : "**MISSED**") : "",
  ]);
  const budgets = table(
    ["bundle (size-limit, gzip)", "enforced budget", "size", "budget", "issue 7 target", "target"],
    budgetRows,
    ["l", "r", "r", "l", "r", "l"],
  );
  for (const b of data.budgets) {
    if (!b.passed) {
      out.misses.push(
        typeof b.size === "number"
          ? `Size budget missed: ${b.label} is ${kB(b.size)} gzip, over its ${b.limit / 1000} kB limit (by ${kB(b.size - b.limit)}).`
          : `Size budget not measurable: ${b.label}: ${b.error}`,
      );
    } else out.met.push(`Size budget met: ${b.label}: ${kB(b.size)} gzip ≤ ${b.limit / 1000} kB.`);
    if (b.target && typeof b.size === "number") {
      if (b.size > b.target)
        out.misses.push(
          `Size target missed: ${b.label} is ${kB(b.size)} gzip, over the issue's ${b.target / 1000} kB target (by ${kB(b.size - b.target)}).`,
        );
      else out.met.push(`Size target met: ${b.label}: ${kB(b.size)} gzip ≤ ${b.target / 1000} kB.`);
    }
  }

  // What oaikit's bundles are made of, by package and by folder of @oaikit/core (minified bytes);
  // the sessions column is @oaikit/sessions on top of core (core external).
  const mine = ["oaikit-stream-lean", "oaikit-core", "sessions"]
    .map((id) => sizes.find((s) => s.id === id))
    .filter((s) => s?.parts);
  const folder = (name) =>
    name.replace(/^(@oaikit\/core: [^/]+\/).*$/, "$1").replace(/^(@oaikit\/\w+: )[^/]+$/, "$1(top level)");
  const byFolder = mine.map((s) => {
    const sums = new Map();
    for (const part of s.parts) sums.set(folder(part.name), (sums.get(folder(part.name)) ?? 0) + part.bytes);
    return { total: s.raw, sums };
  });
  const keys = [...new Set(byFolder.flatMap((b) => [...b.sums.keys()]))]
    .filter((k) => !k.startsWith("bench/"))
    .sort((a, b) => byFolder.reduce((d, f) => d + (f.sums.get(b) ?? 0) - (f.sums.get(a) ?? 0), 0));
  const parts = table(
    [
      "part",
      ...mine.map((s) => ({ stream: "streaming chat call", core: "whole core" })[s.group] ?? "sessions"),
    ],
    keys.map((k) => [
      k,
      ...byFolder.map((b) =>
        b.sums.get(k) ? `${kB(b.sums.get(k))} (${((b.sums.get(k) / b.total) * 100).toFixed(0)}%)` : "—",
      ),
    ]),
    ["l", "r", "r", "r"],
  );
  const kyFloor = sizes.find((s) => s.id === "floor-ky");

  out.console.push(`Bundle size: one streaming chat call (esbuild, browser ESM, minified)\n${stream}`);
  out.console.push(`Bundle size: whole core\n${core}`);
  out.console.push(`What oaikit's bundles are made of (minified bytes)\n${parts}`);
  out.console.push(`Bundle size: @oaikit/sessions on top of core\n${sessions}`);
  out.console.push(`Bundle size: a React chat page\n${react}`);
  out.console.push(`Size budgets (size-limit, enforced by pnpm test)\n${budgets}`);

  out.md.push(
    "## Bundle size",
    "",
    "Each bundle is built by esbuild the way a browser app's production build does it (ESM, `platform: browser`,",
    "minified, tree-shaken, `process.env.NODE_ENV` = `production`), then compressed with node:zlib: gzip level 9",
    "and brotli quality 11, as size-limit does. Entry files: `bench/size/entries/`. The floors are what a",
    "hand-written client needs at least: eventsource-parser plus `fetch`, or plus ky (which oaikit builds on).",
    "",
    "### One streaming chat call",
    "",
    "Stream a chat completion, print each delta, get the aggregate.",
    "",
    stream,
    "",
    "### Whole core",
    "",
    "Everything the package's main entry exports (`export *`). The floors have nothing more to add.",
    "",
    core,
    "",
    "### @oaikit/sessions (with idb-keyval), on top of core",
    "",
    sessions,
    "",
    "### A React chat page",
    "",
    "One page, one chat: messages and the streamed reply rendered, one send, Stop, React 19 included. oaikit's",
    "is `useChat` from `@oaikit/react` (a durable session in IndexedDB, its snapshot store); the AI SDK's is",
    "`useChat` from `@ai-sdk/react` calling the model from the page (`ai`'s `DirectChatTransport` with",
    "`@ai-sdk/openai`), which keeps nothing across a reload. The last column is the page minus React alone.",
    "",
    react,
    "",
    ...(errors.length ? [...errors, ""] : []),
    "### What oaikit's bundles are made of",
    "",
    "Minified bytes by package and by folder of `@oaikit/core` (esbuild's metafile; gzip cannot be split",
    `exactly). ky and eventsource-parser alone are ${kyFloor?.gzip ? kB(kyFloor.gzip) : "n/a"} gzip (the ky floor above), so a`,
    "streaming call under the 12 kB budget leaves about " +
      (kyFloor?.gzip ? kB(12_000 - kyFloor.gzip) : "n/a") +
      " gzip for oaikit's own code.",
    "",
    parts,
    "",
    "### Budgets (enforced by `pnpm test` through size-limit) and the issue's targets (reported)",
    "",
    budgets,
    "",
    "![Bundle size chart](benchmarks-size.svg)",
    "",
  );

  // The API-area modules: each one's own size, and what it adds to a page that has createClient.
  const base = sizes.find((s) => s.id === "lean-client");
  const moduleRows = sizes
    .filter((s) => s.group === "modules" && s.module && !s.id.endsWith("+client"))
    .map((alone) => {
      const withClient = sizes.find((s) => s.id === `${alone.id}+client`);
      const added =
        withClient && !withClient.error && base && !base.error ? withClient.gzip - base.gzip : null;
      return [
        `@oaikit/core/${alone.module}`,
        alone.error ? "n/a" : kB(alone.raw),
        alone.error ? "n/a" : kB(alone.gzip),
        added === null ? "n/a" : kB(added),
      ];
    });
  if (moduleRows.length) {
    const modulesTable = table(
      ["module", "alone, minified", "alone, gzip", "added to createClient, gzip"],
      moduleRows,
      ["l", "r", "r", "r"],
    );
    const baseText = base && !base.error ? `${kB(base.gzip)} gzip` : "n/a";
    out.console.push(`Bundle size: each API module (createClient alone: ${baseText})\n${modulesTable}`);
    out.md.push(
      "### Each API module",
      "",
      "Each subpath module bundled alone (`export *`: every function of the area with all it imports; the stream",
      "engine and the body reader bring the transport and ky along), and what it adds to a page that already has",
      `\`createClient\` (${baseText} gzip alone): the figure that matters, since every area needs a client.`,
      "",
      modulesTable,
      "",
    );
  }

  const bar = (s, highlight) => ({
    label: s.label,
    value: s.error ? null : s.gzip,
    text: s.error ? "n/a (did not build)" : `${kB(s.gzip)} gzip`,
    highlight,
  });
  const budgetOf = (id) => data.budgets.find((b) => b.id === id);
  out.svgs["benchmarks-size.svg"] = barChart({
    title: "Bundle size, gzip (esbuild, browser ESM, minified)",
    subtitle: `${data.env.date} · smaller is better · dashed line: the issue's size target`,
    panels: [
      {
        title: "One streaming chat call",
        marker: budgetOf("oaikit-stream-lean") && {
          value: budgetOf("oaikit-stream-lean").target,
          label: "15 kB target (lean client + /chat)",
        },
        bars: sizes.filter((s) => s.group === "stream").map((s) => bar(s, s.id.startsWith("oaikit"))),
      },
      {
        title: "Whole core",
        marker: budgetOf("oaikit-core") && { value: budgetOf("oaikit-core").target, label: "20 kB target" },
        bars: [...sizes.filter((s) => s.group === "core"), ...floors].map((s) =>
          bar(s, s.id.startsWith("oaikit")),
        ),
      },
    ],
  });
}

/** The steady-state rounds (no full GC before each run) as a table; "" when the run has none. */
function steadyTable(steady) {
  if (!steady.length) return "";
  const rows = [];
  for (const format of ["chat", "responses"]) {
    const group = steady.filter((x) => x.format === format);
    const floor = group.find((x) => x.client === "floor");
    for (const x of group)
      rows.push([
        FORMAT_LABELS[format],
        n0(x.n),
        CLIENT_LABELS[x.client],
        ms(x.cpuMs),
        floor ? ratioWithSpread(x, floor) : "",
      ]);
  }
  return table(["format", "deltas", "client", "CPU (median)", "CPU vs floor (rounds' range)"], rows, [
    "l",
    "r",
    "l",
    "r",
    "r",
  ]);
}

/** The steady-state section of docs/benchmarks.md, when the run has those rounds. */
function steadyBlock(steady) {
  if (!steady.length) return [];
  return [
    "### Without a full GC before each run",
    "",
    "The rounds above start every run after a full GC (`gc()`, twice), as a stream does after the page sat",
    "idle: that GC also drops V8's maps of the previous stream's chunk objects and, with them, the optimised",
    "code built for those maps, so each run begins by re-optimising its hot functions; the bigger a client's",
    "hot path, the more that costs. These rounds run the biggest stream again in the same warm processes",
    `without that GC (${Math.max(...steady.map((x) => x.cpuRuns.length))} interleaved rounds after a warm-up): what a client costs per event once its`,
    "code stays optimised. The targets are judged on the rounds above.",
    "",
    steadyTable(steady),
    "",
  ];
}

/** The median ratio of two throughput rows, with the range of the per-round (paired) ratios. */
function ratioWithSpread(row, floor) {
  const rounds = pairedRatios(row.cpuRuns, floor.cpuRuns);
  return `${ratio(row.cpuMs / floor.cpuMs)} (${spread([Math.min(...rounds), Math.max(...rounds)], (v) => v.toFixed(2))})`;
}

function streamsSection(data, out) {
  const { throughput, ttfd, memory, unavailable, bodyBytes } = data.streams;
  const steady = data.streams.steady ?? [];
  const mem = (client, format, n) =>
    memory.find((m) => m.client === client && m.format === format && m.n === n);
  const biggest = Math.max(...throughput.map((t) => t.n));
  const tables = {};
  for (const format of ["chat", "responses"]) {
    const rows = [];
    for (const n of [...new Set(throughput.map((t) => t.n))]) {
      const group = throughput.filter((t) => t.format === format && t.n === n);
      const floor = group.find((t) => t.client === "floor");
      const body = bodyBytes[`${format}/${n}`];
      for (const t of group) {
        const m = mem(t.client, format, n);
        rows.push([
          n0(n),
          CLIENT_LABELS[t.client],
          ms(t.cpuMs),
          `${Math.min(...t.cpuRuns).toFixed(0)}–${Math.max(...t.cpuRuns).toFixed(0)}`,
          floor ? ratioWithSpread(t, floor) : "",
          `${((t.cpuMs * 1000) / t.chunks).toFixed(1)} µs`,
          ms(t.wallMs),
          `${(body / 1e6 / (t.wallMs / 1000)).toFixed(0)} MB/s`,
          m ? MB(m.liveMid) : "",
          m ? MB(m.rssGrowth) : "",
        ]);
        if (t.client === "oaikit" && floor) {
          const r = t.cpuMs / floor.cpuMs;
          const openai = group.find((g) => g.client === "openai");
          const final = group.find((g) => g.client === "oaikit-final");
          const st = (client) => steady.find((x) => x.client === client && x.format === format && x.n === n);
          const steadyLine =
            st("oaikit") && st("floor")
              ? `; without a full GC before each run (steady state) ${ratioWithSpread(st("oaikit"), st("floor"))}`
              : "";
          const line = `${FORMAT_LABELS[format]}, ${n0(n)} deltas: oaikit CPU through the iterator ${ms(t.cpuMs)} = ${ratioWithSpread(t, floor)} the floor (rounds' range in brackets)${final ? `; final() alone ${ratioWithSpread(final, floor)}` : ""}${openai ? `; openai's stream helper ${ratio(openai.cpuMs / floor.cpuMs)}` : ""}${steadyLine}.`;
          if (r > TARGETS.cpuVsFloor)
            out.misses.push(
              `Stream CPU target missed (≤ ${TARGETS.cpuVsFloor}× the floor through the iterator): ${line}`,
            );
          else
            out.met.push(
              `Stream CPU target met (≤ ${TARGETS.cpuVsFloor}× the floor through the iterator): ${line}`,
            );
          if (n === biggest)
            out.issue.push({
              met: r <= TARGETS.cpuVsFloor,
              text: `stream CPU ≤ ${TARGETS.cpuVsFloor}× the floor: ${line}`,
            });
        }
      }
    }
    tables[format] = table(
      [
        "deltas",
        "client",
        "CPU (median)",
        "CPU range (ms)",
        "CPU vs floor (rounds' range)",
        "CPU per event",
        "wall",
        "throughput",
        "live heap mid-stream",
        "peak RSS +",
      ],
      rows,
      ["r", "l", "r", "r", "r", "r", "r", "r", "r", "r"],
    );
    out.console.push(
      `Stream throughput: ${FORMAT_LABELS[format]} (CPU and wall medians; memory from fresh processes)\n${tables[format]}`,
    );
  }

  if (steady.length)
    out.console.push(`Stream CPU without a full GC before each run (steady state)\n${steadyTable(steady)}`);

  const ttfdTable = table(
    ["client", ...["chat", "responses"].map((f) => `${FORMAT_LABELS[f]} (median)`)],
    [...new Set(ttfd.map((t) => t.client))].map((client) => [
      CLIENT_LABELS[client],
      ...["chat", "responses"].map((f) => {
        const t = ttfd.find((x) => x.client === client && x.format === f);
        return t ? ms(t.ttfdMs) : "";
      }),
    ]),
    ["l", "r", "r"],
  );
  out.console.push(`Time to first delta (local server, median of ${data.quick ? 10 : 50})\n${ttfdTable}`);

  const memRows = [];
  for (const format of ["chat", "responses"]) {
    for (const n of [...new Set(memory.map((m) => m.n))]) {
      for (const m of memory.filter((x) => x.format === format && x.n === n)) {
        memRows.push([
          FORMAT_LABELS[format],
          n0(n),
          MB(bodyBytes[`${format}/${n}`]),
          CLIENT_LABELS[m.client],
          MB(m.liveMid),
          MB(m.heapGrowth),
          MB(m.rssGrowth),
        ]);
      }
      const o = mem("oaikit", format, n);
      if (o && n === biggest) {
        const share = o.liveMid / bodyBytes[`${format}/${n}`];
        const line = `${FORMAT_LABELS[format]}, ${n0(n)} deltas: oaikit holds ${MB(o.liveMid)} of live heap mid-stream for a ${MB(bodyBytes[`${format}/${n}`])} body (${(share * 100).toFixed(0)}%).`;
        if (share >= TARGETS.heapVsBody)
          out.misses.push(
            `Memory target missed (live heap mid-stream < ${TARGETS.heapVsBody * 100}% of the body): ${line}`,
          );
        else out.met.push(`Memory: no buffering: ${line}`);
      }
    }
  }
  const memTable = table(
    ["format", "deltas", "body", "client", "live heap mid-stream", "peak heap +", "peak RSS +"],
    memRows,
    ["l", "r", "r", "l", "r", "r", "r"],
  );
  out.console.push(`Memory while consuming one stream (fresh process each)\n${memTable}`);

  out.md.push(
    "## Stream throughput",
    "",
    "A local `node:http` server on 127.0.0.1, in its own process, streams pre-built bodies of realistic",
    "events as fast as the socket takes them: `chat.completion.chunk` objects as api.openai.com sends them today",
    "(id, model, service_tier, system_fingerprint, logprobs, obfuscation, some multi-byte text), then the",
    "finish chunk, the usage chunk and `[DONE]`; for Responses the real `event:` + `data:` wire form, from",
    "`response.created` to `response.completed` (which repeats the whole text). Each client runs in its own",
    "long-lived process, consumes the whole stream through its iterator and builds the final aggregate, and",
    "the harness checks that the aggregated text is exactly the text sent. CPU is `process.cpuUsage()` of the",
    "client process (user + system, every thread), wall is `performance.now()`; one warm-up run, then",
    "interleaved rounds (7 at 10,000 deltas, then 5 at 100,000 in the same warm processes), medians shown with the",
    'range of the rounds; "CPU vs floor" is the ratio of the medians, with the range of the per-round ratios (each',
    "round runs every client once, so a round's ratio compares runs made under the same load). Clients: oaikit",
    "through the lean client, as a page that only streams imports it (`createClient` from `@oaikit/core`, then",
    "`streamChatCompletion` from `@oaikit/core/chat` / `streamResponse` from `@oaikit/core/responses`), iterated,",
    "then `final()`, and the same with `final()` alone (no iteration: nothing is queued per chunk; `new OpenAI`'s",
    "methods are one-line delegates to these functions); `openai` through its stream helpers",
    "(`chat.completions.stream` + `finalChatCompletion()`, `responses.stream` + `finalResponse()`) and",
    "through `create({ stream: true })` with a hand-written aggregate; the floor: `fetch` +",
    "eventsource-parser's `createParser` + `JSON.parse` + the smallest aggregate (content, finish_reason, usage).",
    "",
    "The memory columns (on the rows that have them) come from a separate run of the same stream in a fresh",
    "process; see [Memory](#memory).",
    "",
    ...(unavailable.length
      ? [`Not measured (client not available in this build): ${unavailable.join(", ")}.`, ""]
      : []),
    "### Chat Completions",
    "",
    tables.chat,
    "",
    "### Responses",
    "",
    tables.responses,
    "",
    "![Stream throughput chart](benchmarks-throughput.svg)",
    "",
    ...steadyBlock(steady),
    "### Time to first delta",
    "",
    `A 20-delta stream from the same local server; from the call to the first text delta in the caller's hands,`,
    `median of ${data.quick ? 10 : 50} interleaved runs after 5 warm-ups per client (keep-alive connections, as in an app).`,
    "",
    ttfdTable,
    "",
    "## Memory",
    "",
    'One stream consumed through the iterator, in a fresh process per row, at both stream sizes. "Live heap',
    'mid-stream" is what the client really holds halfway through: a full GC at the middle delta, then',
    "`heapUsed` + `external` (ArrayBuffers and strings kept outside the V8 heap) over the baseline taken (also after a GC) before the call. A client that",
    "streams holds its aggregate so far and little else; one that buffers holds the body (the reference row",
    'reads the whole body with `res.text()` first). "Peak heap +" and "peak RSS +" are sampled every 2 ms and at the middle delta',
    "over the run: they include garbage that V8 has not collected yet and pages it keeps after collecting, so",
    "they show what the process costs the machine rather than what the client retains.",
    "",
    memTable,
    "",
  );

  const svgPanels = [];
  for (const format of ["chat", "responses"]) {
    const group = throughput.filter((t) => t.format === format && t.n === biggest);
    const floor = group.find((t) => t.client === "floor");
    svgPanels.push({
      title: `${FORMAT_LABELS[format]}: ${n0(biggest)} events, CPU time (median)`,
      bars: group.map((t) => ({
        label: CLIENT_LABELS[t.client],
        value: t.cpuMs,
        text: `${ms(t.cpuMs)}${floor ? ` (${ratio(t.cpuMs / floor.cpuMs)} floor)` : ""}`,
        highlight: t.client === "oaikit",
      })),
    });
  }
  out.svgs["benchmarks-throughput.svg"] = barChart({
    title: "Stream throughput: CPU to consume and aggregate one stream",
    subtitle: `${data.env.date} · ${data.env.node} · lower is better`,
    panels: svgPanels,
  });
}

const IMPORT_LABELS = {
  "ky+esp": "baseline: ky + eventsource-parser",
  "oaikit-lean": "oaikit lean: dist/index.js + dist/api/chat.js",
  "oaikit-direct": "oaikit, own modules only: dist/client/client.js + dist/api/chat.js",
  openai: "openai",
};

function coldImportSection(data, out) {
  const c = data.coldImport;
  const rows = c.sets.map((x) => {
    const over = c.overBaseline[x.set];
    return [
      IMPORT_LABELS[x.set] ?? x.set,
      ms(x.ms),
      spread(x.q, ms),
      over ? msDiff(over.ms) : "",
      over ? spread(over.q, msDiff) : "",
    ];
  });
  const tbl = table(
    ["modules imported", "import (median)", "quartiles", "over the baseline (paired median)", "quartiles"],
    rows,
    ["l", "r", "r", "r", "r"],
  );
  out.console.push(`Cold import (fresh processes, ${c.rounds} interleaved rounds)\n${tbl}`);
  const lean = c.overBaseline["oaikit-lean"];
  if (lean) {
    const line = `oaikit's lean entry points import in ${msDiff(lean.ms)} over ky + eventsource-parser (quartiles of the per-round differences ${spread(lean.q, msDiff)}; median of ${c.rounds} fresh processes each).`;
    out.issue.push({
      met: lean.ms <= TARGETS.coldImportOverMs,
      text: `cold import within ${TARGETS.coldImportOverMs} ms of ky + eventsource-parser: ${line}`,
    });
    if (lean.ms > TARGETS.coldImportOverMs)
      out.misses.push(
        `Cold import target missed (within ${TARGETS.coldImportOverMs} ms of ky + eventsource-parser): ${line}`,
      );
    else
      out.met.push(
        `Cold import target met (within ${TARGETS.coldImportOverMs} ms of ky + eventsource-parser): ${line}`,
      );
  }
  out.md.push(
    "## Cold import",
    "",
    "A fresh Node process per measurement (no compile cache), timing `await import(...)` of each set of",
    "modules from the first import to the last module evaluated; the sets run in interleaved rounds (the order",
    `rotated each round), ${c.rounds} rounds after one unmeasured process per set (so the OS file cache holds every`,
    'file). "Over the baseline" is the median of the per-round differences against ky + eventsource-parser (the',
    "two libraries oaikit is built on). The lean entry points are what a page that streams chat imports:",
    "`createClient` from the root entry and `@oaikit/core/chat`; Node does not tree-shake, so the root entry",
    "evaluates every module it re-exports. The row with oaikit's own modules only (`client/client.js` +",
    "`api/chat.js`) shows what the lean path itself needs.",
    "",
    tbl,
    "",
  );
}

function shortRequestsSection(data, out) {
  const s = data.shortRequests;
  const tables = {};
  for (const format of ["chat", "responses"]) {
    const rows = s.results
      .filter((r) => r.format === format)
      .map((r) => [
        CLIENT_LABELS[r.client],
        ms(r.ttfdMs),
        spread(r.ttfdQ, ms),
        r.client === "floor" ? "" : `${msDiff(r.ttfdOverFloor.value)} (${spread(r.ttfdOverFloor.q, msDiff)})`,
        ms(r.cpuMs),
        spread(r.cpuQ, ms),
        r.cpuVsOpenai && r.client !== "openai"
          ? `${ratio(r.cpuVsOpenai.value)} (${spread(r.cpuVsOpenai.q, (v) => v.toFixed(2))})`
          : "",
        ms(r.firstTtfdMs),
        ms(r.firstCpuMs),
      ]);
    tables[format] = table(
      [
        "client",
        "first delta",
        "quartiles",
        "over the floor (paired)",
        "CPU per request",
        "quartiles",
        "CPU vs openai (paired)",
        "1st request: first delta",
        "1st request: CPU",
      ],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r"],
    );
    out.console.push(
      `Short requests: ${FORMAT_LABELS[format]}, ${s.n} deltas (${s.processes} fresh processes per client, ${s.requests} requests each)\n${tables[format]}`,
    );
    const o = s.results.find((r) => r.format === format && r.client === "oaikit");
    const k = s.results.find((r) => r.format === format && r.client === "floor-ky");
    if (o?.ttfdOverFloor) {
      const line = `${FORMAT_LABELS[format]}: oaikit's first delta ${msDiff(o.ttfdOverFloor.value)} over the floor's (quartiles ${spread(o.ttfdOverFloor.q, msDiff)})${k?.ttfdOverFloor ? `; the floor on ky alone is ${msDiff(k.ttfdOverFloor.value)}` : ""}.`;
      out.issue.push({
        met: o.ttfdOverFloor.value <= TARGETS.ttfdOverFloorMs,
        text: `short requests, first delta within ${TARGETS.ttfdOverFloorMs} ms of the floor: ${line}`,
      });
      if (o.ttfdOverFloor.value > TARGETS.ttfdOverFloorMs)
        out.misses.push(
          `Short-request first-delta target missed (within ${TARGETS.ttfdOverFloorMs} ms of the floor): ${line}`,
        );
      else
        out.met.push(
          `Short-request first-delta target met (within ${TARGETS.ttfdOverFloorMs} ms of the floor): ${line}`,
        );
    }
    if (o?.cpuVsOpenai) {
      const openai = s.results.find((r) => r.format === format && r.client === "openai");
      const line = `${FORMAT_LABELS[format]}: oaikit ${ms(o.cpuMs)} CPU per request${openai ? ` against openai's ${ms(openai.cpuMs)}` : ""}, ${ratio(o.cpuVsOpenai.value)} (quartiles ${spread(o.cpuVsOpenai.q, (v) => v.toFixed(2))}).`;
      out.issue.push({
        met: o.cpuVsOpenai.value < TARGETS.cpuPerRequestVsOpenai,
        text: `short requests, CPU per request below openai's: ${line}`,
      });
      if (o.cpuVsOpenai.value >= TARGETS.cpuPerRequestVsOpenai)
        out.misses.push(`Short-request CPU target missed (below openai's): ${line}`);
      else out.met.push(`Short-request CPU target met (below openai's): ${line}`);
    }
  }
  out.md.push(
    "## Short requests",
    "",
    `A ${s.n}-delta stream, requested ${s.requests} times in a row by a fresh Node process, as a page makes its first`,
    `few requests: ${s.processes} processes per client and format, in interleaved rounds. Each process imports its`,
    "client, opens the keep-alive connection with one plain `fetch` (Node loads its fetch lazily on first use; a",
    "browser has it built in), then makes the requests. Per request: the time from the call to the first text",
    "delta in the caller's hands, and the process's CPU time (`process.cpuUsage()`, user + system, every",
    "thread, so background JIT compiles count) from the call to the end of the stream. A process's figure is",
    "the mean over its requests; the table shows the median over processes with quartiles, the paired",
    "(same-round) difference to the floor and ratio to openai, and the first request alone (the coldest).",
    "The floor on ky is the floor's parsing with the request sent by `ky.post`: what ky itself costs.",
    "",
    "### Chat Completions",
    "",
    tables.chat,
    "",
    "### Responses",
    "",
    tables.responses,
    "",
  );
}

function resumeSection(data, out) {
  const r = data.resume;
  const row = (label, f) => [label, ms(f.ms), spread(f.q, ms)];
  const tbl = table(
    ["from → to", "median", "quartiles"],
    [
      row("resume request sent → next delta", r.reconnect),
      row("last event before the cut → next delta (what the reader waits)", r.gap),
      row("a fresh stream: request → first delta (baseline)", r.fresh),
    ],
    ["l", "r", "r"],
  );
  out.console.push(
    `Resume (Responses background mode, ${r.rounds} streams cut after their first delta)\n${tbl}\nresume request → next delta: ${ratio(r.reconnectVsFresh)} a fresh stream's request → first delta`,
  );
  out.md.push(
    "## Resume after a cut",
    "",
    `A Responses background stream of the demo model (the one fake server, in the measuring process, unpaced), cut`,
    "after its first delta (`x-oaikit-cut-after: 5:end`: the body ends half-way through the next event) and",
    `resumed by the client with \`GET /responses/{id}?stream=true&starting_after=N\`; ${r.rounds} rounds after a warm-up.`,
    "The resume request is the first reconnection, so it leaves at once (later ones in a row wait the client's",
    "back-off).",
    "The baseline is a fresh stream's first delta on the same server.",
    "",
    tbl,
    "",
    `The resume request's next delta comes ${ratio(r.reconnectVsFresh)} as fast as a fresh stream's first delta (a ratio above 1 is slower).`,
    "",
  );
}

function sessionOverheadSection(data, out) {
  const s = data.sessionOverhead;
  const body =
    s.status === "ok" ? s.lines.join("\n") : s.status === "missing" ? s.message : `Failed: ${s.message}`;
  out.console.push(`Session overhead per chunk (durable session vs bare stream)\n${body}`);
  if (s.status !== "ok")
    out.misses.push(
      `Session overhead per chunk: ${s.status === "missing" ? "not available (its bench is not in this checkout yet)" : "its bench failed"}.`,
    );
  out.md.push(
    "## Session overhead per chunk",
    "",
    "What a durable session adds to each streamed chunk, against the bare stream: 40,000 text chunks and",
    "20,000 tool-call deltas, from the sessions' own bench, run by `pnpm bench` and shown as it printed them.",
    "",
    ...(s.status === "ok" ? [`Source: ${s.message}.`, "", "```", ...s.lines, "```"] : [body]),
    "",
  );
}

function syncSection(data, out) {
  const s = data.sync;
  const body = s.status === "ok" ? s.lines.join("\n") : `Failed: ${s.message}`;
  out.console.push(`Sync server: merge time and another user's latency\n${body}`);
  if (s.status !== "ok") out.misses.push("Sync server bench: it failed.");
  out.md.push(
    "## Sync server: merge time and another user's latency",
    "",
    "The sync handler over memory stores, called in-process: a push with base null (a device that believes the",
    "session is new, or a hostile one) of N records onto a session holding N/10 records whose timestamps",
    "interleave with them, so the merge orders every record and moves every stored one. The time must grow",
    "linearly with N (the time ratio follows the size ratio; it was quadratic before issue 17: 100k records",
    "took 48 s). Then another user lists their sessions every 2 ms during the largest push: the slowest answer",
    "is the longest stretch the push held the event loop.",
    "",
    ...(s.status === "ok" ? [`Source: ${s.message}.`, "", "```", ...s.lines, "```"] : [body]),
    "",
  );
}

function proxySection(data, out) {
  const p = data.proxy;
  if (p.error) {
    out.misses.push("Key proxy overhead: its bench failed.");
    out.console.push(`Key proxy overhead (workerd, local): failed: ${p.error}`);
    out.md.push("## Key proxy overhead (workerd, local)", "", `Failed: ${p.error}`, "");
    return;
  }
  const perDelta = (t) => `${(((t.totalMs - t.firstDeltaMs) / p.n) * 1000).toFixed(1)} µs`;
  const us = (value) => `${value.toFixed(1)} µs`;
  const rows = [
    ["direct", ms(p.direct.firstDeltaMs), perDelta(p.direct), ms(p.direct.totalMs)],
    ["a bare Worker (fetch, return the body)", ms(p.bare.firstDeltaMs), perDelta(p.bare), ms(p.bare.totalMs)],
    ["the proxy, in the same Worker", ms(p.proxy.firstDeltaMs), perDelta(p.proxy), ms(p.proxy.totalMs)],
    [
      "the proxy counting open streams",
      ms(p.counted.firstDeltaMs),
      perDelta(p.counted),
      ms(p.counted.totalMs),
    ],
    ["added by the proxy over the bare Worker", ms(p.addedFirstDeltaMs), us(p.addedPerDeltaUs), ""],
    ["... counting open streams", "", us(p.countedPerDeltaUs), ""],
    [
      "added over the direct call (the hop too)",
      ms(p.overDirectFirstDeltaMs),
      us(p.overDirectPerDeltaUs),
      ratio(p.proxy.totalMs / p.direct.totalMs),
    ],
  ];
  const tbl = table(["", "first delta", "per delta after it", "whole stream"], rows);
  out.console.push(
    `Key proxy overhead (workerd, local; ${p.n} deltas, medians of ${p.runs} interleaved runs)\n${tbl}`,
  );
  out.md.push(
    "## Key proxy overhead (workerd, local)",
    "",
    `One streamed chat call of ${p.n} deltas (the throughput server's body), read by the lean client directly,`,
    "through a bare Worker that only fetches the upstream and returns its body, and through `@oaikit/core/proxy`",
    `in the same workerd (\`wrangler dev --local\`), interleaved run by run; medians of ${p.runs} runs each. The`,
    "bare Worker is the hop (workerd, and wrangler dev's own proxy in front of it); what the proxy adds over it",
    "is its own cost: its checks before the first delta, then nothing per read when it passes the upstream's",
    "body on as it is, or a hand-over per read when it counts open streams (it must see the stream end). A",
    "real upstream is a network away, which dwarfs all of it.",
    "",
    tbl,
    "",
  );
}

function profileSection(data, out) {
  const blocks = [];
  for (const p of data.profiles) {
    const fns = table(
      ["self time", "share", "function — where"],
      p.functions.map((f) => [ms(f.ms), `${(f.share * 100).toFixed(1)}%`, f.name]),
      ["r", "r", "l"],
    );
    const owners = table(
      ["self time", "share", "code"],
      p.owners.map((f) => [ms(f.ms), `${(f.share * 100).toFixed(1)}%`, f.name]),
      ["r", "r", "l"],
    );
    const title = `CPU profile: ${CLIENT_LABELS[p.client]}, ${FORMAT_LABELS[p.format]}, ${n0(p.n)} events (${ms(p.totalMs)} sampled)`;
    out.console.push(`${title}\n${owners}\n\n${fns}`);
    blocks.push(`### ${title}`, "", owners, "", fns, "");
  }
  // oaikit against the floor, code by code: where oaikit spends CPU beyond it.
  const beyond = [];
  for (const format of ["chat", "responses"]) {
    const o = data.profiles.find((p) => p.client === "oaikit" && p.format === format);
    const f = data.profiles.find((p) => p.client === "floor" && p.format === format);
    if (!o || !f) continue;
    const of = (p, name) => p.allOwners?.find((x) => x.name === name)?.ms ?? 0;
    const names = [
      ...new Set([...(o.allOwners ?? o.owners), ...(f.allOwners ?? f.owners)].map((x) => x.name)),
    ];
    const rows = names
      .map((name) => ({ name, o: of(o, name), f: of(f, name) }))
      .filter((r) => Math.abs(r.o - r.f) >= 0.05 * Math.abs(o.totalMs - f.totalMs) || r.o - r.f > 2)
      .sort((a, b) => b.o - b.f - (a.o - a.f))
      .map((r) => [r.name, ms(r.o), ms(r.f), msDiff(r.o - r.f)]);
    rows.push(["total sampled", ms(o.totalMs), ms(f.totalMs), msDiff(o.totalMs - f.totalMs)]);
    const tbl = table(["code", "oaikit", "floor", "beyond the floor"], rows, ["l", "r", "r", "r"]);
    out.console.push(
      `CPU profile, oaikit beyond the floor: ${FORMAT_LABELS[format]}, ${n0(o.n)} events\n${tbl}`,
    );
    beyond.push(`### oaikit beyond the floor: ${FORMAT_LABELS[format]}, ${n0(o.n)} events`, "", tbl, "");
  }
  out.md.push(
    "## Where the time goes",
    "",
    "One stream per client under `node --cpu-prof` (a fresh process, after a warm-up stream of a tenth of the size; only the measured stream's samples count), self time summed by code",
    "location and by function. Use it to see which layer of a client costs what. V8 inlines small functions",
    "into their callers and counts builtins (`JSON.parse`) as the caller's self time, so `#onData` holds the",
    "JSON parsing, as the floor's event callback does. One profile is one run: read the differences that are",
    "large against the run-to-run spread of the throughput table.",
    "",
    ...beyond,
    ...blocks,
  );
}

/** Renders the sessions engineer's results.json without assuming its exact shape. */
function renderAny(value) {
  if (
    Array.isArray(value) &&
    value.length &&
    value.every((v) => v && typeof v === "object" && !Array.isArray(v))
  ) {
    const keys = [...new Set(value.flatMap((v) => Object.keys(v)))];
    return table(
      keys,
      value.map((v) => keys.map((k) => fmtCell(v[k]))),
    );
  }
  const isPlain = (v) => v && typeof v === "object" && !Array.isArray(v);
  const isFlat = (v) => isPlain(v) && Object.values(v).every((x) => typeof x !== "object" || x === null);
  // { row: { column: value } } with flat rows: one table, a row per key.
  if (isPlain(value) && Object.keys(value).length && Object.values(value).every(isFlat)) {
    const keys = [...new Set(Object.values(value).flatMap((v) => Object.keys(v)))];
    return table(
      ["", ...keys],
      Object.entries(value).map(([row, v]) => [row, ...keys.map((k) => fmtCell(v[k]))]),
    );
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const scalars = Object.entries(value).filter(([, v]) => typeof v !== "object" || v === null);
    const nested = Object.entries(value).filter(([, v]) => typeof v === "object" && v !== null);
    const parts = [];
    if (scalars.length)
      parts.push(
        table(
          ["field", "value"],
          scalars.map(([k, v]) => [k, fmtCell(v)]),
        ),
      );
    for (const [k, v] of nested) parts.push(`**${k}**\n\n${renderAny(v)}`);
    return parts.join("\n\n");
  }
  return `\`${JSON.stringify(value)}\``;
}
const fmtCell = (v) =>
  typeof v === "number"
    ? Number.isInteger(v)
      ? n0(v)
      : v.toFixed(v >= 100 ? 0 : 2)
    : typeof v === "object"
      ? JSON.stringify(v)
      : String(v);

function sessionsSection(data, out) {
  const s = data.sessions;
  let body;
  if (s.status === "ok") {
    body = renderAny(s.results);
    out.console.push(`Session scaling (Chromium; ${s.message})\n${body}`);
    // The sessions bench judges its own targets (`meetsTargets`); a false there is a miss here too.
    const verdicts = s.results?.meetsTargets;
    if (verdicts && typeof verdicts === "object") {
      const targets = s.results.targets ? ` (its targets: ${JSON.stringify(s.results.targets)})` : "";
      for (const [name, ok] of Object.entries(verdicts)) {
        if (ok === false)
          out.misses.push(
            `Session scaling target missed: \`${name}\`, as the sessions bench reports${targets}.`,
          );
        else if (ok === true)
          out.met.push(`Session scaling target met: \`${name}\`, as the sessions bench reports.`);
      }
    }
  } else {
    body = s.status === "missing" ? `Missing: ${s.message}` : `Failed: ${s.message}`;
    out.console.push(`Session scaling\n${body}`);
    out.misses.push(
      `Session scaling: ${s.status === "missing" ? "no figures (the sessions bench does not exist yet)" : "the sessions bench failed"}.`,
    );
  }
  out.md.push(
    "## Session scaling (Chromium, IndexedDB)",
    "",
    "Appending to and loading durable sessions in Chromium, from `@oaikit/sessions`' own bench",
    "(`pnpm --filter @oaikit/sessions bench:sessions`, which writes `packages/sessions/bench/results.json`),",
    "run by `pnpm bench` and shown as it reported them.",
    "",
    s.status === "ok" ? `Source: ${s.message}.` : "",
    "",
    body,
    "",
  );
}

/** The live view in React (bench/live): renders per second and CPU per chunk against the history's length. */
function liveSection(data, out) {
  const live = data.live;
  if (live.error) {
    out.misses.push(`Live view bench: did not run (${live.error}).`);
    out.md.push("## Live sessions in React", "", `Did not run: ${live.error}`, "");
    return;
  }
  const rows = live.rows.map((r) => [
    r.variant,
    n0(r.history),
    n0(r.chunks),
    String(r.renders),
    r.rendersPerSecond.toFixed(0),
    `${r.cpuPerChunkUs.toFixed(1)} µs`,
    ms(r.wallMs),
  ]);
  const text = table(["view", "history", "chunks", "renders", "renders/s", "CPU per chunk", "wall"], rows, [
    "l",
    "r",
    "r",
    "r",
    "r",
    "r",
    "r",
  ]);
  const ratios = live.ratios.map((r) => `${r.variant}: ${ratio(r.ratio)}`).join("; ");
  out.console.push(
    `Live sessions in React (Chromium): CPU per chunk, 10 vs 10,000 messages of history\n${text}\n${ratios}`,
  );
  const store = live.ratios.find((r) => r.variant === "useChatSession");
  if (store) {
    (store.ratio <= 1.5 ? out.met : out.misses).push(
      `Live view: CPU per chunk with 10,000 messages of history is ${ratio(store.ratio)} that with 10 (target: flat, ≤ 1.5×).`,
    );
  }
  out.md.push(
    "## Live sessions in React",
    "",
    "`bench/live/run.mjs`: a React page in Chromium (production React) renders a `ChatSession` with `useChatSession`",
    "while a reply of many small chunks streams from a local server, with 10 and with 10,000 messages of history.",
    "The history is rendered by a memoised component (it re-renders only when `messages` is a new array), the",
    "streamed reply by another. CPU per chunk is Chromium's main-thread task time (CDP `Performance.getMetrics`,",
    "`TaskDuration`) over the stream, divided by its chunks: SSE decoding, the session and React included.",
    "`copy per chunk` is the pattern the live view replaces: `setState([...messages, partial])` on every chunk.",
    "",
    text,
    "",
    `History 10,000 over 10, CPU per chunk: ${ratios}.`,
    "",
  );
}

/** A few lines for docs/benchmarks.md (its bench-summary block): the headline figures of the run. */
function summary(data, out) {
  const lines = [`Run ${data.env.date} UTC (${data.env.cpu}, Node ${data.env.node}):`, ""];
  const size = (id) => data.sizes?.find((s) => s.id === id);
  const gz = (id) => (size(id) && !size(id).error ? kB(size(id).gzip) : "n/a");
  if (data.sizes) {
    lines.push(
      `- Bundle, one streaming chat call (gzip): oaikit ${gz("oaikit-stream-lean")} (createClient + @oaikit/core/chat; through new OpenAI: ${gz("oaikit-stream")}), openai ${gz("openai-stream")}, ai + @ai-sdk/openai ${gz("ai-stream")}; floors: ky + eventsource-parser ${gz("floor-ky")}, fetch + eventsource-parser ${gz("floor-fetch")}.`,
      `- Bundle, whole core (gzip): oaikit ${gz("oaikit-core")}, openai ${gz("openai-core")}, ai + @ai-sdk/openai ${gz("ai-core")}; @oaikit/sessions on top of core ${gz("sessions")}; a durable chat page (client + IndexedDB session + one streamed send) ${gz("oaikit-durable-page")}.`,
      `- Bundle, a React chat page (gzip, React included): oaikit (@oaikit/react, IndexedDB) ${gz("oaikit-react-page")}, @ai-sdk/react + ai + @ai-sdk/openai ${gz("aisdk-react-page")}; React alone ${gz("react-floor")}.`,
    );
  }
  if (data.streams) {
    const { throughput, ttfd, memory } = data.streams;
    const biggest = Math.max(...throughput.map((t) => t.n));
    for (const format of ["chat", "responses"]) {
      const get = (client) =>
        throughput.find((t) => t.client === client && t.format === format && t.n === biggest);
      const [o, f, h, fin] = [get("oaikit"), get("floor"), get("openai"), get("oaikit-final")];
      if (o && f)
        lines.push(
          `- ${FORMAT_LABELS[format]}, ${n0(biggest)} events: oaikit ${ms(o.cpuMs)} CPU through the iterator, ${ratioWithSpread(o, f)} the fetch + eventsource-parser floor${fin ? ` (final() alone ${ratioWithSpread(fin, f)})` : ""}${h ? `; openai's stream helper ${ratio(h.cpuMs / f.cpuMs)}` : ""}.`,
        );
    }
    const t = (client, format) => ttfd.find((x) => x.client === client && x.format === format);
    if (t("oaikit", "chat") && t("floor", "chat"))
      lines.push(
        `- Time to first delta (local server, Chat Completions): oaikit ${ms(t("oaikit", "chat").ttfdMs)}, floor ${ms(t("floor", "chat").ttfdMs)}${t("openai", "chat") ? `, openai ${ms(t("openai", "chat").ttfdMs)}` : ""}.`,
      );
    const m = memory.find((x) => x.client === "oaikit" && x.format === "chat" && x.n === biggest);
    const b = memory.find((x) => x.client === "buffer-all" && x.format === "chat" && x.n === biggest);
    if (m)
      lines.push(
        `- Memory, ${n0(biggest)}-event chat stream (${MB(data.streams.bodyBytes[`chat/${biggest}`])}): oaikit holds ${MB(m.liveMid)} mid-stream${b ? ` (buffering the body first would hold ${MB(b.liveMid)})` : ""}.`,
      );
  }
  if (data.coldImport?.overBaseline["oaikit-lean"]) {
    const c = data.coldImport;
    const at = (set) => c.sets.find((x) => x.set === set);
    lines.push(
      `- Cold import (fresh processes): oaikit's lean entry points ${ms(at("oaikit-lean").ms)}, ky + eventsource-parser ${ms(at("ky+esp").ms)}, openai ${at("openai") ? ms(at("openai").ms) : "n/a"}.`,
    );
  }
  if (data.resume) {
    lines.push(
      `- Resume after a cut (Responses background mode, local server): the next delta ${ms(data.resume.reconnect.ms)} after the resume request left (a fresh stream's first delta: ${ms(data.resume.fresh.ms)}); the reader waits ${ms(data.resume.gap.ms)} from the last event before the cut.`,
    );
  }
  if (data.shortRequests) {
    for (const format of ["chat", "responses"]) {
      const r = (client) =>
        data.shortRequests.results.find((x) => x.client === client && x.format === format);
      const [o, f, h] = [r("oaikit"), r("floor"), r("openai")];
      if (o && f)
        lines.push(
          `- Short requests (${FORMAT_LABELS[format]}, ${data.shortRequests.n} deltas, fresh processes): first delta oaikit ${ms(o.ttfdMs)}, floor ${ms(f.ttfdMs)}${h ? `, openai ${ms(h.ttfdMs)}` : ""}; CPU per request oaikit ${ms(o.cpuMs)}, floor ${ms(f.cpuMs)}${h ? `, openai ${ms(h.cpuMs)}` : ""}.`,
        );
    }
  }
  if (data.proxy && !data.proxy.error) {
    const p = data.proxy;
    lines.push(
      `- Key proxy (@oaikit/core/proxy in workerd, wrangler dev --local; ${p.n} deltas): over a bare Worker it adds ${ms(p.addedFirstDeltaMs)} to the first delta and ${p.addedPerDeltaUs.toFixed(1)} µs per delta; over the direct call ${ms(p.overDirectFirstDeltaMs)} and ${p.overDirectPerDeltaUs.toFixed(1)} µs (the workerd hop included).`,
    );
  }
  if (out.issue.length) {
    lines.push(
      "",
      "Issue 10's targets in this run:",
      ...out.issue.map((t) => `- **${t.met ? "met" : "missed"}**: ${t.text}`),
    );
  }
  lines.push(
    "",
    out.misses.length ? `Missed in this run (${out.misses.length}):` : "Every target met in this run.",
    ...out.misses.map((miss) => `- ${miss}`),
  );
  return lines.join("\n");
}

/**
 * @param {object} data the run (see bench/run.mjs)
 * @returns {{ console: string[], markdown: string, svgs: Record<string, string>, summary: string }}
 */
export function buildReport(data) {
  const out = { console: [], md: [], svgs: {}, misses: [], met: [], issue: [] };
  if (data.sizes) sizeSection(data, out);
  if (data.streams) streamsSection(data, out);
  if (data.profiles) profileSection(data, out);
  if (data.coldImport) coldImportSection(data, out);
  if (data.shortRequests) shortRequestsSection(data, out);
  if (data.sessions) sessionsSection(data, out);
  if (data.sessionOverhead) sessionOverheadSection(data, out);
  if (data.sync) syncSection(data, out);
  if (data.live) liveSection(data, out);
  if (data.proxy) proxySection(data, out);
  if (data.resume) resumeSection(data, out);

  // The README's bench-summary block gets this summary; docs/benchmarks.md has it too, so the figures
  // are complete without the README (or when the README has no markers).
  const summaryText = summary(data, out);
  const v = data.env.versions;
  const head = [
    `Run ${data.env.date} UTC on ${data.env.cpu}, Node ${data.env.node}. Peers: openai ${v.openai}, ai ${v.ai},`,
    `@ai-sdk/openai ${v["@ai-sdk/openai"]}, ky ${v.ky}, eventsource-parser ${v["eventsource-parser"]}; esbuild ${v.esbuild},`,
    `size-limit ${v["size-limit"]}. Load average (1 min) ${data.env.loadStart.toFixed(1)} at the start and ${data.env.loadEnd?.toFixed(1)} at`,
    `the end of the ${data.env.seconds} s run: other work on the machine slows every client alike (the rounds are`,
    "interleaved), so read the ratios first. Benchmarks print figures and ratios; they are not timed tests.",
    "",
    "## Summary",
    "",
    summaryText,
    "",
    "## Targets",
    "",
    "Size: the enforced budgets (regression guards) and the project's targets (bench/size/cases.mjs). Issue 10:",
    `oaikit's stream CPU through the iterator at most ${TARGETS.cpuVsFloor}× the fetch + eventsource-parser floor for`,
    `both APIs; on short requests (fresh processes), time to first delta within ${TARGETS.ttfdOverFloorMs} ms of the floor's and CPU per`,
    `request below openai's; cold import of the lean entry points within ${TARGETS.coldImportOverMs} ms of ky + eventsource-parser.`,
    `Memory: the live heap mid-stream on the biggest stream under ${TARGETS.heapVsBody * 100}% of the body (nothing buffers it).`,
    "",

    ...(out.misses.length
      ? ["**Missed:**", "", ...out.misses.map((m) => `- ${m}`), ""]
      : ["Every target met.", ""]),
    ...(out.met.length ? ["Met:", "", ...out.met.map((m) => `- ${m}`), ""] : []),
    ...data.notes.flatMap((note) => [note, ""]),
  ];
  out.console.push(
    [
      "Targets",
      ...(out.issue.length
        ? ["  Issue 10:", ...out.issue.map((t) => `  ${t.met ? "met   " : "MISSED"}  ${t.text}`), "  All:"]
        : []),
      ...out.misses.map((m) => `  MISSED  ${m}`),
      ...out.met.map((m) => `  met     ${m}`),
    ].join("\n"),
  );
  return {
    console: out.console,
    markdown: `${[...head, ...out.md].join("\n").trim()}\n`,
    svgs: out.svgs,
    summary: summaryText,
  };
}
