// Typed use of the kairo addon from TypeScript (checked by `npm run typecheck` in kairo-node).
import * as kairo from '../../kairo-node/index.js'
import type { AccountContext, CheckResult, TradeInput } from '../../kairo-node/index.js'

const daily = new Float64Array([0.01, -0.004, 0.007, -0.012, 0.009, 0.003])
const spy: number[] = [0.008, -0.003, 0.005, -0.01, 0.007, 0.002]
const sharpe: number = kairo.sharpeRatio(daily, { riskFree: 0.0001, period: 'daily' })
const all: kairo.AllMetrics = kairo.metrics(daily, spy)
const [alpha, beta] = kairo.alphaBeta(daily, spy)
console.log(sharpe.toFixed(3), all.maxDrawdown, alpha, beta)

const ctx: AccountContext = { account_type: 'margin', equity: '24000', limits: { max_notional: { max: 50000, action: 'flag' } } }
const history: TradeInput[] = [
  { userId: 'u1', symbol: 'ABC', side: 'BUY', qty: 10, price: '101.25', executedAt: new Date('2024-06-13T14:00:00Z') },
  { userId: 'u1', symbol: 'ABC', side: 'SELL', qty: '10', price: 102, executedAt: '2024-06-13T14:05:00Z' },
]
const decision: kairo.Decision = kairo.checkOrder(history, { ...history[0], executedAt: '2024-06-14T14:00:00Z' }, ctx)
const failing: CheckResult[] = decision.results.filter((r) => r.status === 'fail')
const pnl: string = kairo.lots(history, 'fifo').realizedPnl
void kairo.checkHistoryAsync(history, ctx).then((rows) => console.log(rows.length, failing.length, pnl))
