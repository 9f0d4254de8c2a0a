from django.core.management.base import BaseCommand

from cadres.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo tenants, units, cadres and accounts (safe to run again)."

    def handle(self, *args, **options):
        created = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} cadres added)."))
        self.stdout.write(f"Demo accounts, password {DEMO_PASSWORD}:")
        for tenant, persona, email in DEMO_ACCOUNTS:
            self.stdout.write(f"  {tenant:20} {persona:45} {email}")
