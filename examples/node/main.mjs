// oaikit in Node (22.12 or later): stream a chat completion to the terminal, then print the aggregate.
//
//   pnpm --filter @oaikit/demo run server &         # the bundled local server, or set OPENAI_API_KEY
//   node examples/node/main.mjs "Say hello"
//
// OAIKIT_BASE_URL picks another OpenAI-compatible server (default: the demo server on 127.0.0.1:8787;
// with OPENAI_API_KEY set and no OAIKIT_BASE_URL, OpenAI itself).
import { OpenAI } from "@oaikit/core";

const apiKey = process.env.OPENAI_API_KEY;
const baseURL = process.env.OAIKIT_BASE_URL ?? (apiKey ? undefined : "http://127.0.0.1:8787/v1");
const client = new OpenAI(apiKey, { baseURL, defaultModel: process.env.OAIKIT_MODEL ?? "gpt-4.1-mini" });

const prompt = process.argv[2] ?? "Say hello from Node.";
const stream = await client.streamChatCompletion([{ role: "user", content: prompt }]);
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");

const completion = await stream.final();
console.log(`\n[${completion.choices[0]?.finish_reason}; ${completion.usage?.total_tokens ?? "?"} tokens]`);
