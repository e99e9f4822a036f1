"""The case views where typing is at stake, named once for the parts of the portal that treat
them specially (the session limits in auth/sessions.py, a case no longer editable in lookup.py)."""

ANSWER_PAGES = ("cases.page", "cases.new_page")  # a page of questions, sent with Continue
AUTOSAVES = ("cases.autosave", "cases.new_autosave")  # their saves in the background
NEW_CASE_PAGES = ("cases.new_page", "cases.new_autosave")  # the first save creates the case
