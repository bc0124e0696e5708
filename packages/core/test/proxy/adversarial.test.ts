// The proxy under hostile input, over raw sockets where fetch would refuse to send it: dot segments
// (plain and encoded), encoded slashes and backslashes, absolute URLs and hosts in the path, a forged
// Host and X-Forwarded-Host, an Origin that matches the forged Host (DNS rebinding), request smuggling
// (Content-Length with Transfer-Encoding, two lengths, a pipelined request in a body), credentials and
// routing headers a page adds, odd methods. Each case checks the status the page got and what the
// upstream received: nothing, or exactly what the allow-list names.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createProxy } from "../../src/proxy/index.js";
import { useOneServer } from "../security/hostile.js";
import { rawRequest, serveProxy } from "./serve.js";

const KEY = "sk-server-SECRET-KEY-adversarial";
const server = useOneServer();
let proxy: Awaited<ReturnType<typeof serveProxy>>;
let upstream: ReturnType<typeof server.scenario>;

beforeAll(async () => {
  upstream = server.scenario();
  proxy = await serveProxy(
    createProxy({
      apiKey: KEY,
      upstream: upstream.baseURL,
      authorize: (request) => (request.headers.get("authorization") === "Bearer tok-alice" ? "alice" : null),
      allow: { origins: ["https://app.example.com"] },
    }),
  );
});
afterAll(() => proxy.close());

const auth = "Authorization: Bearer tok-alice";
/** What the upstream received since `from`, as "METHOD path". */
const received = (from: number) => upstream.scenario.requests.slice(from).map((r) => `${r.method} ${r.path}`);

describe("paths", () => {
  test.each([
    ["dot segments that climb out of /v1", "GET /v1/models/../../organization/users HTTP/1.1"],
    ["dot segments that stay inside but leave the route", "GET /v1/chat/completions/../../v1/files HTTP/1.1"],
    ["encoded dot segments", "GET /v1/models/%2e%2e/%2E%2E/organization/users HTTP/1.1"],
    ["an encoded slash in an id", "GET /v1/models/..%2f..%2forganization%2fusers HTTP/1.1"],
    ["an encoded backslash", "GET /v1/models/..%5c..%5cfiles HTTP/1.1"],
    ["a raw backslash", "GET /v1/models\\..\\files HTTP/1.1"],
    ["a NUL", "GET /v1/models/a%00b HTTP/1.1"],
    ["an empty segment", "GET /v1//models HTTP/1.1"],
    ["an absolute URL in the path", "GET /v1/https://evil.example/models HTTP/1.1"],
    ["a scheme-relative path", "GET //evil.example/v1/models HTTP/1.1"],
    ["a host in an id", "GET /v1/models/@evil.example HTTP/1.1"],
    ["a route outside the allow-list", "GET /v1/files HTTP/1.1"],
  ])("%s: refused, nothing forwarded", async (_what, line) => {
    const from = upstream.scenario.requests.length;
    const answer = await rawRequest(proxy.port, `${line}\r\nHost: 127.0.0.1\r\n${auth}`);
    expect([400, 403, 404]).toContain(answer.status);
    expect(received(from)).toEqual([]);
  });

  test("a real id is forwarded, percent-encoded, under the upstream's base (the control case)", async () => {
    const from = upstream.scenario.requests.length;
    const answer = await rawRequest(
      proxy.port,
      `GET /v1/models/ft%3Agpt-4.1%3Aorg%3A%3Aabc HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}`,
    );
    expect(answer.status).toBe(404); // the upstream's own answer: it has no such model
    expect(received(from)).toEqual(["GET /models/ft%3Agpt-4.1%3Aorg%3A%3Aabc"]);
  });

  test("an absolute-form request line naming another host still goes only to the configured upstream", async () => {
    const from = upstream.scenario.requests.length;
    const answer = await rawRequest(
      proxy.port,
      `GET http://evil.example/v1/models HTTP/1.1\r\nHost: evil.example\r\n${auth}`,
    );
    expect(answer.status).toBe(200);
    expect(received(from)).toEqual(["GET /models"]);
    expect(upstream.scenario.requests.at(-1)?.headers.host).toBe(new URL(upstream.baseURL).host);
  });

  test("TRACE, CONNECT-like and HEAD requests are not forwarded", async () => {
    const from = upstream.scenario.requests.length;
    for (const method of ["TRACE", "HEAD", "PATCH", "PUT"]) {
      const answer = await rawRequest(
        proxy.port,
        `${method} /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}`,
      );
      expect([400, 403, 405]).toContain(answer.status);
    }
    expect(received(from)).toEqual([]);
  });
});

