#!/usr/bin/env python3
"""Writes the wire fuzzer's seeds (corpus/wire/*.bin): valid frames of several codes, encoded
here from docs/protocol.md independently of the C++ codec. Run it again after a protocol
change: python3 tests/fuzz/make_wire_seeds.py"""
import pathlib
import struct

MAGIC, VERSION = 0xB7E1, 1
REQUEST, RESPONSE, PUSH = 0, 1, 2


def u8(v): return struct.pack('<B', v)
def u16(v): return struct.pack('<H', v)
def u32(v): return struct.pack('<I', v)
def u64(v): return struct.pack('<Q', v)
def i32(v): return struct.pack('<i', v)
def i64(v): return struct.pack('<q', v)
def boolean(v): return u8(1 if v else 0)
def string(s): b = s.encode(); return u16(len(b)) + b
def text(s): b = s.encode(); return u32(len(b)) + b
def blob(b): return u32(len(b)) + b
def props(p): return u16(len(p)) + b''.join(string(k) + text(v) for k, v in p)
def items(xs): return u32(len(xs)) + b''.join(xs)


def frame(kind, code, body, status=0, flags=0, request_id=1):
    rest = struct.pack('<HBBHHIQ', MAGIC, VERSION, kind, code, status, flags, request_id) + body
    return u32(len(rest)) + rest


def message(topic, body, queue_id=-1):
    return (string(topic) + i32(queue_id) + string('TagA') + string('k1 k2') +
            props([('CORRELATION_ID', 'c-1'), ('REPLY_TO_CLIENT', 'client-1')]) + u32(0) +
            i64(1700000000000) + blob(body))


def stored(offset, body):
    return (string('orders') + u32(1) + u64(offset) + u64(4096 + offset) +
            string('7F00000100002A9F0000000000001000') + string('TagA') + string('k1') +
            props([('p', 'v')]) + u32(0) + u32(0) + u32(2) + i64(1700000000000) +
            i64(1700000000001) + string('10.0.0.1:5000') + string('10.0.0.2:10911') + blob(body))


def group_queue(queue_id, committed):
    lag = 100 if committed == 2**64 - 1 else 100 - committed  # max u64: nothing committed
    return string('orders') + u32(queue_id) + u64(committed) + u64(100) + u64(lag)


