'use strict'
// The external gateway benchmark: Lethe measured like a user sees it. The load driver (this
// process), the upstream double (upstream.js) and every gateway run in their own processes:
//
//   direct            the upstream double itself
//   Portkey           @portkey-ai/gateway (no guardrails), routed to the same upstream; skipped,
//                     with a message, when its package is missing or it does not start
//   Lethe, 0 rules    ./lethe serve in front of the same upstream, default pipeline, no rules
//   Lethe, N rules    a second ./lethe serve with N generated rules, driven twice: with the same
//                     prompt every time (repeated) and with a new prompt every request (new)
//
// Fixed-rate phases: requests are sent on a fixed schedule whatever the answers do, and latency is
// measured from each request's *intended* send time (so a stall is not hidden by coordinated
// omission) to the end of the answer, or, streaming, to the first chunk holding the answer's first
// letter (time to first token). autocannon's own rate limit sends each connection's share of a
// second back to back, so the fixed-rate phases use the small scheduler below; the closed-loop
// throughput phase uses autocannon. Targets alternate in short slices (order rotated per round)
// so load from other work on the machine hits all of them alike. Process CPU per request comes
// from /proc/PID/stat over each target's slices; resident memory from /proc/PID/status.
//
// Usage: node run.js --lethe PATH_TO_lethe_SCRIPT [--rates 200,500] [--stream-rates 200]
//   [--slice 3] [--rounds 3] [--closed 12] [--concurrency 32] [--rules 1000] [--warmup 15] [--out FILE]
//
// --warmup S: seconds of closed loop per target before anything is measured, after a short
// fixed-rate warm-up of each mode. A JVM compiles its hot paths after thousands of requests; with
// a few seconds of warm-up the JIT compiler took about 40% of the gateway's CPU in the first
// measured slices (the figures then measured compilation, not the gateway). 0 skips it.
const http = require('node:http')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { TOKEN, MODEL, freePort, start, stopAll, cpuMs, rssMiB, loadAvg, rulesNdjson, chatBody, REPEATED, newPrompts, post } = require('./common.js')
const REQUEST_TIMEOUT_MS = 15000

function parseArgs (argv) {
  const o = { rates: '200,500', streamRates: '200', slice: 3, rounds: 3, closed: 12, concurrency: 32, rules: 1000, warmup: 15, out: '' }
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i])
    if (!m || i + 1 >= argv.length) throw new Error('usage: node run.js --lethe PATH [--rates 200,500] [--stream-rates 200] [--slice 3] [--rounds 3] [--closed 12] [--concurrency 32] [--rules 1000] [--warmup 15] [--out FILE]; bad argument ' + argv[i])
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    o[key] = argv[++i]
  }
  if (!o.lethe) throw new Error('--lethe PATH (the lethe launcher script) is required')
  for (const k of ['slice', 'rounds', 'closed', 'concurrency', 'rules']) {
    o[k] = Number(o[k])
    if (!(o[k] > 0)) throw new Error(`--${k}: ${o[k]} (expected a positive number)`)
  }
  o.warmup = Number(o.warmup)
  if (!(o.warmup >= 0)) throw new Error(`--warmup: ${o.warmup} (expected seconds, >= 0)`)
  o.rates = o.rates.split(',').map(Number)
  o.streamRates = o.streamRates.split(',').map(Number)
  return o
}

/**
 * One fixed-rate slice: `rate` requests per second for `seconds`, each timed from its intended
 * send time. Resolves when every request has finished (or timed out).
 */
