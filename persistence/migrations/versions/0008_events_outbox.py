"""events: the transactional outbox (E1) replaces the audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:20:00

The audit log's rows become events: their types are renamed to the EventType names, their subjects to the GraphQL
type names, and who may see each (shop, buyer, streamer) is read from the subject's row. Star and shortcut events
of round 1 did not record the agent's shop, so they stay visible to the platform only.
"""
import sqlalchemy as sa
from alembic import op

import persistence.shared.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

CLAIM_ACTIONS = {"SUBMITTED", "ACCEPTED", "REJECTED", "ESCALATED", "WITHDRAWN", "EVIDENCE_ADDED",
                 "EVIDENCE_INVALIDATED", "RULED", "MERCHANT_RESPONDED"}
ORDER_TYPES = {"PLACED": "ORDER_PLACED", "PAID": "ORDER_PAID", "PAYMENT_FAILED": "ORDER_CANCELLED",
               "DELIVERED": "ORDER_DELIVERED", "CANCELLED": "ORDER_CANCELLED", "REMARK_SET": "ORDER_REMARK_CHANGED",
               "REMARK_CLEARED": "ORDER_REMARK_CHANGED"}


def upgrade() -> None:
    op.create_table(
        'events',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('type', sa.String(length=48), nullable=False),
        sa.Column('occurred_at', persistence.shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_role', sa.String(length=16), nullable=False),
        sa.Column('actor_id', sa.String(length=128), nullable=False),
        sa.Column('subject_type', sa.String(length=32), nullable=False),
        sa.Column('subject_key', sa.String(length=200), nullable=False),
        sa.Column('shop_id', sa.BigInteger(), nullable=True),
        sa.Column('buyer_id', sa.String(length=128), nullable=True),
        sa.Column('streamer_id', sa.String(length=128), nullable=True),
        sa.Column('data', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_events_shop', 'events', ['shop_id', 'id'])
    op.create_index('ix_events_buyer', 'events', ['buyer_id', 'id'])
    op.create_index('ix_events_streamer', 'events', ['streamer_id', 'id'])
    op.create_index('ix_events_subject', 'events', ['subject_type', 'subject_key', 'id'])
    _copy_audit_log()
    op.drop_index('ix_audit_subject', table_name='audit_events')
    op.drop_table('audit_events')


def _copy_audit_log() -> None:
    bind = op.get_bind()
    claims = {r[0]: (r[1], r[2]) for r in bind.execute(sa.text("SELECT id, shop_id, buyer_id FROM claims"))}
    orders = {r[0]: (r[1], r[2]) for r in bind.execute(sa.text("SELECT id, shop_id, buyer_id FROM orders"))}
    reviews = {r[0]: (r[1], r[2]) for r in bind.execute(sa.text("SELECT id, shop_id, buyer_id FROM reviews"))}
    appeals = {r[0]: r[1] for r in bind.execute(sa.text("SELECT id, shop_id FROM appeals"))}
    templates = {r[0]: (r[1], r[2]) for r in bind.execute(sa.text(
        "SELECT id, issuer_kind, issuer_id FROM coupon_templates"))}
    coupons = {r[0]: (r[1], r[2]) for r in bind.execute(sa.text("SELECT id, template_id, owner_id FROM coupons"))}

    def template_audience(template_id):
        kind, issuer = templates.get(template_id, (None, None))
        return (int(issuer) if kind == "MERCHANT" and issuer else None), (issuer if kind == "STREAMER" else None)

    rows = []
    for (_id, subject, key, kind, at, role, actor) in bind.execute(sa.text(
            "SELECT id, subject_type, subject_id, type, at, actor_role, actor_id FROM audit_events ORDER BY id")):
        shop = buyer = streamer = None
        if subject == "claim":
            new_type = f"CLAIM_{kind}" if kind in CLAIM_ACTIONS else "CLAIM_REMARK_ADDED"
            subject_type, (shop, buyer) = "Claim", claims.get(key, (None, None))
            buyer = None if new_type == "CLAIM_REMARK_ADDED" else buyer
        elif subject == "order":
            new_type, subject_type = ORDER_TYPES.get(kind, "ORDER_PLACED"), "Order"
            shop, buyer = orders.get(key, (None, None))
            buyer = None if new_type == "ORDER_REMARK_CHANGED" else buyer
        elif subject == "review":
            new_type, subject_type, (shop, buyer) = "REVIEW_RECORDED", "Review", reviews.get(key, (None, None))
        elif subject == "appeal":
            new_type = "APPEAL_FILED" if kind == "FILED" else "APPEAL_DECIDED"
            subject_type, shop = "Appeal", appeals.get(key)
        elif subject == "shop":
            new_type, subject_type, shop = "APPEAL_RESTRICTION_CHANGED", "Shop", key
        elif subject == "calendar":
            new_type, subject_type = "WORKING_CALENDAR_SET", "WorkingCalendar"
        elif subject == "coupon_template":
            new_type, subject_type = "COUPON_TEMPLATE_CREATED", "CouponTemplate"
            shop, streamer = template_audience(key)
        elif subject == "coupon":
            template_id, buyer = coupons.get(key, (None, None))
            new_type, subject_type = "COUPON_CLAIMED", "Coupon"
            shop, streamer = template_audience(template_id)
        elif subject == "agent_star":
            new_type, subject_type, key = "STAR_CHANGED", "Agent", actor
        else:  # agent_shortcut
            new_type, subject_type, key = "SHORTCUT_CHANGED", "Agent", actor
        rows.append(dict(type=new_type, occurred_at=at, actor_role=role, actor_id=actor, subject_type=subject_type,
                         subject_key=str(key), shop_id=shop, buyer_id=buyer, streamer_id=streamer,
                         data=f'{{"recordedAs":"{kind}"}}'))
    if rows:
        events = sa.table('events', *(sa.column(name) for name in rows[0]))
        bind.execute(events.insert(), rows)


def downgrade() -> None:
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject_type', sa.String(length=32), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=48), nullable=False),
        sa.Column('at', persistence.shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_role', sa.String(length=16), nullable=False),
        sa.Column('actor_id', sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_subject', 'audit_events', ['subject_type', 'subject_id'])
    op.drop_table('events')
