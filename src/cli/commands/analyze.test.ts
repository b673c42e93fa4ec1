import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer } from '../../text/index.js';
import { formatAnalysis } from './analyze.js';

test('analyze prints the terms, the morphemes or both as JSON', async () => {
  const analyzer = await createAnalyzer();
  assert.equal(formatAnalysis(analyzer, '딥러닝을 활용한 영상 인식 (CNN models)', {}), '딥 러닝 활용 영상 인식 cnn model\n');
  assert.equal(formatAnalysis(analyzer, '전극을', { morphemes: true }), '전극/NNG 을/JKO\n');
  assert.deepEqual(JSON.parse(formatAnalysis(analyzer, 'Cells', { json: true, morphemes: true })), {
    terms: ['cell'],
    morphemes: [{ surface: 'Cells', pos: 'SL' }],
  });
});
