"""Fixtures shared by every app's tests: a small firm, its people, and an API client."""

from __future__ import annotations

import json
import os
import shutil
from types import SimpleNamespace

import pytest

from kesu.accounts.models import OrgUnit
from kesu.accounts.roles import Role
from kesu.accounts.services import api_token_create
from kesu.accounts.tests.factories import OrgUnitFactory, RoleAssignmentFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("KESU_REQUIRE_SERVICES") == "1"
ON_POSTGRES = os.environ.get("KESU_TEST_ON_POSTGRES") == "1"
# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="runs in the PostgreSQL pass of make test"))


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (KESU_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if shutil.which("chromium") is None:
        _unavailable("Debian's chromium is not installed: run `make browser` as root")
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        # The machine has no internet: keep chromium from trying to reach it.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Chinese firm's browsers ask for Chinese; tests that want English say so.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 768}}


def _unit(code: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    return OrgUnitFactory(code=code, name=code, kind=kind, parent=parent)


def _person(username: str, role: str, unit: OrgUnit):
    user = UserFactory(username=username, display_name=username)
    RoleAssignmentFactory(user=user, role=role, org_unit=unit)
    return user


@pytest.fixture
def firm(db):
    """hq → (bj → bj-service, bj-aftersales, bj-sales), (sh → sh-service, sh-aftersales),
    with one person per role where the demo has them."""
    hq = _unit("hq", OrgUnit.Kind.COMPANY, None)
    bj = _unit("bj", OrgUnit.Kind.BRANCH, hq)
    sh = _unit("sh", OrgUnit.Kind.BRANCH, hq)
    units = SimpleNamespace(
        hq=hq,
        bj=bj,
        sh=sh,
        bj_service=_unit("bj-service", OrgUnit.Kind.DEPARTMENT, bj),
        bj_aftersales=_unit("bj-aftersales", OrgUnit.Kind.DEPARTMENT, bj),
        bj_sales=_unit("bj-sales", OrgUnit.Kind.DEPARTMENT, bj),
        sh_service=_unit("sh-service", OrgUnit.Kind.DEPARTMENT, sh),
        sh_aftersales=_unit("sh-aftersales", OrgUnit.Kind.DEPARTMENT, sh),
    )
    people = SimpleNamespace(
        agent=_person("agent", Role.AGENT, units.bj_service),
        manager=_person("manager", Role.COMPLAINT_MANAGER, units.bj_service),
        handler=_person("handler", Role.HANDLER, units.bj_aftersales),
        sales_handler=_person("sales_handler", Role.HANDLER, units.bj_sales),
        department_head=_person("department_head", Role.SUPERVISOR, units.bj_aftersales),
        branch_head=_person("branch_head", Role.SUPERVISOR, units.bj),
        quality=_person("quality", Role.QUALITY_MANAGER, units.hq),
        executive=_person("executive", Role.EXECUTIVE, units.hq),
        administrator=_person("administrator", Role.ADMINISTRATOR, units.hq),
        sh_agent=_person("sh_agent", Role.AGENT, units.sh_service),
        sh_manager=_person("sh_manager", Role.COMPLAINT_MANAGER, units.sh_service),
        sh_handler=_person("sh_handler", Role.HANDLER, units.sh_aftersales),
        sh_head=_person("sh_head", Role.SUPERVISOR, units.sh),
    )
    return SimpleNamespace(units=units, people=people)


@pytest.fixture
def categories(db):
    """The general category preset, without time limits (tests of limits add `policies`)."""
    from kesu.complaints.services import category_preset_load

    category_preset_load(name="general")


@pytest.fixture
def policies(categories):
    """The general preset's time-limit policies."""
    from kesu.deadlines.services import time_limit_preset_load

    time_limit_preset_load(name="general")


class ApiClient:
    """The Django test client speaking JSON with a bearer token for one user."""

    def __init__(self, client, user=None):
        self.client = client
        self.headers = {}
        if user is not None:
            _token, key = api_token_create(user=user)
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"

    def _send(self, method: str, path: str, body=None, **extra):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body or {})
        kwargs = {"content_type": "application/json"} if method != "get" else {}
        call = getattr(self.client, method)
        if method == "get":
            return call("/api/v1" + path, body or {}, **self.headers, **extra)
        return call("/api/v1" + path, data, **kwargs, **self.headers, **extra)

    def get(self, path, params=None):
        return self._send("get", path, params)

    def post(self, path, body=None):
        return self._send("post", path, body)

    def patch(self, path, body=None):
        return self._send("patch", path, body)

    def put(self, path, body=None):
        return self._send("put", path, body)


@pytest.fixture
def api_as(client):
    """api_as(user) → an ApiClient with that user's token; api_as(None) is anonymous."""
    return lambda user: ApiClient(client, user)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); Django sends through it. Yields the list of
    messages it received (email.message.Message)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Chinese), whatever a request before it chose."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# Data the migrations load (message templates, approval rules, penalties, appeal routes, the
# spot-check checklist). A transactional test empties every table when it ends, so each
# transactional test loads them again first.
_SEED_MIGRATIONS = (
    "kesu.notifications.migrations.0003_default_templates",
    "kesu.handling.migrations.0002_defaults",
    "kesu.quality.migrations.0002_checklist",
)


@pytest.fixture(autouse=True)
def _seeded_defaults(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for name in _SEED_MIGRATIONS:
        module = importlib.import_module(name)
        loader = getattr(module, "load", None) or module.load_defaults
        loader(apps, None)
