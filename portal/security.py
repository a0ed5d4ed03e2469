"""Security events worth a log line, and the client address they (and the sign-in throttle) are told.

A failed sign-in is logged with who tried and from where, never the password, and never a username that names no
account either: a password typed in the username box would otherwise land in the log. Such a username is logged as
a keyed hash, which tells repeated attempts apart without revealing what was typed.
"""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from monographs.text import control_character

logger = logging.getLogger("portal.security")


def client_address(request) -> str | None:
    """The address of whoever sent the request (AXES_CLIENT_IP_CALLABLE). Behind TRUSTED_PROXY_COUNT proxies, each
    appending the address it was connected from to X-Forwarded-For, the client is the entry the outermost proxy
    appended: that many from the right. Entries further left were written by the client and could say anything.
    With no proxies (or no header: a request that did not come through them), the connection's own address."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if not proxies or not forwarded:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-min(proxies, len(forwarded))]))
    except ValueError:  # not an address: a proxy that writes something else is misconfigured; use the peer
        return remote


def username_for_log(username: object) -> str:
    """The username if it names an account; otherwise a keyed hash of it (never the text itself)."""
    text = username if isinstance(username, str) else ""
    user_model = get_user_model()
    accounts = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: text})
    if text and not control_character(text) and accounts.exists():
        return repr(text)
    digest = salted_hmac("portal.security.username", text, algorithm="sha256").hexdigest()[:12]
    return f"(no such account; hash {digest}, {len(text)} characters)"


@receiver(user_login_failed, dispatch_uid="portal-log-login-failure")
def log_login_failure(sender, credentials, request=None, **kwargs):
    address = (client_address(request) if request is not None else None) or "unknown"
    logger.warning("Sign-in failed for username %s from %s", username_for_log(credentials.get("username")), address)
