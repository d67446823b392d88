"""`kesu complaint …`: register, list, show and walk cases from the command line.

Every verb acts as a named user (--as), through the same services and permission checks as
the API, and prints JSON.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateparse import parse_datetime

from kesu.accounts.selectors import user_get_by_username
from kesu.complaints import presenters
from kesu.complaints.selectors import (
    ComplaintFilters,
    complaint_get_for_user,
    complaint_list_for_user,
    complaint_timeline,
)
from kesu.complaints.services import complaint_perform, complaint_receive
from kesu.complaints.workflow import Action, action_payload
from kesu.core.errors import ApplicationError

_YES_NO = {"yes": True, "no": False}


class Command(BaseCommand):
    help = "Cases from the command line: receive, list, show, act (each --as USERNAME)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)

        receive = sub.add_parser("receive", help="register a new case")
        receive.add_argument("--as", dest="actor", required=True)
        receive.add_argument(
            "--kind", required=True, choices=["complaint", "inquiry", "suggestion"]
        )
        receive.add_argument("--channel", required=True)
        receive.add_argument("--name", required=True, help="complainant's name")
        receive.add_argument("--phone", default="")
        receive.add_argument("--email", default="")
        receive.add_argument("--description", required=True)
        receive.add_argument("--demands", default="")
        receive.add_argument("--category")
        receive.add_argument("--severity")
        receive.add_argument("--risk")
        receive.add_argument("--received-at", help="ISO time with offset, if earlier than now")

        listing = sub.add_parser("list", help="the cases you may see")
        listing.add_argument("--as", dest="actor", required=True)
        listing.add_argument("--status")
        listing.add_argument("--limit", type=int, default=50)

        show = sub.add_parser("show", help="one case with its timeline")
        show.add_argument("number")
        show.add_argument("--as", dest="actor", required=True)

        act = sub.add_parser("act", help="take an action: " + ", ".join(a.value for a in Action))
        act.add_argument("number")
        act.add_argument("action", choices=[a.value for a in Action])
        act.add_argument("--as", dest="actor", required=True)
        act.add_argument("--text", default="", help="the reason, solution, answer or note")
        act.add_argument("--assignee")
        act.add_argument("--org-unit")
        act.add_argument("--satisfied", choices=list(_YES_NO))
        act.add_argument("--satisfaction", type=int)
        act.add_argument("--public", action="store_true", help="a note the customer sees")
        act.add_argument("--amount", type=int, help="extend: the new resolution limit")
        act.add_argument(
            "--unit", choices=["minutes", "hours", "days", "working_hours", "working_days"]
        )
        act.add_argument("--approve", choices=list(_YES_NO), help="decide_extension: yes or no")

    def handle(self, *args, verb: str, actor: str, **options):
        try:
            user = user_get_by_username(actor)
            result = getattr(self, f"_{verb}")(user, options)
        except ApplicationError as error:
            fields = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
            raise CommandError(f"{error.detail}{' (' + fields + ')' if fields else ''}") from error
        self.stdout.write(json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))

    def _receive(self, user, options) -> dict:
        received_at = None
        if options["received_at"]:
            received_at = parse_datetime(options["received_at"])
            if received_at is None:
                raise CommandError("--received-at is not an ISO date and time")
        complaint = complaint_receive(
            actor=user,
            kind=options["kind"],
            channel=options["channel"],
            contact_name=options["name"],
            contact_phone=options["phone"],
            contact_email=options["email"],
            description=options["description"],
            demands=options["demands"],
            category=options["category"],
            severity=options["severity"],
            risk=options["risk"],
            received_at=received_at,
        )
        return presenters.complaint_detail(complaint, user=user)

    def _list(self, user, options) -> list:
        queryset = complaint_list_for_user(
            user=user, filters=ComplaintFilters(status=options["status"])
        )
        return [presenters.complaint_list_item(c) for c in queryset[: max(options["limit"], 0)]]

    def _show(self, user, options) -> dict:
        complaint = complaint_get_for_user(number=options["number"], user=user)
        detail = presenters.complaint_detail(complaint, user=user)
        detail["timeline"] = [
            presenters.timeline_event(e) for e in complaint_timeline(complaint=complaint)
        ]
        return detail

    def _act(self, user, options) -> dict:
        action = Action(options["action"])
        payload = action_payload(
            action,
            text=options["text"],
            assignee=options["assignee"],
            org_unit=options["org_unit"],
            is_satisfied=_YES_NO.get(options["satisfied"]),
            satisfaction=options["satisfaction"],
            is_public=options["public"],
            amount=options["amount"],
            unit=options["unit"],
            approve=_YES_NO.get(options["approve"]),
        )
        complaint = complaint_get_for_user(number=options["number"], user=user)
        complaint = complaint_perform(
            complaint=complaint, actor=user, action=action, payload=payload
        )
        return presenters.complaint_detail(complaint, user=user)
