// report(): the tear sheet as HTML, the page kairo-core renders for every surface; bad input throws with a code.
const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const k = require('../index.js')

function days (n) {
  const out = []
  const d = new Date(Date.UTC(2020, 0, 2))
  while (out.length < n) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10))
    d.setUTCDate(d.getUTCDate() + 1)
  }
  return out
}

const n = 600
const dates = days(n)
const returns = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.012 + 0.0004)
const benchmark = Array.from({ length: n }, (_, i) => Math.cos(i * 0.21) * 0.01 + 0.0003)

test('report draws every chart of the tear sheet', () => {
  const page = k.report({ dates, returns, benchmark, benchmarkName: 'SPY', title: 'Node' })
  assert.ok(page.startsWith('<!DOCTYPE html>'))
  for (const id of ['cumulative', 'underwater', 'yearly', 'monthly', 'rolling-sharpe', 'rolling-beta', 'distribution']) {
    assert.ok(page.includes(`<svg id="${id}"`), id)
  }
  assert.ok(!page.includes('<script'))
})

test('bad input throws with a code and the field', () => {
  assert.throws(() => k.report({ dates: dates.slice(1), returns }),
    (e) => e.code === 'KAIRO_INVALID_ARGUMENT' && e.field === 'dates')
  assert.throws(() => k.report({ dates: ['2020-13-01'], returns: [0.01] }), (e) => e.field === 'dates[0]')
})

test('the same page as kairo-py for the same returns', { skip: !process.env.KAIRO_PYTHON && 'KAIRO_PYTHON not set' }, () => {
  const python = process.env.KAIRO_PYTHON
  const script = 'import json, sys, kairo; a = json.load(sys.stdin); sys.stdout.write(kairo.report.html(a["returns"], benchmark=a["benchmark"], title="Node", dates=a["dates"]))'
  const input = JSON.stringify({ dates, returns: Array.from(returns), benchmark })
  const fromPython = execFileSync(python, ['-c', script], { input, encoding: 'utf8', maxBuffer: 1 << 26 })
  assert.equal(k.report({ dates, returns, benchmark, title: 'Node' }), fromPython)
})