describe("hosts and origins", () => {
  test("a forged Host, X-Forwarded-Host and Forwarded change nothing upstream and are not passed on", async () => {
    const from = upstream.scenario.requests.length;
    const answer = await rawRequest(
      proxy.port,
      `GET /v1/models HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\nForwarded: host=evil.example;proto=https\r\nX-Forwarded-For: 10.0.0.1\r\nX-Real-IP: 10.0.0.1\r\n${auth}`,
    );
    expect(answer.status).toBe(200);
    const sent = upstream.scenario.requests.at(-1);
    expect(received(from)).toEqual(["GET /models"]);
    expect(sent?.headers.host).toBe(new URL(upstream.baseURL).host);
    for (const name of ["x-forwarded-host", "forwarded", "x-forwarded-for", "x-real-ip"]) {
      expect(sent?.headers[name], name).toBeUndefined();
    }
  });

  test("an Origin that matches a forged Host (DNS rebinding) is not taken for the proxy's own: refused", async () => {
    const from = upstream.scenario.requests.length;
    const answer = await rawRequest(
      proxy.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 2`,
      "{}",
    );
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("origin_not_allowed");
    expect(answer.text.toLowerCase()).not.toContain("access-control-allow-origin");
    expect(received(from)).toEqual([]);
  });

  test("a listed origin gets CORS headers for itself only; a preflight from another gets none", async () => {
    const ok = await rawRequest(
      proxy.port,
      `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://app.example.com\r\n${auth}`,
    );
    expect(ok.text.toLowerCase()).toContain("access-control-allow-origin: https://app.example.com");
    const preflight = await rawRequest(
      proxy.port,
      "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://app.example.com.evil.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type",
    );
    expect(preflight.status).toBe(403);
    expect(preflight.text.toLowerCase()).not.toContain("access-control-allow-origin");
  });
});

describe("smuggling", () => {
  test("Content-Length together with Transfer-Encoding, and two different Content-Lengths: refused before the proxy", async () => {
    const from = upstream.scenario.requests.length;
    const body = '{"model":"m","messages":[]}';
    const both = await rawRequest(
      proxy.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked`,
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(both.status).toBe(400);
    const two = await rawRequest(
      proxy.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nContent-Length: 5`,
      body,
    );
    expect(two.status).toBe(400);
    expect(received(from)).toEqual([]);
  });

  test("a request hidden in a body stays body: only the outer request is forwarded, with its bytes", async () => {
    const from = upstream.scenario.requests.length;
    const hidden = `GET /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n\r\n`;
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: hidden }] });
    const answer = await rawRequest(
      proxy.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}`,
      body,
    );
    expect(answer.status).toBe(200);
    expect(received(from)).toEqual(["POST /chat/completions"]);
    expect(upstream.scenario.requests.at(-1)?.bodyText).toBe(body);
  });

  test("a page's credentials, cookies and routing headers never reach the upstream; the server's key does", async () => {
    const from = upstream.scenario.requests.length;
    const answer = await rawRequest(
      proxy.port,
      [
        "GET /v1/models HTTP/1.1",
        "Host: 127.0.0.1",
        auth,
        "api-key: page-azure-key",
        "Cookie: session=page",
        "OpenAI-Organization: org-page",
        "OpenAI-Project: proj-page",
        "Proxy-Authorization: Basic cGFnZQ==",
        "X-Oaikit-Fault: 500",
        "X-Api-Key: page-x-key",
      ].join("\r\n"),
    );
    expect(answer.status).toBe(200);
    expect(received(from)).toEqual(["GET /models"]);
    // What the proxy's own fetch (undici) adds by itself is left out: host, connection, accept, user agent, ...
    const byFetch = new Set([
      "host",
      "connection",
      "accept",
      "accept-encoding",
      "accept-language",
      "sec-fetch-mode",
      "user-agent",
    ]);
    const sent = Object.entries(upstream.scenario.requests.at(-1)?.headers ?? {}).filter(
      ([name]) => !byFetch.has(name),
    );
    expect(Object.fromEntries(sent)).toEqual({ authorization: `Bearer ${KEY}` });
    expect(answer.text).not.toContain(KEY);
  });

  test("a query cannot add a header or change the target: it is passed on encoded", async () => {
    const from = upstream.scenario.requests.length;
    const answer = await rawRequest(
      proxy.port,
      `GET /v1/models?x=%0d%0aHost:%20evil.example&y=@evil HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}`,
    );
    expect(answer.status).toBe(200);
    expect(received(from)).toEqual(["GET /models?x=%0d%0aHost:%20evil.example&y=@evil"]);
    expect(upstream.scenario.requests.at(-1)?.headers.host).toBe(new URL(upstream.baseURL).host);
  });
});
