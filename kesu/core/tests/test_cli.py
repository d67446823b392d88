"""The `kesu` command line: each command with good and bad arguments."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from kesu.accounts.services import api_token_authenticate
from kesu.cli import main
from kesu.complaints.models import Category, Complaint

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_token_create_prints_a_working_token(firm):
    key = run("token", "create", "manager").strip()
    assert api_token_authenticate(key=key) == firm.people.manager


def test_token_create_for_an_unknown_user_fails_clearly(firm):
    with pytest.raises(CommandError, match="ghost"):
        run("token", "create", "ghost")


def test_preset_list_and_load(db):
    assert "tobacco" in run("preset", "list")
    assert "loaded preset bank" in run("preset", "load", "bank")
    assert Category.objects.filter(preset="bank").count() > 10
    with pytest.raises(CommandError, match="casino"):
        run("preset", "load", "casino")


RECEIVE = "complaint receive --as agent --kind complaint --name 赵六 --description 窗口排队太久"


def test_a_case_walks_from_the_command_line(firm, categories):
    number = json.loads(
        run(*f"{RECEIVE} --channel walk_in --phone 13700001111 --category B01".split())
    )["number"]
    accepted = json.loads(run(*f"complaint act {number} accept --as manager".split()))
    assert accepted["status"] == "accepted"
    assign = (
        f"complaint act {number} assign --as manager --assignee handler --org-unit bj-aftersales"
    )
    assert json.loads(run(*assign.split()))["owner"]["username"] == "handler"
    shown = json.loads(run(*f"complaint show {number} --as manager".split()))
    assert [e["type"] for e in shown["timeline"]] == ["received", "accepted", "assigned"]
    listed = json.loads(run(*["complaint", "list", "--as", "manager", "--status", "assigned"]))
    assert [c["number"] for c in listed] == [number]


@pytest.mark.parametrize(
    "command",
    [
        "complaint act TS209901010001 accept --as manager",
        "complaint show TS209901010001 --as manager",
        "complaint list --as ghost",
        f"{RECEIVE} --channel fax",
        f"{RECEIVE} --channel phone --received-at soon",
        f"{RECEIVE} --channel phone --phone 12",
    ],
)
def test_bad_commands_fail_clearly_and_change_nothing(firm, categories, command):
    with pytest.raises(CommandError):
        run(*command.split())
    assert Complaint.objects.count() == 0


def test_a_refused_action_from_the_command_line_changes_nothing(firm, categories):
    number = json.loads(run(*f"{RECEIVE} --channel phone".split()))["number"]
    with pytest.raises(CommandError, match="原因"):
        run(*f"complaint act {number} reject --as manager".split())
    assert Complaint.objects.get(number=number).status == "received"


def test_demo_loads_once_and_if_empty_keeps_the_data(db):
    assert "demo loaded" in run("demo", "--count", "5")
    # five walked cases and one from the demo's mail
    assert Complaint.objects.count() == 6
    assert "already loaded" in run("demo", "--if-empty")
    with pytest.raises(CommandError, match="already loaded"):
        run("demo")
    assert Complaint.objects.count() == 6


def test_serve_refuses_an_impossible_port(db):
    with pytest.raises(CommandError, match="port"):
        run("serve", "--port", "70000")


def test_the_kesu_script_is_manage_py(capsys):
    main(["help", "--commands"])
    commands = capsys.readouterr().out.split()
    assert {"serve", "demo", "preset", "token", "complaint", "migrate"} <= set(commands)
