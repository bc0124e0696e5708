// Responses background mode, resumed by cursor, in Node and in Chromium, against the one fake server:
// its background streams (apps/demo/server/background.ts: a recorded reply replayed under its own id,
// the demo model's paced replies, the `x-oaikit-cut-after` knob, cancel) and scripted scenarios for
// what it cannot be made to do on purpose (a refused cursor mid-stream, a response stuck in `queued`).
import { beforeAll, describe, expect, inject, test } from "vitest";
import { resumeResponse, streamResponse } from "../src/api/responses.js";
import {
  type Client,
  ConnectionError,
  createClient,
  OpenAI,
  RequestAbortedError,
  type ResponseObject,
  type ResponseStream,
  type ResponseStreamEvent,
  StreamError,
  StreamTruncatedError,
  TimeoutError,
} from "../src/index.js";
import { type ScriptedAnswer, scenario } from "./client-scenario.js";

const demo = inject("demoServerUrl");
const RECORDING = "33-openai-responses-reasoning-function-call.sse";
const REPLAY = `replay:${RECORDING}`;

/** A lean client on the demo routes; `headers` go with every request (the cut knob among them). */
function demoClient(headers: Record<string, string> = {}, config: Parameters<typeof createClient>[1] = {}) {
  return createClient(undefined, {
    baseURL: `${demo}/v1`,
    defaultModel: "oaikit-local",
    headers: { "x-oaikit-delay": "0", ...headers },
    ...config,
  });
}

/** Reads a stream to its end: every event, and `final()` or the error it ended with. */
async function run(
  stream: ResponseStream,
): Promise<{ events: ResponseStreamEvent[]; final?: ResponseObject; error?: unknown }> {
  const events: ResponseStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, final: await stream.final() };
  } catch (error) {
    return { events, error };
  }
}

/** A cut the stream could not resume: a broken connection (ConnectionError) or a body that ended early. */
function expectCut(error: unknown): void {
  expect(error instanceof ConnectionError || error instanceof StreamTruncatedError, String(error)).toBe(true);
}

/** The recording's events as JSON, from its bytes as stored (the wire the server replays). */
async function recordedEvents(): Promise<ResponseStreamEvent[]> {
  const text = await (await fetch(`${inject("testServerUrl")}/conformance/raw/${RECORDING}`)).text();
  return text
    .split("\n\n")
    .filter((frame) => frame.includes("data: "))
    .map((frame) => JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as ResponseStreamEvent);
}

let wire: ResponseStreamEvent[];
let uncut: { events: ResponseStreamEvent[]; final?: ResponseObject };

beforeAll(async () => {
  wire = await recordedEvents();
  uncut = await run(streamResponse(demoClient(), "x", { model: REPLAY, background: true }));
});

