// One timed UNet call of a model on one provider, on zero inputs of the job's shape: what `auto` compares.
import { openUNet } from '../adapters/unet';
import type { ProviderId } from '../execution-providers';

export interface UNetCallShape {
  /** The UNet's input channels (4, or 9 for inpainting), latent height and width; UNet batch (2 × images with classifier-free guidance). */
  channels: number;
  latentHeight: number;
  latentWidth: number;
  batch: number;
  /** The text encoder's width (encoder_hidden_states' last dimension). */
  contextWidth: number;
}

/** Milliseconds of one UNet call; GPU providers get one untimed call first (shader compilation, uploads). */
export async function timeUNetCall(
  unetFile: string,
  provider: ProviderId,
  threads: number,
  shape: UNetCallShape,
): Promise<number> {
  return (await timeUNetCalls(unetFile, provider, threads, shape, provider === 'cpu' ? 0 : 1, 1))[0];
}

/** `calls` timed UNet calls after `warmup` untimed ones, on one session (for the benchmark's medians). */
export async function timeUNetCalls(
  unetFile: string,
  provider: ProviderId,
  threads: number,
  shape: UNetCallShape,
  warmup: number,
  calls: number,
  deviceResident = false,
): Promise<number[]> {
  const unet = await openUNet(unetFile, { providers: [provider], threads, log: () => {}, deviceResident });
  try {
    const dims = [shape.batch, shape.channels, shape.latentHeight, shape.latentWidth];
    // The text context as the graph declares it: fixed sizes as given, symbolic ones as a 77-token prompt makes them.
    const declared = unet.session.inputs.find((i) => i.name === 'encoder_hidden_states')?.shape ?? ['b', 's', 'w'];
    const contextDims = declared.map((d, i) =>
      typeof d === 'number' ? d : [shape.batch, unet.fixedSequenceLength ?? 77, shape.contextWidth][i],
    );
    const size = (ds: readonly number[]) => ds.reduce((a, b) => a * b, 1);
    const input = {
      sample: new Float32Array(size(dims)),
      dims,
      timestep: 999,
      context: new Float32Array(size(contextDims)),
      contextDims,
    };
    for (let i = 0; i < warmup; i++) await unet.predict(input);
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      await unet.predict(input);
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await unet.session.release();
  }
}
