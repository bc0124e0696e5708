// The security tests' hostile answers, as scenarios of the one fake server (apps/demo/server/testing/
// scenarios.ts) started in this process: bodies that never end, lines that never end, redirects, heads
// that never come, a Content-Length that lies. Each answer is a `ScriptedAnswer`; what the server wrote
// and whether the client went away are in the scenario's recorded requests.
import type { RecordedRequest, ScriptedAnswer } from "../../../../tests/support/one-server.ts";

export { type RecordedRequest, useOneServer } from "../../../../tests/support/one-server.ts";

/**
 * `status` with `prefix` and then `chunk` again and again, until the client closes the connection: a body
 * that does not end. After `cap` bytes (default 64 MiB) the server ends it anyway, so that a regression
 * (a client that reads without limit) fails its test instead of eating the machine's memory.
 */
export function flood(
  status: number,
  contentType: string,
  chunk: string,
  cap?: number,
  prefix = "",
): ScriptedAnswer {
  return {
    status,
    headers: { "content-type": contentType },
    text: prefix,
    endless: cap === undefined ? { chunk } : { chunk, cap },
  };
}

/** Waits until the answer to `request` is over (the client went away, or the cap was reached): the bytes it pumped. */
export async function pumped(request: RecordedRequest | undefined): Promise<number> {
  if (!request) throw new Error("no request was received");
  while (!request.reply.closed) await new Promise((resolve) => setTimeout(resolve, 10));
  return request.reply.endlessBytes;
}
