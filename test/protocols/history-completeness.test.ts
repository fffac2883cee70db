import test from 'ava';
import { historyCompleteness } from '../../protocols/features/history-completeness.js';
import { SalesHistory } from '../../protocols/features/sales-history.js';
import { recentHistory } from '../../protocols/features/recent-history.js';
import type { FeatureSpec } from '../../protocols/features/spec.js';
import { testFeatureSpec } from '../helpers/bundle-fixtures.js';

/** The fixture spec (horizon 1, lag 7) plus a 3-day rolling mean. */
const spec: FeatureSpec = { ...testFeatureSpec(), rolling: [{ window: 3, stats: ['mean'] }] };

test('history completeness: every read day observed → full, none → none, some → partial; no history features → full', (t) => {
  // Forecast 2026-01-10 reads the lag day 01-03 and the window 01-07…01-09.
  const history = SalesHistory.fromRows(['2026-01-03', '2026-01-07', '2026-01-08', '2026-01-09'].map((date) => ({ store: 's1', item: 'i1', date, units: 1 })));
  history.add({ store: 's2', item: 'i1', date: '2026-01-08', units: 0 });
  const full = { store: 's1', item: 'i1', date: '2026-01-10' };
  const gap = { store: 's2', item: 'i1', date: '2026-01-10' };
  const unseen = { store: 's1', item: 'i2', date: '2026-01-10' };
  t.is(historyCompleteness(spec, history, [full]), 'full');
  t.is(historyCompleteness(spec, history, [gap]), 'partial');
  t.is(historyCompleteness(spec, history, [unseen]), 'none');
  t.is(historyCompleteness(spec, history, [full, unseen]), 'partial');
  t.is(historyCompleteness(spec, history, [{ ...full, date: '2026-03-01' }]), 'none');
  t.is(historyCompleteness({ ...spec, lags: [], rolling: [] }, history, [unseen]), 'full');
});

test('recentHistory keeps the last N days of the chosen stores and refuses an unbounded window', (t) => {
  const rows = ['s1', 's2'].flatMap((store) => ['2026-01-01', '2026-01-05', '2026-01-06'].map((date) => ({ store, item: 'i1', date, units: 2 })));
  t.deepEqual(recentHistory(rows, { days: 2, stores: ['s2'] }).map((r) => `${r.store} ${r.date}`), ['s2 2026-01-05', 's2 2026-01-06']);
  t.is(recentHistory(rows, { days: 10 }).length, 6);
  t.throws(() => recentHistory(rows, { days: 0 }), { code: 'FC_ERR_AGENT_HISTORY_INVALID' });
});
