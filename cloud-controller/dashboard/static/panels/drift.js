// Drift heatmap: PSI per store × feature from each device's latest drift window.
import { chartOn, h } from '../dom.js';

let view = null;

export default {
  id: 'drift',
  title: 'Drift',
  mount(root) {
    view = { chart: h('div', { class: 'chart', id: 'drift-chart', style: 'height: 420px' }), note: h('p', {}) };
    root.append(h('h2', {}, 'Drift (PSI, store × feature)'), view.note, view.chart);
  },
  async refresh(ctx) {
    const heatmap = await ctx.api.get('/v1/dashboard/drift');
    view.note.textContent = heatmap.windowEnd ? `Latest window ended ${new Date(heatmap.windowEnd).toLocaleString()}. PSI ≥ 0.1 moderate, ≥ 0.25 significant.` : 'No drift window has closed yet.';
    chartOn(view.chart, {
      tooltip: { formatter: (p) => `${heatmap.stores[p.value[1]]} · ${heatmap.features[p.value[0]]}: PSI ${p.value[2].toFixed(3)}` },
      grid: { left: 90, bottom: 150 },
      xAxis: { type: 'category', data: heatmap.features, axisLabel: { rotate: 45 } },
      yAxis: { type: 'category', data: heatmap.stores },
      visualMap: { min: 0, max: 0.5, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f0fdf4', '#fde68a', '#dc2626'] } },
      series: [{ type: 'heatmap', data: heatmap.cells.map(([store, feature, psi]) => [feature, store, psi]) }],
    });
  },
};
