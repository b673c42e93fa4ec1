/** The special tokens every tiny WordPiece vocabulary starts with, in this order (ids 0..3). */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/**
 * A BERT-style WordPiece `tokenizer.json` (BertNormalizer that lower-cases but keeps Hangul syllables composed, BertPreTokenizer,
 * `[CLS] … [SEP]` template) over `vocab`, whose first four entries must be {@link SPECIAL_TOKENS}.
 * The token id is the index in `vocab`.
 *
 * @example
 * const json = wordPieceTokenizerJson([...SPECIAL_TOKENS, '딥', '##러닝', 'query', ':']);
 */
export function wordPieceTokenizerJson(vocab: readonly string[]): Record<string, unknown> {
  SPECIAL_TOKENS.forEach((token, id) => {
    if (vocab[id] !== token) throw new Error(`vocab[${id}] must be ${token}`);
  });
  const special = (id: number) => ({
    id,
    content: vocab[id],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const template = (name: string, id: number) => ({ id: name, ids: [id], tokens: [name] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((_, id) => special(id)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': template('[CLS]', 2), '[SEP]': template('[SEP]', 3) },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, id) => [token, id])),
    },
  };
}

/**
 * The matching `tokenizer_config.json` (what transformers' AutoTokenizer reads beside tokenizer.json).
 *
 * @example
 * await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(wordPieceTokenizerConfig()));
 */
export function wordPieceTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
  };
}
