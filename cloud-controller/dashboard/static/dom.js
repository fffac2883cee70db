// Small DOM helpers shared by the panels (no framework, no build step: issue #14).
/* global document, Node */

/** Creates an element with attributes/properties and children (strings become text, never HTML). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key in element && typeof value !== 'string') element[key] = value;
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) element.append(child instanceof Node ? child : String(child));
  return element;
}

/** A table from column definitions `{ title, value(row), render?(row) }`. */
export function table(columns, rows, { onRow, rowId } = {}) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((column) => h('th', {}, column.title)))),
    h('tbody', {}, rows.map((row) => h('tr', { class: onRow ? 'clickable' : undefined, dataset: rowId ? { id: rowId(row) } : undefined, onclick: onRow ? () => onRow(row) : undefined },
      columns.map((column) => h('td', {}, column.render ? column.render(row) : String(column.value(row) ?? '—')))))));
}

export function badge(text, tone) {
  return h('span', { class: `badge ${tone}` }, text);
}

/** "12 s ago" style age of an ISO time. */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

export function percent(value) {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;
}

/** An ECharts instance on `element`, reused across refreshes. */
export function chartOn(element, option) {
  // eslint-disable-next-line no-undef -- ECharts is loaded by index.html from node_modules (served locally).
  const chart = echarts.getInstanceByDom(element) ?? echarts.init(element);
  chart.setOption(option, true);
  return chart;
}
