import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { InputError } from "../core/errors.js";
import { Random } from "../math/random.js";
import { type DataSource, loadDataset } from "./load-dataset.js";

// PALATE_FUZZ_SEED and PALATE_FUZZ_FILES reproduce or widen a run; CI uses the defaults.
const SEED = Number(process.env.PALATE_FUZZ_SEED ?? 20261127);
const FILES = Number(process.env.PALATE_FUZZ_FILES ?? 600);
/** A hang detector, not a performance bound: these files are a few hundred bytes. */
const HANG_MS = 15_000;

const dir = mkdtempSync(join(tmpdir(), "palate-loader-fuzz-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Valid files of every layout the loaders read: the fuzzer's starting points. */
const SEEDS: Record<string, Record<string, string>> = {
  genericCsv: {
    "interactions.csv":
      "user_id,item_id,rating,timestamp,type\nu1,i1,4,1700000000,rating\nu2,i2,3.5,2026-11-26T12:00:00Z,rating\n" +
      'u1,"i,3",1,1700000100,click\nu3,i1,5,0,booking\n',
    "items.csv":
      'item_id,title,categories,price,lat,lon,stars\ni1,"Thai ""Palace""",thai|asian,2,48.1,11.5,4.5\ni2,Pho,vietnamese,1,48.2,11.6,x\n"i,3",Café,,3,,,\n',
    "users.csv": "user_id,age,city\nu1,31,munich\nu2,,berlin\n",
  },
  genericNdjson: {
    "interactions.ndjson":
      '{"user_id":"u1","item_id":"i1","rating":4,"timestamp":1700000000}\n\n{"user_id":"u2","item_id":"i2","type":"click","timestamp":"2026-11-26T12:00:00Z"}\n' +
      '{"user_id":"u😀","item_id":"i1","value":2}\n',
    "items.ndjson":
      '{"item_id":"i1","title":"A","categories":["thai"],"price":2,"lat":48.1,"lon":11.5,"stars":4}\n{"item_id":"i2","title":"B","attributes":{"x":1}}\n',
  },
  genericTsv: { "interactions.tsv": "user_id\titem_id\tweight\nu1\ti1\t1\nu2\ti2\t2.5\n" },
  movielens: {
    "movies.csv":
      'movieId,title,genres\n1,Toy Story (1995),Animation|Children\n2,"Heat, The (1995)",(no genres listed)\n',
    "ratings.csv":
      "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,5.0,964981247\n2,1,0.5,964982224\n",
  },
};

function pick<T>(random: Random, values: readonly T[]): T {
  return values[random.int(values.length)];
}

const SPLICES = [
  '"',
  '""',
  ",",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "\u0000",
  "\ufeff",
  "|",
  "{",
  "}",
  "[",
  "]",
  ":",
  "\\",
  '"\n"',
  "1e309",
  "-1",
  "NaN",
  "Infinity",
  "null",
  "true",
  "9007199254740993",
  "-0",
  "",
  " ",
  "\ud800",
  "😀",
  "x".repeat(70_000),
  "\n".repeat(50),
  ",".repeat(200),
  "__proto__",
  '{"__proto__":1}',
];

/** A mutated file: characters spliced in, a slice dropped or repeated, lines shuffled or cut. */
function mutate(random: Random, text: string): string {
  let out = text;
  for (let n = 1 + random.int(4); n > 0; n--) {
    const at = random.int(out.length + 1);
    const action = random.int(7);
    if (action <= 2) out = out.slice(0, at) + pick(random, SPLICES) + out.slice(at);
    else if (action === 3) out = out.slice(0, at) + out.slice(at + 1 + random.int(20));
    else if (action === 4) out = out.slice(0, at) + out.slice(Math.max(0, at - 30), at) + out.slice(at);
    else if (action === 5) out = out.slice(0, at);
    else {
      const lines = out.split("\n");
      const i = random.int(lines.length);
      const j = random.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      out = lines.join("\n");
    }
  }
  return out;
}

/** File bytes: usually the UTF-8 text, sometimes with invalid UTF-8 or a UTF-16 encoding. */
function bytesOf(random: Random, text: string): Buffer {
  const r = random.next();
  if (r < 0.9) return Buffer.from(text, "utf8");
  if (r < 0.95) {
    const bytes = Buffer.from(text, "utf8");
    const at = random.int(bytes.length + 1);
    return Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      bytes.subarray(at),
    ]);
  }
  return Buffer.from(`\ufeff${text}`, "utf16le");
}

