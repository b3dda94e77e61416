// The shared trade-input vectors (kairo-core/tests/vectors/trade_inputs.json): Node reads every record as
// kairo-core, Python and the HTTP service do (the same trade for each good one, the same field at fault for each
// bad one), with the JavaScript names of the fields (userId, executedAt, externalId).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const k = require('..')

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'kairo-core', 'tests', 'vectors', 'trade_inputs.json'), 'utf8'))
const js = { user_id: 'userId', executed_at: 'executedAt', external_id: 'externalId' }
const toJs = (input) => Object.fromEntries(Object.entries(input).map(([key, value]) => [js[key] || key, value]))

test('good records become the stated trades', () => {
  for (const c of vectors.good) {
    const { openLots } = k.lots([toJs(c.input)])
    assert.equal(openLots.length, 1, c.name)
    const lot = openLots[0]
    assert.equal(lot.symbol, c.trade.symbol, c.name)
    assert.equal(lot.direction, c.trade.side === 'BUY' ? 'long' : 'short', c.name)
    assert.equal(lot.qty, c.trade.qty, c.name)
    assert.equal(new Date(lot.openedAt).getTime(), new Date(c.trade.executed_at).getTime(), c.name)
  }
})

test('bad records name the field and the kind of fault, as properties of the error', () => {
  for (const c of vectors.bad) {
    const field = js[c.field] || c.field
    assert.throws(() => k.checkHistory([toJs(c.input)]),
      (e) => e instanceof Error && e.code === 'KAIRO_INVALID_TRADE' && e.field === field && e.kind === c.kind &&
        e.message.startsWith(`trades[0].${field}: `), c.name)
  }
})
