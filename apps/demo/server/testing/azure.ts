// Azure mode: an Azure OpenAI resource's URLs, headers and error bodies, under /__test/azure.
//
//   POST /azure                      → `{ id, endpoint }`: a fresh resource (its own recorded requests);
//                                      `endpoint` (under /__test) is what `azure({ endpoint })` takes
//   GET  /azure/<id>/requests        → what it received (`AzureRequest[]`: the recorded request, plus
//                                      the URL form, deployment and api-version it was read as)
//   ANY  /azure/<id>/openai/...      → Azure's routes, checked as Azure checks them:
//     - a key: `api-key`, or `Authorization: Bearer <Entra ID token>` (a token starting "expired" is refused
//       as an expired one), else 401 with Azure's body;
//     - the v1 API, `/openai/v1/<OpenAI path>`: `api-version` optional, "preview" or "latest" when given;
//     - the dated API: the model routes under `/openai/deployments/<deployment>/...`, the others under
//       `/openai/...`, each with a dated `api-version`, else 404 "Resource not found" (as Azure answers);
//     - a JSON body that says "[content-filter]" is refused with the recorded content-filter error (corpus
//       file 13); a streamed chat answers with the recorded Azure stream (file 12: prompt_filter_results,
//       content_filter_results); everything else gets the scenarios' canned OpenAI answers, audio included.
import type { IncomingMessage, ServerResponse } from "node:http";
import { corpusFile, wireBody } from "../corpus.ts";
import { node } from "../node-route.ts";
import type { TestApp } from "./index.ts";
import { sendChunkedJson } from "./io.ts";
import { canned, type RecordedRequest, record } from "./scenarios.ts";

/** A request an Azure resource received, and how it read the URL. */
export interface AzureRequest extends RecordedRequest {
  azure: {
    form: "v1" | "dated";
    /** The `{deployment}` of a dated model route. */
    deployment: string | undefined;
    apiVersion: string | null;
    /** Which header carried the key. */
    auth: "api-key" | "bearer";
  };
}

/** Model routes: the ones the dated form puts under `/deployments/{deployment}`. */
const DEPLOYMENT_ROUTE =
  /^\/(?:chat\/completions|completions|embeddings|images\/(?:generations|edits|variations)|audio\/(?:transcriptions|translations|speech))$/;
const DATED = /^\d{4}-\d{2}-\d{2}(?:-preview)?$/;

/** Registers `/azure`; every resource keeps its own recorded requests. */
export function azureRoutes(app: TestApp): void {
  const resources = new Map<string, AzureRequest[]>();
  let next = 1;
  app.post(
    "/azure",
    node((_req, res) => {
      const id = `az${next++}`;
      resources.set(id, []);
      sendChunkedJson(res, 200, { id, endpoint: `/azure/${id}` });
    }),
  );
  app.get(
    "/azure/:id/requests",
    node((_req, res, _url, c) => {
      const requests = resources.get(c.req.param("id") ?? "");
      if (!requests) return sendChunkedJson(res, 404, { error: "no such resource" });
      sendChunkedJson(res, 200, requests);
    }),
  );
  app.all(
    "/azure/:id/openai/*",
    node(async (req, res, url, c) => {
      const requests = resources.get(c.req.param("id") ?? "");
      if (!requests) return azureError(res, 404, "404", "Resource not found");
      const raw = req.url ?? "/";
      const rest = raw.slice(raw.indexOf("/openai/") + "/openai".length);
      return handle(req, res, url, rest, requests);
    }),
  );
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rest: string,
  requests: AzureRequest[],
): Promise<void> {
  const recorded = await record(req, rest);
  const apiVersion = url.searchParams.get("api-version");
  const pathname = url.pathname.slice(url.pathname.indexOf("/openai/") + "/openai".length);
  const deployment = /^\/deployments\/([^/]+)(\/.*)$/.exec(pathname);
  const form = pathname.startsWith("/v1/") ? "v1" : "dated";
  const apiPath = form === "v1" ? pathname.slice(3) : (deployment?.[2] ?? pathname);
  const apiKey = req.headers["api-key"];
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const entry: AzureRequest = {
    ...recorded,
    // The OpenAI path the resource read (the canned answers go by it), with the query but api-version.
    path: `${apiPath}${queryWithout(url, "api-version")}`,
    azure: {
      form,
      deployment: deployment ? decodeURIComponent(deployment[1] ?? "") : undefined,
      apiVersion,
      auth: apiKey ? "api-key" : "bearer",
    },
  };
  requests.push(entry);

  if (!apiKey && !bearer) {
    return azureError(
      res,
      401,
      "401",
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
    );
  }
  if (!apiKey && bearer?.startsWith("expired")) {
    return azureError(res, 401, "InvalidAuthenticationToken", "The access token is expired.");
  }
  if (form === "v1") {
    if (apiVersion !== null && apiVersion !== "preview" && apiVersion !== "latest") {
      return azureError(res, 400, "BadRequest", "API version not supported");
    }
  } else if (
    apiVersion === null ||
    !DATED.test(apiVersion) ||
    DEPLOYMENT_ROUTE.test(apiPath) !== Boolean(deployment)
  ) {
    return azureError(res, 404, "404", "Resource not found");
  }
  if (entry.bodyText.includes("[content-filter]"))
    return recording(res, "13-azure-400-content-filter.json", 400);
  const body = (entry.json ?? {}) as Record<string, unknown>;
  if (apiPath === "/chat/completions" && body.stream === true) {
    return recording(res, "12-azure-chat-prompt-filter-empty-choices.jsonl", 200);
  }
  if (apiPath === "/audio/transcriptions" || apiPath === "/audio/translations") {
    return sendChunkedJson(res, 200, { text: `heard ${entry.multipart?.files[0]?.filename ?? "nothing"}` });
  }
  if (apiPath === "/audio/speech") {
    res.writeHead(200, { "content-type": "audio/mpeg" });
    res.end(Buffer.from("ID3 speech"));
    return;
  }
  canned(res, entry);
}

/** Azure's error body: `{"error":{"code","message"}}` (its own codes, not OpenAI's). */
function azureError(res: ServerResponse, status: number, code: string, message: string): void {
  sendChunkedJson(res, status, { error: { code, message } });
}

/** Sends a recording of the corpus as it came (a `.jsonl` stream wrapped in `data:` lines). */
async function recording(res: ServerResponse, name: string, status: number): Promise<void> {
  const bytes = await corpusFile(name);
  if (!bytes) return azureError(res, 500, "500", `recording ${name} is missing`);
  const { body, contentType } = wireBody(name, bytes, "data");
  res.writeHead(status, { "content-type": contentType });
  res.end(body);
}

/** The URL's query without one parameter, as `?...` (or "" when nothing is left). */
function queryWithout(url: URL, name: string): string {
  const params = new URLSearchParams(url.search);
  params.delete(name);
  const text = params.toString();
  return text ? `?${text}` : "";
}
