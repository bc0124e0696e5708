/**
 * A client on the one fake server's demo routes (`inject("demoServerUrl")`) that records the JSON body of
 * every request it sends, for tests that check what went on the wire and what came back.
 */
import { inject } from "vitest";
import { type Client, createClient } from "../src/index.js";

export function recordingClient(): { client: Client; bodies: Record<string, unknown>[] } {
  const bodies: Record<string, unknown>[] = [];
  const client = createClient(undefined, {
    baseURL: `${inject("demoServerUrl")}/v1`,
    defaultModel: "oaikit-local",
    maxRetries: 0,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      bodies.push(JSON.parse(await request.clone().text()));
      return fetch(request);
    },
  });
  return { client, bodies };
}
