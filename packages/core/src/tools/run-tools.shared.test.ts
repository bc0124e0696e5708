// The tool runner against the demo server (apps/demo/server/structured.ts scripts parallel calls and a
// model that never stops calling): both APIs, parallel calls run at once, errors sent back or thrown,
// maxSteps, streaming, onStep, and the sessions' histories. Node and Chromium.
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { describe, expect, test } from "vitest";
import * as z from "zod";
import { recordingClient } from "../../test/recording-client.js";
import {
  type ChatCompletionChunk,
  ChatSession,
  ContentChunk,
  createClient,
  RequestAbortedError,
  type ResponseStreamEvent,
  ResponsesChatSession,
} from "../index.js";
import { type ChatToolStep, jsonSchema, runTools, ToolExecutionError, tool } from "./index.js";

/** Two tools that each wait for the other to start: they finish only when run at the same time. */
function meetingTools() {
  const started: string[] = [];
  let arrive: () => void = () => {};
  const bothStarted = new Promise<void>((resolve) => {
    arrive = () => {
      if (started.length === 2) resolve();
    };
  });
  const timeout = () =>
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the other call never started")), 2_000),
    );
  const getWeather = tool({
    name: "get_weather",
    description: "The weather in a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }, context) => {
      started.push(`weather:${city}:${context.step}`);
      arrive();
      await Promise.race([bothStarted, timeout()]);
      return { city, conditions: "sunny", celsius: 21 };
    },
  });
  const getTime = tool({
    name: "get_time",
    description: "The local time in a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      started.push(`time:${city}`);
      arrive();
      await Promise.race([bothStarted, timeout()]);
      return `12:00 in ${city}`;
    },
  });
  return { started, tools: [getWeather, getTime] };
}

const question = "What are the weather and the time in Paris?";

