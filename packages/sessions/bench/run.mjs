// `pnpm --filter @oaikit/sessions bench:sessions`: session append and open scaling in Chromium, the durable
// layout (one record per message) against the naive one (the whole history under one idb-keyval key).
// Prints a table and writes bench/results.json. A benchmark, not a test: no assertion on the figures.
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright";

const here = dirname(fileURLToPath(import.meta.url));
const bundle = await build({
  entryPoints: [join(here, "bench-page.ts")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  write: false,
  logLevel: "silent",
});
const js = bundle.outputFiles[0].text;
const server = createServer((req, res) => {
  if (req.url === "/bench.js") res.writeHead(200, { "content-type": "text/javascript" }).end(js);
  else
    res
      .writeHead(200, { "content-type": "text/html" })
      .end('<!doctype html><script type="module" src="/bench.js"></script>');
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic"],
});
let results;
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => typeof globalThis.runBench === "function");
  results = await page.evaluate(() => globalThis.runBench());
} finally {
  await browser.close();
  server.close();
}

const f = (ms) => `${ms.toFixed(2)} ms`;
const rows = [["", "durable (per-message records)", "naive (one key)", "naive / durable"]];
for (const [length, { durable, naive }] of Object.entries(results.append)) {
  rows.push([
    `append at ${Number(length).toLocaleString("en")}`,
    f(durable),
    f(naive),
    `${(naive / durable).toFixed(1)}×`,
  ]);
}
const { durable: od, naive: on } = results.open10k;
rows.push(["open 10,000 messages", f(od), f(on), `${(on / od).toFixed(2)}×`]);
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  "));
const a10 = results.append[10].durable;
const a10k = results.append[10000].durable;
console.log(`\ndurable append at 10,000 / at 10: ${(a10k / a10).toFixed(2)}× (target ≤ 2×)`);
console.log(`durable open of 10,000 messages: ${f(od)} (target < 150 ms)`);
const maxes = Object.entries(results.append)
  .map(([length, r]) => `${Number(length).toLocaleString("en")}: ${f(r.durableMax)} / ${f(r.naiveMax)}`)
  .join(", ");
console.log(`slowest append (durable / naive) at ${maxes}`);
console.log(`open 10,000: store.load alone ${f(results.open10k.storeLoad)} (median)`);
console.log(
  `open 10,000: fastest ${f(results.open10k.durableMin)} / ${f(results.open10k.naiveMin)} (durable / naive)`,
);
console.log(
  `medians of ${results.appendsMeasured} appends and ${results.opensMeasured} opens; ${results.userAgent}`,
);

const out = {
  benchmark: "sessions",
  date: new Date().toISOString(),
  unit: "ms (median)",
  appendLatency: results.append,
  open10k: results.open10k,
  ratios: {
    durableAppend10kOver10: a10k / a10,
    naiveOverDurableAppendAt10k: results.append[10000].naive / a10k,
  },
  targets: { append10kOver10Max: 2, open10kMaxMs: 150 },
  meetsTargets: { append: a10k / a10 <= 2, open: od < 150 },
  environment: { userAgent: results.userAgent, machine: "2 cores, shared" },
};
writeFileSync(join(here, "results.json"), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwrote ${join(here, "results.json")}`);
