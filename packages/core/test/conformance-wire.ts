/**
 * How the conformance corpus goes on the wire, shared by the one fake server (apps/demo/server/corpus.ts,
 * which serves the files) and the conformance harness (which builds the same bytes in-process). No
 * imports: the server runs this file under Node's type stripping, the harness in Node and in Chromium.
 */

/**
 * A `.jsonl` file's text as the SSE a server sends, as INDEX.md says: `data` mode is vercel/ai's
 * (`data: <line>\n\n` per line, then `data: [DONE]\n\n`), `event` mode OpenAI's Responses wire form
 * (`event: <type>\ndata: <line>\n\n`, no `[DONE]`).
 */
export function wrapJsonl(text: string, mode: "data" | "event"): string {
  let out = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const type = mode === "event" ? (JSON.parse(line) as { type?: string }).type : undefined;
    out += type ? `event: ${type}\ndata: ${line}\n\n` : `data: ${line}\n\n`;
  }
  return mode === "event" ? out : `${out}data: [DONE]\n\n`;
}

/** mulberry32: a tiny seeded PRNG (also the server's `random-<seed>` chunking), so a split can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