describe("runTools: Chat Completions", () => {
  test("parallel calls run at once; their results go back; the run ends at the answer", async () => {
    const { client, bodies } = recordingClient();
    const { started, tools } = meetingTools();
    const steps: ChatToolStep[] = [];
    const run = await runTools(client, {
      messages: [{ role: "user", content: question }],
      tools,
      onStep: (step) => {
        steps.push(step);
      },
    });
    expect(run.finish).toBe("answer");
    expect(started.sort()).toEqual(["time:Paris", "weather:Paris:0"]);
    expect(run.steps).toHaveLength(2);
    expect(steps).toEqual(run.steps);
    expect(run.steps[0]?.toolCalls.map((c) => c.name)).toEqual(["get_weather", "get_time"]);
    expect(run.steps[0]?.toolResults.map((r) => r.output)).toEqual([
      '{"city":"Paris","conditions":"sunny","celsius":21}',
      "12:00 in Paris",
    ]);
    expect(run.text).toContain("`get_weather` returned");
    expect(run.text).toContain("12:00 in Paris");
    expect(run.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "tool", "assistant"]);
    // Every request declared both tools, strict, in the Chat Completions form.
    expect(bodies).toHaveLength(2);
    expect(bodies[0]?.tools).toMatchObject([
      {
        type: "function",
        function: { name: "get_weather", strict: true, parameters: { additionalProperties: false } },
      },
      { type: "function", function: { name: "get_time" } },
    ]);
    expect(bodies[1]?.messages).toHaveLength(4);
  });

  test("a thrown error goes back to the model as the output; onToolError: throw ends the run instead", async () => {
    const { client } = recordingClient();
    const failing = tool({
      name: "get_weather",
      parameters: z.object({ city: z.string() }),
      execute: () => {
        throw new Error("the weather service is down");
      },
    });
    const run = await runTools(client, {
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [failing],
    });
    expect(run.finish).toBe("answer");
    expect(run.steps[0]?.toolResults[0]).toMatchObject({
      output: '{"error":"the weather service is down"}',
      error: expect.any(Error),
    });
    expect(run.text).toContain("the weather service is down");
    const error = await runTools(client, {
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [failing],
      onToolError: "throw",
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error.toolName).toBe("get_weather");
    expect(error.cause.message).toBe("the weather service is down");
    expect(error.steps).toHaveLength(1);
  });

  test("arguments the schema rejects go back to the model with the issues, execute is not called", async () => {
    const { client } = recordingClient();
    let called = false;
    const picky = tool({
      name: "get_weather",
      parameters: z.object({ city: z.string().refine((c) => c === "Lima", "only Lima is known") }),
      execute: () => {
        called = true;
        return "ok";
      },
    });
    const run = await runTools(client, {
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [picky],
    });
    expect(called).toBe(false);
    expect(JSON.parse(run.steps[0]?.toolResults[0]?.output ?? "")).toEqual({
      error:
        "The arguments do not match the tool's schema: city: only Lima is known. Call it again with corrected arguments.",
    });
  });

  test("valibot and plain JSON Schema parameters: arguments checked the same way", async () => {
    const { client } = recordingClient();
    const seen: unknown[] = [];
    const weather = tool({
      name: "get_weather",
      parameters: toStandardJsonSchema(v.object({ city: v.string() })),
      execute: (args) => {
        seen.push(args);
        return args.city;
      },
    });
    const time = tool({
      name: "get_time",
      parameters: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } } }),
      execute: (args) => {
        seen.push(args);
        return `noon in ${args.city}`;
      },
    });
    const run = await runTools(client, {
      messages: [{ role: "user", content: question }],
      tools: [weather, time],
    });
    expect(seen).toEqual([{ city: "Paris" }, { city: "Paris" }]);
    expect(run.steps[0]?.toolResults.map((r) => r.output)).toEqual(["Paris", "noon in Paris"]);
  });

  test("maxSteps stops a model that keeps calling; the last calls still run and the history stays valid", async () => {
    const { client } = recordingClient();
    let calls = 0;
    const clock = tool({
      name: "get_time",
      parameters: z.object({ city: z.string() }),
      execute: () => ++calls,
    });
    const run = await runTools(client, {
      messages: [{ role: "user", content: "What time is it?" }],
      tools: [clock],
      params: { tool_choice: "required" },
      maxSteps: 3,
    });
    expect(run.finish).toBe("max-steps");
    expect(run.steps).toHaveLength(3);
    expect(calls).toBe(3);
    expect(run.messages[run.messages.length - 1]).toMatchObject({ role: "tool", content: "3" });
  });

  test("stream: every chunk of every step goes to onChunk; the result is the same", async () => {
    const { client } = recordingClient();
    const { tools } = meetingTools();
    const chunks: [ChatCompletionChunk, number][] = [];
    const run = await runTools(client, {
      messages: [{ role: "user", content: question }],
      tools,
      onChunk: (chunk, step) => chunks.push([chunk, step]),
    });
    expect(run.finish).toBe("answer");
    expect(run.steps[0]?.toolCalls).toHaveLength(2);
    expect(new Set(chunks.map(([, step]) => step))).toEqual(new Set([0, 1]));
    const text = chunks
      .filter(([, step]) => step === 1)
      .map(([chunk]) => chunk.choices[0]?.delta.content ?? "")
      .join("");
    expect(text).toBe(run.text);
  });

  test("a ChatSession: the run goes into its history, and the session carries on", async () => {
    const { client } = recordingClient();
    const { tools } = meetingTools();
    const chat = new ChatSession(client, { messages: [{ role: "system", content: "Be brief." }] });
    const run = await runTools(client, { session: chat, input: question, tools });
    expect(run.finish).toBe("answer");
    expect(chat.messages.map((m) => m.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "tool",
      "assistant",
    ]);
    expect(run.messages).toEqual(chat.messages);
    expect(chat.lastCompletion).toBe(run.completion);
    // Streamed, on the same history.
    const streamed = await runTools(client, {
      session: chat,
      input: question,
      tools: meetingTools().tools,
      stream: true,
    });
    expect(streamed.text).toBe(run.text);
    expect(chat.messages).toHaveLength(11);
    expect(() => runTools(createClient(), { session: chat, tools })).toThrow(/of this client/);
  });
});

