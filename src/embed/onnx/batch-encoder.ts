import { Tensor, type PreTrainedTokenizer } from '@huggingface/transformers';

/** Model inputs for a batch: `input_ids`, `attention_mask` and, when the tokenizer makes them, `token_type_ids`. */
export type ModelInputs = Record<string, Tensor>;

/**
 * Tokenises a batch with special tokens, cuts each text to `maxLength` tokens the way
 * sentence-transformers (Python tokenizers) does — dropping words, keeping the closing special
 * token such as [SEP] or </s> — and right-pads into int64 tensors. (transformers.js would cut the
 * closing token off, which changes every truncated vector.)
 *
 * @example
 * const encode = createBatchEncoder(tokenizer, 512);
 * const inputs = encode(['query: 딥러닝', 'query: 영상 인식']);
 */
export function createBatchEncoder(tokenizer: PreTrainedTokenizer, maxLength: number): (texts: string[]) => ModelInputs {
  const { closing } = specialTokensAround(tokenizer);
  return (texts) => {
    const encoded = tokenizer(texts, { padding: false, truncation: false, return_tensor: false }) as unknown as Record<string, number[][]>;
    const keys = Object.keys(encoded);
    const lengths = encoded.input_ids!.map((ids) => Math.min(ids.length, maxLength));
    const width = Math.max(1, ...lengths);
    const tensors: ModelInputs = {};
    for (const key of keys) {
      const padValue = key === 'input_ids' ? BigInt(tokenizer.pad_token_id ?? 0) : 0n;
      const data = new BigInt64Array(texts.length * width).fill(padValue);
      encoded[key]!.forEach((values, row) => {
        const kept =
          values.length <= maxLength ? values : [...values.slice(0, maxLength - closing), ...values.slice(values.length - closing)];
        kept.forEach((value, column) => (data[row * width + column] = BigInt(value)));
      });
      tensors[key] = new Tensor('int64', data, [texts.length, width]);
    }
    return tensors;
  };
}

/**
 * How many special tokens the tokenizer puts before a text ([CLS], <s> → 1) and after it ([SEP] → 1).
 *
 * @example
 * specialTokensAround(bertTokenizer) // { opening: 1, closing: 1 }
 */
export function specialTokensAround(tokenizer: PreTrainedTokenizer): { opening: number; closing: number } {
  const probe = 'a';
  const bare = tokenizer.encode(probe, { add_special_tokens: false });
  const full = tokenizer.encode(probe, { add_special_tokens: true });
  for (let start = 0; start + bare.length <= full.length; start++) {
    if (bare.every((id, i) => full[start + i] === id)) return { opening: start, closing: full.length - start - bare.length };
  }
  return { opening: Math.max(0, full.length - bare.length), closing: 0 };
}
