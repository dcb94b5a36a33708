/**
 * How busy the whole machine is (Linux /proc/stat): the machines are shared, so every phase
 * reports the cores in use beside the cores our own processes used.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Cumulative CPU time of the machine, in clock ticks. */
export interface CpuTicks {
  busy: number;
  total: number;
  /** Time the hypervisor ran another guest while this one wanted the CPU (counted in busy). */
  steal: number;
}

/** The machine's CPU counters now (zeros where /proc/stat is unavailable). */
export function cpuTicks(): CpuTicks {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    // idle and iowait are the two fields of a core doing nothing.
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total, steal: fields[7] ?? 0 };
  } catch {
    return { busy: 0, total: 0, steal: 0 };
  }
}

/** Cores busy on average between two readings (all processes, ours included). */
export function busyCores(from: CpuTicks, to: CpuTicks): number {
  const total = to.total - from.total;
  return total > 0 ? ((to.busy - from.busy) / total) * cpus().length : Number.NaN;
}

/**
 * Cores' worth of time the host gave to other guests between two readings: a virtual machine
 * that is descheduled stalls every process in it at once, which no profile of ours can show.
 */
export function stealCores(from: CpuTicks, to: CpuTicks): number {
  const total = to.total - from.total;
  return total > 0 ? ((to.steal - from.steal) / total) * cpus().length : Number.NaN;
}

/** Cores busy over the next `ms` milliseconds (a quiet reading before the benchmark starts). */
export async function sampleBusyCores(ms: number): Promise<number> {
  const from = cpuTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return busyCores(from, cpuTicks());
}

/** CPU seconds (user + system) process `pid` has used so far (utime + stime of /proc/PID/stat). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which may contain spaces, closed by the last ')'; utime and
  // stime are the 12th and 13th, in clock ticks of 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size of process `pid` in bytes (what the kernel charges it). */
export function processRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}
