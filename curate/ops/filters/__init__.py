"""Heuristic quality filters (Gopher, C4, FineWeb and their Chinese counterparts). Each one
computes its signals first (kept in stats/), then rejects from those signals alone."""
