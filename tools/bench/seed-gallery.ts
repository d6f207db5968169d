// `node dist-tools/seed-gallery.js DATA_DIR COUNT`: a data directory holding COUNT generations, made through the
// gallery's bulk path in seconds, for measuring the gallery view at scale. Their image files are not written (they
// are flagged missing, as the startup check would flag them); a dozen shared thumbnails stand in for theirs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from 'fast-png';
import { openStudioDb } from '../../src-main/gallery';
import { seedGallery } from './gallery-bench';

const [dataDir, countText] = process.argv.slice(2);
const count = Number(countText);
if (!dataDir || !Number.isSafeInteger(count) || count < 1) {
  console.error('usage: seed-gallery DATA_DIR COUNT');
  process.exit(2);
}

const tiles = 12;
const thumbFolder = 'gallery/bench';
mkdirSync(path.join(dataDir, ...thumbFolder.split('/')), { recursive: true });
for (let t = 0; t < tiles; t++) {
  const size = 64;
  const data = new Uint8Array(size * size * 3);
  const hue = (t / tiles) * 2 * Math.PI;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 3;
      const shade = 0.45 + (0.55 * (x + y)) / (2 * size);
      data[at] = 127 * shade * (1 + Math.cos(hue));
      data[at + 1] = 127 * shade * (1 + Math.cos(hue - 2.1));
      data[at + 2] = 127 * shade * (1 + Math.cos(hue + 2.1));
    }
  }
  writeFileSync(
    path.join(dataDir, thumbFolder, `tile-${t}.thumb.png`),
    encode({ width: size, height: size, data, channels: 3 }),
  );
}

const ms = seedGallery(dataDir, count, (i) => `${thumbFolder}/tile-${i % tiles}.thumb.png`);
const db = openStudioDb(dataDir);
db.prepare('UPDATE generations SET missing = 1').run();
db.close();
console.log(`seeded ${count} generations in ${(ms / 1000).toFixed(1)} s`);
