/**
 * Deterministic starting vectors of Cleora: each node's vector is a function of its external id
 * alone (and the dimension index), so the same id starts the same in any run, any dataset ordering
 * and any process, with no random state to store or seed.
 */

/** How starting values are drawn from the hash: ±1 signs, or uniform in [−1, 1). */
export type CleoraInit = "sign" | "uniform";

/** Kinds of graph node; the kind is hashed with the id, since MovieLens user "1" ≠ movie "1". */
export type NodeKind = "user" | "item" | "attribute";

const KIND_TAG: Record<NodeKind, number> = { user: 0x75, item: 0x69, attribute: 0x61 };

/** The murmur3 finaliser: a bijective 32-bit mix with full avalanche. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Two independent 32-bit hashes of (kind, id) written at `out[2·slot]`, `out[2·slot + 1]`. 64
 * bits keep collisions (two nodes starting identical) negligible at millions of nodes, where one
 * 32-bit hash would give dozens.
 */
export function hashNode(kind: NodeKind, id: string, out: Int32Array, slot: number): void {
  let a = 0x811c9dc5 ^ KIND_TAG[kind];
  let b = 0x3c6ef372 ^ Math.imul(KIND_TAG[kind], 0x9e3779b1);
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  out[2 * slot] = fmix32(a ^ id.length);
  out[2 * slot + 1] = fmix32(b + id.length);
}

/** The hashes of a list of ids of one kind, two int32 words per id. */
export function hashNodes(kind: NodeKind, ids: readonly string[]): Int32Array {
  const out = new Int32Array(2 * ids.length);
  for (let i = 0; i < ids.length; i++) hashNode(kind, ids[i], out, i);
  return out;
}

/**
 * Fills rows [rowOffset, rowOffset + n) of the row-major `out` (d columns) with the starting
 * vectors of the n hashed nodes: value j is a mix of both hash words and j.
 */
export function fillInitialVectors(
  hashes: Int32Array,
  d: number,
  init: CleoraInit,
  rowOffset: number,
  out: Float32Array,
): void {
  const n = hashes.length >> 1;
  for (let i = 0; i < n; i++) {
    const a = hashes[2 * i];
    const b = hashes[2 * i + 1];
    const o = (rowOffset + i) * d;
    for (let j = 0; j < d; j++) {
      const z = fmix32(fmix32((a + Math.imul(j + 1, 0x9e3779b9)) | 0) ^ b);
      out[o + j] = init === "sign" ? (z & 1 ? 1 : -1) : (z >>> 0) / 2147483648 - 1;
    }
  }
}
