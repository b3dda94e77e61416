// Trades in, decimal strings out: lots, realized P&L, TWR, comparison, the engine, and input errors.
const test = require('node:test')
const assert = require('node:assert/strict')
const k = require('../index.js')

const buy = { id: '1', userId: 'u', symbol: 'AAPL', side: 'BUY', qty: '10', price: '100', executedAt: new Date('2024-01-02T20:55:00Z') }
const sell = { id: '2', userId: 'u', symbol: 'AAPL', side: 'SELL', qty: 4, price: '110.50', executedAt: '2024-01-03T15:00:00Z' }
const prices = { AAPL: { '2024-01-02': '100', '2024-01-03': 120 }, SPY: { '2024-01-02': '400', '2024-01-03': '404' } }

test('lots and P&L as decimal strings', () => {
  const r = k.lots([buy, sell])
  assert.equal(r.realizedPnl, '42.00') // 4 × (110.50 − 100)
  assert.equal(r.closedLots[0].qty, '4')
  assert.equal(r.closedLots[0].term, 'short_term')
  assert.equal(r.openLots[0].qty, '6')
  const p = k.realizedPnl([buy, sell], { prices: { AAPL: '120' } })
  assert.deepEqual([p.total, p.bySymbol.AAPL, p.unrealized], ['42.00', '42.00', '120'])
  // a float price reads as the decimal it prints as
  assert.equal(k.lots([{ ...buy, price: 0.1 }]).openLots[0].basis, '1.0')
})

test('twr and compare', () => {
  const s = k.twr([buy], prices)
  assert.deepEqual(s.dates, ['2024-01-02', '2024-01-03'])
  assert.ok(Math.abs(s.returns[1] - 0.2) < 1e-12)
  const c = k.compare([buy], prices, 'SPY')
  assert.equal(c.portfolioPnl.total, '200') // 10 × (120 − 100)
  assert.equal(c.shadow.pnl, '10.00') // $1,000 in SPY at 400, +1 %
  const blend = k.compare([buy], { ...prices, AGG: { '2024-01-02': '100', '2024-01-03': '100' } }, { SPY: 0.6, AGG: '0.4' })
  assert.match(blend.benchmark, /SPY/)
  assert.throws(() => k.compare([buy], prices, 'QQQ'), (e) => e.code === 'KAIRO_MARKET_DATA')
  assert.throws(() => k.compare([buy], prices, { SPY: 'x' }),
    (e) => e.code === 'KAIRO_INVALID_ARGUMENT' && e.field === 'benchmark' && e.kind === 'invalid_benchmark')
})

test('compare with a rebalancing rule: buy-and-hold and monthly blends by hand', () => {
  // AAA 100 → 110 → 121 → 121, BBB 50 → 50 → 40 → 44; 60/40 held: 1 → 1.06 → 1.046 → 1.078; monthly, rebalanced at
  // the close of 2024-02-01: 1.08784 (the same figures as kairo-core's and Python's tests).
  const days = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02']
  const series = (closes) => Object.fromEntries(days.map((d, i) => [d, closes[i]]))
  const p = { AAA: series(['100', '110', '121', '121']), BBB: series(['50', '50', '40', '44']) }
  const t = { ...buy, symbol: 'AAA', executedAt: '2024-01-30T15:00:00Z' }
  const held = k.compare([t], p, { AAA: '0.6', BBB: '0.4' }, { rebalance: 'buy_and_hold' })
  assert.ok(Math.abs(held.benchmarkTotalReturn - 0.078) < 1e-12, held.benchmarkTotalReturn)
  assert.match(held.benchmark, /^(AAA:0.6,BBB:0.4|BBB:0.4,AAA:0.6)@buy_and_hold$/)
  const monthly = k.compare([t], p, 'AAA:0.6,BBB:0.4@monthly')
  assert.ok(Math.abs(monthly.benchmarkTotalReturn - 0.08784) < 1e-12, monthly.benchmarkTotalReturn)
  assert.throws(() => k.compare([t], p, 'AAA:0.6,BBB:0.4', { rebalance: 'weekly' }),
    (e) => e.code === 'KAIRO_INVALID_ARGUMENT' && e.field === 'benchmark')
})

