/**
 * The flags of `npm run bench:soak`: the soak's own (--minutes, --fraction, --saturate,
 * --connections, --pool) and the serving benchmark's preparation of the city and model.
 */
import { resolve } from "node:path";
import { parseServeBenchOptions, type ServeBenchOptions } from "./options.js";

export interface SoakOptions {
  minutes: number;
  fraction: number;
  saturate: number;
  connections: number;
  pool: number;
  serve: ServeBenchOptions;
}

export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (!name.startsWith("--") || value === undefined || value.startsWith("--")) {
      throw new Error(`bench:soak: expected '--flag value', got '${name}'`);
    }
    flags.set(name.slice(2), value);
  }
  const take = (name: string, fallback: string) => {
    const value = flags.get(name) ?? fallback;
    flags.delete(name);
    return value;
  };
  const num = (name: string, fallback: number, min: number, max = Number.POSITIVE_INFINITY) => {
    const text = take(name, String(fallback)).replaceAll("_", "");
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`bench:soak: --${name} must be a number in [${min}, ${max}], got '${text}'`);
    }
    return value;
  };
  const model = take("model", "");
  const options: SoakOptions = {
    minutes: Math.round(num("minutes", 10, 2)),
    fraction: num("fraction", 0.7, 0.01, 1),
    saturate: num("saturate", 60, 1),
    connections: Math.round(num("connections", 50, 1)),
    pool: Math.round(num("pool", 64, 1)),
    // The serving benchmark's preparation (city, model) with its load phases left at defaults.
    serve: {
      ...parseServeBenchOptions([]),
      dir: resolve(take("dir", ".palate/bench-soak")),
      users: Math.round(num("users", 50_000, 100)),
      items: Math.round(num("items", 5_000, 10)),
      days: Math.round(num("days", 7, 1)),
      seed: Math.round(num("seed", 42, 0)),
      model: model === "" ? null : resolve(model),
      alsIterations: Math.round(num("als-iterations", 3, 1)),
    },
  };
  if (flags.size > 0) throw new Error(`bench:soak: unknown flag --${[...flags.keys()][0]}`);
  return options;
}
