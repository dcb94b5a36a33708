import { serveHandlers } from "../worker-handlers.js";

// A test worker: sums a range of a shared Float64Array into an output slot.
serveHandlers({
  sumRange(arg: {
    data: SharedArrayBuffer;
    out: SharedArrayBuffer;
    slot: number;
    start: number;
    end: number;
  }) {
    const data = new Float64Array(arg.data);
    let sum = 0;
    for (let i = arg.start; i < arg.end; i++) sum += data[i];
    new Float64Array(arg.out)[arg.slot] = sum;
    return arg.end - arg.start;
  },
});
