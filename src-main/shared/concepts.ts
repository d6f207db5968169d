// The concept library as the views see it: learned textual-inversion embeddings, named by id (their file hash).
import { z } from 'zod';

export const conceptRoles = ['positive', 'negative'] as const;
export type ConceptRole = (typeof conceptRoles)[number];

export interface ConceptInfo {
  /** SHA-256 of the file's bytes: the id and the content address of its copy in the data directory. */
  id: string;
  /** The word that calls it in a prompt (A1111: the file's base name; diffusers: the stored token). */
  trigger: string;
  format: 'safetensors' | 'pytorch';
  layout: 'a1111' | 'diffusers';
  /** Tokens the trigger expands to, and their width (768 for SD 1.x, 1024 for SD 2.x). */
  vectors: number;
  width: number;
  /** The file name it was imported from. */
  sourceName: string;
  /** Which prompt the views put it in; it works in either. */
  role: ConceptRole;
  enabled: boolean;
  /** Epoch milliseconds. */
  created: number;
  /** Media path of a preview made with the default model on import, when it was compatible. */
  preview: string | null;
}

const conceptId = z.string().regex(/^[0-9a-f]{64}$/, 'a concept id is a 64-digit hex hash');
/** Like a prompt word: no spaces at the ends, at most 64 characters. */
const trigger = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\s]+$/, 'a trigger is one word (no spaces)');

export const conceptRefSchema = z.object({ id: conceptId }).strict();
export const conceptImportSchema = z
  .object({
    /** The file's name: its extension picks the reader, its base name is the A1111 trigger. */
    name: z.string().min(1).max(255),
    base64: z.string().max(24 * 1024 * 1024),
    trigger: trigger.optional(),
    role: z.enum(conceptRoles).default('positive'),
    /** The model (id or name) to render the preview with: the one chosen in the UI; the default model when absent. */
    model: z.string().min(1).max(200).optional(),
  })
  .strict();
export const conceptRenameSchema = z.object({ id: conceptId, trigger }).strict();
export const conceptRoleSchema = z.object({ id: conceptId, role: z.enum(conceptRoles) }).strict();
