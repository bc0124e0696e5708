// Structured outputs against the demo server (apps/demo/server/structured.ts): the format each API
// sends, typed answers from zod, valibot, arktype and plain JSON Schemas, the refusal and the invalid
// answers as typed errors that keep the raw text, and streamed partial answers. Node and Chromium.
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, test } from "vitest";
import * as z from "zod";
import { recordingClient } from "../../test/recording-client.js";
import { APIError, createClient } from "../index.js";
import {
  type DeepPartial,
  InvalidAnswerError,
  jsonSchema,
  parseChatCompletion,
  parseResponse,
  RefusalError,
  streamParsedChatCompletion,
  streamParsedResponse,
} from "./index.js";

const Weather = z.object({
  city: z.string(),
  temperature: z.number().min(-50).max(50),
  conditions: z.enum(["sunny", "cloudy", "rain"]),
  hourly: z.array(z.object({ hour: z.number().int().min(0).max(23), note: z.string() })),
});
type Weather = z.infer<typeof Weather>;
const ask = (content: string) => [{ role: "user" as const, content }];

describe("parseChatCompletion / parseResponse", () => {
  test("zod: the request carries a strict json_schema format; the answer comes back typed", async () => {
    const { client, bodies } = recordingClient();
    const result = await parseChatCompletion(client, ask("What is the weather in Lyon?"), {
      schema: Weather,
      name: "weather",
      temperature: 0,
    });
    const weather: Weather = result.parsed;
    expect(weather.city).toBe("Lyon");
    expect(["sunny", "cloudy", "rain"]).toContain(weather.conditions);
    expect(result.text).toBe(JSON.stringify(weather));
    expect(result.completion.object).toBe("chat.completion");
    const format = bodies[0]?.response_format as { type: string; json_schema: Record<string, unknown> };
    expect(bodies[0]?.temperature).toBe(0);
    expect(format.type).toBe("json_schema");
    expect(format.json_schema).toMatchObject({ name: "weather", strict: true });
    const schema = format.json_schema.schema as Record<string, unknown>;
    expect(schema.$schema).toBeUndefined();
    expect(schema).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["city", "temperature", "conditions", "hourly"],
    });
  });

  test("the Responses API: text.format keeps the other text settings; valibot through toStandardJsonSchema", async () => {
    const { client, bodies } = recordingClient();
    const Answer = toStandardJsonSchema(v.object({ city: v.string(), population: v.number() }));
    const { parsed, response } = await parseResponse(client, "Facts about the city of Oslo", {
      schema: Answer,
      name: "facts",
      description: "Facts about a city",
      text: { verbosity: "low" },
    });
    const typed: { city: string; population: number } = parsed;
    expect(typeof typed.population).toBe("number");
    expect(response.status).toBe("completed");
    expect(bodies[0]?.text).toMatchObject({
      verbosity: "low",
      format: { type: "json_schema", name: "facts", description: "Facts about a city", strict: true },
    });
  });

  test("arktype and a plain JSON Schema (jsonSchema<T> for the type) both validate", async () => {
    const { client } = recordingClient();
    const Place = type({ city: "string", "rank?": "number" });
    const a = await parseResponse(client, "Describe the city in Rome", { schema: Place, name: "place" });
    expect(a.parsed.city).toBe("Rome");
    // strict mode made the optional field required, so the model filled it.
    expect(typeof a.parsed.rank).toBe("number");
    const Plain = jsonSchema<{ tags: string[] }>({
      type: "object",
      properties: { tags: { type: "array", items: { type: "string" }, minItems: 2 } },
      required: ["tags"],
    });
    const b = await parseChatCompletion(client, ask("Tag this"), { schema: Plain });
    expect(b.parsed.tags).toHaveLength(2);
    const raw = await parseChatCompletion(client, ask("Tag this"), {
      schema: { type: "object", properties: { ok: { type: "boolean" } } },
      strict: false,
    });
    expect(typeof (raw.parsed as { ok: unknown }).ok).toBe("boolean");
  });

  test("a refusal is a RefusalError with the model's text (both APIs)", async () => {
    const { client } = recordingClient();
    const chat = await parseChatCompletion(client, ask("Please refuse this"), { schema: Weather }).catch(
      (e) => e,
    );
    expect(chat).toBeInstanceOf(RefusalError);
    expect(chat.refusal).toBe("I'm sorry, but I can't help with that request.");
    expect(chat.message).toMatch(/refused.*error\.refusal/);
    const responses = await parseResponse(client, "refuse", { schema: Weather }).catch((e) => e);
    expect(responses).toBeInstanceOf(RefusalError);
    expect(responses.refusal).toBe(chat.refusal);
    expect(responses.raw.output[0].content[0].type).toBe("refusal");
  });

  test("prose instead of JSON, and JSON the schema rejects: InvalidAnswerError with the raw text", async () => {
    const { client } = recordingClient();
    const prose = await parseChatCompletion(client, ask("answer in not json please"), {
      schema: Weather,
    }).catch((e) => e);
    expect(prose).toBeInstanceOf(InvalidAnswerError);
    expect(prose.reason).toBe("not-json");
    expect(prose.text).toBe("Sure! It is sunny and 21 degrees, a fine day for a walk.");
    expect(prose.message).toMatch(/not valid JSON.*error\.text/);
    const shape = await parseResponse(client, "give me the wrong shape", { schema: Weather }).catch((e) => e);
    expect(shape).toBeInstanceOf(InvalidAnswerError);
    expect(shape.reason).toBe("schema");
    expect(shape.text).toBe('{"wrong":"shape"}');
    expect(shape.issues.map((i: { path?: PropertyKey[] }) => i.path?.[0])).toContain("city");
    expect(shape.message).toMatch(/does not match the schema: city: /);
  });

  test("an error status is an APIError; a schema that has no JSON form is a TypeError at the call", async () => {
    const { client } = recordingClient();
    const failing = createClient(undefined, { baseURL: client.baseURL, maxRetries: 0 });
    failing.defaultModel = "fault:401";
    await expect(parseChatCompletion(failing, ask("x"), { schema: Weather })).rejects.toBeInstanceOf(
      APIError,
    );
    expect(() => parseResponse(client, "x", { schema: z.date() })).toThrow(/JSON Schema/);
    expect(() => parseResponse(client, "x", { schema: v.object({ a: v.string() }) })).toThrow(
      /toStandardJsonSchema/,
    );
    expect(() => parseResponse(client, "x", { schema: Weather, name: "no spaces" })).toThrow(/name must be/);
  });
});

