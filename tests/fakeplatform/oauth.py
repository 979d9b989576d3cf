"""An OAuth 2 token endpoint (RFC 6749 §4.1.3 and §6, PKCE RFC 7636) answering like the
platforms' own: the test plays the consent page by issuing a code for what the portal's
authorization URL asked (``issue_code``), and the portal exchanges it here over HTTP.

Client authentication is checked as the platform's settings say (HTTP Basic for X, the
client id and secret in the form body for Google and Facebook); a PKCE code needs the
verifier whose S256 is the challenge; codes are single-use. Errors are RFC 6749 §5.2 bodies.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.fakeplatform import FakeApp, Request, Response


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


@dataclass
class _Grant:
    redirect_uri: str
    challenge: str


@dataclass
class OAuthFake(FakeApp):
    client_id: str = "portal-client"
    client_secret: str = "portal-client-secret"
    auth_method: str = "client_secret_post"  # or client_secret_basic
    expires_in: int = 3600
    rotate_refresh_tokens: bool = False
    access_token: str = ""  # when set, every access token issued is this one
    # Facebook: errors in the Graph API's shape, and the exchange of a user token for a
    # long-lived one (grant_type=fb_exchange_token).
    graph: bool = False
    long_lived_expires_in: int = 60 * 24 * 3600
    codes: dict[str, _Grant] = field(default_factory=dict)
    refresh_tokens: set[str] = field(default_factory=set)
    issued: list[dict] = field(default_factory=list)
    token_requests: list[Request] = field(default_factory=list)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    # -- what the consent page would do ------------------------------------------------------
    def issue_code(self, authorize_url: str) -> tuple[str, str, str]:
        """The platform's consent page, accepted: (code, state, redirect_uri) for the
        authorization URL the portal sent the browser to."""
        query = {k: v[-1] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        assert query["client_id"] == self.client_id and query["response_type"] == "code"
        code = f"code-{next(self._numbers)}"
        challenge = ""
        if "code_challenge" in query:
            assert query["code_challenge_method"] == "S256"
            challenge = query["code_challenge"]
        self.codes[code] = _Grant(redirect_uri=query["redirect_uri"], challenge=challenge)
        return code, query["state"], query["redirect_uri"]

    def new_refresh_token(self) -> str:
        token = f"refresh-{next(self._numbers)}"
        self.refresh_tokens.add(token)
        return token

    # -- the token endpoint ------------------------------------------------------------------
    def _client_ok(self, request: Request) -> bool:
        if self.auth_method == "client_secret_basic":
            header = request.headers.get("authorization", "")
            if not header.lower().startswith("basic "):
                return False
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id == self.client_id and secret == self.client_secret
        return (
            request.query.get("client_id") == self.client_id
            and request.query.get("client_secret") == self.client_secret
        )

    def _error(self, status: int, error: str, description: str) -> Response:
        if self.graph:
            code = 190 if error == "invalid_grant" else 100
            return Response(
                status, {"error": {"message": description, "type": "OAuthException", "code": code}}
            )
        return Response(status, {"error": error, "error_description": description})

    def _token(self, refresh: str | None = None, *, prefix: str = "access", expires_in: int = 0) -> Response:
        body = {
            "access_token": self.access_token or f"{prefix}-{next(self._numbers)}",
            "token_type": "bearer",
            "expires_in": expires_in or self.expires_in,
        }
        if not self.graph:
            body["scope"] = "read"
        if refresh:
            body["refresh_token"] = refresh
        self.issued.append(body)
        return Response(200, body)

    def handle(self, request: Request) -> Response | None:
        if request.path != "/token":
            return None
        if request.method != "POST":
            return self._error(405, "invalid_request", "POST only")
        self.token_requests.append(request)
        if not self._client_ok(request):
            return self._error(401, "invalid_client", "Client authentication failed")
        grant_type = request.query.get("grant_type")
        if grant_type == "authorization_code":
            grant = self.codes.pop(request.query.get("code", ""), None)
            if grant is None:
                return self._error(400, "invalid_grant", "The code is invalid, expired or already used")
            if request.query.get("redirect_uri") != grant.redirect_uri:
                return self._error(400, "invalid_grant", "redirect_uri does not match")
            if grant.challenge and s256(request.query.get("code_verifier", "")) != grant.challenge:
                return self._error(400, "invalid_grant", "code_verifier does not match the challenge")
            return self._token(None if self.graph else self.new_refresh_token())
        if grant_type == "refresh_token":
            refresh = request.query.get("refresh_token", "")
            if refresh not in self.refresh_tokens:
                return self._error(400, "invalid_grant", "Token has been expired or revoked.")
            if self.rotate_refresh_tokens:
                self.refresh_tokens.discard(refresh)
                return self._token(self.new_refresh_token())
            return self._token()
        if grant_type == "fb_exchange_token" and self.graph:
            short = request.query.get("fb_exchange_token", "")
            if short not in {token["access_token"] for token in self.issued}:
                return self._error(400, "invalid_grant", "Error validating access token")
            return self._token(prefix="long-lived", expires_in=self.long_lived_expires_in)
        return self._error(400, "unsupported_grant_type", str(grant_type))


class GraphPagesFake(FakeApp):
    """The Graph API's ``GET /{page-id}?fields=access_token``: a Page's own token, for a
    long-lived user token of one of the Page's administrators (issued by ``oauth``)."""

    def __init__(self, oauth: OAuthFake, pages: dict[str, str]):
        self.oauth = oauth
        self.pages = pages  # page id -> the Page's token

    def handle(self, request: Request) -> Response | None:
        if request.query.get("fields") != "access_token":
            return None
        long_lived = {
            t["access_token"] for t in self.oauth.issued if t["access_token"].startswith("long-lived")
        }
        if request.token not in long_lived:
            return Response(
                400,
                {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}},
            )
        page_id = request.path.strip("/")
        if page_id not in self.pages:
            message = f"(#100) Object with ID '{page_id}' does not exist or cannot be loaded (permissions)"
            return Response(400, {"error": {"message": message, "type": "GraphMethodException", "code": 100}})
        return Response(200, {"access_token": self.pages[page_id], "id": page_id})
