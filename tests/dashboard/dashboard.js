// Loads berthd's admin dashboard in Debian's headless Chromium (driven by playwright-core, which
// downloads no browser of its own) and checks that it works as a user would see it:
//   node dashboard.js URL TOPIC MESSAGES SCREENSHOT
// waits until the topics table's row for TOPIC shows MESSAGES messages and the page has rendered
// three full polls (so msgs/s and the chart have data), saves a full-page screenshot, and exits 0.
// It exits 1 naming every console error, page error, failed request or HTTP error response it
// saw, a visible error banner, or the timeout.
//
// Environment: BERTH_CHROMIUM (default /usr/bin/chromium), BERTH_DASHBOARD_TIMEOUT_MS (default
// 30000), BERTH_ADMIN_USER and BERTH_ADMIN_PASSWORD (HTTP Basic credentials, when berthd has
// [auth]). NODE_PATH must reach playwright-core.
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArguments(argv) {
  if (argv.length !== 4 || !/^\d+$/.test(argv[2])) {
    console.error('usage: node dashboard.js URL TOPIC MESSAGES SCREENSHOT');
    process.exit(2);
  }
  const [url, topic, messages, screenshot] = argv;
  return { url, topic, messages: Number(messages), screenshot };
}

function credentials() {
  const username = process.env.BERTH_ADMIN_USER;
  if (!username) return undefined;
  // 'always': send them with the first request rather than after a 401, so no 401 shows up
  // among the responses this script counts as failures.
  return { username, password: process.env.BERTH_ADMIN_PASSWORD || '', send: 'always' };
}

// Everything that went wrong in the page, as lines for the final report.
function watchForProblems(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack || error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.method()} ${request.url()}: ${(request.failure() || {}).errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return problems;
}

// Runs in the page: true once the topic's row shows `expected` messages (digits only, so the
// thousands separators of the display do not matter) and three polls have rendered (two msgs/s
// samples, so the chart draws a line).
function pageIsReady([topic, expected]) {
  const row = document.querySelector(`#topics tr[data-topic="${CSS.escape(topic)}"]`);
  const cell = row && row.querySelector('.messages');
  const shown = cell ? cell.textContent.replace(/\D/g, '') : '';
  return shown === String(expected) && Number(document.body.dataset.polls || 0) >= 3;
}

// What the page shows for the topic now, for the timeout message.
function describeTopicRow(topic) {
  const row = document.querySelector(`#topics tr[data-topic="${CSS.escape(topic)}"]`);
  const rows = document.querySelectorAll('#topics tbody tr').length;
  return `${row ? `row: "${row.textContent}"` : 'no row for the topic'}; ${rows} rows; ` +
    `polls: ${document.body.dataset.polls || 0}; banner: "${document.querySelector('#banner').textContent}"`;
}

async function check(browser, args, timeoutMs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, httpCredentials: credentials() });
  const page = await context.newPage();
  const problems = watchForProblems(page);
  try {
    await page.goto(args.url, { waitUntil: 'load', timeout: timeoutMs });
  } catch (error) {
    // Refused credentials or no listener: nothing more to wait for.
    problems.push(`cannot load ${args.url}: ${error.message.split('\n')[0]}`);
    await context.close();
    return problems;
  }
  try {
    await page.waitForFunction(pageIsReady, [args.topic, args.messages], { timeout: timeoutMs, polling: 250 });
  } catch (error) {
    const seen = await page.evaluate(describeTopicRow, args.topic).catch(() => 'page not readable');
    problems.push(`timeout: the topics table never showed ${args.messages} messages for '${args.topic}' ` +
      `within ${timeoutMs} ms (${seen})`);
  }
  await page.screenshot({ path: args.screenshot, fullPage: true });
  console.log(`screenshot: ${path.resolve(args.screenshot)}`);
  if (await page.isVisible('#banner')) problems.push(`error banner shown: ${await page.textContent('#banner')}`);
  await context.close();
  return problems;
}

// The problems in order of first appearance, a repeated one once with its count: a poll that
// fails every 2 s should not bury the rest.
function summarize(problems) {
  const counts = new Map();
  for (const problem of problems) counts.set(problem, (counts.get(problem) || 0) + 1);
  return [...counts].map(([problem, count]) => (count > 1 ? `${problem} (${count} times)` : problem));
}

async function main() {
  const args = parseArguments(process.argv.slice(2));
  const timeoutMs = Number(process.env.BERTH_DASHBOARD_TIMEOUT_MS || 30000);
  // launch() gives Chromium a fresh temporary profile and removes it at close: nothing from an
  // earlier run or a user's Chromium changes what the page does.
  const browser = await chromium.launch({
    executablePath: process.env.BERTH_CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: timeoutMs,
  });
  let problems;
  try {
    problems = await check(browser, args, timeoutMs);
  } finally {
    await browser.close();
  }
  if (problems.length > 0) {
    console.error(`dashboard check failed:\n  ${summarize(problems).join('\n  ')}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ dashboard: 'ok', topic: args.topic, messages: args.messages }));
}

main().catch((error) => {
  console.error(`dashboard check failed: ${error.stack || error}`);
  process.exit(1);
});
