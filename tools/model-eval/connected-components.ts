// 4-connected components of a binary mask by breadth-first flood fill, ordered as analysis.py's components() orders them.

export interface Component {
  /** The component's pixel indices (row-major), in breadth-first order. */
  pixels: Int32Array;
  /** Its first pixel in raster order: analysis.py's label (the minimum index in the component). */
  id: number;
}

/**
 * Components with at least `minArea` pixels, largest first; equal areas keep ascending label order (numpy's
 * argsort of the negated counts of np.unique's sorted labels, which is stable for the few components a
 * scene has).
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number, minArea: number): Component[] {
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height); // breadth-first: the queue ends up holding the component
  const found: Component[] = [];
  const visit = (q: number, tail: number): number => {
    if (!mask[q] || seen[q]) return tail;
    seen[q] = 1;
    queue[tail] = q;
    return tail + 1;
  };
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let tail = visit(start, 0);
    for (let head = 0; head < tail; head++) {
      const p = queue[head];
      const x = p % width;
      if (x > 0) tail = visit(p - 1, tail);
      if (x < width - 1) tail = visit(p + 1, tail);
      if (p >= width) tail = visit(p - width, tail);
      if (p < mask.length - width) tail = visit(p + width, tail);
    }
    if (tail >= minArea) found.push({ pixels: queue.slice(0, tail), id: start });
  }
  return found.sort((a, b) => b.pixels.length - a.pixels.length || a.id - b.id);
}
