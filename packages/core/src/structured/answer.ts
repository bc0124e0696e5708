/**
 * What both APIs share for a structured answer: the request's format built from the schema, and the
 * check of the answer (refusal, cut off, not JSON, schema) that turns its text into the typed value.
 */
import { InvalidAnswerError, RefusalError } from "../errors/errors.js";
import { type ResolvedSchema, resolveSchema, type SchemaInput } from "../schema/standard.js";
import type { ChatCompletion } from "../types/chat.js";
import type { ResponseObject } from "../types/responses.js";
import { describeValue } from "../utils/checks.js";

/** The options of a structured call, besides the API parameters. */
export interface StructuredOptions<S extends SchemaInput = SchemaInput> {
  /** The answer's schema: a Standard Schema with JSON Schema support (zod, arktype, valibot), or a JSON Schema. */
  schema: S;
  /** The format's name (letters, digits, `_` and `-`, up to 64); default `"response"`. */
  name?: string;
  /** What the answer is, for the model. */
  description?: string;
  /**
   * Strict mode (default true): the server holds the model to the schema. The schema sent then
   * lists every property as required and closes every object (an optional field becomes one the
   * model always fills: make it nullable to let it stay empty). `false` sends the schema as it is.
   */
  strict?: boolean;
}

/** The structured options read once, and the API parameters left over. */
export interface StructuredFormat {
  name: string;
  description: string | undefined;
  strict: boolean;
  schema: ResolvedSchema;
  params: Record<string, unknown>;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Splits a call's options into the format and the API parameters, checking them. */
export function structuredFormat(options: unknown, where: string): StructuredFormat {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `${where}: options must be an object with a \`schema\` (got ${describeValue(options)}).`,
    );
  }
  const {
    schema,
    name = "response",
    description,
    strict = true,
    ...params
  } = options as StructuredOptions & Record<string, unknown>;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(
      `${where}: name must be 1 to 64 letters, digits, "_" or "-" (got ${typeof name === "string" ? JSON.stringify(name) : describeValue(name)}).`,
    );
  }
  if (description !== undefined && typeof description !== "string") {
    throw new TypeError(`${where}: description must be a string (got ${describeValue(description)}).`);
  }
  if (typeof strict !== "boolean") {
    throw new TypeError(`${where}: strict must be true or false (got ${describeValue(strict)}).`);
  }
  return { name, description, strict, schema: resolveSchema(schema, strict, `${where}: schema`), params };
}

/** `{ name, description?, schema, strict }`: the part both APIs' formats share. */
export function formatBody(format: StructuredFormat): Record<string, unknown> {
  const body: Record<string, unknown> = { name: format.name };
  if (format.description !== undefined) body.description = format.description;
  body.schema = format.schema.json;
  body.strict = format.strict;
  return body;
}

/** What an answer said, read from either API's object. */
export interface AnswerText {
  text: string;
  refusal: string | undefined;
  /** Why it stopped early (`length`, `max_output_tokens`, ...), when it did. */
  incomplete: string | undefined;
}

/** Choice 0 of a `chat.completion`: its text, refusal and finish_reason. */
export function chatAnswer(completion: ChatCompletion): AnswerText {
  const choice = completion?.choices?.find((c) => c?.index === 0) ?? completion?.choices?.[0];
  const message = choice?.message;
  const content = message?.content;
  const text =
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("")
        : "";
  const finish = choice?.finish_reason;
  return {
    text,
    refusal: typeof message?.refusal === "string" && message.refusal !== "" ? message.refusal : undefined,
    incomplete: finish === "length" || finish === "content_filter" ? `finish_reason ${finish}` : undefined,
  };
}

/** The message items of a `response`: their output text and refusal parts; `status: incomplete`. */
export function responseAnswer(response: ResponseObject): AnswerText {
  let text = "";
  let refusal: string | undefined;
  for (const item of response?.output ?? []) {
    if (item?.type !== "message" || !Array.isArray(item.content)) continue;
    for (const part of item.content) {
      if (part?.type === "output_text" && typeof part.text === "string") text += part.text;
      else if (part?.type === "refusal" && typeof part.refusal === "string")
        refusal = (refusal ?? "") + part.refusal;
    }
  }
  const incomplete =
    response?.status === "incomplete"
      ? `status incomplete${response.incomplete_details?.reason ? `: ${response.incomplete_details.reason}` : ""}`
      : undefined;
  return { text, refusal, incomplete };
}

/**
 * The typed value of an answer, or the typed error: `RefusalError` for a refusal, `InvalidAnswerError`
 * for an answer cut off, not JSON, or rejected by the schema. `raw` is the object the errors carry.
 */
export async function parseAnswer(
  schema: ResolvedSchema,
  answer: AnswerText,
  raw: unknown,
): Promise<unknown> {
  if (answer.refusal !== undefined) throw new RefusalError(answer.refusal, raw);
  const { text } = answer;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (answer.incomplete)
      throw new InvalidAnswerError("incomplete", { text, raw, detail: answer.incomplete });
    throw new InvalidAnswerError("not-json", { text, raw });
  }
  const result = await schema.validate(value);
  if ("issues" in result) {
    if (answer.incomplete)
      throw new InvalidAnswerError("incomplete", { text, raw, detail: answer.incomplete });
    throw new InvalidAnswerError("schema", { text, raw, issues: result.issues });
  }
  return result.value;
}
