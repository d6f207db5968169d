import { describe, expect, it } from 'vitest';
import { createScheduler, SCHEDULER_IDS, schedulerIdFromClassName, type NoiseSource } from './index';
import { arange, interpUnitGrid, linspace, roundHalfEven } from './numpy-compat';
import referenceJson from './scheduler-references.json';

// Behaviour around the numbers: config resolution, errors, state resets and the interface's promises. The
// numbers themselves are checked against diffusers in schedulers.test.ts.

const { configs } = referenceJson as unknown as { configs: Record<string, Record<string, unknown>> };
const sd15 = configs.sd15;

const zeros: NoiseSource = { randn: (count) => new Float32Array(count) };

function sampleLoop(id: (typeof SCHEDULER_IDS)[number], steps: number): Float32Array {
  const scheduler = createScheduler(id, sd15);
  scheduler.setTimesteps(steps);
  let latents: Float32Array = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i + 1) * scheduler.initNoiseSigma);
  for (const t of scheduler.timesteps) {
    const scaled = scheduler.scaleModelInput(latents, t);
    latents = scheduler.step(
      scaled.map((x) => 0.5 * x),
      t,
      latents,
      zeros,
    );
  }
  return latents;
}

describe('numpy-compat', () => {
  it('rounds halves to even like np.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3]);
  });

  it('keeps np.linspace endpoints exact and spaces without the endpoint', () => {
    expect(linspace(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0, 50, 4, false)).toEqual([0, 12.5, 25, 37.5]);
    expect(linspace(3, 7, 1)).toEqual([3]);
  });

  it('gives np.arange its ceil length, one more value than steps for 1000/61', () => {
    expect(arange(1000, 0, -1000 / 61)).toHaveLength(62);
    expect(arange(1000, 0, -250)).toEqual([1000, 750, 500, 250]);
  });

  it('interpolates on the unit grid and clamps at the ends', () => {
    const fp = [1, 3, 7];
    expect([-1, 0, 0.5, 1, 1.25, 2, 5].map((x) => interpUnitGrid(x, fp))).toEqual([1, 1, 2, 3, 4, 7, 7]);
  });
});

describe('config resolution', () => {
  it('builds every id from SD 1.5 and SD 2.1 configs', () => {
    for (const id of SCHEDULER_IDS) {
      for (const config of [sd15, configs.sd2v]) {
        const scheduler = createScheduler(id, config);
        expect(scheduler.id).toBe(id);
        expect(scheduler.order).toBe(1);
      }
    }
  });

  it('takes the class default for a field the config lacks', () => {
    const euler = createScheduler('euler', sd15);
    euler.setTimesteps(4);
    expect(euler.timesteps[0]).toBe(999); // linspace, although SD 1.5 configs PNDM with leading spacing
    const ddim = createScheduler('ddim', sd15);
    ddim.setTimesteps(4);
    expect(ddim.timesteps).toEqual([751, 501, 251, 1]); // leading + steps_offset 1
  });

  it('lets the id override the model config: dpmpp-2m ignores use_karras_sigmas, pndm skips PRK', () => {
    const plain = createScheduler('dpmpp-2m', { ...sd15, use_karras_sigmas: true });
    const karras = createScheduler('dpmpp-2m-karras', sd15);
    plain.setTimesteps(10);
    karras.setTimesteps(10);
    expect(plain.timesteps).not.toEqual(karras.timesteps);
    const pndm = createScheduler('pndm', { ...sd15, skip_prk_steps: false });
    pndm.setTimesteps(10);
    expect(pndm.timesteps).toHaveLength(11);
  });

  it('ignores keys the class does not know and honours _use_default_values', () => {
    const euler = createScheduler('euler', {
      ...sd15,
      timestep_spacing: 'leading',
      _use_default_values: ['timestep_spacing'],
      unknown_key: 3,
    });
    euler.setTimesteps(4);
    expect(euler.timesteps[0]).toBe(999);
  });

  it('rejects unknown ids, unsupported options and ill-typed values, naming the field', () => {
    expect(() => createScheduler('heun' as never, sd15)).toThrow(/unknown scheduler id "heun"/);
    expect(() => createScheduler('ddim', { ...sd15, thresholding: true })).toThrow(/DDIMScheduler.thresholding/);
    expect(() => createScheduler('euler', { ...sd15, beta_schedule: 'sigmoid' })).toThrow(/beta_schedule is "sigmoid"/);
    expect(() => createScheduler('euler', { ...sd15, use_exponential_sigmas: true })).toThrow(/not supported/);
    expect(() => createScheduler('euler-a', { ...sd15, prediction_type: 'sample' })).toThrow(/prediction_type/);
    expect(() => createScheduler('pndm', { ...sd15, steps_offset: '1' })).toThrow(/steps_offset is "1"/);
    expect(() => createScheduler('lcm', { ...sd15, trained_betas: [0.1, 0.2] })).toThrow(/trained_betas has 2 values/);
  });

  it('rejects step counts the schedule cannot hold', () => {
    expect(() => createScheduler('ddim', sd15).setTimesteps(0)).toThrow(RangeError);
    expect(() => createScheduler('ddim', sd15).setTimesteps(1001)).toThrow(/exceed the 1000 training timesteps/);
    expect(() => createScheduler('lcm', sd15).setTimesteps(51)).toThrow(/original_inference_steps/);
  });
});

