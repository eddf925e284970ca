'use strict';
// FIFO: 3 message groups of 10 messages each, sent interleaved; a simple consumer gets every
// group's messages in send order, each once, acking as it goes.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_FIFO_TOPIC, BERTH_FIFO_GROUP (default compat-fifo).

const assert = require('node:assert');
const { envVar, receiveUntil, runScenario, startConsumerAndProducer } = require('./lib');

const GROUPS = 3;
const PER_GROUP = 10;
// Longer than the test: a redelivery would show up as a message out of order.
const INVISIBLE_MS = 60000;

runScenario('fifo', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_FIFO_TOPIC');
  const consumerGroup = envVar('BERTH_FIFO_GROUP', 'compat-fifo');

  const { consumer, producer } = await startConsumerAndProducer(scenario,
    { endpoints, topic, consumerGroup });

  // Interleaved: g0#0 g1#0 g2#0 g0#1 ..., each send awaited, so the send order per group is
  // the order of seq.
  scenario.step('sending');
  const sentIds = new Set();
  for (let seq = 0; seq < PER_GROUP; seq++) {
    for (let g = 0; g < GROUPS; g++) {
      const receipt = await producer.send({
        topic,
        body: Buffer.from(`group-${g}:${seq}`),
        messageGroup: `group-${g}`,
        properties: new Map([[ 'seq', String(seq) ]]),
      });
      sentIds.add(receipt.messageId);
    }
  }

  scenario.step('receiving');
  const next = new Map(Array.from({ length: GROUPS }, (_, g) => [ `group-${g}`, 0 ]));
  const received = await receiveUntil(consumer, {
    count: GROUPS * PER_GROUP,
    timeoutMs: 40000,
    maxMessages: 32,
    invisibleMs: INVISIBLE_MS,
    onMessage: async view => {
      const [ group, seqText ] = view.body.toString().split(':');
      const seq = Number(seqText);
      assert.ok(sentIds.has(view.messageId), `received ${view.messageId} (${view.body}), which was not sent`);
      assert.strictEqual(view.messageGroup, group, `messageGroup of ${view.body}`);
      assert.strictEqual(seq, next.get(group), `${group}: got message #${seq} (delivery attempt ` +
        `${view.deliveryAttempt}) where #${next.get(group)} was due`);
      next.set(group, seq + 1);
      await consumer.ack(view);
    },
  });
  assert.strictEqual(received.length, GROUPS * PER_GROUP,
    `received ${received.length} of ${GROUPS * PER_GROUP} messages within 40 s ` +
    `(next due per group: ${JSON.stringify(Object.fromEntries(next))})`);

  // How many messages each non-empty receive brought: how the broker batches held-back groups.
  const batchSizes = [];
  for (const view of received) {
    batchSizes[view.batch] = (batchSizes[view.batch] ?? 0) + 1;
  }
  return { groups: GROUPS, per_group: PER_GROUP, received: received.length,
    batch_sizes: batchSizes.filter(n => n !== undefined) };
});
