"""The case managers' queue: list, read, acknowledge and move tickets."""
