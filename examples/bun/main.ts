// oaikit in Bun: stream a chat completion to the terminal, then print the aggregate.
//
//   pnpm --filter @oaikit/demo run server &   # the bundled local server, or set OPENAI_API_KEY
//   pnpm exec bun examples/bun/main.ts "Say hello"   # bun from node_modules
import { OpenAI } from "@oaikit/core";

const apiKey = Bun.env.OPENAI_API_KEY;
const baseURL = Bun.env.OAIKIT_BASE_URL ?? (apiKey ? undefined : "http://127.0.0.1:8787/v1");
const client = new OpenAI(apiKey, { baseURL, defaultModel: Bun.env.OAIKIT_MODEL ?? "gpt-4.1-mini" });

const prompt = Bun.argv[2] ?? "Say hello from Bun.";
const stream = await client.streamChatCompletion([{ role: "user", content: prompt }]);
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");

const completion = await stream.final();
console.log(`\n[${completion.choices[0]?.finish_reason}; ${completion.usage?.total_tokens ?? "?"} tokens]`);
