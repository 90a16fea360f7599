"""The chart of accounts and the rules placing invoice lines on it, read from data files.

The built-in presets (`pipeline/ledger/data/charts.yaml`, Circulars 99/2025 and 133/2016) and
default rules (`pipeline/ledger/data/account_mapping.yaml`) are completed by the company's overlay
(`BACKOFFICE_ACCOUNT_MAPPING`), which an administrator edits: its chart choice, extra
accounts and rules by supplier, keyword or unit. Everything is checked when loaded (every
account a rule or category names must be in the chart), so a typo is refused before the
first entry is booked to an account that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)

from extractors.text import fold
from rules.data import DataFileError

DATA_DIR = Path(__file__).parent / "data"
CHARTS = DATA_DIR / "charts.yaml"
DEFAULT_MAPPING = DATA_DIR / "account_mapping.yaml"

Category = Literal["goods", "materials", "tools", "fixed_assets", "prepaid", "services"]
AccountNumber = StrictStr
_Model = TypeVar("_Model", bound=BaseModel)


class Chart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr
    accounts: dict[AccountNumber, StrictStr]
    categories: dict[Category, AccountNumber]
    input_vat: AccountNumber
    input_vat_fixed_assets: AccountNumber
    fixed_asset_prefixes: tuple[StrictStr, ...] = ()
    payable: AccountNumber


class Charts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    charts: dict[StrictStr, Chart]


class MappingRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    note: StrictStr | None = None
    supplier: StrictStr | None = None
    keywords: tuple[StrictStr, ...] = ()
    units: tuple[StrictStr, ...] = ()
    category: Category | None = None
    account: AccountNumber | None = None
    deductible: StrictBool = True

    @model_validator(mode="after")
    def _meaningful(self) -> MappingRule:
        if self.supplier is None and not self.keywords and not self.units:
            raise ValueError("a rule needs a condition: supplier, keywords or units")
        if self.category is not None and self.account is not None:
            raise ValueError("a rule gives a category or an account, not both")
        if self.category is None and self.account is None and self.deductible:
            raise ValueError("a rule gives a category, an account or `deductible: false`")
        return self

    @cached_property
    def _phrases(self) -> tuple[tuple[str, ...], ...]:
        return tuple(words(keyword) for keyword in self.keywords)

    @cached_property
    def _units(self) -> frozenset[tuple[str, ...]]:
        return frozenset(words(unit) for unit in self.units)

    def matches(self, *, description: str, unit: str, supplier: str | None) -> bool:
        if self.supplier is not None and (
            supplier is None or self.supplier not in (supplier, supplier.split("-")[0])
        ):
            return False
        if self._phrases:
            tokens = words(description)
            if not any(_contains(tokens, phrase) for phrase in self._phrases):
                return False
        return not self._units or words(unit) in self._units


class MappingFile(BaseModel):
    """The shape of the built-in mapping and of a company overlay."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chart: StrictStr | None = None
    default_category: Category | None = None
    cash_limit: Decimal | None = Field(default=None, ge=0)
    accounts: dict[AccountNumber, StrictStr] = Field(default_factory=dict)
    categories: dict[Category, AccountNumber] = Field(default_factory=dict)
    rules: tuple[MappingRule, ...] = ()


@dataclass(frozen=True)
class Placement:
    """Where one line goes: `placed` is false when no rule decided its account."""

    account: str
    deductible: bool
    placed: bool


