import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { InputError } from "../../core/errors.js";
import { ExternalIdSchema } from "../../core/types.js";

/** Externally trained vectors keyed by external id (e.g. a two-tower model's towers). */
export interface ExternalEmbeddings {
  ids: string[];
  dims: number;
  /** ids.length × dims, row-major. */
  vectors: Float32Array;
}

/**
 * Reads embeddings from TSV (`id<TAB>v1<TAB>v2…` per line, no header) or from `.npy` (2-D,
 * little-endian float32 or float64, C order) with the row ids, one per line, in the file of the
 * same name ending in `.ids`. Every malformed line or header is an error naming file and line.
 */
export async function readEmbeddings(path: string): Promise<ExternalEmbeddings> {
  return path.endsWith(".npy") ? readNpy(path) : readTsv(path);
}

async function readTsv(path: string): Promise<ExternalEmbeddings> {
  const ids: string[] = [];
  const values: number[] = [];
  let dims = -1;
  let line = 0;
  const seen = new Set<string>();
  const lines = createInterface({
    input: createReadStream(path, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const text of lines) {
    line++;
    if (text.trim() === "") continue;
    const cells = text.split("\t");
    const id = ExternalIdSchema.safeParse(cells[0]);
    if (!id.success) throw new InputError({ source: path, line, field: "id" }, id.error.issues[0].message);
    if (seen.has(id.data))
      throw new InputError({ source: path, line, field: "id" }, `duplicate id '${id.data}'`);
    seen.add(id.data);
    if (dims < 0) dims = cells.length - 1;
    if (dims === 0 || cells.length - 1 !== dims) {
      throw new InputError(
        { source: path, line },
        `expected ${Math.max(dims, 1)} values after the id, got ${cells.length - 1}`,
      );
    }
    for (let j = 1; j < cells.length; j++) {
      const v = Number(cells[j]);
      if (cells[j].trim() === "" || !Number.isFinite(v)) {
        throw new InputError({ source: path, line, field: `value ${j}` }, `not a number: "${cells[j]}"`);
      }
      values.push(v);
    }
    ids.push(id.data);
  }
  if (ids.length === 0) throw new InputError({ source: path }, "no embeddings in the file");
  return { ids, dims, vectors: Float32Array.from(values) };
}

async function readNpy(path: string): Promise<ExternalEmbeddings> {
  const bytes = await readFile(path);
  if (bytes.length < 10 || bytes.toString("latin1", 0, 6) !== "\x93NUMPY") {
    throw new InputError({ source: path }, "not a .npy file (magic bytes missing)");
  }
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString("latin1", headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (descr !== "<f4" && descr !== "<f8") {
    throw new InputError(
      { source: path, field: "descr" },
      `dtype must be little-endian float32 or float64, got ${descr}`,
    );
  }
  if (fortran !== "False") throw new InputError({ source: path, field: "fortran_order" }, "must be C order");
  if (!shape) throw new InputError({ source: path, field: "shape" }, "must be a 2-D array (rows, dims)");
  const rows = Number(shape[1]);
  const dims = Number(shape[2]);
  const data = bytes.subarray(headerStart + headerLength);
  const width = descr === "<f4" ? 4 : 8;
  if (data.length !== rows * dims * width) {
    throw new InputError(
      { source: path },
      `shape (${rows}, ${dims}) needs ${rows * dims * width} bytes, file has ${data.length}`,
    );
  }
  const vectors = new Float32Array(rows * dims);
  for (let i = 0; i < rows * dims; i++)
    vectors[i] = width === 4 ? data.readFloatLE(i * 4) : data.readDoubleLE(i * 8);
  const idsPath = path.replace(/\.npy$/, ".ids");
  let idText: string;
  try {
    idText = await readFile(idsPath, "utf8");
  } catch {
    throw new InputError({ source: idsPath }, `cannot read the row ids of ${path} (one id per line)`);
  }
  const ids = idText.split("\n").filter((line, i, all) => line !== "" || i < all.length - 1);
  if (ids.length !== rows) throw new InputError({ source: idsPath }, `${ids.length} ids for ${rows} rows`);
  return { ids, dims, vectors };
}
