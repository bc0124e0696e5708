// Issue 11 item 8: no timer keeps a finished program alive. A Node process whose work is done exits,
// even when a 200 response's body was never read (`await stream.response`, `events().response()`),
// even with the default 10-minute timeouts armed. Each probe runs in a child process with its own
// deadline: a regression fails the test (the child is killed), it never stalls the suite.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type HostileServer, hostileServer } from "./hostile-server.js";

const DEADLINE_MS = 8_000;
let dir = "";
let server: HostileServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "oaikit-timers-"));
  // The root entry and the request builder's subpath, as one module for the probes.
  const src = (path: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${path}`, import.meta.url)));
  await build({
    stdin: {
      contents: `export * from ${src("index.ts")};\nexport * from ${src("http/index.ts")};\n`,
      resolveDir: dir,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    outfile: join(dir, "oaikit.mjs"),
    logLevel: "silent",
  });
  // JSON for /done, else a complete SSE stream: the socket is free as soon as it is sent, so only
  // oaikit's own timers could keep the child alive when it does not read the body.
  server = await hostileServer((req, res) => {
    if (req.url?.includes("/done")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [] }));
      return;
    }
    const chunk = (content: string) => JSON.stringify({ choices: [{ index: 0, delta: { content } }] });
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(`data: ${chunk("Hel")}\n\ndata: ${chunk("lo")}\n\ndata: [DONE]\n\n`);
  });
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `body` (an ES module using `oaikit` and `base`) in a child Node; resolves with how it ended. */
async function probe(body: string): Promise<{ code: number | null; ms: number; out: string }> {
  const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(
    file,
    `import * as oaikit from "./oaikit.mjs";\nconst base = ${JSON.stringify(server.url)};\n${body}\n`,
  );
  const started = Date.now();
  const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (part: Buffer) => {
    out += part.toString();
  });
  child.stderr.on("data", (part: Buffer) => {
    out += part.toString();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearTimeout(killer);
  return { code, ms: Date.now() - started, out };
}

async function expectExit(body: string): Promise<void> {
  const { code, ms, out } = await probe(body);
  expect(out).toContain("reached the end");
  expect(code, `the process did not exit by itself within ${DEADLINE_MS} ms:\n${out}`).toBe(0);
  expect(ms).toBeLessThan(DEADLINE_MS);
}

describe("a Node process with nothing left to do exits", () => {
  test("after `await stream.response` of a 200 stream that is never read (default timeouts)", async () => {
    await expectExit(`
      const client = new oaikit.OpenAI("k", { baseURL: base + "/v1" });
      const stream = client.streamChatCompletion([{ role: "user", content: "Hi" }]);
      const head = await stream.response;
      console.log("reached the end", head.status);
    `);
  }, 20_000);

  test("after an iteration abandoned after its first chunk (no break, no return)", async () => {
    await expectExit(`
      const client = new oaikit.OpenAI("k", { baseURL: base + "/v1" });
      const iterator = client.streamChatCompletion([{ role: "user", content: "Hi" }])[Symbol.asyncIterator]();
      const first = await iterator.next();
      console.log("reached the end", first.value.choices[0].delta.content);
    `);
  }, 20_000);

  test("after the builder's `events().response()` with a 10-minute timeout, body never read", async () => {
    await expectExit(`
      const events = oaikit.request(base + "/sse").setTimeout(600000).events();
      const head = await events.response();
      console.log("reached the end", head.status);
    `);
  }, 20_000);

  test("after the builder's `stream().response()` with a timeout, body never read", async () => {
    await expectExit(`
      const head = await oaikit.request(base + "/sse").setTimeout(600000).stream().response();
      console.log("reached the end", head.status);
    `);
  }, 20_000);

  test("after a finished call, a finished stream and a failed one (every timer cleared)", async () => {
    await expectExit(`
      const client = new oaikit.OpenAI("k", { baseURL: base + "/done" });
      const result = await client.models();
      const stream = client.streamChatCompletion([{ role: "user", content: "Hi" }], {}, { firstByteTimeout: 300 });
      const failed = await stream.final().catch((e) => e.name);
      const built = await oaikit.request(base + "/done").setTimeout(600000).execute();
      console.log("reached the end", result.ok, failed, built.status);
    `);
  }, 20_000);
});
