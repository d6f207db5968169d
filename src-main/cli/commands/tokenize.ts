import { createEngine } from '../../studio';
import { parseCommand, type CommandSpec } from '../args';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { resolveModelArg } from '../model-arg';

export const tokenizeSpec = {
  name: 'tokenize',
  summary: "Print the text encoder's input ids for TEXT: one JSON array of 77 ids per 75-token chunk.",
  usage: 'tokenize [--model DIR] [--weights] TEXT',
  options: {
    model: { type: 'string' },
    weights: { type: 'boolean' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['--model DIR', 'a diffusers ONNX model folder or an installed model name (default: the bundled model)'],
    [
      '--weights',
      'print one JSON object per chunk instead: {"chunk", "ids", "weights"} (A1111 prompt weights per id), ' +
        'then {"tokens": N} (A1111\'s count: 75 per chunk but the last, plus its tokens)',
    ],
    dataDirHelp,
    ['-h, --help', 'show this help'],
    [
      'TEXT',
      'prompt syntax applies as in generate: (text) ×1.1, [text] ÷1.1, (text:1.3), \\( \\) escapes, BREAK; ' +
        'a prompt past 75 tokens, or with BREAK, prints one line per chunk',
    ],
  ],
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export async function runTokenize(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(tokenizeSpec, argv);
  const engine = createEngine({ providers: 'cpu' });
  try {
    const model = resolveModelArg(values.model, resolveDataDir(values.data));
    const { chunks, tokenCount } = await engine.tokenizeChunks(model, positionals[0]);
    chunks.forEach(({ ids, weights }, chunk) => io.out(JSON.stringify(values.weights ? { chunk, ids, weights } : ids)));
    if (values.weights) io.out(JSON.stringify({ tokens: tokenCount }));
    return 0;
  } finally {
    await engine.dispose();
  }
}
