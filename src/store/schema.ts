import type Database from 'better-sqlite3';

/**
 * Applies a module's schema migrations once each, in order, inside one transaction per step.
 * Each module (patents, lexical, match …) owns its tables and its own version counter, so
 * features can evolve their tables without a central migration list.
 *
 * @example
 * migrate(db, 'patents', [
 *   `CREATE TABLE patents (id INTEGER PRIMARY KEY, application_number TEXT UNIQUE NOT NULL)`,
 *   `ALTER TABLE patents ADD COLUMN title_en TEXT`,
 * ]);
 */
export function migrate(db: Database.Database, module: string, steps: readonly string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_versions (
    module TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  ) STRICT`);
  const row = db.prepare('SELECT version FROM schema_versions WHERE module = ?').get(module) as
    | { version: number }
    | undefined;
  const current = row?.version ?? 0;
  if (current > steps.length) {
    throw new Error(
      `The database schema for "${module}" is version ${current}, newer than this patmatch (${steps.length}). Upgrade patmatch.`,
    );
  }
  const setVersion = db.prepare(
    'INSERT INTO schema_versions (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version',
  );
  for (let version = current + 1; version <= steps.length; version++) {
    db.transaction(() => {
      db.exec(steps[version - 1]!);
      setVersion.run(module, version);
    })();
  }
}
