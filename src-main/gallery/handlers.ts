// The contract's gallery, preset and board methods, on a gallery service. Generation is a dependency (vary submits a
// job), and so are the desktop actions where there is a desktop (reveal, export to a chosen folder): this file knows
// the contract and the gallery, and the studio only passes them in.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Handlers, MethodName } from '../shared/contract';
import { generateRequestSchema } from '../shared/generation';
import { parseInput } from '../shared/invalid-input';
import { requireDesktop, type DesktopActions } from '../system';
import type { Gallery } from './gallery';
import { readPngInfo } from './png-info';

type GalleryMethod = Extract<MethodName, `gallery.${string}` | `presets.${string}` | `boards.${string}`>;
type SubmitFn = Handlers['generate.submit'];

export function galleryHandlers(
  gallery: Gallery,
  submit: SubmitFn,
  desktop?: DesktopActions,
): Pick<Handlers, GalleryMethod> {
  return {
    'gallery.list': (query) => gallery.list(query),
    'gallery.search': (query) => gallery.list(query),
    'gallery.get': ({ id }) => gallery.get(id),
    'gallery.update': (update) => gallery.update(update),
    'gallery.delete': ({ ids }) => gallery.delete(ids),
    'gallery.restore': ({ ids }) => gallery.restore(ids),
    'gallery.emptyTrash': () => gallery.emptyTrash(),
    'gallery.settings': ({ id }) => gallery.settings(id),
    'gallery.vary': ({ id, seed }) => {
      const { seed: _previous, ...settings } = gallery.settings(id);
      // Settings read from an imported file can break today's limits (a 30,000-character prompt): the caller learns
      // which field, as for any other input.
      const request = { ...settings, parent: id, ...(seed === undefined ? {} : { seed: String(seed) }) };
      return submit(parseInput(generateRequestSchema, request, 'gallery.vary'));
    },
    'gallery.reproduce': ({ id }) => gallery.reproduce(id),
    'gallery.savePlot': ({ pngBase64, ...plot }) => gallery.savePlot(pngBase64, plot),
    'gallery.import': ({ files }) =>
      gallery.import(files.map((f) => ({ name: f.name, read: async () => Buffer.from(f.pngBase64, 'base64') }))),
    'gallery.export': ({ ids }) => {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
      const folder = `exports/${stamp}-${randomBytes(3).toString('hex')}`;
      const report = gallery.export(ids, path.join(gallery.dataDir, ...folder.split('/')));
      return { folder, files: report.files.map((f) => `${folder}/${f}`) };
    },
    // The desktop checks come first: without a desktop, no id is looked up.
    'gallery.reveal': ({ id }) => {
      const actions = requireDesktop(desktop, 'Showing an image in its folder');
      actions.revealPath(gallery.imageFile(id));
      return { revealed: id };
    },
    'gallery.exportTo': async ({ ids }) => {
      const folder = await requireDesktop(desktop, 'Exporting to a folder').chooseFolder('Export to folder');
      if (folder === null) return { cancelled: true };
      const report = gallery.export(ids, folder);
      return { cancelled: false, folder: report.folder, files: report.files };
    },
    'presets.list': () => gallery.presets.list(),
    'presets.save': ({ name, params }) => gallery.presets.save(name, params),
    'presets.apply': ({ id }) => gallery.presets.apply(id),
    'presets.delete': ({ id }) => ({ deleted: gallery.presets.delete(id) }),
    'boards.list': () => gallery.boards.list(),
    'boards.create': ({ name }) => gallery.boards.create(name),
    'boards.rename': ({ id, name }) => gallery.boards.rename(id, name),
    'boards.delete': ({ id }) => ({ deleted: gallery.boards.delete(id) }),
    'gallery.readPng': ({ pngBase64 }) => readPngInfo(Buffer.from(pngBase64, 'base64')),
    'gallery.count': (query) => ({ count: gallery.count(query) }),
    'gallery.facets': () => gallery.facets(),
  };
}
