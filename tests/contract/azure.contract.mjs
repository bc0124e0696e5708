// Part of the Prism contract suite (prism.test.mjs registers these tests on its Prism): the requests of an
// Azure OpenAI client (`azure()` from @oaikit/core/azure), in the v1 API and in the dated deployments
// form, checked against OpenAI's OpenAPI document where Azure's routes are OpenAI's. A fetch in between
// plays the Azure endpoint: it checks the Azure side of each request (the URL form, `api-version`, the
// key in `api-key` and no `Authorization`), then hands Prism the same request at OpenAI's path, the key
// as the Bearer token the document asks for.
import assert from "node:assert/strict";
import { test } from "node:test";
import { speech, transcribe } from "../../packages/core/dist/api/audio.js";
import { embedding } from "../../packages/core/dist/api/embeddings.js";
import { azure } from "../../packages/core/dist/azure/index.js";
import { OpenAI } from "../../packages/core/dist/index.js";

const ENDPOINT = "https://contract.openai.azure.com";
const KEY = "azure-contract-key";

/**
 * Registers the tests. `ctx.fetch` is the suite's recording fetch (what Prism answered goes into the
 * suite's record, which `ctx.assertAccepted` reads); `ctx.prismUrl()` is Prism's address.
 */
export function registerAzureTests(ctx) {
  const forms = [
    { name: "v1 API", options: {}, expect: (path) => [`/openai/v1${path}`, null] },
    {
      name: "deployments form",
      options: { apiVersion: "2024-10-21" },
      expect: (path) => {
        const model = /^\/(chat\/completions|embeddings|images\/generations|audio\/\w+)$/.test(path);
        return [`/openai${model ? "/deployments/gpt-4o-dep" : ""}${path}`, "2024-10-21"];
      },
    },
  ];
  for (const form of forms) {
    /** The fetch of an Azure client: checks the Azure request, then sends Prism the OpenAI request. */
    const azureFetch = async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const apiPath = url.pathname.replace(/^\/openai(?:\/v1|\/deployments\/[^/]+)?/, "");
      const [expectedPath, expectedVersion] = form.expect(apiPath);
      assert.equal(url.origin, ENDPOINT, "the resource's endpoint");
      assert.equal(url.pathname, expectedPath, `${form.name}: the Azure path`);
      assert.equal(url.searchParams.get("api-version"), expectedVersion, `${form.name}: api-version`);
      assert.equal(request.headers.get("api-key"), KEY, "the key goes in api-key");
      assert.equal(request.headers.get("authorization"), null, "no Authorization beside api-key");
      url.searchParams.delete("api-version");
      const headers = new Headers(request.headers);
      headers.delete("api-key");
      headers.set("authorization", `Bearer ${KEY}`);
      const body = request.body ? await request.arrayBuffer() : undefined;
      return ctx.fetch(`${ctx.prismUrl()}${apiPath}${url.search}`, { method: request.method, headers, body });
    };
    const client = () =>
      new OpenAI(KEY, {
        ...azure({ endpoint: ENDPOINT, deployment: "gpt-4o-dep", ...form.options }),
        fetch: azureFetch,
        maxRetries: 0,
        timeout: 20_000,
        firstByteTimeout: 10_000,
      });
    const user = [{ role: "user", content: "Say hello." }];
    const wav = () =>
      new File([Buffer.concat([Buffer.from("RIFF$\0\0\0WAVEfmt "), Buffer.alloc(28)])], "a.wav");

    test(`Azure ${form.name}: chat completion`, () =>
      ctx.assertAccepted("POST", "/chat/completions", () => client().createChatCompletion(user)));
    test(`Azure ${form.name}: streamed chat completion`, () =>
      ctx.assertAccepted("POST", "/chat/completions", () => client().streamChatCompletion(user).final(), {
        stream: true,
      }));
    test(`Azure ${form.name}: Responses`, () =>
      ctx.assertAccepted("POST", "/responses", () => client().createResponse("Say hello.")));
    test(`Azure ${form.name}: embeddings`, () =>
      ctx.assertAccepted("POST", "/embeddings", () => embedding(client(), "hello", { model: "gpt-4o-dep" })));
    test(`Azure ${form.name}: image generation`, () =>
      ctx.assertAccepted("POST", "/images/generations", () => client().imageGeneration({ prompt: "a cat" })));
    test(`Azure ${form.name}: transcription (multipart)`, () =>
      ctx.assertAccepted("POST", "/audio/transcriptions", () =>
        transcribe(client(), wav(), { model: "gpt-4o-dep" }),
      ));
    test(`Azure ${form.name}: speech`, () =>
      ctx.assertAccepted("POST", "/audio/speech", () =>
        speech(client(), "Hello", { model: "gpt-4o-dep", voice: "alloy" }),
      ));
    test(`Azure ${form.name}: file upload and list`, async () => {
      await ctx.assertAccepted("POST", "/files", () =>
        client().uploadFile({ data: new Blob(["{}\n"]), name: "a.jsonl" }, "batch"),
      );
      await ctx.assertAccepted("GET", "/files", () => client().files());
    });
  }
}
