"""Flask extensions, created once and bound to the app in create_app()."""

from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
mail = Mail()  # settings are read in init_app: MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS…
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue"
login_manager.login_message_category = "info"
