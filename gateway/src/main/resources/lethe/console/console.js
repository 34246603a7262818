// Lethe console: a small ES module over the admin JSON API. No framework, no build step, nothing
// fetched from elsewhere. The admin token lives in this module's memory only (never in a URL,
// cookie or storage); every admin call sends it as "Authorization: Bearer".
'use strict';

const PAGES = ['rules', 'classify', 'decisions', 'unlearn', 'compare'];
const MAX_DECISIONS = 200;
const RULE_FIELDS = ['id', 'description', 'subjects', 'examples', 'counterExamples', 'secrets',
  'action', 'refusal', 'onError'];

let token = null;
let signingIn = false; // a 401 while signing in is a wrong token, not an expired session
let rules = [];
let rulesVersion = 0;
let editing = null; // id of the rule being edited, or null when adding
let stream = null; // {controller} of the decisions stream while following
let following = false;
let unlearnTimer = null;
let compareTimer = null;

const $ = (id) => document.getElementById(id);

/** An element with attributes (a "text" attribute sets textContent) and children. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function badge(text, kind) {
  return el('span', { class: 'badge ' + (kind || text), text });
}

function say(message) {
  $('status').textContent = message;
}

/** Calls the admin API; resolves to {status, headers, json, text}. A 401 signs out. */
async function api(method, path, body, contentType = 'application/json') {
  const headers = { Authorization: 'Bearer ' + token };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch (e) {
    return { status: 0, headers: new Headers(), json: null, text: '',
      error: { message: 'The gateway could not be reached.' } };
  }
  const text = await resp.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  const error = json && json.error ? json.error : null;
  if (resp.status === 401 && token && !signingIn) {
    signOut('The admin token was refused; sign in again.');
  }
  return { status: resp.status, headers: resp.headers, json, text, error };
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- fields and their errors -----------------------------------------------------------------

function clearErrors(form) {
  for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
  for (const p of form.querySelectorAll('.error')) p.textContent = '';
}

/** Shows {@code message} under the field {@code prefix-name}, or on the form when there is none. */
function fieldError(prefix, param, message, formError) {
  const name = param ? String(param).replace(/^line \d+: /, '').split(/[[.]/)[0] : null;
  const input = name ? $(prefix + '-' + name) : null;
  if (input && $(prefix + '-' + name + '-error')) {
    input.setAttribute('aria-invalid', 'true');
    $(prefix + '-' + name + '-error').textContent = message;
    input.focus();
    return name;
  }
  $(formError).textContent = message;
  return null;
}

const lines = (v) => v.split('\n').map((s) => s.trim()).filter((s) => s.length > 0);

// ---- sign in, navigation ---------------------------------------------------------------------

async function signIn(ev) {
  ev.preventDefault();
  const input = $('signin-token');
  const form = $('signin-form');
  clearErrors(form);
  const given = input.value.trim();
  if (!given) {
    input.setAttribute('aria-invalid', 'true');
    $('signin-token-error').textContent = 'Enter the admin token.';
    input.focus();
    return;
  }
  token = given;
  signingIn = true;
  const r = await api('GET', '/admin/rules').finally(() => { signingIn = false; });
  if (r.status !== 200) {
    token = null;
    input.setAttribute('aria-invalid', 'true');
    $('signin-token-error').textContent =
      r.status === 401 ? 'This token is not the admin token.' : (r.error?.message || 'Sign-in failed.');
    input.focus();
    return;
  }
  input.value = '';
  $('nav').hidden = false;
  $('page-signin').hidden = true;
  $('whoami').textContent = 'signed in';
  showRules(r.json);
  startDecisions();
  say('Signed in.');
  if (!PAGES.includes(location.hash.slice(1))) location.hash = '#rules';
  else route();
}

function signOut(message) {
  token = null;
  stopDecisions();
  clearTimeout(unlearnTimer);
  clearTimeout(compareTimer);
  rules = [];
  for (const t of ['rules-table', 'decisions-table', 'unlearn-table', 'models-table', 'compare-table']) {
    $(t).tBodies[0].replaceChildren();
  }
  $('classify-result').replaceChildren();
  $('nav').hidden = true;
  for (const p of PAGES) $('page-' + p).hidden = true;
  $('page-signin').hidden = false;
  say(message || 'Signed out.');
  $('signin-token').focus();
}

function route() {
  if (!token) return;
  const page = PAGES.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'rules';
  for (const p of PAGES) $('page-' + p).hidden = p !== page;
  for (const a of document.querySelectorAll('nav a[data-page]')) {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = 'Lethe console: ' + $('page-' + page).querySelector('h2').firstChild.textContent.trim();
  if (page === 'rules') loadRules();
  if (page === 'unlearn') loadUnlearn();
  if (page === 'compare') refreshCompare();
}

// ---- rules -----------------------------------------------------------------------------------

async function loadRules() {
  const r = await api('GET', '/admin/rules');
  if (r.status === 200) showRules(r.json);
}

function showRules(body) {
  rules = body.rules || [];
  rulesVersion = body.version;
  $('rules-version').textContent = '(rules version ' + rulesVersion + ')';
  renderRules();
}

function renderRules() {
  const q = $('rules-search').value.trim().toLowerCase();
  const shown = rules.filter((r) => !q || [r.id, r.description || '', ...(r.subjects || [])]
    .some((s) => s.toLowerCase().includes(q)));
  const body = $('rules-table').tBodies[0];
  body.replaceChildren(...shown.map((r) => el('tr', { 'data-rule': r.id },
    el('td', {}, el('code', { text: r.id })),
    el('td', {}, badge(r.action || 'refuse')),
    el('td', { text: (r.subjects || []).join(', ') }),
    el('td', { class: 'num', text: (r.examples || []).length }),
    el('td', { text: r.description || '' }),
    el('td', {},
      el('button', { type: 'button', 'aria-label': 'Edit rule ' + r.id, onclick: () => editRule(r) }, 'Edit'),
      ' ',
      el('button', { type: 'button', class: 'danger', 'aria-label': 'Delete rule ' + r.id,
        onclick: (ev) => deleteRule(r.id, ev.currentTarget) }, 'Delete')))));
  $('rules-empty').hidden = rules.length > 0;
}

function resetRuleForm() {
  editing = null;
  const form = $('rule-form');
  form.reset();
  clearErrors(form);
  $('rule-id').disabled = false;
  $('rule-form-title').textContent = 'Add a rule';
  $('rule-save').textContent = 'Add rule';
}

function editRule(r) {
  resetRuleForm();
  editing = r.id;
  $('rule-id').value = r.id;
  $('rule-id').disabled = true;
  $('rule-description').value = r.description || '';
  for (const f of ['subjects', 'examples', 'counterExamples', 'secrets']) {
    $('rule-' + f).value = (r[f] || []).join('\n');
  }
  $('rule-action').value = r.action || 'refuse';
  $('rule-refusal').value = r.refusal || '';
  $('rule-onError').value = r.onError || 'closed';
  $('rule-form-title').textContent = 'Edit rule ' + r.id;
  $('rule-save').textContent = 'Save rule';
  $('rule-description').focus();
}

async function saveRule(ev) {
  ev.preventDefault();
  const form = $('rule-form');
  clearErrors(form);
  const rule = {};
  const id = $('rule-id').value.trim();
  if (id && !editing) rule.id = id;
  const description = $('rule-description').value.trim();
  if (description) rule.description = description;
  rule.subjects = lines($('rule-subjects').value);
  rule.examples = lines($('rule-examples').value);
  for (const f of ['counterExamples', 'secrets']) {
    const v = lines($('rule-' + f).value);
    if (v.length) rule[f] = v;
  }
  rule.action = $('rule-action').value;
  const refusal = $('rule-refusal').value.trim();
  if (refusal) rule.refusal = refusal;
  rule.onError = $('rule-onError').value;
  const r = editing
    ? await api('PUT', '/admin/rules/' + encodeURIComponent(editing), rule)
    : await api('POST', '/admin/rules', rule);
  if (r.status === 200 || r.status === 201) {
    say('Rule ' + r.json.id + (editing ? ' saved' : ' added') + ' (rules version ' + r.json.version + ').');
    resetRuleForm();
    await loadRules();
    return;
  }
  if (r.status === 401) return;
  const field = fieldError('rule', r.error?.param, r.error?.message || ('Failed (' + r.status + ').'),
    'rule-form-error');
  if (field && !RULE_FIELDS.includes(field)) $('rule-form-error').textContent = r.error.message;
}

async function deleteRule(id, button) {
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = 'Confirm delete';
    button.focus();
    return;
  }
  const r = await api('DELETE', '/admin/rules/' + encodeURIComponent(id));
  if (r.status === 200) {
    say('Rule ' + id + ' deleted (rules version ' + r.json.version + ').');
    if (editing === id) resetRuleForm();
  } else if (r.status !== 401) {
    say(r.error?.message || 'Delete failed.');
  }
  await loadRules();
}

async function exportRules() {
  const r = await api('GET', '/admin/rules:export');
  if (r.status !== 200) return;
  const v = r.headers.get('x-lethe-export-version') || rulesVersion;
  download('lethe-rules-v' + v + '.jsonl', r.text, 'application/x-ndjson');
  say('Exported ' + rules.length + ' rule(s) at rules version ' + v + '.');
}

async function importRules(ev) {
  ev.preventDefault();
  $('import-error').textContent = '';
  const file = $('import-file').files[0];
  if (!file) {
    $('import-error').textContent = 'Choose a JSON Lines file first.';
    $('import-file').focus();
    return;
  }
  const text = await file.text();
  const mode = $('import-mode').value;
  const r = await api('POST', '/admin/rules:import?mode=' + mode, text, 'application/x-ndjson');
  if (r.status === 200) {
    say('Imported ' + r.json.imported + ' rule(s) (rules version ' + r.json.version + ').');
    $('import-form').reset();
    await loadRules();
  } else if (r.status !== 401) {
    $('import-error').textContent = r.error?.message || ('Import failed (' + r.status + ').');
  }
}

// ---- classify --------------------------------------------------------------------------------

async function classify(ev) {
  ev.preventDefault();
  const form = $('classify-form');
  clearErrors(form);
  const text = $('classify-text').value;
  if (!text.trim()) {
    fieldError('classify', 'text', 'Enter a text to classify.', 'classify-error');
    return;
  }
  const r = await api('POST', '/admin/classify', { text });
  if (r.status !== 200) {
    if (r.status !== 401) $('classify-error').textContent = r.error?.message || ('Failed (' + r.status + ').');
    return;
  }
  const c = r.json;
  const facts = [
    ['Decision', badge(c.decision || 'pass')],
    ['In scope', c.inScope ? 'yes' : 'no'],
    ['Rule', c.ruleId ? el('code', { text: c.ruleId }) : 'none'],
    ['Score', Number(c.score).toFixed(3)],
    ['Rules version', c.version],
    ['Semantic match', c.semantic ? 'yes' : 'no (exact subject or secret)'],
    ['Complete', c.complete ? 'yes' : 'no (judged part of the text)'],
  ];
  if (c.fallback) facts.push(['Fallback', c.fallback.reason + ' → ' + c.fallback.outcome]);
  const dl = el('dl', { class: 'facts', id: 'classify-facts' });
  for (const [k, v] of facts) dl.append(el('dt', { text: k }), el('dd', {}, v));
  const out = [el('h3', { text: 'Why' }), dl];
  if (c.source) {
    const s = c.source;
    const src = el('dl', { class: 'facts', id: 'classify-source' });
    const add = (k, v) => src.append(el('dt', { text: k }), el('dd', {}, v));
    add('Where', s.origin);
    add('Segment', s.segment);
    add('Span', s.start + '–' + s.end + ' of the judged text');
    add('Transformations', s.transforms && s.transforms.length ? s.transforms.join(', ') : 'none');
    add('Matched text', el('pre', { class: 'text' }, el('mark', { text: s.text })));
    out.push(el('h3', { text: 'What matched' }), src);
  }
  $('classify-result').replaceChildren(...out);
  say('Classified at rules version ' + c.version + '.');
}

// ---- live decisions --------------------------------------------------------------------------

function decisionsState(text, kind) {
  const b = $('decisions-state');
  b.textContent = text;
  b.className = 'badge ' + kind;
}

function startDecisions() {
  following = true;
  $('decisions-toggle').textContent = 'Pause';
  follow();
}

function stopDecisions() {
  following = false;
  if (stream) stream.controller.abort();
  stream = null;
}

async function follow() {
  if (!following || !token || stream) return;
  const controller = new AbortController();
  stream = { controller };
  let resp;
  try {
    resp = await fetch('/admin/decisions/stream', {
      headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' },
      signal: controller.signal, cache: 'no-store' });
  } catch (e) {
    stream = null;
    return retryFollow();
  }
  if (resp.status === 401) {
    stream = null;
    signOut('The admin token was refused; sign in again.');
    return;
  }
  if (resp.status !== 200) {
    stream = null;
    decisionsState('unavailable (' + resp.status + ')', 'no');
    return retryFollow();
  }
  decisionsState('live', 'live');
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        onEvent(buf.slice(0, i));
        buf = buf.slice(i + 2);
      }
    }
  } catch (e) {
    // aborted or cut off
  }
  if (stream && stream.controller === controller) stream = null;
  retryFollow();
}

