// Realistic streamed bodies for the throughput benchmarks, built once into Buffers.
// The shapes follow recorded OpenAI traffic (shared/conformance 09 and 32, with the fields that
// api.openai.com sends today: service_tier, system_fingerprint, logprobs, obfuscation,
// sequence_number), so a client parses what it would parse in production.

// Mostly ASCII tokens with some multi-byte UTF-8, like real model output.
const TOKENS = [
  " The",
  " quick",
  " brown",
  " fox",
  " jumps",
  " over",
  " the",
  " lazy",
  " dog",
  ".",
  "\n\n",
  " Temperature",
  ":",
  " 18",
  "°C",
  " —",
  " café",
  " naïve",
  " résumé",
  " 東京",
  " 🙂",
  ",",
  " and",
  " then",
  " it",
  " continues",
  " with",
  " more",
  " words",
  " to",
  " stream",
  "!",
];

/** Deterministic pseudo-random padding, like OpenAI's `obfuscation` field (variable length). */
function obfuscation(i) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const length = 3 + ((i * 7919) % 13);
  let out = "";
  for (let k = 0; k < length; k++) out += alphabet[(i * 31 + k * 17) % alphabet.length];
  return out;
}

/** The token streamed at position i. */
export function tokenAt(i) {
  return TOKENS[(i * 13 + (i >> 3)) % TOKENS.length];
}

/** The full text of an n-token stream (what every client must aggregate). */
export function expectedText(n) {
  let text = "";
  for (let i = 0; i < n; i++) text += tokenAt(i);
  return text;
}

const sse = (data) => `data: ${JSON.stringify(data)}\n\n`;
const sseEvent = (data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * A Chat Completions stream of n content deltas: a role chunk, n content chunks, a finish chunk,
 * a usage chunk with empty choices, and `data: [DONE]`.
 */
export function chatBody(n) {
  const head = {
    id: "chatcmpl-Bq7X1yRk3bUeVmHt8cPzNd2Lw9sfA",
    object: "chat.completion.chunk",
    created: 1784728648,
    model: "gpt-4.1-2025-04-14",
    service_tier: "default",
    system_fingerprint: "fp_b3f1157249",
  };
  const parts = [
    sse({
      ...head,
      choices: [
        {
          index: 0,
          delta: { role: "assistant", content: "", refusal: null },
          logprobs: null,
          finish_reason: null,
        },
      ],
      usage: null,
      obfuscation: obfuscation(0),
    }),
  ];
  for (let i = 0; i < n; i++) {
    parts.push(
      sse({
        ...head,
        choices: [{ index: 0, delta: { content: tokenAt(i) }, logprobs: null, finish_reason: null }],
        usage: null,
        obfuscation: obfuscation(i + 1),
      }),
    );
  }
  parts.push(
    sse({
      ...head,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
      usage: null,
      obfuscation: obfuscation(n + 1),
    }),
    sse({
      ...head,
      choices: [],
      usage: {
        prompt_tokens: 25,
        completion_tokens: n,
        total_tokens: n + 25,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      obfuscation: obfuscation(n + 2),
    }),
    "data: [DONE]\n\n",
  );
  return Buffer.from(parts.join(""));
}

/**
 * A Responses API stream of n output_text deltas, in the real wire form (`event:` + `data:`, no
 * [DONE]): created, in_progress, output_item.added, content_part.added, the deltas,
 * output_text.done, content_part.done, output_item.done, completed (with the whole response).
 */
export function responsesBody(n) {
  const respId = "resp_68a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3";
  const msgId = "msg_68a1c2d3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d";
  let seq = 0;
  const response = (status, output, usage) => ({
    id: respId,
    object: "response",
    created_at: 1784728648,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: "gpt-4.1-2025-04-14",
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: "default",
    store: true,
    temperature: 1.0,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_logprobs: 0,
    top_p: 1.0,
    truncation: "disabled",
    usage,
    user: null,
    metadata: {},
  });
  const parts = [
    sseEvent({
      type: "response.created",
      sequence_number: seq++,
      response: response("in_progress", [], null),
    }),
    sseEvent({
      type: "response.in_progress",
      sequence_number: seq++,
      response: response("in_progress", [], null),
    }),
    sseEvent({
      type: "response.output_item.added",
      sequence_number: seq++,
      output_index: 0,
      item: { id: msgId, type: "message", status: "in_progress", content: [], role: "assistant" },
    }),
    sseEvent({
      type: "response.content_part.added",
      sequence_number: seq++,
      item_id: msgId,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", annotations: [], logprobs: [], text: "" },
    }),
  ];
  for (let i = 0; i < n; i++) {
    parts.push(
      sseEvent({
        type: "response.output_text.delta",
        sequence_number: seq++,
        item_id: msgId,
        output_index: 0,
        content_index: 0,
        delta: tokenAt(i),
        logprobs: [],
        obfuscation: obfuscation(i),
      }),
    );
  }
  const text = expectedText(n);
  const part = { type: "output_text", annotations: [], logprobs: [], text };
  const item = { id: msgId, type: "message", status: "completed", content: [part], role: "assistant" };
  parts.push(
    sseEvent({
      type: "response.output_text.done",
      sequence_number: seq++,
      item_id: msgId,
      output_index: 0,
      content_index: 0,
      text,
      logprobs: [],
    }),
    sseEvent({
      type: "response.content_part.done",
      sequence_number: seq++,
      item_id: msgId,
      output_index: 0,
      content_index: 0,
      part,
    }),
    sseEvent({ type: "response.output_item.done", sequence_number: seq++, output_index: 0, item }),
    sseEvent({
      type: "response.completed",
      sequence_number: seq++,
      response: response("completed", [item], {
        input_tokens: 25,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: n,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: n + 25,
      }),
    }),
  );
  return Buffer.from(parts.join(""));
}
