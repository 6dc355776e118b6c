"""The `curate` command line."""
