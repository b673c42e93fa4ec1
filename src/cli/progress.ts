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
