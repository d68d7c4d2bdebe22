#!/usr/bin/env python3
"""Issue 17 item 7: the gateway cannot be poisoned. With a mosquitto broker on 127.0.0.1:
  - one message with a t0 a year ahead, then the correct stream: the first correct message
    resets the channel's stream (logged, counted in the exit summary), the rest are taken;
    before, every later correct message was "duplicate or out of order" until a restart. A
    re-sent message (the same t0 and samples) is still dropped as a duplicate;
  - topics for more channels than --max-channels are rejected (the limit holds);
  - t0=1e300 is rejected (it gave "t":null);
and the MES feed stores numeric fields as numbers: a text in a numeric field is NULL, never
text that sorts above every number (a row whose t is text is rejected).
Skips (77) with a message when mosquitto or the examples are missing.
check_gateway_attacks.py GATEWAY MES"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

GATEWAY, MES = sys.argv[1], sys.argv[2]
T = 1700000000.0
RATE = 1000.0
N = 500  # samples per message: 0.5 s


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def samples(k):
    return ",".join("%.4f" % (((k * N + i) * 7919 % 2001 - 1000) / 1000.0) for i in range(N))


def message(k, t0=None):
    return "rate=%g t0=%.6f %s" % (RATE, T + 0.5 * k if t0 is None else t0, samples(k))


def wait_for(pred, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def main():
    if not GATEWAY or not MES or not os.path.exists(GATEWAY) or not os.path.exists(MES):
        skip("the gateway or the MES feed was not built")
    mosquitto = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
    pub = shutil.which("mosquitto_pub")
    if not mosquitto or not pub:
        skip("mosquitto or mosquitto_pub not installed (apt-get install mosquitto "
             "mosquitto-clients)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % port)
        log = os.path.join(tmp, "gateway.log")
        procs = []
        try:
            procs.append(subprocess.Popen([mosquitto, "-c", conf], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))

            def listening():
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    return True
                except OSError:
                    return False
            if not wait_for(listening, 20):
                fail("the broker did not start")
            gw = subprocess.Popen([GATEWAY, "--host", "127.0.0.1", "--port", str(port),
                                   "--id", "gw-attacks", "--clean", "--frame", "256",
                                   "--learn", "10", "--max-channels", "5",
                                   "--reconnect-max", "1"],
                                  stdout=subprocess.DEVNULL, stderr=open(log, "w"))
            procs.append(gw)

            def text():
                with open(log) as f:
                    return f.read()
            if not wait_for(lambda: "subscribing" in text() or "connected" in text(), 20):
                fail("the gateway did not connect:\n" + text())
            time.sleep(0.5)  # the subscription is made on connect

            def publish(topic, lines):
                r = subprocess.run([pub, "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-l",
                                    "-t", topic], input="\n".join(lines) + "\n", text=True,
                                   capture_output=True, timeout=60)
                if r.returncode != 0:
                    fail("mosquitto_pub: " + r.stderr)
            lines = [message(k) for k in range(30)]
            lines.append(message(30, T + 365 * 86400.0))  # the poison: a year ahead
            lines += [message(k) for k in range(30, 40)]
            lines.append(message(39))  # re-sent: a duplicate within the window
            lines.append("rate=1000 t0=1e300 1,2,3")
            publish("vigil/m1/c1/samples", lines)
            for c in range(8):
                publish("vigil/m2/c%d/samples" % c, ["rate=1000 " + samples(c)])
            if not wait_for(lambda: text().count("channel limit reached") >= 4, 60):
                fail("the channel limit did not hold:\n" + text()[-3000:])
            gw.send_signal(signal.SIGTERM)
            gw.wait(30)
            out = text()
            print(out[-4000:])
            resets = out.count("stream reset (segment")
            dups = out.count("a duplicate of a recent message")
            if resets != 1:
                fail("%d stream resets logged, want 1 (the first correct message after the "
                     "poison)" % resets)
            if dups != 1:
                fail("%d messages dropped as duplicate or out of order, want 1 (the re-sent "
                     "one)" % dups)
            if "1 stream resets" not in out:
                fail("the exit summary does not count the reset")
            if "t0=1e300: outside" not in out:
                fail("t0=1e300 was not rejected")
            if out.count("channel limit reached") != 4 or ": 5 channels" not in out:
                fail("want 5 channels and 4 rejected for the limit")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()

        # MES: numeric fields
        db = os.path.join(tmp, "plant.db")
        good = {"t": 10.0, "frame": 1, "state": "ok", "score": "abc", "threshold": 2.0,
                "health": "0.5", "top": [{"feature": "rms", "contribution": "x"}]}
        bad_t = dict(good, t="12", frame=2)
        feed = "".join("vigil/m/c/health %s\n" % json.dumps(p) for p in (good, bad_t))
        subprocess.run([MES, "--db", db, "--stdin"], input=feed, text=True, capture_output=True,
                       timeout=60, check=True)
        with sqlite3.connect(db) as c:
            rows = c.execute("SELECT typeof(t), typeof(score), typeof(health),"
                             " typeof(top_contribution) FROM health").fetchall()
        print("MES rows:", rows)
        if rows != [("real", "null", "null", "null")]:
            fail("numeric fields stored as %r, want one row with t real and the text fields "
                 "NULL" % rows)
    print("ok")


if __name__ == "__main__":
    main()
