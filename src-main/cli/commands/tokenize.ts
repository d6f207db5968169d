import { createEngine } from '../../studio';
import { parseCommand, type CommandSpec } from '../args';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { resolveModelArg } from '../model-arg';

export const tokenizeSpec = {
  name: 'tokenize',
  summary: "Print the model tokenizer's 77 input ids for TEXT as a JSON array.",
  usage: 'tokenize [--model DIR] TEXT',
  options: {
    model: { type: 'string' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['--model DIR', 'a diffusers ONNX model folder or an installed model name (default: the bundled model)'],
    dataDirHelp,
    ['-h, --help', 'show this help'],
  ],
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export async function runTokenize(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(tokenizeSpec, argv);
  const engine = createEngine({ providers: 'cpu' });
  try {
    const ids = await engine.tokenize(resolveModelArg(values.model, resolveDataDir(values.data)), positionals[0]);
    io.out(JSON.stringify(ids));
    return 0;
  } finally {
    await engine.dispose();
  }
}
