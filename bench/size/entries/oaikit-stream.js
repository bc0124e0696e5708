// One streaming chat call with oaikit: stream, print deltas, read the aggregate.
import { OpenAI } from "../../../packages/core/dist/index.js";

export async function run(baseURL) {
  const client = new OpenAI(undefined, { baseURL });
  const stream = client.streamChatCompletion([{ role: "user", content: "Hi" }], { model: "gpt-4.1" });
  for await (const chunk of stream) console.log(chunk.choices[0]?.delta?.content ?? "");
  return stream.final();
}
