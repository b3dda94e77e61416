// The worked real account of kairo-core's shared vectors (kairo-core/tests/vectors/real_account.json) through
// `account` and `lots`: the figures derived by hand in kairo-core/tests/real_account.rs.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const k = require('..')

const v = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'kairo-core', 'tests', 'vectors', 'real_account.json'), 'utf8'),
)
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const trades = v.trades.map((t) => ({
  id: t.id, userId: t.user_id, symbol: t.symbol, side: t.side, qty: t.qty, price: t.price, executedAt: t.executed_at,
}))
const activities = v.activities.map((a) => Object.fromEntries(Object.entries(a).map(([key, value]) => [camel(key), value])))
const prices = {}
for (const c of v.prices.closes) {
  prices[c.symbol] = prices[c.symbol] || {}
  prices[c.symbol][c.date] = c.close
}
const splits = v.prices.splits.map((s) => ({ symbol: s.symbol, exDate: s.ex_date, ratio: s.ratio }))
// Decimal strings compared by value ('67000' and '67000.00' are one amount).
const same = (a, b) => Number(a) === Number(b) && /^-?[0-9.]+$/.test(a)

test('the worked account matches on Node', () => {
  const got = k.account(trades, activities, prices, { splits })
  for (const [key, want] of Object.entries(v.expected.account)) {
    const value = got[camel(key)]
    if (typeof want === 'number') {
      assert.ok(Math.abs(value - want) < 1e-9, `${key}: ${value} vs ${want}`)
    } else if (/^\d{4}-\d\d-\d\d$/.test(want)) {
      assert.equal(value, want, key)
    } else {
      assert.ok(same(value, want), `${key}: ${value} vs ${want}`)
    }
  }
})

test('daily valuations and lots through the activities', () => {
  const got = k.account(trades, activities, prices, { splits, daily: true })
  const day = got.days.find((d) => d.date === '2024-06-10')
  assert.ok(same(day.value, '65524.55'), day.value)
  const r = k.lots(trades, 'fifo', splits, activities)
  assert.ok(same(r.realizedPnl, v.expected.lots.realized_pnl), r.realizedPnl)
  assert.deepEqual(
    r.openLots.map((l) => [l.symbol, Number(l.qty), Number(l.basis)]),
    v.expected.lots.open.map((o) => [o.symbol, Number(o.qty), Number(o.basis)]),
  )
})

test('a bad activity names its record and field', () => {
  const bad = [
    { userId: 'u', type: 'DEPOSIT', date: new Date('2024-01-02T15:00:00Z'), amount: 100 },
    { id: 'w', userId: 'u', type: 'WITHDRAWAL', date: '2024-01-03', amount: '-5' },
  ]
  assert.throws(() => k.account([], bad, {}), (e) => e.code === 'KAIRO_INVALID_INPUT' && e.field === 'amount' && e.kind === 'not_positive' && /row 1/.test(e.message))
  assert.throws(
    () => k.account([], [{ userId: 'u', type: 'SPLIT', date: '2024-01-02', symbol: 'X', cashInLieu: '1' }], {}),
    (e) => e.field === 'ratio' && e.kind === 'missing',
  )
})

test('compliance sees the deposit', () => {
  const trades = [
    { id: 'b', userId: 'u', symbol: 'ABC', side: 'BUY', qty: 10, price: '100', executedAt: '2024-07-01T14:00:00Z' },
    { id: 's', userId: 'u', symbol: 'ABC', side: 'SELL', qty: 10, price: '101', executedAt: '2024-07-01T19:00:00Z' },
  ]
  const ctx = { account_type: 'cash', settled_cash: '0' }
  const freeriding = (rows) => rows.find((r) => r.tradeId === 's' && r.checkName === 'freeriding').status
  assert.equal(freeriding(k.checkHistory(trades, ctx)), 'fail')
  const deposit = [{ userId: 'u', type: 'DEPOSIT', date: '2024-07-01', amount: '1000' }]
  assert.equal(freeriding(k.checkHistory(trades, ctx, null, deposit)), 'pass')
})

test('NVDA across its split on raw closes', () => {
  // 2 NVDA at $481.00 before the 10-for-1 of 2024-06-10; raw closes: no phantom day, +2,127.20 at $154.46
  const trades = [{ id: 'b', userId: 'u', symbol: 'NVDA', side: 'BUY', qty: '2', price: '481.00', executedAt: '2024-06-06T15:00:00Z' }]
  const nvda = { '2024-06-06': '1209.98', '2024-06-07': '1208.88', '2024-06-10': '121.79', '2024-06-11': '120.91', '2024-11-29': '154.46' }
  const prices = { NVDA: nvda, SPY: Object.fromEntries(Object.keys(nvda).map((d) => [d, '500'])) }
  const splits = [{ symbol: 'NVDA', exDate: '2024-06-10', ratio: '10' }]
  const s = k.twr(trades, prices, null, splits)
  assert.ok(Math.min(...s.returns) > -0.5, s.returns.join(','))
  const c = k.compare(trades, prices, 'SPY', { splits })
  assert.ok(same(c.portfolioPnl.unrealized, '2127.20'), c.portfolioPnl.unrealized)
})
