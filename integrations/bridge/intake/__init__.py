"""Intake: what the action server hands to the bridge (tickets, alerts, anonymous counts)."""
