'use strict'
// A/B of Lethe builds under the same closed loop: one upstream double and one `lethe serve` per
// build (each started by the launcher with its default JVM options, LETHE_JAR pointing at the
// build), driven in turn by autocannon in short alternating slices (order rotated each round), so
// that load from other work on the machine hits every build alike. Reports per build the
// throughput and the process CPU per request (from /proc/PID/stat over its slices), which holds
// under load better than latency does, the median over its slices of autocannon's p99 (a closed
// loop's latency is mostly queueing: compare it between builds of one run only), and each build's
// resident memory before the warm-up and after the slices.
//
// Usage: node ab.js --lethe PATH_TO_lethe_SCRIPT --jars A.jar,B.jar [--rules 0] [--prompts repeated|new]
//   [--warm 20] [--slices 6] [--slice 5] [--concurrency 32] [--stream false] [--mem 'OPTS;OPTS']
//   [--threads true] [--opts 'OPTS;OPTS'] [--configs 'FILE;FILE'] [--env 'K=V,K=V;K=V'] [--nmt true]
//   [--idle SECONDS]
// Each JAR needs its lib/ folder beside it (copy gateway/target/lethe.jar and gateway/target/lib);
// one jar may be listed twice. LETHE_JAVA_OPTS (e.g. -XX:StartFlightRecording=...) reaches every
// build. --mem gives each build its own heap and collector options (LETHE_JAVA_MEM_OPTS, one per
// jar, separated by ';'; 'default' keeps the launcher's, 'jvm' the JVM's own), so that collectors
// can be compared on one build. --threads true adds each build's CPU by thread name (event loops,
// access-log appender, audit writer, GC workers, JIT compilers...) over its slices. --opts adds
// JVM options per build (LETHE_JAVA_OPTS after any in the environment; 'none' for none), --configs
// gives each build a `lethe serve --config` file ('none' for none), --env sets environment
// variables per build (MALLOC_ARENA_MAX=4,MALLOC_TRIM_THRESHOLD_=131072; 'none' for none), and --nmt true starts every
// build with -XX:NativeMemoryTracking=summary and prints, after the slices, what the JVM committed
// (NMT's total and its Java heap) beside the resident size: the rest is native libraries' own
// memory (ONNX Runtime's model and arena, the tokenizer, glibc's arenas). --idle waits that long
// once every build is ready (and has its rules) and reports each build's resident memory then too,
// before any load: what an idle gateway gives back after its start (the screening warm-up's
// allocations) shows there.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { TOKEN, MODEL, freePort, start, stopAll, cpuMs, threadCpuByTid, rssMiB, rulesNdjson, chatBody, REPEATED, newPrompts, post } = require('./common.js')
const o = { rules: '0', prompts: 'repeated', warm: '20', slices: '6', slice: '5', concurrency: '32', stream: 'false' }
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i += 2) {
  const m = /^--([a-z]+)$/.exec(argv[i])
  if (!m || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]} (see the usage at the top of ab.js)`)
  o[m[1]] = argv[i + 1]
}
if (!o.lethe || !o.jars) throw new Error('--lethe and --jars are required')
const autocannon = require(path.join(process.env.LETHE_BENCH_NODE_MODULES || path.join(__dirname, 'node_modules'), 'autocannon'))
const say = (s) => process.stderr.write(`gateway-ab: ${s}\n`)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function main () {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lethe-ab-'))
  const upPort = await freePort()
  const up = await start('upstream', process.execPath, [path.join(__dirname, 'upstream.js'), String(upPort)], {}, path.join(work, 'upstream.log'), /listening (\d+)/)
  const upBase = `http://127.0.0.1:${upPort}/v1`
  const jars = o.jars.split(',')
  const perBuild = (name, dflt) => {
    const xs = o[name] ? o[name].split(';').map((m) => m.trim()) : jars.map(() => dflt)
    if (xs.length !== jars.length) throw new Error(`--${name} names ${xs.length} values for ${jars.length} jars`)
    return xs
  }
  const mems = perBuild('mem', 'default')
  const opts = perBuild('opts', 'none')
  const configs = perBuild('configs', 'none')
  const envs = perBuild('env', 'none')
  const rules = Number(o.rules) > 0 ? rulesNdjson(Number(o.rules)) : null
  const builds = []
  for (let i = 0; i < jars.length; i++) {
    const jar = path.resolve(jars[i])
    const env = { LETHE_NO_BUILD: '1', LETHE_JAR: jar, LETHE_ADMIN_TOKEN: TOKEN }
    if (mems[i] !== 'default') env.LETHE_JAVA_MEM_OPTS = mems[i] === 'jvm' ? '' : mems[i]
    if (envs[i] !== 'none') {
      for (const kv of envs[i].split(',')) {
        const eq = kv.indexOf('=')
        if (eq < 1) throw new Error(`--env: ${kv} is not NAME=VALUE`)
        env[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim()
      }
    }
    const javaOpts = [process.env.LETHE_JAVA_OPTS || '', opts[i] === 'none' ? '' : opts[i], o.nmt === 'true' ? '-XX:NativeMemoryTracking=summary' : '']
    env.LETHE_JAVA_OPTS = javaOpts.filter((x) => x).join(' ')
    const args = ['serve', '--upstream', upBase, '--model', MODEL, '--host', '127.0.0.1', '--port', '0', '--data', path.join(work, `lethe-${i}`)]
    if (configs[i] !== 'none') args.push('--config', path.resolve(configs[i]))
    const g = await start(`lethe-${i}`, o.lethe, args,
      env, path.join(work, `lethe-${i}.log`), /Lethe listening on http:\/\/127\.0\.0\.1:(\d+)/)
    g.port = Number(g.match[1])
    g.jar = [jars[i], o.mem ? mems[i] : '', o.opts ? opts[i] : '', o.configs ? configs[i] : '', o.env ? envs[i] : ''].filter((x) => x).join(' ')
    g.rssReady = rssMiB(g.pid)
    if (rules) {
      const imp = await post(g.port, '/admin/rules:import?mode=replace', rules.text, { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` })
      if (imp.status !== 200) throw new Error(`rule import answered ${imp.status}: ${imp.body.slice(0, 300)}`)
      const probe = chatBody(`Where was ${rules.names[rules.names.length - 1]} born?`, false)
      for (let k = 0; ; k++) {
        const r = await post(g.port, '/v1/chat/completions', probe, { 'content-type': 'application/json' })
        if (r.headers['x-lethe-decision'] === 'refuse') break
        if (k > 600) throw new Error('the imported rules did not take effect')
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
    say(`${g.jar} on port ${g.port} (pid ${g.pid})`)
    builds.push(g)
  }
  const stream = o.stream === 'true'
  let seed = 100
  const prompts = () => (o.prompts === 'new' ? newPrompts(++seed) : () => REPEATED)
  const drive = (port, seconds) => {
    const prompt = prompts()
    return autocannon({
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      method: 'POST',
      connections: Number(o.concurrency),
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      body: chatBody(REPEATED, stream),
      requests: [{ setupRequest: (req) => ({ ...req, body: chatBody(prompt(), stream) }) }]
    })
  }
  const rssIdle = builds.map((g) => rssMiB(g.pid))
  let rssIdleLater = null
  if (Number(o.idle) > 0) {
    say(`idle for ${o.idle} s`)
    await new Promise((resolve) => setTimeout(resolve, Number(o.idle) * 1000))
    rssIdleLater = builds.map((g) => rssMiB(g.pid))
  }
  say(`warming up ${o.warm} s per build`)
  for (const g of builds) await drive(g.port, Number(o.warm))
  const loadStart = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  const acc = builds.map(() => ({ n: 0, seconds: 0, cpu: 0, errors: 0, p99: [], threads: {} }))
  for (let s = 0; s < Number(o.slices); s++) {
    for (let k = 0; k < builds.length; k++) {
      const i = (k + s) % builds.length
      const c0 = cpuMs(builds[i].pid)
      const t0 = threadCpuByTid(builds[i].pid)
      const r = await drive(builds[i].port, Number(o.slice))
      acc[i].cpu += cpuMs(builds[i].pid) - c0
      for (const [tid, t] of Object.entries(threadCpuByTid(builds[i].pid))) {
        // per thread id: a thread started in the slice counts from 0, one that ended not at all
        acc[i].threads[t.name] = (acc[i].threads[t.name] || 0) + t.ms - (t0[tid] ? t0[tid].ms : 0)
      }
      acc[i].n += r['2xx']
      acc[i].seconds += r.duration
      acc[i].errors += r.non2xx + r.errors + r.timeouts
      acc[i].p99.push(r.latency.p99)
    }
  }
  const loadEnd = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  const rssAfter = builds.map((g) => rssMiB(g.pid))
  const nmt = o.nmt === 'true' ? builds.map((g, i) => nmtSummary(g.pid, path.join(work, `lethe-${i}.nmt.txt`))) : null
  const out = [`A/B, ${os.cpus().length} cores, load average ${loadStart} at the start and ${loadEnd} at the end; ${o.rules} rules, ${o.prompts} prompts, ${stream ? 'streaming' : 'non-streaming'}, ${o.concurrency} in flight; ${o.slices} slices of ${o.slice} s per build after ${o.warm} s of warm-up`, '',
    '| build | throughput (req/s) | gateway CPU per request (ms) | closed-loop p99, median of slices (ms) | errors | resident memory idle / after (MiB) |', '|---|---|---|---|---|---|']
  builds.forEach((g, i) => out.push(`| ${g.jar} | ${(acc[i].n / acc[i].seconds).toFixed(0)} | ${(acc[i].cpu / Math.max(1, acc[i].n)).toFixed(3)} | ${median(acc[i].p99).toFixed(1)} | ${acc[i].errors} | ${rssIdle[i].toFixed(0)} / ${rssAfter[i].toFixed(0)} |`))
  out.push('', `| build | resident memory when ready, before the rules' import (MiB) |${rssIdleLater ? ` after ${o.idle} s idle (MiB) |` : ''}`, `|---|---|${rssIdleLater ? '---|' : ''}`)
  builds.forEach((g, i) => out.push(`| ${g.jar} | ${g.rssReady.toFixed(0)} |${rssIdleLater ? ` ${rssIdleLater[i].toFixed(0)} |` : ''}`))
  if (nmt) {
    // NMT's committed total covers what the JVM allocates itself (heap, metaspace, code cache,
    // thread stacks, GC structures, its own malloc); resident minus that is native libraries' own.
    out.push('', '| build (after the slices, MiB) | resident | NMT committed total | of which Java heap | of which class + code + threads + GC + other | resident minus NMT total |', '|---|---|---|---|---|---|')
    builds.forEach((g, i) => {
      const n = nmt[i]
      if (!n) return out.push(`| ${g.jar} | ${rssAfter[i].toFixed(0)} | (jcmd failed) | | | |`)
      out.push(`| ${g.jar} | ${rssAfter[i].toFixed(0)} | ${n.total.toFixed(0)} | ${n.heap.toFixed(0)} | ${(n.total - n.heap).toFixed(0)} | ${(rssAfter[i] - n.total).toFixed(0)} |`)
    })
  }
  if (o.threads === 'true') {
    // Where each build's CPU went over its slices: thread groups by share of their sum.
    out.push('', '| build | CPU by thread (share of the build\'s thread CPU over its slices, and per request) |', '|---|---|')
    builds.forEach((g, i) => {
      const total = Object.values(acc[i].threads).reduce((a, b) => a + b, 0)
      const top = Object.entries(acc[i].threads).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).slice(0, 10)
      out.push(`| ${g.jar} | ${top.map(([n, ms]) => `${n} ${((100 * ms) / Math.max(1, total)).toFixed(1)}% (${((1000 * ms) / Math.max(1, acc[i].n)).toFixed(1)} µs/request)`).join(', ')} |`)
    })
  }
  process.stdout.write(out.join('\n') + '\n')
  say(`logs in ${work}`)
}

/** NMT's committed total and Java heap in MiB (jcmd of the JDK that runs the gateway), or null; the whole summary goes to FILE. */
function nmtSummary (pid, file) {
  try {
    const java = fs.readlinkSync(`/proc/${pid}/exe`)
    const text = require('node:child_process').execFileSync(path.join(path.dirname(java), 'jcmd'), [String(pid), 'VM.native_memory', 'summary', 'scale=KB'], { encoding: 'utf8', timeout: 60000 })
    fs.writeFileSync(file, text)
    const total = /Total: reserved=\d+KB, committed=(\d+)KB/.exec(text)
    const heap = /Java Heap \(reserved=\d+KB, committed=(\d+)KB\)/.exec(text)
    return total && heap ? { total: Number(total[1]) / 1024, heap: Number(heap[1]) / 1024 } : null
  } catch (e) {
    say(`jcmd ${pid}: ${e.message}`)
    return null
  }
}

process.on('SIGINT', () => { stopAll(); process.exit(130) })
process.on('SIGTERM', () => { stopAll(); process.exit(143) })
main().then(() => { stopAll(); setTimeout(() => process.exit(0), 500) }, (e) => {
  process.stderr.write(`gateway-ab: ${e.message}\n`)
  stopAll()
  setTimeout(() => process.exit(1), 500)
})
