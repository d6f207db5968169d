// The tiny-shapes world as models/tiny-shapes/train/world.py defines it: palette, shapes, named positions.

export const IMAGE_SIZE = 128;

export const COLORS = {
  red: [220, 40, 40],
  orange: [245, 145, 30],
  yellow: [240, 215, 40],
  green: [50, 165, 70],
  blue: [45, 90, 215],
  purple: [135, 65, 185],
  pink: [240, 135, 190],
  white: [240, 240, 240],
  black: [25, 25, 25],
  gray: [128, 128, 128],
} as const satisfies Record<string, readonly [number, number, number]>;

export type ColorName = keyof typeof COLORS;
/** In world.py's order: ties and indices follow it. */
export const COLOR_NAMES = Object.keys(COLORS) as ColorName[];

/** The shapes of the training data; `heart` is the concept shape, never in the training data. */
export const SHAPES = ['circle', 'square', 'triangle', 'star', 'ring'] as const;
export const ALL_SHAPES = [...SHAPES, 'heart'] as const;
export type ShapeName = (typeof ALL_SHAPES)[number];

/** The 3×3 cells of the image, row by row. */
export const POSITIONS = [
  'top left',
  'top',
  'top right',
  'left',
  'center',
  'right',
  'bottom left',
  'bottom',
  'bottom right',
] as const;
export type PositionName = (typeof POSITIONS)[number];

/** Colour–shape combinations that never appear in training, neither in captions nor in pixels. */
export const HELD_OUT: readonly (readonly [ColorName, ShapeName])[] = [
  ['purple', 'triangle'],
  ['orange', 'star'],
  ['green', 'ring'],
];
