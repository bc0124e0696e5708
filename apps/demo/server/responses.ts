import type { IncomingMessage, ServerResponse } from "node:http";
import { positionAfter, requestedCuts, startRun, streamRun } from "./background.ts";
import { nowSeconds, resolveDelay, type ServerContext, type StoredResponse } from "./context.ts";
import type { StreamFault } from "./faults.ts";
import { HttpError, type JsonObject, optionalString, requireModel, sendJson } from "./http.ts";
import {
  composeReply,
  composeToolAnswer,
  contentText,
  countTokens,
  planToolCall,
  splitEvery,
  splitPieces,
  type ToolSpec,
} from "./replies.ts";
import { sseFrame, writeFrames, writeJsonBody } from "./sse.ts";

type Item = Record<string, unknown>;

/** `input` as a list of items: a string is one user message. */
function inputItems(body: JsonObject): Item[] {
  const input = body.input;
  if (input === undefined || input === null) {
    throw new HttpError(400, "Missing required parameter: 'input'.", {
      param: "input",
      code: "missing_required_parameter",
    });
  }
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  if (!Array.isArray(input)) {
    throw new HttpError(400, "Invalid 'input': expected a string or an array of input items.", {
      param: "input",
      code: "invalid_type",
    });
  }
  return input.map((item, i) => {
    if (!item || typeof item !== "object") {
      throw new HttpError(400, `Invalid 'input[${i}]': expected an object.`, { param: `input[${i}]` });
    }
    return item as Item;
  });
}

/** Tools in the Responses form `{ type: "function", name, parameters }`. */
function responsesTools(body: JsonObject): ToolSpec[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((t: unknown) => {
    const tool = t as (ToolSpec & { type?: string }) | null;
    return tool && tool.type === "function" && typeof tool.name === "string" ? [tool] : [];
  });
}

function itemText(item: Item): string {
  if (item.type === "function_call_output") return String(item.output ?? "");
  if (item.type === "function_call") return String(item.arguments ?? "");
  return contentText(item.content);
}

