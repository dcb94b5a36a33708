import { parentPort } from "node:worker_threads";

/** Handlers a worker module serves, by name. */
export type Handlers = Record<string, (arg: never) => unknown>;

/** Call from a worker module: answers the pool's jobs with the named handlers. */
export function serveHandlers(handlers: Handlers): void {
  if (!parentPort) throw new Error("serveHandlers must run inside a worker thread");
  const port = parentPort;
  port.on("message", async (job: { id: number; handler: string; arg: unknown }) => {
    const fn = handlers[job.handler];
    if (!fn) {
      port.postMessage({ id: job.id, error: `unknown handler '${job.handler}'` });
      return;
    }
    try {
      port.postMessage({ id: job.id, result: await fn(job.arg as never) });
    } catch (error) {
      port.postMessage({
        id: job.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
}
