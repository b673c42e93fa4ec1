/**
 * Plain-Korean words for the ranking methods and score bands, shared by the search page and the
 * demand page. The band levels themselves come from the server (`bands` of a search result).
 */
import type { ScoreBand, SearchMode } from '../../domain/index.js';

/** Each ranking method: a short name for the selector and a sentence a newcomer understands. */
export const MODE_TEXT: Readonly<Record<SearchMode, { name: string; explanation: string }>> = {
  seed: {
    name: '의미 검색 (초록 → 제목 두 단계)',
    explanation: '수요기술 문장의 뜻을 숫자 벡터로 바꿔 모든 특허의 요약(초록)과 비교하고, 가까운 1,000건의 제목과도 비교해 두 유사도의 평균으로 순위를 매깁니다. 원래 설계의 방식입니다.',
  },
  dense: {
    name: '의미 검색 (초록만)',
    explanation: '수요기술 문장의 뜻을 특허 요약(초록)하고만 비교합니다. 제목 유사도는 참고로만 보여 줍니다.',
  },
  hybrid: {
    name: '의미 + 키워드 (혼합)',
    explanation: '의미 검색 점수(70%)와 키워드 검색 점수(30%)를 더해 순위를 매깁니다. 뜻이 가깝고 수요기술의 낱말도 들어 있는 특허가 앞에 옵니다. 따로 고르지 않으면 이 방식으로 검색합니다.',
  },
  lexical: {
    name: '키워드 검색 (BM25)',
    explanation: '수요기술의 낱말(형태소)이 요약과 제목에 얼마나 자주, 드물게 나오는지로 점수를 매깁니다. 점수는 가장 높은 결과를 1로 둔 상대값이라 유사한 정도를 말하지 않습니다.',
  },
};

/** Korean label of each band; `weak` hits are below the 관련 level. */
export const BAND_LABELS: Readonly<Record<ScoreBand, string>> = {
  strong: '매우 유사',
  similar: '유사',
  related: '관련',
  weak: '낮음',
};

/** A mode's Korean name, or the raw value for a mode this dashboard does not know. */
export function modeName(mode: string): string {
  return MODE_TEXT[mode as SearchMode]?.name ?? mode;
}
