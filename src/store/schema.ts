import type Database from 'better-sqlite3';

/**
 * One migration step: SQL, or a function for steps that must compute rows (reading an old column
 * into a new table). A function step runs inside the same transaction as the SQL ones.
 */
export type MigrationStep = string | ((db: Database.Database) => void);

/**
 * Applies a module's schema migrations once each, in order, in one transaction that holds the
 * write lock, so concurrent processes never apply a step twice and a failed step leaves nothing behind.
 * Each module (patents, lexical, match …) owns its tables and its own version counter, so
 * features can evolve their tables without a central migration list.
 *
 * @example
 * migrate(db, 'patents', [
 *   `CREATE TABLE patents (id INTEGER PRIMARY KEY, application_number TEXT UNIQUE NOT NULL)`,
 *   `ALTER TABLE patents ADD COLUMN title_en TEXT`,
 *   (db) => splitApplicants(db),
 * ]);
 */
export function migrate(db: Database.Database, module: string, steps: readonly MigrationStep[]): void {
  // Up to date (the usual case): a read, so opening a database another process is writing (an
  // `index --full`) does not wait for its write lock.
  if (schemaVersion(db, module) === steps.length) return;
  // Every step, and the version read that decides them, runs under one write lock (BEGIN
  // IMMEDIATE): processes opening a fresh home together (`serve --workers`) each wait for the lock,
  // then find the steps already applied instead of applying them twice.
  db.transaction(() => {
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
    if (current === steps.length) return;
    const setVersion = db.prepare(
      'INSERT INTO schema_versions (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version',
    );
    for (let version = current + 1; version <= steps.length; version++) {
      const step = steps[version - 1]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
      setVersion.run(module, version);
    }
  }).immediate();
}

/**
 * The applied version of a module's schema, 0 when none (read without taking the write lock).
 *
 * @example
 * if (schemaVersion(db, 'lexical') < MIGRATIONS.length) rebuild();
 */
export function schemaVersion(db: Database.Database, module: string): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'`).get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_versions WHERE module = ?').get(module) as { version: number } | undefined;
  return row?.version ?? 0;
}
