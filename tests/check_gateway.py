#!/usr/bin/env python3
"""End-to-end test of examples/gateway and examples/mes with a real mosquitto broker.

    check_gateway.py VIGIL_GATEWAY VIGIL_MES DEMO_DIR

Starts the gateway (learns 60 frames, then scores) and the MES consumer (SQLite), then
mosquitto on a free loopback port (the clients must wait for it), then replays datasets/demo through the broker as a plant sensor would:

 1. healthy.csv.gz for machine press-1, channel de (12 kHz, 1024-sample frames, hop 256);
    a repeated message (same t0) and a malformed one on another channel;
 2. the broker is stopped and started again: both clients must reconnect by themselves;
 3. outer_race.csv.gz continuing the same stream;
 4. SIGTERM to the gateway: the model must be written (the copy saved after learning is
    deleted first, so only the shutdown save can bring it back);
 5. a new gateway process loads the model and must score from its first frame (no learning)
    while outer_race.csv.gz is replayed again.

Then checks SQLite with python's sqlite3: one health row per frame the gateways published, no
warn/alarm on healthy frames after learning, an alarm event (with its top features) during the
faulty data and again after the restart, the duplicate and the malformed message as error rows.
Exits 77 (skip) with a message when mosquitto or the examples are not available.
"""
import gzip
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

RATE = 12000
FRAME, HOP, LEARN = 1024, 256, 60
CHUNK = 2400              # samples per message: 0.2 s
T0 = 1700000000.0         # time of the first sample (UNIX seconds)
MACHINE, CHANNEL = "press-1", "de"


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def find_tool(name):
    # Debian installs the broker in /usr/sbin, which is not on every PATH
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, pred, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    fail("timed out waiting for " + what)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def read_column(path):
    with gzip.open(path, "rt") as f:
        header = f.readline().strip().split(",")
        col = header.index("de")
        return [line.strip().split(",")[col] for line in f if line.strip()]


def frames_of(samples):
    return (samples - FRAME) // HOP + 1 if samples >= FRAME else 0


class Run:
    def __init__(self, tmp, gateway, mes, mosquitto, pub):
        self.tmp, self.gateway_bin, self.mes_bin = tmp, gateway, mes
        self.mosquitto, self.pub = mosquitto, pub
        self.port = free_port()
        self.conf = os.path.join(tmp, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % self.port)
        self.models = os.path.join(tmp, "models")
        self.db = os.path.join(tmp, "plant.db")
        self.procs = []
        self.broker = None

    def start(self, argv, log):
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=open(log, "w"),
                             stdin=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def start_broker(self):
        self.broker = self.start([self.mosquitto, "-c", self.conf],
                                 os.path.join(self.tmp, "broker.log"))
        wait_for("the broker to listen", lambda: port_open(self.port))

    def stop(self, p, timeout=20):
        p.send_signal(signal.SIGTERM)
        try:
            return p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            fail("%s did not stop within %d s of SIGTERM" % (p.args[0], timeout))

    def start_gateway(self, log):
        # numeric loopback: "localhost" may resolve to ::1 first (issue 17)
        return self.start([self.gateway_bin, "--host", "127.0.0.1", "--port", str(self.port),
                           "--id", "gw-test",
                           "--models", self.models, "--frame", str(FRAME), "--hop", str(HOP),
                           "--bands", "octaves",
                           "--learn", str(LEARN), "--reconnect-max", "1"], log)

    def publish(self, topic, lines):
        p = subprocess.run([self.pub, "-h", "127.0.0.1", "-p", str(self.port), "-q", "1", "-l", "-t", topic],
                           input="\n".join(lines) + "\n", text=True, capture_output=True,
                           timeout=30)
        if p.returncode != 0:
            fail("mosquitto_pub: " + p.stderr)

    def replay(self, samples, t0, first):
        lines = []
        for i in range(0, len(samples), CHUNK):
            head = ("rate=%d " % RATE if first and i == 0 else "") + "t0=%.6f " % (t0 + i / RATE)
            lines.append(head + ",".join(samples[i:i + CHUNK]))
        self.publish("vigil/%s/%s/samples" % (MACHINE, CHANNEL), lines)
        return lines

    def query(self, sql, args=()):
        if not os.path.exists(self.db):
            return []
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=5)
        try:
            return con.execute(sql, args).fetchall()
        except sqlite3.OperationalError:
            return []  # the consumer has not created the schema yet
        finally:
            con.close()

    def health_rows(self):
        r = self.query("SELECT count(*) FROM health")
        return r[0][0] if r else 0