describe("streamParsedChatCompletion / streamParsedResponse", () => {
  test("Chat Completions: partial objects as the JSON streams, then the validated object", async () => {
    const { client } = recordingClient();
    const stream = streamParsedChatCompletion(client, ask("Weather in Nice"), {
      schema: Weather,
      name: "weather",
    });
    const seen: DeepPartial<Weather>[] = [];
    for await (const partial of stream) seen.push(partial);
    const { parsed, text } = await stream.final();
    expect(seen.length).toBeGreaterThan(5);
    expect(seen[seen.length - 1]).toBe(parsed);
    expect(parsed).toEqual(JSON.parse(text));
    // The city grows character by character (partial strings are shown).
    const cities = seen.map((p) => p.city).filter((c) => c !== undefined);
    expect(cities[0]?.length).toBeLessThan("Nice".length + 1);
    expect(cities).toContain("Nice");
    // Each partial is a new object; unchanged parts are shared.
    expect(new Set(seen).size).toBe(seen.length);
    const withHourly = seen.filter((p) => p.hourly?.[0]?.note !== undefined);
    expect(withHourly.length).toBeGreaterThan(1);
  });

  test("the Responses API streams too; final() alone (no iteration) gives the validated answer", async () => {
    const { client } = recordingClient();
    const partials: unknown[] = [];
    for await (const partial of streamParsedResponse(client, "Weather in Bergen", { schema: Weather })) {
      partials.push(partial);
    }
    expect((partials[partials.length - 1] as Weather).city).toBe("Bergen");
    const stream = streamParsedResponse(client, "Weather in Bergen", { schema: Weather });
    const { parsed, response } = await stream.final();
    expect(parsed).toEqual(partials[partials.length - 1]);
    expect(response.status).toBe("completed");
  });

  test("streamed refusal and invalid answers end the iteration with the typed errors", async () => {
    const { client } = recordingClient();
    const refusal = streamParsedResponse(client, "refuse", { schema: Weather });
    const iterate = async (stream: AsyncIterable<unknown>) => {
      for await (const _ of stream) {
        // read it all
      }
    };
    await expect(iterate(refusal)).rejects.toBeInstanceOf(RefusalError);
    const prose = streamParsedChatCompletion(client, ask("not json"), { schema: Weather });
    const error = await iterate(prose).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect(error.text).toContain("sunny and 21 degrees");
    await expect(
      streamParsedChatCompletion(client, ask("the wrong shape"), { schema: Weather }).final(),
    ).rejects.toMatchObject({ name: "InvalidAnswerError", reason: "schema" });
  });
});
