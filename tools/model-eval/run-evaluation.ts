// Runs evaluate.py's grid, the img2img sketch check and (optionally) the model card's sample grid through a
// generate function (the studio's engine in eval-model.ts), scoring every image with the analysis.py port.
import type { ConceptVectors, GenerateParams } from '../../src-main/engine';
import { evalCases, scoreCase, share, summarize, type EvalSummary, type ScoredCase } from './eval-cases';
import {
  BLOB_CASES,
  BLOB_SEEDS,
  BLOB_STRENGTH,
  blobPrompt,
  CLEAN_IOU,
  drawRoughBlob,
  type BlobSpec,
} from './rough-blobs';
import { GRID_PROMPTS, GRID_SEEDS, composeGrid } from './sample-grid';
import { analyseShapesDetailed, type DetailedObject, type RgbImage } from './shape-analysis';

/** One image for the parameters (the first of the job; every job here has batch 1). */
export type Generate = (params: GenerateParams) => Promise<RgbImage>;

export const STEPS = 20; // evaluate.py: the studio's default scheduler (the model's), 20 steps
export const CONCEPT_SKIPPED = 'the model has no concepts/heart.safetensors';

export interface EvalRunOptions {
  quick?: boolean;
  /** Seeds per colour–shape prompt (evaluate.py: 2). */
  seeds?: number;
  grid?: boolean;
  /** Side of the img2img sketches: the model's native size (tiny-shapes: 128). */
  imageSize?: number;
  /** The heart concept; without it the concept groups are skipped. */
  heart?: ConceptVectors;
  progress?: (done: number, total: number, what: string) => void;
}

export interface Img2ImgResult extends BlobSpec {
  seed: number;
  prompt: string;
  found: { color: string; shape: string; position: string; shapeIou: number } | null;
  colorKept: boolean;
  placeKept: boolean;
  clean: boolean;
  blobIou: number;
}

export interface EvalReport {
  summary: EvalSummary;
  img2img: {
    strength: number;
    color_kept: number | null;
    place_kept: number | null;
    clean_shape: number | null;
    mean_iou_sketch: number;
    mean_iou_output: number;
    /** Mean IoU of txt2img outputs of the same shapes (colour–shape grid, right shape): the model's own "clean". */
    mean_iou_txt2img_same_shapes: number | null;
  };
  skipped: Record<string, string>;
  seconds: number;
  cases: (ScoredCase & { shapeIou: number | null })[];
  img2imgCases: Img2ImgResult[];
  grid: RgbImage | null;
}

export async function runEvaluation(generate: Generate, options: EvalRunOptions = {}): Promise<EvalReport> {
  const started = performance.now();
  // 1. The jobs: evaluate.py's grid (its concept groups when there is a concept), the sketches, the card's samples.
  const heart = options.heart;
  const todo = evalCases(options.quick ?? false, options.seeds).filter((c) => heart || !c.group.startsWith('concept'));
  const gridJobs = options.grid ? GRID_SEEDS.flatMap((seed) => GRID_PROMPTS.map((prompt) => ({ prompt, seed }))) : [];
  let done = 0;
  const total = todo.length + BLOB_CASES.length * BLOB_SEEDS.length + gridJobs.length;
  const tick = (what: string) => options.progress?.(++done, total, what);

  // 2. txt2img, scored by the analysis.py port.
  const cases: EvalReport['cases'] = [];
  for (const c of todo) {
    const params: GenerateParams = {
      prompt: c.prompt,
      negative: c.negative,
      seed: BigInt(c.seed),
      guidance: c.guidance,
      steps: STEPS,
      concepts: c.concept && heart ? [heart] : undefined,
    };
    const { background, objects } = analyseShapesDetailed(await generate(params));
    const found = { background, objects: objects.map(({ shapeIou: _, ...o }) => o) };
    cases.push({ ...c, found, score: scoreCase(c, found), shapeIou: objects[0]?.shapeIou ?? null });
    tick(c.prompt);
  }

  // 3. img2img from the sketches.
  const img2imgCases: Img2ImgResult[] = [];
  for (const [index, spec] of BLOB_CASES.entries()) {
    const sketch = drawRoughBlob(spec, index + 1, options.imageSize);
    const blobIou = analyseShapesDetailed(sketch).objects[0]?.shapeIou ?? 0;
    for (const seed of BLOB_SEEDS) {
      const prompt = blobPrompt(spec);
      const initImage = { width: sketch.width, height: sketch.height, data: sketch.rgb };
      const image = await generate({ prompt, seed: BigInt(seed), steps: STEPS, initImage, strength: BLOB_STRENGTH });
      img2imgCases.push(scoreSketch(spec, seed, prompt, blobIou, analyseShapesDetailed(image).objects[0]));
      tick(`img2img ${prompt}`);
    }
  }

  // 4. The sample grid.
  const gridImages: RgbImage[] = [];
  for (const { prompt, seed } of gridJobs) {
    gridImages.push(await generate({ prompt, seed: BigInt(seed), steps: STEPS }));
    tick(`grid ${prompt}`);
  }

  return {
    summary: summarize(cases),
    img2img: summarizeSketches(img2imgCases, cases),
    skipped: heart ? {} : { concept: CONCEPT_SKIPPED },
    seconds: Math.round((performance.now() - started) / 100) / 10,
    cases,
    img2imgCases,
    grid: gridImages.length ? composeGrid(gridImages, GRID_PROMPTS.length) : null,
  };
}

function scoreSketch(
  spec: BlobSpec,
  seed: number,
  prompt: string,
  blobIou: number,
  o: DetailedObject | undefined,
): Img2ImgResult {
  return {
    ...spec,
    seed,
    prompt,
    found: o ? { color: o.color, shape: o.shape, position: o.position, shapeIou: o.shapeIou } : null,
    colorKept: o?.color === spec.color,
    placeKept: o?.position === spec.position,
    clean: o?.shape === spec.shape && o.shapeIou >= CLEAN_IOU,
    blobIou,
  };
}

function summarizeSketches(results: Img2ImgResult[], txt2img: EvalReport['cases']): EvalReport['img2img'] {
  const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000;
  const blobShapes = new Set<string>(BLOB_CASES.map((b) => b.shape));
  const reference = txt2img.filter(
    (c) => c.group === 'color_shape' && c.score.shape && blobShapes.has(c.expect.shape!),
  );
  return {
    strength: BLOB_STRENGTH,
    color_kept: share(results.map((r) => r.colorKept)),
    place_kept: share(results.map((r) => r.placeKept)),
    clean_shape: share(results.map((r) => r.clean)),
    mean_iou_sketch: mean(results.map((r) => r.blobIou)),
    mean_iou_output: mean(results.map((r) => r.found?.shapeIou ?? 0)),
    mean_iou_txt2img_same_shapes: reference.length ? mean(reference.map((c) => c.shapeIou ?? 0)) : null,
  };
}
