// The floor with ky: one streaming chat call, eventsource-parser, and a minimal aggregate.
import { createParser } from "eventsource-parser";
import ky from "ky";

export async function run(baseURL) {
  const response = await ky.post(`${baseURL}/chat/completions`, {
    json: { model: "gpt-4.1", stream: true, messages: [{ role: "user", content: "Hi" }] },
    headers: { authorization: "Bearer sk-..." },
    timeout: false,
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
