import { encode } from 'fast-png';
import type { PreviewImage } from '../engine';

/** A step preview as a data: URL the renderer can show directly (the CSP allows data: images). */
export function encodePreview(preview: PreviewImage): string {
  const png = encode({ width: preview.width, height: preview.height, data: preview.rgb, channels: 3, depth: 8 });
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
