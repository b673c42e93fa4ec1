import cliProgress from 'cli-progress';

/** A progress reporter; a no-op when stderr is not a terminal so logs and CI stay clean. */
export interface Progress {
  update(done: number, extra?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

/**
 * Shows a progress bar on stderr when it is a terminal.
 *
 * @example
 * const bar = startProgress('embedding', texts.length);
 * bar.update(512); … bar.stop();
 */
export function startProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, setTotal() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(12)} {bar} {percentage}% | {value}/{total} | {eta_formatted} left {info}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update(done, extra) {
      const info = extra ? Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ') : '';
      bar.update(done, { info });
    },
    setTotal(next) {
      bar.setTotal(next);
    },
    stop() {
      bar.stop();
    },
  };
}

/** Progress bars for a job of several stages, one bar per stage, created when the stage reports first. */
export interface StagedProgress {
  onProgress(stage: string, done: number, total: number): void;
  stop(): void;
}

/**
 * One progress bar per stage of a long job (ingest, lexical, embedding …).
 *
 * @example
 * const progress = startStagedProgress();
 * await buildIndexes(home, { onProgress: progress.onProgress }).finally(progress.stop);
 */
export function startStagedProgress(): StagedProgress {
  const bars = new Map<string, Progress>();
  return {
    onProgress(stage, done, total) {
      let bar = bars.get(stage);
      if (!bar) bars.set(stage, (bar = startProgress(stage, total)));
      bar.update(done);
    },
    stop() {
      bars.forEach((bar) => bar.stop());
    },
  };
}
