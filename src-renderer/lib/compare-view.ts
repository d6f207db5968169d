// The compare view's arithmetic: where the A/B divider may go, how keys move it, and the shared zoom's steps.

export interface CompareSide {
  url: string;
  /** What the side is called on screen, e.g. "A · seed 42, Euler, 20 steps, guidance 7.5". */
  label: string;
  width: number;
  height: number;
}

/** The zoom steps both sides share: 1 is fitted to the frame. */
export const ZOOM_STEPS = [1, 1.5, 2, 3, 4, 6, 8, 12, 16];

export function clampDivider(percent: number): number {
  return Math.min(100, Math.max(0, percent));
}

/**
 * How a key moves the divider (a slider's keys, as ARIA's slider pattern has them): arrows by 1 % (10 % with
 * Shift), Page Up/Down by 10 %, Home/End to either edge; null for any other key.
 */
export function dividerKeyStep(key: string, shift: boolean): number | 'start' | 'end' | null {
  const arrow = shift ? 10 : 1;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return -arrow;
    case 'ArrowRight':
    case 'ArrowUp':
      return arrow;
    case 'PageDown':
      return -10;
    case 'PageUp':
      return 10;
    case 'Home':
      return 'start';
    case 'End':
      return 'end';
    default:
      return null;
  }
}

/** The next zoom step in or out from `zoom` (staying put at either end). */
export function nextZoom(zoom: number, direction: 1 | -1): number {
  const next = direction > 0 ? ZOOM_STEPS.find((s) => s > zoom) : ZOOM_STEPS.findLast((s) => s < zoom);
  return next ?? zoom;
}
