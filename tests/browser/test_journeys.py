"""The seed's five journeys in Chromium, against the portal in its own process with a real SMTP
catcher; axe-core checks every distinct page they visit, error states included."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    at_320_pixels,
    axe,
    focused,
    shot,
    sign_in,
    tab_to,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PTT = "Part-time timetable alternative provision notification to LA"


def group(page, name: str):
    """A fieldset (radios, checkboxes, a date, a repeating group's item) by its legend."""
    return page.get_by_role("group", name=name, exact=True)


def h1(page, name: str):
    """The page's h1 (every page has exactly one)."""
    return page.get_by_role("heading", level=1, name=name, exact=True)


def fill_date(scope, day: int, month: int, year: int) -> None:
    scope.get_by_label("Day").fill(str(day))
    scope.get_by_label("Month").fill(str(month))
    scope.get_by_label("Year").fill(str(year))


def press_button(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def summary_value(page, question: str):
    """The answer shown for a question on a check-answers page."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=question)
    )
    return row.locator(".govuk-summary-list__value")


def error_summary(page):
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves the focus there
    # Each problem on this page links to the question's first input, where the answer goes.
    targets = page.evaluate("""() => [...document.querySelectorAll(
        '.govuk-error-summary__list a[href^="#"]')].map(a => {
          const target = document.getElementById(a.getAttribute('href').slice(1));
          return [a.getAttribute('href'), target && target.tagName.toLowerCase()]; })""")
    assert all(tag in ("input", "select", "textarea") for _, tag in targets), targets
    return summary


# ---- 1. a new school admin ----


def test_journey_1_new_school_admin(page, live, world):
    """Sign-up email -> sign in -> code from the mail catcher -> security question ->
    choose a password -> Home with its three actions."""
    from webapp.domain.schools import onboard_school

    email = "admin@rusheymead.example.org"
    with world.app.app_context():  # as `portal onboard-school` does it
        session = world.session()
        try:
            onboard_school(
                session,
                name="Rushey Mead Academy",
                urn="130777",
                setting_type="school",
                admin_email=email,
                admin_first_name="Hannah",
                admin_last_name="Begum",
                admin_job_title="Headteacher",
            )
        finally:
            session.close()
    sign_up = live.wait_for_mail(email, "Your School Portal account")
    assert "Rushey Mead Academy" in sign_up.body
    password = re.search(r"^Password: (\S+)$", sign_up.body, re.M).group(1)
    link = re.search(r"^Sign in at (\S+)$", sign_up.body, re.M).group(1)
    assert link == f"{live.url}/sign-in"

    page.goto(link)
    axe(page, "Sign in")
    shot(page, "01-sign-in")
    # A wrong password first: the error state.
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not the password")
    press_button(page, "Continue")
    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")
    axe(page, "Sign in: wrong password")

    before = live.mail_count(email)
    page.get_by_label("Password", exact=True).fill(password)
    press_button(page, "Continue")
    expect(h1(page, "Check your email")).to_be_visible()
    axe(page, "Sign-in code")
    shot(page, "02-sign-in-code")
    page.get_by_label("Code").fill("000000")
    press_button(page, "Continue")
    expect(error_summary(page)).to_contain_text("The code is not correct")
    axe(page, "Sign-in code: wrong code")
    message = live.wait_for_mail(email, "sign-in code", after=before)
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", message.subject).group(1))
    press_button(page, "Continue")

    expect(h1(page, "Choose a security question")).to_be_visible()
    axe(page, "First sign-in: security question")
    press_button(page, "Save security question")
    error_summary(page)
    axe(page, "Security question: nothing chosen")
    page.get_by_label("What was the name of your first pet?").check()
    page.get_by_label("Your answer").fill("Biscuit")
    press_button(page, "Save security question")

    expect(h1(page, "Choose your own password")).to_be_visible()
    axe(page, "First sign-in: choose your own password")
    page.get_by_label("New password", exact=True).fill("maple tortoise harbour lantern")
    page.get_by_label("Confirm new password").fill("maple tortoise harbour")
    press_button(page, "Save password")
    expect(error_summary(page)).to_contain_text("The passwords do not match")
    axe(page, "Choose your own password: not matching")
    page.get_by_label("New password", exact=True).fill("maple tortoise harbour lantern")
    page.get_by_label("Confirm new password").fill("maple tortoise harbour lantern")
    press_button(page, "Save password")

    expect(h1(page, "Home")).to_be_visible()
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    actions = page.locator(".app-action__link")
    expect(actions).to_have_text(["Submit case", "My cases", "User admin"])
    expect(page.get_by_text("Signed in as Hannah Begum")).to_be_visible()
    axe(page, "Home (school admin)")
    shot(page, "03-home")
    at_320_pixels(page, "Home", open_menu=True)
    live.wait_for_mail(email, "password")  # told that the password changed
    page.get_by_role("link", name="Sign out").click()
    expect(h1(page, "Sign out")).to_be_visible()
    axe(page, "Sign out")
    press_button(page, "Sign out")
    expect(page.get_by_text("You have signed out")).to_be_visible()
    axe(page, "Sign in: signed out")


# ---- 2. a multi-page case, stopped half-way and finished ----


def test_journey_2_case_stopped_half_way_then_submitted(page, context, live, world):
    """Part-time timetable: a condition (the Alternative provision page), a repeating group
    (its providers) and a file upload; typing on the last page kept by the background save
    when the page is closed; back through My cases; check answers; submit; My cases."""
    sign_in(page, live, world.senco)
    expect(page.locator(".app-action__link")).to_have_text(["Submit case", "My cases"])
    expect(page.get_by_text("Only school administrators can add and manage users.")).to_be_visible()
    axe(page, "Home (school user: User admin disabled)")
    page.locator(".app-action__link", has_text="Submit case").click()
    axe(page, "Submit case")
    shot(page, "04-submit-case")
    page.get_by_role("link", name=PTT).click()
    axe(page, "Start a case")
    press_button(page, "Start now")

    # About the child: Continue with nothing typed shows every problem.
    expect(h1(page, "About the child")).to_be_visible()
    expect(page.locator(".app-reference")).to_have_text("")  # nothing stored before a save
    axe(page, "Case page: About the child")
    press_button(page, "Continue")
    expect(error_summary(page)).to_contain_text("Enter first name")
    reference = page.locator(".app-reference").inner_text()  # the first save made the case
    assert reference.startswith("EDU-SENED-PTT")
    axe(page, "Case page: errors")
    shot(page, "05-case-page-errors")
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Miles")
    fill_date(group(page, "Date of birth"), 14, 5, 2015)
    page.get_by_label("Unique pupil number (UPN)").fill("Y856200124123")
    page.get_by_label("National curriculum year group").select_option("5")
    page.get_by_label("Home postcode").fill("le3 1ab")
    page.get_by_label("SEN support").check()
    looked_after = group(page, "Is the child looked after by a local authority?")
    looked_after.locator("input[name=looked_after][value=no]").check()  # its follow-up within
    group(page, "Does the child have a social worker?").get_by_label("No").check()
    press_button(page, "Continue")
    # The condition: SEN support asks for the primary need, on the same page.
    expect(error_summary(page)).to_contain_text("primary type of need")
    axe(page, "Case page: a question the last answer brought in")
    page.get_by_label("Primary type of need").select_option("SEMH")
    press_button(page, "Continue")

    # The arrangement: "both" brings in the Alternative provision page.
    expect(h1(page, "The arrangement")).to_be_visible()
    axe(page, "Case page: The arrangement")
    expect(page.get_by_label("Why is this arrangement in the pupil's interests?")).to_have_value(
        ""
    )  # an empty textarea is empty, not "None"
    page.get_by_label("Part-time timetable and alternative provision").check()
    page.get_by_label("Main reason for the arrangement").select_option("reintegration")
    page.get_by_label("Why is this arrangement in the pupil's interests?").fill(
        "Jordan is returning after a long illness and needs a gradual return."
    )
    fill_date(group(page, "Start date"), 7, 9, 2026)
    fill_date(group(page, "Planned end date"), 20, 11, 2026)  # over 8 weeks: a warning
    fill_date(group(page, "Date of the first review"), 21, 9, 2026)
    page.get_by_label("Normal hours in school each week").fill("32.5")
    page.get_by_label("Hours in school each week during the arrangement").fill("15")
    for session in ("Monday morning", "Tuesday morning", "Wednesday morning"):
        page.get_by_label(session).check()
    press_button(page, "Continue")
    expect(page.locator(".govuk-warning-text")).to_contain_text("more than 8 weeks")
    axe(page, "Case page: a warning to acknowledge")
    press_button(page, "Continue")

    # Alternative provision: a repeating group, two providers added, the second removed.
    expect(h1(page, "Alternative provision")).to_be_visible()
    axe(page, "Case page: Alternative provision (repeating group)")
    if not group(page, "Provider 1").count():
        press_button(page, "Add a provider")
    provider = group(page, "Provider 1")
    provider.get_by_label("Provider name").fill("Oak Tree Learning Centre")
    provider.get_by_label("Provider URN or UKPRN").fill("123456")
    group(page, "Is the provider registered with Ofsted or the DfE?").get_by_label("Yes").check()
    provider.get_by_label("Monday").check()
    provider.get_by_label("Wednesday").check()
    provider.get_by_label("Hours each week").fill("6")
    provider.get_by_label("Cost each week (optional)").fill("250")
    provider.get_by_label("B - educated off site").check()
    press_button(page, "Add another provider")
    expect(group(page, "Provider 2")).to_be_visible()
    expect(group(page, "Provider 1").get_by_label("Provider name")).to_have_value(
        "Oak Tree Learning Centre"
    )
    axe(page, "Case page: a second group item")
    press_button(page, "Remove provider 2")
    expect(group(page, "Provider 2")).to_have_count(0)
    press_button(page, "Continue")

    # Agreement: typed, then the page is closed without Continue.
    expect(h1(page, "Agreement and safeguarding")).to_be_visible()
    axe(page, "Case page: Agreement and safeguarding (file upload)")
    shot(page, "06-case-page")
    at_320_pixels(page, "Case page")
    group(page, "Is the designated safeguarding lead aware of the arrangement?").get_by_label(
        "Yes"
    ).check()
    group(page, "Has a parent or carer agreed to the arrangement in writing?").get_by_label(
        "Yes"
    ).check()
    views = page.get_by_label("What does the pupil think about the arrangement? (optional)")
    expect(views).to_have_value("")
    views.fill("Jordan would like to build up to full days")
    expect(page.locator(".app-autosave-status")).to_contain_text("Saved at")  # in the quiet
    views.press_sequentially(", starting with mornings.")
    page.close()  # no Continue: the page-hide save keeps the last words

    # Back through My cases, in a new tab of the same browser.
    page = context.new_page()
    page.goto("/")
    page.locator(".app-action__link", has_text="My cases").click()
    expect(h1(page, "My cases")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Draft – editable")
    axe(page, "My cases")
    row.get_by_role("link", name=reference).click()
    expect(h1(page, "Agreement and safeguarding")).to_be_visible()
    expect(
        page.get_by_label("What does the pupil think about the arrangement? (optional)")
    ).to_have_value("Jordan would like to build up to full days, starting with mornings.")
    expect(
        group(page, "Has a parent or carer agreed to the arrangement in writing?").get_by_label(
            "Yes"
        )
    ).to_be_checked()
    page.get_by_label("Signed plan").set_input_files(
        files=[{"name": "signed-plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    press_button(page, "Continue")

    # Check answers: the declaration is needed.
    expect(h1(page, "Check your answers before sending")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text(["Oak Tree Learning Centre"])
    expect(page.get_by_text("signed-plan.pdf")).to_be_visible()
    axe(page, "Check your answers")
    shot(page, "07-check-answers")
    expect(summary_value(page, "What does the pupil think")).to_have_text(
        "Jordan would like to build up to full days, starting with mornings."
    )
    expect(summary_value(page, "Primary type of need")).to_have_text(
        "Social, emotional and mental health"
    )
    at_320_pixels(page, "Check your answers")
    press_button(page, "Accept and send")
    expect(error_summary(page)).to_contain_text("Tick the box to confirm the declaration")
    axe(page, "Check your answers: declaration not ticked")
    page.get_by_label("I confirm").check()
    press_button(page, "Accept and send")

    expect(h1(page, "Case sent")).to_be_visible()
    expect(page.locator(".govuk-panel")).to_contain_text(reference)
    axe(page, "Case sent")
    shot(page, "08-case-sent")
    page.get_by_role("link", name="Go to My cases").click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Submitted – read only")
    expect(row).to_contain_text("Active")
    shot(page, "09-my-cases")
    row.get_by_role("link", name=reference).click()
    expect(h1(page, reference)).to_be_visible()
    axe(page, "A submitted case (school's view)")


# ---- 3. the admin and a new user ----


def test_journey_3_admin_adds_edits_resets_and_locks_a_user(page, context, live, world):
    new = "ta@westcotes.example.org"
    sign_in(page, live, world.admin)
    page.locator(".app-action__link", has_text="User admin").click()
    expect(h1(page, "User admin")).to_be_visible()
    axe(page, "User admin")
    shot(page, "10-user-admin")
    page.get_by_role("button", name="Add user").click()  # a link styled as a button
    expect(h1(page, "Add user")).to_be_visible()
    axe(page, "Add user")
    press_button(page, "Add user")
    error_summary(page)
    axe(page, "Add user: errors")
    page.get_by_label("Email address").fill(new)
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Patel")
    page.get_by_label("Job title").select_option("Teaching assistant")
    group(page, "Is this user an administrator?").get_by_label("No").check()
    press_button(page, "Add user")
    expect(page.get_by_text("Sam Patel has been added")).to_be_visible()
    axe(page, "User admin: user added")
    sign_up = live.wait_for_mail(new, "Your School Portal account")
    assert world.school_name in sign_up.body

    # Edit: a new job title and a mobile number.
    page.get_by_role("link", name=re.compile(re.escape(new))).click()
    expect(h1(page, "Edit user Sam Patel")).to_be_visible()
    axe(page, "Edit user")
    shot(page, "11-edit-user")
    page.get_by_label("Mobile number (optional)").fill("not a number")
    press_button(page, "Save changes")
    error_summary(page)
    axe(page, "Edit user: errors")
    page.get_by_label("Mobile number (optional)").fill("07700 900 982")
    page.get_by_label("Job title").select_option("Class teacher")
    press_button(page, "Save changes")
    expect(page.get_by_text("Your changes to Sam Patel have been saved")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=new)
    expect(row).to_contain_text("Class teacher")

    # Reset the password: the user is emailed a new one.
    before = live.mail_count(new)
    row.get_by_role("link").click()
    page.get_by_role("link", name="Reset password").click()
    expect(h1(page, "Reset the password of Sam Patel")).to_be_visible()
    axe(page, "Reset a user's password")
    press_button(page, "Yes, reset the password")
    expect(page.get_by_text("A new password has been emailed to Sam Patel")).to_be_visible()
    reset = live.wait_for_mail(new, "password has been reset", after=before)
    new_password = re.search(r"^New password: (\S+)$", reset.body, re.M).group(1)

    # Lock.
    group(page, "Lock status").get_by_label("Locked", exact=True).check()
    press_button(page, "Save changes")
    row = page.get_by_role("row").filter(has_text=new)
    expect(row).to_contain_text("Locked")
    axe(page, "User admin: a locked user")

    # The locked user cannot sign in, even with the password just sent; having given the right
    # password, they are told the account is locked and whom to ask.
    other = context.browser.new_context(base_url=live.url)
    try:
        theirs = other.new_page()
        theirs.goto("/sign-in")
        theirs.get_by_label("Email address").fill(new)
        theirs.get_by_label("Password", exact=True).fill(new_password)
        theirs.get_by_role("button", name="Continue").click()
        expect(h1(theirs, "Your account is locked")).to_be_visible()
        expect(theirs.get_by_text("ask an administrator of your school")).to_be_visible()
        expect(h1(theirs, "Check your email")).to_have_count(0)
        axe(theirs, "Your account is locked")
    finally:
        other.close()

    # A user who is not there, or not the admin's: the error page.
    page.goto("/user-admin/999999")
    expect(h1(page, "Page not found")).to_be_visible()
    axe(page, "Page not found")


# ---- 4. an officer works the case to Completed ----


def _submitted_case(world) -> str:
    """A part-time timetable sent by the SENCO, as journey 2 would leave it: its reference."""
    from sqlalchemy import select

    from webapp.areas.cases import services, starting
    from webapp.demo import PTT_PAGES, _answer_pages
    from webapp.domain.uploads import store_upload
    from webapp.models import User

    with world.app.app_context():
        session = world.session()
        try:
            ptt = world.app.extensions["catalogue"].get("part-time-timetable")
            senco = session.scalar(select(User).where(User.email == world.senco))
            case = starting.start_case(session, senco, senco.memberships[0].school, ptt)
            plan = store_upload(
                session,
                case,
                senco,
                ptt.fields["signed_plan"],
                "signed_plan",
                "signed-plan.pdf",
                PDF,
            )
            case.answers = _answer_pages(
                ptt, {**PTT_PAGES, "agreement": {**PTT_PAGES["agreement"], "signed_plan": plan}}
            )
            session.commit()
            services.submit_case(session, case, ptt, senco, declared=True)
            return case.reference
        finally:
            session.close()


def test_journey_4_officer_completes_the_case(page, context, browser, live, world):
    reference = _submitted_case(world)
    sign_in(page, live, world.officer)
    expect(page.locator(".app-action__link").first).to_have_text("Caseviewer")
    axe(page, "Home (council officer)")
    page.locator(".app-action__link", has_text="Caseviewer").click()
    expect(h1(page, "Caseviewer")).to_be_visible()
    axe(page, "Caseviewer")
    shot(page, "12-caseviewer")
    page.get_by_role("link", name=reference).click()
    expect(h1(page, reference)).to_be_visible()
    expect(page.get_by_text("Case Officers Notification").first).to_be_visible()
    axe(page, "Caseviewer: a case")
    press_button(page, "Assign to me")
    expect(page.get_by_text(f"{reference} is now assigned to you")).to_be_visible()
    press_button(page, "Start review")
    expect(page.get_by_text("The case is now at ‘Review details")).to_be_visible()
    axe(page, "Caseviewer: a case in review")
    # Asking for more information needs a note.
    press_button(page, "Request more information")
    expect(error_summary(page)).to_contain_text("Enter a note for the school")
    axe(page, "Caseviewer: note missing")
    before = live.mail_count(world.senco)
    page.get_by_label(re.compile("Note for the school – Request more information")).fill(
        "Please tell us the provider's Ofsted URN."
    )
    press_button(page, "Request more information")
    expect(page.get_by_text("The school has been emailed")).to_be_visible()
    live.wait_for_mail(world.senco, "More information requested", after=before)

    # The school answers.
    school_context = browser.new_context(base_url=live.url)
    school_context.set_default_timeout(10_000)
    try:
        school = school_context.new_page()
        sign_in(school, live, world.senco)
        school.goto("/my-cases")
        row = school.get_by_role("row").filter(has_text=reference)
        expect(row).to_contain_text("More information requested – editable")
        axe(school, "My cases: more information requested")
        row.get_by_role("link", name=reference).click()
        expect(school.locator(".app-request-note")).to_have_text(
            "Please tell us the provider's Ofsted URN."
        )
        axe(school, "A case the council asked more about (school's view)")
        school.get_by_role("link", name="Change your answers and send them again").click()
        expect(h1(school, "Check your changes before sending them")).to_be_visible()
        expect(school.get_by_text("You have not changed any answers")).to_be_visible()
        axe(school, "Check your changes")
        school.get_by_label("Message to the council (optional)").fill(
            "The URN is already on the provider page: EY123456."
        )
        school.get_by_label("I confirm").check()
        press_button(school, "Send the changes")
        sent = f"{reference} has been sent back to the council with no answers changed"
        expect(school.get_by_text(sent)).to_be_visible()

        # The officer reads the school's message, and completes the case.
        page.reload()
        expect(page.locator(".app-timeline")).to_contain_text("already on the provider page")
        expect(page.get_by_text("Review details on the case in caseviewer").first).to_be_visible()
        before = live.mail_count(world.senco)
        page.get_by_label(re.compile("Note for the school – Complete case")).fill(
            "Thank you: the arrangement is recorded."
        )
        press_button(page, "Complete case")
        expect(page.get_by_text("The case is now at ‘Case completed’")).to_be_visible()
        expect(page.locator(".govuk-tag", has_text="Completed")).to_be_visible()
        axe(page, "Caseviewer: a completed case")
        shot(page, "13-caseviewer-case-completed")
        live.wait_for_mail(world.senco, "Case completed", after=before)

        # The school sees the new activity and status.
        school.goto("/my-cases")
        row = school.get_by_role("row").filter(has_text=reference)
        expect(row).to_contain_text("Case completed")
        expect(row).to_contain_text("Completed")
        row.get_by_role("link", name=reference).click()
        timeline = school.locator(".app-timeline")
        expect(timeline).to_contain_text("Case completed")
        expect(timeline).to_contain_text("Thank you: the arrangement is recorded.")
        axe(school, "A completed case (school's view)")
        shot(school, "14-case-completed-school-view")
    finally:
        school_context.close()


# ---- 5. one whole form with the keyboard alone ----


def test_journey_5_a_form_with_the_keyboard_alone(page, live, world):
    """Planned school closure, from Home to Case sent, by Tab, the arrow keys, Space, Enter
    and typing: never a click; the focus is visible at every stop."""
    sign_in(page, live, world.senco)
    keys = page.keyboard

    def type_into(selector: str, text: str) -> None:
        tab_to(page, selector)
        keys.type(text)

    def enter() -> None:
        """Enter on a link or a button that leads to another page."""
        with page.expect_navigation():
            keys.press("Enter")

    tab_to(page, "a.app-action__link[href='/submit-case']")
    enter()
    expect(h1(page, "Submit case")).to_be_visible()
    tab_to(page, "a[href='/submit-case/planned-closure']")
    enter()
    tab_to(page, "button.govuk-button--start")
    enter()

    # The closure: radios by arrows, a group item added with the keyboard.
    expect(h1(page, "The closure")).to_be_visible()
    axe(page, "Case page: The closure (keyboard)")
    tab_to(page, "input[name=reason]")
    keys.press("ArrowDown")  # the first radio takes the focus unchecked: move to the second
    assert focused(page)["value"] == "building_works" and focused(page)["checked"]
    type_into("textarea[name=reason_details]", "The boiler is being replaced.")
    if not page.locator("input[name='closure_dates-0-closure_date-day']").count():
        tab_to(page, "button[value='add:closure_dates']")
        enter()
    type_into("input[name='closure_dates-0-closure_date-day']", "15")
    type_into("input[name='closure_dates-0-closure_date-month']", "6")
    type_into("input[name='closure_dates-0-closure_date-year']", "2027")
    tab_to(page, "input[name='closure_dates-0-closure_session']")
    keys.press("ArrowDown")
    keys.press("ArrowDown")  # All day
    assert focused(page)["value"] == "all_day"
    tab_to(page, "button[value=continue]")
    enter()

    # Parents, governors and making up the time (Governors: No brings a warning).
    expect(h1(page, "Parents, governors and making up the time")).to_be_visible()
    axe(page, "Case page: Parents, governors and making up the time")
    type_into("input[name='parents_told_date-day']", "1")
    type_into("input[name='parents_told_date-month']", "6")
    type_into("input[name='parents_told_date-year']", "2027")
    type_into("textarea[name=make_up_arrangements]", "An extra day at the end of term.")
    tab_to(page, "input[name=governors_approved]")
    keys.press("Space")  # Yes
    assert focused(page)["value"] == "yes" and focused(page)["checked"]
    tab_to(page, "button[value=continue]")
    enter()

    # Your details: a select by the arrow keys.
    expect(h1(page, "Your details")).to_be_visible()
    axe(page, "Case page: Your details")
    type_into("input[name=submitter_name]", "Dev Mistry")
    tab_to(page, "select[name=submitter_role]")
    keys.press("ArrowDown")  # SENCO
    assert focused(page)["value"] == "senco"
    type_into("input[name=submitter_email]", "senco@westcotes.example.org")
    type_into("input[name=submitter_phone]", "0116 454 1000")
    tab_to(page, "button[value=continue]")
    enter()

    # Check answers, the declaration by Space, sent by Enter.
    expect(h1(page, "Check your answers before sending")).to_be_visible()
    axe(page, "Check your answers (planned closure)")
    expect(summary_value(page, "Why will the school close?")).to_have_text(
        "Planned building or maintenance works"
    )
    expect(summary_value(page, "Tell us more about the reason")).to_have_text(
        "The boiler is being replaced."
    )
    expect(summary_value(page, "How will the lost time be made up?")).to_have_text(
        "An extra day at the end of term."
    )
    expect(summary_value(page, "Your role")).to_have_text("SENCO")
    tab_to(page, "input[name=declared]")
    keys.press("Space")
    tab_to(page, "form[action$='/submit'] button")
    enter()
    expect(h1(page, "Case sent")).to_be_visible()
    tab_to(page, "a[href='/my-cases'].govuk-link:not(.govuk-service-navigation__link)")
    enter()
    expect(h1(page, "My cases")).to_be_visible()
