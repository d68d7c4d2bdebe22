# shellcheck shell=bash
# Reliability checks of issue 7 (docs/RELIABILITY.md), as functions for .ci/run:
#
#   . .ci/reliability.sh
#   reliability_deps     # apt-get install what the checks need (clang, libFuzzer/TSan runtimes, valgrind)
#   asan_suite           # whole suite (slow excepted), ASan + UBSan (gcc), any finding fails;
#                        # the Python binding's tests run with libasan preloaded (see below)
#   valgrind_suite       # the C test programs of the unit+numeric suites under memcheck (zero
#                        # errors, zero leaks), the threads test under helgrind
#   tsan_threads         # threads test under ThreadSanitizer (clang)
#   fuzz_smoke           # each libFuzzer target for FUZZ_SECONDS (default 60), fails on any crash
#
# Tests run by an interpreter: suite 'python' (the ctypes binding loads libvigil into python3)
# and suite 'script' (python3 or sh running the vigil command, the examples, the gateway with a
# mosquitto broker). Under ASan the scripts run as they are (the programs they start are
# instrumented and report themselves); python3 can only load an ASan-built libvigil with the
# ASan runtime preloaded, so the 'python' suite runs in a second pass with LD_PRELOAD and with
# leak detection off (the interpreter keeps its own allocations at exit; the binding's leaks
# are measured by py-leaks and by LSan on the C tests). Valgrind's exe_wrapper would wrap the
# interpreter rather than vigil (children are not traced), so valgrind_suite leaves both
# suites out. The data suite is left to asan_suite: recordings under valgrind cost minutes.
#
# Each function works from the repository root, uses its own build folder (build-asan,
# build-vg, build-tsan, build-fuzz) and returns non-zero on failure. The build needs the
# project's own dependencies (meson, ninja, gsl, fftw3, zlib, cmocka) to be installed already.
# Timings on the 2-core CI machine are in docs/RELIABILITY.md.

_rel_log() { printf '== reliability: %s\n' "$*"; }

# Packages: clang and its runtimes (libclang-rt-14-dev holds libFuzzer, ASan, UBSan and TSan for
# clang on Debian 12), valgrind. gcc's ASan/UBSan runtimes come with gcc itself.
reliability_deps() {
    local need=()
    command -v clang >/dev/null || need+=(clang)
    command -v valgrind >/dev/null || need+=(valgrind)
    dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
    if [ ${#need[@]} -gt 0 ]; then
        _rel_log "installing ${need[*]}"
        ${SUDO:-} apt-get update -qq -o DPkg::Lock::Timeout=600 &&
            ${SUDO:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}"
    fi
}

# Sanitizer findings must fail the test: abort on the first report, with a stack.
_rel_sanitizer_env() {
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
    export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
}

asan_suite() {
    _rel_log "ASan + UBSan suite"
    _rel_sanitizer_env
    local t0=$SECONDS rc
    { [ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false; } &&
        ninja -C build-asan &&
        meson test -C build-asan --no-suite slow --no-suite python --print-errorlogs \
            --num-processes 2 &&
        _rel_log "ASan: Python binding tests, libasan preloaded" &&
        LD_PRELOAD=$("${CC:-cc}" -print-file-name=libasan.so) \
        ASAN_OPTIONS="detect_leaks=0:quarantine_size_mb=0:abort_on_error=1:halt_on_error=1" \
            meson test -C build-asan --suite python --no-suite slow --print-errorlogs \
                --num-processes 2
    rc=$?
    _rel_log "ASan + UBSan suite: rc $rc in $((SECONDS - t0)) s"
    return $rc
}

valgrind_suite() {
    _rel_log "valgrind (memcheck) suite, helgrind on the threads test"
    local t0=$SECONDS rc
    { [ -d build-vg ] || meson setup build-vg; } &&
        ninja -C build-vg &&
        meson test -C build-vg --setup valgrind --no-suite slow --no-suite data \
            --no-suite python --no-suite script --print-errorlogs --num-processes 2 &&
        meson test -C build-vg --setup helgrind --print-errorlogs threads
    rc=$?
    _rel_log "valgrind suite: rc $rc in $((SECONDS - t0)) s"
    return $rc
}

tsan_threads() {
    _rel_log "ThreadSanitizer, threads test"
    _rel_sanitizer_env
    local t0=$SECONDS
    { [ -d build-tsan ] || CC=clang meson setup build-tsan -Db_sanitize=thread -Db_lundef=false; } &&
        ninja -C build-tsan &&
        meson test -C build-tsan --print-errorlogs threads
    local rc=$?
    _rel_log "TSan: rc $rc in $((SECONDS - t0)) s"
    return $rc
}

# CI shows only the tail of what it printed: after a failure, name each failed test of the
# reliability builds with the end of its output, so the tail says which test and why.
failure_digest() {
    local log
    for log in build-asan/meson-logs/testlog*.json build-vg/meson-logs/testlog*.json \
               build-tsan/meson-logs/testlog*.json; do
        [ -f "$log" ] || continue
        python3 - "$log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL"):
        print(f"== failed: {sys.argv[1]}: {t['name']}: {t['result']} after {t['duration']:.0f} s")
        out = (t.get("stdout") or "") + (t.get("stderr") or "")
        print("\n".join(out.splitlines()[-25:]))
PY
    done
}

# Runs every fuzz_* binary that fuzz/meson.build builds (its table is the only list), each on a
# scratch copy of its committed corpus, so CI never writes into the repository. A crash leaves
# its input in fuzz-out/<target>/ (git-ignored): add it to fuzz/corpus/<target>/regress-<what>
# with the fix, and the unit suite replays it from then on.
fuzz_smoke() {
    local secs=${FUZZ_SECONDS:-60}
    _rel_log "fuzzing each target for ${secs} s"
    _rel_sanitizer_env
    # lighter than the suite's options: detect_stack_use_after_return costs the reader target
    # three quarters of its executions per second
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1"
    { [ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true \
          -Db_sanitize=address,undefined -Db_lundef=false; } &&
        ninja -C build-fuzz || return 1
    local rc=0 bin name work
    for bin in build-fuzz/fuzz/fuzz_*; do
        [ -x "$bin" ] && [ -f "$bin" ] || continue
        name=${bin##*/fuzz_}
        work=$(mktemp -d)
        mkdir -p "fuzz-out/$name"
        cp -r "fuzz/corpus/$name/." "$work/"
        local t0=$SECONDS maxlen=8192
        # the model loader also gets large inputs (size bounds, issue 17): stored payloads and
        # the large seeds of fuzz/gen_model_corpus.c
        [ "$name" = model ] && maxlen=262144
        if "$bin" -max_total_time="$secs" -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
               -print_final_stats=1 -artifact_prefix="fuzz-out/$name/" "$work" \
               > "fuzz-out/$name/log.txt" 2>&1; then
            _rel_log "fuzz $name: ok, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
                "fuzz-out/$name/log.txt" | grep -o '[0-9]*$') runs in $((SECONDS - t0)) s"
        else
            rc=1
            _rel_log "fuzz $name: FAILED; input in fuzz-out/$name/, log tail:"
            tail -n 40 "fuzz-out/$name/log.txt"
        fi
        rm -rf "$work"
    done
    return $rc
}
