from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class PortalModelBackend(ModelBackend):
    """The usual backend, loading a person's organization with them (every page needs it)."""

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("organization").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
