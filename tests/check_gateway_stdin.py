#!/usr/bin/env python3
"""The gateway and the MES consumer without a broker: `vigil_gateway --input` piped into
`vigil_mes --stdin`, as examples/gateway/README.md shows.

    check_gateway_stdin.py VIGIL_GATEWAY VIGIL_MES DEMO_DIR

Checks the frame count against the framing arithmetic, the learning rows, an alarm event on
the outer-race recording and none on the healthy one, that a second run loads the saved model
and scores from its first frame, and that the consumer stores a repeated line once and rejects
malformed JSON, a missing time and an unknown state with a message (no row); the model id of
the rows (issue 14: `vigil inspect`'s id for the saved model, NULL while learning), the segment
key and the migration of version-1 and version-2 databases.
Exits 77 (skip) when the examples were not built.
"""
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

RATE, FRAME, HOP, LEARN = 12000, 1024, 256, 60


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(argv, stdin_text=None):
    p = subprocess.run(argv, input=stdin_text, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (argv[0], p.returncode, p.stderr))
    return p


def check_segments(mes, tmp):
    """The consumer's unique key holds the segment (issue 16): rows of a new segment at times
    an earlier segment already had (a clock set back) are kept, a repeated row of the same
    segment is stored once; a version-1 database is migrated with its rows kept (segment 0)."""
    h = 'vigil/m/c/health {"t":%d,"segment":%d,"frame":%d,"state":"ok","score":1,' \
        '"threshold":2,"health":0.9}'
    rows = [h % (t, 0, t) for t in range(10)] + [h % (t, 1, 10 + t) for t in range(5, 10)]
    text = "\n".join(rows + rows[-2:]) + "\n"
    db = os.path.join(tmp, "seg.db")
    run([mes, "--stdin", "--db", db], text)
    con = sqlite3.connect(db)
    got = con.execute("SELECT segment, count(*) FROM health GROUP BY segment").fetchall()
    last = con.execute("SELECT t, frame FROM channel_status").fetchall()
    con.close()
    if got != [(0, 10), (1, 5)]:
        fail("rows per segment %r, expected [(0, 10), (1, 5)]" % got)
    if last != [(9.0, 19)]:
        fail("channel_status after a clock set back: %r, expected the last row stored" % last)
    # a version-1 database (UNIQUE (machine, channel, t), no segment)
    old = os.path.join(tmp, "v1.db")
    con = sqlite3.connect(old)
    con.executescript(
        "CREATE TABLE health (id INTEGER PRIMARY KEY, machine TEXT NOT NULL, channel TEXT NOT "
        "NULL, t REAL NOT NULL, frame INTEGER NOT NULL, state TEXT NOT NULL, score REAL, "
        "threshold REAL, health REAL, top_feature TEXT, top_contribution REAL, top TEXT, "
        "received REAL NOT NULL, UNIQUE (machine, channel, t));"
        "CREATE TABLE events (id INTEGER PRIMARY KEY, machine TEXT NOT NULL, channel TEXT NOT "
        "NULL, t REAL NOT NULL, frame INTEGER, from_state TEXT, to_state TEXT NOT NULL, reason "
        "TEXT, score REAL, threshold REAL, top TEXT, received REAL NOT NULL, "
        "UNIQUE (machine, channel, t, to_state));"
        "CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (1);"
        "INSERT INTO health (machine, channel, t, frame, state, received) "
        "VALUES ('m', 'c', 5, 5, 'ok', 0);"
        "INSERT INTO events (machine, channel, t, to_state, received) "
        "VALUES ('m', 'c', 5, 'ok', 0);")
    con.commit()
    con.close()
    run([mes, "--stdin", "--db", old], h % (5, 1, 20) + "\n" + h % (5, 0, 21) + "\n")
    con = sqlite3.connect(old)
    got = con.execute("SELECT segment, frame FROM health ORDER BY id").fetchall()
    ver = con.execute("SELECT version FROM schema_version").fetchall()
    ev = con.execute("SELECT segment, t FROM events").fetchall()
    con.close()
    if got != [(0, 5), (1, 20)] or ver != [(4,)] or ev != [(0, 5.0)]:
        fail("version-1 database after migration: health %r, events %r, version %r"
             % (got, ev, ver))
    check_migrate_v2(mes, tmp)