function retryFollow() {
  if (!following || !token) {
    decisionsState('paused', 'paused');
    return;
  }
  decisionsState('reconnecting', 'paused');
  setTimeout(follow, 2000);
}

function onEvent(block) {
  let type = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (type !== 'decision' || !data) return;
  let d;
  try { d = JSON.parse(data); } catch (e) { return; }
  const body = $('decisions-table').tBodies[0];
  body.prepend(el('tr', { 'data-request': d.requestId, 'data-decision': d.decision },
    el('td', { text: new Date(d.time).toLocaleTimeString() }),
    el('td', {}, badge(d.decision)),
    el('td', {}, d.ruleId ? el('code', { text: d.ruleId }) : el('span', { class: 'muted', text: '—' })),
    el('td', { class: 'num', text: d.rulesVersion }),
    el('td', {}, el('code', { text: d.surface })),
    el('td', { text: d.model }),
    el('td', { text: d.outputCut ? 'yes' : 'no' }),
    el('td', { text: d.prompt === undefined ? '(hidden)' : d.prompt })));
  while (body.rows.length > MAX_DECISIONS) body.deleteRow(body.rows.length - 1);
}

function toggleDecisions() {
  if (following) {
    stopDecisions();
    $('decisions-toggle').textContent = 'Resume';
    decisionsState('paused', 'paused');
  } else {
    startDecisions();
  }
}

