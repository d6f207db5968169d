import { main } from './main';

const outcome = await main(process.argv.slice(2));
if (typeof outcome === 'number') {
  process.exitCode = outcome;
} else {
  const stop = () => {
    outcome().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
