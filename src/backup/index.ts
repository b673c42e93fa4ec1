/**
 * Online backup and restore of a home (`patmatch backup`, `patmatch restore`): a consistent copy
 * of the store, the lexical index generation in use, the vectors with their model, and the link
 * secret, with a manifest of sizes and SHA-256 that restore checks.
 */
export { backupHome, type BackupReport } from './backup.js';
export { restoreHome, type RestoreReport } from './restore.js';
export { readBackupManifest, BACKUP_MANIFEST, type BackupManifest } from './manifest.js';
