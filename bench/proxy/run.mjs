// What the key proxy adds to a streamed chat call: the same stream (the throughput benchmark's server,
// `n` deltas in one body), read by oaikit's lean client directly, through a bare Worker (fetch and return
// the body: the hop through workerd and wrangler dev's own proxy in front of it) and through
// @oaikit/core/proxy in the same workerd (`wrangler dev --local`), without limits and counting open
// streams, interleaved run by run. Reported: the
// time to the first delta and the time per delta after it, as medians, and what the proxy adds to each
// over the bare Worker (its own cost) and over the direct call (everything). On Cloudflare the upstream
// is a real network away, which dwarfs both.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startService } from "../../tests/lib/service.mjs";
import { median } from "../lib/stats.mjs";
import { startServer } from "../throughput/run.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * @param {{ n: number, runs: number, log: (line: string) => void }} options
 * @returns {Promise<object>} `{ n, runs, direct, bare, proxy, counted, countedPerDeltaUs, addedFirstDeltaMs, addedPerDeltaUs,
 *   overDirectFirstDeltaMs, overDirectPerDeltaUs }` (timings: `{ firstDeltaMs, totalMs }`), or `{ error }`
 */
export async function runProxyBench({ n, runs, log }) {
  const { createClient } = await import(join(root, "packages/core/dist/index.js"));
  const { streamChatCompletion } = await import(join(root, "packages/core/dist/api/chat.js"));
  const server = await startServer([n]);
  const port = await freePort();
  let wrangler;
  try {
    log(`starting the proxy in workerd (wrangler dev --local) on port ${port}`);
    wrangler = await startService({
      name: "wrangler",
      cwd: root,
      command: process.execPath,
      args: [
        join(root, "node_modules/wrangler/bin/wrangler.js"),
        "dev",
        "--local",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(await freePort()),
        "--show-interactive-dev-session=false",
        "-c",
        "bench/proxy/wrangler.jsonc",
        "--var",
        `PROXY_UPSTREAM:${server.base("chat", n)}`,
        "--var",
        "PROXY_KEY:sk-bench",
      ],
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_SEND_METRICS: "false",
        NO_COLOR: "1",
        CI: "1",
      },
      readyUrl: `http://127.0.0.1:${port}/`,
      timeoutMs: 60_000,
      interval: 200,
    });
    const clients = {
      direct: createClient("sk-bench", { baseURL: server.base("chat", n) }),
      bare: createClient("sk-bench", { baseURL: `http://127.0.0.1:${port}/bare/v1` }),
      proxy: createClient("bench", { baseURL: `http://127.0.0.1:${port}/v1` }),
      counted: createClient("bench", { baseURL: `http://127.0.0.1:${port}/counted/v1` }),
    };
    /** One stream read to its end: ms to the first delta and in all. */
    const once = async (client) => {
      const started = performance.now();
      let first;
      let deltas = 0;
      for await (const chunk of streamChatCompletion(client, [{ role: "user", content: "Hi" }], {
        model: "m",
      })) {
        if (chunk.choices[0]?.delta?.content) {
          first ??= performance.now() - started;
          deltas++;
        }
      }
      if (deltas !== n) throw new Error(`expected ${n} deltas, got ${deltas}`);
      return { first, total: performance.now() - started };
    };
    for (const client of Object.values(clients)) for (let i = 0; i < 3; i++) await once(client); // warm-up
    const samples = { direct: [], bare: [], proxy: [], counted: [] };
    const order = Object.keys(samples);
    for (let run = 0; run < runs; run++) {
      // Each run starts with another client, so none always runs first.
      for (let i = 0; i < order.length; i++) {
        const name = order[(run + i) % order.length];
        samples[name].push(await once(clients[name]));
      }
    }
    const timing = (list) => ({
      firstDeltaMs: median(list.map((s) => s.first)),
      totalMs: median(list.map((s) => s.total)),
    });
    const [direct, bare, proxy, counted] = order.map((name) => timing(samples[name]));
    const perDeltaUs = (t) => ((t.totalMs - t.firstDeltaMs) / n) * 1000;
    return {
      n,
      runs,
      direct,
      bare,
      proxy,
      counted,
      countedPerDeltaUs: perDeltaUs(counted) - perDeltaUs(bare),
      addedFirstDeltaMs: proxy.firstDeltaMs - bare.firstDeltaMs,
      addedPerDeltaUs: perDeltaUs(proxy) - perDeltaUs(bare),
      overDirectFirstDeltaMs: proxy.firstDeltaMs - direct.firstDeltaMs,
      overDirectPerDeltaUs: perDeltaUs(proxy) - perDeltaUs(direct),
    };
  } catch (error) {
    return { error: String(error?.message ?? error).slice(0, 2000) };
  } finally {
    await wrangler?.stop();
    server.stop();
  }
}
