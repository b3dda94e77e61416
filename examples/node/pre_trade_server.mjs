// @ts-check
// An Express-style order endpoint that checks each order in-process with kairo before it reaches the broker.
//
//   node examples/node/pre_trade_server.mjs     # starts a fake broker and the endpoint on 127.0.0.1, sends orders
//
// One ComplianceEngine per account stays live: fills are pushed as they happen, and an order is checked against
// the engine's state in microseconds. A refused order never reaches the broker; the response carries the reasons.
import http from 'node:http'
import { ComplianceEngine } from '../../kairo-node/index.js'

/** @typedef {import('../../kairo-node/index.js').AccountContext} AccountContext */
/** @typedef {import('../../kairo-node/index.js').TradeInput} TradeInput */
/** @typedef {(req: http.IncomingMessage & { body?: any, order?: TradeInput }, res: http.ServerResponse, next: () => Promise<void>) => Promise<void>} Middleware */

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** Reads a JSON body. @type {Middleware} */
async function json(req, res, next) {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    req.body = text ? JSON.parse(text) : {}
  } catch {
    return send(res, 400, { error: 'body must be JSON' })
  }
  await next()
}

/**
 * The pre-trade check: 422 with the failing checks, or on to the next handler with `req.order`.
 * @param {Map<string, ComplianceEngine>} engines
 * @returns {Middleware}
 */
export function preTradeCheck(engines) {
  return async (req, res, next) => {
    const { userId, symbol, side, qty, price } = req.body
    const engine = engines.get(userId)
    if (!engine) return send(res, 404, { error: `unknown account ${userId}` })
    /** @type {TradeInput} */
    const order = { id: `order-${Date.now()}`, userId, symbol, side, qty, price, executedAt: new Date() }
    try {
      const decision = engine.checkOrder(order)
      const issues = decision.results.filter((r) => r.status !== 'pass')
      if (!decision.allowed) return send(res, 422, { allowed: false, results: issues })
      req.order = order
      await next()
    } catch (e) {
      const err = /** @type {Error & { code?: string }} */ (e)
      return send(res, 400, { error: err.message, code: err.code })
    }
  }
}

/**
 * Sends the order to the broker and records the fill.
 * @param {string} brokerUrl
 * @param {Map<string, ComplianceEngine>} engines
 * @returns {Middleware}
 */
export function placeOrder(brokerUrl, engines) {
  return async (req, res) => {
    const order = /** @type {TradeInput} */ (req.order)
    const reply = await fetch(`${brokerUrl}/v2/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: order.symbol, qty: String(order.qty), side: order.side.toLowerCase(), type: 'market' }),
    })
    const fill = await reply.json()
    const results = engines.get(order.userId)?.push({ ...order, id: fill.id, price: fill.filled_avg_price }) ?? []
    send(res, 201, { order: fill, flags: results.filter((r) => r.status === 'flag') })
  }
}

/**
 * The app: POST /orders runs json → preTradeCheck → placeOrder.
 * @param {{ brokerUrl: string, accounts: Record<string, AccountContext> }} options
 */
export function createApp({ brokerUrl, accounts }) {
  const engines = new Map(Object.entries(accounts).map(([id, ctx]) => [id, new ComplianceEngine(ctx)]))
  const chain = [json, preTradeCheck(engines), placeOrder(brokerUrl, engines)]
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/orders') return send(res, 404, { error: 'not found' })
    /** @param {number} i @returns {Promise<void>} */
    const run = (i) => chain[i](req, res, () => run(i + 1))
    run(0).catch((e) => send(res, 500, { error: String(e) }))
  })
  return { server, engines }
}

/** A stand-in for the broker's order API (Alpaca's shape): fills every market order at $100. */
export function createFakeBroker() {
  /** @type {unknown[]} */
  const received = []
  const server = http.createServer(async (req, res) => {
    let text = ''
    for await (const chunk of req) text += chunk
    const order = JSON.parse(text)
    received.push(order)
    send(res, 200, { id: `fill-${received.length}`, status: 'filled', filled_avg_price: '100', ...order })
  })
  return { server, received }
}

/** @param {http.Server} server @returns {Promise<string>} */
export function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address())
      resolve(`http://127.0.0.1:${address.port}`)
    })
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const broker = createFakeBroker()
  const brokerUrl = await listen(broker.server)
  const { server } = createApp({ brokerUrl, accounts: { u1: { account_type: 'cash', settled_cash: '1000', restricted_symbols: ['XYZ'] } } })
  const url = await listen(server)
  /** @param {object} body */
  const post = async (body) => (await fetch(`${url}/orders`, { method: 'POST', body: JSON.stringify(body) })).json()
  console.log('buy 5 ABC  ->', JSON.stringify(await post({ userId: 'u1', symbol: 'ABC', side: 'BUY', qty: 5, price: '100' })))
  console.log('buy 1 XYZ  ->', JSON.stringify(await post({ userId: 'u1', symbol: 'XYZ', side: 'BUY', qty: 1, price: '10' })))
  console.log('sell 9 ABC ->', JSON.stringify(await post({ userId: 'u1', symbol: 'ABC', side: 'SELL', qty: 9, price: '101' })))
  console.log(`the broker received ${broker.received.length} order(s)`)
  server.close()
  broker.server.close()
}
