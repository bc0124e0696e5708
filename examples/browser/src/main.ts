// oaikit in the browser: stream a chat completion into the page, with a stop button.
//
//   pnpm --filter @oaikit/demo run server &        # the bundled local server (CORS enabled)
//   pnpm --filter @oaikit/example-browser dev      # then open the printed URL
//
// `?baseURL=` picks another OpenAI-compatible server. Never ship an API key in a public page: point
// the page at your own proxy, or let each user paste their own key.
import { OpenAI } from "@oaikit/core";

const params = new URLSearchParams(location.search);
const client = new OpenAI(params.get("key") ?? undefined, {
  baseURL: params.get("baseURL") ?? "http://127.0.0.1:8787/v1",
  defaultModel: params.get("model") ?? "gpt-4.1-mini",
});

const form = document.querySelector<HTMLFormElement>("#ask")!;
const question = document.querySelector<HTMLInputElement>("#question")!;
const stop = document.querySelector<HTMLButtonElement>("#stop")!;
const answer = document.querySelector<HTMLPreElement>("#answer")!;
const status = document.querySelector<HTMLParagraphElement>("#status")!;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  answer.textContent = "";
  status.textContent = "streaming";
  const stream = await client.streamChatCompletion([{ role: "user", content: question.value }]);
  stop.disabled = false;
  stop.onclick = () => stream.abort();
  try {
    for await (const chunk of stream) answer.textContent += chunk.choices[0]?.delta?.content ?? "";
    const completion = await stream.final();
    status.textContent = `done: ${completion.choices[0]?.finish_reason}`;
  } catch (error) {
    status.textContent = `stopped: ${error instanceof Error ? error.name : String(error)}`;
  } finally {
    stop.disabled = true;
  }
});
