/**
 * `HttpResponse` (Astra's `HTTPClientResponse`): the status, headers, final URL and body of a response.
 * Members are methods, as in Astra (`response.statusCode()`), plus the usual `status`/`ok` getters and
 * `raw`, the fetch `Response` it came from.
 */

import { redactUrl } from "../errors/errors.js";

const decoder = new TextDecoder();

/** A response body already received in full (or one chunk of a streamed body). */
export class HttpBody {
  readonly #bytes: Uint8Array;
  readonly #label: string;

  /** @internal */
  constructor(bytes: Uint8Array, label: string) {
    this.#bytes = bytes;
    this.#label = label;
  }

  /** The body's bytes (a copy: changing it does not change the body). */
  async bytes(): Promise<Uint8Array> {
    return this.#bytes.slice();
  }

  /** The body as UTF-8 text; invalid sequences become U+FFFD. */
  async text(): Promise<string> {
    return decoder.decode(this.#bytes);
  }

  /**
   * The body parsed as JSON. Rejects with a `SyntaxError` that names the request when the body is
   * empty or not valid JSON (Astra raises too; see its issue #160).
   */
  async json<T = unknown>(): Promise<T> {
    const text = decoder.decode(this.#bytes);
    if (text.trim() === "") {
      throw new SyntaxError(`The body of ${this.#label} is empty, so it cannot be parsed as JSON.`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      const start = text.length > 80 ? `${text.slice(0, 80)}…` : text;
      throw new SyntaxError(
        `The body of ${this.#label} is not valid JSON (${(cause as Error).message}). It starts with: ${start}`,
        { cause },
      );
    }
  }
}

/** Response headers as a record with lower-cased names (duplicates joined with ", ", as fetch does). */
export function headersRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  // Headers iterates names lower-cased and joins repeated headers with ", ", except set-cookie,
  // which it yields once per cookie: join those too, so no value is lost.
  headers.forEach((value, name) => {
    record[name] = Object.hasOwn(record, name) ? `${record[name]}, ${value}` : value;
  });
  return record;
}

/** A received HTTP response, whatever its status. */
export class HttpResponse {
  /** The fetch `Response`. After `execute()` its body has already been read into `body()`. */
  readonly raw: Response;
  readonly #body: HttpBody;
  readonly #headers: Record<string, string>;
  readonly #url: string;

  /** @internal `requestUrl` stands in when `raw.url` is empty (a Response made by an injected fetch). */
  constructor(raw: Response, bytes: Uint8Array, method: string, requestUrl: string) {
    this.raw = raw;
    this.#url = raw.url || requestUrl;
    this.#headers = headersRecord(raw.headers);
    this.#body = new HttpBody(bytes, `${method} ${redactUrl(this.#url)} (status ${raw.status})`);
  }

  /** The HTTP status code, e.g. 200. */
  statusCode(): number {
    return this.raw.status;
  }

  /** Same as `statusCode()`. */
  get status(): number {
    return this.raw.status;
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.raw.ok;
  }

  /**
   * The headers, names lower-cased. A header received several times has its values joined with ", "
   * (fetch's rule; Astra keeps only the last). Browsers hide `set-cookie` and, cross-origin, every
   * header the server does not list in `Access-Control-Expose-Headers`. In Node, Deno and Bun,
   * `raw.headers.getSetCookie()` gives each cookie separately.
   */
  headers(): Record<string, string> {
    return { ...this.#headers };
  }

  /**
   * Always `undefined`: fetch does not expose the peer's address in any runtime (Astra returns
   * "ip:port"). Kept so code written against Astra's API still runs.
   */
  remoteAddress(): string | undefined {
    return undefined;
  }

  /** The URL of the response: the request's (oaikit never follows redirects, see `RedirectError`). */
  url(): string {
    return this.#url;
  }

  /** The body: `await body().text()`, `await body().json()`, `await body().bytes()`. */
  body(): HttpBody {
    return this.#body;
  }
}
