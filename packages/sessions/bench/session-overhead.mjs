#!/usr/bin/env node
// Session overhead per chunk: what a durable session (openChatSession on a memory store) adds to each
// streamed chunk, against the bare stream (client.streamChatCompletion, iterated, then final()) and the
// in-memory core ChatSession, on two replies: many small text chunks, and many tool-call deltas.
// Issue 10's target: the cost per chunk does not grow with the reply's length, so a durable session stays
// a small constant factor of the bare stream however long the reply is.
//
//   node packages/sessions/bench/session-overhead.mjs            a table on stdout
//   node packages/sessions/bench/session-overhead.mjs --json     the figures as JSON
//   options: --rounds=5 --text-chunks=40000 --tool-deltas=20000 --tool-calls=1000
//
// It imports the built packages (dist/): run `pnpm run build` at the root (or in packages/core and
// packages/sessions) first. A benchmark, not a test: it prints figures and asserts nothing. Traffic stays on
// 127.0.0.1: a node:http server in this process sends each reply, rendered in advance, in one write, so
// the client side (parse, session, store) is what is measured.
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";

const coreDist = fileURLToPath(new URL("../../core/dist/index.js", import.meta.url));
// SESSIONS_DIST=<path to an index.js> measures another build (e.g. an older commit's) against the same core.
const sessionsDist = process.env.SESSIONS_DIST ?? fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** The defaults: issue 10's 160 KB reply in 40,000 chunks, and 20,000 tool-call deltas. */
export const DEFAULTS = { rounds: 5, textChunks: 40_000, toolDeltas: 20_000, toolCalls: 1_000 };

/** SSE text of one Chat Completions chunk. */
const event = (delta, finish = null) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1,
    model: "bench",
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;

/** `chunks` content deltas of 4 characters: a reply of 4 × chunks characters. */
function textReply(chunks) {
  const parts = [event({ role: "assistant", content: "" })];
  for (let i = 0; i < chunks; i++) parts.push(event({ content: "abcd" }));
  parts.push(event({}, "stop"), "data: [DONE]\n\n");
  return parts.join("");
}

/** `deltas` tool-call deltas spread over `calls` calls, each call's deltas in a row (as servers send them). */
function toolReply(deltas, calls) {
  const parts = [event({ role: "assistant", content: null })];
  const per = Math.max(1, Math.floor(deltas / calls));
  for (let i = 0; i < deltas; i++) {
    const index = Math.min(calls - 1, Math.floor(i / per));
    const first = i % per === 0 && index === Math.floor(i / per);
    const call = first
      ? { index, id: `call_${index}`, type: "function", function: { name: "lookup", arguments: '{"q":"' } }
      : { index, function: { arguments: "abcd" } };
    parts.push(event({ tool_calls: [call] }));
  }
  parts.push(event({}, "tool_calls"), "data: [DONE]\n\n");
  return parts.join("");
}

