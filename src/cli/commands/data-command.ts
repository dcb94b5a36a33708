import { Command } from "commander";
import { generateCity } from "../../data/city/generate.js";
import { intOption, numberOption } from "../option-parsers.js";

interface GenerateOptions {
  users: number;
  restaurants: number;
  days: number;
  seed: number;
  out: string;
  sessionsPerUserDay?: number;
  quiet: boolean;
}

/** `palate data …`: data utilities; `generate` writes a simulated restaurant city. */
export function dataCommand(): Command {
  const data = new Command("data").description("data utilities");
  data
    .command("generate")
    .description("generate a simulated restaurant city (items.csv, users.csv, interactions.csv, city.json)")
    .option("--users <n>", "number of users", intOption(1, 100_000_000), 10_000)
    .option("--restaurants <n>", "number of restaurants", intOption(1, 10_000_000), 1_000)
    .option("--days <n>", "days of history", intOption(1, 3650), 28)
    .option("--seed <n>", "random seed (same seed, same files)", intOption(0, 2 ** 32 - 1), 42)
    .option("--sessions-per-user-day <x>", "mean sessions a user starts per day", numberOption(0, 100))
    .requiredOption("--out <dir>", "output directory")
    .option("--quiet", "no progress output", false)
    .action(async (options: GenerateOptions) => {
      const summary = await generateCity(
        {
          users: options.users,
          restaurants: options.restaurants,
          days: options.days,
          seed: options.seed,
          sessionsPerUserDay: options.sessionsPerUserDay,
        },
        options.out,
        {
          onProgress: options.quiet
            ? undefined
            : ({ day, days, events }) => {
                process.stderr.write(`\rday ${day}/${days} · ${events.toLocaleString("en-US")} events`);
              },
        },
      );
      if (!options.quiet) process.stderr.write("\n");
      console.log(
        `city written to ${options.out}: ${summary.users} users, ${summary.restaurants} restaurants, ` +
          `${summary.events.toLocaleString("en-US")} events (${summary.views} views, ${summary.clicks} clicks, ` +
          `${summary.bookings} bookings) in ${summary.seconds.toFixed(1)} s; ` +
          `top 10% of restaurants draw ${(summary.top10Share * 100).toFixed(1)}% of events`,
      );
    });
  return data;
}
