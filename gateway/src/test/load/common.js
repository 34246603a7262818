'use strict'
// What the gateway load benchmarks share (run.js: ./bench gateway-external; ab.js: ./bench
// gateway-ab): starting and stopping the processes, reading their CPU and memory from /proc, the
// seeded rules and prompts both send, and a plain HTTP POST. One home, so both drivers send the
// same traffic.
const http = require('node:http')
const net = require('node:net')
const fs = require('node:fs')
const { spawn, execFileSync } = require('node:child_process')

const TOKEN = 'bench-admin-token-0123456789abcdef'
const MODEL = 'gpt-test'
const TICK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

// ---- processes -------------------------------------------------------------------------------

const children = []

function freePort () {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Starts a process, logging to logFile; resolves with the first match of ready on its output. */
function start (name, cmd, args, env, logFile, ready, timeoutMs = 900000) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const log = fs.createWriteStream(logFile)
  let seen = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s (log: ${logFile})`)), timeoutMs)
    const onData = (d) => {
      log.write(d)
      if (seen !== null) {
        seen += d.toString()
        const m = ready.exec(seen)
        if (m) {
          seen = null
          clearTimeout(timer)
          resolve({ name, child, pid: child.pid, match: m })
        } else if (seen.length > 1 << 20) {
          seen = seen.slice(-65536)
        }
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code} before it was ready (log: ${logFile})`))
    })
  })
}

function stopAll () {
  for (const c of children) {
    if (c.exitCode === null) c.kill('SIGTERM')
  }
}

/** utime + stime of a process, in milliseconds. */
function cpuMs (pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICK
}

/**
 * utime + stime of each thread of a process in milliseconds, summed by thread name (the kernel's
 * 15 characters, trailing numbers dropped, so that the event loops or GC workers count as one).
 */
function threadCpuMs (pid) {
  const out = {}
  for (const t of Object.values(threadCpuByTid(pid))) out[t.name] = (out[t.name] || 0) + t.ms
  return out
}

/**
 * CPU milliseconds of each live thread by thread id, with its name (digits at the end dropped):
 * a difference of two readings per thread id leaves out threads that ended in between (the JIT
 * starts and stops compiler threads), which a difference of per-name sums would count negative.
 */
function threadCpuByTid (pid) {
  const out = {}
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[-#]?\d+$/, '')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out[tid] = { name, ms: ((Number(f[11]) + Number(f[12])) * 1000) / TICK }
    } catch (e) {} // the thread ended in between
  }
  return out
}

function rssMiB (pid) {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

function loadAvg () {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

// ---- prompts and rules -----------------------------------------------------------------------

/** A small seeded generator (mulberry32), so every run sends the same sequence. */
function rng (seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SYLLABLES = ['ka', 'lo', 'mir', 've', 'dan', 'sul', 'ori', 'ben', 'tas', 'gre', 'nu', 'pel', 'rak', 'iso', 'fen', 'har']
const WORDS = ['garden', 'river', 'winter', 'lamp', 'copper', 'violin', 'harbour', 'meadow', 'pencil', 'orbit', 'kettle', 'lantern']

function ruleName (r) {
  const word = (n) => {
    let w = ''
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)]
    return w[0].toUpperCase() + w.slice(1)
  }
  return `${word(2)} ${word(3)}`
}

function rulesNdjson (count) {
  const r = rng(7)
  const lines = []
  const names = []
  for (let i = 0; i < count; i++) {
    const name = ruleName(r)
    names.push(name)
    lines.push(JSON.stringify({
      id: `bench-${i}`,
      subjects: [name],
      examples: [`Where was ${name} born?`, `What books did ${name} write?`],
      action: 'refuse'
    }))
  }
  return { text: lines.join('\n') + '\n', names }
}

function chatBody (prompt, stream) {
  return JSON.stringify({
    model: MODEL,
    stream,
    messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: prompt }]
  })
}

const REPEATED = 'Say hello in one sentence.'

/** A short prompt (about 70 characters) unlike any sent before in this run. */
function newPrompts (seed) {
  const r = rng(seed)
  let n = 0
  const w = () => WORDS[Math.floor(r() * WORDS.length)]
  return () => `Summarise note ${++n}: the ${w()}${Math.floor(r() * 1000)} by the ${w()} near ${w()}${Math.floor(r() * 1000)}.`
}

// ---- HTTP ------------------------------------------------------------------------------------

function post (port, urlPath, body, headers, timeoutMs = 600000) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const parts = []
      res.on('data', (d) => parts.push(d))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }))
    })
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(body)
  })
}

module.exports = {
  TOKEN,
  MODEL,
  TICK,
  children,
  freePort,
  start,
  stopAll,
  cpuMs,
  threadCpuMs,
  threadCpuByTid,
  rssMiB,
  loadAvg,
  rng,
  rulesNdjson,
  chatBody,
  REPEATED,
  newPrompts,
  post
}