/** Builds the response object OpenAI sends (every field present, in its order). */
function baseResponse(
  id: string,
  body: JsonObject,
  model: string,
  previous: string | undefined,
  tools: unknown[],
): Item {
  return {
    id,
    object: "response",
    created_at: nowSeconds(),
    status: "in_progress",
    background: body.background === true,
    error: null,
    incomplete_details: null,
    instructions: optionalString(body, "instructions") ?? null,
    max_output_tokens: typeof body.max_output_tokens === "number" ? body.max_output_tokens : null,
    model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: previous ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: body.store !== false,
    temperature: typeof body.temperature === "number" ? body.temperature : 1,
    text: { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools,
    top_p: typeof body.top_p === "number" ? body.top_p : 1,
    truncation: "disabled",
    usage: null,
    user: null,
    metadata: (body.metadata as object | undefined) ?? {},
  };
}

/** `POST /v1/responses`: JSON, or the real event stream (`event: <type>` / `data: <json>`, no [DONE]). */
export async function handleCreateResponse(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: JsonObject,
  fault: StreamFault | undefined,
): Promise<void> {
  const model = requireModel(body);
  const input = inputItems(body);
  const previousId = optionalString(body, "previous_response_id");
  let history: unknown[] = [];
  if (previousId) {
    const previous = ctx.responses.get(previousId);
    if (!previous) {
      throw new HttpError(404, `Previous response with id '${previousId}' not found.`, {
        param: "previous_response_id",
        code: "previous_response_not_found",
      });
    }
    history = previous.history;
  }
  const conversation = [...history, ...input] as Item[];
  const tools = responsesTools(body);
  const id = ctx.newId("resp_");
  const response = baseResponse(id, body, model, previousId, Array.isArray(body.tools) ? body.tools : []);

  // Decide the output: a final answer to a tool result, a function call, or text.
  const last = input[input.length - 1]!;
  let outputItem: Item | undefined;
  let pieces: string[];
  let incomplete = false;
  if (last.type === "function_call_output") {
    const call = conversation.find((it) => it.type === "function_call" && it.call_id === last.call_id);
    pieces = splitPieces(composeToolAnswer(call?.name as string | undefined, String(last.output ?? "")));
  } else {
    const user = [...conversation].reverse().find((it) => it.role === "user");
    const userText = user ? contentText(user.content) : "";
    const call = planToolCall(tools, body.tool_choice, userText);
    if (call) {
      pieces = splitEvery(call.arguments, 6);
      outputItem = {
        id: ctx.newId("fc_"),
        type: "function_call",
        status: "completed",
        arguments: call.arguments,
        call_id: ctx.newId("call_"),
        name: call.name,
      };
    } else {
      pieces = splitPieces(composeReply(userText));
    }
  }
  const limit = typeof body.max_output_tokens === "number" ? Math.floor(body.max_output_tokens) : undefined;
  if (limit !== undefined && limit > 0 && pieces.length > limit) {
    pieces = pieces.slice(0, limit);
    incomplete = true;
  }
  const text = pieces.join("");
  outputItem ??= {
    id: ctx.newId("msg_"),
    type: "message",
    status: incomplete ? "incomplete" : "completed",
    role: "assistant",
    content: [{ type: "output_text", annotations: [], logprobs: [], text }],
  };
  const inputTokens =
    conversation.reduce((sum, it) => sum + 3 + countTokens(itemText(it)), 0) +
    countTokens(String(response.instructions ?? ""));
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: pieces.length,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + pieces.length,
  };
  const final: Item = {
    ...response,
    status: incomplete ? "incomplete" : "completed",
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    output: [outputItem],
    usage,
  };
  const stored: StoredResponse = { response: final, history: [...conversation, outputItem] };
  if (response.store) ctx.responses.set(id, stored);

  if (body.background === true && body.stream !== true) {
    // Background: answer "queued" now, complete later (unless cancelled meanwhile).
    stored.response = { ...response, status: "queued" };
    const finish = () => {
      stored.response = final;
      stored.timer = undefined;
      ctx.cleanups.delete(cancelTimer);
    };
    const cancelTimer = () => clearTimeout(stored.timer);
    stored.timer = setTimeout(finish, Math.max(50, resolveDelay(ctx, req, model) * pieces.length));
    ctx.cleanups.add(cancelTimer);
    ctx.responses.set(id, stored);
    sendJson(res, 200, stored.response);
    return;
  }

  if (body.stream !== true) {
    await writeJsonBody(ctx, res, final, fault);
    return;
  }

  let seq = 0;
  const event = (type: string, data: Item) => sseFrame({ type, sequence_number: seq++, ...data }, type);
  const frames: string[] = [];
  frames.push(event("response.created", { response }));
  frames.push(event("response.in_progress", { response }));
  const itemId = outputItem.id as string;
  if (outputItem.type === "function_call") {
    frames.push(
      event("response.output_item.added", {
        output_index: 0,
        item: { ...outputItem, arguments: "", status: "in_progress" },
      }),
    );
    for (const delta of pieces) {
      frames.push(
        event("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta }),
      );
    }
    frames.push(
      event("response.function_call_arguments.done", {
        item_id: itemId,
        output_index: 0,
        arguments: outputItem.arguments,
      }),
    );
  } else {
    const part = { type: "output_text", annotations: [], logprobs: [], text: "" };
    frames.push(
      event("response.output_item.added", {
        output_index: 0,
        item: { ...outputItem, status: "in_progress", content: [] },
      }),
    );
    frames.push(
      event("response.content_part.added", { item_id: itemId, output_index: 0, content_index: 0, part }),
    );
    for (const delta of pieces) {
      frames.push(
        event("response.output_text.delta", {
          item_id: itemId,
          output_index: 0,
          content_index: 0,
          delta,
          logprobs: [],
        }),
      );
    }
    frames.push(
      event("response.output_text.done", {
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        text,
        logprobs: [],
      }),
    );
    frames.push(
      event("response.content_part.done", {
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        part: { ...part, text },
      }),
    );
  }
  frames.push(event("response.output_item.done", { output_index: 0, item: outputItem }));
  frames.push(event(incomplete ? "response.incomplete" : "response.completed", { response: final }));

  if (body.background === true) {
    // Produced on the server's clock; this connection is only the first reader (background.ts).
    const cuts = requestedCuts(req);
    stored.response = response;
    ctx.responses.set(id, stored);
    const run = startRun(ctx, stored, frames, resolveDelay(ctx, req, model), () => {
      stored.response = final;
    });
    await streamRun(ctx, req, res, run, 0, cuts);
    return;
  }

  await writeFrames(ctx, req, res, frames, {
    delayMs: resolveDelay(ctx, req, model),
    fault,
    errorFrames: (sent) => {
      const error = {
        type: "server_error",
        code: "server_error",
        message: "The oaikit demo server sent an error event in the middle of the stream (fault injection).",
        param: null,
      };
      const failed = {
        ...response,
        status: "failed",
        error: { code: error.code, message: error.message },
      };
      stored.response = failed;
      return [
        sseFrame({ type: "error", sequence_number: sent, error }, "error"),
        sseFrame({ type: "response.failed", sequence_number: sent + 1, response: failed }, "response.failed"),
      ];
    },
  });
}

function stored(ctx: ServerContext, id: string): StoredResponse {
  const entry = ctx.responses.get(id);
  if (!entry) {
    throw new HttpError(404, `Response with id '${id}' not found.`, { param: "response_id" });
  }
  return entry;
}

/**
 * `GET /v1/responses/:id`: the response as it stands; with `?stream=true`, a background streaming
 * response's events after `starting_after` (all of them without it), live until it ends.
 */
export async function handleGetResponse(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
): Promise<void> {
  const entry = stored(ctx, id);
  const stream = url.searchParams.get("stream");
  if (stream !== "true") {
    sendJson(res, 200, entry.response);
    return;
  }
  if (!entry.run) {
    throw new HttpError(
      400,
      "Only responses created with background=true and stream=true can be streamed again.",
      { param: "stream" },
    );
  }
  const after = url.searchParams.get("starting_after");
  let from = 0;
  if (after !== null) {
    const value = Number(after);
    if (after.trim() === "" || !Number.isInteger(value) || value < 0) {
      throw new HttpError(400, `Invalid 'starting_after': expected an integer >= 0, got '${after}'.`, {
        param: "starting_after",
        code: "invalid_type",
      });
    }
    from = positionAfter(entry.run, value);
  }
  await streamRun(ctx, req, res, entry.run, from, requestedCuts(req));
}

/** `DELETE /v1/responses/:id`. */
export function handleDeleteResponse(ctx: ServerContext, res: ServerResponse, id: string): void {
  const entry = stored(ctx, id);
  clearTimeout(entry.timer);
  ctx.responses.delete(id);
  sendJson(res, 200, { id, object: "response", deleted: true });
}

/** `POST /v1/responses/:id/cancel`: only background responses can be cancelled, as at OpenAI. */
export function handleCancelResponse(ctx: ServerContext, res: ServerResponse, id: string): void {
  const entry = stored(ctx, id);
  if (entry.response.background !== true) {
    throw new HttpError(400, "Only responses created with background=true can be cancelled.", {
      param: "response_id",
    });
  }
  if (entry.timer) {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.response = { ...entry.response, status: "cancelled" };
  }
  if (entry.run && !entry.run.finished) {
    // The events stop; connections reading them end after the last one produced (no terminal event).
    entry.run.stop();
    entry.response = { ...entry.response, status: "cancelled" };
  }
  sendJson(res, 200, entry.response);
}
