"""Staff accounts, authentication and permissions."""
