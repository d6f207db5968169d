// The gallery service: everything the studio makes, kept (PNG files + SQLite index), findable and reproducible.
// Built by the composition root with its dependencies as arguments: the database, the data directory, where to send
// events, and how to run a generation (for reproduce).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import type { PlotDescription, SavedPlot } from '../shared/xy-plot';
import type {
  GalleryDetail,
  GalleryEvents,
  GalleryPage,
  GalleryRecord,
  GalleryUpdate,
  ImportSummary,
  ParsedGalleryQuery,
  ReproduceResult,
  ReusableSettings,
} from '../shared/gallery';
import { createBoards } from './boards';
import { createBrowser } from './browse';
import { createFacets } from './facets';
import { bulkInsert } from './bulk-insert';
import { fileOf, type GalleryContext } from './context';
import { refreshStatistics, type StudioDb } from './database';
import { exportRecords, type ExportReport } from './export-records';
import { folderSources, importSources, type ImportSource } from './import-files';
import { savePlotGrid } from './plot-grid';
import { createPresets } from './presets';
import { reconcile, type ReconcileOptions, type ReconcileReport } from './reconcile';
import type { GenerationRow, NewGeneration } from './records';
import { reproduce, reusableSettings, type GalleryGenerate } from './reproduce';
import { saveJob, type SaveJob, type SavedImage } from './save';
import { createStore } from './store';
import { emptyTrash, moveToTrash, restoreFromTrash } from './trash';
import { updateUserState } from './user-state';

export interface GalleryEmitter {
  emit<E extends keyof GalleryEvents>(event: E, payload: GalleryEvents[E]): void;
}

export interface GalleryDeps {
  db: StudioDb;
  dataDir: string;
  events?: GalleryEmitter;
  /** Needed by reproduce only. */
  generate?: GalleryGenerate;
  log?: (message: string) => void;
  /** How saved images are written (see GalleryContext). */
  writeFile?: GalleryContext['writeFile'];
}

export type Gallery = ReturnType<typeof createGallery>;

export function createGallery(deps: GalleryDeps) {
  const store = createStore(deps.db);
  const ctx: GalleryContext = {
    db: deps.db,
    dataDir: path.resolve(deps.dataDir),
    store,
    log: deps.log ?? (() => {}),
    writeFile: deps.writeFile,
  };
  const browser = createBrowser(deps.db, store);
  const facets = createFacets(deps.db);
  const emit: GalleryEmitter['emit'] = (event, payload) => deps.events?.emit(event, payload);
  const records = (ids: number[]): GalleryRecord[] => store.records(store.rows(ids));
  // Large changes (an import, a startup check) reach the views in slices rather than one huge message.
  const announce = (event: 'gallery.added' | 'gallery.updated', ids: number[]) => {
    if (!deps.events) return; // nobody listens: spare building the records
    for (let i = 0; i < ids.length; i += 500) emit(event, { records: records(ids.slice(i, i + 500)) });
  };
  const added = (ids: number[]) => {
    announce('gallery.added', ids);
  };

  async function importAll(sources: ImportSource[]): Promise<ImportSummary> {
    const summary = await importSources(ctx, sources);
    added(summary.ids);
    return summary;
  }

  function lineage(row: GenerationRow): GalleryDetail {
    const ancestors: GenerationRow[] = [];
    const seen = new Set([row.id]);
    for (let parent = row.parent_id; parent !== null && !seen.has(parent) && ancestors.length < 100;) {
      const found = store.row(parent);
      if (!found) break;
      ancestors.push(found);
      seen.add(parent);
      parent = found.parent_id;
    }
    const children = deps.db
      .prepare<[number], GenerationRow>('SELECT * FROM generations WHERE parent_id = ? ORDER BY id LIMIT 100')
      .all(row.id);
    return { record: store.records([row])[0], ancestors: store.records(ancestors), children: store.records(children) };
  }

  return {
    dataDir: ctx.dataDir,
    /** Files first, then the job's rows in one transaction; tells the views. */
    save(job: SaveJob): SavedImage[] {
      const saved = saveJob(ctx, job);
      added(saved.map((s) => s.id));
      return saved;
    },
    /** Rows whose files are already in place, in one transaction (see bulk-insert.ts); tells the views. */
    bulkInsert(rows: readonly NewGeneration[]): number[] {
      const ids = bulkInsert(deps.db, store, rows);
      added(ids);
      return ids;
    },
    /** An X/Y plot's grid image, checked and described, into plots/ (see plot-grid.ts). */
    savePlot: (pngBase64: string, plot: PlotDescription): SavedPlot =>
      savePlotGrid({ dataDir: ctx.dataDir, hasRecord: (id) => store.row(id) !== undefined }, pngBase64, plot),
    list: (query: ParsedGalleryQuery): GalleryPage => browser.page(query),
    count: (query: ParsedGalleryQuery): number => browser.count(query),
    facets,
    get(id: number): GalleryDetail {
      const row = store.row(id);
      if (!row) throw new StudioError('not_found', `No record ${id} in the gallery`);
      return lineage(row);
    },
    records,
    /** The record's image file in the data directory; `not_found` when there is no such record or file. */
    imageFile(id: number): string {
      const row = store.row(id);
      if (!row) throw new StudioError('not_found', `No record ${id} in the gallery`);
      const file = fileOf(ctx, row.path);
      if (!existsSync(file)) throw new StudioError('not_found', `The image file of record ${id} is missing`);
      return file;
    },
    update(update: GalleryUpdate): GalleryRecord[] {
      const changed = records(updateUserState(ctx, update));
      emit('gallery.updated', { records: changed });
      return changed;
    },
    delete(ids: number[]): { trashed: number[] } {
      const trashed = moveToTrash(ctx, ids);
      if (trashed.length) emit('gallery.removed', { ids: trashed, permanent: false });
      return { trashed };
    },
    restore(ids: number[]): { restored: number[] } {
      const restored = restoreFromTrash(ctx, ids);
      added(restored);
      return { restored };
    },
    emptyTrash(): { removed: number[] } {
      const removed = emptyTrash(ctx);
      if (removed.length) emit('gallery.removed', { ids: removed, permanent: true });
      return { removed };
    },
    reproduce(id: number): Promise<ReproduceResult> {
      if (!deps.generate) throw new StudioError('internal', 'This gallery was opened without an engine');
      return reproduce(ctx, id, deps.generate);
    },
    settings: (id: number): ReusableSettings => reusableSettings(ctx, id),
    import: importAll,
    importFolder: async (dir: string): Promise<ImportSummary> => importAll(await folderSources(dir)),
    export: (ids: number[], folder: string): ExportReport => exportRecords(ctx, ids, folder),
    /** The startup check (see reconcile.ts); tells the views what it found. */
    async reconcile(options?: ReconcileOptions): Promise<ReconcileReport> {
      const report = await reconcile(ctx, options);
      added(report.indexed);
      const flagged = [...report.missing, ...report.found];
      announce('gallery.updated', flagged);
      // Fresh statistics let the planner choose between an index and a scan for each filter.
      refreshStatistics(deps.db);
      return report;
    },
    boards: createBoards(deps.db),
    presets: createPresets(deps.db),
  };
}
