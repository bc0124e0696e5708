// Background streaming responses on the demo server (background.ts): events produced whether or not a
// client reads, streams resumed from a cursor, the cut knob, cancel; generated replies and a recording.
import { describe, expect, it } from "vitest";
import { post, readSse, useDemoServer } from "./test-utils.ts";

const demo = useDemoServer();

type Event = Record<string, unknown> & { type: string; sequence_number: number };
const RECORDING = "33-openai-responses-reasoning-function-call.sse";

/** Reads an SSE body whatever happens to the connection: the events that arrived and how it ended. */
async function readAll(res: Response): Promise<{ events: Event[]; raw: string; failed: boolean }> {
  try {
    const { events, raw } = await readSse(res);
    return { events: events.map((e) => JSON.parse(e.data) as Event), raw, failed: false };
  } catch {
    return { events: [], raw: "", failed: true };
  }
}

/** The events of a body cut mid-way: complete frames only (the half frame after the cut is dropped). */
async function readCut(res: Response): Promise<Event[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // reset: the connection closed mid-body
  }
  return text
    .split("\n\n")
    .slice(0, -1)
    .map((frame) => JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as Event);
}

/** The response id the first event names. */
function responseId(events: Event[]): string {
  return (events[0]?.response as { id: string } | undefined)?.id ?? "";
}

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${demo.url}/v1${path}`, { headers: { "x-oaikit-delay": "0", ...headers } });
}

describe("background streaming responses", () => {
  it("a cut connection leaves the response running; GET ?stream=true&starting_after=N gives the rest", async () => {
    const whole = await readAll(
      await post(demo.url, "/responses", {
        model: "oaikit-local",
        input: "Hi",
        stream: true,
        background: true,
      }),
    );
    expect(whole.events.at(-1)?.type).toBe("response.completed");

    const res = await post(
      demo.url,
      "/responses",
      { model: "oaikit-local", input: "Hi", stream: true, background: true },
      { "x-oaikit-cut-after": "4" },
    );
    const first = await readCut(res);
    expect(first.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3]);
    const id = responseId(first);
    const rest = await readAll(await get(`/responses/${id}?stream=true&starting_after=3`));
    expect(rest.events[0]?.sequence_number).toBe(4);
    const joined = [...first, ...rest.events];
    expect(joined.map((e) => e.type)).toEqual(whole.events.map((e) => e.type));
    expect(joined.map((e) => e.sequence_number)).toEqual(joined.map((_, i) => i));
    // The stored response is the completed one.
    const stored = (await (await get(`/responses/${id}`)).json()) as { status: string; background: boolean };
    expect(stored).toMatchObject({ status: "completed", background: true });
    // Without starting_after: every event again.
    const again = await readAll(await get(`/responses/${id}?stream=true`));
    expect(again.events.map((e) => e.sequence_number)).toEqual(joined.map((e) => e.sequence_number));
  });

  it("a recording runs as a background response under its own id, cut at each kind", async () => {
    const model = `replay:${RECORDING}`;
    const body = { model, input: "x", stream: true, background: true };
    const whole = await readAll(await post(demo.url, "/responses", body));
    expect(whole.events).toHaveLength(14);
    const id = responseId(whole.events);
    for (const kind of ["reset", "end"]) {
      const cut = await readCut(
        await post(demo.url, "/responses", body, { "x-oaikit-cut-after": `5:${kind}` }),
      );
      expect(cut.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4]);
      const rest = await readAll(await get(`/responses/${id}?stream=true&starting_after=4`));
      expect([...cut, ...rest.events]).toEqual(whole.events);
    }
    // A stall: the events stop, the connection stays open until the client leaves.
    const controller = new AbortController();
    const stalled = await fetch(`${demo.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-oaikit-delay": "0", "x-oaikit-cut-after": "2:stall" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const reader = (stalled.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while ((text.match(/\n\n/g) ?? []).length < 2)
      text += new TextDecoder().decode((await reader.read()).value);
    const next = await Promise.race([
      reader.read().then(() => "more"),
      new Promise((resolve) => setTimeout(() => resolve("stalled"), 300)),
    ]);
    expect(next).toBe("stalled");
    controller.abort();
  });

  it("cuts apply to the connection that sends that event, so a list cuts a stream again and again", async () => {
    const body = { model: `replay:${RECORDING}`, input: "x", stream: true, background: true };
    const headers = { "x-oaikit-cut-after": "1,2,3" };
    const seen = await readCut(await post(demo.url, "/responses", body, headers));
    const id = responseId(seen);
    for (const expected of [[1], [2], [3, 4, 5]]) {
      const res = await get(
        `/responses/${id}?stream=true&starting_after=${seen.at(-1)?.sequence_number}`,
        headers,
      );
      const part = expected.length === 1 ? await readCut(res) : (await readAll(res)).events;
      expect(part.slice(0, expected.length).map((e) => e.sequence_number)).toEqual(expected);
      seen.push(...part);
    }
    expect(seen.map((e) => e.sequence_number)).toEqual(seen.map((_, i) => i));
    expect(seen.at(-1)?.type).toBe("response.completed");
  });

  it("cancel stops the events; the connection ends without a terminal event and the response says cancelled", async () => {
    const res = await post(
      demo.url,
      "/responses",
      { model: "oaikit-local", input: "Tell me a long story about streams", stream: true, background: true },
      { "x-oaikit-delay": "30" },
    );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    const id = /"id":"(resp_[^"]+)"/.exec(text)?.[1] as string;
    const cancelled = await fetch(`${demo.url}/v1/responses/${id}/cancel`, { method: "POST" });
    expect(((await cancelled.json()) as { status: string }).status).toBe("cancelled");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).not.toContain("response.completed");
    const stored = (await (await get(`/responses/${id}`)).json()) as { status: string };
    expect(stored.status).toBe("cancelled");
  });

  it("refuses what OpenAI refuses: a stream of a response created without stream, a cursor past the end, a bad knob", async () => {
    const created = (await (
      await post(demo.url, "/responses", { model: "oaikit-local", input: "Hi", background: true })
    ).json()) as { id: string; status: string };
    expect(created.status).toBe("queued");
    const refused = await get(`/responses/${created.id}?stream=true`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe("stream");

    const whole = await readAll(
      await post(demo.url, "/responses", {
        model: `replay:${RECORDING}`,
        input: "x",
        stream: true,
        background: true,
      }),
    );
    const id = responseId(whole.events);
    for (const after of ["14", "-1", "x"]) {
      const res = await get(`/responses/${id}?stream=true&starting_after=${after}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe("starting_after");
    }
    const last = await readAll(await get(`/responses/${id}?stream=true&starting_after=13`));
    expect(last.events).toEqual([]);
    const badKnob = await post(
      demo.url,
      "/responses",
      { model: "oaikit-local", input: "Hi", stream: true, background: true },
      { "x-oaikit-cut-after": "0" },
    );
    expect(badKnob.status).toBe(400);
    expect(await badKnob.text()).toContain("x-oaikit-cut-after");
    expect((await get("/responses/resp_nope?stream=true")).status).toBe(404);
  });
});