describe("a background stream cut at every event position resumes into the uncut stream", () => {
  test("the uncut replay is the recording, event for event", () => {
    expect(wire).toHaveLength(14);
    expect(uncut.events).toEqual(wire);
    expect(uncut.final?.status).toBe("completed");
  });

  // The three kinds of cut: a body that ends early (a truncation), a server that stalls (an idle
  // timeout), a connection that breaks (a network error). The last runs in Node only: a browser may
  // discard body bytes that arrived together with a network error before the page read them (Chromium
  // errors the body stream, and a stream's error drops its queue), so the events before the cut, and
  // with them the response id, can be gone: nothing a client can resume from, whatever it does.
  const kinds = [
    { kind: "end", what: "a body that ends early", config: {} },
    { kind: "stall", what: "a server that stalls (idle timeout)", config: { idleTimeout: 150 } },
    ...(typeof window === "undefined" ? [{ kind: "reset", what: "a broken connection", config: {} }] : []),
  ];
  for (const { kind, what, config } of kinds) {
    test(`${what} after each event: same events, same order, same final()`, async () => {
      for (let n = 1; n < wire.length; n++) {
        const client = demoClient({ "x-oaikit-cut-after": `${n}:${kind}` }, config);
        const stream = streamResponse(client, "x", { model: REPLAY, background: true });
        const result = await run(stream);
        expect(result.error, `cut after event ${n}`).toBeUndefined();
        expect(result.events, `cut after event ${n}`).toEqual(wire);
        expect(result.final, `cut after event ${n}`).toEqual(uncut.final);
        expect(stream.diagnostics.reconnects).toBe(1);
        expect(stream.cursor).toBe(13);
      }
    });
  }

  test("cut at every event in a row: one reconnect per event, still the uncut stream", async () => {
    const cuts = wire.map((_, i) => `${i + 1}:end`).join(",");
    const stream = streamResponse(demoClient({ "x-oaikit-cut-after": cuts }), "x", {
      model: REPLAY,
      background: true,
    });
    const result = await run(stream);
    expect(result.events).toEqual(wire);
    expect(result.final).toEqual(uncut.final);
    expect(stream.diagnostics.reconnects).toBe(wire.length - 1);
  });

  test("a paced reply keeps going on the server while the connection is down", async () => {
    const client = demoClient({ "x-oaikit-delay": "5", "x-oaikit-cut-after": "6:end" });
    const stream = streamResponse(client, "Tell me about cursors", { background: true });
    const result = await run(stream);
    expect(result.error).toBeUndefined();
    expect(result.events.map((e) => e.sequence_number)).toEqual(result.events.map((_, i) => i));
    const deltas = result.events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : []));
    expect(result.final?.status).toBe("completed");
    const text = result.final?.output[0]?.content?.[0]?.text;
    expect(deltas.join("")).toBe(text);
    expect(text).toContain("Tell me about cursors");
  });

  test("the class forms resume too: OpenAI#streamResponse and createResponse with a callback", async () => {
    const client = new OpenAI(undefined, {
      baseURL: `${demo}/v1`,
      headers: { "x-oaikit-delay": "0", "x-oaikit-cut-after": "3:end" },
    });
    expect((await run(client.streamResponse("x", { model: REPLAY, background: true }))).events).toEqual(wire);
    const seen: ResponseStreamEvent[] = [];
    const result = await client.createResponse("x", { model: REPLAY, background: true, stream: true }, (e) =>
      seen.push(e),
    );
    expect(seen).toEqual(wire);
    expect(result.ok && result.data).toEqual(uncut.final);
  });
});

