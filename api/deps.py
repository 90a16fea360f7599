"""Request-scoped dependencies. The request owns the transaction: routers commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pipeline.settings import Settings
from rules.engine import RuleSet


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        try:
            yield session
        finally:
            session.rollback()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_rules(request: Request) -> RuleSet:
    """The rules in force now: reloaded when their files change, the last good ones kept
    when an edit broke them."""
    rules: RuleSet = request.app.state.rule_book.current()
    return rules


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RulesDep = Annotated[RuleSet, Depends(get_rules)]
