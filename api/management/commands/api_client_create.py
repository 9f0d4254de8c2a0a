"""`manage.py api_client_create --tenant SLUG --unit CODE --scopes units:read,cadres:read --name NAME
[--expires YYYY-MM-DD]`: a client for the unit's subtree, made as the system; prints its token
once (standard output, nothing else on it, so a script can capture it)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_scopes import scope

from api.models import ApiScope
from api.services import api_client_create
from cadres.actors import SYSTEM
from cadres.imports.command import tenant_by_slug
from cadres.models import Unit


class Command(BaseCommand):
    help = "Create an API client for one unit's subtree and print its token (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="slug of the tỉnh/thành đoàn")
        parser.add_argument("--unit", required=True, help="code of the unit whose subtree the client reads")
        parser.add_argument("--scopes", required=True, help=f"comma-separated, of: {', '.join(ApiScope.values)}")
        parser.add_argument("--name", required=True, help="which system uses the client")
        parser.add_argument("--expires", help="YYYY-MM-DD; none: until revoked")

    def handle(self, *args: Any, tenant: str, unit: str, scopes: str, name: str, expires: str | None,
               **options: Any) -> None:
        found = tenant_by_slug(tenant)
        expires_at = None
        if expires:
            try:
                day = datetime.date.fromisoformat(expires)
            except ValueError as error:
                raise CommandError(f"--expires: {expires} is not YYYY-MM-DD") from error
            expires_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        with scope(tenant=found):
            root = Unit.objects.filter(tenant=found, code=unit.strip(), archived_at__isnull=True).first()
            if root is None:
                raise CommandError(f"No unit with code {unit} in {found.name}, or it is archived.")
            try:
                client, token = api_client_create(
                    unit=root, name=name, scopes=[s.strip() for s in scopes.split(",") if s.strip()],
                    expires_at=expires_at, acting_user=SYSTEM)
            except ValidationError as refusal:
                raise CommandError(" ".join(refusal.messages)) from refusal
        self.stderr.write(f"Client {client.pk} «{client.name}» for {root.code}: {', '.join(client.scopes)}. "
                          "The token is shown once:")
        self.stdout.write(token)