def check_migrate_v2(mes, tmp):
    """A version-2 database (no model column, issue 14) is migrated to version 3 with its rows
    kept, model NULL; a new row carries the payload's model id."""
    old = os.path.join(tmp, "v2.db")
    con = sqlite3.connect(old)
    con.executescript(
        "CREATE TABLE health (id INTEGER PRIMARY KEY, machine TEXT NOT NULL, channel TEXT NOT "
        "NULL, t REAL NOT NULL, frame INTEGER NOT NULL, state TEXT NOT NULL, score REAL, "
        "threshold REAL, health REAL, top_feature TEXT, top_contribution REAL, top TEXT, "
        "received REAL NOT NULL, segment INTEGER NOT NULL DEFAULT 0, "
        "UNIQUE (machine, channel, segment, t));"
        "CREATE TABLE events (id INTEGER PRIMARY KEY, machine TEXT NOT NULL, channel TEXT NOT "
        "NULL, t REAL NOT NULL, frame INTEGER, from_state TEXT, to_state TEXT NOT NULL, reason "
        "TEXT, score REAL, threshold REAL, top TEXT, received REAL NOT NULL, "
        "segment INTEGER NOT NULL DEFAULT 0, UNIQUE (machine, channel, segment, t, to_state));"
        "CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (2);"
        "INSERT INTO health (machine, channel, t, frame, state, received) "
        "VALUES ('m', 'c', 5, 5, 'ok', 0);"
        "INSERT INTO events (machine, channel, t, to_state, received) "
        "VALUES ('m', 'c', 5, 'ok', 0);")
    con.commit()
    con.close()
    run([mes, "--stdin", "--db", old],
        'vigil/m/c/health {"t":6,"frame":6,"state":"ok","model":"0123456789abcdef"}\n'
        'vigil/m/c/health {"t":7,"frame":7,"state":"ok","model":7}\n'
        'vigil/m/c/event {"t":6,"to":"warn","model":"0123456789abcdef"}\n')
    con = sqlite3.connect(old)
    got = con.execute("SELECT frame, model FROM health ORDER BY id").fetchall()
    ev = con.execute("SELECT t, model FROM events ORDER BY id").fetchall()
    ver = con.execute("SELECT version FROM schema_version").fetchall()
    con.close()
    if got != [(5, None), (6, "0123456789abcdef"), (7, None)] or ver != [(4,)] \
            or ev != [(5.0, None), (6.0, "0123456789abcdef")]:
        fail("version-2 database after migration: health %r, events %r, version %r"
             % (got, ev, ver))
    check_migrate_v3(mes, tmp)


def check_migrate_v3(mes, tmp):
    """A version-3 database (no explanation columns, issue 16) is migrated to version 4 with
    its rows kept, kind/onset/features NULL; a new event carries the payload's, and a features
    field that is not an array or an onset that is not a number is stored as NULL."""
    old = os.path.join(tmp, "v3.db")
    con = sqlite3.connect(old)
    con.executescript(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, machine TEXT NOT NULL, channel TEXT NOT "
        "NULL, t REAL NOT NULL, frame INTEGER, from_state TEXT, to_state TEXT NOT NULL, reason "
        "TEXT, score REAL, threshold REAL, top TEXT, received REAL NOT NULL, "
        "segment INTEGER NOT NULL DEFAULT 0, model TEXT, "
        "UNIQUE (machine, channel, segment, t, to_state));"
        "CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (3);"
        "INSERT INTO events (machine, channel, t, to_state, received, model) "
        "VALUES ('m', 'c', 5, 'ok', 0, 'abc');")
    con.commit()
    con.close()
    run([mes, "--stdin", "--db", old],
        'vigil/m/c/event {"t":6,"to":"alarm","kind":"change","onset":5.5,'
        '"features":[{"feature":"rms","scales":4.25},{"feature":"peak","scales":-1.5}]}\n'
        'vigil/m/c/event {"t":7,"to":"warn","kind":3,"onset":"5","features":"rms +4.2"}\n')
    con = sqlite3.connect(old)
    ev = con.execute("SELECT t, model, kind, onset, features FROM events ORDER BY id").fetchall()
    ver = con.execute("SELECT version FROM schema_version").fetchall()
    con.close()
    want = [(5.0, "abc", None, None, None),
            (6.0, None, "change", 5.5,
             '[{"feature":"rms","scales":4.25},{"feature":"peak","scales":-1.5}]'),
            (7.0, None, None, None, None)]
    if ev != want or ver != [(4,)]:
        fail("version-3 database after migration: events %r, version %r" % (ev, ver))


