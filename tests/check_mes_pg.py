#!/usr/bin/env python3
"""vigil_mes --pg end to end with a real PostgreSQL server and a real mosquitto broker.

    check_mes_pg.py VIGIL_GATEWAY VIGIL_MES DEMO_DIR

Makes a PostgreSQL cluster in a temporary folder (initdb; as root the server runs as the
`postgres` user through runuser, since postgres refuses root) listening only on a Unix socket
there, starts mosquitto on a free loopback port, the gateway and `vigil_mes --pg`, then:

 1. replays healthy.csv.gz: every frame must reach the health table;
 2. kills the server (pg_ctl -m immediate: a crash, so a transaction in flight is lost) and
    replays the first half of outer_race.csv.gz while it is down: the consumer must keep the
    rows; then starts the server again: every row must arrive, none twice;
 3. publishes one health message again as MQTT QoS 1 may redeliver it (ignored: UNIQUE key),
    a malformed payload and one without its state (refused alone, logged), then the rest of
    outer_race.csv.gz;
 4. stops the gateway and the consumer (SIGTERM) and checks the tables: one row per published
    frame with frame indices 0..n-1 once each, the learning -> ok and an alarm event, the
    channel_status view, and the consumer's summary line;
 5. a clock set back (`vigil_mes --stdin --pg`, another channel): frames whose t repeat the
    earlier ones in a higher segment are all stored (exact rows per segment), exact
    redeliveries once, channel_status shows the last stored row;
 6. a database made by the version-1 schema (no segment) is migrated at connection: version
    4, its rows in segment 0 with model NULL, the new unique keys, and 5's rows stored as
    there; a version-2 database (no model column) is migrated with its rows kept, model NULL;
    a version-3 one (no kind, onset, features) with its events kept, those NULL.
 4 also checks the first alarm's stored explanation against the message's reason (issue 16:
 kind, onset, features) and the model id (issue 14): on every scored row and event, the id `vigil inspect`
 prints for the gateway's saved model; NULL on the learning rows.
Exits 77 (skip) with a message when PostgreSQL, mosquitto or the --pg build are missing.
"""
import glob
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_gateway as cg  # noqa: E402  (the broker, gateway and replay helpers)

MACHINE, CHANNEL = cg.MACHINE, cg.CHANNEL


def pg_bindir():
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "pg_ctl")):
            return d
    d = shutil.which("pg_ctl")
    return os.path.dirname(d) if d and shutil.which("initdb") else None


