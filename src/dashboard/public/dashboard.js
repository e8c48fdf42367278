// The Zaqar dashboard. It speaks only the public REST API v2 of the server that serves it, with the
// headers any client sends: X-Project-ID (and X-Roles) for noauth, X-Auth-Token for Keystone, and
// the Client-ID Zaqar requires on every v2 request.

const REFRESH_MS = 5000;
const QUEUES_PER_PAGE = 20; // Zaqar's max_queues_per_page
const ITEMS_PER_PAGE = 10;
const CREDENTIALS_KEY = 'zaqar-dashboard.credentials';
const CLIENT_ID_KEY = 'zaqar-dashboard.client-id';

const $ = (selector) => document.querySelector(selector);

// ---- rendering: every piece of data becomes a text node, never markup

function el(tag, { dataset, ...props } = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** A table row whose cells are named by their column's class, in column order. */
function row(props, cells) {
  return el('tr', props, ...Object.entries(cells).map(([className, content]) => el('td', { className }, content)));
}

const json = (value) => el('pre', {}, JSON.stringify(value, null, 2));

function replaceRows(table, rows, emptyText) {
  const columns = table.tHead.rows[0].cells.length;
  const empty = el('tr', {}, el('td', { className: 'empty', colSpan: columns }, emptyText));
  table.tBodies[0].replaceChildren(...(rows.length ? rows : [empty]));
}

function showError(error) {
  $('#error').textContent = error instanceof ApiError ? error.message : `Error: ${error.message}`;
  $('#error').hidden = false;
}

function showNotice(text) {
  $('#notice').textContent = text;
  $('#notice').hidden = false;
}

function clearAlerts() {
  $('#error').hidden = true;
  $('#notice').hidden = true;
}

/** Runs a user's action; its failure (an API refusal, a body that is not JSON) is shown, not thrown. */
async function run(action) {
  clearAlerts();
  try {
    await action();
  } catch (error) {
    showError(error);
  }
}

// ---- session: credentials and Client-ID live in this tab's sessionStorage

function storedCredentials() {
  return JSON.parse(sessionStorage.getItem(CREDENTIALS_KEY) ?? 'null');
}

function clientId() {
  let id = sessionStorage.getItem(CLIENT_ID_KEY);
  if (!id) sessionStorage.setItem(CLIENT_ID_KEY, (id = randomUuid()));
  return id;
}

/** A version 4 UUID. crypto.randomUUID exists in secure contexts only, and plain http to a host name is not one. */
function randomUuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

// ---- the API

class ApiError extends Error {}

function requestHeaders(credentials, hasBody) {
  const headers = { 'Client-ID': clientId() };
  if (credentials?.projectId) headers['X-Project-ID'] = credentials.projectId;
  if (credentials?.roles) headers['X-Roles'] = credentials.roles;
  if (credentials?.token) headers['X-Auth-Token'] = credentials.token;
  if (hasBody) headers['Content-Type'] = 'application/json';
  return headers;
}

/** Zaqar explains a refusal in a {"title", "description"} body; without one, the status says it all. */
function refusal(response, text) {
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not Zaqar's error body: a proxy's page, or nothing
  }
  const title = body?.title ?? response.statusText;
  return new ApiError(`${response.status} ${title}${body?.description ? `: ${body.description}` : ''}`);
}

