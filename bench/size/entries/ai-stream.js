// One streaming chat call with the Vercel AI SDK and its OpenAI provider.
import { createOpenAI } from "@ai-sdk/openai";
import { streamText } from "ai";

export async function run(baseURL) {
  const openai = createOpenAI({ apiKey: "sk-...", baseURL });
  const result = streamText({ model: openai.chat("gpt-4.1"), prompt: "Hi" });
  for await (const delta of result.textStream) console.log(delta);
  return { text: await result.text, usage: await result.usage };
}
