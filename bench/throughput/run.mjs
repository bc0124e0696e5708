// Stream throughput, memory and time to first delta. The server and every client run in their own
// processes: the server is forked once; each client is a long-lived worker for the throughput and
// first-delta rounds (interleaved, so drift hits every client alike), and a fresh process for each
// memory run (so its RSS baseline holds only that client).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "../lib/stats.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** Forks a module and resolves with its first IPC message alongside the child. */
function start(file, args = [], execArgv = [], env = {}) {
  const child = fork(here(file), args, {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (first) => resolve({ child, first }));
    child.once("exit", (code) => reject(new Error(`${file} ${args.join(" ")} exited with ${code}`)));
  });
}

let nextId = 0;
/** Sends one job to a worker and waits for its answer. */
function call(child, job) {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.id !== id) return;
      child.off("message", onMessage);
      if (message.ok) resolve(message);
      else reject(new Error(message.error));
    };
    child.on("message", onMessage);
    child.send({ ...job, id });
  });
}

/** Starts the stream server and returns its base URL maker and a stop function. */
export async function startServer(sizes) {
  const { child, first } = await start("./server.mjs", [], [], { BENCH_SIZES: sizes.join(",") });
  return {
    base: (format, n) => `http://127.0.0.1:${first.port}/${format}/${n}/v1`,
    bodyBytes: first.sizes,
    stop: () => child.kill(),
  };
}

/**
 * Runs every stream figure.
 * @param {{ clients: string[], formats: string[], sizes: number[], rounds: number, ttfdRuns: number,
 *   memoryClients: string[], log: (line: string) => void }} options
 */
export async function runStreams({
  clients,
  formats,
  sizes,
  rounds,
  ttfdRuns,
  ttfdClients,
  memoryClients,
  steadyClients = [],
  steadyRounds = 0,
  log,
}) {
  const server = await startServer([20, ...sizes]);
  const workers = {};
  const unavailable = [];
  try {
    for (const name of clients) {
      const { child, first } = await start("./worker.mjs", [name], ["--expose-gc"]);
      if (first.available) workers[name] = child;
      else {
        unavailable.push(name);
        child.kill();
      }
    }
    const names = Object.keys(workers);

    // Throughput: a warm-up run per client, then `rounds` interleaved rounds, the order rotated.
    const throughput = [];
    for (const format of formats) {
      for (const n of sizes) {
        const base = server.base(format, n);
        const samples = Object.fromEntries(names.map((name) => [name, []]));
        // The first size warms each worker up; later sizes run in the same, already warm, processes.
        if (n === sizes[0]) for (const name of names) await call(workers[name], { format, base, n });
        const count = typeof rounds === "function" ? rounds(n) : rounds;
        for (let round = 0; round < count; round++) {
          const order = names.map((_, i) => names[(i + round) % names.length]);
          for (const name of order) samples[name].push(await call(workers[name], { format, base, n }));
        }
        for (const name of names) {
          const runs = samples[name];
          throughput.push({
            client: name,
            format,
            n,
            chunks: runs[0].chunks,
            cpuMs: median(runs.map((r) => r.cpuMs)),
            wallMs: median(runs.map((r) => r.wallMs)),
            cpuRuns: runs.map((r) => r.cpuMs),
          });
        }
        log(`  throughput ${format} ${n}: done`);
      }
    }

    // Steady state: the biggest stream again, in the same warm processes, without the full GC before
    // each run (see worker.mjs): what a client costs per event once its code stays optimised.
    const steady = [];
    const steadyNames = names.filter((name) => steadyClients.includes(name));
    if (steadyRounds > 0 && steadyNames.length) {
      const n = Math.max(...sizes);
      for (const format of formats) {
        const base = server.base(format, n);
        const samples = Object.fromEntries(steadyNames.map((name) => [name, []]));
        for (const name of steadyNames) await call(workers[name], { format, base, n, gc: false });
        for (let round = 0; round < steadyRounds; round++) {
          const order = steadyNames.map((_, i) => steadyNames[(i + round) % steadyNames.length]);
          for (const name of order)
            samples[name].push(await call(workers[name], { format, base, n, gc: false }));
        }
        for (const name of steadyNames) {
          const runs = samples[name];
          steady.push({
            client: name,
            format,
            n,
            cpuMs: median(runs.map((r) => r.cpuMs)),
            cpuRuns: runs.map((r) => r.cpuMs),
          });
        }
        log(`  steady state ${format} ${n}: done`);
      }
    }

    // Time to first delta over a 20-delta stream; warm-up first, then interleaved runs. Only the
    // clients that hand deltas to the caller (`oaikit-final` does not).
    const ttfd = [];
    const ttfdNames = names.filter((name) => !ttfdClients || ttfdClients.includes(name));
    for (const format of formats) {
      const base = server.base(format, 20);
      const samples = Object.fromEntries(ttfdNames.map((name) => [name, []]));
      for (const name of ttfdNames) {
        for (let i = 0; i < 5; i++) await call(workers[name], { kind: "ttfd", format, base, n: 20 });
      }
      for (let i = 0; i < ttfdRuns; i++) {
        for (const name of ttfdNames) {
          samples[name].push((await call(workers[name], { kind: "ttfd", format, base, n: 20 })).ttfdMs);
        }
      }
      for (const name of ttfdNames) ttfd.push({ client: name, format, ttfdMs: median(samples[name]) });
      log(`  first delta ${format}: done`);
    }
    for (const child of Object.values(workers)) child.kill();

    // Memory: a fresh process per client, format and size, one run, RSS and heap sampled. Both
    // sizes, so a reader sees whether the growth follows the body (buffering) or stays flat.
    const memory = [];
    for (const format of formats) {
      for (const n of sizes) {
        for (const name of memoryClients) {
          if (unavailable.includes(name)) continue;
          const { child } = await start("./worker.mjs", [name], ["--expose-gc"]);
          const run = await call(child, { format, base: server.base(format, n), n, sampleRss: true });
          child.kill();
          memory.push({
            client: name,
            format,
            n,
            rssGrowth: run.rssGrowth,
            heapGrowth: run.heapGrowth,
            liveMid: run.liveMid,
          });
        }
      }
      log(`  memory ${format}: done`);
    }
    return { throughput, steady, ttfd, memory, unavailable, bodyBytes: server.bodyBytes };
  } finally {
    for (const child of Object.values(workers)) child.kill();
    server.stop();
  }
}
