/** One Dockerfile instruction, continuation lines joined. */
export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

/** A build stage: `FROM base [AS name]` and the instructions up to the next FROM. */
export interface DockerStage {
  name: string;
  base: string;
  instructions: DockerInstruction[];
}

/** A COPY/ADD: from the build context, or `--from` another stage or image. */
export interface CopyInstruction {
  stage: string;
  from: string | null;
  sources: string[];
  dest: string;
  line: number;
}

/** Splits a Dockerfile into instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  let pending: { text: string; line: number } | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith("#")) return;
    if (pending === null && line === "") return;
    const continues = line.endsWith("\\");
    const part = continues ? line.slice(0, -1).trim() : line;
    pending = pending
      ? { text: `${pending.text} ${part}`.trim(), line: pending.line }
      : { text: part, line: index + 1 };
    if (continues) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text);
    if (match) out.push({ keyword: match[1].toUpperCase(), args: match[2], line: pending.line });
    pending = null;
  });
  return out;
}

/** The build stages in order; an unnamed stage is named by its index, as Docker does. */
export function dockerStages(instructions: readonly DockerInstruction[]): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [base, as, name] = instruction.args.split(/\s+/).filter((t) => !t.startsWith("--"));
      stages.push({
        name: as?.toUpperCase() === "AS" ? name : String(stages.length),
        base,
        instructions: [],
      });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

/** The exec form (`["a", "b"]`) of an ENTRYPOINT/CMD argument, or null for the shell form. */
export function execForm(args: string): string[] | null {
  if (!args.trim().startsWith("[")) return null;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) {
    throw new Error(`not an exec form: ${args}`);
  }
  return parsed;
}

/** Every COPY and ADD of every stage, with its `--from` and its sources and destination. */
export function copyInstructions(stages: readonly DockerStage[]): CopyInstruction[] {
  const out: CopyInstruction[] = [];
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== "COPY" && instruction.keyword !== "ADD") continue;
      const tokens = instruction.args.split(/\s+/).filter((t) => t.length > 0);
      const flags = tokens.filter((t) => t.startsWith("--"));
      const rest = tokens.filter((t) => !t.startsWith("--"));
      const paths = execForm(rest.join(" ")) ?? rest;
      const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length) ?? null;
      out.push({
        stage: stage.name,
        from,
        sources: paths.slice(0, -1),
        dest: paths.at(-1) ?? "",
        line: instruction.line,
      });
    }
  }
  return out;
}

/** The last argument of a stage's instruction (e.g. its final ENTRYPOINT), or null. */
export function lastInstruction(stage: DockerStage, keyword: string): DockerInstruction | null {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1) ?? null;
}
