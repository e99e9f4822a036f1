"""Development only: /dev/mail lists the outbox, bodies included, so that a newcomer running
`make run` can read the sign-in code the portal "emailed". create_app() registers this blueprint
only when DEVELOPMENT is true; in production the address is a 404."""

from flask import Blueprint

bp = Blueprint("dev_mail", __name__, url_prefix="/dev")

from webapp.areas.dev_mail import routes  # noqa: E402,F401  (routes register on bp)
