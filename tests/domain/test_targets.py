"""Target arithmetic: rows to add (backfill) and rows to keep or repeat (rebalance)."""

from __future__ import annotations

from curate.ops.domain.targets import are_shares, check_targets, quotas, rows_to_add


def test_shares_and_counts_are_told_apart_by_their_sum() -> None:
    assert are_shares({"a": 0.5, "b": 0.5})
    assert not are_shares({"a": 1, "b": 1})
    assert check_targets({"a": 0.5, "b": 0.5}) is None
    assert check_targets({"a": 100, "b": 30}) is None
    assert check_targets({}) == "needs at least one value"
    assert check_targets({"a": -0.1}) == "a: must be >= 0, got -0.1"
    assert check_targets({"a": 10.5, "b": 3}) == (
        "a: row counts must be whole numbers, got 10.5 (shares must sum to at most 1)")


def test_shares_count_the_added_rows_so_short_values_land_on_their_share() -> None:
    # a (60 of 100) is the largest for its share: the corpus grows to 120 = 60 / 0.5.
    added, wanted = rows_to_add({"a": 60, "b": 30, "c": 10}, {"a": 0.5, "b": 0.3, "c": 0.2},
                                {"a": 100, "b": 100, "c": 100})
    assert added == wanted == {"a": 0, "b": 6, "c": 14}


def test_a_short_pool_caps_the_addition_and_the_rest_follows_the_smaller_total() -> None:
    # Only 5 c rows exist: the corpus ends at 107 rows, where b's 30% is 32.
    added, wanted = rows_to_add({"a": 60, "b": 30, "c": 10}, {"a": 0.5, "b": 0.3, "c": 0.2},
                                {"b": 100, "c": 5})
    assert added == {"a": 0, "b": 2, "c": 5}
    assert wanted == {"a": 0, "b": 2, "c": 11}


def test_untargeted_rows_count_in_the_total() -> None:
    # 100 rows, 30 of them b (no target): N = 100 + (0.2 N - 10) gives N = 112.5, where c's
    # 20% is 22.5 rows, 12 more than it has; a (60 > 0.4 N) needs none.
    added, _ = rows_to_add({"a": 60, "b": 30, "c": 10}, {"a": 0.4, "c": 0.2}, {"c": 100})
    assert added == {"a": 0, "c": 12}


def test_row_count_targets_want_the_difference() -> None:
    added, wanted = rows_to_add({"a": 100, "c": 40}, {"a": 100, "c": 70}, {"c": 25})
    assert added == {"a": 0, "c": 25}
    assert wanted == {"a": 0, "c": 30}


def test_quotas_down_sample_to_the_scarcest_share() -> None:
    # c (10 rows, 20%) allows 50 rows in all.
    assert quotas({"a": 60, "b": 30, "c": 10}, {"a": 0.4, "b": 0.4, "c": 0.2}) == {
        "a": 20, "b": 20, "c": 10}


def test_quotas_repeat_up_to_the_cap_and_keep_the_size() -> None:
    assert quotas({"a": 60, "b": 30, "c": 10}, {"a": 0.4, "b": 0.4, "c": 0.2}, repeats=2) == {
        "a": 40, "b": 40, "c": 20}
    assert quotas({"a": 60, "b": 30, "c": 10}, {"a": 0.4, "b": 0.4, "c": 0.2}, repeats=2,
                  total=60) == {"a": 24, "b": 24, "c": 12}


def test_untargeted_values_share_what_the_targets_leave() -> None:
    # a 50%, b 30%, and c with the unknown (None) rows share 20% in their own proportion.
    assert quotas({"a": 60, "b": 30, "c": 10, None: 20}, {"a": 0.5, "b": 0.3}) == {
        "a": 50, "b": 30, "c": 6, None: 14}


def test_count_quotas_cut_or_repeat_targeted_values_only() -> None:
    assert quotas({"a": 60, "b": 30, "c": 10}, {"a": 20, "c": 25}, repeats=2) == {
        "a": 20, "b": 30, "c": 20}
