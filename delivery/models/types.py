"""Column types shared by the models, chosen to behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Integer
from sqlalchemy.dialects.postgresql import JSONB

# 64-bit ids on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the auto-incrementing rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")

# Whole JSON documents (a check's order): binary JSON on PostgreSQL.
Document = JSON().with_variant(JSONB(), "postgresql")
