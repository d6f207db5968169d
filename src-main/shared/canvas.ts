// The sketch canvas as stored in the data directory (canvas/document.json, its pictures beside it as
// canvas/pictures/KEY.png): its layers, mask and undo history, declared once so that the renderer writes and the main
// process checks the same shape. Strokes are kept once each in a table and pictures once each as files, referred to by
// index or key, so a history of 100 documents costs no more than its changes, and saving after a stroke never sends a
// picture again.
import { z } from 'zod';
import { base64Png } from './base64-png';
import { generationLimits } from './generation-limits';

export const canvasLimits = {
  /** Distinct pictures the history may refer to (base layers). */
  images: 8,
  strokes: 20_000,
  /** Coordinates (x, y, x, y, …) of one stroke. */
  strokeCoordinates: 40_000,
  /** Documents in the history (past + present + future); the renderer keeps 100 steps of undo. */
  documents: 202,
  /** A brush's diameter in image pixels. */
  brushSize: 4096,
  /** The stored document, whatever the transport allowed (a hand-made file is read with the same bound). */
  fileBytes: 16 * 1024 * 1024,
} as const;

const colour = z.string().regex(/^#[0-9a-f]{6}$/i, 'must be a #rrggbb colour');
const unit = z.number().min(0).max(1);
export const imageKey = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be 1–64 of a–z, 0–9, -');
const galleryId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const index = z.number().int().min(0);

export const fitModes = ['stretch', 'fit', 'crop'] as const;
export type FitMode = (typeof fitModes)[number];

const storedStroke = z
  .object({
    tool: z.enum(['brush', 'eraser']),
    color: colour,
    size: z.number().positive().max(canvasLimits.brushSize),
    hardness: unit,
    opacity: unit,
    points: z
      .array(z.number().finite().min(-1e6).max(1e6))
      .min(2)
      .max(canvasLimits.strokeCoordinates)
      .refine((p) => p.length % 2 === 0, 'must hold x, y pairs'),
  })
  .strict();

const storedDocument = z
  .object({
    background: colour,
    base: z
      .object({
        image: imageKey.nullable(),
        /** The gallery id the picture came from: the parent of what is generated from the canvas. */
        origin: galleryId.nullable(),
        visible: z.boolean(),
        opacity: unit,
        fit: z.enum(fitModes),
      })
      .strict(),
    sketch: z.object({ visible: z.boolean(), opacity: unit, strokes: z.array(index) }).strict(),
    mask: z.object({ visible: z.boolean(), inverted: z.boolean(), strokes: z.array(index) }).strict(),
  })
  .strict();

export const storedCanvasSchema = z
  .object({
    version: z.literal(1),
    width: z.number().int().min(generationLimits.side.min).max(generationLimits.side.max),
    height: z.number().int().min(generationLimits.side.min).max(generationLimits.side.max),
    /** The pictures the documents refer to, each stored with canvas.putImage first. */
    images: z.array(imageKey).max(canvasLimits.images, `must name at most ${canvasLimits.images} pictures`),
    strokes: z.array(storedStroke).max(canvasLimits.strokes),
    documents: z.array(storedDocument).min(1).max(canvasLimits.documents),
    past: z.array(index),
    present: index,
    future: z.array(index),
  })
  .strict()
  .superRefine((canvas, context) => {
    const problem = (message: string, path: (string | number)[]) => context.addIssue({ code: 'custom', message, path });
    const documentCount = canvas.documents.length;
    for (const [name, list] of [
      ['past', canvas.past],
      ['future', canvas.future],
      ['present', [canvas.present]],
    ] as const)
      list.forEach((i, at) => i >= documentCount && problem(`refers to a missing document ${i}`, [name, at]));
    canvas.documents.forEach((doc, at) => {
      if (doc.base.image !== null && !canvas.images.includes(doc.base.image))
        problem(`refers to a missing image ${doc.base.image}`, ['documents', at, 'base', 'image']);
      for (const layer of ['sketch', 'mask'] as const)
        if (doc[layer].strokes.some((i) => i >= canvas.strokes.length))
          problem('refers to a missing stroke', ['documents', at, layer, 'strokes']);
    });
  });

export type StoredCanvas = z.output<typeof storedCanvasSchema>;
export type StoredStroke = StoredCanvas['strokes'][number];
export type StoredCanvasDocument = StoredCanvas['documents'][number];

/** One picture of the canvas, stored before a document that names it. */
export const canvasImageSchema = z
  .object({
    key: imageKey,
    pngBase64: base64Png.refine((b) => b.startsWith('iVBORw0KGgo'), 'must be a PNG'),
  })
  .strict();

export interface CanvasLoadResult {
  /** null: nothing stored yet, or what was stored could not be used (see `setAside`). */
  canvas: StoredCanvas | null;
  /** The pictures `canvas.images` names: key → PNG (base64). */
  images: Record<string, string>;
  /** A stored document that was unreadable: moved aside under this name in the data directory, with the reason. */
  setAside?: { file: string; problem: string };
}