// ---- unlearning ------------------------------------------------------------------------------

async function loadUnlearn() {
  clearTimeout(unlearnTimer);
  const [jobs, models] = await Promise.all([api('GET', '/admin/unlearn'), api('GET', '/admin/models')]);
  if (jobs.status !== 200) return;
  const list = jobs.json.jobs || [];
  $('unlearn-empty').hidden = list.length > 0;
  $('unlearn-table').tBodies[0].replaceChildren(...list.map(jobRow));
  if (models.status === 200) {
    const ms = models.json.models || [];
    const select = $('unlearn-model');
    const chosen = select.value;
    select.replaceChildren(...ms.map((m) => el('option', { value: m.model, text: m.model })));
    if (!ms.length) {
      select.append(el('option', { value: '', text: '(no local model: unlearning needs a local backend)' }));
    }
    if (chosen) select.value = chosen;
    $('models-table').tBodies[0].replaceChildren(...ms.map((m) => el('tr', {},
      el('td', {}, el('code', { text: m.model })),
      el('td', {}, badge(m.state, m.state === 'ready' ? 'ok' : m.state)),
      el('td', { text: m.checkpoint || 'built-in' }),
      el('td', { class: 'num', text: (m.swaps || []).length }))));
  }
  const busy = list.some((j) => ['queued', 'running', 'evaluating'].includes(j.state));
  if (busy && token && !$('page-unlearn').hidden) unlearnTimer = setTimeout(loadUnlearn, 2000);
}

