'use strict';
// A message sent with a 3 s delay: receives started right away find nothing before its time,
// it arrives no earlier than ~2.5 s after the send (RocketMQ's timer precision is 1 s) and
// before 10 s, carrying its delivery timestamp.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-delay).

const assert = require('node:assert');
const { envVar, runScenario, startConsumerAndProducer } = require('./lib');

const DELAY_MS = 3000;
const EARLIEST_MS = 2500;
const LATEST_MS = 10000;

runScenario('delay', { timeoutMs: 45000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-delay');

  const { consumer, producer } = await startConsumerAndProducer(scenario,
    { endpoints, topic, consumerGroup });

  scenario.step('sending the delayed message');
  const sentAt = Date.now();
  const receipt = await producer.send({ topic, body: Buffer.from('later'), tag: 'delayed', delay: DELAY_MS });
  const dueAt = sentAt + DELAY_MS;

  // The first receive starts at once. A long poll may end by delivering the message when it
  // becomes due; what must not happen is getting it early.
  scenario.step('receiving');
  const emptyReceives = [];
  let view;
  let receivedAt;
  const deadline = sentAt + LATEST_MS;
  while (!view && Date.now() < deadline) {
    const startedAt = Date.now();
    const batch = await consumer.receive(16, 15000);
    receivedAt = Date.now();
    if (batch.length === 0) {
      emptyReceives.push({ after_ms: startedAt - sentAt, took_ms: receivedAt - startedAt });
      continue;
    }
    assert.strictEqual(batch.length, 1, `a receive brought ${batch.length} messages, one was sent`);
    view = batch[0];
  }
  assert.ok(view, `the message did not arrive within ${LATEST_MS} ms of its send ` +
    `(empty receives: ${JSON.stringify(emptyReceives)})`);
  const arrivedAfterMs = receivedAt - sentAt;
  assert.strictEqual(view.messageId, receipt.messageId, 'the received message id');
  assert.ok(arrivedAfterMs >= EARLIEST_MS, `the message arrived ${arrivedAfterMs} ms after its send, ` +
    `before its delay of ${DELAY_MS} ms (allowing ${DELAY_MS - EARLIEST_MS} ms of timer precision)`);
  assert.ok(view.deliveryTimestamp instanceof Date, 'the delivered message has no deliveryTimestamp');
  const timestampOffMs = view.deliveryTimestamp.getTime() - dueAt;
  assert.ok(Math.abs(timestampOffMs) <= 1000, `deliveryTimestamp ${view.deliveryTimestamp.toISOString()} ` +
    `is ${timestampOffMs} ms from the requested ${new Date(dueAt).toISOString()}`);
  await consumer.ack(view);

  return {
    message_id: receipt.messageId,
    delay_ms: DELAY_MS,
    arrived_after_ms: arrivedAfterMs,
    delivery_timestamp_off_ms: timestampOffMs,
    empty_receives: emptyReceives,
  };
});
