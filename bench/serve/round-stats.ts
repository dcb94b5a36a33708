/** Helpers of the serving tables: figures as medians over rounds, and numbers for table cells. */
import { median } from "../report.js";
import type { RoundResult } from "./rounds.js";

/** The median over rounds of one figure (the machines are noisy: tables show medians). */
export function med(rounds: readonly RoundResult[], pick: (r: RoundResult) => number): number {
  return median(rounds.map(pick));
}

/** A number inside a text cell: integers as they are, others to three significant digits. */
export function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
