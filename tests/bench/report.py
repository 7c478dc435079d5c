#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark's raw results into the table: each figure beside its
floor or ceiling, the ratio, and the target of issue 7 with met/missed.

    report.py [--check] OUTDIR RESULTS...

RESULTS are files holding "BENCH {json}" lines from the VM (raw measures,
{"key","value","unit"}) and JSON lines from the host bench programs (rows
already: {"section","metric","value","unit","floor","ratio","target"}).
Writes OUTDIR/results.json and OUTDIR/results.md and prints the table.
With --check, prints TAP instead: one line per figure the run must have
produced, saying whether it did (smoke runs; never a timing assertion).
"""
import json
import math
import sys


def load(paths):
    raw, host = {}, []
    for path in paths:
        try:
            lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
        except OSError:
            continue
        for line in lines:
            text = line.strip()
            try:
                if text.startswith("BENCH "):
                    r = json.loads(text[6:])
                    raw[r["key"]] = (float(r["value"]), r["unit"])
                elif text.startswith("{") and '"metric"' in text:
                    host.append(json.loads(text))
            except (ValueError, KeyError, TypeError):
                print(f"report: {path}: cannot read: {text[:120]}", file=sys.stderr)
    return raw, host


class Table:
    def __init__(self, raw):
        self.raw = raw
        self.rows = []
        self.missing = []

    def get(self, key):
        if key not in self.raw:
            self.missing.append(key)
            return None
        # A percentile of no samples is no figure.
        stem = key.rsplit(".", 1)[0]
        if key.rsplit(".", 1)[-1] in ("p50", "p99", "mean") and \
                self.raw.get(stem + ".samples", (1,))[0] == 0:
            self.missing.append(key)
            return None
        return self.raw[key][0]

    def row(self, section, metric, value, unit, floor=None, ratio=None,
            target=None, met=None, floor_name=None):
        if ratio is None and value is not None and floor:
            ratio = value / floor
        self.rows.append({
            "section": section, "metric": metric, "value": value, "unit": unit,
            "floor": floor, "floor_name": floor_name, "ratio": ratio,
            "target": target,
            "status": None if met is None else ("met" if met else "missed"),
        })


def ok(cond, *vals):
    """cond(vals) when every value is known, else None (not measured)."""
    if any(v is None for v in vals):
        return None
    return bool(cond(*vals))


def diff(a, b):
    return None if a is None or b is None else a - b


def div(a, b, scale=1.0):
    if a is None or b is None or b == 0:
        return None
    return a / b * scale


def build(raw, host, rates):
    t = Table(raw)
    g = t.get

    # 1. Ceiling
    ceil = g("ceiling.listen.rate")
    t.row("1 ceiling", "libnl listener receives", ceil, "events/s",
          floor_name="sim drive, same run")
    t.row("1 ceiling", "kernel emitted while listened to", g("ceiling.drive.rate"), "events/s")
    t.row("1 ceiling", "listener gaps + overflows",
          sum_known(g("ceiling.listen.gaps"), g("ceiling.listen.enobufs")), "events")

    # 2. kthingd throughput: a message per event, then batched
    # (telemetry.batch_ms: every event, a window's worth to a message).
    for prefix, how in (("relay", ""), ("relay.batch", ", batched")):
        for qos, want in ((0, 0.8), (1, 0.5)):
            k = f"{prefix}.qos{qos}"
            # Events delivered over the time from the drive's first toggle
            # to the last message: a backlog's drain counts against it.
            rate = div(g(f"{k}.sub.events"),
                       diff(g(f"{k}.sub.last_ns"), g(f"{k}.drive.start_ns")), 1e9)
            t.row("2 relay", f"kthingd -> subscriber, QoS {qos}{how}", rate, "events/s", ceil,
                  target=f">= {want:.0%} of ceiling",
                  met=ok(lambda r, c: r >= want * c, rate, ceil), floor_name="ceiling")
            t.row("2 relay", f"  the drive, QoS {qos}{how} (paced at {want * 1.1:.0%} of ceiling)",
                  g(f"{k}.drive.rate"), "events/s", ceil, floor_name="ceiling")
            if how:
                t.row("2 relay", f"  in messages of (mean), QoS {qos}{how}",
                      div(g(f"{k}.sub.events"), g(f"{k}.sub.messages"), 1), "events")
            emitted = g(f"{k}.drive.events")
            got = g(f"{k}.sub.events")
            gaps = g(f"{k}.sub.gaps")
            lost = None if emitted is None or got is None else max(0, emitted - got)
            t.row("2 relay", f"QoS {qos}{how}: kernel events not delivered (of emitted)", lost,
                  "events", emitted, floor_name="emitted",
                  target="0" if qos == 1 else None,
                  met=ok(lambda l, g_: l == 0 and g_ == 0, lost, gaps) if qos == 1 else None)
            t.row("2 relay", f"QoS {qos}{how}: telemetry seq gaps / kthingd lost",
                  sum_known(gaps, g(f"{k}.kthingd_lost")), "events",
                  target="0" if qos == 1 else None,
                  met=ok(lambda v: v == 0, sum_known(gaps, g(f"{k}.kthingd_lost")))
                  if qos == 1 else None)

    # 3. Latency. Each figure's floor is measured interleaved with it (a
    # broker round trip before every sample), so a noisy machine moves both.
    t.row("3 latency", "broker floor alone: publish -> subscribe p50", g("floor.p50"), "us")
    t.row("3 latency", "broker floor alone: publish -> subscribe p99", g("floor.p99"), "us")
    fp50, fp99 = g("relay.latency.floor.p50"), g("relay.latency.floor.p99")
    lp50, lp99 = g("relay.latency.p50"), g("relay.latency.p99")
    t.row("3 latency", "kernel event -> subscriber p50 (kthingd, QoS 0)", lp50, "us", fp50,
          floor_name="floor p50, interleaved")
    t.row("3 latency", "kernel event -> subscriber p99 (kthingd, QoS 0)", lp99, "us", fp99,
          target="<= 2x floor", met=ok(lambda a, b: a <= 2 * b, lp99, fp99),
          floor_name="floor p99, interleaved")

    # 4. Shadow round trip
    fp50, fp99 = g("shadow.rt.floor.p50"), g("shadow.rt.floor.p99")
    sp50, sp99 = g("shadow.rt.p50"), g("shadow.rt.p99")
    t.row("4 shadow", "desired -> GPIO -> reported round trip p50", sp50, "us", fp50,
          floor_name="floor p50, interleaved")
    t.row("4 shadow", "desired -> GPIO -> reported round trip p99", sp99, "us", fp99,
          target="<= 3x floor", met=ok(lambda a, b: a <= 3 * b, sp99, fp99),
          floor_name="floor p99, interleaved")

    t.row("4 shadow", "  of which desired -> GPIO line changed, p50", g("shadow.rt.to_line.p50"),
          "us")
    t.row("4 shadow", "  of which GPIO line changed -> reported, p50",
          g("shadow.rt.from_line.p50"), "us")

    # 5. The polling script
    k_cpu = div(g("relay.latency.kthingd_cpu"), g("relay.latency.seconds"), 0.1)
    t.row("5 vs polling", "kthingd CPU during the change stream", k_cpu, "% CPU")
    for r in rates:
        s_cpu = div(g(f"poll.r{r}.script_cpu"), g(f"poll.r{r}.seconds"), 0.1)
        t.row("5 vs polling", f"polling script at {r} Hz: CPU", s_cpu, "% CPU",
              floor_name="kthingd", floor=k_cpu,
              target="kthingd lower", met=ok(lambda s, k: k < s, s_cpu, k_cpu))
        for p, kv in (("p50", lp50), ("p99", lp99)):
            v = g(f"poll.r{r}.{p}")
            t.row("5 vs polling", f"polling script at {r} Hz: change -> subscriber {p}",
                  v, "us", kv, floor_name=f"kthingd {p}",
                  target="kthingd lower", met=ok(lambda s, k: k < s, v, kv))

    # 6. Footprint
    steady = g("footprint.rss_steady")
    t.row("6 footprint", "kthingd RSS peak", g("footprint.rss_peak"), "KiB")
    t.row("6 footprint", "kthingd RSS steady", steady, "KiB", target="<= 4096 KiB",
          met=ok(lambda v: v <= 4096, steady))
    t.row("6 footprint", "  of which private (RssAnon; the rest: shared libraries)",
          g("footprint.rss_anon"), "KiB")
    for qos in (0, 1):
        t.row("6 footprint", f"kthingd CPU per 1,000 messages relayed, QoS {qos}",
              div(g(f"relay.qos{qos}.kthingd_cpu"), g(f"relay.qos{qos}.kthingd_published"),
                  1000), "ms")
        t.row("6 footprint", f"kthingd CPU per 1,000 events relayed, QoS {qos}, batched",
              div(g(f"relay.batch.qos{qos}.kthingd_cpu"), g(f"relay.batch.qos{qos}.sub.events"),
                  1000), "ms")
    wake = g("footprint.idle_wakeups")
    t.row("6 footprint", "kthingd wake-ups when idle", wake, "/s",
          target="<= keep-alive (3 per 60 s)", met=ok(lambda w: w <= 0.05, wake))
    t.row("6 footprint", "  of which kthingd's event loop thread", g("footprint.idle_wakeups_loop"),
          "/s")
    t.row("6 footprint", "kthing-shadowd RSS with %d shadows" % (g("shadowd.shadows") or 0),
          g("shadowd.rss_filled"), "KiB", g("shadowd.rss_start"), floor_name="at start")

    # 7. Kernel
    enotty = g("kernel.ioctl.enotty")
    t.row("7 kernel", "ioctl: unknown command (-ENOTTY floor)", enotty, "ns")
    t.row("7 kernel", "ioctl: THING_INFO", g("kernel.ioctl.info"), "ns", enotty,
          floor_name="-ENOTTY")
    t.row("7 kernel", "ioctl: READ one channel (GPIO)", g("kernel.ioctl.read"), "ns", enotty,
          floor_name="-ENOTTY")
    nol = g("kernel.nolistener.cpu_per_event")
    t.row("7 kernel", "CPU per event emitted, no listener", nol, "us")
    t.row("7 kernel", "CPU per event emitted, one listener (incl. its recv)",
          g("ceiling.drive.cpu_per_event"), "us", nol, floor_name="no listener")

    for h in host:
        t.rows.append({
            "section": h.get("section"), "metric": h.get("metric"),
            "value": h.get("value"), "unit": h.get("unit"),
            "floor": h.get("floor"), "floor_name": None, "ratio": h.get("ratio"),
            "target": h.get("target"), "status": h.get("status"),
        })
    return t


def sum_known(*vals):
    return None if any(v is None for v in vals) else sum(vals)


def fmt(v):
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}" if abs(v) >= 0.01 else f"{v:.2g}"


def markdown(rows):
    out = ["| section | metric | value | unit | floor / ceiling | ratio | target | status |",
           "| --- | --- | ---: | --- | ---: | ---: | --- | --- |"]
    for r in rows:
        floor = fmt(r["floor"])
        if r["floor"] is not None and r.get("floor_name"):
            floor += f" ({r['floor_name']})"
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["section"], r["metric"], fmt(r["value"]), r["unit"], floor,
            fmt(r["ratio"]) if r["ratio"] is None else f"{r['ratio']:.2f}x"
            if r["ratio"] < 100 else f"{r['ratio']:.0f}x",
            r["target"] or "", r["status"] or ""))
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    check = args[:1] == ["--check"]
    if check:
        args = args[1:]
    rates = []
    while args and args[0].startswith("--rates="):
        rates = args[0].split("=", 1)[1].split()
        args = args[1:]
    outdir, paths = args[0], args[1:]
    raw, host = load(paths)
    table = build(raw, host, rates)
    rows = table.rows
    with open(f"{outdir}/results.json", "w") as f:
        json.dump({"rows": rows, "raw": {k: {"value": v, "unit": u}
                                         for k, (v, u) in sorted(raw.items())}},
                  f, indent=1)
    md = markdown(rows)
    with open(f"{outdir}/results.md", "w") as f:
        f.write(md)
    if check:
        for r in rows:
            good = isinstance(r["value"], (int, float)) and math.isfinite(r["value"])
            print(f"{'ok' if good else 'not ok'} - bench produced a number: "
                  f"{r['section']}: {r['metric']}")
        for key in sorted(set(table.missing)):
            print(f"# missing result {key}")
        return 0
    print(md, end="")
    met = sum(r["status"] == "met" for r in rows)
    missed = [r for r in rows if r["status"] == "missed"]
    print(f"\ntargets: {met} met, {len(missed)} missed"
          + "".join(f"\n  missed: {r['section']}: {r['metric']} ({r['target']})"
                    for r in missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