class Server:
    """A throw-away PostgreSQL cluster on a Unix socket in `tmp`."""

    def __init__(self, tmp, bindir):
        self.bindir, self.tmp = bindir, tmp
        self.data = os.path.join(tmp, "pgdata")
        self.sock = os.path.join(tmp, "pgsock")
        self.log = os.path.join(tmp, "postgres.log")
        self.port = cg.free_port()
        self.as_user = []
        if os.geteuid() == 0:  # postgres refuses to run as root
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                cg.skip("running as root and there is no 'postgres' user to run the server")
            os.chmod(tmp, 0o755)
            os.makedirs(self.sock)
            open(self.log, "w").close()
            for p in (self.sock, self.log):
                os.chown(p, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        else:
            os.makedirs(self.sock)
        self.conninfo = "host=%s port=%d dbname=postgres user=vigil" % (self.sock, self.port)

    def run(self, tool, *args, timeout=60):
        p = subprocess.run(self.as_user + [os.path.join(self.bindir, tool)] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout)
        if p.returncode != 0:
            cg.fail("%s failed: %s" % (tool, p.stdout))

    def init(self):
        if self.as_user:
            os.makedirs(self.data, mode=0o700)
            pw = pwd.getpwnam("postgres")
            os.chown(self.data, pw.pw_uid, pw.pw_gid)
        self.run("initdb", "-D", self.data, "-U", "vigil", "-A", "trust", "--no-sync",
                 "-E", "UTF8", "--locale", "C")

    def start(self):
        # fsync off: the test checks the consumer, not the disk; no TCP listener at all
        self.run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "-o",
                 "-k %s -p %d -c listen_addresses='' -c fsync=off" % (self.sock, self.port),
                 "start")

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def running(self):
        return os.path.exists(os.path.join(self.data, "postmaster.pid"))

    def query(self, sql):
        p = subprocess.run(["psql", self.conninfo, "-XAtq", "-F", "|", "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        if p.returncode != 0:
            return None  # not up, or the consumer has not made the schema yet
        return [line.split("|") for line in p.stdout.splitlines()]

    def count(self, table="health"):
        r = self.query("SELECT count(*) FROM %s" % table)
        return int(r[0][0]) if r else -1


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    gateway, mes, demo = sys.argv[1:4]
    if not gateway or not mes:
        cg.skip("examples/gateway and examples/mes were not built (apt-get install "
                "libmosquitto-dev libsqlite3-dev libpq-dev)")
    helptext = subprocess.run([mes, "--help"], stdout=subprocess.PIPE, text=True).stdout
    if "--pg" not in helptext:
        cg.skip("vigil_mes was built without libpq (apt-get install libpq-dev, then reconfigure)")
    bindir = pg_bindir()
    if not bindir or not shutil.which("psql"):
        cg.skip("PostgreSQL is not installed (apt-get install postgresql)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        cg.skip("running as root without runuser to start the server as 'postgres'")
    mosquitto, pub = cg.find_tool("mosquitto"), cg.find_tool("mosquitto_pub")
    if not mosquitto or not pub:
        cg.skip("the mosquitto broker or mosquitto_pub is not installed "
                "(apt-get install mosquitto mosquitto-clients)")
    healthy = cg.read_column(os.path.join(demo, "healthy.csv.gz"))
    faulty = cg.read_column(os.path.join(demo, "outer_race.csv.gz"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vigil-pg-") as tmp:
        server = Server(tmp, bindir)
        run = cg.Run(tmp, gateway, mes, mosquitto, pub)
        try:
            server.init()
            server.start()
            check(run, server, healthy, faulty)
        finally:
            for p in run.procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            if server.running():
                try:
                    server.stop("immediate")
                except BaseException as e:  # report, but keep the first failure's message
                    print("could not stop the server: %s" % e)
            for name in ("gateway1.log", "mes.log"):
                path = os.path.join(tmp, name)
                if os.path.exists(path):
                    with open(path) as f:
                        sys.stdout.write("--- %s\n%s" % (name, f.read()))
    print("PostgreSQL end-to-end: OK in %.1f s" % (time.monotonic() - started))
    return 0


def check(run, server, healthy, faulty):
    tmp = run.tmp
    glog, mlog = os.path.join(tmp, "gateway1.log"), os.path.join(tmp, "mes.log")
    run.start_broker()
    mes = run.start([run.mes_bin, "--port", str(run.port), "--pg", server.conninfo,
                     "--id", "mes-pg-test", "--commit-ms", "100", "--reconnect-max", "1"], mlog)
    gw = run.start_gateway(glog)
    cg.wait_for("both clients to subscribe",
                lambda: cg.log_count(glog, "subscribed") == 1 and
                cg.log_count(mlog, "subscribed") == 1)
    if cg.log_count(mlog, "connected to postgresql") != 1:
        cg.fail("vigil_mes did not report its database connection")

    # 1. healthy data
    run.replay(healthy, cg.T0, first=True)
    n1 = cg.frames_of(len(healthy))
    cg.wait_for("%d health rows" % n1, lambda: server.count() == n1)

    # 2. the server crashes; half the fault arrives while it is down; it comes back
    server.stop("immediate")
    half = len(faulty) // 2 // cg.CHUNK * cg.CHUNK
    run.replay(faulty[:half], cg.T0 + len(healthy) / cg.RATE, first=False)
    n2 = cg.frames_of(len(healthy) + half)
    cg.wait_for("the gateway to publish %d frames" % n2,
                lambda: cg.log_count(mlog, "connection lost") +
                cg.log_count(mlog, "not reachable") >= 1)
    time.sleep(1.5)  # a few reconnection attempts against the dead server
    server.start()
    cg.wait_for("%d health rows after the restart" % n2, lambda: server.count() == n2)
    if cg.log_count(mlog, "connected to postgresql") != 2:
        cg.fail("vigil_mes did not reconnect exactly once")

    # 3. a redelivered health message, a malformed one, one without its state; then the rest
    t, frame = server.query("SELECT t, frame FROM health ORDER BY t DESC LIMIT 1")[0]
    again = ('{"machine":"%s","channel":"%s","t":%s,"frame":%s,"state":"ok","score":1,'
             '"threshold":2,"health":1,"top":[]}' % (MACHINE, CHANNEL, t, frame))
    health_topic = "vigil/%s/%s/health" % (MACHINE, CHANNEL)
    run.publish(health_topic, [again, '{"t": 1, "frame": oops', '{"t": 2, "frame": 3}'])
    run.replay(faulty[half:], cg.T0 + (len(healthy) + half) / cg.RATE, first=False)
    n3 = cg.frames_of(len(healthy) + len(faulty))
    cg.wait_for("%d health rows" % n3, lambda: server.count() == n3)

    # 4. stop both; the consumer's summary and the tables
    if run.stop(gw) != 0:
        cg.fail("gateway exit status is not 0 after SIGTERM")
    frames = cg.summary(glog)["frames"]
    time.sleep(0.3)
    if run.stop(mes) != 0:
        cg.fail("vigil_mes exit status is not 0 after SIGTERM")
    with open(mlog) as f:
        last = [line for line in f if "stored " in line][-1]
    want = "stored %d health rows" % frames
    if want not in last or "1 repeated deliveries ignored, 2 messages not stored" not in last:
        cg.fail("vigil_mes summary: %r (expected %r, 1 repeated, 2 not stored)" % (last, want))
    if cg.log_count(mlog, "not stored") < 3:  # the two refused payloads, and the summary
        cg.fail("the refused payloads were not logged")

    q = server.query
    total, distinct, lo, hi = (int(v) for v in q(
        "SELECT count(*), count(DISTINCT frame), min(frame), max(frame) FROM health")[0])
    if not (total == frames == n3 and distinct == total and lo == 0 and hi == total - 1):
        cg.fail("health rows: %d (%d distinct frames %d..%d), gateway published %d, expected %d"
                % (total, distinct, lo, hi, frames, n3))
    print("health rows %d = frames published, each frame once, across a server crash" % total)
    learning = int(q("SELECT count(*) FROM health WHERE state = 'learning'")[0][0])
    if learning != cg.LEARN:
        cg.fail("%d learning rows, expected %d" % (learning, cg.LEARN))
    learnt = q("SELECT count(*) FROM events WHERE from_state = 'learning' AND to_state = 'ok'")
    alarms = q("SELECT t, reason, top->0->>'feature', kind, onset, features FROM events "
               "WHERE to_state = 'alarm' ORDER BY t")
    if learnt != [["1"]] or not alarms or not alarms[0][2]:
        cg.fail("events: learning->ok %r, alarms %r" % (learnt, alarms))
    t_fault = cg.T0 + len(healthy) / cg.RATE
    if float(alarms[0][0]) < t_fault - cg.FRAME / cg.RATE:
        cg.fail("alarm before the fault: %r" % alarms[0])
    status = q("SELECT machine, channel, state FROM channel_status")
    if status != [[MACHINE, CHANNEL, "alarm"]]:
        cg.fail("channel_status view: %r" % status)
    # the trigger-kept last row equals the latest health row (the redelivered copy of an
    # older frame must not have replaced it)
    last = q("SELECT t, frame, state, health FROM channel_status")
    latest = q("SELECT t, frame, state, health FROM health ORDER BY t DESC LIMIT 1")
    if last != latest:
        cg.fail("channel_status %r, latest health row %r" % (last, latest))
    # the indexes the documented dashboard queries rely on
    idx = sorted(r[0] for r in q("SELECT indexname FROM pg_indexes WHERE tablename IN "
                                 "('health', 'events')"))
    for name in ("events_time", "health_state"):
        if name not in idx:
            cg.fail("index %s missing: %r" % (name, idx))
    print("alarm event at t = fault + %.3f s: %s; channel_status %r"
          % (float(alarms[0][0]) - t_fault, alarms[0][1], status))
    a = alarms[0]
    text = cg.check_explanation("first alarm", float(a[0]), a[1], a[3],
                                float(a[4]) if a[4] else None, a[5],
                                t_fault - cg.FRAME / cg.RATE)
    print("stored explanation: onset %s, features %s" % (a[4], text))
    check_model_ids(run, q)
    check_clock_set_back(run, server)
    check_migration(run, server)


def check_model_ids(run, q):
    """issue 14: every scored row and every event after the fit carry the model id that
    `vigil inspect` prints for the saved model; the learning rows (and the event into
    learning, at the start) carry none"""
    ids = q("SELECT DISTINCT model FROM health WHERE state != 'learning'")
    if not ids or len(ids) != 1 or not re.fullmatch(r"[0-9a-f]{16}", ids[0][0]):
        cg.fail("model ids of the scored rows: %r, expected one 16-hex id" % ids)
    model = ids[0][0]
    vigil = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(run.gateway_bin)))), "tools", "vigil")
    if os.path.exists(vigil):
        saved = os.path.join(run.models, "%s@%s.vgm" % (MACHINE, CHANNEL))
        out = subprocess.run([vigil, "inspect", saved], stdout=subprocess.PIPE, text=True,
                             timeout=30).stdout
        m = re.search(r"^# model id: ([0-9a-f]{16})$", out, re.M)
        if not m or m.group(1) != model:
            cg.fail("model id %s in the rows, vigil inspect %s: %r"
                    % (model, saved, m and m.group(1)))
    if q("SELECT count(*) FROM health WHERE state = 'learning' AND model IS NOT NULL") != [["0"]]:
        cg.fail("a learning row carries a model id")
    ev = q("SELECT to_state, model FROM events WHERE model IS DISTINCT FROM "
           "(CASE WHEN to_state != 'learning' THEN '%s' END)" % model)
    if ev:
        cg.fail("events without the model id %s: %r" % (model, ev))
    print("model id %s on every scored row and event, NULL while learning" % model)


def health_msg(channel, t, frame, segment, state="ok"):
    seg = "" if segment is None else ',"segment":%d' % segment
    return ('vigil/%s/%s/health {"machine":"%s","channel":"%s","t":%.3f%s,"frame":%d,'
            '"state":"%s","score":1,"threshold":2,"health":%.2f,"top":[]}'
            % (MACHINE, channel, MACHINE, channel, t, seg, frame, state, 1 - frame / 100))


def event_msg(channel, t, frame, segment, to):
    return ('vigil/%s/%s/event {"machine":"%s","channel":"%s","t":%.3f,"segment":%d,'
            '"frame":%d,"from":"learning","to":"%s","reason":"test"}'
            % (MACHINE, channel, MACHINE, channel, t, segment, frame, to))


def store_stdin(run, conninfo, lines, log):
    """vigil_mes --stdin --pg over `lines`; its summary line"""
    with open(log, "w") as err:
        p = subprocess.run([run.mes_bin, "--stdin", "--pg", conninfo, "--commit-ms", "100",
                            "--reconnect-max", "1"], input="\n".join(lines) + "\n",
                           stdout=subprocess.DEVNULL, stderr=err, text=True, timeout=60)
    with open(log) as f:
        text = f.read()
    if p.returncode != 0:
        cg.fail("vigil_mes --stdin --pg exit status %d: %s" % (p.returncode, text))
    return [line for line in text.splitlines() if "stored " in line][-1]


def clock_lines(channel, t0):
    """segment 0: 5 frames at t0..t0+4 (and the learning -> ok event at t0+1); the clock is set
    back: segment 1 repeats t0..t0+4 and goes on to t0+5 (6 frames, the same event time); one
    exact redelivery of each segment; a segment-0 frame without "segment" (its default, 0)"""
    lines = [health_msg(channel, t0 + k, k, 0) for k in range(5)]
    lines.append(event_msg(channel, t0 + 1, 1, 0, "ok"))
    lines += [health_msg(channel, t0 + k, 5 + k, 1) for k in range(6)]
    lines.append(event_msg(channel, t0 + 1, 6, 1, "ok"))
    lines += [health_msg(channel, t0 + 2, 2, 0), health_msg(channel, t0 + 3, 8, 1),
              event_msg(channel, t0 + 1, 6, 1, "ok"), health_msg(channel, t0 + 4, 4, None)]
    return lines


def check_segments(q, channel, t0, what):
    per = q("SELECT segment, count(*), count(DISTINCT t), min(t), max(t) FROM health "
            "WHERE channel = '%s' GROUP BY segment ORDER BY segment" % channel)
    want = [["0", "5", "5", "%.0f" % t0, "%.0f" % (t0 + 4)],
            ["1", "6", "6", "%.0f" % t0, "%.0f" % (t0 + 5)]]
    if per != want:
        cg.fail("%s: health rows per segment %r, expected %r" % (what, per, want))
    ev = q("SELECT segment, count(*) FROM events WHERE channel = '%s' GROUP BY segment "
           "ORDER BY segment" % channel)
    if ev != [["0", "1"], ["1", "1"]]:
        cg.fail("%s: events per segment %r, expected one in each of 0 and 1" % (what, ev))
    # the latest state is the last stored row (segment 1, frame 10), not the largest t
    last = q("SELECT frame, t FROM channel_status WHERE channel = '%s'" % channel)
    if last != [["10", "%.0f" % (t0 + 5)]]:
        cg.fail("%s: channel_status %r, expected frame 10 of segment 1" % (what, last))


def check_clock_set_back(run, server):
    """5. a clock set back: the rows of the new segment are kept; a redelivery is one row"""
    t0 = cg.T0 + 3600
    last = store_stdin(run, server.conninfo, clock_lines("clock", t0),
                       os.path.join(run.tmp, "mes-clock.log"))
    if "stored 11 health rows" not in last or "4 repeated deliveries ignored" not in last:
        cg.fail("vigil_mes summary after a clock set back: %r (expected 11 health rows, "
                "4 repeated)" % last)
    check_segments(server.query, "clock", t0, "clock set back")
    print("clock set back: segment 0 5 rows, segment 1 6 rows at the same times, "
          "4 redeliveries ignored")


# version 1 of the PostgreSQL schema (no segment), as the consumer made it before
SCHEMA_V1 = """
CREATE TABLE health (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, machine text NOT NULL,
  channel text NOT NULL, t double precision NOT NULL, frame bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('learning','ok','warn','alarm')), score double precision,
  threshold double precision, health double precision, top_feature text,
  top_contribution double precision, top jsonb, received double precision NOT NULL,
  UNIQUE (machine, channel, t));
CREATE INDEX health_state ON health (state, machine, channel, t) WHERE state IN ('warn','alarm');
CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, machine text NOT NULL,
  channel text NOT NULL, t double precision NOT NULL, frame bigint, from_state text,
  to_state text NOT NULL, reason text, score double precision, threshold double precision,
  top jsonb, received double precision NOT NULL, UNIQUE (machine, channel, t, to_state));
CREATE INDEX events_time ON events (t);
CREATE TABLE errors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, machine text NOT NULL,
  channel text NOT NULL, t double precision, error text NOT NULL,
  received double precision NOT NULL);
CREATE TABLE channel_last (machine text NOT NULL, channel text NOT NULL,
  t double precision NOT NULL, frame bigint NOT NULL, state text NOT NULL,
  score double precision, threshold double precision, health double precision,
  top_feature text, PRIMARY KEY (machine, channel));
CREATE FUNCTION vigil_channel_last() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO channel_last VALUES (NEW.machine, NEW.channel, NEW.t, NEW.frame, NEW.state,
    NEW.score, NEW.threshold, NEW.health, NEW.top_feature)
  ON CONFLICT (machine, channel) DO UPDATE SET t = EXCLUDED.t, frame = EXCLUDED.frame,
    state = EXCLUDED.state, score = EXCLUDED.score, threshold = EXCLUDED.threshold,
    health = EXCLUDED.health, top_feature = EXCLUDED.top_feature
  WHERE channel_last.t < EXCLUDED.t;
  RETURN NULL;
END $$;
CREATE TRIGGER health_channel_last AFTER INSERT ON health
  FOR EACH ROW EXECUTE FUNCTION vigil_channel_last();
CREATE VIEW channel_status AS SELECT machine, channel, t, frame, state, score, threshold,
  health, top_feature FROM channel_last;
CREATE TABLE schema_version (version integer NOT NULL);
INSERT INTO schema_version VALUES (1);
INSERT INTO health (machine, channel, t, frame, state, received)
  VALUES ('%s', 'old', 1700000000, 0, 'ok', 1700000001);
""" % MACHINE


def check_migration(run, server):
    """6. a database of schema version 1 is migrated: segment 0 for its rows, the new keys"""
    if server.query("CREATE DATABASE vigil_v1") is None:
        cg.fail("could not create the database vigil_v1")
    old = server.conninfo.replace("dbname=postgres", "dbname=vigil_v1")
    p = subprocess.run(["psql", old, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", SCHEMA_V1],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    if p.returncode != 0:
        cg.fail("version-1 schema: %s" % p.stdout)
    t0 = cg.T0 + 7200
    store_stdin(run, old, clock_lines("clock", t0), os.path.join(run.tmp, "mes-v1.log"))

    def q(sql):
        r = subprocess.run(["psql", old, "-XAtq", "-F", "|", "-c", sql], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=30)
        if r.returncode != 0:
            cg.fail("query on the migrated database: %s" % r.stdout)
        return [line.split("|") for line in r.stdout.splitlines()]
    if q("SELECT version FROM schema_version") != [["4"]]:
        cg.fail("schema_version after the migration: %r" % q("SELECT * FROM schema_version"))
    if q("SELECT segment, frame, model IS NULL FROM health WHERE channel = 'old'") != \
            [["0", "0", "t"]]:
        cg.fail("the version-1 row after the migration: %r"
                % q("SELECT * FROM health WHERE channel = 'old'"))
    check_segments(q, "clock", t0, "migrated database")
    keys = sorted(r[0] for r in q("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                  "WHERE contype = 'u' AND conrelid IN "
                                  "('health'::regclass, 'events'::regclass)"))
    want = ["UNIQUE (machine, channel, segment, t)", "UNIQUE (machine, channel, segment, t, to_state)"]
    if keys != want:
        cg.fail("unique keys after the migration: %r, expected %r" % (keys, want))
    print("version-1 database migrated: schema_version 4, old row in segment 0, keys %r" % keys)
    check_migration_v2(run, server)


def check_migration_v2(run, server):
    """a version-2 database (no model column): made by the consumer, then the column dropped;
    the consumer adds it again, NULL for the old rows, and stores a new row's model id"""
    if server.query("CREATE DATABASE vigil_v2") is None:
        cg.fail("could not create the database vigil_v2")
    old = server.conninfo.replace("dbname=postgres", "dbname=vigil_v2")
    store_stdin(run, old, [health_msg("v2", cg.T0, 0, 0)], os.path.join(run.tmp, "mes-v2.log"))
    p = subprocess.run(["psql", old, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c",
                        "ALTER TABLE health DROP COLUMN model; ALTER TABLE events DROP COLUMN "
                        "model; UPDATE schema_version SET version = 2;"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    if p.returncode != 0:
        cg.fail("making a version-2 database: %s" % p.stdout)
    model = "0123456789abcdef"
    tagged = '"model":"%s",' % model
    lines = [health_msg("v2", cg.T0 + 1, 1, 0).replace('"state"', tagged + '"state"'),
             health_msg("v2", cg.T0 + 2, 2, 0).replace('"state"', '"model":7,"state"'),
             event_msg("v2", cg.T0 + 1, 1, 0, "ok").replace('"from"', tagged + '"from"')]
    store_stdin(run, old, lines, os.path.join(run.tmp, "mes-v2b.log"))
    r = subprocess.run(["psql", old, "-XAtq", "-F", "|", "-c",
                        "SELECT (SELECT version FROM schema_version), (SELECT string_agg("
                        "frame || ':' || coalesce(model, '-'), ',' ORDER BY id) FROM health), "
                        "(SELECT string_agg(coalesce(model, '-'), ',') FROM events)"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    want = "4|0:-,1:%s,2:-|%s" % (model, model)
    if r.returncode != 0 or r.stdout.strip() != want:
        cg.fail("version-2 database after the migration: %r, expected %r" % (r.stdout, want))
    print("version-2 database migrated: schema_version 4, old row model NULL")
    check_migration_v3(run, server)


def check_migration_v3(run, server):
    """a version-3 database (no explanation columns): made by the consumer, then the columns
    dropped; the consumer adds them again, NULL for the old rows, and stores a new event's
    kind, onset and features as sent (NULL for a field of another type)"""
    if server.query("CREATE DATABASE vigil_v3") is None:
        cg.fail("could not create the database vigil_v3")
    old = server.conninfo.replace("dbname=postgres", "dbname=vigil_v3")
    store_stdin(run, old, [event_msg("v3", cg.T0, 0, 0, "ok")],
                os.path.join(run.tmp, "mes-v3.log"))
    p = subprocess.run(["psql", old, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c",
                        "ALTER TABLE events DROP COLUMN kind, DROP COLUMN onset, DROP COLUMN "
                        "features; UPDATE schema_version SET version = 3;"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    if p.returncode != 0:
        cg.fail("making a version-3 database: %s" % p.stdout)
    explained = ',"kind":"change","onset":%.6f,"features":[{"feature":"rms","scales":4.25},' \
                '{"feature":"peak","scales":-1.5}],"from"' % (cg.T0 + 0.5)
    lines = [event_msg("v3", cg.T0 + 1, 1, 0, "alarm").replace(',"from"', explained),
             event_msg("v3", cg.T0 + 2, 2, 0, "warn").replace(
                 ',"from"', ',"kind":3,"onset":"5","features":"rms +4.2","from"')]
    store_stdin(run, old, lines, os.path.join(run.tmp, "mes-v3b.log"))
    r = subprocess.run(["psql", old, "-XAtq", "-F", "|", "-c",
                        "SELECT (SELECT version FROM schema_version), string_agg(frame || ':' || "
                        "coalesce(kind, '-') || ':' || coalesce((onset - %r)::text, '-') || ':' "
                        "|| coalesce(features::text, '-'), ',' ORDER BY id) FROM events"
                        % cg.T0],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    # jsonb's text: keys by length then bytes, the array's order kept
    want = ('4|0:-:-:-,1:change:0.5:[{"scales": 4.25, "feature": "rms"}, '
            '{"scales": -1.5, "feature": "peak"}],2:-:-:-')
    if r.returncode != 0 or r.stdout.strip() != want:
        cg.fail("version-3 database after the migration: %r, expected %r" % (r.stdout, want))
    print("version-3 database migrated: schema_version 4, old event's explanation NULL, "
          "a new event's kind, onset and features as sent")


if __name__ == "__main__":
    sys.exit(main())
