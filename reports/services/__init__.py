"""State changes of the reports app: rollups, unit reports, generated files, reminders."""
