// Issue 11 item 7: every read is bounded in size. A body read whole (`maxBodyBytes`, default
// 128 MiB), an error body (`maxErrorBodyBytes`, default 1 MiB) and one server-sent event
// (`maxEventSize`, default 16 Mi characters) each stop at their limit with a typed
// `ResponseTooLargeError`, and the connection is released. The hostile server below sends bodies
// that do not end (capped at 64 MiB, so a regression fails instead of exhausting memory).
import { afterEach, describe, expect, test } from "vitest";
import { request } from "../../src/http/index.js";
import { ChatCompletionStream, OpenAI, ResponseTooLargeError } from "../../src/index.js";
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_ERROR_BODY_BYTES,
  DEFAULT_MAX_EVENT_SIZE,
} from "../../src/transport/limits.js";
import { endless, type HostileServer, hostileServer, type Pump } from "./hostile-server.js";

const MiB = 1024 * 1024;
const user = [{ role: "user" as const, content: "Hi" }];
let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose every answer is `status` with a body of `chunk` repeated (see `endless`). */
async function flood(
  status: number,
  contentType: string,
  chunk: string,
  cap?: number,
  prefix = "",
): Promise<{ url: string; pumps: Pump[] }> {
  const pumps: Pump[] = [];
  server = await hostileServer((_req, res) => {
    res.writeHead(status, { "content-type": contentType });
    if (prefix) res.write(prefix);
    pumps.push(endless(res, chunk, cap));
  });
  return { url: server.url, pumps };
}

