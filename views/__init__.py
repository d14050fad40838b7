"""Qt widgets, one package per area, plus reusable widgets. Views call services (through the
task runner, off the UI thread) and never open a session or build SQL."""
