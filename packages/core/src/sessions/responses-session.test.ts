/**
 * ResponsesChatSession beyond the ported lua-openai cases: any output item type (reasoning, image_generation_call),
 * helpers (non-enumerable, standalone on raw results), errors with lua-openai's texts, the observer and
 * turns, sendStream/abort, truncate/regenerate with previous_response_id, restore. Against a real
 * node:http server on 127.0.0.1.
 */
import { describe, expect, it } from "vitest";
import { useMockServer } from "../../test/lua-openai/mock.js";
import { OpenAI } from "../client/openai.js";
import { RequestAbortedError, ResponsesSessionError, StreamTruncatedError } from "../errors/errors.js";
import type { ResponseObject } from "../types/responses.js";
import type { ResponsesSessionObserver, ResponsesTurn } from "./observer.js";
import { getImages, getOutputText } from "./response-helpers.js";
import { ResponsesChatSession } from "./responses-session.js";

const server = useMockServer();
const client = () => new OpenAI("k", { baseURL: server.baseURL, maxRetries: 0 });

const message = (text: string) => ({
  type: "message",
  role: "assistant",
  content: [{ type: "output_text", text, annotations: [] }],
});
const response = (id: string, output: unknown[]): ResponseObject =>
  ({ id, object: "response", status: "completed", output }) as ResponseObject;

const deltaEvent = (delta: string) =>
  `event: response.output_text.delta\ndata: ${JSON.stringify({ type: "response.output_text.delta", delta })}\n\n`;
const completedEvent = (id: string, text: string) =>
  `event: response.completed\ndata: ${JSON.stringify({ type: "response.completed", response: response(id, [message(text)]) })}\n\n`;

function recorder() {
  const calls: unknown[][] = [];
  const observer: ResponsesSessionObserver = {
    onAppend: (turn, index, id) => calls.push(["append", turn.kind, index, id]),
    onPartial: (text, index) => calls.push(["partial", text, index]),
    onIncomplete: (text, index, reason) => calls.push(["incomplete", text, index, reason]),
    onTruncate: (length) => calls.push(["truncate", length]),
  };
  return { calls, observer };
}

describe("ResponsesChatSession output items and helpers", () => {
  it("accepts reasoning and image_generation_call items; getImages and getOutputText work", async () => {
    const data = response("resp_img", [
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Thinking" }] },
      { type: "image_generation_call", id: "ig_1", status: "completed", result: "iVBORw0KGgo=" },
      { type: "web_search_call", id: "ws_1", status: "completed" },
      message("Here is your cat."),
    ]);
    server.handle(() => ({ json: data }));
    const session = new ResponsesChatSession(client(), { tools: [{ type: "image_generation" }] });
    const result = await session.send("Draw a cat");
    expect(result.getImages()).toEqual([{ b64_json: "iVBORw0KGgo=" }]);
    expect(result.getOutputText()).toBe("Here is your cat.");
    expect(String(result)).toBe("Here is your cat.");
    // The helpers are non-enumerable: JSON and deep equality see only the API's fields.
    expect(JSON.parse(JSON.stringify(result))).toEqual(data);
    expect(Object.keys(result)).toEqual(Object.keys(data));
    expect(server.requests[0]?.body?.tools).toEqual([{ type: "image_generation" }]);
  });

  it("standalone getOutputText/getImages work on raw createResponse results and message items", async () => {
    server.handle(() => ({
      json: response("r", [message("A"), message("B"), { type: "image_generation_call", result: "Zm9v" }]),
    }));
    const result = await client().createResponse("x");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(getOutputText(result.data)).toBe("AB");
    expect(getImages(result.data)).toEqual([{ b64_json: "Zm9v" }]);
    expect(getOutputText(result.data.output[1])).toBe("B");
    expect(getOutputText(undefined)).toBe("");
    expect(getImages({ output: [{ type: "image_generation_call", result: null }] })).toEqual([]);
  });
});

