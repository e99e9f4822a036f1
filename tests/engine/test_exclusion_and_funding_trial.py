"""What a form author's trial found writing an exclusion notification and an early years
funding claim (tests/engine/fixtures/author_trial/ holds the two case types): each test is a
small case type that was taken, or told wrongly, before."""

from __future__ import annotations

from tests.engine.test_validation_errors import load_case

# ---- a date's limit naming a question of a repeating group ---------------------------------


def test_a_date_limit_naming_a_question_of_an_earlier_group_says_it_is_in_the_group():
    # was "which is not a date question defined earlier (it comes later)": the group's page
    # came first, and the author looked for a question written after the meeting's date
    loaded = load_case(
        """
        - id: previous
          title: Previous suspensions
          fields:
            - id: suspensions
              type: group
              label: Previous suspensions
              fields:
                - {id: suspension_start, type: date, label: First day}
        - id: governors
          title: Governors' meeting
          fields:
            - {id: meeting_date, type: date, label: Date of the meeting, min: suspension_start}
        """
    )
    problem = loaded.expect("E206", "min: suspension_start", "suspension_start")
    assert "comes later" not in problem.message
    assert problem.message.endswith(
        "(it is a question of the group 'suspensions', with an answer for each item): write a "
        "rule such as `meeting_date >= latest(suspensions, 'suspension_start')`"
    )


def test_a_date_limit_naming_a_later_question_still_says_it_comes_later():
    loaded = load_case(
        """
        - id: governors
          title: Governors' meeting
          fields:
            - {id: meeting_date, type: date, label: Date of the meeting, min: first_day}
            - {id: first_day, type: date, label: First day}
        """
    )
    problem = loaded.expect("E206", "min: first_day", "first_day")
    assert problem.message.endswith("(it comes later)")
