import { spmmHandlers } from "./spmm.js";
import { serveHandlers } from "./worker-handlers.js";

// The worker module of `createSpmmPool`: serves the sparse × dense product on shared memory.
serveHandlers(spmmHandlers);
