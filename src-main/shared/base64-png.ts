// A PNG carried through the contract as base64 text: img2img init images and files brought into the gallery.
import { z } from 'zod';

/** 24 MiB of base64 (an 18 MiB PNG) per file, far beyond any sketch at 2048²; the transport's body limit bounds
 * several files together. */
export const base64Png = z
  .string()
  .max(24 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
