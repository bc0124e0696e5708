// Start-up figures for `pnpm bench`, each from fresh Node processes, interleaved round by round (the
// order rotated) so that other work on the machine hits every variant alike:
// - cold import: how long importing a client's modules takes in a new process;
// - short requests: a 5-delta stream, a few per process, as a page makes them: time to first delta
//   and CPU per request.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "../lib/stats.mjs";
import { startServer } from "../throughput/run.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** Runs one child script with the same Node and resolves with its last stdout line, parsed. */
function child(script, args) {
  return new Promise((resolve, reject) => {
    // No compile cache and no inherited loaders: every process starts cold.
    const env = { ...process.env };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_OPTIONS;
    const proc = spawn(process.execPath, [here(script), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (err += d));
    proc.on("close", (code) => {
      const last = out.trim().split("\n").pop();
      if (code !== 0 || !last)
        reject(new Error(`${script} ${args.join(" ")} exited with ${code}: ${err.trim()}`));
      else resolve(JSON.parse(last));
    });
  });
}

/** The quartiles of a list: [25th, 75th] percentile (nearest rank). */
export function quartiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))];
  return [at(0.25), at(0.75)];
}

/** Per-round paired figures of `name` against `base`: differences (a - b) or ratios (a / b). */
function paired(samples, name, base, op) {
  const a = samples[name];
  const b = samples[base];
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) out.push(op(a[i], b[i]));
  return out;
}

/**
 * Cold import: `rounds` rounds, one fresh process per import set per round.
 * @returns {{ sets: Array<{ set: string, ms: number, q: number[], runs: number[] }>,
 *   overBaseline: Record<string, { ms: number, q: number[] }>, rounds: number }}
 */
export async function runColdImport({ sets, baseline, rounds, log }) {
  const samples = Object.fromEntries(sets.map((s) => [s, []]));
  // One unmeasured process per set first: the OS file cache then holds every module for every set.
  for (const set of sets) await child("./import-child.mjs", [set]);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sets.length; i++) {
      const set = sets[(i + round) % sets.length];
      samples[set].push((await child("./import-child.mjs", [set])).ms);
    }
  }
  log?.(`  cold import: ${rounds} rounds of ${sets.length} processes`);
  const overBaseline = {};
  for (const set of sets) {
    if (set === baseline) continue;
    const diffs = paired(samples, set, baseline, (a, b) => a - b);
    overBaseline[set] = { ms: median(diffs), q: quartiles(diffs) };
  }
  return {
    sets: sets.map((set) => ({
      set,
      ms: median(samples[set]),
      q: quartiles(samples[set]),
      runs: samples[set],
    })),
    overBaseline,
    baseline,
    rounds,
  };
}

/**
 * Short requests: `processes` rounds, one fresh process per client and format per round, each making
 * `requests` requests for an `n`-delta stream. A process's figure is the mean over its requests; the
 * report takes the median over processes, and the paired (same round) differences and ratios.
 */
export async function runShortRequests({ clients, formats, n, processes, requests, log }) {
  const server = await startServer([n]);
  const results = [];
  try {
    for (const format of formats) {
      const base = server.base(format, n);
      const perProcess = Object.fromEntries(
        clients.map((c) => [c, { ttfd: [], cpu: [], firstTtfd: [], firstCpu: [] }]),
      );
      const unavailable = new Set();
      for (let round = 0; round < processes; round++) {
        for (let i = 0; i < clients.length; i++) {
          const name = clients[(i + round) % clients.length];
          if (unavailable.has(name)) continue;
          const out = await child("./short-child.mjs", [name, format, base, String(n), String(requests)]);
          if (!out.available) {
            unavailable.add(name);
            continue;
          }
          const mean = (key) => out.runs.reduce((sum, r) => sum + r[key], 0) / out.runs.length;
          const p = perProcess[name];
          p.ttfd.push(mean("ttfdMs"));
          p.cpu.push(mean("cpuMs"));
          p.firstTtfd.push(out.runs[0].ttfdMs);
          p.firstCpu.push(out.runs[0].cpuMs);
        }
      }
      for (const name of clients) {
        if (unavailable.has(name)) continue;
        const p = perProcess[name];
        results.push({
          client: name,
          format,
          ttfdMs: median(p.ttfd),
          ttfdQ: quartiles(p.ttfd),
          cpuMs: median(p.cpu),
          cpuQ: quartiles(p.cpu),
          firstTtfdMs: median(p.firstTtfd),
          firstCpuMs: median(p.firstCpu),
          samples: p,
        });
      }
      // Paired figures against the floor (TTFD difference) and openai (CPU ratio), round by round.
      const by = (name, key) => perProcess[name]?.[key] ?? [];
      for (const r of results.filter((x) => x.format === format)) {
        const pair = (other, key, op) => {
          const a = by(r.client, key);
          const b = by(other, key);
          if (!a.length || !b.length) return undefined;
          const values = a.slice(0, b.length).map((v, i) => op(v, b[i]));
          return { value: median(values), q: quartiles(values) };
        };
        r.ttfdOverFloor = pair("floor", "ttfd", (a, b) => a - b);
        r.cpuVsOpenai = pair("openai", "cpu", (a, b) => a / b);
        r.cpuVsFloor = pair("floor", "cpu", (a, b) => a / b);
      }
      log?.(`  short requests ${format}: ${processes} processes per client, ${requests} requests each`);
    }
  } finally {
    server.stop();
  }
  return { results, n, processes, requests };
}
