from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from kefu.demo.loader import DEFAULT_SEED, demo_load


class Command(BaseCommand):
    help = "Load the demo organisation (teams, agents, customers, tickets) unless already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, seed: int, **options):
        started = time.perf_counter()
        if demo_load(seed=seed):
            self.stdout.write(f"demo data loaded in {time.perf_counter() - started:.1f} s")
        else:
            self.stdout.write("demo data already loaded; nothing changed")
