// `studio <command>`: a thin front on the studio's services (see the command-line contract in the README).
import { formatHelp, UsageError, type CommandSpec, type OptionSpec } from './args';
import { processIo, type CliIo } from './io';
import { conceptsSpec, runConcepts } from './commands/concepts';
import { gallerySpec, runGallery } from './commands/gallery';
import { lorasSpec, runLoras } from './commands/loras';
import { generateSpec, runGenerate } from './commands/generate';
import { gpuSpec, runGpu } from './commands/gpu';
import { modelsSpec, runModels } from './commands/models';
import { optimizeSpec, runOptimize } from './commands/optimize';
import { runServe, serveSpec } from './commands/serve';
import { runSettings, settingsSpec } from './commands/settings';
import { runTokenize, tokenizeSpec } from './commands/tokenize';

interface Command {
  spec: CommandSpec<OptionSpec>;
  /** Resolves to an exit code, or to a stop function for long-running commands. */
  run(argv: string[], io: CliIo): Promise<number | (() => Promise<void>)>;
}

const commands: Record<string, Command> = {
  generate: { spec: generateSpec, run: runGenerate },
  tokenize: { spec: tokenizeSpec, run: runTokenize },
  serve: { spec: serveSpec, run: runServe },
  gallery: { spec: gallerySpec, run: runGallery },
  concepts: { spec: conceptsSpec, run: runConcepts },
  loras: { spec: lorasSpec, run: runLoras },
  models: { spec: modelsSpec, run: runModels },
  settings: { spec: settingsSpec, run: runSettings },
  optimize: { spec: optimizeSpec, run: runOptimize },
  gpu: { spec: gpuSpec, run: runGpu },
};

function topLevelHelp(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length)) + 2;
  const list = Object.values(commands).map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`);
  return [
    'Diffusion Studio command line',
    '',
    'Usage: studio <command> [options]     (npm run -s studio -- <command> [options])',
    '',
    'Commands:',
    ...list,
    '',
    'Every command takes --data DIR and --help.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number | (() => Promise<void>)> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.error(topLevelHelp());
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      io.out(topLevelHelp());
      return 0;
    }
    const command = commands[name];
    if (!command) throw new UsageError(`studio: unknown command '${name}' (see studio --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(formatHelp(command.spec));
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(error.message.startsWith('studio') ? error.message : `studio ${name}: ${error.message}`);
      return 2;
    }
    io.error(`studio ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
