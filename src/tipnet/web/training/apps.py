from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class TrainingConfig(AppConfig):
    name = "tipnet.web.training"
    label = "training"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_check_pending_cohorts, dispatch_uid="training.check_pending_cohorts")


def _check_pending_cohorts(sender: object, request: Any, user: Any, **kwargs: object) -> None:
    """At a staff member's sign-in (``accounts.views._finish_sign_in`` logs in only after the
    password and the one-time code; the password step unlocked her key): run the check against
    stored cases that cohorts of her organisations wait for (``services.cohort_checks_run_pending``).
    Nothing happens for someone without an unlocked share of an organisation's key."""
    if request is None or not hasattr(request, "session"):
        return
    from tipnet.web.accounts.keys import current_private_key
    from tipnet.web.training.services import cohort_checks_run_pending

    try:
        cohort_checks_run_pending(user=user, private_key=current_private_key(request))
    except Exception:  # noqa: BLE001 - a side task: it must never stop a caseworker from signing in
        # Each cohort's check is its own transaction (rolled back here); the cohort stays pending,
        # and the check runs again at her next sign-in or from the cohort page.
        logger.exception("training: the check of pending cohorts failed at a sign-in")
