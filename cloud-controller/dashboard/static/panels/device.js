// Device detail: inventory, latest heartbeat, recent scoring windows, accuracy by day, latest drift.
import { ago, badge, chartOn, h, percent, table } from '../dom.js';

let view = null;

function wapeByDay(records) {
  const days = new Map();
  for (const { record } of records) {
    if (record.kind !== 'accuracy' || record.role !== 'active') continue;
    const day = days.get(record.day) ?? { absError: 0, absActual: 0, n: 0 };
    day.absError += record.sumAbsError;
    day.absActual += record.sumAbsActual;
    day.n += record.n;
    days.set(record.day, day);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, sums]) => [day, sums.absActual > 0 ? sums.absError / sums.absActual : null]);
}

export default {
  id: 'device',
  title: 'Device',
  mount(root, ctx, params) {
    view = {
      summary: h('div', { class: 'card', id: 'device-summary' }),
      scoring: h('div', { class: 'card' }),
      accuracy: h('div', { class: 'chart', id: 'device-accuracy' }),
      drift: h('div', { class: 'card' }),
    };
    root.append(
      h('p', {}, h('a', { href: '#fleet', onclick: (event) => { event.preventDefault(); ctx.show('fleet'); } }, '← Fleet')),
      h('h2', {}, `Device ${params.id}`),
      view.summary,
      h('div', { class: 'grid' }, h('div', {}, h('h3', {}, 'Accuracy (WAPE by sales day)'), view.accuracy), h('div', {}, h('h3', {}, 'Recent scoring'), view.scoring)),
      h('h3', {}, 'Latest drift window'),
      view.drift,
    );
  },
  async refresh(ctx, params) {
    const id = encodeURIComponent(params.id);
    const [device, heartbeat, scoring, accuracy] = await Promise.all([
      ctx.api.get(`/v1/devices/${id}`),
      ctx.api.get(`/v1/devices/${id}/heartbeat`),
      ctx.api.get(`/v1/telemetry/records?deviceId=${id}&kind=scoring&limit=10`),
      ctx.api.get(`/v1/telemetry/records?deviceId=${id}&kind=accuracy&limit=500`),
    ]);
    const model = device.reported.activeModel;
    const beat = heartbeat.heartbeat;
    view.summary.replaceChildren(h('dl', {},
      h('dt', {}, 'Store / region'), h('dd', {}, `${device.store} / ${device.region}`),
      h('dt', {}, 'Online'), h('dd', {}, device.online ? badge('online', 'ok') : badge(`offline${device.offlineReason ? ` (${device.offlineReason})` : ''}`, 'bad')),
      h('dt', {}, 'Serving'), h('dd', {}, model ? `${model.name} v${model.version}` : 'nothing'),
      h('dt', {}, 'Update state'), h('dd', {}, device.reported.updateState ?? 'unknown'),
      h('dt', {}, 'Health'), h('dd', {}, device.reported.health ? `${device.reported.health.status} ${device.reported.health.reasons.join(', ')}` : '—'),
      h('dt', {}, 'Last heartbeat'), h('dd', {}, beat ? `${ago(beat.ts)}: CPU ${beat.cpuLoadPercent.toFixed(0)} %, p99 ${beat.latencyP99Ms?.toFixed(2) ?? '—'} ms, ${beat.requests} requests` : 'none yet'),
      h('dt', {}, 'Last seen'), h('dd', {}, ago(device.lastSeenAt)),
    ));
    view.scoring.replaceChildren(table([
      { title: 'Window end', value: (r) => ago(r.record.windowEnd) },
      { title: 'Requests', value: (r) => r.record.requests },
      { title: 'Rows', value: (r) => r.record.rows },
      { title: 'Errors', value: (r) => Object.entries(r.record.errorsByCode).map(([code, n]) => `${code} ×${n}`).join(', ') || 'none' },
      { title: 'Mean forecast', value: (r) => r.record.predictionMean?.toFixed(2) },
    ], scoring.records));
    const points = wapeByDay(accuracy.records);
    chartOn(view.accuracy, {
      tooltip: { trigger: 'axis', valueFormatter: (value) => percent(value) },
      xAxis: { type: 'category', data: points.map(([day]) => day) },
      yAxis: { type: 'value', axisLabel: { formatter: (value) => `${(value * 100).toFixed(0)} %` } },
      series: [{ type: 'line', name: 'WAPE', data: points.map(([, wape]) => wape) }],
    });
    if (!model) return view.drift.replaceChildren('no model serving');
    const { reports } = await ctx.api.get(`/v1/telemetry/drift?model=${encodeURIComponent(model.name)}&version=${model.version}&deviceId=${id}&limit=1`);
    const latest = reports[0]?.record;
    view.drift.replaceChildren(latest
      ? table([
        { title: 'Feature', value: (f) => f.name },
        { title: 'PSI', render: (f) => badge(f.psi.toFixed(3), f.psi >= 0.25 ? 'bad' : f.psi >= 0.1 ? 'warn' : 'ok') },
        { title: 'Missing', value: (f) => percent(f.missingShare) },
      ], [...latest.features, { name: 'prediction', psi: latest.prediction.psi, missingShare: 0 }])
      : 'no drift window closed yet');
  },
};
