// kairo.optimize / rebalance / allocate from Node: the same numbers as kairo-core (and so as Python and HTTP).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const kairo = require('../index.js')

// PyPortfolioOpt's test prices, rows where every stock has a price
function closes() {
  const text = fs.readFileSync(path.join(__dirname, '../../kairo-core/tests/data/stock_prices.csv'), 'utf8').trim().split('\n')
  const header = text[0].split(',').slice(1)
  const out = Object.fromEntries(header.map((s) => [s, []]))
  for (const line of text.slice(1)) {
    const cells = line.split(',').slice(1)
    if (cells.some((c) => c === '')) continue
    cells.forEach((c, i) => out[header[i]].push(Number(c)))
  }
  return out
}

test('max Sharpe weights sum to 1 and match the reported figures', () => {
  const r = kairo.optimize(closes(), { objective: 'max_sharpe', riskModel: 'ledoit_wolf', frontierPoints: 5 })
  const w = Object.values(r.weights)
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-9)
  assert.ok(w.every((x) => x >= -1e-9))
  assert.equal(r.frontier.length, 5)
  assert.ok(r.frontier[4].expectedReturn > r.frontier[0].expectedReturn)
  // the tangency portfolio has the best Sharpe ratio of all frontier points
  assert.ok(r.frontier.every((p) => p.sharpe <= r.sharpe + 1e-9))
})

test('an unknown objective or key is a KAIRO_INVALID_ARGUMENT / KAIRO_INVALID_INPUT naming the field', () => {
  assert.throws(() => kairo.optimize(closes(), { objective: 'max_sortino' }), (e) => e.code === 'KAIRO_INVALID_ARGUMENT' && e.field === 'objective')
  assert.throws(() => kairo.optimize(closes(), { objectiv: 'max_sharpe' }), (e) => e.code === 'KAIRO_INVALID_INPUT' && e.field === 'spec')
  assert.throws(() => kairo.optimize({ A: [1, 2, 3], B: [1, 2] }), (e) => e.field === 'closes')
})

test('the rebalance sells the loss lot first and reports gains by term', () => {
  const t = (id, side, qty, price, d) => ({ id, userId: 'u', symbol: 'AAPL', side, qty, price, executedAt: `${d}T15:00:00Z` })
  const plan = kairo.rebalance(
    [t('lt', 'buy', '10', '100', '2022-03-01'), t('loss', 'buy', '10', '180', '2024-03-01')],
    { AAPL: '150', MSFT: 300 },
    { AAPL: 0.5, MSFT: 0.5 },
    { asOf: '2024-06-03' },
  )
  assert.equal(plan.orders[0].side, 'SELL')
  assert.equal(plan.orders[0].lots[0].tradeId, 'loss')
  assert.equal(plan.realized.shortTerm, '-300')
  assert.equal(plan.orders[0].noRepurchaseUntil, '2024-07-03')
  assert.deepEqual([plan.orders[1].symbol, plan.orders[1].qty], ['MSFT', '5'])
})

test('allocate buys whole shares greedily', () => {
  const a = kairo.allocate({ AAA: 0.6, BBB: 0.4 }, { AAA: '333', BBB: 50 }, '1100')
  assert.deepEqual(a, { shares: { AAA: '2', BBB: '8' }, leftover: '34' })
})