describe("resumeResponse: a stream this page did not start", () => {
  /** A background stream that dies after `n` events (no reconnect allowed): what a page would store. */
  async function interrupted(n: number) {
    const client = demoClient({ "x-oaikit-cut-after": `${n}:end` }, { maxRetries: 0 });
    const stream = streamResponse(client, "x", { model: REPLAY, background: true });
    const result = await run(stream);
    expectCut(result.error);
    expect(result.events).toEqual(wire.slice(0, n));
    return {
      responseId: stream.responseId as string,
      cursor: stream.cursor,
      partial: stream.currentSnapshot(),
    };
  }

  test("from the cursor with the partial aggregate: the missing events, and final() of the uncut stream", async () => {
    for (const n of [1, 4, 9, 13]) {
      const saved = await interrupted(n);
      expect(saved.cursor).toBe(n - 1);
      const stored = JSON.stringify(saved.partial);
      const stream = resumeResponse(demoClient(), saved.responseId, {
        startingAfter: saved.cursor,
        partial: saved.partial,
      });
      const result = await run(stream);
      expect(result.events, `resumed after event ${n}`).toEqual(wire.slice(n));
      expect(result.final).toEqual(uncut.final);
      expect(JSON.stringify(saved.partial), "the partial given is not changed").toBe(stored);
    }
  });

  test("without the partial: the events from the cursor on; the terminal event carries the whole response", async () => {
    const saved = await interrupted(5);
    const result = await run(resumeResponse(demoClient(), saved.responseId, { startingAfter: saved.cursor }));
    expect(result.events).toEqual(wire.slice(5));
    expect(result.final).toEqual(uncut.final);
    // And from the first event when no cursor is given.
    const whole = await run(
      new OpenAI(undefined, { baseURL: `${demo}/v1` }).resumeResponse(saved.responseId),
    );
    expect(whole.events).toEqual(wire);
  });

  test("a refused cursor (created without stream: true) falls back to polling, then yields the terminal event", async () => {
    const client = demoClient();
    const created = await client.call<ResponseObject>("POST /responses", {
      body: { model: "oaikit-local", input: "Poll me", background: true },
    });
    expect(created.ok && created.data.status).toBe("queued");
    const id = created.ok ? (created.data.id as string) : "";
    const result = await run(resumeResponse(client, id));
    const stored = await client.call<ResponseObject>("GET /responses/{response_id}", {
      path: { response_id: id },
    });
    expect(stored.ok && stored.data.status).toBe("completed");
    // One event the server never streamed: built from the polled response, with no sequence_number.
    expect(result.events).toEqual([{ type: "response.completed", response: stored.ok && stored.data }]);
    expect(result.final).toEqual(stored.ok && stored.data);
  });

  test("bad input is a TypeError that says what to pass", () => {
    const client = demoClient();
    expect(() => resumeResponse(client, "")).toThrow(/responseId must be/);
    expect(() => resumeResponse(client, "resp_1", { startingAfter: -1 })).toThrow(/startingAfter/);
    expect(() => resumeResponse(client, "resp_1", { startingAfter: 1.5 })).toThrow(/startingAfter/);
    expect(() => resumeResponse(client, "resp_1", { startingAfter: 1, partial: "x" as never })).toThrow(
      /partial must be a response object/,
    );
    expect(() =>
      resumeResponse(client, "resp_1", { startingAfter: 1, partial: { id: "resp_2", output: [] } }),
    ).toThrow(/belongs to response resp_2/);
    expect(() => resumeResponse(client, "resp_1", { partial: { id: "resp_1", output: [] } })).toThrow(
      /needs startingAfter/,
    );
    expect(() =>
      resumeResponse(client, "resp_1", { startingAfter: 1, partial: { output: [1] } as never }),
    ).toThrow(/output must be a list/);
  });
});

