// CPU profiles for `pnpm bench`: one 100,000-delta stream per client and format under
// `node --cpu-prof` (after a warm-up run), then the functions with the most self time during that
// stream, grouped by function and by package. This is how
// the report names what is slow in a client.
import { fork } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
/** The repository root as it appears in profile URLs (file:///…/), wherever the checkout lives. */
const rootUrl = new URL("../../", import.meta.url).href;

/** Where a script URL lives, shortened: the package name, or the repo path. */
function owner(url) {
  if (!url) return "(native/V8)";
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith(rootUrl))
    return url.slice(rootUrl.length).replace(/^packages\/core\/dist\//, "@oaikit/core: ");
  return url.replace(/^node:/, "node:");
}

/**
 * Sums self time per function and per owner from a .cpuprofile, counting only the samples taken
 * inside `window` ([start, end] µs on the monotonic clock), so start-up and the warm-up run are out.
 */
export function summarise(profile, window = [0, Number.POSITIVE_INFINITY]) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += dt[i] ?? 0;
    if (at < window[0] || at > window[1]) continue;
    const node = byId.get(profile.samples[i]);
    self.set(node.id, (self.get(node.id) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const owners = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === "(idle)") continue;
    const where = owner(callFrame.url);
    const fn = `${callFrame.functionName || "(anonymous)"} — ${where}:${callFrame.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    owners.set(where, (owners.get(where) ?? 0) + us);
  }
  const top = (map, k) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
  return {
    totalMs: total / 1000,
    functions: top(fns, 12),
    owners: top(owners, 8),
    allOwners: top(owners, 1000),
  };
}

/** Profiles each client on each format; returns summaries. */
export async function profileClients({ clients, formats, n, base }) {
  const dir = here("../../node_modules/.cache/oaikit-bench-profiles/");
  const out = [];
  for (const format of formats) {
    for (const name of clients) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const child = fork(here("./worker.mjs"), [name], {
        execArgv: ["--expose-gc", "--cpu-prof", `--cpu-prof-dir=${dir}`],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const first = await new Promise((resolve) => child.once("message", resolve));
      if (!first.available) {
        child.kill();
        continue;
      }
      // A warm-up run of a tenth of the size first, so the profile shows steady state, not the JIT.
      const ask = (id, size) =>
        new Promise((resolve) => {
          child.on("message", (m) => m.id === id && resolve(m));
          child.send({ id, format, base: base(format, size), n: size });
        });
      await ask(1, n / 10);
      const result = await ask(2, n);
      // A clean exit writes the profile.
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
      if (!result.ok) throw new Error(result.error);
      const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
      const profile = JSON.parse(readFileSync(`${dir}${file}`, "utf8"));
      out.push({ client: name, format, n, ...summarise(profile, result.windowUs) });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}
