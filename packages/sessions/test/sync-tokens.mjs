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
