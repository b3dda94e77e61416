// @ts-check
// Pre-trade checks per second from Node: a live ComplianceEngine holding 10,000 trades of history, and the
// stateless checkOrder(history, order) that replays the history on every call. Prints a markdown section.
//
//   npm run bench                      (in kairo-node, after npm run build)
import { readFileSync } from 'node:fs'
import { ComplianceEngine, checkOrder } from '../index.js'

/** @typedef {import('../index.js').TradeInput} TradeInput */

/** 10,000 fills of one account over ~4 years: 10 a trading day across 20 symbols, buys and sells. @returns {TradeInput[]} */
function history() {
  /** @type {TradeInput[]} */
  const out = []
  const symbols = Array.from({ length: 20 }, (_, i) => `S${String.fromCharCode(65 + i)}`)
  const held = new Map()
  let day = Date.parse('2021-01-04T14:30:00Z')
  let x = 1
  while (out.length < 10_001) {
    const d = new Date(day).getUTCDay()
    if (d !== 0 && d !== 6) {
      for (let i = 0; i < 10; i++) {
        x = (x * 1103515245 + 12345) % 2147483648
        const symbol = symbols[x % symbols.length]
        const have = held.get(symbol) ?? 0
        const side = have >= 10 && x % 3 === 0 ? 'SELL' : 'BUY'
        held.set(symbol, have + (side === 'BUY' ? 10 : -10))
        const price = (50 + (x % 5000) / 100).toFixed(2)
        out.push({ id: `t${out.length}`, userId: 'u1', symbol, side, qty: '10', price, executedAt: new Date(day + i * 600_000) })
      }
    }
    day += 86_400_000
  }
  return out
}

/** Calls per second of `fn`, median of `runs` runs of `seconds` each. @param {() => unknown} fn */
function rate(fn, runs = 7, seconds = 0.5) {
  const rates = []
  for (let r = 0; r < runs; r++) {
    let n = 0
    const start = process.hrtime.bigint()
    const end = start + BigInt(Math.round(seconds * 1e9))
    let now = start
    while (now < end) {
      for (let i = 0; i < 100; i++) fn()
      n += 100
      now = process.hrtime.bigint()
    }
    rates.push(n / (Number(now - start) / 1e9))
  }
  rates.sort((a, b) => a - b)
  return rates[Math.floor(rates.length / 2)]
}

const trades = history()
const order = /** @type {TradeInput} */ (trades.pop())
/** kairo-core's own figure for the same call (criterion, benches/README.md), in µs: what the binding adds is the rest. @param {string} name */
function rust(name) {
  const table = readFileSync(new URL('../../benches/README.md', import.meta.url), 'utf8')
  const row = table.split('\n').find((l) => l.startsWith(`| compliance / ${name} |`))
  const ms = row ? Number(row.split('|')[2]) : NaN
  return Number.isFinite(ms) ? (ms * 1000).toFixed(1) : 'n/a'
}

const lines = ['| check | account | calls / s | µs / call | Rust µs / call |', '|---|---|---:|---:|---:|']
for (const [name, ctx] of /** @type {const} */ ([['margin', { account_type: 'margin', equity: '30000' }], ['cash', { account_type: 'cash', settled_cash: '10000000' }]])) {
  const engine = new ComplianceEngine(ctx)
  for (const t of trades) engine.record(t)
  const live = rate(() => engine.checkOrder(order))
  lines.push(`| ComplianceEngine.checkOrder (10,000 trades recorded) | ${name} | ${Math.round(live).toLocaleString('en-US')} | ${(1e6 / live).toFixed(1)} | ${rust(`engine_check_order_10k_history_${name}`)} |`)
  const stateless = rate(() => checkOrder(trades, order, ctx), 3, 1)
  lines.push(`| checkOrder(history of 10,000, order) | ${name} | ${stateless.toFixed(1)} | ${(1e6 / stateless).toFixed(0)} | ${rust(`stateless_check_order_10k_history_${name}`)} |`)
}
console.log(['## Node (kairo-node): pre-trade checks per second', '',
  `Command: \`cd kairo-node && npm run build && npm run bench\` (kairo-node/bench/check_order.mjs), Node ${process.version}, medians of 7 runs.`,
  'The live engine answers from its state; the stateless call converts the 10,000 JS trade objects and replays them on every call.',
  'The Rust column is kairo-core\'s criterion median for the same call (benches/README.md); the difference is the conversion of the order and of the decision (written as one JSON text by serde and read by `JSON.parse`).',
  '', ...lines].join('\n'))
