"""the psychoeducation library: articles, attachments, read counters (心理科普)

Revision ID: 0122_library
Revises: 0121_group_sessions
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0122_library"
down_revision: str | None = "0121_group_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = wellbeing.core.db.UtcDateTime(timezone=True)
    op.create_table('library_articles',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('summary_zh', sa.String(length=500), nullable=False),
    sa.Column('summary_en', sa.String(length=500), nullable=False),
    sa.Column('body_zh', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('html_zh', sa.Text(), nullable=False),
    sa.Column('html_en', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', when, nullable=False),
    sa.Column('updated_at', when, nullable=False),
    sa.Column('published_at', when, nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_library_articles_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_articles')),
    sa.UniqueConstraint('slug', name=op.f('uq_library_articles_slug'))
    )
    with op.batch_alter_table('library_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_articles_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_articles_status'), ['status'], unique=False)

    op.create_table('library_attachments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('article_id', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', when, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['library_articles.id'], name=op.f('fk_library_attachments_article_id_library_articles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_attachments'))
    )
    with op.batch_alter_table('library_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_attachments_article_id'), ['article_id'], unique=False)

    op.create_table('library_read_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['library_articles.id'], name=op.f('fk_library_read_counts_article_id_library_articles')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_library_read_counts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_read_counts')),
    sa.UniqueConstraint('article_id', 'unit_id', 'month', name=op.f('uq_library_read_counts_article_id'))
    )
    with op.batch_alter_table('library_read_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_read_counts_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_read_counts_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('library_read_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_read_counts_unit_id'))
        batch_op.drop_index(batch_op.f('ix_library_read_counts_article_id'))
    op.drop_table('library_read_counts')
    with op.batch_alter_table('library_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_attachments_article_id'))
    op.drop_table('library_attachments')
    with op.batch_alter_table('library_articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_articles_status'))
        batch_op.drop_index(batch_op.f('ix_library_articles_category'))
    op.drop_table('library_articles')
