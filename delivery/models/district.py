"""Districts: the Lavka API's integer regions and the dispatch API's names, in one table."""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from delivery.extensions import db


class District(db.Model):
    """A delivery district; `id` is the Lavka region number, `name` the dispatch API's string."""

    __tablename__ = "districts"

    # Ids come from the Lavka client (region numbers) or are chosen by the dispatch door; never a sequence.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)

    def __repr__(self) -> str:
        return f"<District {self.id} {self.name!r}>"
