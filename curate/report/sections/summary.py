"""Summary: rows, characters and tokens in and out, kept fraction, run time, config hash, and
the input shards quarantined as unreadable."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report.html import cards, esc, note, num, pct, seconds, table
from curate.report.run import RunData
from curate.report.sections.base import RenderContext

KEY = "summary"
TITLE = "Summary"
CHAR_COLUMNS = ("n_chars",)
TOKEN_COLUMNS = ("n_tokens", "n_words")


def first_present(run: RunData, names: tuple[str, ...]) -> str | None:
    """The first of `names` that stats/ has."""
    return next((n for n in names if n in run.stats_schema), None)


def compute(run: RunData, earlier: dict[str, Any]) -> dict[str, Any]:
    """Headline figures from the manifest, and character/token sums from stats/."""
    m = run.manifest
    totals = m.totals
    input_rows = totals.input_rows if totals else None
    curated_rows = totals.curated_rows if totals else None
    wall = totals.wall_seconds if totals else None
    data: dict[str, Any] = {
        "pipeline": run.name,
        "run_dir": str(run.root),
        "status": m.status,
        "error": m.error,
        "config_hash": m.config_hash,
        "config_file": m.config_file,
        "engine": m.engine.get("kind"),
        "versions": m.versions,
        "started": m.started,
        "finished": m.finished,
        "input_shards": len(m.inputs),
        "input_bytes": totals.input_bytes if totals else None,
        "input_rows": input_rows,
        "curated_rows": curated_rows,
        "rejected_rows": totals.rejected_rows if totals else None,
        "added_rows": totals.added_rows if totals else None,
        "kept_fraction": curated_rows / input_rows if input_rows and curated_rows is not None
        else None,
        "wall_seconds": wall,
        "rows_per_second": input_rows / wall if input_rows and wall else None,
        "stats_rows": None,
        "on_error": m.on_error,
        "quarantined": [{"path": q.path, "reason": q.reason, "bytes": q.bytes}
                        for q in m.quarantined],
    }
    lf = run.stats()
    if lf is None:
        return data
    chars, tokens = first_present(run, CHAR_COLUMNS), first_present(run, TOKEN_COLUMNS)
    kept = run.kept()
    exprs = [pl.len().alias("stats_rows")]
    for key, col in (("chars", chars), ("tokens", tokens)):
        if col:
            exprs += [pl.col(col).sum().alias(f"{key}_in"),
                      pl.col(col).filter(kept).sum().alias(f"{key}_out")]
    row = lf.select(exprs).collect().row(0, named=True)
    data["stats_rows"] = row["stats_rows"]
    for key, col in (("chars", chars), ("tokens", tokens)):
        data[f"{key}_column"] = col
        data[f"{key}_in"] = int(row[f"{key}_in"]) if col else None
        data[f"{key}_out"] = int(row[f"{key}_out"]) if col else None
    return data


def render(data: dict[str, Any], ctx: RenderContext) -> str:
    """Headline cards and the run's identity."""
    chars_in, chars_out = data.get("chars_in"), data.get("chars_out")
    tokens_in, tokens_out = data.get("tokens_in"), data.get("tokens_out")
    items = [
        ("input rows", num(data["input_rows"])),
        ("curated rows", num(data["curated_rows"])),
        ("kept fraction", pct(data["kept_fraction"])),
        ("rejected rows", num(data["rejected_rows"])),
    ]
    if data.get("added_rows"):  # in + added = curated + rejected
        items.insert(1, ("added rows (backfill, augment, ...)", num(data["added_rows"])))
    if chars_in is not None:
        items += [("characters in → out", f"{num(chars_in)} → {num(chars_out)}"),
                  ("characters kept", pct(chars_out / chars_in if chars_in else None))]
    if tokens_in is not None:
        items.append((f"tokens in → out ({data['tokens_column']})",
                      f"{num(tokens_in)} → {num(tokens_out)}"))
    items += [("run time", seconds(data["wall_seconds"])),
              ("rows / s", num(data["rows_per_second"]))]
    details = [
        ("status", data["status"] + (f": {data['error']}" if data.get("error") else "")),
        ("config hash", data["config_hash"]),
        ("config file", data["config_file"]),
        ("engine", data["engine"]),
        ("input", f"{data['input_shards']} shards, {num(data['input_bytes'])} bytes"),
        ("started / finished", f"{data['started']} / {data['finished']}"),
        ("versions", ", ".join(f"{k} {v}" for k, v in data["versions"].items())),
    ]
    quarantined = data.get("quarantined") or []
    if quarantined:
        details.insert(5, ("quarantined", f"{len(quarantined)} input shards skipped "
                                          "(on_error = quarantine)"))
    out = [cards(items), table(["", ""], details)]
    if quarantined:
        out.append(f'<p class="bad">{len(quarantined)} input shard(s) could not be read and '
                   "were quarantined: their rows are in no count above. The input files are "
                   "left as they are.</p>")
        out.append(table(["quarantined shard", "reason", "bytes"],
                         [(q["path"], q["reason"], num(q["bytes"])) for q in quarantined],
                         numeric=[False, False, True]))
    if chars_in is not None:
        measured = " and ".join(c for c in (data["chars_column"], data["tokens_column"]) if c)
        out.append(note(f"Characters and tokens are summed from the {measured} "
                        "signals in stats/ (measured after the "
                        "cleaning stages before them; documents rejected before they were "
                        "measured count zero)."))
    elif data["status"] != "complete":
        out.append(f'<p class="bad">run status: {esc(data["status"])}</p>')
    return "".join(out)
