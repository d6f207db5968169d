// `studio models download` and `studio models export`: the library to and from the Hugging Face Hub's layout.
// A download runs as in the app (the same method and events); Ctrl-C cancels it and keeps its partial files.
import type { Events } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import type { Studio } from '../../studio';
import type { CliIo } from '../io';

export async function downloadModel(
  studio: Studio,
  request: { repo: string; revision?: string; name?: string },
  io: CliIo & { progress: (text: string) => void; isTty: boolean; json: boolean },
): Promise<void> {
  let id = '';
  let lastFiles = -1;
  const ends: { event: string; payload: Events['models.download.done'] | Events['models.download.failed'] }[] = [];
  let settle = () => {};
  const stop = studio.events.subscribe((event, payload) => {
    if (event === 'models.download.progress') {
      const p = payload as Events['models.download.progress'];
      if (p.downloadId !== id) return;
      const line = `download ${p.filesDone}/${p.filesTotal} files, ${mib(p.bytes)} of ${mib(p.totalBytes)} MiB`;
      if (io.isTty) io.progress(`\r${line}${p.file ? ` (${p.file})` : ''}\x1b[K`);
      else if (p.filesDone !== lastFiles) io.progress(`${line}\n`);
      lastFiles = p.filesDone;
    }
    if (event === 'models.download.done' || event === 'models.download.failed') {
      ends.push({ event, payload: payload as Events['models.download.done'] });
      settle();
    }
  });
  const cancel = () => void (id && studio.handlers['models.downloadCancel']({ downloadId: id }));
  process.once('SIGINT', cancel);
  try {
    const started = await studio.handlers['models.download']({
      repo: request.repo,
      revision: request.revision ?? 'main',
      name: request.name,
    });
    id = started.downloadId;
    io.progress(
      `${started.repo}@${started.commit.slice(0, 10)}: ${started.files} files, ${mib(started.totalBytes)} MiB\n`,
    );
    const end = await new Promise<(typeof ends)[number]>((resolve) => {
      settle = () => {
        const mine = ends.find((e) => e.payload.downloadId === id);
        if (mine) resolve(mine);
      };
      settle();
    });
    if (io.isTty) io.progress('\n');
    if (end.event === 'models.download.failed') {
      const failed = end.payload as Events['models.download.failed'];
      throw new StudioError('download_failed', failed.message, { reason: failed.reason });
    }
    const done = end.payload as Events['models.download.done'];
    io.out(io.json ? JSON.stringify({ ...done.model, repo: done.repo, commit: started.commit }) : done.model.name);
  } finally {
    process.removeListener('SIGINT', cancel);
    stop();
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
