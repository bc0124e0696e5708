// The smoke entry for Cloudflare workerd: wrangler bundles this Worker with the built package and
// run.mjs calls it once; the Worker runs the shared cases against the smoke routes named in the
// `baseURL` query parameter and answers with the report as JSON.
import * as sdk from "../../../packages/core/dist/index.js";
import { runSmoke } from "../cases.mjs";

export default {
  /** @param {Request} request */
  async fetch(request) {
    const baseURL = new URL(request.url).searchParams.get("baseURL");
    if (!baseURL) return new Response("Pass ?baseURL=http://127.0.0.1:PORT/v1", { status: 400 });
    const report = await runSmoke({ sdk, baseURL, runtime: "workerd", version: navigator.userAgent });
    return Response.json(report);
  },
};
