/**
 * Structured outputs and scripted tool calls, for both APIs, streamed or not. Takes a request over
 * from the plain handlers only when it needs what they lack:
 *
 * - a JSON-schema format (`response_format` / `text.format`): the answer is JSON built from the schema
 *   (a place after "in"/"for"/"at" in the user's message fills place-like strings). Words in the user's
 *   message script the other outcomes: "refuse" → a refusal, "not json" → prose instead of JSON,
 *   "wrong shape" → JSON that the schema rejects;
 * - tools, when the user's message names two or more of them: one call each, in parallel
 *   (`parallel_tool_calls: false` keeps the first); with `tool_choice: "required"` after tool results,
 *   the same calls again (a model that never stops calling, for step limits); after two or more
 *   results, an answer that quotes them all.
 *
 * Everything else (one tool call, plain text) stays with chat.ts and responses.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { nowSeconds, resolveDelay, type ServerContext } from "./context.ts";
import type { StreamFault } from "./faults.ts";
import { HttpError, type JsonObject } from "./http.ts";
import { contentText, hash, splitEvery, type ToolSpec } from "./replies.ts";
import { DONE_FRAME, sseFrame, streamErrorFrame, writeFrames, writeJsonBody } from "./sse.ts";

type Item = Record<string, unknown>;
type Call = { id: string; name: string; arguments: string };

/** What the scripted model answers. */
interface Plan {
  text?: string;
  refusal?: string;
  calls?: Call[];
}

/** A request, the same for both APIs. */
interface Turn {
  userText: string;
  tools: ToolSpec[];
  /** The tool results at the end of the conversation, with the name of the tool each answers. */
  results: { name: string; output: string }[];
  schema: JsonObject | undefined;
}

const record = (value: unknown): Item | undefined =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Item) : undefined;

/** Handles `route` when the request is one of this module's; false leaves it to the plain handlers. */
export async function handleStructured(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  body: JsonObject,
  fault: StreamFault | undefined,
): Promise<boolean> {
  if (typeof body.model !== "string" || body.model === "") return false;
  if (route === "chat/completions" && Array.isArray(body.messages) && body.messages.length > 0) {
    const turn = chatTurn(body);
    const plan = turn && planTurn(ctx, turn, body);
    if (!plan) return false;
    await sendChat(ctx, req, res, body, plan, fault);
    return true;
  }
  if (route === "responses" && (typeof body.input === "string" || Array.isArray(body.input))) {
    const previousId = typeof body.previous_response_id === "string" ? body.previous_response_id : undefined;
    const history = previousId ? ctx.responses.get(previousId)?.history : [];
    if (!history) {
      throw new HttpError(404, `Previous response with id '${previousId}' not found.`, {
        param: "previous_response_id",
        code: "previous_response_not_found",
      });
    }
    const input: Item[] =
      typeof body.input === "string"
        ? [{ type: "message", role: "user", content: body.input }]
        : (body.input as unknown[]).flatMap((item) => (record(item) ? [record(item) as Item] : []));
    const conversation = [...(history as Item[]), ...input];
    const plan = planTurn(ctx, responsesTurn(body, conversation, input), body);
    if (!plan) return false;
    await sendResponse(ctx, req, res, body, plan, conversation, fault);
    return true;
  }
  return false;
}

// ------------------------------------------------------------------ the scripted model

function chatTurn(body: JsonObject): Turn | undefined {
  const messages = body.messages as Item[];
  if (!messages.every((m) => record(m) && typeof m.role === "string")) return undefined;
  const calls = messages.flatMap((m) => (Array.isArray(m.tool_calls) ? (m.tool_calls as Item[]) : []));
  const results: Turn["results"] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === "tool"; i--) {
    const m = messages[i] as Item;
    const call = calls.find((c) => c.id === m.tool_call_id);
    results.unshift({ name: String(record(call?.function)?.name ?? ""), output: contentText(m.content) });
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) => {
    const fn = record(record(t)?.function);
    return fn && typeof fn.name === "string" ? [fn as unknown as ToolSpec] : [];
  });
  const format = record(body.response_format);
  const schema = format?.type === "json_schema" ? record(record(format.json_schema)?.schema) : undefined;
  const user = [...messages].reverse().find((m) => m.role === "user");
  return { userText: contentText(user?.content), tools, results, schema };
}

