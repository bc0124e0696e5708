/**
 * Type tests of `client.call` (checked by `tsc` in the typecheck suite, never run): a route of the
 * OpenAPI document types its path, query, body, form and answer; a wrong one does not compile.
 */
import { speech, streamTranscription, transcribe } from "../src/api/audio.js";
import { createBatch } from "../src/api/batches.js";
import { multipart } from "../src/api/files.js";
import { paginate } from "../src/api/paginate.js";
import type { ApiResult, Client, Schemas } from "../src/index.js";

/** `Equal<A, B>` is `true` only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_: T): void {}

export async function callInference(client: Client, audio: Blob): Promise<void> {
  // The answer is the route's 2xx schema.
  const job = await client.call("GET /fine_tuning/jobs/{fine_tuning_job_id}", {
    path: { fine_tuning_job_id: "ftjob-abc" },
  });
  expectType<Equal<typeof job, ApiResult<Schemas["FineTuningJob"]>>>(true);
  if (job.ok) job.data.status satisfies string;

  // A JSON body is the route's request schema.
  const batch = await client.call("POST /batches", {
    body: { input_file_id: "file-abc", endpoint: "/v1/chat/completions", completion_window: "24h" },
  });
  expectType<Equal<typeof batch, ApiResult<Schemas["Batch"]>>>(true);

  // Query parameters are typed; a route with none required takes no init at all.
  const page = await client.call("GET /batches", { query: { limit: 10, after: "batch_abc" } });
  if (page.ok) page.data.data[0]?.id satisfies string | undefined;
  await client.call("GET /models");

  // A multipart body built with multipart() is checked against the route's multipart schema.
  const transcript = await client.call("POST /audio/transcriptions", {
    form: multipart({ file: audio, model: "whisper-1", response_format: "json" }),
  });
  if (transcript.ok) transcript.data satisfies object;
  // A plain FormData is accepted unchecked.
  await client.call("POST /audio/transcriptions", { form: new FormData() });

  // as: "blob" reads the answer as a Blob.
  const content = await client.call("GET /files/{file_id}/content", {
    path: { file_id: "file-abc" },
    as: "blob",
  });
  expectType<Equal<typeof content, ApiResult<Blob>>>(true);

  // A route the document lacks (a provider's own) is untyped; so is any route with a type argument.
  const credits = await client.call("GET /credits");
  expectType<Equal<typeof credits, ApiResult<unknown>>>(true);
  const mine = await client.call<{ id: string }>("POST /chat/completions", { body: { anything: true } });
  expectType<Equal<typeof mine, ApiResult<{ id: string }>>>(true);
}

export async function callMistakes(client: Client, audio: Blob): Promise<void> {
  // @ts-expect-error: the route's path parameter is required.
  await client.call("GET /fine_tuning/jobs/{fine_tuning_job_id}");
  // @ts-expect-error: a path parameter of another name.
  await client.call("GET /fine_tuning/jobs/{fine_tuning_job_id}", { path: { job_id: "ftjob-abc" } });
  // @ts-expect-error: the body is required.
  await client.call("POST /batches", {});
  // @ts-expect-error: a wrong body does not compile (completion_window is "24h").
  await client.call("POST /batches", {
    body: { input_file_id: "file-abc", endpoint: "/v1/chat/completions", completion_window: 24 },
  });
  // @ts-expect-error: a misspelt field of a JSON body does not compile.
  await client.call("POST /embeddings", {
    body: { model: "text-embedding-3-small", inputs: "hello" },
  });
  // @ts-expect-error: a message of an unknown role.
  await client.call("POST /chat/completions", {
    body: { model: "gpt-4.1", messages: [{ role: "robot", content: "Hi" }] },
  });
  // @ts-expect-error: a JSON body on a multipart route.
  await client.call("POST /audio/transcriptions", { body: { model: "whisper-1" } });
  // @ts-expect-error: a multipart field of the wrong type.
  await client.call("POST /audio/transcriptions", {
    form: multipart({ file: audio, model: 1 }),
  });
  // @ts-expect-error: a query parameter of the wrong type.
  await client.call("GET /batches", { query: { limit: "ten" } });
  // List and object query parameters are typed by the document (`include[]=...`, `metadata[key]=...`).
  await client.call("GET /responses/{response_id}", {
    path: { response_id: "resp_1" },
    query: { include: ["file_search_call.results"] },
  });
  await client.call("GET /fine_tuning/jobs", { query: { metadata: { team: "a" } } });
  // @ts-expect-error: not a value of the document's IncludeEnum.
  await client.call("GET /responses/{response_id}", {
    path: { response_id: "resp_1" },
    query: { include: ["everything"] },
  });
  // @ts-expect-error: a route is "METHOD /path".
  await client.call("models");
}

export async function paginateInference(client: Client): Promise<void> {
  // Items are typed by the list route.
  for await (const job of paginate(client, "GET /fine_tuning/jobs", { limit: 20 })) {
    expectType<Equal<typeof job, Schemas["FineTuningJob"]>>(true);
  }
  for await (const file of paginate(client, "GET /vector_stores/{vector_store_id}/files", {
    path: { vector_store_id: "vs_abc" },
    query: { filter: "completed" },
  })) {
    file.status satisfies "in_progress" | "completed" | "cancelled" | "failed";
  }
  // @ts-expect-error: /models is not cursor-paginated (no has_more).
  paginate(client, "GET /models");
  // @ts-expect-error: a list route's path parameter is required.
  paginate(client, "GET /vector_stores/{vector_store_id}/files");
  // A compatible server's own list: untyped.
  for await (const item of paginate<{ id: string }>(client, "GET /my/list")) item.id satisfies string;
}

export async function helperTypes(client: Client, clip: Blob): Promise<void> {
  const json = await transcribe(client, clip, { model: "gpt-4o-mini-transcribe" });
  if (json.ok && "text" in json.data) json.data.text satisfies string;
  const text = await transcribe(client, clip, { model: "whisper-1", response_format: "srt" });
  expectType<Equal<typeof text, ApiResult<string>>>(true);
  // @ts-expect-error: a voice is required for speech.
  await speech(client, "Hi", { model: "gpt-4o-mini-tts" });
  const stream = streamTranscription(client, clip, { model: "gpt-4o-mini-transcribe" });
  for await (const event of stream) if (event.type === "transcript.text.delta") event.delta satisfies string;
  // @ts-expect-error: completion_window is "24h".
  await createBatch(client, { input_file_id: "f", endpoint: "/v1/responses", completion_window: "1h" });
}
