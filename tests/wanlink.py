#!/usr/bin/env python3
"""A WAN link in userspace, for kernels without sch_netem: two TUN devices in two network
namespaces, joined by this process, which holds every IP packet for a one-way delay and drops a
random fraction of them. Standard library only.

    wanlink.py NS_A DEV_A NS_B DEV_B [--delay-ms 50] [--loss 0.01] [--queue-bytes N]
               [--max-seconds 900] [--seed S]

Creates DEV_A in NS_A and DEV_B in NS_B (point-to-point, no packet info, MTU 1500), brings both
up, prints "ready" and forwards until killed, until its parent dies (PR_SET_PDEATHSIG), or after
--max-seconds. The caller gives the devices their addresses and routes. Each direction has its
own queue bounded at --queue-bytes (a packet that does not fit is dropped, as a router's queue
would), released in arrival order after the delay. At exit it prints what it carried and
dropped per direction, so a test can tell the link's own losses from the configured ones.
"""
import argparse
import ctypes
import fcntl
import heapq
import os
import random
import select
import signal
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1

libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    with open(f"/var/run/netns/{ns}") as f:
        if libc.setns(f.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}")


def tun(ns, dev):
    """A TUN device named `dev` created in namespace `ns`, up; its fd, non-blocking."""
    enter(ns)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TUN | IFF_NO_PI))
    subprocess.run(["ip", "link", "set", dev, "up"], check=True)
    os.set_blocking(fd, False)
    return fd


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ns_a")
    p.add_argument("dev_a")
    p.add_argument("ns_b")
    p.add_argument("dev_b")
    p.add_argument("--delay-ms", type=float, default=50.0)
    p.add_argument("--loss", type=float, default=0.0)
    p.add_argument("--queue-bytes", type=int, default=8 << 20)
    p.add_argument("--max-seconds", type=float, default=900.0)
    p.add_argument("--seed", type=int, default=None)
    args = p.parse_args()
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    rng = random.Random(args.seed)
    a = tun(args.ns_a, args.dev_a)
    b = tun(args.ns_b, args.dev_b)
    other = {a: b, b: a}
    name = {a: "a->b", b: "b->a"}
    stats = {fd: {"carried": 0, "lost": 0, "overflow": 0, "bytes": 0} for fd in (a, b)}
    queued = {a: 0, b: 0}  # bytes waiting, by source
    heap = []  # (release time, sequence, source fd, packet)
    seq = 0
    delay = args.delay_ms / 1000.0
    end = time.monotonic() + args.max_seconds
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("ready", flush=True)
    while not stop:
        now = time.monotonic()
        if now >= end:
            break
        while heap and heap[0][0] <= now:
            _, _, src, pkt = heapq.heappop(heap)
            queued[src] -= len(pkt)
            try:
                os.write(other[src], pkt)
                stats[src]["carried"] += 1
                stats[src]["bytes"] += len(pkt)
            except BlockingIOError:
                stats[src]["overflow"] += 1
            except OSError:
                stop.append(1)  # The namespace went away.
                break
        timeout = min(end - now, heap[0][0] - now if heap else 1.0)
        try:
            ready, _, _ = select.select([a, b], [], [], max(timeout, 0))
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd in ready:
            for _ in range(64):  # Bounded batch per wake, so releases stay on time.
                try:
                    pkt = os.read(fd, 65536)
                except BlockingIOError:
                    break
                except OSError:
                    stop.append(1)
                    break
                if args.loss > 0 and rng.random() < args.loss:
                    stats[fd]["lost"] += 1
                    continue
                if queued[fd] + len(pkt) > args.queue_bytes:
                    stats[fd]["overflow"] += 1
                    continue
                queued[fd] += len(pkt)
                seq += 1
                heapq.heappush(heap, (now + delay, seq, fd, pkt))
    for fd in (a, b):
        s = stats[fd]
        print(
            f"{name[fd]}: carried {s['carried']} packets ({s['bytes']} bytes), "
            f"lost {s['lost']} (random), {s['overflow']} (queue full)",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
