/**
 * The report's in-page script (plain browser JavaScript, run after the inlined echarts): reads
 * the embedded JSON, draws one chart per `.chart` container, and records what it drew and any
 * error in `window.__report` so a headless browser can check every chart (issue #12 test).
 */
export const CHART_SCRIPT = String.raw`
(function () {
  var state = { drawn: 0, expected: 0, errors: [] };
  window.__report = state;
  window.addEventListener('error', function (e) { state.errors.push(String(e.message)); });
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = document.querySelectorAll('.chart');
  state.expected = charts.length;
  function bar(ref, cur, labels) {
    return {
      animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 },
      grid: { left: 48, right: 12, top: 28, bottom: 56 },
      xAxis: { type: 'category', data: labels, axisLabel: { rotate: 40, fontSize: 10 } },
      yAxis: { type: 'value', name: 'share' },
      series: [
        { name: 'reference', type: 'bar', data: ref, itemStyle: { color: '#9aa5b1' } },
        { name: 'current', type: 'bar', data: cur, itemStyle: { color: '#d9822b' } }
      ]
    };
  }
  function line(x, series, yName, marks) {
    return {
      animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 },
      grid: { left: 56, right: 16, top: 28, bottom: 40 },
      xAxis: { type: 'category', data: x, axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', name: yName },
      series: series.map(function (s, i) {
        var out = { name: s.name, type: 'line', data: s.data, showSymbol: true, connectNulls: false };
        if (i === 0 && marks) { out.markLine = marks.line; out.markArea = marks.area; }
        return out;
      })
    };
  }
  function optionFor(el) {
    var kind = el.getAttribute('data-kind');
    var index = Number(el.getAttribute('data-index'));
    if (kind === 'share') {
      return line(data.windowLabels, [{ name: 'weighted share of drifted features', data: data.shares }], 'share',
        { line: { silent: true, symbol: 'none', data: [{ yAxis: data.datasetThreshold, name: 'threshold' }] } });
    }
    if (kind === 'feature') {
      var f = data.features[index];
      return bar(f.reference, f.current, f.labels);
    }
    if (kind === 'prediction') return bar(data.prediction.reference, data.prediction.current, data.prediction.labels);
    if (kind === 'accuracy') {
      var a = data.accuracy;
      var areas = a.alarms.map(function (r) { return [{ xAxis: r.from, itemStyle: { color: r.alarm === 'alarm' ? 'rgba(219,55,55,0.18)' : 'rgba(217,130,43,0.15)' } }, { xAxis: r.to }]; });
      return line(a.labels, [{ name: 'WAPE', data: a.wape }, { name: 'bias', data: a.bias }, { name: 'RMSE', data: a.rmse }, { name: 'MASE', data: a.mase }, { name: 'alarm statistic', data: a.statistic }], 'error', { area: { silent: true, data: areas } });
    }
    throw new Error('unknown chart kind ' + kind);
  }
  charts.forEach(function (el) {
    try {
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(optionFor(el));
      state.drawn += 1;
    } catch (e) {
      state.errors.push(el.id + ': ' + (e && e.message ? e.message : String(e)));
    }
  });
  state.done = true;
})();
`;
