import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeTinyStaticModel } from '../../embed/test-support/index.js';
import { withTempDir } from '../../index/test-support.js';
import { homeLayout } from '../../store/home.js';
import { openStore } from '../../store/index.js';
import { samplePatent } from '../../store/test-support.js';
import { runEmbedBench } from './index.js';

test('bench embed embeds every stored title `repeat` times per round with the home model', async () => {
  await withTempDir(async (home) => {
    await writeTinyStaticModel(homeLayout(home).defaultModel, {
      layout: 'model2vec',
      dtype: 'F32',
      vocab: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '전극'],
      rows: [[0, 0], [0, 0], [0, 0], [0, 0], [1, 0]],
    });
    await assert.rejects(runEmbedBench(home), /No stored titles/);
    const store = openStore(home);
    store.upsertPatents([samplePatent('1020160000001'), samplePatent('1020160000002'), samplePatent('1020160000003')], 'test');
    store.close();
    const report = await runEmbedBench(home, { repeat: 4, rounds: 2 });
    assert.match(report.model, /^static:default@/);
    assert.equal(report.rounds.length, 2);
    for (const round of report.rounds) {
      assert.equal(round.texts, 12);
      assert.ok(round.textsPerSecond > 0 && Number.isFinite(round.textsPerSecond));
    }
    await assert.rejects(runEmbedBench(join(home, 'elsewhere')), /No stored titles|No model/);
  });
});
