"""The people of row P3 (bench/load.py starts this with `locust --headless`): cadres opening
their home page and registration form, chi đoàn Bí thư their review queue, huyện and
province staff their dashboard, and each of them `/healthz` as often as a load balancer
would, the baseline of the run. Sessions are made beforehand (bench/load.py), so no login is
timed; the proxy's `X-Forwarded-Proto` is sent as the production settings expect.

BENCH_LOAD_ACCOUNTS: the JSON file of accounts; BENCH_LOAD_THINK: "1-5" (seconds between
two pages, drawn at random) or "0" (none: the saturated run).
"""

import itertools
import json
import os

from locust import HttpUser, between, constant, task

ACCOUNTS = json.loads(open(os.environ["BENCH_LOAD_ACCOUNTS"], encoding="utf-8").read())
THINK = os.environ.get("BENCH_LOAD_THINK", "1-5")
POOLS = {kind: itertools.cycle([a for a in ACCOUNTS if a["kind"] == kind]) for kind in {a["kind"] for a in ACCOUNTS}}


def think():
    if THINK == "0":
        return constant(0)
    low, high = (float(part) for part in THINK.split("-"))
    return between(low, high)


class Person(HttpUser):
    abstract = True
    wait_time = think()
    kind = ""

    def on_start(self):
        self.account = next(POOLS[self.kind])
        self.client.headers.update({"Cookie": f"sessionid={self.account['session']}", "X-Forwarded-Proto": "https"})

    def page(self, name: str) -> None:
        # A redirect (to the login page, say) is a failure: every page here answers 200.
        with self.client.get(self.account["urls"][name], name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(1)
    def healthz(self):
        with self.client.get("/healthz", name="/healthz", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Cadre(Person):
    weight = 6
    kind = "cadre"

    @task(2)
    def home(self):
        self.page("cadre home")

    @task(2)
    def form(self):
        self.page("registration form")


class Reviewer(Person):
    weight = 2
    kind = "reviewer"

    @task(4)
    def queue(self):
        self.page("review queue")


class Manager(Person):
    weight = 2
    kind = "manager"

    @task(4)
    def dashboard(self):
        self.page("dashboard")