def check_explanations(q, gateway_out, t_fault):
    """Issue 16: each event row keeps the gateway message's explanation, kind, onset and the
    features array as sent; the first alarm's episode starts on a frame that holds faulty
    samples (after t_fault) and no later than the alarm."""
    sent = [json.loads(line.split(" ", 1)[1]) for line in gateway_out.splitlines()
            if line.split(" ", 1)[0].endswith("/event")]
    rows = q("SELECT t, to_state, kind, onset, features FROM events ORDER BY id")
    if len(rows) != len(sent):
        fail("%d event rows, the gateway sent %d events" % (len(rows), len(sent)))
    explained = 0
    for msg, (t, to, kind, onset, features) in zip(sent, rows):
        want = (msg["t"], msg["to"], msg.get("kind"), msg.get("onset"), msg.get("features"))
        got = (t, to, kind, onset, json.loads(features) if features is not None else None)
        if got != want:
            fail("event row %r, the gateway sent %r" % (got, want))
        explained += bool(features and json.loads(features))
    alarms = q("SELECT t, onset, features FROM events WHERE to_state = 'alarm' AND t < 5000 "
               "ORDER BY t LIMIT 1")
    if not alarms or alarms[0][1] is None or not t_fault < alarms[0][1] <= alarms[0][0]:
        fail("first alarm's onset %r, expected in (%.6f, alarm t]" % (alarms, t_fault))
    feats = json.loads(alarms[0][2])
    if not feats or not all(isinstance(f["feature"], str) and f["scales"] > 0 for f in feats):
        fail("first alarm's features %r, expected names with positive scales" % feats)
    print("events: %d stored as sent, %d with features; first alarm at t=%.6f, onset %.6f, %s"
          % (len(rows), explained, alarms[0][0], alarms[0][1],
             ", ".join("%s %+.1f" % (f["feature"], f["scales"]) for f in feats)))


