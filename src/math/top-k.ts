/**
 * Top-k selection with a bounded min-heap kept in typed arrays. The heap root is the weakest of
 * the current k best, so each candidate costs one comparison unless it enters the heap.
 */
export class TopK {
  readonly k: number;
  private readonly heapItems: Int32Array;
  private readonly heapScores: Float32Array;
  private size = 0;

  constructor(k: number) {
    this.k = k;
    this.heapItems = new Int32Array(k);
    this.heapScores = new Float32Array(k);
  }

  /** Empties the heap so the instance can be reused for the next query. */
  reset(): void {
    this.size = 0;
  }

  /** The score an item must beat to enter (−Infinity while the heap is not full). */
  get threshold(): number {
    return this.size < this.k ? Number.NEGATIVE_INFINITY : this.heapScores[0];
  }

  /** Offers one candidate; among equal scores the lower item index ranks first. */
  push(item: number, score: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!outranks(this.heapScores[parent], this.heapItems[parent], score, item)) break;
        this.heapItems[i] = this.heapItems[parent];
        this.heapScores[i] = this.heapScores[parent];
        i = parent;
      }
      this.heapItems[i] = item;
      this.heapScores[i] = score;
      return;
    }
    if (!outranks(score, item, this.heapScores[0], this.heapItems[0])) return;
    this.siftDown(item, score);
  }

  /**
   * Writes the selection best-first into `outItems`/`outScores` at `offset`, padding unused
   * slots with item −1 and score −Infinity; the heap is left empty.
   */
  drainInto(outItems: Int32Array, outScores: Float32Array, offset: number): void {
    const n = this.size;
    for (let slot = n; slot < this.k; slot++) {
      outItems[offset + slot] = -1;
      outScores[offset + slot] = Number.NEGATIVE_INFINITY;
    }
    // Popping the min repeatedly yields ascending scores: fill from the back.
    for (let slot = n - 1; slot >= 0; slot--) {
      outItems[offset + slot] = this.heapItems[0];
      outScores[offset + slot] = this.heapScores[0];
      const lastItem = this.heapItems[this.size - 1];
      const lastScore = this.heapScores[this.size - 1];
      this.size--;
      if (this.size > 0) this.siftDown(lastItem, lastScore);
    }
  }

  private siftDown(item: number, score: number): void {
    const n = this.size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (
        right < n &&
        outranks(this.heapScores[left], this.heapItems[left], this.heapScores[right], this.heapItems[right])
      ) {
        child = right;
      }
      if (!outranks(score, item, this.heapScores[child], this.heapItems[child])) break;
      this.heapItems[i] = this.heapItems[child];
      this.heapScores[i] = this.heapScores[child];
      i = child;
    }
    this.heapItems[i] = item;
    this.heapScores[i] = score;
  }
}

/** Whether (scoreA, itemA) ranks above (scoreB, itemB): higher score, then lower index. */
function outranks(scoreA: number, itemA: number, scoreB: number, itemB: number): boolean {
  return scoreA > scoreB || (scoreA === scoreB && itemA < itemB);
}
