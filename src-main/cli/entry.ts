import { lowerServerPriority } from '../studio';
import { installProcessGuard } from '../process-guard';
import { main } from './main';

// Before any thread starts: the jobs of `serve` must not take the cores its window draws with.
if (process.argv[2] === 'serve') process.stderr.write(`studio serve: ${lowerServerPriority()}\n`);

const outcome = await main(process.argv.slice(2));
if (typeof outcome === 'number') {
  process.exitCode = outcome;
} else {
  // A long-running command (serve) logs what nothing caught, with its stack, and keeps serving.
  installProcessGuard({ name: `studio ${process.argv[2]}`, log: (message) => process.stderr.write(`${message}\n`) });
  const stop = () => {
    outcome().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
