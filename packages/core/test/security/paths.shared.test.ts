// Issue 11 item 5: an id cannot leave its path segment. "." and ".." are dot segments that URL
// parsing resolves (GET <base>/responses/.. is GET <base>/), and percent-encoding does not help
// (%2e is a dot to the URL parser), so every method that puts an id in a path refuses them with a
// TypeError before anything is sent. Other ids are encoded: `/`, `?`, `#` and `%2e` stay inside.
import { describe, expect, test } from "vitest";
import { OpenAI } from "../../src/index.js";

function recording() {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    urls.push(`${request.method} ${request.url}`);
    return new Response("{}", { headers: { "content-type": "application/json" } });
  };
  return { client: new OpenAI("k", { baseURL: "http://127.0.0.1:9/v1", fetch }), urls };
}

const idMethods: [string, (client: OpenAI, id: string) => Promise<unknown>][] = [
  ["response", (c, id) => c.response(id)],
  ["deleteResponse", (c, id) => c.deleteResponse(id)],
  ["cancelResponse", (c, id) => c.cancelResponse(id)],
  ["file", (c, id) => c.file(id)],
  ["deleteFile", (c, id) => c.deleteFile(id)],
  ["fileContent", (c, id) => c.fileContent(id)],
];

describe("ids that are dot segments are refused everywhere an id goes into a path", () => {
  test.each(idMethods)("%s('.') and %s('..') throw a TypeError; nothing is sent", (_name, call) => {
    const { client, urls } = recording();
    for (const id of [".", ".."]) {
      expect(() => call(client, id)).toThrow(TypeError);
      expect(() => call(client, id)).toThrow(/leave the resource's path/);
    }
    expect(urls).toEqual([]);
  });

  test.each(idMethods)("%s: other ids stay inside their segment", async (name, call) => {
    const { client, urls } = recording();
    for (const id of ["...", "a/../b", "%2e%2e", "a?b#c", ".hidden"]) await call(client, id);
    const segment = (url: string) => url.replace(/^\w+ http:\/\/127\.0\.0\.1:9\/v1\/(responses|files)\//, "");
    expect(urls.map(segment).map((rest) => rest.replace(/\/(cancel|content)$/, ""))).toEqual([
      "...",
      "a%2F..%2Fb",
      "%252e%252e",
      "a%3Fb%23c",
      ".hidden",
    ]);
    expect(urls.every((url) => url.includes(name.includes("ile") ? "/v1/files/" : "/v1/responses/"))).toBe(
      true,
    );
  });
});
