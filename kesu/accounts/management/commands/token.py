from django.core.management.base import BaseCommand, CommandError

from kesu.accounts.selectors import user_get_by_username
from kesu.accounts.services import api_token_create
from kesu.core.errors import ApplicationError


class Command(BaseCommand):
    help = "API tokens: `kesu token create USERNAME` prints a new bearer token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="print a new token for USERNAME")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, verb: str, username: str, name: str, **options):
        try:
            user = user_get_by_username(username)
            _token, key = api_token_create(user=user, name=name)
        except ApplicationError as error:
            raise CommandError(error.detail) from error
        # The key alone on stdout, so that `TOKEN=$(kesu token create li.na)` works.
        self.stdout.write(key)
