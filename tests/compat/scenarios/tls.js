'use strict';
// The client with sslEnabled against a broker serving TLS: a producer sends 5 messages and a
// simple consumer receives and acks them, all over verified TLS (the broker's certificate is
// signed by a CA the test hands Node.js in NODE_EXTRA_CA_CERTS).
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-tls).

const assert = require('node:assert');
const { Producer, SimpleConsumer } = require('rocketmq-client-nodejs');
const { AWAIT_DURATION_MS, REQUEST_TIMEOUT_MS, envVar, receiveUntil, runScenario } = require('./lib');

const MESSAGES = 5;

runScenario('tls', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-tls');
  const options = { endpoints, sslEnabled: true, requestTimeout: REQUEST_TIMEOUT_MS };

  scenario.step('starting the consumer over TLS');
  const consumer = scenario.track(new SimpleConsumer({
    ...options, consumerGroup, subscriptions: new Map([[ topic, '*' ]]),
    awaitDuration: AWAIT_DURATION_MS,
  }));
  await consumer.startup();

  scenario.step('starting the producer over TLS');
  const producer = scenario.track(new Producer({ ...options, topic }));
  await producer.startup();

  scenario.step('sending');
  const ids = new Set();
  for (let i = 0; i < MESSAGES; i++) {
    const receipt = await producer.send({ topic, body: Buffer.from(`tls #${i}`) });
    ids.add(receipt.messageId);
  }

  scenario.step('receiving');
  const received = await receiveUntil(consumer, {
    count: MESSAGES, timeoutMs: 20000,
    onMessage: async view => consumer.ack(view),
  });
  assert.deepStrictEqual(new Set(received.map(m => m.messageId)), ids,
    'the consumer did not get exactly the messages sent');
  return { sent: MESSAGES, received: received.length };
});
