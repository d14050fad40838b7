"""Business operations: Qt-free and HTTP-free, used by the GUI, the sync API and the CLI.

Every mutation is one unit of work (``services.unit_of_work``): it takes the acting staff member,
checks a named permission, changes the store, writes audit and outbox rows, and commits once.
Domain errors (``services.errors``) carry a message in the user's terms.
"""
