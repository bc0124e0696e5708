import type { IncomingMessage, ServerResponse } from "node:http";
import { nowSeconds, resolveDelay, type ServerContext } from "./context.ts";
import type { StreamFault } from "./faults.ts";
import { HttpError, type JsonObject, requireModel, sendJson } from "./http.ts";
import { tinyPng } from "./png.ts";
import { composeCompletion, countTokens, hash, splitPieces } from "./replies.ts";
import { DONE_FRAME, sseFrame, streamErrorFrame, writeFrames, writeJsonBody } from "./sse.ts";

/** The models `GET /v1/models` lists. Any other name is accepted too (and `fault:`/`replay:` ones). */
export const DEMO_MODELS = ["oaikit-local", "oaikit-local-slow", "oaikit-embed", "oaikit-moderation"];

/** `GET /v1/models` and `GET /v1/models/:id`. */
export function handleModels(res: ServerResponse, id?: string): void {
  const model = (name: string) => ({ id: name, object: "model", created: 1767225600, owned_by: "oaikit" });
  if (id !== undefined) {
    sendJson(res, 200, model(id));
    return;
  }
  sendJson(res, 200, { object: "list", data: DEMO_MODELS.map(model) });
}

function stringList(value: unknown, param: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0) {
    return value.map((v, i) => {
      if (typeof v === "string") return v;
      if (Array.isArray(v) && v.every((n) => typeof n === "number")) return v.join(" ");
      throw new HttpError(400, `Invalid '${param}[${i}]': expected a string or an array of token ids.`, {
        param,
      });
    });
  }
  throw new HttpError(
    400,
    value === undefined
      ? `Missing required parameter: '${param}'.`
      : `Invalid '${param}': expected a string or a non-empty array.`,
    { param, code: value === undefined ? "missing_required_parameter" : "invalid_type" },
  );
}

/** `POST /v1/completions` (legacy text completions), JSON or stream. */
export async function handleCompletions(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: JsonObject,
  fault: StreamFault | undefined,
): Promise<void> {
  const model = requireModel(body);
  const prompts = stringList(body.prompt, "prompt");
  const prompt = prompts[0]!;
  let pieces = splitPieces(composeCompletion(prompt));
  const limit = typeof body.max_tokens === "number" ? body.max_tokens : undefined;
  const truncated = limit !== undefined && limit > 0 && pieces.length > limit;
  if (truncated) pieces = pieces.slice(0, limit);
  const finish = truncated ? "length" : "stop";
  const id = ctx.newId("cmpl-");
  const created = nowSeconds();
  const promptTokens = countTokens(prompt);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: pieces.length,
    total_tokens: promptTokens + pieces.length,
  };
  if (body.stream !== true) {
    const choice = { text: pieces.join(""), index: 0, logprobs: null, finish_reason: finish };
    await writeJsonBody(
      ctx,
      res,
      { id, object: "text_completion", created, model, choices: [choice], usage, system_fingerprint: null },
      fault,
    );
    return;
  }
  const includeUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (text: string, finishReason: string | null) => ({
    id,
    object: "text_completion",
    created,
    choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
    model,
    system_fingerprint: null,
    ...(includeUsage ? { usage: null } : {}),
  });
  const frames = pieces.map((piece) => sseFrame(chunk(piece, null)));
  frames.push(sseFrame(chunk("", finish)));
  if (includeUsage) {
    frames.push(sseFrame({ id, object: "text_completion", created, choices: [], model, usage }));
  }
  frames.push(DONE_FRAME);
  await writeFrames(ctx, req, res, frames, {
    delayMs: resolveDelay(ctx, req, model),
    fault,
    errorFrames: () => [streamErrorFrame("Injected error event.")],
  });
}

/** A deterministic unit vector for a text: the same text always gives the same vector. */
export function embed(text: string, dimensions: number): number[] {
  let state = hash(text) || 1;
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    // xorshift32: cheap, stable across runs and platforms.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    raw.push(state / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.round((v / norm) * 1e6) / 1e6);
}

/** `POST /v1/embeddings`: small deterministic vectors (16 dimensions unless `dimensions` says). */
export function handleEmbeddings(res: ServerResponse, body: JsonObject): void {
  const model = requireModel(body);
  const inputs = stringList(body.input, "input");
  const dims = body.dimensions === undefined ? 16 : body.dimensions;
  if (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1 || dims > 4096) {
    throw new HttpError(400, "Invalid 'dimensions': expected an integer between 1 and 4096.", {
      param: "dimensions",
    });
  }
  const base64 = body.encoding_format === "base64";
  const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  sendJson(res, 200, {
    object: "list",
    data: inputs.map((text, index) => {
      const vector = embed(text, dims);
      return {
        object: "embedding",
        index,
        embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector,
      };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

const MODERATION_CATEGORIES: Record<string, RegExp | null> = {
  harassment: /\b(idiot|stupid|loser)\b/i,
  "harassment/threatening": null,
  hate: /\bhate\b/i,
  "hate/threatening": null,
  illicit: /\b(steal|hack into)\b/i,
  "illicit/violent": null,
  "self-harm": null,
  "self-harm/intent": null,
  "self-harm/instructions": null,
  sexual: null,
  "sexual/minors": null,
  violence: /\b(kill|attack|hurt)\b/i,
  "violence/graphic": null,
};

/** `POST /v1/moderations`: flags a few obvious words, deterministically. */
export function handleModerations(ctx: ServerContext, res: ServerResponse, body: JsonObject): void {
  const inputs = stringList(body.input, "input");
  const model = typeof body.model === "string" ? body.model : "omni-moderation-latest";
  sendJson(res, 200, {
    id: ctx.newId("modr-"),
    model,
    results: inputs.map((text) => {
      const categories: Record<string, boolean> = {};
      const scores: Record<string, number> = {};
      const applied: Record<string, string[]> = {};
      for (const [name, pattern] of Object.entries(MODERATION_CATEGORIES)) {
        const hit = pattern?.test(text) ?? false;
        categories[name] = hit;
        scores[name] = hit ? 0.91 : Math.round(((hash(name + text) % 1000) / 1e6) * 1e6) / 1e6;
        applied[name] = ["text"];
      }
      return {
        flagged: Object.values(categories).some(Boolean),
        categories,
        category_scores: scores,
        category_applied_input_types: applied,
      };
    }),
  });
}

/** `POST /v1/images/generations`: `n` tiny valid PNGs, coloured from the prompt, as b64_json (or data: URLs). */
export function handleImages(res: ServerResponse, body: JsonObject): void {
  const prompt = body.prompt;
  if (typeof prompt !== "string" || prompt.trim() === "") {
    throw new HttpError(400, "Missing required parameter: 'prompt'.", {
      param: "prompt",
      code: "missing_required_parameter",
    });
  }
  const n = typeof body.n === "number" && body.n >= 1 && body.n <= 10 ? Math.floor(body.n) : 1;
  const asUrl = body.response_format === "url";
  sendJson(res, 200, {
    created: nowSeconds(),
    data: Array.from({ length: n }, (_, i) => {
      const b64 = tinyPng(hash(`${prompt}#${i}`)).toString("base64");
      return asUrl
        ? { url: `data:image/png;base64,${b64}`, revised_prompt: prompt }
        : { b64_json: b64, revised_prompt: prompt };
    }),
    usage: {
      input_tokens: countTokens(prompt),
      output_tokens: 16 * n,
      total_tokens: countTokens(prompt) + 16 * n,
      input_tokens_details: { text_tokens: countTokens(prompt), image_tokens: 0 },
    },
  });
}
