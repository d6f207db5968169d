// Inpainting with an inpainting UNet (9 input channels: SD inpainting checkpoints), as diffusers v0.40's
// StableDiffusionInpaintPipeline does it. The UNet sees, per image, its latents ‖ the mask ‖ the masked image's
// latents; nothing is blended during sampling (masked-latents.ts is the 4-channel path).
//
// From the job's mask m ∈ [0, 1] (masked-latents.ts: grey / 255, blurred by the job's mask blur; blur 0 leaves
// grey / 255, which is what diffusers' mask processor reads):
// 1. binarize (VaeImageProcessor.binarize): 1 where m ≥ 0.5, else 0 — grey ≥ 128 without blur;
// 2. masked image: the init image as a [-1, 1] tensor times (mask < 0.5), so repainted pixels become 0 (mid grey);
// 3. its latents: VAE encoder (its posterior sampled with the generator when the encoder gives its parameters),
//    × scaling_factor;
// 4. latent mask: torch.nn.functional.interpolate(mask, size=(H/f, W/f)) in its default 'nearest' mode, which
//    takes source pixel floor(i·f): the top-left pixel of each f×f block;
// 5. each UNet call gets cat([scale_model_input(latents), mask, masked latents], dim=1) for every row of the
//    (guidance-doubled) batch.
// The generator's draws (diffusers' prepare_latents, then prepare_mask_latents): strength < 1 → the init image's
// posterior, the noise, the masked image's posterior; strength 1 → the noise (× init_noise_sigma: pure noise, the
// image is not encoded), the masked image's posterior. Posterior draws happen only for parameter-type encoders.
// Around diffusers' pipeline the studio keeps its own conventions, shared with the 4-channel route: strength defaults
// to 0.75 like any init-image job (diffusers' inpaint pipeline defaults to 1.0); the decoded image is pasted into
// the init image through the blurred mask unless keepDecoded; "only masked" is A1111's crop (inpaint-crop.ts), not
// diffusers' padding_mask_crop (whose LANCZOS resizes are not reproduced here).
import type { InitImage } from './engine-types';
import { imageToTensor } from './image-tensor';

/** The UNet input channels each inpainting kind takes: plain (masked img2img) or an inpainting UNet. */
export const PLAIN_UNET_CHANNELS = 4;
export const INPAINT_UNET_CHANNELS = 9;

/** Step 1: 1 (repaint) where m ≥ 0.5, 0 (keep) elsewhere. */
export function binaryMask(mask: Float32Array): Float32Array {
  return mask.map((m) => (m >= 0.5 ? 1 : 0));
}

/** Step 2: the image as diffusers' NCHW [-1, 1] tensor, zero where the binary mask repaints. */
export function maskedImageTensor(image: InitImage, binary: Float32Array): Float32Array {
  const tensor = imageToTensor(image);
  const pixels = image.width * image.height;
  if (binary.length !== pixels) {
    throw new RangeError(`maskedImageTensor: mask has ${binary.length} pixels, image ${pixels}`);
  }
  for (let c = 0; c < 3; c++) for (let p = 0; p < pixels; p++) if (binary[p] >= 0.5) tensor[c * pixels + p] = 0;
  return tensor;
}

/** Step 4: torch's nearest interpolation to (height/f, width/f): the pixel at (f·y, f·x) of each block. */
export function nearestLatentMask(binary: Float32Array, width: number, height: number, factor: number): Float32Array {
  const w = width / factor;
  const h = height / factor;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = binary[y * factor * width + x * factor];
  return out;
}

/** What every UNet row gets after its latents: the latent mask (1 × h × w) then the masked latents (C × h × w). */
export function conditioningChannels(latentMask: Float32Array, maskedLatents: Float32Array): Float32Array {
  if (maskedLatents.length % latentMask.length !== 0) {
    throw new RangeError(`conditioningChannels: ${maskedLatents.length} latents for a ${latentMask.length} mask`);
  }
  const out = new Float32Array(latentMask.length + maskedLatents.length);
  out.set(latentMask, 0);
  out.set(maskedLatents, latentMask.length);
  return out;
}

/**
 * Step 5: `rows` rows of latents (each `latentSize` values) with the same conditioning appended to each:
 * the channel-axis concatenation of NCHW tensors.
 */
export function appendChannels(latents: Float32Array, rows: number, conditioning: Float32Array): Float32Array {
  const latentSize = latents.length / rows;
  const rowSize = latentSize + conditioning.length;
  const out = new Float32Array(rows * rowSize);
  for (let r = 0; r < rows; r++) {
    out.set(latents.subarray(r * latentSize, (r + 1) * latentSize), r * rowSize);
    out.set(conditioning, r * rowSize + latentSize);
  }
  return out;
}
