// Forecast accuracy (WAPE by sales day) of the serving models, fleet-wide, per region or per store.
import { chartOn, h, percent } from '../dom.js';

let view = null;

export default {
  id: 'accuracy',
  title: 'Accuracy',
  mount(root, ctx) {
    view = { level: view?.level ?? 'fleet', chart: h('div', { class: 'chart', id: 'accuracy-chart' }) };
    const level = h('select', { name: 'level', onchange: (event) => { view.level = event.target.value; void this.refresh(ctx); } },
      ['fleet', 'region', 'store'].map((value) => h('option', { value, selected: view.level === value }, value)));
    root.append(h('h2', {}, 'Accuracy'), h('div', { class: 'filters' }, 'Level ', level), view.chart);
  },
  async refresh(ctx) {
    const { series } = await ctx.api.get(`/v1/dashboard/accuracy?level=${view.level}&days=60`);
    const days = [...new Set(series.flatMap((line) => line.points.map((point) => point.day)))].sort();
    chartOn(view.chart, {
      tooltip: { trigger: 'axis', valueFormatter: (value) => percent(value) },
      legend: { type: 'scroll' },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', name: 'WAPE', axisLabel: { formatter: (value) => `${(value * 100).toFixed(0)} %` } },
      series: series.map((line) => {
        const byDay = new Map(line.points.map((point) => [point.day, point.wape]));
        return { type: 'line', name: line.key, connectNulls: true, data: days.map((day) => byDay.get(day) ?? null) };
      }),
    });
  },
};
