// Step 3 of the pipeline: the latents sampling starts from, with the generator's draws in diffusers' order.
import type { VaeEncoder } from './adapters/vae-encoder';
import type { InitImage } from './engine-types';
import { imageToTensor } from './image-tensor';
import type { NoiseSource, Scheduler } from './schedulers/scheduler';

const f32 = Math.fround;

/** txt2img: `randn([batch, C, h, w]) · init_noise_sigma`, one draw for the whole batch. */
export function noiseLatents(generator: NoiseSource, size: number, initNoiseSigma: number): Float32Array {
  const noise = generator.randn(size);
  const sigma = f32(initNoiseSigma);
  for (let i = 0; i < size; i++) noise[i] = f32(noise[i] * sigma);
  return noise;
}

export interface ImageLatentsInput {
  encoder: VaeEncoder;
  image: InitImage;
  generator: NoiseSource;
  scheduler: Scheduler;
  firstTimestep: number;
  batch: number;
  scalingFactor: number;
}

/**
 * diffusers' `_encode_vae_image`: encode one NCHW image, sample the posterior with the generator's next draw when the
 * encoder gives its parameters (retrieve_latents), multiply by scaling_factor.
 */
export async function encodeImage(
  encoder: VaeEncoder,
  tensor: Float32Array,
  dims: readonly number[],
  generator: NoiseSource,
  scalingFactor: number,
): Promise<Float32Array> {
  const encoded = await encoder.encode(tensor, dims);
  let latent: Float32Array;
  if (encoded.kind === 'sample') {
    latent = encoded.data;
  } else {
    // latent_parameters = mean ‖ logvar on the channel axis: DiagonalGaussianDistribution.sample(generator).
    const half = encoded.data.length / 2;
    const mean = encoded.data.subarray(0, half);
    const logvar = encoded.data.subarray(half);
    const epsilon = generator.randn(half);
    latent = new Float32Array(half);
    for (let i = 0; i < half; i++) {
      const clamped = Math.min(20, Math.max(-30, logvar[i]));
      const std = f32(Math.exp(f32(0.5 * clamped)));
      latent[i] = f32(mean[i] + f32(std * epsilon[i]));
    }
  }
  const scale = f32(scalingFactor);
  const scaled = new Float32Array(latent.length);
  for (let i = 0; i < latent.length; i++) scaled[i] = f32(latent[i] * scale);
  return scaled;
}

/** One image's latents repeated for the batch (diffusers repeats when batch_size is a multiple of the images). */
export function repeatForBatch(latent: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(latent.length * batch);
  for (let b = 0; b < batch; b++) out.set(latent, b * latent.length);
  return out;
}

/**
 * img2img (StableDiffusionImg2ImgPipeline.prepare_latents): encode the image once (encodeImage), repeat for the
 * batch, then `add_noise(latents, randn(shape of latents), first kept timestep)`. Inpainting also keeps the clean
 * latents and the noise, to re-noise the kept region at every step.
 */
export async function imageLatents(
  input: ImageLatentsInput,
): Promise<{ latents: Float32Array; initLatents: Float32Array; noise: Float32Array }> {
  const { encoder, image, generator, scheduler, firstTimestep, batch, scalingFactor } = input;
  const dims = [1, 3, image.height, image.width];
  const latents = repeatForBatch(
    await encodeImage(encoder, imageToTensor(image), dims, generator, scalingFactor),
    batch,
  );
  const noise = generator.randn(latents.length);
  return { latents: scheduler.addNoise(latents, noise, firstTimestep), initLatents: latents, noise };
}

/**
 * An inpainting UNet's start (StableDiffusionInpaintPipeline.prepare_latents, which encodes the image only when it
 * is needed): strength 1 → `randn · init_noise_sigma` like txt2img; below 1 → img2img's noised image latents.
 */
export async function inpaintStartLatents(
  input: ImageLatentsInput & { strength: number; latentSize: number },
): Promise<Float32Array> {
  if (input.strength === 1) return noiseLatents(input.generator, input.latentSize, input.scheduler.initNoiseSigma);
  return (await imageLatents(input)).latents;
}
