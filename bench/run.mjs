#!/usr/bin/env node
// `pnpm bench`: every benchmark side by side, one table per figure on stdout, and the same run
// written into docs/benchmarks.md (between its markers), with docs/benchmarks-size.svg and
// docs/benchmarks-throughput.svg.
// Benchmarks print figures and ratios; they are not timed tests (the size budgets are enforced by
// `pnpm test` through bench/size/check.mjs).
//
//   pnpm bench                 everything (about 3–4 minutes on 2 cores)
//   pnpm bench --quick         fewer rounds, 10,000-delta streams only (a smoke run; writes no docs)
//   pnpm bench --no-build      use the packages' dist/ as they are
//   pnpm bench --only=size     some parts (comma-separated): size, streams, profile, cold-import,
//                              short-requests, sessions, sessions-overhead, sync, live, proxy, resume
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { runLive } from "./live/run.mjs";
import { runProxyBench } from "./proxy/run.mjs";
import { buildReport } from "./report.mjs";
import { runResume } from "./resume/run.mjs";
import { pnpmCommand, runSessionOverhead, runSessionsBench, runSyncBench } from "./sessions.mjs";
import { checkBudgets } from "./size/budgets.mjs";
import { measureSizes } from "./size/measure.mjs";
import { runColdImport, runShortRequests } from "./startup/run.mjs";
import { profileClients } from "./throughput/profile.mjs";
import { runStreams, startServer } from "./throughput/run.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only="));
const ALL_PARTS = [
  "size",
  "streams",
  "profile",
  "cold-import",
  "short-requests",
  "sessions",
  "sessions-overhead",
  "sync",
  "live",
  "proxy",
  "resume",
];
const parts = new Set(onlyArg ? onlyArg.slice(7).split(",") : ALL_PARTS);
const unknown = [...parts].filter((part) => !ALL_PARTS.includes(part));
if (unknown.length) {
  console.error(`pnpm bench: unknown part(s) ${unknown.join(", ")}; the parts are ${ALL_PARTS.join(", ")}.`);
  process.exit(2);
}
const started = Date.now();
const log = (line) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);

function version(pkg) {
  try {
    return JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, "utf8")).version;
  } catch {
    return "?";
  }
}

const env = {
  date: new Date().toISOString().slice(0, 16).replace("T", " "),
  node: process.version,
  cpu: `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}`,
  // Other work on the machine skews wall times most; the report prints the load it ran under.
  loadStart: os.loadavg()[0],
  versions: Object.fromEntries(
    ["openai", "ai", "@ai-sdk/openai", "ky", "eventsource-parser", "esbuild", "size-limit"].map((p) => [
      p,
      version(p),
    ]),
  ),
};

const data = { env, quick, notes: [] };

