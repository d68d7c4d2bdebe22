#!/usr/bin/env python3
"""Decode Sparkplug B messages as mosquitto_sub prints them with -F '%t %x' (topic, payload in
hex), written from examples/gateway/sparkplug_b.proto (Eclipse Tahu) by hand: the protobuf wire
format field by field, no protobuf library. Standard library only.

    mosquitto_sub -t 'spBv1.0/#' -F '%t %x' | python3 examples/python/sparkplug_decode.py

prints one line per message: the topic, seq, and each metric as name (or #alias) = value
[datatype]. Also imported by tests/check_sparkplug.py.
"""
import struct
import sys

# Sparkplug B datatypes (the table in sparkplug_b.proto)
UINT64, DOUBLE, BOOLEAN, STRING = 8, 10, 11, 12
TYPE_NAMES = {1: "Int8", 2: "Int16", 3: "Int32", 4: "Int64", 5: "UInt8", 6: "UInt16",
              7: "UInt32", 8: "UInt64", 9: "Float", 10: "Double", 11: "Boolean", 12: "String",
              13: "DateTime", 14: "Text"}


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def fields(b):
    """(field number, wire type, value) of one message; value: int for varints, bytes for
    length-delimited, raw bytes for fixed32/fixed64."""
    i, out = 0, []
    while i < len(b):
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        out.append((num, wt, v))
    if i != len(b):
        raise ValueError("truncated message")
    return out


def decode_metric(b):
    """Payload.Metric: name 1, alias 2, timestamp 3, datatype 4, is_null 7, and the value
    oneof: int_value 10, long_value 11, float_value 12, double_value 13, boolean_value 14,
    string_value 15."""
    m = {}
    for num, wt, v in fields(b):
        if num == 1:
            m["name"] = v.decode()
        elif num in (2, 3, 4, 7):
            m[{2: "alias", 3: "timestamp", 4: "datatype", 7: "is_null"}[num]] = v
        elif num in (10, 11):
            m["value"] = v
        elif num == 12:
            m["value"] = struct.unpack("<f", v)[0]
        elif num == 13:
            m["value"] = struct.unpack("<d", v)[0]
        elif num == 14:
            m["value"] = bool(v)
        elif num == 15:
            m["value"] = v.decode()
    return m


def decode_payload(b):
    """Payload: timestamp 1, metrics 2 (repeated), seq 3, uuid 4, body 5."""
    p = {"metrics": []}
    for num, wt, v in fields(b):
        if num == 1:
            p["timestamp"] = v
        elif num == 2:
            p["metrics"].append(decode_metric(v))
        elif num == 3:
            p["seq"] = v
    return p


def encode_rebirth():
    """An NCMD payload: metric name "Node Control/Rebirth", datatype Boolean, value true."""
    name = b"Node Control/Rebirth"
    metric = bytes([0x0A, len(name)]) + name + bytes([0x20, BOOLEAN, 0x70, 1])
    return bytes([0x12, len(metric)]) + metric


def describe(topic, payload):
    """One line for a message: topic, seq, metrics."""
    p = decode_payload(payload)
    parts = [topic] + (["seq=%d" % p["seq"]] if "seq" in p else [])
    for m in p["metrics"]:
        key = m.get("name", "#%d" % m.get("alias", -1))
        value = "null" if m.get("is_null") else repr(m.get("value"))
        dt = TYPE_NAMES.get(m.get("datatype"), "")
        parts.append("%s=%s%s" % (key, value, " [%s]" % dt if dt else ""))
    return " ".join(parts)


def main():
    for line in sys.stdin:
        topic, _, hexpayload = line.strip().partition(" ")
        if not topic.startswith("spBv1.0/"):
            continue
        try:
            print(describe(topic, bytes.fromhex(hexpayload)), flush=True)
        except (ValueError, IndexError) as e:
            print("%s: not a Sparkplug B payload (%s)" % (topic, e), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