function responsesTurn(body: JsonObject, conversation: Item[], input: Item[]): Turn {
  const results: Turn["results"] = [];
  for (let i = input.length - 1; i >= 0 && input[i]?.type === "function_call_output"; i--) {
    const item = input[i] as Item;
    const call = conversation.find((c) => c.type === "function_call" && c.call_id === item.call_id);
    results.unshift({ name: String(call?.name ?? ""), output: String(item.output ?? "") });
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) => {
    const tool = record(t);
    return tool?.type === "function" && typeof tool.name === "string" ? [tool as unknown as ToolSpec] : [];
  });
  const format = record(record(body.text)?.format);
  const schema = format?.type === "json_schema" ? record(format.schema) : undefined;
  const user = [...conversation].reverse().find((item) => item.role === "user");
  return { userText: contentText(user?.content), tools, results, schema };
}

/** The tools the message names (by full name, or by a word of the name longer than 3 letters). */
function mentioned(tools: ToolSpec[], text: string): ToolSpec[] {
  const lower = text.toLowerCase();
  return tools.filter((tool) => {
    const words = tool.name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 3);
    return lower.includes(tool.name.toLowerCase()) || words.some((w) => lower.includes(w));
  });
}

function planTurn(ctx: ServerContext, turn: Turn, body: JsonObject): Plan | undefined {
  const call = (tool: ToolSpec): Call => ({
    id: ctx.newId("call_"),
    name: tool.name,
    arguments: JSON.stringify(valueFor(tool.parameters, turn.userText, tool.name)),
  });
  if (turn.results.length > 0) {
    if (body.tool_choice === "required" && turn.tools.length > 0) {
      const again = turn.tools.filter((t) => turn.results.some((r) => r.name === t.name));
      return { calls: (again.length ? again : turn.tools.slice(0, 1)).map(call) };
    }
    if (turn.schema) return answer(turn);
    if (turn.results.length < 2) return undefined;
    const lines = turn.results.map((r) => `- \`${r.name}\` returned ${r.output}`);
    return { text: ["The tools returned:", "", ...lines, "", "That is everything I found."].join("\n") };
  }
  const named = mentioned(turn.tools, turn.userText);
  if (named.length >= 2 && body.tool_choice !== "none") {
    return { calls: (body.parallel_tool_calls === false ? named.slice(0, 1) : named).map(call) };
  }
  if (!turn.schema) return undefined;
  if (named.length === 1 && body.tool_choice !== "none") return { calls: [call(named[0] as ToolSpec)] };
  return answer(turn);
}

/** The structured answer, or the outcome the user's message scripts. */
function answer(turn: Turn): Plan {
  const text = turn.userText;
  if (/\brefuse\b/i.test(text)) return { refusal: "I'm sorry, but I can't help with that request." };
  if (/\bnot json\b/i.test(text)) return { text: "Sure! It is sunny and 21 degrees, a fine day for a walk." };
  if (/\bwrong shape\b/i.test(text)) return { text: JSON.stringify({ wrong: "shape" }) };
  return { text: JSON.stringify(valueFor(turn.schema, text, "answer")) };
}