async function api(method, path, { body, credentials = storedCredentials() } = {}) {
  const hasBody = body !== undefined;
  const response = await fetch(path, {
    method,
    headers: requestHeaders(credentials, hasBody),
    body: hasBody ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw refusal(response, text);
  return { response, data: text ? JSON.parse(text) : null };
}

const queuePath = (name) => `/v2/queues/${encodeURIComponent(name)}`;

/** Zaqar pages forward only, by `next` links; going back replays the hrefs already seen. */
class Pager {
  constructor(nav, limit) {
    this.limit = limit;
    this.start(null);
    [this.previousButton, this.nextButton] = nav.querySelectorAll('button');
    this.previousButton.onclick = () => this.go(this.history.pop());
    this.nextButton.onclick = () => {
      this.history.push(this.href);
      return this.go(this.nextHref);
    };
  }

  start(href) {
    this.history = [];
    this.href = href;
    this.nextHref = null;
  }

  go(href) {
    this.href = href;
    return run(refresh);
  }

  /** A page shorter than its limit is the last one, though Zaqar still links past it to an empty page. */
  update(links, count) {
    const next = links?.find((link) => link.rel === 'next');
    this.nextHref = next && count >= this.limit ? next.href : null;
    this.previousButton.disabled = this.history.length === 0;
    this.nextButton.disabled = !this.nextHref;
  }
}

// ---- what the page shows

const state = { queue: null, metadata: new Map(), depths: new Map(), paused: false, timer: 0 };
const queuePager = new Pager($('#queues > nav'), QUEUES_PER_PAGE);
const messagePager = new Pager($('#message-table + nav'), ITEMS_PER_PAGE);
const subscriptionPager = new Pager($('#subscription-table + nav'), ITEMS_PER_PAGE);

async function showQueues() {
  const { data } = await api('GET', queuePager.href);
  const queues = data?.queues ?? [];
  const stats = await Promise.all(queues.map((queue) => api('GET', `${queuePath(queue.name)}/stats`)));
  const at = performance.now();
  const rows = queues.map((queue, i) => {
    state.metadata.set(queue.name, queue.metadata);
    return queueRow(queue.name, stats[i].data.messages, at);
  });
  replaceRows($('#queue-table'), rows, 'No queues yet.');
  queuePager.update(data?.links, queues.length);
}

function queueRow(name, messages, at) {
  const open = el('button', { type: 'button', className: 'link', onclick: () => run(() => openQueue(name)) }, name);
  return row(
    { dataset: { queue: name }, className: name === state.queue ? 'selected' : '' },
    {
      name: open,
      depth: messages.total,
      claimed: messages.claimed,
      free: messages.free,
      oldest: messages.oldest ? messages.oldest.age : '—',
      rate: depthRate(name, messages.total, at),
    },
  );
}

/** Net change of depth per second since the previous refresh: Zaqar counts no rates. */
function depthRate(name, total, at) {
  const previous = state.depths.get(name);
  state.depths.set(name, { total, at });
  if (!previous) return '—';
  const rate = (total - previous.total) / ((at - previous.at) / 1000);
  return `${rate > 0 ? '+' : ''}${rate.toFixed(2)}`;
}

async function showQueue() {
  const [messages, subscriptions] = await Promise.all([
    api('GET', messagePager.href),
    api('GET', subscriptionPager.href),
  ]);
  const messageList = messages.data?.messages ?? [];
  replaceRows($('#message-table'), messageList.map(messageRow), 'No messages on this page.');
  messagePager.update(messages.data?.links, messageList.length);
  const subscriptionList = subscriptions.data?.subscriptions ?? [];
  replaceRows($('#subscription-table'), subscriptionList.map(subscriptionRow), 'No subscriptions on this page.');
  subscriptionPager.update(subscriptions.data?.links, subscriptionList.length);
  $('#queue-metadata').textContent = JSON.stringify(state.metadata.get(state.queue) ?? {});
}

function messageRow(message) {
  // A claimed message's href carries its claim id, which Zaqar wants to delete it.
  const claimId = new URL(message.href, location.href).searchParams.get('claim_id');
  const remove = el('button', { type: 'button', onclick: () => run(() => deleteMessage(message.href)) }, 'Delete');
  return row(
    { dataset: { message: message.id } },
    {
      id: message.id,
      age: message.age,
      ttl: message.ttl,
      claim: claimId ?? '—',
      body: json(message.body),
      actions: remove,
    },
  );
}

function subscriptionRow(subscription) {
  const { id, subscriber, ttl, age, confirmed, options } = subscription;
  return row(
    { dataset: { subscription: id } },
    { subscriber, ttl, age, confirmed: confirmed ? 'yes' : 'no', options: json(options) },
  );
}

// ---- refreshing

let refreshes = Promise.resolve();

/** Refreshes run one after another, so one asked for after an action reads what the action did. */
function refresh() {
  refreshes = refreshes.then(refreshOnce);
  return refreshes;
}

async function refreshOnce() {
  if (!storedCredentials()) return;
  try {
    await showQueues();
    if (state.queue) await showQueue();
    $('#refreshed-at').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    showError(error);
  }
}

function scheduleRefresh() {
  clearTimeout(state.timer);
  if (!state.paused) state.timer = setTimeout(() => refresh().then(scheduleRefresh), REFRESH_MS);
}

function togglePause() {
  state.paused = !state.paused;
  $('#pause').textContent = state.paused ? 'Resume refresh' : 'Pause refresh';
  $('#pause').setAttribute('aria-pressed', String(state.paused));
  if (state.paused) clearTimeout(state.timer);
  else refresh().then(scheduleRefresh);
}

// ---- actions

async function signIn(form) {
  const field = (name) => form.elements[name].value.trim();
  const credentials = { projectId: field('projectId'), roles: field('roles'), token: field('token') };
  // Tried before they are kept: a refusal is shown, and nothing is stored.
  await api('GET', '/v2/queues?limit=1', { credentials });
  sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));
  form.reset();
  enterDashboard();
}

