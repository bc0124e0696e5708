/**
 * Keys that are fetched, not fixed: an API key given as a function (a short-lived key minted by your
 * backend, an Entra ID token) is asked for on every attempt of a request, and after a 401 it is asked
 * once more with `refresh: true` and the request is sent again, once. The function caches as it sees
 * fit; `refresh` tells it that the key it gave was refused.
 *
 * Everything happens in ky's hooks, so retries, the total timeout and aborts stay ky's (see `send()`,
 * which grants the one extra attempt). The keys a function returned are remembered for the request's
 * errors: no error message or cause may contain one (see `../errors/redact.ts`).
 */
import ky, { type Hooks } from "ky";
import { CredentialError } from "../errors/errors.js";
import { describeValue } from "../utils/checks.js";
import { headerValueProblem } from "./headers.js";

/** What a key function is told: `refresh` after a 401 (don't return the cached key), and the request's signal. */
export interface ApiKeyContext {
  /** True when the key this function gave last was refused (401): fetch a new one. */
  refresh: boolean;
  /** Aborted when the request is (a timeout, the caller's signal); pass it to the fetch that gets the key. */
  signal: AbortSignal | undefined;
}

/** An API key fetched per request: returns the key (or a promise of it). */
export type ApiKeyFunction = (context: ApiKeyContext) => string | Promise<string>;

/**
 * The header that carries the key: `authorization` (`Authorization: Bearer <key>`, OpenAI and most
 * providers, Entra ID tokens) or `api-key` (`api-key: <key>`, Azure OpenAI's resource keys).
 */
export type AuthHeader = "authorization" | "api-key";

/** A fetched credential as `send()` takes it. */
export interface Credential {
  key: ApiKeyFunction;
  header: AuthHeader;
}

/** The header name and value that carry `key`. */
export function authHeaderEntry(header: AuthHeader, key: string): [string, string] {
  return header === "api-key" ? ["api-key", key] : ["authorization", `Bearer ${key}`];
}

/** What `send()` gets back: the hooks, whether the one refresh was used, and the keys seen (for redaction). */
export interface CredentialHooks {
  hooks: Required<Pick<Hooks, "beforeRequest" | "afterResponse" | "beforeRetry">>;
  /** True once a 401 made the hooks ask for a fresh key (the extra attempt `send()` grants is taken). */
  refreshed(): boolean;
  /** Every key the function returned for this request. */
  secrets: string[];
}

/**
 * The hooks that authenticate one request with `credential`. A request that already carries the
 * header (a per-call `Authorization`) is left alone: the caller's own header wins, as it does over a
 * fixed key.
 */
export function credentialHooks(
  credential: Credential,
  target: { method: string; url: string },
): CredentialHooks {
  const [name] = authHeaderEntry(credential.header, "");
  const secrets: string[] = [];
  let ownHeader = false;
  let refreshed = false;
  let refreshNext = false;
  const apply = async (request: Request, refresh: boolean) => {
    const key = await fetchKey(credential.key, { refresh, signal: request.signal }, target);
    secrets.push(key);
    request.headers.set(...authHeaderEntry(credential.header, key));
  };
  return {
    secrets,
    refreshed: () => refreshed,
    hooks: {
      beforeRequest: [
        async ({ request }) => {
          ownHeader = request.headers.has(name);
          if (!ownHeader) await apply(request, false);
        },
      ],
      afterResponse: [
        ({ response }) => {
          if (response.status !== 401 || ownHeader || refreshed) return;
          refreshed = refreshNext = true;
          return ky.retry({ delay: 0, code: "CREDENTIAL_REFRESH" });
        },
      ],
      beforeRetry: [
        async ({ request }) => {
          if (ownHeader) return;
          const refresh = refreshNext;
          refreshNext = false;
          await apply(request, refresh);
        },
      ],
    },
  };
}

/** Calls the key function and checks what it gave; every failure is a `CredentialError` that never quotes a key. */
async function fetchKey(
  fn: ApiKeyFunction,
  context: ApiKeyContext,
  target: { method: string; url: string },
): Promise<string> {
  let key: unknown;
  try {
    key = await fn(context);
  } catch (error) {
    throw new CredentialError(target, "threw", { cause: error });
  }
  if (typeof key !== "string" || key === "") {
    throw new CredentialError(target, `returned ${describeValue(key)} instead of a non-empty string`);
  }
  const problem = headerValueProblem(key);
  if (problem) throw new CredentialError(target, `returned a key that ${problem}`);
  return key;
}