describe("runTools: the Responses API", () => {
  test("parallel calls, results as function_call_output items, the whole run replayed as input", async () => {
    const { client, bodies } = recordingClient();
    const { started, tools } = meetingTools();
    const run = await runTools(client, { input: question, tools, params: { store: false } });
    expect(run.finish).toBe("answer");
    expect(started).toHaveLength(2);
    expect(run.steps[0]?.toolCalls.map((c) => c.name)).toEqual(["get_weather", "get_time"]);
    expect(run.text).toContain("12:00 in Paris");
    expect(run.input.map((item) => item.type ?? item.role)).toEqual([
      "user",
      "function_call",
      "function_call",
      "function_call_output",
      "function_call_output",
      "message",
    ]);
    expect(run.unsent).toEqual([]);
    expect(bodies[0]?.tools).toMatchObject([
      { type: "function", name: "get_weather", strict: true },
      { type: "function", name: "get_time" },
    ]);
    expect(bodies[1]?.input).toHaveLength(5);
  });

  test("streamed, with maxSteps: the unsent outputs are handed back", async () => {
    const { client } = recordingClient();
    const clock = tool({
      name: "get_time",
      parameters: z.object({ city: z.string() }),
      execute: () => "noon",
    });
    const events: ResponseStreamEvent[] = [];
    const run = await runTools(client, {
      input: "What time is it?",
      tools: [clock],
      params: { tool_choice: "required" },
      maxSteps: 2,
      onChunk: (event) => events.push(event),
    });
    expect(run.finish).toBe("max-steps");
    expect(run.steps).toHaveLength(2);
    expect(run.unsent).toEqual([
      { type: "function_call_output", call_id: run.steps[1]?.toolCalls[0]?.id, output: "noon" },
    ]);
    expect(events.filter((e) => e.type === "response.completed")).toHaveLength(2);
  });

  test("a ResponsesChatSession: each step is chained by previous_response_id", async () => {
    const { client, bodies } = recordingClient();
    const { tools } = meetingTools();
    const session = new ResponsesChatSession(client);
    const run = await runTools(client, { session, input: question, tools });
    expect(run.finish).toBe("answer");
    expect(session.responseHistory).toHaveLength(2);
    expect(session.currentResponseId).toBe(run.response.id);
    expect(bodies[1]?.previous_response_id).toBe(session.responseHistory[0]?.id);
    expect(bodies[1]?.input).toEqual(run.input.filter((item) => item.type === "function_call_output"));
    const next = await session.send("Thanks");
    expect(next.getOutputText()).toContain("Thanks");
    // Streamed on the same chain: the session keeps every response.
    const streamed = await runTools(client, {
      session,
      input: question,
      tools: meetingTools().tools,
      stream: true,
    });
    expect(streamed.finish).toBe("answer");
    expect(session.responseHistory).toHaveLength(5);
    expect(session.currentResponseId).toBe(streamed.response.id);
    expect(bodies[bodies.length - 1]?.stream).toBe(true);
  });

  test("an aborted run rejects with RequestAbortedError; the tools see the signal", async () => {
    const { client } = recordingClient();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const slow = tool({
      name: "get_weather",
      parameters: z.object({ city: z.string() }),
      execute: (_args, context) => {
        seen = context.signal;
        controller.abort();
        return "late";
      },
    });
    const error = await runTools(client, {
      input: "Weather in Rome?",
      tools: [slow],
      signal: controller.signal,
    }).catch((e) => e);
    expect(seen).toBe(controller.signal);
    expect(error).toBeInstanceOf(RequestAbortedError);
  });

  test("bad options are TypeErrors at the call", () => {
    const { client } = recordingClient();
    const t = tool({ name: "get_time", parameters: z.object({}), execute: () => "now" });
    expect(() => runTools(client, { input: "x", tools: [] })).toThrow(/non-empty array of tools/);
    expect(() => runTools(client, { input: "x", tools: [t], maxSteps: 0 })).toThrow(/maxSteps/);
    expect(() => runTools(client, { input: "x", tools: [t, t] })).toThrow(/two tools are named/);
    expect(() => runTools(client, { input: 3 as never, tools: [t] })).toThrow(/input must be/);
    expect(() => runTools(client, { tools: [t] } as never)).toThrow(/messages.*input.*session/);
  });
});

