import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { type CopyInstruction, type DockerStage, lastInstruction } from "./dockerfile.js";

/** The build context's files at or under a context-relative path (a file, or a directory's files). */
export function contextFilesAt(context: ReadonlySet<string>, source: string): string[] {
  const clean = posix.normalize(source).replace(/\/$/, "").replace(/^\.\//, "");
  if (clean === ".") return [...context];
  return [...context].filter((f) => f === clean || f.startsWith(`${clean}/`));
}

/**
 * Replays a Dockerfile's file operations on the local disk, without docker: each stage is a
 * directory standing for its image's filesystem root; COPY takes context files (only those the
 * .dockerignore lets in) or another stage's files; `npm ci` is stood in for by a symlink to the
 * repository's node_modules (same lockfile), and `npm run build` is really run. So a source the
 * build needs but the context lacks, or a runtime file the stages never produce, fails here as it
 * would in `docker build`.
 */
export class BuildSimulation {
  readonly stageRoots = new Map<string, string>();

  constructor(
    private readonly repoRoot: string,
    private readonly context: ReadonlySet<string>,
    private readonly scratch: string,
  ) {}

  /** Where an absolute path of a stage's filesystem lives on disk. */
  pathIn(stage: string, absolute: string): string {
    const root = this.stageRoots.get(stage);
    if (!root) throw new Error(`stage ${stage} has not been replayed`);
    return join(root, absolute);
  }

  /** Replays one stage's WORKDIR, COPY and (recognised) RUN instructions. */
  replay(stage: DockerStage, copies: readonly CopyInstruction[]): void {
    const root = join(this.scratch, `stage-${stage.name}`);
    mkdirSync(root, { recursive: true });
    this.stageRoots.set(stage.name, root);
    let workdir = "/";
    for (const instruction of stage.instructions) {
      if (instruction.keyword === "WORKDIR") {
        workdir = posix.resolve(workdir, instruction.args.trim());
        mkdirSync(join(root, workdir), { recursive: true });
      } else if (instruction.keyword === "COPY") {
        const copy = copies.find((c) => c.line === instruction.line);
        if (copy) this.copy(copy, root, workdir);
      } else if (instruction.keyword === "RUN") this.run(instruction.args, root, workdir);
    }
  }

  private copy(copy: CopyInstruction, root: string, workdir: string): void {
    const destination = posix.resolve(workdir, copy.dest);
    for (const source of copy.sources) {
      const into = copy.dest.endsWith("/") ? posix.join(destination, posix.basename(source)) : destination;
      if (copy.from === null) {
        const files = contextFilesAt(this.context, source);
        if (files.length === 0)
          throw new Error(`COPY ${source} (line ${copy.line}): not in the build context`);
        const base = posix.normalize(source).replace(/\/$/, "");
        for (const file of files) {
          const relative = file === base ? "" : file.slice(base.length + 1);
          const target = join(root, relative ? posix.join(into, relative) : into);
          mkdirSync(dirname(target), { recursive: true });
          cpSync(join(this.repoRoot, file), target);
        }
      } else {
        const from = this.pathIn(copy.from, source);
        if (!existsSync(from))
          throw new Error(`COPY --from=${copy.from} ${source} (line ${copy.line}): missing`);
        const target = join(root, into);
        mkdirSync(dirname(target), { recursive: true });
        // node_modules is a symlink (the `npm ci` stand-in): keep it one rather than copy it.
        cpSync(from, target, { recursive: true, verbatimSymlinks: true });
      }
    }
  }

  private run(command: string, root: string, workdir: string): void {
    const cwd = join(root, workdir);
    if (/\bnpm ci\b/.test(command) && !existsSync(join(cwd, "node_modules"))) {
      symlinkSync(join(this.repoRoot, "node_modules"), join(cwd, "node_modules"), "dir");
    }
    if (/\bnpm run build\b/.test(command)) {
      const result = spawnSync("npm", ["run", "build"], { cwd, encoding: "utf8" });
      if (result.status !== 0) {
        throw new Error(
          `npm run build failed in the simulated build stage:\n${result.stdout}\n${result.stderr}`,
        );
      }
    }
  }

  /** The final stage's ENTRYPOINT/CMD/HEALTHCHECK/WORKDIR/USER, raw. */
  static runtimeSettings(stage: DockerStage) {
    const workdirs = stage.instructions.filter((i) => i.keyword === "WORKDIR").map((i) => i.args.trim());
    return {
      entrypoint: lastInstruction(stage, "ENTRYPOINT")?.args ?? null,
      cmd: lastInstruction(stage, "CMD")?.args ?? null,
      healthcheck: lastInstruction(stage, "HEALTHCHECK")?.args ?? null,
      user: lastInstruction(stage, "USER")?.args.trim() ?? null,
      workdir: workdirs.reduce((dir, next) => posix.resolve(dir, next), "/"),
    };
  }
}

/**
 * Every file under a directory with its modification time (symlinks not followed), to show a
 * process wrote nothing there: the test runs as root in CI containers, where permissions would
 * not stop a write the way a read-only root filesystem does.
 */
export function snapshot(dir: string, prefix = ""): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) out.set(path, 0);
    else if (entry.isDirectory()) for (const [p, t] of snapshot(dir, path)) out.set(p, t);
    else out.set(path, statSync(join(dir, path)).mtimeMs);
  }
  return out;
}
