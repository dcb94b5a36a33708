#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { clusterCommand } from "../cluster/cluster-command.js";
import { InputError, PalateError } from "../core/errors.js";
import { controllerCommand } from "./commands/controller-command.js";
import { dataCommand } from "./commands/data-command.js";
import { demoCommand } from "./commands/demo-command.js";
import { evaluateCommand } from "./commands/evaluate-command.js";
import { featuresCommand } from "./commands/features-command.js";
import { modelsCommand } from "./commands/models-command.js";
import { recommendCommand } from "./commands/recommend-command.js";
import { serveCommand } from "./commands/serve-command.js";
import { similarCommand } from "./commands/similar-command.js";
import { simulateCommand } from "./commands/simulate-command.js";
import { trainCommand } from "./commands/train-command.js";

/** The `palate` program with every command registered. */
export function buildProgram(): Command {
  const program = new Command("palate")
    .description("Palate: a production recommendation engine (hybrid CF, graph embeddings, content features)")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // Program options only before a command: `palate models promote --version V` is the
    // command's flag, not a request for palate's own version.
    .enablePositionalOptions();
  program.addCommand(demoCommand());
  program.addCommand(dataCommand());
  program.addCommand(trainCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(recommendCommand());
  program.addCommand(similarCommand());
  program.addCommand(featuresCommand());
  program.addCommand(serveCommand());
  program.addCommand(modelsCommand());
  program.addCommand(controllerCommand());
  program.addCommand(simulateCommand());
  program.addCommand(clusterCommand());
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version requests exit 0; usage errors were already printed by commander.
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof InputError || error instanceof PalateError) {
      console.error(`palate: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

await main(process.argv);