function fixedRate (target, { rate, seconds, stream, prompt }) {
  const total = Math.round(rate * seconds)
  const interval = 1e9 / rate
  const lat = []
  let errors = 0
  let firstError = ''
  let finished = 0
  let sent = 0
  const agent = target.agent
  return new Promise((resolve) => {
    const done = () => {
      if (++finished === total) resolve({ lat, errors, firstError })
    }
    const fail = (why) => {
      errors++
      if (!firstError) firstError = why
      done()
    }
    const fire = (intended) => {
      const body = chatBody(prompt(), stream)
      let settled = false
      const settle = (ok, why) => {
        if (settled) return
        settled = true
        if (ok) {
          lat.push(Number(process.hrtime.bigint() - intended) / 1e6)
          done()
        } else fail(why)
      }
      const req = http.request({
        host: '127.0.0.1',
        port: target.port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...target.headers }
      }, (res) => {
        if (res.statusCode !== 200) {
          res.resume()
          res.on('end', () => settle(false, `HTTP ${res.statusCode}`))
          return
        }
        if (!stream) {
          res.resume()
          res.on('end', () => settle(true))
          return
        }
        let seen = ''
        res.on('data', (d) => {
          if (settled) return
          seen += d.toString('utf8')
          if (seen.includes('"content":"H')) settle(true)
        })
        res.on('end', () => settle(false, 'stream ended without the first token'))
      })
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')))
      req.on('error', (e) => settle(false, e.message))
      req.end(body)
    }
    const t0 = process.hrtime.bigint()
    const tick = () => {
      const now = process.hrtime.bigint()
      while (sent < total) {
        const intended = t0 + BigInt(Math.round(sent * interval))
        if (intended > now) break
        sent++
        fire(intended)
      }
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
}

function percentile (sorted, p) {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]
}

// ---- the run ---------------------------------------------------------------------------------

async function main () {
  const o = parseArgs(process.argv.slice(2))
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lethe-extbench-'))
  const here = __dirname
  const modules = process.env.LETHE_BENCH_NODE_MODULES || path.join(here, 'node_modules')
  let autocannon
  try {
    autocannon = require(path.join(modules, 'autocannon'))
  } catch (e) {
    throw new Error(`autocannon is not installed under ${modules} (npm ci): ${e.message}`)
  }
  const say = (s) => process.stderr.write(`gateway-external: ${s}\n`)

  const upPort = await freePort()
  const upstream = await start('upstream', process.execPath, [path.join(here, 'upstream.js'), String(upPort)], {}, path.join(work, 'upstream.log'), /listening (\d+)/, 20000)
  const upBase = `http://127.0.0.1:${upPort}/v1`
  say(`upstream double on ${upBase} (pid ${upstream.pid})`)

  // The two Lethe gateways start in parallel (each takes a while to load the sentence model).
  const letheStart = (name) => start(name, o.lethe, ['serve', '--upstream', upBase, '--model', MODEL, '--host', '127.0.0.1', '--port', '0', '--data', path.join(work, name)],
    { LETHE_NO_BUILD: '1', LETHE_ADMIN_TOKEN: TOKEN }, path.join(work, `${name}.log`), /Lethe listening on http:\/\/127\.0\.0\.1:(\d+)/, 900000)
  const lethePromises = [letheStart('lethe-0'), letheStart('lethe-rules')]

  let portkey = null
  const portkeyMain = path.join(modules, '@portkey-ai', 'gateway', 'build', 'start-server.js')
  if (process.env.LETHE_BENCH_PEER === '0') {
    say('Portkey column skipped: LETHE_BENCH_PEER=0')
  } else if (!fs.existsSync(portkeyMain)) {
    say(`Portkey column skipped: @portkey-ai/gateway is not installed (${portkeyMain} missing; npm ci failed or offline)`)
  } else {
    const pkPort = await freePort()
    try {
      portkey = await start('portkey', process.execPath, [portkeyMain, `--port=${pkPort}`, '--headless'], {}, path.join(work, 'portkey.log'), /Ready for connections/, 60000)
      portkey.port = pkPort
      say(`Portkey gateway on port ${pkPort} (pid ${portkey.pid})`)
    } catch (e) {
      say(`Portkey column skipped: ${e.message}`)
      portkey = null
    }
  }
  const [lethe0, letheN] = await Promise.all(lethePromises)
  lethe0.port = Number(lethe0.match[1])
  letheN.port = Number(letheN.match[1])
  say(`Lethe (0 rules) on port ${lethe0.port} (pid ${lethe0.pid}), Lethe (${o.rules} rules) on port ${letheN.port} (pid ${letheN.pid})`)

  const auth = { authorization: `Bearer ${TOKEN}` }
  const rules = rulesNdjson(o.rules)
  const t0 = Date.now()
  const imp = await post(letheN.port, '/admin/rules:import?mode=replace', rules.text, { 'content-type': 'application/x-ndjson', ...auth })
  if (imp.status !== 200) throw new Error(`rule import answered ${imp.status}: ${imp.body.slice(0, 300)}`)
  // In scope once the snapshot with every rule serves: the last rule's own question is refused.
  const probe = chatBody(`Where was ${rules.names[rules.names.length - 1]} born?`, false)
  for (let i = 0; ; i++) {
    const r = await post(letheN.port, '/v1/chat/completions', probe, { 'content-type': 'application/json' })
    if (r.headers['x-lethe-decision'] === 'refuse') break
    if (i > 600) throw new Error(`the imported rules did not take effect (last decision ${r.headers['x-lethe-decision']})`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  say(`${o.rules} rules imported and serving after ${((Date.now() - t0) / 1000).toFixed(1)} s`)

  const agentOpts = { keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 30000 }
  const targets = [{ key: 'direct', label: 'direct', port: upPort, pid: upstream.pid, headers: {}, prompts: () => () => REPEATED }]
  if (portkey) {
    targets.push({
      key: 'portkey',
      label: 'Portkey',
      port: portkey.port,
      pid: portkey.pid,
      headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upBase, authorization: 'Bearer sk-bench' },
      prompts: () => () => REPEATED
    })
  }
  targets.push({ key: 'lethe0', label: 'Lethe, 0 rules', port: lethe0.port, pid: lethe0.pid, headers: {}, prompts: () => () => REPEATED })
  targets.push({ key: 'letheRep', label: `Lethe, ${o.rules} rules, repeated prompts`, port: letheN.port, pid: letheN.pid, headers: {}, prompts: () => () => REPEATED })
  let seed = 100
  targets.push({ key: 'letheNew', label: `Lethe, ${o.rules} rules, new prompts`, port: letheN.port, pid: letheN.pid, headers: {}, prompts: () => newPrompts(++seed) })
  for (const t of targets) t.agent = new http.Agent(agentOpts)

  const rssIdle = {}
  for (const t of targets) rssIdle[t.pid] = rssMiB(t.pid)
  const loadStart = loadAvg()
  const started = new Date()

  // Warm-up: JIT, pools, caches of the repeated prompt.
  say('warming up')
  for (const t of targets) {
    for (const stream of [false, true]) await fixedRate(t, { rate: 200, seconds: 3, stream, prompt: t.prompts() })
  }
  if (o.warmup > 0) {
    say(`warming up: ${o.warmup} s of closed loop per target`)
    for (const t of targets) {
      const prompt = t.prompts()
      await autocannon({
        url: `http://127.0.0.1:${t.port}/v1/chat/completions`,
        method: 'POST',
        connections: o.concurrency,
        duration: o.warmup,
        timeout: REQUEST_TIMEOUT_MS / 1000,
        headers: { 'content-type': 'application/json', ...t.headers },
        body: chatBody(REPEATED, false),
        requests: [{ setupRequest: (req) => ({ ...req, body: chatBody(prompt(), false) }) }]
      })
    }
  }

  const scenarios = [
    ...o.rates.map((rate) => ({ stream: false, rate })),
    ...o.streamRates.map((rate) => ({ stream: true, rate }))
  ]
  const cells = {} // scenario index -> target key -> {lat[], errors, cpu, n}
  for (let s = 0; s < scenarios.length; s++) {
    const sc = scenarios[s]
    cells[s] = {}
    for (const t of targets) cells[s][t.key] = { lat: [], errors: 0, firstError: '', cpu: 0, upCpu: 0, n: 0 }
    say(`${sc.stream ? 'streaming' : 'non-streaming'} at ${sc.rate} req/s: ${o.rounds} rounds of ${o.slice} s per target`)
    for (let round = 0; round < o.rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(k + round) % targets.length]
        const c = cells[s][t.key]
        const cpu0 = cpuMs(t.pid)
        const up0 = cpuMs(upstream.pid)
        const r = await fixedRate(t, { rate: sc.rate, seconds: o.slice, stream: sc.stream, prompt: t.prompts() })
        c.cpu += cpuMs(t.pid) - cpu0
        c.upCpu += cpuMs(upstream.pid) - up0
        c.n += r.lat.length + r.errors
        for (const v of r.lat) c.lat.push(v)
        c.errors += r.errors
        if (!c.firstError) c.firstError = r.firstError
      }
    }
  }

  // Closed loop: autocannon, `concurrency` connections each sending its next request as soon as
  // the previous answer ends; the same rotation of short slices.
  say(`closed loop: ${o.concurrency} connections, ${o.closed} s per target in ${o.rounds} slices`)
  const closed = {}
  for (const t of targets) closed[t.key] = { requests: 0, errors: 0, seconds: 0, cpu: 0 }
  for (let round = 0; round < o.rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const t = targets[(k + round) % targets.length]
      const prompt = t.prompts()
      const cpu0 = cpuMs(t.pid)
      const result = await autocannon({
        url: `http://127.0.0.1:${t.port}/v1/chat/completions`,
        method: 'POST',
        connections: o.concurrency,
        duration: o.closed / o.rounds,
        timeout: REQUEST_TIMEOUT_MS / 1000,
        headers: { 'content-type': 'application/json', ...t.headers },
        body: chatBody(REPEATED, false),
        requests: [{ setupRequest: (req) => ({ ...req, body: chatBody(prompt(), false) }) }]
      })
      const c = closed[t.key]
      c.cpu += cpuMs(t.pid) - cpu0
      c.requests += result['2xx']
      c.errors += result.non2xx + result.errors + result.timeouts
      c.seconds += result.duration
    }
  }
  const rssAfter = {}
  for (const t of targets) rssAfter[t.pid] = rssMiB(t.pid)
  const loadEnd = loadAvg()

  // ---- report --------------------------------------------------------------------------------
  const f = (v, d = 1) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—')
  const out = []
  out.push(`External gateway benchmark, ${started.toISOString().replace(/\.\d+Z$/, 'Z')}: ${os.cpus().length} cores, load average ${loadStart} at the start and ${loadEnd} at the end; node ${process.version}; ` +
    `Lethe heap and collector: ${process.env.LETHE_JAVA_MEM_OPTS === undefined ? 'the launcher\'s defaults' : `LETHE_JAVA_MEM_OPTS="${process.env.LETHE_JAVA_MEM_OPTS}"`}; ` +
    `${o.warmup} s of closed-loop warm-up per target, then ${o.rounds} slices of ${o.slice} s per target and row, targets alternating.`)
  out.push('')
  const gwTargets = targets.filter((t) => t.key !== 'direct')
  out.push(`| added latency p50 / p99 (ms) | direct p50 / p99 (ms) | ${gwTargets.map((t) => t.label).join(' | ')} |`)
  out.push(`|---|---|${gwTargets.map(() => '---').join('|')}|`)
  const saturated = []
  for (let s = 0; s < scenarios.length; s++) {
    const sc = scenarios[s]
    const d = cells[s].direct.lat.sort((a, b) => a - b)
    const d50 = percentile(d, 50)
    const d99 = percentile(d, 99)
    const row = [`${sc.stream ? 'streaming, time to first token' : 'non-streaming'}, ${sc.rate} req/s`, `${f(d50, 2)} / ${f(d99, 2)}`]
    for (const t of gwTargets) {
      const c = cells[s][t.key]
      const v = c.lat.sort((a, b) => a - b)
      const errShare = c.n ? c.errors / c.n : 0
      let cell = `${f(percentile(v, 50) - d50, 1)} / ${f(percentile(v, 99) - d99, 1)}`
      if (c.errors === c.n && !/timeout/.test(c.firstError)) {
        cell = `fails (${c.firstError})`
      } else if (errShare > 0.01 || percentile(v, 50) > 1000) {
        cell += ' (saturated)'
        saturated.push(`${t.label} at ${sc.rate} req/s ${sc.stream ? 'streaming' : 'non-streaming'}: ${c.errors} of ${c.n} failed (${c.firstError || 'none'}), p50 ${f(percentile(v, 50), 0)} ms`)
      } else if (c.errors > 0) {
        cell += ` (${c.errors} errors)`
      }
      row.push(cell)
    }
    out.push(`| ${row.join(' | ')} |`)
  }
  out.push('')
  out.push(`| closed loop, ${o.concurrency} in flight | ${targets.map((t) => t.label).join(' | ')} |`)
  out.push(`|---|${targets.map(() => '---').join('|')}|`)
  const thr = (k) => closed[k].requests / closed[k].seconds
  out.push(`| throughput (req/s) | ${targets.map((t) => t.key === 'direct' ? f(thr('direct'), 0) : `${f(thr(t.key), 0)} (${f(thr(t.key) / thr('direct'), 2)})`).join(' | ')} |`)
  out.push(`| gateway CPU per request, closed loop (ms) | ${targets.map((t) => t.key === 'direct' ? '—' : f(closed[t.key].cpu / Math.max(1, closed[t.key].requests + closed[t.key].errors), 3)).join(' | ')} |`)
  const base = 0
  out.push(`| gateway CPU per request, ${scenarios[base].rate} req/s non-streaming (ms) | ${targets.map((t) => t.key === 'direct' ? '—' : f(cells[base][t.key].cpu / Math.max(1, cells[base][t.key].n), 3)).join(' | ')} |`)
  out.push(`| upstream CPU per request, ${scenarios[base].rate} req/s non-streaming (ms) | ${targets.map((t) => f(cells[base][t.key].upCpu / Math.max(1, cells[base][t.key].n), 3)).join(' | ')} |`)
  out.push(`| errors in the closed loop | ${targets.map((t) => String(closed[t.key].errors)).join(' | ')} |`)
  out.push('')
  const procs = [...new Map(gwTargets.map((t) => [t.pid, t.key === 'letheRep' || t.key === 'letheNew' ? `Lethe, ${o.rules} rules` : t.label])).entries()]
  out.push(`| resident memory (MiB) | ${procs.map(([, label]) => label).join(' | ')} |`)
  out.push(`|---|${procs.map(() => '---').join('|')}|`)
  out.push(`| idle, before the load${o.rules ? ` (after the ${o.rules} rules' import)` : ''} | ${procs.map(([pid]) => f(rssIdle[pid], 0)).join(' | ')} |`)
  out.push(`| after the load | ${procs.map(([pid]) => f(rssAfter[pid], 0)).join(' | ')} |`)
  if (!portkey) {
    out.push('')
    out.push('Portkey column skipped (see the message above).')
  }
  for (const s of saturated) out.push(`\nSaturated: ${s}.`)
  const report = out.join('\n') + '\n'
  process.stdout.write(report)
  if (o.out) fs.writeFileSync(o.out, report)
  say(`logs in ${work}`)
}

process.on('SIGINT', () => { stopAll(); process.exit(130) })
process.on('SIGTERM', () => { stopAll(); process.exit(143) })
main().then(() => { stopAll(); setTimeout(() => process.exit(0), 500) }, (e) => {
  process.stderr.write(`gateway-external: ${e.message}\n`)
  stopAll()
  setTimeout(() => process.exit(1), 500)
})
