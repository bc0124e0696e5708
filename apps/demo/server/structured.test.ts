import { describe, expect, it } from "vitest";
import { payloads, post, readSse, useDemoServer } from "./test-utils.ts";

const demo = useDemoServer();

const schema = {
  type: "object",
  properties: {
    city: { type: "string" },
    celsius: { type: "integer", minimum: -10, maximum: 40 },
    sky: { enum: ["clear", "clouds"] },
    tags: { type: "array", items: { type: "string" }, minItems: 2 },
    note: { anyOf: [{ type: "null" }, { $ref: "#/$defs/Note" }] },
  },
  required: ["city", "celsius", "sky", "tags", "note"],
  additionalProperties: false,
  $defs: { Note: { type: "object", properties: { text: { type: "string" } }, required: ["text"] } },
};
const chatFormat = { type: "json_schema", json_schema: { name: "weather", schema, strict: true } };
const fn = (name: string) => ({
  type: "function",
  function: { name, parameters: { type: "object", properties: { city: { type: "string" } } } },
});

describe("structured answers", () => {
  it("chat: JSON built from the schema ($ref, anyOf, enum, bounds), the same every time", async () => {
    const body = {
      model: "oaikit-local",
      messages: [{ role: "user", content: "Weather in Lisbon" }],
      response_format: chatFormat,
    };
    const first = await (await post(demo.url, "/chat/completions", body)).json();
    const again = await (await post(demo.url, "/chat/completions", body)).json();
    const answer = JSON.parse(first.choices[0].message.content);
    expect(answer.city).toBe("Lisbon");
    expect(answer.celsius).toBeGreaterThanOrEqual(-10);
    expect(answer.celsius).toBeLessThanOrEqual(40);
    expect(answer.sky).toBe("clear");
    expect(answer.tags).toHaveLength(2);
    expect(typeof answer.note.text).toBe("string");
    expect(again.choices[0].message.content).toBe(first.choices[0].message.content);
    expect(first.choices[0].finish_reason).toBe("stop");
  });

  it("chat, streamed: the refusal streams in delta.refusal", async () => {
    const res = await post(demo.url, "/chat/completions", {
      model: "oaikit-local",
      stream: true,
      messages: [{ role: "user", content: "Please refuse" }],
      response_format: chatFormat,
    });
    const chunks = payloads<{ choices: { delta: { refusal?: string; content?: string | null } }[] }>(
      (await readSse(res)).events,
    );
    const refusal = chunks.map((c) => c.choices[0]?.delta.refusal ?? "").join("");
    expect(refusal).toBe("I'm sorry, but I can't help with that request.");
    expect(
      chunks.some(
        (c) => typeof c.choices[0]?.delta.content === "string" && c.choices[0].delta.content !== "",
      ),
    ).toBe(false);
  });

  it("responses: text.format gives a stored message; prose for 'not json'; a refusal part when asked", async () => {
    const format = { format: { type: "json_schema", name: "weather", schema, strict: true } };
    const ok = await (
      await post(demo.url, "/responses", { model: "oaikit-local", input: "Weather in Porto", text: format })
    ).json();
    expect(JSON.parse(ok.output[0].content[0].text).city).toBe("Porto");
    const stored = await (await fetch(`${demo.url}/v1/responses/${ok.id}`)).json();
    expect(stored.output).toEqual(ok.output);
    const prose = await (
      await post(demo.url, "/responses", { model: "oaikit-local", input: "not json", text: format })
    ).json();
    expect(() => JSON.parse(prose.output[0].content[0].text)).toThrow();
    const res = await post(demo.url, "/responses", {
      model: "oaikit-local",
      input: "refuse",
      text: format,
      stream: true,
    });
    const events = payloads<{ type: string; delta?: string }>((await readSse(res)).events);
    expect(
      events
        .filter((e) => e.type === "response.refusal.delta")
        .map((e) => e.delta)
        .join(""),
    ).toContain("can't help");
    expect(events[events.length - 1]?.type).toBe("response.completed");
  });
});

describe("scripted tool calls", () => {
  it("chat: two tools named → two parallel calls; parallel_tool_calls: false → one", async () => {
    const messages = [{ role: "user", content: "The weather and the time in Paris" }];
    const tools = [fn("get_weather"), fn("get_time")];
    const both = await (
      await post(demo.url, "/chat/completions", { model: "oaikit-local", messages, tools })
    ).json();
    const calls = both.choices[0].message.tool_calls;
    expect(calls.map((c: { function: { name: string } }) => c.function.name)).toEqual([
      "get_weather",
      "get_time",
    ]);
    expect(JSON.parse(calls[0].function.arguments)).toEqual({ city: "Paris" });
    expect(both.choices[0].finish_reason).toBe("tool_calls");
    const one = await (
      await post(demo.url, "/chat/completions", {
        model: "oaikit-local",
        messages,
        tools,
        parallel_tool_calls: false,
      })
    ).json();
    expect(one.choices[0].message.tool_calls).toHaveLength(1);
    // The results of both → an answer quoting both.
    const answer = await (
      await post(demo.url, "/chat/completions", {
        model: "oaikit-local",
        tools,
        messages: [
          ...messages,
          both.choices[0].message,
          { role: "tool", tool_call_id: calls[0].id, content: "sunny" },
          { role: "tool", tool_call_id: calls[1].id, content: "noon" },
        ],
      })
    ).json();
    expect(answer.choices[0].message.content).toContain("`get_weather` returned sunny");
    expect(answer.choices[0].message.content).toContain("`get_time` returned noon");
  });

  it("responses, streamed: tool_choice required after results calls again, chained by previous_response_id", async () => {
    const tools = [{ type: "function", name: "get_time", parameters: { type: "object", properties: {} } }];
    const first = await (
      await post(demo.url, "/responses", { model: "oaikit-local", input: "What time is it?", tools })
    ).json();
    expect(first.output[0].type).toBe("function_call");
    const res = await post(demo.url, "/responses", {
      model: "oaikit-local",
      stream: true,
      tools,
      tool_choice: "required",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: first.output[0].call_id, output: "noon" }],
    });
    const events = payloads<{ type: string; response?: { output: { type: string; name: string }[] } }>(
      (await readSse(res)).events,
    );
    const done = events.find((e) => e.type === "response.completed");
    expect(done?.response?.output.map((o) => [o.type, o.name])).toEqual([["function_call", "get_time"]]);
    expect(events.some((e) => e.type === "response.function_call_arguments.delta")).toBe(true);
  });

  it("leaves plain requests to the other handlers", async () => {
    const res = await (
      await post(demo.url, "/chat/completions", {
        model: "oaikit-local",
        messages: [{ role: "user", content: "Hello" }],
      })
    ).json();
    expect(res.choices[0].message.content).toContain("Echo from the local server");
  });
});
