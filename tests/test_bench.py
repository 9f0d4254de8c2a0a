"""`make bench` works end to end on a small province: it proves the harness runs (database
rebuilt, province generated, floor equal to the stored figures, every row measured), not
the timings, which a shared CI machine cannot promise."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.mark.postgres
def test_make_bench_writes_every_row(tmp_path):
    db = settings.DATABASES["default"]
    url = (f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
           "/so_ren_luyen_bench_ci")
    results = tmp_path / "latest.md"
    # Small samples (P2 at 100 rows, P3 for seconds, P4 on 1,000 rows): the harness, not the timings.
    env = dict(os.environ, BENCH_DATABASE_URL=url, BENCH_RESULTS=str(results), BENCH_QUICK="1", P4_ROWS="1000",
               P4_BASELINE_ROWS="100")
    env.pop("BENCH_STRICT", None)
    done = subprocess.run(["make", "--no-print-directory", "bench", "CADRES=2000", f"BENCH_DATABASE_URL={url}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"make bench failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    text = results.read_text()
    for row in ("P1a", "P1b", "P2", "P3", "P4", "P5", "P6"):
        assert f"| {row} |" in text, f"row {row} missing:\n{text}"
    assert "ERROR" not in text, text
    assert "CADRES=2000" in text
