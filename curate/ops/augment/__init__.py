"""Data-centric operators on labelled training rows: `augment` (new rows for classes below a
target count) and `label_audit` (rows whose label looks wrong)."""
