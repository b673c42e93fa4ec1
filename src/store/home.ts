import { join } from 'node:path';

/**
 * Where everything lives inside a patmatch home folder. One place, so the CLI, the server and
 * the tests agree.
 *
 * @example
 * homeLayout('.patmatch').store // '.patmatch/patmatch.db'
 */
export function homeLayout(home: string) {
  return {
    home,
    /** Patents, evaluations, accounts, demands (SQLite). */
    store: join(home, 'patmatch.db'),
    /** BM25 index over morpheme-tokenised titles and abstracts (SQLite FTS5). */
    lexical: join(home, 'lexical.db'),
    /** Vector indexes of the current model: manifest, ANN over abstracts, title and abstract tables. */
    vectors: join(home, 'vectors'),
    /** The model `patmatch train` writes and `index`/`search` use by default. */
    defaultModel: join(home, 'models', 'default'),
    /** HMAC secret for signed links, created on first use. */
    secret: join(home, 'secret'),
  } as const;
}