def main():
    gateway, mes, demo = sys.argv[1:4]
    if not gateway or not mes:
        print("SKIP: examples/gateway and examples/mes were not built "
              "(apt-get install libmosquitto-dev libsqlite3-dev)")
        return 77
    with tempfile.TemporaryDirectory(prefix="vigil-gw-stdin-") as tmp:
        # healthy then outer race as one recording (column de)
        rec = os.path.join(tmp, "rec.csv")
        with open(rec, "w") as out:
            for i, name in enumerate(("healthy", "outer_race")):
                with gzip.open(os.path.join(demo, name + ".csv.gz"), "rt") as f:
                    lines = f.readlines()
                out.writelines(lines if i == 0 else lines[1:])
        n_healthy = 24000
        models, db = os.path.join(tmp, "models"), os.path.join(tmp, "plant.db")
        common = ["--machine", "press-1", "--channel", "de", "--rate", str(RATE), "--column", "de",
                  "--frame", str(FRAME), "--hop", str(HOP), "--bands", "octaves", "--learn", str(LEARN),
                  "--models", models]
        out1 = run([gateway, "--input", rec, "--t0", "1000"] + common).stdout
        out2 = run([gateway, "--input", os.path.join(demo, "outer_race.csv.gz"), "--t0", "5000"]
                   + common).stdout
        lines = out1.splitlines()
        bad = ["vigil/x/y/health {not json",
               'vigil/x/y/health {"frame":1,"state":"ok"}',
               'vigil/x/y/health {"t":1,"frame":1,"state":"broken"}']
        text = "\n".join(lines + lines[:5] + bad + out2.splitlines()) + "\n"
        err = run([mes, "--stdin", "--db", db], text).stderr
        for needle in ("malformed JSON", "NOT NULL constraint failed: health.t",
                       "CHECK constraint failed"):
            if needle not in err:
                fail("consumer did not report '%s': %s" % (needle, err))

        con = sqlite3.connect(db)
        q = lambda sql, *a: con.execute(sql, a).fetchall()
        n1 = (48000 - FRAME) // HOP + 1
        n2 = (24000 - FRAME) // HOP + 1
        got1 = q("SELECT count(*) FROM health WHERE t < 5000")[0][0]
        got2 = q("SELECT count(*) FROM health WHERE t >= 5000")[0][0]
        if (got1, got2) != (n1, n2):
            fail("health rows %d + %d, expected %d + %d" % (got1, got2, n1, n2))
        if q("SELECT count(*) FROM health WHERE state = 'learning'")[0][0] != LEARN:
            fail("learning rows")
        if q("SELECT count(*) FROM health WHERE machine = 'x'")[0][0] != 0:
            fail("a rejected payload was stored")
        t_fault = 1000 + n_healthy / RATE - FRAME / RATE
        if q("SELECT count(*) FROM events WHERE to_state IN ('warn','alarm') AND t <= ?",
             t_fault)[0][0]:
            fail("warn/alarm on healthy frames")
        if not q("SELECT 1 FROM events WHERE to_state = 'alarm' AND t > ? AND t < 5000", t_fault):
            fail("no alarm on the outer-race recording")
        first = q("SELECT state, score FROM health WHERE t >= 5000 ORDER BY t LIMIT 1")
        if not first or first[0][0] == "learning" or first[0][1] is None:
            fail("the second run did not score from its first frame: %r" % first)
        if not q("SELECT 1 FROM events WHERE t = 5000 AND reason LIKE 'model loaded%'"):
            fail("no 'model loaded' event in the second run")
        # issue 14: the model id, as `vigil inspect` prints it for the saved model, on every
        # row scored by that model; NULL while learning
        vigil = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(gateway)))), "tools", "vigil")
        ids = q("SELECT DISTINCT model FROM health WHERE state != 'learning'")
        if len(ids) != 1 or not re.fullmatch(r"[0-9a-f]{16}", ids[0][0] or ""):
            fail("model ids of the scored rows: %r, expected one 16-hex id" % ids)
        if os.path.exists(vigil):
            saved = os.path.join(models, "press-1@de.vgm")
            m = re.search(r"^# model id: ([0-9a-f]{16})$", run([vigil, "inspect", saved]).stdout,
                          re.M)
            if not m or m.group(1) != ids[0][0]:
                fail("model id %r, vigil inspect %s: %r" % (ids[0][0], saved, m and m.group(1)))
        if q("SELECT count(*) FROM health WHERE state = 'learning' AND model IS NOT NULL")[0][0]:
            fail("a learning row carries a model id")
        if q("SELECT count(*) FROM events WHERE model IS NOT "
             "(CASE WHEN to_state != 'learning' THEN ? END)", ids[0][0])[0][0]:
            fail("events without the model id: %r" % q("SELECT * FROM events"))
        check_explanations(q, out1 + out2, t_fault)
        con.close()
        check_segments(mes, tmp)
    print("gateway --input | vigil_mes --stdin: %d + %d frames, alarm, reload: OK" % (n1, n2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
