// One benchmark client in its own process (forked by run.mjs with --expose-gc). The parent sends
// { id, kind?, format, base, n, sampleRss? } and gets back CPU time, wall time and,
// when asked, the peak RSS and heap (+ external memory) growth sampled every 2 ms while the stream was consumed.
//   node --expose-gc worker.mjs <client>
import { performance } from "node:perf_hooks";
import { expectedText } from "../lib/fixtures.mjs";
import { loadClient } from "./clients.mjs";

const name = process.argv[2];
const client = await loadClient(name);
process.send({ ready: true, available: client !== null });

async function measure({ format, base, n, sampleRss, gc = true }) {
  // A full GC first (twice: weak references need a second pass), so garbage of earlier runs is not
  // collected on this run's time. `gc: false` (the steady-state rounds) leaves the heap as it is: a
  // full GC also drops V8's maps of the last stream's dead chunk objects and, with them, the optimised
  // code built for those maps, so every run after one starts by re-optimising.
  if (gc) {
    globalThis.gc?.();
    globalThis.gc?.();
  }
  const start = process.memoryUsage();
  const live0 = start.heapUsed + start.external;
  let peakRss = start.rss;
  let peakHeap = start.heapUsed + start.external;
  const sample = () => {
    const now = process.memoryUsage();
    if (now.rss > peakRss) peakRss = now.rss;
    if (now.heapUsed + now.external > peakHeap) peakHeap = now.heapUsed + now.external;
  };
  // Sampled every 2 ms while the stream is consumed: the client's reads yield to the event loop
  // between network chunks, so the timer runs throughout.
  const timer = sampleRss ? setInterval(sample, 2) : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const window0 = process.hrtime.bigint();
  // Memory runs also take the live heap (after a full GC) at the middle delta: what the client
  // really holds mid-stream, without the garbage that a lazy collector leaves in the peak figures.
  let deltas = 0;
  let liveMid = Number.NaN;
  const onDelta = sampleRss
    ? () => {
        if (++deltas !== n >> 1) return;
        // A sample here too: a client that parses a whole buffered body in one synchronous call
        // never lets the interval timer run, so this may be the only sample taken of its peak.
        sample();
        globalThis.gc();
        const now = process.memoryUsage();
        liveMid = now.heapUsed + now.external - live0;
      }
    : undefined;
  const result = await client[format](base, onDelta);
  const window1 = process.hrtime.bigint();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (timer) {
    clearInterval(timer);
    sample();
  }
  const text = expectedText(n);
  if (result.text !== text) {
    throw new Error(
      `${name}/${format}/${n}: aggregated ${result.text.length} chars, expected ${text.length}`,
    );
  }
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    chunks: result.chunks,
    rssGrowth: peakRss - start.rss,
    heapGrowth: peakHeap - live0,
    liveMid,
    // The run's window on the monotonic clock, in µs: a --cpu-prof profile's timestamps use it too.
    windowUs: [Number(window0 / 1000n), Number(window1 / 1000n)],
  };
}

/** Time to first delta: from the call to the first content delta in the caller's hands. */
async function firstDelta({ format, base }) {
  let first = 0;
  const t0 = performance.now();
  await client[format](base, () => {
    if (!first) first = performance.now() - t0;
  });
  return { ttfdMs: first };
}

process.on("message", async (message) => {
  try {
    const result = message.kind === "ttfd" ? await firstDelta(message) : await measure(message);
    process.send({ id: message.id, ok: true, ...result });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: String(error?.stack ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