function jobRow(j) {
  const p = j.progress || {};
  const progress = el('td', {});
  if (p.steps) {
    progress.append(el('progress', { max: p.steps, value: p.step || 0,
      'aria-label': 'Job ' + j.id + ' progress' }), ' ');
  }
  progress.append((p.phase || '') + (p.steps ? ' ' + (p.step || 0) + '/' + p.steps : '') +
    (typeof p.loss === 'number' ? ' loss ' + p.loss.toFixed(3) : ''));
  const gates = el('td', {});
  if (j.gates) {
    gates.append(badge(j.gates.passed ? 'passed' : 'failed', j.gates.passed ? 'ok' : 'no'));
    if (j.gates.reasons && j.gates.reasons.length) gates.append(' ' + j.gates.reasons.join('; '));
  } else {
    gates.append(el('span', { class: 'muted', text: 'not yet' }));
  }
  const swap = el('td', {});
  if (j.swap) swap.append(badge(j.swap.state, j.swap.state), j.swap.reason ? ' ' + j.swap.reason : '');
  const to = j.checkpoint && j.checkpoint.to;
  if (to && ['succeeded', 'refused'].includes(j.state) && !j.swapped) {
    swap.append(' ', el('button', { type: 'button', class: 'danger',
      'aria-label': 'Swap in the checkpoint of job ' + j.id,
      onclick: (ev) => swapIn(j, ev.currentTarget) },
    j.gates && !j.gates.passed ? 'Swap in anyway' : 'Swap in'));
  }
  return el('tr', { 'data-job': j.id },
    el('td', {}, el('code', { text: j.id })),
    el('td', { text: j.model || '' }),
    el('td', { text: j.method || '' }),
    el('td', {}, badge(j.state), j.reason ? ' ' + j.reason : ''),
    progress, gates, swap);
}

