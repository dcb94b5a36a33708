/**
 * The first `limit` of `0 … count − 1` in the order `before` defines (a strict total order: for
 * a ≠ b exactly one of before(a, b), before(b, a)), best first: a bounded heap, O(count · log
 * limit), so a long row ranked for its head never pays a full sort. The comparator sees indices,
 * so callers rank by whatever values they hold (float64 included, ties broken as they choose).
 */
export function firstInOrder(
  count: number,
  limit: number,
  before: (a: number, b: number) => boolean,
): Int32Array {
  const k = Math.max(0, Math.min(limit, count));
  // A max-heap of the kept indices under `before`: the root is the weakest kept one.
  const heap = new Int32Array(k);
  let size = 0;
  const siftDown = (value: number) => {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && before(heap[left], heap[right]) ? right : left;
      if (!before(value, heap[child])) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = value;
  };
  for (let index = 0; index < count && k > 0; index++) {
    if (size < k) {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(heap[parent], index)) break;
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = index;
    } else if (before(index, heap[0])) {
      siftDown(index);
    }
  }
  // Popping the weakest first fills the answer from the back.
  const out = new Int32Array(size);
  for (let slot = size - 1; slot >= 0; slot--) {
    out[slot] = heap[0];
    const last = heap[--size];
    if (size > 0) siftDown(last);
  }
  return out;
}
