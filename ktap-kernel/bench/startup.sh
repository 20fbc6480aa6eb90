#!/bin/bash
# Time from command start to first event: `./ktap -e` against `bpftrace -e`, each tracing
# sys_enter_getppid system-wide while a workload issues getppid() every 200 us. Each program
# prints on its first event and exits; the figures are the time until that line reaches the
# reading end of a pipe, and until the tracer has exited (probes removed). Run as root, with
# ./ktap built:
#
#   ktap-kernel/bench/startup.sh [repeats, default 10]
#
# KTAP_JAVA_OPTS is passed on to the ktap launcher (e.g. -XX:TieredStopAtLevel=1).
set -Eeuo pipefail
trap 'echo "$(basename "$0"): failed at line $LINENO: $BASH_COMMAND" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
repeats=${1:-10}

if [ "$(id -u)" != 0 ]; then
	echo "startup.sh: run as root (tracing needs it)" >&2
	exit 2
fi
for tool in gcc bpftrace; do
	command -v "$tool" >/dev/null || { echo "startup.sh: $tool is needed (apt-get install bpftrace gcc)" >&2; exit 2; }
done
[ -x "$root/ktap" ] || { echo "startup.sh: $root/ktap (the launcher) is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktap-bench.XXXXXX")
gcc -O2 -Wall -o "$work/getppid_ticker" "$here/getppid_ticker.c"
"$work/getppid_ticker" &
ticker=$!
trap 'kill $ticker 2>/dev/null; rm -rf "$work"' EXIT
"$root/ktap" -V >/dev/null   # build the tool once, outside the measurements

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Runs a tracer; prints "<ms to first line> <ms to exit>".
first_event() {
	local t0 t1 t2
	t0=$(now_ms)
	t1=$( { "$@" 2>/dev/null || true; } | { grep -m 1 -q hit && now_ms; cat >/dev/null; })
	t2=$(now_ms)
	echo "$((t1 - t0)) $((t2 - t0))"
}

ktap_run() {
	"$root/ktap" -q -e 'trace syscalls:sys_enter_getppid { print("hit"); exit() }'
}
bpftrace_run() {
	bpftrace -e 'tracepoint:syscalls:sys_enter_getppid { printf("hit\n"); exit(); }'
}

ktap_first="" ktap_exit="" bpf_first="" bpf_exit=""
for _ in $(seq "$repeats"); do
	read -r f e < <(first_event ktap_run)
	ktap_first+="$f " ktap_exit+="$e "
	read -r f e < <(first_event bpftrace_run)
	bpf_first+="$f " bpf_exit+="$e "
done

printf 'command start to first event, median of %s runs (ms), %s, %s CPUs\n\n' "$repeats" "$(uname -r)" "$(nproc)"
printf '%-14s %12s %12s   %s\n' tracer "first event" "exited" "all runs (first event)"
printf '%-14s %12s %12s   %s\n' "ktap -e" "$(printf '%s\n' $ktap_first | median)" \
	"$(printf '%s\n' $ktap_exit | median)" "$ktap_first"
printf '%-14s %12s %12s   %s\n' "bpftrace -e" "$(printf '%s\n' $bpf_first | median)" \
	"$(printf '%s\n' $bpf_exit | median)" "$bpf_first"
