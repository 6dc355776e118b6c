"""Plotly figures built from precomputed aggregates (bin counts, category counts): the page
holds only these numbers, never per-document data, except for the small scatter sample."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Colours: all documents (before), curated (after), rejected, a second run, targets.
ALL = "#9aa7b8"
KEPT = "#2a7ab9"
REJECTED = "#d1495b"
OTHER_RUN = "#edae49"
TARGET = "#1b998b"
HEIGHT = 320

_TEMPLATE = go.layout.Template(layout=go.Layout(
    font={"family": "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', sans-serif",
          "size": 12, "color": "#222"},
    paper_bgcolor="white",
    plot_bgcolor="white",
    colorway=[KEPT, REJECTED, OTHER_RUN, TARGET, ALL, "#6c4f9c", "#8c564b"],
    xaxis={"gridcolor": "#eee", "zerolinecolor": "#ccc", "automargin": True},
    yaxis={"gridcolor": "#eee", "zerolinecolor": "#ccc", "automargin": True},
    hoverlabel={"font": {"size": 12}},
))


def label(value: object) -> str:
    """A data value as plotly text: escaped, since plotly reads a subset of HTML in labels."""
    return html.escape(str(value), quote=False)


def _layout(fig: go.Figure, title: str, height: int = HEIGHT, **extra: object) -> go.Figure:
    fig.update_layout(
        template=_TEMPLATE,
        title={"text": label(title), "x": 0.01, "xanchor": "left", "y": 1, "yref": "container",
               "yanchor": "top", "pad": {"t": 10}, "font": {"size": 14}},
        height=height,
        margin={"l": 10, "r": 10, "t": 64, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0,
                "font": {"size": 11}},
        **extra,
    )
    return fig


def funnel(stages: Sequence[str], values: Sequence[float], title: str,
           unit: str = "rows") -> go.Figure:
    """Rows (or characters) left after each stage."""
    fig = go.Figure(go.Funnel(
        y=[label(s) for s in stages], x=list(values),
        texttemplate="%{x:,}<br>%{percentInitial:.1%}",
        marker={"color": KEPT}, hovertemplate=f"%{{y}}: %{{x:,}} {unit}<extra></extra>",
    ))
    return _layout(fig, title, height=max(HEIGHT, 60 + 36 * len(stages)))


def ranked_bars(labels: Sequence[str], values: Sequence[float], title: str,
                color: str = REJECTED, unit: str = "rows") -> go.Figure:
    """A horizontal bar per label, largest on top."""
    fig = go.Figure(go.Bar(
        y=[label(v) for v in labels], x=list(values), orientation="h", marker={"color": color},
        text=[f"{v:,}" for v in values], textposition="auto",
        hovertemplate=f"%{{y}}: %{{x:,}} {unit}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(HEIGHT, 60 + 26 * len(labels)))


def histogram(edges: Sequence[float], series: dict[str, Sequence[int]], title: str,
              log_x: bool = False, thresholds: Sequence[tuple[float, str]] = (),
              colors: Sequence[str] = (ALL, KEPT), x_title: str = "") -> go.Figure:
    """Step histograms (one per series) over shared bin edges, with threshold lines."""
    fig = go.Figure()
    _steps(fig, edges, series, colors)
    _marks(fig, thresholds, log_x, "x", "paper")
    fig.update_xaxes(type="log" if log_x else "linear", title=label(x_title))
    fig.update_yaxes(title="documents", rangemode="tozero")
    return _layout(fig, title)


def histogram_panels(edges: Sequence[float],
                     panels: Sequence[tuple[str, dict[str, Sequence[int]],
                                            Sequence[tuple[float, str]]]],
                     title: str, log_x: bool = False, colors: Sequence[str] = (ALL, KEPT),
                     x_title: str = "") -> go.Figure:
    """Step histograms over shared bin edges in panels stacked on one x axis, each panel
    (title, series, threshold lines) with its own thresholds: a signal whose threshold
    depends on the row's language, one panel per rule set."""
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        subplot_titles=[label(name) for name, _, _ in panels])
    fig.update_annotations(font={"size": 11})  # the panel titles
    for row, (_, series, thresholds) in enumerate(panels, start=1):
        _steps(fig, edges, series, colors, row=row)
        axis = "" if row == 1 else str(row)
        _marks(fig, thresholds, log_x, f"x{axis}", f"y{axis} domain")
        fig.update_yaxes(title="documents", rangemode="tozero", row=row, col=1)
    fig.update_xaxes(type="log" if log_x else "linear")
    fig.update_xaxes(title=label(x_title), row=len(panels), col=1)
    fig = _layout(fig, title, height=HEIGHT + 180 * (len(panels) - 1))
    # The first panel's title sits where the legend would: lift the legend above it.
    fig.update_layout(margin={"t": 88}, legend={"y": 1.08})
    return fig


def _steps(fig: go.Figure, edges: Sequence[float], series: dict[str, Sequence[int]],
           colors: Sequence[str], row: int | None = None) -> None:
    """One step trace per series, in panel `row` of a figure of panels (whose legend shows
    the series once, toggling them in every panel)."""
    for (name, counts), color in zip(series.items(), colors, strict=False):
        trace = go.Scatter(
            x=list(edges), y=[*counts, counts[-1] if counts else 0], name=label(name),
            mode="lines", line={"shape": "hv", "color": color, "width": 1.5},
            fill="tozeroy", opacity=0.6,
            hovertemplate="from %{x:,.4g}: %{y:,}<extra>" + label(name) + "</extra>",
        )
        if row is None:
            fig.add_trace(trace)
        else:
            trace.update(legendgroup=label(name), showlegend=row == 1)
            fig.add_trace(trace, row=row, col=1)


