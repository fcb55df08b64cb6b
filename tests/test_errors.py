"""Diagnostics stay one line each, whatever the values they quote."""
from conceptsite.diagnostics import Report


def test_line_breaks_in_quoted_values_are_escaped():
    report = Report()
    report.error("content/x.md", 3, 10, "updated: 'a\nb\rc\x85d\x0be\x0cf\u2028g\u2029h' is not a valid date")
    report.warn("content/x.md", 4, 1, "plain message, accents kept: é ü")
    assert str(report.items[0]) == ("content/x.md:3:10: error: updated: "
                                    "'a\\nb\\rc\\x85d\\x0be\\x0cf\\u2028g\\u2029h' is not a valid date")
    assert report.items[1].message == "plain message, accents kept: é ü"
    assert all(len(str(d).splitlines()) == 1 for d in report.items)
