"""Selection over stored scores, shared by the `select` / `select_top` operators (during a run)
and by `curate tune` (after it, from stats/): threshold rules, top-fraction cut-offs, and the
replay of a finished run's selection stages with new parameters."""
