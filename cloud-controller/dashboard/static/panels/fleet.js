// Fleet table: every device with store, region, online, versions, update state, health, last seen.
/* global document */
import { ago, badge, h, table } from '../dom.js';

const filters = { search: '', online: '', region: '', updateState: '' };
let view = null;

function matches(device) {
  const text = `${device.id} ${device.store} ${device.region} ${device.tags.join(' ')}`.toLowerCase();
  if (filters.search && !text.includes(filters.search.toLowerCase())) return false;
  if (filters.online && String(device.online) !== filters.online) return false;
  if (filters.region && device.region !== filters.region) return false;
  if (filters.updateState && (device.reported.updateState ?? 'unknown') !== filters.updateState) return false;
  return true;
}

function select(key, label, options) {
  return h('select', { name: key, onchange: (event) => { filters[key] = event.target.value; render(); } },
    h('option', { value: '' }, label), options.map(([value, text]) => h('option', { value, selected: filters[key] === value }, text)));
}

const columns = [
  { title: 'Device', value: (d) => d.id },
  { title: 'Store', value: (d) => d.store },
  { title: 'Region', value: (d) => d.region },
  { title: 'Online', render: (d) => (d.revokedAt ? badge('revoked', 'bad') : d.online ? badge('online', 'ok') : badge('offline', 'bad')) },
  { title: 'Agent', value: (d) => d.reported.agentVersion },
  { title: 'Model', value: (d) => (d.reported.activeModel ? `${d.reported.activeModel.name} v${d.reported.activeModel.version}` : null) },
  { title: 'Update', render: (d) => { const state = d.reported.updateState ?? 'unknown'; return badge(state, state === 'failed' ? 'bad' : state === 'committed' || state === 'idle' ? 'ok' : 'warn'); } },
  { title: 'Health', render: (d) => (d.reported.health ? badge(d.reported.health.status, d.reported.health.status === 'healthy' ? 'ok' : 'warn') : '—') },
  { title: 'Last seen', value: (d) => ago(d.lastSeenAt) },
];

function render() {
  if (!view) return;
  const shown = view.devices.filter(matches);
  view.count.textContent = `${shown.length} of ${view.devices.length} devices`;
  view.tableHost.replaceChildren(table(columns, shown, { rowId: (d) => d.id, onRow: (d) => view.ctx.show('device', { id: d.id }) }));
  const regions = [...new Set(view.devices.map((d) => d.region))].sort();
  const states = [...new Set(view.devices.map((d) => d.reported.updateState ?? 'unknown'))].sort();
  view.filterHost.replaceChildren(
    h('input', { type: 'search', name: 'search', placeholder: 'Search device, store, region, tag', value: filters.search, oninput: (event) => { filters.search = event.target.value; render(); } }),
    select('online', 'online or offline', [['true', 'online'], ['false', 'offline']]),
    select('region', 'all regions', regions.map((r) => [r, r])),
    select('updateState', 'any update state', states.map((s) => [s, s])),
    view.count,
  );
  if (view.focusSearch) view.filterHost.querySelector('input').focus();
}

export default {
  id: 'fleet',
  title: 'Fleet',
  mount(root, ctx) {
    view = { ctx, devices: [], filterHost: h('div', { class: 'filters' }), tableHost: h('div', { id: 'fleet-table' }), count: h('span', { class: 'count' }) };
    // Typing must not lose focus when the table re-renders on a poll.
    view.filterHost.addEventListener('focusin', () => (view.focusSearch = document.activeElement?.name === 'search'));
    root.append(h('h2', {}, 'Fleet'), view.filterHost, view.tableHost);
  },
  async refresh(ctx) {
    const { devices } = await ctx.api.get('/v1/devices');
    view.devices = devices;
    view.focusSearch = document.activeElement?.name === 'search';
    render();
  },
};