/** Starts the SSE server: POST /<name>/v1/chat/completions answers with reply `name`, in one write. */
async function startServer(replies) {
  const bodies = new Map(Object.entries(replies).map(([name, text]) => [name, Buffer.from(text)]));
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    const body = bodies.get(req.url?.split("/")[1] ?? "");
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/event-stream", "content-length": body.length });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: (name) => `http://127.0.0.1:${server.address().port}/${name}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function loadPackages() {
  for (const [name, path] of [
    ["@oaikit/core", coreDist],
    ["@oaikit/sessions", sessionsDist],
  ]) {
    if (!existsSync(path)) {
      throw new Error(`${name} is not built (${path} is missing): run \`pnpm run build\` at the root first.`);
    }
  }
  const core = await import(pathToFileURL(coreDist).href);
  const sessions = await import(pathToFileURL(sessionsDist).href);
  return { core, sessions };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Measures every case; resolves to `{ env, cases: [{ name, label, chunks, bare, memory, durable }] }` with
 * median milliseconds (and every round's figures under `rounds`).
 */
export async function runSessionOverhead(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const { core, sessions } = await loadPackages();
  const cases = [
    {
      name: "text",
      label: `${o.textChunks.toLocaleString("en")} text chunks (${Math.round((o.textChunks * 4) / 1000)} KB)`,
      chunks: o.textChunks,
      body: textReply(o.textChunks),
    },
    {
      name: "tools",
      label: `${o.toolDeltas.toLocaleString("en")} tool-call deltas (${o.toolCalls.toLocaleString("en")} calls)`,
      chunks: o.toolDeltas,
      body: toolReply(o.toolDeltas, o.toolCalls),
    },
  ];
  const server = await startServer(Object.fromEntries(cases.map((c) => [c.name, c.body])));
  const messages = [{ role: "user", content: "go" }];
  let sessionId = 0;
  try {
    const results = [];
    for (const c of cases) {
      const client = new core.OpenAI("sk-bench", {
        baseURL: server.base(c.name),
        defaultModel: "bench",
        maxRetries: 0,
      });
      const runs = {
        bare: async () => {
          const stream = client.streamChatCompletion(messages);
          for await (const _ of stream);
          await stream.final();
        },
        memory: async () => {
          await new core.ChatSession(client).send("go", () => {});
        },
        durable: async () => {
          const store = sessions.createMemoryStore();
          const chat = await sessions.openChatSession(client, { id: `s${++sessionId}`, store });
          const t = performance.now();
          await chat.send("go", () => {});
          await chat.flush(); // the end of the reply written: part of the cost
          const elapsed = performance.now() - t;
          await chat.close();
          return elapsed;
        },
      };
      const rounds = { bare: [], memory: [], durable: [] };
      // One warm-up round, then the three kinds in turn each round (so load on the machine hits all alike).
      for (let round = -1; round < o.rounds; round++) {
        for (const [kind, run] of Object.entries(runs)) {
          const t = performance.now();
          const inner = await run();
          const ms = typeof inner === "number" ? inner : performance.now() - t;
          if (round >= 0) rounds[kind].push(ms);
        }
      }
      results.push({
        name: c.name,
        label: c.label,
        chunks: c.chunks,
        bare: median(rounds.bare),
        memory: median(rounds.memory),
        durable: median(rounds.durable),
        rounds,
      });
    }
    return {
      env: {
        node: process.version,
        store: "memory (createMemoryStore)",
        rounds: o.rounds,
        date: new Date().toISOString(),
      },
      cases: results,
    };
  } finally {
    await server.close();
  }
}

/** The figures as a plain-text table (what the standalone run prints). */
export function formatSessionOverhead(result) {
  const ms = (x) => `${x.toFixed(0)} ms`;
  const rows = [
    [
      "reply",
      "bare stream",
      "in-memory ChatSession",
      "durable session",
      "durable / bare",
      "durable / in-memory",
      "durable − in-memory, per chunk",
    ],
  ];
  for (const c of result.cases) {
    rows.push([
      c.label,
      ms(c.bare),
      ms(c.memory),
      ms(c.durable),
      `${(c.durable / c.bare).toFixed(2)}×`,
      `${(c.durable / c.memory).toFixed(2)}×`,
      `${(((c.durable - c.memory) * 1000) / c.chunks).toFixed(2)} µs`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "),
  );
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const { env } = result;
  return [
    `Session overhead per chunk: durable session (openChatSession, ${env.store}) vs the bare stream`,
    `(client.streamChatCompletion + final()) and the in-memory core ChatSession; median of ${env.rounds} rounds, Node ${env.node}.`,
    ...lines,
  ].join("\n");
}

function parseArgs(argv) {
  const options = {};
  const keys = {
    rounds: "rounds",
    "text-chunks": "textChunks",
    "tool-deltas": "toolDeltas",
    "tool-calls": "toolCalls",
  };
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(\d+)$/.exec(arg);
    if (match && keys[match[1]]) options[keys[match[1]]] = Number(match[2]);
    else if (arg !== "--json")
      throw new Error(`unknown option ${arg} (see the comment at the top of this file)`);
  }
  return options;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runSessionOverhead(parseArgs(process.argv.slice(2)));
  console.log(
    process.argv.includes("--json") ? JSON.stringify(result, null, 2) : formatSessionOverhead(result),
  );
}
