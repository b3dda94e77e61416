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
