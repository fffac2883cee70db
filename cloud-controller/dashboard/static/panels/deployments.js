// Deployments newest first with per-status device counts; operators deploy and roll back here.
import { ago, badge, h, table } from '../dom.js';

let view = null;

function stateOf(counts) {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  if ((counts.failed ?? 0) > 0) return badge('failed', 'bad');
  return (counts.committed ?? 0) === total ? badge('complete', 'ok') : badge('in progress', 'warn');
}

function deployForm(ctx) {
  const model = h('input', { name: 'model', placeholder: 'model name', required: true, value: 'daily-units' });
  const ref = h('input', { name: 'ref', placeholder: 'version, stage or alias', value: 'Production' });
  const selector = h('input', { name: 'selector', placeholder: 'selector, e.g. tag:demo or region:eu-central', value: 'all' });
  const reason = h('input', { name: 'reason', placeholder: 'rollback reason' });
  return h('div', { class: 'card filters' },
    model, ref, selector,
    ctx.actionButton('Deploy', () => ctx.api.post('/v1/deployments', { model: model.value, ref: /^\d+$/.test(ref.value) ? Number(ref.value) : ref.value, selector: selector.value }), { id: 'deploy' }),
    reason,
    ctx.actionButton('Roll back', () => ctx.api.post('/v1/rollbacks', { model: model.value, ...(selector.value && selector.value !== 'all' ? { selector: selector.value } : {}), ...(reason.value ? { reason: reason.value } : {}) }), { id: 'rollback' }),
  );
}

export default {
  id: 'deployments',
  title: 'Deployments',
  mount(root, ctx) {
    view = { list: h('div', { id: 'deployments-table' }), detail: h('div', {}), open: null };
    root.append(h('h2', {}, 'Deployments'), deployForm(ctx), view.list, view.detail);
  },
  async refresh(ctx) {
    const { deployments } = await ctx.api.get('/v1/deployments?limit=50');
    view.list.replaceChildren(table([
      { title: 'Deployment', value: (d) => d.deploymentId },
      { title: 'Kind', value: (d) => d.kind },
      { title: 'Model', value: (d) => `${d.model.name} v${d.model.version}` },
      { title: 'State', render: (d) => stateOf(d.counts) },
      { title: 'Devices', value: (d) => Object.entries(d.counts).filter(([, n]) => n > 0).map(([status, n]) => `${status} ${n}`).join(', ') },
      { title: 'By', value: (d) => d.actor },
      { title: 'Created', value: (d) => ago(d.createdAt) },
    ], deployments, { rowId: (d) => d.deploymentId, onRow: (d) => { view.open = d.deploymentId; void this.refresh(ctx); } }));
    if (!view.open) return view.detail.replaceChildren();
    const status = await ctx.api.get(`/v1/deployments/${encodeURIComponent(view.open)}`);
    view.detail.replaceChildren(h('h3', {}, `Devices of ${view.open}`), table([
      { title: 'Device', value: (d) => d.deviceId },
      { title: 'Status', value: (d) => d.status ?? d.state },
      { title: 'Error', value: (d) => d.errorCode },
    ], status.devices));
  },
};
