"""Notification test helpers: the app's database joined to the test's transaction."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from wellbeing.core.db import Database


@pytest.fixture
def database(app: Flask, db_session: Session) -> Database:
    """The app's Database; its sessions join the test's (rolled-back) transaction."""
    joined: Database = app.extensions["wellbeing.db"]
    return joined
