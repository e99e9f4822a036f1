"""Council admin pages for API clients and webhooks (issue 14): thin views over
council_admin/api_clients.py. Only council admins get past the door (routes.py restricts the
blueprint); a client or delivery that does not exist is 404.

A new key, or a webhook's signing secret, is shown on the page that answers the POST, once:
never put in a URL, a flash message or the session (pages are never cached: web/security.py).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.areas.council_admin import api_clients as services
from webapp.areas.council_admin import bp
from webapp.areas.council_admin.forms import ApiClientForm, ConfirmForm, WebhookForm
from webapp.domain import webhooks
from webapp.domain.errors import Refused
from webapp.infra.database import db
from webapp.web.forms import confirm_page, saved


def _catalogue():
    return current_app.extensions["catalogue"]


@bp.route("/api-clients")
@login_required
def api_clients():
    """Every API client, and the webhook deliveries given up on (to replay)."""
    return render_template(
        "council_admin/api_clients.html",
        clients=services.list_clients(db(), current_user),
        failed=services.failed_deliveries(db(), current_user),
        case_types=_catalogue().case_types,
        form=ConfirmForm(),
    )


@bp.route("/api-clients/add", methods=["GET", "POST"])
@login_required
def add_api_client():
    """A client: its name, case types, actions and networks; its key is shown once."""
    services.require_council_admin(current_user)
    catalogue = _catalogue()
    choices = sorted(((c.id, c.name) for c in catalogue.case_types.values()), key=lambda c: c[1])
    form = ApiClientForm().offer(choices, services.council_actions(catalogue))
    added = saved(
        form, lambda: services.add_client(db(), current_user, catalogue, **form.details())
    )
    if added:
        client, key = added
        return _shown_once(client, "Its API key", key, "api_key_created")
    return render_template("council_admin/api_client_add.html", form=form)


@bp.route("/api-clients/<int:client_id>/change", methods=["GET", "POST"])
@login_required
def change_api_client(client_id: int):
    """Its case types, actions and networks: the same key and webhook go on working."""
    client = services.client_for(db(), current_user, client_id)
    if client.revoked_at is not None:
        return redirect(url_for("council_admin.api_client", client_id=client_id))
    catalogue = _catalogue()
    choices = sorted(((c.id, c.name) for c in catalogue.case_types.values()), key=lambda c: c[1])
    form = ApiClientForm(
        data={
            "name": client.name,
            "case_types": list(client.case_type_ids),
            "actions": list(client.actions),
            "networks": "\n".join(client.allowed_networks),
        }
    ).offer(choices, services.council_actions(catalogue))
    form.name.data = client.name  # shown, not changed: the audit trail knows it by its name
    details = form.details()
    del details["name"]
    changed = saved(
        form, lambda: services.change_client(db(), current_user, catalogue, client_id, **details)
    )
    if changed:
        flash(f"Your changes to {client.name} have been saved", "success")
        return redirect(url_for("council_admin.api_client", client_id=client_id))
    return render_template("council_admin/api_client_change.html", form=form, client=client)


def _shown_once(client, what: str, secret: str, kind: str):
    return render_template(
        "council_admin/api_secret.html", client=client, what=what, secret=secret, kind=kind
    )


@bp.route("/api-clients/<int:client_id>", methods=["GET", "POST"])
@login_required
def api_client(client_id: int):
    """One client: its keys (rotate, revoke), its webhook (set it: the signing secret is
    shown once) and revoking the client."""
    client = services.client_for(db(), current_user, client_id)
    form = WebhookForm(
        data={"url": client.webhook_url, "events": list(client.webhook_events or [])}
    ).offer(webhooks.EVENTS)
    allow_loopback = current_app.config["PORTAL_WEBHOOK_ALLOW_LOOPBACK"]
    done = saved(
        form,
        lambda: services.set_webhook(
            db(),
            current_user,
            client_id,
            url=form.url.data,
            events=form.events.data or [],
            allow_loopback=allow_loopback,
        ),
    )
    if done and done[1]:  # the first registration: its new signing secret, shown once
        return _shown_once(client, "Its webhook signing secret", done[1], "webhook_secret")
    if done:
        flash(f"The webhook of {client.name} has been saved.", "success")
        return redirect(url_for("council_admin.api_client", client_id=client_id))
    return render_template(
        "council_admin/api_client.html",
        client=client,
        form=form,
        confirm=ConfirmForm(),
        case_types=_catalogue().case_types,
        events=webhooks.EVENTS,
        retrying=services.retrying_deliveries(db(), current_user, client_id),
    )


@bp.route("/api-clients/<int:client_id>/rotate", methods=["POST"])
@login_required
def rotate_api_key(client_id: int):
    """A second live key, shown once; refused while two are live."""
    client = services.client_for(db(), current_user, client_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("council_admin.api_client", client_id=client_id))
    try:
        client, key = services.rotate_key(db(), current_user, client_id)
    except Refused as refused:
        flash(str(refused), "error")
        return redirect(url_for("council_admin.api_client", client_id=client.id))
    return _shown_once(client, "Its new API key", key, "api_key_created")


@bp.route("/api-clients/<int:client_id>/keys/<key_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_api_key(client_id: int, key_id: str):
    """Asks first, as for the client (a key refused at once stops the council system, and
    the two live keys of a rotation look alike); then the key is refused."""
    client = services.client_for(db(), current_user, client_id)
    live = [k for k in client.keys if k.revoked_at is None and client.revoked_at is None]
    key = next((k for k in live if k.key_id == key_id), None)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.revoke_key(db(), current_user, client_id, key_id)
        except Refused as refused:
            flash(str(refused), "error")
        else:
            flash(f"Key {key_id} of {client.name} has been revoked", "success")
        return redirect(url_for("council_admin.api_client", client_id=client_id))
    if key is None:  # revoked already, or not this client's: nothing to ask
        return redirect(url_for("council_admin.api_client", client_id=client_id))
    return render_template(
        "council_admin/api_key_revoke.html", client=client, key=key, only=len(live) == 1, form=form
    )


@bp.route("/api-clients/<int:client_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_api_client(client_id: int):
    """Asks first; then every key of the client is refused."""
    client = services.client_for(db(), current_user, client_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.revoke_client(db(), current_user, client_id)
        flash(f"{client.name} has been revoked: its keys no longer work", "success")
        return redirect(url_for("council_admin.api_clients"))
    return render_template("council_admin/api_client_revoke.html", client=client, form=form)


@bp.route("/api-clients/<int:client_id>/webhook-secret", methods=["GET", "POST"])
@login_required
def rotate_webhook_secret(client_id: int):
    """Asks first; then a new signing secret, shown once (the old one stops at once)."""
    client = services.client_for(db(), current_user, client_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            client, secret = services.rotate_webhook_secret(db(), current_user, client_id)
        except Refused as refused:
            flash(str(refused), "error")
            return redirect(url_for("council_admin.api_client", client_id=client_id))
        return _shown_once(client, "Its new webhook signing secret", secret, "webhook_secret")
    return render_template(
        "council_admin/webhook_secret_rotate.html",
        client=client,
        form=form,
        retry_hours=current_app.config["WEBHOOK_RETRY_HOURS"],
    )


@bp.route("/api-clients/<int:client_id>/webhook/remove", methods=["GET", "POST"])
@login_required
def remove_webhook(client_id: int):
    """Asks first; then nothing more is posted to the client's endpoint (a retired one was
    otherwise tried for every move, or the whole client revoked to stop it)."""
    client = services.client_for(db(), current_user, client_id)
    back = url_for("council_admin.api_client", client_id=client_id)
    if not client.webhook_url:  # removed already: nothing to ask
        return redirect(back)
    return confirm_page(
        ConfirmForm(),
        lambda: services.remove_webhook(db(), current_user, client_id),
        back,
        "council_admin/webhook_remove.html",
        f"The webhook of {client.name} has been removed",
        client=client,
    )


@bp.route("/webhooks/<int:delivery_id>/replay", methods=["POST"])
@login_required
def replay_webhook(delivery_id: int):
    """Try a failed delivery again (the worker sends it), for another retry window."""
    if ConfirmForm().validate_on_submit():
        try:
            delivery = services.replay(db(), current_user, delivery_id)
        except Refused as refused:
            flash(str(refused), "error")
        else:
            message = f"The {delivery.event} event of {delivery.reference} will be sent again"
            flash(message, "success")
    return redirect(url_for("council_admin.api_clients"))