describe("stop: abort() cancels a background response on the server", () => {
  async function statusOf(client: Client, id: string): Promise<string | undefined> {
    const result = await client.call<ResponseObject>("GET /responses/{response_id}", {
      path: { response_id: id },
    });
    return result.ok ? result.data.status : undefined;
  }

  async function eventually(check: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  test("abort() mid-stream: RequestAbortedError here, status cancelled there", async () => {
    const client = demoClient({ "x-oaikit-delay": "20" });
    const stream = streamResponse(client, "A long story, please", { background: true });
    const events: ResponseStreamEvent[] = [];
    const error = await (async () => {
      try {
        for await (const event of stream) {
          events.push(event);
          if (events.length === 5) stream.abort();
        }
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RequestAbortedError);
    const id = stream.responseId as string;
    expect(id).toMatch(/^resp_/);
    expect(await eventually(async () => (await statusOf(client, id)) === "cancelled")).toBe(true);
  });

  test("detach() closes the connection only: the response completes, and resumeResponse finishes it", async () => {
    const client = demoClient({ "x-oaikit-delay": "10" });
    const stream = streamResponse(client, "A story to finish later", { background: true });
    const events: ResponseStreamEvent[] = [];
    const error = await (async () => {
      try {
        for await (const event of stream) {
          events.push(event);
          if (events.length === 6) stream.detach();
        }
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RequestAbortedError);
    const id = stream.responseId as string;
    const rest = await run(
      resumeResponse(client, id, { startingAfter: stream.cursor, partial: stream.currentSnapshot() }),
    );
    expect([...events, ...rest.events].map((e) => e.sequence_number)).toEqual(
      [...events, ...rest.events].map((_, i) => i),
    );
    expect(rest.final?.status).toBe("completed");
    expect(await statusOf(client, id)).toBe("completed");
  });

  test("a break out of for-await is a stop too; a cut connection is not (the response completes)", async () => {
    const client = demoClient({ "x-oaikit-delay": "20" });
    const stopped = streamResponse(client, "Another long story", { background: true });
    for await (const _event of stopped) break;
    const id = stopped.responseId as string;
    expect(await eventually(async () => (await statusOf(client, id)) === "cancelled")).toBe(true);

    const dropped = streamResponse(
      demoClient({ "x-oaikit-delay": "5", "x-oaikit-cut-after": "4:end" }, { maxRetries: 0 }),
      "x",
      {
        background: true,
      },
    );
    expectCut((await run(dropped)).error);
    expect(
      await eventually(async () => (await statusOf(client, dropped.responseId as string)) === "completed"),
    ).toBe(true);
  });
});

/** An SSE frame of a Responses event, as OpenAI names and numbers it. */
function frame(event: Record<string, unknown>): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

const envelope = { id: "resp_s", object: "response", status: "in_progress", output: [] };
const firstFrames = [
  frame({ type: "response.created", sequence_number: 0, response: envelope }),
  frame({ type: "response.in_progress", sequence_number: 1, response: envelope }),
];
const json = (body: unknown, status = 200): ScriptedAnswer => ({ status, json: body });
const refused = json(
  { error: { message: "Cannot stream this response.", type: "invalid_request_error" } },
  400,
);

describe("scripted servers: refused cursors mid-stream, endings by polling, the retry budget", () => {
  test("a cut whose cursor is refused polls until the response ends; the request shapes are OpenAI's", async () => {
    const done = { ...envelope, status: "completed", output: [{ type: "message", content: [] }] };
    const s = await scenario([
      { sse: firstFrames },
      refused,
      json({ ...envelope, status: "in_progress" }),
      json(done),
    ]);
    const result = await run(
      streamResponse(createClient(undefined, { baseURL: s.baseURL }), "x", { background: true }),
    );
    expect(result.events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.completed",
    ]);
    expect(result.final).toEqual(done);
    const requests = await s.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /responses",
      "GET /responses/resp_s?stream=true&starting_after=1",
      "GET /responses/resp_s",
      "GET /responses/resp_s",
    ]);
    expect(requests[0]?.json).toMatchObject({ background: true, stream: true });
    expect(requests[1]?.bodyText).toBe("");
  });

  test("polling that outlasts idleTimeout is no idle timeout while the polled response changes", async () => {
    const progress = (n: number) => json({ ...envelope, output: [{ type: "reasoning", id: `rs_${n}` }] });
    const done = { ...envelope, status: "completed", output: [{ type: "message", content: [] }] };
    const s = await scenario([
      { sse: firstFrames },
      refused,
      progress(1),
      progress(2),
      progress(3),
      json(done),
    ]);
    const client = createClient(undefined, { baseURL: s.baseURL, idleTimeout: 600 });
    const started = Date.now();
    const result = await run(streamResponse(client, "x", { background: true }));
    expect(Date.now() - started).toBeGreaterThan(600);
    expect(result.error).toBeUndefined();
    expect(result.final).toEqual(done);
  });

  test("a server that ignores starting_after and replays from the start: every event reaches the reader once", async () => {
    const delta = (n: number, text: string) =>
      frame({
        type: "response.output_text.delta",
        sequence_number: n,
        output_index: 0,
        content_index: 0,
        delta: text,
      });
    const item = { type: "message", id: "msg_1", role: "assistant", content: [] };
    const whole = [
      ...firstFrames,
      frame({ type: "response.output_item.added", sequence_number: 2, output_index: 0, item }),
      frame({
        type: "response.content_part.added",
        sequence_number: 3,
        output_index: 0,
        content_index: 0,
        part: { type: "output_text", text: "" },
      }),
      delta(4, "Hello"),
      delta(5, " again"),
      frame({
        type: "response.completed",
        sequence_number: 6,
        response: { ...envelope, status: "completed" },
      }),
    ];
    const s = await scenario([{ sse: whole.slice(0, 5) }, { sse: whole }]);
    const stream = streamResponse(createClient(undefined, { baseURL: s.baseURL }), "x", { background: true });
    const result = await run(stream);
    expect(result.events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result.final?.output[0]?.content?.[0]?.text).toBe("Hello again");
    expect(stream.diagnostics.events).toBe(12);
  });

  test("a connection that brings nothing new: one GET asks, and a response cancelled elsewhere ends the stream", async () => {
    const cancelled = { ...envelope, status: "cancelled" };
    const s = await scenario([{ sse: firstFrames }, { sse: [] }, json(cancelled)]);
    const result = await run(
      streamResponse(createClient(undefined, { baseURL: s.baseURL }), "x", { background: true }),
    );
    expect(result.events).toHaveLength(2);
    expect((result.error as StreamError).error.type).toBe("response_cancelled");
    expect((await s.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /responses",
      "GET /responses/resp_s?stream=true&starting_after=1",
      "GET /responses/resp_s",
    ]);
  });

  test("a response that ends failed, incomplete or cancelled settles as it ended", async () => {
    const failed = { ...envelope, status: "failed", error: { code: "server_error", message: "It broke." } };
    const incomplete = {
      ...envelope,
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    };
    const cancelled = { ...envelope, status: "cancelled" };
    const client = async (end: unknown) =>
      createClient(undefined, {
        baseURL: (await scenario([], { "stream=true": refused, "/responses/": json(end) })).baseURL,
      });

    const failure = await run(resumeResponse(await client(failed), "resp_s"));
    expect(failure.error).toBeInstanceOf(StreamError);
    expect((failure.error as StreamError).error.message).toBe("It broke.");
    expect((failure.error as StreamError<ResponseObject>).partial.status).toBe("failed");

    expect((await run(resumeResponse(await client(incomplete), "resp_s"))).final).toEqual(incomplete);

    const stopped = await run(resumeResponse(await client(cancelled), "resp_s"));
    expect(stopped.error).toBeInstanceOf(StreamError);
    expect((stopped.error as StreamError).error.type).toBe("response_cancelled");
    expect((stopped.error as StreamError<ResponseObject>).partial).toEqual(cancelled);
  });

  test("a response that stays queued ends with a first-byte TimeoutError (firstByteTimeout bounds the wait)", async () => {
    const s = await scenario([], {
      "stream=true": refused,
      "/responses/": json({ ...envelope, status: "queued" }),
    });
    const client = createClient(undefined, { baseURL: s.baseURL, firstByteTimeout: 700 });
    const started = Date.now();
    const result = await run(resumeResponse(client, "resp_s"));
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect((result.error as TimeoutError).phase).toBe("first-byte");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("the retry budget bounds reconnects that bring nothing: maxRetries in a row, then the cut's error", async () => {
    for (const maxRetries of [0, 2]) {
      const s = await scenario([{ sse: firstFrames }], {
        "stream=true": { sse: [] },
        "/responses/": json(envelope),
      });
      const stream = streamResponse(createClient(undefined, { baseURL: s.baseURL, maxRetries }), "x", {
        background: true,
      });
      const result = await run(stream);
      expectCut(result.error);
      expect((result.error as ConnectionError).partial).toMatchObject({ id: "resp_s" });
      const streams = (await s.requests()).filter((r) => r.path.includes("stream=true"));
      expect(streams).toHaveLength(maxRetries);
      expect(stream.diagnostics.reconnects).toBe(maxRetries);
    }
  });

  test("nothing to resume from: no id yet, no sequence numbers, or not a background stream", async () => {
    const unnumbered = [
      frame({ type: "response.created", response: envelope }),
      frame({ type: "response.in_progress", response: envelope }),
    ];
    for (const [frames, background] of [
      [firstFrames.slice(0, 0), true],
      [unnumbered, true],
      [firstFrames, false],
    ] as const) {
      const s = await scenario([
        { sse: [...frames, "event: response.output_text.delta\ndata: {"], after: "end" },
      ]);
      const result = await run(
        streamResponse(createClient(undefined, { baseURL: s.baseURL }), "x", { background }),
      );
      expect(result.error).toBeInstanceOf(StreamTruncatedError);
      expect(await s.requests()).toHaveLength(1);
    }
  });
});