if (!args.includes("--no-build")) {
  log("building @oaikit/core, @oaikit/sessions and @oaikit/react (tsc)");
  const pnpm = pnpmCommand();
  const built = spawnSync(pnpm[0], [...pnpm.slice(1), "run", "build"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) {
    const lines = `${built.stdout}${built.stderr}`.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
    const tail = lines.slice(-8).join("\n");
    data.notes.push(
      `\`pnpm build\` failed, so the figures use the dist/ already on disk:\n\n\`\`\`\n${tail}\n\`\`\``,
    );
    log("build failed; measuring the dist/ already on disk");
  }
}

if (parts.has("size")) {
  log("bundle sizes (esbuild, gzip, brotli)");
  data.sizes = await measureSizes();
  log("size budgets (size-limit)");
  data.budgets = checkBudgets();
}

if (parts.has("streams")) {
  log("stream throughput, first delta and memory (server and clients in their own processes)");
  data.streams = await runStreams({
    // oaikit through the lean client, iterated then final(); `oaikit-final` is final() alone.
    clients: ["floor", "oaikit", "oaikit-final", "openai", "openai-raw"],
    formats: ["chat", "responses"],
    sizes: quick ? [10_000] : [10_000, 100_000],
    rounds: quick ? 2 : (n) => (n >= 100_000 ? 5 : 7),
    ttfdRuns: quick ? 10 : 50,
    ttfdClients: ["floor", "oaikit", "openai", "openai-raw"],
    // The biggest stream again without a full GC before each run: the per-event cost once the code
    // stays optimised (the rounds above start each run after a full GC, as a stream after idle does).
    steadyClients: ["floor", "oaikit", "oaikit-final", "openai"],
    steadyRounds: quick ? 2 : 7,
    memoryClients: ["floor", "oaikit", "openai", "buffer-all"],
    log,
  });
}

if (parts.has("profile")) {
  log("CPU profiles (node --cpu-prof) of oaikit and the floor");
  const n = quick ? 10_000 : 100_000;
  const server = await startServer([n / 10, n]);
  try {
    data.profiles = await profileClients({
      clients: ["oaikit", "floor"],
      formats: ["chat", "responses"],
      n,
      base: server.base,
    });
  } finally {
    server.stop();
  }
}

if (parts.has("cold-import")) {
  log("cold import (fresh processes, interleaved)");
  data.coldImport = await runColdImport({
    sets: ["ky+esp", "oaikit-lean", "oaikit-direct", "openai"],
    baseline: "ky+esp",
    rounds: quick ? 5 : 21,
    log,
  });
}

if (parts.has("short-requests")) {
  log("short requests (5-delta streams, fresh processes, a few requests each)");
  data.shortRequests = await runShortRequests({
    clients: ["floor", "floor-ky", "oaikit", "openai"],
    formats: ["chat", "responses"],
    n: 5,
    processes: quick ? 4 : 15,
    requests: 4,
    log,
  });
}

if (parts.has("sessions")) {
  log("session scaling (pnpm --filter @oaikit/sessions bench:sessions)");
  data.sessions = await runSessionsBench();
}

if (parts.has("sessions-overhead")) {
  log("session overhead per chunk (durable session vs bare stream), when its bench exists");
  data.sessionOverhead = await runSessionOverhead();
}

if (parts.has("sync")) {
  log("sync server: merge time by records, another user's latency during the largest push");
  data.sync = await runSyncBench();
}

if (parts.has("live")) {
  log("live sessions in React (Chromium): renders/s and CPU per chunk at 10 and 10,000 messages");
  data.live = await runLive({ rounds: quick ? 1 : 3, chunks: quick ? 2_000 : 10_000, log }).catch(
    (error) => ({ error: String(error?.message ?? error).split("\n")[0] }),
  );
}

if (parts.has("proxy")) {
  log("key proxy overhead (a stream direct and through @oaikit/core/proxy in workerd, interleaved)");
  data.proxy = await runProxyBench({ n: 2_000, runs: quick ? 6 : 30, log });
}

if (parts.has("resume")) {
  log("resume after a cut (Responses background mode, the one fake server)");
  data.resume = await runResume({ rounds: quick ? 10 : 50, log });
}

env.loadEnd = os.loadavg()[0];
env.seconds = Math.round((Date.now() - started) / 1000);
const report = buildReport(data);
for (const section of report.console) console.log(`\n${section}`);
if (quick || onlyArg) {
  log("--quick/--only: docs/benchmarks.md not written (a full run writes it)");
} else {
  // docs/benchmarks.md is hand-written around two generated blocks: the headline figures (bench-summary)
  // and the full report (bench-report). Only what lies between each pair of markers is rewritten.
  const page = `${root}docs/benchmarks.md`;
  let text = readFileSync(page, "utf8");
  for (const [name, content] of [
    ["bench-summary", report.summary],
    ["bench-report", report.markdown.trim()],
  ]) {
    const marked = new RegExp(`(<!-- ${name}\\b[^>]*-->\\n)[\\s\\S]*?(<!-- \\/${name} -->)`);
    if (!marked.test(text)) throw new Error(`docs/benchmarks.md lost its <!-- ${name} --> markers`);
    text = text.replace(marked, (_, open, close) => `${open}${content}\n\n${close}`);
  }
  writeFileSync(page, text);
  for (const [name, svg] of Object.entries(report.svgs)) writeFileSync(`${root}docs/${name}`, svg);
  log(`wrote docs/benchmarks.md (the summary and the report) and ${Object.keys(report.svgs).join(", ")}`);
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
