// oaikit in a Cloudflare Worker: `GET /?q=Say+hello` streams the model's reply back to the caller as
// Server-Sent Events (the Chat Completions chunks, then `data: [DONE]`), event by event, while the
// completion is still being generated upstream. The API key stays in the Worker.
//
//   pnpm --filter @oaikit/demo run server &             # the bundled local server
//   cd examples/cloudflare-worker && pnpm exec wrangler dev --local
//   curl -N "http://127.0.0.1:8790/?q=Say+hello"
import { APIError, OpenAI } from "@oaikit/core";

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
    // `request.signal` fires when the caller hangs up (compatibility flag `enable_request_signal`):
    // the upstream call is aborted instead of running on for nobody.
    const stream = client.streamChatCompletion([{ role: "user", content: question }], undefined, {
      signal: request.signal,
    });

    // An upstream HTTP error (bad key, rate limit) becomes a JSON error, not a broken event stream.
    const { status } = await stream.response;
    if (status >= 400) {
      const failure = await stream.final().then(
        () => undefined,
        (error: unknown) => error,
      );
      const message = failure instanceof APIError ? failure.error.message : String(failure);
      return Response.json({ error: { message } }, { status });
    }
    // `text/event-stream` is forwarded unbuffered (a text/plain body may be gzip-buffered on the way).
    return new Response(stream.toReadableStream(), {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  },
};
