"""Tickets: the complaint-form contract, references, status moves and ticket assembly."""
