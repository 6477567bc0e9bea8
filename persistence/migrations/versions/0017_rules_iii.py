"""Rules III: one 仲裁/賠付 chance per claim, the order's first after-sale for the return rate

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 04:30:00

Works on a database holding earlier data; the new columns are filled from the rows already there:
- ``appeals.scenario`` (A2): the appeal's kind, ``RULING`` for ARBITRATION and COMPENSATION, which are one chance.
  Where a claim already had both, the earlier keeps ``RULING`` and the later keeps its kind: what was filed stays
  as it was, and neither leaves a chance open (``uq_appeals_scenario`` replaces ``uq_appeals_subject``).
- ``appeals.subject_type`` widens to 16 characters (a violation is a subject now).
- ``orders.first_claim_id`` (A5): the earliest claim on the order not withdrawn.
- ``claims.counts_toward_return_rate`` (A5): true only on an order's first after-sale, for a product reason (not
  OTHER), unless an approved RETURN_RATE appeal excluded it; every later claim of an order stops counting.
- ``shop_scores.counted_claims``: recounted from those flags, so no shop's return rate is above 1.
- ``claims``: C5's late performance, payout and agreement columns (nullable or false: no claim had them);
  a ``violations`` table (V1), empty: no violation was recorded before.
- ``agent_contacts`` (N4): a starred customer who was never a contact becomes one, at the time of the star.
- SQLite: ``webhook_endpoints``, ``webhook_deliveries`` and ``agent_stars`` are made again with AUTOINCREMENT, so an
  id is never handed out twice (the foreign keys are off while a table is made again, and checked after).
- ``webhook_endpoints.owner_key``/``slot`` (E5's 20 per owner, decided by ``uq_webhook_endpoint_slot``): numbered
  by age per owner.
"""
import logging

import sqlalchemy as sa
import sqlmodel
from alembic import op

