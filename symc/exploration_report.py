"""The explorer's report in text and HTML: the Pareto table, the budget table, every row.

:meth:`Exploration.summary <symc.exploration.Exploration.summary>` prints
:func:`text_table`; :meth:`Exploration.save <symc.exploration.Exploration.save>` writes
:func:`html`, one self-contained page (the plot embedded) a physicist can open and send.
"""

from __future__ import annotations

import base64
import html as _html_text
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symc.exploration import Exploration

def fmt(value: Any, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def text_table(rows: list[dict[str, Any]]) -> str:
    cols = ("front", "complexity", "options", "metric", "float_metric", "latency_cycles",
            "lut", "ff", "dsp", "bram")
    table = [list(cols)] + [[fmt(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
    return "\n".join("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     for row in table)


def html(exp: Exploration, png: Path, chosen: Mapping[str, Any] | None) -> str:
    image = base64.b64encode(png.read_bytes()).decode()

    def table(rows: list[dict[str, Any]], cols: Sequence[str]) -> str:
        head = "".join(f"<th>{_html_text.escape(c)}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{_html_text.escape(fmt(r.get(c)))}</td>" for c in cols) + "</tr>"
            for r in rows)
        return f"<table><tr>{head}</tr>{body}</table>"

    cols = ("kind", "front", "equation", "complexity", "loss", "options", "metric",
            "float_metric", "max_abs_error", "agreement", "latency_cycles", "latency_ns", "lut",
            "ff", "dsp", "bram", "status", "reason")
    budget_rows = []
    for item in exp.budget_table():
        r = item["row"] or {}
        budget_rows.append({"LUT budget": "none" if item["budget"] is None else item["budget"],
                            **{c: r.get(c) for c in ("equation", "options", "metric", "lut",
                                                     "latency_cycles", "dsp")}})
    chosen_html = ""
    if chosen:
        chosen_html = ("<h2>Chosen design</h2>" +
                       table([dict(chosen)], ("equation", "options", "metric", "lut", "ff",
                                              "dsp", "latency_cycles", "latency_ns")))
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>symc exploration</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}th{{background:#eee}}</style>
</head><body>
<h1>symc exploration</h1>
<p>{_html_text.escape(exp.summary().splitlines()[0])}</p>
<p>Inputs: {_html_text.escape(", ".join(f"{n} in [{lo:.4g}, {hi:.4g}]" for n, (lo, hi) in
                                   zip(exp.names, exp.ranges, strict=True)))}</p>
{chosen_html}
<h2>Best point per LUT budget</h2>
{table(budget_rows, ("LUT budget", "equation", "options", "metric", "lut", "latency_cycles",
                     "dsp"))}
<h2>Pareto front</h2>
<img alt="metric against LUTs" src="data:image/png;base64,{image}">
{table(exp.pareto_rows(), cols)}
<h2>Every point</h2>
{table(exp.rows, cols)}
</body></html>
"""
