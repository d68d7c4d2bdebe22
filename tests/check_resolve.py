#!/usr/bin/env python3
"""The gateway and the MES feed reach a broker through every address its host name resolves to
(issue 17 item 9). On a standard Debian machine /etc/hosts maps localhost to ::1 and 127.0.0.1,
::1 first; libmosquitto tries only the first address, so a broker listening on 127.0.0.1 alone
was never reached ("not reachable yet (Connection refused)", forever). Reproduced here without
touching /etc/hosts: nss_wrapper (Debian libnss-wrapper) gives the clients a hosts file where
the name "brokerhost" is ::1 then 127.0.0.1, and the broker listens on 127.0.0.1 only. Skips
(77) with a message when mosquitto, nss_wrapper or IPv6 loopback is missing.
check_resolve.py GATEWAY MES"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

GATEWAY, MES = sys.argv[1], sys.argv[2]
def asan_runtime(program):
    """The libasan a sanitizer build of program links, or '' (ldd's answer)."""
    try:
        out = subprocess.run(["ldd", program], capture_output=True, text=True).stdout
    except OSError:
        return ""
    for line in out.splitlines():
        if "libasan" in line and "=>" in line:
            return line.split("=>")[1].split()[0]
    return ""


WRAPPER_PATHS = ["/usr/lib/x86_64-linux-gnu/libnss_wrapper.so",
                 "/usr/lib/aarch64-linux-gnu/libnss_wrapper.so", "/usr/lib/libnss_wrapper.so",
                 "/usr/lib64/libnss_wrapper.so"]


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def main():
    if not GATEWAY or not MES or not os.path.exists(GATEWAY) or not os.path.exists(MES):
        skip("the gateway or the MES feed was not built (libmosquitto-dev, libsqlite3-dev)")
    mosquitto = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
    if not mosquitto:
        skip("mosquitto not installed (apt-get install mosquitto)")
    wrapper = next((p for p in WRAPPER_PATHS if os.path.exists(p)), None)
    if not wrapper:
        skip("nss_wrapper not installed (apt-get install libnss-wrapper)")
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError:
        skip("no IPv6 loopback (::1) on this machine")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        hosts = os.path.join(tmp, "hosts")
        with open(hosts, "w") as f:
            f.write("::1 brokerhost\n127.0.0.1 brokerhost\n")
        env = dict(os.environ, LD_PRELOAD=wrapper, NSS_WRAPPER_HOSTS=hosts)
        # an ASan build (CI's reliability run) needs its runtime first among the preloads
        asan = asan_runtime(GATEWAY)
        client_env = dict(env, LD_PRELOAD=asan + " " + wrapper) if asan else env
        order = subprocess.run(["getent", "ahosts", "brokerhost"], env=env,
                               capture_output=True, text=True).stdout.split()
        if not order or order[0] != "::1":
            skip("nss_wrapper did not resolve brokerhost to ::1 first (got %r)" % order[:1])
        conf = os.path.join(tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % port)
        procs = []
        try:
            broker = subprocess.Popen([mosquitto, "-c", conf], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            procs.append(broker)
            deadline = time.time() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.time() > deadline:
                        raise SystemExit("FAIL: the broker did not start")
                    time.sleep(0.1)
            runs = {
                "gateway": [GATEWAY, "--host", "brokerhost", "--port", str(port), "--id",
                            "gw-resolve", "--models", os.path.join(tmp, "models"),
                            "--reconnect-max", "1"],
                "mes": [MES, "--host", "brokerhost", "--port", str(port), "--id", "mes-resolve",
                        "--db", os.path.join(tmp, "plant.db"), "--reconnect-max", "1"],
            }
            failed = []
            for name, argv in runs.items():
                log = os.path.join(tmp, name + ".log")
                p = subprocess.Popen(argv, env=client_env, stdout=subprocess.DEVNULL,
                                     stderr=open(log, "w"), stdin=subprocess.DEVNULL)
                procs.append(p)
                deadline = time.time() + 15
                connected = False
                while time.time() < deadline and not connected:
                    time.sleep(0.2)
                    with open(log) as f:
                        connected = "connected to" in f.read()
                p.send_signal(signal.SIGTERM)
                p.wait(20)
                with open(log) as f:
                    text = f.read()
                print("%s log:\n%s" % (name, text))
                if not connected:
                    failed.append(name)
            if failed:
                raise SystemExit("FAIL: %s never connected to a broker on 127.0.0.1 through a "
                                 "name that is ::1 first" % ", ".join(failed))
            print("ok: gateway and MES connected through the second address")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()


if __name__ == "__main__":
    main()
