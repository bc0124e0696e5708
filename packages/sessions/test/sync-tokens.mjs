// The bearer tokens of every sync test server (memory, Deno KV, Durable Objects): tok-alice and
// tok-alice-phone are user "alice", tok-bob is "bob"; the last two are users whose ids a header cannot hold
// as they are (a newline; text outside Latin-1), which the Cloudflare Worker must still forward.
export const TOKENS = {
  "tok-alice": "alice",
  "tok-alice-phone": "alice",
  "tok-bob": "bob",
  "tok-newline": "eve\nline two",
  "tok-unicode": "ünï€ ✓",
};

/**
 * The test servers' `authorize`: the tokens above, and any token `model-<run id>` as a user of its own, so
 * that each run of the model-based test (sync-model.mjs) starts with an empty store on a shared server.
 */
export function authorizeForTests(request) {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!token) return undefined;
  if (Object.hasOwn(TOKENS, token)) return TOKENS[token];
  return /^model-[a-z0-9-]{1,40}$/.test(token) ? token : undefined;
}
