"""HTML building blocks: escaping, number formats, tables, document cards, and the page shell
that inlines plotly's JavaScript once so the file works offline."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

PLOT_CONFIG = {"displaylogo": False, "responsive": True,
               "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def esc(value: object) -> str:
    """Any value as HTML text: `<`, `>`, `&` and quotes escaped."""
    return html.escape("" if value is None else str(value), quote=True)


def num(value: float | int | None, digits: int = 3) -> str:
    """A number for people: thousands separated; floats to `digits` significant figures."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()
                                  and abs(value) >= 1000):
        return f"{int(value):,}"
    return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage."""
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def seconds(value: float | None) -> str:
    """A duration: seconds below two minutes, else minutes and seconds."""
    if value is None:
        return "–"
    if value < 120:
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    minutes, secs = divmod(value, 60)
    return f"{int(minutes)} min {secs:.0f} s"


class Raw(str):
    """HTML that is already safe (built by this module) and must not be escaped again."""


def table(headers: Sequence[str], rows: Iterable[Sequence[object]],
          numeric: Sequence[bool] | None = None,
          row_classes: Sequence[str] | None = None) -> str:
    """An HTML table; cells are escaped unless they are `Raw`."""
    numeric = numeric or [False] * len(headers)
    head = "".join(f'<th class="{"n" if n else ""}">{esc(h)}</th>'
                   for h, n in zip(headers, numeric, strict=False))
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
        cells = "".join(
            f'<td class="{"n" if n else ""}">{c if isinstance(c, Raw) else esc(c)}</td>'
            for c, n in zip(row, numeric, strict=False)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def note(text: str) -> str:
    """A muted explanatory line (escaped)."""
    return f'<p class="note">{esc(text)}</p>'


def not_run(why: str) -> str:
    """The body of a section whose operators did not run."""
    return f'<p class="not-run"><span class="badge">not run</span> {esc(why)}</p>'


def document(doc: dict, run_hint: str | None = None) -> str:
    """A document card: id (for `curate explain`), where it went, and its escaped text."""
    meta = [f'<code class="doc-id">{esc(doc.get("id"))}</code>']
    if doc.get("where"):
        meta.append(f'<span class="tag {esc(doc["where"])}">{esc(doc["where"])}</span>')
    if doc.get("reason"):
        meta.append(f'<span class="tag">{esc(doc.get("stage"))}: {esc(doc["reason"])}</span>')
    if doc.get("chars") is not None:
        meta.append(f'<span class="muted">{doc["chars"]:,} chars</span>')
    for key, value in (doc.get("extra") or {}).items():
        shown = value if isinstance(value, str) else num(value)
        meta.append(f'<span class="muted">{esc(key)} {esc(shown)}</span>')
    text = doc.get("text")
    body = (f'<pre class="doc-text">{esc(text)}</pre>' if text is not None
            else '<p class="muted">(no text)</p>')
    hint = (f'<div class="hint">curate explain {esc(run_hint)} {esc(doc.get("id"))}</div>'
            if run_hint else "")
    return f'<div class="doc">{"".join(meta)}{body}{hint}</div>'


@dataclass
class Page:
    """Collects figures with deterministic element ids (the same run gives the same file)."""

    prefix: str = "fig"
    count: int = field(default=0)

    def figure(self, fig: go.Figure) -> str:
        """A figure as an HTML fragment (plotly's JS is inlined once by `render_page`)."""
        self.count += 1
        inner = pio.to_html(fig, full_html=False, include_plotlyjs=False,
                            div_id=f"{self.prefix}-{self.count}", config=PLOT_CONFIG)
        return f'<div class="chart">{inner}</div>'

    def grid(self, figures: Sequence[go.Figure]) -> str:
        """Figures side by side (two columns on a wide screen)."""
        return '<div class="grid">' + "".join(self.figure(f) for f in figures) + "</div>"


CSS = """
:root { --fg:#222; --muted:#666; --line:#e3e6ea; --accent:#2a7ab9; --bad:#d1495b;
        --ok:#1b998b; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC",
       "Microsoft YaHei", sans-serif; color:var(--fg); background:var(--bg); }
header { background:#1f2d3d; color:white; padding:18px 28px; }
header h1 { margin:0 0 4px; font-size:22px; }
header .sub { color:#c9d3de; font-size:13px; }
nav { position:sticky; top:0; z-index:10; background:white; border-bottom:1px solid var(--line);
      padding:8px 28px; display:flex; flex-wrap:wrap; gap:4px 16px; font-size:13px; }
nav a { color:var(--accent); text-decoration:none; }
nav a.off { color:#aaa; }
main { padding:16px 28px 60px; max-width:1400px; margin:0 auto; }
section { background:white; border:1px solid var(--line); border-radius:8px; padding:16px 20px;
          margin:16px 0; }
section h2 { margin:0 0 10px; font-size:18px; }
section h3 { margin:18px 0 8px; font-size:15px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(170px, 1fr)); gap:10px; }
.card { border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
.card .v { font-size:20px; font-weight:600; }
.card .k { color:var(--muted); font-size:12px; }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(460px, 1fr)); gap:12px; }
.chart { min-width:0; border:1px solid var(--line); border-radius:6px; padding:4px; }
table { border-collapse:collapse; margin:6px 0 10px; font-size:13px; }
th, td { border-bottom:1px solid var(--line); padding:4px 10px; text-align:left;
         vertical-align:top; }
th { background:#f1f3f6; font-weight:600; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
tr.shortfall td { background:#fdecee; color:#8a1c2b; font-weight:600; }
.note { color:var(--muted); font-size:12px; margin:4px 0 8px; }
.not-run { color:var(--muted); }
.badge { display:inline-block; background:#eee; color:#555; border-radius:10px; padding:1px 8px;
         font-size:11px; text-transform:uppercase; letter-spacing:.04em; }
.docs { display:grid; grid-template-columns:repeat(auto-fill, minmax(380px, 1fr)); gap:10px; }
.doc { border:1px solid var(--line); border-radius:6px; padding:8px 10px; min-width:0; }
.doc > code, .doc > span { margin-right:8px; font-size:12px; }
.doc-text { white-space:pre-wrap; word-break:break-word; max-height:220px; overflow:auto;
            background:#fafbfc; border:1px solid #eef0f2; padding:6px 8px; margin:6px 0 4px;
            font: 12.5px/1.45 ui-monospace, "SFMono-Regular", Menlo, "Noto Sans Mono CJK SC",
            monospace; }
.tag { background:#eef3f8; border-radius:4px; padding:1px 6px; }
.tag.rejected { background:#fbe4e7; } .tag.curated { background:#e2f4f1; }
.muted { color:var(--muted); }
.hint { color:var(--muted); font: 11px ui-monospace, monospace; }
.pair { display:grid; grid-template-columns:1fr 1fr; gap:10px; margin-bottom:12px; }
.pair-head { font-weight:600; margin:10px 0 4px; }
.good { color:var(--ok); } .bad { color:var(--bad); }
details summary { cursor:pointer; color:var(--accent); }
"""


# Charts are drawn while the page is parsed, before the grid around them is complete: fit
# each to its final cell once everything is laid out.
RESIZE = ("window.addEventListener('load', function () {"
          " document.querySelectorAll('.js-plotly-plot').forEach(function (p) {"
          " Plotly.Plots.resize(p); }); });")


def render_page(title: str, subtitle: str, nav: Sequence[tuple[str, str, bool]],
                sections: Sequence[str]) -> str:
    """The whole HTML document: plotly's JS inline in <head>, then nav and sections.

    `nav` holds (anchor, title, present) per section; absent ones are greyed.
    """
    links = "".join(
        f'<a href="#{esc(anchor)}" class="{"" if present else "off"}">{esc(name)}</a>'
        for anchor, name, present in nav
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        f"</head><body><header><h1>{esc(title)}</h1><div class=\"sub\">{esc(subtitle)}</div>"
        f"</header><nav>{links}</nav><main>{''.join(sections)}</main>"
        f"<script>{RESIZE}</script></body></html>\n"
    )


def section(anchor: str, title: str, body: str) -> str:
    """A titled page section."""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}</section>'


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Headline figures as (label, value) cards."""
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
        for k, v in items
    ) + "</div>"
