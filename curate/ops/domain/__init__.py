"""Domain mix operators: classify documents into domains, recall more of the short ones from a
reserve pool (`domain_backfill`) and re-balance the mix to target proportions (`rebalance`)."""