describe("ResponsesChatSession errors", () => {
  it("an error status is ResponsesSessionError 'Request failed with status: N' with the raw body", async () => {
    server.handle(() => ({ status: 400, json: { error: { message: "bad", code: "x" } } }));
    const session = new ResponsesChatSession(client());
    const error = await session.send("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponsesSessionError);
    expect((error as ResponsesSessionError).message).toBe("Request failed with status: 400");
    expect((error as ResponsesSessionError).raw).toEqual({ error: { message: "bad", code: "x" } });
    expect(session.currentResponseId).toBeUndefined();
  });

  it("the same for a streamed send", async () => {
    server.handle(() => ({ status: 503, json: { error: { message: "overloaded" } } }));
    const session = new ResponsesChatSession(client());
    await expect(session.send("x", () => {})).rejects.toThrow("Request failed with status: 503");
  });

  it("a malformed body is 'Failed to parse response: ...'; a 201 is success", async () => {
    server.handle(() => ({ json: { object: "response", output: [] } }));
    const session = new ResponsesChatSession(client());
    await expect(session.send("x")).rejects.toThrow(
      'Failed to parse response: field "id": expected type "string", got "nil"',
    );
    server.handle(() => ({ status: 201, json: response("r201", [message("created")]) }));
    expect((await session.send("y")).getOutputText()).toBe("created");
    expect(session.currentResponseId).toBe("r201");
  });

  it("bad input is a TypeError", () => {
    const session = new ResponsesChatSession(client());
    expect(() => session.sendStream(undefined as never)).toThrow(/input must be provided/);
    expect(() => session.sendStream([{ foo: 1 }] as never)).toThrow(/input\[0\] must be a message/);
    expect(session.turns).toEqual([]);
  });
});

describe("ResponsesChatSession turns, observer, streams", () => {
  it("records input and response turns and reports them with the current id", async () => {
    let n = 0;
    server.handle(() => ({ json: response(`r${++n}`, [message(`reply ${n}`)]) }));
    const { calls, observer } = recorder();
    const session = new ResponsesChatSession(client(), { observer, instructions: "Be kind." });
    await session.send("one");
    await session.send("two");
    expect(calls).toEqual([
      ["append", "input", 0, undefined],
      ["append", "response", 1, "r1"],
      ["append", "input", 2, "r1"],
      ["append", "response", 3, "r2"],
    ]);
    expect(session.turns.map((t) => t.kind)).toEqual(["input", "response", "input", "response"]);
    expect(server.requests[1]?.body).toStrictEqual({
      model: "gpt-4.1",
      input: "two",
      previous_response_id: "r1",
      instructions: "Be kind.",
    });
  });

  it("sendStream: chunks, final() is the completed response, text(); partials reported per delta", async () => {
    server.handle(() => ({
      chunks: [deltaEvent("Hel"), deltaEvent("lo"), completedEvent("r_stream", "Hello"), "data: [DONE]\n\n"],
    }));
    const { calls, observer } = recorder();
    const session = new ResponsesChatSession(client(), { observer });
    const stream = session.sendStream("Hi");
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(String(chunk));
    const final = await stream.final();
    expect(pieces).toEqual(["Hel", "lo"]);
    expect(final.id).toBe("r_stream");
    expect(final.getOutputText()).toBe("Hello");
    expect(await stream.text()).toBe("Hello");
    expect(session.currentResponseId).toBe("r_stream");
    expect(session.responseHistory).toEqual([final]);
    expect(calls).toEqual([
      ["append", "input", 0, undefined],
      ["partial", "Hel", 1],
      ["partial", "Hello", 1],
      ["append", "response", 1, "r_stream"],
    ]);
  });

  it("abort keeps the partial text as a partial turn and reports it incomplete", async () => {
    server.handle(() => ({ chunks: [deltaEvent("Once upon"), deltaEvent(" a time")], hang: true }));
    const { calls, observer } = recorder();
    const session = new ResponsesChatSession(client(), { observer, previous_response_id: "r0" });
    const stream = session.sendStream("Story");
    let count = 0;
    const run = (async () => {
      for await (const _ of stream) if (++count === 2) stream.abort();
    })();
    await expect(run).rejects.toBeInstanceOf(RequestAbortedError);
    expect(session.turns.at(-1)).toEqual({ kind: "partial", text: "Once upon a time", reason: "aborted" });
    expect(calls.at(-1)).toEqual(["incomplete", "Once upon a time", 1, "aborted"]);
    expect(session.currentResponseId).toBe("r0"); // no response: the chain continues from the last one
    expect(server.requests[0]?.body?.previous_response_id).toBe("r0");
  });

  it("a stream cut before response.completed is a truncation (partial kept, never a silent success)", async () => {
    server.handle(() => ({ chunks: [deltaEvent("Cut")] }));
    const { calls, observer } = recorder();
    const session = new ResponsesChatSession(client(), { observer });
    const error = await session.send("x", () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(calls.at(-1)).toEqual(["incomplete", "Cut", 1, "truncated"]);
    expect(session.busy).toBe(false);
  });

  it("truncate and regenerate rewind previous_response_id", async () => {
    let n = 0;
    server.handle(() => ({ json: response(`r${++n}`, [message(`reply ${n}`)]) }));
    const { calls, observer } = recorder();
    const session = new ResponsesChatSession(client(), { observer });
    await session.send("one"); // r1
    await session.send("two"); // r2
    const again = await session.regenerate(); // resend "two" from r1 → r3
    expect(again).toMatchObject({ id: "r3" });
    expect(server.requests[2]?.body).toMatchObject({ input: "two", previous_response_id: "r1" });
    expect(session.responseHistory.map((r) => r.id)).toEqual(["r1", "r3"]);
    expect(session.currentResponseId).toBe("r3");
    expect(calls).toContainEqual(["truncate", 3]);

    session.truncate(2); // drop "two" and r3
    expect(session.currentResponseId).toBe("r1");
    session.truncate(0);
    expect(session.currentResponseId).toBeUndefined();
    expect(session.responseHistory).toEqual([]);
    await expect(session.regenerate()).rejects.toThrow(/no input to answer again/);
  });

  it("is constructible from a restored state", async () => {
    const turns: ResponsesTurn[] = [
      { kind: "input", input: "hi" },
      { kind: "response", response: response("r_old", [message("hello")]) },
      { kind: "input", input: "more" },
      { kind: "partial", text: "cut", reason: "aborted" },
    ];
    server.handle(() => ({ json: response("r_new", [message("ok")]) }));
    const session = new ResponsesChatSession(client(), { turns, model: "m" });
    expect(session.currentResponseId).toBe("r_old");
    expect(session.responseHistory[0]?.getOutputText()).toBe("hello");
    await session.regenerate(); // drops the partial turn, resends "more" from r_old
    expect(server.requests[0]?.body).toStrictEqual({
      model: "m",
      input: "more",
      previous_response_id: "r_old",
    });
    expect(session.turns.map((t) => t.kind)).toEqual(["input", "response", "input", "response"]);

    const explicit = new ResponsesChatSession(client(), { currentResponseId: "r_x", responseHistory: [] });
    expect(explicit.currentResponseId).toBe("r_x");
  });
});

describe("restored turns are checked whole (assertResponsesTurn)", () => {
  it("accepts inputs, responses and partials, and refuses a malformed turn with what is wrong", () => {
    const turns: ResponsesTurn[] = [
      { kind: "input", input: "Hi" },
      { kind: "response", response: response("r1", [message("Hello")]) },
      { kind: "partial", text: "Hel", reason: "aborted" },
    ];
    expect(new ResponsesChatSession(client(), { turns }).turns).toHaveLength(3);
    const bad: [unknown, RegExp][] = [
      [{ kind: "input", input: 5 }, /turns\[0\]\.input: input must be a string or an array/],
      [{ kind: "response", response: { output: [] } }, /turns\[0\]\.response is not a response object/],
      [{ kind: "partial" }, /turns\[0\]\.text must be a string/],
      [
        { kind: "partial", text: "x", reason: "bored" },
        /turns\[0\]\.reason must be "error", "aborted" or "truncated"/,
      ],
      [{ kind: "other" }, /turns\[0\]\.kind must be "input", "response" or "partial"/],
      [null, /turns\[0\] must be \{ kind:/],
    ];
    for (const [turn, message] of bad) {
      expect(() => new ResponsesChatSession(client(), { turns: [turn as ResponsesTurn] })).toThrow(message);
    }
  });
});
