// The dashboard shell (issue #14): sign-in with an API token, one tab per panel module, polling.
// A panel is one module exporting { id, title, mount(root, ctx), refresh(ctx) }; rollouts,
// experiments and alerts are added by writing their module and listing it in PANELS.
/* global document, sessionStorage, window */
import { createApi } from './api.js';
import { h } from './dom.js';
import fleet from './panels/fleet.js';
import device from './panels/device.js';
import deployments from './panels/deployments.js';
import accuracy from './panels/accuracy.js';
import drift from './panels/drift.js';

const PANELS = [fleet, deployments, accuracy, drift];
/** Panels reached from another panel (not a tab). */
const HIDDEN_PANELS = [device];
const POLL_MS = 5000;
const TOKEN_KEY = 'fleetcast.token';
const ROLE_RANK = { viewer: 0, operator: 1, admin: 2 };

const $ = (id) => document.getElementById(id);
let timer = null;
let current = null;
let ctx = null;

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

async function refresh() {
  if (!current) return;
  try {
    await current.panel.refresh(ctx, current.params);
    setStatus(`updated ${new Date().toLocaleTimeString()}`);
  } catch (error) {
    if (error.status === 401) return signOut('Token no longer valid');
    setStatus(String(error.message ?? error), true);
  }
}

/** Shows a panel (by id) with optional params, e.g. show('device', { id }). */
async function show(id, params = {}) {
  const panel = [...PANELS, ...HIDDEN_PANELS].find((candidate) => candidate.id === id);
  current = { panel, params };
  for (const button of $('tabs').children) button.classList.toggle('active', button.dataset.panel === id);
  const root = $('main');
  root.replaceChildren();
  panel.mount(root, ctx, params);
  window.location.hash = params.id ? `${id}/${encodeURIComponent(params.id)}` : id;
  await refresh();
}

function actionButton(label, onClick, attrs = {}) {
  const allowed = ctx.canOperate;
  const button = h('button', {
    ...attrs,
    disabled: !allowed,
    title: allowed ? undefined : 'needs an operator token',
    dataset: { requires: 'operator' },
    onclick: async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        await onClick();
        setStatus(`${label}: done`);
        await refresh();
      } catch (error) {
        setStatus(`${label}: ${error.message}`, true);
      } finally {
        button.disabled = !allowed;
      }
    },
  }, label);
  return button;
}

function signOut(message = '') {
  sessionStorage.removeItem(TOKEN_KEY);
  clearInterval(timer);
  current = null;
  ctx = null;
  $('main').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('tabs').replaceChildren();
  $('login').hidden = false;
  $('login-error').textContent = message;
}

async function signIn(token) {
  const api = createApi(token);
  const session = await api.get('/v1/session');
  sessionStorage.setItem(TOKEN_KEY, token);
  ctx = { api, session, canOperate: ROLE_RANK[session.role] >= ROLE_RANK.operator, show, actionButton, setStatus };
  $('login').hidden = true;
  $('main').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `${session.name} (${session.role})`;
  $('who').dataset.role = session.role;
  $('tabs').replaceChildren(...PANELS.map((panel) => h('button', { dataset: { panel: panel.id }, onclick: () => show(panel.id) }, panel.title)));
  const [id, param] = window.location.hash.slice(1).split('/');
  const start = [...PANELS, ...HIDDEN_PANELS].some((panel) => panel.id === id) ? id : PANELS[0].id;
  await show(start, param ? { id: decodeURIComponent(param) } : {});
  clearInterval(timer);
  timer = setInterval(refresh, POLL_MS);
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await signIn($('token').value.trim());
    $('token').value = '';
  } catch (error) {
    $('login-error').textContent = error.status === 401 ? 'Unknown or revoked token' : String(error.message ?? error);
  }
});
$('logout').addEventListener('click', () => signOut());

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved).catch(() => signOut());
else signOut();