async function rejection(promise: Promise<unknown>): Promise<ResponseTooLargeError> {
  const error = await promise.then(
    () => new Error("resolved, but the body was over the limit"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ResponseTooLargeError);
  return error as ResponseTooLargeError;
}

const KiB64 = "x".repeat(64 * 1024);

describe("the client", () => {
  test("a JSON answer larger than maxBodyBytes: ResponseTooLargeError, reading stopped", async () => {
    const { url, pumps } = await flood(200, "application/json", KiB64);
    const client = new OpenAI("k", { baseURL: url, maxBodyBytes: MiB });
    const error = await rejection(client.models());
    expect(error).toMatchObject({ kind: "body", limit: MiB, option: "maxBodyBytes", status: 200 });
    expect(error.message).toContain(`GET ${url}/models`);
    expect(error.message).toContain("maxBodyBytes");
    await pumps[0]?.closed; // the client went away
    expect(pumps[0]?.written).toBeLessThan(32 * MiB);
  });

  test("a Content-Length above the limit fails before the body is read", async () => {
    server = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(2 * MiB) });
      res.write("{"); // and then nothing: a read would wait forever
    });
    const client = new OpenAI("k", { baseURL: server.url, maxBodyBytes: MiB, timeout: 20_000 });
    const error = await rejection(client.models());
    expect(error.kind).toBe("body");
  });

  test("per-call maxBodyBytes wins; false lifts the limit", async () => {
    const { url } = await flood(200, "application/json", KiB64, 2 * MiB);
    const client = new OpenAI("k", { baseURL: url, maxBodyBytes: false });
    expect((await rejection(client.models({ maxBodyBytes: MiB }))).limit).toBe(MiB);
    const result = await client.models();
    expect(result.ok).toBe(true);
    expect((result.data as unknown as string).length).toBe(2 * MiB);
  });

  test("file content (a Blob) is bounded by maxBodyBytes too", async () => {
    const { url } = await flood(200, "application/octet-stream", KiB64);
    const client = new OpenAI("k", { baseURL: url });
    const error = await rejection(client.fileContent("file-1", { maxBodyBytes: MiB }));
    expect(error.kind).toBe("body");
  });

  test("an error body larger than maxErrorBodyBytes (default 1 MiB)", async () => {
    const { url, pumps } = await flood(500, "text/html", KiB64);
    const client = new OpenAI("k", { baseURL: url, maxRetries: 0 });
    const error = await rejection(client.models());
    expect(error).toMatchObject({
      kind: "error-body",
      limit: DEFAULT_MAX_ERROR_BODY_BYTES,
      option: "maxErrorBodyBytes",
      status: 500,
    });
    await pumps[0]?.closed;
    expect(pumps[0]?.written).toBeLessThan(32 * MiB);
  });

  test("a stream's error body is bounded the same way", async () => {
    const { url } = await flood(503, "text/plain", KiB64);
    const client = new OpenAI("k", { baseURL: url, maxRetries: 0 });
    const stream = client.streamChatCompletion(user, {}, { maxErrorBodyBytes: MiB });
    const error = await rejection(stream.final());
    expect(error).toMatchObject({ kind: "error-body", limit: MiB, status: 503 });
    expect(stream.diagnostics.endReason).toBe("too-large");
  });

  test("one endless SSE line (default maxEventSize, 16 Mi): ResponseTooLargeError with the partial", async () => {
    const chunk = JSON.stringify({ choices: [{ index: 0, delta: { content: "Hel" } }] });
    const pumps: Pump[] = [];
    server = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${chunk}\n\ndata: {"x":"`);
      pumps.push(endless(res, KiB64, 48 * MiB));
    });
    const client = new OpenAI("k", { baseURL: server.url });
    const stream = client.streamChatCompletion(user);
    const error = await rejection(stream.final());
    expect(error).toMatchObject({ kind: "event", limit: DEFAULT_MAX_EVENT_SIZE, option: "maxEventSize" });
    expect(error.partial).toMatchObject({ choices: [{ message: { content: "Hel" } }] });
    expect(stream.diagnostics.endReason).toBe("too-large");
    await pumps[0]?.closed;
    expect(pumps[0]?.written).toBeLessThan(DEFAULT_MAX_EVENT_SIZE + 16 * MiB);
  });

  test("an event made of many data lines without the blank line counts as one event", async () => {
    const { url } = await flood(200, "text/event-stream", `data: ${"y".repeat(1023)}\n`, 8 * MiB);
    const client = new OpenAI("k", { baseURL: url, maxEventSize: MiB });
    const error = await rejection(client.streamChatCompletion(user).final());
    expect(error).toMatchObject({ kind: "event", limit: MiB });
  });

  test("the callback form rejects the same way", async () => {
    const { url } = await flood(200, "text/event-stream", `data: ${"y".repeat(1023)}\n`, 8 * MiB);
    const client = new OpenAI("k", { baseURL: url });
    const error = await rejection(
      client.createChatCompletion(user, { stream: true }, undefined, { maxEventSize: MiB }),
    );
    expect(error.kind).toBe("event");
  });
});

describe("the stream classes", () => {
  test("maxEventSize bounds a stream built on any source", async () => {
    const { url } = await flood(200, "text/event-stream", KiB64, 8 * MiB, "data: ");
    const stream = new ChatCompletionStream(
      { target: { method: "POST", url }, start: (signal) => fetch(url, { method: "POST", signal }) },
      { maxEventSize: MiB },
    );
    const error = await rejection(stream.final());
    expect(error).toMatchObject({ kind: "event", limit: MiB, method: "POST", url });
  });

  test("events under the limit pass untouched", async () => {
    const content = "z".repeat(MiB);
    server = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = { choices: [{ index: 0, delta: { content }, finish_reason: "stop" }] };
      res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
    });
    const url = server.url;
    const stream = new ChatCompletionStream(
      { target: { method: "POST", url }, start: (signal) => fetch(url, { method: "POST", signal }) },
      { maxEventSize: 2 * MiB },
    );
    expect(await stream.text()).toBe(content);
  });
});

describe("a line that cannot be a field is skipped, not buffered", () => {
  test("an endless line without a field name costs nothing and ends the stream as truncated", async () => {
    const { url } = await flood(200, "text/event-stream", KiB64, 24 * MiB);
    const client = new OpenAI("k", { baseURL: url, maxEventSize: MiB });
    const error = await client
      .streamChatCompletion(user)
      .final()
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("StreamTruncatedError");
  });
});

