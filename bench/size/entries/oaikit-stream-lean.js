// One streaming chat call through the lean client and the chat area: what a page that only streams pays.

import { streamChatCompletion } from "../../../packages/core/dist/api/chat.js";
import { createClient } from "../../../packages/core/dist/index.js";

export async function run(baseURL) {
  const client = createClient(undefined, { baseURL });
  const stream = streamChatCompletion(client, [{ role: "user", content: "Hi" }], { model: "gpt-4.1" });
  for await (const chunk of stream) console.log(chunk.choices[0]?.delta?.content ?? "");
  return stream.final();
}