async function swapIn(job, button) {
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = 'Confirm swap';
    button.focus();
    return;
  }
  button.disabled = true;
  say('Swapping ' + job.model + ' to the checkpoint of job ' + job.id + '…');
  const r = await api('POST', '/admin/models/' + encodeURIComponent(job.model) + '/checkpoint',
    { path: job.checkpoint.to, wait: true });
  say(r.status === 200 ? 'Swap ' + (r.json.state || 'done') + '.' : (r.error?.message || 'Swap failed.'));
  loadUnlearn();
}

async function startUnlearn(ev) {
  ev.preventDefault();
  const form = $('unlearn-form');
  clearErrors(form);
  let options;
  try {
    options = JSON.parse($('unlearn-options').value || '{}');
  } catch (e) {
    fieldError('unlearn', 'options', 'Not JSON: ' + e.message, 'unlearn-form-error');
    return;
  }
  const body = {
    model: $('unlearn-model').value,
    rules: $('unlearn-rules').value.split(',').map((s) => s.trim()).filter((s) => s),
    method: $('unlearn-method').value.trim(),
    options,
  };
  const r = await api('POST', '/admin/unlearn', body);
  if (r.status === 202) {
    say('Unlearning job ' + r.json.job + ' started.');
    loadUnlearn();
  } else if (r.status !== 401) {
    fieldError('unlearn', r.error?.param, r.error?.message || ('Failed (' + r.status + ').'),
      'unlearn-form-error');
  }
}

// ---- compare ---------------------------------------------------------------------------------

async function startCompare(ev) {
  ev.preventDefault();
  clearErrors($('compare-form'));
  let body;
  try {
    body = JSON.parse($('compare-body').value);
  } catch (e) {
    fieldError('compare', 'body', 'Not JSON: ' + e.message, 'compare-body-error');
    return;
  }
  const r = await api('POST', '/admin/compare', body);
  if (r.status === 202) {
    say('Comparison ' + r.json.job + ' started.');
    refreshCompare();
  } else if (r.status !== 401) {
    fieldError('compare', 'body', (r.error?.param ? r.error.param + ': ' : '') +
      (r.error?.message || ('Failed (' + r.status + ').')), 'compare-body-error');
  }
}

