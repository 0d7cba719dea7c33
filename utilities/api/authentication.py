"""Tokens that age, and the throttles of the token endpoint.

A token (``Authorization: Token <key>``) is valid for ``API_TOKEN_TTL_DAYS`` days after it
was issued (30 by default; 0 keeps tokens for ever). An expired token is refused with a
401 that says so; ``/api/auth/token/`` then issues a fresh one for the same account.

The token endpoint is throttled per client address and per user name
(``API_TOKEN_RATE``, 10 a minute each), beside django-axes' lockout of a user name at an
address after repeated failures; both answer 429 with ``Retry-After``.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, throttling
from rest_framework.authentication import TokenAuthentication


def token_expires(token):
    """When ``token`` stops working, or None when tokens do not expire."""
    days = settings.API_TOKEN_TTL_DAYS
    if not days:
        return None
    return token.created + datetime.timedelta(days=days)


def token_expired(token):
    expires = token_expires(token)
    return expires is not None and expires <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("令牌已过期：请向 /api/auth/token/ 提交用户名和密码以获取新令牌。")
            )
        return user, token


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Attempts at the token endpoint, per client address (behind ``NUM_PROXIES``)."""

    scope = "token"

    def get_rate(self):
        return settings.API_TOKEN_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUserRateThrottle(TokenRateThrottle):
    """Attempts at the token endpoint for one user name, from any address."""

    scope = "token-user"

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": username.strip().lower()[:150],
        }
