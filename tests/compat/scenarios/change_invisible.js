'use strict';
// A received message made visible again early with changeInvisibleDuration: it comes back
// about a second later as delivery attempt 2 with a new receipt handle; acking with the first
// (now stale) handle is refused with INVALID_RECEIPT_HANDLE, acking with the new one works,
// and then nothing is left to receive.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-change-invisible).

const assert = require('node:assert');
const { Code } = require('rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb');
const {
  envVar, expectRefusal, receiveUntil, runScenario, startConsumerAndProducer,
} = require('./lib');

// The first receive hides the message for longer than the test takes; the change brings it
// back after this (the client accepts any duration; RocketMQ allows 0 to 12 h here).
const FIRST_INVISIBLE_MS = 10000;
const CHANGED_INVISIBLE_MS = 1000;

runScenario('change_invisible', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-change-invisible');

  const { consumer, producer } = await startConsumerAndProducer(scenario,
    { endpoints, topic, consumerGroup });

  scenario.step('sending');
  const receipt = await producer.send({ topic, body: Buffer.from('make me visible again'), tag: 'inv' });

  scenario.step('receiving the first time');
  const [ first ] = await receiveUntil(consumer, { count: 1, maxMessages: 1, timeoutMs: 15000,
    invisibleMs: FIRST_INVISIBLE_MS });
  assert.ok(first, 'the message was not received within 15 s');
  assert.strictEqual(first.messageId, receipt.messageId, 'the received message id');
  assert.strictEqual(first.deliveryAttempt, 1, 'deliveryAttempt of the first delivery');
  const firstHandle = first.receiptHandle;
  assert.ok(firstHandle, 'the first delivery has no receipt handle');

  scenario.step('changing the invisible duration');
  const changedAt = Date.now();
  await consumer.changeInvisibleDuration(first, CHANGED_INVISIBLE_MS);
  const changedHandle = first.receiptHandle;
  assert.ok(changedHandle, 'changeInvisibleDuration gave no new receipt handle');
  assert.notStrictEqual(changedHandle, firstHandle,
    'changeInvisibleDuration gave back the same receipt handle');

  scenario.step('receiving it again');
  const [ second ] = await receiveUntil(consumer, { count: 1, maxMessages: 1, timeoutMs: 10000,
    invisibleMs: FIRST_INVISIBLE_MS });
  const againAfterMs = Date.now() - changedAt;
  assert.ok(second, `the message did not come back within 10 s of changing its invisible duration ` +
    `to ${CHANGED_INVISIBLE_MS} ms`);
  assert.strictEqual(second.messageId, receipt.messageId, 'the message id of the redelivery');
  assert.strictEqual(second.deliveryAttempt, 2, 'deliveryAttempt of the redelivery');
  assert.ok(againAfterMs >= CHANGED_INVISIBLE_MS - 200, `the message came back ${againAfterMs} ms after ` +
    `the change, before its new invisible duration of ${CHANGED_INVISIBLE_MS} ms ended`);
  assert.ok(second.receiptHandle && ![ firstHandle, changedHandle ].includes(second.receiptHandle),
    'the redelivery did not come with a new receipt handle');

  scenario.step('acking with the stale handles');
  const staleFirst = await expectRefusal(consumer.ack({ ...first, receiptHandle: firstHandle }),
    [ Code.INVALID_RECEIPT_HANDLE ], 'ack with the handle of the first delivery');
  const staleChanged = await expectRefusal(consumer.ack({ ...first, receiptHandle: changedHandle }),
    [ Code.INVALID_RECEIPT_HANDLE ],
    'ack with the handle changeInvisibleDuration gave, after the redelivery');

  scenario.step('acking with the current handle');
  await consumer.ack(second);

  scenario.step('receiving once more after the ack');
  const rest = await consumer.receive(16, FIRST_INVISIBLE_MS);
  assert.deepStrictEqual(rest.map(v => v.messageId), [], 'a receive after the ack');

  return {
    message_id: receipt.messageId,
    redelivered_after_ms: againAfterMs,
    stale_ack_codes: [ staleFirst.code, staleChanged.code ],
  };
});
