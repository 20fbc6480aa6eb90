#!/bin/bash
# Overhead of tracing a getppid() syscall loop: untraced, the ktap host backend counting the
# events in its Java VM, `perf record` writing them to a file, and bpftrace counting them in the
# kernel. The workload times its own loop, so the figures are the traced code's slowdown, not the
# tracers' start-up. Run as root from anywhere, with ./ktap built (the repository's launcher):
#
#   ktap-kernel/bench/overhead.sh [N calls, default 2000000] [repeats, default 5]
#
# Prints one row per configuration: the median ns per call over the repeats, the overhead over
# untraced, and the events each tracer reported (counted + lost).
set -Eeuo pipefail
trap 'echo "$(basename "$0"): failed at line $LINENO: $BASH_COMMAND" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
n=${1:-2000000}
repeats=${2:-5}

if [ "$(id -u)" != 0 ]; then
	echo "overhead.sh: run as root (tracing needs it)" >&2
	exit 2
fi
for tool in gcc perf bpftrace; do
	command -v "$tool" >/dev/null || { echo "overhead.sh: $tool is needed (apt-get install linux-perf bpftrace gcc)" >&2; exit 2; }
done
[ -x "$root/ktap" ] || { echo "overhead.sh: $root/ktap (the launcher) is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktap-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -o "$work/getppid_timed" "$here/getppid_timed.c"
loop="$work/getppid_timed"
"$root/ktap" -V >/dev/null   # build the tool once, outside the measurements

# The workload's "<ns/call> <total ns> <n>" line out of a tracer's output.
loop_line() {
	grep -E "^[0-9.]+ [0-9]+ $n\$" | head -n 1
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A samples events

# One run of a configuration: its ns/call joins the samples, its other output is kept.
measure() {
	local label=$1
	shift
	local output
	output=$("$@" 2>&1)
	samples[$label]+="$(printf '%s\n' "$output" | loop_line | cut -d' ' -f1) "
	events[$label]=$( (printf '%s\n' "$output" | grep -v -E "^[0-9.]+ [0-9]+ $n\$" || true) | tr '\n' ' ' | sed 's/  */ /g')
}

untraced() { "$loop" "$n"; }
host() {
	"$root/ktap" -q -e 'var n = 0
trace syscalls:sys_enter_getppid { n += 1 }
trace_end { print("counted", n) }' -- "$loop" "$n" 2>&1 |
		awk '/^lost [0-9]+ records on cpu/ { lost += $2; next } { print } END { print "lost", lost + 0 }'
}
perf_record() {
	perf record -q -e syscalls:sys_enter_getppid -o "$work/perf.data" -- "$loop" "$n"
	printf 'counted %s ' "$(perf script -i "$work/perf.data" 2>/dev/null | grep -c getppid || true)"
	perf report -i "$work/perf.data" --stats 2>/dev/null | grep -i -E 'LOST' | tr -s ' ' | tr '\n' ' ' || true
}
bpftrace_count() {
	bpftrace -q -e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @counted = count(); }' -c "$loop $n"
}

# Interleaved, so that a burst of load on the machine spreads over every configuration.
for _ in $(seq "$repeats"); do
	measure untraced untraced
	measure "ktap host" host
	measure "perf record" perf_record
	measure bpftrace bpftrace_count
done
declare -A result
for label in untraced "ktap host" "perf record" bpftrace; do
	result[$label]=$(printf '%s\n' ${samples[$label]} | median)
done

base=${result[untraced]}
printf '%s calls of getppid(), median of %s runs, %s, %s CPUs\n\n' "$n" "$repeats" "$(uname -r)" "$(nproc)"
printf '%-12s %10s %10s %8s  %s\n' "tracer" "ns/call" "+ns/call" "x" "what it reported (last run)"
for label in untraced "ktap host" "perf record" bpftrace; do
	v=${result[$label]}
	printf '%-12s %10.1f %10.1f %8.2f  %s\n' "$label" "$v" "$(echo "$v - $base" | bc -l)" \
		"$(echo "$v / $base" | bc -l)" "$(printf "%s" "${events[$label]}" | sed "s/ERROR: Unknown error -1: couldn.t set RLIMIT_MEMLOCK.*problem //")"
done
