import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { englishSkeleton, englishWordSkeletons, hangulSkeleton, hangulWordSkeletons } from './phonetic.js';

// Loanwords as Korean patent abstracts spell them, with the English word they transcribe.
const LOANWORDS: [string, string][] = [
  ['sensor', '센서'], ['graphene', '그래핀'], ['elastomer', '엘라스토머'], ['damper', '댐퍼'], ['animation', '애니메이션'],
  ['object', '오브젝트'], ['system', '시스템'], ['color', '컬러'], ['projector', '프로젝터'], ['drone', '드론'],
  ['robot', '로봇'], ['upsampling', '업샘플링'], ['asphalt', '아스팔트'], ['vinyl', '비닐'], ['filter', '필터'],
  ['module', '모듈'], ['camera', '카메라'], ['image', '이미지'], ['methane', '메탄'], ['engine', '엔진'], ['angle', '앵글'],
  ['hydrogen', '하이드로젠'], ['network', '네트워크'], ['plasma', '플라즈마'], ['battery', '배터리'], ['laser', '레이저'],
  ['accelerator', '액셀러레이터'], ['chip', '칩'], ['software', '소프트웨어'], ['interface', '인터페이스'],
];

describe('phonetic skeletons', () => {
  test('an English word and its Korean transcription share a skeleton', () => {
    const misses = LOANWORDS.filter(([english, korean]) => englishSkeleton(english) !== hangulSkeleton(korean));
    assert.deepEqual(misses, []);
  });

  test('unrelated words do not', () => {
    assert.notEqual(englishSkeleton('electrode'), hangulSkeleton('전극'));
    assert.notEqual(englishSkeleton('sensor'), englishSkeleton('filter'));
  });

  test('a Hangul word is also taken without its trailing particle and by its longer morphemes; one-class skeletons are dropped', () => {
    assert.deepEqual(hangulWordSkeletons('태양광모듈', ['태양', '광', '모듈']), ['TQKQMTL', 'TQ', 'MTL']);
    assert.deepEqual(hangulWordSkeletons('센서를'), ['SNSL', 'SNS']);
    assert.deepEqual(hangulWordSkeletons('센서'), ['SNS']);
    assert.deepEqual(hangulWordSkeletons('나노'), []);
  });

  test('English words are taken alone and with their neighbour; title stopwords are skipped', () => {
    assert.deepEqual(englishWordSkeletons(['dump', 'truck']), ['TMP', 'TMPTLK', 'TLK']);
    assert.equal(englishWordSkeletons(['dump', 'truck'])[1], hangulSkeleton('덤프트럭'));
    assert.deepEqual(englishWordSkeletons(['method', 'for', 'an']), []);
  });
});
