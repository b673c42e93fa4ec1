/**
 * A whole rebuild of a lexical index that dies mid-build, for the crash tests: `node --import tsx
 * killed-rebuild.ts <path>`. It writes one document into the new generation and SIGKILLs itself
 * before the rebuild could complete.
 */
import { updateLexicalIndex } from '../index.js';

const [path] = process.argv.slice(2);
await updateLexicalIndex(
  path!,
  async (index) => {
    await index.upsert([{ key: 99, title: '유령 특허', titleEn: null, abstract: '죽은 빌드의 문서' }]);
    process.kill(process.pid, 'SIGKILL');
  },
  { full: true },
);