function enterDashboard() {
  const { projectId, token } = storedCredentials();
  // Keystone takes the project from the token, never from X-Project-ID, and no v2 call names it:
  // showing the typed id would claim a project the lists may not be from.
  $('#signed-in-as').textContent = token ? 'Signed in with a Keystone token' : `Project ${projectId}`;
  $('#sign-in').hidden = true;
  $('#session').hidden = false;
  $('#queues').hidden = false;
  queuePager.start(`/v2/queues?detailed=true&limit=${queuePager.limit}`);
  refresh().then(scheduleRefresh);
}

/** A fresh page is the simplest way to drop every list and timer of the signed-in view. */
function signOut() {
  sessionStorage.removeItem(CREDENTIALS_KEY);
  location.reload();
}

function openQueue(name) {
  state.queue = name;
  messagePager.start(`${queuePath(name)}/messages?echo=true&include_claimed=true&limit=${messagePager.limit}`);
  subscriptionPager.start(`${queuePath(name)}/subscriptions?limit=${subscriptionPager.limit}`);
  $('#queue-name').textContent = name;
  $('#claim-result').replaceChildren();
  $('#queue').hidden = false;
  return refresh();
}

async function createQueue(form) {
  const name = form.elements.name.value.trim();
  const { response } = await api('PUT', queuePath(name), { body: {} });
  showNotice(response.status === 201 ? `Queue ${name} created.` : `Queue ${name} already exists.`);
  form.reset();
  await openQueue(name);
}

/** A blank number field leaves the value to Zaqar's default. */
function optionalNumber(input) {
  return input.value === '' ? undefined : Number(input.value);
}

async function postMessage(form) {
  let body;
  try {
    body = JSON.parse(form.elements.body.value);
  } catch (error) {
    throw new Error(`the message body is not JSON (${error.message})`);
  }
  const message = { body, ttl: optionalNumber(form.elements.ttl) };
  await api('POST', `${queuePath(state.queue)}/messages`, { body: { messages: [message] } });
  showNotice('Message posted.');
  await refresh();
}

async function claimMessages(form) {
  const limit = optionalNumber(form.elements.limit);
  const query = limit === undefined ? '' : `?limit=${limit}`;
  const claim = { ttl: optionalNumber(form.elements.ttl), grace: optionalNumber(form.elements.grace) };
  const { response, data } = await api('POST', `${queuePath(state.queue)}/claims${query}`, { body: claim });
  // Zaqar answers 204, with no claim made, when no message is free.
  if (response.status === 204) {
    $('#claim-result').replaceChildren(el('p', {}, 'No free messages to claim.'));
  } else {
    const claimId = response.headers.get('Location').split('/').pop();
    const ids = data.messages.map((message) => el('li', { dataset: { message: message.id } }, message.id));
    const summary = el('p', {}, 'Claim ', el('code', { className: 'claim-id' }, claimId), ` took ${ids.length}:`);
    $('#claim-result').replaceChildren(summary, el('ul', {}, ...ids));
  }
  await refresh();
}

async function deleteMessage(href) {
  await api('DELETE', href);
  showNotice('Message deleted.');
  await refresh();
}

function onSubmit(selector, handler) {
  $(selector).addEventListener('submit', (event) => {
    event.preventDefault();
    run(() => handler(event.target));
  });
}

onSubmit('#sign-in-form', signIn);
onSubmit('#create-queue-form', createQueue);
onSubmit('#post-form', postMessage);
onSubmit('#claim-form', claimMessages);
$('#pause').addEventListener('click', togglePause);
$('#refresh-now').addEventListener('click', () => run(refresh));
$('#sign-out').addEventListener('click', signOut);
if (storedCredentials()) enterDashboard();
