"""The short Markdown summary printed at the end of `curate run`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curate.report.build import aggregate
from curate.report.html import num, pct, seconds
from curate.report.run import RunData
from curate.runfolder import RunLayout

TOP_REASONS = 5


def _sections(run_dir: Path) -> dict[str, Any]:
    """Summary and funnel aggregates: from report.json when it exists, else computed."""
    path = RunLayout(run_dir).report_json
    if path.is_file():
        try:
            sections = json.loads(path.read_text(encoding="utf-8"))["sections"]
            if "summary" in sections and "funnel" in sections:
                return sections
        except (ValueError, KeyError):
            pass
    return aggregate(RunData.open(run_dir), only=("summary", "funnel"))


def markdown_summary(run_dir: Path) -> str:
    """A few lines of Markdown: rows in and out, the stage table, the top rejection reasons
    and where the report is."""
    run_dir = Path(run_dir)
    sections = _sections(run_dir)
    s, f = sections["summary"], sections["funnel"]
    lines = [
        f"**{s['pipeline']}** ({s['status']}): {num(s['input_rows'])} rows in → "
        f"{num(s['curated_rows'])} curated ({pct(s['kept_fraction'])}), "
        f"{num(s['rejected_rows'])} rejected, in {seconds(s['wall_seconds'])} · "
        f"config `{s['config_hash']}`",
    ]
    if s.get("chars_in") is not None:
        lines.append(f"characters {num(s['chars_in'])} → {num(s['chars_out'])}"
                     + (f", tokens ({s['tokens_column']}) {num(s['tokens_in'])} → "
                        f"{num(s['tokens_out'])}" if s.get("tokens_in") is not None else ""))
    if f.get("stages"):
        added = any(st.get("added") for st in f["stages"])
        lines += ["", "| stage | in | " + ("added | " if added else "")
                  + "kept | rejected | seconds |",
                  "|---|---:|" + ("---:|" if added else "") + "---:|---:|---:|"]
        lines += [f"| {st['stage']} | {num(st['in'])} | "
                  + (f"{num(st.get('added') or 0)} | " if added else "")
                  + f"{num(st['kept'])} | {num(st['rejected'])} | {st.get('seconds') or 0:.2f} |"
                  for st in f["stages"]]
    reasons = f.get("reasons") or []
    if reasons:
        lines += ["", "Top rejection reasons: " + ", ".join(
            f"{r['reason']} ({num(r['rows'])})" for r in reasons[:TOP_REASONS])]
    for t in (sections.get("outcomes") or {}).get("targets") or []:
        missed = [r["value"] for r in t["rows"] if r["shortfall"]]
        if missed:
            lines += ["", f"**Shortfall** in {t['column']} targets: " + ", ".join(missed)]
    quarantined = s.get("quarantined") or []
    if quarantined:
        lines += ["", f"**Quarantined** {len(quarantined)} unreadable input shard(s), left out "
                  "of every count:"]
        lines += [f"- `{q['path']}`: {q['reason']}" for q in quarantined]
    html = RunLayout(run_dir).report_html
    if html.is_file():
        lines += ["", f"Report: {html}"]
    return "\n".join(lines) + "\n"