async function refreshCompare() {
  clearTimeout(compareTimer);
  const r = await api('GET', '/admin/compare');
  if (r.status !== 200) return;
  const jobs = r.json.jobs || [];
  $('compare-empty').hidden = jobs.length > 0;
  $('compare-table').tBodies[0].replaceChildren(...jobs.map((j) => {
    const p = j.progress || {};
    const report = el('td', {});
    if (j.html) {
      report.append(el('button', { type: 'button', 'aria-label': 'Download the report of ' + j.id,
        onclick: () => compareReport(j.id) }, 'Download HTML report'));
    } else if (j.error) {
      report.append(j.error);
    }
    return el('tr', { 'data-compare': j.id },
      el('td', {}, el('code', { text: j.id })),
      el('td', { text: compareAsked(j.request) }),
      el('td', {}, badge(j.state)),
      el('td', { text: compareProgress(p) }),
      report);
  }));
  const busy = jobs.some((j) => ['queued', 'running'].includes(j.state));
  if (busy && token && !$('page-compare').hidden) compareTimer = setTimeout(refreshCompare, 3000);
}

// What a job was asked: its arms, sample and in-run unlearning recipe.
function compareAsked(q) {
  if (!q) return '';
  const parts = [(q.arms || []).join(', '), q.limit + ' questions, seed ' + q.seed];
  const u = q.unlearn;
  if (u) {
    const stage = (s) => s.method + Object.entries(s.options || {})
      .map(([k, v]) => ' ' + k + '=' + v).join('');
    parts.push('unlearn: ' + (u.stages ? u.stages.map(stage).join(' → ') : stage(u)));
  }
  return parts.join('; ');
}

// Where a job is: the phase, then the unlearning step or the arm and probes it is on.
function compareProgress(p) {
  const u = p.unlearning || {};
  if (p.phase === 'unlearning') {
    return 'unlearning: stage ' + u.stage + '/' + u.stages + ', step ' + u.step + '/' + u.steps;
  }
  if (p.phase === 'probing' && p.arms && p.armIndex >= 0) {
    return 'probing: arm ' + (p.armIndex + 1) + '/' + p.arms + (p.arm ? ' (' + p.arm + ')' : '') +
      ', probes ' + p.probesDone + '/' + p.probesTotal;
  }
  if (p.phase === 'done') {
    return 'done: ' + p.arms + ' arm' + (p.arms === 1 ? '' : 's') +
      (u.steps ? ', ' + u.steps + ' unlearning steps' : '');
  }
  return p.phase || '';
}

async function compareReport(id) {
  const r = await api('GET', '/admin/compare/' + encodeURIComponent(id) + '/report.html');
  if (r.status === 200) download('lethe-compare-' + id + '.html', r.text, 'text/html');
  else say(r.error?.message || 'No report.');
}

// ---- wiring ----------------------------------------------------------------------------------

function init() {
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => signOut());
  window.addEventListener('hashchange', () => {
    route();
    const page = $('page-' + location.hash.slice(1));
    if (token && page) page.querySelector('h2').setAttribute('tabindex', '-1');
    if (token && page) page.querySelector('h2').focus();
  });
  $('rules-search').addEventListener('input', renderRules);
  $('rules-new').addEventListener('click', () => { resetRuleForm(); $('rule-id').focus(); });
  $('rules-export').addEventListener('click', exportRules);
  $('rule-form').addEventListener('submit', saveRule);
  $('rule-cancel').addEventListener('click', resetRuleForm);
  $('import-form').addEventListener('submit', importRules);
  $('classify-form').addEventListener('submit', classify);
  $('decisions-toggle').addEventListener('click', toggleDecisions);
  $('decisions-clear').addEventListener('click', () => $('decisions-table').tBodies[0].replaceChildren());
  $('unlearn-refresh').addEventListener('click', loadUnlearn);
  $('unlearn-form').addEventListener('submit', startUnlearn);
  $('compare-form').addEventListener('submit', startCompare);
  $('signin-token').focus();
}

init();
