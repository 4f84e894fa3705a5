"""Report settings: the threshold k (never below 5) and the optional noise epsilon."""

from __future__ import annotations

import pytest

from wellbeing.core.config import MIN_REPORT_CELL, ConfigError, Settings, load_settings
from wellbeing.reports.disclosure import MIN_K


def test_the_defaults_are_k_10_and_no_noise() -> None:
    settings = load_settings(environ={})
    assert settings.report_min_cell == 10
    assert settings.report_dp_epsilon is None


def test_both_come_from_the_environment() -> None:
    environ = {"WELLBEING_REPORT_MIN_CELL": "12", "WELLBEING_REPORT_DP_EPSILON": "0.5"}
    settings = load_settings(environ=environ)
    assert settings.report_min_cell == 12
    assert settings.report_dp_epsilon == 0.5


def test_an_empty_epsilon_means_no_noise() -> None:
    assert load_settings(environ={"WELLBEING_REPORT_DP_EPSILON": " "}).report_dp_epsilon is None


@pytest.mark.parametrize("value", ["4", "0", "-10"])
def test_a_threshold_below_five_stops_start_up(value: str) -> None:
    with pytest.raises(ConfigError, match="WELLBEING_REPORT_MIN_CELL must be at least 5"):
        load_settings(environ={"WELLBEING_REPORT_MIN_CELL": value})


def test_the_threshold_floor_is_checked_however_settings_are_built() -> None:
    with pytest.raises(ConfigError, match="at least 5"):
        load_settings({"report_min_cell": 3}, environ={})
    with pytest.raises(ConfigError, match="at least 5"):
        Settings(report_min_cell=4)
    assert load_settings({"report_min_cell": 5}, environ={}).report_min_cell == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [("ten", "must be a whole number"), ("1.5", "must be a whole number")],
)
def test_a_malformed_threshold_is_refused(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ={"WELLBEING_REPORT_MIN_CELL": value})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "must be a number"),
        ("0", "positive"),
        ("-1", "positive"),
        ("inf", "positive"),
        ("nan", "positive"),
    ],
)
def test_a_bad_epsilon_is_refused(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ={"WELLBEING_REPORT_DP_EPSILON": value})


def test_settings_and_disclosure_control_agree_on_the_floor() -> None:
    assert MIN_REPORT_CELL == MIN_K == 5
