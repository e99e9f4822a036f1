"""Home, the information pages, feedback, error pages and the page template's promises."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.webapp.conftest import check_page, text_of
from webapp.models import Feedback

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = " – School Portal – Leicester City Council"

INFO_PAGES = [
    ("/cookies", "Cookies", "Cookies"),
    ("/accessibility", "Accessibility statement", "Accessibility statement for School Portal"),
    ("/minimum-requirements", "Minimum requirements", "Minimum requirements"),
    ("/feedback", "Give feedback", "Give feedback on School Portal"),
]


def title_of(page) -> str:
    return page.find("title").get_text(strip=True)


def error_page(response):
    """An error page, checked as the client checks every other page (it skips error statuses)."""
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    check_page(page)
    return page


@pytest.mark.parametrize(("url", "title", "heading"), INFO_PAGES)
def test_information_pages_render_for_anyone(client, url, title, heading):
    page = client.get(url, expect=200).page
    assert title_of(page) == title + SUFFIX
    assert page.find("h1").get_text(strip=True) == heading
    # No service navigation for someone who is not signed in, but the footer links are there.
    assert not page.select(".govuk-service-navigation")
    footer = [a.get_text(strip=True) for a in page.select("footer a")]
    assert footer == ["Accessibility statement", "Cookies", "Minimum requirements", "Feedback"]


def test_every_page_has_its_own_title(client, sign_in, world):
    titles = [title_of(client.get(url).page) for url, _, _ in INFO_PAGES]
    titles.append(title_of(sign_in(world.bob).get("/").page))
    assert len(set(titles)) == len(titles)


def test_home_needs_sign_in(client):
    response = client.get("/", expect=302)
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_home_offers_the_three_actions_with_user_admin_disabled_for_non_admins(sign_in, world):
    page = sign_in(world.bob).get("/").page
    assert page.find("h1").get_text(strip=True) == "Home"
    links = {a.get_text(strip=True): a["href"] for a in page.select(".app-action__link")}
    assert links == {"Submit case": "/submit-case", "My cases": "/my-cases"}
    disabled = page.select_one(".app-action--disabled")
    assert "User admin" in text_of(disabled)
    assert "Only school administrators can add and manage users" in text_of(disabled)
    assert "not available" in text_of(disabled)  # said in words, not only in grey
    assert not disabled.find("a")


def test_home_does_not_turn_a_school_admin_away_from_user_admin(sign_in, world):
    page = sign_in(world.alice).get("/").page
    assert "Only school administrators" not in text_of(page)
    assert "User admin" in text_of(page.select_one(".app-actions"))


def test_signed_in_pages_show_the_navigation_with_the_current_page_marked(sign_in, world):
    page = sign_in(world.bob).get("/").page
    items = {a.get_text(strip=True): a for a in page.select(".govuk-service-navigation__link")}
    assert list(items) == ["Home", "Submit case", "My cases", "Your account", "Sign out"]
    assert items["Home"].get("aria-current") == "page"
    assert items["Sign out"]["href"] == "/sign-out"
    assert not items["My cases"].get("aria-current")
    # School admins also get User admin, marked on its pages.
    admin = sign_in(world.alice).get("/user-admin/").page
    items = {a.get_text(strip=True): a for a in admin.select(".govuk-service-navigation__link")}
    assert "User admin" in items and items["User admin"].get("aria-current") == "page"


def test_the_council_brand_not_gov_uk(client):
    response = client.get("/cookies")
    html = response.get_data(as_text=True)
    page = response.page
    header = text_of(page.select_one(".app-header"))
    assert header.startswith("Leicester City Council School Portal")
    assert "© Leicester City Council" in text_of(page.find("footer"))
    for gov_uk_only in (
        "govuk-logo",
        "govuk-footer__crown",
        "Crown copyright",
        "Open Government Licence",
        "govuk-header",
        "govuk/assets/images/favicon",  # GOV.UK's crown icons
        "govuk-icon-",
    ):
        assert gov_uk_only not in html
    # The tab shows the council's own icon (a mortarboard on the brand colour).
    assert [link["href"] for link in page.find_all("link", rel="icon")] == ["/static/favicon.svg"]


def test_feedback_errors_keep_what_was_typed(client):
    client.get("/feedback")
    response = client.post("/feedback", {"comments": "The search is slow"}, expect=200)
    page = response.page
    assert title_of(page).startswith("Error: Give feedback")
    summary = page.select_one(".govuk-error-summary")
    assert [(a.get_text(strip=True), a["href"]) for a in summary.select("a")] == [
        ("Select how satisfied you are", "#rating")
    ]
    assert page.find(id="rating")  # the summary's link lands on the first radio
    assert "Select how satisfied you are" in text_of(page.select_one(".govuk-error-message"))
    assert page.find("textarea", attrs={"name": "comments"}).get_text() == "The search is slow"


def test_feedback_comments_have_a_limit(client):
    client.get("/feedback")
    page = client.post(
        "/feedback", {"rating": "satisfied", "comments": "x" * 1201}, expect=200
    ).page
    assert "Your comments must be 1,200 characters or fewer" in text_of(page)
    assert page.find("input", attrs={"value": "satisfied"}).has_attr("checked")
    # New lines count once, as the character counter counts them.
    client.post("/feedback", {"rating": "satisfied", "comments": "x\r\n" * 600}, expect=302)


def test_feedback_is_stored_without_a_user_when_nobody_is_signed_in(client, db_session):
    client.get("/feedback")
    response = client.post("/feedback", {"rating": "very-satisfied", "comments": ""}, expect=302)
    assert response.headers["Location"] == "/feedback"
    page = client.get("/feedback").page
    assert "Thank you for your feedback" in text_of(page.select_one(".govuk-notification-banner"))
    stored = db_session.scalars(select(Feedback)).all()
    assert [(f.rating, f.comments, f.user_id) for f in stored] == [("very-satisfied", "", None)]


def test_feedback_from_a_signed_in_user_records_who_and_goes_home(sign_in, world, db_session):
    portal = sign_in(world.bob)
    portal.get("/feedback")
    response = portal.post(
        "/feedback", {"rating": "dissatisfied", "comments": "Too many pages"}, expect=302
    )
    assert response.headers["Location"] == "/"
    banner = portal.get("/").page.select_one(".govuk-notification-banner--success")
    assert "Thank you for your feedback" in text_of(banner)
    feedback = db_session.scalars(select(Feedback)).one()
    assert (feedback.rating, feedback.comments, feedback.user_id) == (
        "dissatisfied",
        "Too many pages",
        world.bob.id,
    )


def test_feedback_without_the_csrf_token_is_refused(client, db_session):
    response = client.post("/feedback", {"rating": "satisfied"}, csrf=False, expect=400)
    assert error_page(response).find("h1").get_text(strip=True) == (
        "Sorry, there is a problem with your request"
    )
    assert db_session.scalars(select(Feedback)).all() == []


@pytest.mark.parametrize(
    "url", ["/cookies", "/accessibility", "/minimum-requirements", "/feedback", "/no-such-page"]
)
def test_pages_allow_no_inline_script_or_style(client, url):
    response = client.client.get(url)
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    html = response.get_data(as_text=True)
    assert "style=" not in html
    page = BeautifulSoup(html, "html.parser")
    scripts = page.find_all("script")
    assert [s["src"] for s in scripts] == ["/static/js/js-enabled.js", "/static/js/app.js"]
    assert scripts[-1]["type"] == "module"
    assert page.body.find(True) == scripts[0]  # js-enabled.js comes first in <body>


def test_not_found_page(client):
    page = error_page(client.get("/no-such-page", expect=404))
    assert title_of(page) == "Page not found" + SUFFIX
    assert "If you typed the web address, check it is correct" in text_of(page)
    assert page.select_one("main a")["href"] == "/"


def test_file_too_large_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    page = error_page(client.post("/feedback", {"comments": "x" * 4096}, expect=413))
    assert page.find("h1").get_text(strip=True) == "The file is too large"
    assert "Go back and choose a smaller file" in text_of(page)


def test_server_error_page_is_generic(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert error_page(response).find("h1").get_text(strip=True) == (
        "Sorry, there is a problem with the service"
    )
    assert "secret detail" not in html and "Traceback" not in html


def test_built_stylesheet_uses_the_council_font_only():
    css = ROOT / "webapp" / "static" / "app.css"
    assert css.exists(), "front-end assets are not built: `make test` builds them (make assets)"
    text = css.read_text()
    assert "GDS Transport" not in text and "@font-face" not in text
    assert "arial,helvetica,sans-serif" in text
    assert ".app-header" in text
