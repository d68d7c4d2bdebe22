#!/usr/bin/env python3
"""vigil_gateway --sparkplug end to end with a real mosquitto broker, decoded by hand.

    check_sparkplug.py VIGIL_GATEWAY DEMO_DIR

The decoder (examples/python/sparkplug_decode.py) is written from
examples/gateway/sparkplug_b.proto (Eclipse Tahu's Sparkplug B definition): the protobuf wire
format parsed field by field, no protobuf library. A
mosquitto_sub with a persistent session (the broker keeps its subscription and QoS 0 messages
across the restart: persistence and queue_qos0_messages) prints every message as hex. Then:

 1. the gateway connects: NBIRTH with bdSeq 0 and seq 0; healthy.csv.gz is replayed: one
    DBIRTH for device press-1:de with every metric's name, alias and datatype, then one DDATA
    per frame by alias, seq counting 0..255 without a gap;
 2. the broker is restarted (it publishes the will of the first session, NDEATH with bdSeq 0,
    as it shuts down): a new session, NBIRTH with bdSeq 1 and seq 0, then a DBIRTH carrying
    the current values; outer_race.csv.gz continues the stream;
 3. a Node Control/Rebirth NCMD makes the node publish NBIRTH and DBIRTH again;
 4. the gateway is killed (SIGKILL): the broker publishes its will, NDEATH with bdSeq 1;
 5. a new gateway (bdSeq 0) stops cleanly (SIGTERM): it publishes NDEATH with bdSeq 0 itself.
Every DDATA frame's health, score, threshold, state and top feature equal the JSON health
message of the same frame time. Exits 77 (skip) with a message when mosquitto or the
Sparkplug build is missing.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_gateway as cg  # noqa: E402  (broker, replay helpers)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                                "python"))
from sparkplug_decode import BOOLEAN, DOUBLE, STRING, UINT64  # noqa: E402
from sparkplug_decode import decode_payload, encode_rebirth  # noqa: E402

GROUP, NODE = "plant1", "gw-sp"
DEVICE = "%s:%s" % (cg.MACHINE, cg.CHANNEL)


# ---- the run ------------------------------------------------------------------------------

class Messages:
    """What the persistent mosquitto_sub printed: (topic, payload bytes) in order."""

    def __init__(self, path):
        self.path = path

    def all(self):
        out, seen = [], set()
        with open(self.path) as f:
            for line in f:
                topic, _, hexpayload = line.rstrip("\n").partition(" ")
                # a QoS 1 message (the will, the JSON topics) may come twice when the broker
                # restarts before the subscriber's acknowledgement was saved: keep one
                if topic and line not in seen:
                    seen.add(line)
                    out.append((topic, bytes.fromhex(hexpayload)))
        return out

    def sparkplug(self, kind):
        return [(t, decode_payload(p)) for t, p in self.all()
                if t.startswith("spBv1.0/%s/%s/" % (GROUP, kind))]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    gateway, demo = sys.argv[1:3]
    if not gateway:
        cg.skip("examples/gateway was not built (apt-get install libmosquitto-dev)")
    if "--sparkplug" not in subprocess.run([gateway, "--help"], stdout=subprocess.PIPE,
                                           text=True).stdout:
        cg.skip("vigil_gateway was built without protobuf-c (apt-get install "
                "protobuf-c-compiler libprotobuf-c-dev)")
    mosquitto, pub = cg.find_tool("mosquitto"), cg.find_tool("mosquitto_pub")
    sub = cg.find_tool("mosquitto_sub")
    if not mosquitto or not pub or not sub:
        cg.skip("mosquitto, mosquitto_pub or mosquitto_sub is not installed "
                "(apt-get install mosquitto mosquitto-clients)")
    healthy = cg.read_column(os.path.join(demo, "healthy.csv.gz"))
    faulty = cg.read_column(os.path.join(demo, "outer_race.csv.gz"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vigil-sp-") as tmp:
        run = cg.Run(tmp, gateway, "", mosquitto, pub)
        with open(run.conf, "w") as f:  # keep the subscriber's session over the restart
            # (as root mosquitto would switch to its own user, which cannot write here)
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    "persistence_location %s/\nqueue_qos0_messages true\n%s"
                    % (run.port, tmp, "user root\n" if os.geteuid() == 0 else ""))
        try:
            check(run, sub, healthy, faulty)
        finally:
            for p in run.procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            for name in ("gateway1.log", "gateway2.log", "sub.log"):
                path = os.path.join(tmp, name)
                if os.path.exists(path):
                    with open(path) as f:
                        sys.stdout.write("--- %s\n%s" % (name, f.read()[-3000:]))
    print("Sparkplug B end-to-end: OK in %.1f s" % (time.monotonic() - started))
    return 0


def start_gateway(run, log):
    return run.start([run.gateway_bin, "--port", str(run.port), "--id", NODE,
                      "--sparkplug", GROUP, "--models", run.models, "--frame", str(cg.FRAME),
                      "--hop", str(cg.HOP), "--learn", str(cg.LEARN), "--reconnect-max", "1"],
                     log)


def check(run, sub, healthy, faulty):
    tmp = run.tmp
    glog1, glog2 = os.path.join(tmp, "gateway1.log"), os.path.join(tmp, "gateway2.log")
    out = os.path.join(tmp, "messages.txt")
    msgs = Messages(out)
    run.start_broker()
    with open(out, "w"):
        pass
    listener = subprocess.Popen(
        [sub, "-p", str(run.port), "-h", "127.0.0.1", "-i", "sp-test-sub", "-c", "-q", "1",
         "-F", "%t %x", "-t", "spBv1.0/#", "-t", "vigil/+/+/health"],
        stdout=open(out, "w"), stderr=open(os.path.join(tmp, "sub.log"), "w"))
    run.procs.append(listener)
    time.sleep(0.5)  # the subscription in place before anything is published

    # 1. birth, then the healthy data
    gw = start_gateway(run, glog1)
    cg.wait_for("NBIRTH", lambda: len(msgs.sparkplug("NBIRTH")) == 1)
    run.replay(healthy, cg.T0, first=True)
    n1 = cg.frames_of(len(healthy))
    cg.wait_for("%d JSON health messages" % n1, lambda: len(json_health(msgs)) == n1)
    cg.wait_for("%d DDATA" % n1, lambda: len(msgs.sparkplug("DDATA")) >= n1)

    # 2. the broker restarts: a new session
    run.stop(run.broker)
    cg.wait_for("the gateway to notice", lambda: cg.log_count(glog1, "connection lost") >= 1)
    time.sleep(1.0)
    run.start_broker()
    cg.wait_for("a second NBIRTH", lambda: len(msgs.sparkplug("NBIRTH")) == 2)
    cg.wait_for("a second DBIRTH", lambda: len(msgs.sparkplug("DBIRTH")) == 2)
    cg.wait_for("the gateway to subscribe again", lambda: cg.log_count(glog1, "subscribed") == 2)
    run.replay(faulty, cg.T0 + len(healthy) / cg.RATE, first=False)
    n2 = cg.frames_of(len(healthy) + len(faulty))
    cg.wait_for("%d JSON health messages" % n2, lambda: len(json_health(msgs)) == n2)

    # 3. rebirth on request
    p = subprocess.run([run.pub, "-p", str(run.port), "-h", "127.0.0.1", "-q", "0", "-s", "-t",
                        "spBv1.0/%s/NCMD/%s" % (GROUP, NODE)], input=encode_rebirth(),
                       capture_output=True, timeout=30)
    if p.returncode != 0:
        cg.fail("mosquitto_pub: %r" % p.stderr)
    cg.wait_for("the rebirth", lambda: len(msgs.sparkplug("DBIRTH")) == 3)

    # 4. a crash: the broker publishes the will
    gw.kill()
    gw.wait()
    cg.wait_for("NDEATH (the will)", lambda: len(msgs.sparkplug("NDEATH")) == 2)

    # 5. a clean stop publishes NDEATH itself
    gw2 = start_gateway(run, glog2)
    cg.wait_for("the new gateway's NBIRTH", lambda: len(msgs.sparkplug("NBIRTH")) == 4)
    if run.stop(gw2) != 0:
        cg.fail("gateway exit status is not 0 after SIGTERM")
    cg.wait_for("NDEATH (clean stop)", lambda: len(msgs.sparkplug("NDEATH")) == 3)
    time.sleep(0.2)
    verify(msgs, n1, n2)


def json_health(msgs):
    import json
    return [json.loads(p.decode()) for t, p in msgs.all() if t.startswith("vigil/")]


def has(payload, name_or_alias):
    return any(m.get("name") == name_or_alias or m.get("alias") == name_or_alias
               for m in payload["metrics"])


def metric(payload, name):
    found = [m for m in payload["metrics"] if m.get("name") == name]
    if len(found) != 1:
        cg.fail("%d metrics named %r in %r" % (len(found), name, payload))
    return found[0]


def verify(msgs, n1, n2):
    seq_msgs = [(t, decode_payload(p)) for t, p in msgs.all() if t.startswith("spBv1.0/")]
    node = "spBv1.0/%s/%%s/%s" % (GROUP, NODE)
    # sessions: NBIRTH resets seq to 0, every later NBIRTH/DBIRTH/DDATA counts up mod 256
    expect_seq, births, bdseqs = None, [], []
    for topic, p in seq_msgs:
        kind = topic.split("/")[2]
        if kind == "NDEATH":
            if "seq" in p:
                cg.fail("NDEATH carries a seq")
            bdseqs.append(("NDEATH", metric(p, "bdSeq")["value"]))
            continue
        if kind == "NCMD":
            continue
        if kind == "NBIRTH":
            if p.get("seq") != 0 or topic != node % "NBIRTH":
                cg.fail("NBIRTH %s seq %r" % (topic, p.get("seq")))
            if metric(p, "Node Control/Rebirth")["datatype"] != BOOLEAN:
                cg.fail("NBIRTH without Node Control/Rebirth")
            bdseqs.append(("NBIRTH", metric(p, "bdSeq")["value"]))
            expect_seq = 1
            continue
        if topic != node % kind + "/" + DEVICE:
            cg.fail("unexpected topic %s" % topic)
        if p.get("seq") != expect_seq:
            cg.fail("%s seq %r, expected %r" % (kind, p.get("seq"), expect_seq))
        expect_seq = (expect_seq + 1) % 256
        if kind == "DBIRTH":
            births.append(p)
    # bdSeq: 0 for the first session (the broker publishes its will when it shuts down), 1
    # after the restart (the rebirth keeps it; the crash's will is that session's); the second
    # process starts at 0 and says goodbye with 0 itself
    want = [("NBIRTH", 0), ("NDEATH", 0), ("NBIRTH", 1), ("NBIRTH", 1), ("NDEATH", 1),
            ("NBIRTH", 0), ("NDEATH", 0)]
    if bdseqs != want:
        cg.fail("bdSeq sequence %r, expected %r" % (bdseqs, want))
    print("bdSeq/seq: %r; seq continuous over %d messages" % (bdseqs, len(seq_msgs)))

    # DBIRTH: every metric with name, alias and datatype; aliases unique
    names = {}
    for m in births[0]["metrics"]:
        if "name" not in m or "alias" not in m or "datatype" not in m:
            cg.fail("DBIRTH metric without name, alias or datatype: %r" % m)
        names[m["alias"]] = (m["name"], m["datatype"])
    for want_name, dt in (("health", DOUBLE), ("score", DOUBLE), ("threshold", DOUBLE),
                          ("state", STRING), ("frame", UINT64), ("rul", DOUBLE),
                          ("rul_lo", DOUBLE), ("rul_hi", DOUBLE), ("top/1/feature", STRING),
                          ("top/3/contribution", DOUBLE), ("event/reason", STRING)):
        if (want_name, dt) not in names.values():
            cg.fail("DBIRTH lacks %s (datatype %d): %r" % (want_name, dt, names))
    if len(names) != len(births[0]["metrics"]):
        cg.fail("aliases are not unique")
    after = births[1]  # after the restart: the current values, not nulls
    if metric(after, "state")["value"] not in ("ok", "warn", "alarm") or \
            not isinstance(metric(after, "health").get("value"), float):
        cg.fail("DBIRTH after the restart without the current values: %r" % after)

    # DDATA frames against the JSON health messages of the same frame time
    by_t = {round(j["t"] * 1000): j for j in json_health(msgs)}
    alias = {n: a for a, (n, dt) in names.items()}
    frames = 0
    for topic, p in seq_msgs:
        if "/DDATA/" not in topic or not has(p, alias["state"]):
            continue
        vals = {names[m["alias"]][0]: (None if m.get("is_null") else m.get("value"))
                for m in p["metrics"]}
        ts = {m["timestamp"] for m in p["metrics"]}
        if len(ts) != 1 or ts.pop() not in by_t:
            cg.fail("DDATA timestamps match no JSON frame: %r" % p)
        j = by_t[p["metrics"][0]["timestamp"]]
        for k in ("health", "score", "threshold", "state", "frame"):
            if vals[k] != j[k]:
                cg.fail("DDATA %s = %r, JSON %r (frame %d)" % (k, vals[k], j[k], j["frame"]))
        want_top = j.get("top") or []
        if want_top and (vals["top/1/feature"] != want_top[0]["feature"] or
                         vals["top/1/contribution"] != want_top[0]["contribution"]):
            cg.fail("DDATA top feature %r, JSON %r" % (vals, want_top[0]))
        frames += 1
    # the device is born with the channel's first event, so every frame is a DDATA
    if frames != n2:
        cg.fail("%d DDATA frames, expected %d" % (frames, n2))
    print("DDATA: %d frames, each equal to its JSON health message (health, score, threshold, "
          "state, frame, top feature)" % frames)


if __name__ == "__main__":
    sys.exit(main())