class AccountMapping(BaseModel):
    """A chart with the company's additions, and the rules in the order they are tried."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chart_id: StrictStr
    chart: Chart
    default_category: Category
    cash_limit: Decimal
    rules: tuple[MappingRule, ...]
    # The supplier's default expense account from its master data (pipeline/ledger/
    # suppliers.py), for lines no rule places; the default category's account otherwise.
    fallback_account: AccountNumber | None = None

    def account_name(self, account: str) -> str:
        return self.chart.accounts[account]

    def input_vat_account(self, account: str) -> str:
        if account.startswith(self.chart.fixed_asset_prefixes):
            return self.chart.input_vat_fixed_assets
        return self.chart.input_vat

    def place(self, *, description: str, unit: str, supplier: str | None) -> Placement:
        account: str | None = None
        deductible = True
        for rule in self.rules:
            if not rule.matches(description=description, unit=unit, supplier=supplier):
                continue
            deductible = deductible and rule.deductible
            if account is None and (rule.account or rule.category):
                account = rule.account or self.chart.categories[rule.category]  # type: ignore[index]
        placed = account is not None
        return Placement(
            account=account
            or self.fallback_account
            or self.chart.categories[self.default_category],
            deductible=deductible,
            placed=placed,
        )


def words(text: str) -> tuple[str, ...]:
    """The words of `text` without diacritics, in lower case: what keywords are matched on."""
    return tuple(re.findall(r"\w+", fold(text).casefold()))


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return size > 0 and any(tokens[i : i + size] == phrase for i in range(len(tokens) - size + 1))


def load_account_mapping(overlay: Path | None = None) -> AccountMapping:
    """The built-in mapping with the company's overlay laid over it (no overlay, no change)."""
    charts = _load(CHARTS, Charts)
    base = _load(DEFAULT_MAPPING, MappingFile)
    company = _load(overlay, MappingFile) if overlay is not None else MappingFile()
    chart_id = company.chart or base.chart
    where = overlay if company.chart else DEFAULT_MAPPING
    if chart_id is None or chart_id not in charts.charts:
        raise DataFileError(f"{where}: no chart {chart_id!r}; charts: {', '.join(charts.charts)}")
    preset = charts.charts[chart_id]
    chart = preset.model_copy(
        update={
            "accounts": preset.accounts | base.accounts | company.accounts,
            "categories": preset.categories | base.categories | company.categories,
        }
    )
    # Supplier rules first, each group in file order with the company's before the built-in.
    ordered = company.rules + base.rules
    rules = tuple(r for r in ordered if r.supplier) + tuple(r for r in ordered if not r.supplier)
    for source, mapping in ((overlay, company), (DEFAULT_MAPPING, base)):
        _check_accounts(source, mapping, chart)
    _check_chart(CHARTS, chart_id, chart)
    return AccountMapping(
        chart_id=chart_id,
        chart=chart,
        default_category=company.default_category or base.default_category or "services",
        cash_limit=next(
            limit
            for limit in (company.cash_limit, base.cash_limit, Decimal(0))
            if limit is not None
        ),
        rules=rules,
    )


def cached_account_mapping(overlay: Path | None) -> AccountMapping:
    """The mapping as `load_account_mapping` gives it, read again when the administrator has
    changed the overlay since (no restart needed)."""
    changed = overlay.stat().st_mtime_ns if overlay is not None and overlay.exists() else None
    return _cached(overlay, changed)


@lru_cache(maxsize=8)
def _cached(overlay: Path | None, _changed: int | None) -> AccountMapping:
    return load_account_mapping(overlay)


def _check_accounts(source: Path | None, mapping: MappingFile, chart: Chart) -> None:
    for number, rule in enumerate(mapping.rules, start=1):
        if rule.account is not None and rule.account not in chart.accounts:
            raise DataFileError(
                f"{source}: rule {number} books to account {rule.account}, which the chart "
                "does not have; add it under `accounts:`"
            )
    for category, account in mapping.categories.items():
        if account not in chart.accounts:
            raise DataFileError(f"{source}: category {category}: no account {account} in the chart")


def _check_chart(source: Path, chart_id: str, chart: Chart) -> None:
    named = [*chart.categories.values(), chart.input_vat, chart.input_vat_fixed_assets]
    for account in [*named, chart.payable]:
        if account not in chart.accounts:
            raise DataFileError(f"{source}: chart {chart_id} uses account {account}, not listed")


def _load(path: Path, model: type[_Model]) -> _Model:
    try:
        with path.open(encoding="utf-8") as stream:
            data: Any = yaml.safe_load(stream)
    except yaml.YAMLError as error:
        raise DataFileError(f"{path}: not valid YAML: {error}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: cannot be read: {error}") from error
    try:
        return model.model_validate(data or {})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        )
        raise DataFileError(f"{path}: {problems}") from error
