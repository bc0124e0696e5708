#!/usr/bin/env node
// The live view in React, in Chromium: renders per second and CPU per chunk while a reply streams, with
// 10 and with 10,000 messages of history (the cost per chunk must not grow with the history). The page
// (page.js, production React) renders a ChatSession through `useChatSession`, or, for comparison, by
// copying the history into React state on every chunk. A local node:http server gives the page and a
// reply of `chunks` small chat chunks, 50 every 8 ms (paced like a model, so the page renders while it
// streams); CPU is Chromium's main-thread task time (CDP Performance.getMetrics TaskDuration) over the
// send alone (building and first rendering the history are not counted; the two appends of the send,
// the question and the reply, are). Needs `pnpm build` (the packages' dist/).
//
//   node bench/live/run.mjs [--chunks=10000] [--rounds=3] [--json]
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright";
import { chatBody } from "../lib/fixtures.mjs";
import { median } from "../lib/stats.mjs";

const arg = (name, fallback) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split("=")[1]) : fallback;
};

/** Runs the bench; resolves { rows, ratios } (see report.mjs liveSection). */
export async function runLive({
  chunks = 10_000,
  rounds = 3,
  histories = [10, 10_000],
  perWrite = 50,
  gapMs = 8,
  log = () => {},
} = {}) {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./page.js", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    write: false,
    logLevel: "silent",
  });
  const events = chatBody(chunks)
    .toString()
    .split(/(?<=\n\n)/);
  const server = createServer((req, res) => {
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
      );
    } else if (req.url === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(bundle.outputFiles[0].contents);
    } else if (req.url === "/v1/chat/completions") {
      req.resume();
      req.on("end", async () => {
        // Paced like a model: `perWrite` chunks every `gapMs`, so the page renders while it streams.
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (let at = 0; at < events.length; at += perWrite) {
          res.write(events.slice(at, at + perWrite).join(""));
          await new Promise((resolve) => setTimeout(resolve, gapMs));
        }
        res.end();
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--disable-quic", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const taskSeconds = async () =>
      (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration").value;
    await page.goto(base);
    await page.waitForFunction(() => typeof globalThis.send === "function");
    const samples = new Map();
    for (let round = 0; round < rounds; round++) {
      // Interleaved: every variant and history once per round, so load on the machine hits them alike.
      for (const variant of ["useChatSession", "copy per chunk"]) {
        for (const history of histories) {
          await page.evaluate((options) => globalThis.setup(options), {
            baseURL: `${base}/v1`,
            history,
            variant,
          });
          const before = await taskSeconds();
          const result = await page.evaluate(() => globalThis.send());
          const cpuMs = ((await taskSeconds()) - before) * 1000;
          const key = `${variant}|${history}`;
          samples.set(key, [...(samples.get(key) ?? []), { ...result, cpuMs }]);
          log(
            `${variant}, history ${history}: ${result.chunks} chunks, ${result.renders} renders, ${cpuMs.toFixed(0)} ms CPU`,
          );
        }
      }
    }
    const rows = [...samples].map(([key, runs]) => {
      const [variant, history] = key.split("|");
      const wallMs = median(runs.map((r) => r.wallMs));
      const renders = median(runs.map((r) => r.renders));
      return {
        variant,
        history: Number(history),
        chunks: runs[0].chunks,
        renders,
        rendersPerSecond: renders / (wallMs / 1000),
        cpuPerChunkUs: (median(runs.map((r) => r.cpuMs)) * 1000) / runs[0].chunks,
        wallMs,
      };
    });
    const ratios = ["useChatSession", "copy per chunk"].map((variant) => {
      const [small, big] = histories.map((h) => rows.find((r) => r.variant === variant && r.history === h));
      return { variant, ratio: big.cpuPerChunkUs / small.cpuPerChunkUs };
    });
    return { rows, ratios };
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runLive({
    chunks: arg("chunks", 10_000),
    rounds: arg("rounds", 3),
    log: (line) => console.error(line),
  });
  if (process.argv.includes("--json")) console.log(JSON.stringify(result, null, 2));
  else {
    for (const r of result.rows) {
      console.log(
        `${r.variant.padEnd(15)} history ${String(r.history).padStart(6)}: ${r.renders} renders (${r.rendersPerSecond.toFixed(0)}/s), ${r.cpuPerChunkUs.toFixed(1)} µs CPU per chunk, ${r.wallMs.toFixed(0)} ms`,
      );
    }
    for (const r of result.ratios)
      console.log(`${r.variant}: CPU per chunk at 10,000 / at 10 = ${r.ratio.toFixed(2)}×`);
  }
}
