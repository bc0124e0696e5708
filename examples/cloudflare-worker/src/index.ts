// oaikit in a Cloudflare Worker: `GET /?q=Say+hello` streams the model's reply back as plain text,
// chunk by chunk, while the completion is still being generated upstream.
//
//   node apps/demo/server/cli.ts &                      # the bundled local server
//   cd examples/cloudflare-worker && pnpm exec wrangler dev --local
//   curl -N "http://127.0.0.1:8790/?q=Say+hello"
import { OpenAI } from "@oaikit/core";

/** The Worker's bindings (wrangler.jsonc `vars`, plus the optional secret). */
export interface Env {
  OAIKIT_BASE_URL?: string;
  OAIKIT_MODEL?: string;
  OPENAI_API_KEY?: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const question = new URL(request.url).searchParams.get("q");
    if (!question) return new Response("Ask with ?q=your+question\n", { status: 400 });

    const client = new OpenAI(env.OPENAI_API_KEY, {
      baseURL: env.OAIKIT_BASE_URL,
      defaultModel: env.OAIKIT_MODEL ?? "gpt-4.1-mini",
    });
    const stream = await client.streamChatCompletion([{ role: "user", content: question }]);

    // Forward each content delta as it arrives; the caller hanging up aborts the upstream call.
    const chunks = stream[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (;;) {
          const next = await chunks.next();
          if (next.done) return controller.close();
          const text = next.value.choices[0]?.delta?.content;
          if (text) return controller.enqueue(encoder.encode(text));
        }
      },
      cancel() {
        stream.abort();
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
  },
};
