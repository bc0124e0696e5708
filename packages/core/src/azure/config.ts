/**
 * Azure OpenAI as a client configuration: `createClient(key, azure({ resource: "my-resource" }))`. The
 * client, the API areas, streams and sessions then work unchanged; only the URL and the key's header
 * differ. Azure has two URL forms:
 *
 * - the v1 API (no `apiVersion`, or `"preview"` / `"latest"`): `https://{resource}.openai.azure.com/openai/v1/...`,
 *   OpenAI's own paths, the deployment's name as `model`; `api-version` is sent only when given;
 * - the dated API (`apiVersion: "2024-10-21"`, `"2025-04-01-preview"`, ...): the model routes under
 *   `/openai/deployments/{deployment}/...` (chat, completions, embeddings, images, audio), every other
 *   route under `/openai/...` (Responses, files, models, batches), each with `?api-version=`.
 *
 * The key goes in `api-key` (a resource key, the default), or as `Authorization: Bearer` for a Microsoft
 * Entra ID token (`auth: "entra"`, with a key function that fetches the token: see `ApiKeyFunction`).
 */
import type { ClientConfig, UrlRequest } from "../client/config.js";
import { describeValue, isRecord } from "../utils/checks.js";

/** Options of {@link azure}. Give `resource` or `endpoint`. */
export interface AzureOptions {
  /** The resource's name: the endpoint is `https://{resource}.openai.azure.com`. */
  resource?: string;
  /** The endpoint itself, for a custom domain or a local emulator (`https://my-domain.example.com`). */
  endpoint?: string;
  /**
   * The API version. Absent (or `"preview"` / `"latest"`, sent as `api-version`): the v1 API. A dated
   * version (`"2024-10-21"`, `"2025-04-01-preview"`): the deployments form.
   */
  apiVersion?: string;
  /**
   * The deployment to call: the default `model` (the v1 API takes the deployment's name as the model),
   * and in the deployments form the `{deployment}` of the model routes (default: each request's `model`).
   */
  deployment?: string;
  /** How the key is sent: `"api-key"` (a resource key; the default) or `"entra"` (`Authorization: Bearer <Entra ID token>`). */
  auth?: "api-key" | "entra";
}

/** The routes the deployments form puts under `/deployments/{deployment}`: the ones that take a model. */
const DEPLOYMENT_ROUTE =
  /^\/(?:chat\/completions|completions|embeddings|images\/(?:generations|edits|variations)|audio\/(?:transcriptions|translations|speech))$/;
/** A dated API version: `2024-10-21`, `2025-04-01-preview`. */
const DATED = /^\d{4}-\d{2}-\d{2}(?:-preview)?$/;

/**
 * The client configuration of an Azure OpenAI resource (see the module comment). Spread more options
 * beside it: `createClient(key, { ...azure({ resource }), maxRetries: 4 })`.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { azure } from "@oaikit/core/azure";
 * const client = createClient(process.env.AZURE_OPENAI_API_KEY, azure({ resource: "my-resource", deployment: "gpt-4o" }));
 * ```
 */
export function azure(options: AzureOptions): ClientConfig {
  if (!isRecord(options)) {
    throw new TypeError(`azure(options): options must be an object (got ${describeValue(options)}).`);
  }
  const { resource, endpoint, apiVersion, deployment, auth = "api-key" } = options;
  const base = azureEndpoint(resource, endpoint);
  if (apiVersion !== undefined && (typeof apiVersion !== "string" || apiVersion === "")) {
    throw new TypeError(
      `azure(options): apiVersion must be a non-empty string (got ${describeValue(apiVersion)}).`,
    );
  }
  if (deployment !== undefined && (typeof deployment !== "string" || deployment === "")) {
    throw new TypeError(
      `azure(options): deployment must be a non-empty string (got ${describeValue(deployment)}).`,
    );
  }
  if (auth !== "api-key" && auth !== "entra") {
    throw new TypeError(`azure(options): auth must be "api-key" or "entra" (got ${describeValue(auth)}).`);
  }
  const config: ClientConfig = { authHeader: auth === "entra" ? "authorization" : "api-key" };
  if (deployment) config.defaultModel = deployment;
  if (apiVersion === undefined || !DATED.test(apiVersion)) {
    config.baseURL = `${base}/openai/v1`;
    if (apiVersion !== undefined) {
      if (apiVersion !== "preview" && apiVersion !== "latest") {
        throw new TypeError(
          `azure(options): apiVersion ${JSON.stringify(apiVersion)} is neither a dated version (like "2024-10-21" or ` +
            '"2025-04-01-preview") nor the v1 API\'s "preview" or "latest". Leave it out for the v1 API.',
        );
      }
      config.resolveURL = ({ baseURL, path }) => withVersion(`${baseURL}${path}`, apiVersion);
    }
    return config;
  }
  config.baseURL = `${base}/openai`;
  config.resolveURL = (request) => withVersion(deploymentsURL(request, deployment), apiVersion);
  return config;
}

/** `https://{resource}.openai.azure.com`, or the endpoint given (no trailing slash, no `/openai`). */
function azureEndpoint(resource: unknown, endpoint: unknown): string {
  if ((resource === undefined) === (endpoint === undefined)) {
    throw new TypeError(
      'azure(options): give either resource (the name in https://{resource}.openai.azure.com) or endpoint, e.g. azure({ resource: "my-resource" }).',
    );
  }
  if (resource !== undefined) {
    if (typeof resource !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/i.test(resource)) {
      throw new TypeError(
        `azure(options): resource must be the resource's name, letters, digits and hyphens (got ${describeValue(resource)}); pass a full URL as endpoint instead.`,
      );
    }
    return `https://${resource}.openai.azure.com`;
  }
  let url: URL | undefined;
  try {
    url = typeof endpoint === "string" ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash) {
    throw new TypeError(
      `azure(options): endpoint must be an http(s) URL without a query, like "https://my-resource.openai.azure.com" (got ${describeValue(endpoint)}).`,
    );
  }
  return url.href.replace(/\/+$/, "").replace(/\/openai(?:\/v1)?$/, "");
}

/** The URL of a request in the deployments form (without `api-version`). */
function deploymentsURL({ baseURL, path, body, form }: UrlRequest, deployment: string | undefined): string {
  const query = path.indexOf("?");
  const pathname = query < 0 ? path : path.slice(0, query);
  if (!DEPLOYMENT_ROUTE.test(pathname)) return `${baseURL}${path}`;
  const name = deployment ?? modelOf(body, form);
  if (!name) {
    throw new TypeError(
      `Azure's deployments form needs a deployment for ${pathname}: pass azure({ deployment }) or a model in the request.`,
    );
  }
  return `${baseURL}/deployments/${encodeURIComponent(name)}${path}`;
}

function modelOf(body: unknown, form: FormData | undefined): string | undefined {
  const model = isRecord(body) ? body.model : form?.get("model");
  return typeof model === "string" && model !== "" ? model : undefined;
}

/** `url` with `api-version` set (replacing one the caller put in the query). */
function withVersion(url: string, apiVersion: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("api-version", apiVersion);
  return parsed.href;
}
