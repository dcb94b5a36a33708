import { type RetrainSpec, runRetrainJob } from "./retrain-job.js";

/**
 * The entry of the retrain child process (started by `RetrainRunner`): the spec arrives as JSON in
 * argv, the outcome goes back over the IPC channel, then the process exits.
 */
async function main(): Promise<void> {
  const send = (message: unknown) =>
    new Promise<void>((resolve) => {
      if (!process.send) resolve();
      else process.send(message, () => resolve());
    });
  try {
    const spec = JSON.parse(process.argv[2] ?? "") as RetrainSpec;
    await send({ ok: true, result: await runRetrainJob(spec) });
    process.exit(0);
  } catch (error) {
    // The stack goes to the log; the controller's report and history keep the message.
    console.error(error);
    await send({ ok: false, error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}

void main();
