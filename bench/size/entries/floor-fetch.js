// The floor with bare fetch: one streaming chat call, eventsource-parser, and a minimal aggregate.
import { createParser } from "eventsource-parser";

export async function run(baseURL) {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-..." },
    body: JSON.stringify({ model: "gpt-4.1", stream: true, messages: [{ role: "user", content: "Hi" }] }),
  });
  let content = "";
  let finish = null;
  const parser = createParser({
    onEvent(event) {
      if (event.data === "[DONE]") return;
      const chunk = JSON.parse(event.data);
      const choice = chunk.choices[0];
      if (choice?.delta.content) content += choice.delta.content;
      if (choice?.finish_reason) finish = choice.finish_reason;
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of response.body) parser.feed(decoder.decode(bytes, { stream: true }));
  return { content, finish };
}