describe("the request builder", () => {
  test("execute(): a body larger than maxBodyBytes (setter and table form)", async () => {
    const { url, pumps } = await flood(200, "application/octet-stream", KiB64);
    const bySetter = await rejection(request(url).setMaxBodyBytes(MiB).execute());
    expect(bySetter).toMatchObject({ kind: "body", limit: MiB, option: "maxBodyBytes", status: 200 });
    const byTable = await rejection(request({ url, maxBodyBytes: 2 * MiB }).execute());
    expect(byTable.limit).toBe(2 * MiB);
    await Promise.all(pumps.map((pump) => pump.closed));
    for (const pump of pumps) expect(pump.written).toBeLessThan(32 * MiB);
  });

  test("execute() of an error status is bounded by the same limit", async () => {
    const { url } = await flood(500, "text/plain", KiB64);
    const error = await rejection(request(url).setMaxBodyBytes(MiB).execute());
    expect(error.status).toBe(500);
  });

  test("execute(): the default limit is 128 MiB (a Content-Length above it fails at once)", async () => {
    server = await hostileServer((_req, res) => {
      res.writeHead(200, { "content-length": String(DEFAULT_MAX_BODY_BYTES + 1) });
      res.write("x");
    });
    const error = await rejection(request(server.url).execute());
    expect(error.limit).toBe(128 * MiB);
  });

  test("events(): one endless line stops at maxEventSize (default 16 Mi)", async () => {
    const { url, pumps } = await flood(200, "text/event-stream", KiB64, 48 * MiB, "data: ");
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of request(url).events()) seen.push(event.data);
      })(),
    );
    expect(error).toMatchObject({ kind: "event", limit: DEFAULT_MAX_EVENT_SIZE, url: `${url}/` });
    expect(seen).toEqual([]);
    await pumps[0]?.closed;
  });

  test("events(): setMaxEventSize and the table form's maxEventSize", async () => {
    const { url } = await flood(200, "text/event-stream", `data: ${"y".repeat(1023)}\n`, 8 * MiB);
    const drain = async (events: AsyncIterable<unknown>) => {
      for await (const _ of events);
    };
    expect((await rejection(drain(request(url).setMaxEventSize(MiB).events()))).limit).toBe(MiB);
    expect((await rejection(drain(request({ url, maxEventSize: MiB }).events()))).limit).toBe(MiB);
  });

  test("stream() has no size limit: it hands over chunks, it keeps none", async () => {
    const { url } = await flood(200, "application/octet-stream", KiB64, 4 * MiB);
    let total = 0;
    for await (const chunk of request(url).setMaxBodyBytes(MiB).stream()) total += chunk.byteLength;
    expect(total).toBe(4 * MiB);
  });
});

describe("size limit options follow one rule: a positive whole number, or false", () => {
  const url = "http://127.0.0.1:9/v1";
  const source = { target: { method: "POST", url }, start: () => new Promise<Response>(() => {}) };
  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1", null])("%s is refused", (value) => {
    const bad = value as never;
    expect(() => new OpenAI("k", { maxBodyBytes: bad })).toThrow(/config.maxBodyBytes/);
    expect(() => new OpenAI("k", { maxErrorBodyBytes: bad })).toThrow(/config.maxErrorBodyBytes/);
    expect(() => new OpenAI("k", { maxEventSize: bad })).toThrow(/config.maxEventSize/);
    expect(() => new OpenAI("k").models({ maxBodyBytes: bad })).toThrow(/options.maxBodyBytes/);
    expect(() => new ChatCompletionStream(source, { maxEventSize: bad })).toThrow(TypeError);
    expect(() => request(url).setMaxBodyBytes(bad)).toThrow(TypeError);
    expect(() => request({ url, maxEventSize: bad })).toThrow(TypeError);
  });

  test("false and positive integers are accepted", () => {
    for (const value of [false, 1, 10 * MiB] as const) {
      expect(() => new OpenAI("k", { maxBodyBytes: value, maxEventSize: value })).not.toThrow();
      expect(() => request(url).setMaxEventSize(value)).not.toThrow();
    }
  });
});
