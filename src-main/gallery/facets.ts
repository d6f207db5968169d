// The values the gallery's filters can take, each with how many records (outside the trash) carry it: what the
// view's facet menus offer, so that no menu lists a model or size that would find nothing.
import type { GalleryFacets } from '../shared/gallery';
import type { StudioDb } from './database';

interface Counted {
  value: string;
  count: number;
}

export function createFacets(db: StudioDb) {
  const live = 'deleted_at IS NULL';
  const models = db.prepare<[], Counted>(
    `SELECT model_name AS value, count(*) AS count FROM generations WHERE ${live} AND model_name IS NOT NULL
     GROUP BY model_name ORDER BY count DESC, value`,
  );
  const schedulers = db.prepare<[], Counted>(
    `SELECT scheduler AS value, count(*) AS count FROM generations WHERE ${live} AND scheduler IS NOT NULL
     GROUP BY scheduler ORDER BY count DESC, value`,
  );
  const sizes = db.prepare<[], { width: number; height: number; count: number }>(
    `SELECT width, height, count(*) AS count FROM generations WHERE ${live}
     GROUP BY width, height ORDER BY count DESC, width, height`,
  );
  const concepts = db.prepare<[], Counted>(
    `SELECT c.trigger AS value, count(DISTINCT c.generation_id) AS count FROM generation_concepts c
     JOIN generations g ON g.id = c.generation_id WHERE g.${live} GROUP BY c.trigger ORDER BY count DESC, value`,
  );
  const tags = db.prepare<[], Counted>(
    `SELECT t.name AS value, count(*) AS count FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
     JOIN generations g ON g.id = gt.generation_id WHERE g.${live} GROUP BY t.id ORDER BY count DESC, value`,
  );
  const modes = db.prepare<[], { img2img: number; txt2img: number; favorites: number; trash: number }>(
    `SELECT coalesce(sum(deleted_at IS NULL AND init_image IS NOT NULL), 0) AS img2img,
            coalesce(sum(deleted_at IS NULL AND init_image IS NULL), 0) AS txt2img,
            coalesce(sum(deleted_at IS NULL AND favorite = 1), 0) AS favorites,
            coalesce(sum(deleted_at IS NOT NULL), 0) AS trash
     FROM generations`,
  );

  return (): GalleryFacets => {
    const totals = modes.get() ?? { img2img: 0, txt2img: 0, favorites: 0, trash: 0 };
    return {
      models: models.all(),
      schedulers: schedulers.all(),
      sizes: sizes.all(),
      concepts: concepts.all(),
      tags: tags.all(),
      ...totals,
    };
  };
}
