// The Express-style example (examples/node/pre_trade_server.mjs): a refused order never reaches the (fake) broker.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { pathToFileURL } = require('node:url')

test('the pre-trade endpoint blocks failing orders before the broker', async () => {
  const example = await import(pathToFileURL(path.join(__dirname, '..', '..', 'examples', 'node', 'pre_trade_server.mjs')).href)
  const broker = example.createFakeBroker()
  const brokerUrl = await example.listen(broker.server)
  const { server, engines } = example.createApp({
    brokerUrl,
    accounts: { u1: { account_type: 'cash', settled_cash: '1000', restricted_symbols: ['XYZ'] } },
  })
  const url = await example.listen(server)
  const post = async (body) => {
    const r = await fetch(`${url}/orders`, { method: 'POST', body: JSON.stringify(body) })
    return [r.status, await r.json()]
  }
  try {
    let [status, body] = await post({ userId: 'u1', symbol: 'ABC', side: 'BUY', qty: 5, price: '100' })
    assert.equal(status, 201)
    assert.equal(body.order.status, 'filled')
    assert.equal(engines.get('u1').position('ABC'), '5')
    ;[status, body] = await post({ userId: 'u1', symbol: 'XYZ', side: 'BUY', qty: 1, price: '10' })
    assert.equal(status, 422)
    assert.equal(body.results.find((r) => r.checkName === 'restricted_symbol').status, 'fail')
    ;[status, body] = await post({ userId: 'u1', symbol: 'ABC', side: 'SELL', qty: 9, price: '101' })
    assert.equal(status, 422)
    assert.equal(body.results.find((r) => r.checkName === 'short_sale_cash_account').status, 'fail')
    ;[status, body] = await post({ userId: 'u1', symbol: 'ABC', side: 'BUY', qty: 'lots', price: '100' })
    assert.equal(status, 400)
    assert.equal(body.code, 'KAIRO_INVALID_TRADE')
    assert.equal(broker.received.length, 1)
  } finally {
    server.close()
    broker.server.close()
  }
})

test('ESM import works', async () => {
  const esm = await import(pathToFileURL(path.join(__dirname, '..', 'index.js')).href)
  assert.equal(typeof esm.checkOrder, 'function')
  assert.equal(typeof esm.ComplianceEngine, 'function')
  assert.equal(esm.sharpeRatio([0.01, 0.03]), require('../index.js').sharpeRatio([0.01, 0.03]))
})

// The TypeScript example (examples/node/analytics.ts), type-checked by `npm run typecheck`, also runs: transpiled
// by the TypeScript compiler next to the source (so its relative import resolves) and executed.
test('the TypeScript example runs', () => {
  const ts = require('typescript')
  const fs = require('node:fs')
  const { execFileSync } = require('node:child_process')
  const source = path.join(__dirname, '..', '..', 'examples', 'node', 'analytics.ts')
  const js = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText
  const runnable = path.join(path.dirname(source), `.analytics-${process.pid}.mjs`)
  fs.writeFileSync(runnable, js)
  try {
    const out = execFileSync(process.execPath, [runnable], { encoding: 'utf8' })
    const lines = out.trim().split('\n')
    assert.equal(lines.length, 2, out)
    assert.match(lines[0], /^-?\d+\.\d{3} /)
  } finally {
    fs.unlinkSync(runnable)
  }
})
