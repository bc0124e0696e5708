import type { IncomingMessage, ServerResponse } from "node:http";
import { nowSeconds, resolveDelay, type ServerContext } from "./context.ts";
import type { StreamFault } from "./faults.ts";
import { HttpError, type JsonObject, requireModel } from "./http.ts";
import {
  composeReply,
  composeToolAnswer,
  contentText,
  countTokens,
  type PlannedToolCall,
  planToolCall,
  splitEvery,
  splitPieces,
  type ToolSpec,
} from "./replies.ts";
import { DONE_FRAME, sseFrame, streamErrorFrame, writeFrames, writeJsonBody } from "./sse.ts";

/** The system fingerprint every demo reply carries. */
export const FINGERPRINT = "fp_oaikit_demo";

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: { id?: string; function?: { name?: string } }[];
}

/** What the "model" answers: text pieces, or one tool call. */
interface ChatPlan {
  pieces: string[];
  toolCall?: PlannedToolCall & { id: string };
  finishReason: "stop" | "length" | "tool_calls";
  usage: ReturnType<typeof chatUsage>;
}

function validateMessages(body: JsonObject): ChatMessage[] {
  const messages = body.messages;
  if (messages === undefined) {
    throw new HttpError(400, "Missing required parameter: 'messages'.", {
      param: "messages",
      code: "missing_required_parameter",
    });
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new HttpError(400, "Invalid 'messages': expected a non-empty array of messages.", {
      param: "messages",
      code: messages === undefined || Array.isArray(messages) ? "empty_array" : "invalid_type",
    });
  }
  messages.forEach((m, i) => {
    if (!m || typeof m !== "object" || typeof (m as { role?: unknown }).role !== "string") {
      throw new HttpError(400, `Invalid 'messages[${i}]': each message needs a string 'role'.`, {
        param: `messages[${i}].role`,
      });
    }
  });
  return messages as ChatMessage[];
}

/** Tools in the Chat Completions form `{ type: "function", function: { name, ... } }`. */
function chatTools(body: JsonObject): ToolSpec[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((t: unknown) => {
    const fn = (t as { function?: ToolSpec } | null)?.function;
    return fn && typeof fn.name === "string" ? [fn] : [];
  });
}

function chatUsage(messages: ChatMessage[], completionTokens: number) {
  const prompt = messages.reduce((sum, m) => sum + 3 + countTokens(contentText(m.content)), 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function maxTokens(body: JsonObject): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === "number" && value > 0 ? Math.floor(value) : undefined;
}

function plan(ctx: ServerContext, body: JsonObject, messages: ChatMessage[]): ChatPlan {
  const last = messages[messages.length - 1]!;
  if (last.role === "tool") {
    const caller = [...messages]
      .reverse()
      .flatMap((m) => m.tool_calls ?? [])
      .find((c) => c.id === last.tool_call_id);
    return textPlan(body, messages, composeToolAnswer(caller?.function?.name, contentText(last.content)));
  }
  const user = [...messages].reverse().find((m) => m.role === "user");
  const userText = contentText(user?.content);
  const call = planToolCall(chatTools(body), body.tool_choice, userText);
  if (call) {
    const pieces = splitEvery(call.arguments, 6);
    return {
      pieces,
      toolCall: { ...call, id: ctx.newId("call_") },
      finishReason: "tool_calls",
      usage: chatUsage(messages, pieces.length + 1),
    };
  }
  return textPlan(body, messages, composeReply(userText));
}

function textPlan(body: JsonObject, messages: ChatMessage[], text: string): ChatPlan {
  let pieces = splitPieces(text);
  const limit = maxTokens(body);
  const truncated = limit !== undefined && pieces.length > limit;
  if (truncated) pieces = pieces.slice(0, limit);
  return { pieces, finishReason: truncated ? "length" : "stop", usage: chatUsage(messages, pieces.length) };
}

/** `POST /v1/chat/completions`: JSON or an SSE stream in OpenAI's exact chunk format. */
export async function handleChatCompletions(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: JsonObject,
  fault: StreamFault | undefined,
): Promise<void> {
  const model = requireModel(body);
  const messages = validateMessages(body);
  const p = plan(ctx, body, messages);
  const id = ctx.newId("chatcmpl-");
  const created = nowSeconds();

  if (body.stream !== true) {
    const message = p.toolCall
      ? {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: p.toolCall.id,
              type: "function",
              function: { name: p.toolCall.name, arguments: p.toolCall.arguments },
            },
          ],
          refusal: null,
          annotations: [],
        }
      : { role: "assistant", content: p.pieces.join(""), refusal: null, annotations: [] };
    await writeJsonBody(
      ctx,
      res,
      {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: p.finishReason }],
        usage: p.usage,
        service_tier: "default",
        system_fingerprint: FINGERPRINT,
      },
      fault,
    );
    return;
  }

  const includeUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    service_tier: "default",
    system_fingerprint: FINGERPRINT,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const frames: string[] = [];
  if (p.toolCall) {
    frames.push(sseFrame(chunk({ role: "assistant", content: null, refusal: null })));
    frames.push(
      sseFrame(
        chunk({
          tool_calls: [
            {
              index: 0,
              id: p.toolCall.id,
              type: "function",
              function: { name: p.toolCall.name, arguments: "" },
            },
          ],
        }),
      ),
    );
    for (const piece of p.pieces) {
      frames.push(sseFrame(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] })));
    }
  } else {
    frames.push(sseFrame(chunk({ role: "assistant", content: "", refusal: null })));
    for (const piece of p.pieces) frames.push(sseFrame(chunk({ content: piece })));
  }
  frames.push(sseFrame(chunk({}, p.finishReason)));
  // The usage chunk: the same envelope with no choices (keys keep their order).
  if (includeUsage) frames.push(sseFrame({ ...chunk({}), choices: [], usage: p.usage }));
  frames.push(DONE_FRAME);
  await writeFrames(ctx, req, res, frames, {
    delayMs: resolveDelay(ctx, req, model),
    fault,
    errorFrames: () => [
      streamErrorFrame(
        "The oaikit demo server sent an error event in the middle of the stream (fault injection).",
      ),
    ],
  });
}
