// Short requests in a fresh process (spawned by bench/startup/run.mjs), as a page makes them: the
// client is imported, one plain fetch opens the keep-alive connection (Node loads its fetch lazily on
// first use; a browser has it built in), then `requests` short streams one after another. Per
// request: the time from the call to the first text delta in the caller's hands, and the process's
// CPU time (user + system, every thread: background JIT compiles count) from the call to the end.
//   node short-child.mjs <client> <format> <base> <n> <requests>
import { performance } from "node:perf_hooks";
import { expectedText } from "../lib/fixtures.mjs";
import { loadClient } from "../throughput/clients.mjs";

const [name, format, base, n, requests] = process.argv.slice(2);
const client = await loadClient(name);
if (!client) {
  process.stdout.write(`${JSON.stringify({ available: false })}\n`);
  process.exit(0);
}
// Opens the connection every client then reuses (they all call the global fetch).
await (await fetch(`${base}/warm`, { method: "POST", body: "{}" })).text();

const runs = [];
for (let i = 0; i < Number(requests); i++) {
  let first = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await client[format](base, () => {
    if (!first) first = performance.now() - t0;
  });
  const cpu = process.cpuUsage(cpu0);
  if (result.text !== expectedText(Number(n)))
    throw new Error(`${name}/${format}: wrong text "${result.text}"`);
  runs.push({ ttfdMs: first, cpuMs: (cpu.user + cpu.system) / 1000 });
}
process.stdout.write(`${JSON.stringify({ available: true, runs })}\n`);
