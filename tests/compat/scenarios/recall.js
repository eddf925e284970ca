'use strict';
// Recall: two messages delayed by 10 s; one is recalled with the handle its send receipt gave
// and is never delivered, the other (the control) arrives when due.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-recall).

const assert = require('node:assert');
const { envVar, receiveUntil, runScenario, startConsumerAndProducer } = require('./lib');

const DELAY_MS = 10000;
// Watch this long after the send: past the due time, with room for timer precision.
const WATCH_MS = DELAY_MS + 3000;

runScenario('recall', { timeoutMs: 45000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-recall');

  const { consumer, producer } = await startConsumerAndProducer(scenario,
    { endpoints, topic, consumerGroup });

  scenario.step('sending two delayed messages');
  const sentAt = Date.now();
  const recalled = await producer.send({ topic, body: Buffer.from('recalled'), delay: DELAY_MS });
  const control = await producer.send({ topic, body: Buffer.from('control'), delay: DELAY_MS });
  assert.ok(recalled.recallHandle, 'the send receipt of a delayed message has no recall handle');

  scenario.step('recalling one');
  const recallReceipt = await producer.recallMessage(topic, recalled.recallHandle);
  assert.strictEqual(recallReceipt.messageId, recalled.messageId, 'the message id in the recall receipt');

  scenario.step('watching the topic until past the due time');
  const received = await receiveUntil(consumer, {
    timeoutMs: WATCH_MS - (Date.now() - sentAt),
    onMessage: view => consumer.ack(view),
  });
  const ids = received.map(view => view.messageId);
  assert.ok(!ids.includes(recalled.messageId), 'the recalled message was delivered');
  assert.deepStrictEqual(ids, [ control.messageId ], `delivered within ${WATCH_MS} ms of the send ` +
    `(the control message is ${control.messageId})`);

  return {
    recalled_id: recalled.messageId,
    control_id: control.messageId,
    control_arrived_after_ms: received[0].receivedAt - sentAt,
  };
});
