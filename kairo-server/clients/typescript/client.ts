// The KAIRO Node backend's two calls to the analytics service (`sendTradeToPython`, `getComparativeAnalysis`),
// written against the types openapi-typescript generates from kairo-server's OpenAPI document (api.d.ts). The
// type check fails when a response is typed `unknown` or a field the backend reads is missing or mistyped.
import type { components, paths } from "./api";

const KAIRO_URL = "http://localhost:8000";
const headers = (token: string) => ({ "Content-Type": "application/json", Authorization: `Bearer ${token}` });

/** A trade as the backend's Prisma client returns it. */
interface Trade {
  id: string;
  userId: string;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: number;
  price: number;
  executedAt: Date;
}

type TradeBody = paths["/trades"]["post"]["requestBody"]["content"]["application/json"];
type StoredTrade = paths["/trades"]["post"]["responses"]["201"]["content"]["application/json"];
type Comparative = paths["/users/{id}/comparative"]["get"]["responses"]["200"]["content"]["application/json"];
type Metrics = paths["/users/{id}/metrics"]["get"]["responses"]["200"]["content"]["application/json"];
type Compliance = paths["/users/{id}/compliance"]["get"]["responses"]["200"]["content"]["application/json"];
type Decision = paths["/users/{id}/compliance/check"]["post"]["responses"]["200"]["content"]["application/json"];
type ApiError = components["schemas"]["ErrorBody"];

// Every read is typed: none of them may be `unknown` (or `any`).
type Known<T> = unknown extends T ? false : true;
const typed: [Known<StoredTrade>, Known<Comparative>, Known<Metrics>, Known<Compliance>, Known<Decision>] = [
  true, true, true, true, true,
];

export async function sendTradeToPython(trade: Trade, token: string): Promise<StoredTrade> {
  const body: TradeBody = {
    id: trade.id,
    user_id: trade.userId,
    symbol: trade.symbol,
    side: trade.side,
    qty: String(trade.quantity),
    price: String(trade.price),
    executed_at: trade.executedAt.toISOString(),
  };
  const response = await fetch(`${KAIRO_URL}/trades`, { method: "POST", headers: headers(token), body: JSON.stringify(body) });
  if (!response.ok) {
    const error = (await response.json()) as ApiError;
    throw new Error(`${error.error.code}: ${error.error.message}`);
  }
  return (await response.json()) as StoredTrade;
}

export async function getComparativeAnalysis(userId: string, benchmark: string, token: string): Promise<Comparative> {
  const response = await fetch(`${KAIRO_URL}/users/${userId}/comparative?benchmark=${benchmark}&series=daily`, {
    headers: headers(token),
  });
  return (await response.json()) as Comparative;
}

/** What a dashboard reads from the answers: each line fails the type check if the document lost the field. */
export function summary(c: Comparative, m: Metrics, audit: Compliance, d: Decision, t: StoredTrade): string[] {
  const alpha: number | null = c.alpha;
  const excess: number | null = c.excess_return;
  const curve = c.equity_curve ?? [];
  const last = curve[curve.length - 1];
  const value: string | undefined = last?.portfolio_value;
  const shadow: string = c.shadow.final_value;
  const month: number | undefined = c.monthly[0]?.month;
  const realized: string | null | undefined = m.pnl?.realized;
  const sharpe: number | null | undefined = m.risk?.sharpe_ratio;
  const moneyWeighted: number | null | undefined = m.money_weighted_return;
  const rows: number = audit.rows.length;
  const firstCheck: string | undefined = audit.rows[0]?.check_name;
  const allowed: boolean = d.allowed;
  const reason: string | undefined = d.results[0]?.reason;
  const id: string = t.id;
  return [String(typed), String(alpha), String(excess), String(value), shadow, String(month), String(realized),
    String(sharpe), String(moneyWeighted), String(rows), String(firstCheck), String(allowed), String(reason), id];
}