function sourceOf(layout: string, caseDir: string): DataSource {
  if (layout === "movielens") return { kind: "dataset", name: "movielens", path: caseDir };
  const files = Object.keys(SEEDS[layout]);
  const find = (prefix: string) => files.find((f) => f.startsWith(prefix));
  const path = (name: string | undefined) => (name ? join(caseDir, name) : undefined);
  return {
    kind: "files",
    interactions: path(find("interactions")) as string,
    items: path(find("items")),
    users: path(find("users")),
  };
}

async function withHangDetector<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no result within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

test("every seed file loads as it is (the fuzzer starts from valid input)", async () => {
  for (const layout of Object.keys(SEEDS)) {
    const caseDir = mkdtempSync(join(dir, `${layout}-`));
    for (const [name, text] of Object.entries(SEEDS[layout])) writeFileSync(join(caseDir, name), text);
    const { dataset } = await loadDataset(sourceOf(layout, caseDir));
    assert.ok(dataset.interactions.length >= 2, layout);
  }
});

test(`${FILES} mutated data files: a dataset or an InputError naming file:line, never a crash or hang`, async (t) => {
  const random = new Random(SEED);
  const failures: string[] = [];
  const outcomes = { loaded: 0, refused: 0, withLine: 0 };
  const layouts = Object.keys(SEEDS);
  for (let n = 0; n < FILES; n++) {
    const layout = layouts[n % layouts.length];
    const caseDir = mkdtempSync(join(dir, `${n}-`));
    const files = Object.entries(SEEDS[layout]);
    const victim = random.int(files.length);
    const written: Record<string, Buffer> = {};
    for (const [i, [name, text]] of files.entries()) {
      written[name] = i === victim ? bytesOf(random, mutate(random, text)) : Buffer.from(text);
      writeFileSync(join(caseDir, name), written[name]);
    }
    const skipInvalid = random.next() < 0.3;
    try {
      await withHangDetector(loadDataset(sourceOf(layout, caseDir), { skipInvalid }));
      outcomes.loaded++;
    } catch (error) {
      const name = Object.keys(written).find((f) => (error as Error).message?.startsWith(join(caseDir, f)));
      const ok = error instanceof InputError && name !== undefined;
      if (!ok) {
        failures.push(
          `#${n} ${layout} (skipInvalid ${skipInvalid}): ${(error as Error).stack?.split("\n").slice(0, 4).join(" | ")}\n` +
            `    ${files[victim][0]}: ${JSON.stringify(written[files[victim][0]].toString("utf8").slice(0, 400))}`,
        );
        continue;
      }
      outcomes.refused++;
      const line = (error as InputError).location.line;
      if (line !== undefined) {
        outcomes.withLine++;
        const lines = written[name].toString("utf8").split("\n").length;
        if (line < 1 || line > lines + 1)
          failures.push(`#${n}: line ${line} of a ${lines}-line file: ${(error as Error).message}`);
      }
    }
    rmSync(caseDir, { recursive: true, force: true });
  }
  t.diagnostic(`seed ${SEED}: ${JSON.stringify(outcomes)}`);
  assert.deepEqual(failures.slice(0, 8), [], `seed ${SEED}: ${failures.length} failures`);
  // The mutations reach both outcomes, and most refusals point at a line.
  assert.ok(outcomes.loaded > FILES / 10 && outcomes.refused > FILES / 10, JSON.stringify(outcomes));
  assert.ok(outcomes.withLine > outcomes.refused / 2, JSON.stringify(outcomes));
});