describe('scheduler ids from a model config', () => {
  it('maps diffusers class names', () => {
    expect(schedulerIdFromClassName('PNDMScheduler', sd15)).toBe('pndm');
    expect(schedulerIdFromClassName('DDIMScheduler')).toBe('ddim');
    expect(schedulerIdFromClassName('EulerDiscreteScheduler')).toBe('euler');
    expect(schedulerIdFromClassName('EulerAncestralDiscreteScheduler')).toBe('euler-a');
    expect(schedulerIdFromClassName('DPMSolverMultistepScheduler', {})).toBe('dpmpp-2m');
    expect(schedulerIdFromClassName('DPMSolverMultistepScheduler', { use_karras_sigmas: true })).toBe(
      'dpmpp-2m-karras',
    );
    expect(schedulerIdFromClassName('LCMScheduler')).toBe('lcm');
    expect(schedulerIdFromClassName('LMSDiscreteScheduler')).toBeUndefined();
    expect(schedulerIdFromClassName('toString')).toBeUndefined();
  });
});

describe('scheduler state', () => {
  it('starts over on setTimesteps: the same loop twice gives the same latents', () => {
    for (const id of SCHEDULER_IDS) {
      const scheduler = createScheduler(id, sd15);
      const run = () => {
        scheduler.setTimesteps(6);
        let x: Float32Array = Float32Array.from([0.3, -1.2, 0.7, 2]);
        for (const t of scheduler.timesteps)
          x = scheduler.step(
            scheduler.scaleModelInput(x, t).map((v) => 0.5 * v),
            t,
            x,
            zeros,
          );
        return x;
      };
      expect(run()).toEqual(run());
      expect(sampleLoop(id, 6)).toEqual(sampleLoop(id, 6));
    }
  });

  it('never modifies its inputs', () => {
    for (const id of SCHEDULER_IDS) {
      const scheduler = createScheduler(id, sd15);
      scheduler.setTimesteps(5);
      const x = Float32Array.from([0.1, -0.2, 0.3]);
      const output = Float32Array.from([0.5, 0.5, -0.5]);
      const noise = Float32Array.from([1, -1, 0.5]);
      const t = scheduler.timesteps[0];
      scheduler.addNoise(x, noise, t);
      scheduler.step(output, t, scheduler.scaleModelInput(x, t), zeros);
      expect([...x, ...output, ...noise]).toEqual([...Float32Array.from([0.1, -0.2, 0.3, 0.5, 0.5, -0.5, 1, -1, 0.5])]);
    }
  });

  it('draws noise of the sample size only where diffusers draws', () => {
    const draws: number[] = [];
    const counting: NoiseSource = { randn: (n) => (draws.push(n), new Float32Array(n)) };
    for (const id of SCHEDULER_IDS) {
      const scheduler = createScheduler(id, sd15);
      scheduler.setTimesteps(4);
      draws.length = 0;
      let x: Float32Array = new Float32Array(5);
      for (const t of scheduler.timesteps) x = scheduler.step(x, t, x, counting);
      const expected = id === 'euler-a' ? [5, 5, 5, 5] : id === 'lcm' ? [5, 5, 5] : [];
      expect(draws).toEqual(expected);
    }
  });

  it('fails clearly where diffusers runs off its schedule', () => {
    // cosine betas with Karras sigmas repeat the first timestep; diffusers starts at index 1 and hits an IndexError
    const scheduler = createScheduler('dpmpp-2m-karras', configs.cosine);
    scheduler.setTimesteps(10);
    expect(() => {
      let x: Float32Array = new Float32Array(2);
      for (const t of scheduler.timesteps) x = scheduler.step(x, t, x, zeros);
    }).toThrow(/step 11 of a 10-step schedule/);
    expect(() => createScheduler('euler', sd15).step(new Float32Array(1), 12.5, new Float32Array(1), zeros)).toThrow(
      /timestep 12.5 is not in the schedule/,
    );
    expect(() => createScheduler('ddim', sd15).step(new Float32Array(1), 1, new Float32Array(1), zeros)).toThrow(
      /setTimesteps/,
    );
  });
});
