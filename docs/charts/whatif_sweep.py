#!/usr/bin/env python3
"""Draws docs/charts/whatif-sweep.svg from the lines `./ballast load --phases whatif --whatif-rate N` printed.

usage: python3 docs/charts/whatif_sweep.py SWEEP.txt [OUT.svg]

SWEEP.txt holds result lines of the load command (PRE-TRADE CHECK / WHAT-IF (liquidationPrices=false) / WHAT-IF, each
with "offered at N/s" and "p50 X ms, p99 Y ms"), as docs/charts/whatif-sweep.txt does. Standard library only.
"""
import math
import re
import sys

KINDS = [("PRE-TRADE CHECK", "pre-trade check", "#1b9e77"),
         ("WHAT-IF (liquidationPrices=false)", "what-if without liquidation prices", "#7570b3"),
         ("WHAT-IF", "full what-if", "#d95f02")]
LINE = re.compile(r"(PRE-TRADE CHECK|WHAT-IF \(liquidationPrices=false\)|WHAT-IF): .*offered at ([\d,]+)/s.*"
                  r"p50 ([\d.]+) ms, p99 ([\d.]+) ms")


def read(path):
    """Result points by kind, and the file's "# at ..." line (where and when it was measured) for the subtitle."""
    points = {k: [] for k, _, _ in KINDS}
    where = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# at ") and not where:
                where = line[2:].split(",")[0] + "," + line.split(",")[1]
            m = LINE.search(line)
            if m:
                points[m.group(1)].append((int(m.group(2).replace(",", "")), float(m.group(3)), float(m.group(4))))
    return {k: sorted(v) for k, v in points.items()}, where


def svg(points, title, subtitle):
    w, h, left, right, top, bottom = 760, 440, 70, 250, 50, 55
    rates = [r for v in points.values() for r, _, _ in v]
    x_max = max(rates + [2000]) * 1.05
    y_lo, y_hi = 1.0, 1000.0

    def x(rate):
        return left + (w - left - right) * rate / x_max

    def y(ms):
        ms = min(max(ms, y_lo), y_hi)
        return top + (h - top - bottom) * (1 - (math.log10(ms) - math.log10(y_lo))
                                            / (math.log10(y_hi) - math.log10(y_lo)))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" '
           f'font-size="12">', f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14" font-weight="bold">{title}</text>',
           f'<text x="{left}" y="34" fill="#555">{subtitle}</text>']
    for ms in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(ms) + 4:.1f}" text-anchor="end">{ms}</text>')
    for rate in range(0, int(x_max) + 1, 250):
        out.append(f'<line x1="{x(rate):.1f}" x2="{x(rate):.1f}" y1="{top}" y2="{h - bottom}" stroke="#eee"/>')
        out.append(f'<text x="{x(rate):.1f}" y="{h - bottom + 16}" text-anchor="middle">{rate:,}</text>')
    out.append(f'<text x="{(left + w - right) / 2}" y="{h - 12}" text-anchor="middle">offered requests/s '
               f'(open loop, latency from when each request was due)</text>')
    out.append(f'<text x="16" y="{(top + h - bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 16 {(top + h - bottom) / 2})">latency, ms (log scale)</text>')
    out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(10):.1f}" y2="{y(10):.1f}" stroke="black" '
               f'stroke-dasharray="2,3"/>')
    out.append(f'<line x1="{x(2000):.1f}" x2="{x(2000):.1f}" y1="{top}" y2="{h - bottom}" stroke="black" '
               f'stroke-dasharray="2,3"/>')
    out.append(f'<text x="{x(2000) - 4:.1f}" y="{y(10) - 6:.1f}" text-anchor="end">goal: 2,000/s, p99 10 ms</text>')
    legend_y = top + 10
    for kind, label, colour in KINDS:
        pts = points[kind]
        if not pts:
            continue
        for idx, dash in ((2, ""), (1, ' stroke-dasharray="5,4"')):
            path = " ".join(f"{x(p[0]):.1f},{y(p[idx]):.1f}" for p in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for p in pts:
                out.append(f'<circle cx="{x(p[0]):.1f}" cy="{y(p[idx]):.1f}" r="3" fill="{colour}"/>')
        out.append(f'<line x1="{w - right + 15}" x2="{w - right + 40}" y1="{legend_y}" y2="{legend_y}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{w - right + 46}" y="{legend_y + 4}">{label}</text>')
        legend_y += 20
    out.append(f'<text x="{w - right + 15}" y="{legend_y + 10}">solid: p99, dashed: p50</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    points, where = read(sys.argv[1])
    if not any(points.values()):
        sys.exit("no result lines with 'offered at N/s' in " + sys.argv[1])
    target = sys.argv[2] if len(sys.argv) > 2 else "docs/charts/whatif-sweep.svg"
    with open(target, "w", encoding="utf-8") as f:
        f.write(svg(points, "What-if latency against offered load, tenant of 1,000 accounts",
                    (where + "; data: " + sys.argv[1]).strip("; ")))
    print("wrote", target)


if __name__ == "__main__":
    main()
