#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples and draws them as an SVG flame graph.

    python3 scripts/jfr-profile.py recording.jfr out.svg [title]

Prints the share of samples whose stack passes through each area (inclusive) and the top
methods by own time; writes the flame graph (widths are sample shares; hover for figures).
"""
import collections
import html
import json
import subprocess
import sys

AREAS = [
    ("our decoder (kinesis.wire)", "io/github/kinesisconsumer/kinesis/wire/"),
    ("SDK unmarshalling", "software/amazon/awssdk/protocols/"),
    ("SDK core pipeline", "software/amazon/awssdk/core/"),
    ("Apache HTTP client", "org/apache/http/"),
    ("Netty (the SDK's HTTP/2 client)", "io/netty/"),
    ("event-stream framing", "software/amazon/eventstream/"),
    ("our reading engine (kinesis.read)", "io/github/kinesisconsumer/kinesis/read/"),
    ("our source reader", "io/github/kinesisconsumer/source/"),
    ("Flink runtime", "org/apache/flink/"),
    ("JDK HTTP server (stand-in)", "sun/net/httpserver/"),
]
# Stacks through the benchmark's in-process stand-in (its set-up and its handlers) are left out:
# the figures are the reader's.
STAND_IN = ("io/github/kinesisconsumer/testing/", "sun/net/httpserver/")
# ... and so are samples of the stand-ins' own threads (the fan-out stand-in's Netty event loops).
STAND_IN_THREADS = ("fast-fan-out-", "fast-kinesis-", "HTTP-Dispatcher")


def frame_name(frame):
    method = frame["method"]
    cls = method["type"]["name"].replace("/", ".")
    return cls + "." + method["name"]


def stacks(recording):
    out = subprocess.run(
        ["jfr", "print", "--json", "--events", "jdk.ExecutionSample", "--stack-depth", "128",
         recording], check=True, capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        trace = event["values"].get("stackTrace")
        thread = (event["values"].get("sampledThread") or {}).get("javaName") or ""
        if trace:
            yield [frame_name(f) for f in reversed(trace["frames"])], trace["frames"], thread


def main():
    recording, svg = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else recording
    tree = {}
    area = collections.Counter()
    own = collections.Counter()
    total = 0
    left_out = 0
    for names, frames, thread in stacks(recording):
        types = {f["method"]["type"]["name"] for f in frames}
        if any(t.startswith(STAND_IN) for t in types) or thread.startswith(STAND_IN_THREADS):
            left_out += 1
            continue
        total += 1
        for label, prefix in AREAS:
            if any(t.startswith(prefix) for t in types):
                area[label] += 1
        own[names[-1]] += 1
        node = tree
        for name in names:
            node = node.setdefault(name, {})
            node["#"] = node.get("#", 0) + 1
    print(f"{total} reader samples ({left_out} in the stand-in left out)")
    for label, _ in AREAS:
        print(f"  {100.0 * area[label] / max(total, 1):5.1f} %  {label}")
    print("top methods by own samples:")
    for name, n in own.most_common(15):
        print(f"  {100.0 * n / total:5.1f} %  {name}")
    write_svg(tree, total, svg, title)


def write_svg(tree, total, path, title):
    width, row = 1200.0, 16
    rects = []

    def depth_of(node):
        kids = [v for k, v in node.items() if k != "#"]
        return 1 + max((depth_of(k) for k in kids), default=0)

    depth = depth_of(tree)

    def walk(node, x, level):
        for name, child in sorted((k, v) for k, v in node.items() if k != "#"):
            w = width * child["#"] / total
            if w >= 2.5:
                rects.append((x, level, w, name, child["#"]))
                walk(child, x, level + 1)
            x += w

    walk(tree, 0.0, 0)
    height = (depth + 2) * row + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{int(width)}" height="{height}" '
        f'font-family="monospace" font-size="11">',
        f'<text x="4" y="16">{html.escape(title)} ({total} samples)</text>',
    ]
    for x, level, w, name, n in rects:
        y = height - (level + 1) * row - 4
        hue = 20 + (hash(name.rsplit(".", 1)[0]) % 40)
        label = name if len(name) * 6.5 < w else name[: max(0, int(w / 6.5) - 2)] + ".."
        parts.append(
            f'<g><title>{html.escape(name)}: {n} samples, {100.0 * n / total:.1f} %</title>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" '
            f'fill="hsl({hue},85%,60%)"/>'
            + (f'<text x="{x + 2:.1f}" y="{y + 11}">{html.escape(label)}</text>'
               if w > 20 else "")
            + "</g>")
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    main()