/** A value that matches `schema`, derived from the message and the property names (deterministic). */
function valueFor(schema: unknown, text: string, key: string, root = schema, depth = 0): unknown {
  const s = record(schema);
  if (!s || depth > 8) return null;
  if (typeof s.$ref === "string" && s.$ref.startsWith("#/")) {
    const target = s.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>((node, k) => record(node)?.[k], root);
    return valueFor(target, text, key, root, depth + 1);
  }
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const options = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : []) as unknown[];
  if (options.length > 0) {
    const chosen = options.find((o) => record(o)?.type !== "null") ?? options[0];
    return valueFor(chosen, text, key, root, depth + 1);
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const type = types.find((t) => t !== "null") ?? types[0] ?? (record(s.properties) ? "object" : "string");
  switch (type) {
    case "object": {
      const out: Item = {};
      for (const [k, v] of Object.entries(record(s.properties) ?? {}))
        out[k] = valueFor(v, text, k, root, depth + 1);
      return out;
    }
    case "array": {
      const count = Math.max(1, typeof s.minItems === "number" ? s.minItems : 0);
      return Array.from({ length: count }, (_, i) => valueFor(s.items, text, `${key}${i}`, root, depth + 1));
    }
    case "integer":
    case "number": {
      const min = typeof s.minimum === "number" ? s.minimum : 0;
      const max = typeof s.maximum === "number" ? s.maximum : min + 30;
      return Math.floor(min + (hash(key + text) % (max - min + 1)));
    }
    case "boolean":
      return hash(key) % 2 === 0;
    case "null":
      return null;
    default: {
      if (/city|location|place|country|region|town/i.test(key)) {
        return /\b(?:in|at|for)\s+([A-Z][\p{L}-]+(?:\s+[A-Z][\p{L}-]+)?)/u.exec(text)?.[1] ?? "Paris";
      }
      const flat = text.replace(/\s+/g, " ").trim().slice(0, 40);
      return `${key.replace(/_/g, " ")} for "${flat}"`;
    }
  }
}

// ------------------------------------------------------------------ the wire formats

function usage(prompt: string, pieces: number) {
  const input = prompt.split(/\s+/).filter(Boolean).length + 3;
  return { input, output: pieces, total: input + pieces };
}

