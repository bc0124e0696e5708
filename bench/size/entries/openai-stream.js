// One streaming chat call with the official SDK: its stream helper and final aggregate.
import OpenAI from "openai";

export async function run(baseURL) {
  const client = new OpenAI({ apiKey: "sk-...", baseURL, dangerouslyAllowBrowser: true });
  const stream = client.chat.completions.stream({
    model: "gpt-4.1",
    messages: [{ role: "user", content: "Hi" }],
  });
  for await (const chunk of stream) console.log(chunk.choices[0]?.delta?.content ?? "");
  return stream.finalChatCompletion();
}
