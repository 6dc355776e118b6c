"""Quality scoring and selection: `quality_score` writes q_text, q_info, q_density and
q_overall; `select` and `select_top` keep documents by those stored scores (and `curate tune`
re-runs them from stats/ without recomputing anything)."""
