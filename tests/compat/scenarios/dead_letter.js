'use strict';
// A FIFO push consumer whose listener keeps failing one message: the client retries it
// locally up to the broker's max attempts (the Settings reply's backoff policy), then forwards
// it with ForwardMessageToDeadLetterQueue. The broker settles it for the group, so the next
// message of the same message group is delivered after it (the test then finds the failed one
// in %DLQ%<group> with berthctl).
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_FIFO_TOPIC, BERTH_FIFO_GROUP (a group the broker's
// fifo_groups names; the broker's max_delivery_attempts is 2).

const assert = require('node:assert');
const { ConsumeResult, Producer, PushConsumer } = require('rocketmq-client-nodejs');
const { REQUEST_TIMEOUT_MS, envVar, runScenario, sleep } = require('./lib');

runScenario('dead_letter', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_FIFO_TOPIC');
  const consumerGroup = envVar('BERTH_FIFO_GROUP');
  const log = [];  // { body, attempt, result }

  scenario.step('starting the push consumer');
  const consumer = scenario.track(new PushConsumer({
    endpoints, consumerGroup, requestTimeout: REQUEST_TIMEOUT_MS,
    subscriptions: new Map([[ topic, '*' ]]),
    messageListener: {
      async consume(view) {
        const body = view.body.toString();
        const result = body === 'poison' ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS;
        log.push({ body, attempt: view.deliveryAttempt, result: result.toString() });
        return result;
      },
    },
  }));
  await consumer.startup();

  scenario.step('starting the producer');
  const producer = scenario.track(new Producer({ endpoints, topic, requestTimeout: REQUEST_TIMEOUT_MS }));
  await producer.startup();

  scenario.step('sending poison, then after, in one message group');
  for (const body of [ 'poison', 'after' ]) {
    await producer.send({ topic, body: Buffer.from(body), messageGroup: 'orders-1' });
  }

  scenario.step('waiting for the message after the poison');
  const until = Date.now() + 40000;
  while (!log.some(e => e.body === 'after') && Date.now() < until) await sleep(50);
  const poison = log.filter(e => e.body === 'poison');
  assert.ok(log.some(e => e.body === 'after'),
    `the message after the failing one never came (the group stayed blocked): ${JSON.stringify(log)}`);
  assert.ok(poison.length >= 2, `the failing message was tried ${poison.length} time(s), not 2`);
  assert.ok(log.findIndex(e => e.body === 'after') > log.findIndex(e => e.body === 'poison'),
    `out of order: ${JSON.stringify(log)}`);
  return { poison_attempts: poison.length, log };
});
