/**
 * The module-loader flags of a process's `execArgv` (e.g. tsx's `--import tsx`), which a child
 * process needs to load the same code; everything else (`--eval`, `--cpu-prof` …) is left out.
 *
 * @example
 * fork(entry, args, { execArgv: loaderFlags(process.execArgv) });
 */
export function loaderFlags(argv: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(arg)) flags.push(arg, argv[++i]!);
    else if (/^--(import|require|loader|experimental-loader)=/.test(arg)) flags.push(arg);
  }
  return flags;
}
