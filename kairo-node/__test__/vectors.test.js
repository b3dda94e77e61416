// The compliance examples shared with the Rust and Python suites (kairo-core/tests/vectors/compliance.json).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const k = require('../index.js')

const cases = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'kairo-core', 'tests', 'vectors', 'compliance.json'), 'utf8'),
).cases

// Decimal strings compared by value: '187.50' and '187.5' are the same amount.
const norm = (v) => (typeof v === 'string' && /^-?\d+\.\d+$/.test(v) ? v.replace(/\.?0+$/, '') : v)
// The vectors use the JSON model's snake_case trade fields; the JS API takes camelCase.
const toJs = (t) => ({
  id: t.id, userId: t.user_id, symbol: t.symbol, side: t.side, qty: t.qty, price: t.price, executedAt: t.executed_at,
})

function assertResults(name, results, expected) {
  for (const e of expected) {
    const rows = results.filter((r) => r.tradeId === e.trade_id && r.checkName === e.check_name)
    assert.equal(rows.length, 1, `${name}: ${e.check_name} on ${e.trade_id}`)
    const r = rows[0]
    assert.equal(r.status, e.status, `${name}: ${r.reason}`)
    assert.deepEqual(Object.keys(r).sort(), ['checkName', 'metadata', 'reason', 'status', 'tradeId'])
    for (const [key, value] of Object.entries(e.metadata ?? {})) {
      assert.deepEqual(r.metadata[key], value, `${name}: metadata ${key}`)
    }
  }
}

test('shared compliance vectors', () => {
  assert.ok(cases.length >= 12)
  for (const c of cases) {
    const trades = c.trades.map(toJs)
    const exp = c.expect
    if (exp.results) assertResults(c.name, k.checkHistory(trades, c.ctx, c.checks), exp.results)
    if (exp.day_trades) {
      for (const counting of ['transitions', 'pairs']) {
        if (exp.day_trades[counting] != null) {
          assert.equal(k.dayTrades(trades, counting).length, exp.day_trades[counting], `${c.name} ${counting}`)
        }
      }
    }
    for (const [i, want] of (exp.day_trade_records ?? []).entries()) {
      const got = k.dayTrades(trades)[i]
      assert.deepEqual(
        { date: got.date, symbol: got.symbol, qty: got.qty, open_trade_id: got.openTradeId, close_trade_id: got.closeTradeId },
        want,
      )
    }
    if (exp.pdt_status) {
      const { as_of, ...want } = exp.pdt_status
      const s = k.pdtStatus(trades, as_of, c.ctx)
      assert.deepEqual(
        {
          day_trades_in_window: s.dayTradesInWindow, total_trades_in_window: s.totalTradesInWindow,
          window_start: s.windowStart, window_end: s.windowEnd, is_pattern_day_trader: s.isPatternDayTrader,
        },
        want,
      )
    }
    if (exp.wash_sales) {
      const w = k.washSales(trades)
      const want = exp.wash_sales
      assert.deepEqual(
        w.losses.map((l) => ({
          trade_id: l.tradeId, loss: norm(l.loss), disallowed_loss: norm(l.disallowedLoss),
          allowed_loss: norm(l.allowedLoss), direction: l.direction,
        })),
        want.losses,
      )
      assert.deepEqual(
        w.matches.map((m) => ({
          loss_trade_id: m.lossTradeId, replacement_trade_id: m.replacementTradeId, qty: norm(m.qty),
          disallowed_loss: norm(m.disallowedLoss), basis_adjustment: norm(m.basisAdjustment),
          holding_period_days_added: m.holdingPeriodDaysAdded, direction: m.direction,
        })),
        want.matches,
      )
      assert.equal(norm(w.realizedPnl), want.realized_pnl)
      assert.equal(norm(w.disallowedLoss), want.disallowed_loss)
      assert.deepEqual(Object.fromEntries(Object.entries(w.deferredBySymbol).map(([s, v]) => [s, norm(v)])), want.deferred_by_symbol)
    }
    if (exp.order) {
      const d = k.checkOrder(trades, toJs(exp.order.trade), c.ctx, c.checks)
      assert.equal(d.allowed, exp.order.allowed, c.name)
      assertResults(c.name, d.results, exp.order.results ?? [])
    }
  }
})

test('streaming equals batch, live pre-trade equals stateless pre-trade', () => {
  for (const c of cases) {
    const trades = c.trades.map(toJs)
    const batch = k.checkHistory(trades, c.ctx)
    const ordered = [...trades].sort((a, b) => Date.parse(a.executedAt) - Date.parse(b.executedAt) || (a.id < b.id ? -1 : 1))
    const engine = new k.ComplianceEngine(c.ctx)
    assert.deepEqual(ordered.flatMap((t) => engine.push(t)), batch, c.name)
    const probe = { ...ordered[ordered.length - 1], id: '~probe' }
    const live = new k.ComplianceEngine(c.ctx)
    for (const t of ordered) live.record(t)
    assert.deepEqual(live.checkOrder(probe), k.checkOrder(ordered, probe, c.ctx), c.name)
  }
})

test('async equals sync', async () => {
  for (const c of cases) {
    const trades = c.trades.map(toJs)
    assert.deepEqual(await k.checkHistoryAsync(trades, c.ctx, c.checks), k.checkHistory(trades, c.ctx, c.checks))
  }
})

test('decimal strings equal kairo-py byte for byte', { skip: !process.env.KAIRO_PYTHON && 'KAIRO_PYTHON not set' }, () => {
  const { execFileSync } = require('node:child_process')
  const script = `
import json, sys
import kairo
from kairo import compliance
cases = json.load(sys.stdin)
out = []
for c in cases:
    w = compliance.wash_sales(c["trades"])
    l = kairo.lots(c["trades"])
    out.append({
        "wash": [[str(m["disallowed_loss"]), str(m["basis_adjustment"]), str(m["qty"])] for m in w["matches"]]
                + [[str(x["loss"]), str(x["disallowed_loss"]), str(x["allowed_loss"])] for x in w["losses"]],
        "realized": str(l["realized_pnl"]),
        "closed": [[str(x["proceeds"]), str(x["basis"]), str(x["realized_pnl"])] for x in l["closed_lots"]],
        "open": [[str(x["qty"]), str(x["basis"]), str(x["unit_cost"])] for x in l["open_lots"]],
    })
print(json.dumps(out))
`
  const python = JSON.parse(execFileSync(process.env.KAIRO_PYTHON, ['-c', script], { input: JSON.stringify(cases) }).toString())
  const node = cases.map((c) => {
    const trades = c.trades.map(toJs)
    const w = k.washSales(trades)
    const l = k.lots(trades)
    return {
      wash: [
        ...w.matches.map((m) => [m.disallowedLoss, m.basisAdjustment, m.qty]),
        ...w.losses.map((x) => [x.loss, x.disallowedLoss, x.allowedLoss]),
      ],
      realized: l.realizedPnl,
      closed: l.closedLots.map((x) => [x.proceeds, x.basis, x.realizedPnl]),
      open: l.openLots.map((x) => [x.qty, x.basis, x.unitCost]),
    }
  })
  assert.deepEqual(node, python)
})
