// diffusers' _step_index / _begin_index bookkeeping of the sigma-indexed schedulers (Euler, DPM-Solver, LCM).

/** What index_for_timestep does when the timestep is absent: most classes fail, DPM-Solver takes the last step. */
export type MissingTimestep = 'throw' | 'last';

export class StepIndex {
  private stepIndex: number | undefined;
  private beginIndex: number | undefined;

  constructor(
    private readonly className: string,
    private readonly missing: MissingTimestep,
  ) {}

  /** set_timesteps clears both. */
  reset(): void {
    this.stepIndex = undefined;
    this.beginIndex = undefined;
  }

  setBegin(beginIndex: number): void {
    if (!Number.isInteger(beginIndex) || beginIndex < 0) {
      throw new RangeError(`${this.className}: begin index must be a non-negative integer, got ${beginIndex}`);
    }
    this.beginIndex = beginIndex;
  }

  /**
   * index_for_timestep: the second match when the timestep repeats, so that a loop starting mid-schedule (img2img
   * without a begin index) does not skip a σ.
   */
  indexFor(timestep: number, timesteps: readonly number[]): number {
    const matches: number[] = [];
    timesteps.forEach((t, i) => t === timestep && matches.push(i));
    if (matches.length === 0) {
      if (this.missing === 'last') return timesteps.length - 1;
      throw new RangeError(`${this.className}: timestep ${timestep} is not in the schedule`);
    }
    return matches.length > 1 ? matches[1] : matches[0];
  }

  /**
   * The index for this call: _init_step_index on first use, from the begin index when the pipeline set one. A
   * repeated first timestep can start the count one late and run it off the end, where diffusers fails with an
   * IndexError; this fails with a clear message instead.
   */
  current(timestep: number, timesteps: readonly number[]): number {
    this.stepIndex ??= this.beginIndex ?? this.indexFor(timestep, timesteps);
    if (this.stepIndex >= timesteps.length) {
      throw new RangeError(`${this.className}: step ${this.stepIndex + 1} of a ${timesteps.length}-step schedule`);
    }
    return this.stepIndex;
  }

  /** step()'s `_step_index += 1`. */
  advance(): void {
    if (this.stepIndex !== undefined) this.stepIndex += 1;
  }

  /** add_noise's choice: look the timestep up, unless a begin index (or a running step index) says where we are. */
  forAddNoise(timestep: number, timesteps: readonly number[]): number {
    if (this.beginIndex === undefined) return this.indexFor(timestep, timesteps);
    return this.stepIndex ?? this.beginIndex;
  }
}
