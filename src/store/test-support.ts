/**
 * Helpers for tests that need a real store: a fresh one in a temporary folder, and patents to put in it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patent } from '../domain/index.js';
import { openStore, type PatentStore } from './index.js';

/** A store in a fresh temporary folder; `dir` is free for fixtures, `cleanup` closes and removes all. */
export interface TempStore {
  dir: string;
  home: string;
  store: PatentStore;
  cleanup(): Promise<void>;
}

/**
 * Opens a store in a new temporary folder.
 *
 * @example
 * const temp = await tempStore(); … await temp.cleanup();
 */
export async function tempStore(): Promise<TempStore> {
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
  const home = join(dir, 'home');
  const temp: TempStore = {
    dir,
    home,
    store: openStore(home),
    async cleanup() {
      temp.store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return temp;
}

/**
 * A valid normalised patent with the given application number, for tests.
 *
 * @example
 * store.upsertPatents([samplePatent('1020160138184', { registrationStatus: '등록' })], 'test');
 */
export function samplePatent(applicationNumber: string, overrides: Partial<Patent> = {}): Patent {
  return {
    applicationNumber,
    kind: applicationNumber.startsWith('20') ? 'utility-model' : 'patent',
    title: `발명 ${applicationNumber}`,
    titleEn: null,
    abstract: `요약 ${applicationNumber}`,
    ipc: ['H01G 11/86'],
    applicant: '인천대학교 산학협력단',
    applicationDate: '2016-10-24',
    openingNumber: null,
    openingDate: null,
    publicationNumber: null,
    publicationDate: null,
    registrationNumber: null,
    registrationDate: null,
    registrationStatus: '공개',
    inventors: null,
    agent: null,
    ...overrides,
  };
}
