"""Pure domain rules of delivery: no Flask, no SQLAlchemy, only the standard library."""
