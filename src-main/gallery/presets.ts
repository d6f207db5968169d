// Named presets: whole parameter sets (prompt, negative, model, scheduler, steps, guidance, size, concepts and how to
// pick the seed) saved under a name, listed, applied to the generate form, deleted.
import { StudioError } from '../shared/errors';
import { presetParamsSchema, type Preset, type PresetParams, type ReusableSettings } from '../shared/gallery';
import type { StudioDb } from './database';

interface PresetRow {
  id: number;
  name: string;
  params: string;
  created: number;
  updated: number;
}

export function createPresets(db: StudioDb) {
  const toPreset = (row: PresetRow): Preset => ({
    id: row.id,
    name: row.name,
    // Re-validated: a preset saved by an older studio gets today's defaults.
    params: presetParamsSchema.parse(JSON.parse(row.params)),
    created: new Date(row.created).toISOString(),
    updated: new Date(row.updated).toISOString(),
  });
  const byId = db.prepare<[number], PresetRow>('SELECT * FROM presets WHERE id = ?');
  const get = (id: number): Preset => {
    const row = byId.get(id);
    if (!row) throw new StudioError('not_found', `No preset ${id}`);
    return toPreset(row);
  };
  return {
    list: (): Preset[] => db.prepare<[], PresetRow>('SELECT * FROM presets ORDER BY name').all().map(toPreset),
    /** Saving under an existing name replaces that preset's parameters. */
    save(name: string, params: PresetParams): Preset {
      const now = Date.now();
      const row = db
        .prepare<[string, string, number, number], { id: number }>(
          `INSERT INTO presets (name, params, created, updated) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET params = excluded.params, updated = excluded.updated RETURNING id`,
        )
        .get(name, JSON.stringify(params), now, now)!;
      return get(row.id);
    },
    get,
    apply(id: number): { settings: ReusableSettings; concepts: PresetParams['concepts'] } {
      const { params } = get(id);
      const settings: ReusableSettings = { prompt: params.prompt, negative: params.negative, batch: 1 };
      if (params.model !== undefined) settings.model = params.model;
      if (params.scheduler !== undefined) settings.scheduler = params.scheduler;
      if (params.steps !== undefined) settings.steps = params.steps;
      if (params.guidance !== undefined) settings.guidance = params.guidance;
      if (params.width !== undefined) settings.width = params.width;
      if (params.height !== undefined) settings.height = params.height;
      if (params.seedPolicy === 'fixed') settings.seed = params.seed;
      return { settings, concepts: params.concepts };
    },
    delete: (id: number): boolean => db.prepare('DELETE FROM presets WHERE id = ?').run(id).changes > 0,
  };
}
