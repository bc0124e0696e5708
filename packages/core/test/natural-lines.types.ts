/**
 * Type tests (checked by `tsc` in the typecheck suite, never run): the lines people write first must
 * compile under strict TypeScript as they are, and a wrong use must not.
 */
import { streamChatCompletion } from "../src/api/chat.js";
import { streamResponse } from "../src/api/responses.js";
import { type Client, createClient, OpenAI } from "../src/index.js";

export async function naturalLines(client: Client, write: (text: string) => void): Promise<void> {
  // A streamed chat delta's content is a string.
  for await (const chunk of streamChatCompletion(client, [{ role: "user", content: "Hi" }])) {
    write(chunk.choices[0]?.delta?.content ?? "");
  }
  for await (const chunk of new OpenAI().streamChatCompletion([{ role: "user", content: "Hi" }])) {
    const content: string | null | undefined = chunk.choices[0]?.delta.content;
    write(content ?? "");
  }
  // Responses events are a union discriminated by `type`.
  for await (const event of streamResponse(createClient(), "Say hello")) {
    if (event.type === "response.output_text.delta") write(event.delta);
    if (event.type === "response.completed") write(event.response.id);
    if (event.type === "error") write(event.message);
    // @ts-expect-error: `delta` is not a field of the completed event.
    if (event.type === "response.completed") write(event.delta);
  }
  // @ts-expect-error: a route is "METHOD /path".
  await client.call("models");
}