describe("runTools on a session: one chunk shape, a stream with abort(), steps in the snapshot", () => {
  test("streams the session's ContentChunks of every step; the session stays streaming while tools run", async () => {
    const { client } = recordingClient();
    const chat = new ChatSession(client);
    const during: { status: string; roles: string[]; refused: boolean }[] = [];
    const weather = tool({
      name: "get_weather",
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        const snapshot = chat.getSnapshot();
        let refused = false;
        try {
          chat.sendStream("an interruption");
        } catch (error) {
          refused = error instanceof TypeError;
        }
        during.push({ status: snapshot.status, roles: snapshot.messages.map((m) => m.role), refused });
        return `sunny in ${city}`;
      },
    });
    const time = tool({
      name: "get_time",
      parameters: z.object({ city: z.string() }),
      execute: () => "noon",
    });
    const onChunk: [ContentChunk, number][] = [];
    const run = runTools(client, {
      session: chat,
      input: question,
      tools: [weather, time],
      onChunk: (chunk, step) => onChunk.push([chunk, step]),
    });
    expect(chat.getSnapshot().status).toBe("streaming");
    expect(() => chat.sendStream("meanwhile")).toThrow(/already being generated/);
    const iterated: ContentChunk[] = [];
    for await (const chunk of run) iterated.push(chunk);
    const result = await run;
    expect(result.finish).toBe("answer");
    expect(iterated).toEqual(onChunk.map(([chunk]) => chunk));
    expect(iterated.every((chunk) => chunk instanceof ContentChunk)).toBe(true);
    expect(iterated.some((chunk) => chunk.tool_calls)).toBe(true);
    expect(
      onChunk
        .filter(([, step]) => step === 1)
        .map(([chunk]) => String(chunk))
        .join(""),
    ).toBe(result.text);
    // While the tools ran, the session was held: streaming, the assistant's calls already in the history.
    expect(during).toEqual([{ status: "streaming", roles: ["user", "assistant"], refused: true }]);
    expect(chat.getSnapshot()).toMatchObject({ status: "ready", pending: null });
    expect(chat.getSnapshot().messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "tool",
      "assistant",
    ]);
  });

  test("the session's stop() ends the run while its tools run; abort() and break do too", async () => {
    const { client } = recordingClient();
    const chat = new ChatSession(client);
    let signal: AbortSignal | undefined;
    const slow = tool({
      name: "get_weather",
      parameters: z.object({ city: z.string() }),
      execute: async (_args, context) => {
        signal = context.signal;
        chat.stop();
        return "too late";
      },
    });
    const time = tool({
      name: "get_time",
      parameters: z.object({ city: z.string() }),
      execute: () => "noon",
    });
    const error = await runTools(client, { session: chat, input: question, tools: [slow, time] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(signal?.aborted).toBe(true);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(chat.getSnapshot()).toMatchObject({ status: "ready", error: undefined });
    // The tool results are kept; the next call was never answered.
    expect(chat.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "tool"]);

    const other = new ChatSession(client);
    const run = runTools(client, {
      session: other,
      input: question,
      tools: meetingTools().tools,
      stream: true,
    });
    for await (const _chunk of run) break; // leaving the loop aborts the run
    await expect(run).rejects.toBeInstanceOf(RequestAbortedError);
    expect(other.getSnapshot().status).toBe("ready");

    const again = runTools(client, { session: chat, input: "and now?", tools: [time], stream: true });
    again.abort();
    await expect(again.final()).rejects.toBeInstanceOf(RequestAbortedError);
    expect(chat.busy).toBe(false);
  });

  test("a session that is generating a reply is refused at the call", async () => {
    const { client } = recordingClient();
    const chat = new ChatSession(client);
    const stream = chat.sendStream("Hello");
    const t = tool({ name: "get_time", parameters: z.object({}), execute: () => "now" });
    expect(() => runTools(client, { session: chat, input: "x", tools: [t] })).toThrow(
      /session is generating a reply/,
    );
    await stream.final();
  });
});
