'use strict';
// Throughput of the official RocketMQ Node.js client against berthd's transport-grpc, as an
// application would drive it: a Producer sending single messages with CONCURRENCY sends in
// flight, then a SimpleConsumer receiving batches of 32 and acking every message.
// Prints one JSON object: {"produce_msgs_per_s", "consume_msgs_per_s", ...}.
//
//   NODE_PATH=<build>/npm-rocketmq/node_modules node node_bench.js ENDPOINT TOPIC MESSAGES SIZE CONCURRENCY

const { Producer, SimpleConsumer } = require('rocketmq-client-nodejs');

async function main() {
  const [endpoints, topic, messagesText, sizeText, concurrencyText] = process.argv.slice(2);
  const messages = Number(messagesText);
  const body = Buffer.alloc(Number(sizeText), 'x');
  const concurrency = Number(concurrencyText);
  const consumerGroup = `node-bench-${process.pid}`;

  // The group's first receive starts it at the queue's first message: start it before sending.
  const consumer = new SimpleConsumer({
    endpoints, consumerGroup, subscriptions: new Map([[ topic, '*' ]]), awaitDuration: 2000,
  });
  await consumer.startup();
  await consumer.receive(1, 30000).then(views => Promise.all(views.map(v => consumer.ack(v))));

  const producer = new Producer({ endpoints, topic });
  await producer.startup();
  let next = 0;
  const sendStart = process.hrtime.bigint();
  const sender = async () => {
    while (next < messages) {
      next++;
      await producer.send({ topic, body });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  const sendSeconds = Number(process.hrtime.bigint() - sendStart) / 1e9;

  let received = 0;
  const receiveStart = process.hrtime.bigint();
  const receiver = async () => {
    while (received < messages) {
      const views = await consumer.receive(32, 30000);
      received += views.length;
      await Promise.all(views.map(v => consumer.ack(v)));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, receiver));
  const receiveSeconds = Number(process.hrtime.bigint() - receiveStart) / 1e9;

  await producer.shutdown();
  await consumer.shutdown();
  process.stdout.write(JSON.stringify({
    messages, size: body.length, concurrency,
    produce_msgs_per_s: Math.round(messages / sendSeconds),
    consume_msgs_per_s: Math.round(received / receiveSeconds),
  }) + '\n');
  process.exit(0);
}

main().catch(err => {
  process.stderr.write(`node_bench: ${err && err.stack || err}\n`);
  process.exit(1);
});