test('bad trades give KAIRO_INVALID_TRADE naming the field', () => {
  const cases = [
    [{ ...buy, qty: '0' }, /trades\[0\]\.qty: .*greater than zero/],
    [{ ...buy, qty: true }, /trades\[0\]\.qty: must be a decimal string or a number/],
    [{ ...buy, symbol: 'a apl' }, /trades\[0\]\.symbol: .*not a valid ticker/],
    [{ ...buy, side: 'HOLD' }, /trades\[0\]\.side/],
    [{ ...buy, executedAt: 'yesterday' }, /trades\[0\]\.executedAt: .*RFC 3339/],
    [{ ...buy, userId: undefined }, /trades\[0\]\.userId: .*is required/],
    [{ ...buy, fees: '-1' }, /trades\[0\]\.fees: .*must not be negative/],
    [{ ...buy, price: Number.NaN }, /trades\[0\]\.price/],
  ]
  for (const [t, pattern] of cases) {
    assert.throws(() => k.checkHistory([t]), (e) => e.code === 'KAIRO_INVALID_TRADE' && pattern.test(e.message), String(pattern))
  }
  assert.throws(() => k.checkOrder([], { ...buy, qty: '-1' }), (e) => e.code === 'KAIRO_INVALID_TRADE' && /^qty:/.test(e.message))
})

test('async rejects instead of throwing', async () => {
  const p = k.checkHistoryAsync([{ ...buy, qty: '-1' }])
  assert.ok(p instanceof Promise)
  await assert.rejects(p, (e) => e.code === 'KAIRO_INVALID_TRADE' && e.field === 'qty' && /qty/.test(e.message))
  await assert.rejects(k.checkHistoryAsync([], { account_type: 'savings' }), (e) => e.code === 'KAIRO_INVALID_CONFIG')
})

test('engine: contexts, positions, out-of-order pushes', () => {
  const e = new k.ComplianceEngine({ account_type: 'margin', equity: 30000, restricted_symbols: ['XYZ'] })
  e.push(buy)
  assert.equal(e.position('AAPL'), '10')
  assert.throws(() => e.push({ ...sell, executedAt: '2023-12-01T15:00:00Z' }),
    (err) => err.code === 'KAIRO_OUT_OF_ORDER' && err.field === 'executedAt' && err.kind === 'out_of_order' && typeof err.tradeId === 'string')
  const d = e.checkOrder({ ...buy, id: 'o', symbol: 'XYZ', executedAt: '2024-01-04T15:00:00Z' })
  assert.equal(d.allowed, false)
  assert.equal(d.results.find((r) => r.checkName === 'restricted_symbol').status, 'fail')
  assert.throws(() => new k.ComplianceEngine({ limits: { max_notional: { max: '-1' } } }), (err) => err.code === 'KAIRO_INVALID_CONFIG' && /max_notional/.test(err.message))
  assert.throws(() => new k.ComplianceEngine(null, ['nope']),
    (err) => err.code === 'KAIRO_INVALID_CONFIG' && err.field === 'checks' && err.kind === 'unknown_check' && /checks/.test(err.message))
  assert.equal(k.checkNames().length, 13)
})

test('a long list of results (read in chunks) keeps every row, in order, with the same shape', () => {
  const trades = []
  for (let i = 0; i < 1500; i++) {
    const at = new Date(Date.UTC(2024, 0, 2 + Math.floor(i / 10), 15, i % 10))
    trades.push({ id: `t${String(i).padStart(5, '0')}`, userId: 'u', symbol: i % 2 ? 'AAA' : 'BBB', side: i % 3 ? 'BUY' : 'SELL', qty: '1', price: '10', executedAt: at })
  }
  const rows = k.checkHistory(trades, { account_type: 'margin', equity: '30000' })
  assert.ok(rows.length > 10000, String(rows.length))
  let last = ''
  for (const r of rows) {
    assert.deepEqual(Object.keys(r), ['tradeId', 'checkName', 'status', 'reason', 'metadata'])
    assert.equal(typeof r.metadata, 'object')
    assert.ok(r.tradeId >= last)
    last = r.tradeId
  }
  assert.deepEqual(new Set(rows.map((r) => r.tradeId)).size, 1500)
})

