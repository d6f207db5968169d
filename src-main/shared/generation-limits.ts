// The bounds of a generation request, declared once: the contract's schemas, the engine's own boundary check, the
// CLI's option parsing, the generate form and reproduce all read them from here. Plain data, so that the renderer
// can import it without pulling in zod.

export const generationLimits = {
  steps: { min: 1, max: 150 },
  guidance: { min: 0, max: 50 },
  /** Width and height: multiples of `multiple` (a model may ask for a coarser one, see ModelInfo.sizeMultiple). */
  side: { min: 64, max: 2048, multiple: 8 },
  /** Images per job: one noise draw of shape [batch, …], so memory grows with it. */
  batch: { min: 1, max: 16 },
  /** img2img strength: more than 0, at most 1. */
  strength: { above: 0, max: 1 },
  /** Inpainting's mask blur: the Gaussian's σ in pixels (A1111's "mask blur"). */
  maskBlur: { min: 0, max: 64 },
  /** "Only masked" inpainting: pixels of context around the mask's bounding box (A1111's "masked area padding"). */
  inpaintPadding: { min: 0, max: 256 },
  /** torch seeds with the low 32 bits, but the studio keeps (and reproduces) every seed up to 2⁶⁴ − 1. */
  seed: { min: 0n, max: 2n ** 64n - 1n },
  /**
   * Characters per prompt (and per negative prompt). Long prompts are encoded in 75-token chunks; the bound keeps
   * requests, records and PNG chunks to a sane size while leaving room for long prompt-engineering texts.
   */
  promptLength: { max: 20_000 },
} as const;
