"""Composition roots and plumbing: settings, the store, the main window, the CLI."""
