"""What the council writes for the school keeps its lines on the school's pages, as it does
on the officer's: a request written as a list is read as a list."""

from tests.webapp.test_workflow_school_side import asked_for_more

ASKED = "Please send us:\n1. the plan signed by both parents\n2. the provider's hours"


def _lines(paragraph) -> list[str]:
    """The lines a browser shows of a paragraph: a new line typed in its text is a space
    there (white-space: normal), only a <br> starts another line."""
    for br in paragraph.select("br"):
        br.replace_with("\x00")
    text = " ".join(paragraph.get_text().split())
    return [line.strip() for line in text.split("\x00")]


def test_a_request_written_on_several_lines_reaches_the_school_on_several_lines(
    app, world, sign_in, db_session
):
    """Found by trying it: an officer's numbered request ("Please send us:", "1. …", "2. …")
    was one run-on line on the school's case, its Check your changes and its timeline."""
    portal, reference = asked_for_more(app, world, sign_in, db_session, ASKED)
    wanted = ASKED.split("\n")

    view = portal.get(f"/cases/{reference}/view").page
    assert _lines(view.select_one(".app-request-note")) == wanted
    timeline = [p for p in view.select(".app-timeline p") if "Please send us" in p.get_text()]
    assert [_lines(p) for p in timeline] == [wanted]
    check = portal.get(f"/cases/{reference}/check-answers").page
    assert _lines(check.select_one(".app-request-note")) == wanted


def test_a_note_is_escaped_line_by_line_and_a_windows_new_line_is_one_break(app):
    """What is typed is shown as text, never as HTML, and a new line a browser sends as \\r\\n
    (a note kept as the officer's session timed out is stored as sent) starts one line, not
    two (review21)."""
    from bs4 import BeautifulSoup

    typed = '<b onmouseover="alert(1)">Bold</b> & co\r\n<script>x</script>\r\n\r\nlast'
    html = app.jinja_env.from_string("<p>{{ note | lines }}</p>").render(note=typed)
    paragraph = BeautifulSoup(html, "html.parser").p
    assert not paragraph.find(["b", "script"]) and html.count("<br>") == 3
    assert _lines(paragraph) == [
        '<b onmouseover="alert(1)">Bold</b> & co',
        "<script>x</script>",
        "",
        "last",
    ]
    empty = app.jinja_env.from_string("{{ none | lines }}|{{ missing | lines }}").render(none=None)
    assert empty == "|"
