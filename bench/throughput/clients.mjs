// The clients the throughput benchmarks compare. Each consumes a whole stream through its
// library's usual streaming API, aggregates it, and returns { chunks, text } so the harness can
// check that every client saw every delta. `onDelta` (optional) fires once per content delta: the
// time-to-first-delta benchmark uses it.
import { createParser } from "eventsource-parser";

const MODEL = "gpt-4.1";
const MESSAGES = [{ role: "user", content: "Write a long story." }];
const noop = () => {};

/** The floor: fetch + eventsource-parser + JSON.parse + the minimal aggregate a caller needs. */
async function floorEvents(url, body, onData) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer bench" },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new Error(`floor: HTTP ${res.status}`);
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (event.data === "[DONE]") done = true;
      else onData(event.data);
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of res.body) parser.feed(decoder.decode(bytes, { stream: true }));
  parser.feed(decoder.decode());
  return done;
}

const floorOn = (events) => ({
  async chat(base, onDelta = noop) {
    let chunks = 0;
    let text = "";
    let finish = null;
    let usage = null;
    await events(
      `${base}/chat/completions`,
      { model: MODEL, messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
      (data) => {
        const chunk = JSON.parse(data);
        chunks++;
        const choice = chunk.choices[0];
        if (choice) {
          if (choice.delta.content) {
            text += choice.delta.content;
            onDelta(choice.delta.content);
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
        if (chunk.usage) usage = chunk.usage;
      },
    );
    if (!finish || !usage) throw new Error("floor: stream ended without finish_reason/usage");
    return { chunks, text };
  },
  async responses(base, onDelta = noop) {
    let chunks = 0;
    let text = "";
    let final = null;
    await events(
      `${base}/responses`,
      { model: MODEL, input: "Write a long story.", stream: true },
      (data) => {
        const event = JSON.parse(data);
        chunks++;
        if (event.type === "response.output_text.delta") {
          text += event.delta;
          onDelta(event.delta);
        } else if (event.type === "response.completed") final = event.response;
      },
    );
    if (!final) throw new Error("floor: no response.completed");
    return { chunks, text };
  },
});
const floor = floorOn(floorEvents);

/**
 * The floor's parsing on top of ky (what oaikit is built on) instead of bare fetch: the same aggregate,
 * the request sent by `ky.post` with ky's retries and timeout off. Shows what ky itself costs a request.
 */
let ky;
async function kyEvents(url, body, onData) {
  const res = await ky.post(url, {
    headers: { "content-type": "application/json", authorization: "Bearer bench" },
    body: JSON.stringify(body),
    retry: 0,
    timeout: false,
  });
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (event.data === "[DONE]") done = true;
      else onData(event.data);
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of res.body) parser.feed(decoder.decode(bytes, { stream: true }));
  parser.feed(decoder.decode());
  return done;
}

/** A reference, not a competitor: reads the whole body into memory first (what buffering costs). */
const bufferAll = {
  async chat(base, onDelta = noop) {
    const res = await fetch(`${base}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: MESSAGES, stream: true }),
    });
    const whole = await res.text();
    let chunks = 0;
    let text = "";
    createParser({
      onEvent(event) {
        if (event.data === "[DONE]") return;
        const chunk = JSON.parse(event.data);
        chunks++;
        const content = chunk.choices[0]?.delta.content;
        if (content) {
          text += content;
          onDelta(content);
        }
      },
    }).feed(whole);
    return { chunks, text };
  },
  async responses(base, onDelta = noop) {
    const res = await fetch(`${base}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, input: "Write a long story.", stream: true }),
    });
    const whole = await res.text();
    let chunks = 0;
    let text = "";
    createParser({
      onEvent(event) {
        const e = JSON.parse(event.data);
        chunks++;
        if (e.type === "response.output_text.delta") {
          text += e.delta;
          onDelta(e.delta);
        }
      },
    }).feed(whole);
    return { chunks, text };
  },
};

