#!/usr/bin/env python3
"""Summarises a dotnet-trace speedscope file (dotnet-trace collect --format Speedscope).

Thread-time samples include threads that wait (a blocked Consume, a parked thread-pool worker), so
frames that only wait are counted apart: the table shows where the threads that were *running* spent
their time, by exclusive frame and by StreamRec stage (the innermost StreamRec processor frame on the
stack, else the innermost stage-loop, client or benchmark frame). Usage: bench/profile-summary.py TRACE.speedscope.json [TOP]
"""
import collections
import json
import sys

WAITING = ("WaitHandle", "Monitor.Wait", "LowLevelLifoSemaphore", "Thread.Sleep", "SemaphoreSlim.Wait",
           "ManualResetEventSlim.Wait", "WaitOneCore", "WaitForSignal", "PortableThreadPool.WorkerThread.WorkerDoWork",
           "Task.SpinThenBlockingWait", "Task.InternalWaitCore", "LowLevelMonitor", "Interop+Sys.WaitForSocketEvents",
           "SocketAsyncEngine.EventLoop", "Thread.SleepInternal", "WaitSubsystem")
PROCESSORS = (("IngestProcessor", "ingest"), ("EmbedderProcessor", "embed"), ("DriftProcessor", "drift"),
          ("DriftStateStore", "drift"), ("RecommenderProcessor", "recommend"), ("ReleaseMaker", "recommend"))
OTHERS = (("StageLoop", "stage loop (consume, produce, offsets)"), ("LoadGenerator", "load generator (benchmark)"),
          ("LatencyProbe", "latency probe (benchmark)"), ("PhaseSampler", "sampler (benchmark)"),
          ("StackExchange.Redis", "Redis client"), ("Confluent.Kafka", "Kafka client"))


def label_of(names):
    """The innermost processor frame on the stack names the stage; else the innermost other known frame."""
    for table in (PROCESSORS, OTHERS):
        for name in reversed(names):
            hit = next((label for key, label in table if key in name), None)
            if hit:
                return hit
    return "other (runtime: GC, JIT, thread pool, ...)"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    with open(path) as f:
        data = json.load(f)
    frames = [fr["name"] for fr in data["shared"]["frames"]]
    managed = collections.Counter()        # frame running managed code (leaf CPU_TIME)
    native = collections.Counter()         # managed frame that called into native code (leaf UNMANAGED_CODE_TIME)
    managed_stage = collections.Counter()
    native_stage = collections.Counter()
    waiting = total = 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if stack and last is not None:
                span = at - last
                total += span
                names = [frames[i] for i in stack]
                leaf = names[-1]
                frame = names[-2] if len(names) > 1 else leaf
                if any(w in n for n in names[-4:] for w in WAITING):
                    waiting += span
                elif leaf == "UNMANAGED_CODE_TIME":
                    native[frame] += span
                    native_stage[label_of(names)] += span
                else:
                    managed[frame] += span
                    managed_stage[label_of(names)] += span
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
            last = at
    m, n = sum(managed.values()), sum(native.values())
    print(f"thread time sampled: {total / 1000:.1f} s: managed code running {m / 1000:.1f} s, in native calls {n / 1000:.1f} s "
          f"(running or blocked inside them), waiting in managed waits {waiting / 1000:.1f} s\n")
    print("| stage (innermost StreamRec frame on the stack) | managed running | in native calls |")
    print("|---|---:|---:|")
    for stage in sorted(set(managed_stage) | set(native_stage), key=lambda k: -(managed_stage[k] + native_stage[k])):
        print(f"| {stage} | {managed_stage[stage] / m:.1%} | {native_stage[stage] / n:.1%} |")
    print("\n| managed frame running (exclusive) | share of managed running |")
    print("|---|---:|")
    for name, t in managed.most_common(top):
        print(f"| `{name[:150]}` | {t / m:.1%} |")
    print("\n| managed frame calling into native code | share of native-call time |")
    print("|---|---:|")
    for name, t in native.most_common(top):
        print(f"| `{name[:150]}` | {t / n:.1%} |")


if __name__ == "__main__":
    main()
