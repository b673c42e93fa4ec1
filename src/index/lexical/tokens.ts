import type Database from 'better-sqlite3';

/** FTS5 tokenizer of the index's table; `createTokenizer` splits text with the same one. */
export const LEXICAL_TOKENIZER = 'unicode61 remove_diacritics 0';

/**
 * Splits space-free words into the tokens the lexical index's FTS5 tokenizer makes of them.
 *
 * @example
 * tokenizer.learn(['c++', 'Li-ion']);
 * tokenizer.tokens('Li-ion') // ['li', 'ion']
 */
export interface Tokenizer {
  /** Tokenises the words not seen yet all at once (one statement per word, one scan for all). */
  learn(words: Iterable<string>): void;
  /** The tokens of a word, in order (learnt alone when it was not before); a word of separators only has none. */
  tokens(word: string): string[];
}

/**
 * A tokenizer that asks SQLite itself, through a contentless FTS5 table in the connection's temp
 * schema and an `instance` fts5vocab table over it, so that its tokens are FTS5's to the last
 * case fold and character class (unicode61's tables differ from JavaScript's Unicode: `İ` is not
 * folded, a combining mark sticks to the letter before it and is dropped alone). Words are
 * remembered, so the vocabulary of many documents and queries is tokenised once.
 *
 * @example
 * const tokenizer = createTokenizer(db);
 * tokenizer.tokens('A_B') // ['a', 'b']
 */
export function createTokenizer(db: Database.Database): Tokenizer {
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_scorer_words USING fts5(word, tokenize = '${LEXICAL_TOKENIZER}', content = '');
     CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_scorer_word_tokens USING fts5vocab(temp, lexical_scorer_words, instance);`,
  );
  const insert = db.prepare<[number, string]>('INSERT INTO temp.lexical_scorer_words (rowid, word) VALUES (?, ?)');
  const read = db.prepare<[], [number, number, string]>('SELECT doc, offset, term FROM temp.lexical_scorer_word_tokens').raw();
  const clear = db.prepare(`INSERT INTO temp.lexical_scorer_words (lexical_scorer_words) VALUES ('delete-all')`);
  const known = new Map<string, string[]>();

  const tokenise = db.transaction((words: readonly string[]) => {
    const tokens = words.map((): string[] => []);
    words.forEach((word, at) => insert.run(at + 1, word));
    for (const [doc, offset, term] of read.iterate()) tokens[doc - 1]![offset] = term;
    clear.run();
    words.forEach((word, at) => known.set(word, tokens[at]!));
  });
  const learn = (words: Iterable<string>): void => {
    const unknown = new Set<string>();
    for (const word of words) if (!known.has(word)) unknown.add(word);
    if (unknown.size > 0) tokenise([...unknown]);
  };

  return {
    learn,
    tokens(word) {
      if (!known.has(word)) tokenise([word]);
      return known.get(word)!;
    },
  };
}