from persistence.shared.types import UTCDateTime

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PRODUCT_REASONS = "('ROTTEN_OR_SPOILED', 'DAMAGED', 'QUALITY_ISSUE', 'NOT_AS_DESCRIBED')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    op.add_column('appeals', sa.Column('scenario', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
    if not _sqlite():  # SQLite does not enforce a VARCHAR's length, and recreating appeals would break its FKs
        op.alter_column('appeals', 'subject_type', type_=sqlmodel.sql.sqltypes.AutoString(length=16),
                        existing_type=sqlmodel.sql.sqltypes.AutoString(length=8), existing_nullable=False)
    op.add_column('orders', sa.Column('first_claim_id', sa.BigInteger(), nullable=True))
    op.add_column('claims', sa.Column('performed_late', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('claims', sa.Column('payout_refund_fen', sa.BigInteger(), nullable=True))
    op.add_column('claims', sa.Column('payout_compensation_fen', sa.BigInteger(), nullable=True))
    op.add_column('claims', sa.Column('payout_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
    op.add_column('claims', sa.Column('payout_paid_at', UTCDateTime(timezone=True), nullable=True))
    op.add_column('claims', sa.Column('proposal_amount_fen', sa.BigInteger(), nullable=True))
    op.add_column('claims', sa.Column('proposal_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True))
    op.add_column('claims', sa.Column('proposed_at', UTCDateTime(timezone=True), nullable=True))
    op.add_column('claims', sa.Column('proposed_by', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
    op.add_column('claims', sa.Column('proposal_accepted_at', UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'violations',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('shop_id', sa.BigInteger(), sa.ForeignKey('shops.id'), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('claim_id', sa.BigInteger(), nullable=True),
        sa.Column('appeal_id', sa.BigInteger(), nullable=True),
        sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('withdrawn_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column('withdrawal_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
    )
    op.create_index('ix_violations_shop', 'violations', ['shop_id', 'id'])
    op.create_index('ix_violations_shop_status_kind', 'violations', ['shop_id', 'status', 'kind'])
    op.create_index('ix_violations_shop_recorded', 'violations', ['shop_id', 'recorded_at'])
    op.create_index('ix_violations_recorded', 'violations', ['recorded_at'])
    _backfill_scenarios()
    if _sqlite():
        # In place: recreating appeals (to drop a constraint) fails on the foreign keys of appeal_evidence. The old
        # constraint (kind, subject_type, subject_id) stays beside the new index, and never fires first: two appeals
        # of one kind and subject always share a scenario and subject.
        op.create_index('uq_appeals_scenario', 'appeals', ['scenario', 'subject_id'], unique=True)
    else:
        op.alter_column('appeals', 'scenario', existing_type=sqlmodel.sql.sqltypes.AutoString(length=16),
                        nullable=False)
        op.drop_constraint('uq_appeals_subject', 'appeals', type_='unique')
        op.create_unique_constraint('uq_appeals_scenario', 'appeals', ['scenario', 'subject_id'])
    _backfill_first_after_sales()
    _webhook_slots()
    op.add_column('persisted_queries', sa.Column('registered_by', sqlmodel.sql.sqltypes.AutoString(length=200),
                                                 nullable=True))
    op.create_index('ix_persisted_queries_registered_by', 'persisted_queries', ['registered_by'])
    _ids_never_reused()
    op.get_bind().execute(sa.text(  # N4: every starred customer is a contact of the agent
        "INSERT INTO agent_contacts (agent_id, customer_id, last_contact_at, recorded_by) "
        "SELECT s.agent_id, s.customer_id, s.starred_at, s.agent_id FROM agent_stars s WHERE NOT EXISTS "
        "(SELECT 1 FROM agent_contacts c WHERE c.agent_id = s.agent_id AND c.customer_id = s.customer_id)"))


def _webhook_slots() -> None:
    """E5's limit in the database: each endpoint holds one of its owner's slots, numbered by age (an owner that
    raced past 20 keeps its extra endpoints, in slots above 20 that new endpoints never take)."""
    op.add_column('webhook_endpoints', sa.Column('owner_key', sqlmodel.sql.sqltypes.AutoString(length=40),
                                                 nullable=True))
    op.add_column('webhook_endpoints', sa.Column('slot', sa.Integer(), nullable=True))
    bind = op.get_bind()
    counts: dict[str, int] = {}
    for endpoint_id, role, shop_id in bind.execute(sa.text(
            "SELECT id, owner_role, shop_id FROM webhook_endpoints ORDER BY id")).all():
        key = f"{role}:{shop_id}" if role == 'MERCHANT' else role
        counts[key] = counts.get(key, 0) + 1
        bind.execute(sa.text("UPDATE webhook_endpoints SET owner_key = :key, slot = :slot WHERE id = :id"),
                     {"key": key, "slot": counts[key], "id": endpoint_id})
    op.create_index('uq_webhook_endpoint_slot', 'webhook_endpoints', ['owner_key', 'slot'], unique=True)


REUSED_IDS = ('webhook_deliveries', 'webhook_endpoints', 'agent_stars')  # the tables that delete rows


def _ids_never_reused() -> None:
    """SQLite hands out max(id) + 1, so deleting the newest row gave its id to the next one (a new webhook endpoint
    repeated a deleted one's id, and its deliveries an old webhook-id). AUTOINCREMENT never hands an id out twice;
    PostgreSQL's sequences never did."""
    if not _sqlite():
        return
    for name in REUSED_IDS:
        with op.batch_alter_table(name, recreate='always', table_kwargs={'sqlite_autoincrement': True}):
            pass


def _backfill_scenarios() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE appeals SET scenario = kind WHERE kind NOT IN ('ARBITRATION', 'COMPENSATION')"))
    seen: set[int] = set()
    for appeal_id, subject_id in bind.execute(sa.text(
            "SELECT id, subject_id FROM appeals WHERE kind IN ('ARBITRATION', 'COMPENSATION') ORDER BY id")).all():
        scenario = 'RULING' if subject_id not in seen else None
        seen.add(subject_id)
        bind.execute(sa.text("UPDATE appeals SET scenario = COALESCE(:scenario, kind) WHERE id = :id"),
                     {"scenario": scenario, "id": appeal_id})


def _backfill_first_after_sales() -> None:
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE orders SET first_claim_id = (SELECT min(c.id) FROM claims c WHERE c.order_id = orders.id "
        "AND c.status <> 'WITHDRAWN')"))
    bind.execute(sa.text(
        "UPDATE claims SET counts_toward_return_rate = "
        f"(status <> 'WITHDRAWN' AND reason IN {PRODUCT_REASONS} "
        "AND id = (SELECT o.first_claim_id FROM orders o WHERE o.id = claims.order_id) "
        "AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.kind = 'RETURN_RATE' AND a.subject_type = 'claim' "
        "AND a.subject_id = claims.id AND a.status = 'APPROVED'))"))
    recount = ("(SELECT count(*) FROM claims c WHERE c.shop_id = shop_scores.shop_id "
               "AND c.counts_toward_return_rate)")
    moved = bind.execute(sa.text(f"SELECT count(*) FROM shop_scores WHERE counted_claims <> {recount}")).scalar_one()
    bind.execute(sa.text(f"UPDATE shop_scores SET counted_claims = {recount}"))
    logging.getLogger("alembic.runtime.migration").info("0017: the return rate of %s shop(s) moved (A5)", moved)


def downgrade() -> None:
    op.drop_index('ix_persisted_queries_registered_by', table_name='persisted_queries')
    with op.batch_alter_table('persisted_queries', recreate='never') as batch:
        batch.drop_column('registered_by')
    op.drop_index('uq_webhook_endpoint_slot', table_name='webhook_endpoints')
    with op.batch_alter_table('webhook_endpoints', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        batch.drop_column('slot')
        batch.drop_column('owner_key')
    op.drop_table('violations')
    with op.batch_alter_table('claims', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        for column in ('proposal_accepted_at', 'proposed_by', 'proposed_at', 'proposal_note', 'proposal_amount_fen',
                       'payout_paid_at', 'payout_status', 'payout_compensation_fen', 'payout_refund_fen',
                       'performed_late'):
            batch.drop_column(column)
    if _sqlite():
        op.drop_index('uq_appeals_scenario', table_name='appeals')
    else:
        op.drop_constraint('uq_appeals_scenario', 'appeals', type_='unique')
        op.create_unique_constraint('uq_appeals_subject', 'appeals', ['kind', 'subject_type', 'subject_id'])
    with op.batch_alter_table('appeals', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        batch.drop_column('scenario')
    with op.batch_alter_table('orders', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        batch.drop_column('first_claim_id')