/** The official SDK through its stream helpers (ChatCompletionStream / ResponseStream). */
let OpenAI;
function openaiClient(base) {
  return new OpenAI({ apiKey: "bench", baseURL: base, maxRetries: 0 });
}
const openaiHelpers = {
  async chat(base, onDelta = noop) {
    const stream = openaiClient(base).chat.completions.stream({
      model: MODEL,
      messages: MESSAGES,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      const content = chunk.choices[0]?.delta.content;
      if (content) onDelta(content);
    }
    const final = await stream.finalChatCompletion();
    return { chunks, text: final.choices[0].message.content ?? "" };
  },
  async responses(base, onDelta = noop) {
    const stream = openaiClient(base).responses.stream({ model: MODEL, input: "Write a long story." });
    let chunks = 0;
    for await (const event of stream) {
      chunks++;
      if (event.type === "response.output_text.delta") onDelta(event.delta);
    }
    const final = await stream.finalResponse();
    return { chunks, text: final.output_text };
  },
};

/** The official SDK's raw stream (`stream: true`) with a hand-written aggregate. */
const openaiRaw = {
  async chat(base, onDelta = noop) {
    const stream = await openaiClient(base).chat.completions.create({
      model: MODEL,
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    let text = "";
    for await (const chunk of stream) {
      chunks++;
      const content = chunk.choices[0]?.delta.content;
      if (content) {
        text += content;
        onDelta(content);
      }
    }
    return { chunks, text };
  },
  async responses(base, onDelta = noop) {
    const stream = await openaiClient(base).responses.create({
      model: MODEL,
      input: "Write a long story.",
      stream: true,
    });
    let chunks = 0;
    let text = "";
    for await (const event of stream) {
      chunks++;
      if (event.type === "response.output_text.delta") {
        text += event.delta;
        onDelta(event.delta);
      }
    }
    return { chunks, text };
  },
};

/**
 * oaikit, iterated, then final(). The lean path by default: `createClient` from the root entry and
 * `streamChatCompletion` / `streamResponse` from the area modules (`@oaikit/core/chat`, `/responses`),
 * what a page that only streams imports. `viaClass` goes through `new OpenAI(...)`'s delegates instead.
 */
async function oaikitClient({
  viaClass = false,
  finalOnly = false,
  dist = "../../packages/core/dist/",
} = {}) {
  const core = await import(`${dist}index.js`);
  const chatArea = await import(`${dist}api/chat.js`).catch(() => null);
  const responsesArea = await import(`${dist}api/responses.js`).catch(() => null);
  let chatStream;
  let responseStream;
  if (viaClass) {
    if (typeof core.OpenAI !== "function") return null;
    chatStream = (base, messages, params) =>
      new core.OpenAI(undefined, { baseURL: base, maxRetries: 0 }).streamChatCompletion(messages, params);
    responseStream = (base, input, params) =>
      new core.OpenAI(undefined, { baseURL: base, maxRetries: 0 }).streamResponse(input, params);
  } else {
    if (typeof core.createClient !== "function" || !chatArea || !responsesArea) return null;
    chatStream = (base, messages, params) =>
      chatArea.streamChatCompletion(
        core.createClient(undefined, { baseURL: base, maxRetries: 0 }),
        messages,
        params,
      );
    responseStream = (base, input, params) =>
      responsesArea.streamResponse(
        core.createClient(undefined, { baseURL: base, maxRetries: 0 }),
        input,
        params,
      );
  }
  if (finalOnly) {
    // No iteration: the aggregate alone (nothing is queued per chunk). No deltas reach the caller, so
    // this variant has no time to first delta.
    return {
      async chat(base) {
        const stream = chatStream(base, MESSAGES, { model: MODEL, stream_options: { include_usage: true } });
        const final = await stream.final();
        return { chunks: stream.diagnostics.events, text: final.choices[0].message.content ?? "" };
      },
      async responses(base) {
        const stream = responseStream(base, "Write a long story.", { model: MODEL });
        const final = await stream.final();
        return { chunks: stream.diagnostics.events, text: outputText(final) };
      },
    };
  }
  return {
    async chat(base, onDelta = noop) {
      const stream = chatStream(base, MESSAGES, { model: MODEL, stream_options: { include_usage: true } });
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        const content = chunk.choices[0]?.delta?.content;
        if (content) onDelta(content);
      }
      const final = await stream.final();
      return { chunks, text: final.choices[0].message.content ?? "" };
    },
    async responses(base, onDelta = noop) {
      const stream = responseStream(base, "Write a long story.", { model: MODEL });
      let chunks = 0;
      for await (const event of stream) {
        chunks++;
        if (event.type === "response.output_text.delta") onDelta(event.delta);
      }
      const final = await stream.final();
      return { chunks, text: outputText(final) };
    },
  };
}

/** The text of a final Responses object (its message items' parts). */
function outputText(final) {
  return final.output
    .filter((item) => item.type === "message")
    .flatMap((item) => item.content)
    .map((part) => part.text ?? "")
    .join("");
}

/** Loads one client by name; null when it is not available (oaikit's client not built yet). */
export async function loadClient(name) {
  switch (name) {
    case "oaikit":
      return oaikitClient();
    case "oaikit-class":
      return oaikitClient({ viaClass: true });
    case "oaikit-final":
      return oaikitClient({ finalOnly: true });
    case "openai":
      OpenAI = (await import("openai")).default;
      return openaiHelpers;
    case "openai-raw":
      OpenAI = (await import("openai")).default;
      return openaiRaw;
    case "floor":
      return floor;
    case "floor-ky":
      ky = (await import("ky")).default;
      return floorOn(kyEvents);
    case "buffer-all":
      return bufferAll;
    default:
      // `oaikit@<dist dir>/`: another build of @oaikit/core (A/B runs of an optimisation).
      if (name.startsWith("oaikit@")) return oaikitClient({ dist: `file://${name.slice(7)}` });
      throw new TypeError(`unknown client "${name}"`);
  }
}
