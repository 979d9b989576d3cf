"""The redactor: withheld text cannot survive in any value, whatever surrounds or encodes it."""

import json

from hypothesis import given
from hypothesis import strategies as st

from records.foia.redaction import Redactor, csv_cell

secrets = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=3, max_size=20
).filter(
    lambda s: (
        s.strip()
        and "REDACTED" not in s.upper()
        and "§" not in s
        and not set(s.casefold()) <= set("[]() 7.1bc")
    )
)


@given(secret=secrets, before=st.text(max_size=30), after=st.text(max_size=30))
def test_secret_never_survives_in_text(secret, before, after):
    redactor = Redactor([(secret, "7(1)(b)")])
    assert secret.casefold() not in redactor.text(before + secret + after).casefold()


@given(secret=secrets, before=st.text(max_size=30))
def test_secret_never_survives_in_a_json_payload(secret, before):
    redactor = Redactor([(secret, "7(1)(c)")])
    raw = json.dumps({"message": before + secret, "nested": [{secret: secret.upper()}]}, ensure_ascii=True)
    payload, changed = redactor.payload(raw)
    assert changed

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)

    # Checked on the decoded strings: a serialised "\u000b" is not the text "000".
    assert all(secret.casefold() not in text.casefold() for text in strings(payload))


def test_longest_redaction_wins_and_marker_names_the_exemption():
    redactor = Redactor([("555-0142", "7(1)(c)"), ("815-555-0142", "7(1)(b)")])
    assert redactor.text("call 815-555-0142 now") == "call [REDACTED §7(1)(b)] now"


def test_no_redactions_leave_values_alone():
    redactor = Redactor([])
    assert not redactor
    assert redactor.text("815-555-0142") == "815-555-0142"


def test_csv_cells_are_neutralised():
    for dangerous in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(dangerous).startswith("'")
    assert csv_cell("plain") == "plain"
    assert csv_cell("bell\x07") == "bell\ufffd"
