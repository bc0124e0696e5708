// One run of the resume benchmark (bench/resume/run.mjs starts it with Node 22, which imports the demo
// server's TypeScript as it is). Starts the one fake server in this process, then, `rounds` times after
// a warm-up: a background stream of the demo model cut after its first delta (`x-oaikit-cut-after`,
// `:end`: the body ends half-way through the next event, at once), resumed by the client. Prints one JSON line with the samples, in ms:
// - reconnect: from the resume request leaving (the client's fetch called for `?stream=true`) to the
//   next delta in the caller's hands;
// - gap: from the last event before the cut to the next delta, as the reader sees it (the cut noticed,
//   the request sent, the server's answer read);
// - fresh: a new stream's request to its first delta, on the same server (the baseline).
import { startDemoServer } from "../../apps/demo/server/index.ts";
import { streamResponse } from "../../packages/core/dist/api/responses.js";
import { createClient } from "../../packages/core/dist/index.js";

const rounds = Number(process.argv[2] ?? 30);
const warmup = 5;
const server = await startDemoServer({ delayMs: 0 });
let resumeSentAt = 0;
let postSentAt = 0;
const client = createClient(undefined, {
  baseURL: `${server.url}/v1`,
  defaultModel: "oaikit-local",
  fetch: (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.includes("stream=true")) resumeSentAt = performance.now();
    else postSentAt = performance.now();
    return fetch(input, init);
  },
});

const samples = { reconnect: [], gap: [], fresh: [] };
try {
  for (let i = 0; i < warmup + rounds; i++) {
    // Baseline: a fresh stream to its first delta.
    const fresh = streamResponse(
      client,
      "A short reply",
      { background: true },
      { headers: { "x-oaikit-delay": "0" } },
    );
    for await (const event of fresh) {
      if (event.type === "response.output_text.delta") {
        if (i >= warmup) samples.fresh.push(performance.now() - postSentAt);
        break;
      }
    }
    // Cut after the 5th event (the first delta), then resumed.
    resumeSentAt = 0;
    const stream = streamResponse(
      client,
      "A short reply",
      { background: true },
      { headers: { "x-oaikit-delay": "0", "x-oaikit-cut-after": "5:end" } },
    );
    let count = 0;
    let lastBeforeCut = 0;
    for await (const event of stream) {
      count++;
      if (count === 5) lastBeforeCut = performance.now();
      if (count > 5 && event.type === "response.output_text.delta") {
        const now = performance.now();
        if (stream.diagnostics.reconnects !== 1 || resumeSentAt === 0)
          throw new Error("the stream was not resumed");
        if (i >= warmup) {
          samples.reconnect.push(now - resumeSentAt);
          samples.gap.push(now - lastBeforeCut);
        }
        break;
      }
    }
  }
} finally {
  await server.close();
}
console.log(JSON.stringify(samples));
