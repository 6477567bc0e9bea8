from __future__ import annotations

from datetime import datetime

import strawberry

from domain.annotations import model

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
StarColor = model.StarColor
strawberry.enum(model.StarColor, name="StarColor")


@strawberry.type
class Remark:
    text: str
    author_id: str
    at: datetime

    @staticmethod
    def of(remark: model.Remark) -> Remark:
        return Remark(text=remark.text, author_id=remark.author_id, at=remark.at)


@strawberry.type
class CustomerRemark:
    text: str
    updated_at: datetime
    updated_by: str
    history: list[Remark] = strawberry.field(description="Every change, newest first, with the text it set "
                                                         "(empty for a clear).")


@strawberry.type
class Star:
    customer_id: str
    color: StarColor
    starred_at: datetime

    @staticmethod
    def of(star: model.Star) -> Star:
        return Star(customer_id=star.customer_id, color=star.color, starred_at=star.starred_at)

    @staticmethod
    def of_any(star: model.Star | None) -> Star | None:
        return Star.of(star) if star else None


@strawberry.type
class CustomerProfile:
    customer_id: str
    remark: CustomerRemark | None = strawberry.field(description="N1: the shop's remark; null when none is set.")
    star: Star | None = strawberry.field(description="The viewing agent's star, if any.")
    remark_history: list[Remark] = strawberry.field(
        description="Every change of the remark, newest first, also after it was cleared.")


@strawberry.type
class Contact:
    customer_id: str
    star: Star | None
    last_contact_at: datetime | None

    @staticmethod
    def of(contact: model.Contact) -> Contact:
        return Contact(customer_id=contact.customer_id, star=Star.of_any(contact.star),
                       last_contact_at=contact.last_contact_at)


@strawberry.type
class Shortcut:
    action: str
    keys: str = strawberry.field(description='Normalised form, e.g. "Alt+Shift+M".')
