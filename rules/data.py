"""Data the rules consult: the dated VAT-rate table and the company's master data.

Both are files a compliance officer edits, not code: next year's VAT change is a new row in
`rules/data/vat_rates.yaml`, a new supplier a new entry in the company's master data file
(`BACKOFFICE_MASTER_DATA`, YAML or CSV). They are read and checked with the rule packs, so a
mistake in them is refused at load time like a mistake in a rule.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

from rules.errors import RulePackError

DATA_DIR = Path(__file__).parent / "data"
VAT_RATES = DATA_DIR / "vat_rates.yaml"

_SEPARATORS = re.compile(r"[\s.\-]")


class DataFileError(RulePackError):
    """A data file that cannot be used; the message names the file and, when known, the line."""


# --- VAT rates ----------------------------------------------------------------------------


class VatRate(BaseModel):
    """One rate and the period it may be charged in (open-ended when a bound is missing)."""

    # Validators built when first used (defer_build): a process whose rules come from the
    # cache (rules/cache.py) validates no pack or data file.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    rate: StrictStr = Field(pattern=r"^([0-9]+([.][0-9]+)?|KCT|KKKNT|KHAC)$")
    valid_from: date | None = Field(default=None, alias="from")
    valid_until: date | None = Field(default=None, alias="until")
    basis: StrictStr = Field(min_length=1, description="The legal text that sets the rate.")

    @model_validator(mode="after")
    def _ordered(self) -> VatRate:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError(f"rate {self.rate}: until {self.valid_until} is before its start")
        return self

    def applies_on(self, day: date) -> bool:
        starts = self.valid_from is None or self.valid_from <= day
        return starts and (self.valid_until is None or day <= self.valid_until)


class VatTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rates: tuple[VatRate, ...]

    def allowed(self, day: date) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rate.rate for rate in self.rates if rate.applies_on(day)))

    def permits(self, rate: str, day: date) -> bool:
        allowed = self.allowed(day)
        if rate.startswith("KHAC:"):
            return "KHAC" in allowed and re.fullmatch(r"KHAC:[0-9]+([.][0-9]+)?", rate) is not None
        return rate in allowed


def load_vat_table(path: Path = VAT_RATES) -> VatTable:
    try:
        return VatTable.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise DataFileError(f"{path}: {_problems(error)}") from error


# --- company master data ------------------------------------------------------------------


class Supplier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: StrictStr | None = None
    bank_accounts: tuple[StrictStr, ...] = ()


class MasterData(BaseModel):
    """The company's own facts. Tax codes and account numbers must be quoted in YAML: an
    unquoted `0101243150` is an octal number to YAML and would lose its leading zero."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    own_tax_codes: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    suppliers: dict[StrictStr, Supplier] = Field(default_factory=dict)
    thresholds: dict[StrictStr, Decimal] = Field(default_factory=dict)

    @cached_property
    def tables(self) -> dict[str, Mapping[str, Any]]:
        return {
            "own_tax_codes": self.own_tax_codes,
            "supplier_names": {
                code: supplier.name for code, supplier in self.suppliers.items() if supplier.name
            },
            "supplier_bank_accounts": {
                code: tuple(compact_account(account) for account in supplier.bank_accounts)
                for code, supplier in self.suppliers.items()
                if supplier.bank_accounts
            },
            "thresholds": self.thresholds,
        }

    def lookup(self, table: str, key: str) -> Any:
        return self._table(table).get(key)

    def keys(self, table: str) -> tuple[str, ...]:
        return tuple(self._table(table))

    def _table(self, table: str) -> Mapping[str, Any]:
        tables = self.tables
        if table not in tables:
            raise ValueError(f"no master data table {table!r}; tables: {', '.join(TABLES)}")
        return tables[table]


# Without validating (model_construct): the empty data's defaults are valid, and a process
# whose rules come from the cache never builds MasterData's validator.
TABLES = tuple(MasterData.model_construct().tables)


def load_master_data(path: Path | None) -> MasterData:
    """The company's master data from a YAML file (the shape of `MasterData`) or a CSV file
    with the columns `table,key,value` (one row per own tax code, supplier name, supplier bank
    account or threshold; several rows give a supplier several accounts). No file, no data."""
    if path is None:
        return MasterData()
    if path.suffix.lower() == ".csv":
        return _master_data_from_csv(path)
    try:
        return MasterData.model_validate(_read_yaml(path) or {})
    except ValidationError as error:
        raise DataFileError(f"{path}: {_problems(error)}") from error


def _master_data_from_csv(path: Path) -> MasterData:
    own: dict[str, str] = {}
    suppliers: dict[str, dict[str, Any]] = {}
    thresholds: dict[str, Decimal] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataFileError(f"{path}: cannot be read: {error}") from error
    if rows and set(rows[0]) != {"table", "key", "value"}:
        raise DataFileError(f"{path}:1: the columns must be table,key,value")
    for line, row in enumerate(rows, start=2):
        table, key, value = (row.get(name) or "" for name in ("table", "key", "value"))
        table, key, value = table.strip(), key.strip(), value.strip()
        if not key or not value:
            raise DataFileError(f"{path}:{line}: a row needs a key and a value")
        if table == "own_tax_codes":
            own[key] = value
        elif table == "supplier_names":
            suppliers.setdefault(key, {"bank_accounts": []})["name"] = value
        elif table == "supplier_bank_accounts":
            suppliers.setdefault(key, {"bank_accounts": []})["bank_accounts"].append(value)
        elif table == "thresholds":
            try:
                thresholds[key] = Decimal(value)
            except InvalidOperation:
                raise DataFileError(f"{path}:{line}: threshold {value!r} is not a number") from None
        else:
            raise DataFileError(f"{path}:{line}: no table {table!r}; tables: {', '.join(TABLES)}")
    return MasterData.model_validate(
        {"own_tax_codes": own, "suppliers": suppliers, "thresholds": thresholds}
    )


def compact_account(account: str) -> str:
    """An account number without the spaces, dots and dashes it is printed grouped with."""
    return _SEPARATORS.sub("", account).upper()


def _read_yaml(path: Path) -> Any:
    import yaml  # only when a file is read, not when the rules come from the cache

    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        raise DataFileError(f"{path}{at}: not valid YAML: {error}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: cannot be read: {error}") from error


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()
    )
