"""Bearer-token authentication for the API (`Authorization: Bearer kesu_…`)."""

from __future__ import annotations

from ninja.security import HttpBearer

from kesu.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user
