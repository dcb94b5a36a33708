/** Shared output of every benchmark: JSON for machines, then a readable table. */

/** A row of a benchmark table: column name → value. */
export type BenchRow = Record<string, string | number | null>;

/** The median of `values` (the machines are noisy: benchmarks report medians). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Formats rows as an aligned plain-text table. */
export function formatTable(rows: readonly BenchRow[]): string {
  if (rows.length === 0) return "(no rows)";
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (v: string | number | null | undefined) =>
    v === null || v === undefined
      ? "-"
      : typeof v === "number"
        ? Number.isInteger(v)
          ? v.toLocaleString("en-US")
          : v.toPrecision(4)
        : v;
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join("  ");
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Prints a benchmark's result as one JSON line, then its table. */
export function printBench(
  name: string,
  rows: readonly BenchRow[],
  extra: Record<string, unknown> = {},
): void {
  console.log(JSON.stringify({ bench: name, ...extra, rows }));
  console.log(`\n${name}\n${formatTable(rows)}\n`);
}