def _marks(fig: go.Figure, thresholds: Sequence[tuple[float, str]], log_x: bool, xref: str,
           yref: str) -> None:
    """A dashed line and a label per threshold, on the axes `xref` / `yref`."""
    for i, (value, text) in enumerate(thresholds):
        fig.add_shape(type="line", x0=value, x1=value, y0=0, y1=1, xref=xref, yref=yref,
                      line={"color": "#222", "dash": "dash", "width": 1})
        # Annotations on a log axis take the log of the position (shapes do not).
        fig.add_annotation(x=math.log10(value) if log_x else value, y=1, xref=xref, yref=yref,
                           text=label(text), showarrow=False, xanchor="left", yanchor="top",
                           yshift=-14 * i, font={"size": 10}, bgcolor="rgba(255,255,255,0.8)")


def grouped_bars(categories: Sequence[str], series: dict[str, Sequence[float]], title: str,
                 colors: Sequence[str] = (ALL, KEPT, OTHER_RUN), percent: bool = True,
                 markers: dict[str, Sequence[float | None]] | None = None,
                 x_title: str = "", y_title: str = "") -> go.Figure:
    """Bars per category side by side, one per series; optional target markers."""
    fig = go.Figure()
    fmt = ".1%" if percent else ",.4g"
    cats = [label(c) for c in categories]
    for (name, values), color in zip(series.items(), colors, strict=False):
        fig.add_trace(go.Bar(x=cats, y=list(values), name=label(name), marker={"color": color},
                             hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra>{label(name)}</extra>"))
    for name, values in (markers or {}).items():
        fig.add_trace(go.Scatter(
            x=cats, y=list(values), name=label(name), mode="markers",
            marker={"symbol": "diamond", "size": 11, "color": TARGET,
                    "line": {"color": "white", "width": 1}},
            hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra>{label(name)}</extra>",
        ))
    fig.update_xaxes(type="category", title=label(x_title))
    fig.update_yaxes(tickformat=".0%" if percent else None, title=label(y_title))
    return _layout(fig, title, barmode="group")


def scatter(points: dict[str, tuple[Sequence[float], Sequence[float]]], title: str,
            x_title: str, y_title: str,
            colors: Sequence[str] = (KEPT, REJECTED)) -> go.Figure:
    """A point cloud per group (e.g. curated vs rejected) of two score dimensions."""
    fig = go.Figure()
    for (name, (xs, ys)), color in zip(points.items(), colors, strict=False):
        fig.add_trace(go.Scatter(
            x=list(xs), y=list(ys), name=label(name), mode="markers",
            marker={"color": color, "size": 4, "opacity": 0.55},
        ))
    fig.update_xaxes(title=label(x_title))
    fig.update_yaxes(title=label(y_title))
    return _layout(fig, title, height=380)


def bars_with_errors(categories: Sequence[str], series: dict[str, Sequence[float | None]],
                     errors: dict[str, Sequence[float | None]], title: str,
                     y_title: str = "") -> go.Figure:
    """Grouped bars with ± error bars (e.g. mean ± 95 % CI over seeds)."""
    fig = go.Figure()
    for name, values in series.items():
        err = [e or 0 for e in errors.get(name, [None] * len(values))]
        fig.add_trace(go.Bar(
            x=[label(c) for c in categories], y=list(values), name=label(name),
            error_y={"type": "data", "array": err, "visible": True},
        ))
    fig.update_yaxes(title=label(y_title))
    return _layout(fig, title, barmode="group")


def horizontal_stack(labels: Sequence[str], series: dict[str, Sequence[float]], title: str,
                     unit: str = "") -> go.Figure:
    """Horizontal bars, one group per label (e.g. seconds per stage)."""
    fig = go.Figure()
    for name, values in series.items():
        fig.add_trace(go.Bar(
            y=[label(v) for v in labels], x=list(values), name=label(name), orientation="h",
            hovertemplate=f"%{{y}}: %{{x:,.3g}} {unit}<extra>{label(name)}</extra>",
        ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, barmode="group", height=max(HEIGHT, 60 + 30 * len(labels)))


def differences(labels: Sequence[str], means: Sequence[float], errors: Sequence[float | None],
                title: str, x_title: str = "") -> go.Figure:
    """Paired differences as points with ± error bars around a line at zero: the axis spans
    the differences, so a gain of half a point is visible (bars from zero would hide it)."""
    fig = go.Figure(go.Scatter(
        x=list(means), y=[label(v) for v in labels], mode="markers",
        marker={"size": 10, "color": KEPT},
        error_x={"type": "data", "array": [e or 0 for e in errors], "visible": True},
        hovertemplate="%{y}: %{x:+.4f}<extra></extra>",
    ))
    fig.add_vline(x=0, line={"color": "#888", "width": 1, "dash": "dot"})
    fig.update_xaxes(title=label(x_title), zeroline=False)
    fig.update_yaxes(autorange="reversed", type="category")
    return _layout(fig, title, height=max(200, 80 + 40 * len(labels)))


def curves(series: dict[str, tuple[Sequence[float], Sequence[float]]], title: str,
           x_title: str, y_title: str) -> go.Figure:
    """Lines, one per series (e.g. one per seed of an arm): a training curve."""
    fig = go.Figure()
    for name, (xs, ys) in series.items():
        fig.add_trace(go.Scatter(x=list(xs), y=list(ys), name=label(name), mode="lines+markers",
                                 marker={"size": 4}))
    fig.update_xaxes(title=label(x_title))
    fig.update_yaxes(title=label(y_title))
    return _layout(fig, title)