async function sendChat(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: JsonObject,
  plan: Plan,
  fault: StreamFault | undefined,
): Promise<void> {
  const model = body.model as string;
  const id = ctx.newId("chatcmpl-");
  const created = nowSeconds();
  const pieces = splitEvery(plan.text ?? plan.refusal ?? "", 8);
  const count = usage(JSON.stringify(body.messages), plan.calls ? plan.calls.length * 4 : pieces.length);
  const wireUsage = {
    prompt_tokens: count.input,
    completion_tokens: count.output,
    total_tokens: count.total,
  };
  const finish = plan.calls ? "tool_calls" : "stop";
  const toolCalls = plan.calls?.map((c) => ({
    id: c.id,
    type: "function",
    function: { name: c.name, arguments: c.arguments },
  }));
  if (body.stream !== true) {
    const message = {
      role: "assistant",
      content: plan.text ?? null,
      refusal: plan.refusal ?? null,
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
      annotations: [],
    };
    const choices = [{ index: 0, message, logprobs: null, finish_reason: finish }];
    await writeJsonBody(
      ctx,
      res,
      { id, object: "chat.completion", created, model, choices, usage: wireUsage },
      fault,
    );
    return;
  }
  const includeUsage = record(body.stream_options)?.include_usage === true;
  const chunk = (delta: Item, finishReason: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const frames = [
    sseFrame(chunk({ role: "assistant", content: plan.text === undefined ? null : "", refusal: null })),
  ];
  if (plan.calls) {
    plan.calls.forEach((c, index) => {
      const head = { index, id: c.id, type: "function", function: { name: c.name, arguments: "" } };
      frames.push(sseFrame(chunk({ tool_calls: [head] })));
      for (const piece of splitEvery(c.arguments, 8)) {
        frames.push(sseFrame(chunk({ tool_calls: [{ index, function: { arguments: piece } }] })));
      }
    });
  } else {
    const field = plan.refusal === undefined ? "content" : "refusal";
    for (const piece of pieces) frames.push(sseFrame(chunk({ [field]: piece })));
  }
  frames.push(sseFrame(chunk({}, finish)));
  if (includeUsage) frames.push(sseFrame({ ...chunk({}), choices: [], usage: wireUsage }));
  frames.push(DONE_FRAME);
  await writeFrames(ctx, req, res, frames, {
    delayMs: resolveDelay(ctx, req, model),
    fault,
    errorFrames: () => [streamErrorFrame("The oaikit demo server sent an error event (fault injection).")],
  });
}

async function sendResponse(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: JsonObject,
  plan: Plan,
  conversation: Item[],
  fault: StreamFault | undefined,
): Promise<void> {
  const model = body.model as string;
  const id = ctx.newId("resp_");
  const pieces = splitEvery(plan.text ?? plan.refusal ?? "", 8);
  const part =
    plan.refusal === undefined
      ? { type: "output_text", annotations: [], logprobs: [], text: plan.text ?? "" }
      : { type: "refusal", refusal: plan.refusal };
  const output: Item[] = plan.calls
    ? plan.calls.map((c) => ({
        id: ctx.newId("fc_"),
        type: "function_call",
        status: "completed",
        arguments: c.arguments,
        call_id: c.id,
        name: c.name,
      }))
    : [{ id: ctx.newId("msg_"), type: "message", status: "completed", role: "assistant", content: [part] }];
  const count = usage(JSON.stringify(conversation), plan.calls ? plan.calls.length * 4 : pieces.length);
  const base = {
    id,
    object: "response",
    created_at: nowSeconds(),
    status: "in_progress",
    error: null,
    incomplete_details: null,
    model,
    output: [] as Item[],
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: typeof body.previous_response_id === "string" ? body.previous_response_id : null,
    store: body.store !== false,
    text: record(body.text) ?? { format: { type: "text" } },
    tools: Array.isArray(body.tools) ? body.tools : [],
    usage: null,
  };
  const final = {
    ...base,
    status: "completed",
    output,
    usage: { input_tokens: count.input, output_tokens: count.output, total_tokens: count.total },
  };
  if (base.store) ctx.responses.set(id, { response: final, history: [...conversation, ...output] });
  if (body.stream !== true) {
    await writeJsonBody(ctx, res, final, fault);
    return;
  }
  let seq = 0;
  const event = (type: string, data: Item) => sseFrame({ type, sequence_number: seq++, ...data }, type);
  const frames = [
    event("response.created", { response: base }),
    event("response.in_progress", { response: base }),
  ];
  output.forEach((item, index) => {
    const at = { item_id: item.id, output_index: index };
    if (item.type === "function_call") {
      frames.push(
        event("response.output_item.added", {
          output_index: index,
          item: { ...item, arguments: "", status: "in_progress" },
        }),
      );
      for (const delta of splitEvery(String(item.arguments), 8)) {
        frames.push(event("response.function_call_arguments.delta", { ...at, delta }));
      }
      frames.push(event("response.function_call_arguments.done", { ...at, arguments: item.arguments }));
    } else {
      const kind = plan.refusal === undefined ? "output_text" : "refusal";
      const empty = kind === "refusal" ? { type: "refusal", refusal: "" } : { ...part, text: "" };
      frames.push(
        event("response.output_item.added", {
          output_index: index,
          item: { ...item, status: "in_progress", content: [] },
        }),
      );
      frames.push(event("response.content_part.added", { ...at, content_index: 0, part: empty }));
      for (const delta of pieces)
        frames.push(event(`response.${kind}.delta`, { ...at, content_index: 0, delta }));
      const done = kind === "refusal" ? { refusal: plan.refusal } : { text: plan.text };
      frames.push(event(`response.${kind}.done`, { ...at, content_index: 0, ...done }));
      frames.push(event("response.content_part.done", { ...at, content_index: 0, part }));
    }
    frames.push(event("response.output_item.done", { output_index: index, item }));
  });
  frames.push(event("response.completed", { response: final }));
  await writeFrames(ctx, req, res, frames, { delayMs: resolveDelay(ctx, req, model), fault });
}
