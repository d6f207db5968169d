// Two coordinate spaces that must not mix: screen points (CSS pixels inside the stage's container) and image
// points (pixels of the width × height picture the engine receives). The view's scale maps one to the other.
declare const space: unique symbol;

export type ScreenPoint = { readonly x: number; readonly y: number; readonly [space]: 'screen' };
export type ImagePoint = { readonly x: number; readonly y: number; readonly [space]: 'image' };

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export const screenPoint = (x: number, y: number): ScreenPoint => ({ x, y }) as ScreenPoint;
export const imagePoint = (x: number, y: number): ImagePoint => ({ x, y }) as ImagePoint;

/** `scale` screen pixels per image pixel. */
export function toImagePoint(point: ScreenPoint, scale: number): ImagePoint {
  return imagePoint(point.x / scale, point.y / scale);
}

/** The largest scale at which the image fits the available screen box (never 0, so a hidden panel stays usable). */
export function fitScale(image: ImageSize, available: { width: number; height: number }): number {
  const scale = Math.min(available.width / image.width, available.height / image.height);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}
