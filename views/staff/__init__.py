"""Staff: signing in, people and their roles."""
