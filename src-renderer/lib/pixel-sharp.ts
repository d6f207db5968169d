// Small images (the bundled model's 128², other low-resolution results) are enlarged to fill their frame; drawn
// smoothed they look blurred, drawn pixel for pixel they show what the model made.

/** An image whose sides are both under this many pixels is drawn pixel-sharp when enlarged. */
export const SHARP_BELOW = 384;

export const isSmallImage = (width: number, height: number): boolean => Math.max(width, height) < SHARP_BELOW;
