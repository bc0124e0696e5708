import { describe, expect, it } from "vitest";
import { post, readSse, useDemoServer } from "./test-utils.ts";

const demo = useDemoServer();

type Event = Record<string, unknown> & { type: string; sequence_number: number };
const capitalTool = {
  type: "function",
  name: "get_time",
  description: "Current time in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

async function streamEvents(body: Record<string, unknown>) {
  const res = await post(demo.url, "/responses", { ...body, stream: true });
  expect(res.status).toBe(200);
  const { events, raw } = await readSse(res);
  // Real wire form: every event is named, its name equals data.type, and there is no [DONE].
  expect(raw).not.toContain("[DONE]");
  const parsed = events.map((e) => {
    const data = JSON.parse(e.data) as Event;
    expect(e.event).toBe(data.type);
    return data;
  });
  expect(parsed.map((e) => e.sequence_number)).toEqual(parsed.map((_, i) => i));
  return parsed;
}

describe("POST /v1/responses", () => {
  it("streams created → in_progress → text deltas → completed, and the deltas add up to the final text", async () => {
    const events = await streamEvents({ model: "oaikit-local", input: "Hello Responses" });
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...events
        .filter((e) => e.type === "response.output_text.delta")
        .map(() => "response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const deltas = events
      .filter((e) => e.type === "response.output_text.delta")
      .map((e) => e.delta as string);
    expect(deltas.length).toBeGreaterThan(10);
    const done = events.find((e) => e.type === "response.output_text.done")!;
    expect(deltas.join("")).toBe(done.text);
    expect(done.text).toContain("> Hello Responses");
    const created = events[0]!.response as Record<string, unknown>;
    expect(created).toMatchObject({ object: "response", status: "in_progress", output: [], usage: null });
    const completed = events.at(-1)!.response as {
      id: string;
      status: string;
      output: { type: string; content: { type: string; text: string }[] }[];
      usage: { input_tokens: number; output_tokens: number; total_tokens: number };
    };
    expect(completed.id).toBe(created.id);
    expect(completed.status).toBe("completed");
    expect(completed.output[0]!.content[0]).toMatchObject({ type: "output_text", text: done.text });
    expect(completed.usage.output_tokens).toBe(deltas.length);
    expect(completed.usage.total_tokens).toBe(completed.usage.input_tokens + completed.usage.output_tokens);
  });

  it("returns the same response object without stream, and keeps it for GET", async () => {
    const res = await post(demo.url, "/responses", { model: "m", input: [{ role: "user", content: "Hi" }] });
    const body = await res.json();
    expect(body).toMatchObject({ object: "response", status: "completed", model: "m" });
    expect(body.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    const got = await fetch(`${demo.url}/v1/responses/${body.id}`);
    expect(await got.json()).toEqual(body);
  });

  it("streams a function call with arguments split over several deltas when tools are asked for", async () => {
    const events = await streamEvents({
      model: "m",
      input: "What time is it in Tokyo?",
      tools: [capitalTool],
    });
    const added = events.find((e) => e.type === "response.output_item.added")!.item as Record<
      string,
      unknown
    >;
    expect(added).toMatchObject({
      type: "function_call",
      name: "get_time",
      arguments: "",
      status: "in_progress",
    });
    const deltas = events.filter((e) => e.type === "response.function_call_arguments.delta");
    expect(deltas.length).toBeGreaterThan(2);
    const args = deltas.map((e) => e.delta).join("");
    expect(JSON.parse(args)).toEqual({ city: "Tokyo" });
    expect(events.find((e) => e.type === "response.function_call_arguments.done")!.arguments).toBe(args);
    const completed = events.at(-1)!.response as { output: Record<string, unknown>[] };
    expect(completed.output[0]).toMatchObject({
      type: "function_call",
      call_id: added.call_id,
      arguments: args,
    });
  });

  it("answers a function_call_output with a final text, following previous_response_id", async () => {
    const first = await (
      await post(demo.url, "/responses", { model: "m", input: "time in Oslo?", tools: [capitalTool] })
    ).json();
    const call = first.output[0];
    expect(call.type).toBe("function_call");
    const second = await (
      await post(demo.url, "/responses", {
        model: "m",
        previous_response_id: first.id,
        input: [{ type: "function_call_output", call_id: call.call_id, output: '{"time":"12:00"}' }],
      })
    ).json();
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output[0].content[0].text).toContain("`get_time`");
    expect(second.output[0].content[0].text).toContain("time is 12:00");
  });

  it("404s an unknown previous_response_id with OpenAI's code", async () => {
    const res = await post(demo.url, "/responses", {
      model: "m",
      input: "x",
      previous_response_id: "resp_nope",
    });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({
      param: "previous_response_id",
      code: "previous_response_not_found",
    });
  });

  it("ends with response.incomplete at max_output_tokens", async () => {
    const events = await streamEvents({ model: "m", input: "Hello", max_output_tokens: 4 });
    const last = events.at(-1)!;
    expect(last.type).toBe("response.incomplete");
    expect(last.response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    });
    expect(events.filter((e) => e.type === "response.output_text.delta")).toHaveLength(4);
  });

  it("deletes stored responses, and does not store with store: false", async () => {
    const body = await (await post(demo.url, "/responses", { model: "m", input: "x" })).json();
    const del = await fetch(`${demo.url}/v1/responses/${body.id}`, { method: "DELETE" });
    expect(await del.json()).toEqual({ id: body.id, object: "response", deleted: true });
    const gone = await fetch(`${demo.url}/v1/responses/${body.id}`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).error.message).toBe(`Response with id '${body.id}' not found.`);
    const unstored = await (
      await post(demo.url, "/responses", { model: "m", input: "x", store: false })
    ).json();
    expect((await fetch(`${demo.url}/v1/responses/${unstored.id}`)).status).toBe(404);
  });

  it("cancels a background response before it completes; refuses to cancel a foreground one", async () => {
    const bg = await (
      await post(
        demo.url,
        "/responses",
        { model: "m", input: "long", background: true },
        { "x-oaikit-delay": "50" },
      )
    ).json();
    expect(bg.status).toBe("queued");
    const cancelled = await fetch(`${demo.url}/v1/responses/${bg.id}/cancel`, { method: "POST" });
    expect((await cancelled.json()).status).toBe("cancelled");
    expect((await (await fetch(`${demo.url}/v1/responses/${bg.id}`)).json()).status).toBe("cancelled");

    const bg2 = await (
      await post(demo.url, "/responses", { model: "m", input: "hi", background: true })
    ).json();
    await new Promise((r) => setTimeout(r, 120));
    expect((await (await fetch(`${demo.url}/v1/responses/${bg2.id}`)).json()).status).toBe("completed");

    const fg = await (await post(demo.url, "/responses", { model: "m", input: "x" })).json();
    const refused = await fetch(`${demo.url}/v1/responses/${fg.id}/cancel`, { method: "POST" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toMatch(/background=true/);
  });

  it("requires input", async () => {
    const res = await post(demo.url, "/responses", { model: "m" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe("input");
  });
});
