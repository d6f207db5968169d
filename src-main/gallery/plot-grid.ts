// Saving an X/Y plot's grid: the renderer draws it (labels need a font), the gallery checks it and keeps it. The PNG
// passes the decode guard (only its pixel chunks are kept, so nothing it carried survives), must be at least as
// large as its cells, and every cell must name a record of this gallery; then the plot's description goes in as a
// text chunk and the file is written atomically to plots/YYYY-MM/ in the data directory.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { guardPngForDecode } from '../formats/png/png-decode-guard';
import { hasPngSignature, insertAfterHeader, PngLimitError, textChunk } from '../formats/png/png-chunks';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { StudioError } from '../shared/errors';
import { PLOT_CHUNK_KEYWORD, type PlotDescription, type SavedPlot } from '../shared/xy-plot';

export interface PlotGridDeps {
  dataDir: string;
  /** Whether the gallery holds this record (in the trash or not). */
  hasRecord: (id: number) => boolean;
  now?: () => Date;
}

const invalid = (message: string) => new StudioError('invalid_input', `Invalid X/Y plot: ${message}`);

export function savePlotGrid(deps: PlotGridDeps, pngBase64: string, plot: PlotDescription): SavedPlot {
  const missing = plot.cells.map((cell) => cell.id).filter((id) => !deps.hasRecord(id));
  if (missing.length > 0) throw new StudioError('not_found', `No record ${missing.join(', ')} in the gallery`);

  const bytes = Buffer.from(pngBase64, 'base64');
  if (!hasPngSignature(bytes)) throw invalid('the grid image is not a PNG');
  let pixels: Uint8Array;
  try {
    pixels = guardPngForDecode(bytes);
  } catch (error) {
    throw invalid(error instanceof PngLimitError ? error.message : `the grid image is a ${(error as Error).message}`);
  }
  const view = new DataView(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const [width, height] = [view.getUint32(16), view.getUint32(20)];
  const columns = plot.x.values.length;
  const rows = plot.y?.values.length ?? 1;
  if (width < columns * plot.base.width || height < rows * plot.base.height)
    throw invalid(
      `a ${width}×${height} grid cannot hold ${columns} × ${rows} cells of ${plot.base.width}×${plot.base.height}`,
    );

  const description = JSON.stringify({ version: 1, ...plot });
  const png = insertAfterHeader(pixels, [textChunk(PLOT_CHUNK_KEYWORD, description)]);
  const now = deps.now?.() ?? new Date();
  const month = now.toISOString().slice(0, 7);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const media = `plots/${month}/xy-plot-${stamp}-${randomBytes(3).toString('hex')}.png`;
  const file = path.join(deps.dataDir, ...media.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, png);
  return { media, width, height, bytes: png.length };
}
