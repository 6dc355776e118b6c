"""Deterministic samples of documents (smallest seeded hash of the id first) and fetching the
text of a few documents by id, so examples never read more than a handful of texts."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report.run import RunData

SEED = 20_240_607
TRUNCATE_CHARS = 600
HASH = "__h"


def id_hash(id_column: str) -> pl.Expr:
    """A seeded hash of the id: ordering by it is a fixed-seed random order."""
    return pl.col(id_column).cast(pl.String).hash(SEED).alias(HASH)


def first_by_hash(lf: pl.LazyFrame, id_column: str, columns: list[str], n: int,
                  per: list[str] | None = None) -> pl.DataFrame:
    """`n` rows (or `n` per group of `per`) in fixed-seed random order, only `columns` read."""
    wanted = list(dict.fromkeys([id_column, *columns, *(per or [])]))
    frame = lf.select(*wanted, id_hash(id_column))
    if per:
        picked = frame.sort(HASH).group_by(per, maintain_order=True).head(n)
    else:
        picked = frame.bottom_k(n, by=HASH).sort(HASH)
    return picked.collect().drop(HASH)


def truncate(text: str | None, limit: int | None = TRUNCATE_CHARS) -> str | None:
    """The text cut to `limit` characters (None: whole), marked with an ellipsis when cut."""
    if text is None or limit is None or len(text) <= limit:
        return text
    return text[:limit].rstrip() + " …"


def fetch_documents(run: RunData, ids: list[str], limit: int | None = TRUNCATE_CHARS
                    ) -> dict[str, dict[str, Any]]:
    """Text (cut to `limit` characters), stage and reason of a few documents by id, from
    curated/ and rejected/.

    Only the id column is scanned in full; the text is read for the matching rows only.
    """
    wanted = list(dict.fromkeys(str(i) for i in ids if i is not None))
    found: dict[str, dict[str, Any]] = {}
    if not wanted:
        return found
    id_col, text_col = run.id_column, run.text_column
    sources = (("curated", run.curated(), run.curated_schema),
               ("rejected", run.rejected(), run.rejected_schema))
    for where, lf, schema in sources:
        if lf is None or id_col not in schema or len(found) == len(wanted):
            continue
        extra = [c for c in ("stage", "reason") if c in schema]
        text = pl.col(text_col) if text_col in schema else pl.lit(None, dtype=pl.String)
        rows = (
            lf.select(pl.col(id_col).cast(pl.String).alias("id"), text.alias("text"), *extra)
            .filter(pl.col("id").is_in(wanted))
            .collect()
        )
        for row in rows.iter_rows(named=True):
            doc_id = row["id"]
            if doc_id in found:
                continue
            full = row["text"]
            found[doc_id] = {
                "id": doc_id,
                "where": where,
                "stage": row.get("stage"),
                "reason": row.get("reason"),
                "chars": len(full) if full is not None else None,
                "text": truncate(full, limit),
            }
    return found