def log_count(path, text):
    with open(path) as f:
        return f.read().count(text)


def summary(path):
    # "vigil_gateway: 1 channels (1 fitted), 12 messages (2 rejected), 184 frames, 4 events, ..."
    with open(path) as f:
        last = [l for l in f if "channels (" in l]
    if not last:
        fail("no summary line in " + path)
    words = last[-1].replace(",", "").split()
    return {words[i + 1]: int(words[i]) for i in range(len(words) - 1) if words[i].isdigit()}


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    gateway, mes, demo = sys.argv[1:4]
    if not gateway or not mes:
        skip("examples/gateway and examples/mes were not built (libmosquitto-dev and "
             "libsqlite3-dev are needed: apt-get install libmosquitto-dev libsqlite3-dev)")
    mosquitto, pub = find_tool("mosquitto"), find_tool("mosquitto_pub")
    if not mosquitto or not pub:
        skip("the mosquitto broker or mosquitto_pub is not installed "
             "(apt-get install mosquitto mosquitto-clients)")
    healthy = read_column(os.path.join(demo, "healthy.csv.gz"))
    faulty = read_column(os.path.join(demo, "outer_race.csv.gz"))
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="vigil-gw-") as tmp:
        run = Run(tmp, gateway, mes, mosquitto, pub)
        try:
            check(run, healthy, faulty)
        finally:
            for p in run.procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            for name in ("gateway1.log", "gateway2.log", "mes.log"):
                path = os.path.join(tmp, name)
                if os.path.exists(path):
                    with open(path) as f:
                        sys.stdout.write("--- %s\n%s" % (name, f.read()))
    print("gateway end-to-end: OK in %.1f s" % (time.monotonic() - started))
    return 0


