'use strict';
// What every compat scenario shares: settings from the environment, the frame that runs a
// scenario (hard timeout, client shutdown, one JSON result line, exit codes) and receive loops.
//
// Exit codes: 0 passed; 1 a check failed or the client refused (stderr says which); 2 the hard
// timeout fired (stderr names the step it was in); 3 the event loop ran dry before the scenario
// finished (a promise nobody will ever settle).

const { setTimeout: sleep } = require('node:timers/promises');

// Client options every scenario uses: quick failures, short long polls.
const REQUEST_TIMEOUT_MS = 3000;
const AWAIT_DURATION_MS = 5000;

// The value of environment variable `name`; `fallback` when unset or empty; an error naming
// the variable when there is no fallback.
function envVar(name, fallback) {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`environment variable ${name} is not set`);
}

function envInt(name, fallback) {
  const text = envVar(name, fallback === undefined ? undefined : String(fallback));
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`environment variable ${name} must be a non-negative integer, not '${text}'`);
  }
  return value;
}

// The numeric `code` of an error and of every error in its `cause` chain, outermost first
// (the client wraps startup failures twice: "Startup ... failed" -> "Failed to fetch topic
// routes" -> the ClientException with the broker's code).
function codesOf(err) {
  const codes = [];
  for (let e = err, depth = 0; e && depth < 10; e = e.cause, depth++) {
    if (typeof e.code === 'number') codes.push(e.code);
  }
  return codes;
}

// An error and its causes on one line each.
function describeError(err) {
  const lines = [];
  for (let e = err, depth = 0; e && depth < 10; e = e.cause, depth++) {
    const code = typeof e.code === 'number' || typeof e.code === 'string' ? ` (code ${e.code})` : '';
    const text = e instanceof Error ? `${e.name}: ${e.message}${code}` : String(e);
    lines.push(depth === 0 ? text : `  caused by ${text}`);
  }
  return lines.join('\n');
}

// `err` must carry one of `codes` somewhere in its cause chain: returns { code, message },
// else throws an error saying what came instead.
function refusalOf(err, codes, what) {
  const seen = codesOf(err);
  const code = seen.find(c => codes.includes(c));
  if (code === undefined) {
    const wrong = new Error(`${what}: refused, but not with code ${codes.join(' or ')} ` +
      `(codes in the cause chain: ${seen.length ? seen.join(', ') : 'none'})`);
    wrong.cause = err;
    throw wrong;
  }
  return { code, message: err.message };
}

// Await `promise`, which must be refused with one of `codes` (see refusalOf).
async function expectRefusal(promise, codes, what) {
  let value;
  try {
    value = await promise;
  } catch (err) {
    return refusalOf(err, codes, what);
  }
  let shown;
  try {
    shown = JSON.stringify(value)?.slice(0, 300);
  } catch {
    shown = String(value);
  }
  throw new Error(`${what}: succeeded (${shown}), but should have been refused with code ` +
    `${codes.join(' or ')}`);
}

// Receive (and hand each message to `onMessage`, e.g. to ack it) until `count` messages came
// or `timeoutMs` passed; a receive under way when the time is up is finished. Returns the
// messages in arrival order, each with `receivedAt` (ms since the epoch) and `batch` (which
// receive call brought it, from 0) added.
async function receiveUntil(consumer, { count = Infinity, timeoutMs, maxMessages = 16,
  invisibleMs = 15000, onMessage } = {}) {
  const received = [];
  const until = Date.now() + timeoutMs;
  for (let call = 0; received.length < count && Date.now() < until; call++) {
    const batch = await consumer.receive(maxMessages, invisibleMs);
    const receivedAt = Date.now();
    for (const message of batch) {
      message.receivedAt = receivedAt;
      message.batch = call;
      received.push(message);
      if (onMessage) await onMessage(message);
    }
  }
  return received;
}

// Run scenario `name`: `body(scenario)` does the work and returns the summary to print. Clients
// given to scenario.track() are shut down afterwards, whatever happened; scenario.step(text)
// says what is going on, for the timeout's message.
function runScenario(name, { timeoutMs }, body) {
  const started = Date.now();
  const clients = [];
  let step = 'starting';
  let finished = false;

  const fail = (exitCode, text) => {
    finished = true;
    process.stderr.write(`${name}: FAILED: ${text}\n`);
    process.exit(exitCode);
  };
  // Unref'd: a finished scenario exits at once. A scenario whose work stalls on a socket or
  // timer of the client is ended here; one whose event loop runs dry, by the exit hook below.
  setTimeout(() => fail(2, `hard timeout of ${timeoutMs} ms while ${step}`), timeoutMs).unref();
  process.on('exit', code => {
    if (!finished && code === 0) {
      process.stderr.write(`${name}: FAILED: nothing left to wait for while ${step} ` +
        '(a promise of the client never settled)\n');
      process.exitCode = 3;
    }
  });
  // The client has callbacks that can throw into nowhere (e.g. on a malformed answer of the
  // broker); those are failures of the run, not noise.
  process.on('unhandledRejection', err =>
    fail(1, `unhandled rejection while ${step}: ${describeError(err)}`));
  process.on('uncaughtException', err =>
    fail(1, `uncaught exception while ${step}: ${describeError(err)}\n${err && err.stack}`));

  const scenario = {
    track(client) {
      clients.push(client);
      return client;
    },
    step(text) {
      step = text;
    },
  };

  (async () => {
    let summary;
    let failed = false;
    try {
      summary = await body(scenario);
    } catch (err) {
      // Said at once: shutting down may itself hang until the hard timeout.
      failed = true;
      const stack = err instanceof Error && err.stack ? `\n${err.stack}` : '';
      process.stderr.write(`${name}: FAILED while ${step}: ${describeError(err)}${stack}\n`);
    }
    step = `shutting down ${clients.length} client(s)`;
    const results = await Promise.allSettled(clients.reverse().map(c => c.shutdown()));
    const shutdownErrors = results.filter(r => r.status === 'rejected').map(r => describeError(r.reason));
    if (shutdownErrors.length) fail(1, `shutdown() failed: ${shutdownErrors.join('; ')}`);
    finished = true;
    if (failed) process.exit(1);
    printResult({ scenario: name, ok: true, elapsed_ms: Date.now() - started, ...summary });
    process.exit(0);
  })();
}

// Start a SimpleConsumer of `consumerGroup` subscribed to all of `topic` and a Producer for it,
// both tracked for shutdown, with the scenarios' short timeouts.
async function startConsumerAndProducer(scenario, { endpoints, topic, consumerGroup }) {
  // Required here, not at the top: lib.js is also loaded where the client is not needed.
  const { Producer, SimpleConsumer } = require('rocketmq-client-nodejs');
  scenario.step('starting the clients');
  const consumer = scenario.track(new SimpleConsumer({
    endpoints, consumerGroup, subscriptions: new Map([[ topic, '*' ]]),
    awaitDuration: AWAIT_DURATION_MS, requestTimeout: REQUEST_TIMEOUT_MS,
  }));
  await consumer.startup();
  const producer = scenario.track(new Producer({ endpoints, topic, requestTimeout: REQUEST_TIMEOUT_MS }));
  await producer.startup();
  return { consumer, producer };
}

// One JSON line on stdout.
function printResult(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

module.exports = {
  AWAIT_DURATION_MS,
  REQUEST_TIMEOUT_MS,
  envInt,
  envVar,
  expectRefusal,
  receiveUntil,
  refusalOf,
  runScenario,
  sleep,
  startConsumerAndProducer,
};
