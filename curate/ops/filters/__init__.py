"""Filters: row operators that keep or reject whole documents (length, language, and the
heuristic quality rules of Gopher, C4, FineWeb and their Chinese counterparts). Each one
computes its signals first (kept in stats/), then rejects from those signals alone."""