def check(run, healthy, faulty):
    tmp = run.tmp
    glog1, glog2, mlog = (os.path.join(tmp, n) for n in ("gateway1.log", "gateway2.log", "mes.log"))
    # the clients start before the broker, as after a power cut: they must wait for it
    mes = run.start([run.mes_bin, "--host", "127.0.0.1", "--port", str(run.port), "--db", run.db, "--id", "mes-test",
                     "--commit-ms", "100", "--reconnect-max", "1"], mlog)
    gw = run.start_gateway(glog1)
    wait_for("both clients to find no broker",
             lambda: log_count(glog1, "not reachable") == 1 and log_count(mlog, "not reachable") == 1)
    run.start_broker()
    wait_for("both clients to subscribe",
             lambda: log_count(glog1, "subscribed") == 1 and log_count(mlog, "subscribed") == 1)

    # 1. healthy data; then the last message again (a QoS 1 redelivery), and a malformed one
    lines = run.replay(healthy, T0, first=True)
    n1 = frames_of(len(healthy))
    wait_for("%d health rows" % n1, lambda: run.health_rows() == n1)
    run.publish("vigil/%s/%s/samples" % (MACHINE, CHANNEL), [lines[-1]])
    run.publish("vigil/%s/bad/samples" % MACHINE, ["rate=12000 0.1,0.2,oops"])
    wait_for("2 error rows", lambda: run.query("SELECT count(*) FROM errors")[0][0] == 2)
    model = os.path.join(run.models, "%s@%s.vgm" % (MACHINE, CHANNEL))
    if not os.path.exists(model):
        fail("no model saved after learning: " + model)
    os.remove(model)  # from here on only the SIGTERM save can bring it back

    # 2. the broker goes away and comes back on the same port
    run.stop(run.broker)
    wait_for("both clients to notice the broker is gone",
             lambda: log_count(glog1, "connection lost") >= 1 and
             log_count(mlog, "connection lost") >= 1)
    time.sleep(1.5)  # a few failed reconnection attempts
    run.start_broker()
    wait_for("both clients to reconnect and subscribe again",
             lambda: log_count(glog1, "subscribed") == 2 and log_count(mlog, "subscribed") == 2)

    # 3. the fault appears, continuing the same stream
    run.replay(faulty, T0 + len(healthy) / RATE, first=False)
    n2 = frames_of(len(healthy) + len(faulty))
    wait_for("%d health rows" % n2, lambda: run.health_rows() == n2)

    # 4. SIGTERM: the gateway saves its model
    if run.stop(gw) != 0:
        fail("gateway exit status is not 0 after SIGTERM")
    s1 = summary(glog1)
    if not os.path.exists(model):
        fail("the model was not saved on SIGTERM")
    if s1["frames"] != n2:
        fail("gateway 1 computed %d frames, expected %d" % (s1["frames"], n2))

    # 5. a new process loads the model and scores at once
    gw2 = run.start_gateway(glog2)
    wait_for("the restarted gateway to subscribe", lambda: log_count(glog2, "subscribed") == 1)
    if log_count(glog2, "loaded ") != 1:
        fail("the restarted gateway did not load the saved model")
    t_restart = T0 + 100.0
    run.replay(faulty, t_restart, first=True)
    n3 = frames_of(len(faulty))
    wait_for("%d health rows" % (n2 + n3), lambda: run.health_rows() == n2 + n3)
    # the sender's clock set back by 1 s (an NTP correction) with new samples: not a duplicate,
    # a new segment (issue 16): scored and stored beside the rows of the same times
    back = 4 * CHUNK
    run.replay(faulty[:back], t_restart + 1.0, first=False)
    n_back = n2 + n3 + frames_of(back)
    wait_for("%d health rows" % n_back, lambda: run.health_rows() == n_back)
    seg1 = run.query("SELECT count(*), min(t) FROM health WHERE segment = 1")[0]
    if seg1[0] != frames_of(back) or abs(seg1[1] - (t_restart + 1.0)) > 1e-6:
        fail("segment 1 after the clock stepped back: %r, expected %d rows from t0 + 1 s"
             % (seg1, frames_of(back)))
    if run.query("SELECT count(*) FROM errors")[0][0] != 2:
        fail("a message with time stepping back was reported as an error")
    if run.stop(gw2) != 0:
        fail("restarted gateway exit status is not 0 after SIGTERM")
    s2 = summary(glog2)
    time.sleep(0.3)  # the last commit of the consumer
    if run.stop(mes) != 0:
        fail("vigil_mes exit status is not 0 after SIGTERM")

    verify_db(run, s1, s2, n1, n2, n3, len(healthy), t_restart)


def check_explanation(what, t, reason, kind, onset, features, t_first_faulty):
    """Issue 16: an alarm event's stored explanation (kind, onset, features JSON array) is the
    gateway message's: the onset is the reason's "since t=" (%.3f of the same value: 0.5 ms), the
    features are the reason's "NAME +6.2, ..." in order (scales to 0.1), and the episode starts
    on a frame holding faulty samples (after t_first_faulty), no later than the alarm.
    Returns the features as "NAME +6.2, ..." text."""
    feats = json.loads(features) if isinstance(features, str) else features
    since = re.search(r" since t=(\d+\.\d+)", reason)
    drivers = re.search(r": ((?:[\w.]+ [+-]\d+\.\d(?:, )?)+) \(baseline scales\)", reason)
    text = ", ".join("%s %+.1f" % (f["feature"], f["scales"]) for f in feats or [])
    if kind != "change" or onset is None or not since or \
            abs(onset - float(since.group(1))) > 5.01e-4:
        fail("%s: kind %r, onset %r, reason %r" % (what, kind, onset, reason))
    if not feats or not drivers or text != drivers.group(1):
        fail("%s: features %r, reason %r" % (what, features, reason))
    if not t_first_faulty < onset <= t:
        fail("%s: onset %.6f, expected in (%.6f, %.6f]" % (what, onset, t_first_faulty, t))
    return text


