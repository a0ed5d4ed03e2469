"""Security events worth a log line: failed sign-ins (who tried, from where, never the password)."""

import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("portal.security")


@receiver(user_login_failed, dispatch_uid="portal-log-login-failure")
def log_login_failure(sender, credentials, request=None, **kwargs):
    address = request.META.get("REMOTE_ADDR", "unknown") if request is not None else "unknown"
    logger.warning("Sign-in failed for username %r from %s", credentials.get("username", ""), address)