SEEDS = {
    'hello_request': frame(REQUEST, 1, string('client-1') + string('0.1.0') + u8(1)),
    'hello_response': frame(RESPONSE, 1, string('berth-1') + string('0.1.0') + u8(1) +
                            u32(16 << 20) + u32(4 << 20)),
    'heartbeat_request': frame(REQUEST, 2, string('client-1') + items([
        string('g1') + string('orders') + u8(0) + u8(1) + text('a > 1'),
        string('g2') + string('audit') + u8(1) + u8(0) + text('TagA || TagB')])),
    'send_request': frame(REQUEST, 10, message('orders', b'hello')),
    'send_response': frame(RESPONSE, 10, string('7F00000100002A9F0000000000001000') + u32(1) +
                           u64(7) + u64(4096) + i64(1700000000001)),
    'send_batch_request': frame(REQUEST, 11, items([message('orders', b'a', 2),
                                                     message('orders', b'bc', 2)])),
    'pull_request': frame(REQUEST, 12, string('g1') + string('orders') + u32(1) + u64(5) +
                          u32(32) + u32(1 << 20) + u32(15000) + u8(1) + text('a > 1') +
                          boolean(True) + u64(5)),
    'pull_response': frame(RESPONSE, 12, u8(0) + u64(7) + u64(0) + u64(7) +
                           items([stored(5, b'five'), stored(6, b'')])),
    'query_offset_response': frame(RESPONSE, 14, boolean(True) + u64(42)),
    'query_assignment_response': frame(RESPONSE, 15, items([u32(0), u32(3)])),
    'topic_create_request_no_perm': frame(REQUEST, 20, string('orders') + u32(8)),
    'topic_list_response': frame(RESPONSE, 21, items([string('orders'), string('audit')])),
    'topic_describe_response': frame(RESPONSE, 22, u32(2) + u8(6) + items([
        u32(0) + u64(0) + u64(10), u32(1) + u64(3) + u64(12)])),
    'group_describe_response': frame(RESPONSE, 31, u8(0) + items([string('client-1')]) +
                                     items([group_queue(0, 40), group_queue(1, 2**64 - 1)])),
    'group_reset_request': frame(REQUEST, 32, string('g1') + string('orders') + u8(0) +
                                 i64(1700000000000)),
    'message_by_key_response': frame(RESPONSE, 41, items([stored(9, b'nine')])),
    'message_at_request': frame(REQUEST, 42, string('orders') + u32(1) + u64(9)),
    'error_response': frame(RESPONSE, 10, text("topic 'x' does not exist"), status=10),
    'unsupported_version_response': frame(RESPONSE, 1, text('version 2 is not spoken') + u8(1),
                                          status=3),
    'group_changed_push': frame(PUSH, 100, string('g1') + string('orders'), request_id=0),
    'offsets_reset_push': frame(PUSH, 102, string('g1') + string('orders'), request_id=0),
    'reply_push': frame(PUSH, 101, stored(11, b'{"ok":true}'), request_id=0),
    'send_back_request': frame(REQUEST, 16, string('g1') + string('%RETRY%g1') + u32(0) +
                               u64(42) + i32(-1) + u32(3)),
    'send_back_response': frame(RESPONSE, 16, boolean(False) +
                                string('7F00000100002A9F0000000000001000') + u32(2) +
                                i64(1700000030000)),
    'end_transaction_request': frame(REQUEST, 17, string('tx-producers') + string('0A0B0C0D') +
                                     u64(12) + u8(2) + boolean(True)),
    'producer_register_request': frame(REQUEST, 18, string('client-1') + string('tx-producers')),
    'check_transaction_push': frame(PUSH, 103, string('0A0B0C0D') + u64(12) + stored(12, b'half'),
                                    request_id=0),
    'pop_request': frame(REQUEST, 60, string('g1') + string('orders') + i32(-1) + u32(16) +
                         u32(30000) + u32(5000) + u8(0) + text('TagA || TagB') + boolean(True) +
                         u32(5)),
    'pop_response': frame(RESPONSE, 60, items([
        string('handle-0') + u32(1) + i64(1700000000000) + stored(3, b'three'),
        string('handle-1') + u32(3) + i64(1700000001000) + stored(4, b'')])),
    'ack_request': frame(REQUEST, 61, string('g1') + string('orders') + string('handle-0')),
    'change_invisible_request': frame(REQUEST, 62, string('g1') + string('orders') +
                                      string('handle-0') + u32(60000)),
    'lock_queues_request': frame(REQUEST, 33, string('g1') + string('orders') +
                                 string('client-1') + items([u32(0), u32(2)])),
    'lock_queues_response': frame(RESPONSE, 33, items([u32(2)])),
    'unlock_queues_request': frame(REQUEST, 34, string('g1') + string('orders') +
                                   string('client-1') + items([u32(0)])),
    'change_invisible_response': frame(RESPONSE, 62, string('handle-2') + i64(1700000060000)),
    'recall_request': frame(REQUEST, 63, string('orders') + u64(42) +
                            string('0102FC0000000121F30B283B1100000000')),
    # Signed requests (flag 2): the signature block, then the code's own fields.
    'signed_send_request': frame(REQUEST, 10, string('orders-app') + i64(1700000000000) +
                                 blob(bytes(range(32))) + message('orders', b'signed'), flags=2),
    'signed_topic_list_request': frame(REQUEST, 21, string('ops') + i64(1700000000000) +
                                       blob(bytes(32)), flags=2),
    'hello_response_with_nonce': frame(RESPONSE, 1, string('berth-1') + string('0.1.0') + u8(1) +
                                       u32(16 << 20) + u32(4 << 20) + boolean(True) +
                                       blob(bytes(range(16)))),
}

out = pathlib.Path(__file__).resolve().parent / 'corpus' / 'wire'
out.mkdir(parents=True, exist_ok=True)
for name, data in SEEDS.items():
    (out / f'{name}.bin').write_bytes(data)
print(f'{len(SEEDS)} seeds in {out}')
