import { serveHandlers } from "../../math/worker-handlers.js";
import { ALS_HANDLERS } from "./als-tasks.js";

// The worker-thread entry of ALS training: serves the Gram and CG-solve tasks on shared memory.
serveHandlers(ALS_HANDLERS);
