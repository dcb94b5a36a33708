import type { CsrMatrix } from "../../core/csr.js";
import { IdDictionary } from "../../core/id-dictionary.js";
import { sharedFloat32, sharedInt32 } from "../../math/spmm.js";

/** How the graph is weighted. */
export interface CleoraGraphOptions {
  /** Edge weights from the interaction values (confidence) instead of 1 per user–item pair. */
  weighted: boolean;
  /**
   * Share of an item's update that comes from its attributes: item ← (1−s)·mean(users) +
   * s·mean(attributes). Undefined treats attributes as plain neighbours (uniform mean, as in
   * Cleora's hypergraph), where a popular item's few attributes weigh almost nothing.
   */
  attributeShare: number | undefined;
}

/**
 * The symmetric adjacency of the user–item(–attribute) graph as one square CSR on shared memory.
 * Nodes are users [0, U), items [U, U+I), attributes [U+I, U+I+A); an edge's value is its weight
 * in the row's mean. Rows are not divided by their degree: every propagation step L2-normalises
 * each row, which cancels any positive row factor, so the 1/degree of the random walk is free.
 */
export interface CleoraGraph {
  readonly adjacency: CsrMatrix;
  readonly nUsers: number;
  readonly nItems: number;
  /** Attribute keys ("category:Comedy") by attribute index (node U + I + index). */
  readonly attributes: IdDictionary;
}

/**
 * Builds the graph from the user × item matrix and, per item index, its attribute keys (empty or
 * absent for none). One pass counts degrees, one fills rows, so nothing nnz-sized is built twice.
 */
export function buildCleoraGraph(
  m: CsrMatrix,
  itemAttributes: readonly (readonly string[] | undefined)[],
  options: CleoraGraphOptions,
): CleoraGraph {
  const { nRows: nUsers, nCols: nItems } = m;
  const attributes = new IdDictionary();
  const attrPtr = new Int32Array(nItems + 1);
  const attrOf: number[] = [];
  for (let i = 0; i < nItems; i++) {
    for (const key of itemAttributes[i] ?? []) {
      const a = attributes.add(key);
      // An attribute listed twice for one item is one edge.
      if (!attrOf.slice(attrPtr[i]).includes(a)) attrOf.push(a);
    }
    attrPtr[i + 1] = attrOf.length;
  }
  const nAttrs = attributes.size;
  const nNodes = nUsers + nItems + nAttrs;
  const nnzUI = m.indptr[nUsers];
  const nnzIA = attrOf.length;

  const degree = new Int32Array(nNodes);
  for (let u = 0; u < nUsers; u++) degree[u] = m.indptr[u + 1] - m.indptr[u];
  for (let e = 0; e < nnzUI; e++) degree[nUsers + m.indices[e]]++;
  for (let i = 0; i < nItems; i++) degree[nUsers + i] += attrPtr[i + 1] - attrPtr[i];
  for (let k = 0; k < nnzIA; k++) degree[nUsers + nItems + attrOf[k]]++;

  const indptr = sharedInt32(nNodes + 1);
  for (let n = 0; n < nNodes; n++) indptr[n + 1] = indptr[n] + degree[n];
  const indices = sharedInt32(indptr[nNodes]);
  const values = sharedFloat32(indptr[nNodes]);
  const weight = (e: number) => (options.weighted ? m.values[e] : 1);

  // Users: their items, as in m. Items: users first (ascending u keeps the row sorted), then
  // attributes; `next` is each item's and attribute's fill position.
  const next = indptr.slice(0, nNodes);
  const userWeight = new Float64Array(nItems);
  for (let u = 0; u < nUsers; u++) {
    for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++) {
      const item = m.indices[e];
      const w = weight(e);
      indices[next[u]] = nUsers + item;
      values[next[u]++] = w;
      const pos = next[nUsers + item]++;
      indices[pos] = u;
      values[pos] = w;
      userWeight[item] += w;
    }
  }
  const share = options.attributeShare;
  for (let i = 0; i < nItems; i++) {
    const node = nUsers + i;
    const nItemAttrs = attrPtr[i + 1] - attrPtr[i];
    const usersEnd = next[node];
    if (share !== undefined && nItemAttrs > 0 && userWeight[i] > 0) {
      const scale = (1 - share) / userWeight[i];
      for (let p = indptr[node]; p < usersEnd; p++) values[p] *= scale;
    }
    const attrValue = share === undefined || userWeight[i] === 0 ? 1 : share / nItemAttrs;
    // Attribute indices arrive in first-seen order: sort this item's slice to keep the row sorted.
    const own = attrOf.slice(attrPtr[i], attrPtr[i + 1]).sort((a, b) => a - b);
    for (const a of own) {
      const attrNode = nUsers + nItems + a;
      indices[next[node]] = attrNode;
      values[next[node]++] = attrValue;
      indices[next[attrNode]] = node;
      values[next[attrNode]++] = 1;
    }
  }
  return {
    adjacency: { nRows: nNodes, nCols: nNodes, indptr, indices, values },
    nUsers,
    nItems,
    attributes,
  };
}

/**
 * Rows [from, to) of a square CSR as a matrix of their own (views, no copy; still shared), for
 * products that update one node kind only, such as users from the final item vectors.
 */
export function rowBlock(m: CsrMatrix, from: number, to: number): CsrMatrix {
  return {
    nRows: to - from,
    nCols: m.nCols,
    indptr: m.indptr.subarray(from, to + 1),
    indices: m.indices,
    values: m.values,
  };
}
