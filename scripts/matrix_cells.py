"""How many cells the permission matrices hold, and how many are POST cells with a payload
and a database proof. Usage: DEBUG=1 .venv/bin/python scripts/matrix_cells.py"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
import django  # noqa: E402

django.setup()
from tests.test_matrices import matrices  # noqa: E402

totals = [0, 0, 0]
for module in matrices():
    personas, rows = len(module.PERSONAS), module.MATRIX
    posts = [row for row in rows if row[2] == "post"]
    cells = (len(rows) * personas, len(posts) * personas, sum(row[0] in module.PROOFS for row in posts) * personas)
    print(f"{module.__name__}: {len(rows)} rows × {personas} personas = {cells[0]} cells, "
          f"{cells[1]} POST cells, {cells[2]} with a payload and a proof")
    totals = [a + b for a, b in zip(totals, cells)]
print(f"all matrices: {totals[0]} cells, {totals[1]} POST cells, {totals[2]} with a payload and a proof")
