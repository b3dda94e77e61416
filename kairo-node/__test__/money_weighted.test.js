// Money-weighted returns on the shared vectors (kairo-core/tests/vectors/money_weighted.json): the same rates and
// the same errors (code, field, kind) as the Rust core and the Python package.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const k = require('..')

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'kairo-core', 'tests', 'vectors', 'money_weighted.json'), 'utf8'),
)
const flows = (list) => list.map(([date, amount]) => ({ date, amount }))

test('xirr matches pyxirr and Excel', () => {
  for (const c of vectors.xirr) {
    if (c.rate !== undefined) {
      const got = k.xirr(flows(c.flows))
      assert.ok(Math.abs(got - c.rate) <= 1e-9 * Math.max(1, Math.abs(c.rate)), `${c.name}: ${got} vs ${c.rate}`)
    } else {
      assert.throws(() => k.xirr(flows(c.flows)), (e) => e.code === 'KAIRO_INVALID_ARGUMENT' && e.kind === c.error && e.field === 'flows', c.name)
    }
  }
})

test('modified Dietz matches the hand derivations', () => {
  for (const c of vectors.modified_dietz) {
    const call = () => k.modifiedDietz(c.start_value, c.end_value, flows(c.flows), c.start, c.end)
    if (c.rate !== undefined) {
      assert.ok(Math.abs(call() - c.rate) < 1e-12, c.name)
    } else {
      assert.throws(call, (e) => e.kind === c.error, c.name)
    }
  }
})

test('lots follow stock splits', () => {
  // NVDA's 10-for-1 of 2024-06-10: 2 shares at $481 become 20, the basis stays $962 (20 × 154.46 − 962 = 2,127.20)
  const trades = [{ id: 'b', userId: 'u', symbol: 'NVDA', side: 'BUY', qty: '2', price: '481', executedAt: '2024-06-03T15:00:00Z' }]
  const r = k.lots(trades, 'fifo', [{ symbol: 'NVDA', exDate: '2024-06-10', ratio: '10' }])
  assert.deepEqual([r.openLots[0].qty, r.openLots[0].basis], ['20', '962'])
  assert.throws(() => k.lots(trades, 'fifo', [{ symbol: 'NVDA', exDate: '2024-06-10', ratio: 0 }]), (e) => e.field === 'ratio')
})
