// Berth dashboard: polls berthd's admin API (v1) and renders it. Plain ES2020, no framework,
// nothing fetched from elsewhere. Every string from the API goes into the page as text
// (textContent or DOM nodes), never as HTML.
'use strict';

const POLL_MS = 2000;
const CHART_WINDOW_MS = 120 * 1000;

const state = {
  polls: 0,
  lastTopics: new Map(),   // topic name -> {maxOffset, at}: the previous poll, for msgs/s
  rates: new Map(),        // topic name -> msgs/s between the last two polls
  series: [],              // [{at, rate}] total msgs/s, the last CHART_WINDOW_MS
  topics: [],
  selectedGroup: null,
  errors: new Map(),       // source -> message, shown in the banner until that source succeeds
};

// ---- API ----------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// GET an API path and return its JSON; any failure becomes an ApiError carrying the API's own
// error code and message when it sent one.
async function api(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach berthd (${e.message})`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    if (response.ok) throw new ApiError(response.status, 'internal', 'the answer is not JSON');
  }
  if (!response.ok) {
    const code = body && body.error ? body.error : `http ${response.status}`;
    const message = body && body.message ? body.message : response.statusText;
    throw new ApiError(response.status, code, message);
  }
  return body;
}

// ---- DOM helpers --------------------------------------------------------------------------

const $ = (selector) => document.querySelector(selector);

// A new element with `props` (className, dataset, attributes) and children; strings become
// text nodes, so data from the API can never be read as markup.
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'className') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function numberCell(value, className = '') {
  return el('td', { className: `num ${className}`.trim() }, formatNumber(value));
}

function fillTable(table, rows) {
  table.tBodies[0].replaceChildren(...rows);
}

function emptyRow(columns, text) {
  return el('tr', {}, el('td', { colspan: columns, className: 'muted' }, text));
}

// ---- formatting ---------------------------------------------------------------------------

function formatNumber(value) {
  if (value === null || value === undefined) return '—';
  return Number(value).toLocaleString('en-US');
}

function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatDuration(ms) {
  let seconds = Math.floor(Number(ms) / 1000);
  const parts = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]]) {
    if (seconds >= size || parts.length > 0) parts.push(`${Math.floor(seconds / size)}${unit}`);
    seconds %= size;
  }
  parts.push(`${seconds}s`);
  return parts.join(' ');
}

function formatRate(rate) {
  if (rate === undefined) return '—';
  if (rate === 0) return '0';
  return rate < 10 ? rate.toFixed(1) : Math.round(rate).toLocaleString('en-US');
}

function formatTime(ms) {
  return ms ? new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC') : '—';
}

// ---- errors -------------------------------------------------------------------------------

function describe(error) {
  return error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);
}

function reportError(source, error) {
  state.errors.set(source, `${source}: ${describe(error)}`);
  renderBanner();
}

function clearError(source) {
  if (state.errors.delete(source)) renderBanner();
}

function renderBanner() {
  const banner = $('#banner');
  banner.replaceChildren(...[...state.errors.values()].map((text) => el('div', {}, text)));
  banner.hidden = state.errors.size === 0;
}

// ---- broker overview ----------------------------------------------------------------------

function renderBroker(broker) {
  $('#broker-name').textContent = broker.name;
  document.title = `Berth ${broker.name}`;
  const ready = $('#ready');
  ready.textContent = broker.ready ? 'ready' : 'not ready';
  ready.className = `badge ${broker.ready ? 'ok' : 'bad'}`;

  const store = broker.store || {};
  const facts = [
    ['version', `${broker.version} (ABI ${broker.abi})`],
    ['uptime', formatDuration(broker.uptime_ms)],
    ['started', formatTime(broker.started_at_ms)],
    ['data dir', broker.data_dir],
    ['connections', formatNumber(broker.connections)],
    ['store', `${store.plugin}${store.disk_full ? ' — DISK FULL' : ''}${store.fenced ? ' — FENCED' : ''}`],
    ['log offsets', `${formatNumber(store.log_min_offset)} … ${formatNumber(store.log_max_offset)}`],
  ];
  $('#broker').replaceChildren(...facts.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  renderDisk(store);
  fillTable($('#transports'), (broker.transports || []).map((t) =>
    el('tr', {}, el('td', {}, t.id), el('td', {}, t.plugin), el('td', {}, t.endpoint))));
}

function renderDisk(store) {
  const used = Number(store.bytes_used || 0);
  const free = Number(store.bytes_free || 0);
  const share = used + free > 0 ? used / (used + free) : 0;
  $('#disk-used').style.width = `${(share * 100).toFixed(1)}%`;
  $('#disk-used').className = store.disk_full ? 'full' : '';
  $('#disk-text').textContent = `store uses ${formatBytes(used)}, ${formatBytes(free)} free`;
}

function renderPlugins(plugins) {
  fillTable($('#plugins'), plugins.map((p) =>
    el('tr', { title: p.library || '' }, el('td', {}, p.kind), el('td', {}, p.name), el('td', {}, p.version))));
}

// ---- topics and throughput ----------------------------------------------------------------

// msgs/s per topic from the growth of max_offset since the previous poll, and their sum as the
// newest point of the chart. A topic whose max_offset went down was recreated: it counts 0.
function updateRates(topics, at) {
  let total = 0;
  let measured = false;
  const next = new Map();
  for (const topic of topics) {
    const previous = state.lastTopics.get(topic.name);
    if (previous && at > previous.at) {
      const rate = Math.max(0, topic.max_offset - previous.maxOffset) / ((at - previous.at) / 1000);
      state.rates.set(topic.name, rate);
      total += rate;
      measured = true;
    }
    next.set(topic.name, { maxOffset: topic.max_offset, at });
  }
  state.lastTopics = next;
  if (!measured) return;
  state.series.push({ at, rate: total });
  while (state.series.length > 0 && state.series[0].at < at - CHART_WINDOW_MS) state.series.shift();
  $('#rate-now').textContent = `${formatRate(total)} msgs/s`;
}

function renderTopics() {
  const showSystem = $('#show-system').checked;
  const shown = state.topics.filter((t) => showSystem || !t.system)
    .sort((a, b) => a.name.localeCompare(b.name));
  fillTable($('#topics'), shown.length === 0 ? [emptyRow(6, 'no topics')] : shown.map((t) =>
    el('tr', { dataset: { topic: t.name }, className: t.system ? 'system' : '' },
      el('td', {}, t.name),
      numberCell(t.queues),
      el('td', {}, t.perm),
      numberCell(t.messages, 'messages'),
      numberCell(t.max_offset),
      el('td', { className: 'num' }, formatRate(state.rates.get(t.name))))));
}

// The chart: total msgs/s against time, drawn on the canvas at the screen's pixel density.
function drawChart() {
  const canvas = $('#chart');
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);

  const pad = { left: 48, right: 24, top: 10, bottom: 22 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const top = niceCeiling(Math.max(1, ...state.series.map((p) => p.rate)));
  const now = Date.now();
  const x = (at) => pad.left + plotW * (1 - (now - at) / CHART_WINDOW_MS);
  const y = (rate) => pad.top + plotH * (1 - rate / top);

  drawGrid(g, pad, plotW, plotH, top, y);
  if (state.series.length < 2) {
    g.fillStyle = '#888';
    g.fillText('collecting samples…', pad.left + 8, pad.top + 16);
    return;
  }
  g.beginPath();
  state.series.forEach((p, i) => (i === 0 ? g.moveTo(x(p.at), y(p.rate)) : g.lineTo(x(p.at), y(p.rate))));
  g.strokeStyle = '#1f6feb';
  g.lineWidth = 2;
  g.stroke();
  g.lineTo(x(state.series[state.series.length - 1].at), y(0));
  g.lineTo(x(state.series[0].at), y(0));
  g.fillStyle = 'rgba(31, 111, 235, 0.12)';
  g.fill();
}

function drawGrid(g, pad, plotW, plotH, top, y) {
  g.font = '11px system-ui, sans-serif';
  g.strokeStyle = '#e3e6ea';
  g.fillStyle = '#667';
  g.lineWidth = 1;
  for (let i = 0; i <= 5; i++) {
    const value = (top * i) / 5;
    const at = Math.round(y(value)) + 0.5;
    g.beginPath();
    g.moveTo(pad.left, at);
    g.lineTo(pad.left + plotW, at);
    g.stroke();
    g.textAlign = 'right';
    g.fillText(top < 5 ? value.toFixed(1) : formatNumber(value), pad.left - 6, at + 4);
  }
  g.textAlign = 'center';
  for (const secondsAgo of [120, 90, 60, 30, 0]) {
    const at = pad.left + plotW * (1 - secondsAgo / 120);
    g.fillText(secondsAgo === 0 ? 'now' : `-${secondsAgo}s`, at, pad.top + plotH + 16);
  }
  g.textAlign = 'left';
}

// The smallest of 1, 2 or 5 times a power of ten at or above `value`: round axis labels.
function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

// ---- groups -------------------------------------------------------------------------------

function renderGroups(groups) {
  const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name));
  fillTable($('#groups'), sorted.length === 0 ? [emptyRow(4, 'no consumer groups')] : sorted.map((g) => {
    const row = el('tr', { dataset: { group: g.name }, className: 'clickable' },
      el('td', {}, g.name), el('td', {}, g.model), numberCell(g.members), numberCell(g.lag));
    if (g.name === state.selectedGroup) row.classList.add('selected');
    row.addEventListener('click', () => selectGroup(g.name));
    return row;
  }));
}

function selectGroup(name) {
  state.selectedGroup = name;
  for (const row of $('#groups').tBodies[0].rows) {
    row.classList.toggle('selected', row.dataset.group === name);
  }
  refreshGroupDetail();
}

async function refreshGroupDetail() {
  const name = state.selectedGroup;
  if (name === null) return;
  try {
    const group = await api(`/api/v1/groups/${encodeURIComponent(name)}`);
    clearError('group');
    renderGroupDetail(group);
  } catch (error) {
    if (error.status === 404) state.selectedGroup = null;  // the group is gone: stop asking
    $('#group-detail').hidden = true;
    reportError('group', error);
  }
}

function renderGroupDetail(group) {
  $('#group-detail').hidden = false;
  $('#group-name').textContent = `${group.name} (${group.model}, lag ${formatNumber(group.lag)})`;
  $('#group-members').textContent = group.members.length > 0 ? group.members.join(', ') : 'none online';
  const queues = group.queues || [];
  fillTable($('#group-queues'), queues.length === 0 ? [emptyRow(5, 'no subscribed queues')] : queues.map((q) =>
    el('tr', {}, el('td', {}, q.topic), numberCell(q.queue), numberCell(q.committed),
      numberCell(q.max_offset), numberCell(q.lag))));
}

// ---- message lookup -----------------------------------------------------------------------

function lookupPath(form) {
  const data = new FormData(form);
  if (data.get('by') === 'id') {
    const id = String(data.get('id')).trim();
    return id ? `/api/v1/messages?${new URLSearchParams({ id })}` : null;
  }
  const topic = String(data.get('topic')).trim();
  const key = String(data.get('key')).trim();
  if (!topic || !key) return null;
  return `/api/v1/messages?${new URLSearchParams({ topic, key, max: String(data.get('max') || 16) })}`;
}

async function lookup(event) {
  event.preventDefault();
  const status = $('#lookup-status');
  const path = lookupPath(event.target);
  $('#messages').replaceChildren();
  if (path === null) {
    status.textContent = 'Enter a message id, or a topic and a key.';
    return;
  }
  status.textContent = 'searching…';
  try {
    const { messages } = await api(path);
    status.textContent = `${messages.length} message${messages.length === 1 ? '' : 's'} found`;
    $('#messages').replaceChildren(...messages.map(renderMessage));
  } catch (error) {
    status.textContent = error.status === 404 ? 'No such message.' : describe(error);
  }
}

function renderMessage(m) {
  const facts = [
    ['topic', `${m.topic} / queue ${m.queue} / offset ${formatNumber(m.queue_offset)}`],
    ['tag', m.tag || '—'],
    ['keys', (m.keys || []).join(', ') || '—'],
    ['born', formatTime(m.born_ms)],
    ['stored', formatTime(m.stored_ms)],
  ];
  const properties = Object.entries(m.properties || {});
  return el('article', { className: 'message' },
    el('h3', {}, m.id),
    el('dl', {}, ...facts.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])),
    properties.length === 0 ? null : el('table', { className: 'properties' },
      el('tbody', {}, ...properties.map(([name, value]) => el('tr', {}, el('th', {}, name), el('td', {}, value))))),
    renderBody(m));
}

function renderBody(m) {
  const size = `${formatNumber(m.body_size)} bytes`;
  if (m.body !== null && m.body !== undefined) return el('div', {}, el('p', { className: 'muted' }, `body, ${size}:`), el('pre', {}, m.body));
  if (m.body_base64) {
    return el('div', {}, el('p', { className: 'muted' }, `binary body, ${size} (not UTF-8), base64:`),
      el('pre', { className: 'base64' }, m.body_base64));
  }
  return el('p', { className: 'muted' }, `no body shown (${size})`);
}

function showLookupFields() {
  const by = new FormData($('#lookup')).get('by');
  for (const fields of document.querySelectorAll('#lookup .fields')) fields.hidden = fields.dataset.by !== by;
}

// ---- polling ------------------------------------------------------------------------------

// One source of the page: fetch it, render it, and keep its error in the banner until it
// answers again. Returns whether it succeeded.
async function refresh(source, path, render) {
  try {
    render(await api(path));
    clearError(source);
    return true;
  } catch (error) {
    reportError(source, error);
    return false;
  }
}

async function pollOnce() {
  const at = Date.now();
  const results = await Promise.all([
    refresh('broker', '/api/v1/broker', renderBroker),
    refresh('plugins', '/api/v1/plugins', ({ plugins }) => renderPlugins(plugins)),
    refresh('topics', '/api/v1/topics', ({ topics }) => {
      updateRates(topics, at);
      state.topics = topics;
      renderTopics();
    }),
    refresh('groups', '/api/v1/groups', ({ groups }) => renderGroups(groups)),
  ]);
  await refreshGroupDetail();
  drawChart();
  if (results.every(Boolean)) {
    state.polls += 1;
    // For tests and the curious: how many full rounds the page has rendered.
    document.body.dataset.polls = String(state.polls);
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString('en-GB')}`;
  }
}

// setTimeout after each round, not setInterval: a slow broker never gets overlapping polls.
// A bug in the page shows in the banner and polling goes on.
async function pollForever() {
  try {
    await pollOnce();
  } catch (error) {
    reportError('dashboard', error);
  }
  setTimeout(pollForever, POLL_MS);
}

function start() {
  $('#show-system').addEventListener('change', renderTopics);
  $('#lookup').addEventListener('submit', lookup);
  $('#lookup').addEventListener('change', showLookupFields);
  window.addEventListener('resize', drawChart);
  pollForever();
}

document.addEventListener('DOMContentLoaded', start);
