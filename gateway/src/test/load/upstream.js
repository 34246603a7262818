'use strict'
// A fast OpenAI-compatible upstream for the external gateway benchmark: answers
// POST /v1/chat/completions at once (a whole answer, or the streamed chunk sequence) and
// GET /v1/models. Usage: node upstream.js [port=0]; prints "listening PORT" when ready.
const http = require('node:http')

const MODEL = 'gpt-test'
const WORDS = ['Hello', ' there', ', how', ' can', ' I', ' help', '?']
const TEXT = WORDS.join('')
const MODELS = JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'bench' }] })

let counter = 0

function whole (id) {
  return JSON.stringify({
    id,
    object: 'chat.completion',
    created: 1700000000,
    model: MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: WORDS.length, total_tokens: 12 + WORDS.length }
  })
}

function chunk (id, delta, finish) {
  return 'data: ' + JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }]
  }) + '\n\n'
}

function streamed (id) {
  let out = chunk(id, { role: 'assistant', content: '' }, null)
  for (const w of WORDS) out += chunk(id, { content: w }, null)
  out += chunk(id, {}, 'stop')
  return out + 'data: [DONE]\n\n'
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/v1/models')) {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(MODELS)
    return
  }
  if (req.method !== 'POST' || !req.url.startsWith('/v1/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end('{"error":{"message":"not found","type":"invalid_request_error"}}')
    return
  }
  const parts = []
  req.on('data', (d) => parts.push(d))
  req.on('end', () => {
    let stream = false
    try {
      stream = JSON.parse(Buffer.concat(parts).toString('utf8')).stream === true
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end('{"error":{"message":"bad json","type":"invalid_request_error"}}')
      return
    }
    const id = 'chatcmpl-' + (++counter)
    if (stream) {
      // The chunks are written as separate writes, as a real server streams them.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      const body = streamed(id).split(/(?<=\n\n)/)
      for (const part of body) res.write(part)
      res.end()
    } else {
      const body = whole(id)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    }
  })
})
server.keepAliveTimeout = 60000
server.headersTimeout = 65000
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write('listening ' + server.address().port + '\n')
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
