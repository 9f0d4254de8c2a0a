"""Office documents every app writes: PDF in the Đoàn's official format (`office.pdf`) and
Excel sheets (`office.xlsx`), and stored files streamed back to a browser (`office.files`).
The bottom layer: it imports no app, so the forms (evaluations), the imports (cadres) and
the reports share one font setup, one URL fetcher, one cell writer and one file response."""
