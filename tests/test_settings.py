"""Settings: defaults < environment < instance/config.py < a caller's overrides, then coerced."""
from __future__ import annotations

from delivery.config import load_settings

KEY = "s" * 40


def test_the_instance_file_beats_the_environment_and_overrides_beat_both(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'RATE_LIMIT = "5/second"\nHEARTBEAT_SECONDS = "2.5"\nLOG_LEVEL = "DEBUG"\nhelper = "lower-case: not a setting"\n')
    monkeypatch.setenv("RATE_LIMIT", "1/second")
    monkeypatch.setenv("METRICS_TOKEN", "from-the-environment")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    settings = load_settings({"LOG_LEVEL": "ERROR", "SECRET_KEY": KEY}, instance=tmp_path)
    assert settings["RATE_LIMIT"] == "5/second"  # the file over the environment
    assert settings["METRICS_TOKEN"] == "from-the-environment"  # the environment over the default
    assert settings["LOG_LEVEL"] == "ERROR"  # the caller's override over both
    assert settings["HEARTBEAT_SECONDS"] == 2.5  # coerced, wherever it came from
    assert "helper" not in settings


def test_no_instance_file_is_the_defaults_and_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECK_MAX_ATTEMPTS", "7")
    settings = load_settings({"SECRET_KEY": KEY}, instance=tmp_path)
    assert settings["CHECK_MAX_ATTEMPTS"] == 7 and settings["RATE_LIMIT"] == "10/second"


def test_the_plan_time_limit_has_its_default_and_is_read_as_seconds(tmp_path, monkeypatch):
    assert load_settings({"SECRET_KEY": KEY}, instance=tmp_path)["PLAN_TIME_LIMIT"] == 1.0
    monkeypatch.setenv("PLAN_TIME_LIMIT", "0.25")
    assert load_settings({"SECRET_KEY": KEY}, instance=tmp_path)["PLAN_TIME_LIMIT"] == 0.25


def test_any_spelling_of_rate_limit_off_is_read_once_as_off(tmp_path, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT", " Off ")
    assert load_settings({"SECRET_KEY": KEY}, instance=tmp_path)["RATE_LIMIT"] == "off"
    kept = load_settings({"SECRET_KEY": KEY, "RATE_LIMIT": "3/second"}, instance=tmp_path)
    assert kept["RATE_LIMIT"] == "3/second"
