// Progress on stderr: a redrawn bar on a terminal, one plain line per step otherwise (logs, CI).
import type { StepInfo } from '../studio';

export function stepReporter(write: (text: string) => void, isTty: boolean, label: string) {
  return {
    step(info: StepInfo): void {
      const eta = (info.etaMs / 1000).toFixed(1);
      if (!isTty) return write(`${label} step ${info.step}/${info.total} (eta ${eta} s)\n`);
      const width = 30;
      const filled = Math.round((info.step / info.total) * width);
      write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${info.step}/${info.total} eta ${eta} s `);
      if (info.step === info.total) write('\n');
    },
  };
}
