"""Comments on an action between its lead, the business unit and the scrutineer, with @mentions."""
