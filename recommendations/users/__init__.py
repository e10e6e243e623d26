"""People and their roles: creating users in a role's group (roles are Django groups)."""
