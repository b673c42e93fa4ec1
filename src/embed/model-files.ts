import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PatmatchError } from '../domain/errors.js';

/**
 * Throws a `not_found` error naming the model folder and the missing file, unless `file` exists in `dir`.
 *
 * @example
 * await requireModelFile('./models/potion', 'tokenizer.json', 'the tokenizer');
 */
export async function requireModelFile(dir: string, file: string, purpose: string): Promise<string> {
  const path = join(dir, file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new PatmatchError('not_found', `model folder ${dir}: missing ${file} (${purpose})`, { dir, file });
  }
  return path;
}

/**
 * Reads a JSON file of a model folder: `undefined` when it is absent (or `dir` is not a folder), a
 * clear error when it is not JSON.
 *
 * @example
 * const modules = await readModelJson('./models/e5', 'modules.json');
 */
export async function readModelJson(dir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PatmatchError('invalid_input', `model folder ${dir}: ${file} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Narrows `value` to a plain JSON object, or throws naming where it came from.
 *
 * @example
 * const config = expectObject(await readModelJson(dir, 'config.json'), 'config.json');
 */
export function expectObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PatmatchError('invalid_input', `${where}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * A stable model id, `<kind>:<name>@<12 hex>`: the hash covers the bytes of every given file, so
 * retrained weights or a changed config give a new id while a copied folder keeps its id.
 *
 * @example
 * await modelFingerprint('static', 'potion-base-8M', ['/m/config.json', '/m/model.safetensors'])
 * // 'static:potion-base-8M@3f2a9c0d1b7e'
 */
export async function modelFingerprint(kind: string, name: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${basename(file)}\0`);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    hash.update('\0');
  }
  return `${kind}:${name}@${hash.digest('hex').slice(0, 12)}`;
}
