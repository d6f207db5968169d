import { appVersion, bundledModelsDir, rendererDir } from '../../app-paths';
import { startServer } from '../../server/http-server';
import { createStudio } from '../../studio';
import { intOption, parseCommand, UsageError, type CommandSpec } from '../args';
import { dataDirOption, dataDirHelp, resolveDataDir, type CliIo } from '../io';

export const serveSpec = {
  name: 'serve',
  summary: 'Serve the studio UI and API over HTTP/WebSocket (loopback by default).',
  usage: 'serve [--host 127.0.0.1] [--port 0] [--data DIR]',
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['--host HOST', 'address to bind (default 127.0.0.1; any other address still requires the token)'],
    ['--port N', 'port to listen on (default 0: a free port)'],
    dataDirHelp,
    ['-h, --help', 'show this help'],
  ],
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

/** Starts the server and resolves once it is listening; the returned function stops it. */
export async function runServe(argv: string[], io: CliIo): Promise<() => Promise<void>> {
  const { values } = parseCommand(serveSpec, argv);
  const port = intOption('port', values.port, 0, 65535) ?? 0;
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('option --host must not be empty');
  const studio = createStudio({
    dataDir: resolveDataDir(values.data),
    appVersion: appVersion(),
    bundledModelsDir: bundledModelsDir(),
    log: io.error,
  });
  const server = await startServer({ studio, host, port, rendererDir: rendererDir(), log: io.error });
  if (!isLoopback(host)) io.error(`warning: listening on ${host}; anyone who has the URL's token can use the studio`);
  io.out(server.url);
  return async () => {
    await server.close();
    await studio.close();
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
