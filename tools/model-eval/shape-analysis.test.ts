// The port against analysis.py itself: fixtures and verdicts from tools/reference/render_shape_fixtures.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePngRgb } from '../../src-main/formats/png/png-metadata';
import { analyseShapes, nearestColor, type ShapeAnalysis } from './shape-analysis';
import { shapeTemplates, TEMPLATE_SIZE } from './shape-templates';
import { ALL_SHAPES } from './tiny-shapes-world';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface Labels {
  made_by: string;
  template_size: number;
  /** Per shape, the 32×32 template as row-major bits, packed most significant bit first (np.packbits), in hex. */
  templates: Record<string, string>;
  fixtures: {
    file: string;
    analysis: ShapeAnalysis;
    expect?: { background: string; objects: { color: string; shape: string; position: string }[] };
  }[];
}

const labels = JSON.parse(readFileSync(join(FIXTURES, 'labels.json'), 'utf8')) as Labels;
const image = (file: string) => decodePngRgb(readFileSync(join(FIXTURES, file)));

function unpackBits(hex: string): Uint8Array {
  const bytes = Buffer.from(hex, 'hex');
  return Uint8Array.from({ length: bytes.length * 8 }, (_, i) => (bytes[i >> 3] >> (7 - (i & 7))) & 1);
}

describe('shape analysis (port of analysis.py)', () => {
  it('renders the same shape templates as analysis.py, bit for bit', () => {
    expect(labels.template_size).toBe(TEMPLATE_SIZE);
    const templates = shapeTemplates();
    ALL_SHAPES.forEach((shape, i) => {
      expect(Array.from(templates[i]), shape).toEqual(Array.from(unpackBits(labels.templates[shape])));
    });
  });

  it.each(labels.fixtures.map((f) => [f.file, f] as const))('agrees with analysis.py on %s', (_, fixture) => {
    const found = analyseShapes(image(fixture.file));
    expect(found).toEqual(fixture.analysis);
    if (fixture.expect) {
      expect({
        background: found.background,
        objects: found.objects.map(({ color, shape, position }) => ({ color, shape, position })),
      }).toEqual(fixture.expect);
    }
  });

  it('covers every shape, several colours, all positions and two-object scenes', () => {
    const expected = labels.fixtures.flatMap((f) => f.expect?.objects ?? []);
    expect(new Set(expected.map((o) => o.shape))).toEqual(new Set(ALL_SHAPES));
    expect(new Set(expected.map((o) => o.position)).size).toBe(9);
    expect(new Set(expected.map((o) => o.color)).size).toBeGreaterThanOrEqual(8);
    expect(labels.fixtures.filter((f) => (f.expect?.objects.length ?? 0) === 2).length).toBeGreaterThanOrEqual(4);
  });

  it('names the nearest palette colour, first in palette order on a tie', () => {
    expect(nearestColor([221, 41, 39])).toBe('red');
    expect(nearestColor([128, 128, 128])).toBe('gray');
    // Halfway between black (25) and gray (128) on every channel: black comes first in world.py's palette.
    expect(nearestColor([76.5, 76.5, 76.5])).toBe('black');
  });

  it('takes well under 5 ms per 128×128 image', () => {
    const images = labels.fixtures.map((f) => image(f.file));
    images.forEach((img) => analyseShapes(img)); // warm-up (and the templates)
    const started = performance.now();
    const rounds = 3;
    for (let r = 0; r < rounds; r++) images.forEach((img) => analyseShapes(img));
    const perImage = (performance.now() - started) / (rounds * images.length);
    // The target is 5 ms; the bound leaves room for a loaded 2-core CI machine.
    expect(perImage).toBeLessThan(10);
  });
});
