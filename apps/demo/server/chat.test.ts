import { describe, expect, it } from "vitest";
import { payloads, post, readSse, useDemoServer } from "./test-utils.ts";

const demo = useDemoServer();

interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: string;
      content?: string | null;
      tool_calls?: {
        index: number;
        id?: string;
        type?: string;
        function: { name?: string; arguments: string };
      }[];
    };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

const hello = [{ role: "user", content: "Hello there, demo server" }];
const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
      required: ["city"],
    },
  },
};

describe("POST /v1/chat/completions", () => {
  it("answers a non-streamed request with a chat.completion that echoes the message as Markdown", async () => {
    const res = await post(demo.url, "/chat/completions", { model: "oaikit-local", messages: hello });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const body = await res.json();
    expect(body).toMatchObject({ object: "chat.completion", model: "oaikit-local" });
    expect(body.id).toMatch(/^chatcmpl-/);
    const choice = body.choices[0];
    expect(choice.message.role).toBe("assistant");
    expect(choice.finish_reason).toBe("stop");
    expect(choice.message.content).toContain("> Hello there, demo server");
    expect(choice.message.content).toMatch(/^### /);
    expect(choice.message.content).not.toContain("```");
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it("is deterministic: the same conversation gets the same reply, another message a different one", async () => {
    const a = await (await post(demo.url, "/chat/completions", { model: "m", messages: hello })).json();
    const b = await (await post(demo.url, "/chat/completions", { model: "m", messages: hello })).json();
    const c = await (
      await post(demo.url, "/chat/completions", {
        model: "m",
        messages: [{ role: "user", content: "Other" }],
      })
    ).json();
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(a.id).not.toBe(b.id);
    expect(c.choices[0].message.content).not.toBe(a.choices[0].message.content);
  });

  it("adds a code block when the message asks for code, and reads text content parts", async () => {
    const res = await post(demo.url, "/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "Show me some code" }] }],
    });
    const content: string = (await res.json()).choices[0].message.content;
    expect(content).toMatch(/```ts\n[\s\S]+\n```/);
    expect(content).toContain("> Show me some code");
  });

  it("streams OpenAI's chunk format, with a usage-only final chunk and [DONE] when include_usage is set", async () => {
    const full = await (await post(demo.url, "/chat/completions", { model: "m", messages: hello })).json();
    const res = await post(demo.url, "/chat/completions", {
      model: "m",
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const { events, raw } = await readSse(res);
    expect(events.at(-1)?.data).toBe("[DONE]");
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    const chunks = payloads<Chunk>(events);
    expect(chunks.length).toBeGreaterThan(10);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    for (const c of chunks) {
      expect(c.object).toBe("chat.completion.chunk");
      expect(c.model).toBe("m");
      expect(typeof c.created).toBe("number");
      expect("usage" in c).toBe(true);
    }
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "", refusal: null });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(full.usage);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe(full.choices[0].message.content);
    // One chunk per word-ish piece: the stream is really split.
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(full.usage.completion_tokens);
  });

  it("sends no usage field at all without stream_options.include_usage", async () => {
    const res = await post(demo.url, "/chat/completions", { model: "m", messages: hello, stream: true });
    const chunks = payloads<Chunk>((await readSse(res)).events);
    expect(chunks.some((c) => "usage" in c)).toBe(false);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
  });

  it("streams a tool call with its arguments split over several chunks when the message asks for the weather", async () => {
    const res = await post(demo.url, "/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: "What is the weather in Berlin today?" }],
      tools: [weatherTool],
      stream: true,
    });
    const chunks = payloads<Chunk>((await readSse(res)).events);
    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: "assistant", content: null });
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(calls[0]!.id).toMatch(/^call_/);
    const argChunks = calls.slice(1);
    expect(argChunks.length).toBeGreaterThan(3);
    expect(argChunks.every((c) => c.index === 0 && c.id === undefined)).toBe(true);
    const args = JSON.parse(argChunks.map((c) => c.function.arguments).join(""));
    expect(args).toEqual({ city: "Berlin", unit: "celsius" });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("calls a tool for tool_choice required, never for none, and not when the message does not ask", async () => {
    const ask = (content: string, tool_choice?: unknown) =>
      post(demo.url, "/chat/completions", {
        model: "m",
        messages: [{ role: "user", content }],
        tools: [weatherTool],
        ...(tool_choice === undefined ? {} : { tool_choice }),
      }).then((r) => r.json());
    const required = await ask("Tell me a joke", "required");
    expect(required.choices[0].finish_reason).toBe("tool_calls");
    expect(required.choices[0].message.content).toBeNull();
    expect(required.choices[0].message.tool_calls[0].function.name).toBe("get_weather");
    expect((await ask("What's the weather?", "none")).choices[0].finish_reason).toBe("stop");
    expect((await ask("Tell me a joke")).choices[0].finish_reason).toBe("stop");
  });

  it("answers a tool result message with a final text that uses it", async () => {
    const res = await post(demo.url, "/chat/completions", {
      model: "m",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"temperature":18,"sky":"clear"}' },
      ],
    });
    const body = await res.json();
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.choices[0].message.content).toContain("`get_weather`");
    expect(body.choices[0].message.content).toContain("temperature is 18, sky is clear");
  });

  it("stops at max_tokens with finish_reason length", async () => {
    const body = await (
      await post(demo.url, "/chat/completions", { model: "m", messages: hello, max_completion_tokens: 3 })
    ).json();
    expect(body.choices[0].finish_reason).toBe("length");
    expect(body.usage.completion_tokens).toBe(3);
    expect(body.choices[0].message.content).toBe("### Echo from ");
  });

  it("rejects bad requests with OpenAI's error shape", async () => {
    const missing = await post(demo.url, "/chat/completions", { model: "m" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: {
        message: "Missing required parameter: 'messages'.",
        type: "invalid_request_error",
        param: "messages",
        code: "missing_required_parameter",
      },
    });
    const noModel = await post(demo.url, "/chat/completions", { messages: hello });
    expect((await noModel.json()).error.message).toBe("you must provide a model parameter");
    const badJson = await fetch(`${demo.url}/v1/chat/completions`, { method: "POST", body: "{nope" });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.message).toMatch(/could not parse the JSON body/);
    const unknown = await fetch(`${demo.url}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe("Invalid URL (GET /v1/nothing-here)");
  });

  it("answers CORS preflights from any origin and exposes the response headers", async () => {
    const pre = await fetch(`${demo.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    expect(pre.headers.get("access-control-allow-headers")).toBe("authorization,content-type");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    const res = await post(
      demo.url,
      "/chat/completions",
      { model: "m", messages: hello },
      { origin: "http://x.test" },
    );
    expect(res.headers.get("access-control-allow-origin")).toBe("http://x.test");
    expect(res.headers.get("access-control-expose-headers")).toContain("retry-after");
    await res.body?.cancel();
  });
});
