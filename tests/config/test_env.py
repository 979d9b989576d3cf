import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(
    "raw,expected", [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False), ("", False)]
)
def test_env_bool_accepts_fixed_vocabulary(monkeypatch, raw, expected):
    monkeypatch.setenv("PORTAL_FLAG", raw)
    assert env_bool("PORTAL_FLAG", default=not expected) is expected


def test_env_bool_refuses_a_typo_naming_the_variable(monkeypatch):
    monkeypatch.setenv("PORTAL_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_FLAG='flase' is not a boolean"):
        env_bool("PORTAL_FLAG", default=False)


def test_env_str_required_variable_missing(monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_SECRET is required"):
        env_str("PORTAL_SECRET")


def test_env_reads_secret_from_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("PORTAL_SECRET_FILE", str(secret))
    monkeypatch.delenv("PORTAL_SECRET", raising=False)
    assert env_str("PORTAL_SECRET") == "s3cret"


def test_env_refuses_both_value_and_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("a")
    monkeypatch.setenv("PORTAL_SECRET_FILE", str(secret))
    monkeypatch.setenv("PORTAL_SECRET", "b")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_str("PORTAL_SECRET")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("PORTAL_N", "x12")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_N='x12' is not an integer"):
        env_int("PORTAL_N", 3)
    monkeypatch.setenv("PORTAL_HOSTS", " a.example , b.example,, ")
    assert env_list("PORTAL_HOSTS", []) == ["a.example", "b.example"]