def verify_db(run, s1, s2, n1, n2, n3, n_healthy, t_restart):
    q = run.query
    total = q("SELECT count(*) FROM health")[0][0]
    if total != s1["frames"] + s2["frames"]:
        fail("%d health rows, but the gateways published %d frames" %
             (total, s1["frames"] + s2["frames"]))
    print("health rows %d = frames published %d + %d" % (total, s1["frames"], s2["frames"]))

    learning = q("SELECT count(*) FROM health WHERE state = 'learning'")[0][0]
    if learning != LEARN:
        fail("%d learning rows, expected %d" % (learning, LEARN))

    # frames wholly inside the healthy recording, after learning
    t_fault = T0 + n_healthy / RATE
    healthy_end = t_fault - FRAME / RATE + 1e-9
    bad = q("SELECT frame, state, score, threshold FROM health WHERE state IN ('warn','alarm') "
            "AND t <= ?", (healthy_end,))
    scored = q("SELECT count(*), max(score / threshold) FROM health WHERE state != 'learning' "
               "AND t <= ?", (healthy_end,))[0]
    print("healthy frames scored after learning: %d, largest score/threshold %.3f"
          % (scored[0], scored[1]))
    if scored[0] != n1 - LEARN:
        fail("%d healthy frames scored, expected %d" % (scored[0], n1 - LEARN))
    if bad:
        fail("false alarm on healthy data: %r" % bad[:5])

    alarms = q("SELECT t, frame, reason, top, kind, onset, features FROM events "
               "WHERE to_state = 'alarm' ORDER BY t")
    first_run = [a for a in alarms if a[0] < t_restart]
    if not first_run:
        fail("no alarm event during the faulty data")
    delay = first_run[0][0] - (t_fault - FRAME / RATE)
    top = json.loads(first_run[0][3])
    if not top or not all("feature" in f and "contribution" in f and "scales" in f for f in top):
        fail("alarm event without its top features: %r" % (first_run[0],))
    # the explanation a planner reads: since when, and by how much in baseline scales
    if "since t=" not in first_run[0][2] or "baseline scales" not in first_run[0][2]:
        fail("alarm reason without onset or scales: %r" % (first_run[0][2],))
    # issue 16: the reason quotes the features that drove the episode, "NAME +6.2, ..."
    drivers = re.search(r": ((?:[\w.]+ [+-]\d+\.\d(?:, )?)+) \(baseline scales\)",
                        first_run[0][2])
    if not drivers or not all(float(p.split()[1]) > 0 for p in drivers.group(1).split(", ")):
        fail("alarm reason without the features that drove it: %r" % (first_run[0][2],))
    print("alarm at t = fault + %.3f s (frame %d): %s" % (delay, first_run[0][1], first_run[0][2]))
    a = first_run[0]
    text = check_explanation("first alarm", a[0], a[2], a[4], a[5], a[6], t_fault - FRAME / RATE)
    print("stored explanation: onset %.6f, features %s" % (a[5], text))
    if delay > 1.0:
        fail("alarm %.3f s after the fault started, expected within 1 s" % delay)

    learnt = q("SELECT count(*) FROM events WHERE from_state = 'learning' AND to_state = 'ok'")[0][0]
    if learnt != 1:
        fail("%d 'learning -> ok' events, expected 1" % learnt)

    # after the restart: no learning, scored from the first frame, the fault seen again
    after = q("SELECT state, score FROM health WHERE t >= ? AND segment = 0 ORDER BY t",
              (t_restart,))
    if len(after) != n3 or after[0][0] == "learning" or after[0][1] is None:
        fail("restarted gateway did not score at once: %d rows, first %r" %
             (len(after), after[:1]))
    # the model was saved with its stream state: the alarm that was up at the shutdown is
    # resumed (to_state 'alarm'), not forgotten
    loaded = q("SELECT reason FROM events WHERE from_state IS NULL AND to_state = 'alarm' "
               "AND t = ?", (t_restart,))
    if len(loaded) != 1 or "model loaded" not in loaded[0][0]:
        fail("no 'model loaded' event at the restart: %r" % loaded)
    if not [a for a in alarms if a[0] >= t_restart]:
        fail("no alarm after the restart")
    print("restart: model loaded, %d frames scored, first state %s" % (len(after), after[0][0]))

    errors = q("SELECT channel, error FROM errors ORDER BY id")
    if len(errors) != 2 or "duplicate" not in errors[0][1] or errors[1][0] != "bad":
        fail("error rows: %r" % errors)
    status = q("SELECT machine, channel, state FROM channel_status")
    if status != [(MACHINE, CHANNEL, "alarm")]:
        fail("channel_status view: %r" % status)
    print("errors: %d rows (duplicate dropped, malformed rejected); channel_status: %r"
          % (len(errors), status))


if __name__ == "__main__":
    sys.exit(main())
