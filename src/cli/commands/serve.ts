import type { Command } from 'commander';
import { buildServer, defaultServerOptions, startServer } from '../../api/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { openSearchEngine } from '../../search/index.js';
import { openStore } from '../../store/index.js';
import { addMatchServeOptions, openMatchForServe, type MatchServeFlags } from '../../match/serve.js';
import { resolveHome } from '../context.js';
import { efSearchOption, parseInteger, withEfSearch } from '../options.js';

interface ServeFlags extends MatchServeFlags {
  port?: string;
  host: string;
  kiprisUrl?: string;
  rateLimit: string;
  webRoot?: string;
  efSearch?: string;
}

/**
 * `patmatch serve`: the JSON API and the dashboard on one port until SIGINT/SIGTERM.
 *
 * @example
 * patmatch serve --port 8080            # http://127.0.0.1:8080/
 * PORT=3000 patmatch serve --host 0.0.0.0
 */
export function register(program: Command): void {
  withEfSearch(addMatchServeOptions(program.command('serve')))
    .description('Serve the HTTP API and the dashboard (stops gracefully on Ctrl-C / SIGTERM)')
    .option('--port <n>', 'port to listen on (env PORT, default 8080; 0 = any free port)')
    .option('--host <address>', 'address to bind (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--kipris-url <template>', 'KIPRIS detail page URL with {applicationNumber} (env PATMATCH_KIPRIS_URL)')
    .option('--rate-limit <n>', 'requests per minute per client, 0 = unlimited', '300')
    .option('--web-root <dir>', 'folder of the built dashboard (default dist/web)')
    .action(async (flags: ServeFlags, command: Command) => {
      const home = resolveHome(command.optsWithGlobals<{ home?: string }>().home);
      const port = parseInteger('--port', flags.port ?? process.env.PORT) ?? 8080;
      const perMinute = parseInteger('--rate-limit', flags.rateLimit) ?? 0;
      if (port < 0 || port > 65535) throw new PatmatchError('invalid_input', `--port: ${port} is not a port number (0–65535)`);
      if (perMinute < 0) throw new PatmatchError('invalid_input', `--rate-limit: ${perMinute} is negative`);

      const engine = await openSearchEngine(home, efSearchOption(flags.efSearch));
      const store = openStore(home);
      const match = await openMatchForServe(flags, { home, db: store.db, search: engine });
      const app = await buildServer({
        plugins: [match.plugin],
        engine,
        store,
        kiprisUrlTemplate: flags.kiprisUrl ?? defaultServerOptions.kiprisUrlTemplate,
        rateLimit: perMinute === 0 ? false : { max: perMinute, timeWindowMs: 60_000 },
        webRoot: flags.webRoot ?? defaultServerOptions.webRoot,
      }).catch(async (error: unknown) => {
        await match.close();
        await engine.close();
        store.close();
        throw error;
      });
      app.addHook('onClose', async () => {
        await match.close();
        await engine.close();
        store.close();
      });
      const { url } = await startServer(app, { port, host: flags.host });
      match.listening(url);
      process.stderr.write(`patmatch: serving ${home} at ${url}/ (Ctrl-C to stop)\n`);
    });
}
