// oaikit in Deno: stream a Responses API answer to the terminal, then print the final response.
//
//   pnpm --filter @oaikit/demo run server &   # the bundled local server, or set OPENAI_API_KEY
//   cd examples/deno && pnpm exec deno run --allow-net --allow-env main.ts "Say hello"
//
// deno.json maps "@oaikit/core" to the npm package (`deno add npm:@oaikit/core` does the same).
import { OpenAI } from "@oaikit/core";

const apiKey = Deno.env.get("OPENAI_API_KEY");
const baseURL = Deno.env.get("OAIKIT_BASE_URL") ?? (apiKey ? undefined : "http://127.0.0.1:8787/v1");
const client = new OpenAI(apiKey, { baseURL, defaultModel: Deno.env.get("OAIKIT_MODEL") ?? "gpt-4.1-mini" });

const stream = await client.streamResponse(Deno.args[0] ?? "Say hello from Deno.");
const encoder = new TextEncoder();
for await (const event of stream) {
  if (event.type === "response.output_text.delta") await Deno.stdout.write(encoder.encode(event.delta));
}

const response = await stream.final();
console.log(`\n[${response.status}; ${response.usage?.total_tokens ?? "?"} tokens]`);
