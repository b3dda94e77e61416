// Loads a tear sheet and the dashboard (/app) in headless Chromium and checks what a person would see: no console
// errors, no failed requests, every chart drawn, the numbers shown equal to the JSON endpoints'. Writes screenshots
// to the folder given and prints it.
//
//   node check.mjs <report.html> <service url> <token> <user id> <screenshot folder>
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import puppeteer from 'puppeteer-core'

const [reportFile, base, token, user, shots] = process.argv.slice(2)
const failures = []
const fail = (message) => { failures.push(message); console.error('FAIL ' + message) }

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
})

/** A page that records its console errors and failed or non-local requests. */
async function watched (name) {
  const page = await browser.newPage()
  await page.setViewport({ width: 1200, height: 900 })
  page.on('console', (m) => { if (m.type() === 'error') fail(`${name}: console error: ${m.text()}`) })
  page.on('pageerror', (e) => fail(`${name}: script error: ${e.message}`))
  page.on('requestfailed', (r) => fail(`${name}: request failed: ${r.url()} ${r.failure()?.errorText}`))
  page.on('request', (r) => {
    const url = r.url()
    if (!(url.startsWith(base) || url.startsWith('file:') || url.startsWith('data:') || url.startsWith('about:'))) {
      fail(`${name}: external request ${url}`)
    }
  })
  return page
}

/** Charts in `frame` that draw nothing. */
async function blankCharts (frame) {
  return frame.$$eval('svg.chart', (charts) => charts
    .filter((c) => c.querySelectorAll('path.line, path.area, rect.bar, rect.cell').length === 0)
    .map((c) => c.id))
}

async function json (path) {
  const r = await fetch(base + path, { headers: { Authorization: 'Bearer ' + token } })
  if (!r.ok) throw new Error(`${path}: ${r.status}`)
  return r.json()
}

const percent1 = (x) => (x * 100).toFixed(1) + '%'
const percent2 = (x) => (x * 100).toFixed(2) + '%'

// 1. the tear sheet as a file
{
  const page = await watched('report')
  const html = readFileSync(reportFile, 'utf8')
  await page.goto('file://' + reportFile, { waitUntil: 'load' })
  const charts = await page.$$eval('svg.chart', (c) => c.length)
  if (charts < 10) fail(`report: ${charts} charts`)
  const blank = await blankCharts(page)
  if (blank.length) fail(`report: charts without a drawn path: ${blank.join(', ')}`)
  const comparison = await json(`/users/${user}/comparative?benchmark=SPY`)
  const shown = await page.$eval('tr[data-metric="cum_returns_final"] td:nth-child(2)', (td) => td.textContent)
  if (shown !== percent1(comparison.portfolio_total_return)) {
    fail(`report: cumulative return shown ${shown}, the comparison's ${percent1(comparison.portfolio_total_return)}`)
  }
  const benchShown = await page.$eval('tr[data-metric="cum_returns_final"] td:nth-child(3)', (td) => td.textContent)
  if (benchShown !== percent1(comparison.benchmark_total_return)) {
    fail(`report: benchmark return shown ${benchShown}, the comparison's ${percent1(comparison.benchmark_total_return)}`)
  }
  await page.screenshot({ path: join(shots, 'tear-sheet.png'), fullPage: true })
  console.log(`report: ${charts} charts drawn, ${(html.length / 1024).toFixed(0)} KB, cumulative return ${shown}`)
  await page.close()
}

// 2. the dashboard
{
  const page = await watched('app')
  await page.goto(base + '/app', { waitUntil: 'load' })
  // keyboard only: the token field, the user field, then submit with Enter
  await page.focus('#token')
  await page.keyboard.type(token)
  await page.keyboard.press('Tab')
  await page.keyboard.type(user)
  await page.keyboard.press('Enter')
  await page.waitForSelector('#report-section:not([hidden])', { timeout: 20000 })
  const frame = await (await page.$('#report')).contentFrame()
  await frame.waitForSelector('svg.chart')
  const blank = await blankCharts(frame)
  if (blank.length) fail(`app: charts without a drawn path: ${blank.join(', ')}`)
  const comparison = await json(`/users/${user}/comparative?benchmark=SPY`)
  const field = (name) => page.$eval(`dd[data-field="${name}"]`, (d) => d.textContent)
  for (const [name, expected] of [
    ['portfolio_total_return', percent2(comparison.portfolio_total_return)],
    ['benchmark_total_return', percent2(comparison.benchmark_total_return)],
    ['alpha', percent2(comparison.alpha)],
    ['beta', Number(comparison.beta).toFixed(3)],
  ]) {
    const shown = await field(name)
    if (shown !== expected) fail(`app: ${name} shown ${shown}, the JSON's ${expected}`)
  }
  const compliance = await json(`/users/${user}/compliance?limit=1`)
  if ((await field('compliance_rows')) !== String(compliance.total)) fail('app: compliance rows differ from the JSON')
  await page.setViewport({ width: 1200, height: 1400 })
  await page.screenshot({ path: join(shots, 'dashboard.png') })
  console.log(`app: summary equals /comparative and /compliance; ${await frame.$$eval('svg.chart', (c) => c.length)} charts in the tear sheet`)
  await page.close()
}

await browser.close()
console.log(`screenshots: ${shots}`)
if (failures.length) {
  console.error(`${failures.length} failure(s)`)
  process.exit(1)
}
