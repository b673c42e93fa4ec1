/**
 * The dashboard's pages, shown as tabs in this order. A feature adds itself with one entry; a
 * lazily loaded page keeps its code out of the first render.
 *
 * @example
 * { path: '/match', label: '내 수요기술', load: () => import('./match/MatchPage.svelte') }
 */
import type { Component } from 'svelte';
import SearchPage from './search/SearchPage.svelte';

export interface PageEntry {
  path: string;
  label: string;
  load: () => Promise<{ default: Component }>;
}

export const pages: PageEntry[] = [
  { path: '/', label: '특허 검색', load: async () => ({ default: SearchPage }) },
  { path: '/match', label: '기술이전 요청', load: () => import('./match/MatchPage.svelte') },
];
