'use strict';
// Push consumers. (a) A listener that always succeeds gets each of 20 messages exactly once.
// (b) On a second topic and group, a listener that fails one message the first time gets it
// again, as delivery attempt 2, and the other messages once.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC (a), BERTH_RETRY_TOPIC (b), BERTH_GROUP
// (default compat-push), BERTH_RETRY_GROUP (default compat-push-retry).

const assert = require('node:assert');
const { ConsumeResult, Producer, PushConsumer } = require('rocketmq-client-nodejs');
const { REQUEST_TIMEOUT_MS, envVar, runScenario, sleep } = require('./lib');

const MESSAGES = 20;
const RETRY_MESSAGES = 3;
// After the expected deliveries, how long to watch for unexpected ones.
const QUIET_MS = 2000;

// Resolves when `done()` holds, polling; false when `timeoutMs` passed first.
async function waitFor(done, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= until) return false;
    await sleep(50);
  }
  return true;
}

runScenario('push_consumer', { timeoutMs: 80000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const retryTopic = envVar('BERTH_RETRY_TOPIC');
  const group = envVar('BERTH_GROUP', 'compat-push');
  const retryGroup = envVar('BERTH_RETRY_GROUP', 'compat-push-retry');

  // (a) every delivery, by message id
  const deliveries = new Map();
  // (b) every delivery in order: { id, body, attempt, result }
  const retryLog = [];
  let failedOnce = false;

  scenario.step('starting the push consumers');
  const consumer = scenario.track(new PushConsumer({
    endpoints, consumerGroup: group, requestTimeout: REQUEST_TIMEOUT_MS,
    subscriptions: new Map([[ topic, '*' ]]),
    messageListener: {
      consume(view) {
        const seen = deliveries.get(view.messageId) ?? [];
        seen.push({ body: view.body.toString(), attempt: view.deliveryAttempt });
        deliveries.set(view.messageId, seen);
        return ConsumeResult.SUCCESS;
      },
    },
  }));
  const retryConsumer = scenario.track(new PushConsumer({
    endpoints, consumerGroup: retryGroup, requestTimeout: REQUEST_TIMEOUT_MS,
    subscriptions: new Map([[ retryTopic, '*' ]]),
    messageListener: {
      async consume(view) {
        const failNow = view.properties.get('fail') === 'once' && !failedOnce;
        if (failNow) failedOnce = true;
        const result = failNow ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS;
        retryLog.push({ id: view.messageId, body: view.body.toString(), attempt: view.deliveryAttempt,
          result: result.toString() });
        return result;
      },
    },
  }));
  await Promise.all([ consumer.startup(), retryConsumer.startup() ]);

  // A producer per topic: rocketmq-client-nodejs 1.0.8 built with several topics starts
  // waiting for the broker's Settings reply only after its last route query, so a prompt reply
  // to the first topic's Settings can be missed, and startup() then waits forever.
  scenario.step('starting the producers');
  const producer = scenario.track(new Producer({ endpoints, topic, requestTimeout: REQUEST_TIMEOUT_MS }));
  const retryProducer = scenario.track(new Producer({ endpoints, topic: retryTopic,
    requestTimeout: REQUEST_TIMEOUT_MS }));
  await Promise.all([ producer.startup(), retryProducer.startup() ]);

  // (a)
  scenario.step(`sending ${MESSAGES} messages`);
  const sentIds = [];
  const sendStart = Date.now();
  for (let i = 0; i < MESSAGES; i++) {
    const receipt = await producer.send({ topic, body: Buffer.from(`push #${i}`), keys: [ `push-${i}` ] });
    sentIds.push(receipt.messageId);
  }
  scenario.step(`waiting for ${MESSAGES} deliveries (${deliveries.size} so far)`);
  const allArrived = await waitFor(() => sentIds.every(id => deliveries.has(id)), 30000);
  const allArrivedMs = Date.now() - sendStart;
  assert.ok(allArrived, `within 30 s the listener got ${sentIds.filter(id => deliveries.has(id)).length} ` +
    `of the ${MESSAGES} messages`);
  await sleep(QUIET_MS);
  const unknown = [ ...deliveries.keys() ].filter(id => !sentIds.includes(id));
  assert.deepStrictEqual(unknown, [], 'the listener got messages that were not sent');
  const repeated = sentIds.filter(id => deliveries.get(id).length !== 1)
    .map(id => ({ id, deliveries: deliveries.get(id) }));
  assert.deepStrictEqual(repeated, [], 'messages delivered more than once although the listener succeeded');
  for (const id of sentIds) {
    assert.strictEqual(deliveries.get(id)[0].attempt, 1, `deliveryAttempt of ${id}`);
  }

  // (b)
  scenario.step(`sending ${RETRY_MESSAGES} messages, one of which fails once`);
  const retryIds = [];
  let failingId;
  for (let i = 0; i < RETRY_MESSAGES; i++) {
    const failing = i === 1;
    const receipt = await retryProducer.send({
      topic: retryTopic,
      body: Buffer.from(`retry #${i}`),
      properties: new Map(failing ? [[ 'fail', 'once' ]] : []),
    });
    retryIds.push(receipt.messageId);
    if (failing) failingId = receipt.messageId;
  }
  scenario.step('waiting for the failed message to come back');
  const count = id => retryLog.filter(d => d.id === id).length;
  const settled = await waitFor(() => count(failingId) >= 2 && retryIds.every(id => count(id) >= 1), 30000);
  assert.ok(settled, `the failed message did not come back within 30 s (it is ${failingId}; ` +
    `deliveries: ${JSON.stringify(retryLog)})`);
  await sleep(QUIET_MS);
  const outcomes = id => retryLog.filter(d => d.id === id).map(d => [ d.attempt, d.result ]);
  assert.deepStrictEqual(outcomes(failingId), [[ 1, 'FAILURE' ], [ 2, 'SUCCESS' ]],
    `deliveries of the message that failed once (${failingId})`);
  for (const id of retryIds.filter(id => id !== failingId)) {
    assert.deepStrictEqual(outcomes(id), [[ 1, 'SUCCESS' ]], `deliveries of ${id}`);
  }
  assert.deepStrictEqual(retryLog.filter(d => !retryIds.includes(d.id)), [],
    'deliveries of messages not sent');

  return {
    delivered: deliveries.size,
    all_delivered_ms: allArrivedMs,
    retry_deliveries: retryLog.map(d => ({ attempt: d.attempt, result: d.result, body: d.body })),
  };
});
