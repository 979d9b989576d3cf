import pytest

from config.portal.private_info import find_private_information


@pytest.mark.parametrize(
    "text,kind,found",
    [
        ("Call me at 815-555-0142 please", "phone", "815-555-0142"),
        ("my number (815) 933-0480", "phone", "(815) 933-0480"),
        ("SSN 123-45-6789 is mine", "ssn", "123-45-6789"),
        ("write to jane.doe@gmail.com", "email", "jane.doe@gmail.com"),
        ("I live at 1234 N. Main Street Apt 4", "address", "1234 N. Main Street Apt 4"),
        ("card 4111 1111 1111 1111 thanks", "account", "4111 1111 1111 1111"),
        ("licence A123-4567-8901", "drivers_licence", "A123-4567-8901"),
    ],
)
def test_finds_each_kind_of_private_information(text, kind, found):
    findings = find_private_information(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert text[findings[0].start : findings[0].end] == found


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is at 6 pm on 3/4/2025 with 2000 people",
        "",
        "Route 45 is closed",
        "Invalid SSN 000-12-3456",
    ],
)
def test_ordinary_text_has_no_findings(text):
    assert find_private_information(text) == []


def test_ssn_is_not_also_reported_as_a_phone_number():
    kinds = [f.kind for f in find_private_information("123-45-6789 and 815-555-0142")]
    assert kinds == ["ssn", "phone"]