test('lots, wash sales and day trades have exactly the fields the .d.ts declares, in kairo-core\'s order', () => {
  const dts = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'index.d.ts'), 'utf8')
  const declared = (name) => {
    const start = dts.indexOf(`export interface ${name} {`)
    return [...dts.slice(start, dts.indexOf('\n}', start)).matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1])
  }
  const at = (d) => new Date(`${d}T15:00:00Z`)
  const r = k.lots([
    { id: 'b1', userId: 'u', symbol: 'X', side: 'BUY', qty: '10', price: '10', executedAt: at('2024-01-02') },
    { id: 's1', userId: 'u', symbol: 'X', side: 'SELL', qty: '4', price: '12', executedAt: at('2024-01-03') },
  ])
  assert.deepEqual(Object.keys(r), declared('LotReport'))
  assert.deepEqual(Object.keys(r.openLots[0]), declared('OpenLot'))
  assert.deepEqual(Object.keys(r.closedLots[0]), declared('ClosedLot'))
  assert.deepEqual(Object.keys(r.positions[0]), declared('Position'))
  assert.equal(r.closedLots[0].realizedPnl, '8')
  const w = k.washSales([
    { id: 'b1', userId: 'u', symbol: 'X', side: 'BUY', qty: '10', price: '10', executedAt: at('2024-01-02') },
    { id: 's1', userId: 'u', symbol: 'X', side: 'SELL', qty: '10', price: '8', executedAt: at('2024-01-03') },
    { id: 'b2', userId: 'u', symbol: 'X', side: 'BUY', qty: '10', price: '9', executedAt: at('2024-01-04') },
  ])
  assert.deepEqual(Object.keys(w), declared('WashSaleReport'))
  assert.deepEqual(Object.keys(w.matches[0]), declared('WashSaleMatch'))
  assert.deepEqual(Object.keys(w.losses[0]), declared('LossSale'))
  assert.deepEqual(w.deferredBySymbol, { X: '20' })
  const day = [
    { id: 'd1', userId: 'u', symbol: 'X', side: 'BUY', qty: '1', price: '10', executedAt: new Date('2024-06-03T14:00:00Z') },
    { id: 'd2', userId: 'u', symbol: 'X', side: 'SELL', qty: '1', price: '11', executedAt: new Date('2024-06-03T15:00:00Z') },
  ]
  assert.deepEqual(Object.keys(k.dayTrades(day)[0]), declared('DayTrade'))
  const pdt = k.pdtStatus(day, '2024-06-03')
  assert.deepEqual(Object.keys(pdt), declared('PdtStatus'))
  assert.equal(pdt.isPatternDayTrader, false)
  assert.equal(r.closedLots[0].openedAt, '2024-01-02T15:00:00Z')
  assert.equal(r.openLots[0].openDate, '2024-01-02')
})

test('the comparison has exactly the fields the .d.ts declares, in kairo-core\'s order', () => {
  const dts = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'index.d.ts'), 'utf8')
  const declared = (name) => {
    const start = dts.indexOf(`export interface ${name} {`)
    return [...dts.slice(start, dts.indexOf('\n}', start)).matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1])
  }
  const c = k.compare([buy], prices, 'SPY')
  assert.deepEqual(Object.keys(c), declared('Comparison'))
  assert.deepEqual(Object.keys(c.shadow), declared('Shadow'))
  assert.deepEqual(Object.keys(c.portfolioPnl), declared('PortfolioPnl'))
  assert.deepEqual(Object.keys(c.equityCurve[0]), declared('EquityPoint'))
  if (c.monthly.length) assert.deepEqual(Object.keys(c.monthly[0]), declared('MonthlyRow'))
})
