#!/usr/bin/env python3
"""Writes the gRPC fuzzer's seeds (corpus/grpc/*.bin): a selector byte (0 send, 1 ack, 2 end
transaction, 3 credentials) and a request encoded here in protobuf's wire format from the field
numbers of apache.rocketmq.v2 (definition.proto, service.proto). Run it again after the
fuzzer's input format changes: python3 tests/fuzz/make_grpc_seeds.py"""
import pathlib


def varint(v):
    out = b''
    while True:
        byte = v & 0x7F
        v >>= 7
        if v:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field(number, payload):  # length-delimited (wire type 2)
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def number(n, v):  # varint (wire type 0)
    return varint(n << 3) + varint(v)


def resource(name):
    return field(2, name)


def timestamp(seconds):
    return number(1, seconds)


def message(topic, body, msg_id, tag=None, keys=(), props=(), kind=1, group=None, deliver=None):
    sysprops = b''
    if tag is not None:
        sysprops += field(1, tag)
    for key in keys:
        sysprops += field(2, key)
    sysprops += field(3, msg_id) + number(6, kind) + field(7, timestamp(1765100000))
    if deliver is not None:
        sysprops += field(11, timestamp(deliver))
    if group is not None:
        sysprops += field(17, group)
    out = field(1, resource(topic))
    for k, v in props:
        out += field(2, field(1, k) + field(2, v))
    return out + field(3, sysprops) + field(4, body)


def send(*messages):
    return b'\x00' + b''.join(field(1, m) for m in messages)


def ack(*handles):
    entries = b''.join(field(3, field(1, 'id') + field(2, h)) for h in handles)
    return b'\x01' + field(1, resource('group')) + field(2, resource('orders')) + entries


def end_transaction(message_id, transaction_id):
    return b'\x02' + field(1, resource('orders')) + field(2, message_id) + field(3, transaction_id)


def credentials(authorization, date_time):
    return b'\x03' + authorization.encode() + b'\x00' + date_time.encode()


SEEDS = {
    'send_normal': send(message('orders', b'hello', '01AB', tag='paid', keys=['k1', 'k2'],
                                props=[('region', 'eu')])),
    'send_fifo': send(message('orders', b'x' * 64, '01AC', kind=2, group='customer-7')),
    'send_delay': send(message('orders', b'later', '01AD', kind=3, deliver=1765100060)),
    'send_transaction': send(message('orders', b'half', '01AE', kind=4)),
    'send_refused': send(message('bad topic!', b'', '', tag='a|b')),
    'send_batch': send(message('orders', b'one', 'B1'), message('orders', b'two', 'B2')),
    'ack': ack('AAAA.3.17', 'AAAA.0.0~r', 'not-a-handle'),
    'end_transaction': end_transaction('01AE', '42:7F000001000000000000000000000001'),
    'credentials': credentials('MQv2-HMAC-SHA1 Credential=producer, SignedHeaders=x-mq-date-time, '
                               'Signature=0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
                               '20261207T190000Z'),
}


def main():
    out = pathlib.Path(__file__).resolve().parent / 'corpus' / 'grpc'
    out.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (out / f'{name}.bin').write_bytes(data)


if __name__ == '__main__':
    main()
