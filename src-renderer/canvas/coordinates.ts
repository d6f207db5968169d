// Two coordinate spaces that must not mix: screen points (CSS pixels inside the stage's container) and image
// points (pixels of the width × height picture the engine receives). The view (zoom and pan) maps one to the other.
declare const space: unique symbol;

export type ScreenPoint = { readonly x: number; readonly y: number; readonly [space]: 'screen' };
export type ImagePoint = { readonly x: number; readonly y: number; readonly [space]: 'image' };

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** `scale` screen pixels per image pixel; the image's top left corner lies at screen (x, y). */
export interface View {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export const screenPoint = (x: number, y: number): ScreenPoint => ({ x, y }) as ScreenPoint;
export const imagePoint = (x: number, y: number): ImagePoint => ({ x, y }) as ImagePoint;

export function toImagePoint(point: ScreenPoint, view: View): ImagePoint {
  return imagePoint((point.x - view.x) / view.scale, (point.y - view.y) / view.scale);
}

export function toScreenPoint(point: ImagePoint, view: View): ScreenPoint {
  return screenPoint(point.x * view.scale + view.x, point.y * view.scale + view.y);
}

/** The largest scale at which the image fits the available screen box (never 0, so a hidden panel stays usable). */
export function fitScale(image: ImageSize, available: { width: number; height: number }): number {
  const scale = Math.min(available.width / image.width, available.height / image.height);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

/** The image centred in the room at `zoom` times the fitting scale. */
export function centredView(image: ImageSize, room: { width: number; height: number }, zoom = 1): View {
  const scale = fitScale(image, room) * zoom;
  return { scale, x: (room.width - image.width * scale) / 2, y: (room.height - image.height * scale) / 2 };
}

/** Zooms by `factor` keeping the image point under `anchor` where it is on screen. */
export function zoomAround(view: View, anchor: ScreenPoint, factor: number): View {
  const scale = view.scale * factor;
  return { scale, x: anchor.x - (anchor.x - view.x) * factor, y: anchor.y - (anchor.y - view.y) * factor };
}
