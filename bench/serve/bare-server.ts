/**
 * The baseline of the throughput bar (a child process): a bare Fastify route at the same path
 * answering a constant recommendation list of the size Palate answers, so the ratio measures
 * what the recommendation path costs on top of HTTP and JSON.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { serveRpc } from "./child-rpc.js";

/** Arguments of the `start` call: the body every request gets. */
export interface StartBare {
  body: unknown;
}

let app: FastifyInstance | null = null;

async function start({ body }: StartBare): Promise<{ url: string; bytes: number }> {
  app = Fastify({ logger: false });
  // The object, not a pre-rendered string: each answer is serialised, as Palate's are.
  app.get("/v1/recommendations", async () => body);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, bytes: Buffer.byteLength(JSON.stringify(body)) };
}

serveRpc(
  {
    start: (payload: StartBare) => start(payload),
    // CPU seconds so far: the benchmark takes the difference over a saturation run.
    cpuSeconds: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
  },
  async () => {
    await app?.close();
  },
);
