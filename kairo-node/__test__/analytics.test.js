// Metrics: Float64Array (read in place) and number[] agree, async equals sync, options, errors and their codes.
const test = require('node:test')
const assert = require('node:assert/strict')
const k = require('../index.js')

function series(n, seed) {
  // a deterministic pseudo-random walk (xorshift), so the test needs no dependency
  let x = seed >>> 0 || 1
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0
    out[i] = (x / 4294967296 - 0.5) * 0.04 + 0.0003
  }
  return out
}

const r = series(5000, 7)
const f = series(5000, 11)

test('Float64Array and number[] give the same numbers', () => {
  const list = Array.from(r)
  const flist = Array.from(f)
  for (const name of ['sharpeRatio', 'sortinoRatio', 'annualVolatility', 'maxDrawdown', 'annualReturn', 'calmarRatio',
    'omegaRatio', 'tailRatio', 'stabilityOfTimeseries', 'valueAtRisk', 'conditionalValueAtRisk', 'cumReturnsFinal',
    'downsideRisk', 'cornishFisherVar', 'probabilisticSharpeRatio']) {
    assert.equal(k[name](r), k[name](list), name)
  }
  for (const name of ['alpha', 'beta', 'upCapture', 'downCapture', 'upDownCapture', 'excessSharpe']) {
    assert.equal(k[name](r, f), k[name](list, flist), name)
  }
  assert.deepEqual(k.alphaBeta(r, f), [k.alpha(r, f), k.beta(r, f)])
  assert.deepEqual(k.cumReturns(r), k.cumReturns(list))
})

test('hand-computed values', () => {
  // mean 0.02 / std 0.014142… = √2 per period, × √252
  assert.ok(Math.abs(k.sharpeRatio([0.01, 0.03]) - Math.SQRT2 * Math.sqrt(252)) < 1e-12)
  // 1.1 × 0.8 = 0.88 after a 20 % fall from the peak
  assert.ok(Math.abs(k.maxDrawdown([0.1, -0.2, 0.05]) + 0.2) < 1e-15)
  assert.ok(Math.abs(k.cumReturnsFinal([0.1, -0.2]) - (1.1 * 0.8 - 1)) < 1e-15)
  assert.ok(Number.isNaN(k.sharpeRatio([])))
})

test('options: period, annualization, risk-free, starting value', () => {
  assert.equal(k.sharpeRatio(r, { period: 'monthly' }), k.sharpeRatio(r, { annualization: 12 }))
  assert.notEqual(k.sharpeRatio(r, { riskFree: 0.001 }), k.sharpeRatio(r))
  assert.equal(k.cumReturns([0.1], { startingValue: 100 })[0], 110.00000000000001)
  assert.equal(k.rollingSharpe(r, 63).length, r.length - 62)
  // the rolling functions slide their sums (kairo-core's metrics/sliding.rs): each window equals the full-series
  // function of that window to 1e-12
  const near = (/** @type {number} */ a, /** @type {number} */ b) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))
  assert.ok(near(k.rollingSharpe(r, 63)[0], k.sharpeRatio(r.subarray(0, 63))))
  assert.ok(near(k.rollingSharpe(r, 63)[900], k.sharpeRatio(r.subarray(900, 963))))
  assert.ok(near(k.rollingBeta(r, f, 50)[3], k.beta(r.subarray(3, 53), f.subarray(3, 53))))
})

test('metrics at once equals each function, async equals sync', async () => {
  const m = k.metrics(r, f, { riskFree: 0.0001 })
  assert.equal(m.periods, 5000)
  assert.equal(m.sharpeRatio, k.sharpeRatio(r, { riskFree: 0.0001 }))
  assert.equal(m.maxDrawdown, k.maxDrawdown(r))
  assert.equal(m.beta, k.beta(r, f))
  assert.equal(k.metrics(r).beta, undefined)
  assert.deepEqual(await k.metricsAsync(r, f, { riskFree: 0.0001 }), m)
})

test('metricsAsync reads its arrays as they were when it was called', async () => {
  const returns = new Float64Array(200_000).map((_, i) => Math.sin(i) / 100)
  const factor = new Float64Array(200_000).map((_, i) => Math.cos(i) / 100)
  const expected = k.metrics(returns, factor)
  const pending = k.metricsAsync(returns, factor)
  // written right after the call, while the task may be running on the thread pool
  returns.fill(0.5)
  factor.fill(-0.25)
  assert.deepEqual(await pending, expected)
})

test('errors carry a stable code and name the field', async () => {
  const codeOf = (fn) => { try { fn() } catch (e) { assert.ok(e instanceof Error); return [e.code, e.message] } return null }
  let [code, message] = codeOf(() => k.sharpeRatio(r, { period: 'hourly' }))
  assert.equal(code, 'KAIRO_INVALID_ARGUMENT'); assert.match(message, /period.*hourly/)
  ;[code, message] = codeOf(() => k.beta([0.1, 0.2], [0.1]))
  assert.equal(code, 'KAIRO_INVALID_INPUT'); assert.match(message, /same length/)
  ;[code, message] = codeOf(() => k.valueAtRisk(r, { cutoff: 2 }))
  assert.equal(code, 'KAIRO_INVALID_ARGUMENT'); assert.match(message, /cutoff/)
  await assert.rejects(k.metricsAsync(r, null, { period: 'hourly' }),
    (e) => e.code === 'KAIRO_INVALID_ARGUMENT' && e.field === 'period' && e.kind === 'unknown_period' && /hourly/.test(e.message))
  await assert.rejects(k.metricsAsync(r, [0.1]),
    (e) => e.code === 'KAIRO_INVALID_INPUT' && e.field === 'factorReturns' && e.kind === 'length_mismatch')
})

test('metrics has exactly the fields the .d.ts declares, in kairo-core\'s order', () => {
  const dts = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'index.d.ts'), 'utf8')
  const block = dts.slice(dts.indexOf('export interface AllMetrics {'), dts.indexOf('}', dts.indexOf('export interface AllMetrics {')))
  const declared = [...block.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1])
  const r = [0.01, -0.02, 0.03, 0.004, -0.01]
  const f = [0.02, -0.01, 0.01, 0.0, -0.02]
  assert.deepEqual(Object.keys(k.metrics(r, f)), declared)
  assert.deepEqual(Object.keys(k.metrics(r)), declared.filter((n) => !/\?:/.test(block.split('\n').find((l) => l.includes(` ${n}`)) ?? '')))
})
